// SecurityToken: ERC-20, ERC-1404, ST-20, pause, mint/burn, permit, ERC-165.
#include "ledger_fixture.h"
#include "stoa/core/codes.h"
#include "stoa/crypto/eip712.h"

namespace stoa::core::testing {
namespace {

constexpr uint8_t kGlobal = 5;

class TokenTest : public LedgerTest {
 protected:
  void SetUp() override {
    s_ = create("ACME", kGlobal);
    onboard(s_, "alice");
    onboard(s_, "bob");
    mint(s_, "alice", 1000);
  }
  SecuritySet s_;
};

TEST_F(TokenTest, TransferMovesBalanceAndEmitsTransfer) {
  CallResult r = call(addr("alice"), s_.token, "transfer(address,uint256)", {addr("bob"), 250});
  expect_ok(r);
  ASSERT_EQ(r.logs.size(), 1u);
  EXPECT_EQ(r.logs[0].topics[0], keccak256(std::string_view("Transfer(address,address,uint256)")));
  EXPECT_EQ(r.logs[0].topics[1], addr("alice").to_word());
  EXPECT_EQ(r.logs[0].topics[2], addr("bob").to_word());
  EXPECT_EQ(U256::from_be(r.logs[0].data), U256(250));
  EXPECT_EQ(uint_view(s_.token, "balanceOf(address)", {addr("alice")}), U256(750));
  EXPECT_EQ(uint_view(s_.token, "balanceOf(address)", {addr("bob")}), U256(250));
  EXPECT_EQ(uint_view(s_.token, "totalSupply()"), U256(1000));
  EXPECT_EQ(uint_view(s_.token, "holderCount()"), U256(2));
}

TEST_F(TokenTest, ZeroValueAndSelfTransfersAreAllowed) {
  expect_ok(call(addr("alice"), s_.token, "transfer(address,uint256)", {addr("bob"), 0}));
  expect_ok(call(addr("alice"), s_.token, "transfer(address,uint256)", {addr("alice"), 1000}));
  EXPECT_EQ(uint_view(s_.token, "balanceOf(address)", {addr("alice")}), U256(1000));
  EXPECT_EQ(uint_view(s_.token, "holderCount()"), U256(1));  // bob still holds nothing
}

TEST_F(TokenTest, InsufficientBalanceIsTheErc6093Error) {
  expect_revert(call(addr("alice"), s_.token, "transfer(address,uint256)", {addr("bob"), 1001}),
                ErrorId::kERC20InsufficientBalance, {addr("alice"), U256(1000), U256(1001)});
  EXPECT_EQ(uint_view(s_.token, "detectTransferRestriction(address,address,uint256)",
                      {addr("alice"), addr("bob"), 1001}),
            U256(code::kInsufficientBalance));
}

TEST_F(TokenTest, TransferToZeroAddressIsRefused) {
  expect_revert(call(addr("alice"), s_.token, "transfer(address,uint256)", {Address{}, 1}),
                ErrorId::kERC20InvalidReceiver, {Address{}});
}

TEST_F(TokenTest, AllowancesAndTransferFrom) {
  expect_ok(call(addr("alice"), s_.token, "approve(address,uint256)", {addr("carol"), 100}));
  EXPECT_EQ(uint_view(s_.token, "allowance(address,address)", {addr("alice"), addr("carol")}),
            U256(100));
  expect_revert(call(addr("carol"), s_.token, "transferFrom(address,address,uint256)",
                     {addr("alice"), addr("bob"), 101}),
                ErrorId::kERC20InsufficientAllowance, {addr("carol"), U256(100), U256(101)});
  expect_ok(call(addr("carol"), s_.token, "transferFrom(address,address,uint256)",
                 {addr("alice"), addr("bob"), 60}));
  EXPECT_EQ(uint_view(s_.token, "allowance(address,address)", {addr("alice"), addr("carol")}),
            U256(40));
  // Compliance applies to `to` even through an allowance: carol is not whitelisted.
  expect_restricted(call(addr("carol"), s_.token, "transferFrom(address,address,uint256)",
                         {addr("alice"), addr("carol"), 10}),
                    code::kReceiverNotWhitelisted);
  // The allowance spent before the refusal is restored with the rest of the state.
  EXPECT_EQ(uint_view(s_.token, "allowance(address,address)", {addr("alice"), addr("carol")}),
            U256(40));
  expect_revert(call(addr("alice"), s_.token, "approve(address,uint256)", {Address{}, 1}),
                ErrorId::kERC20InvalidSpender, {Address{}});
}

TEST_F(TokenTest, UnlimitedAllowanceIsNotSpent) {
  expect_ok(
      call(addr("alice"), s_.token, "approve(address,uint256)", {addr("carol"), U256::max()}));
  expect_ok(call(addr("carol"), s_.token, "transferFrom(address,address,uint256)",
                 {addr("alice"), addr("bob"), 10}));
  EXPECT_EQ(uint_view(s_.token, "allowance(address,address)", {addr("alice"), addr("carol")}),
            U256::max());
}

TEST_F(TokenTest, OnlyMinterMintsAndBurns) {
  expect_revert(call(addr("alice"), s_.token, "mint(address,uint256)", {addr("alice"), 1}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("alice"), abi::Value::bytes32(roles::minter())});
  // A holder cannot burn its own tokens (PRODUCT.md §5).
  expect_revert(call(addr("alice"), s_.token, "burn(address,uint256)", {addr("alice"), 1}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("alice"), abi::Value::bytes32(roles::minter())});
}

TEST_F(TokenTest, HolderSelfBurnSelectorDoesNotExist) {
  // ERC20Burnable's burn(uint256) is deliberately absent: the dispatcher names the selector.
  CallResult r = call(addr("alice"), s_.token, "burn(uint256)", {1});
  expect_message(r, "unknown function selector");
}

TEST_F(TokenTest, BurnRedeemsAndUpdatesHolderCount) {
  expect_ok(call(addr("issuer"), s_.token, "burn(address,uint256)", {addr("alice"), 1000}));
  EXPECT_EQ(uint_view(s_.token, "totalSupply()"), U256(0));
  EXPECT_EQ(uint_view(s_.token, "holderCount()"), U256(0));
  expect_revert(call(addr("issuer"), s_.token, "burn(address,uint256)", {addr("alice"), 1}),
                ErrorId::kERC20InsufficientBalance, {addr("alice"), U256(0), U256(1)});
}

TEST_F(TokenTest, MintThatWouldOverflowSupplyIsRefused) {
  expect_revert(call(addr("issuer"), s_.token, "mint(address,uint256)", {addr("bob"), U256::max()}),
                ErrorId::kAmountOverflow, {U256(1000), U256::max()});
}

TEST_F(TokenTest, PausedTakesPrecedenceOverNonCompliance) {
  expect_ok(call(addr("issuer"), s_.token, "pause()"));
  // carol is not whitelisted, yet the answer is 8: the token is paused.
  EXPECT_EQ(uint_view(s_.token, "detectTransferRestriction(address,address,uint256)",
                      {addr("alice"), addr("carol"), 1}),
            U256(code::kTokenPaused));
  expect_restricted(call(addr("alice"), s_.token, "transfer(address,uint256)", {addr("carol"), 1}),
                    code::kTokenPaused);
  expect_revert(call(addr("issuer"), s_.token, "pause()"), ErrorId::kEnforcedPause);
  // Issuance is not a transfer: minting to an eligible receiver continues while paused.
  mint(s_, "bob", 5);
  expect_ok(call(addr("officer"), s_.token, "unpause()"));
  expect_revert(call(addr("officer"), s_.token, "unpause()"), ErrorId::kExpectedPause);
  expect_revert(call(addr("alice"), s_.token, "pause()"),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("alice"), abi::Value::bytes32(roles::pauser())});
}

TEST_F(TokenTest, MessageForEveryCodeAndUnknownCodeReverts) {
  for (const CodeInfo& c : all_codes()) {
    auto v = view(s_.token, "messageForTransferRestriction(uint8)", {c.code});
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].str(), c.message);
  }
  expect_revert(call(addr("alice"), s_.token, "messageForTransferRestriction(uint8)", {99}),
                ErrorId::kUnknownRestrictionCode, {U256(99)});
}

