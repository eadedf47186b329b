// Journal figures (docs/journal-format.md, "Figures"). A command, not Google Benchmark: each part
// does real I/O on a real directory (STOA_BENCH_DIR, default a fresh directory under /tmp).
//
//   1. Group commit: blocks of B compliance-checked transfers (B = 1 … 10,000) appended and
//      fdatasynced one per block: durable transactions per second and the latency of a block.
//   2. Replay: a journal of real blocks (signed transfers, executed) recovered from scratch:
//      blocks and transactions per second.
//   3. Restart from a state image of STOA_BENCH_HOLDERS holders (default 1,000,000): state image
//   write,
//      then read + checksum + decode (what a restart does with it), and the content digest of the
//      whole state (no longer on any block's path: state roots chain per-block deltas).
// Each part checks its results (heads, digests) and exits non-zero on a wrong answer.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_util.h"
#include "stoa/abi/abi.h"
#include "stoa/core/bytes_sink.h"
#include "stoa/core/factory.h"
#include "stoa/store/store.h"

namespace stoa {
namespace {

using namespace bench;  // NOLINT(google-build-using-namespace): the benches' shared kit

crypto::PrivateKey key(uint32_t i) {
  return *crypto::derive_from_mnemonic(crypto::kDevMnemonic, i);
}
chain::SignedTransaction tx(const crypto::PrivateKey& k, uint64_t nonce, const Address& to,
                            Bytes data) {
  return bench::signed_tx(k, k.address(), nonce, to, std::move(data));
}

chain::ChainConfig config() {
  chain::ChainConfig c;
  c.genesis = core::GenesisConfig{kChainId, key(0).address(), false};
  c.genesis_timestamp = kT0;
  return c;
}

// The security's token and registry (the factory's first two contracts).
Address token_address() {
  return create_address(core::factory_address(), 0);
}
Address registry_address() {
  return create_address(core::factory_address(), 1);
}

// Seals the set-up of a security with `holders` dev-derived holders (blocks 1..).
struct Setup {
  std::vector<crypto::PrivateKey> holders;
  std::vector<uint64_t> nonces;
};
Setup setup_chain(chain::Chain& c, store::Store* st, size_t holders) {
  Setup s;
  std::vector<chain::SignedTransaction> txs;
  txs.push_back(tx(key(0), 0, core::factory_address(),
                   calldata("createSecurity(string,string,uint8,uint8,address,address)",
                            {"Bench", "BENCH", 0, 5, key(1).address(), key(2).address()})));
  auto seal = [&](std::vector<chain::SignedTransaction> v) {
    const chain::Block& b = c.seal_block(std::move(v), kT0 + c.height() + 1);
    for (const auto& r : b.receipts)
      if (!r.success) die("set-up transaction refused");
    if (st != nullptr && !st->on_sealed(b, c.state()).ok()) die("append failed");
  };
  seal(std::move(txs));
  std::vector<chain::SignedTransaction> onboard, mint;
  for (size_t i = 0; i < holders; ++i) {
    s.holders.push_back(*crypto::derive_from_mnemonic(crypto::kDevMnemonic, 100 + i));
    s.nonces.push_back(0);
    onboard.push_back(tx(key(2), i, registry_address(),
                         calldata("onboard(address,bytes2,uint8,uint256)",
                                  {s.holders[i].address(), abi::Value(Bytes{'U', 'S'}), 1, 0})));
    mint.push_back(tx(key(1), i, token_address(),
                      calldata("mint(address,uint256)", {s.holders[i].address(), 1'000'000})));
  }
  seal(std::move(onboard));
  seal(std::move(mint));
  return s;
}

std::vector<chain::SignedTransaction> transfers(Setup& s, size_t n) {
  std::vector<chain::SignedTransaction> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const size_t from = i % s.holders.size();
    const size_t to = (i * 7 + 3) % s.holders.size();
    out.push_back(tx(s.holders[from], s.nonces[from]++, token_address(),
                     calldata("transfer(address,uint256)", {s.holders[to].address(), 1 + i % 9})));
  }
  return out;
}

void group_commit(const std::string& dir) {
  std::printf("\n1. Group commit (append + fdatasync per block), %s\n", dir.c_str());
  std::printf("%10s %10s %14s %14s %14s\n", "tx/block", "blocks", "block ms mean", "block ms p99",
              "durable tx/s");
  // One executed block of each size gives realistic records; appended repeatedly (renumbered).
  chain::Chain c(config());
  Setup s = setup_chain(c, nullptr, 64);
  for (size_t b : {1, 10, 100, 1000, 10000}) {
    const std::string d = dir + "/gc" + std::to_string(b);
    std::filesystem::remove_all(d);
    const chain::Block& proto = c.seal_block(transfers(s, b), kT0 + c.height() + 1);
    store::ScanResult empty;
    empty.head_hash = Bytes32{};
    std::unique_ptr<store::JournalWriter> w;
    if (!store::JournalWriter::open(store::posix_env(), d, kChainId, empty,
                                    store::kDefaultSegmentBytes, &w)
             .ok()) {
      die("open " + d);
    }
    chain::Block blk = proto;
    std::vector<double> ms;
    const auto t0 = Clock::now();
    Bytes32 prev{};
    for (uint64_t n = 1; since(t0) < 1.5 || n <= 20; ++n) {
      blk.header.number = n;
      blk.header.parent_hash = prev;
      blk.hash = blk.header.hash();
      const auto t = Clock::now();
      if (!w->append(blk).ok()) die("append");
      ms.push_back(since(t) * 1000);
      prev = blk.hash;
    }
    const double total = since(t0);
    std::sort(ms.begin(), ms.end());
    double mean = 0;
    for (double x : ms)
      mean += x;
    mean /= static_cast<double>(ms.size());
    std::printf("%10zu %10zu %14.3f %14.3f %14.0f\n", b, ms.size(), mean, ms[ms.size() * 99 / 100],
                static_cast<double>(b * ms.size()) / total);
  }
}

void replay(const std::string& dir, size_t blocks, size_t per_block) {
  std::printf("\n2. Replay: %zu blocks x %zu signed transfers, recovered from scratch\n", blocks,
              per_block);
  const std::string d = dir + "/replay";
  std::filesystem::remove_all(d);
  store::StoreOptions so;
  so.image_every = 0;
  so.image_every_tx = 0;
  Bytes32 digest;
  uint64_t head = 0;
  {
    std::unique_ptr<store::Store> st;
    std::unique_ptr<chain::Chain> c;
    store::RecoveryReport r;
    if (auto e = store::Store::open(store::posix_env(), d, config(), so, &st, &c, &r); !e.empty())
      die(e);
    Setup s = setup_chain(*c, st.get(), 256);
    const auto t = Clock::now();
    for (size_t i = 0; i < blocks; ++i) {
      const chain::Block& b = c->seal_block(transfers(s, per_block), kT0 + c->height() + 1);
      if (!st->on_sealed(b, c->state()).ok()) die("append");
    }
    std::printf("   written (execute + seal + append + fdatasync): %.2f s incl. signing\n",
                since(t));
    digest = c->state().digest();
    head = c->height();
  }
  std::unique_ptr<store::Store> st;
  std::unique_ptr<chain::Chain> c;
  store::RecoveryReport r;
  const auto t = Clock::now();
  if (auto e = store::Store::open(store::posix_env(), d, config(), so, &st, &c, &r); !e.empty())
    die(e);
  const double secs = since(t);
  if (c->height() != head || c->state().digest() != digest) die("replay gave another state");
  std::printf(
      "   recovery: %.3f s, %.0f blocks/s, %.0f tx/s (scan, decode, execute, digest per block)\n",
      secs, static_cast<double>(r.replayed_blocks) / secs,
      static_cast<double>(r.replayed_transactions) / secs);
}

void image_restart(const std::string& dir, size_t holders) {
  std::printf("\n3. State image of %zu holders\n", holders);
  core::State state(core::GenesisConfig{kChainId, key(0).address(), false});
  core::SecuritySet set;
  const auto t0 = Clock::now();
  auto must = [](const core::Status& s, const char* what) {
    if (!s.ok()) die(what);
  };
  must(state.transact(key(0).address(), {1, kT0}, nullptr,
                      [&](core::CallContext& ctx) -> core::Status {
                        auto r = state.factory().create_security(
                            ctx, core::CreateSecurityArgs{"Bench", "BENCH", 0, 5, key(1).address(),
                                                          key(2).address()});
                        if (!r.ok()) return r.take_revert();
                        set = r.value();
                        return core::Status::Ok();
                      }),
       "create");
  auto* reg = state.contract_as<core::ComplianceRegistry>(set.registry);
  auto* token = state.contract_as<core::SecurityToken>(set.token);
  constexpr size_t kBatch = 4096;
  for (size_t b = 0; b < holders; b += kBatch) {
    const size_t e = std::min(holders, b + kBatch);
    auto addr = [](size_t i) {
      Address a;
      a.b[0] = 0xaa;
      for (int k = 0; k < 8; ++k)
        a.b[19 - k] = static_cast<uint8_t>(i >> (8 * k));
      return a;
    };
    must(state.transact(key(2).address(), {2, kT0}, nullptr,
                        [&](core::CallContext& ctx) -> core::Status {
                          for (size_t i = b; i < e; ++i)
                            STOA_TRY(reg->onboard(ctx, addr(i), core::jurisdiction('U', 'S'), 1,
                                                  U256(0)));
                          return core::Status::Ok();
                        }),
         "onboard");
    must(state.transact(key(1).address(), {3, kT0}, nullptr,
                        [&](core::CallContext& ctx) -> core::Status {
                          for (size_t i = b; i < e; ++i)
                            STOA_TRY(token->mint(ctx, addr(i), U256(1000 + i)));
                          return core::Status::Ok();
                        }),
         "mint");
  }
  std::printf("   state built natively in %.2f s (%llu holders)\n", since(t0),
              static_cast<unsigned long long>(token->holder_count()));
  auto t = Clock::now();
  const Bytes32 digest = state.digest();
  std::printf("   content digest of the whole state (not on the seal path): %.3f s\n", since(t));
  core::BytesSink sink;
  t = Clock::now();
  state.encode(sink);
  const double encode_s = since(t);
  t = Clock::now();
  store::StateImage snap;
  snap.chain_id = kChainId;
  snap.block_number = 1;
  snap.state_digest = digest;
  snap.state = std::move(sink.out);
  const std::string d = dir + "/snap";
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  if (!store::write_state_image(store::posix_env(), d, snap).ok()) die("write state image");
  const double write_s = since(t);
  std::printf("   state image encode %.3f s + write + fsync + rename %.3f s = %.3f s, %.1f MiB\n",
              encode_s, write_s, encode_s + write_s,
              static_cast<double>(snap.state.size()) / (1 << 20));
  t = Clock::now();
  store::StateImage back;
  if (auto e = store::read_state_image(store::posix_env(), d, store::state_image_name(1), kChainId,
                                       &back);
      !e.empty()) {
    die(e);
  }
  const double read_s = since(t);
  core::State restored(state.genesis());
  std::string error;
  t = Clock::now();
  if (!restored.restore(back.state, &error)) die(error);
  const double decode_s = since(t);
  std::printf("   restart from state image: read + checksum %.3f s, decode %.3f s = %.3f s\n",
              read_s, decode_s, read_s + decode_s);
  // The bench's own check, outside the restart: the restored state is the original.
  if (restored.digest() != digest) die("restored digest differs");
}

}  // namespace
}  // namespace stoa

int main() {
  using namespace stoa;
  const char* env_dir = std::getenv("STOA_BENCH_DIR");
  const std::string dir =
      env_dir ? env_dir : (std::filesystem::temp_directory_path() / "stoa-journal-bench").string();
  std::filesystem::create_directories(dir);
  const size_t holders = bench::env_u64("STOA_BENCH_HOLDERS", 1'000'000, 1);
  const size_t replay_blocks = bench::env_u64("STOA_BENCH_REPLAY_BLOCKS", 100, 1);
  group_commit(dir);
  replay(dir, replay_blocks, 500);
  image_restart(dir, holders);
  std::filesystem::remove_all(dir);
  return 0;
}
