// Rule 17Ad-17 lost securityholders on both back ends: the two search windows, what is due on a
// date, results recorded, the (a)(3) exceptions, bad input refused with nothing written.
#include "stoa/ta/lost_holders.h"

#include <gtest/gtest.h>

#include "backends.h"
#include "stoa/ta/cap_table.h"
#include "stoa/ta/investors.h"
#include "stoa/ta/schema.h"

namespace stoa::ta {
namespace {

using testing::Backend;

TEST(LostHolderDatesTest, MonthsAreCalendarMonthsClampedToTheMonthsEnd) {
  EXPECT_EQ(add_months("2026-01-15", 3), "2026-04-15");
  EXPECT_EQ(add_months("2026-11-30", 3), "2027-02-28");
  EXPECT_EQ(add_months("2027-11-30", 3), "2028-02-29");  // leap year
  EXPECT_EQ(add_months("2026-08-31", 6), "2027-02-28");
  EXPECT_EQ(add_months("2026-12-31", 12), "2027-12-31");
  EXPECT_THROW(add_months("2026-02-30", 1), QueryError);
  const SearchWindow first = first_search_window("2026-01-31");
  EXPECT_EQ(first.from, "2026-04-30");  // three months after becoming lost
  EXPECT_EQ(first.to, "2027-01-31");    // twelve months after
  const SearchWindow second = second_search_window("2026-05-10");
  EXPECT_EQ(second.from, "2026-11-10");  // six months after the first search
  EXPECT_EQ(second.to, "2027-05-10");    // twelve months after it
}

class LostHoldersTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = testing::fresh_db(GetParam());
    migrate(*db_);
    InvestorRecords r(*db_, std::nullopt);
    Stakeholder s;
    s.kind = "individual";
    s.legal_name = "Ada";
    ada_ = r.add(s, "test");
    s.legal_name = "Grace";
    grace_ = r.add(s, "test");
    s.kind = "entity";
    s.legal_name = "Acme LLC";
    acme_ = r.add(s, "test");
  }
  std::unique_ptr<Db> db_;
  int64_t ada_ = 0, grace_ = 0, acme_ = 0;
};

TEST_P(LostHoldersTest, TwoSearchesInTheirWindowsThenResolved) {
  LostHolders lost(*db_);
  const int64_t id = lost.mark_returned(ada_, "2026-01-10", std::nullopt, std::nullopt, "", "ta");
  // Not yet due a month later; due from three months; overdue after twelve.
  EXPECT_TRUE(lost.due("2026-02-10", false, "ta").empty());
  auto due = lost.due("2026-02-10", true, "ta");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].status, "upcoming");
  due = lost.due("2026-04-10", false, "ta");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].search, 1);
  EXPECT_EQ(due[0].status, "due");
  EXPECT_EQ(due[0].window.from, "2026-04-10");
  EXPECT_EQ(due[0].window.to, "2027-01-10");
  EXPECT_EQ(lost.due("2027-01-11", false, "ta")[0].status, "overdue");
  // The first search finds nothing: the second is due six to twelve months after it.
  EXPECT_TRUE(lost.record_search(id, 1, "2026-05-01", "not-found", "ta"));
  due = lost.due("2026-11-01", false, "ta");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].search, 2);
  EXPECT_EQ(due[0].window.from, "2026-11-01");
  EXPECT_EQ(due[0].window.to, "2027-05-01");
  EXPECT_TRUE(lost.due("2026-10-31", false, "ta").empty());
  // Found: resolved, nothing due any more.
  EXPECT_TRUE(lost.record_search(id, 2, "2026-12-01", "found", "ta"));
  EXPECT_TRUE(lost.due("2027-03-01", true, "ta").empty());
  EXPECT_TRUE(lost.list(false, "ta").empty());
  const auto all = lost.list(true, "ta");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(*all[0].resolved_on, "2026-12-01");
  EXPECT_EQ(*all[0].second_search_result, "found");
  // Lost again later: a new record.
  EXPECT_NO_THROW(lost.mark_returned(ada_, "2027-06-01", std::nullopt, std::nullopt, "", "ta"));
}

TEST_P(LostHoldersTest, AResentItemMovesTheDateAndExceptionsNeedNoSearch) {
  LostHolders lost(*db_);
  // Re-sent within a month and returned again: lost as of the second return.
  const int64_t g = lost.mark_returned(grace_, "2026-03-01", "2026-03-20", "2026-04-15", "", "ta");
  EXPECT_EQ(lost.list(false, "ta")[0].lost_since, "2026-04-15");
  EXPECT_EQ(lost.due("2026-07-15", false, "ta")[0].window.from, "2026-07-15");
  // An entity is not a natural person; a documented death: no searches due.
  lost.mark_returned(acme_, "2026-03-01", std::nullopt, std::nullopt, "", "ta");
  EXPECT_EQ(lost.list(false, "ta")[1].exemption, "not-a-natural-person");
  const auto due = lost.due("2027-01-01", true, "ta");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].lost_holder_id, g);
  // A late first search is recorded, and reported as late.
  EXPECT_FALSE(lost.record_search(g, 1, "2027-06-01", "not-found", "ta"));
  // Every read of the list is audited.
  EXPECT_GE(db_->query("SELECT id FROM audit_log WHERE action = 'read-lost-holders'", {}).size(),
            3u);
}

TEST_P(LostHoldersTest, BadInputIsRefusedAndNothingIsWritten) {
  LostHolders lost(*db_);
  auto count = [&] { return db_->query("SELECT id FROM lost_holders", {}).size(); };
  EXPECT_THROW(lost.mark_returned(999, "2026-01-01", std::nullopt, std::nullopt, "", "t"),
               RecordError);
  EXPECT_THROW(lost.mark_returned(ada_, "2026-13-01", std::nullopt, std::nullopt, "", "t"),
               RecordError);
  EXPECT_THROW(lost.mark_returned(ada_, "2026-01-01", "2026-03-01", "2026-03-10", "", "t"),
               RecordError);  // re-sent more than a month later
  EXPECT_THROW(lost.mark_returned(ada_, "2026-01-01", "2026-01-10", std::nullopt, "", "t"),
               RecordError);
  EXPECT_THROW(lost.mark_returned(ada_, "2026-01-01", std::nullopt, std::nullopt, "poor", "t"),
               RecordError);
  EXPECT_EQ(count(), 0u);
  const int64_t id = lost.mark_returned(ada_, "2026-01-10", std::nullopt, std::nullopt, "", "t");
  EXPECT_THROW(lost.mark_returned(ada_, "2026-02-10", std::nullopt, std::nullopt, "", "t"),
               RecordError);  // already lost
  EXPECT_THROW(lost.record_search(id, 2, "2026-05-01", "not-found", "t"), RecordError);
  EXPECT_THROW(lost.record_search(id, 1, "2026-01-01", "not-found", "t"), RecordError);
  EXPECT_THROW(lost.record_search(id, 1, "2026-05-01", "maybe", "t"), RecordError);
  EXPECT_THROW(lost.record_search(id, 3, "2026-05-01", "found", "t"), RecordError);
  EXPECT_THROW(lost.record_search(77, 1, "2026-05-01", "found", "t"), RecordError);
  EXPECT_EQ(count(), 1u);
  EXPECT_FALSE(lost.list(false, "t")[0].first_search_on);
}

INSTANTIATE_TEST_SUITE_P(Backends, LostHoldersTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace stoa::ta
