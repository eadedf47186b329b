// Acquisition lots (docs/balance-model.md, "Acquisition lots"; rules::lots_and_splits): every
// credit a lot, debits FIFO (unrecorded shares first, lots under a holding period last), the
// tacking rules of forced transfers, recovery, gifts and changes of partition, and LockupModule's
// holding period per issued lot from rules version 5 (per wallet, re-locked by every issuance,
// before it).
#include <string>
#include <vector>

#include "ledger_fixture.h"
#include "stoa/core/codes.h"
#include "stoa/core/identity.h"
#include "stoa/core/modules.h"
#include "stoa/core/security_token.h"

namespace stoa::core::testing {
namespace {

constexpr uint64_t kDay = 24 * 3600;
constexpr uint8_t kRegCf = 4;     // a year's holding period from issuance
constexpr uint8_t kRegAPlus = 3;  // no holding period
constexpr uint8_t kIssued = static_cast<uint8_t>(LotKind::kIssuance);
constexpr uint8_t kBought = static_cast<uint8_t>(LotKind::kTransfer);

class LotsTest : public LedgerTest {
 protected:
  const SecurityToken& token(const SecuritySet& s) const {
    return *state_.contract_as<SecurityToken>(s.token);
  }
  std::vector<SecurityToken::LotView> lots(const SecuritySet& s, std::string_view who) const {
    return token(s).lots_of(addr(who), 0, SecurityToken::kMaxLotsPage);
  }
  // The lots sum to the balance (the invariant the scenario runner checks after every call).
  void expect_lots_sum(const SecuritySet& s, std::string_view who) const {
    U256 sum;
    for (const auto& l : lots(s, who))
      sum = *sum.checked_add(l.quantity);
    EXPECT_EQ(sum, token(s).balance_of(addr(who))) << who;
  }
  CallResult transfer(const SecuritySet& s, std::string_view from, std::string_view to,
                      uint64_t amount) {
    return call(addr(from), s.token, "transfer(address,uint256)", {addr(to), amount});
  }
  const LockupModule& lockup(const SecuritySet& s) const {
    return *state_.contract_as<LockupModule>(s.lockup_module);
  }
};

TEST_F(LotsTest, EveryCreditIsALotAndDebitsAreFifo) {
  const SecuritySet s = create("LOTA", kRegAPlus);
  for (const char* who : {"alice", "bob"})
    onboard(s, who, "GB", 0);
  const uint64_t t0 = block_.timestamp;
  mint(s, "alice", 100);
  mint(s, "alice", 20);  // same block time, kind and minter: the same lot
  advance(10 * kDay);
  const uint64_t t1 = block_.timestamp;
  mint(s, "alice", 50);
  auto a = lots(s, "alice");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].acquired, t0);
  EXPECT_EQ(a[0].kind, kIssued);
  EXPECT_EQ(a[0].source, addr("issuer"));
  EXPECT_EQ(a[0].quantity, U256(120));
  EXPECT_EQ(a[1].acquired, t1);
  advance(kDay);
  expect_ok(transfer(s, "alice", "bob", 130));  // all of the oldest lot, then 10 of the next
  a = lots(s, "alice");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].acquired, t1);
  EXPECT_EQ(a[0].quantity, U256(40));
  const auto b = lots(s, "bob");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].acquired, block_.timestamp);  // a sale starts a new lot at the receiver
  EXPECT_EQ(b[0].kind, kBought);
  EXPECT_EQ(b[0].origin, kBought);
  EXPECT_EQ(b[0].source, addr("alice"));
  EXPECT_EQ(b[0].quantity, U256(130));
  expect_ok(call(addr("issuer"), s.token, "burn(address,uint256)", {addr("bob"), 30}));
  EXPECT_EQ(lots(s, "bob")[0].quantity, U256(100));
  expect_lots_sum(s, "alice");
  expect_lots_sum(s, "bob");
  // Paging: from index 1 of alice's one lot, nothing.
  EXPECT_TRUE(token(s).lots_of(addr("alice"), 1, 10).empty());
}

