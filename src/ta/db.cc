// The parts of the database interface both back ends share (include/stoa/ta/db.h).
#include "stoa/ta/db.h"

namespace stoa::ta {

const DbValue& DbRow::at(size_t i) const {
  if (i >= values_.size()) {
    throw DbError("column " + std::to_string(i) + " of a row of " + std::to_string(values_.size()));
  }
  return values_[i];
}

int64_t DbRow::i64(size_t i) const {
  const DbValue& v = at(i);
  if (const auto* x = std::get_if<int64_t>(&v)) return *x;
  // PostgreSQL's NUMERIC and aggregate results may come back as text.
  if (const auto* s = std::get_if<std::string>(&v)) {
    try {
      size_t used = 0;
      const long long n = std::stoll(*s, &used);
      if (used == s->size()) return n;
    } catch (const std::exception&) {
    }
  }
  throw DbError("column " + std::to_string(i) + " is not an integer");
}

const std::string& DbRow::text(size_t i) const {
  const DbValue& v = at(i);
  if (const auto* x = std::get_if<std::string>(&v)) return *x;
  throw DbError("column " + std::to_string(i) + " is not text");
}

const Bytes& DbRow::blob(size_t i) const {
  const DbValue& v = at(i);
  if (const auto* x = std::get_if<Bytes>(&v)) return *x;
  throw DbError("column " + std::to_string(i) + " is not a blob");
}

std::optional<std::string> DbRow::opt_text(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

std::optional<DbRow> Db::query_one(const std::string& sql, const std::vector<DbValue>& params) {
  std::vector<DbRow> rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

void Db::relax_commit_durability() {
  exec_script(dialect() == Dialect::kSqlite ? "PRAGMA synchronous = NORMAL"
                                            : "SET synchronous_commit = off");
}

bool Db::has_table(const std::string& name) {
  const char* sql = dialect() == Dialect::kSqlite
                        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?"
                        : "SELECT table_name FROM information_schema.tables "
                          "WHERE table_schema = current_schema() AND table_name = ?";
  return query_one(sql, {name}).has_value();
}

DbTransaction::~DbTransaction() {
  if (done_) return;
  try {
    db_.rollback();
  } catch (const std::exception&) {  // the connection is gone: nothing was committed
  }
}

void DbTransaction::commit() {
  db_.commit();
  done_ = true;
}

std::unique_ptr<Db> open_db(const std::string& url) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return open_postgres(url);
  }
  if (url.starts_with("sqlite:")) return open_sqlite(url.substr(7));
  if (url.empty()) throw DbError("empty database URL");
  return open_sqlite(url);
}

std::string default_db_path(const std::string& data_dir) {
  return data_dir + "/ta.sqlite";
}

}  // namespace stoa::ta
