// T-REX's last selectors (issue 13, item 1; rules V6, rules::trex_proxy_parity): the proxy
// initializers and Initialized(1), the token's setName / setSymbol, ModularCompliance's
// callModuleFunction. Each answers from V6 only; bad input and missing roles change nothing (the
// fixture checks the state digest after every refusal).
#include <string>

#include "ledger_fixture.h"
#include "stoa/core/identity.h"
#include "stoa/core/modules.h"
#include "stoa/core/security_token.h"
#include "stoa/core/trex_proxy.h"
#include "stoa/crypto/eip712.h"

namespace stoa::core::testing {
namespace {

Bytes calldata(std::string_view signature, const abi::ValueList& args) {
  auto sig = abi::parse_signature(signature);
  EXPECT_TRUE(sig.has_value()) << signature;
  auto data = abi::encode_call(*sig, args);
  EXPECT_EQ(data.index(), 0u) << signature;
  return std::get<0>(data);
}

const Bytes32& initialized_topic() {
  static const Bytes32 t = keccak256(std::string_view("Initialized(uint8)"));
  return t;
}

// The addresses that emitted Initialized(1), in order.
std::vector<Address> initialized(const CallResult& r) {
  std::vector<Address> out;
  for (const Log& l : r.logs) {
    if (!l.topics.empty() && l.topics[0] == initialized_topic()) {
      EXPECT_EQ(to_hex(l.data), to_hex(U256(1).to_bytes32().view()));
      out.push_back(l.address);
    }
  }
  return out;
}

class TrexProxyTest : public LedgerTest {
 protected:
  CallResult create_call(const std::string& symbol) {
    return call(addr("operator"), factory_address(),
                "createSecurity(string,string,uint8,uint8,address,address)",
                {symbol + " Inc.", symbol, 0, 3, addr("issuer"), addr("officer")});
  }
  CallResult stack_call(const Address& token, const Address& storage = Address{}) {
    return call(addr("issuer"), identity_factory_address(),
                "createIdentityRegistry(address,address)", {token, storage});
  }
};

TEST_F(TrexProxyTest, TheSelectorsAnswerFromRulesVersionSixOnly) {
  const SecuritySet s = create("TXV", 3);
  block_.rules = Rules::kV5;
  for (const char* sig : {"setName(string)", "setSymbol(string)"}) {
    expect_message(call(addr("issuer"), s.token, sig, {std::string("NEW")}),
                   "unknown function selector");
  }
  expect_message(call(addr("issuer"), s.registry, "init()"), "unknown function selector");
  expect_message(call(addr("issuer"), s.registry, "callModuleFunction(bytes,address)",
                      {calldata("setHoldingPeriod(uint256)", {1}), s.lockup_module}),
                 "unknown function selector");
  // Creation under V5 emits no Initialized (old blocks replay with their logs).
  CallResult old = create_call("TXW");
  ASSERT_TRUE(old.success);
  EXPECT_TRUE(initialized(old).empty());
  block_.rules = Rules::kV6;
  expect_ok(call(addr("issuer"), s.token, "setName(string)", {std::string("New Name")}));
  EXPECT_EQ(view(s.token, "name()")[0].str(), "New Name");
}

TEST_F(TrexProxyTest, InitRevertsAsAnInitializedOpenZeppelinFourProxy) {
  CallResult created = create_call("TXI");
  ASSERT_TRUE(created.success);
  const SecuritySet s = *state_.factory().find_by_symbol("TXI");
  EXPECT_EQ(initialized(created), (std::vector<Address>{s.token, s.registry}));
  CallResult stack = stack_call(s.token);
  ASSERT_TRUE(stack.success);
  const IdentitySet ids =
      *state_.contract_as<IdentityFactory>(identity_factory_address())->stack(s.token);
  EXPECT_EQ(initialized(stack), (std::vector<Address>{ids.claim_topics, ids.trusted_issuers,
                                                      ids.storage, ids.identity_registry}));
  // A second security sharing the storage: the storage was initialized once.
  const SecuritySet t = create("TXJ", 3);
  CallResult shared = stack_call(t.token, ids.storage);
  ASSERT_TRUE(shared.success);
  EXPECT_EQ(initialized(shared).size(), 3u);
  // Every init reverts with OpenZeppelin 4's message, whoever calls, whatever the arguments.
  const std::string kMsg(kAlreadyInitialized);
  expect_message(
      call(addr("issuer"), s.token, "init(address,address,string,string,uint8,address)",
           {ids.identity_registry, s.registry, std::string("X"), std::string("X"), 0, Address{}}),
      kMsg);
  EXPECT_EQ(to_hex(call(addr("bob"), ids.identity_registry, "init(address,address,address)",
                        {ids.trusted_issuers, ids.claim_topics, ids.storage})
                       .output),
            to_hex(revert_message(kAlreadyInitialized).data));
  for (const Address& a : {s.registry, ids.storage, ids.claim_topics, ids.trusted_issuers}) {
    expect_message(call(addr("issuer"), a, "init()"), kMsg);
  }
}

TEST_F(TrexProxyTest, SetNameAndSetSymbolAsTrexWithTheFactoryIndexAndPermitDomain) {
  const SecuritySet s = create("TXN", 3);
  create("TXO", 3);
  const U256 decimals(0);
  // Owner only (DEFAULT_ADMIN_ROLE); bad names and symbols are refused.
  expect_revert(call(addr("officer"), s.token, "setName(string)", {std::string("X")}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("officer"), abi::Value::bytes32(roles::default_admin())});
  expect_revert(call(addr("officer"), s.token, "setSymbol(string)", {std::string("X")}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("officer"), abi::Value::bytes32(roles::default_admin())});
  expect_revert(call(addr("issuer"), s.token, "setName(string)", {std::string("")}),
                ErrorId::kInvalidTokenMetadata,
                {std::string("name must be 1 to 64 bytes without control characters")});
  expect_revert(call(addr("issuer"), s.token, "setName(string)", {std::string(65, 'a')}),
                ErrorId::kInvalidTokenMetadata,
                {std::string("name must be 1 to 64 bytes without control characters")});
  for (const char* bad : {"", "txn", "TOOLONGSYMBOL", "A B"}) {
    expect_revert(call(addr("issuer"), s.token, "setSymbol(string)", {std::string(bad)}),
                  ErrorId::kInvalidTokenMetadata,
                  {std::string("symbol must be 1 to 11 of A-Z 0-9 . -")});
  }
  expect_revert(call(addr("issuer"), s.token, "setSymbol(string)", {std::string("TXO")}),
                ErrorId::kSymbolTaken, {std::string("TXO")});

  // setName: UpdatedTokenInformation with every field (name, symbol indexed), a new domain.
  const Bytes32 old_domain = view(s.token, "DOMAIN_SEPARATOR()")[0].as_bytes32();
  CallResult named = call(addr("issuer"), s.token, "setName(string)", {std::string("Renamed")});
  expect_ok(named);
  ASSERT_EQ(named.logs.size(), 1u);
  ASSERT_EQ(named.logs[0].topics.size(), 4u);
  EXPECT_EQ(
      named.logs[0].topics[0],
      keccak256(std::string_view("UpdatedTokenInformation(string,string,uint8,string,address)")));
  EXPECT_EQ(named.logs[0].topics[1], keccak256(std::string_view("Renamed")));
  EXPECT_EQ(named.logs[0].topics[2], keccak256(std::string_view("TXN")));
  const Bytes32 new_domain = view(s.token, "DOMAIN_SEPARATOR()")[0].as_bytes32();
  EXPECT_NE(new_domain, old_domain);
  EXPECT_EQ(new_domain,
            crypto::eip712_domain_separator("Renamed", "1", state_.chain_id(), s.token));

  // setSymbol: the factory's index follows; the old symbol is free again.
  CallResult moved = call(addr("issuer"), s.token, "setSymbol(string)", {std::string("TXN2")});
  expect_ok(moved);
  ASSERT_EQ(moved.logs.size(), 1u);
  EXPECT_EQ(moved.logs[0].topics[1], keccak256(std::string_view("Renamed")));
  EXPECT_EQ(moved.logs[0].topics[2], keccak256(std::string_view("TXN2")));
  EXPECT_EQ(view(s.token, "symbol()")[0].str(), "TXN2");
  EXPECT_EQ(view(factory_address(), "securityBySymbol(string)", {std::string("TXN2")})[0].address(),
            s.token);
  EXPECT_EQ(view(factory_address(), "securityBySymbol(string)", {std::string("TXN")})[0].address(),
            Address{});
  EXPECT_EQ(uint_view(s.token, "decimals()"), decimals);
  // The same symbol again is no change (still the event, as T-REX).
  expect_ok(call(addr("issuer"), s.token, "setSymbol(string)", {std::string("TXN2")}));
  const SecuritySet again = create("TXN", 3);
  EXPECT_NE(again.token, s.token);
  // A state image rebuilds the index from the tokens' symbols.
  EXPECT_EQ(check_state_image_round_trip(state_), "");
}

TEST_F(TrexProxyTest, CallModuleFunctionCallsABoundModuleAsTheRegistryWithTheOwnersRoles) {
  const SecuritySet s = create("TXM", 3);
  const SecuritySet other = create("TXX", 3);
  const char* kCall = "callModuleFunction(bytes,address)";
  const Bytes set_period = calldata("setHoldingPeriod(uint256)", {86400});
  // Owner only; the module must be bound to this registry.
  expect_revert(call(addr("officer"), s.registry, kCall, {set_period, s.lockup_module}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("officer"), abi::Value::bytes32(roles::default_admin())});
  expect_revert(call(addr("issuer"), s.registry, kCall, {set_period, other.lockup_module}),
                ErrorId::kModuleNotFound, {other.lockup_module});
  expect_revert(call(addr("issuer"), s.registry, kCall, {set_period, s.whitelist_module}),
                ErrorId::kModuleNotFound, {s.whitelist_module});
  // The module's own refusals come back as they are: short calldata, unknown selector, a role
  // the owner lacks (role separation: COMPLIANCE_ROLE is the officer's), bad input.
  expect_message(call(addr("issuer"), s.registry, kCall, {Bytes{1, 2}, s.lockup_module}),
                 "shorter than");
  expect_message(call(addr("issuer"), s.registry, kCall,
                      {calldata("nonsense(uint256)", {1}), s.lockup_module}),
                 "unknown function selector");
  expect_revert(call(addr("issuer"), s.registry, kCall,
                     {calldata("setLockup(address,uint256)", {addr("bob"), 5}), s.lockup_module}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("issuer"), abi::Value::bytes32(roles::compliance())});
  expect_revert(call(addr("issuer"), s.registry, kCall,
                     {calldata("setHoldingPeriod(uint256)", {U256::max()}), s.lockup_module}),
                ErrorId::kLimitExceeded,
                {std::string("holding period (seconds)"), U256(kMaxHoldingPeriodSeconds)});
  // The owner's call: the module's event, then ModuleInteraction(module, selector).
  CallResult r = call(addr("issuer"), s.registry, kCall, {set_period, s.lockup_module});
  expect_ok(r);
  EXPECT_EQ(state_.contract_as<LockupModule>(s.lockup_module)->holding_period(), 86400u);
  ASSERT_EQ(r.logs.size(), 2u);
  EXPECT_EQ(r.logs[0].address, s.lockup_module);
  EXPECT_EQ(r.logs[1].address, s.registry);
  ASSERT_EQ(r.logs[1].topics.size(), 2u);
  EXPECT_EQ(r.logs[1].topics[0], keccak256(std::string_view("ModuleInteraction(address,bytes4)")));
  EXPECT_EQ(r.logs[1].topics[1], s.lockup_module.to_word());
  EXPECT_EQ(to_hex(BytesView(r.logs[1].data).subspan(0, 4)),
            to_hex(BytesView(set_period).subspan(0, 4)));
  // Outside callModuleFunction the registry has no role of its own at the module.
  EXPECT_TRUE(state_.contract_as<ComplianceRegistry>(s.registry)->module_caller().is_zero());
}

}  // namespace
}  // namespace stoa::core::testing
