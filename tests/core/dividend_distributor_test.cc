// PaymentToken and DividendDistributor (docs/dividends.md): the rules-version gate, escrows per
// round, record-date shares, reclaim, conservation (the encoding's round trip: fields_test.cc).
#include <gtest/gtest.h>

#include "core/dividend_fixture.h"
#include "stoa/core/dividend_distributor.h"
#include "stoa/core/payment_token.h"

namespace stoa::core::testing {
namespace {

class DividendDistributorTest : public DividendFixture {
 protected:
  // A security with holders, a payment token funded to "divs", a distributor, snapshot 1.
  void SetUp() override { set_up("DIV"); }
  void holder(std::string_view who, uint64_t amount, const char* country = "US") {
    onboard(s_, who, country, 0);
    mint(s_, who, amount);
  }
  uint64_t snapshot() {
    const CallResult r = call(addr("divs"), s_.token, "snapshot()");
    EXPECT_TRUE(r.success);
    return U256::from_be(r.output).low64();
  }
  CallResult create_round(uint64_t amount, uint64_t checkpoint, uint64_t window = 86400) {
    return call(
        addr("divs"), dist_, "createDividend(address,uint256,uint256,uint256,bytes32)",
        {usd_, amount, checkpoint, block_.timestamp + window, abi::Value::bytes32(Bytes32{})});
  }
  U256 usd(const Address& a) { return uint_view(usd_, "balanceOf(address)", {a}); }
  U256 usd(std::string_view who) { return usd(addr(who)); }
  Address escrow(uint64_t round) { return view(dist_, "escrowOf(uint256)", {round})[0].address(); }
  CallResult claim(std::string_view who, uint64_t round) {
    return call(addr(who), dist_, "claim(uint256)", {round});
  }
  const DividendDistributor& dist() { return *state_.contract_as<DividendDistributor>(dist_); }
};

TEST_F(DividendDistributorTest, LifecycleFactoryMethodsExistOnlyFromRulesVersionFive) {
  const abi::ValueList args = {std::string("Euro"), std::string("EUR"), 2, addr("divs")};
  block_.rules = Rules::kV4;
  const CallResult before = call(addr("operator"), factory_address(),
                                 "createPaymentToken(string,string,uint8,address)", args);
  EXPECT_FALSE(before.success);
  expect_message(before, "unknown function selector");
  const CallResult dist_before =
      call(addr("issuer"), factory_address(), "createDividendDistributor(address,address)",
           {s_.token, addr("taxman")});
  expect_message(dist_before, "unknown function selector");
  EXPECT_FALSE(rules::lifecycle(Rules::kV4));
  block_.rules = Rules::kV5;
  EXPECT_TRUE(rules::lifecycle(Rules::kV5));
  const Address eur = address_of(call(addr("operator"), factory_address(),
                                      "createPaymentToken(string,string,uint8,address)", args));
  ASSERT_NE(state_.contract_as<PaymentToken>(eur), nullptr);
  EXPECT_EQ(state_.contract_as<PaymentToken>(eur)->config().symbol, "EUR");
}

TEST_F(DividendDistributorTest, TransferAfterRecordDateDoesNotMoveTheClaim) {
  holder("alice", 600);
  holder("bob", 400);
  const uint64_t c = snapshot();
  expect_ok(call(addr("alice"), s_.token, "transfer(address,uint256)", {addr("bob"), 600}));
  ASSERT_TRUE(create_round(1000, c).success);
  expect_ok(claim("alice", 1));
  expect_revert(claim("alice", 1), ErrorId::kDividendAlreadyClaimed, {1, addr("alice")});
  expect_ok(claim("bob", 1));
  EXPECT_EQ(usd("alice"), U256(600));  // on her record-date 600, not today's 0
  EXPECT_EQ(usd("bob"), U256(400));    // on his record-date 400, not today's 1000
}

TEST_F(DividendDistributorTest, RoundsInOnePaymentTokenNeverShareFunds) {
  holder("alice", 1);
  holder("bob", 2);
  const uint64_t c = snapshot();
  ASSERT_TRUE(create_round(300, c).success);
  ASSERT_TRUE(create_round(30, c).success);
  EXPECT_NE(escrow(1), escrow(2));
  EXPECT_EQ(usd(escrow(1)), U256(300));
  EXPECT_EQ(usd(escrow(2)), U256(30));
  expect_ok(claim("bob", 2));  // 20 from round 2's escrow only
  EXPECT_EQ(usd(escrow(1)), U256(300));
  EXPECT_EQ(usd(escrow(2)), U256(10));
}

TEST_F(DividendDistributorTest, ReclaimClosesTheRound) {
  holder("alice", 2);
  holder("bob", 1, "DE");
  expect_ok(call(addr("divs"), dist_, "setWithholdingRate(bytes2,uint256)", {b2("DE"), 3000}));
  const uint64_t c = snapshot();
  ASSERT_TRUE(create_round(100, c, 3600).success);
  expect_ok(claim("bob", 1));  // gross 33, withheld 9, net 24
  EXPECT_EQ(usd("bob"), U256(24));
  EXPECT_EQ(usd("taxman"), U256(9));
  expect_revert(call(addr("divs"), dist_, "reclaim(uint256)", {1}),
                ErrorId::kDividendClaimWindowOpen, {1, block_.timestamp + 3600});
  advance(3601);
  expect_revert(claim("alice", 1), ErrorId::kDividendClaimWindowClosed, {1, block_.timestamp - 1});
  const CallResult r = call(addr("divs"), dist_, "reclaim(uint256)", {1});
  ASSERT_TRUE(r.success);
  EXPECT_EQ(U256::from_be(r.output), U256(67));  // alice's 66 unclaimed + 1 dust
  expect_revert(claim("alice", 1), ErrorId::kDividendRoundClosed, {1});
  const DividendRound round = dist().round(1).value();
  EXPECT_EQ(*(*round.paid.checked_add(round.withheld)).checked_add(round.reclaimed), U256(100));
  EXPECT_TRUE(usd(escrow(1)).is_zero());
  EXPECT_EQ(usd("divs"), U256(1'000'000 - 100 + 67));
}

TEST_F(DividendDistributorTest, ConservationOverManyHolders) {
  std::vector<abi::Value> list;
  for (int i = 0; i < 37; ++i) {
    const std::string who = "h" + std::to_string(i);
    holder(who, 1 + static_cast<uint64_t>(i) * 7);
    list.emplace_back(addr(who));
  }
  holder("treasury", 500);
  expect_ok(call(addr("divs"), dist_, "setExcluded(address,bool)", {addr("treasury"), true}));
  const uint64_t c = snapshot();
  ASSERT_TRUE(create_round(999'983, c).success);
  const CallResult pushed = call(addr("divs"), dist_, "pushPayments(uint256,address[])",
                                 {1, abi::Value(abi::ValueList(list.begin(), list.end()))});
  ASSERT_TRUE(pushed.success) << describe_revert(pushed.output);
  EXPECT_EQ(U256::from_be(pushed.output), U256(37));
  U256 paid;
  for (int i = 0; i < 37; ++i)
    paid = *paid.checked_add(usd("h" + std::to_string(i)));
  EXPECT_TRUE(usd("treasury").is_zero());
  advance(86401);
  const CallResult r = call(addr("divs"), dist_, "reclaim(uint256)", {1});
  ASSERT_TRUE(r.success);
  const U256 dust = U256::from_be(r.output);
  EXPECT_LE(dust, U256(37));  // at most one unit per holder
  EXPECT_EQ(*paid.checked_add(dust), U256(999'983));
}

TEST_F(DividendDistributorTest, UnauthorisedCallersAreRefused) {
  holder("alice", 5);
  const uint64_t c = snapshot();
  ASSERT_TRUE(create_round(10, c).success);
  const Address m = addr("mallory");
  const abi::Value role = abi::Value::bytes32(roles::dividend_admin());
  expect_revert(call(m, dist_, "claimFor(uint256,address)", {1, addr("alice")}),
                ErrorId::kAccessControlUnauthorizedAccount, {m, role});
  expect_revert(call(m, dist_, "setWithholdingAccount(address)", {m}),
                ErrorId::kAccessControlUnauthorizedAccount, {m, role});
  expect_revert(call(m, usd_, "burn(uint256)", {1}), ErrorId::kAccessControlUnauthorizedAccount,
                {m, abi::Value::bytes32(roles::minter())});
}

}  // namespace
}  // namespace stoa::core::testing
