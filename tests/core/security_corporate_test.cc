// Documents (ERC-1643), the controller (ERC-1644) and corporate actions at the ledger level:
// rules-version gating (both sides), a conversion over more holders than one step converts, what
// it conserves, and the state image round trip of the new slots (docs/corporate-actions.md,
// docs/documents.md).
#include <string>
#include <vector>

#include "ledger_fixture.h"
#include "stoa/core/presets.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {
namespace {

class CorporateTest : public LedgerTest {
 protected:
  // `n` holders of `s` with balances 1..n (a distribution in kind: no onboarding needed).
  std::vector<Address> distribute(const SecuritySet& s, size_t n) {
    std::vector<Address> holders;
    abi::ValueList to;
    abi::ValueList amounts;
    for (size_t i = 0; i < n; ++i) {
      holders.push_back(addr("holder-" + std::to_string(i)));
      to.emplace_back(holders.back());
      amounts.emplace_back(U256(i + 1));
    }
    expect_ok(call(addr("agent"), s.token, "distributeInKind(address[],uint256[],string,bytes32)",
                   {to, amounts, std::string("bonus issue"), abi::Value::bytes32(doc_)}));
    return holders;
  }
  void grant(const SecuritySet& s, const Bytes32& role, std::string_view who) {
    expect_ok(call(addr("issuer"), s.token, "grantRole(bytes32,address)",
                   {abi::Value::bytes32(role), addr(who)}));
  }
  const Bytes32 doc_ = keccak256(std::string_view("board resolution"));
};

// Rules version 5 (rules::corporate_actions): under V4 the new selectors are unknown, so an old
// journal's block that called one replays as it ran; from V5 on they run.
TEST_F(CorporateTest, MethodsExistOnlyFromRulesVersionFive) {
  const SecuritySet s = create("CAV", 3);
  grant(s, roles::document_admin(), "legal");
  grant(s, roles::corporate_action(), "agent");
  const abi::ValueList doc_args = {abi::Value::bytes32(document_name("BYLAWS")),
                                   std::string("ipfs://bylaws"), abi::Value::bytes32(doc_)};
  const abi::ValueList redeem_args = {addr("alice"), U256(0), Bytes(32, 0xab), Bytes{'x'}};
  block_.rules = Rules::kV4;
  expect_message(call(addr("legal"), s.token, "setDocument(bytes32,string,bytes32)", doc_args),
                 "unknown function selector");
  expect_message(
      call(addr("agent"), s.token, "controllerRedeem(address,uint256,bytes,bytes)", redeem_args),
      "unknown function selector");
  expect_message(call(addr("agent"), s.token, "isControllable()"), "unknown function selector");
  block_.rules = Rules::kV5;
  expect_ok(call(addr("legal"), s.token, "setDocument(bytes32,string,bytes32)", doc_args));
  expect_ok(
      call(addr("agent"), s.token, "controllerRedeem(address,uint256,bytes,bytes)", redeem_args));
  const auto* t = state_.contract_as<SecurityToken>(s.token);
  EXPECT_EQ(std::get<0>(t->get_document(document_name("BYLAWS"))), "ipfs://bylaws");
}

// A conversion of more holders than one step: pending in between (balances of A frozen), resumed
// by continueConversion, then no holder of A; B issued floor(balance × 2 / 3) to each, and
// Σ balance × 2 = 3 × Σ issued + fractions (nothing lost). The state image round-trips at every
// stage (the slots' encoding).
TEST_F(CorporateTest, ConversionOverSeveralStepsConservesAndRetires) {
  const SecuritySet a = create("CVA", 3);
  const SecuritySet b = create("CVB", 3);
  grant(a, roles::corporate_action(), "agent");
  grant(b, roles::corporate_action(), "agent");
  grant(a, roles::document_admin(), "agent");
  expect_ok(call(addr("agent"), a.token, "setDocument(bytes32,string,bytes32)",
                 {abi::Value::bytes32(document_name("MERGER")), std::string("ipfs://merger"),
                  abi::Value::bytes32(doc_)}));
  const size_t n = SecurityToken::kConversionStep * 2 + 17;
  const std::vector<Address> holders = distribute(a, n);
  const auto* ta = state_.contract_as<SecurityToken>(a.token);
  const auto* tb = state_.contract_as<SecurityToken>(b.token);
  const U256 supply_a = ta->total_supply();
  EXPECT_EQ(check_state_image_round_trip(state_), "");

  const abi::ValueList start = {b.token, U256(2), U256(3), std::string("merger"),
                                abi::Value::bytes32(doc_)};
  CallResult r = call(addr("agent"), a.token,
                      "startConversion(address,uint256,uint256,string,bytes32)", start);
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  EXPECT_EQ(U256::from_be(r.output), U256(0));  // not finished
  EXPECT_TRUE(ta->conversion_pending());
  EXPECT_EQ(ta->holder_count(), n - SecurityToken::kConversionStep);
  EXPECT_EQ(check_state_image_round_trip(state_), "");
  // Meanwhile A's balances do not move.
  expect_revert(call(holders.back(), a.token, "transfer(address,uint256)", {holders[0], U256(1)}),
                ErrorId::kConversionPending);
  expect_revert(call(addr("issuer"), a.token, "mint(address,uint256)", {holders[0], U256(1)}),
                ErrorId::kConversionPending);
  // Only the role continues it.
  expect_revert(call(addr("alice"), a.token, "continueConversion()"),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("alice"), abi::Value::bytes32(roles::corporate_action())});
  int steps = 1;
  for (;;) {
    r = call(addr("agent"), a.token, "continueConversion()");
    ASSERT_TRUE(r.success) << describe_revert(r.output);
    ++steps;
    if (U256::from_be(r.output) == U256(1)) break;
    ASSERT_LT(steps, 10);
  }
  EXPECT_EQ(steps, 3);
  EXPECT_FALSE(ta->conversion_pending());
  EXPECT_TRUE(ta->retired());
  EXPECT_EQ(ta->total_supply(), U256(0));
  EXPECT_EQ(ta->holder_count(), 0u);
  U256 issued;
  U256 fractions;
  for (size_t i = 0; i < n; ++i) {
    const U256 bal(i + 1);
    EXPECT_EQ(ta->balance_of(holders[i]), U256(0));
    const U256 got = tb->balance_of(holders[i]);
    EXPECT_EQ(got, *bal.mul_div_floor(U256(2), U256(3))) << i;
    issued = *issued.checked_add(got);
    fractions = *fractions.checked_add(*bal.checked_mul(U256(2))->checked_mod(U256(3)));
  }
  EXPECT_EQ(tb->total_supply(), issued);
  EXPECT_EQ(*supply_a.checked_mul(U256(2)), *issued.checked_mul(U256(3))->checked_add(fractions));
  // The documents survive the retirement; the image still round-trips.
  EXPECT_EQ(ta->all_documents().size(), 1u);
  EXPECT_EQ(check_state_image_round_trip(state_), "");
  expect_revert(call(addr("issuer"), a.token, "mint(address,uint256)", {holders[0], U256(1)}),
                ErrorId::kSecurityRetired);
}

