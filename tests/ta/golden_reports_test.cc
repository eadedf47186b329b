// Golden files pin every report (tests/ta/golden/, docs/transfer-agent.md "Golden reports"): the
// 40-day history (tests/ta/history.h) projected on each back end, with a few investor records and
// authorized shares, must give exactly the files' bytes — so SQLite and PostgreSQL give
// byte-identical reports. Regenerate after an intended change of a report with
//   STOA_UPDATE_GOLDEN=1 build/tests/ta_tests --gtest_filter='Backends/GoldenReports.*/Sqlite'
// and review the diff. The OCF package (golden/ocf/) is validated with Ajv by the ta.ocf ctest.
// With STOA_TA_XLSX_OUT=DIR, the holder list is also written to
// DIR/holders.xlsx (read back by tests/e2e/ta_xlsx_check.mjs in the ta.xlsx ctest).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>

#include "backends.h"
#include "history.h"
#include "stoa/ta/control_book.h"
#include "stoa/ta/form_d.h"
#include "stoa/ta/issuer_cap_table.h"
#include "stoa/ta/ocf.h"
#include "stoa/ta/partition_cap_table.h"
#include "stoa/ta/register.h"
#include "stoa/ta/reports.h"
#include "stoa/ta/tax_forms.h"
#include "stoa/ta/xlsx_report.h"

namespace stoa::ta {
namespace {

using testing::Backend;
using testing::History;

const History& history() {
  static const History h = testing::make_history();
  return h;
}

std::string golden_path(const std::string& name) {
  return std::string(STOA_SOURCE_DIR) + "/tests/ta/golden/" + name;
}

class GoldenReports : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = testing::fresh_db(GetParam());
    db_->relax_commit_durability();
    Register reg(*db_);
    for (uint64_t n = 0; n <= history().chain->height(); ++n)
      reg.apply(*history().chain->block_by_number(n));
    records_ = std::make_unique<InvestorRecords>(*db_, std::nullopt);
    const History& h = history();
    const char* const names[] = {"Ada Lovelace", "Babbage & Co., Ltd.", "Doe \"Family\" Trust"};
    const char* const kinds[] = {"individual", "entity", "trust"};
    for (size_t i = 0; i < 6; ++i) {
      Stakeholder s;
      s.kind = kinds[i % 3];
      s.legal_name = std::string(names[i % 3]) + " " + std::to_string(i);
      s.tax_residency = i % 2 == 0 ? "US" : "GB";
      if (i != 1) s.accreditation_basis = i == 4 ? "income" : "net worth";
      if (i == 4) s.accreditation_expiry = "2026-01-15";
      const int64_t id = records_->add(s, "golden");
      records_->link_wallet(id, h.investors[i], std::nullopt, "golden");
      if (i == 0) records_->link_wallet(id, h.investors[7], std::nullopt, "golden");
    }
    for (size_t i = 0; i < 10; ++i) {
      Stakeholder s;
      s.kind = "individual";
      s.legal_name = "Purchaser " + std::to_string(i);
      s.tax_residency = "US";
      s.accreditation_basis = "income";
      records_->link_wallet(records_->add(s, "golden"), h.purchasers[i], std::nullopt, "golden");
    }
    set_authorized(*db_, "ACME", U256(100000), 0, "certificate of incorporation");
    set_authorized(*db_, "ACME", U256(60000), 20, "charter amendment");
  }

