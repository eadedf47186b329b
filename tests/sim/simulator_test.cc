// The simulator's own tests: the PRNG is the one specified, the invariant checks fail when an
// invariant is broken (a deliberately inconsistent model, a wrong revert, a changed digest), a
// seed replays to the same digests, and different seeds give different streams.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "stoa/abi/abi.h"
#include "stoa/core/codes.h"
#include "stoa/core/errors.h"
#include "stoa/core/factory.h"
#include "stoa/core/state.h"
#include "stoa/crypto/secp256k1.h"
#include "stoa/sim/invariants.h"
#include "stoa/sim/prng.h"
#include "stoa/sim/simulator.h"

namespace stoa::sim {
namespace {
using core::ErrorId;
using core::make_revert;

Address addr(std::string_view label) {
  return crypto::key_for_label(label).address();
}

// ------------------------------------------------------------------ PRNG

TEST(Prng, SplitmixMatchesTheReferenceVector) {
  uint64_t state = 0;
  EXPECT_EQ(splitmix64(state), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(splitmix64(state), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(splitmix64(state), 0x06c45d188009454fULL);
}

TEST(Prng, SameSeedSameStreamDifferentSeedDifferentStream) {
  Prng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
}

TEST(Prng, BoundedDrawsStayInRange) {
  Prng p(7);
  std::set<uint64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const uint64_t x = p.below(10);
    ASSERT_LT(x, 10u);
    seen.insert(x);
    const uint64_t y = p.range(5, 7);
    ASSERT_GE(y, 5u);
    ASSERT_LE(y, 7u);
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(p.weighted({0, 5, 0}), 1u);
}

// ------------------------------------------------------------------ token invariants

class CheckerTest : public ::testing::Test {
 protected:
  CheckerTest() : state_(core::GenesisConfig{1337, addr("operator"), false}) {
    call(addr("operator"), core::factory_address(),
         "createSecurity(string,string,uint8,uint8,address,address)",
         {"Checker Inc.", "CHK", 0, 3, addr("issuer"), addr("officer")});
    set_ = *state_.factory().find_by_symbol("CHK");
    for (const char* who : {"alice", "bob"}) {
      call(addr("officer"), set_.registry, "onboard(address,bytes2,uint8,uint256)",
           {addr(who), abi::Value(Bytes{'U', 'S'}), 1, 0});
    }
    call(addr("issuer"), set_.token, "mint(address,uint256)", {addr("alice"), 700});
    call(addr("issuer"), set_.token, "mint(address,uint256)", {addr("bob"), 300});
    model_.mint(addr("alice"), U256(700));
    model_.mint(addr("bob"), U256(300));
  }
  void call(const Address& sender, const Address& to, std::string_view sig,
            const abi::ValueList& args) {
    auto data = abi::encode_call(*abi::parse_signature(sig), args);
    auto r = state_.call(sender, to, std::get<0>(data), core::BlockContext{1, 1767225600});
    ASSERT_TRUE(r.success) << sig << ": " << core::describe_revert(r.output);
  }
  const core::SecurityToken& token() const {
    return *state_.contract_as<core::SecurityToken>(set_.token);
  }

  core::State state_;
  core::SecuritySet set_;
  TokenModel model_;
};

TEST_F(CheckerTest, ConsistentModelPasses) {
  EXPECT_EQ(check_token(token(), model_), std::nullopt);
}

TEST_F(CheckerTest, FailsOnAnInconsistentSupply) {
  model_.supply = U256(1001);
  auto v = check_token(token(), model_);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "model-supply");
}

TEST_F(CheckerTest, FailsOnAnInconsistentBalance) {
  model_.balances[addr("bob")] = U256(299);
  auto v = check_token(token(), model_);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "model-balances");
}

TEST_F(CheckerTest, FailsOnAMissingHolder) {
  model_.balances.erase(addr("bob"));
  auto v = check_token(token(), model_);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "model-balances");
}

TEST_F(CheckerTest, FailsOnAnInconsistentPauseFlag) {
  model_.paused = true;
  auto v = check_token(token(), model_);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "model-paused");
}

