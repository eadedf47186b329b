// stoa scenario FILE... [--report]: runs scenario files (docs/scenarios.md); exit 0 only if all
// pass. --report prints each security's cap table and every refused call.
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "stoa/scenario/scenario.h"

namespace stoa::app {

int cmd_scenario(const Args& args) {
  bool report = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--report") {
      report = true;
    } else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: stoa scenario [--report] FILE...\n"
          "Runs each scenario (docs/scenarios.md) on a fresh ledger and prints PASS or the first\n"
          "failure with file:line, expected and actual. --report also prints each security's\n"
          "cap table and every refused call with its reason.\n");
      return 0;
    } else if (a.rfind("--", 0) == 0) {
      std::fprintf(stderr, "stoa scenario: unknown option '%s' (try --help)\n", a.c_str());
      return 2;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(
        stderr,
        "stoa scenario: no scenario file given (usage: stoa scenario [--report] FILE...)\n");
    return 2;
  }
  size_t failed = 0;
  for (const std::string& f : files) {
    scenario::Report r = scenario::run_file(f);
    if (r.passed) {
      std::printf("PASS %s (%zu steps)\n", f.c_str(), r.steps);
    } else {
      ++failed;
      std::fputs(scenario::format_failure(*r.failure).c_str(), stdout);
    }
    if (report) std::printf("\n%s\n", scenario::format_report(r).c_str());
  }
  if (files.size() > 1) {
    std::printf("%zu passed, %zu failed\n", files.size() - failed, failed);
  }
  std::fflush(stdout);
  return failed == 0 ? 0 : 1;
}

}  // namespace stoa::app