TEST_F(TokenTest, VerifyTransferAgreesWithDetect) {
  EXPECT_TRUE(view(s_.token, "verifyTransfer(address,address,uint256,bytes)",
                   {addr("alice"), addr("bob"), 1, Bytes{}})[0]
                  .boolean());
  EXPECT_FALSE(view(s_.token, "verifyTransfer(address,address,uint256,bytes)",
                    {addr("alice"), addr("carol"), 1, Bytes{}})[0]
                   .boolean());
}

TEST_F(TokenTest, ExplainTransferNamesTheRuleAndTheLargestPassingAmount) {
  expect_ok(call(addr("issuer"), s_.restriction, "setMaxTransferAmount(uint256)", {300}));
  auto v =
      view(s_.token, "explainTransfer(address,address,uint256)", {addr("alice"), addr("bob"), 500});
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(v[0].u256(), U256(code::kTransferAmountExceeded));
  EXPECT_EQ(v[1].bytes(), Bytes{0x50});
  EXPECT_EQ(v[2].address(), s_.restriction);
  EXPECT_EQ(v[3].str(), "TransferRestriction");
  EXPECT_EQ(v[4].str(), find_code(code::kTransferAmountExceeded)->message);
  EXPECT_EQ(v[5].u256(), U256(300));
  // Nothing passes to a non-whitelisted receiver.
  auto none =
      view(s_.token, "explainTransfer(address,address,uint256)", {addr("alice"), addr("carol"), 5});
  EXPECT_EQ(none[0].u256(), U256(code::kReceiverNotWhitelisted));
  EXPECT_EQ(none[3].str(), "ComplianceRegistry");
  EXPECT_EQ(none[5].u256(), U256(0));
}

