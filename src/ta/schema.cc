// The migrations (include/stoa/ta/schema.h). Addresses are stored as 0x + 40 lowercase hex digits,
// hashes as 0x + 64, dates as YYYY-MM-DD, amounts in their 78-digit form (amount.h).
#include "stoa/ta/schema.h"

#include <ctime>

namespace stoa::ta {
namespace {

// 1: investor records (stakeholders, their wallets, the audit log of personal-data reads).
constexpr const char* kInvestorRecords = R"SQL(
CREATE TABLE stakeholders (
  id {ID},
  kind TEXT NOT NULL CHECK (kind IN ('individual', 'entity', 'trust')),
  legal_name TEXT NOT NULL,
  addresses TEXT NOT NULL,
  tax_id {BLOB},
  tax_id_type TEXT NOT NULL,
  tax_residency TEXT NOT NULL,
  accreditation_basis TEXT NOT NULL,
  accreditation_expiry TEXT NOT NULL,
  contacts TEXT NOT NULL
);
CREATE TABLE stakeholder_wallets (
  wallet TEXT PRIMARY KEY,
  stakeholder_id BIGINT NOT NULL REFERENCES stakeholders (id),
  identity TEXT NOT NULL
);
CREATE INDEX stakeholder_wallets_by_stakeholder ON stakeholder_wallets (stakeholder_id);
CREATE TABLE audit_log (
  id {ID},
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  stakeholder_id BIGINT,
  detail TEXT NOT NULL
);
)SQL";

// 2: the secondary register (the projection of the ledger's events, register.h).
constexpr const char* kRegister = R"SQL(
CREATE TABLE register_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  next_block BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
CREATE TABLE register_blocks (
  number BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  timestamp BIGINT NOT NULL
);
CREATE INDEX register_blocks_by_time ON register_blocks (timestamp);
CREATE TABLE securities (
  token TEXT PRIMARY KEY,
  symbol TEXT NOT NULL,
  name TEXT NOT NULL,
  decimals INTEGER NOT NULL,
  preset INTEGER NOT NULL,
  created_block BIGINT NOT NULL
);
CREATE TABLE movements (
  block BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  security TEXT NOT NULL,
  kind TEXT NOT NULL,
  from_addr TEXT NOT NULL,
  to_addr TEXT NOT NULL,
  amount {AMOUNT} NOT NULL,
  reason TEXT NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (block, log_index)
);
CREATE INDEX movements_by_security ON movements (security, block);
CREATE TABLE balances (
  security TEXT NOT NULL,
  holder TEXT NOT NULL,
  balance {AMOUNT} NOT NULL,
  frozen_amount {AMOUNT} NOT NULL,
  frozen INTEGER NOT NULL,
  PRIMARY KEY (security, holder)
);
CREATE TABLE balance_history (
  security TEXT NOT NULL,
  holder TEXT NOT NULL,
  block BIGINT NOT NULL,
  balance {AMOUNT} NOT NULL,
  PRIMARY KEY (security, holder, block)
);
CREATE TABLE freeze_events (
  block BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  security TEXT NOT NULL,
  holder TEXT NOT NULL,
  kind TEXT NOT NULL,
  amount {AMOUNT} NOT NULL,
  PRIMARY KEY (block, log_index)
);
)SQL";

// 3: the issuer of each security (the admin of its SecurityCreated event; empty in a register
// projected before version 3 until `stoa register rebuild`), and the authorized shares the
// transfer agent records from the issuer's charter (not on the ledger), each from a block.
constexpr const char* kReports = R"SQL(
ALTER TABLE securities ADD COLUMN issuer TEXT NOT NULL DEFAULT '';
CREATE INDEX securities_by_issuer ON securities (issuer);
CREATE TABLE authorized_shares (
  security TEXT NOT NULL,
  from_block BIGINT NOT NULL,
  authorized {AMOUNT} NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (security, from_block)
);
)SQL";

