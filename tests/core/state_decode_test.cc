// State images need the state back from its canonical encoding: every contract kind has a decoder,
// encode -> decode -> encode is the identity (hence the same digest), the restored state behaves
// like the original, and malformed encodings are refused with a message, never a crash.
#include <string>

#include "ledger_fixture.h"
#include "stoa/core/bytes_sink.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {
namespace {

Bytes encode(const State& s) {
  BytesSink sink;
  s.encode(sink);
  return sink.out;
}

// A new ContractKind must come with a decoder: this fails loudly (naming the kind) otherwise.
// (src/core/state_decode.cc's switch has no default, so it usually fails to compile first.)
TEST(StateDecodeTest, EveryContractKindHasADecoder) {
  size_t named = 0;
  for (int k = 0; k < 256; ++k) {
    const auto kind = static_cast<ContractKind>(k);
    if (kind_name(kind) == "Unknown") continue;
    ++named;
    EXPECT_NE(contract_decoder(kind), nullptr)
        << "ContractKind " << k << " (" << kind_name(kind)
        << ") has no decoder: add a static decode_state next to its encode_state and list it in "
           "src/core/state_decode.cc";
  }
  EXPECT_GE(named, 7u);
  EXPECT_EQ(contract_decoder(static_cast<ContractKind>(0)), nullptr);
}

TEST_F(LedgerTest, StateImageRoundTripOfAGenesisState) {
  EXPECT_EQ(check_state_image_round_trip(state_), "");
}

TEST_F(LedgerTest, StateImageRoundTripOfASecurityWithHoldersAndRestoredBehaviour) {
  const SecuritySet a = create("ACME", 5);
  const SecuritySet b = create("BETA", 0);
  onboard(a, "alice");
  onboard(a, "bob", "DE");
  onboard(b, "carol");
  mint(a, "alice", 1000);
  mint(b, "carol", 7);
  expect_ok(call(addr("alice"), a.token, "transfer(address,uint256)", {addr("bob"), 10}));
  expect_ok(call(addr("alice"), a.token, "approve(address,uint256)", {addr("bob"), 5}));
  expect_ok(call(addr("officer"), a.lockup_module, "setLockup(address,uint256)",
                 {addr("bob"), U256(99999999999ULL)}));
  ASSERT_EQ(check_state_image_round_trip(state_), "");

  // The restored state is the same ledger: same digest, and the same answers to the same calls.
  const Bytes bytes = encode(state_);
  State restored(state_.genesis());
  std::string error;
  ASSERT_TRUE(restored.restore(bytes, &error)) << error;
  EXPECT_EQ(restored.digest(), state_.digest());
  EXPECT_EQ(encode(restored), bytes);
  auto* t = restored.contract_as<SecurityToken>(a.token);
  ASSERT_NE(t, nullptr);
  ASSERT_NE(t->registry(), nullptr);
  EXPECT_EQ(t->registry()->address(), a.registry);
  EXPECT_EQ(t->registry()->modules().size(),
            state_.contract_as<SecurityToken>(a.token)->registry()->modules().size());
  // bob is locked up in both: the same refusal; alice can still send in both.
  auto sig = abi::parse_signature("transfer(address,uint256)");
  auto data = std::get<0>(abi::encode_call(*sig, {addr("alice"), U256(1)}));
  auto data2 = std::get<0>(abi::encode_call(*sig, {addr("bob"), U256(1)}));
  const CallResult r1 = state_.call(addr("bob"), a.token, data, block_);
  const CallResult r2 = restored.call(addr("bob"), a.token, data, block_);
  EXPECT_EQ(r1.success, r2.success);
  EXPECT_EQ(r1.output, r2.output);
  const CallResult r3 = state_.call(addr("alice"), a.token, data2, block_);
  const CallResult r4 = restored.call(addr("alice"), a.token, data2, block_);
  EXPECT_TRUE(r3.success);
  EXPECT_TRUE(r4.success);
  EXPECT_EQ(restored.digest(), state_.digest());
}

TEST_F(LedgerTest, MalformedEncodingsAreRefusedWithAMessage) {
  const SecuritySet a = create("ACME", 5);
  onboard(a, "alice");
  mint(a, "alice", 1000);
  const Bytes bytes = encode(state_);
  // Every truncation is refused (no crash, no partial success).
  for (size_t n = 0; n < bytes.size(); n += 7) {
    State s(state_.genesis());
    std::string error;
    EXPECT_FALSE(s.restore(BytesView(bytes.data(), n), &error)) << n;
    EXPECT_FALSE(error.empty());
  }
  // Trailing bytes are refused.
  {
    Bytes longer = bytes;
    longer.push_back(0);
    State s(state_.genesis());
    std::string error;
    EXPECT_FALSE(s.restore(longer, &error));
    EXPECT_NE(error.find("trailing"), std::string::npos) << error;
  }
  // Another genesis is refused.
  {
    State s(GenesisConfig{1, addr("operator"), false});
    std::string error;
    EXPECT_FALSE(s.restore(bytes, &error));
    EXPECT_NE(error.find("genesis"), std::string::npos) << error;
  }
}

TEST_F(LedgerTest, UnknownContractKindIsNamed) {
  const Bytes bytes = encode(state_);
  // Genesis: header, 0 create nonces... the factory's kind byte follows its address, which
  // follows the contract count. Find the factory address and patch the byte after it.
  Bytes patched = bytes;
  const Address f = factory_address();
  size_t pos = std::string::npos;
  for (size_t i = 0; i + 20 < patched.size(); ++i) {
    if (std::equal(f.b.begin(), f.b.end(), patched.begin() + static_cast<std::ptrdiff_t>(i)) &&
        patched[i + 20] == static_cast<uint8_t>(ContractKind::kFactory)) {
      pos = i + 20;
    }
  }
  ASSERT_NE(pos, std::string::npos);
  patched[pos] = 200;
  State s(state_.genesis());
  std::string error;
  EXPECT_FALSE(s.restore(patched, &error));
  EXPECT_NE(error.find("no decoder for contract kind 200"), std::string::npos) << error;
}

}  // namespace
}  // namespace stoa::core::testing