  // The report must equal its golden file (or, with STOA_UPDATE_GOLDEN=1, becomes it).
  static void check(const std::string& name, const std::string& got) {
    const std::string path = golden_path(name);
    if (const char* u = std::getenv("STOA_UPDATE_GOLDEN"); u != nullptr && std::string(u) == "1") {
      std::ofstream(path, std::ios::binary) << got;
      return;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "missing " << path << " (STOA_UPDATE_GOLDEN=1 writes it)";
    const std::string want((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(got, want) << name << " differs from its golden file; if intended, regenerate with "
                         << "STOA_UPDATE_GOLDEN=1 (docs/transfer-agent.md)";
  }

  std::unique_ptr<Db> db_;
  std::unique_ptr<InvestorRecords> records_;
};

TEST_P(GoldenReports, EveryReportEqualsItsGoldenFile) {
  const CapTableQuery at_date{"ACME", std::nullopt, "2026-01-20", "golden"};
  const CapTableQuery head{"ACME", std::nullopt, std::nullopt, "golden"};
  const CapTable t = cap_table(*db_, records_.get(), at_date);
  check("cap-table.csv", cap_table_csv(t));
  check("cap-table.json", cap_table_json(t).dump(2) + "\n");
  const CapTable holders = holder_list(*db_, *records_, head);
  check("holders.csv", holder_list_csv(holders));
  const auto j = transfer_journal(*db_, "ACME", "2026-01-01", "2026-02-28");
  check("journal.csv", transfer_journal_csv(j));
  check("journal.json", transfer_journal_json(j).dump(2) + "\n");
  check("control-book.csv", control_book_csv(control_book(*db_, head)));
  check("control-book.json", control_book_json(control_book(*db_, head)).dump(2) + "\n");
  check("control-book-2026-01-10.json",
        control_book_json(control_book(*db_, {"ACME", std::nullopt, "2026-01-10"})).dump(2) + "\n");
  ASSERT_FALSE(t.issuer.empty());
  check("issuer-cap-table.json",
        issuer_cap_table_json(issuer_cap_table(*db_, records_.get(), t.issuer, at_date)).dump(2) +
            "\n");
  FormDQuery f;
  f.security = "ACME";
  f.price_per_share = "10.00";
  f.issuer_items = {{"1", {{"issuerName", "Acme Holdings, Inc."}, {"entityType", "Corporation"}}},
                    {"6", {{"federalExemptions", {"06b"}}}},
                    {"13", {{"totalOfferingAmount", "500000.00"}}}};
  check("form-d.json", form_d(*db_, records_.get(), f).dump(2) + "\n");
  const TaxFormReport tax = tax_forms(*db_, {2026, "ACME"});
  ASSERT_FALSE(tax.lines.empty());
  check("tax-forms-2026.csv", tax_forms_csv(tax));
  check("tax-forms-2026.json", tax_forms_json(tax).dump(2) + "\n");
  OcfExportQuery o;
  o.cap_table = head;
  o.issuer = {{"legal_name", "Acme Holdings, Inc."},
              {"formation_date", "2025-06-01"},
              {"country_of_formation", "US"},
              {"country_subdivision_of_formation", "DE"}};
  o.price_per_share = "10.00";
  for (const auto& [name, content] : ocf_export(*db_, *records_, o))
    check("ocf/" + name, content);
  if (const char* dir = std::getenv("STOA_TA_XLSX_OUT");
      dir != nullptr && GetParam() == Backend::kSqlite) {
    write_holder_list_xlsx(holders, std::string(dir) + "/holders.xlsx");
  }
}

// The cap table by partition at every block equals the ledger's own partitionsOf /
// balanceOfByPartition after that block (kept while sealing, not from the events); the head's
// is golden (partitions.csv, partitions.json) on both back ends.
TEST_P(GoldenReports, CapTableByPartitionEqualsTheLedgerAtEveryBlock) {
  static const History p = testing::make_partition_history();
  auto db = testing::fresh_db(GetParam());
  Register reg(*db);
  for (uint64_t n = 0; n <= p.chain->height(); ++n)
    reg.apply(*p.chain->block_by_number(n));
  ASSERT_EQ(p.refused, 0u);
  size_t named = 0;
  for (uint64_t n = 1; n <= p.chain->height(); ++n) {
    const PartitionCapTable t = partition_cap_table(*db, {"PART", n, std::nullopt, "t"});
    std::map<std::pair<Address, std::string>, U256> got;
    for (const PartitionHolding& r : t.rows)
      got[{*Address::parse(r.holder), r.partition}] = r.amount;
    EXPECT_EQ(got, p.at_block[n].partitions) << "block " << n;
    EXPECT_EQ(t.total, p.at_block[n].total_supply);
    for (const auto& [key, v] : got)
      named += partition_name(key.second) == "default" ? 0 : 1;
  }
  EXPECT_GT(named, 10u);
  const PartitionCapTable head =
      partition_cap_table(*db, {"PART", std::nullopt, std::nullopt, "t"});
  EXPECT_EQ(head.by_partition.size(), 3u);  // default, REG-D, REG-S
  check("partitions.csv", partition_cap_table_csv(head));
  check("partitions.json", partition_cap_table_json(head).dump(2) + "\n");
  EXPECT_THROW(partition_cap_table(*db, {"NOPE", std::nullopt, std::nullopt, "t"}), QueryError);
  EXPECT_THROW(partition_cap_table(*db, {"PART", std::nullopt, "2026-02-30x", "t"}), QueryError);
  EXPECT_THROW(partition_cap_table(*db, {"PART", 9999, std::nullopt, "t"}), QueryError);
  EXPECT_EQ(partition_name("0x" + std::string(64, '0')), "default");
  EXPECT_EQ(partition_name("0x5245472d53" + std::string(54, '0')), "REG-S");
  EXPECT_EQ(partition_name("0x0a" + std::string(62, '0')), "0x0a" + std::string(62, '0'));
}

// The OCF export imported into a new security (stakeholders into the records, issuances replayed
// as mints on a ledger) gives the same cap table; importing that one's export again, the same.
TEST_P(GoldenReports, OcfExportReimportsToTheSameCapTable) {
  const CapTable before = holder_list(*db_, *records_, {"ACME", std::nullopt, std::nullopt, "t"});
  OcfExportQuery o;
  o.cap_table = {"ACME", std::nullopt, std::nullopt, "t"};
  const auto files = ocf_export(*db_, *records_, o);
  const OcfPlan plan = ocf_import(files);
  EXPECT_EQ(plan.symbol, "ACME");
  EXPECT_EQ(plan.authorized, U256(60000));
  ASSERT_EQ(plan.mints.size(), before.holders.size());
  std::vector<std::pair<Address, U256>> mints;
  for (const OcfMint& m : plan.mints)
    mints.emplace_back(*Address::parse(m.wallet), m.amount);
  const History copy = testing::make_minted(plan.name, "ACME2", mints);
  auto db2 = testing::fresh_db(GetParam());
  Register reg(*db2);
  for (uint64_t n = 0; n <= copy.chain->height(); ++n)
    reg.apply(*copy.chain->block_by_number(n));
  InvestorRecords records2(*db2, std::nullopt);
  const auto ids = import_ocf_records(records2, plan, "import");
  std::set<int64_t> with_record;  // the records exported; wallets without one stay without
  for (const CapTableHolder& h : before.holders) {
    if (h.stakeholder) with_record.insert(*h.stakeholder);
  }
  EXPECT_EQ(ids.size(), with_record.size());
  EXPECT_GT(ids.size(), 10u);
  const CapTable after = holder_list(*db2, records2, {"ACME2", std::nullopt, std::nullopt, "t"});
  ASSERT_EQ(after.holders.size(), before.holders.size());
  EXPECT_EQ(after.total, before.total);
  EXPECT_EQ(after.holders_of_record, before.holders_of_record);
  for (size_t i = 0; i < before.holders.size(); ++i) {
    EXPECT_EQ(after.holders[i].holder, before.holders[i].holder);
    EXPECT_EQ(after.holders[i].balance, before.holders[i].balance);
    EXPECT_EQ(after.holders[i].percent, before.holders[i].percent);
    EXPECT_EQ(after.holders[i].legal_name, before.holders[i].legal_name);
    EXPECT_EQ(after.holders[i].kind.empty(), before.holders[i].kind.empty());
  }
  // Imported again (a second security of the same holders): every record kept, none added.
  const auto count = [&] {
    return db2->query_one("SELECT COUNT(*) FROM stakeholders", {})->i64(0);
  };
  const int64_t recorded = count();
  size_t added = 99;
  EXPECT_EQ(import_ocf_records(records2, plan, "import", &added), ids);
  EXPECT_EQ(added, 0u);
  EXPECT_EQ(count(), recorded);
  // A conflict with the records is refused with nothing written: a record of another legal name,
  // two stakeholders of the package on one record.
  size_t a = 0, b = 0;  // two stakeholders with a record
  while (!plan.stakeholders[a].has_record)
    ++a;
  for (b = a + 1; !plan.stakeholders[b].has_record;)
    ++b;
  OcfPlan renamed = plan;
  renamed.stakeholders[a].record.legal_name += " Jr.";
  EXPECT_EQ(match_ocf_records(records2, renamed, "t").conflicts.size(),
            renamed.stakeholders[a].wallets.size());
  EXPECT_THROW(import_ocf_records(records2, renamed, "import"), RecordError);
  OcfPlan merged = plan;
  merged.stakeholders[b].wallets.push_back(merged.stakeholders[a].wallets[0]);
  EXPECT_FALSE(match_ocf_records(records2, merged, "t").conflicts.empty());
  EXPECT_THROW(import_ocf_records(records2, merged, "import"), RecordError);
  EXPECT_EQ(count(), recorded);
  // Re-export and re-import: the same plan.
  OcfExportQuery o2;
  o2.cap_table = {"ACME2", std::nullopt, std::nullopt, "t"};
  const OcfPlan again = ocf_import(ocf_export(*db2, records2, o2));
  ASSERT_EQ(again.mints.size(), plan.mints.size());
  for (size_t i = 0; i < plan.mints.size(); ++i) {
    EXPECT_EQ(again.mints[i].wallet, plan.mints[i].wallet);
    EXPECT_EQ(again.mints[i].amount, plan.mints[i].amount);
  }
  // A broken package is refused with a reason.
  auto bad = files;
  bad["Transactions.ocf.json"] += " ";
  EXPECT_THROW(ocf_import(bad), OcfError);  // md5 differs
  bad = files;
  bad.erase("Stakeholders.ocf.json");
  EXPECT_THROW(ocf_import(bad), OcfError);
}

INSTANTIATE_TEST_SUITE_P(Backends, GoldenReports,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace stoa::ta
