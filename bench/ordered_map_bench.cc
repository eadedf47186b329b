// The journaled ordered map (include/stoa/core/ordered_map.h) at 1,000,000 entries — insert,
// lookup, range — and SecurityFactory.createSecurity with 10,000 securities already created
// (before: the factory copied its whole list per create and looked symbols up by a scan; after:
// an O(1) append and B-tree indexes). Every timed write is journaled inside a call (begin/commit),
// as in a transaction. A wrong answer fails the run (SkipWithError and a non-zero exit status).
// Env: STOA_BENCH_ENTRIES (default 1,000,000), STOA_BENCH_SECURITIES (default 10,000).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "stoa/core/factory.h"
#include "stoa/core/state.h"
// Built alone against an older tree (no ordered map), only the factory benchmark runs: the
// "before" figure of docs/PERFORMANCE.md.
#if __has_include("stoa/core/ordered_map.h")
#include "stoa/core/ordered_map.h"
#define STOA_HAVE_ORDERED_MAP 1
#endif

namespace stoa::bench {
namespace {

bool g_failed = false;
void fail(benchmark::State& st, const std::string& what) {
  g_failed = true;
  std::fprintf(stderr, "ordered_map_bench: CHECK FAILED: %s\n", what.c_str());
  st.SkipWithError(what.c_str());
}

size_t env_size(const char* name, size_t dflt) {
  const char* v = std::getenv(name);
  return v != nullptr ? static_cast<size_t>(std::strtoull(v, nullptr, 10)) : dflt;
}
#ifdef STOA_HAVE_ORDERED_MAP
size_t entries() {
  return env_size("STOA_BENCH_ENTRIES", 1000000);
}

uint64_t mix(uint64_t x) {  // splitmix64's finalizer: keys spread over the whole range
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr size_t kWritesPerCall = 1000;

// A map of n entries (keys mix(0..n-1)), written in calls of kWritesPerCall.
struct Filled {
  core::UndoLog j;
  core::JOrderedMap<uint64_t, uint64_t> m{&j, core::Slot{0}};
  explicit Filled(size_t n) {
    for (size_t i = 0; i < n; i += kWritesPerCall) {
      j.begin();
      for (size_t k = i; k < n && k < i + kWritesPerCall; ++k)
        m.set(mix(k), k + 1);
      j.commit();
    }
  }
};
Filled& filled() {
  static Filled f(entries());
  return f;
}

void BM_OrderedMapInsert(benchmark::State& st) {
  const size_t n = entries();
  for (auto _ : st) {
    Filled f(n);
    if (f.m.size() != n) fail(st, "size " + std::to_string(f.m.size()));
    benchmark::DoNotOptimize(f.m.size());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));
}
BENCHMARK(BM_OrderedMapInsert)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_OrderedMapLookup(benchmark::State& st) {
  Filled& f = filled();
  const size_t n = f.m.size();
  uint64_t i = 0;
  uint64_t sum = 0;
  for (auto _ : st) {
    const uint64_t k = (i * 7919) % n;
    sum += f.m.get(mix(k));
    if ((i & 0xffff) == 0 && f.m.get(mix(k)) != k + 1) fail(st, "wrong value");
    ++i;
  }
  benchmark::DoNotOptimize(sum);
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_OrderedMapLookup);

// lower_bound and the next 100 entries in order.
void BM_OrderedMapRange100(benchmark::State& st) {
  Filled& f = filled();
  uint64_t i = 0;
  uint64_t sum = 0;
  for (auto _ : st) {
    auto it = f.m.lower_bound(mix(i++));
    for (int k = 0; k < 100 && it != f.m.end(); ++k, ++it)
      sum += it->second;
  }
  benchmark::DoNotOptimize(sum);
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * 100));
}
BENCHMARK(BM_OrderedMapRange100);

