// The balance model's costs (docs/PERFORMANCE.md, "Balance model"; issue 15), two parts.
//
// 1. Transfer cost per feature, on one security (Global preset: every holder onboarded in the
//    registry with a jurisdiction and an accreditation) with STOA_BENCH_HOLDERS holders (default
//    1,000,000), each issued 1,000,000 shares under rules version 4 (no lot). The benchmarks run
//    in this order and each adds a feature to the ledger the next ones run on:
//      Plain_V4            transfer() under rules version 4 (no lots): today's plain transfer
//      Plain_V5_Lots       the same under version 5: every credit a lot, debits FIFO
//      Plain_V6            the same under the latest version
//      ByPartition_V6      transferByPartition of a named partition (every holder was issued
//                          1,000,000 of it first)
//      Plain_Partitioned   transfer() while named partitions exist (the default partition order)
//      Plain_SenderHold    transfer() with an active hold (1,000 shares) on every sender
//      Plain_AfterSnapshot transfer() after a snapshot: each holder's first move records its
//                          checkpoint values
//    Each transfer is a full transaction (journal begin/commit, logs); pools of random pairs
//    whose second half mirrors the first leave every balance where it was. A shadow of the
//    balances checks the supply and a sample of balances after every run (a wrong answer fails).
// 2. balanceOfAt lookups per second at STOA_BENCH_AT_HOLDERS holders (default 1,000,000) and
//    STOA_BENCH_CHECKPOINTS snapshots (default 1,000), with STOA_BENCH_AT_MOVES transfers
//    (default 1,000) between consecutive snapshots, built through the core API under the latest
//    rules. Lookups are uniform over (holder, snapshot id); after every run a sample of 1,024
//    holders is checked at every snapshot against the balances a shadow recorded when each
//    snapshot was taken. Reports the build time and the peak resident memory.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench_util.h"
#include "stoa/common/keccak.h"
#include "stoa/core/access_control.h"
#include "stoa/core/factory.h"
#include "stoa/core/state.h"

namespace stoa::bench {
namespace {

using core::BlockContext;
using core::CallContext;
using core::Rules;
using core::Status;

bool g_failed = false;

void fail(benchmark::State& st, const std::string& what) {
  g_failed = true;
  std::fprintf(stderr, "balance_model_bench: CHECK FAILED: %s\n", what.c_str());
  st.SkipWithError(what.c_str());
}

// splitmix64: the same pairs on every run and machine.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint32_t below(uint64_t n) { return static_cast<uint32_t>(next() % n); }
};

Address account(uint64_t index) {
  uint8_t buf[16] = {'s', 't', 'o', 'a', '.', 'b', 'a', 'l'};
  for (int i = 0; i < 8; ++i)
    buf[8 + i] = static_cast<uint8_t>(index >> (8 * i));
  return Address::from_word(keccak256(BytesView(buf, sizeof buf)));
}

// Peak and current resident memory (/proc/self/status VmHWM and VmRSS), in MiB.
double proc_status_mib(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(field, 0) == 0)
      return std::strtod(line.c_str() + std::strlen(field), nullptr) / 1024;
  }
  return 0;
}

constexpr uint64_t kDay = 24 * 3600;
constexpr uint64_t kInitial = 1000000;
constexpr uint32_t kMaxAmount = 1000;
constexpr uint64_t kHeld = 1000;
constexpr size_t kBatch = 4096;

Bytes32 class_a() {
  return keccak256(std::string_view("CLASS_A"));
}

struct Pair {
  uint32_t from;
  uint32_t to;
  uint32_t amount;
};

// One security and its holders, built through the core API (each batch one transaction).
class Ledger {
 public:
  // Set-up transactions run under `setup_rules`.
  Ledger(size_t n, Rules setup_rules)
      : n_(n), setup_rules_(setup_rules), state_(core::GenesisConfig{1337, op_, false}) {
    accounts_.reserve(n);
    for (size_t i = 0; i < n; ++i)
      accounts_.push_back(account(i));
    tx(op_, "createSecurity", [&](CallContext& ctx) -> Status {
      auto r = state_.factory().create_security(
          ctx,
          core::CreateSecurityArgs{"Balance Bench", "BAL", 0,
                                   static_cast<uint8_t>(core::Preset::kGlobal), issuer_, officer_});
      if (!r.ok()) return r.take_revert();
      set_ = r.value();
      return Status::Ok();
    });
    token_ = state_.contract_as<core::SecurityToken>(set_.token);
    auto* registry = state_.contract_as<core::ComplianceRegistry>(set_.registry);
    static const char* const kCountries[] = {"US", "GB", "DE", "FR", "JP", "SG", "CH", "CA"};
    for (size_t b = 0; b < n; b += kBatch) {
      const size_t e = std::min(n, b + kBatch);
      tx(officer_, "onboard", [&](CallContext& ctx) -> Status {
        for (size_t i = b; i < e; ++i) {
          const char* j = kCountries[i % 8];
          STOA_TRY(registry->onboard(ctx, accounts_[i], core::jurisdiction(j[0], j[1]), 1,
                                     U256(kT0 - 30 * kDay)));
        }
        return Status::Ok();
      });
      tx(issuer_, "mint", [&](CallContext& ctx) -> Status {
        for (size_t i = b; i < e; ++i)
          STOA_TRY(token_->mint(ctx, accounts_[i], U256(kInitial)));
        return Status::Ok();
      });
    }
    expected_.assign(n, kInitial);
    supply_ = n * kInitial;
    tx(issuer_, "roles", [&](CallContext& ctx) -> Status {
      return token_->access_control()->grant(ctx, *token_, core::roles::dividend_admin(), issuer_);
    });
  }

