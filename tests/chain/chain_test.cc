// The chain: genesis, a full flow of signed transactions (create a security through the factory,
// onboard, mint, transfer, a refused transfer), receipts and logs, roots, linking, and
// deterministic replay.
#include "stoa/chain/chain.h"
#include "chain_test_util.h"
#include "stoa/core/errors.h"
#include "stoa/core/factory.h"

namespace stoa::chain::testing {
namespace {

constexpr uint64_t kGenesisTime = 1767225600;  // 2026-01-01T00:00:00Z
constexpr uint8_t kGlobalPreset = 5;

abi::Value b2(const char* j) {
  return abi::Value(Bytes{static_cast<uint8_t>(j[0]), static_cast<uint8_t>(j[1])});
}

ChainConfig config() {
  ChainConfig c;
  c.genesis = core::GenesisConfig{kChainId, dev_key(0).address(), false};
  c.genesis_timestamp = kGenesisTime;
  return c;
}

// The dev accounts: operator 0 (Hardhat's first), issuer 1, officer 2, alice 3, bob 4, carol 5
// (never onboarded).
struct Accounts {
  crypto::PrivateKey op = dev_key(0), issuer = dev_key(1), officer = dev_key(2), alice = dev_key(3),
                     bob = dev_key(4), carol = dev_key(5);
};

const Address kToken = create_address(core::factory_address(), 0);
const Address kRegistry = create_address(core::factory_address(), 1);

// The flow's blocks: each a list of signed transactions and a timestamp.
std::vector<std::pair<std::vector<SignedTransaction>, uint64_t>> flow(const Accounts& a) {
  std::vector<std::pair<std::vector<SignedTransaction>, uint64_t>> blocks;
  blocks.push_back({{signed_call(a.op, 0, core::factory_address(),
                                 "createSecurity(string,string,uint8,uint8,address,address)",
                                 {"ACME Inc.", "ACME", 0, kGlobalPreset, a.issuer.address(),
                                  a.officer.address()})},
                    kGenesisTime + 10});
  blocks.push_back(
      {{signed_call(a.officer, 0, kRegistry, "onboard(address,bytes2,uint8,uint256)",
                    {a.alice.address(), b2("US"), 1, 0}),
        signed_call(a.officer, 1, kRegistry, "onboard(address,bytes2,uint8,uint256)",
                    {a.bob.address(), b2("US"), 1, 0}),
        signed_call(a.issuer, 0, kToken, "mint(address,uint256)", {a.alice.address(), 1000})},
       kGenesisTime + 20});
  blocks.push_back(
      {{signed_call(a.alice, 0, kToken, "transfer(address,uint256)", {a.bob.address(), 250}),
        signed_call(a.alice, 1, kToken, "transfer(address,uint256)", {a.carol.address(), 1})},
       kGenesisTime + 30});
  return blocks;
}

U256 balance(const Chain& chain, const Address& who) {
  core::CallResult r =
      chain.call(Address{}, kToken, calldata("balanceOf(address)", {who}), kGenesisTime);
  EXPECT_TRUE(r.success);
  auto v = abi::decode({*abi::parse_type("uint256")}, r.output);
  return v.index() == 0 ? std::get<abi::ValueList>(v)[0].u256() : U256(0);
}

TEST(ChainTest, Genesis) {
  Chain chain(config());
  EXPECT_EQ(chain.height(), 0u);
  EXPECT_EQ(chain.chain_id(), kChainId);
  const Block& g = chain.head();
  EXPECT_EQ(g.header.number, 0u);
  EXPECT_TRUE(g.header.parent_hash.is_zero());
  EXPECT_EQ(g.header.timestamp, kGenesisTime);
  EXPECT_EQ(g.header.state_root, chain.state().digest());
  EXPECT_EQ(g.header.transactions_root, empty_trie_root());
  EXPECT_EQ(g.header.receipts_root, empty_trie_root());
  EXPECT_EQ(g.header.ommers_hash, empty_ommers_hash());
  EXPECT_TRUE(g.transactions.empty());
  EXPECT_EQ(g.hash, g.header.hash());
  EXPECT_EQ(chain.block_by_hash(g.hash).get(), &chain.head());
  EXPECT_EQ(chain.block_by_number(0).get(), &chain.head());
  EXPECT_EQ(chain.block_by_number(1), nullptr);
  // Same genesis, same hash; another operator, another state root.
  Chain again(config());
  EXPECT_EQ(again.head().hash, g.hash);
  ChainConfig other = config();
  other.genesis.operator_account = dev_key(7).address();
  EXPECT_NE(Chain(other).head().hash, g.hash);
}

TEST(ChainTest, FullFlowThroughSignedTransactions) {
  Accounts a;
  Chain chain(config());
  auto blocks = flow(a);
  // Every transaction goes through the wire format: encode, decode, then seal.
  for (auto& [txs, ts] : blocks) {
    for (SignedTransaction& tx : txs) {
      auto d = decode_transaction(tx.raw, kChainId);
      ASSERT_EQ(d.index(), 0u);
      EXPECT_EQ(std::get<SignedTransaction>(d).sender, tx.sender);
      tx = std::get<SignedTransaction>(d);
    }
    chain.seal_block(txs, ts);
  }
  ASSERT_EQ(chain.height(), 3u);

  // Block 1: the factory created the security at the CREATE addresses.
  const Block& b1 = *chain.block_by_number(1);
  ASSERT_EQ(b1.receipts.size(), 1u);
  EXPECT_TRUE(b1.receipts[0].success) << core::describe_revert(b1.receipts[0].revert_data);
  ASSERT_NE(chain.state().factory().find_by_symbol("ACME"), nullptr);
  EXPECT_EQ(chain.state().factory().find_by_symbol("ACME")->token, kToken);
  EXPECT_FALSE(b1.receipts[0].logs.empty());

  // Block 2: onboarding and the mint.
  const Block& b2blk = *chain.block_by_number(2);
  for (const Receipt& r : b2blk.receipts)
    EXPECT_TRUE(r.success) << core::describe_revert(r.revert_data);
  ASSERT_EQ(b2blk.receipts[2].logs.size(), 1u);  // the mint's Transfer(0, alice, 1000)
  EXPECT_EQ(b2blk.receipts[2].logs[0].topics[1], Bytes32{});

  // Block 3: one transfer succeeds, one is refused with TransferRestricted(2).
  const Block& b3 = *chain.block_by_number(3);
  ASSERT_EQ(b3.receipts.size(), 2u);
  const Receipt& ok = b3.receipts[0];
  const Receipt& refused = b3.receipts[1];
  EXPECT_TRUE(ok.success);
  EXPECT_TRUE(ok.revert_data.empty());
  ASSERT_EQ(ok.logs.size(), 1u);
  const Bytes32 transfer_topic = keccak256(std::string_view("Transfer(address,address,uint256)"));
  EXPECT_EQ(ok.logs[0].address, kToken);
  EXPECT_EQ(ok.logs[0].topics[0], transfer_topic);
  EXPECT_EQ(ok.logs[0].topics[1], a.alice.address().to_word());
  EXPECT_EQ(ok.logs[0].topics[2], a.bob.address().to_word());
  const Bytes32 amount = U256(250).to_bytes32();
  EXPECT_EQ(ok.logs[0].data, Bytes(amount.b.begin(), amount.b.end()));
  EXPECT_TRUE(bloom_may_contain(ok.bloom, kToken.view()));
  EXPECT_TRUE(bloom_may_contain(ok.bloom, transfer_topic.view()));
  EXPECT_TRUE(bloom_may_contain(b3.header.logs_bloom, a.bob.address().to_word().view()));
  EXPECT_FALSE(refused.success);
  EXPECT_TRUE(refused.logs.empty());
  EXPECT_EQ(refused.bloom, Bloom{});
  EXPECT_EQ(to_hex(refused.revert_data),
            to_hex(core::make_revert(core::ErrorId::kTransferRestricted, {U256(2)}).data));
  EXPECT_EQ(core::describe_revert(refused.revert_data), "TransferRestricted(2)");
  EXPECT_EQ(balance(chain, a.alice.address()), U256(750));
  EXPECT_EQ(balance(chain, a.bob.address()), U256(250));
  EXPECT_EQ(balance(chain, a.carol.address()), U256(0));
  // The refused transaction still used its nonce.
  EXPECT_EQ(chain.state().account_nonce(a.alice.address()), 2u);
  EXPECT_EQ(chain.state().account_nonce(a.officer.address()), 2u);
  EXPECT_EQ(chain.state().account_nonce(a.carol.address()), 0u);

  // Receipts' fields, gas and roots.
  for (uint64_t n = 1; n <= chain.height(); ++n) {
    const Block& b = *chain.block_by_number(n);
    uint64_t cumulative = 0;
    std::vector<Bytes> raws;
    std::vector<Bytes> encoded;
    Bloom bloom{};
    for (size_t i = 0; i < b.receipts.size(); ++i) {
      const Receipt& r = b.receipts[i];
      const SignedTransaction& tx = b.transactions[i];
      EXPECT_EQ(r.transaction_hash, tx.hash);
      EXPECT_EQ(r.transaction_index, i);
      EXPECT_EQ(r.block_number, n);
      EXPECT_EQ(r.block_hash, b.hash);
      EXPECT_EQ(r.from, tx.sender);
      EXPECT_EQ(r.to, tx.tx.to);
      EXPECT_EQ(r.type, tx.tx.type);
      // Metered from genesis: the intrinsic gas plus the work, within the limit.
      EXPECT_GT(r.gas_used, intrinsic_gas(tx.tx.data));
      EXPECT_LE(r.gas_used, tx.tx.gas_limit);
      cumulative += r.gas_used;
      EXPECT_EQ(r.cumulative_gas_used, cumulative);
      EXPECT_EQ(r.bloom, logs_bloom(r.logs));
      for (size_t k = 0; k < bloom.size(); ++k)
        bloom[k] |= r.bloom[k];
      raws.push_back(tx.raw);
      encoded.push_back(encode_receipt(r));
      // The index finds the transaction and its receipt.
      auto loc = chain.find_transaction(tx.hash);
      ASSERT_TRUE(loc.has_value());
      EXPECT_EQ(loc->block_number, n);
      EXPECT_EQ(loc->index, i);
      EXPECT_EQ(chain.transaction(*loc)->hash, tx.hash);
      EXPECT_EQ(chain.receipt(*loc).get(), &r);
    }
    EXPECT_EQ(b.header.gas_used, cumulative);
    EXPECT_EQ(b.header.gas_limit, kMeteredBlockGasLimit);
    EXPECT_EQ(b.header.logs_bloom, bloom);
    EXPECT_EQ(b.header.transactions_root, ordered_trie_root(raws));
    EXPECT_EQ(b.header.receipts_root, ordered_trie_root(encoded));
    // Linking: each block commits to its parent's hash, and its hash is its header's.
    EXPECT_EQ(b.header.parent_hash, chain.block_by_number(n - 1)->hash);
    EXPECT_EQ(b.header.number, n);
    EXPECT_EQ(b.hash, b.header.hash());
    EXPECT_EQ(chain.block_by_hash(b.hash).get(), &b);
  }
  EXPECT_FALSE(chain.find_transaction(Bytes32{}).has_value());
  EXPECT_EQ(chain.transaction(TxLocation{1, 5}), nullptr);
  EXPECT_EQ(chain.receipt(TxLocation{9, 0}), nullptr);
}

TEST(ChainTest, ReplayGivesIdenticalBlocks) {
  Accounts a;
  Chain first(config());
  Chain second(config());
  for (auto& [txs, ts] : flow(a))
    first.seal_block(txs, ts);
  for (auto& [txs, ts] : flow(a))
    second.seal_block(txs, ts);
  ASSERT_EQ(first.height(), second.height());
  for (uint64_t n = 0; n <= first.height(); ++n) {
    EXPECT_EQ(first.block_by_number(n)->hash, second.block_by_number(n)->hash);
    EXPECT_EQ(first.block_by_number(n)->header.state_root,
              second.block_by_number(n)->header.state_root);
  }
  EXPECT_EQ(first.state().digest(), second.state().digest());
  // The state root moves with the state: every block of the flow changed it.
  for (uint64_t n = 1; n <= first.height(); ++n)
    EXPECT_NE(first.block_by_number(n)->header.state_root,
              first.block_by_number(n - 1)->header.state_root);
}

// A block sealed with a worker (receipts encoded and leaves hashed on a second thread while the
// transactions execute) is the block sealed without one, byte for byte: a block of 150 transfers,
// some refused, spans several of the worker's chunks and wake-ups.
TEST(ChainTest, SealWorkerGivesTheSameBlocks) {
  Accounts a;
  auto blocks = flow(a);
  std::vector<SignedTransaction> many;
  for (uint64_t i = 0; i < 150; ++i) {
    const Address to = i % 7 == 3 ? a.carol.address() : a.bob.address();  // carol: refused
    many.push_back(
        signed_call(a.alice, 2 + i, kToken, "transfer(address,uint256)", {to, 1 + i % 3}));
  }
  blocks.emplace_back(many, kGenesisTime + 40);
  Chain serial(config());
  Chain threaded(config());
  SealThread worker;
  for (auto& [txs, ts] : blocks) {
    const Block& x = serial.seal_block(txs, ts);
    const Block& y = threaded.seal_block(txs, ts, &worker);
    EXPECT_EQ(x.hash, y.hash);
    EXPECT_EQ(x.header.rlp(), y.header.rlp());
    ASSERT_EQ(x.receipts.size(), y.receipts.size());
    for (size_t i = 0; i < x.receipts.size(); ++i) {
      EXPECT_EQ(encode_receipt(x.receipts[i]), encode_receipt(y.receipts[i])) << i;
      EXPECT_EQ(x.receipts[i].bloom, y.receipts[i].bloom) << i;
      EXPECT_EQ(x.receipts[i].block_hash, y.receipts[i].block_hash) << i;
    }
  }
  const Block& last = serial.head();
  size_t refused = 0;
  for (const Receipt& rc : last.receipts)
    refused += rc.success ? 0 : 1;
  EXPECT_EQ(refused, 21u);  // i % 7 == 3 for 150 transfers
  EXPECT_NE(last.header.logs_bloom, Bloom{});
}

TEST(ChainTest, TimestampsNeverGoBackAndEmptyBlocksSeal) {
  Chain chain(config());
  const Block& b1 = chain.seal_block({}, kGenesisTime - 100);
  EXPECT_EQ(b1.header.timestamp, kGenesisTime);
  EXPECT_EQ(b1.header.transactions_root, empty_trie_root());
  EXPECT_EQ(b1.header.state_root, chain.block_by_number(0)->header.state_root);
  const Block& b2 = chain.seal_block({}, kGenesisTime + 5);
  EXPECT_EQ(b2.header.timestamp, kGenesisTime + 5);
  EXPECT_NE(b2.hash, chain.block_by_number(1)->hash);
}

// State roots are chained over each block's delta (docs/journal-format.md, "State root"): they
// follow the state, not the transactions that led to it.
TEST(ChainTest, RefusedTransactionsLeaveOnlyTheirNonceInTheStateRoot) {
  Accounts a;
  Chain first(config());
  Chain second(config());
  for (auto& [txs, ts] : flow(a)) {
    first.seal_block(txs, ts);
    second.seal_block(txs, ts);
  }
  // Two different refused transfers by bob with the same nonce: the blocks differ (transactions,
  // receipts, hashes), the states they leave do not, and neither do their roots.
  const auto refused1 =
      signed_call(a.bob, 0, kToken, "transfer(address,uint256)", {a.carol.address(), 1});
  const auto refused2 =
      signed_call(a.bob, 0, kToken, "transfer(address,uint256)", {a.carol.address(), 7});
  const Block& b1 = first.seal_block({refused1}, kGenesisTime + 40);
  const Block& b2 = second.seal_block({refused2}, kGenesisTime + 40);
  ASSERT_FALSE(b1.receipts[0].success);
  ASSERT_FALSE(b2.receipts[0].success);
  EXPECT_NE(b1.hash, b2.hash);
  EXPECT_EQ(b1.header.state_root, b2.header.state_root);
  EXPECT_EQ(first.state().digest(), second.state().digest());
  // The nonce did move: the root is not the parent's.
  EXPECT_NE(b1.header.state_root, first.block_by_number(b1.header.number - 1)->header.state_root);
}

TEST(ChainTest, StateRootsDifferWhenOneAmountDiffers) {
  Accounts a;
  Chain first(config());
  Chain second(config());
  auto blocks = flow(a);
  for (size_t i = 0; i + 1 < blocks.size(); ++i) {
    first.seal_block(blocks[i].first, blocks[i].second);
    second.seal_block(blocks[i].first, blocks[i].second);
  }
  const Block& b1 = first.seal_block(
      {signed_call(a.alice, 0, kToken, "transfer(address,uint256)", {a.bob.address(), 250})},
      kGenesisTime + 30);
  const Block& b2 = second.seal_block(
      {signed_call(a.alice, 0, kToken, "transfer(address,uint256)", {a.bob.address(), 251})},
      kGenesisTime + 30);
  ASSERT_TRUE(b1.receipts[0].success);
  ASSERT_TRUE(b2.receipts[0].success);
  EXPECT_NE(b1.header.state_root, b2.header.state_root);
  // Undo the difference: bob sends the extra unit back to alice in the second chain only; the
  // states are then equal again, but the roots keep the history apart.
  second.seal_block(
      {signed_call(a.bob, 0, kToken, "transfer(address,uint256)", {a.alice.address(), 1})},
      kGenesisTime + 31);
  EXPECT_NE(first.head().header.state_root, second.head().header.state_root);
}

TEST(ChainTest, GenesisRootIsTheContentDigestAndChainedRootsAreNot) {
  Accounts a;
  Chain chain(config());
  EXPECT_EQ(chain.head().header.state_root, chain.state().digest());
  for (auto& [txs, ts] : flow(a))
    chain.seal_block(txs, ts);
  EXPECT_NE(chain.head().header.state_root, chain.state().digest());
}

TEST(ChainTest, CallNeverChangesTheState) {
  Accounts a;
  Chain chain(config());
  auto blocks = flow(a);
  chain.seal_block(blocks[0].first, blocks[0].second);
  const Bytes32 before = chain.state().digest();
  // A mint by the issuer through eth_call succeeds but leaves nothing behind.
  core::CallResult r = chain.call(
      a.issuer.address(), kRegistry,
      calldata("onboard(address,bytes2,uint8,uint256)", {a.alice.address(), b2("US"), 1, 0}), 0);
  EXPECT_FALSE(r.success);  // the issuer is not the compliance officer
  r = chain.call(
      a.officer.address(), kRegistry,
      calldata("onboard(address,bytes2,uint8,uint256)", {a.alice.address(), b2("US"), 1, 0}), 0);
  EXPECT_TRUE(r.success) << core::describe_revert(r.output);
  EXPECT_EQ(chain.state().digest(), before);
  EXPECT_EQ(chain.state().account_nonce(a.officer.address()), 0u);
}

TEST(ChainDeathTest, NonceOutOfOrderIsAnInvariantViolation) {
  Accounts a;
  Chain chain(config());
  auto tx = signed_call(a.op, 1, core::factory_address(), "securityCount()", {});
  EXPECT_DEATH(chain.seal_block({tx}, kGenesisTime), "invariant violated");
}

// A data directory written before metering must replay to the same blocks: blocks under rules
// before version 3 keep the gas they were written with (intrinsic only, under kBlockGasLimit),
// blocks from the version's height on are metered — and the height is what decides.
TEST(ChainMeteringTest, BlocksBelowTheMeteringHeightReplayWithIntrinsicGas) {
  const Accounts a;
  ChainConfig c = config();
  c.rules = core::RulesSchedule::from_entries({{core::Rules::kV2, 0}, {core::Rules::kV3, 3}});
  Chain chain(c);
  for (auto& [txs, t] : flow(a))
    chain.seal_block(txs, t);
  ASSERT_EQ(chain.height(), 3u);
  for (uint64_t n = 1; n <= 3; ++n) {
    const Block& b = *chain.block_by_number(n);
    EXPECT_EQ(b.header.gas_limit, n < 3 ? kBlockGasLimit : kMeteredBlockGasLimit);
    for (size_t i = 0; i < b.receipts.size(); ++i) {
      const uint64_t intrinsic = intrinsic_gas(b.transactions[i].tx.data);
      if (n < 3) {
        EXPECT_EQ(b.receipts[i].gas_used, intrinsic) << n << "/" << i;
      } else {
        EXPECT_GT(b.receipts[i].gas_used, intrinsic) << n << "/" << i;
      }
    }
  }
  // The same rules replay every block; metering from genesis does not replay block 1.
  Chain again(c);
  for (uint64_t n = 1; n <= 3; ++n)
    EXPECT_EQ(again.replay_block(*chain.block_by_number(n)), "") << n;
  Chain metered(config());
  EXPECT_NE(metered.replay_block(*chain.block_by_number(1)), "");
}

// A transaction whose gas limit does not cover its work: status 0, Error("out of gas"), charged
// its whole limit (as on Ethereum), its nonce used and nothing else changed.
TEST(ChainMeteringTest, OutOfGasTransactionFailsChargedItsLimit) {
  const Accounts a;
  Chain chain(config());
  auto blocks = flow(a);
  chain.seal_block(blocks[0].first, blocks[0].second);
  chain.seal_block(blocks[1].first, blocks[1].second);
  Transaction t = make_tx(0, kToken, calldata("transfer(address,uint256)", {a.bob.address(), 10}));
  t.gas_limit = intrinsic_gas(t.data) + 100;
  const Block& b = chain.seal_block({sign_transaction(t, a.alice)}, kGenesisTime + 30);
  ASSERT_EQ(b.receipts.size(), 1u);
  EXPECT_FALSE(b.receipts[0].success);
  EXPECT_EQ(b.receipts[0].gas_used, t.gas_limit);
  EXPECT_EQ(b.header.gas_used, t.gas_limit);
  EXPECT_EQ(to_hex(b.receipts[0].revert_data), to_hex(core::revert_message("out of gas").data));
  EXPECT_TRUE(b.receipts[0].logs.empty());
  EXPECT_EQ(balance(chain, a.bob.address()), U256(0));
  EXPECT_EQ(chain.state().account_nonce(a.alice.address()), 1u);
  // eth_estimateGas's figure is the least limit that succeeds.
  const Bytes data = calldata("transfer(address,uint256)", {a.bob.address(), 10});
  const GasEstimate e = chain.estimate_gas(a.alice.address(), kToken, data, kGenesisTime + 40);
  ASSERT_TRUE(e.result.success);
  Transaction under = make_tx(1, kToken, data);
  under.gas_limit = e.gas - 1;
  Transaction exact = make_tx(2, kToken, data);
  exact.gas_limit = e.gas;
  const Block& b2 = chain.seal_block(
      {sign_transaction(under, a.alice), sign_transaction(exact, a.alice)}, kGenesisTime + 40);
  EXPECT_FALSE(b2.receipts[0].success);
  EXPECT_TRUE(b2.receipts[1].success);
  EXPECT_EQ(b2.receipts[1].gas_used, e.gas);
  EXPECT_EQ(balance(chain, a.bob.address()), U256(10));
}

}  // namespace
}  // namespace stoa::chain::testing
