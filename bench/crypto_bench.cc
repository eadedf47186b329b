// Signature recovery, the per-transaction cost every signed transaction pays before the core sees
// it: secp256k1 public-key recovery + keccak of the key (crypto::recover_address), and the whole
// admission decode of a signed EIP-1559 transfer (strict RLP, signing hash, recovery:
// chain::decode_transaction, what eth_sendRawTransaction runs on the node's HTTP threads).
// Every result is compared with the known signer; a wrong answer fails the benchmark.
// Keccak-256: ours (one message, and keccak256_many on batches) against Crypto++'s Keccak_256 on
// the same bytes, in bytes hashed per second; every digest is checked against Crypto++'s.
#include <benchmark/benchmark.h>
#include <cryptopp/keccak.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "stoa/chain/transaction.h"
#include "stoa/common/keccak.h"
#include "stoa/common/keccak_impl.h"
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

// --- Keccak-256

// Deterministic bytes, enough for 32 distinct 160 KiB messages.
const Bytes& keccak_input() {
  static const Bytes data = [] {
    Bytes d(33 * 160 * 1024);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < d.size(); i += 8) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      std::memcpy(d.data() + i, &x, std::min<size_t>(8, d.size() - i));
    }
    return d;
  }();
  return data;
}

Bytes32 cryptopp_keccak256(stoa::BytesView m) {
  CryptoPP::Keccak_256 h;
  Bytes32 out;
  h.CalculateDigest(out.b.data(), m.data(), m.size());
  return out;
}

// `count` messages of `size` bytes each, at distinct places in keccak_input().
std::vector<stoa::BytesView> keccak_batch(size_t count, size_t size) {
  std::vector<stoa::BytesView> in;
  for (size_t i = 0; i < count; ++i)
    in.emplace_back(keccak_input().data() + i * (size + 8), size);
  return in;
}

void BM_Keccak256(benchmark::State& state) {
  const stoa::BytesView m(keccak_input().data(), static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    Bytes32 h = stoa::keccak256(m);
    benchmark::DoNotOptimize(h);
  }
  if (stoa::keccak256(m) != cryptopp_keccak256(m)) state.SkipWithError("keccak256 differs");
  state.SetBytesProcessed(state.iterations() * state.range(0));
  state.SetLabel(stoa::detail::keccak_scalar_isa() == stoa::detail::KeccakScalarIsa::kBmi2
                     ? "bmi2"
                     : "generic");
}

void BM_Keccak256_CryptoPP(benchmark::State& state) {
  const stoa::BytesView m(keccak_input().data(), static_cast<size_t>(state.range(0)));
  CryptoPP::Keccak_256 h;
  for (auto _ : state) {
    Bytes32 out;
    h.CalculateDigest(out.b.data(), m.data(), m.size());
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

// Batches: (count, size) = state.range(0), state.range(1).
template <void (*kHashMany)(std::span<const stoa::BytesView>, std::span<Bytes32>)>
void keccak_many_bench(benchmark::State& state) {
  const auto count = static_cast<size_t>(state.range(0));
  const auto size = static_cast<size_t>(state.range(1));
  const std::vector<stoa::BytesView> in = keccak_batch(count, size);
  std::vector<Bytes32> out(count);
  for (auto _ : state) {
    kHashMany(in, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  for (size_t i = 0; i < count; ++i) {
    if (out[i] != cryptopp_keccak256(in[i])) state.SkipWithError("a batch digest differs");
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(count * size));
}

void cryptopp_many(std::span<const stoa::BytesView> in, std::span<Bytes32> out) {
  CryptoPP::Keccak_256 h;
  for (size_t i = 0; i < in.size(); ++i)
    h.CalculateDigest(out[i].b.data(), in[i].data(), in[i].size());
}

// keccak256_many as dispatched (AVX-512 on a CPU that has it).
void BM_Keccak256Many(benchmark::State& state) {
  keccak_many_bench<&stoa::keccak256_many>(state);
  state.SetLabel(stoa::detail::keccak256_many_path() == stoa::detail::KeccakManyPath::kAvx512
                     ? "avx512"
                     : "scalar");
}
// Our scalar code, one message after another.
void BM_Keccak256Many_Scalar(benchmark::State& state) {
  keccak_many_bench<&stoa::detail::keccak256_many_scalar>(state);
}
void BM_Keccak256Many_CryptoPP(benchmark::State& state) {
  keccak_many_bench<&cryptopp_many>(state);
}

BENCHMARK(BM_Keccak256)->Arg(32)->Arg(136)->Arg(4096)->Arg(160 * 1024);
BENCHMARK(BM_Keccak256_CryptoPP)->Arg(32)->Arg(136)->Arg(4096)->Arg(160 * 1024);
BENCHMARK(BM_Keccak256Many)->Args({64, 32})->Args({64, 500})->Args({32, 160 * 1024});
BENCHMARK(BM_Keccak256Many_Scalar)->Args({64, 32})->Args({64, 500})->Args({32, 160 * 1024});
BENCHMARK(BM_Keccak256Many_CryptoPP)->Args({64, 32})->Args({64, 500})->Args({32, 160 * 1024});

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
