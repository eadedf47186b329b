// Splits and reverse splits (docs/balance-model.md, "Splits"; rules::splits): one transaction
// rescales every holder, partition, lot, hold, partial freeze, checkpoint and share cap, writes
// nothing per holder, and keeps Σ balances = supply, Σ partitions = balance and the holder count
// exact; fractional shares are readable per holder and split; every refusal leaves the state
// unchanged (the fixture's call() checks it).
#include <string>
#include <vector>

#include "ledger_fixture.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {
namespace {

constexpr uint8_t kRegAPlus = 3;

class SplitTest : public LedgerTest {
 protected:
  SplitTest() : s_(create("SPL", kRegAPlus)) {
    expect_ok(call(addr("issuer"), s_.token, "grantRole(bytes32,address)",
                   {abi::Value::bytes32(roles::corporate_action()), addr("agent")}));
  }
  const SecurityToken& token() const { return *state_.contract_as<SecurityToken>(s_.token); }
  // `n` holders with balances 1..n (a distribution in kind: no onboarding needed).
  std::vector<Address> distribute(size_t n) {
    std::vector<Address> holders;
    abi::ValueList to;
    abi::ValueList amounts;
    for (size_t i = 0; i < n; ++i) {
      holders.push_back(addr("holder-" + std::to_string(i)));
      to.emplace_back(holders.back());
      amounts.emplace_back(U256(i + 1));
    }
    expect_ok(call(addr("agent"), s_.token, "distributeInKind(address[],uint256[],string,bytes32)",
                   {to, amounts, std::string("bonus issue"), abi::Value::bytes32(doc_)}));
    return holders;
  }
  CallResult split(uint64_t n, uint64_t d, std::string_view who = "agent") {
    return split_u256(U256(n), U256(d), who);
  }
  CallResult split_u256(const U256& n, const U256& d, std::string_view who = "agent") {
    return call(addr(who), s_.token, "split(uint256,uint256,string,bytes32)",
                {n, d, std::string("board resolution 7"), abi::Value::bytes32(doc_)});
  }
  // Σ balances = supply, Σ named partitions <= balance, lots sum to the balance, and the holder
  // count is the number of non-zero balances.
  void expect_exact(const std::vector<Address>& holders) const {
    const SecurityToken& t = token();
    U256 sum;
    uint64_t count = 0;
    for (const Address& h : holders) {
      const U256 b = t.balance_of(h);
      sum = *sum.checked_add(b);
      if (!b.is_zero()) ++count;
      U256 parts;
      for (const Bytes32& p : t.partitions_of(h))
        parts = *parts.checked_add(t.balance_of_by_partition(p, h));
      EXPECT_EQ(parts, b);
      U256 lots;
      for (const auto& l : t.lots_of(h, 0, SecurityToken::kMaxLotsPage))
        lots = *lots.checked_add(l.quantity);
      EXPECT_EQ(lots, b);
    }
    EXPECT_EQ(sum, t.total_supply());
    EXPECT_EQ(count, t.holder_count());
    EXPECT_EQ(t.holders().size(), t.holder_count());
  }
  CallResult view_call_split_at(uint64_t id) {
    return call(addr("agent"), s_.token, "splitAt(uint256)", {U256(id)});
  }
  static U256 floor_ratio(uint64_t x, uint64_t n, uint64_t d) { return U256(x * n / d); }
  const Bytes32 doc_ = keccak256(std::string_view("split resolution"));
  SecuritySet s_;
};

// Rules version 6 (rules::splits): under V5 the selectors are unknown (old journals replay as
// they ran); from V6 on they run.
TEST_F(SplitTest, MethodsExistOnlyFromRulesVersionSix) {
  distribute(3);
  block_.rules = Rules::kV5;
  expect_message(split(3, 2), "unknown function selector");
  expect_message(call(addr("agent"), s_.token, "splitCount()"), "unknown function selector");
  block_.rules = Rules::kV6;
  const CallResult r = split(3, 2);
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  EXPECT_EQ(U256::from_be(r.output), U256(1));
  EXPECT_EQ(uint_view(s_.token, "splitCount()"), U256(1));
}

// 3-for-2 over holders 1..n: each balance floored, the supply the Σ of the floored balances, the
// fractional share of each odd balance 1/2; events; whole-share transfers afterwards.
TEST_F(SplitTest, ThreeForTwoRescalesEveryHolderExactly) {
  const size_t n = 41;
  std::vector<Address> holders = distribute(n);
  const U256 before = token().total_supply();
  const CallResult r = split(3, 2);
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  U256 expected;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(token().balance_of(holders[i]), floor_ratio(i + 1, 3, 2)) << i;
    expected = *expected.checked_add(floor_ratio(i + 1, 3, 2));
    const auto f = view(s_.token, "fractionalSharesOf(address,uint256)", {holders[i], U256(1)});
    EXPECT_EQ(f[0].u256(), U256((i + 1) * 3 % 2)) << i;
    EXPECT_EQ(f[1].u256(), U256(2));
  }
  EXPECT_EQ(token().total_supply(), expected);
  expect_exact(holders);
  // Events: Split(1, 3, 2, before, after) and CorporateAction(SPLIT, ...), no Transfer.
  ASSERT_EQ(r.logs.size(), 2u);
  EXPECT_EQ(r.logs[0].topics[0],
            keccak256(std::string_view("Split(uint256,uint256,uint256,uint256,uint256)")));
  EXPECT_EQ(r.logs[0].topics[1], U256(1).to_bytes32());
  const auto at = view(s_.token, "splitAt(uint256)", {U256(1)});
  EXPECT_EQ(at[0].u256(), U256(3));
  EXPECT_EQ(at[1].u256(), U256(2));
  EXPECT_EQ(at[3].u256(), before);
  EXPECT_EQ(at[4].u256(), expected);
  EXPECT_EQ(check_state_image_round_trip(state_), "");
  // Whole-share transfers after the split; the holders are rewritten at the new epoch and the
  // fractional share they lost stays readable.
  onboard(s_, "alice", "GB", 0);
  onboard(s_, "bob", "GB", 0);
  mint(s_, "alice", 5);
  EXPECT_EQ(token().balance_of(addr("alice")), U256(5));
  expect_ok(call(addr("agent"), s_.token, "forcedTransfer(address,address,uint256)",
                 {holders[2], addr("bob"), U256(4)}));  // 3 -> 4.5 -> 4
  EXPECT_EQ(token().balance_of(holders[2]), U256(0));
  EXPECT_EQ(token().balance_of(addr("bob")), U256(4));
  const auto f = view(s_.token, "fractionalSharesOf(address,uint256)", {holders[2], U256(1)});
  EXPECT_EQ(f[0].u256(), U256(1));
  expect_ok(call(addr("bob"), s_.token, "transfer(address,uint256)", {addr("alice"), U256(1)}));
  holders.push_back(addr("alice"));
  holders.push_back(addr("bob"));
  expect_exact(holders);
  EXPECT_EQ(check_state_image_round_trip(state_), "");
}

