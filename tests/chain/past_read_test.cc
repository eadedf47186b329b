// Reads at past blocks (docs/NODE.md, "Reads at past blocks"): the chain unwinds its one live
// state to a recent block with the blocks' undo records and rewinds it after. These tests check
// that the state seen at block N is the state when N was the head (content digest, every
// container's fingerprint, balances and nonces, contracts not yet created), that the head state
// comes back exactly, and that reads leave no trace in what the chain seals next: the same block
// hashes, hence state roots, as a twin chain that never read the past.
#include "chain_test_util.h"
#include "stoa/chain/chain.h"
#include "stoa/core/factory.h"
#include "stoa/core/multicall3.h"

namespace stoa::chain::testing {
namespace {

constexpr uint64_t kGenesisTime = 1767225600;  // 2026-01-01T00:00:00Z
constexpr uint8_t kGlobalPreset = 5;

ChainConfig config() {
  ChainConfig c;
  c.genesis = core::GenesisConfig{kChainId, dev_key(0).address(), false};
  c.genesis_timestamp = kGenesisTime;
  return c;
}

const Address kToken = create_address(core::factory_address(), 0);
const Address kRegistry = create_address(core::factory_address(), 1);

abi::Value b2(const char* j) {
  return abi::Value(Bytes{static_cast<uint8_t>(j[0]), static_cast<uint8_t>(j[1])});
}

// Block b's transactions (1-based): the security created, two holders onboarded and minted to,
// then transfers back and forth (one refused, one block empty).
struct Flow {
  crypto::PrivateKey op = dev_key(0), issuer = dev_key(1), officer = dev_key(2), alice = dev_key(3),
                     bob = dev_key(4), carol = dev_key(5);
  uint64_t alice_nonce = 0;
  uint64_t bob_nonce = 0;
  std::vector<SignedTransaction> block(uint64_t b) {
    const std::string transfer = "transfer(address,uint256)";
    const std::string onboard = "onboard(address,bytes2,uint8,uint256)";
    switch (b) {
      case 1:
        return {signed_call(
            op, 0, core::factory_address(),
            "createSecurity(string,string,uint8,uint8,address,address)",
            {"ACME Inc.", "ACME", 0, kGlobalPreset, issuer.address(), officer.address()})};
      case 2:
        return {signed_call(officer, 0, kRegistry, onboard, {alice.address(), b2("US"), 1, 0}),
                signed_call(officer, 1, kRegistry, onboard, {bob.address(), b2("US"), 1, 0}),
                signed_call(issuer, 0, kToken, "mint(address,uint256)", {alice.address(), 1000})};
      case 5:
        return {};
      default:  // alice sends b, bob sends back 1 (and alice to carol, refused, every third)
        std::vector<SignedTransaction> txs{
            signed_call(alice, alice_nonce++, kToken, transfer, {bob.address(), b}),
            signed_call(bob, bob_nonce++, kToken, transfer, {alice.address(), 1})};
        if (b % 3 == 0) {
          txs.push_back(signed_call(alice, alice_nonce++, kToken, transfer, {carol.address(), 1}));
        }
        return txs;
    }
  }
};

U256 decode_u256(const core::CallResult& r) {
  EXPECT_TRUE(r.success);
  auto v = abi::decode({*abi::parse_type("uint256")}, r.output);
  return v.index() == 0 ? std::get<abi::ValueList>(v)[0].u256() : U256(0);
}

// What a block's head state looked like.
struct Seen {
  Bytes32 digest;
  core::ContainerFingerprints fingerprints;
  U256 alice;  // balanceOf(alice), or 0 before the token exists
  uint64_t alice_nonce = 0;
  bool token = false;
};

Seen seen(const Chain& chain, const core::State& s, const Flow& f) {
  Seen x;
  x.digest = s.digest();
  x.fingerprints = s.container_fingerprints();
  x.alice_nonce = s.account_nonce(f.alice.address());
  x.token = s.contract(kToken) != nullptr;
  if (x.token) {
    x.alice = decode_u256(chain.call(
        Address{}, kToken, calldata("balanceOf(address)", {f.alice.address()}), kGenesisTime));
  }
  return x;
}

constexpr uint64_t kBlocks = 12;

TEST(PastReadTest, TheStateAtEachBlockOfTheWindowIsTheStateWhenItWasTheHead) {
  Chain chain(config());
  chain.set_past_window(64);
  Flow f;
  std::vector<Seen> heads{seen(chain, chain.state(), f)};
  for (uint64_t b = 1; b <= kBlocks; ++b) {
    chain.seal_block(f.block(b), kGenesisTime + 10 * b);
    heads.push_back(seen(chain, chain.state(), f));
  }
  ASSERT_EQ(chain.oldest_readable(), 0u);
  for (uint64_t n = 0; n <= kBlocks; ++n) {
    Seen at;
    chain.read_at(n, [&](const core::State& s) {
      at.digest = s.digest();
      at.fingerprints = s.container_fingerprints();
      at.alice_nonce = s.account_nonce(f.alice.address());
      at.token = s.contract(kToken) != nullptr;
    });
    EXPECT_EQ(at.digest, heads[n].digest) << "block " << n;
    EXPECT_EQ(at.fingerprints, heads[n].fingerprints) << "block " << n;
    EXPECT_EQ(at.alice_nonce, heads[n].alice_nonce) << "block " << n;
    EXPECT_EQ(at.token, heads[n].token) << "block " << n;
    EXPECT_EQ(chain.state().digest(), heads[kBlocks].digest) << "rewound from block " << n;
    // eth_call at the block: the balance it had then; no token before block 1 (nothing runs).
    const std::optional<core::CallResult> r =
        chain.call_at(Address{}, kToken, calldata("balanceOf(address)", {f.alice.address()}), n);
    ASSERT_EQ(r.has_value(), heads[n].token) << "block " << n;
    if (r) {
      EXPECT_EQ(decode_u256(*r), heads[n].alice) << "block " << n;
    }
  }
  EXPECT_EQ(heads[2].alice, U256(1000));
  EXPECT_NE(heads[kBlocks].alice, heads[kBlocks - 1].alice);
  EXPECT_FALSE(heads[0].token);
  // The call runs in the block's own context: its number (Multicall3's getBlockNumber).
  const std::optional<core::CallResult> number =
      chain.call_at(Address{}, core::multicall3_address(), calldata("getBlockNumber()", {}), 7);
  ASSERT_TRUE(number.has_value());
  EXPECT_EQ(decode_u256(*number), U256(7));
}

TEST(PastReadTest, ReadsLeaveNoTraceInTheBlocksSealedAfter) {
  Chain reader(config());
  Chain twin(config());  // never reads the past, no window
  reader.set_past_window(4);
  Flow f1;
  Flow f2;
  for (uint64_t b = 1; b <= kBlocks; ++b) {
    const Block& r = reader.seal_block(f1.block(b), kGenesisTime + 10 * b);
    const Block& t = twin.seal_block(f2.block(b), kGenesisTime + 10 * b);
    ASSERT_EQ(r.hash, t.hash) << "block " << b;  // hence the same state root
    ASSERT_EQ(r.header.state_root, t.header.state_root);
    for (uint64_t n = reader.oldest_readable(); n <= reader.height(); ++n) {
      reader.read_at(n, [](const core::State&) {});
      (void)reader.call_at(Address{}, kToken, calldata("balanceOf(address)", {f1.alice.address()}),
                           n);
    }
    ASSERT_EQ(reader.state().digest(), twin.state().digest()) << "block " << b;
  }
}

TEST(PastReadTest, TheWindowHoldsTheNewestBlocksOnly) {
  Chain chain(config());
  Flow f;
  chain.seal_block(f.block(1), kGenesisTime + 10);
  EXPECT_EQ(chain.oldest_readable(), 1u);  // off: the head only
  chain.set_past_window(3);
  EXPECT_EQ(chain.oldest_readable(), 1u);  // counted from when it was turned on
  for (uint64_t b = 2; b <= kBlocks; ++b)
    chain.seal_block(f.block(b), kGenesisTime + 10 * b);
  EXPECT_EQ(chain.past_window(), 3u);
  EXPECT_EQ(chain.oldest_readable(), kBlocks - 3);
  chain.set_past_window(3, 1);  // a byte cap below one block's records
  EXPECT_EQ(chain.oldest_readable(), kBlocks);
}

}  // namespace
}  // namespace stoa::chain::testing
