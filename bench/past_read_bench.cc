// Reads at past blocks (docs/NODE.md, "Reads at past blocks"; docs/PERFORMANCE.md): what the
// window costs writers, what a read at a past block costs, and the memory the records hold. A
// command, not Google Benchmark; the chain alone (no HTTP, no journal), transactions signed
// before the clock starts. Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID: the chain
// is single-threaded here), so other work on the machine does not inflate them.
//
// 1. Writers: STOA_BENCH_BLOCKS blocks (default 50) of STOA_BENCH_TX transfers each (default
//    200) sealed on a chain without the window and on one with the default window; transfers
//    per second of each (median of 3 runs) and the window's bytes per transfer.
// 2. Reads: phase 1's blocks, then 900 blocks of one transfer each, then balanceOf through
//    eth_call at the head (Chain::call, the block after the head) and at 0, 1, 10, 100 and 900
//    blocks below it (Chain::call_at): the median of 201 calls each, in microseconds; and a read
//    below phase 1's blocks (unwinding every transfer of both phases).
// Checked: every receipt succeeded, and each past balance equals the one read when its block was
// the head; a wrong answer exits non-zero.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

#include "bench_util.h"
#include "stoa/chain/chain.h"
#include "stoa/core/factory.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa {
namespace {

using namespace bench;  // NOLINT(google-build-using-namespace): the benches' shared kit

const Address kToken = create_address(core::factory_address(), 0);
const Address kRegistry = create_address(core::factory_address(), 1);

struct Keys {
  crypto::PrivateKey op = *crypto::derive_from_mnemonic(crypto::kDevMnemonic, 0);
  crypto::PrivateKey issuer = *crypto::derive_from_mnemonic(crypto::kDevMnemonic, 1);
  crypto::PrivateKey officer = *crypto::derive_from_mnemonic(crypto::kDevMnemonic, 2);
  crypto::PrivateKey alice = *crypto::derive_from_mnemonic(crypto::kDevMnemonic, 3);
  crypto::PrivateKey bob = *crypto::derive_from_mnemonic(crypto::kDevMnemonic, 4);
  uint64_t alice_nonce = 0;
};

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

chain::SignedTransaction tx(const crypto::PrivateKey& k, uint64_t nonce, const Address& to,
                            Bytes data) {
  return signed_tx(k, k.address(), nonce, to, std::move(data));
}

void seal_ok(chain::Chain& c, std::vector<chain::SignedTransaction> txs) {
  const chain::Block& b = c.seal_block(std::move(txs), c.head().header.timestamp + 1);
  for (const chain::Receipt& r : b.receipts) {
    if (!r.success) die("a transaction failed in block " + std::to_string(b.header.number));
  }
}

// A chain with the security created, alice and bob onboarded, alice minted a million.
std::unique_ptr<chain::Chain> make_chain(Keys& k, uint64_t window) {
  chain::ChainConfig cfg;
  cfg.genesis = core::GenesisConfig{kChainId, k.op.address(), false};
  cfg.genesis_timestamp = kT0;
  auto c = std::make_unique<chain::Chain>(cfg);
  c->set_past_window(window);
  const abi::Value us(Bytes{'U', 'S'});
  seal_ok(*c, {tx(k.op, 0, core::factory_address(),
                  calldata("createSecurity(string,string,uint8,uint8,address,address)",
                           {"Bench Co", "BNCH", 0, 5, k.issuer.address(), k.officer.address()}))});
  const std::string onboard = "onboard(address,bytes2,uint8,uint256)";
  seal_ok(*c, {tx(k.officer, 0, kRegistry, calldata(onboard, {k.alice.address(), us, 1, 0})),
               tx(k.officer, 1, kRegistry, calldata(onboard, {k.bob.address(), us, 1, 0})),
               tx(k.issuer, 0, kToken,
                  calldata("mint(address,uint256)", {k.alice.address(), 1'000'000'000}))});
  k.alice_nonce = 0;
  return c;
}

std::vector<chain::SignedTransaction> transfers(Keys& k, size_t n) {
  std::vector<chain::SignedTransaction> out;
  out.reserve(n);
  const Bytes data = calldata("transfer(address,uint256)", {k.bob.address(), 1});
  for (size_t i = 0; i < n; ++i)
    out.push_back(tx(k.alice, k.alice_nonce++, kToken, data));
  return out;
}

Bytes balance_call(const Keys& k) {
  return calldata("balanceOf(address)", {k.alice.address()});
}

// Phase 1: transfers per second with and without the window (median of 3 runs).
double writers(uint64_t window, size_t blocks, size_t per_block, size_t* bytes) {
  std::vector<double> rates;
  for (int run = 0; run < 3; ++run) {
    Keys k;
    auto c = make_chain(k, window);
    std::vector<std::vector<chain::SignedTransaction>> signed_blocks;
    for (size_t b = 0; b < blocks; ++b)
      signed_blocks.push_back(transfers(k, per_block));
    const double t0 = cpu_seconds();
    for (auto& txs : signed_blocks)
      seal_ok(*c, std::move(txs));
    rates.push_back(static_cast<double>(blocks * per_block) / (cpu_seconds() - t0));
    *bytes = c->state().past_bytes();
  }
  std::sort(rates.begin(), rates.end());
  return rates[1];
}

double median_us(const std::function<void()>& fn) {
  std::vector<double> t;
  for (int i = 0; i < 201; ++i) {
    const double t0 = cpu_seconds();
    fn();
    t.push_back((cpu_seconds() - t0) * 1e6);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int run() {
  const size_t blocks = env_u64("STOA_BENCH_BLOCKS", 50, 1);
  const size_t per_block = env_u64("STOA_BENCH_TX", 200, 1);
  size_t bytes_off = 0;
  size_t bytes_on = 0;
  const double off = writers(0, blocks, per_block, &bytes_off);
  const double on = writers(chain::kDefaultPastBlocks, blocks, per_block, &bytes_on);
  std::printf(
      "writers: %zu blocks of %zu transfers: %.0f transfers/s without the window, %.0f "
      "with it (%+.1f%%); window %zu bytes = %.0f bytes per transfer\n",
      blocks, per_block, off, on, 100.0 * (on - off) / off, bytes_on,
      static_cast<double>(bytes_on) / static_cast<double>(blocks * per_block));

  constexpr uint64_t kSingles = 900;  // blocks of one transfer at the top of the window
  Keys k;
  auto c = make_chain(k, chain::kDefaultPastBlocks);
  const uint64_t setup = c->height();  // alice holds 1,000,000,000
  for (size_t b = 0; b < blocks; ++b)
    seal_ok(*c, transfers(k, per_block));
  const uint64_t below = c->height();  // the writers' last block
  const Bytes call = balance_call(k);
  auto balance = [&](const core::CallResult& r) {
    if (!r.success) die("balanceOf reverted");
    return r.output;
  };
  std::vector<Bytes> at{balance(c->call(Address{}, kToken, call, kT0))};  // at[n - below]
  for (uint64_t b = 0; b < kSingles; ++b) {
    seal_ok(*c, transfers(k, 1));
    at.push_back(balance(c->call(Address{}, kToken, call, kT0)));
  }
  const uint64_t head = c->height();
  std::printf("reads (median of 201, microseconds): head %.1f",
              median_us([&] { (void)c->call(Address{}, kToken, call, kT0); }));
  for (uint64_t d : {uint64_t{0}, uint64_t{1}, uint64_t{10}, uint64_t{100}, kSingles}) {
    const uint64_t n = head - d;
    if (balance(*c->call_at(Address{}, kToken, call, n)) != at[n - below]) {
      die("the balance at block " + std::to_string(n) + " differs from the head's then");
    }
    std::printf(", %llu below %.1f", static_cast<unsigned long long>(d),
                median_us([&] { (void)c->call_at(Address{}, kToken, call, n); }));
  }
  if (U256::from_be(balance(*c->call_at(Address{}, kToken, call, setup))) != U256(1'000'000'000)) {
    die("the balance below the writers' blocks is not the minted amount");
  }
  std::printf(", %llu below (under %zu transfers) %.1f\n",
              static_cast<unsigned long long>(head - setup), blocks * per_block + kSingles,
              median_us([&] { (void)c->call_at(Address{}, kToken, call, setup); }));
  std::printf("window: %zu blocks, %zu bytes\n", c->state().past_depth(), c->state().past_bytes());
  return 0;
}

}  // namespace
}  // namespace stoa

int main() {
  return stoa::run();
}