// A reverse 1-for-10 takes holders below 10 shares to 0: the holder count drops in the same
// transaction, holders() omits them, and a later 3-for-2 applies on top (sequential floors).
TEST_F(SplitTest, ReverseSplitThenSplitAppliesSequentialFloors) {
  const size_t n = 35;
  const std::vector<Address> holders = distribute(n);
  expect_ok(split(1, 10));
  EXPECT_EQ(token().holder_count(), n - 9);
  expect_exact(holders);
  expect_ok(split(3, 2));
  for (size_t i = 0; i < n; ++i) {
    EXPECT_EQ(token().balance_of(holders[i]), U256((i + 1) / 10 * 3 / 2)) << i;
  }
  expect_exact(holders);
  // Holder 14 (15 shares): 1 at the first split (fraction 5/10), 1 -> 1 at the second (1/2).
  auto f = view(s_.token, "fractionalSharesOf(address,uint256)", {holders[14], U256(1)});
  EXPECT_EQ(f[0].u256(), U256(5));
  EXPECT_EQ(f[1].u256(), U256(10));
  f = view(s_.token, "fractionalSharesOf(address,uint256)", {holders[14], U256(2)});
  EXPECT_EQ(f[0].u256(), U256(1));
  EXPECT_EQ(check_state_image_round_trip(state_), "");
}