TEST(RevertCheck, DigestAndLogs) {
  Bytes32 a, b;
  b.b[0] = 1;
  EXPECT_EQ(check_revert_unchanged(a, a, 0), std::nullopt);
  ASSERT_TRUE(check_revert_unchanged(a, b, 0).has_value());
  EXPECT_EQ(check_revert_unchanged(a, b, 0)->invariant, "revert-leaves-state-unchanged");
  EXPECT_TRUE(check_revert_unchanged(a, a, 1).has_value());
}

// ------------------------------------------------------------------ detect agreement

MovementFacts facts(uint8_t code, uint64_t balance = 100, uint64_t amount = 10) {
  MovementFacts f;
  f.from = addr("alice");
  f.to = addr("bob");
  f.amount = U256(amount);
  f.from_balance = U256(balance);
  f.detect_code = code;
  return f;
}
MovementOutcome reverted(const core::Revert& r) {
  return {false, r.data};
}

TEST(MovementCheck, AgreementPasses) {
  EXPECT_EQ(check_movement(facts(0), {true, {}}), std::nullopt);
  EXPECT_EQ(
      check_movement(facts(5), reverted(make_revert(ErrorId::kTransferRestricted, {U256(5)}))),
      std::nullopt);
  EXPECT_EQ(
      check_movement(facts(14, 3, 10), reverted(make_revert(ErrorId::kERC20InsufficientBalance,
                                                            {addr("alice"), U256(3), U256(10)}))),
      std::nullopt);
}

TEST(MovementCheck, DisagreementFails) {
  // detect says 0 but the transfer reverted.
  auto v = check_movement(facts(0), reverted(make_revert(ErrorId::kTransferRestricted, {U256(2)})));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "detect-agrees-with-transfer");
  // detect refuses but the transfer succeeded.
  EXPECT_TRUE(check_movement(facts(2), {true, {}}).has_value());
  // a different code.
  EXPECT_TRUE(
      check_movement(facts(5), reverted(make_revert(ErrorId::kTransferRestricted, {U256(6)})))
          .has_value());
  // 14 must be ERC20InsufficientBalance, not TransferRestricted(14).
  EXPECT_TRUE(check_movement(facts(14, 3, 10),
                             reverted(make_revert(ErrorId::kTransferRestricted, {U256(14)})))
                  .has_value());
}

TEST(MovementCheck, AllowanceAndZeroAddressComeFirst) {
  MovementFacts f = facts(1);
  f.allowance_checked = true;
  f.spender = addr("carol");
  f.allowance = U256(5);
  EXPECT_EQ(
      expected_movement_revert(f),
      make_revert(ErrorId::kERC20InsufficientAllowance, {addr("carol"), U256(5), U256(10)}).data);
  f.allowance = U256::max();  // unlimited: the compliance answer applies
  EXPECT_EQ(expected_movement_revert(f), make_revert(ErrorId::kTransferRestricted, {U256(1)}).data);
  MovementFacts z = facts(2);
  z.to = Address{};
  EXPECT_EQ(expected_movement_revert(z),
            make_revert(ErrorId::kERC20InvalidReceiver, {Address{}}).data);
}

TEST(RevertReason, Classifies) {
  EXPECT_EQ(revert_reason(make_revert(ErrorId::kTransferRestricted, {U256(32)}).data),
            "TransferRestricted(32)");
  EXPECT_EQ(revert_reason(make_revert(ErrorId::kEnforcedPause).data), "EnforcedPause");
  EXPECT_EQ(revert_reason(core::revert_message("unknown function selector 0x12345678").data),
            "Error(unknown function selector)");
  EXPECT_EQ(revert_reason({}), "empty-revert");
}

// ------------------------------------------------------------------ whole runs

TEST(Simulator, SeedRunsCleanAndReplays) {
  SimOptions o;
  o.seed = 3;
  o.steps = 400;
  o.checkpoint_every = 50;
  SimReport r = run_seed(o);  // includes the replay comparison
  ASSERT_TRUE(r.ok()) << failure_text(r, o);
  EXPECT_EQ(r.steps, 400u);
  EXPECT_EQ(r.checkpoints.size(), 8u);
  EXPECT_GT(r.succeeded, 0u);
  EXPECT_GT(r.reverted, 0u);
  EXPECT_GT(r.native_calls, 0u);
  EXPECT_GE(r.securities, 1u);
  EXPECT_LE(r.securities, 3u);
  EXPECT_GE(r.accounts, 20u);
  EXPECT_LE(r.accounts, 200u);
  EXPECT_NE(summary_line(r).find("seed 3:"), std::string::npos);
}

