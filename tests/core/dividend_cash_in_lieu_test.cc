// Cash in lieu of split fractions (docs/dividends.md, "Cash in lieu"; rules::cash_in_lieu): a
// DividendDistributor round funded with floor(price × Σ fractions / 10^decimals) that pays each
// holder of record at the split floor(price × fraction / 10^decimals), once, through claim /
// claimFor / pushPayments / reclaim, never emitting DividendPaid. Every refusal leaves the state
// unchanged (the fixture's call() checks it).
#include <gtest/gtest.h>

#include <string>

#include "core/ledger_fixture.h"
#include "stoa/core/bytes_sink.h"
#include "stoa/core/dividend_distributor.h"
#include "stoa/core/payment_token.h"

namespace stoa::core::testing {
namespace {

constexpr uint8_t kRegAPlus = 3;   // no holding period: holders trade after the split
constexpr uint64_t kPrice = 1001;  // $10.01 per whole share, in cents
constexpr uint64_t kWindow = 86400;

class CashInLieuTest : public LedgerTest {
 protected:
  // Security CIL (0 decimals) with alice 3, bob 5, carol 8, dave 1; a dollar (2 decimals) funded
  // to the agent (CORPORATE_ACTION_ROLE), divs the paying agent (DIVIDEND_ADMIN_ROLE).
  void SetUp() override {
    s_ = create("CIL", kRegAPlus);
    dist_ = setup_security(s_.token);
    holder(s_, "alice", 3);
    holder(s_, "bob", 5);
    holder(s_, "carol", 8);
    holder(s_, "dave", 1);
  }
  Address setup_security(const Address& token) {
    expect_ok(call(addr("issuer"), token, "grantRole(bytes32,address)",
                   {abi::Value::bytes32(roles::dividend_admin()), addr("divs")}));
    expect_ok(call(addr("issuer"), token, "grantRole(bytes32,address)",
                   {abi::Value::bytes32(roles::corporate_action()), addr("agent")}));
    if (usd_.is_zero()) {
      usd_ = address_of(call(addr("operator"), factory_address(),
                             "createPaymentToken(string,string,uint8,address)",
                             {std::string("Dollar"), std::string("USD"), 2, addr("divs")}));
      expect_ok(call(addr("divs"), usd_, "mint(address,uint256)", {addr("agent"), kFunds}));
    }
    const Address dist =
        address_of(call(addr("issuer"), factory_address(),
                        "createDividendDistributor(address,address)", {token, addr("taxman")}));
    expect_ok(call(addr("agent"), usd_, "approve(address,uint256)", {dist, U256::max()}));
    return dist;
  }
  Address address_of(const CallResult& r) {
    EXPECT_TRUE(r.success) << describe_revert(r.output);
    return r.success ? Address::from_word(Bytes32::from_view(r.output)) : Address{};
  }
  void holder(const SecuritySet& s, std::string_view who, uint64_t amount) {
    onboard(s, who, "US", 0);
    mint(s, who, amount);
  }
  CallResult split(const Address& token, uint64_t n, uint64_t d) {
    return call(addr("agent"), token, "split(uint256,uint256,string,bytes32)",
                {n, d, std::string("board resolution"),
                 abi::Value::bytes32(keccak256(std::string_view("resolution")))});
  }
  CallResult create_round(uint64_t split_id, const U256& price, std::string_view who = "agent") {
    return create_on(dist_, split_id, price, who);
  }
  CallResult create_on(const Address& dist, uint64_t split_id, const U256& price,
                       std::string_view who = "agent") {
    return call(addr(who), dist, "createCashInLieu(uint256,address,uint256,uint256,bytes32)",
                {split_id, usd_, price, block_.timestamp + kWindow,
                 abi::Value::bytes32(keccak256(std::string_view("resolution")))});
  }
  CallResult claim(std::string_view who, uint64_t round) {
    return call(addr(who), dist_, "claim(uint256)", {round});
  }
  CallResult push(uint64_t round, std::initializer_list<const char*> who) {
    abi::ValueList list;
    for (const char* w : who)
      list.emplace_back(addr(w));
    return call(addr("divs"), dist_, "pushPayments(uint256,address[])", {round, abi::Value(list)});
  }
  U256 usd(const Address& a) { return uint_view(usd_, "balanceOf(address)", {a}); }
  U256 usd(std::string_view who) { return usd(addr(who)); }
  Address escrow(uint64_t round) { return view(dist_, "escrowOf(uint256)", {round})[0].address(); }
  const DividendDistributor& dist(const Address& a) {
    return *state_.contract_as<DividendDistributor>(a);
  }
  // How many logs of the distributor's event `name` a call emitted.
  size_t count(const CallResult& r, std::string_view name) {
    const Bytes32 topic = dist(dist_).abi().event(name).topic0;
    size_t n = 0;
    for (const Log& l : r.logs)
      n += !l.topics.empty() && l.topics[0] == topic ? 1 : 0;
    return n;
  }
  // cashInLieuDue(round, holder) as (numerator, denominator, amount).
  std::vector<U256> due(uint64_t round, std::string_view who, const Address* d = nullptr) {
    std::vector<U256> out;
    for (const abi::Value& v :
         view(d ? *d : dist_, "cashInLieuDue(uint256,address)", {round, addr(who)}))
      out.push_back(v.u256());
    return out;
  }

