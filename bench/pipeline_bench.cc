// Durable batched transfers through the sequencer (docs/journal-format.md, "Figures"): the
// journal issue's target of a million compliance-checked transfers per second made durable when
// they arrive in batches. A command, not Google Benchmark: real fdatasync on a real directory
// (STOA_BENCH_DIR, default a fresh directory under /tmp).
//
// One chain of STOA_BENCH_HOLDERS holders (default 1,000,000; onboarded and minted natively
// before the clock starts — that set-up is not a transaction, so this data directory is not
// meant to be reopened). For each batch length L (1 = plain transfer calls, then batchTransfer
// calls of 10, 100 and 1,000 legs), transactions from 256 senders to random holders are signed
// before the clock starts, then submitted to the node's Sequencer (admission: nonce checks)
// whose durability hook is Store::append (append + fdatasync; on_sealed when a state image is due),
// run while the next block executes, exactly as `stoa serve` wires it. The clock runs from the
// first submission until the last transaction's block is durable. Each batch length runs
// STOA_BENCH_RUNS times (default 3). Reported: the median run's durable transfers per second,
// blocks, their mean size and seal-to-durable time, and the range over the runs.
// Checked: every receipt succeeded and every touched balance equals a model's; a wrong answer
// exits non-zero.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "bench_util.h"
#include "stoa/abi/abi.h"
#include "stoa/chain/sequencer.h"
#include "stoa/core/compliance_registry.h"
#include "stoa/core/factory.h"
#include "stoa/core/security_token.h"
#include "stoa/store/store.h"

