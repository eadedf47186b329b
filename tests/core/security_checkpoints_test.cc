// Checkpoints of partition supplies (docs/balance-model.md, "Checkpoints";
// rules::partition_supply_at): totalSupplyByPartitionAt answers each partition's supply at a
// snapshot whatever issuance, redemption and changes of partition happened since, for snapshots
// taken from rules version 6 on; under version 5 the method does not exist and nothing is recorded.
#include <string>

#include "ledger_fixture.h"
#include "stoa/core/access_control.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {
namespace {

constexpr uint8_t kRegAPlus = 3;

class PartitionSupplyAtTest : public LedgerTest {
 protected:
  PartitionSupplyAtTest() {
    s_ = create("CKP", kRegAPlus);
    for (const char* who : {"alice", "bob"})
      onboard(s_, who, "GB", 0);
    expect_ok(call(addr("issuer"), s_.token, "grantRole(bytes32,address)",
                   {abi::Value::bytes32(roles::dividend_admin()), addr("issuer")}));
    expect_ok(call(addr("issuer"), s_.token, "addAgent(address)", {addr("agent")}));
  }
  static Bytes32 class_b() { return keccak256(std::string_view("CLASS_B")); }
  void issue_b(std::string_view who, uint64_t amount) {
    expect_ok(call(addr("issuer"), s_.token, "issueByPartition(bytes32,address,uint256,bytes)",
                   {abi::Value::bytes32(class_b()), addr(who), amount, Bytes{}}));
  }
  uint64_t snapshot() {
    const CallResult r = call(addr("issuer"), s_.token, "snapshot()");
    EXPECT_TRUE(r.success) << describe_revert(r.output);
    return r.success ? U256::from_be(r.output).low64() : 0;
  }
  // The agent moves `amount` of the holder's default partition into CLASS_B.
  void to_class_b(std::string_view who, uint64_t amount) {
    Bytes data(64, 0xff);
    const Bytes32 b = class_b();
    std::copy(b.b.begin(), b.b.end(), data.begin() + 32);
    expect_ok(call(addr("agent"), s_.token,
                   "operatorTransferByPartition(bytes32,address,address,uint256,bytes,bytes)",
                   {abi::Value::bytes32(Bytes32{}), addr(who), addr(who), amount, data, Bytes{}}));
  }
  CallResult supply_at(const Bytes32& p, uint64_t id) {
    return call(addr("alice"), s_.token, "totalSupplyByPartitionAt(bytes32,uint256)",
                {abi::Value::bytes32(p), id});
  }
  U256 supply_at_ok(const Bytes32& p, uint64_t id) {
    const CallResult r = supply_at(p, id);
    EXPECT_TRUE(r.success) << describe_revert(r.output);
    return r.success ? U256::from_be(r.output) : U256::max();
  }
  const SecurityToken& token() const { return *state_.contract_as<SecurityToken>(s_.token); }

  SecuritySet s_;
};

TEST_F(PartitionSupplyAtTest, EachPartitionsSupplyAtEverySnapshot) {
  mint(s_, "alice", 1000);
  issue_b("bob", 300);
  ASSERT_EQ(snapshot(), 1u);
  issue_b("alice", 200);  // CLASS_B 300 -> 500
  mint(s_, "bob", 500);   // default 1000 -> 1500
  ASSERT_EQ(snapshot(), 2u);
  to_class_b("alice", 50);  // default 1500 -> 1450, CLASS_B 500 -> 550
  expect_ok(call(addr("issuer"), s_.token,
                 "operatorRedeemByPartition(bytes32,address,uint256,bytes,bytes)",
                 {abi::Value::bytes32(class_b()), addr("alice"), 20, Bytes{}, Bytes{}}));  // 530
  expect_ok(call(addr("bob"), s_.token, "transferByPartition(bytes32,address,uint256,bytes)",
                 {abi::Value::bytes32(class_b()), addr("alice"), 100, Bytes{}}));  // same supply
  // A plain burn takes bob's default partition (500), then 100 of CLASS_B.
  expect_ok(call(addr("issuer"), s_.token, "burn(address,uint256)", {addr("bob"), 600}));
  EXPECT_EQ(token().total_supply_by_partition(class_b()), U256(430));
  EXPECT_EQ(token().total_supply_by_partition(Bytes32{}), U256(950));
  EXPECT_EQ(supply_at_ok(class_b(), 1), U256(300));
  EXPECT_EQ(supply_at_ok(Bytes32{}, 1), U256(1000));
  EXPECT_EQ(supply_at_ok(class_b(), 2), U256(500));
  EXPECT_EQ(supply_at_ok(Bytes32{}, 2), U256(1500));
  EXPECT_EQ(supply_at_ok(keccak256(std::string_view("CLASS_C")), 1), U256(0));
  // A third snapshot with nothing moved since: today's values.
  ASSERT_EQ(snapshot(), 3u);
  EXPECT_EQ(supply_at_ok(class_b(), 3), U256(430));
  EXPECT_EQ(supply_at_ok(Bytes32{}, 3), U256(950));
  // The records live under the zero address: its partition amounts at a snapshot stay zero.
  EXPECT_EQ(token().balance_of_by_partition_at(class_b(), Address{}, U256(1)).value(), U256(0));
  EXPECT_EQ(token().balance_of_by_partition_at(Bytes32{}, Address{}, U256(1)).value(), U256(0));
  expect_revert(supply_at(class_b(), 0), ErrorId::kSnapshotIdInvalid, {U256(0), U256(3)});
  expect_revert(supply_at(class_b(), 4), ErrorId::kSnapshotIdInvalid, {U256(4), U256(3)});
}

// Rules version 6: the method's selector was unknown before, and a snapshot taken under version 5
// (before partition supplies were recorded) is refused rather than answered wrongly.
TEST_F(PartitionSupplyAtTest, FromRulesVersionSixAndItsFirstSnapshotOnly) {
  block_.rules = Rules::kV5;
  mint(s_, "alice", 1000);
  issue_b("bob", 300);
  ASSERT_EQ(snapshot(), 1u);
  expect_message(supply_at(class_b(), 1), "unknown function selector");
  issue_b("bob", 100);  // not recorded: CLASS_B at 1 (300) is unknown to the records
  block_.rules = Rules::kV6;
  expect_revert(supply_at(class_b(), 1), ErrorId::kSnapshotIdInvalid, {U256(1), U256(1)});
  ASSERT_EQ(snapshot(), 2u);
  issue_b("bob", 50);
  to_class_b("alice", 10);
  EXPECT_EQ(supply_at_ok(class_b(), 2), U256(400));
  EXPECT_EQ(supply_at_ok(Bytes32{}, 2), U256(1000));
  expect_revert(supply_at(class_b(), 1), ErrorId::kSnapshotIdInvalid, {U256(1), U256(2)});
  EXPECT_EQ(token().total_supply_by_partition(class_b()), U256(460));
}

}  // namespace
}  // namespace stoa::core::testing