  static constexpr uint64_t kFunds = 1'000'000;
  SecuritySet s_;
  Address usd_;
  Address dist_;
};

TEST_F(CashInLieuTest, MethodsExistOnlyFromRulesVersionSeven) {
  ASSERT_TRUE(split(s_.token, 3, 2).success);
  block_.rules = Rules::kV6;
  EXPECT_FALSE(rules::cash_in_lieu(Rules::kV6));
  expect_message(create_round(1, U256(kPrice)), "unknown function selector");
  expect_message(call(addr("alice"), dist_, "cashInLieuRound(uint256)", {1}),
                 "unknown function selector");
  expect_message(call(addr("alice"), dist_, "cashInLieuDue(uint256,address)", {1, addr("alice")}),
                 "unknown function selector");
  EXPECT_EQ(dist(dist_).round_count(), 0u);
  block_.rules = Rules::kV7;
  EXPECT_TRUE(rules::cash_in_lieu(Rules::kV7));
  const CallResult r = create_round(1, U256(kPrice));
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  EXPECT_EQ(U256::from_be(r.output), U256(1));
}

// 3-for-2 on 3, 5, 8, 1 shares: alice, bob and dave each lose half a share, carol nothing.
// Σ fractions = 17 × 3 − 24 × 2 = 3 halves; funded floor(1001 × 3 / 2) = 1501; each half pays
// floor(1001 / 2) = 500; the cent of dust returns at reclaim.
TEST_F(CashInLieuTest, PaysEachHolderOfRecordItsFractionOnceWithoutDividendPaid) {
  ASSERT_TRUE(split(s_.token, 3, 2).success);
  const CallResult created = create_round(1, U256(kPrice));
  ASSERT_TRUE(created.success) << describe_revert(created.output);
  EXPECT_EQ(count(created, "CashInLieuCreated"), 1u);
  EXPECT_EQ(count(created, "DividendCreated"), 0u);
  EXPECT_EQ(usd(escrow(1)), U256(1501));
  EXPECT_EQ(usd("agent"), U256(kFunds - 1501));
  EXPECT_EQ(uint_view(dist_, "cashInLieuRound(uint256)", {1}), U256(1));
  const abi::ValueList of = view(dist_, "cashInLieuOf(uint256)", {1});
  ASSERT_EQ(of.size(), 4u);
  EXPECT_EQ(of[0].u256(), U256(1));
  EXPECT_EQ(of[1].u256(), U256(kPrice));
  EXPECT_EQ(of[2].u256(), U256(3));
  EXPECT_EQ(of[3].u256(), U256(2));
  EXPECT_EQ(due(1, "alice"), (std::vector<U256>{U256(1), U256(2), U256(500)}));
  EXPECT_EQ(due(1, "carol"), (std::vector<U256>{U256(0), U256(2), U256(0)}));
  const abi::ValueList c = view(dist_, "claimable(uint256,address)", {1, addr("alice")});
  EXPECT_EQ(c[1].u256(), U256(500));  // gross
  EXPECT_EQ(c[2].u256(), U256(0));    // nothing withheld
  EXPECT_EQ(c[3].u256(), U256(500));  // net

  const CallResult paid = claim("alice", 1);
  ASSERT_TRUE(paid.success) << describe_revert(paid.output);
  EXPECT_EQ(count(paid, "CashInLieuPaid"), 1u);
  EXPECT_EQ(count(paid, "DividendPaid"), 0u);  // the 1099-DIV never sees it
  EXPECT_EQ(usd("alice"), U256(500));
  EXPECT_TRUE(usd("taxman").is_zero());
  expect_revert(claim("alice", 1), ErrorId::kDividendAlreadyClaimed, {1, addr("alice")});
  expect_revert(claim("carol", 1), ErrorId::kNothingToClaim, {1, addr("carol")});
  EXPECT_TRUE(view(dist_, "claimable(uint256,address)", {1, addr("alice")})[3].u256().is_zero());
  EXPECT_EQ(due(1, "alice")[2], U256(500));  // still what it was owed
}

TEST_F(CashInLieuTest, TransferAfterTheSplitStillPaysTheHolderOfRecord) {
  ASSERT_TRUE(split(s_.token, 3, 2).success);
  onboard(s_, "erin", "US", 0);
  // alice sells her 4 post-split shares to erin (both normalized; alice's half is recorded); bob
  // and dave are never touched (their fractions come from their stored pre-split balances).
  expect_ok(call(addr("alice"), s_.token, "transfer(address,uint256)", {addr("erin"), 4}));
  ASSERT_TRUE(create_round(1, U256(kPrice)).success);
  expect_ok(claim("alice", 1));
  EXPECT_EQ(usd("alice"), U256(500));
  expect_revert(claim("erin", 1), ErrorId::kNothingToClaim, {1, addr("erin")});
  expect_ok(claim("dave", 1));
  EXPECT_EQ(usd("dave"), U256(500));
}

// 1-for-7 on base units of a 2-decimal security: 1.50 and 3.33 shares lose 3 and 4 sevenths of a
// base unit. At $123.45 per share (D = 7 × 10^2): 12345 × 3 / 700 = 52.9, 12345 × 4 / 700 = 70.5,
// funded 12345 × 7 / 700 = 123.45 → 123; paid 52 + 70 = 122, dust 1.
TEST_F(CashInLieuTest, RoundingIsTheFloorPerHolderAndOfTheTotalOnDecimalShares) {
  CallResult r =
      call(addr("operator"), factory_address(),
           "createSecurity(string,string,uint8,uint8,address,address)",
           {std::string("Cents Inc."), std::string("CNT"), 2, 3, addr("issuer"), addr("officer")});
  ASSERT_TRUE(r.success);
  const SecuritySet cents = *state_.factory().find_by_symbol("CNT");
  const Address d = setup_security(cents.token);
  holder(cents, "xavier", 150);
  holder(cents, "yvonne", 333);
  holder(cents, "zed", 7);
  ASSERT_TRUE(split(cents.token, 1, 7).success);
  // At 1 cent a share the fractions are worth 7/700 of a cent in all: nothing to fund.
  expect_revert(create_on(d, 1, U256(1)), ErrorId::kCashInLieuNothingDue, {1, 1});
  ASSERT_TRUE(create_on(d, 1, U256(12345)).success);
  EXPECT_EQ(usd(dist(d).escrow_of(1)), U256(123));
  EXPECT_EQ(due(1, "xavier", &d), (std::vector<U256>{U256(3), U256(7), U256(52)}));
  EXPECT_EQ(due(1, "yvonne", &d), (std::vector<U256>{U256(4), U256(7), U256(70)}));
  EXPECT_EQ(due(1, "zed", &d), (std::vector<U256>{U256(0), U256(7), U256(0)}));
  abi::ValueList all = {addr("xavier"), addr("yvonne"), addr("zed")};
  r = call(addr("divs"), d, "pushPayments(uint256,address[])", {1, abi::Value(all)});
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  EXPECT_EQ(U256::from_be(r.output), U256(2));
  advance(kWindow + 1);
  r = call(addr("divs"), d, "reclaim(uint256)", {1});
  ASSERT_TRUE(r.success);
  EXPECT_EQ(U256::from_be(r.output), U256(1));
  EXPECT_EQ(usd("xavier"), U256(52));
  EXPECT_EQ(usd("yvonne"), U256(70));
  EXPECT_EQ(usd("agent"), U256(kFunds - 123 + 1));
}

// A reverse split after a split: the first split's cash in lieu is still due from the holders'
// stored pre-split balances, and the 1-for-10's from their post-split ones.
TEST_F(CashInLieuTest, ReverseSplitAfterASplitPaysBoth) {
  ASSERT_TRUE(split(s_.token, 3, 2).success);   // 4, 7, 12, 1
  ASSERT_TRUE(split(s_.token, 1, 10).success);  // 0, 0, 1, 0: fractions 4, 7, 2, 1 tenths
  ASSERT_TRUE(create_round(2, U256(kPrice)).success);
  ASSERT_TRUE(create_round(1, U256(kPrice)).success);
  EXPECT_EQ(usd(escrow(1)), U256(1401));  // floor(1001 × 14 / 10)
  EXPECT_EQ(usd(escrow(2)), U256(1501));
  EXPECT_EQ(due(1, "bob"), (std::vector<U256>{U256(7), U256(10), U256(700)}));
  EXPECT_EQ(due(1, "carol"), (std::vector<U256>{U256(2), U256(10), U256(200)}));
  const CallResult r = push(1, {"alice", "bob", "carol", "dave"});
  ASSERT_TRUE(r.success);
  EXPECT_EQ(U256::from_be(r.output), U256(4));
  expect_ok(claim("bob", 2));
  EXPECT_EQ(usd("bob"), U256(700 + 500));
  EXPECT_EQ(usd(escrow(1)), U256(1));  // the dust
}

TEST_F(CashInLieuTest, OneRoundPerSplitAndBadRequestsRefused) {
  expect_revert(create_round(1, U256(kPrice)), ErrorId::kSplitNotFound, {1});
  ASSERT_TRUE(split(s_.token, 2, 1).success);  // no fractions
  expect_revert(create_round(1, U256(kPrice)), ErrorId::kCashInLieuNothingDue, {1, kPrice});
  ASSERT_TRUE(split(s_.token, 5, 4).success);  // 6, 10, 16, 2 -> 7 2/4, 12 2/4, 20, 2 2/4
  expect_revert(create_round(2, U256(0)), ErrorId::kZeroAmount);
  expect_revert(
      call(addr("agent"), dist_, "createCashInLieu(uint256,address,uint256,uint256,bytes32)",
           {2, s_.token, kPrice, block_.timestamp + kWindow, abi::Value::bytes32(Bytes32{})}),
      ErrorId::kNotAPaymentToken, {s_.token});
  expect_revert(
      call(addr("agent"), dist_, "createCashInLieu(uint256,address,uint256,uint256,bytes32)",
           {2, usd_, kPrice, block_.timestamp, abi::Value::bytes32(Bytes32{})}),
      ErrorId::kInvalidClaimDeadline, {block_.timestamp, block_.timestamp});
  expect_revert(create_round(2, U256::max()), ErrorId::kCashInLieuOverflow, {2, U256::max()});
  ASSERT_TRUE(create_round(2, U256(kPrice)).success);
  expect_revert(create_round(2, U256(kPrice)), ErrorId::kCashInLieuExists, {2, 1});
  EXPECT_EQ(dist(dist_).round_count(), 1u);
}

TEST_F(CashInLieuTest, UnauthorisedCallersAreRefusedWithStateUnchanged) {
  ASSERT_TRUE(split(s_.token, 3, 2).success);
  const abi::Value corporate = abi::Value::bytes32(roles::corporate_action());
  expect_revert(create_round(1, U256(kPrice), "mallory"),
                ErrorId::kAccessControlUnauthorizedAccount, {addr("mallory"), corporate});
  // The paying agent pays rounds; creating the corporate action's cash leg is not its role.
  expect_revert(create_round(1, U256(kPrice), "divs"), ErrorId::kAccessControlUnauthorizedAccount,
                {addr("divs"), corporate});
  ASSERT_TRUE(create_round(1, U256(kPrice)).success);
  const abi::Value admin = abi::Value::bytes32(roles::dividend_admin());
  expect_revert(call(addr("mallory"), dist_, "pushPayments(uint256,address[])",
                     {1, abi::Value(abi::ValueList{addr("alice")})}),
                ErrorId::kAccessControlUnauthorizedAccount, {addr("mallory"), admin});
  expect_revert(call(addr("mallory"), dist_, "claimFor(uint256,address)", {1, addr("alice")}),
                ErrorId::kAccessControlUnauthorizedAccount, {addr("mallory"), admin});
  EXPECT_TRUE(usd("alice").is_zero());
}

// Paid in resumable batches; reclaim refused before the deadline; after it the funder gets the
// unclaimed shares and the dust, the round closes, and paid + reclaimed = amount.
TEST_F(CashInLieuTest, PushInBatchesReclaimAndConservation) {
  ASSERT_TRUE(split(s_.token, 3, 2).success);
  ASSERT_TRUE(create_round(1, U256(kPrice)).success);
  CallResult r = push(1, {"alice", "carol"});
  ASSERT_TRUE(r.success);
  EXPECT_EQ(U256::from_be(r.output), U256(1));  // carol has no fraction
  r = push(1, {"alice", "dave"});               // the next batch: alice is skipped
  EXPECT_EQ(U256::from_be(r.output), U256(1));
  EXPECT_EQ(count(r, "CashInLieuPaid"), 1u);
  expect_revert(call(addr("divs"), dist_, "reclaim(uint256)", {1}),
                ErrorId::kDividendClaimWindowOpen, {1, block_.timestamp + kWindow});
  advance(kWindow + 1);
  expect_revert(claim("bob", 1), ErrorId::kDividendClaimWindowClosed, {1, block_.timestamp - 1});
  r = call(addr("divs"), dist_, "reclaim(uint256)", {1});
  ASSERT_TRUE(r.success);
  EXPECT_EQ(U256::from_be(r.output), U256(501));  // bob's 500 unclaimed + 1 dust
  expect_revert(claim("bob", 1), ErrorId::kDividendRoundClosed, {1});
  const DividendRound round = dist(dist_).round(1).value();
  EXPECT_EQ(*round.paid.checked_add(round.reclaimed), round.amount);
  EXPECT_TRUE(round.withheld.is_zero());
  EXPECT_EQ(round.payments, 2u);
  EXPECT_TRUE(usd(escrow(1)).is_zero());
  EXPECT_EQ(usd("agent"), U256(kFunds - 1000));
}

// Dividend and cash-in-lieu rounds side by side; the state image round-trips the flagged round
// encoding and rebuilds the split index.
TEST_F(CashInLieuTest, MixedRoundsAndTheStateImageRoundTrip) {
  expect_ok(call(addr("divs"), s_.token, "snapshot()"));
  expect_ok(call(addr("divs"), usd_, "mint(address,uint256)", {addr("divs"), 170}));
  expect_ok(call(addr("divs"), usd_, "approve(address,uint256)", {dist_, 170}));
  expect_ok(call(addr("divs"), dist_, "createDividend(address,uint256,uint256,uint256,bytes32)",
                 {usd_, 170, 1, block_.timestamp + kWindow, abi::Value::bytes32(Bytes32{})}));
  ASSERT_TRUE(split(s_.token, 3, 2).success);
  ASSERT_TRUE(create_round(1, U256(kPrice)).success);
  const abi::ValueList plain = view(dist_, "cashInLieuOf(uint256)", {1});
  EXPECT_TRUE(plain[0].u256().is_zero());
  const CallResult d = claim("bob", 1);
  EXPECT_EQ(count(d, "DividendPaid"), 1u);
  EXPECT_EQ(usd("bob"), U256(50));
  expect_ok(claim("bob", 2));
  EXPECT_EQ(usd("bob"), U256(550));

  ASSERT_EQ(check_state_image_round_trip(state_), "");
  BytesSink all;
  state_.encode(all);
  State restored(state_.genesis());
  std::string error;
  ASSERT_TRUE(restored.restore(all.out, &error)) << error;
  const auto* r = restored.contract_as<DividendDistributor>(dist_);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->cash_in_lieu_round(U256(1)), 2u);
  EXPECT_EQ(r->round(2).value(), dist(dist_).round(2).value());
  EXPECT_EQ(r->round(2).value().split_id, 1u);
  EXPECT_EQ(r->round(1).value().split_id, 0u);
}

}  // namespace
}  // namespace stoa::core::testing
