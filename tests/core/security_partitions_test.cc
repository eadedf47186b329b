// The default partition order of a plain burn (docs/balance-model.md, "Default partition order";
// rules::burn_partition_events): a burn draws the holder's free shares (less held) from the
// default partition first, then from the named ones in ascending order, and from rules version 7
// emits one RedeemedByPartition per partition drawn, as a plain transfer emits
// TransferByPartition, so a register off the ledger need not replay holds to know the draw.
#include <string>
#include <vector>

#include "ledger_fixture.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {

namespace {

constexpr uint8_t kRegAPlus = 3;

Bytes32 name32(std::string_view s) {
  Bytes b(32, 0);
  std::copy(s.begin(), s.end(), b.begin());
  return Bytes32::from_view(b);
}

class BurnPartitionLegsTest : public LedgerTest {
 protected:
  BurnPartitionLegsTest() : s_(create("BPL", kRegAPlus)) {
    onboard(s_, "alice");
    onboard(s_, "bob");
    mint(s_, "alice", 100);
    expect_ok(call(addr("issuer"), s_.token, "issueByPartition(bytes32,address,uint256,bytes)",
                   {abi::Value::bytes32(reg_s_), addr("alice"), U256(40), Bytes{}}));
    // 90 of alice's 100 default shares on hold: 10 free there, 40 in REG_S.
    expect_ok(call(addr("alice"), s_.token, "hold(bytes32,address,address,uint256,uint256)",
                   {abi::Value::bytes32(keccak256(std::string_view("dvp"))), addr("bob"),
                    addr("notary"), U256(90), U256(0)}));
  }
  const SecurityToken& token() const { return *state_.contract_as<SecurityToken>(s_.token); }
  CallResult burn(uint64_t amount) {
    return call(addr("issuer"), s_.token, "burn(address,uint256)", {addr("alice"), U256(amount)});
  }
  // The RedeemedByPartition logs of a call: (partition, from, value).
  static std::vector<std::tuple<Bytes32, Address, U256>> legs(const CallResult& r) {
    static const Bytes32 kTopic = keccak256(
        std::string_view("RedeemedByPartition(bytes32,address,address,uint256,bytes,bytes)"));
    std::vector<std::tuple<Bytes32, Address, U256>> out;
    for (const Log& l : r.logs) {
      if (l.topics.empty() || l.topics[0] != kTopic) continue;
      EXPECT_EQ(l.topics.size(), 4u);
      Address from;
      std::copy(l.topics[3].b.begin() + 12, l.topics[3].b.end(), from.b.begin());
      out.emplace_back(l.topics[1], from, U256::from_be(BytesView(l.data.data(), 32)));
    }
    return out;
  }
  const Bytes32 reg_s_ = name32("REG_S");
  SecuritySet s_;
};

// V7: a burn of 30 draws the 10 free default shares, then 20 of REG_S, and says so.
TEST_F(BurnPartitionLegsTest, APlainBurnPastSharesOnHoldEmitsALegPerPartitionDrawn) {
  block_.rules = Rules::kV7;
  const CallResult r = burn(30);
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  const auto got = legs(r);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(std::get<0>(got[0]), kDefaultPartition);
  EXPECT_EQ(std::get<1>(got[0]), addr("alice"));
  EXPECT_EQ(std::get<2>(got[0]), U256(10));
  EXPECT_EQ(std::get<0>(got[1]), reg_s_);
  EXPECT_EQ(std::get<2>(got[1]), U256(20));
  EXPECT_EQ(token().balance_of_by_partition(kDefaultPartition, addr("alice")), U256(90));
  EXPECT_EQ(token().balance_of_by_partition(reg_s_, addr("alice")), U256(20));
  // A burn reaching into the shares on hold is refused, changing nothing (the fixture checks).
  expect_revert(burn(21), ErrorId::kHoldsOutstanding, {addr("alice"), U256(90)});
}

// V6 and before: the same draw, no partition event (old blocks replay with the events they had).
TEST_F(BurnPartitionLegsTest, BeforeRulesVersionSevenABurnEmitsNoPartitionEvent) {
  block_.rules = Rules::kV6;
  const CallResult r = burn(30);
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  EXPECT_TRUE(legs(r).empty());
  EXPECT_EQ(token().balance_of_by_partition(reg_s_, addr("alice")), U256(20));
}

// A security without named partitions: no leg at all, as for a plain transfer; once the security
// has one, even a holder of the default partition only gets its leg (the register matches legs).
TEST_F(BurnPartitionLegsTest, NoLegWhileOnlyTheDefaultPartitionIsInUse) {
  block_.rules = Rules::kV7;
  const SecuritySet plain = create("PLN", kRegAPlus);
  onboard(plain, "bob");
  mint(plain, "bob", 5);
  CallResult r = call(addr("issuer"), plain.token, "burn(address,uint256)", {addr("bob"), U256(5)});
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  EXPECT_TRUE(legs(r).empty());
  mint(s_, "bob", 5);
  r = call(addr("issuer"), s_.token, "burn(address,uint256)", {addr("bob"), U256(5)});
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  ASSERT_EQ(legs(r).size(), 1u);
  EXPECT_EQ(std::get<0>(legs(r)[0]), kDefaultPartition);
  EXPECT_EQ(std::get<2>(legs(r)[0]), U256(5));
}

}  // namespace
}  // namespace stoa::core::testing
