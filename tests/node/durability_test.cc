// Acknowledgement follows durability: while the durability hook (the journal's append + fsync)
// runs, nobody sees the block — not a --sync-submit waiter, not a reader of receipts, of the head
// or of the state, although the sequencer has executed the block and released its lock — and a
// failed hook that stops the process leaves nothing published.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "stoa/abi/abi.h"
#include "stoa/core/factory.h"
#include "stoa/node/ledger.h"

namespace stoa::node {
namespace {

TEST(DurabilityTest, NothingIsVisibleBeforeTheHookReturns) {
  chain::ChainConfig cfg;
  const auto op = *crypto::derive_from_mnemonic(crypto::kDevMnemonic, 0);
  cfg.genesis = core::GenesisConfig{1337, op.address(), false};
  cfg.genesis_timestamp = 1767225600;
  Metrics metrics;
  std::atomic<bool> in_hook{false};
  std::atomic<bool> durable{false};
  Ledger::Durability hook;
  hook.make_durable = [&](const chain::Block& b, const core::State* state) {
    EXPECT_EQ(state, nullptr);  // written while the next block may execute: no state
    if (b.transactions.empty()) return;
    in_hook = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the "fsync"
    durable = true;
  };
  Ledger ledger(std::make_unique<chain::Chain>(cfg), metrics, std::chrono::milliseconds(1),
                std::move(hook));
  chain::Transaction t;
  t.chain_id = 1337;
  t.gas_limit = 1'000'000;
  t.to = core::factory_address();
  t.data = std::get<Bytes>(abi::encode_call(
      *abi::parse_signature("createSecurity(string,string,uint8,uint8,address,address)"),
      {"Durable", "DUR", 0, 5, crypto::derive_from_mnemonic(crypto::kDevMnemonic, 1)->address(),
       crypto::derive_from_mnemonic(crypto::kDevMnemonic, 2)->address()}));
  const chain::SignedTransaction stx = chain::sign_transaction(t, op);
  ASSERT_EQ(ledger.submit(stx, nullptr), chain::AdmitError::kOk);
  // A reader polling the chain (as eth_getTransactionReceipt does) while the hook runs.
  std::atomic<bool> seen_early{false};
  std::thread reader([&] {
    for (int i = 0; i < 400 && !durable; ++i) {
      {
        std::shared_lock lock = ledger.read_lock();
        if (ledger.chain().find_transaction(stx.hash).has_value() && !durable) seen_early = true;
        if (ledger.chain().height() > 0 && !durable) seen_early = true;
        // The state too: the block executed before the hook began, but nobody reads it yet.
        if (ledger.chain().state().account_nonce(op.address()) > 0 && !durable) seen_early = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  const auto loc = ledger.sequencer().wait_for(stx.hash, std::chrono::seconds(10));
  EXPECT_TRUE(durable.load()) << "the waiter was answered before the block was durable";
  ASSERT_TRUE(loc.has_value());
  reader.join();
  EXPECT_TRUE(in_hook.load());
  EXPECT_FALSE(seen_early.load()) << "a reader saw the block before it was durable";
  ledger.stop();
}

}  // namespace
}  // namespace stoa::node