// Shares issued before rules version 5 have no lots: one unrecorded lot (kind 0) per partition,
// the oldest, consumed first.
TEST_F(LotsTest, SharesFromBeforeVersionFiveAreUnrecordedAndGoFirst) {
  block_.rules = Rules::kV4;
  const SecuritySet s = create("LOTU", kRegAPlus);
  for (const char* who : {"alice", "bob"})
    onboard(s, who, "GB", 0);
  mint(s, "alice", 100);
  EXPECT_FALSE(token(s).has_lots());
  block_.rules = Rules::kV5;
  advance(kDay);
  mint(s, "alice", 10);
  auto a = lots(s, "alice");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].kind, 0);
  EXPECT_EQ(a[0].acquired, 0u);
  EXPECT_EQ(a[0].quantity, U256(100));
  EXPECT_EQ(a[1].kind, kIssued);
  expect_ok(transfer(s, "alice", "bob", 105));
  a = lots(s, "alice");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, kIssued);
  EXPECT_EQ(a[0].quantity, U256(5));
  expect_lots_sum(s, "bob");
}

// Rules version 4: every issuance extends the wallet's single expiry, re-locking shares already
// free. Version 5: the holding period runs per issued lot.
TEST_F(LotsTest, HoldingPeriodPerWalletBeforeVersionFivePerLotFrom) {
  const SecuritySet s = create("LOTH", kRegCf);
  for (const char* who : {"alice", "bob", "carol"})
    onboard(s, who, "GB", 0);
  block_.rules = Rules::kV4;
  mint(s, "alice", 100);
  block_.rules = Rules::kV5;
  mint(s, "bob", 100);
  advance(366 * kDay);
  block_.rules = Rules::kV4;
  mint(s, "alice", 10);  // re-locks all of alice's 110
  block_.rules = Rules::kV5;
  mint(s, "bob", 10);  // locks these 10 only
  expect_restricted(transfer(s, "alice", "carol", 1), code::kSenderLockupActive);
  EXPECT_EQ(lockup(s).locked_balance(addr("alice"), block_.timestamp), U256(110));
  EXPECT_EQ(lockup(s).locked_balance(addr("bob"), block_.timestamp), U256(10));
  EXPECT_EQ(lockup(s).lockup_expiry(addr("bob")), block_.timestamp + 365 * kDay);
  expect_restricted(transfer(s, "bob", "carol", 101), code::kSenderLockupActive);
  expect_ok(transfer(s, "bob", "carol", 100));  // the free lot; the locked one stays
  EXPECT_EQ(lockup(s).locked_balance(addr("bob"), block_.timestamp), U256(10));
  expect_restricted(transfer(s, "bob", "carol", 1), code::kSenderLockupActive);
  advance(365 * kDay);
  expect_ok(transfer(s, "bob", "carol", 10));
  expect_ok(transfer(s, "alice", "carol", 110));
  EXPECT_EQ(token(s).explain(addr("carol"), addr("bob"), U256(1), block_.timestamp).max_amount,
            U256(220));
}

// A free lot newer than a locked one is taken first: the lock cannot be laundered through FIFO.
TEST_F(LotsTest, LotsUnderAHoldingPeriodAreTakenLast) {
  const SecuritySet s = create("LOTL", kRegCf);
  for (const char* who : {"alice", "bob", "carol"})
    onboard(s, who, "GB", 0);
  mint(s, "bob", 50);
  advance(366 * kDay);
  mint(s, "alice", 100);  // locked for a year
  advance(kDay);
  expect_ok(transfer(s, "bob", "alice", 50));  // bought: free
  expect_ok(transfer(s, "alice", "carol", 50));
  EXPECT_EQ(lockup(s).locked_balance(addr("alice"), block_.timestamp), U256(100));
  const auto a = lots(s, "alice");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, kIssued);
  expect_restricted(transfer(s, "alice", "carol", 1), code::kSenderLockupActive);
  // The agent's forced transfer takes free lots first too, then locked ones, which tack.
  expect_ok(call(addr("issuer"), s.token, "addAgent(address)", {addr("agent")}));
  expect_ok(call(addr("agent"), s.token, "forcedTransfer(address,address,uint256,string,bytes32)",
                 {addr("alice"), addr("bob"), 60, std::string("court order"),
                  abi::Value::bytes32(keccak256(std::string_view("order")))}));
  const auto b = lots(s, "bob");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].kind, static_cast<uint8_t>(LotKind::kForced));
  EXPECT_EQ(b[0].origin, kIssued);
  EXPECT_EQ(b[0].acquired, a[0].acquired);
  EXPECT_EQ(lockup(s).locked_balance(addr("bob"), block_.timestamp), U256(60));
  expect_restricted(transfer(s, "bob", "carol", 1), code::kSenderLockupActive);
  expect_lots_sum(s, "alice");
  expect_lots_sum(s, "bob");
  expect_lots_sum(s, "carol");
}

