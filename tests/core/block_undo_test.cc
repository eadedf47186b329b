// Block undo (reads at past blocks, docs/NODE.md "Reads at past blocks"): every journaled
// container keeps, per sealed block, what its writes replaced; unwinding blocks newest first puts
// back each earlier content exactly, and rewinding puts back the head's, records included (so
// the same blocks unwind again). Covers each container kind, writes inside committed calls and
// outside any call, reverted calls (which leave no record), indexes, and the State's window.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "stoa/core/bytes_sink.h"
#include "stoa/core/ordered_map.h"
#include "stoa/core/state.h"
#include "stoa/core/undo_log.h"

namespace stoa::core::testing {
namespace {

Address a(uint8_t n) {
  Address x;
  x.b[19] = n;
  return x;
}

// One container of each kind in the root scope, block tracking and block undo on.
struct Bare {
  UndoLog j;
  JMap<Address, uint64_t, AddressHash> map{&j, Slot{0}};
  JValue<uint64_t> value{&j, Slot{1}};
  JVector<uint64_t> vec{&j, Slot{2}};
  JOrderedMap<uint64_t, uint64_t> ordered{&j, Slot{3}};
  JOrderedMap<uint64_t, uint64_t> index{&j, kIndex};
  Bare() {
    j.set_block_tracking(true);
    j.set_block_undo(true);
  }
  // Every container's content (the index's too: a past state must read it as it was).
  Bytes content() const {
    BytesSink sink;
    StateEncoder enc(sink);
    map.encode_content(enc);
    value.encode_content(enc);
    vec.encode_content(enc);
    ordered.encode_content(enc);
    index.encode_content(enc);
    return sink.out;
  }
  // Seals a block: the delta is dropped (BlockDeltaTest covers it), the undo records kept.
  std::vector<std::unique_ptr<BlockUndo>> seal() {
    for (Undoable* u : j.take_block_written())
      u->discard_block_delta();
    return j.take_block_undo();
  }
  void write(uint64_t v) {  // one of everything, key and value derived from v
    map.set(a(static_cast<uint8_t>(v % 5)), v);
    value.set(v);
    vec.push_back(v);
    ordered.set(v % 3, v);
    index.set(v % 4, v);
  }
};

TEST(BlockUndoTest, UnwindingPutsBackEveryEarlierContentAndRewindingTheHead) {
  Bare b;
  std::vector<Bytes> contents{b.content()};  // contents[k]: after k blocks
  std::vector<std::vector<std::unique_ptr<BlockUndo>>> blocks;
  for (uint64_t blk = 1; blk <= 6; ++blk) {
    for (uint64_t t = 0; t < 3; ++t) {  // three transactions, the second reverted
      b.j.begin();
      b.write(blk * 10 + t);
      b.write(blk * 10 + t + 100);  // the same keys written twice in one call
      if (t == 1) {
        b.j.rollback();
      } else {
        b.j.commit();
      }
    }
    b.map.set(a(9), blk);              // outside any call (as account nonces are written)
    if (blk == 4) b.map.set(a(9), 0);  // erased outside a call
    if (blk == 3) {  // a key erased inside a call, a value written back to what it was
      b.j.begin();
      b.map.set(a(0), 0);
      b.ordered.set(0, 0);
      b.value.set(b.value.get());
      b.j.commit();
    }
    blocks.push_back(b.seal());
    contents.push_back(b.content());
  }
  const Bytes head = b.content();
  for (size_t k = 0; k <= blocks.size(); ++k) {
    for (size_t i = 0; i < k; ++i) {  // the newest k blocks, newest first
      for (auto& u : blocks[blocks.size() - 1 - i])
        u->unwind();
    }
    EXPECT_EQ(b.content(), contents[blocks.size() - k]) << k << " blocks back";
    for (size_t i = k; i > 0; --i) {  // oldest first
      for (auto& u : blocks[blocks.size() - i])
        u->rewind();
    }
    EXPECT_EQ(b.content(), head) << "after rewinding " << k << " blocks";
  }
}

TEST(BlockUndoTest, NothingIsKeptWhenBlockUndoIsOff) {
  Bare b;
  b.j.set_block_undo(false);
  b.j.begin();
  b.write(1);
  b.j.commit();
  b.map.set(a(1), 5);
  EXPECT_TRUE(b.j.block_undo_empty());
  EXPECT_TRUE(b.seal().empty());
}

TEST(BlockUndoTest, ARevertedCallAndAnEmptyBlockKeepNoRecord) {
  Bare b;
  b.j.begin();
  b.write(7);
  b.j.rollback();
  EXPECT_TRUE(b.j.block_undo_empty());
  EXPECT_TRUE(b.seal().empty());
}

// The State's window: blocks filed by seal_block_undo, the oldest dropped beyond the window (in
// blocks or in bytes). (Contracts created in a block: tests/chain/past_read_test.cc.)
struct Chainlet {
  State s{GenesisConfig{1337, a(1), false}};
  std::vector<Bytes32> digests;  // digests[k]: after k blocks
  explicit Chainlet(size_t window, size_t max_bytes = SIZE_MAX) {
    s.set_block_tracking(true);
    s.set_past_window(window, max_bytes);
    digests.push_back(s.digest());
  }
  void block(uint8_t sender) {
    s.increment_account_nonce(a(sender));
    KeccakSink sink;
    (void)s.take_block_delta(sink);
    s.seal_block_undo();
    digests.push_back(s.digest());
  }
};

TEST(BlockUndoTest, TheStateKeepsTheNewestBlocksOfItsWindow) {
  Chainlet c(4);
  for (uint8_t i = 0; i < 10; ++i)
    c.block(static_cast<uint8_t>(2 + i % 3));
  EXPECT_EQ(c.s.past_depth(), 4u);
  EXPECT_GT(c.s.past_bytes(), 0u);
  for (size_t k = 0; k <= 4; ++k) {
    c.s.unwind_past(k);
    EXPECT_EQ(c.s.digest(), c.digests[10 - k]) << k;
    c.s.rewind_past();
    EXPECT_EQ(c.s.digest(), c.digests[10]) << k;
  }
  EXPECT_DEATH(c.s.unwind_past(5), "invariant violated");  // beyond the window
  // A byte cap smaller than one block keeps none; turning the window off forgets everything.
  c.s.set_past_window(4, 1);
  EXPECT_EQ(c.s.past_depth(), 0u);
  EXPECT_EQ(c.s.past_bytes(), 0u);
  c.s.set_past_window(4, SIZE_MAX);
  c.block(2);
  EXPECT_EQ(c.s.past_depth(), 1u);
  c.s.set_past_window(0, SIZE_MAX);
  EXPECT_EQ(c.s.past_depth(), 0u);
  c.block(2);
  EXPECT_EQ(c.s.past_depth(), 0u);
}

}  // namespace
}  // namespace stoa::core::testing
