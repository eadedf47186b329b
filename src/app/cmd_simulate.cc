// stoa simulate [--seed N] [--seeds K] [--steps M]: runs K seeds starting at N through the seeded
// simulator (docs/simulator.md), one summary line per seed; on the first failure prints the
// seed, step, call and violated invariant and exits 1. Bad flags exit 2.
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "commands.h"
#include "stoa/sim/simulator.h"

namespace stoa::app {
namespace {
constexpr const char* kUsage =
    "usage: stoa simulate [--seed N] [--seeds K] [--steps M] [--checkpoint C] [--no-replay] "
    "[--quiet] [--verbose]\n"
    "  --seed N        first seed (default 1)\n"
    "  --seeds K       number of consecutive seeds (default 1)\n"
    "  --steps M       random calls per seed (default 2000)\n"
    "  --checkpoint C  steps between compared state digests (default 100)\n"
    "  --no-replay     skip the replay of each seed in a fresh state\n"
    "  --quiet         print only failures and the final total\n"
    "  --verbose       also print every revert reason with its count\n";

std::optional<uint64_t> parse_u64(const std::string& s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// A core assertion aborts the process: print what was running so the seed is never lost.
extern "C" void on_fatal_signal(int sig) {
  const char* head = "\nstoa simulate: crashed while running ";
  const char* ctx = sim::current_call_context();
  ssize_t ignored = write(STDERR_FILENO, head, std::strlen(head));
  ignored = write(STDERR_FILENO, ctx, std::strlen(ctx));
  ignored = write(STDERR_FILENO, "\n", 1);
  (void)ignored;
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}
}  // namespace

int cmd_simulate(const Args& args) {
  uint64_t seed = 1, seeds = 1, steps = 2000, checkpoint = 100;
  bool replay = true, quiet = false, verbose = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--no-replay") {
      replay = false;
      continue;
    }
    if (a == "--verbose") {
      verbose = true;
      continue;
    }
    if (a == "--quiet") {
      quiet = true;
      continue;
    }
    uint64_t* target = a == "--seed"         ? &seed
                       : a == "--seeds"      ? &seeds
                       : a == "--steps"      ? &steps
                       : a == "--checkpoint" ? &checkpoint
                                             : nullptr;
    if (target == nullptr) {
      std::fprintf(stderr, "stoa simulate: unknown argument '%s'\n%s", a.c_str(), kUsage);
      return 2;
    }
    if (i + 1 >= args.size()) {
      std::fprintf(stderr, "stoa simulate: %s needs a value\n%s", a.c_str(), kUsage);
      return 2;
    }
    auto v = parse_u64(args[++i]);
    if (!v) {
      std::fprintf(stderr, "stoa simulate: %s expects a non-negative integer, got '%s'\n",
                   a.c_str(), args[i].c_str());
      return 2;
    }
    *target = *v;
  }
  if (seeds == 0 || steps == 0) {
    std::fprintf(stderr, "stoa simulate: --seeds and --steps must be at least 1\n");
    return 2;
  }
  if (seeds - 1 > UINT64_MAX - seed) {
    std::fprintf(stderr, "stoa simulate: --seed + --seeds overflows 2^64\n");
    return 2;
  }
  std::signal(SIGABRT, on_fatal_signal);
  std::signal(SIGSEGV, on_fatal_signal);

  uint64_t calls = 0, reverted = 0;
  for (uint64_t k = 0; k < seeds; ++k) {
    sim::SimOptions o;
    o.seed = seed + k;
    o.steps = steps;
    o.checkpoint_every = checkpoint;
    o.replay = replay;
    sim::SimReport r = sim::run_seed(o);
    calls += r.calls;
    reverted += r.reverted;
    if (!quiet || !r.ok()) std::printf("%s\n", sim::summary_line(r).c_str());
    if (verbose) {
      for (const auto& [method, n] : r.calls_by_method) {
        std::printf("  call %-36s %llu (%llu ok)\n", method.c_str(),
                    static_cast<unsigned long long>(n.first),
                    static_cast<unsigned long long>(n.second));
      }
      for (const auto& [reason, n] : r.reverts_by_reason) {
        std::printf("  %-40s %llu\n", reason.c_str(), static_cast<unsigned long long>(n));
      }
    }
    if (!r.ok()) {
      std::fflush(stdout);
      std::fprintf(stderr, "%s", sim::failure_text(r, o).c_str());
      return 1;
    }
  }
  std::printf("simulate: %llu seed(s) from %llu passed, %llu calls, %llu reverted\n",
              static_cast<unsigned long long>(seeds), static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(calls), static_cast<unsigned long long>(reverted));
  return 0;
}

}  // namespace stoa::app