// A gift tacks (Rule 144(d)(3)(v)): the receiver's lot keeps the giver's date and origin, so the
// holding period still runs from the issuance; a gift is checked as a transfer.
TEST_F(LotsTest, GiftsTackAndAreCheckedAsTransfers) {
  const SecuritySet s = create("LOTG", kRegCf);
  for (const char* who : {"alice", "bob"})
    onboard(s, who, "GB", 0);
  const uint64_t t0 = block_.timestamp;
  mint(s, "alice", 100);
  expect_restricted(call(addr("alice"), s.token, "gift(address,uint256)", {addr("bob"), 10}),
                    code::kSenderLockupActive);
  advance(200 * kDay);
  expect_ok(call(addr("issuer"), s.lockup_module, "setHoldingPeriod(uint256)", {U256(300 * kDay)}));
  expect_restricted(call(addr("alice"), s.token, "gift(address,uint256)", {addr("bob"), 10}),
                    code::kSenderLockupActive);
  expect_ok(call(addr("issuer"), s.lockup_module, "setHoldingPeriod(uint256)", {U256(100 * kDay)}));
  expect_ok(call(addr("alice"), s.token, "gift(address,uint256)", {addr("bob"), 10}));
  const auto b = lots(s, "bob");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].acquired, t0);
  EXPECT_EQ(b[0].kind, static_cast<uint8_t>(LotKind::kGift));
  EXPECT_EQ(b[0].origin, kIssued);
  EXPECT_EQ(b[0].source, addr("alice"));
  expect_ok(call(addr("issuer"), s.lockup_module, "setHoldingPeriod(uint256)", {U256(300 * kDay)}));
  expect_restricted(transfer(s, "bob", "alice", 1), code::kSenderLockupActive);  // tacked: locked
  expect_revert(call(addr("alice"), s.token, "gift(address,uint256)", {Address{}, 1}),
                ErrorId::kERC20InvalidReceiver, {Address{}});
}

// Found by the simulator (a gift "by" the zero address answered TransferRestricted(1) where a
// transfer answers ERC20InvalidSender): a gift refuses a zero sender as transfer does.
TEST_F(LotsTest, GiftFromTheZeroAddressIsAnInvalidSenderAsForTransfer) {
  const SecuritySet s = create("LOTZ", kRegCf);
  expect_revert(call(Address{}, s.token, "gift(address,uint256)", {addr("bob"), 1}),
                ErrorId::kERC20InvalidSender, {Address{}});
  expect_revert(call(Address{}, s.token, "transfer(address,uint256)", {addr("bob"), 1}),
                ErrorId::kERC20InvalidSender, {Address{}});
}

// Recovery is the same investor's new wallet: its lots move as they were (kind recovery, dates
// and origins kept), so the per-lot holding periods move with them.
TEST_F(LotsTest, RecoveryCarriesLotsAndTheirHoldingPeriods) {
  const SecuritySet s = create("LOTR", kRegCf);
  expect_ok(call(addr("issuer"), s.token, "addAgent(address)", {addr("agent")}));
  for (const char* who : {"alice", "alice2", "bob"})
    onboard(s, who, "GB", 0);
  const uint64_t t0 = block_.timestamp;
  mint(s, "alice", 100);
  advance(366 * kDay);
  mint(s, "alice", 10);
  auto* f = state_.contract_as<IdentityFactory>(identity_factory_address());
  expect_ok(call(addr("operator"), identity_factory_address(), "createIdentity(address)",
                 {addr("alice")}));
  expect_ok(call(addr("alice"), f->identity_of(addr("alice")), "addKey(bytes32,uint256,uint256)",
                 {abi::Value::bytes32(key_of(addr("alice2"))), 1, 1}));
  expect_ok(call(addr("agent"), s.token, "recoveryAddress(address,address,address)",
                 {addr("alice"), addr("alice2"), f->identity_of(addr("alice"))}));
  const auto a = lots(s, "alice2");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].acquired, t0);
  EXPECT_EQ(a[0].kind, static_cast<uint8_t>(LotKind::kRecovery));
  EXPECT_EQ(a[0].origin, kIssued);
  EXPECT_EQ(a[0].quantity, U256(100));
  EXPECT_EQ(a[1].quantity, U256(10));
  EXPECT_TRUE(lots(s, "alice").empty());
  EXPECT_EQ(lockup(s).locked_balance(addr("alice2"), block_.timestamp), U256(10));
  expect_ok(transfer(s, "alice2", "bob", 100));
  expect_restricted(transfer(s, "alice2", "bob", 1), code::kSenderLockupActive);
}

