// Metered work (docs/NODE.md, "Gas schedule"): a call is charged notional gas for what it does,
// refused past its budget with the state exactly as it was (evmone's pre-state / call /
// expectation), and the one O(holders) administrative operation — rebuilding a security's
// investors for a new identity registry — runs in bounded, resumable steps whose result is the
// state the one-call rebuild gave.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/ledger_fixture.h"
#include "stoa/common/keccak.h"
#include "stoa/core/identity.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/security_token.h"

namespace stoa::core {
namespace {
using testing::addr;
using testing::b2;

Bytes encode(std::string_view signature, const abi::ValueList& args) {
  auto sig = abi::parse_signature(signature);
  EXPECT_TRUE(sig.has_value()) << signature;
  auto data = abi::encode_call(*sig, args);
  EXPECT_EQ(data.index(), 0u) << signature;
  return std::get<0>(data);
}

abi::Value list(std::vector<abi::Value> v) {
  return abi::Value(abi::ValueList(std::move(v)));
}

class MeteringTest : public testing::LedgerTest {
 protected:
  CallResult raw(const Address& sender, const Address& to, const Bytes& data, uint64_t gas) {
    ++block_.number;
    return state_.call(sender, to, data, block_, gas);
  }
};

// Pre-state: a security, alice holding 1,000, bob onboarded. The call: a batch of 50 transfers
// with one unit of gas less than it needs. Expected: refused as out of gas, charged its whole
// limit, no event, the state digest unchanged; with exactly the gas it needs it succeeds.
TEST_F(MeteringTest, CallPastItsGasLimitIsRefusedWithStateUnchanged) {
  const SecuritySet s = create("GAS", 5);
  onboard(s, "alice");
  onboard(s, "bob");
  mint(s, "alice", 1000);
  std::vector<abi::Value> to(50, abi::Value(addr("bob")));
  std::vector<abi::Value> amounts(50, abi::Value(U256(1)));
  const Bytes data = encode("batchTransfer(address[],uint256[])", {list(to), list(amounts)});

  const CallResult probe = state_.simulate(addr("alice"), s.token, data, block_);
  ASSERT_TRUE(probe.success) << describe_revert(probe.output);
  const uint64_t need = probe.gas_used;
  // 50 legs each write two balances and emit a Transfer (3 topics, 32 bytes of data).
  EXPECT_GT(need, 50 * (2 * gas::kWrite + gas::kLog + 3 * gas::kLogTopic + 32 * gas::kLogByte));

  const Bytes32 before = state_.digest();
  const CallResult short_of_one = raw(addr("alice"), s.token, data, need - 1);
  EXPECT_FALSE(short_of_one.success);
  EXPECT_TRUE(short_of_one.out_of_gas);
  EXPECT_EQ(short_of_one.gas_used, need - 1);
  EXPECT_EQ(to_hex(short_of_one.output), to_hex(revert_message("out of gas").data));
  EXPECT_TRUE(short_of_one.logs.empty());
  EXPECT_EQ(state_.digest(), before);

  // A budget far below stops the batch early: same refusal, same unchanged state.
  const CallResult tiny = raw(addr("alice"), s.token, data, 1000);
  EXPECT_TRUE(tiny.out_of_gas);
  EXPECT_EQ(state_.digest(), before);

  const CallResult exact = raw(addr("alice"), s.token, data, need);
  ASSERT_TRUE(exact.success) << describe_revert(exact.output);
  EXPECT_FALSE(exact.out_of_gas);
  EXPECT_EQ(exact.gas_used, need);
  EXPECT_EQ(exact.logs.size(), 50u);
  EXPECT_EQ(state_.contract_as<SecurityToken>(s.token)->balance_of(addr("bob")), U256(50));
}

// The schedule's write figures, seen through approve: a new allowance entry, the same entry
// rewritten, then erased (written back to zero), each with one Approval event of equal size.
TEST_F(MeteringTest, NewEntryWriteAndEraseAreChargedFromTheSchedule) {
  const SecuritySet s = create("GAS", 5);
  auto approve = [&](uint64_t amount) {
    const CallResult r =
        raw(addr("alice"), s.token, encode("approve(address,uint256)", {addr("bob"), U256(amount)}),
            gas::kUnlimited);
    EXPECT_TRUE(r.success) << describe_revert(r.output);
    return r.gas_used;
  };
  const uint64_t created = approve(5);
  const uint64_t rewritten = approve(6);
  const uint64_t erased = approve(0);
  EXPECT_EQ(created - rewritten, gas::kNewEntry - gas::kWrite);
  EXPECT_EQ(erased, rewritten);
  // Reads are charged too: a view's simulation is metered, a read per lookup.
  const CallResult view =
      state_.simulate(Address{}, s.token,
                      encode("allowance(address,address)", {addr("alice"), addr("bob")}), block_);
  EXPECT_EQ(view.gas_used, gas::kRead);
}

// A token of `n` holders (whitelist eligibility), built with batch calls; holder i has i + 1.
class RebuildWorld {
 public:
  explicit RebuildWorld(bool metered) : state_(GenesisConfig{1337, addr("operator"), false}) {
    block_.rules = metered ? Rules::kV3 : Rules::kV2;
  }
  CallResult call(const Address& sender, const Address& to, std::string_view signature,
                  const abi::ValueList& args = {}) {
    ++block_.number;
    return state_.call(sender, to, encode(signature, args), block_);
  }
  void ok(const CallResult& r) { EXPECT_TRUE(r.success) << describe_revert(r.output); }
  static Address holder(size_t i) {
    const Bytes32 h = keccak256(std::string_view("holder " + std::to_string(i)));
    Address a;
    std::copy(h.b.begin(), h.b.begin() + 20, a.b.begin());
    return a;
  }
  void build(size_t n) {
    ok(call(
        addr("operator"), factory_address(),
        "createSecurity(string,string,uint8,uint8,address,address)",
        {std::string("Rebuild Inc."), std::string("RB"), 0, 3, addr("issuer"), addr("officer")}));
    set_ = *state_.factory().find_by_symbol("RB");
    ok(call(addr("issuer"), identity_factory_address(), "createIdentityRegistry(address,address)",
            {set_.token, Address{}}));
    auto* f = state_.contract_as<IdentityFactory>(identity_factory_address());
    ids_ = *f->stack(set_.token);
    ok(call(addr("issuer"), set_.token, "setEligibilityMode(uint8)", {0}));
    std::vector<abi::Value> who, country, accreditation, lockup, amount;
    for (size_t i = 0; i < n; ++i) {
      who.emplace_back(holder(i));
      country.push_back(b2("US"));
      accreditation.emplace_back(1);
      lockup.emplace_back(0);
      amount.emplace_back(U256(i + 1));
    }
    ok(call(addr("officer"), set_.registry, "batchOnboard(address[],bytes2[],uint8[],uint256[])",
            {list(who), list(country), list(accreditation), list(lockup)}));
    ok(call(addr("issuer"), set_.token, "batchMint(address[],uint256[])",
            {list(who), list(amount)}));
    for (size_t i : {0, 1, 2}) {
      ok(call(addr("operator"), identity_factory_address(), "createIdentity(address)",
              {holder(i)}));
    }
  }
  // Registers holder `wallet`'s wallet to holder `owner`'s identity.
  CallResult register_to(size_t wallet, size_t owner) {
    auto* f = state_.contract_as<IdentityFactory>(identity_factory_address());
    return call(addr("officer"), ids_.identity_registry, "registerIdentity(address,address,uint16)",
                {holder(wallet), f->identity_of(holder(owner)), 840});
  }
  SecurityToken& token() { return *state_.contract_as<SecurityToken>(set_.token); }

