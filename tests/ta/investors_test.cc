// Investor records on both back ends: encryption at rest, the audit log, validation.
#include "stoa/ta/investors.h"

#include <gtest/gtest.h>

#include <fstream>

#include "backends.h"
#include "stoa/ta/schema.h"

namespace stoa::ta {
namespace {

using testing::Backend;

TaxIdKey test_key(uint8_t fill = 7) {
  std::array<uint8_t, 32> k{};
  k.fill(fill);
  return TaxIdKey::from_bytes(k);
}

Stakeholder ada() {
  Stakeholder s;
  s.kind = "individual";
  s.legal_name = "Ada Lovelace";
  s.addresses = {"12 St James's Square, London"};
  s.tax_id = "123-45-6789";
  s.tax_id_type = "SSN";
  s.tax_residency = "US";
  s.accreditation_basis = "income";
  s.accreditation_expiry = "2027-06-30";
  s.contacts = {{"email", "ada@example.com"}};
  return s;
}

Address wallet(uint8_t n) {
  Address a;
  a.b[19] = n;
  return a;
}

class InvestorsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = testing::fresh_db(GetParam());
    migrate(*db_);
  }
  std::unique_ptr<Db> db_;
};

TEST_P(InvestorsTest, StoresAndReadsARecordWithTheTaxIdEncryptedAtRest) {
  InvestorRecords r(*db_, test_key());
  const int64_t id = r.add(ada(), "agent:alice");
  const auto back = r.read(id, "agent:bob");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->legal_name, "Ada Lovelace");
  EXPECT_EQ(back->tax_id, "123-45-6789");
  EXPECT_EQ(back->addresses, ada().addresses);
  EXPECT_EQ(back->contacts, ada().contacts);
  EXPECT_EQ(back->accreditation_expiry, "2027-06-30");
  // At rest: neither the tax id nor any 4-byte piece of it appears in the stored bytes.
  const Bytes stored = db_->query_one("SELECT tax_id FROM stakeholders")->blob(0);
  const std::string as_text(stored.begin(), stored.end());
  EXPECT_EQ(as_text.find("6789"), std::string::npos);
  EXPECT_EQ(as_text.find("123-"), std::string::npos);
  EXPECT_EQ(stored.size(), 1 + 12 + 11 + 16u);
  // Every read is audited, with its actor.
  const auto log = r.audit_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].action, "create");
  EXPECT_EQ(log[0].actor, "agent:alice");
  EXPECT_EQ(log[1].action, "read");
  EXPECT_EQ(log[1].actor, "agent:bob");
  EXPECT_EQ(log[1].stakeholder_id, id);
  // A read of an unknown record is audited too.
  EXPECT_FALSE(r.read(id + 100, "agent:eve").has_value());
  EXPECT_EQ(r.audit_log().back().actor, "agent:eve");
}

TEST_P(InvestorsTest, ATaxIdOpensOnlyWithItsKeyAndInItsOwnRow) {
  InvestorRecords r(*db_, test_key());
  const int64_t a = r.add(ada(), "agent");
  Stakeholder b = ada();
  b.legal_name = "Charles Babbage";
  b.tax_id = "987-65-4321";
  const int64_t bid = r.add(b, "agent");
  InvestorRecords wrong(*db_, test_key(8));
  EXPECT_THROW(wrong.read(a, "agent"), RecordError);
  // Copying one row's ciphertext into another row does not decrypt there.
  const Bytes sealed = db_->query_one("SELECT tax_id FROM stakeholders WHERE id = ?", {a})->blob(0);
  db_->exec("UPDATE stakeholders SET tax_id = ? WHERE id = ?", {sealed, bid});
  EXPECT_THROW(r.read(bid, "agent"), RecordError);
}

