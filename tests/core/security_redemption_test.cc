// Redemption against payment (rules V6; docs/corporate-actions.md, "Redemption"): the burn and
// the payment in a PaymentToken happen in one call from a funded escrow, Σ paid equals the
// funding exactly (no rounding: price per smallest unit), and every refusal moves nothing.
#include <string>

#include "ledger_fixture.h"
#include "stoa/core/payment_token.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {
namespace {

constexpr const char* kRedeem =
    "redeemHoldersForPayment(address[],uint256[],address,uint256,string,bytes32)";

class RedemptionTest : public LedgerTest {
 protected:
  // Security RDM (alice 100, bob 50), agent with CORPORATE_ACTION_ROLE holding 10,000 USD
  // cents, approved to the token.
  void SetUp() override {
    s_ = create("RDM", 3);
    onboard(s_, "alice");
    onboard(s_, "bob");
    mint(s_, "alice", 100);
    mint(s_, "bob", 50);
    expect_ok(call(addr("issuer"), s_.token, "grantRole(bytes32,address)",
                   {abi::Value::bytes32(roles::corporate_action()), addr("agent")}));
    const CallResult r =
        call(addr("operator"), factory_address(), "createPaymentToken(string,string,uint8,address)",
             {std::string("Dollar"), std::string("USD"), 2, addr("agent")});
    ASSERT_TRUE(r.success);
    usd_ = Address::from_word(Bytes32::from_view(r.output));
    expect_ok(call(addr("agent"), usd_, "mint(address,uint256)", {addr("agent"), 10'000}));
  }
  void approve(uint64_t amount) {
    expect_ok(call(addr("agent"), usd_, "approve(address,uint256)", {s_.token, amount}));
  }
  CallResult redeem(std::string_view who, const abi::ValueList& holders,
                    const abi::ValueList& amounts, const Address& cash, const U256& price) {
    return call(addr(who), s_.token, kRedeem,
                {abi::Value(holders), abi::Value(amounts), cash, price, std::string("tender offer"),
                 abi::Value::bytes32(doc_)});
  }
  U256 shares(std::string_view who) {
    return uint_view(s_.token, "balanceOf(address)", {addr(who)});
  }
  U256 cash(std::string_view who) { return uint_view(usd_, "balanceOf(address)", {addr(who)}); }

  SecuritySet s_;
  Address usd_;
  const Bytes32 doc_ = keccak256(std::string_view("tender offer terms"));
};

TEST_F(RedemptionTest, BurnAndPaymentInOneCallFromAnExactlyFundedEscrow) {
  approve(1000);
  const CallResult r = redeem("agent", {addr("alice"), addr("bob")}, {40, 50}, usd_, 7);
  expect_ok(r);
  EXPECT_EQ(shares("alice"), U256(60));
  EXPECT_EQ(shares("bob"), U256(0));
  EXPECT_EQ(uint_view(s_.token, "totalSupply()"), U256(60));
  EXPECT_EQ(cash("alice"), U256(280));
  EXPECT_EQ(cash("bob"), U256(350));
  EXPECT_EQ(cash("agent"), U256(10'000 - 630));
  EXPECT_EQ(uint_view(usd_, "allowance(address,address)", {addr("agent"), s_.token}),
            U256(1000 - 630));
  EXPECT_EQ(uint_view(usd_, "totalSupply()"), U256(10'000));  // moved, never created
  // Σ paid = the funding: whatever the escrow received it paid out.
  const auto* token = state_.contract_as<SecurityToken>(s_.token);
  const Event& paid = token->abi().event("RedemptionPaid");
  const Event& transfer = state_.contract_as<PaymentToken>(usd_)->abi().event("Transfer");
  U256 sum_paid;
  U256 funded;
  Address escrow;
  for (const Log& l : r.logs) {
    if (l.address == s_.token && l.topics[0] == paid.topic0) {
      sum_paid = *sum_paid.checked_add(U256::from_be(BytesView(l.data).subspan(32, 32)));
    }
    if (l.address == usd_ && l.topics[0] == transfer.topic0 &&
        Address::from_word(l.topics[1]) == addr("agent")) {
      escrow = Address::from_word(l.topics[2]);
      funded = U256::from_be(l.data);
    }
  }
  EXPECT_EQ(sum_paid, U256(630));
  EXPECT_EQ(funded, U256(630));
  EXPECT_EQ(uint_view(usd_, "balanceOf(address)", {escrow}), U256(0));
}

TEST_F(RedemptionTest, RefusalsMoveNothing) {
  approve(100);
  // Funding short of Σ amounts × price (630 > 100).
  expect_revert(redeem("agent", {addr("alice"), addr("bob")}, {40, 50}, usd_, 7),
                ErrorId::kERC20InsufficientAllowance, {s_.token, 100, 630});
  approve(100'000);
  // A holder short of shares: the whole action refused, nothing paid.
  expect_revert(redeem("agent", {addr("alice"), addr("bob")}, {40, 51}, usd_, 7),
                ErrorId::kERC20InsufficientBalance, {addr("bob"), 50, 51});
  // The funder short of cash.
  expect_revert(redeem("agent", {addr("alice")}, {100}, usd_, 101),
                ErrorId::kERC20InsufficientBalance, {addr("agent"), 10'000, 10'100});
  expect_revert(redeem("agent", {addr("alice")}, {1}, s_.token, 1), ErrorId::kNotAPaymentToken,
                {s_.token});
  expect_revert(redeem("agent", {addr("alice")}, {1}, usd_, 0), ErrorId::kZeroAmount);
  expect_revert(redeem("agent", {addr("alice")}, {2}, usd_, U256::max()), ErrorId::kAmountOverflow,
                {2, U256::max()});
  expect_revert(redeem("mallory", {addr("alice")}, {1}, usd_, 1),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("mallory"), abi::Value::bytes32(roles::corporate_action())});
  expect_revert(call(addr("agent"), s_.token, kRedeem,
                     {abi::Value(abi::ValueList{addr("alice")}), abi::Value(abi::ValueList{1}),
                      usd_, 1, std::string(""), abi::Value::bytes32(doc_)}),
                ErrorId::kReasonRequired);
  EXPECT_EQ(shares("alice"), U256(100));
  EXPECT_EQ(cash("agent"), U256(10'000));
}

TEST_F(RedemptionTest, UnknownUnderRulesVersionFive) {
  approve(1000);
  block_.rules = Rules::kV5;
  expect_message(redeem("agent", {addr("alice")}, {1}, usd_, 1), "unknown function selector");
  // redeemHolders (V5) still burns without paying.
  expect_ok(call(addr("agent"), s_.token, "redeemHolders(address[],uint256[],string,bytes32)",
                 {abi::Value(abi::ValueList{addr("alice")}), abi::Value(abi::ValueList{1}),
                  std::string("buyback"), abi::Value::bytes32(doc_)}));
  EXPECT_EQ(cash("alice"), U256(0));
  block_.rules = Rules::kV6;
  expect_ok(redeem("agent", {addr("alice")}, {1}, usd_, 3));
  EXPECT_EQ(cash("alice"), U256(3));
}

}  // namespace
}  // namespace stoa::core::testing