// 4: REST access control (API keys, Sign-In with Ethereum nonces and sessions), documents and
// their access grants (data rooms), Rule 17Ad-17 lost securityholders (access.h, documents.h,
// lost_holders.h).
constexpr const char* kAccessDocumentsLostHolders = R"SQL(
CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY,
  secret_hash {BLOB} NOT NULL,
  role TEXT NOT NULL,
  security TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE siwe_nonces (
  nonce TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE documents (
  id {ID},
  name TEXT NOT NULL,
  security TEXT NOT NULL,
  media_type TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  content {BLOB} NOT NULL,
  uploaded_at TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  registry_tx TEXT
);
CREATE TABLE document_grants (
  id {ID},
  document_id BIGINT NOT NULL REFERENCES documents (id),
  grantee TEXT NOT NULL,
  permission TEXT NOT NULL CHECK (permission IN ('view', 'download')),
  expires_at BIGINT,
  granted_at TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX document_grants_by_document ON document_grants (document_id, grantee);
CREATE TABLE lost_holders (
  id {ID},
  stakeholder_id BIGINT NOT NULL REFERENCES stakeholders (id),
  returned_on TEXT NOT NULL,
  lost_since TEXT NOT NULL,
  exemption TEXT NOT NULL,
  first_search_on TEXT,
  first_search_result TEXT,
  second_search_on TEXT,
  second_search_result TEXT,
  resolved_on TEXT,
  marked_by TEXT NOT NULL
);
)SQL";

// Version 5: dividends, corporate actions and named partitions in the register. The factory's
// PaymentTokenCreated and DividendDistributorCreated, a distributor's DividendCreated, DividendPaid
// and DividendReclaimed (read by the tax reports, 1099-DIV and 1042-S, and the year-end
// statements); a security's corporate actions (ForcedTransfer, ERC-1644 ControllerTransfer and
// ControllerRedemption, CorporateAction: SEIZURE, REDEMPTION, DISTRIBUTION, CONVERSION) with their
// reason and document, and the action on each movement it explains (`movements.action`). A
// register projected before version 5 has none of them until `stoa register rebuild`.
constexpr const char* kDividendsCorporateActions = R"SQL(
ALTER TABLE movements ADD COLUMN action TEXT NOT NULL DEFAULT '';
CREATE TABLE corporate_actions (
  block BIGINT NOT NULL,
  log_index BIGINT NOT NULL,
  tx_hash TEXT NOT NULL,
  security TEXT NOT NULL,
  action TEXT NOT NULL,
  operator TEXT NOT NULL,
  reason TEXT NOT NULL,
  document TEXT NOT NULL,
  target TEXT NOT NULL,
  PRIMARY KEY (block, log_index)
);
CREATE INDEX corporate_actions_by_security ON corporate_actions (security, block);
CREATE TABLE partition_balances (
  security TEXT NOT NULL,
  holder TEXT NOT NULL,
  partition_id TEXT NOT NULL,
  balance {AMOUNT} NOT NULL,
  PRIMARY KEY (security, holder, partition_id)
);
CREATE TABLE partition_history (
  security TEXT NOT NULL,
  holder TEXT NOT NULL,
  partition_id TEXT NOT NULL,
  block BIGINT NOT NULL,
  balance {AMOUNT} NOT NULL,
  PRIMARY KEY (security, holder, partition_id, block)
);
CREATE TABLE payment_tokens (
  token TEXT PRIMARY KEY,
  symbol TEXT NOT NULL,
  name TEXT NOT NULL,
  decimals BIGINT NOT NULL,
  created_block BIGINT NOT NULL
);
CREATE TABLE dividend_distributors (
  distributor TEXT PRIMARY KEY,
  security TEXT NOT NULL,
  withholding_account TEXT NOT NULL,
  created_block BIGINT NOT NULL
);
CREATE TABLE dividend_rounds (
  distributor TEXT NOT NULL,
  round_id BIGINT NOT NULL,
  security TEXT NOT NULL,
  payment_token TEXT NOT NULL,
  funder TEXT NOT NULL,
  amount {AMOUNT} NOT NULL,
  checkpoint BIGINT NOT NULL,
  eligible_supply {AMOUNT} NOT NULL,
  excluded {AMOUNT} NOT NULL,
  claim_deadline BIGINT NOT NULL,
  reference TEXT NOT NULL,
  created_block BIGINT NOT NULL,
  tx_hash TEXT NOT NULL,
  reclaimed {AMOUNT},
  closed_block BIGINT,
  PRIMARY KEY (distributor, round_id)
);
CREATE TABLE dividend_payments (
  block BIGINT NOT NULL,
  log_index BIGINT NOT NULL,
  tx_hash TEXT NOT NULL,
  distributor TEXT NOT NULL,
  security TEXT NOT NULL,
  round_id BIGINT NOT NULL,
  holder TEXT NOT NULL,
  payment_token TEXT NOT NULL,
  checkpoint BIGINT NOT NULL,
  shares {AMOUNT} NOT NULL,
  eligible_supply {AMOUNT} NOT NULL,
  gross {AMOUNT} NOT NULL,
  withheld {AMOUNT} NOT NULL,
  net {AMOUNT} NOT NULL,
  jurisdiction TEXT NOT NULL,
  rate_bps BIGINT NOT NULL,
  withholding_account TEXT NOT NULL,
  paid_by TEXT NOT NULL,
  PRIMARY KEY (block, log_index)
);
CREATE INDEX dividend_payments_by_holder ON dividend_payments (holder, block);
CREATE INDEX dividend_payments_by_security ON dividend_payments (security, block);
)SQL";