  State state_;
  BlockContext block_{0, 1767225600};
  SecuritySet set_;
  IdentitySet ids_;
};

// The defect: setIdentityRegistry rebuilt the investors of every holder in one call (O(holders)
// under the sequencer's lock, whatever the gas). Now it runs kRebuildStep holders per call and
// continueInvestorRebuild() the rest; balances do not move meanwhile; a state image taken mid-way
// restores; registrations changed mid-way are counted; and the end state is exactly the state
// the one-call rebuild (the rules before metering) gives for the same calls.
TEST(MeteringRebuildTest, SetIdentityRegistryRebuildsInvestorsInBoundedResumableSteps) {
  constexpr size_t kHolders = 2 * SecurityToken::kRebuildStep + 10;
  RebuildWorld metered(true);
  RebuildWorld reference(false);
  for (RebuildWorld* w : {&metered, &reference}) {
    w->build(kHolders);
    w->ok(w->register_to(0, 0));
    w->ok(w->register_to(1, 0));
    w->ok(w->register_to(2, 2));
    EXPECT_EQ(w->token().investor_count(), kHolders - 1);
  }

  // Detach the registry, then attach it again: two rebuilds over every holder.
  std::vector<size_t> steps;
  for (RebuildWorld* w : {&metered, &reference}) {
    const IdentitySet& ids = w->ids_;
    for (const Address& target : {Address{}, ids.identity_registry}) {
      CallResult r =
          w->call(addr("issuer"), w->set_.token, "setIdentityRegistry(address)", {target});
      w->ok(r);
      EXPECT_LT(r.gas_used, 30'000'000u);
      size_t continues = 0;
      if (w == &metered && target == ids.identity_registry) {
        ASSERT_TRUE(w->token().investor_rebuild_pending());
        // Mid-way: balances do not move, the state image encoding carries the rebuild, only the
        // admin may continue it, and a registration changed now is counted in the end.
        EXPECT_EQ(check_state_image_round_trip(w->state_), "");
        CallResult refused = w->call(RebuildWorld::holder(5), w->set_.token,
                                     "transfer(address,uint256)", {RebuildWorld::holder(6), 1});
        EXPECT_EQ(to_hex(refused.output),
                  to_hex(make_revert(ErrorId::kInvestorRebuildPending).data));
        refused = w->call(addr("issuer"), w->set_.token, "mint(address,uint256)",
                          {RebuildWorld::holder(6), 1});
        EXPECT_EQ(to_hex(refused.output),
                  to_hex(make_revert(ErrorId::kInvestorRebuildPending).data));
        EXPECT_FALSE(w->call(addr("officer"), w->set_.token, "continueInvestorRebuild()").success);
      }
      for (;;) {
        if (w == &metered && target == ids.identity_registry && continues == 1) {
          for (size_t i = 100; i < 110; ++i)
            w->ok(w->register_to(i, 0));
        }
        r = w->call(addr("issuer"), w->set_.token, "continueInvestorRebuild()");
        w->ok(r);
        EXPECT_LT(r.gas_used, 30'000'000u);
        ++continues;
        auto out = abi::decode({*abi::parse_type("bool")}, r.output);
        ASSERT_EQ(out.index(), 0u);
        if (std::get<0>(out)[0].boolean()) break;
        ASSERT_LT(continues, 10u);
      }
      steps.push_back(continues);
      EXPECT_FALSE(w->token().investor_rebuild_pending());
    }
    if (w == &reference) {
      for (size_t i = 100; i < 110; ++i)
        w->ok(w->register_to(i, 0));
    }
  }
  // Metered: 2,010 holders take the setIdentityRegistry call and two continues (the last one
  // finishing); before metering the rebuild was done at once, the continue a no-op.
  EXPECT_EQ(steps, (std::vector<size_t>{2, 2, 1, 1}));
  EXPECT_EQ(metered.token().investor_count(), kHolders - 11);
  EXPECT_EQ(metered.state_.digest(), reference.state_.digest());
  metered.ok(metered.call(RebuildWorld::holder(5), metered.set_.token, "transfer(address,uint256)",
                          {RebuildWorld::holder(6), 1}));
}

}  // namespace
}  // namespace stoa::core