// The documents' limits: names per security and the URI's length; refused with state unchanged.
TEST_F(CorporateTest, DocumentLimits) {
  const SecuritySet s = create("DOCL", 5);
  grant(s, roles::document_admin(), "legal");
  const std::string sig = "setDocument(bytes32,string,bytes32)";
  for (size_t i = 0; i < kMaxDocumentNames; ++i) {
    expect_ok(call(addr("legal"), s.token, sig,
                   {abi::Value::bytes32(document_name("DOC" + std::to_string(i))), std::string("u"),
                    abi::Value::bytes32(doc_)}));
  }
  expect_revert(call(addr("legal"), s.token, sig,
                     {abi::Value::bytes32(document_name("ONE_MORE")), std::string("u"),
                      abi::Value::bytes32(doc_)}),
                ErrorId::kLimitExceeded, {std::string("document names"), U256(kMaxDocumentNames)});
  // An existing name takes new versions.
  expect_ok(call(
      addr("legal"), s.token, sig,
      {abi::Value::bytes32(document_name("DOC0")), std::string("v2"), abi::Value::bytes32(doc_)}));
  expect_revert(call(addr("legal"), s.token, sig,
                     {abi::Value::bytes32(document_name("DOC0")),
                      std::string(kMaxDocumentUriBytes + 1, 'u'), abi::Value::bytes32(doc_)}),
                ErrorId::kDocumentUriRequired);
  EXPECT_EQ(check_state_image_round_trip(state_), "");
}

}  // namespace
}  // namespace stoa::core::testing