TEST_P(InvestorsTest, BadRecordsAreRefusedAndNothingIsWritten) {
  InvestorRecords r(*db_, test_key());
  Stakeholder s = ada();
  s.kind = "partnership";
  EXPECT_THROW(r.add(s, "agent"), RecordError);
  s = ada();
  s.tax_residency = "usa";
  EXPECT_THROW(r.add(s, "agent"), RecordError);
  s = ada();
  s.accreditation_expiry = "2027-02-30";
  EXPECT_THROW(r.add(s, "agent"), RecordError);
  s = ada();
  s.tax_id_type.clear();
  EXPECT_THROW(r.add(s, "agent"), RecordError);
  EXPECT_THROW(r.add(ada(), ""), RecordError);
  EXPECT_TRUE(db_->query("SELECT id FROM stakeholders", {}).empty());
  EXPECT_TRUE(r.audit_log().empty());
}

TEST_P(InvestorsTest, WalletsLinkToOneStakeholderAndProfilesAreAudited) {
  InvestorRecords r(*db_, test_key());
  const int64_t a = r.add(ada(), "agent");
  Stakeholder e;
  e.kind = "entity";
  e.legal_name = "Analytical Engines Ltd";
  e.tax_residency = "GB";
  const int64_t b = r.add(e, "agent");
  r.link_wallet(a, wallet(1), std::nullopt, "agent");
  r.link_wallet(a, wallet(2), wallet(9), "agent");
  r.link_wallet(b, wallet(3), std::nullopt, "agent");
  EXPECT_THROW(r.link_wallet(b, wallet(1), std::nullopt, "agent"), RecordError);
  EXPECT_THROW(r.link_wallet(b + 10, wallet(4), std::nullopt, "agent"), RecordError);
  EXPECT_EQ(r.stakeholder_of(wallet(2)), a);
  EXPECT_FALSE(r.stakeholder_of(wallet(4)).has_value());
  const size_t before = r.audit_log().size();
  const auto p = r.profiles({wallet(1).lower_hex(), wallet(3).lower_hex(), wallet(4).lower_hex()},
                            "report", "cap table");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p.at(wallet(1).lower_hex()).tax_residency, "US");
  EXPECT_TRUE(p.at(wallet(1).lower_hex()).accredited_on("2027-06-30"));
  EXPECT_FALSE(p.at(wallet(1).lower_hex()).accredited_on("2027-07-01"));
  EXPECT_FALSE(p.at(wallet(3).lower_hex()).accredited_on("2020-01-01"));
  const auto log = r.audit_log();
  ASSERT_EQ(log.size(), before + 1);
  EXPECT_EQ(log.back().action, "read-profiles");
  EXPECT_EQ(log.back().detail, "cap table: 2 records");
}

INSTANTIATE_TEST_SUITE_P(Backends, InvestorsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

TEST(TaxIdKeyTest, ReadsHexOrRawFilesAndNeverEchoesTheContent) {
  const std::string dir = testing::temp_dir();
  std::ofstream(dir + "/hex") << "  " << std::string(64, 'a') << "\n";
  std::ofstream(dir + "/raw", std::ios::binary) << std::string(32, '\xaa');
  std::ofstream(dir + "/bad") << "secret-password-not-a-key";
  const TaxIdKey hex = TaxIdKey::from_file(dir + "/hex");
  const TaxIdKey raw = TaxIdKey::from_file(dir + "/raw");
  EXPECT_EQ(raw.open(hex.seal("x", "aad"), "aad"), "x");  // the same key
  try {
    TaxIdKey::from_file(dir + "/bad");
    FAIL();
  } catch (const RecordError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret-password"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(dir + "/bad"), std::string::npos);
  }
  EXPECT_THROW(TaxIdKey::from_file(dir + "/missing"), RecordError);
  EXPECT_THROW(hex.open(hex.seal("x", "aad"), "other"), RecordError);
}

TEST(DatesTest, IsoDatesAreCalendarDates) {
  EXPECT_TRUE(is_iso_date("2024-02-29"));
  EXPECT_FALSE(is_iso_date("2023-02-29"));
  EXPECT_FALSE(is_iso_date("2023-13-01"));
  EXPECT_FALSE(is_iso_date("2023-1-01"));
}

}  // namespace
}  // namespace stoa::ta
