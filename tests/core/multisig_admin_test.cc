// MultisigAdmin (docs/multisig.md): k-of-n propose/confirm/execute, owner changes only through
// the wallet, the factory's security administered by one, and the rules-version gate. Every
// refused call is checked by the fixture to leave the state digest unchanged.
#include <gtest/gtest.h>

#include "core/ledger_fixture.h"
#include "stoa/core/multisig_admin.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {
namespace {

Bytes calldata(std::string_view signature, const abi::ValueList& args) {
  auto sig = abi::parse_signature(signature);
  EXPECT_TRUE(sig.has_value()) << signature;
  auto data = abi::encode_call(*sig, args);
  EXPECT_EQ(data.index(), 0u) << signature;
  return data.index() == 0 ? std::get<0>(data) : Bytes{};
}

class MultisigAdminTest : public LedgerTest {
 protected:
  // A 2-of-3 multisig (alice, bob, carol) administering security MSG; dave holds 100 shares.
  void SetUp() override {
    ms_ = address_of(call(addr("operator"), factory_address(), "createMultisig(address[],uint256)",
                          {owners({"alice", "bob", "carol"}), 2}));
    const CallResult r =
        call(addr("operator"), factory_address(),
             "createSecurityWithMultisig(string,string,uint8,uint8,address,address)",
             {std::string("Multisig Shares"), std::string("MSG"), 0, 3, ms_, addr("officer")});
    ASSERT_TRUE(r.success) << describe_revert(r.output);
    s_ = *state_.factory().find_by_symbol("MSG");
    onboard(s_, "dave");
    const Bytes mint = calldata("mint(address,uint256)", {addr("dave"), 100});
    run({"alice", "bob"}, s_.token, mint);
  }
  static abi::Value owners(std::initializer_list<const char*> names) {
    abi::ValueList l;
    for (const char* n : names)
      l.emplace_back(addr(n));
    return abi::Value(std::move(l));
  }
  Address address_of(const CallResult& r) {
    EXPECT_TRUE(r.success) << describe_revert(r.output);
    return r.success ? Address::from_word(Bytes32::from_view(r.output)) : Address{};
  }
  CallResult submit(std::string_view who, const Address& to, const Bytes& data) {
    return call(addr(who), ms_, "submitTransaction(address,bytes)", {to, data});
  }
  uint64_t submitted(std::string_view who, const Address& to, const Bytes& data) {
    const CallResult r = submit(who, to, data);
    EXPECT_TRUE(r.success) << describe_revert(r.output);
    return U256::from_be(r.output).low64();
  }
  CallResult confirm(std::string_view who, uint64_t id) {
    return call(addr(who), ms_, "confirmTransaction(uint256)", {id});
  }
  CallResult execute(std::string_view who, uint64_t id) {
    return call(addr(who), ms_, "executeTransaction(uint256)", {id});
  }
  // Submitted by the first, confirmed by the others, executed by the first.
  void run(std::initializer_list<const char*> signers, const Address& to, const Bytes& data) {
    const char* first = *signers.begin();
    const uint64_t id = submitted(first, to, data);
    for (const char* s : signers) {
      if (s != first) expect_ok(confirm(s, id));
    }
    expect_ok(execute(first, id));
  }
  U256 shares(std::string_view who) {
    return uint_view(s_.token, "balanceOf(address)", {addr(who)});
  }
  const MultisigAdmin& wallet() { return *state_.contract_as<MultisigAdmin>(ms_); }

