// Dividend rounds by partition (rules V7; docs/dividends.md, "Rounds by partition"): the rules
// gate, shares from partition balances at the record checkpoint, refusals, exclusions, rounding
// dust and conservation (the encoding's round trip: fields_test.cc).
#include <gtest/gtest.h>

#include "core/dividend_fixture.h"
#include "stoa/core/dividend_distributor.h"
#include "stoa/core/payment_token.h"

namespace stoa::core::testing {
namespace {

// Solidity's bytes32("NAME"), as the scenarios' partition("NAME").
Bytes32 cls(std::string_view name) {
  Bytes32 b;
  std::copy(name.begin(), name.end(), b.b.begin());
  return b;
}

class PartitionDividendTest : public DividendFixture {
 protected:
  void SetUp() override { set_up("PDV"); }
  void holder(std::string_view who, const char* country = "US") { onboard(s_, who, country, 0); }
  void issue(std::string_view who, const Bytes32& partition, uint64_t amount) {
    expect_ok(call(addr("issuer"), s_.token, "issueByPartition(bytes32,address,uint256,bytes)",
                   {abi::Value::bytes32(partition), addr(who), amount, Bytes{}}));
  }
  uint64_t snapshot() {
    const CallResult r = call(addr("divs"), s_.token, "snapshot()");
    EXPECT_TRUE(r.success);
    return U256::from_be(r.output).low64();
  }
  CallResult create_round(const Bytes32& partition, uint64_t amount, uint64_t checkpoint,
                          std::string_view sender = "divs") {
    return call(addr(sender), dist_,
                "createDividendByPartition(bytes32,address,uint256,uint256,uint256,bytes32)",
                {abi::Value::bytes32(partition), usd_, amount, checkpoint, block_.timestamp + 86400,
                 abi::Value::bytes32(cls("BOARD"))});
  }
  CallResult create_whole_round(uint64_t amount, uint64_t checkpoint) {
    return call(
        addr("divs"), dist_, "createDividend(address,uint256,uint256,uint256,bytes32)",
        {usd_, amount, checkpoint, block_.timestamp + 86400, abi::Value::bytes32(Bytes32{})});
  }
  U256 usd(const Address& a) { return uint_view(usd_, "balanceOf(address)", {a}); }
  U256 usd(std::string_view who) { return usd(addr(who)); }
  CallResult claim(std::string_view who, uint64_t round) {
    return call(addr(who), dist_, "claim(uint256)", {round});
  }
  U256 gross(uint64_t round, std::string_view who) {
    return view(dist_, "claimable(uint256,address)", {round, addr(who)})[1].u256();
  }
  const DividendDistributor& dist() { return *state_.contract_as<DividendDistributor>(dist_); }
  U256 conserved(uint64_t round) {
    const DividendRound r = dist().round(round).value();
    return *(*r.paid.checked_add(r.withheld)).checked_add(r.reclaimed);
  }
};

TEST_F(PartitionDividendTest, MethodsExistOnlyFromRulesVersionSeven) {
  holder("alice");
  issue("alice", cls("CLASS_A"), 10);
  const uint64_t c = snapshot();
  block_.rules = Rules::kV6;
  EXPECT_FALSE(rules::partition_dividends(Rules::kV6));
  expect_message(create_round(cls("CLASS_A"), 100, c), "unknown function selector");
  expect_message(call(addr("divs"), dist_, "dividendPartition(uint256)", {1}),
                 "unknown function selector");
  // Whole-security rounds are unchanged under V6.
  ASSERT_TRUE(create_whole_round(100, c).success);
  block_.rules = Rules::kV7;
  EXPECT_TRUE(rules::partition_dividends(Rules::kV7));
  const CallResult r = create_round(cls("CLASS_A"), 100, c);
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  EXPECT_EQ(U256::from_be(r.output), U256(2));
  // DividendCreated as for every round, then DividendPartitionCreated naming the partition.
  ASSERT_GE(r.logs.size(), 2u);
  const Log& last = r.logs.back();
  EXPECT_EQ(last.address, dist_);
  ASSERT_EQ(last.topics.size(), 3u);
  EXPECT_EQ(last.topics[0], dist().abi().event("DividendPartitionCreated").topic0);
  EXPECT_EQ(last.topics[1], U256(2).to_bytes32());
  EXPECT_EQ(last.topics[2], cls("CLASS_A"));
  EXPECT_EQ(r.logs[r.logs.size() - 2].topics.at(0), dist().abi().event("DividendCreated").topic0);
  const abi::ValueList p1 = view(dist_, "dividendPartition(uint256)", {1});
  EXPECT_FALSE(p1[0].boolean());
  EXPECT_EQ(p1[1].as_bytes32(), Bytes32{});
  const abi::ValueList p2 = view(dist_, "dividendPartition(uint256)", {2});
  EXPECT_TRUE(p2[0].boolean());
  EXPECT_EQ(p2[1].as_bytes32(), cls("CLASS_A"));
  expect_revert(call(addr("divs"), dist_, "dividendPartition(uint256)", {3}),
                ErrorId::kUnknownDividendRound, {3});
}

TEST_F(PartitionDividendTest, PaysOnlyThePartitionsHoldersOnTheirPartitionBalances) {
  holder("alice");
  holder("bob", "DE");
  holder("carol");
  issue("alice", cls("CLASS_A"), 600);
  issue("alice", Bytes32{}, 5000);  // her common shares do not count in a CLASS_A round
  issue("bob", cls("CLASS_A"), 400);
  issue("carol", cls("CLASS_B"), 9000);  // only another class
  expect_ok(call(addr("divs"), dist_, "setWithholdingRate(bytes2,uint256)", {b2("DE"), 2500}));
  const uint64_t c = snapshot();
  ASSERT_TRUE(create_round(cls("CLASS_A"), 1000, c).success);
  const DividendRound r = dist().round(1).value();
  EXPECT_EQ(r.eligible_supply, U256(1000));
  EXPECT_TRUE(r.by_partition);
  EXPECT_EQ(gross(1, "alice"), U256(600));
  EXPECT_EQ(gross(1, "bob"), U256(400));
  EXPECT_TRUE(gross(1, "carol").is_zero());
  expect_revert(claim("carol", 1), ErrorId::kNothingToClaim, {1, addr("carol")});
  expect_ok(claim("alice", 1));
  expect_ok(claim("bob", 1));  // 400 gross, 100 withheld
  EXPECT_EQ(usd("alice"), U256(600));
  EXPECT_EQ(usd("bob"), U256(300));
  EXPECT_EQ(usd("taxman"), U256(100));
  EXPECT_TRUE(usd(dist().round(1).value().escrow).is_zero());
  // A whole-security round at the same checkpoint still pays on every class.
  ASSERT_TRUE(create_whole_round(15'000, c).success);
  EXPECT_EQ(gross(2, "carol"), U256(9000));
  EXPECT_EQ(gross(2, "alice"), U256(5600));
}

TEST_F(PartitionDividendTest, TransferInThePartitionAfterTheRecordDateDoesNotMoveTheClaim) {
  holder("alice");
  holder("dave");
  issue("alice", cls("CLASS_A"), 300);
  const uint64_t c = snapshot();
  expect_ok(call(addr("alice"), s_.token, "transferByPartition(bytes32,address,uint256,bytes)",
                 {abi::Value::bytes32(cls("CLASS_A")), addr("dave"), 300, Bytes{}}));
  ASSERT_TRUE(create_round(cls("CLASS_A"), 90, c).success);
  expect_revert(claim("dave", 1), ErrorId::kNothingToClaim, {1, addr("dave")});
  expect_ok(claim("alice", 1));
  EXPECT_EQ(usd("alice"), U256(90));
}

TEST_F(PartitionDividendTest, ExcludedTreasuryLeavesThePartitionDenominator) {
  holder("alice");
  holder("treasury");
  issue("alice", cls("CLASS_A"), 100);
  issue("treasury", cls("CLASS_A"), 300);
  issue("treasury", Bytes32{}, 7000);  // its other class is not subtracted from CLASS_A's supply
  expect_ok(call(addr("divs"), dist_, "setExcluded(address,bool)", {addr("treasury"), true}));
  const uint64_t c = snapshot();
  ASSERT_TRUE(create_round(cls("CLASS_A"), 500, c).success);
  const DividendRound r = dist().round(1).value();
  EXPECT_EQ(r.excluded, U256(300));
  EXPECT_EQ(r.eligible_supply, U256(100));
  expect_revert(claim("treasury", 1), ErrorId::kDividendHolderExcluded, {1, addr("treasury")});
  expect_ok(claim("alice", 1));
  EXPECT_EQ(usd("alice"), U256(500));
}

TEST_F(PartitionDividendTest, RefusesCheckpointsAndPartitionsWithNothingToPay) {
  holder("alice");
  holder("treasury");
  issue("alice", cls("CLASS_A"), 10);
  issue("treasury", cls("CLASS_T"), 10);
  block_.rules = Rules::kV5;  // a record date from before partition supplies were recorded
  const uint64_t old = snapshot();
  block_.rules = Rules::kV7;
  const abi::Value a = abi::Value::bytes32(cls("CLASS_A"));
  expect_revert(create_round(cls("CLASS_A"), 100, old), ErrorId::kPartitionSupplyNotRecorded,
                {a, old});
  const uint64_t c = snapshot();
  expect_revert(create_round(cls("CLASS_A"), 100, c + 1), ErrorId::kSnapshotIdInvalid, {c + 1, c});
  expect_revert(create_round(cls("CLASS_A"), 100, 0), ErrorId::kSnapshotIdInvalid, {0, c});
  expect_revert(create_round(cls("NONE"), 100, c), ErrorId::kNoEligiblePartitionShares,
                {abi::Value::bytes32(cls("NONE")), c});
  expect_ok(call(addr("divs"), dist_, "setExcluded(address,bool)", {addr("treasury"), true}));
  const uint64_t c2 = snapshot();
  expect_revert(create_round(cls("CLASS_T"), 100, c2), ErrorId::kNoEligiblePartitionShares,
                {abi::Value::bytes32(cls("CLASS_T")), c2});
  expect_revert(create_round(cls("CLASS_A"), 0, c2), ErrorId::kZeroAmount);
  EXPECT_EQ(dist().round_count(), 0u);
  EXPECT_EQ(usd("divs"), U256(1'000'000));
}

TEST_F(PartitionDividendTest, UnauthorisedCallerIsRefusedWithStateUnchanged) {
  holder("alice");
  issue("alice", cls("CLASS_A"), 10);
  const uint64_t c = snapshot();
  // The fixture checks the state digest is unchanged after every refused call.
  expect_revert(create_round(cls("CLASS_A"), 100, c, "mallory"),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("mallory"), abi::Value::bytes32(roles::dividend_admin())});
  expect_revert(create_round(cls("CLASS_A"), 100, c, "alice"),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("alice"), abi::Value::bytes32(roles::dividend_admin())});
  EXPECT_EQ(dist().round_count(), 0u);
}

TEST_F(PartitionDividendTest, RoundingDustIsReclaimedAndEveryUnitIsAccountedFor) {
  std::vector<abi::Value> list;
  for (int i = 0; i < 7; ++i) {
    const std::string who = "h" + std::to_string(i);
    holder(who, i % 2 == 0 ? "US" : "DE");
    issue(who, cls("CLASS_A"), 1 + static_cast<uint64_t>(i) * 3);  // 70 in all
    issue(who, Bytes32{}, 1000);
    list.emplace_back(addr(who));
  }
  expect_ok(call(addr("divs"), dist_, "setWithholdingRate(bytes2,uint256)", {b2("DE"), 1500}));
  const uint64_t c = snapshot();
  ASSERT_TRUE(create_round(cls("CLASS_A"), 1000, c).success);
  const CallResult pushed = call(addr("divs"), dist_, "pushPayments(uint256,address[])",
                                 {1, abi::Value(abi::ValueList(list.begin(), list.end()))});
  ASSERT_TRUE(pushed.success) << describe_revert(pushed.output);
  EXPECT_EQ(U256::from_be(pushed.output), U256(7));
  U256 paid;
  for (int i = 0; i < 7; ++i) {
    const uint64_t shares = 1 + static_cast<uint64_t>(i) * 3;
    const uint64_t g = 1000 * shares / 70;  // floor
    const uint64_t withheld = i % 2 == 0 ? 0 : g * 1500 / 10'000;
    EXPECT_EQ(usd("h" + std::to_string(i)), U256(g - withheld)) << i;
    paid = *paid.checked_add(usd("h" + std::to_string(i)));
  }
  advance(86401);
  const CallResult r = call(addr("divs"), dist_, "reclaim(uint256)", {1});
  ASSERT_TRUE(r.success);
  const U256 dust = U256::from_be(r.output);
  EXPECT_GT(dust, U256(0));
  EXPECT_LT(dust, U256(7));  // less than one unit per holder
  EXPECT_EQ(*(*paid.checked_add(usd("taxman"))).checked_add(dust), U256(1000));
  EXPECT_EQ(conserved(1), U256(1000));
  EXPECT_TRUE(usd(dist().round(1).value().escrow).is_zero());
  EXPECT_EQ(usd("divs"), *U256(1'000'000 - 1000).checked_add(dust));
}

}  // namespace
}  // namespace stoa::core::testing