TEST(Simulator, SameSeedSameDigestsDifferentSeedsDiffer) {
  SimOptions o;
  o.steps = 300;
  o.seed = 11;
  SimReport a = run_once(o);
  SimReport b = run_once(o);
  o.seed = 12;
  SimReport c = run_once(o);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a.final_digest, b.final_digest);
  EXPECT_EQ(a.checkpoints, b.checkpoints);
  EXPECT_EQ(a.calls, b.calls);
  EXPECT_EQ(a.reverts_by_reason, b.reverts_by_reason);
  EXPECT_NE(a.final_digest, c.final_digest);
}

// The balance model's traffic is frequent enough for its invariants to bite: snapshots replayed
// (balanceOfAt, balanceOfByPartitionAt, totalSupplyAt, totalSupplyByPartitionAt), partition
// moves, holds placed, executed, released and released after expiry, gifts and forced transfers
// (lots of every kind), the lots compared with the balances, dividend rounds by partition created
// and paid, cash in lieu of split fractions funded and paid (their conservation checked with
// every round's after each step). Ten seeds: rounds by partition and cash in lieu are rare events
// (a snapshot with named partitions, a split with fractions must come first).
TEST(Simulator, BalanceModelTrafficAndChecksHappen) {
  std::map<std::string, uint64_t> total;
  for (uint64_t seed = 101; seed <= 110; ++seed) {
    SimOptions o;
    o.seed = seed;
    o.steps = 1500;
    SimReport r = run_once(o);
    ASSERT_TRUE(r.ok()) << failure_text(r, o);
    EXPECT_NE(summary_line(r).find("balance model ["), std::string::npos) << summary_line(r);
    EXPECT_NE(summary_line(r).find("checkpoint-values-checked="), std::string::npos);
    for (const auto& [k, v] : r.balance_model)
      total[k] += v;
  }
  for (const char* k :
       {"snapshots", "partition-moves", "holds-placed", "holds-executed", "holds-released",
        "holds-expired-released", "gifts", "forced-transfers", "dividend-rounds-by-partition",
        "dividend-payments-by-partition", "cash-in-lieu-rounds", "cash-in-lieu-payments"}) {
    EXPECT_GE(total[k], 2u) << k;
  }
  EXPECT_GT(total["checkpoint-values-checked"], 10000u);
  EXPECT_GT(total["lots-checked"], 10000u);
}

// A record of a snapshot that differs from the token's checkpoint by one share of one holder's
// partition is caught by the replay of that snapshot.
TEST(Simulator, AWrongCheckpointRecordIsCaught) {
  SimOptions o;
  o.seed = 101;
  o.steps = 1500;
  o.corrupt_snapshot_from_step = 300;
  SimReport r = run_once(o);
  ASSERT_FALSE(r.ok());
  EXPECT_GE(r.failure->step, 300u);
  EXPECT_EQ(r.failure->invariant, "checkpoint-equals-replay");
  EXPECT_NE(r.failure->detail.find("ByPartitionAt("), std::string::npos) << r.failure->detail;
}

TEST(Simulator, InconsistentModelIsReportedWithSeedAndStep) {
  SimOptions o;
  o.seed = 5;
  o.steps = 200;
  o.corrupt_model_at_step = 37;
  SimReport r = run_seed(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->step, 37u);
  EXPECT_EQ(r.failure->invariant, "model-supply");
  const std::string text = failure_text(r, o);
  EXPECT_NE(text.find("seed 5 step 37"), std::string::npos) << text;
  EXPECT_NE(text.find("stoa simulate --seed 5 --steps 200"), std::string::npos) << text;
  EXPECT_NE(summary_line(r).find("FAILED"), std::string::npos);
}

}  // namespace
}  // namespace stoa::sim
