// The database interface and the migrations, on SQLite and on a real PostgreSQL server.
#include "stoa/ta/db.h"

#include <gtest/gtest.h>

#include "backends.h"
#include "stoa/ta/amount.h"
#include "stoa/ta/schema.h"

namespace stoa::ta {
namespace {

using testing::Backend;

class DbTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { db_ = testing::fresh_db(GetParam()); }
  std::unique_ptr<Db> db_;
};

TEST_P(DbTest, TypedRowsRoundTrip) {
  db_->exec_script(render_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, b {BLOB}, n BIGINT)",
                              db_->dialect()));
  const Bytes blob = {0x00, 0x01, 0xfe, 0xff, 0x5c, 0x78};
  db_->exec("INSERT INTO t (id, s, b, n) VALUES (?, ?, ?, ?)",
            {int64_t{1}, std::string("it's \"quoted\" ?"), blob, int64_t{-9007199254740993}});
  db_->exec("INSERT INTO t (id, s, b, n) VALUES (?, ?, ?, ?)",
            {int64_t{2}, std::monostate{}, std::monostate{}, int64_t{0}});
  const auto rows = db_->query("SELECT id, s, b, n FROM t ORDER BY id", {});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].i64(0), 1);
  EXPECT_EQ(rows[0].text(1), "it's \"quoted\" ?");
  EXPECT_EQ(rows[0].blob(2), blob);
  EXPECT_EQ(rows[0].i64(3), -9007199254740993);
  EXPECT_TRUE(rows[1].is_null(1));
  EXPECT_TRUE(rows[1].is_null(2));
  EXPECT_FALSE(rows[1].opt_text(1).has_value());
  EXPECT_THROW((void)rows[0].i64(1), DbError);
  // A literal '?' in the SQL text is not a placeholder.
  const auto q = db_->query_one("SELECT s FROM t WHERE s <> '?' AND id = ?", {int64_t{1}});
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->text(0), "it's \"quoted\" ?");
}

TEST_P(DbTest, TransactionRollsBackUnlessCommitted) {
  db_->exec_script("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  {
    DbTransaction tx(*db_);
    db_->exec("INSERT INTO t (id) VALUES (?)", {int64_t{1}});
  }  // no commit
  EXPECT_FALSE(db_->query_one("SELECT id FROM t").has_value());
  {
    DbTransaction tx(*db_);
    db_->exec("INSERT INTO t (id) VALUES (?)", {int64_t{2}});
    tx.commit();
  }
  EXPECT_EQ(db_->query_one("SELECT id FROM t")->i64(0), 2);
  // A failing statement inside a transaction: everything since begin() is gone.
  try {
    DbTransaction tx(*db_);
    db_->exec("INSERT INTO t (id) VALUES (?)", {int64_t{3}});
    db_->exec("INSERT INTO t (id) VALUES (?)", {int64_t{2}});  // duplicate key
    tx.commit();
    FAIL() << "a duplicate key must fail";
  } catch (const DbError&) {
  }
  EXPECT_EQ(db_->query("SELECT id FROM t", {}).size(), 1u);
}

