// The transfer agent's database (docs/transfer-agent.md): one interface over SQLite (a file in
// the node's data directory, the default) and PostgreSQL (`--db postgresql://...`). SQL is
// written once with `?` placeholders (rewritten to $1, $2... for PostgreSQL) and prepared once per
// connection (a cache keyed by the SQL text); rows come back typed (null, integer, text, blob).
// This is an adapter at the edge of stoa: failures throw DbError.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stoa/common/bytes.h"

namespace stoa::ta {

struct DbError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Dialect { kSqlite, kPostgres };

// A parameter or a column value.
using DbValue = std::variant<std::monostate, int64_t, std::string, Bytes>;

class DbRow {
 public:
  explicit DbRow(std::vector<DbValue> v) : values_(std::move(v)) {}
  size_t size() const { return values_.size(); }
  bool is_null(size_t i) const { return std::holds_alternative<std::monostate>(at(i)); }
  int64_t i64(size_t i) const;              // an integer column (throws on another type)
  const std::string& text(size_t i) const;  // a text column
  const Bytes& blob(size_t i) const;        // a blob (bytea) column
  std::optional<std::string> opt_text(size_t i) const;
  const DbValue& at(size_t i) const;

 private:
  std::vector<DbValue> values_;
};

class Db {
 public:
  virtual ~Db() = default;
  virtual Dialect dialect() const = 0;
  // Runs one or more statements without parameters or results (schema, BEGIN...).
  virtual void exec_script(const std::string& sql) = 0;
  // Runs one prepared statement with `?` placeholders; returns its rows (none for DML).
  virtual std::vector<DbRow> query(const std::string& sql, const std::vector<DbValue>& params) = 0;
  void exec(const std::string& sql, const std::vector<DbValue>& params = {}) { query(sql, params); }
  std::optional<DbRow> query_one(const std::string& sql, const std::vector<DbValue>& params = {});

  void begin() { exec_script("BEGIN"); }
  void commit() { exec_script("COMMIT"); }
  void rollback() { exec_script("ROLLBACK"); }
  // For a connection that only writes what can be derived again (the register's projection):
  // commits stay atomic, but the last ones may be lost on a power cut (SQLite: synchronous =
  // NORMAL in WAL mode; PostgreSQL: synchronous_commit = off) — the register's cursor is lost
  // with them, so those blocks are projected again. Not for investor records or the audit log.
  void relax_commit_durability();
  // Whether a table exists in the connected schema.
  bool has_table(const std::string& name);
};

// A transaction that rolls back unless committed (on an exception, everything since begin()).
class DbTransaction {
 public:
  explicit DbTransaction(Db& db) : db_(db) { db_.begin(); }
  ~DbTransaction();
  DbTransaction(const DbTransaction&) = delete;
  DbTransaction& operator=(const DbTransaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

// Opens a database: "postgresql://..." or "postgres://..." (libpq's connection URI), or a SQLite
// file path (created if missing; "sqlite:PATH" is accepted too). Throws DbError.
std::unique_ptr<Db> open_db(const std::string& url);
std::unique_ptr<Db> open_sqlite(const std::string& path);
std::unique_ptr<Db> open_postgres(const std::string& conninfo);

// The default database of a node: DATA_DIR/ta.sqlite.
std::string default_db_path(const std::string& data_dir);

}  // namespace stoa::ta
