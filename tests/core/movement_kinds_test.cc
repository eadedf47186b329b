// Movement kinds (docs/ARCHITECTURE.md, "Movement kinds"): stable numbers, which side of each
// kind the rules check, the registration table of contract kinds, and the modules' declared
// kinds as the registry applies them.
#include <string>

#include "ledger_fixture.h"
#include "stoa/core/codes.h"
#include "stoa/core/contract_kinds.h"
#include "stoa/core/identity.h"
#include "stoa/core/modules.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {
namespace {

// The numbers are part of the interface (never reused): changing one must fail here.
TEST(MovementKindsTest, NumbersAreStable) {
  EXPECT_EQ(static_cast<int>(MovementKind::kTransfer), 0);
  EXPECT_EQ(static_cast<int>(MovementKind::kMint), 1);
  EXPECT_EQ(static_cast<int>(MovementKind::kBurn), 2);
  EXPECT_EQ(static_cast<int>(MovementKind::kForced), 3);
  EXPECT_EQ(static_cast<int>(MovementKind::kRecovery), 4);
  EXPECT_EQ(static_cast<int>(MovementKind::kTransferFrom), 5);
  EXPECT_EQ(static_cast<int>(MovementKind::kBridgeIn), 6);
  EXPECT_EQ(static_cast<int>(MovementKind::kBridgeOut), 7);
  EXPECT_EQ(static_cast<int>(MovementKind::kCorporateAction), 8);
  EXPECT_EQ(kMovementKindCount, 9);
  for (int k = 0; k < kMovementKindCount; ++k) {
    EXPECT_NE(movement_kind_name(static_cast<MovementKind>(k)), "unknown") << k;
  }
}

TEST(MovementKindsTest, WhichSideTheRulesCheck) {
  const std::string sender = "transfer transferFrom bridgeOut ";
  const std::string receiver = "transfer mint transferFrom bridgeIn ";
  std::string s, r, unchecked;
  for (int k = 0; k < kMovementKindCount; ++k) {
    const auto kind = static_cast<MovementKind>(k);
    const std::string name = std::string(movement_kind_name(kind)) + " ";
    if (movement_kinds::kSenderChecked.has(kind)) s += name;
    if (movement_kinds::kReceiverChecked.has(kind)) r += name;
    if (!movement_kinds::kChecked.has(kind)) unchecked += name;
    EXPECT_TRUE(movement_kinds::kAll.has(kind));
  }
  EXPECT_EQ(s, sender);
  EXPECT_EQ(r, receiver);
  EXPECT_EQ(unchecked, "burn forced recovery corporateAction ");
  EXPECT_FALSE(movement_kinds::kAll.has(static_cast<MovementKind>(kMovementKindCount)));
}

TEST(MovementKindsTest, SpendableIsBalanceLessFrozenNeverBelowZero) {
  EXPECT_EQ(spendable_amount(U256(1000), U256(100)), U256(900));
  EXPECT_EQ(spendable_amount(U256(1000), U256(0)), U256(1000));
  EXPECT_EQ(spendable_amount(U256(100), U256(1000)), U256(0));
}

// One table: every kind has a name, a decoder, and it agrees with the contracts' own ABI names.
TEST(ContractKindsTest, TableCoversEveryKindInOrder) {
  const auto kinds = contract_kinds();
  ASSERT_EQ(kinds.size(), static_cast<size_t>(kLastContractKind));
  for (size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(kinds[i].kind), i + 1);
    EXPECT_EQ(find_contract_kind(kinds[i].kind), &kinds[i]);
    EXPECT_EQ(kind_name(kinds[i].kind), kinds[i].name);
    EXPECT_NE(kinds[i].decode, nullptr);
    EXPECT_EQ(ComplianceModule::is_module_kind(kinds[i].kind), kinds[i].compliance_module);
    if (!kinds[i].compliance_module) {
      EXPECT_TRUE(kinds[i].checks.empty() && kinds[i].tracks.empty()) << kinds[i].name;
    }
  }
  EXPECT_EQ(find_contract_kind(static_cast<ContractKind>(0)), nullptr);
  EXPECT_EQ(find_contract_kind(static_cast<ContractKind>(kinds.size() + 1)), nullptr);
  EXPECT_EQ(kind_name(static_cast<ContractKind>(200)), "Unknown");
}

class MovementKindsLedgerTest : public LedgerTest {};

TEST_F(MovementKindsLedgerTest, TableAgreesWithTheContractsAndTheirDeclaredKinds) {
  const SecuritySet s = create("MKT", 4);  // Reg CF
  size_t modules = 0;
  for (const Address& a : {s.token, s.registry, s.restriction, s.whitelist_module, s.lockup_module,
                           s.jurisdiction_module, factory_address()}) {
    const Contract* c = state_.contract(a);
    ASSERT_NE(c, nullptr);
    const ContractKindInfo* info = find_contract_kind(c->kind());
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->name, c->abi().contract_name());
    if (info->compliance_module) {
      ++modules;
      const auto* m = static_cast<const ComplianceModule*>(c);
      EXPECT_EQ(m->checks(), info->checks) << info->name;
      EXPECT_EQ(m->tracks(), info->tracks) << info->name;
    }
  }
  EXPECT_EQ(modules, 3u);
  EXPECT_EQ(LockupModule::kChecks, movement_kinds::kSenderChecked);
  EXPECT_EQ(LockupModule::kTracks, (MovementKinds{MovementKind::kMint, MovementKind::kRecovery}));
}