// Every refusal: the fixture checks the state is unchanged and no event was emitted.
TEST_F(SplitTest, RefusalsLeaveTheStateUnchanged) {
  distribute(5);
  expect_revert(split(3, 2, "alice"), ErrorId::kAccessControlUnauthorizedAccount,
                {addr("alice"), abi::Value::bytes32(roles::corporate_action())});
  expect_revert(split(0, 2), ErrorId::kSplitRatioInvalid, {U256(0), U256(2)});
  expect_revert(split(3, 0), ErrorId::kSplitRatioInvalid, {U256(3), U256(0)});
  expect_revert(split(2, 2), ErrorId::kSplitRatioInvalid, {U256(2), U256(2)});
  expect_revert(split(6, 4), ErrorId::kSplitRatioInvalid, {U256(6), U256(4)});
  const U256 big = *U256(uint64_t{1} << 63).checked_mul(U256(2));  // 2^64
  expect_revert(split_u256(big, U256(1)), ErrorId::kSplitRatioInvalid, {big, U256(1)});
  expect_revert(call(addr("agent"), s_.token, "split(uint256,uint256,string,bytes32)",
                     {U256(3), U256(2), std::string(""), abi::Value::bytes32(doc_)}),
                ErrorId::kReasonRequired);
  expect_revert(view_call_split_at(0), ErrorId::kSplitNotFound, {U256(0)});
  expect_revert(view_call_split_at(1), ErrorId::kSplitNotFound, {U256(1)});
  // Overflow: the supply times the numerator must fit.
  const U256 huge = *U256::max().checked_div(U256(3));
  expect_ok(call(addr("agent"), s_.token, "distributeInKind(address[],uint256[],string,bytes32)",
                 {abi::ValueList{addr("whale")}, abi::ValueList{huge}, std::string("x"),
                  abi::Value::bytes32(doc_)}));
  const U256 supply = token().total_supply();
  expect_revert(split(7, 2), ErrorId::kSplitOverflow, {supply, U256(7)});
  EXPECT_EQ(token().split_count(), 0u);
}

// At most kMaxSplits splits per security.
TEST_F(SplitTest, AtMostMaxSplits) {
  distribute(2);
  for (uint64_t i = 0; i < SecurityToken::kMaxSplits; ++i)
    expect_ok(i % 2 == 0 ? split(2, 1) : split(1, 2));
  expect_revert(split(2, 1), ErrorId::kTooManySplits, {U256(SecurityToken::kMaxSplits)});
  EXPECT_EQ(token().balance_of(addr("holder-1")), U256(2));
}