namespace stoa {
namespace {

using namespace bench;  // NOLINT(google-build-using-namespace): the benches' shared kit
constexpr size_t kSenders = 256;

// Holder i's address: spread over the whole space as real (hash-derived) addresses are, so sorts
// and hash tables see realistic keys. A bijection on i (splitmix64's finalizer), so distinct.
Address holder(size_t i) {
  Address a;
  uint64_t z = i + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  for (int k = 0; k < 8; ++k) {
    a.b[k] = static_cast<uint8_t>(z >> (8 * k));
    a.b[19 - k] = static_cast<uint8_t>(i >> (8 * k));
  }
  return a;
}

struct World {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<chain::Chain> chain;
  core::SecuritySet set;
  std::vector<crypto::PrivateKey> senders;
  std::vector<uint64_t> nonces;
  size_t holders = 0;
};

void build(World& w, const std::string& dir, size_t holders) {
  const crypto::PrivateKey op = crypto::key_for_label("bench.operator");
  const Address issuer = crypto::key_for_label("bench.issuer").address();
  const Address officer = crypto::key_for_label("bench.officer").address();
  chain::ChainConfig config;
  config.genesis = core::GenesisConfig{kChainId, op.address(), false};
  config.genesis_timestamp = kT0;
  store::StoreOptions so;
  so.image_every = 0;
  so.image_every_tx = 0;
  store::RecoveryReport r;
  if (auto e = store::Store::open(store::posix_env(), dir, config, so, &w.store, &w.chain, &r);
      !e.empty()) {
    die(e);
  }
  core::State& state = w.chain->state();
  auto must = [](const core::Status& s, const char* what) {
    if (!s.ok()) die(what);
  };
  must(state.transact(op.address(), {1, kT0}, nullptr,
                      [&](core::CallContext& ctx) -> core::Status {
                        auto res = state.factory().create_security(
                            ctx, core::CreateSecurityArgs{"Bench", "BENCH", 0, 5, issuer, officer});
                        if (!res.ok()) return res.take_revert();
                        w.set = res.value();
                        return core::Status::Ok();
                      }),
       "create");
  auto* reg = state.contract_as<core::ComplianceRegistry>(w.set.registry);
  auto* token = state.contract_as<core::SecurityToken>(w.set.token);
  for (size_t i = 0; i < kSenders; ++i) {
    w.senders.push_back(crypto::key_for_label("bench.sender." + std::to_string(i)));
    w.nonces.push_back(0);
  }
  constexpr size_t kChunk = 4096;
  for (size_t b = 0; b < holders + kSenders; b += kChunk) {
    const size_t e = std::min(holders + kSenders, b + kChunk);
    auto who = [&](size_t i) { return i < holders ? holder(i) : w.senders[i - holders].address(); };
    must(state.transact(officer, {1, kT0}, nullptr,
                        [&](core::CallContext& ctx) -> core::Status {
                          for (size_t i = b; i < e; ++i)
                            STOA_TRY(reg->onboard(ctx, who(i), core::jurisdiction('U', 'S'), 1,
                                                  U256(0)));
                          return core::Status::Ok();
                        }),
         "onboard");
    must(state.transact(issuer, {1, kT0}, nullptr,
                        [&](core::CallContext& ctx) -> core::Status {
                          for (size_t i = b; i < e; ++i)
                            STOA_TRY(token->mint(ctx, who(i),
                                                 i < holders ? U256(1000) : U256(1'000'000'000)));
                          return core::Status::Ok();
                        }),
         "mint");
  }
  w.holders = holders;
  // The set-up's writes are one block's delta: seal it before any clock starts.
  const chain::Block& b = w.chain->seal_block({}, kT0 + 1);
  if (!w.store->on_sealed(b, state).ok()) die("append the set-up block");
}

struct RunResult {
  size_t txs = 0;
  size_t transfers = 0;
  size_t blocks = 0;
  double ms_durable = 0;  // mean per block, seal end to durable
  double per_second = 0;  // durable transfers per second
};

RunResult run(World& w, size_t legs, size_t transfers, std::mt19937_64& rng) {
  const size_t ntx = std::max<size_t>(1, transfers / legs);
  std::vector<chain::SignedTransaction> txs;
  txs.reserve(ntx);
  absl::flat_hash_map<Address, uint64_t, core::AddressHash> delta_in;  // received, the model
  absl::flat_hash_map<Address, uint64_t, core::AddressHash> delta_out;
  auto* token = w.chain->state().contract_as<core::SecurityToken>(w.set.token);
  std::vector<Address> from;  // (PrivateKey::address() derives the public key every time)
  for (const auto& k : w.senders)
    from.push_back(k.address());
  uint64_t gas_limit = 0;
  for (size_t t = 0; t < ntx; ++t) {
    const size_t s = t % kSenders;
    abi::ValueList to, amounts;
    for (size_t k = 0; k < legs; ++k) {
      const Address r = holder(rng() % w.holders);
      const uint64_t amount = 1 + rng() % 9;
      to.emplace_back(r);
      amounts.emplace_back(U256(amount));
      delta_in[r] += amount;
      delta_out[from[s]] += amount;
    }
    Bytes data = legs == 1 ? calldata("transfer(address,uint256)", {to[0], amounts[0]})
                           : calldata("batchTransfer(address[],uint256[])",
                                      {abi::Value(std::move(to)), abi::Value(std::move(amounts))});
    if (t == 0) {
      // Metered: each transaction's gas limit counts against its block's (kMeteredBlockGasLimit),
      // so ask for what the first one needs plus 10% (every leg costs the same here: transfers
      // between holders who all hold a balance), as a client using eth_estimateGas would.
      const chain::GasEstimate e = w.chain->estimate_gas(from[s], w.set.token, data, kT0);
      if (!e.result.success) die("the first transaction's estimate failed");
      gas_limit = e.gas + e.gas / 10;
      std::printf("  %zu legs: %llu gas per transaction (estimate), limit %llu\n", legs,
                  static_cast<unsigned long long>(e.gas),
                  static_cast<unsigned long long>(gas_limit));
    }
    txs.push_back(bench::signed_tx(w.senders[s], from[s], w.nonces[s]++, w.set.token,
                                   std::move(data), gas_limit));
  }
  absl::flat_hash_map<Address, U256, core::AddressHash> before;
  for (const auto& [a, v] : delta_in)
    before[a] = token->balance_of(a);
  for (const auto& [a, v] : delta_out)
    before[a] = token->balance_of(a);

  struct Sealed {
    size_t blocks = 0;
    size_t txs = 0;
    double durable_s = 0;  // seal end to durable, summed
  } sealed;
  const uint64_t height0 = w.chain->height();
  chain::SequencerOptions opts;
  opts.clock = [] { return kT0 + 2; };
  opts.needs_state = [&](const chain::Block& b) { return w.store->image_due(b); };
  opts.make_durable = [&](const chain::Block& b, const core::State* state) {
    const auto t = Clock::now();
    if (!(state != nullptr ? w.store->on_sealed(b, *state) : w.store->append(b)).ok()) {
      die("append");
    }
    sealed.durable_s += since(t);
    ++sealed.blocks;
    sealed.txs += b.transactions.size();
    for (const auto& rc : b.receipts)
      if (!rc.success) die("a transfer was refused: " + core::describe_revert(rc.revert_data));
  };
  const Bytes32 last = txs.back().hash;
  const auto t0 = Clock::now();
  {
    chain::Sequencer seq(*w.chain, opts);
    for (auto& tx : txs) {
      // Only this thread submits: room in the queue now is room at submit (handed over, not
      // copied: a batch of 1,000 legs is 128 KB of calldata and envelope).
      while (seq.queued() >= chain::kMaxQueuedTransactions)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      std::string detail;
      if (seq.submit(std::move(tx), &detail) != chain::AdmitError::kOk) die("submit: " + detail);
    }
    if (!seq.wait_for(last, std::chrono::minutes(10)).has_value()) die("never durable");
  }
  const double secs = since(t0);
  const size_t total = ntx * legs;
  for (const auto& [a, b] : before) {
    U256 want = b;
    if (auto it = delta_in.find(a); it != delta_in.end())
      want = *want.checked_add(U256(it->second));
    if (auto it = delta_out.find(a); it != delta_out.end())
      want = *want.checked_sub(U256(it->second));
    if (token->balance_of(a) != want) die("balance of " + a.checksum_hex() + " differs");
  }
  if (sealed.txs != ntx || w.chain->height() != height0 + sealed.blocks) die("block count");
  return RunResult{ntx, total, sealed.blocks,
                   sealed.durable_s * 1000 / static_cast<double>(sealed.blocks),
                   static_cast<double>(total) / secs};
}

}  // namespace
}  // namespace stoa

int main() {
  using namespace stoa;
  const size_t holders = env_u64("STOA_BENCH_HOLDERS", 1'000'000, 1);
  const size_t transfers = env_u64("STOA_BENCH_TRANSFERS", 2'000'000, 1);
  std::string dir;
  if (const char* d = std::getenv("STOA_BENCH_DIR")) {
    dir = d;
  } else {
    dir = (std::filesystem::temp_directory_path() / "stoa-pipeline-bench").string();
  }
  std::filesystem::remove_all(dir);
  std::printf("Durable batched transfers through the sequencer: %zu holders, %s\n", holders,
              dir.c_str());
  World w;
  const auto t = Clock::now();
  build(w, dir, holders);
  std::printf("   chain built natively in %.2f s\n", since(t));
  const size_t runs = env_u64("STOA_BENCH_RUNS", 3, 1);
  std::printf("   each batch length %zu times; its median run, then the range of durable tfr/s\n",
              runs);
  std::printf("%8s %10s %10s %8s %14s %12s %14s %22s\n", "legs/tx", "txs", "transfers", "blocks",
              "transfers/blk", "ms durable", "durable tfr/s", "min - max");
  std::mt19937_64 rng(42);
  const size_t only = env_u64("STOA_BENCH_LEGS", 0);  // one batch length only (profiling)
  for (size_t legs : {1, 10, 100, 1000}) {
    if (only != 0 && legs != only) continue;
    std::vector<RunResult> results;
    for (size_t r = 0; r < runs; ++r)
      results.push_back(
          run(w, legs, legs == 1 ? std::min<size_t>(transfers, 50'000) : transfers, rng));
    std::sort(results.begin(), results.end(),
              [](const RunResult& a, const RunResult& b) { return a.per_second < b.per_second; });
    const RunResult& m = results[results.size() / 2];
    std::printf("%8zu %10zu %10zu %8zu %14.0f %12.3f %14.0f %10.0f - %9.0f\n", legs, m.txs,
                m.transfers, m.blocks,
                static_cast<double>(m.transfers) / static_cast<double>(m.blocks), m.ms_durable,
                m.per_second, results.front().per_second, results.back().per_second);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