  size_t n() const { return n_; }
  core::State& state() { return state_; }
  core::SecurityToken* token() const { return token_; }
  const Address& at(uint32_t i) const { return accounts_[i]; }
  const Address& issuer() const { return issuer_; }
  uint64_t next_block() { return ++block_; }
  std::vector<uint64_t>& expected() { return expected_; }

  // One transaction as `sender` (a set-up step: it must pass).
  void tx(const Address& sender, const char* what, const std::function<Status(CallContext&)>& f,
          std::optional<Rules> rules = std::nullopt) {
    const Status s = state_.transact(
        sender, BlockContext{next_block(), kT0, rules.value_or(setup_rules_)}, nullptr, f);
    if (!s.ok()) {
      std::fprintf(stderr, "set-up step failed: %s: %s\n", what,
                   core::describe_revert(s.revert().data).c_str());
      std::abort();
    }
  }

  // The supply, and the balances of `sample` accounts, against the shadow.
  std::string check(const std::vector<uint32_t>& sample) const {
    if (token_->total_supply() != U256(supply_)) return "total supply changed";
    for (uint32_t i : sample) {
      if (token_->balance_of(accounts_[i]) != U256(expected_[i])) {
        return "balance of holder " + std::to_string(i) + " is " +
               token_->balance_of(accounts_[i]).to_dec() + ", expected " +
               std::to_string(expected_[i]);
      }
    }
    return {};
  }
  void add_supply(uint64_t x) { supply_ += x; }

 private:
  size_t n_;
  Rules setup_rules_;
  Address op_ = account(~0ULL);
  Address issuer_ = account(~0ULL - 1);
  Address officer_ = account(~0ULL - 2);
  core::State state_;
  core::SecuritySet set_;
  core::SecurityToken* token_ = nullptr;
  std::vector<Address> accounts_;
  std::vector<uint64_t> expected_;
  uint64_t supply_ = 0;
  uint64_t block_ = 0;
};

// ------------------------------------------------------------------ part 1: cost per feature

// Random distinct holders, amounts 1..kMaxAmount; the second half mirrors the first.
std::vector<Pair> make_pairs(Rng& rng, size_t n, size_t count) {
  const size_t half = count / 2;
  std::vector<Pair> out(2 * half);
  for (size_t i = 0; i < half; ++i) {
    Pair& p = out[i];
    p.from = rng.below(n);
    do {
      p.to = rng.below(n);
    } while (p.to == p.from);
    p.amount = 1 + rng.below(kMaxAmount);
    out[half + i] = Pair{p.to, p.from, p.amount};
  }
  return out;
}

size_t feature_holders() {
  return env_u64("STOA_BENCH_HOLDERS", 1000000, 16);
}

