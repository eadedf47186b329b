// Block deltas (docs/journal-format.md, "State root"): what a block wrote, named by container
// slot, is what the chained state root hashes. These tests pin what goes in (committed writes,
// nonce bumps outside calls, created contracts), what stays out (reverted calls, eth_call), the
// canonical order (keys sorted and unique), and that the completeness check catches a write the
// delta does not name.
#include <gtest/gtest.h>

#include "stoa/core/bytes_sink.h"
#include "stoa/core/state.h"
#include "stoa/core/undo_log.h"

namespace stoa::core::testing {
namespace {

Address a(uint8_t n) {
  Address x;
  x.b[19] = n;
  return x;
}

// A bare journal with two maps in the root scope: slots 0 and 1 of owner zero.
struct Bare {
  UndoLog j;
  JMap<Address, uint64_t, AddressHash> m{&j, Slot{0}};
  JValue<uint64_t> v{&j, Slot{1}};
  Bare() { j.set_block_tracking(true); }
  std::vector<SlotId> take(Bytes* bytes) {
    std::vector<SlotId> slots;
    BytesSink sink;
    StateEncoder enc(sink);
    for (Undoable* u : j.take_block_written()) {
      slots.push_back(u->slot());
      u->encode_block_delta(enc);
    }
    if (bytes != nullptr) *bytes = sink.out;
    return slots;
  }
};

TEST(BlockDeltaTest, ContainersHaveTheSlotTheyDeclare) {
  Bare b;
  EXPECT_EQ(b.m.slot(), (SlotId{Address{}, 0}));
  EXPECT_EQ(b.v.slot(), (SlotId{Address{}, 1}));
  b.j.push_owner(a(9));
  JValue<bool> inner(&b.j, Slot{7});  // not construction order: the declared number
  JValue<bool> first(&b.j, Slot{0});
  b.j.pop_owner();
  EXPECT_EQ(inner.slot(), (SlotId{a(9), 7}));
  EXPECT_EQ(first.slot(), (SlotId{a(9), 0}));
}

// Two containers of one contract with one slot number would merge their delta entries.
TEST(BlockDeltaTest, TwoContainersWithOneSlotInOneContractAreRefused) {
  EXPECT_DEATH(
      {
        UndoLog j;
        j.push_owner(a(9));
        JValue<bool> x(&j, Slot{3});
        JValue<bool> y(&j, Slot{3});
      },
      "invariant violated");
}

TEST(BlockDeltaTest, CommittedWritesAreInTheDeltaRevertedOnesAreNot) {
  Bare b;
  b.j.begin();
  b.j.touch(&b.m);  // (set() touches; shown for clarity)
  b.m.set(a(2), 20);
  b.m.set(a(1), 10);
  b.m.set(a(2), 21);  // written twice: named once, with its value now
  b.j.commit();
  b.j.begin();
  b.m.set(a(3), 30);  // reverted: not in the delta
  b.v.set(7);
  b.j.rollback();
  Bytes bytes;
  const std::vector<SlotId> slots = b.take(&bytes);
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0], b.m.slot());
  // u64 count 2, then a(1) present 10, a(2) present 21: keys ascending.
  BytesSink want;
  StateEncoder e(want);
  e.u64(2);
  e.address(a(1));
  e.u8(1);
  e.u64(10);
  e.address(a(2));
  e.u8(1);
  e.u64(21);
  EXPECT_EQ(bytes, want.out);
  // Taken: the next block starts empty.
  EXPECT_TRUE(b.take(nullptr).empty());
}

TEST(BlockDeltaTest, ErasedKeysAreNamedAbsent) {
  Bare b;
  b.m.set(a(4), 1);  // outside any call, tracking on: in the delta (as account nonces are)
  (void)b.take(nullptr);
  b.j.begin();
  b.m.set(a(4), 0);  // storing the default erases
  b.j.commit();
  Bytes bytes;
  ASSERT_EQ(b.take(&bytes).size(), 1u);
  BytesSink want;
  StateEncoder e(want);
  e.u64(1);
  e.address(a(4));
  e.u8(0);
  EXPECT_EQ(bytes, want.out);
}

TEST(BlockDeltaTest, NothingIsKeptWhenTrackingIsOff) {
  Bare b;
  b.j.set_block_tracking(false);
  b.j.begin();
  b.m.set(a(1), 1);
  b.v.set(1);
  b.j.commit();
  EXPECT_TRUE(b.j.block_written_empty());
}