  Address ms_;
  SecuritySet s_;
};

TEST_F(MultisigAdminTest, TheSecurityIsAdministeredByTheMultisigNotTheDeployer) {
  auto* token = state_.contract_as<SecurityToken>(s_.token);
  for (const Bytes32* r :
       {&roles::default_admin(), &roles::minter(), &roles::pauser(), &roles::restriction_admin(),
        &roles::corporate_action(), &roles::dividend_admin(), &roles::document_admin()}) {
    EXPECT_TRUE(token->access_control()->has_role(*r, ms_));
    EXPECT_FALSE(token->access_control()->has_role(*r, addr("operator")));
    for (const char* o : {"alice", "bob", "carol"})
      EXPECT_FALSE(token->access_control()->has_role(*r, addr(o)));
  }
  EXPECT_EQ(shares("dave"), U256(100));  // minted by two owners through the wallet
  // The factory refuses an admin that is not a multisig, and a caller without DEPLOYER_ROLE.
  expect_revert(call(addr("operator"), factory_address(),
                     "createSecurityWithMultisig(string,string,uint8,uint8,address,address)",
                     {std::string("X"), std::string("X"), 0, 3, addr("alice"), addr("officer")}),
                ErrorId::kNotAMultisig, {addr("alice")});
  expect_revert(call(addr("alice"), factory_address(), "createMultisig(address[],uint256)",
                     {owners({"alice"}), 1}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("alice"), abi::Value::bytes32(roles::deployer())});
}

TEST_F(MultisigAdminTest, FactoryRefusesBadOwnerSetsAndThresholds) {
  const char* sig = "createMultisig(address[],uint256)";
  expect_revert(call(addr("operator"), factory_address(), sig, {owners({"alice", "bob"}), 3}),
                ErrorId::kMultisigInvalidRequirement, {2, 3});
  expect_revert(call(addr("operator"), factory_address(), sig, {owners({"alice", "bob"}), 0}),
                ErrorId::kMultisigInvalidRequirement, {2, 0});
  expect_revert(call(addr("operator"), factory_address(), sig, {owners({}), 1}),
                ErrorId::kMultisigInvalidRequirement, {0, 1});
  expect_revert(call(addr("operator"), factory_address(), sig, {owners({"alice", "alice"}), 1}),
                ErrorId::kMultisigOwnerExists, {addr("alice")});
  abi::ValueList with_zero = {addr("alice"), Address{}};
  expect_revert(call(addr("operator"), factory_address(), sig, {abi::Value(with_zero), 1}),
                ErrorId::kMultisigInvalidOwner, {Address{}});
  abi::ValueList many;
  for (int i = 0; i <= static_cast<int>(kMaxMultisigOwners); ++i)
    many.emplace_back(addr("owner" + std::to_string(i)));
  expect_revert(call(addr("operator"), factory_address(), sig, {abi::Value(many), 1}),
                ErrorId::kMultisigInvalidRequirement, {kMaxMultisigOwners + 1, 1});
  many.pop_back();
  EXPECT_TRUE(call(addr("operator"), factory_address(), sig, {abi::Value(many), 20}).success);
}

TEST_F(MultisigAdminTest, KMinusOneConfirmationsDoNotExecute) {
  const Bytes seize = calldata("seize(address,address,uint256,string,bytes32)",
                               {addr("dave"), addr("custodian"), 40, std::string("court order"),
                                abi::Value::bytes32(keccak256(std::string_view("ORDER-1")))});
  const uint64_t id = submitted("alice", s_.token, seize);
  EXPECT_EQ(uint_view(ms_, "getConfirmationCount(uint256)", {id}), U256(1));
  EXPECT_FALSE(view(ms_, "isConfirmed(uint256)", {id})[0].boolean());
  expect_revert(execute("alice", id), ErrorId::kMultisigThresholdNotReached, {id, 1, 2});
  EXPECT_EQ(shares("dave"), U256(100));
  expect_ok(confirm("bob", id));
  EXPECT_TRUE(view(ms_, "isConfirmed(uint256)", {id})[0].boolean());
  const CallResult r = execute("carol", id);  // any owner, even one that did not confirm
  expect_ok(r);
  EXPECT_EQ(shares("dave"), U256(60));
  EXPECT_EQ(shares("custodian"), U256(40));
  // The token's events come before the wallet's Execution, all in the one receipt.
  ASSERT_FALSE(r.logs.empty());
  EXPECT_EQ(r.logs.back().address, ms_);
  EXPECT_EQ(r.logs.back().topics[0], wallet().abi().event("Execution").topic0);
  EXPECT_EQ(r.logs.front().address, s_.token);
  const abi::ValueList t = view(ms_, "transactions(uint256)", {id});
  EXPECT_EQ(t[0].address(), s_.token);
  EXPECT_EQ(t[2].bytes(), seize);
  EXPECT_TRUE(t[3].boolean());
  // Never twice.
  expect_revert(execute("alice", id), ErrorId::kMultisigAlreadyExecuted, {id});
  expect_revert(confirm("carol", id), ErrorId::kMultisigAlreadyExecuted, {id});
  EXPECT_EQ(shares("dave"), U256(60));
}

TEST_F(MultisigAdminTest, RevokedConfirmationsDoNotCount) {
  const Bytes mint = calldata("mint(address,uint256)", {addr("dave"), 5});
  const uint64_t id = submitted("alice", s_.token, mint);
  expect_ok(confirm("bob", id));
  expect_revert(confirm("bob", id), ErrorId::kMultisigAlreadyConfirmed, {id, addr("bob")});
  const CallResult r = call(addr("bob"), ms_, "revokeConfirmation(uint256)", {id});
  expect_ok(r);
  EXPECT_EQ(r.logs.at(0).topics[0], wallet().abi().event("Revocation").topic0);
  expect_revert(call(addr("bob"), ms_, "revokeConfirmation(uint256)", {id}),
                ErrorId::kMultisigNotConfirmed, {id, addr("bob")});
  expect_revert(execute("alice", id), ErrorId::kMultisigThresholdNotReached, {id, 1, 2});
  const abi::ValueList who = view(ms_, "getConfirmations(uint256)", {id});
  ASSERT_EQ(who[0].list().size(), 1u);
  EXPECT_EQ(who[0].list()[0].address(), addr("alice"));
  expect_ok(confirm("carol", id));
  expect_ok(execute("bob", id));
  EXPECT_EQ(shares("dave"), U256(105));
}

TEST_F(MultisigAdminTest, OutsidersAreRefused) {
  const Bytes mint = calldata("mint(address,uint256)", {addr("mallory"), 1000});
  expect_revert(submit("mallory", s_.token, mint), ErrorId::kNotMultisigOwner, {addr("mallory")});
  const uint64_t id = submitted("alice", s_.token, mint);
  expect_revert(confirm("mallory", id), ErrorId::kNotMultisigOwner, {addr("mallory")});
  expect_ok(confirm("bob", id));
  expect_revert(execute("mallory", id), ErrorId::kNotMultisigOwner, {addr("mallory")});
  expect_revert(call(addr("mallory"), ms_, "revokeConfirmation(uint256)", {id}),
                ErrorId::kNotMultisigOwner, {addr("mallory")});
  // An owner is no one on the token: the roles are the wallet's alone.
  expect_revert(call(addr("alice"), s_.token, "mint(address,uint256)", {addr("dave"), 1}),
                ErrorId::kAccessControlUnauthorizedAccount,
                {addr("alice"), abi::Value::bytes32(roles::minter())});
  expect_revert(confirm("alice", 99), ErrorId::kMultisigTransactionNotFound, {99});
  expect_revert(submit("alice", Address{}, mint), ErrorId::kZeroAddress);
  expect_revert(submit("alice", s_.token, Bytes(kMaxMultisigCallBytes + 1, 0)),
                ErrorId::kLimitExceeded,
                {std::string("multisig calldata bytes"), kMaxMultisigCallBytes});
}

TEST_F(MultisigAdminTest, AFailedCallRevertsWithTheTargetsErrorAndStaysPending) {
  // Seizing more than dave holds: the token refuses; the execution reverts with its error.
  const Bytes seize = calldata("seize(address,address,uint256,string,bytes32)",
                               {addr("dave"), addr("custodian"), 500, std::string("court order"),
                                abi::Value::bytes32(keccak256(std::string_view("ORDER-2")))});
  const uint64_t id = submitted("alice", s_.token, seize);
  expect_ok(confirm("bob", id));
  const CallResult direct = call(ms_, s_.token, "seize(address,address,uint256,string,bytes32)",
                                 {addr("dave"), addr("custodian"), 500, std::string("court order"),
                                  abi::Value::bytes32(keccak256(std::string_view("ORDER-2")))});
  const CallResult r = execute("alice", id);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(to_hex(r.output), to_hex(direct.output));
  EXPECT_FALSE(view(ms_, "transactions(uint256)", {id})[3].boolean());
  EXPECT_EQ(uint_view(ms_, "getTransactionCount(bool,bool)", {true, false}), U256(1));
}

TEST_F(MultisigAdminTest, OwnersChangeOnlyThroughTheWallet) {
  expect_revert(call(addr("alice"), ms_, "addOwner(address)", {addr("dave")}),
                ErrorId::kOnlyMultisigWallet, {addr("alice")});
  expect_revert(call(addr("alice"), ms_, "removeOwner(address)", {addr("bob")}),
                ErrorId::kOnlyMultisigWallet, {addr("alice")});
  expect_revert(
      call(addr("alice"), ms_, "replaceOwner(address,address)", {addr("bob"), addr("dave")}),
      ErrorId::kOnlyMultisigWallet, {addr("alice")});
  expect_revert(call(addr("alice"), ms_, "changeRequirement(uint256)", {1}),
                ErrorId::kOnlyMultisigWallet, {addr("alice")});

  run({"alice", "bob"}, ms_, calldata("addOwner(address)", {addr("dave")}));
  EXPECT_TRUE(wallet().is_owner(addr("dave")));
  run({"alice", "dave"}, ms_, calldata("changeRequirement(uint256)", {3}));
  EXPECT_EQ(wallet().required(), 3u);
  // A confirmation of a removed owner no longer counts.
  const Bytes mint = calldata("mint(address,uint256)", {addr("dave"), 1});
  const uint64_t pending = submitted("carol", s_.token, mint);
  expect_ok(confirm("bob", pending));
  run({"alice", "bob", "dave"}, ms_, calldata("removeOwner(address)", {addr("carol")}));
  EXPECT_EQ(wallet().owners().size(), 3u);
  EXPECT_EQ(uint_view(ms_, "getConfirmationCount(uint256)", {pending}), U256(1));
  // Removing down below the requirement lowers it (Gnosis's rule).
  run({"alice", "bob", "dave"}, ms_, calldata("removeOwner(address)", {addr("dave")}));
  EXPECT_EQ(wallet().required(), 2u);
  run({"alice", "bob"}, ms_,
      calldata("replaceOwner(address,address)", {addr("bob"), addr("erin")}));
  EXPECT_FALSE(wallet().is_owner(addr("bob")));
  EXPECT_TRUE(wallet().is_owner(addr("erin")));
  // Refusals inside a confirmed transaction revert the execution.
  const uint64_t bad = submitted("alice", ms_, calldata("changeRequirement(uint256)", {3}));
  expect_ok(confirm("erin", bad));
  expect_revert(execute("alice", bad), ErrorId::kMultisigInvalidRequirement, {2, 3});
  const uint64_t self = submitted("alice", ms_, calldata("addOwner(address)", {ms_}));
  expect_ok(confirm("erin", self));
  expect_revert(execute("alice", self), ErrorId::kMultisigInvalidOwner, {ms_});
}

// Two wallets that own each other (w2: alice and w3; w3: alice and w2), 1-of-n: chains of
// executions nested inside executions, bounded by State::kMaxCallDepth.
TEST_F(MultisigAdminTest, NestedExecutionIsBounded) {
  const Address w2 = address_of(call(addr("operator"), factory_address(),
                                     "createMultisig(address[],uint256)", {owners({"alice"}), 1}));
  const abi::ValueList w3_owners = {addr("alice"), w2};
  const Address w3 =
      address_of(call(addr("operator"), factory_address(), "createMultisig(address[],uint256)",
                      {abi::Value(w3_owners), 1}));
  // w2 adds w3 as an owner (1-of-1: alice's submission is enough).
  auto w2_run = [&](const Bytes& data, const Address& to) {
    const CallResult r = call(addr("alice"), w2, "submitTransaction(address,bytes)", {to, data});
    EXPECT_TRUE(r.success);
    return U256::from_be(r.output).low64();
  };
  expect_ok(call(addr("alice"), w2, "executeTransaction(uint256)",
                 {w2_run(calldata("addOwner(address)", {w3}), w2)}));
  // A chain: w2 tx (base + i) calls w3.executeTransaction(w3 base + i), which calls
  // w2.executeTransaction(base + i + 1); the last w2 tx is a harmless self-call.
  auto chain = [&](size_t hops) {
    const uint64_t base = state_.contract_as<MultisigAdmin>(w2)->transaction_count();
    const uint64_t base3 = state_.contract_as<MultisigAdmin>(w3)->transaction_count();
    for (size_t i = 0; i < hops; ++i) {
      w2_run(calldata("executeTransaction(uint256)", {base3 + i}), w3);
      expect_ok(call(addr("alice"), w3, "submitTransaction(address,bytes)",
                     {w2, calldata("executeTransaction(uint256)", {base + i + 1})}));
    }
    w2_run(calldata("changeRequirement(uint256)", {1}), w2);
    return call(addr("alice"), w2, "executeTransaction(uint256)", {base});
  };
  // 3 hops: 6 nested executions below the top one, within the limit of 8.
  const CallResult ok = chain(3);
  expect_ok(ok);
  size_t executions = 0;
  for (const Log& l : ok.logs)
    executions += l.topics[0] == wallet().abi().event("Execution").topic0 ? 1 : 0;
  EXPECT_EQ(executions, 7u);
  // 5 hops: 10 nested, refused at the ninth with the whole chain undone.
  expect_revert(chain(5), ErrorId::kCallDepthExceeded, {U256(State::kMaxCallDepth)});
}

TEST_F(MultisigAdminTest, SelectorsAreUnknownUnderRulesVersionFive) {
  block_.rules = Rules::kV5;
  EXPECT_FALSE(rules::multisig_admin(Rules::kV5));
  expect_message(call(addr("operator"), factory_address(), "createMultisig(address[],uint256)",
                      {owners({"alice"}), 1}),
                 "unknown function selector");
  expect_message(call(addr("operator"), factory_address(),
                      "createSecurityWithMultisig(string,string,uint8,uint8,address,address)",
                      {std::string("Y"), std::string("Y"), 0, 3, ms_, addr("officer")}),
                 "unknown function selector");
  expect_message(submit("alice", s_.token, calldata("mint(address,uint256)", {addr("dave"), 1})),
                 "unknown function selector");
  block_.rules = Rules::kV6;
  EXPECT_TRUE(rules::multisig_admin(Rules::kV6));
}

}  // namespace
}  // namespace stoa::core::testing
