// ERC-3643 parity (issue 13, items 1 and 2; rules V5, rules::trex_parity): T-REX's selectors
// answer from V5 only, UpdatedTokenInformation's indexing follows the block's rules, the
// investor's country is one fact from V5 (the IdentityRegistry's numeric code and the
// ComplianceRegistry's alpha-2 code), and recovery moves the compliance record from V5.
#include <string>

#include "ledger_fixture.h"
#include "stoa/core/codes.h"
#include "stoa/core/country_codes.h"
#include "stoa/core/identity.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {
namespace {

class TrexParityTest : public LedgerTest {
 protected:
  // A Reg A+ security (every jurisdiction, one required) with an identity registry and
  // identity-based eligibility; "agent" is a token agent and the registry agent.
  SecuritySet create_with_identities(const std::string& symbol) {
    const SecuritySet s = create(symbol, 3);
    expect_ok(call(addr("issuer"), identity_factory_address(),
                   "createIdentityRegistry(address,address)", {s.token, Address{}}));
    expect_ok(call(addr("issuer"), s.token, "addAgent(address)", {addr("agent")}));
    return s;
  }
  Address identity_for(std::string_view who) {
    expect_ok(
        call(addr("operator"), identity_factory_address(), "createIdentity(address)", {addr(who)}));
    return state_.contract_as<IdentityFactory>(identity_factory_address())->identity_of(addr(who));
  }
  Address registry_of(const SecuritySet& s) {
    return state_.contract_as<SecurityToken>(s.token)->identity_registry()->address();
  }
  std::string jurisdiction(const SecuritySet& s, std::string_view who) {
    const auto* cr = state_.contract_as<ComplianceRegistry>(s.registry);
    return jurisdiction_text(cr->get(addr(who)).jurisdiction);
  }
};

TEST(CountryCodesTest, NumericAndAlphaTwoAreOneTable) {
  EXPECT_EQ(jurisdiction_of_country(840), jurisdiction('U', 'S'));
  EXPECT_EQ(jurisdiction_of_country(276), jurisdiction('D', 'E'));
  EXPECT_EQ(jurisdiction_of_country(826), jurisdiction('G', 'B'));
  EXPECT_EQ(jurisdiction_of_country(0), 0);
  EXPECT_EQ(jurisdiction_of_country(999), 0);
  EXPECT_EQ(country_of_jurisdiction(jurisdiction('U', 'S')), 840);
  EXPECT_EQ(country_of_jurisdiction(jurisdiction('X', 'K')), 0);  // Kosovo: no ISO numeric code
  EXPECT_EQ(country_of_jurisdiction(0), 0);
}

TEST_F(TrexParityTest, TrexSelectorsAnswerFromRulesVersionFiveOnly) {
  const SecuritySet s = create("TPV", 3);
  onboard(s, "alice", "GB", 0);
  onboard(s, "bob", "GB", 0);
  mint(s, "alice", 100);
  expect_ok(call(addr("issuer"), s.token, "addAgent(address)", {addr("agent")}));
  const std::string forced = "forcedTransfer(address,address,uint256)";
  block_.rules = Rules::kV4;
  expect_message(call(addr("agent"), s.token, forced, {addr("alice"), addr("bob"), 10}),
                 "unknown function selector");
  expect_message(call(addr("agent"), s.token, "owner()"), "unknown function selector");
  block_.rules = Rules::kV5;
  expect_ok(call(addr("agent"), s.token, forced, {addr("alice"), addr("bob"), 10}));
  EXPECT_EQ(uint_view(s.token, "balanceOf(address)", {addr("bob")}), U256(10));
  EXPECT_EQ(view(s.token, "owner()")[0].address(), addr("issuer"));
  EXPECT_EQ(view(s.token, "compliance()")[0].address(), s.registry);
  EXPECT_EQ(view(s.registry, "getTokenBound()")[0].address(), s.token);
  EXPECT_EQ(
      uint_view(s.token, "getRoleMemberCount(bytes32)", {abi::Value::bytes32(roles::compliance())}),
      U256(2));  // the officer and the agent
  // T-REX's token agent pauses from V5.
  expect_ok(call(addr("agent"), s.token, "pause()"));
  // Only the security's own token binds; the hooks are the token's own.
  expect_revert(call(addr("issuer"), s.registry, "bindToken(address)", {addr("bob")}),
                ErrorId::kNotBoundToken, {addr("bob")});
  expect_revert(call(addr("bob"), s.registry, "created(address,uint256)", {addr("bob"), 1}),
                ErrorId::kOnlyBoundToken, {addr("bob")});
  // Ownable moves DEFAULT_ADMIN_ROLE.
  expect_ok(call(addr("issuer"), s.token, "transferOwnership(address)", {addr("operator")}));
  EXPECT_EQ(view(s.token, "owner()")[0].address(), addr("operator"));
  expect_revert(call(addr("issuer"), s.token, "transferOwnership(address)", {addr("issuer")}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("issuer"), abi::Value::bytes32(roles::default_admin())});
}

TEST_F(TrexParityTest, UpdatedTokenInformationIndexesAsTrexFromRulesVersionFive) {
  const SecuritySet s = create("TPU", 3);
  const Address id = identity_for("issuer");
  block_.rules = Rules::kV4;
  CallResult old = call(addr("issuer"), s.token, "setOnchainID(address)", {id});
  ASSERT_TRUE(old.success);
  ASSERT_EQ(old.logs.size(), 1u);
  EXPECT_EQ(old.logs[0].topics.size(), 2u);  // topic 0, onchainID
  block_.rules = Rules::kV5;
  CallResult now = call(addr("issuer"), s.token, "setOnchainID(address)", {id});
  ASSERT_TRUE(now.success);
  ASSERT_EQ(now.logs.size(), 1u);
  ASSERT_EQ(now.logs[0].topics.size(), 4u);  // topic 0, name, symbol, onchainID
  EXPECT_EQ(now.logs[0].topics[0], old.logs[0].topics[0]);
  EXPECT_EQ(now.logs[0].topics[1], keccak256(std::string_view("TPU Inc.")));
  EXPECT_EQ(now.logs[0].topics[2], keccak256(std::string_view("TPU")));
}

// A wallet registered through ERC-3643 with a country passes the required jurisdiction (21/22)
// from V5 without a second write; under V4 the alpha-2 record stays unset and it is refused.
TEST_F(TrexParityTest, TheCountryIsOneFactFromRulesVersionFive) {
  const SecuritySet s = create_with_identities("TPJ");
  const Address ir = registry_of(s);
  const std::string reg = "registerIdentity(address,address,uint16)";
  block_.rules = Rules::kV4;
  expect_ok(call(addr("agent"), ir, reg, {addr("alice"), identity_for("alice"), 840}));
  EXPECT_EQ(jurisdiction(s, "alice"), "");
  block_.rules = Rules::kV5;
  expect_ok(call(addr("agent"), ir, reg, {addr("bob"), identity_for("bob"), 840}));
  EXPECT_EQ(jurisdiction(s, "bob"), "US");
  expect_ok(call(addr("agent"), ir, "updateCountry(address,uint16)", {addr("bob"), 276}));
  EXPECT_EQ(jurisdiction(s, "bob"), "DE");
  // The other way: the compliance officer's alpha-2 code is the stored numeric country.
  expect_ok(call(addr("officer"), s.registry, "setJurisdiction(address,bytes2)",
                 {addr("bob"), b2("GB")}));
  EXPECT_EQ(uint_view(ir, "investorCountry(address)", {addr("bob")}), U256(826));
  // Identity eligibility: bob receives with only the IdentityRegistry's data (no topics).
  const auto* ctr = &state_.contract_as<IdentityRegistry>(ir)->topics();
  for (const U256& t : std::vector<U256>(ctr->topics()))
    expect_ok(call(addr("issuer"), ctr->address(), "removeClaimTopic(uint256)", {t}));
  expect_ok(call(addr("issuer"), s.token, "setEligibilityMode(uint8)", {1}));
  mint(s, "bob", 10);
  expect_restricted(call(addr("issuer"), s.token, "mint(address,uint256)", {addr("alice"), 10}),
                    code::kReceiverJurisdictionUnset);
}

// Recovery moves the compliance record (and the WhitelistModule's listing) from V5; under V4 the
// new wallet kept no record and could not send.
TEST_F(TrexParityTest, RecoveryMovesTheComplianceRecordFromRulesVersionFive) {
  const SecuritySet s = create("TPR", 3);
  expect_ok(call(addr("issuer"), s.token, "addAgent(address)", {addr("agent")}));
  for (const char* who : {"alice", "carol", "bob"})
    onboard(s, who, "GB", 1);
  mint(s, "alice", 100);
  mint(s, "carol", 100);
  auto* f = state_.contract_as<IdentityFactory>(identity_factory_address());
  for (const auto& [lost, fresh] : {std::pair{"alice", "alice2"}, std::pair{"carol", "carol2"}}) {
    identity_for(lost);
    expect_ok(call(addr(lost), f->identity_of(addr(lost)), "addKey(bytes32,uint256,uint256)",
                   {abi::Value::bytes32(key_of(addr(fresh))), 1, 1}));
  }
  const std::string recover = "recoveryAddress(address,address,address)";
  block_.rules = Rules::kV4;
  expect_ok(call(addr("agent"), s.token, recover,
                 {addr("alice"), addr("alice2"), f->identity_of(addr("alice"))}));
  EXPECT_EQ(jurisdiction(s, "alice2"), "");
  expect_restricted(call(addr("alice2"), s.token, "transfer(address,uint256)", {addr("bob"), 1}),
                    code::kSenderNotWhitelisted);
  block_.rules = Rules::kV5;
  expect_ok(call(addr("agent"), s.token, recover,
                 {addr("carol"), addr("carol2"), f->identity_of(addr("carol"))}));
  const auto* cr = state_.contract_as<ComplianceRegistry>(s.registry);
  EXPECT_EQ(jurisdiction(s, "carol2"), "GB");
  EXPECT_TRUE(cr->get(addr("carol2")).whitelisted);
  EXPECT_EQ(cr->get(addr("carol2")).accreditation, 1);
  EXPECT_FALSE(cr->get(addr("carol")).whitelisted);
  expect_ok(call(addr("carol2"), s.token, "transfer(address,uint256)", {addr("bob"), 1}));
}

}  // namespace
}  // namespace stoa::core::testing
