// The journaled ordered map (include/stoa/core/ordered_map.h) against std::map as the reference
// model under seeded random writes with random reverts; its block delta and canonical encoding
// (byte for byte JMap's, so a JMap can become one without changing any root); JVector, which
// encodes as the JValue<std::vector> it replaces; indexes, which revert but are not state.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "stoa/core/bytes_sink.h"
#include "stoa/core/ordered_map.h"

namespace stoa::core {
namespace {

Address addr(uint64_t n) {
  Address a;
  for (int i = 0; i < 8; ++i)
    a.b[19 - i] = static_cast<uint8_t>(n >> (8 * i));
  a.b[0] = static_cast<uint8_t>(n * 37);  // spread over the first byte too
  return a;
}

template <typename C>
Bytes content(const C& c) {
  BytesSink sink;
  StateEncoder enc(sink);
  c.encode_content(enc);
  return sink.out;
}

using Model = std::map<uint64_t, uint64_t>;

void expect_same(const JOrderedMap<uint64_t, uint64_t>& m, const Model& ref, std::mt19937_64& rng) {
  ASSERT_EQ(m.size(), ref.size());
  auto it = m.begin();
  for (const auto& [k, v] : ref) {
    ASSERT_NE(it, m.end());
    EXPECT_EQ(it->first, k);
    EXPECT_EQ(it->second, v);
    ++it;
  }
  EXPECT_EQ(it, m.end());
  for (int q = 0; q < 20; ++q) {
    const uint64_t k = rng() % 1200;
    EXPECT_EQ(m.get(k), ref.contains(k) ? ref.at(k) : 0u);
    auto lb = m.lower_bound(k);
    auto rlb = ref.lower_bound(k);
    EXPECT_EQ(lb == m.end(), rlb == ref.end());
    if (rlb != ref.end() && lb != m.end()) {
      EXPECT_EQ(lb->first, rlb->first);
    }
    auto ub = m.upper_bound(k);
    auto rub = ref.upper_bound(k);
    EXPECT_EQ(ub == m.end(), rub == ref.end());
    if (rub != ref.end() && ub != m.end()) {
      EXPECT_EQ(ub->first, rub->first);
    }
    const uint64_t hi = k + rng() % 200;
    std::vector<uint64_t> got;
    m.for_each_in(k, hi, [&](uint64_t key, uint64_t) {
      got.push_back(key);
      return true;
    });
    std::vector<uint64_t> want;
    for (auto r = ref.lower_bound(k); r != ref.end() && r->first < hi; ++r)
      want.push_back(r->first);
    EXPECT_EQ(got, want);
  }
}

TEST(OrderedMapTest, MatchesStdMapUnderRandomWritesAndReverts) {
  for (uint64_t seed : {1u, 2u, 3u, 42u}) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    UndoLog j;
    JOrderedMap<uint64_t, uint64_t> m(&j, Slot{0});
    Model ref;
    for (int call = 0; call < 400; ++call) {
      const Model before = ref;
      j.begin();
      const int writes = 1 + static_cast<int>(rng() % 12);
      for (int w = 0; w < writes; ++w) {
        const uint64_t k = rng() % 1000;
        const uint64_t v = rng() % 4 == 0 ? 0 : rng() % 1000;  // a quarter erase
        m.set(k, v);
        if (v == 0) {
          ref.erase(k);
        } else {
          ref[k] = v;
        }
      }
      if (rng() % 3 == 0) {
        j.rollback();
        ref = before;
      } else {
        j.commit();
      }
      expect_same(m, ref, rng);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(OrderedMapTest, EncodesAsJMapDoes) {
  UndoLog j;
  JMap<Address, U256, AddressHash> hashed(&j, Slot{0});
  JOrderedMap<Address, U256> ordered(&j, Slot{1});
  std::mt19937_64 rng(7);
  for (int i = 0; i < 500; ++i) {
    const Address a = addr(rng() % 300);
    const U256 v(rng() % 5);
    hashed.set(a, v);
    ordered.set(a, v);
  }
  EXPECT_GT(ordered.size(), 100u);
  EXPECT_EQ(content(ordered), content(hashed));
}

TEST(OrderedMapTest, BlockDeltaIsTheCommittedKeysInOrderAsJMapsIs) {
  UndoLog j;
  JMap<Address, uint64_t, AddressHash> hashed(&j, Slot{0});
  JOrderedMap<Address, uint64_t> ordered(&j, Slot{1});
  j.set_block_tracking(true);
  j.begin();
  for (uint64_t k : {5u, 3u, 9u, 3u}) {
    hashed.set(addr(k), k * 10);
    ordered.set(addr(k), k * 10);
  }
  j.commit();
  j.begin();
  hashed.set(addr(4), 1);  // reverted: in neither delta
  ordered.set(addr(4), 1);
  j.rollback();
  j.begin();
  hashed.set(addr(9), 0);  // erased: named absent
  ordered.set(addr(9), 0);
  j.commit();
  std::vector<Undoable*> written = j.take_block_written();
  ASSERT_EQ(written.size(), 2u);
  BytesSink a;
  BytesSink b;
  StateEncoder ea(a);
  StateEncoder eb(b);
  written[0]->encode_block_delta(ea);
  written[1]->encode_block_delta(eb);
  EXPECT_EQ(b.out, a.out);
  // count 3; keys ascending by address bytes; 9 absent.
  BytesSink want;
  StateEncoder ew(want);
  std::vector<uint64_t> keys = {3, 5, 9};
  std::sort(keys.begin(), keys.end(), [](uint64_t x, uint64_t y) { return addr(x) < addr(y); });
  ew.u64(3);
  for (uint64_t k : keys) {
    ew.address(addr(k));
    if (k == 9) {
      ew.u8(0);
    } else {
      ew.u8(1);
      ew.u64(k * 10);
    }
  }
  EXPECT_EQ(b.out, want.out);
  EXPECT_TRUE(j.take_block_written().empty());  // taken: the next block starts empty
}

TEST(OrderedMapTest, AnIndexRevertsButIsInNoDeltaAndNotLive) {
  UndoLog j;
  j.set_block_tracking(true);
  JOrderedMap<std::string, uint64_t> index(&j, kIndex);
  EXPECT_TRUE(j.live().empty());
  j.begin();
  index.set("ACME", 1);
  j.rollback();
  EXPECT_FALSE(index.contains("ACME"));
  j.begin();
  index.set("ACME", 1);
  j.commit();
  EXPECT_EQ(index.get("ACME"), 1u);
  EXPECT_TRUE(j.block_written_empty());
}

TEST(OrderedMapTest, JVectorEncodesAndDeltasAsTheJValueOfAVectorItReplaces) {
  UndoLog j;
  j.set_block_tracking(true);
  JValue<std::vector<uint64_t>> old_list(&j, Slot{0});
  JVector<uint64_t> list(&j, Slot{1});
  for (uint64_t round = 0; round < 3; ++round) {
    j.begin();
    auto v = old_list.get();
    v.push_back(round * 7);
    old_list.set(std::move(v));
    list.push_back(round * 7);
    j.commit();
    std::vector<Undoable*> written = j.take_block_written();
    ASSERT_EQ(written.size(), 2u);
    BytesSink a;
    BytesSink b;
    StateEncoder ea(a);
    StateEncoder eb(b);
    written[0]->encode_block_delta(ea);
    written[1]->encode_block_delta(eb);
    EXPECT_EQ(b.out, a.out);
  }
  EXPECT_EQ(content(list), content(old_list));
  // A revert drops what the call appended, and names nothing.
  j.begin();
  list.push_back(1);
  list.push_back(2);
  j.rollback();
  EXPECT_EQ(list.items(), (std::vector<uint64_t>{0, 7, 14}));
  EXPECT_TRUE(j.block_written_empty());
}

}  // namespace
}  // namespace stoa::core
