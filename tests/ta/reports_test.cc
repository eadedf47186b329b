// The holder list and the transfer journal, on both back ends, against the history's receipts.
#include "stoa/ta/reports.h"

#include <gtest/gtest.h>

#include "backends.h"
#include "history.h"
#include "stoa/common/keccak.h"
#include "stoa/ta/register.h"

namespace stoa::ta {
namespace {

using testing::Backend;
using testing::History;

const History& history() {
  static const History h = testing::make_history();
  return h;
}

class ReportsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = testing::fresh_db(GetParam());
    Register reg(*db_);
    for (uint64_t n = 0; n <= history().chain->height(); ++n)
      reg.apply(*history().chain->block_by_number(n));
  }
  std::unique_ptr<Db> db_;
};

TEST_P(ReportsTest, TheJournalOfAPeriodHoldsEveryTransferEventOfItsBlocks) {
  const History& h = history();
  const uint64_t start = testing::kHistoryStart + 9 * testing::kDay;  // 2026-01-10
  const uint64_t end = testing::kHistoryStart + 20 * testing::kDay;   // after 2026-01-20
  // Independently: the Transfer logs of successful receipts in blocks of the period.
  const Bytes32 transfer = keccak256(std::string_view("Transfer(address,address,uint256)"));
  std::vector<std::pair<uint64_t, U256>> expect;
  for (uint64_t n = 1; n <= h.chain->height(); ++n) {
    const auto b = h.chain->block_by_number(n);
    if (b->header.timestamp < start || b->header.timestamp >= end) continue;
    for (const chain::Receipt& r : b->receipts) {
      for (const core::Log& l : r.logs) {
        if (r.success && l.address == h.token && l.topics[0] == transfer) {
          expect.emplace_back(n, U256::from_be(BytesView(l.data.data(), 32)));
        }
      }
    }
  }
  const auto j = transfer_journal(*db_, "ACME", "2026-01-10", "2026-01-20");
  ASSERT_EQ(j.size(), expect.size());
  ASSERT_GT(j.size(), 10u);
  bool forced = false;
  for (size_t i = 0; i < j.size(); ++i) {
    EXPECT_EQ(j[i].block, expect[i].first);
    EXPECT_EQ(j[i].amount, expect[i].second);
    EXPECT_GE(j[i].timestamp, start);
    EXPECT_LT(j[i].timestamp, end);
    if (j[i].kind == "forced") {
      forced = true;
      EXPECT_EQ(j[i].reason, "court order 2026-17");
    }
  }
  EXPECT_TRUE(forced);
  const std::string csv = transfer_journal_csv(j);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), static_cast<long>(j.size() + 1));
  EXPECT_NE(csv.find(",forced,"), std::string::npos);
  EXPECT_THROW(transfer_journal(*db_, "ACME", "2026-01-20", "2026-01-10"), QueryError);
  EXPECT_THROW(transfer_journal(*db_, "ACME", "2026-01-32", "2026-02-01"), QueryError);
  EXPECT_THROW(transfer_journal(*db_, "NOPE", "2026-01-01", "2026-02-01"), QueryError);
  EXPECT_TRUE(transfer_journal(*db_, "ACME", "2025-01-01", "2025-12-31").empty());
}

TEST_P(ReportsTest, TheHolderListNamesStakeholdersAndIsAudited) {
  const History& h = history();
  InvestorRecords records(*db_, std::nullopt);
  Stakeholder s;
  s.kind = "trust";
  s.legal_name = "Doe, \"Jane\" Family Trust";
  s.tax_residency = "US";
  const int64_t id = records.add(s, "t");
  records.link_wallet(id, h.investors[4], std::nullopt, "t");
  const std::string csv =
      holder_list_csv(*db_, records, {"ACME", std::nullopt, std::nullopt, "agent", "ignored"});
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "holder,balance,percent,stakeholder_id,kind,legal_name,jurisdiction,accreditation");
  EXPECT_NE(csv.find(h.investors[4].checksum_hex()), std::string::npos);
  EXPECT_NE(csv.find(",trust,\"Doe, \"\"Jane\"\" Family Trust\",US,non-accredited\n"),
            std::string::npos)
      << csv;
  EXPECT_EQ(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')),
            h.at_block.back().holders.size() + 1);
  const auto log = records.audit_log();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back().actor, "agent");
  EXPECT_EQ(log.back().action, "read-profiles");
  EXPECT_EQ(log.back().detail.rfind("holder list ", 0), 0u) << log.back().detail;
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace stoa::ta
