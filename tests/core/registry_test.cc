// ComplianceRegistry and its modules: writers, batches, module chain, codes 6 and 7.
#include "ledger_fixture.h"
#include "stoa/core/codes.h"

namespace stoa::core::testing {
namespace {

class RegistryTest : public LedgerTest {
 protected:
  void SetUp() override { s_ = create("ACME", /*global*/ 5); }
  uint8_t detect(std::string_view from, std::string_view to, uint64_t amount) {
    return static_cast<uint8_t>(uint_view(s_.token,
                                          "detectTransferRestriction(address,address,uint256)",
                                          {addr(from), addr(to), amount})
                                    .low64());
  }
  SecuritySet s_;
};

TEST_F(RegistryTest, OnlyComplianceRoleWrites) {
  expect_revert(call(addr("issuer"), s_.registry, "whitelistAdd(address)", {addr("alice")}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("issuer"), abi::Value::bytes32(roles::compliance())});
  expect_ok(call(addr("officer"), s_.registry, "whitelistAdd(address)", {addr("alice")}));
  EXPECT_TRUE(view(s_.registry, "isWhitelisted(address)", {addr("alice")})[0].boolean());
}

TEST_F(RegistryTest, BadInputChangesNothing) {
  expect_revert(call(addr("officer"), s_.registry, "whitelistAdd(address)", {Address{}}),
                ErrorId::kZeroAddress);
  expect_revert(call(addr("officer"), s_.registry, "batchWhitelistAdd(address[])",
                     {abi::Value(abi::ValueList{})}),
                ErrorId::kEmptyBatch);
  expect_revert(call(addr("officer"), s_.registry, "batchSetJurisdiction(address[],bytes2[])",
                     {abi::ValueList{addr("alice"), addr("bob")}, abi::ValueList{b2("US")}}),
                ErrorId::kBatchLengthMismatch, {U256(2), U256(1)});
  expect_revert(call(addr("officer"), s_.registry, "setJurisdiction(address,bytes2)",
                     {addr("alice"), b2("us")}),
                ErrorId::kInvalidJurisdiction, {b2("us")});
  expect_revert(call(addr("officer"), s_.registry, "setAccreditationStatus(address,uint8)",
                     {addr("alice"), 3}),
                ErrorId::kInvalidAccreditationStatus, {U256(3)});
  expect_revert(call(addr("officer"), s_.registry, "setLockupExpiry(address,uint256)",
                     {addr("alice"), U256::max()}),
                ErrorId::kLimitExceeded, {std::string("lockup expiry (seconds)"), U256(~0ULL)});
  // A batch whose last entry is bad writes none of the others.
  expect_revert(call(addr("officer"), s_.registry, "batchWhitelistAdd(address[])",
                     {abi::Value(abi::ValueList{addr("alice"), addr("bob"), Address{}})}),
                ErrorId::kZeroAddress);
  EXPECT_FALSE(view(s_.registry, "isWhitelisted(address)", {addr("alice")})[0].boolean());
  abi::ValueList too_many(kMaxBatchLength + 1, abi::Value(addr("alice")));
  expect_revert(call(addr("officer"), s_.registry, "batchWhitelistAdd(address[])",
                     abi::ValueList{abi::Value(too_many)}),
                ErrorId::kBatchTooLarge, {U256(kMaxBatchLength + 1), U256(kMaxBatchLength)});
}

TEST_F(RegistryTest, SanctionedJurisdictionIsCodeSix) {
  onboard(s_, "alice", "US");
  onboard(s_, "ivan", "XC");  // Crimea: sanctioned sub-jurisdiction (docs/presets.md)
  mint(s_, "alice", 10);
  EXPECT_EQ(detect("alice", "ivan", 1), code::kJurisdictionBlocked);
  expect_restricted(call(addr("issuer"), s_.token, "mint(address,uint256)", {addr("ivan"), 1}),
                    code::kJurisdictionBlocked);
  EXPECT_TRUE(view(s_.registry, "isJurisdictionBlocked(bytes2)", {b2("CU")})[0].boolean());
  EXPECT_FALSE(view(s_.registry, "isApproved(address)", {addr("ivan")})[0].boolean());
  EXPECT_TRUE(view(s_.registry, "isApproved(address)", {addr("alice")})[0].boolean());
  expect_ok(call(addr("officer"), s_.registry, "unblockJurisdiction(bytes2)", {b2("XC")}));
  EXPECT_EQ(detect("alice", "ivan", 1), code::kSuccess);
}

TEST_F(RegistryTest, AccreditationRequiredIsCodeSeven) {
  onboard(s_, "alice", "US", 1);
  onboard(s_, "bob", "US", 0);
  mint(s_, "alice", 10);
  expect_revert(call(addr("officer"), s_.registry, "setRequiredAccreditation(uint8)", {1}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("officer"), abi::Value::bytes32(roles::default_admin())});
  expect_ok(call(addr("issuer"), s_.registry, "setRequiredAccreditation(uint8)", {1}));
  EXPECT_EQ(detect("alice", "bob", 1), code::kAccreditationRequired);
  expect_restricted(call(addr("issuer"), s_.token, "mint(address,uint256)", {addr("bob"), 1}),
                    code::kAccreditationRequired);
  expect_ok(call(addr("officer"), s_.registry, "setAccreditationStatus(address,uint8)",
                 {addr("bob"), 2}));
  EXPECT_EQ(detect("alice", "bob", 1), code::kSuccess);
}

TEST_F(RegistryTest, ModuleChainKeepsOrderOnRemoval) {
  auto modules = [&] {
    std::vector<Address> out;
    const abi::ValueList result = view(s_.registry, "getModules()");
    for (const auto& v : result[0].list())
      out.push_back(v.address());
    return out;
  };
  EXPECT_EQ(modules(), (std::vector<Address>{s_.lockup_module, s_.jurisdiction_module}));
  expect_ok(call(addr("issuer"), s_.registry, "addModule(address)", {s_.whitelist_module}));
  EXPECT_EQ(modules(),
            (std::vector<Address>{s_.lockup_module, s_.jurisdiction_module, s_.whitelist_module}));
  expect_ok(call(addr("issuer"), s_.registry, "removeModule(address)", {s_.lockup_module}));
  EXPECT_EQ(modules(), (std::vector<Address>{s_.jurisdiction_module, s_.whitelist_module}));
  expect_revert(call(addr("issuer"), s_.registry, "addModule(address)", {s_.whitelist_module}),
                ErrorId::kModuleAlreadyAdded, {s_.whitelist_module});
  expect_revert(call(addr("issuer"), s_.registry, "removeModule(address)", {s_.lockup_module}),
                ErrorId::kModuleNotFound, {s_.lockup_module});
  expect_revert(call(addr("issuer"), s_.registry, "addModule(address)", {s_.token}),
                ErrorId::kNotAComplianceModule, {s_.token});
  expect_revert(call(addr("issuer"), s_.registry, "addModule(address)", {addr("alice")}),
                ErrorId::kNotAComplianceModule, {addr("alice")});
}

TEST_F(RegistryTest, CanTransferReportsTheFirstRefusal) {
  onboard(s_, "alice");
  auto v =
      view(s_.registry, "canTransfer(address,address,uint256)", {addr("alice"), addr("bob"), 1});
  EXPECT_FALSE(v[0].boolean());
  EXPECT_EQ(v[1].u256(), U256(code::kReceiverNotWhitelisted));
}

TEST_F(RegistryTest, LockupModuleStartsHoldingPeriodOnIssuance) {
  onboard(s_, "alice");
  onboard(s_, "bob");
  expect_ok(call(addr("issuer"), s_.lockup_module, "setHoldingPeriod(uint256)", {86400}));
  mint(s_, "alice", 10);
  EXPECT_EQ(detect("alice", "bob", 1), code::kSenderLockupActive);
  // Receiving by transfer does not lock (the rule is on issuance); time ends the lockup.
  advance(86400);
  EXPECT_EQ(detect("alice", "bob", 1), code::kSuccess);
  // Issuance is not refused by the sender-side lockup rule.
  mint(s_, "alice", 10);
}

TEST_F(RegistryTest, JurisdictionModuleAllowListAndUnset) {
  onboard(s_, "alice", "US");
  onboard(s_, "bob", "GB");
  mint(s_, "alice", 10);
  expect_ok(call(addr("issuer"), s_.jurisdiction_module, "setAllowListMode(bool)", {true}));
  expect_ok(call(addr("officer"), s_.jurisdiction_module, "allowJurisdiction(bytes2)", {b2("US")}));
  EXPECT_EQ(detect("alice", "bob", 1), code::kReceiverJurisdictionBlocked);
  EXPECT_EQ(detect("bob", "alice", 1), code::kSenderJurisdictionBlocked);
  // The module's setter writes the registry's record: one source of truth.
  expect_ok(call(addr("officer"), s_.jurisdiction_module, "setJurisdiction(address,bytes2)",
                 {addr("bob"), b2("US")}));
  EXPECT_EQ(view(s_.registry, "jurisdiction(address)", {addr("bob")})[0].bytes(),
            (Bytes{'U', 'S'}));
  EXPECT_EQ(detect("alice", "bob", 1), code::kSuccess);
  expect_ok(call(addr("officer"), s_.registry, "setJurisdiction(address,bytes2)",
                 {addr("bob"), abi::Value(Bytes{0, 0})}));
  EXPECT_EQ(detect("alice", "bob", 1), code::kReceiverJurisdictionUnset);
}

TEST_F(RegistryTest, HolderCapCountsTransitionsIncludingMints) {
  onboard(s_, "alice");
  onboard(s_, "bob");
  onboard(s_, "carol");
  expect_ok(call(addr("issuer"), s_.restriction, "setMaxHolders(uint256)", {2}));
  mint(s_, "alice", 10);
  mint(s_, "bob", 10);
  expect_restricted(call(addr("issuer"), s_.token, "mint(address,uint256)", {addr("carol"), 1}),
                    code::kMaxHoldersReached);
  EXPECT_EQ(detect("alice", "carol", 5), code::kMaxHoldersReached);
  // Alice leaving entirely makes room: the count stays 2.
  EXPECT_EQ(detect("alice", "carol", 10), code::kSuccess);
  expect_ok(call(addr("alice"), s_.token, "transfer(address,uint256)", {addr("carol"), 10}));
  EXPECT_EQ(uint_view(s_.token, "holderCount()"), U256(2));
  EXPECT_EQ(uint_view(s_.restriction, "holderCount()"), U256(2));
}

}  // namespace
}  // namespace stoa::core::testing
