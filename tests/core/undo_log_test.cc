// UndoLog savepoints (include/stoa/core/undo_log.h; State::nested_call): rolling back to a
// savepoint undoes exactly the writes made after it, in every container kind — those written
// before it keep their earlier writes, those first written after it lose all — savepoints nest,
// and the call can still commit or roll back as a whole afterwards.
#include <gtest/gtest.h>

#include <vector>

#include "stoa/core/ordered_map.h"
#include "stoa/core/undo_log.h"

namespace stoa::core {
namespace {

struct Containers {
  explicit Containers(UndoLog* j)
      : map(j, Slot{0}), value(j, Slot{1}), ordered(j, Slot{2}), vec(j, Slot{3}) {}
  JMap<uint64_t, uint64_t> map;
  JValue<uint64_t> value;
  JOrderedMap<uint64_t, uint64_t> ordered;
  JVector<uint64_t> vec;
  std::vector<uint64_t> snapshot() const {
    std::vector<uint64_t> s = {map.get(1),     map.get(2),     value.get(),
                               ordered.get(1), ordered.get(2), vec.size()};
    for (size_t i = 0; i < vec.size(); ++i)
      s.push_back(vec[i]);
    return s;
  }
  void write(uint64_t x) {
    map.set(1, x);
    map.set(2, x + 1);
    value.set(x);
    ordered.set(1, x);
    ordered.set(2, x + 1);
    vec.push_back(x);
  }
};

TEST(UndoLogTest, ARollbackToASavepointUndoesOnlyTheWritesAfterIt) {
  UndoLog j;
  Containers c(&j);
  c.write(1);  // outside any call: permanent
  const auto genesis = c.snapshot();
  j.begin();
  c.map.set(1, 10);  // only some containers are written before the savepoint
  c.value.set(10);
  const auto before = c.snapshot();
  UndoLog::Savepoint outer = j.savepoint();
  c.write(20);
  const auto middle = c.snapshot();
  UndoLog::Savepoint inner = j.savepoint();
  c.write(30);
  c.write(31);
  j.rollback_to(inner);
  EXPECT_EQ(c.snapshot(), middle);
  c.write(40);  // written again after the rollback: undone by the next one too
  j.rollback_to(outer);
  EXPECT_EQ(c.snapshot(), before);
  c.write(50);
  const auto kept = c.snapshot();
  j.commit();
  EXPECT_EQ(c.snapshot(), kept);
  // A released savepoint (nothing rolled back) and then a rollback of the whole call.
  j.begin();
  UndoLog::Savepoint sp = j.savepoint();
  c.write(60);
  (void)sp;
  j.rollback();
  EXPECT_EQ(c.snapshot(), kept);
  EXPECT_NE(kept, genesis);
}

}  // namespace
}  // namespace stoa::core