TEST_P(DbTest, BadSqlAndWrongParameterCountAreErrors) {
  EXPECT_THROW(db_->exec("SELEKT 1"), DbError);
  db_->exec_script("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  EXPECT_THROW(db_->exec("INSERT INTO t (id) VALUES (?)", {}), DbError);
}

TEST_P(DbTest, AmountsSortNumericallyAndCompareByBytes) {
  db_->exec_script(render_sql("CREATE TABLE a (v {AMOUNT} NOT NULL)", db_->dialect()));
  const std::vector<U256> values = {
      U256::max(), U256(0), U256(10), U256(9), *U256::from_dec("1000000000000000000000000"),
      U256(100)};
  for (const U256& v : values)
    db_->exec("INSERT INTO a (v) VALUES (?)", {encode_amount(v)});
  const auto rows = db_->query("SELECT v FROM a ORDER BY v", {});
  std::vector<U256> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  ASSERT_EQ(rows.size(), sorted.size());
  for (size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(decode_amount(rows[i].text(0)), sorted[i]) << i;
  const auto bigger =
      db_->query("SELECT v FROM a WHERE v > ? ORDER BY v", {encode_amount(U256(10))});
  EXPECT_EQ(bigger.size(), 3u);
}

TEST_P(DbTest, MigratesUpFromAnEmptyDatabase) {
  EXPECT_EQ(schema_version(*db_), 0);
  EXPECT_EQ(migrate(*db_), latest_schema_version());
  EXPECT_EQ(schema_version(*db_), latest_schema_version());
  for (const char* t : {"stakeholders", "stakeholder_wallets", "audit_log", "register_cursor",
                        "register_blocks", "securities", "movements", "balances", "balance_history",
                        "freeze_events", "authorized_shares", "api_keys", "siwe_nonces", "sessions",
                        "documents", "document_grants", "lost_holders"}) {
    EXPECT_TRUE(db_->has_table(t)) << t;
  }
  const auto rows = db_->query("SELECT version, name FROM schema_migrations ORDER BY version", {});
  ASSERT_EQ(rows.size(), migrations().size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].i64(0), migrations()[i].version);
    EXPECT_EQ(rows[i].text(1), migrations()[i].name);
  }
  // Applying again changes nothing.
  EXPECT_EQ(migrate(*db_), latest_schema_version());
  EXPECT_EQ(db_->query("SELECT version FROM schema_migrations", {}).size(), migrations().size());
}

TEST_P(DbTest, MigratesUpFromThePreviousVersionKeepingItsData) {
  const int previous = latest_schema_version() - 1;
  ASSERT_GE(previous, 3);
  // From every earlier version (each on a fresh database), with a record written at that version.
  for (int from = 1; from <= previous; ++from) {
    auto db = testing::fresh_db(GetParam());
    EXPECT_EQ(migrate(*db, from), from);
    EXPECT_EQ(db->has_table("register_cursor"), from >= 2);
    EXPECT_EQ(db->has_table("authorized_shares"), from >= 3);
    EXPECT_EQ(db->has_table("api_keys"), from >= 4);
    db->exec(
        "INSERT INTO stakeholders (kind, legal_name, addresses, tax_id_type, tax_residency, "
        "accreditation_basis, accreditation_expiry, contacts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {std::string("individual"), std::string("Ada Lovelace"), std::string("[]"),
         std::string("SSN"), std::string("US"), std::string("income"), std::string("2030-01-01"),
         std::string("{}")});
    if (from == 2) {  // a security projected before version 3 has no issuer yet
      db->exec(
          "INSERT INTO securities (token, symbol, name, decimals, preset, created_block) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {std::string("0x" + std::string(40, 'a')), std::string("ACME"), std::string("Acme"),
           int64_t{0}, int64_t{5}, int64_t{1}});
    }
    EXPECT_EQ(migrate(*db), latest_schema_version());
    EXPECT_TRUE(db->has_table("register_cursor"));
    EXPECT_TRUE(db->has_table("authorized_shares"));
    EXPECT_TRUE(db->has_table("api_keys"));
    EXPECT_EQ(db->query_one("SELECT legal_name FROM stakeholders")->text(0), "Ada Lovelace");
    if (from == 2) {
      const auto s = db->query_one("SELECT symbol, issuer FROM securities");
      ASSERT_TRUE(s);
      EXPECT_EQ(s->text(0), "ACME");
      EXPECT_EQ(s->text(1), "");  // filled by `stoa register rebuild`
    }
  }
}

TEST_P(DbTest, RefusesADatabaseNewerThanItKnows) {
  migrate(*db_);
  db_->exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            {int64_t{latest_schema_version() + 1}, std::string("future"), std::string("x")});
  EXPECT_THROW(migrate(*db_), DbError);
}

INSTANTIATE_TEST_SUITE_P(Backends, DbTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

TEST(AmountTest, EncodingIsFixedWidthAndRoundTrips) {
  EXPECT_EQ(encode_amount(U256(0)), std::string(78, '0'));
  EXPECT_EQ(encode_amount(U256::max()),
            "115792089237316195423570985008687907853269984665640564039457584007913129639935");
  for (const U256& v : {U256(0), U256(1), U256(12345), U256::max()})
    EXPECT_EQ(decode_amount(encode_amount(v)), v);
  EXPECT_FALSE(decode_amount("12").has_value());
  EXPECT_FALSE(decode_amount(std::string(77, '0') + "x").has_value());
}

}  // namespace
}  // namespace stoa::ta