// One journaled write (a call of one set), the map at 1 M entries.
void BM_OrderedMapWriteInCall(benchmark::State& st) {
  Filled& f = filled();
  uint64_t i = 0;
  for (auto _ : st) {
    f.j.begin();
    f.m.set(mix(i % f.m.size()), i + 2);
    f.j.commit();
    ++i;
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_OrderedMapWriteInCall);
#endif  // STOA_HAVE_ORDERED_MAP

// createSecurity with STOA_BENCH_SECURITIES securities already created (each creates six
// contracts), one more per iteration.
void BM_FactoryCreateSecurity(benchmark::State& st) {
  const size_t existing = env_size("STOA_BENCH_SECURITIES", 10000);
  core::GenesisConfig g;
  g.chain_id = 1337;
  Address op;
  op.b[19] = 0x11;
  g.operator_account = op;
  Address officer;
  officer.b[19] = 0x22;
  auto state = std::make_unique<core::State>(g);
  core::BlockContext block{1, 1767225600};
  size_t made = 0;
  auto create = [&]() {
    core::CreateSecurityArgs args;
    args.symbol = "S" + std::to_string(made);
    args.name = "Security " + args.symbol;
    args.preset = 1;
    args.admin = op;
    args.compliance_officer = officer;  // not the admin: roles are separated
    const core::Status s = state->transact(op, block, nullptr, [&](core::CallContext& ctx) {
      auto r = state->factory().create_security(ctx, args);
      return r.ok() ? core::Status::Ok() : core::Status(r.take_revert());
    });
    ++made;
    return s.ok();
  };
  for (size_t i = 0; i < existing; ++i) {
    if (!create()) {
      fail(st, "set-up createSecurity refused");
      return;
    }
  }
  for (auto _ : st) {
    if (!create()) fail(st, "createSecurity refused");
  }
  if (state->factory().securities().size() != made) fail(st, "security count");
  if (state->factory().find_by_symbol("S" + std::to_string(made - 1)) == nullptr) {
    fail(st, "the last symbol is not found");
  }
  st.counters["securities"] = static_cast<double>(made);
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_FactoryCreateSecurity)->Unit(benchmark::kMicrosecond)->Iterations(500);

#ifdef STOA_HAVE_ORDERED_MAP
// What createSecurity did with its list that it no longer does, at STOA_BENCH_SECURITIES
// securities, on a real state: the symbol check scanned every security and read its token's
// symbol, and the append copied the whole list into a JValue (journaled, in a call) — against
// the index lookup and the JVector append that replace them.
struct FactoryLists {
  std::unique_ptr<core::State> state;
  std::vector<core::SecuritySet> sets;
  FactoryLists() {
    core::GenesisConfig g;
    g.chain_id = 1337;
    g.operator_account.b[19] = 0x11;
    state = std::make_unique<core::State>(g);
    Address officer;
    officer.b[19] = 0x22;
    const core::BlockContext block{1, 1767225600};
    const size_t n = env_size("STOA_BENCH_SECURITIES", 10000);
    for (size_t i = 0; i < n; ++i) {
      core::CreateSecurityArgs args;
      args.symbol = "S" + std::to_string(i);
      args.name = "Security " + args.symbol;
      args.preset = 1;
      args.admin = g.operator_account;
      args.compliance_officer = officer;
      (void)state->transact(g.operator_account, block, nullptr, [&](core::CallContext& ctx) {
        auto r = state->factory().create_security(ctx, args);
        return r.ok() ? core::Status::Ok() : core::Status(r.take_revert());
      });
    }
    sets = state->factory().securities();
  }
};
FactoryLists& lists() {
  static FactoryLists l;
  return l;
}

void BM_FactoryListOpsBefore(benchmark::State& st) {
  FactoryLists& l = lists();
  core::UndoLog* j = l.state->undo_log();
  j->push_owner(Address{});  // a scratch container of owner zero (not the State's)
  core::JValue<std::vector<core::SecuritySet>> list(j, core::Slot{99}, l.sets);
  j->pop_owner();
  uint64_t found = 0;
  for (auto _ : st) {
    const std::string symbol = "NEW";  // not taken: the scan reads every token
    for (const core::SecuritySet& s : list.get()) {
      const auto* t = l.state->contract_as<core::SecurityToken>(s.token);
      if (t != nullptr && t->config().symbol == symbol) ++found;
    }
    j->begin();
    auto v = list.get();
    v.push_back(l.sets.back());
    list.set(std::move(v));
    j->rollback();  // the list stays at n
  }
  if (found != 0) fail(st, "a symbol that is not taken was found");
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_FactoryListOpsBefore)->Unit(benchmark::kMicrosecond);

void BM_FactoryListOpsAfter(benchmark::State& st) {
  FactoryLists& l = lists();
  core::UndoLog* j = l.state->undo_log();
  j->push_owner(Address{});
  core::JVector<core::SecuritySet> list(j, core::Slot{98});
  list.assign(l.sets);
  core::JOrderedMap<std::string, uint64_t> by_symbol(j, core::kIndex);
  for (size_t i = 0; i < l.sets.size(); ++i)
    by_symbol.set("S" + std::to_string(i), i + 1);
  j->pop_owner();
  uint64_t found = 0;
  for (auto _ : st) {
    if (by_symbol.contains("NEW")) ++found;
    j->begin();
    list.push_back(l.sets.back());
    by_symbol.set("NEW", list.size());
    j->rollback();
  }
  if (found != 0 || list.size() != l.sets.size()) fail(st, "the revert left an entry");
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
}
BENCHMARK(BM_FactoryListOpsAfter)->Unit(benchmark::kMicrosecond);
#endif  // STOA_HAVE_ORDERED_MAP

}  // namespace
}  // namespace stoa::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return stoa::bench::g_failed ? 1 : 0;
}