// Named partitions each floored, the default partition absorbing the rest; partition supplies
// the Σ of the floored amounts; a named partition floored to 0 leaves partitionsOf.
TEST_F(SplitTest, PartitionsAreFlooredAndDefaultAbsorbs) {
  onboard(s_, "alice", "GB", 0);
  onboard(s_, "bob", "GB", 0);
  const Bytes32 regs = document_name("REG-S");
  const Bytes32 pref = document_name("PREF");
  mint(s_, "alice", 10);
  for (const auto& [p, who, v] :
       {std::tuple{regs, "alice", uint64_t{5}}, std::tuple{pref, "alice", uint64_t{1}},
        std::tuple{regs, "bob", uint64_t{3}}}) {
    expect_ok(call(addr("issuer"), s_.token, "issueByPartition(bytes32,address,uint256,bytes)",
                   {abi::Value::bytes32(p), addr(who), U256(v), Bytes{}}));
  }
  expect_ok(split(1, 2));  // alice 16 -> 8: REG-S 5 -> 2, PREF 1 -> 0, default 6 (10 -> 5 + 1)
  const Address alice = addr("alice");
  EXPECT_EQ(token().balance_of(alice), U256(8));
  EXPECT_EQ(token().balance_of_by_partition(regs, alice), U256(2));
  EXPECT_EQ(token().balance_of_by_partition(pref, alice), U256(0));
  EXPECT_EQ(token().balance_of_by_partition(kDefaultPartition, alice), U256(6));
  EXPECT_EQ(token().partitions_of(alice).size(), 2u);
  EXPECT_EQ(token().total_supply_by_partition(regs), U256(3));  // 2 + 1
  EXPECT_EQ(token().total_supply_by_partition(pref), U256(0));
  EXPECT_EQ(token().total_supply(), U256(9));
  expect_exact({alice, addr("bob")});
  // A write rewrites alice's stored amounts to the same figures.
  expect_ok(call(alice, s_.token, "transferByPartition(bytes32,address,uint256,bytes)",
                 {abi::Value::bytes32(regs), addr("bob"), U256(2), Bytes{}}));
  EXPECT_EQ(token().balance_of_by_partition(regs, addr("bob")), U256(3));
  EXPECT_EQ(token().balance_of_by_partition(kDefaultPartition, alice), U256(6));
  expect_exact({alice, addr("bob")});
  EXPECT_EQ(check_state_image_round_trip(state_), "");
}

// A record date before the split reads pre-split shares, one after it post-split shares,
// whether or not the holder moved since; supply checkpoints likewise.
TEST_F(SplitTest, CheckpointsReadTheSharesOfTheirDate) {
  onboard(s_, "alice", "GB", 0);
  onboard(s_, "bob", "GB", 0);
  const Bytes32 regs = document_name("REG-S");
  mint(s_, "alice", 9);
  expect_ok(call(addr("issuer"), s_.token, "issueByPartition(bytes32,address,uint256,bytes)",
                 {abi::Value::bytes32(regs), addr("alice"), U256(3), Bytes{}}));
  mint(s_, "bob", 7);
  expect_ok(call(addr("agent"), s_.token, "snapshot()"));  // 1: alice 12 (9 + 3), bob 7
  expect_ok(split(3, 2));                                  // alice 18 (default 14, REG-S 4), bob 10
  expect_ok(call(addr("agent"), s_.token, "snapshot()"));  // 2
  const Address alice = addr("alice");
  const Address bob = addr("bob");
  auto at = [&](const Address& h, uint64_t id) {
    return token().balance_of_at(h, U256(id)).value();
  };
  auto part_at = [&](const Bytes32& p, const Address& h, uint64_t id) {
    return token().balance_of_by_partition_at(p, h, U256(id)).value();
  };
  EXPECT_EQ(at(alice, 1), U256(12));
  EXPECT_EQ(at(alice, 2), U256(18));
  EXPECT_EQ(part_at(kDefaultPartition, alice, 1), U256(9));
  EXPECT_EQ(part_at(kDefaultPartition, alice, 2), U256(14));
  EXPECT_EQ(part_at(regs, alice, 2), U256(4));
  EXPECT_EQ(token().total_supply_at(U256(1)).value(), U256(19));
  EXPECT_EQ(token().total_supply_at(U256(2)).value(), U256(28));
  // Moves after both snapshots change nothing at them.
  expect_ok(call(alice, s_.token, "transfer(address,uint256)", {bob, U256(5)}));
  expect_ok(call(addr("issuer"), s_.token, "mint(address,uint256)", {bob, U256(1)}));
  EXPECT_EQ(at(alice, 1), U256(12));
  EXPECT_EQ(at(alice, 2), U256(18));
  EXPECT_EQ(at(bob, 1), U256(7));
  EXPECT_EQ(at(bob, 2), U256(10));
  EXPECT_EQ(part_at(kDefaultPartition, alice, 1), U256(9));
  EXPECT_EQ(part_at(kDefaultPartition, alice, 2), U256(14));
  EXPECT_EQ(part_at(regs, alice, 1), U256(3));
  EXPECT_EQ(part_at(regs, alice, 2), U256(4));
  EXPECT_EQ(token().total_supply_at(U256(1)).value(), U256(19));
  EXPECT_EQ(token().total_supply_at(U256(2)).value(), U256(28));
  EXPECT_EQ(token().balance_of(alice), U256(13));
  EXPECT_EQ(token().balance_of(bob), U256(16));
  // A snapshot, a reverse split, then a move: the snapshot still reads its shares.
  expect_ok(call(addr("agent"), s_.token, "snapshot()"));  // 3
  expect_ok(split(1, 4));
  expect_ok(call(bob, s_.token, "transfer(address,uint256)", {alice, U256(1)}));
  EXPECT_EQ(at(bob, 3), U256(16));
  EXPECT_EQ(at(bob, 2), U256(10));
  EXPECT_EQ(token().balance_of(bob), U256(3));
  EXPECT_EQ(check_state_image_round_trip(state_), "");
}

