// The secondary register and the cap table at past blocks and dates, on both back ends, against
// the ledger's own state after every block of a replayed history (tests/ta/history.h).
#include "stoa/ta/register.h"

#include <gtest/gtest.h>

#include "backends.h"
#include "history.h"
#include "stoa/ta/amount.h"
#include "stoa/ta/cap_table.h"
#include "stoa/ta/reports.h"
#include "stoa/ta/schema.h"

namespace stoa::ta {
namespace {

using testing::Backend;
using testing::History;

const History& history() {
  static const History h = testing::make_history();
  return h;
}

void feed(Register& r, uint64_t from, uint64_t to) {
  for (uint64_t n = from; n <= to; ++n)
    r.apply(*history().chain->block_by_number(n));
}

class RegisterTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { db_ = testing::fresh_db(GetParam()); }
  std::unique_ptr<Db> db_;
};

TEST_P(RegisterTest, CapTableAtEveryPastBlockEqualsTheLedgerState) {
  const History& h = history();
  ASSERT_GT(h.refused, 5u);  // the history has refusals, which must leave no trace
  Register reg(*db_);
  feed(reg, 0, h.chain->height());
  EXPECT_EQ(reg.next_block(), h.chain->height() + 1);
  size_t compared = 0;
  for (uint64_t n = 1; n <= h.chain->height(); ++n) {
    const CapTable t = cap_table(*db_, nullptr, {"ACME", n, std::nullopt, "test"});
    const testing::LedgerSnapshot& s = h.at_block[n];
    EXPECT_EQ(t.total, s.total_supply) << "block " << n;
    ASSERT_EQ(t.holders.size(), s.holders.size()) << "block " << n;
    for (const CapTableHolder& row : t.holders) {
      const auto it = s.holders.find(*Address::parse(row.holder));
      ASSERT_NE(it, s.holders.end()) << row.holder << " at block " << n;
      EXPECT_EQ(row.balance, it->second) << row.holder << " at block " << n;
      ++compared;
    }
    EXPECT_EQ(t.block_hash, "0x" + to_hex(h.chain->block_by_number(n)->hash.view()));
    // Ordered: largest first, then by address.
    for (size_t i = 1; i < t.holders.size(); ++i) {
      const auto& a = t.holders[i - 1];
      const auto& b = t.holders[i];
      EXPECT_TRUE(a.balance > b.balance || (a.balance == b.balance && a.holder < b.holder));
    }
  }
  EXPECT_GT(compared, 500u);
  // Frozen amounts at the head equal the ledger's.
  for (const auto& [a, v] : h.at_block.back().frozen_tokens) {
    const auto row =
        db_->query_one("SELECT frozen_amount FROM balances WHERE holder = ?", {a.lower_hex()});
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(decode_amount(row->text(0)), v);
  }
}

TEST_P(RegisterTest, ADateMeansTheLastBlockAtOrBeforeTheEndOfThatDay) {
  const History& h = history();
  Register reg(*db_);
  feed(reg, 0, h.chain->height());
  // Day 2026-01-20 (day 19): blocks are sealed at 00:08:20 each day.
  const CapTable t = cap_table(*db_, nullptr, {"ACME", std::nullopt, "2026-01-20", "test"});
  uint64_t expect = 0;
  for (uint64_t n = 0; n < h.at_block.size(); ++n) {
    if (h.at_block[n].timestamp < testing::kHistoryStart + 20 * testing::kDay) expect = n;
  }
  EXPECT_EQ(t.block, expect);
  EXPECT_EQ(t.date, "2026-01-20");
  EXPECT_EQ(t.total, h.at_block[expect].total_supply);
  EXPECT_THROW(cap_table(*db_, nullptr, {"ACME", std::nullopt, "2025-12-31", "t"}), QueryError);
  EXPECT_THROW(cap_table(*db_, nullptr, {"ACME", std::nullopt, "2026-02-30", "t"}), QueryError);
  EXPECT_THROW(cap_table(*db_, nullptr, {"ACME", h.chain->height() + 1, std::nullopt, "t"}),
               QueryError);
  EXPECT_THROW(cap_table(*db_, nullptr, {"NOPE", std::nullopt, std::nullopt, "t"}), QueryError);
  // By address too, in any case.
  const CapTable by_addr = cap_table(*db_, nullptr, {h.token.checksum_hex(), 5, std::nullopt, "t"});
  EXPECT_EQ(by_addr.symbol, "ACME");
  EXPECT_EQ(by_addr.name, "Acme Holdings");
}

TEST_P(RegisterTest, MovementsAreClassifiedWithForcedTransferReasons) {
  const History& h = history();
  Register reg(*db_);
  feed(reg, 0, h.chain->height());
  auto count = [&](const char* kind) {
    return db_->query("SELECT block FROM movements WHERE kind = ?", {std::string(kind)}).size();
  };
  EXPECT_EQ(count("mint"), 8u + h.purchasers.size());
  EXPECT_EQ(count("burn"), 1u);
  EXPECT_EQ(count("forced"), 1u);
  EXPECT_GT(count("transfer"), 20u);
  const auto f = db_->query_one("SELECT reason, document, amount FROM movements WHERE kind = ?",
                                {std::string("forced")});
  EXPECT_EQ(f->text(0), "court order 2026-17");
  std::string doc = "0x";
  for (int i = 0; i < 32; ++i)
    doc += "17";
  EXPECT_EQ(f->text(1), doc);
  EXPECT_EQ(decode_amount(f->text(2)), U256(500));
  const auto kinds = db_->query("SELECT kind FROM freeze_events ORDER BY block, log_index", {});
  std::vector<std::string> k;
  for (const DbRow& r : kinds)
    k.push_back(r.text(0));
  EXPECT_EQ(k, (std::vector<std::string>{"tokens-frozen", "address-frozen", "tokens-unfrozen",
                                         "address-unfrozen"}));
}

TEST_P(RegisterTest, ResumesFromItsCursorAndRefusesABlockTwiceOrOutOfOrder) {
  const History& h = history();
  const uint64_t half = h.chain->height() / 2;
  {
    Register reg(*db_);
    feed(reg, 0, half);
  }  // "crash": only the database remains
  Register reg(*db_);
  EXPECT_EQ(reg.next_block(), half + 1);
  EXPECT_EQ(reg.last_hash(), "0x" + to_hex(h.chain->block_by_number(half)->hash.view()));
  const size_t movements = db_->query("SELECT block FROM movements", {}).size();
  EXPECT_THROW(reg.apply(*h.chain->block_by_number(half)), RegisterError);      // twice
  EXPECT_THROW(reg.apply(*h.chain->block_by_number(half + 2)), RegisterError);  // a gap
  EXPECT_EQ(db_->query("SELECT block FROM movements", {}).size(), movements);   // unchanged
  feed(reg, half + 1, h.chain->height());
  const CapTable t = cap_table(*db_, nullptr, {"ACME", std::nullopt, std::nullopt, "t"});
  EXPECT_EQ(t.block, h.chain->height());
  EXPECT_EQ(t.total, h.at_block.back().total_supply);
  EXPECT_EQ(t.holders.size(), h.at_block.back().holders.size());
  // Rebuilt from scratch: the same rows.
  reg.reset();
  EXPECT_EQ(reg.next_block(), 0u);
  feed(reg, 0, h.chain->height());
  EXPECT_EQ(cap_table_json(cap_table(*db_, nullptr, {"ACME", std::nullopt, std::nullopt, "t"})),
            cap_table_json(t));
}

TEST_P(RegisterTest, CountsByJurisdictionAndAccreditationWithThresholdsFlagged) {
  const History& h = history();
  Register reg(*db_);
  feed(reg, 0, h.chain->height());
  std::array<uint8_t, 32> k{};
  InvestorRecords records(*db_, TaxIdKey::from_bytes(k));
  // Without records, all 36 second-round purchasers are non-accredited (not known accredited):
  // more than Rule 506(b)'s 35.
  CapTable t = cap_table(*db_, &records, {"ACME", std::nullopt, std::nullopt, "t"});
  EXPECT_EQ(t.non_accredited_purchasers, 8u + 36u);
  EXPECT_EQ(t.flags, std::vector<std::string>{"506b-non-accredited-purchasers"});
  // Records: one accredited US individual with two wallets, a GB entity whose accreditation
  // expired before the date, and accredited records for 9 of the purchasers.
  Stakeholder a;
  a.kind = "individual";
  a.legal_name = "A";
  a.tax_residency = "US";
  a.accreditation_basis = "income";
  const int64_t ida = records.add(a, "t");
  records.link_wallet(ida, h.investors[0], std::nullopt, "t");
  records.link_wallet(ida, h.investors[1], std::nullopt, "t");
  Stakeholder e;
  e.kind = "entity";
  e.legal_name = "E";
  e.tax_residency = "GB";
  e.accreditation_basis = "entity assets";
  e.accreditation_expiry = "2026-01-05";
  records.link_wallet(records.add(e, "t"), h.investors[2], std::nullopt, "t");
  for (size_t i = 0; i < 9; ++i) {
    Stakeholder p = a;
    p.legal_name = "P" + std::to_string(i);
    records.link_wallet(records.add(p, "t"), h.purchasers[i], std::nullopt, "t");
  }
  t = cap_table(*db_, &records, {"ACME", std::nullopt, std::nullopt, "t"});
  EXPECT_TRUE(t.flags.empty());
  // Purchasers: investors 0 and 1 are one accredited stakeholder; investor 2 was accredited on
  // the day of its issuance (2026-01-02); 5 investors and 27 purchasers without records are not.
  EXPECT_EQ(t.non_accredited_purchasers, 5u + 27u);
  size_t wallets_of_a = 0;
  for (const CapTableHolder& row : t.holders) {
    if (row.stakeholder == ida) ++wallets_of_a;
    if (row.holder == h.investors[2].lower_hex()) {
      EXPECT_EQ(row.jurisdiction, "GB");
      EXPECT_EQ(row.accreditation, "non-accredited");  // expired by the cap table's date
    }
  }
  EXPECT_EQ(t.holders_of_record, t.holders.size() - (wallets_of_a > 1 ? wallets_of_a - 1 : 0));
  size_t by_j = 0;
  for (const auto& [j, n] : t.by_jurisdiction)
    by_j += n;
  EXPECT_EQ(by_j, t.holders_of_record);
  EXPECT_EQ(t.by_jurisdiction.count("GB"), 1u);
  EXPECT_EQ(t.non_accredited_holders,
            t.by_accreditation["non-accredited"] + t.by_accreditation["unknown"]);
}

// A round by partition (rules V7) records its share class; a whole-security round records none;
// the payments carry the class's shares and eligible supply (what 1099-DIV reads).
TEST_P(RegisterTest, DividendRoundsRecordTheirPartition) {
  const History h = testing::make_partition_dividend_history();
  ASSERT_EQ(h.refused, 0u);
  Register reg(*db_);
  for (uint64_t n = 0; n <= h.chain->height(); ++n)
    reg.apply(*h.chain->block_by_number(n));
  const auto rows = db_->query(
      "SELECT round_id, partition_id, eligible_supply FROM dividend_rounds WHERE distributor = ? "
      "ORDER BY round_id",
      {h.distributor.lower_hex()});
  ASSERT_EQ(rows.size(), 2u);
  Bytes32 pref;
  pref.b[0] = 'P';
  pref.b[1] = 'R';
  pref.b[2] = 'E';
  pref.b[3] = 'F';
  EXPECT_EQ(rows[0].text(1), "0x" + to_hex(pref.view()));
  EXPECT_EQ(decode_amount(rows[0].text(2)), U256(400));
  EXPECT_EQ(rows[1].text(1), "");
  EXPECT_EQ(decode_amount(rows[1].text(2)), U256(1400));
  const auto paid = db_->query(
      "SELECT round_id, shares, eligible_supply, gross FROM dividend_payments WHERE holder = ? "
      "ORDER BY round_id",
      {h.investors[1].lower_hex()});
  ASSERT_EQ(paid.size(), 2u);
  EXPECT_EQ(decode_amount(paid[0].text(1)), U256(300));
  EXPECT_EQ(decode_amount(paid[0].text(2)), U256(400));
  EXPECT_EQ(decode_amount(paid[0].text(3)), U256(300));
  EXPECT_EQ(decode_amount(paid[1].text(3)), U256(300));
}

INSTANTIATE_TEST_SUITE_P(Backends, RegisterTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

// Both back ends give byte-identical reports (run by the ta.postgres ctest).
TEST(CrossBackend, CapTableReportsAreByteIdentical) {
  const History& h = history();
  auto sqlite = testing::fresh_db(Backend::kSqlite);
  auto pg = testing::fresh_db(Backend::kPostgres);
  Register a(*sqlite);
  Register b(*pg);
  feed(a, 0, h.chain->height());
  feed(b, 0, h.chain->height());
  for (uint64_t n :
       {3ULL, 12ULL, 20ULL, 30ULL, static_cast<unsigned long long>(h.chain->height())}) {
    const CapTableQuery q{"ACME", n, std::nullopt, "t"};
    const CapTable x = cap_table(*sqlite, nullptr, q);
    const CapTable y = cap_table(*pg, nullptr, q);
    EXPECT_EQ(cap_table_csv(x), cap_table_csv(y)) << n;
    EXPECT_EQ(cap_table_json(x).dump(2), cap_table_json(y).dump(2)) << n;
    EXPECT_FALSE(x.holders.empty());
  }
  const auto ja = transfer_journal(*sqlite, "ACME", "2026-01-01", "2026-12-31");
  const auto jb = transfer_journal(*pg, "ACME", "2026-01-01", "2026-12-31");
  EXPECT_EQ(transfer_journal_csv(ja), transfer_journal_csv(jb));
  EXPECT_EQ(transfer_journal_json(ja).dump(), transfer_journal_json(jb).dump());
  EXPECT_GT(ja.size(), 50u);
}

TEST(PercentTest, FlooredToFourDecimalsExactly) {
  EXPECT_EQ(percent_of(U256(1), U256(3)), "33.3333");
  EXPECT_EQ(percent_of(U256(2), U256(3)), "66.6666");
  EXPECT_EQ(percent_of(U256(3), U256(3)), "100.0000");
  EXPECT_EQ(percent_of(U256(1), U256(1000000)), "0.0001");
  EXPECT_EQ(percent_of(U256(1), U256(1000001)), "0.0000");
  EXPECT_EQ(percent_of(U256(0), U256(0)), "0.0000");
  EXPECT_EQ(percent_of(U256::max(), U256::max()), "100.0000");
  EXPECT_EQ(percent_of(*U256::max().checked_div(U256(2)), U256::max()), "49.9999");
}

}  // namespace
}  // namespace stoa::ta
