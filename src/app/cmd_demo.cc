// stoa demo: runs the built-in demo offering (examples/demo.scn, embedded at build time) and
// prints, for a person, each security's cap table and every refused transfer with its code.
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include "commands.h"
#include "stoa/scenario/scenario.h"

namespace stoa::app {

extern const char kDemoScenario[];  // generated from examples/demo.scn (cmake/embed_text.cmake)

namespace {

// Display width: UTF-8 continuation bytes take no column.
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}
std::string pad_right(const std::string& s, size_t w) {
  return width(s) >= w ? s : s + std::string(w - width(s), ' ');
}
std::string pad_left(const std::string& s, size_t w) {
  return s.size() >= w ? s : std::string(w - s.size(), ' ') + s;
}
std::string rule(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += "─";
  return out;
}

void print_security(const scenario::SecurityReport& s) {
  const std::string title = s.symbol + " · " + s.name + " · " + s.preset_name;
  std::printf("\n%s\n%s\n", title.c_str(), rule(std::min<size_t>(width(title), 96)).c_str());
  std::printf("Token %s   Outstanding %s   Holders %llu%s\n\n", s.token.checksum_hex().c_str(),
              scenario::format_amount(s.total_supply, s.decimals).c_str(),
              static_cast<unsigned long long>(s.holder_count), s.paused ? "   PAUSED" : "");

  std::printf("  Cap table\n");
  size_t name_w = 12, bal_w = 12;
  for (const auto& h : s.cap_table) {
    name_w = std::max(name_w, h.holder.size());
    bal_w = std::max(bal_w, scenario::format_amount(h.balance, s.decimals).size());
  }
  std::printf("  %s  %s  %s\n", pad_right("Holder", name_w).c_str(),
              pad_left("Shares", bal_w).c_str(), pad_left("% of class", 10).c_str());
  for (const auto& h : s.cap_table) {
    std::printf("  %s  %s  %s\n", pad_right(h.holder, name_w).c_str(),
                pad_left(scenario::format_amount(h.balance, s.decimals), bal_w).c_str(),
                pad_left(h.percent, 10).c_str());
  }
  std::printf("  %s  %s  %s\n", pad_right("Total", name_w).c_str(),
              pad_left(scenario::format_amount(s.total_supply, s.decimals), bal_w).c_str(),
              pad_left("100.00%", 10).c_str());

  if (!s.dividends.empty()) {
    std::printf(
        "\n  Dividends — paid from the balances of record, each round from its own escrow\n");
    for (const auto& d : s.dividends)
      std::printf("  • %s\n", scenario::format_dividend_round(d).c_str());
  }
  if (!s.splits.empty()) {
    std::printf(
        "\n  Splits — every balance floored to whole shares; the fractions are owed as cash\n");
    for (const auto& x : s.splits)
      std::printf("  • %s\n", scenario::format_split(x, s.decimals).c_str());
  }
  if (s.refusals.empty()) {
    std::printf("\n  No refused calls.\n");
    return;
  }
  std::printf("\n  Refused (%zu) — the ledger said no, changed nothing, and said why\n",
              s.refusals.size());
  for (const auto& r : s.refusals) {
    std::printf("  • line %-3d %s: %s\n", r.line, r.sender.c_str(), r.call.c_str());
    if (r.code) {
      std::printf("      code %u %s — %s\n", static_cast<unsigned>(*r.code),
                  r.code_constant.c_str(), r.code_message.c_str());
    } else {
      std::printf("      %s\n", r.revert.c_str());
    }
  }
}

}  // namespace

int cmd_demo(const Args& args) {
  for (const std::string& a : args) {
    if (a == "--print") {
      std::fputs(kDemoScenario, stdout);
      return 0;
    }
    if (a == "--help" || a == "-h") {
      std::printf(
          "usage: stoa demo [--print]\n"
          "Runs the built-in demo offering and prints its cap tables and refused transfers.\n"
          "--print writes the demo scenario itself (the same text as examples/demo.scn).\n");
      return 0;
    }
    std::fprintf(stderr, "stoa demo: unknown argument '%s' (try --help)\n", a.c_str());
    return 2;
  }
  const scenario::Report r =
      scenario::run_text(std::string_view(kDemoScenario), "examples/demo.scn");
  if (!r.passed) {
    std::fputs(scenario::format_failure(*r.failure).c_str(), stderr);
    return 1;
  }
  std::printf("stoa demo — %s\n", r.title.c_str());
  std::printf(
      "The built-in scenario examples/demo.scn ran on a fresh ledger: %zu steps, every\n"
      "expectation met. Ledger time is now %s.\n"
      "See the scenario with `stoa demo --print`; run any scenario with `stoa scenario FILE`.\n",
      r.steps, scenario::format_time(r.final_timestamp).c_str());
  for (const auto& s : r.securities)
    print_security(s);
  if (!r.other_refusals.empty()) {
    std::printf("\nOther refused calls (%zu)\n", r.other_refusals.size());
    for (const auto& x : r.other_refusals) {
      std::printf("  • line %-3d %s: %s\n      %s\n", x.line, x.sender.c_str(), x.call.c_str(),
                  x.revert.c_str());
    }
  }
  std::printf("\nCodes and messages: docs/restriction-codes.md. Presets: docs/presets.md.\n");
  return 0;
}

}  // namespace stoa::app
