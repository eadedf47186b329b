// Signature recovery, the per-transaction cost every signed transaction pays before the core sees
// it: secp256k1 public-key recovery + keccak of the key (crypto::recover_address), and the whole
// admission decode of a signed EIP-1559 transfer (strict RLP, signing hash, recovery:
// chain::decode_transaction, what eth_sendRawTransaction runs on the node's HTTP threads).
// Every result is compared with the known signer; a wrong answer fails the benchmark.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "stoa/chain/transaction.h"
#include "stoa/common/keccak.h"
#include "stoa/crypto/secp256k1.h"

namespace {

using stoa::Address;
using stoa::Bytes;
using stoa::Bytes32;
namespace crypto = stoa::crypto;
namespace chain = stoa::chain;

constexpr size_t kPool = 512;
constexpr uint64_t kChainId = 31337;

struct Signed {
  Bytes32 hash;
  crypto::Signature sig;
  Address signer;
  Bytes raw;  // a signed EIP-1559 transfer(address,uint256) from `signer`
};

const std::vector<Signed>& pool() {
  static const std::vector<Signed> p = [] {
    std::vector<Signed> v;
    const Address token = *Address::parse("0x5704000000000000000000000000000000000002");
    for (size_t i = 0; i < kPool; ++i) {
      const auto key = crypto::key_for_label("bench.recover." + std::to_string(i));
      Signed s;
      s.hash = stoa::keccak256(std::string_view("message " + std::to_string(i)));
      s.sig = crypto::sign(key, s.hash);
      s.signer = key.address();
      chain::Transaction tx;
      tx.chain_id = kChainId;
      tx.nonce = i;
      tx.gas_limit = 100'000;
      tx.to = token;
      tx.data = Bytes(68, 0);
      const uint32_t sel = stoa::selector_of("transfer(address,uint256)");
      for (int b = 0; b < 4; ++b)
        tx.data[b] = static_cast<uint8_t>(sel >> (24 - 8 * b));
      tx.data[67] = static_cast<uint8_t>(1 + i % 200);
      tx.data[35] = static_cast<uint8_t>(i);
      s.raw = chain::sign_transaction(tx, key).raw;
      v.push_back(std::move(s));
    }
    return v;
  }();
  return p;
}

void BM_RecoverAddress(benchmark::State& state) {
  const auto& p = pool();
  size_t i = static_cast<size_t>(state.thread_index()) * 97;
  size_t wrong = 0;
  for (auto _ : state) {
    const Signed& s = p[i++ % kPool];
    auto a = crypto::recover_address(s.hash, s.sig);
    if (!a || *a != s.signer) ++wrong;
    benchmark::DoNotOptimize(a);
  }
  if (wrong) state.SkipWithError("recover_address returned a wrong signer");
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeSignedTransaction(benchmark::State& state) {
  const auto& p = pool();
  size_t i = static_cast<size_t>(state.thread_index()) * 97;
  size_t wrong = 0;
  for (auto _ : state) {
    const Signed& s = p[i++ % kPool];
    auto d = chain::decode_transaction(s.raw, kChainId);
    const auto* tx = std::get_if<chain::SignedTransaction>(&d);
    if (!tx || tx->sender != s.signer) ++wrong;
    benchmark::DoNotOptimize(d);
  }
  if (wrong) state.SkipWithError("decode_transaction recovered a wrong sender");
  state.SetItemsProcessed(state.iterations());
}

void BM_SignTransaction(benchmark::State& state) {
  const auto key = crypto::key_for_label("bench.sign");
  chain::Transaction tx;
  tx.chain_id = kChainId;
  tx.gas_limit = 100'000;
  tx.to = *Address::parse("0x5704000000000000000000000000000000000002");
  tx.data = Bytes(68, 1);
  size_t wrong = 0;
  for (auto _ : state) {
    ++tx.nonce;
    auto s = chain::sign_transaction(tx, key);
    if (s.raw.empty()) ++wrong;
    benchmark::DoNotOptimize(s);
  }
  // One signature checked end to end (the load generator's signing path).
  auto s = chain::sign_transaction(tx, key);
  auto d = chain::decode_transaction(s.raw, kChainId);
  const auto* back = std::get_if<chain::SignedTransaction>(&d);
  if (wrong || !back || back->sender != key.address())
    state.SkipWithError("sign_transaction produced a transaction that does not verify");
  state.SetItemsProcessed(state.iterations());
}

double min_of(const std::vector<double>& v) {
  return *std::min_element(v.begin(), v.end());
}
double max_of(const std::vector<double>& v) {
  return *std::max_element(v.begin(), v.end());
}

const int kThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

BENCHMARK(BM_RecoverAddress)
    ->Threads(1)
    ->ComputeStatistics("min", min_of)
    ->ComputeStatistics("max", max_of);
BENCHMARK(BM_RecoverAddress)
    ->Threads(kThreads)
    ->UseRealTime()
    ->ComputeStatistics("min", min_of)
    ->ComputeStatistics("max", max_of);
BENCHMARK(BM_DecodeSignedTransaction)
    ->Threads(1)
    ->ComputeStatistics("min", min_of)
    ->ComputeStatistics("max", max_of);
BENCHMARK(BM_DecodeSignedTransaction)
    ->Threads(kThreads)
    ->UseRealTime()
    ->ComputeStatistics("min", min_of)
    ->ComputeStatistics("max", max_of);
BENCHMARK(BM_SignTransaction)
    ->Threads(1)
    ->ComputeStatistics("min", min_of)
    ->ComputeStatistics("max", max_of);

}  // namespace

BENCHMARK_MAIN();