// Version 6: splits in the register (docs/transfer-agent.md, "Splits"). A Split event writes
// no Transfer: the register records the split (its ratio, block, supplies before and after) and
// one position per holder of the security at the split (its balance before and after, and the
// fraction of a share it lost: `fraction` over the split's denominator, owed as cash in lieu).
// The journal shows each position that changed as a movement of kind "split". A register
// projected before version 6 has none of them until `stoa register rebuild`.
constexpr const char* kSplits = R"SQL(
CREATE TABLE splits (
  security TEXT NOT NULL,
  split_id BIGINT NOT NULL,
  block BIGINT NOT NULL,
  log_index BIGINT NOT NULL,
  tx_hash TEXT NOT NULL,
  numerator {AMOUNT} NOT NULL,
  denominator {AMOUNT} NOT NULL,
  supply_before {AMOUNT} NOT NULL,
  supply_after {AMOUNT} NOT NULL,
  holders BIGINT NOT NULL,
  PRIMARY KEY (security, split_id)
);
CREATE TABLE split_positions (
  security TEXT NOT NULL,
  split_id BIGINT NOT NULL,
  holder TEXT NOT NULL,
  block BIGINT NOT NULL,
  log_index BIGINT NOT NULL,
  balance_before {AMOUNT} NOT NULL,
  balance_after {AMOUNT} NOT NULL,
  fraction {AMOUNT} NOT NULL,
  PRIMARY KEY (security, split_id, holder)
);
CREATE INDEX split_positions_by_block ON split_positions (security, block);
CREATE INDEX split_positions_by_holder ON split_positions (holder, block);
)SQL";

// Version 7: dividend rounds by partition (docs/dividends.md, "Rounds by partition"; rules V7).
// A round's share class: '' for a whole-security round, else the partition (0x + 64 hex digits;
// the default partition is all zeros), from the DividendPartitionCreated that follows its
// DividendCreated. A register projected before version 7 reads '' for every round until
// `stoa register rebuild` (rounds by partition exist only from rules version 7).
constexpr const char* kDividendPartitions = R"SQL(
ALTER TABLE dividend_rounds ADD COLUMN partition_id TEXT NOT NULL DEFAULT '';
)SQL";

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "investor records", kInvestorRecords},
      {2, "secondary register", kRegister},
      {3, "issuers and authorized shares", kReports},
      {4, "access control, documents, lost securityholders", kAccessDocumentsLostHolders},
      {5, "dividends, corporate actions, partitions", kDividendsCorporateActions},
      {6, "splits", kSplits},
      {7, "dividend rounds by partition", kDividendPartitions},
  };
  return kMigrations;
}

int latest_schema_version() {
  return migrations().back().version;
}

std::string render_sql(std::string_view sql, Dialect d) {
  std::string s(sql);
  const bool pg = d == Dialect::kPostgres;
  replace_all(s, "{ID}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY");
  replace_all(s, "{BLOB}", pg ? "BYTEA" : "BLOB");
  replace_all(s, "{AMOUNT}", pg ? "TEXT COLLATE \"C\"" : "TEXT");
  return s;
}

int schema_version(Db& db) {
  if (!db.has_table("schema_migrations")) return 0;
  const auto row = db.query_one("SELECT MAX(version) FROM schema_migrations");
  return row && !row->is_null(0) ? static_cast<int>(row->i64(0)) : 0;
}

int migrate(Db& db, std::optional<int> target) {
  db.exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  int at = schema_version(db);
  if (at > latest_schema_version()) {
    throw DbError("the database is at schema version " + std::to_string(at) +
                  ", newer than this stoa knows (" + std::to_string(latest_schema_version()) + ")");
  }
  const int to = target.value_or(latest_schema_version());
  for (const Migration& m : migrations()) {
    if (m.version <= at || m.version > to) continue;
    DbTransaction tx(db);
    db.exec_script(render_sql(m.sql, db.dialect()));
    db.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            {int64_t{m.version}, std::string(m.name), utc_now()});
    tx.commit();
    at = m.version;
  }
  return at;
}

}  // namespace stoa::ta