TEST(BlockDeltaTest, SimulatedCallsLeaveNoDelta) {
  State s(GenesisConfig{1337, a(1), false});
  s.set_block_tracking(true);
  ASSERT_TRUE(s.block_delta_empty());
  (void)s.simulate(a(1), factory_address(), Bytes{0, 0, 0, 0}, BlockContext{1, 1});
  EXPECT_TRUE(s.block_delta_empty());
  s.increment_account_nonce(a(5));
  EXPECT_FALSE(s.block_delta_empty());
}

// The check the simulator and the scenario runner apply after every block can fail: a write made
// while tracking is off stands for a path that forgot to file its write.
TEST(BlockDeltaTest, TheCompletenessCheckCatchesAnUnnamedWrite) {
  State s(GenesisConfig{1337, a(1), false});
  s.set_block_tracking(true);
  const ContainerFingerprints before = s.container_fingerprints();
  s.set_block_tracking(false);
  s.increment_account_nonce(a(5));
  s.set_block_tracking(true);
  BlockDeltaInfo taken;
  (void)s.take_block_delta_digest(&taken);
  const std::string problem =
      State::check_block_delta_complete(before, s.container_fingerprints(), taken);
  EXPECT_NE(problem.find("changed but the block delta does not name it"), std::string::npos)
      << problem;
  // Filed normally, the same write passes.
  const ContainerFingerprints before2 = s.container_fingerprints();
  s.increment_account_nonce(a(5));
  (void)s.take_block_delta_digest(&taken);
  EXPECT_EQ(State::check_block_delta_complete(before2, s.container_fingerprints(), taken), "");
}

TEST(BlockDeltaTest, TheDeltaDigestDependsOnEveryWrittenValue) {
  State x(GenesisConfig{1337, a(1), false});
  State y(GenesisConfig{1337, a(1), false});
  x.set_block_tracking(true);
  y.set_block_tracking(true);
  x.increment_account_nonce(a(5));
  y.increment_account_nonce(a(6));
  EXPECT_NE(x.take_block_delta_digest(), y.take_block_delta_digest());
  x.increment_account_nonce(a(7));
  y.increment_account_nonce(a(7));
  EXPECT_EQ(x.take_block_delta_digest(), y.take_block_delta_digest());
}

// The word-wise comparator is Address's own byte order (the canonical order of every encoding).
TEST(BlockDeltaTest, AddressLessIsTheByteOrder) {
  std::vector<Address> v;
  for (int i = 0; i < 200; ++i) {
    Address x;
    for (size_t k = 0; k < 20; ++k)
      x.b[k] = static_cast<uint8_t>((i * 37 + static_cast<int>(k) * 101) % (k % 4 == 0 ? 3 : 256));
    v.push_back(x);
  }
  for (const Address& x : v) {
    for (const Address& y : v)
      ASSERT_EQ(AddressLess{}(x, y), x < y) << x.checksum_hex() << " " << y.checksum_hex();
  }
}

// The bucketed sort of a block's address keys gives the byte order with each key once, as the
// plain sort does: below and above the size where bucketing starts, with keys spread over all
// buckets, crowded into one (the first two bytes equal) or all equal.
TEST(BlockDeltaTest, BucketedAddressSortIsThePlainSort) {
  uint64_t seed = 7;
  auto next = [&] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return seed >> 24;
  };
  for (const size_t n : {0u, 1u, 2u, 4095u, 4096u, 4097u, 60000u}) {
    for (const int shape : {0, 1, 2}) {
      std::vector<Address> keys;
      for (size_t i = 0; i < n; ++i) {
        Address x;
        for (uint8_t& byte : x.b)
          byte = static_cast<uint8_t>(next());
        if (shape == 1) x.b[0] = x.b[1] = 0xaa;              // one bucket
        if (shape == 2) x = a(static_cast<uint8_t>(i % 2));  // two distinct keys
        keys.push_back(x);
        if (i % 5 == 0) keys.push_back(x);  // duplicates, as a block's writes have
      }
      std::vector<Address> plain = keys;
      std::sort(plain.begin(), plain.end());
      plain.erase(std::unique(plain.begin(), plain.end()), plain.end());
      sort_unique_keys(keys);
      EXPECT_EQ(keys, plain) << n << " keys, shape " << shape;
    }
  }
}

}  // namespace
}  // namespace stoa::core::testing