struct FeatureWorld {
  Ledger ledger;
  std::vector<Pair> pairs;
  size_t cursor = 0;
  bool partitioned = false;
  bool held = false;
  bool snapshotted = false;
  explicit FeatureWorld(size_t n) : ledger(n, Rules::kV4) {
    Rng rng{0xba1'0001};
    pairs = make_pairs(rng, n, std::clamp<size_t>(4 * n, 4096, size_t{1} << 22));
  }
};

FeatureWorld& feature_world() {
  static FeatureWorld* w = new FeatureWorld(feature_holders());
  return *w;
}

// Every holder is issued kInitial of CLASS_A (once).
void issue_class_a(FeatureWorld& w) {
  if (w.partitioned) return;
  w.partitioned = true;
  const size_t n = w.ledger.n();
  for (size_t b = 0; b < n; b += kBatch) {
    w.ledger.tx(
        w.ledger.issuer(), "issueByPartition",
        [&](CallContext& ctx) -> Status {
          for (size_t i = b; i < std::min(n, b + kBatch); ++i) {
            STOA_TRY(w.ledger.token()->issue_by_partition(
                ctx, class_a(), w.ledger.at(static_cast<uint32_t>(i)), U256(kInitial), {}));
          }
          return Status::Ok();
        },
        core::kLatestRules);
  }
  for (auto& e : w.ledger.expected())
    e += kInitial;
  w.ledger.add_supply(n * kInitial);
}

// Every holder places a hold of kHeld on its default partition (once).
void hold_everywhere(FeatureWorld& w) {
  if (w.held) return;
  w.held = true;
  for (uint32_t i = 0; i < w.ledger.n(); ++i) {
    const Bytes32 word = w.ledger.at(i).to_word();
    const Bytes32 id = keccak256(BytesView(word.b.data(), word.b.size()));
    w.ledger.tx(
        w.ledger.at(i), "hold",
        [&](CallContext& ctx) -> Status {
          return w.ledger.token()->hold(ctx, id, w.ledger.issuer(), w.ledger.issuer(), Bytes32{},
                                        U256(kHeld), 0);
        },
        core::kLatestRules);
  }
}

void take_snapshot(FeatureWorld& w) {
  if (w.snapshotted) return;
  w.snapshotted = true;
  w.ledger.tx(
      w.ledger.issuer(), "snapshot",
      [&](CallContext& ctx) -> Status {
        auto r = w.ledger.token()->snapshot(ctx);
        if (!r.ok()) return r.take_revert();
        return Status::Ok();
      },
      core::kLatestRules);
}

enum class Op { kPlain, kByPartition };

// Each pair (from the pool's cursor on) as its own transaction under `rules`; all must pass.
void run_transfers(benchmark::State& st, Rules rules, Op op) {
  FeatureWorld& w = feature_world();
  core::State& s = w.ledger.state();
  core::SecurityToken* token = w.ledger.token();
  const size_t p = w.pairs.size();
  const size_t begin = w.cursor;
  std::vector<core::Log> logs;
  size_t i = begin, failed = 0;
  for (auto _ : st) {
    const Pair& x = w.pairs[i % p];
    const Address& to = w.ledger.at(x.to);
    const U256 amount(x.amount);
    const Status r =
        s.transact(w.ledger.at(x.from), BlockContext{1000000 + i / 1000, kT0 + kDay, rules}, &logs,
                   [&](CallContext& ctx) -> Status {
                     if (op == Op::kPlain) return token->transfer(ctx, to, amount);
                     auto d = token->transfer_by_partition(ctx, class_a(), to, amount, {});
                     if (!d.ok()) return d.take_revert();
                     return Status::Ok();
                   });
    failed += r.ok() ? 0 : 1;
    if (logs.size() >= 4096) logs.clear();
    ++i;
  }
  w.cursor = i % p;
  const size_t count = i - begin;
  st.SetItemsProcessed(static_cast<int64_t>(count));
  if (failed != 0) return fail(st, std::to_string(failed) + " transfers were refused");
  std::vector<uint32_t> sample;
  for (size_t k = begin; k < i; ++k) {
    const Pair& x = w.pairs[k % p];
    w.ledger.expected()[x.from] -= x.amount;
    w.ledger.expected()[x.to] += x.amount;
    if (i - k <= 512) {
      sample.push_back(x.from);
      sample.push_back(x.to);
    }
  }
  Rng rng{begin * 31 + count};
  for (int k = 0; k < 1024; ++k)
    sample.push_back(rng.below(w.ledger.n()));
  if (std::string e = w.ledger.check(sample); !e.empty()) return fail(st, e);
}

void BM_Plain_V4(benchmark::State& st) {
  run_transfers(st, Rules::kV4, Op::kPlain);
}
void BM_Plain_V5_Lots(benchmark::State& st) {
  run_transfers(st, Rules::kV5, Op::kPlain);
}
void BM_Plain_V6(benchmark::State& st) {
  run_transfers(st, core::kLatestRules, Op::kPlain);
}
void BM_ByPartition_V6(benchmark::State& st) {
  issue_class_a(feature_world());
  run_transfers(st, core::kLatestRules, Op::kByPartition);
}
void BM_Plain_Partitioned(benchmark::State& st) {
  issue_class_a(feature_world());
  run_transfers(st, core::kLatestRules, Op::kPlain);
}
void BM_Plain_SenderHold(benchmark::State& st) {
  issue_class_a(feature_world());
  hold_everywhere(feature_world());
  run_transfers(st, core::kLatestRules, Op::kPlain);
}
void BM_Plain_AfterSnapshot(benchmark::State& st) {
  issue_class_a(feature_world());
  hold_everywhere(feature_world());
  take_snapshot(feature_world());
  run_transfers(st, core::kLatestRules, Op::kPlain);
}

// ------------------------------------------------------------------ part 2: balanceOfAt

constexpr size_t kSample = 1024;

struct AtWorld {
  Ledger ledger;
  size_t checkpoints;
  std::vector<uint32_t> sample;
  std::vector<uint64_t> recorded;  // recorded[c * kSample + s]: sample s's balance at snapshot c+1
  double build_s = 0;
  AtWorld(size_t n, size_t c, size_t moves) : ledger(n, core::kLatestRules), checkpoints(c) {
    const Clock::time_point t0 = Clock::now();
    Rng rng{0xba1'0002};
    for (size_t k = 0; k < kSample; ++k)
      sample.push_back(rng.below(n));
    recorded.reserve(c * kSample);
    auto& expected = ledger.expected();
    for (size_t id = 1; id <= c; ++id) {
      ledger.tx(
          ledger.issuer(), "snapshot",
          [&](CallContext& ctx) -> Status {
            auto r = ledger.token()->snapshot(ctx);
            if (!r.ok()) return r.take_revert();
            return Status::Ok();
          },
          core::kLatestRules);
      for (uint32_t s : sample)
        recorded.push_back(expected[s]);
      for (size_t m = 0; m < moves; ++m) {
        const uint32_t from = rng.below(n);
        uint32_t to = rng.below(n);
        if (to == from) to = (to + 1) % static_cast<uint32_t>(n);
        const uint32_t amount = 1 + rng.below(kMaxAmount);
        if (expected[from] < amount) continue;
        ledger.tx(
            ledger.at(from), "transfer",
            [&](CallContext& ctx) -> Status {
              return ledger.token()->transfer(ctx, ledger.at(to), U256(amount));
            },
            core::kLatestRules);
        expected[from] -= amount;
        expected[to] += amount;
      }
    }
    build_s = since(t0);
  }
};

AtWorld& at_world() {
  static AtWorld* w = new AtWorld(env_u64("STOA_BENCH_AT_HOLDERS", 1000000, 16),
                                  env_u64("STOA_BENCH_CHECKPOINTS", 1000, 1),
                                  env_u64("STOA_BENCH_AT_MOVES", 1000, 0));
  return *w;
}

void BM_BalanceOfAt(benchmark::State& st) {
  AtWorld& w = at_world();
  core::SecurityToken* token = w.ledger.token();
  const size_t n = w.ledger.n();
  Rng rng{0xba1'0003 + static_cast<uint64_t>(st.iterations())};
  for (auto _ : st) {
    const uint32_t h = rng.below(n);
    const uint64_t id = 1 + rng.below(w.checkpoints);
    benchmark::DoNotOptimize(token->balance_of_at(w.ledger.at(h), U256(id)));
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
  st.counters["holders"] = benchmark::Counter(static_cast<double>(n));
  st.counters["checkpoints"] = benchmark::Counter(static_cast<double>(w.checkpoints));
  st.counters["build_s"] = benchmark::Counter(w.build_s);
  st.counters["peak_rss_MiB"] = benchmark::Counter(proc_status_mib("VmHWM:"));
  st.counters["rss_MiB"] = benchmark::Counter(proc_status_mib("VmRSS:"));
  for (size_t c = 0; c < w.checkpoints; ++c) {
    for (size_t k = 0; k < kSample; ++k) {
      const U256 got = token->balance_of_at(w.ledger.at(w.sample[k]), U256(c + 1)).value();
      if (got != U256(w.recorded[c * kSample + k])) {
        return fail(st, "balanceOfAt(holder " + std::to_string(w.sample[k]) + ", " +
                            std::to_string(c + 1) + ") = " + got.to_dec() + ", recorded " +
                            std::to_string(w.recorded[c * kSample + k]));
      }
    }
  }
  if (std::string e = w.ledger.check(w.sample); !e.empty()) return fail(st, e);
}

double min_of(const std::vector<double>& v) {
  return *std::min_element(v.begin(), v.end());
}
double max_of(const std::vector<double>& v) {
  return *std::max_element(v.begin(), v.end());
}

#define STOA_BAL_BENCH(f) \
  BENCHMARK(f)->ComputeStatistics("min", min_of)->ComputeStatistics("max", max_of)
STOA_BAL_BENCH(BM_Plain_V4);
STOA_BAL_BENCH(BM_Plain_V5_Lots);
STOA_BAL_BENCH(BM_Plain_V6);
STOA_BAL_BENCH(BM_ByPartition_V6);
STOA_BAL_BENCH(BM_Plain_Partitioned);
STOA_BAL_BENCH(BM_Plain_SenderHold);
STOA_BAL_BENCH(BM_Plain_AfterSnapshot);
STOA_BAL_BENCH(BM_BalanceOfAt);

}  // namespace
}  // namespace stoa::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return stoa::bench::g_failed ? 1 : 0;
}
