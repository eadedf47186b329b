// The transfer agent's schema (docs/transfer-agent.md, "Schema and migrations"): one list of
// versioned migrations for both back ends, applied at start, each in one transaction with its
// row in schema_migrations. The SQL is written once; three tokens stand for what the dialects
// spell differently:
//   {ID}      an auto-numbered primary key (SQLite INTEGER PRIMARY KEY, PostgreSQL BIGSERIAL)
//   {BLOB}    bytes (BLOB, BYTEA)
//   {AMOUNT}  a uint256 amount in its sortable text form (amount.h; TEXT, TEXT COLLATE "C")
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stoa/ta/db.h"

namespace stoa::ta {

struct Migration {
  int version;
  const char* name;
  const char* sql;  // statements separated by ';', with the tokens above
};

// Every migration, by ascending version (1, 2, ...). A released migration is never edited: a
// change of schema is a new migration.
const std::vector<Migration>& migrations();
int latest_schema_version();

// The SQL with the dialect's spelling of the tokens.
std::string render_sql(std::string_view sql, Dialect d);

// The version the database is at (0: empty, no schema_migrations table).
int schema_version(Db& db);
// Applies the migrations after the current version up to `target` (default: all); returns the
// version reached. Throws DbError if the database is newer than this stoa knows.
int migrate(Db& db, std::optional<int> target = std::nullopt);

}  // namespace stoa::ta