// Holds (each floored; held = Σ of the floored holds), partial freezes and the per-transfer cap
// are rescaled in the split transaction; lots each floored, the unrecorded lot absorbing the rest.
TEST_F(SplitTest, HoldsFreezesCapsAndLots) {
  onboard(s_, "alice", "GB", 0);
  onboard(s_, "bob", "GB", 0);
  const Address alice = addr("alice");
  mint(s_, "alice", 7);
  advance(100);
  mint(s_, "alice", 7);
  expect_ok(call(
      alice, s_.token, "hold(bytes32,address,address,uint256,uint256)",
      {abi::Value::bytes32(document_name("H1")), addr("bob"), addr("notary"), U256(3), U256(0)}));
  expect_ok(call(
      alice, s_.token, "hold(bytes32,address,address,uint256,uint256)",
      {abi::Value::bytes32(document_name("H2")), addr("bob"), addr("notary"), U256(3), U256(0)}));
  expect_ok(
      call(addr("officer"), s_.token, "freezePartialTokens(address,uint256)", {alice, U256(5)}));
  expect_ok(call(addr("issuer"), s_.restriction, "setMaxTransferAmount(uint256)", {U256(9)}));
  expect_ok(split(1, 2));  // 14 -> 7; holds 3, 3 -> 1, 1; frozen 5 -> 2; cap 9 -> 4; lots 7 -> 3
  EXPECT_EQ(token().balance_of(alice), U256(7));
  EXPECT_EQ(token().hold_data(document_name("H1")).amount, U256(1));
  EXPECT_EQ(token().balance_on_hold(alice), U256(2));
  EXPECT_EQ(token().frozen_tokens(alice), U256(2));
  EXPECT_EQ(token().restriction()->max_transfer_amount(), U256(4));
  const auto lots = token().lots_of(alice, 0, 10);
  ASSERT_EQ(lots.size(), 3u);  // unrecorded 1 (the rest), then the two issued lots, 3 each
  EXPECT_EQ(lots[0].kind, 0);
  EXPECT_EQ(lots[0].quantity, U256(1));
  EXPECT_EQ(lots[1].quantity, U256(3));
  EXPECT_EQ(lots[2].quantity, U256(3));
  expect_exact({alice});
  EXPECT_EQ(token().spendable(alice), U256(3));  // 7 - 2 frozen - 2 held
  expect_ok(call(addr("notary"), s_.token, "executeHold(bytes32)",
                 {abi::Value::bytes32(document_name("H1"))}));
  EXPECT_EQ(token().balance_of(addr("bob")), U256(1));
  expect_ok(call(alice, s_.token, "transfer(address,uint256)", {addr("bob"), U256(3)}));
  expect_restricted(call(alice, s_.token, "transfer(address,uint256)", {addr("bob"), U256(1)}),
                    15);  // 3 = 2 frozen + 1 held
  expect_exact({alice, addr("bob")});
  EXPECT_EQ(check_state_image_round_trip(state_), "");
}

}  // namespace
}  // namespace stoa::core::testing
