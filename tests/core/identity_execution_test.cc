// ONCHAINID execution requests on an Identity (rules V6; src/core/identity_execution.cc): who
// approves what, requests that run at once or wait, a failing request's writes undone alone (the
// UndoLog savepoint of State::nested_call) while the request is kept, rejection, the limits, and
// the encoding (an identity that never had a request encodes as before).
#include <string>

#include "ledger_fixture.h"
#include "stoa/core/identity.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {
namespace {

Bytes calldata(std::string_view signature, const abi::ValueList& args) {
  auto sig = abi::parse_signature(signature);
  EXPECT_TRUE(sig.has_value()) << signature;
  auto data = abi::encode_call(*sig, args);
  EXPECT_EQ(data.index(), 0u) << signature;
  return std::get<0>(data);
}

// The names of the execution events of a call, in order ("Requested", "Approved", ...).
std::vector<std::string> execution_events(const CallResult& r) {
  const std::pair<const char*, const char*> names[] = {
      {"ExecutionRequested(uint256,address,uint256,bytes)", "Requested"},
      {"Approved(uint256,bool)", "Approved"},
      {"Executed(uint256,address,uint256,bytes)", "Executed"},
      {"ExecutionFailed(uint256,address,uint256,bytes)", "Failed"},
      {"KeyAdded(bytes32,uint256,uint256)", "KeyAdded"},
      {"Transfer(address,address,uint256)", "Transfer"}};
  std::vector<std::string> out;
  for (const Log& l : r.logs) {
    for (const auto& [sig, name] : names) {
      if (l.topics[0] == keccak256(std::string_view(sig))) out.emplace_back(name);
    }
  }
  return out;
}

U256 word(const CallResult& r) {
  EXPECT_EQ(r.output.size(), 32u);
  return r.output.size() == 32 ? U256::from_be(r.output) : U256(~0ULL);
}

class IdentityExecutionTest : public LedgerTest {
 protected:
  void SetUp() override {
    for (const char* who : {"alice", "bob"}) {
      expect_ok(call(addr("operator"), identity_factory_address(), "createIdentity(address)",
                     {addr(who)}));
    }
    auto* f = state_.contract_as<IdentityFactory>(identity_factory_address());
    alice_id_ = f->identity_of(addr("alice"));
    bob_id_ = f->identity_of(addr("bob"));
  }
  Identity& alice() { return *state_.contract_as<Identity>(alice_id_); }
  CallResult execute(std::string_view who, const Address& to, const Bytes& data,
                     const U256& value = U256(0)) {
    return call(addr(who), alice_id_, "execute(address,uint256,bytes)", {to, value, data});
  }
  CallResult approve(std::string_view who, uint64_t id, bool yes) {
    return call(addr(who), alice_id_, "approve(uint256,bool)", {id, yes});
  }
  Bytes add_key(std::string_view who, uint64_t purpose) {
    return calldata("addKey(bytes32,uint256,uint256)",
                    {abi::Value::bytes32(key_of(addr(who))), purpose, 1});
  }
  Address alice_id_;
  Address bob_id_;
};

TEST_F(IdentityExecutionTest, UnknownBeforeRulesVersionSix) {
  block_.rules = Rules::kV5;
  expect_message(execute("alice", alice_id_, add_key("carol", 2)), "unknown function selector");
  expect_message(approve("alice", 0, true), "unknown function selector");
}

TEST_F(IdentityExecutionTest, AManagementKeyRunsARequestAtOnce) {
  CallResult r = execute("alice", alice_id_, add_key("carol", 2));
  expect_ok(r);
  EXPECT_EQ(word(r), U256(0));  // executionId 0
  EXPECT_EQ(execution_events(r),
            (std::vector<std::string>{"Requested", "Approved", "KeyAdded", "Executed"}));
  // ExecutionRequested indexes id, to and value, as ONCHAINID's IERC734.
  ASSERT_EQ(r.logs[0].topics.size(), 4u);
  EXPECT_EQ(r.logs[0].topics[2], alice_id_.to_word());
  EXPECT_TRUE(alice().wallet_has_purpose(addr("carol"), purpose::kAction));
  EXPECT_EQ(alice().execution_count(), 1u);
  EXPECT_EQ(alice().pending_execution(0), nullptr);  // ran: not kept
  expect_revert(approve("alice", 0, true), ErrorId::kExecutionClosed, {0});
  expect_revert(approve("alice", 1, true), ErrorId::kExecutionNotFound, {1});
  expect_revert(call(addr("alice"), alice_id_, "approve(uint256,bool)", {U256::max(), true}),
                ErrorId::kExecutionNotFound, {U256::max()});
}

TEST_F(IdentityExecutionTest, OtherCallersWaitForTheRightKey) {
  // bob has no key: his request waits.
  CallResult r = execute("bob", alice_id_, add_key("carol", 3));
  expect_ok(r);
  EXPECT_EQ(execution_events(r), (std::vector<std::string>{"Requested"}));
  ASSERT_NE(alice().pending_execution(0), nullptr);
  EXPECT_FALSE(alice().pending_execution(0)->approved);
  // An action key approves requests to other targets only; this one is to the identity itself.
  expect_ok(execute("alice", alice_id_, add_key("dave", 2)));  // id 1, ran
  expect_revert(approve("bob", 0, true), ErrorId::kIdentityUnauthorized, {addr("bob"), 1});
  expect_revert(approve("dave", 0, true), ErrorId::kIdentityUnauthorized, {addr("dave"), 1});
  // dave's own request to the identity waits too; to another target it runs at once.
  expect_ok(execute("dave", alice_id_, add_key("erin", 3)));  // id 2, waits
  ASSERT_NE(alice().pending_execution(2), nullptr);
  CallResult other =
      execute("dave", bob_id_,
              calldata("getKeyPurposes(bytes32)", {abi::Value::bytes32(key_of(addr("x")))}));
  expect_ok(other);  // id 3: a view of another contract, run as a call from the identity
  EXPECT_EQ(execution_events(other),
            (std::vector<std::string>{"Requested", "Approved", "Executed"}));
  // The management key approves id 0; rejects id 2 (dropped).
  CallResult ok = approve("alice", 0, true);
  expect_ok(ok);
  EXPECT_EQ(word(ok), U256(1));  // true
  EXPECT_TRUE(alice().wallet_has_purpose(addr("carol"), purpose::kClaim));
  CallResult no = approve("alice", 2, false);
  expect_ok(no);
  EXPECT_EQ(execution_events(no), (std::vector<std::string>{"Approved"}));
  EXPECT_EQ(alice().pending_execution(2), nullptr);
  EXPECT_FALSE(alice().wallet_has_purpose(addr("erin"), purpose::kClaim));
  expect_revert(approve("alice", 2, true), ErrorId::kExecutionClosed, {2});
}

TEST_F(IdentityExecutionTest, BadRequestsAreRefusedAndChangeNothing) {
  expect_revert(execute("alice", alice_id_, add_key("carol", 2), U256(1)),
                ErrorId::kExecutionValueNotZero, {1});
  expect_revert(execute("alice", Address{}, add_key("carol", 2)), ErrorId::kZeroAddress);
  expect_revert(execute("alice", alice_id_, Bytes(kMaxExecutionDataBytes + 1, 0)),
                ErrorId::kLimitExceeded,
                {std::string("execution data bytes"), U256(kMaxExecutionDataBytes)});
  for (size_t i = 0; i < kMaxPendingExecutions; ++i)
    expect_ok(execute("bob", alice_id_, add_key("carol", 2)));
  expect_revert(execute("bob", alice_id_, add_key("carol", 2)), ErrorId::kLimitExceeded,
                {std::string("pending executions per identity"), U256(kMaxPendingExecutions)});
  EXPECT_EQ(alice().execution_count(), kMaxPendingExecutions);
  EXPECT_EQ(check_state_image_round_trip(state_), "");  // pending requests in a state image
}

// A request whose call fails: its writes are undone (balances, holder count), the request is
// kept, ExecutionFailed is emitted and approve returns false; approved again later it runs.
TEST_F(IdentityExecutionTest, AFailedCallIsUndoneAloneAndTheRequestKept) {
  const SecuritySet s = create("IDX", 3);
  onboard(s, "carol", "US", 1);
  expect_ok(call(addr("officer"), s.registry, "onboard(address,bytes2,uint8,uint256)",
                 {alice_id_, b2("US"), 1, 0}));
  expect_ok(call(addr("issuer"), s.token, "mint(address,uint256)", {alice_id_, 10}));
  const auto* token = state_.contract_as<SecurityToken>(s.token);
  const uint64_t holders = token->holder_count();
  // The first leg (to carol) writes, the second (to dave, not onboarded) is refused.
  const Bytes batch = calldata("batchTransfer(address[],uint256[])",
                               {abi::Value(abi::ValueList{addr("carol"), addr("dave")}),
                                abi::Value(abi::ValueList{U256(3), U256(4)})});
  CallResult r = execute("bob", s.token, batch);  // waits (bob has no key)
  expect_ok(r);
  CallResult failed = approve("alice", 0, true);
  expect_ok(failed);
  EXPECT_EQ(word(failed), U256(0));  // false
  EXPECT_EQ(execution_events(failed), (std::vector<std::string>{"Approved", "Failed"}));
  EXPECT_EQ(token->balance_of(alice_id_), U256(10));
  EXPECT_EQ(token->balance_of(addr("carol")), U256(0));
  EXPECT_EQ(token->holder_count(), holders);
  ASSERT_NE(alice().pending_execution(0), nullptr);
  EXPECT_TRUE(alice().pending_execution(0)->approved);
  onboard(s, "dave", "US", 1);
  CallResult ran = approve("alice", 0, true);
  expect_ok(ran);
  EXPECT_EQ(execution_events(ran),
            (std::vector<std::string>{"Approved", "Transfer", "Transfer", "Executed"}));
  EXPECT_EQ(token->balance_of(alice_id_), U256(3));
  EXPECT_EQ(token->balance_of(addr("dave")), U256(4));
  EXPECT_EQ(alice().pending_execution(0), nullptr);
}

// A request's call cannot approve the request itself again (it is running), and nested requests
// stop at State::kMaxCallDepth.
TEST_F(IdentityExecutionTest, ARunningRequestCannotBeApprovedAgainAndNestingIsBounded) {
  // The identity is its own management key: its calls to itself are approved at once.
  expect_ok(call(addr("alice"), alice_id_, "addKey(bytes32,uint256,uint256)",
                 {abi::Value::bytes32(key_of(alice_id_)), 1, 1}));
  expect_ok(execute("bob", alice_id_, calldata("approve(uint256,bool)", {0, true})));  // id 0
  CallResult r = approve("alice", 0, true);
  expect_ok(r);
  // The inner approve(0) refused (ExecutionInProgress): the outer request failed.
  EXPECT_EQ(execution_events(r), (std::vector<std::string>{"Approved", "Failed"}));

  Bytes data = add_key("carol", 2);
  const size_t levels = State::kMaxCallDepth + 1;
  for (size_t i = 0; i < levels; ++i)
    data = calldata("execute(address,uint256,bytes)", {alice_id_, 0, data});
  CallResult deep = execute("alice", alice_id_, data);
  expect_ok(deep);
  size_t executed = 0;
  size_t failed = 0;
  for (const std::string& e : execution_events(deep)) {
    executed += e == "Executed" ? 1 : 0;
    failed += e == "Failed" ? 1 : 0;
  }
  // The outer request and kMaxCallDepth - 1 nested ones run; the next is refused as too deep.
  EXPECT_EQ(executed, State::kMaxCallDepth);
  EXPECT_EQ(failed, 1u);
  EXPECT_FALSE(alice().wallet_has_purpose(addr("carol"), purpose::kAction));
}

}  // namespace
}  // namespace stoa::core::testing