// The agent's change of partition moves the holder's own lots as they are, unrecorded included.
TEST_F(LotsTest, AChangeOfPartitionKeepsTheLots) {
  block_.rules = Rules::kV4;
  const SecuritySet s = create("LOTP", kRegAPlus);
  onboard(s, "alice", "GB", 0);
  mint(s, "alice", 30);
  block_.rules = Rules::kV5;
  advance(kDay);
  const uint64_t t1 = block_.timestamp;
  mint(s, "alice", 70);
  expect_ok(call(addr("issuer"), s.token, "addAgent(address)", {addr("agent")}));
  Bytes data(64, 0xff);
  const Bytes32 b = keccak256(std::string_view("CLASS_B"));
  std::copy(b.b.begin(), b.b.end(), data.begin() + 32);
  advance(kDay);
  expect_ok(
      call(addr("agent"), s.token,
           "operatorTransferByPartition(bytes32,address,address,uint256,bytes,bytes)",
           {abi::Value::bytes32(Bytes32{}), addr("alice"), addr("alice"), 50, data, Bytes{}}));
  const auto a = lots(s, "alice");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].partition, Bytes32{});  // default: 50 of the issued lot
  EXPECT_EQ(a[0].kind, kIssued);
  EXPECT_EQ(a[0].quantity, U256(50));
  EXPECT_EQ(a[1].partition, b);  // CLASS_B: the 30 unrecorded, then 20 of the issued lot
  EXPECT_EQ(a[1].kind, 0);
  EXPECT_EQ(a[1].quantity, U256(30));
  EXPECT_EQ(a[2].acquired, t1);
  EXPECT_EQ(a[2].kind, kIssued);
  EXPECT_EQ(a[2].quantity, U256(20));
  expect_lots_sum(s, "alice");
}

// Rules version 5: lotsOf, gift and lockedBalanceOf did not exist before (their selectors were
// unknown), and no lot was recorded.
TEST_F(LotsTest, LotMethodsExistOnlyFromRulesVersionFive) {
  const SecuritySet s = create("LOTV", kRegAPlus);
  onboard(s, "alice", "GB", 0);
  onboard(s, "bob", "GB", 0);
  block_.rules = Rules::kV4;
  mint(s, "alice", 10);
  EXPECT_FALSE(token(s).has_lots());
  expect_message(call(addr("alice"), s.token, "gift(address,uint256)", {addr("bob"), 1}),
                 "unknown function selector");
  expect_message(
      call(addr("alice"), s.token, "lotsOf(address,uint256,uint256)", {addr("alice"), 0, 10}),
      "unknown function selector");
  expect_message(call(addr("alice"), s.lockup_module, "lockedBalanceOf(address)", {addr("alice")}),
                 "unknown function selector");
  block_.rules = Rules::kV5;
  expect_ok(call(addr("alice"), s.token, "gift(address,uint256)", {addr("bob"), 1}));
  const CallResult r =
      call(addr("alice"), s.token, "lotsOf(address,uint256,uint256)", {addr("bob"), 0, 10});
  ASSERT_TRUE(r.success);
  // One tuple (bytes32, uint64, uint8, uint8, address, uint256) in a dynamic array: the offset,
  // the length 1, then six words; the quantity is the last.
  ASSERT_EQ(r.output.size(), 8u * 32u);
  EXPECT_EQ(U256::from_be(BytesView(r.output).subspan(32, 32)), U256(1));
  EXPECT_EQ(U256::from_be(BytesView(r.output).subspan(7 * 32, 32)), U256(1));
  // A gift of shares held before version 5: kind gift (5), origin and date unrecorded (0).
  EXPECT_EQ(U256::from_be(BytesView(r.output).subspan(4 * 32, 32)), U256(5));
  EXPECT_EQ(U256::from_be(BytesView(r.output).subspan(5 * 32, 32)), U256(0));
  EXPECT_TRUE(
      call(addr("alice"), s.lockup_module, "lockedBalanceOf(address)", {addr("alice")}).success);
}

}  // namespace
}  // namespace stoa::core::testing