// transferFrom is its own kind and checked on the sender's side like transfer: the lockup that
// refuses alice's transfer refuses a spender's transferFrom of her tokens; a forced transfer
// (the agent's) is not refused.
TEST_F(MovementKindsLedgerTest, TransferFromIsSenderCheckedAndForcedIsNot) {
  const SecuritySet s = create("MKF", 4);  // Reg CF: a year's holding period from issuance
  onboard(s, "alice", "GB", 0);
  onboard(s, "bob", "GB", 0);
  mint(s, "alice", 100);
  expect_ok(call(addr("alice"), s.token, "approve(address,uint256)", {addr("bob"), 50}));
  expect_restricted(call(addr("bob"), s.token, "transferFrom(address,address,uint256)",
                         {addr("alice"), addr("bob"), 10}),
                    code::kSenderLockupActive);
  expect_ok(call(addr("issuer"), s.token, "addAgent(address)", {addr("agent")}));
  expect_ok(call(addr("agent"), s.token, "forcedTransfer(address,address,uint256,string,bytes32)",
                 {addr("alice"), addr("bob"), 10, std::string("order"),
                  abi::Value::bytes32(keccak256(std::string_view("doc")))}));
  EXPECT_EQ(uint_view(s.token, "balanceOf(address)", {addr("bob")}), U256(10));
  advance(366 * 24 * 3600);
  expect_ok(call(addr("bob"), s.token, "transferFrom(address,address,uint256)",
                 {addr("alice"), addr("bob"), 10}));
}

// Rules version 3 made recovery a tracked movement: blocks written before it replay as they ran,
// when a recovery left the lost wallet's lockups behind (rules::agent_moves_tracked).
TEST_F(MovementKindsLedgerTest, RecoveryCarriesLockupsFromRulesVersionThreeOnly) {
  block_.rules = Rules::kV2;  // issuance extends the wallet's expiry (before lots, version 5)
  const SecuritySet s = create("MKR", 4);  // Reg CF: a year's holding period from issuance
  expect_ok(call(addr("issuer"), s.token, "addAgent(address)", {addr("agent")}));
  for (const char* who : {"alice", "alice2", "carol", "carol2"})
    onboard(s, who, "GB", 0);
  mint(s, "alice", 100);
  mint(s, "carol", 100);
  auto* f = state_.contract_as<IdentityFactory>(identity_factory_address());
  for (const auto& [lost, fresh] : {std::pair{"alice", "alice2"}, std::pair{"carol", "carol2"}}) {
    expect_ok(call(addr("operator"), identity_factory_address(), "createIdentity(address)",
                   {addr(lost)}));
    expect_ok(call(addr(lost), f->identity_of(addr(lost)), "addKey(bytes32,uint256,uint256)",
                   {abi::Value::bytes32(key_of(addr(fresh))), 1, 1}));
  }
  const auto* lockup = state_.contract_as<LockupModule>(s.lockup_module);
  const uint64_t until = lockup->lockup_expiry(addr("alice"));
  ASSERT_GT(until, block_.timestamp);
  block_.rules = Rules::kV2;
  expect_ok(call(addr("agent"), s.token, "recoveryAddress(address,address,address)",
                 {addr("alice"), addr("alice2"), f->identity_of(addr("alice"))}));
  EXPECT_EQ(lockup->lockup_expiry(addr("alice2")), 0u);
  block_.rules = Rules::kV3;
  expect_ok(call(addr("agent"), s.token, "recoveryAddress(address,address,address)",
                 {addr("carol"), addr("carol2"), f->identity_of(addr("carol"))}));
  EXPECT_EQ(lockup->lockup_expiry(addr("carol2")), until);
}

// Rules version 4 (rules::balance_model): the balance model's methods did not exist under V3, so a
// block of an older journal that called one replays as it ran — an unknown selector, reverted,
// nothing changed — while from V4 on the same call runs.
TEST_F(MovementKindsLedgerTest, BalanceModelMethodsExistOnlyFromRulesVersionFour) {
  const SecuritySet s = create("MKV", 4);
  onboard(s, "alice", "GB", 0);
  mint(s, "alice", 1000);
  const std::string by_partition = "balanceOfByPartition(bytes32,address)";
  const abi::ValueList args = {abi::Value::bytes32(Bytes32{}), addr("alice")};
  block_.rules = Rules::kV3;
  const CallResult before = call(addr("alice"), s.token, by_partition, args);
  EXPECT_FALSE(before.success);
  expect_message(before, "unknown function selector");
  block_.rules = Rules::kV4;
  const CallResult after = call(addr("alice"), s.token, by_partition, args);
  ASSERT_TRUE(after.success);
  EXPECT_EQ(U256::from_be(after.output), U256(1000));  // all in the default partition
}

}  // namespace
}  // namespace stoa::core::testing
