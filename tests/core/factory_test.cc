// The factory, presets, roles and the dispatcher's refusals.
#include "ledger_fixture.h"
#include "stoa/core/codes.h"
#include "stoa/core/presets.h"

namespace stoa::core::testing {
namespace {

class FactoryTest : public LedgerTest {};

TEST_F(FactoryTest, AddressesFollowTheCreateRule) {
  SecuritySet s = create("ACME", 1);
  EXPECT_EQ(s.token, create_address(factory_address(), 0));
  EXPECT_EQ(s.registry, create_address(factory_address(), 1));
  EXPECT_EQ(s.restriction, create_address(factory_address(), 2));
  EXPECT_EQ(s.whitelist_module, create_address(factory_address(), 3));
  EXPECT_EQ(s.lockup_module, create_address(factory_address(), 4));
  EXPECT_EQ(s.jurisdiction_module, create_address(factory_address(), 5));
  auto v = view(factory_address(), "getSecurity(address)", {s.token});
  EXPECT_EQ(v[1].address(), s.registry);
  EXPECT_EQ(uint_view(factory_address(), "securityCount()"), U256(1));
}

TEST_F(FactoryTest, SameCallsGiveTheSameDigest) {
  create("ACME", 1);
  onboard(*state_.factory().find_by_symbol("ACME"), "alice");
  const Bytes32 first = state_.digest();
  // Replaying the same calls in a fresh state reproduces the digest.
  State replay(GenesisConfig{1337, addr("operator"), false});
  BlockContext b{0, 1767225600};
  auto run = [&](const Address& sender, const Address& to, std::string_view sig,
                 const abi::ValueList& args) {
    ++b.number;
    auto data = abi::encode_call(*abi::parse_signature(sig), args);
    EXPECT_TRUE(replay.call(sender, to, std::get<0>(data), b).success);
  };
  run(addr("operator"), factory_address(),
      "createSecurity(string,string,uint8,uint8,address,address)",
      {"ACME Inc.", "ACME", 0, 1, addr("issuer"), addr("officer")});
  run(addr("officer"), create_address(factory_address(), 1),
      "onboard(address,bytes2,uint8,uint256)", {addr("alice"), b2("US"), 1, 0});
  EXPECT_EQ(replay.digest(), first);
}

TEST_F(FactoryTest, RefusesBadArguments) {
  const char* kCreate = "createSecurity(string,string,uint8,uint8,address,address)";
  expect_revert(call(addr("mallory"), factory_address(), kCreate,
                     {"X", "X", 0, 0, addr("issuer"), addr("officer")}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("mallory"), abi::Value::bytes32(roles::deployer())});
  expect_revert(call(addr("operator"), factory_address(), kCreate,
                     {"X", "X", 0, 9, addr("issuer"), addr("officer")}),
                ErrorId::kUnknownPreset, {U256(9)});
  expect_revert(call(addr("operator"), factory_address(), kCreate,
                     {"X", "lower", 0, 0, addr("issuer"), addr("officer")}),
                ErrorId::kInvalidTokenMetadata,
                {std::string("symbol must be 1 to 11 of A-Z 0-9 . -")});
  expect_revert(call(addr("operator"), factory_address(), kCreate,
                     {"X", "X", 19, 0, addr("issuer"), addr("officer")}),
                ErrorId::kInvalidTokenMetadata, {std::string("decimals must be at most 18")});
  expect_revert(call(addr("operator"), factory_address(), kCreate,
                     {"", "X", 0, 0, addr("issuer"), addr("officer")}),
                ErrorId::kInvalidTokenMetadata,
                {std::string("name must be 1 to 64 bytes without control characters")});
  expect_revert(call(addr("operator"), factory_address(), kCreate,
                     {"X", "X", 0, 0, Address{}, addr("officer")}),
                ErrorId::kZeroAddress);
  // One account as issuer and compliance officer breaks role separation.
  expect_revert(call(addr("operator"), factory_address(), kCreate,
                     {"X", "X", 0, 0, addr("issuer"), addr("issuer")}),
                ErrorId::kRoleSeparationViolation,
                {addr("issuer"), abi::Value::bytes32(roles::minter()),
                 abi::Value::bytes32(roles::compliance())});
  create("ACME", 0);
  expect_revert(call(addr("operator"), factory_address(), kCreate,
                     {"Other", "ACME", 0, 0, addr("issuer"), addr("officer")}),
                ErrorId::kSymbolTaken, {std::string("ACME")});
  // factory, identity factory + one security's six contracts
  EXPECT_EQ(state_.contract_count(), 8u);
}

TEST_F(FactoryTest, EveryPresetSetsItsRules) {
  for (const PresetRules& p : all_presets()) {
    const std::string sym = "P" + std::to_string(static_cast<int>(p.id));
    SecuritySet s = create(sym, static_cast<uint8_t>(p.id));
    EXPECT_EQ(uint_view(s.token, "offeringPreset()"), U256(static_cast<uint64_t>(p.id)));
    EXPECT_EQ(uint_view(s.registry, "requiredAccreditation()"), U256(p.required_accreditation));
    EXPECT_EQ(uint_view(s.restriction, "maxHolders()"), U256(p.max_holders));
    EXPECT_EQ(uint_view(s.lockup_module, "holdingPeriod()"), U256(p.holding_period_seconds));
    EXPECT_EQ(view(s.jurisdiction_module, "allowListMode()")[0].boolean(), !p.allowed.empty());
    for (Jurisdiction j : sanctioned_jurisdictions()) {
      const std::string t = jurisdiction_text(j);
      EXPECT_TRUE(view(s.registry, "isJurisdictionBlocked(bytes2)", {b2(t.c_str())})[0].boolean())
          << p.name << " " << t;
    }
    EXPECT_EQ(view(factory_address(), "presetName(uint8)", {static_cast<int>(p.id)})[0].str(),
              p.name);
  }
}

TEST_F(FactoryTest, RolesAreThoseOfTheMatrix) {
  SecuritySet s = create("ACME", 5);
  const char* kGrant = "grantRole(bytes32,address)";
  const Bytes32 unknown = keccak256(std::string_view("OWNER_ROLE"));
  expect_revert(call(addr("issuer"), s.token, kGrant, {abi::Value::bytes32(unknown), addr("bob")}),
                ErrorId::kUnknownRole, {abi::Value::bytes32(unknown)});
  expect_revert(call(addr("issuer"), s.token, kGrant,
                     {abi::Value::bytes32(roles::compliance()), addr("issuer")}),
                ErrorId::kRoleSeparationViolation,
                {addr("issuer"), abi::Value::bytes32(roles::minter()),
                 abi::Value::bytes32(roles::compliance())});
  expect_revert(
      call(addr("bob"), s.token, kGrant, {abi::Value::bytes32(roles::minter()), addr("bob")}),
      ErrorId::kAccessControlUnauthorizedAccount,
      {addr("bob"), abi::Value::bytes32(roles::default_admin())});
  CallResult r = call(addr("issuer"), s.token, kGrant,
                      {abi::Value::bytes32(roles::document_admin()), addr("bob")});
  expect_ok(r);
  ASSERT_EQ(r.logs.size(), 1u);
  // The registry shares the security's roles.
  EXPECT_TRUE(view(s.registry, "hasRole(bytes32,address)",
                   {abi::Value::bytes32(roles::document_admin()), addr("bob")})[0]
                  .boolean());
  expect_revert(call(addr("bob"), s.token, "renounceRole(bytes32,address)",
                     {abi::Value::bytes32(roles::document_admin()), addr("issuer")}),
                ErrorId::kAccessControlBadConfirmation);
  expect_ok(call(addr("bob"), s.token, "renounceRole(bytes32,address)",
                 {abi::Value::bytes32(roles::document_admin()), addr("bob")}));
  EXPECT_EQ(view(s.token, "MINTER_ROLE()")[0].as_bytes32(),
            keccak256(std::string_view("MINTER_ROLE")));
  EXPECT_EQ(view(s.token, "DEFAULT_ADMIN_ROLE()")[0].as_bytes32(), Bytes32{});
}

TEST_F(FactoryTest, RoleOverlapAllowedWhenTheDeploymentSaysSo) {
  State open(GenesisConfig{1337, addr("operator"), /*allow_role_overlap=*/true});
  auto data = abi::encode_call(
      *abi::parse_signature("createSecurity(string,string,uint8,uint8,address,address)"),
      {"Solo", "SOLO", 0, 5, addr("issuer"), addr("issuer")});
  EXPECT_TRUE(open.call(addr("operator"), factory_address(), std::get<0>(data), {1, 1}).success);
}

TEST_F(FactoryTest, DispatcherRefusalsAreClear) {
  SecuritySet s = create("ACME", 5);
  CallResult r;
  Bytes32 before = state_.digest();
  r = state_.call(addr("alice"), addr("nobody"), Bytes{0xa9, 0x05, 0x9c, 0xbb}, block_);
  expect_message(r, "no contract at");
  r = state_.call(addr("alice"), s.token, Bytes{0xa9, 0x05}, block_);
  expect_message(r, "shorter than a 4-byte function selector");
  r = state_.call(addr("alice"), s.token, Bytes{0xde, 0xad, 0xbe, 0xef}, block_);
  expect_message(r, "unknown function selector 0xdeadbeef for SecurityToken");
  // transfer(address,uint256) with an address word whose high bytes are not zero.
  Bytes dirty(4 + 64, 0);
  dirty[0] = 0xa9;
  dirty[1] = 0x05;
  dirty[2] = 0x9c;
  dirty[3] = 0xbb;
  dirty[4] = 0x01;
  r = state_.call(addr("alice"), s.token, dirty, block_);
  expect_message(r, "malformed arguments for transfer(address,uint256)");
  r = state_.call(addr("alice"), s.token, Bytes{0xa9, 0x05, 0x9c, 0xbb, 0x00}, block_);
  expect_message(r, "malformed arguments");
  EXPECT_EQ(state_.digest(), before);
}

}  // namespace
}  // namespace stoa::core::testing