TEST_F(TokenTest, FailingRulesListsEveryRefusal) {
  expect_ok(call(addr("issuer"), s_.restriction, "setMaxTransferAmount(uint256)", {10}));
  expect_ok(call(addr("officer"), s_.registry, "blacklistAdd(address)", {addr("alice")}));
  auto v =
      view(s_.token, "failingRules(address,address,uint256)", {addr("alice"), addr("carol"), 5000});
  ASSERT_EQ(v.size(), 1u);
  std::vector<uint64_t> codes;
  for (const auto& f : v[0].list())
    codes.push_back(f.list()[0].u256().low64());
  // Receiver not whitelisted (2), sender blacklisted (3), receiver jurisdiction unset (22),
  // amount over the cap (33), insufficient balance (14) — in evaluation order.
  EXPECT_EQ(codes, (std::vector<uint64_t>{2, 3, 22, 33, 14}));
  // The first failure is what detectTransferRestriction answers.
  EXPECT_EQ(uint_view(s_.token, "detectTransferRestriction(address,address,uint256)",
                      {addr("alice"), addr("carol"), 5000}),
            U256(codes[0]));
}

TEST_F(TokenTest, BatchTransferIsAllOrNothing) {
  CallResult r = call(addr("alice"), s_.token, "batchTransfer(address[],uint256[])",
                      {abi::ValueList{addr("bob"), addr("bob")}, abi::ValueList{100, 200}});
  expect_ok(r);
  EXPECT_EQ(r.logs.size(), 2u);  // one Transfer per leg
  expect_restricted(call(addr("alice"), s_.token, "batchTransfer(address[],uint256[])",
                         {abi::ValueList{addr("bob"), addr("carol")}, abi::ValueList{1, 1}}),
                    code::kReceiverNotWhitelisted);
  EXPECT_EQ(uint_view(s_.token, "balanceOf(address)", {addr("bob")}), U256(300));
  expect_revert(call(addr("alice"), s_.token, "batchTransfer(address[],uint256[])",
                     {abi::ValueList{}, abi::ValueList{}}),
                ErrorId::kEmptyBatch);
  expect_revert(call(addr("alice"), s_.token, "batchTransfer(address[],uint256[])",
                     {abi::ValueList{addr("bob")}, abi::ValueList{1, 2}}),
                ErrorId::kBatchLengthMismatch, {U256(1), U256(2)});
}

