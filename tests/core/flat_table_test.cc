// JMap's storage (FlatTable, include/stoa/core/flat_table.h) against std::map as a model: inserts,
// erasures (tombstones and slots freed again), growth in ~1.25x steps that keeps the table 70-87.5%
// full, weak and colliding hashes (long probes, wrap-around past the last slot), values that own
// memory; and JMap over it: erase-on-default, rollback and commit (forget), canonical order.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "stoa/core/flat_table.h"
#include "stoa/core/undo_log.h"
#include "stoa/sim/prng.h"  // the simulator's PRNG (header only)

namespace stoa::core {
namespace {

struct MixHash {  // a good hash (splitmix64's finalizer)
  size_t operator()(uint64_t k) const {
    k = (k ^ (k >> 30)) * 0xbf58476d1ce4e5b9ULL;
    k = (k ^ (k >> 27)) * 0x94d049bb133111ebULL;
    return k ^ (k >> 31);
  }
};
struct WeakHash {  // 13 distinct hashes: long runs of collisions
  size_t operator()(uint64_t k) const { return MixHash{}(k % 13); }
};
struct ConstHash {  // every key has the same hash
  size_t operator()(uint64_t) const { return 0x5a; }
};
struct LastSlotHash {  // every key's home is the last slot: every probe wraps around
  size_t operator()(uint64_t k) const { return ~size_t{0} - (k & 0x7f); }
};

template <typename H>
using Table = FlatTable<uint64_t, uint64_t, H, std::equal_to<uint64_t>>;

template <typename T>
void expect_same(const T& t, const std::map<uint64_t, uint64_t>& model) {
  ASSERT_TRUE(t.consistent());
  ASSERT_EQ(t.size(), model.size());
  for (const auto& [k, v] : model) {
    auto it = t.find(k);
    ASSERT_TRUE(it != t.end()) << k;
    ASSERT_EQ(it->second, v) << k;
  }
  size_t visited = 0;
  for (const auto& kv : t) {
    ++visited;
    auto m = model.find(kv.first);
    ASSERT_TRUE(m != model.end()) << kv.first;
    ASSERT_EQ(m->second, kv.second);
  }
  ASSERT_EQ(visited, model.size());
}

TEST(FlatTableTest, EmptyTable) {
  Table<MixHash> t;
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.capacity(), 0u);
  EXPECT_TRUE(t.find(7) == t.end());
  EXPECT_FALSE(t.contains(7));
  EXPECT_EQ(t.erase(7), 0u);
  t.prefetch(7);
  EXPECT_TRUE(t.begin() == t.end());
  EXPECT_TRUE(t.consistent());
}

TEST(FlatTableTest, InsertFindEraseAssign) {
  Table<MixHash> t;
  EXPECT_TRUE(t.emplace(1, 10).second);
  EXPECT_FALSE(t.emplace(1, 11).second);  // present: unchanged
  EXPECT_EQ(t.find(1)->second, 10u);
  EXPECT_FALSE(t.insert_or_assign(1, 12).second);
  EXPECT_EQ(t.find(1)->second, 12u);
  EXPECT_TRUE(t.insert_or_assign(2, 20).second);
  EXPECT_EQ(t.size(), 2u);
  t.erase(t.find(1));
  EXPECT_FALSE(t.contains(1));
  EXPECT_EQ(t.erase(2), 1u);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_TRUE(t.consistent());
  t.clear();
  EXPECT_EQ(t.capacity(), 0u);
  EXPECT_TRUE(t.emplace(3, 30).second);
  EXPECT_TRUE(t.consistent());
}

// Growth in ~1.25x steps: after every insert the table is at most 7/8 full and, past the first
// few entries, at least 65% full (the memory target depends on it, at every size).
TEST(FlatTableTest, GrowthKeepsTheLoadHigh) {
  Table<MixHash> t;
  std::vector<size_t> capacities;
  for (uint64_t i = 0; i < 300000; ++i) {
    t.emplace(i, i);
    const double load = static_cast<double>(t.size()) / static_cast<double>(t.capacity());
    ASSERT_LE(t.size(), flat::max_fill(t.capacity()));
    if (t.size() >= 16) {
      ASSERT_GE(load, 0.65) << t.size() << " in " << t.capacity();
    }
    if (capacities.empty() || capacities.back() != t.capacity()) capacities.push_back(t.capacity());
  }
  for (size_t i = 1; i < capacities.size(); ++i) {
    if (capacities[i - 1] < 1000) continue;  // small tables: rounding
    const double step = static_cast<double>(capacities[i]) / static_cast<double>(capacities[i - 1]);
    EXPECT_GT(step, 1.2);
    EXPECT_LT(step, 1.3);
  }
  ASSERT_TRUE(t.consistent());
  for (uint64_t i = 0; i < 300000; ++i)
    ASSERT_EQ(t.find(i)->second, i);
  EXPECT_FALSE(t.contains(300000));
}

TEST(FlatTableTest, ReserveAvoidsRehashing) {
  Table<MixHash> t;
  t.reserve(10000);
  const size_t cap = t.capacity();
  EXPECT_GE(flat::max_fill(cap), 10000u);
  for (uint64_t i = 0; i < 10000; ++i)
    t.emplace(i, i);
  EXPECT_EQ(t.capacity(), cap);
  EXPECT_TRUE(t.consistent());
  t.reserve(5);  // never shrinks
  EXPECT_EQ(t.capacity(), cap);
}

// Every key colliding, or every probe starting at the last slot: the probe sequence, the copied
// control bytes at the end and the tombstone rule all matter.
template <typename H>
void random_ops_against_model(uint64_t seed, uint64_t key_space, size_t ops) {
  Table<H> t;
  std::map<uint64_t, uint64_t> model;
  sim::Prng rng{seed};
  for (size_t op = 0; op < ops; ++op) {
    const uint64_t k = rng.below(key_space);
    switch (rng.below(5)) {
      case 0:
      case 1: {
        const uint64_t v = rng.next();
        const bool fresh = model.emplace(k, v).second;
        ASSERT_EQ(t.emplace(k, v).second, fresh);
        break;
      }
      case 2: {
        const uint64_t v = rng.next();
        const bool fresh = !model.contains(k);
        model[k] = v;
        ASSERT_EQ(t.insert_or_assign(k, v).second, fresh);
        break;
      }
      case 3:
        ASSERT_EQ(t.erase(k), model.erase(k));
        break;
      default: {
        auto it = t.find(k);
        auto m = model.find(k);
        ASSERT_EQ(it == t.end(), m == model.end());
        if (m != model.end()) {
          ASSERT_EQ(it->second, m->second);
          it->second = m->second = rng.next();  // writes through the iterator
        }
        break;
      }
    }
    if (op % 9973 == 0) expect_same(t, model);
  }
  expect_same(t, model);
  while (!model.empty()) {  // drain: every erase kind, down to empty
    ASSERT_EQ(t.erase(model.begin()->first), 1u);
    model.erase(model.begin());
  }
  expect_same(t, model);
}

TEST(FlatTableTest, RandomOpsGoodHash) {
  random_ops_against_model<MixHash>(1, 50000, 400000);
  random_ops_against_model<MixHash>(2, 40, 20000);  // small tables, churn
}
TEST(FlatTableTest, RandomOpsWeakHash) {
  random_ops_against_model<WeakHash>(3, 3000, 60000);
}
TEST(FlatTableTest, RandomOpsConstantHash) {
  random_ops_against_model<ConstHash>(4, 400, 20000);
}
TEST(FlatTableTest, RandomOpsEveryProbeWraps) {
  random_ops_against_model<LastSlotHash>(5, 500, 20000);
}

// Erasing and inserting different keys forever (the same size) never fills the table with
// tombstones: it is rebuilt in place when it runs out of empty slots.
TEST(FlatTableTest, ChurnAtConstantSize) {
  Table<MixHash> t;
  for (uint64_t i = 0; i < 1000; ++i)
    t.emplace(i, i);
  size_t max_cap = 0;
  for (uint64_t i = 1000; i < 200000; ++i) {
    ASSERT_EQ(t.erase(i - 1000), 1u);
    t.emplace(i, i);
    max_cap = std::max(max_cap, t.capacity());
  }
  EXPECT_EQ(t.size(), 1000u);
  EXPECT_LE(max_cap, 2000u);
  EXPECT_TRUE(t.consistent());
}

// Values that own memory, counted: rehashing moves them, erase and clear destroy each once.
struct Counted {
  static inline int64_t live = 0;
  std::string s;
  explicit Counted(std::string v = {}) : s(std::move(v)) { ++live; }
  Counted(const Counted& o) : s(o.s) { ++live; }
  Counted(Counted&& o) noexcept : s(std::move(o.s)) { ++live; }
  Counted& operator=(const Counted&) = default;
  Counted& operator=(Counted&&) = default;
  ~Counted() { --live; }
};

TEST(FlatTableTest, OwningValuesAreDestroyedOnce) {
  {
    FlatTable<uint64_t, Counted, MixHash, std::equal_to<uint64_t>> t;
    for (uint64_t i = 0; i < 5000; ++i)
      t.emplace(i, Counted(std::string(40, static_cast<char>('a' + i % 26))));
    EXPECT_EQ(Counted::live, 5000);
    for (uint64_t i = 0; i < 5000; i += 2)
      t.erase(i);
    EXPECT_EQ(Counted::live, 2500);
    EXPECT_EQ(t.find(1)->second.s, std::string(40, 'b'));
    t.clear();
    EXPECT_EQ(Counted::live, 0);
    for (uint64_t i = 0; i < 100; ++i)
      t.emplace(i, Counted("x"));
  }
  EXPECT_EQ(Counted::live, 0);  // the destructor
}

// ---------------------------------------------------------------- JMap over the table

Address key(uint64_t i) {
  Address a;
  for (size_t b = 0; b < 8; ++b)
    a.b[4 + b] = static_cast<uint8_t>(MixHash{}(i) >> (8 * b));
  a.b[19] = static_cast<uint8_t>(i);
  return a;
}

TEST(JMapTest, StoringTheDefaultErases) {
  UndoLog j;
  JMap<Address, uint64_t, AddressHash> m(&j, Slot{0});
  m.set(key(1), 5);
  m.set(key(2), 6);
  EXPECT_EQ(m.size(), 2u);
  m.set(key(1), 0);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_FALSE(m.contains(key(1)));
  EXPECT_EQ(m.get(key(1)), 0u);
  EXPECT_EQ(m.find(key(1)), nullptr);
  m.set(key(3), 0);  // absent stays absent
  EXPECT_EQ(m.size(), 1u);
  ASSERT_NE(m.find(key(2)), nullptr);
  EXPECT_EQ(*m.find(key(2)), 6u);
}

TEST(JMapTest, RollbackRestoresAndCommitKeeps) {
  UndoLog j;
  JMap<Address, uint64_t, AddressHash> m(&j, Slot{0});
  for (uint64_t i = 0; i < 100; ++i)
    m.set(key(i), i + 1);  // genesis: permanent

  j.begin();
  for (uint64_t i = 0; i < 100; i += 2)
    m.set(key(i), 0);  // erase
  for (uint64_t i = 1; i < 100; i += 2)
    m.set(key(i), 1000 + i);  // overwrite, twice
  for (uint64_t i = 1; i < 100; i += 2)
    m.set(key(i), 2000 + i);
  for (uint64_t i = 100; i < 5000; ++i)
    m.set(key(i), i + 1);  // insert (the table grows)
  EXPECT_EQ(m.size(), 50u + 4900u);
  j.rollback();
  ASSERT_EQ(m.size(), 100u);
  for (uint64_t i = 0; i < 100; ++i)
    ASSERT_EQ(m.get(key(i)), i + 1);
  EXPECT_FALSE(m.contains(key(100)));

  j.begin();
  m.set(key(0), 0);
  m.set(key(1), 77);
  m.set(key(500), 9);
  j.commit();
  j.begin();
  m.set(key(1), 78);
  j.rollback();  // only the second call is undone
  EXPECT_FALSE(m.contains(key(0)));
  EXPECT_EQ(m.get(key(1)), 77u);
  EXPECT_EQ(m.get(key(500)), 9u);
  EXPECT_EQ(m.size(), 100u);
}

TEST(JMapTest, SortedKeysAreAscendingAndPrefetchChangesNothing) {
  UndoLog j;
  JMap<Address, uint64_t, AddressHash> m(&j, Slot{0});
  std::map<Address, uint64_t> model;
  for (uint64_t i = 0; i < 3000; ++i) {
    m.set(key(i * 7), i + 1);
    model[key(i * 7)] = i + 1;
  }
  for (uint64_t i = 0; i < 3000; i += 3) {
    m.prefetch(key(i * 7));
    m.prefetch(key(i * 7 + 1));
    m.set(key(i * 7), 0);
    model.erase(key(i * 7));
  }
  std::vector<Address> expected;
  expected.reserve(model.size());
  for (const auto& kv : model)
    expected.push_back(kv.first);
  EXPECT_EQ(m.sorted_keys(), expected);
  std::vector<std::pair<Address, uint64_t>> seen;
  m.for_each_sorted([&](const Address& a, uint64_t v) { seen.emplace_back(a, v); });
  const std::vector<std::pair<Address, uint64_t>> all(model.begin(), model.end());
  EXPECT_EQ(seen, all);
}

// Random calls, each committed or rolled back, against a model that keeps a copy to restore.
TEST(JMapTest, RandomTransactionsAgainstModel) {
  UndoLog j;
  JMap<Address, uint64_t, AddressHash> m(&j, Slot{0});
  std::map<Address, uint64_t> model;
  sim::Prng rng{42};
  for (int call = 0; call < 3000; ++call) {
    const std::map<Address, uint64_t> saved = model;
    j.begin();
    const uint64_t writes = 1 + rng.below(40);
    for (uint64_t w = 0; w < writes; ++w) {
      const Address k = key(rng.below(2000));
      const uint64_t v = rng.below(4) == 0 ? 0 : rng.next();
      m.set(k, v);
      if (v == 0) {
        model.erase(k);
      } else {
        model[k] = v;
      }
    }
    if (rng.below(3) == 0) {
      j.rollback();
      model = saved;
    } else {
      j.commit();
    }
    if (call % 100 == 0 || call == 2999) {
      ASSERT_EQ(m.size(), model.size());
      for (const auto& [k, v] : model)
        ASSERT_EQ(m.get(k), v);
      std::vector<Address> keys;
      keys.reserve(model.size());
      for (const auto& kv : model)
        keys.push_back(kv.first);
      ASSERT_EQ(m.sorted_keys(), keys);
    }
  }
  m.clear();
  EXPECT_EQ(m.size(), 0u);
  EXPECT_TRUE(m.sorted_keys().empty());
}

}  // namespace
}  // namespace stoa::core