TEST_F(TokenTest, SupportsInterface) {
  auto supports = [&](uint32_t id) {
    Bytes b{static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(id >> 16),
            static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id)};
    return view(s_.token, "supportsInterface(bytes4)", {abi::Value(b)})[0].boolean();
  };
  EXPECT_TRUE(supports(0x01ffc9a7));  // ERC-165
  EXPECT_TRUE(supports(0x36372b07));  // ERC-20
  EXPECT_TRUE(supports(0x7965db0b));  // AccessControl
  EXPECT_FALSE(supports(0xffffffff));
  EXPECT_FALSE(supports(0x12345678));
}

TEST_F(TokenTest, PermitApprovesBySignatureOnce) {
  const auto owner = crypto::key_for_label("alice");
  const Address spender = addr("carol");
  const U256 deadline(block_.timestamp + 3600);
  auto sign = [&](uint64_t nonce, const crypto::PrivateKey& key) {
    Bytes enc;
    auto word = [&](const Bytes32& w) { enc.insert(enc.end(), w.b.begin(), w.b.end()); };
    word(keccak256(std::string_view(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)")));
    word(owner.address().to_word());
    word(spender.to_word());
    word(U256(77).to_bytes32());
    word(U256(nonce).to_bytes32());
    word(deadline.to_bytes32());
    const Bytes32 domain =
        crypto::eip712_domain_separator("ACME Inc.", "1", state_.chain_id(), s_.token);
    EXPECT_EQ(view(s_.token, "DOMAIN_SEPARATOR()")[0].as_bytes32(), domain);
    return crypto::sign(key, crypto::eip712_digest(domain, keccak256(BytesView(enc))));
  };
  const auto sig = sign(0, owner);
  const abi::ValueList args = {owner.address(),
                               spender,
                               77,
                               deadline,
                               27 + sig.recovery_id,
                               abi::Value::bytes32(sig.r),
                               abi::Value::bytes32(sig.s)};
  const char* kPermit = "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)";
  expect_ok(call(addr("bob"), s_.token, kPermit, args));
  EXPECT_EQ(uint_view(s_.token, "allowance(address,address)", {owner.address(), spender}),
            U256(77));
  EXPECT_EQ(uint_view(s_.token, "nonces(address)", {owner.address()}), U256(1));
  // Replaying the same signature fails: the nonce moved on, so it recovers another signer.
  CallResult replay = call(addr("bob"), s_.token, kPermit, args);
  EXPECT_FALSE(replay.success);
  EXPECT_NE(describe_revert(replay.output).find("ERC2612InvalidSigner"), std::string::npos);
  // Signed by someone else.
  const auto bad = sign(1, crypto::key_for_label("mallory"));
  expect_revert(call(addr("bob"), s_.token, kPermit,
                     {owner.address(), spender, 77, deadline, 27 + bad.recovery_id,
                      abi::Value::bytes32(bad.r), abi::Value::bytes32(bad.s)}),
                ErrorId::kERC2612InvalidSigner, {addr("mallory"), owner.address()});
  // Expired.
  advance(7200);
  const auto late = sign(1, owner);
  expect_revert(call(addr("bob"), s_.token, kPermit,
                     {owner.address(), spender, 77, deadline, 27 + late.recovery_id,
                      abi::Value::bytes32(late.r), abi::Value::bytes32(late.s)}),
                ErrorId::kERC2612ExpiredSignature, {deadline});
}

TEST_F(TokenTest, PermitRefusesHighSAndBadV) {
  const auto owner = crypto::key_for_label("alice");
  const char* kPermit = "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)";
  Bytes32 high_s = *Bytes32::from_hex(
      "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140");  // n - 1
  expect_revert(call(addr("bob"), s_.token, kPermit,
                     {owner.address(), addr("carol"), 1, U256::max(), 27,
                      abi::Value::bytes32(Bytes32{}), abi::Value::bytes32(high_s)}),
                ErrorId::kInvalidSignature);
  expect_revert(call(addr("bob"), s_.token, kPermit,
                     {owner.address(), addr("carol"), 1, U256::max(), 29,
                      abi::Value::bytes32(Bytes32{}), abi::Value::bytes32(Bytes32{})}),
                ErrorId::kInvalidSignature);
}

}  // namespace
}  // namespace stoa::core::testing
