// The SQLite back end of the database interface (include/stoa/ta/db.h): WAL journal, full
// synchronous commits, foreign keys on, statements prepared once per connection.
#include <sqlite3.h>

#include <unordered_map>

#include "stoa/ta/db.h"

namespace stoa::ta {
namespace {

class SqliteDb final : public Db {
 public:
  explicit SqliteDb(const std::string& path) {
    const int rc = sqlite3_open_v2(
        path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    if (rc != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw DbError("sqlite " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
    exec_script("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON");
  }
  ~SqliteDb() override {
    for (auto& [sql, st] : cache_)
      sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }

  void exec_script(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw DbError("sqlite: " + msg);
    }
  }

  std::vector<DbRow> query(const std::string& sql, const std::vector<DbValue>& params) override {
    sqlite3_stmt* st = prepare(sql);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (static_cast<size_t>(sqlite3_bind_parameter_count(st)) != params.size()) {
      throw DbError("sqlite: " + std::to_string(params.size()) + " parameters for " + sql);
    }
    for (size_t i = 0; i < params.size(); ++i)
      bind(st, static_cast<int>(i + 1), params[i]);
    std::vector<DbRow> rows;
    for (;;) {
      const int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        std::string msg = std::string("sqlite: ") + sqlite3_errmsg(db_);
        sqlite3_reset(st);
        msg += " in: ";
        msg += sql;
        throw DbError(msg);
      }
      rows.push_back(row(st));
    }
    sqlite3_reset(st);
    return rows;
  }

 private:
  sqlite3_stmt* prepare(const std::string& sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) !=
        SQLITE_OK) {
      throw DbError(std::string("sqlite: ") + sqlite3_errmsg(db_) + " in: " + sql);
    }
    cache_.emplace(sql, st);
    return st;
  }

  static void bind(sqlite3_stmt* st, int i, const DbValue& v) {
    if (const auto* n = std::get_if<int64_t>(&v)) {
      sqlite3_bind_int64(st, i, *n);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      sqlite3_bind_text(st, i, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else if (const auto* b = std::get_if<Bytes>(&v)) {
      sqlite3_bind_blob(st, i, b->data(), static_cast<int>(b->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(st, i);
    }
  }

  static DbRow row(sqlite3_stmt* st) {
    const int n = sqlite3_column_count(st);
    std::vector<DbValue> values;
    values.reserve(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(st, c)) {
        case SQLITE_INTEGER:
          values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(st, c)));
          break;
        case SQLITE_BLOB: {
          const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st, c));
          values.emplace_back(Bytes(p, p + sqlite3_column_bytes(st, c)));
          break;
        }
        case SQLITE_NULL:
          values.emplace_back(std::monostate{});
          break;
        default: {  // text (and floats, which the schema does not use)
          const auto* p = sqlite3_column_text(st, c);
          values.emplace_back(std::string(reinterpret_cast<const char*>(p),
                                          static_cast<size_t>(sqlite3_column_bytes(st, c))));
        }
      }
    }
    return DbRow(std::move(values));
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace

std::unique_ptr<Db> open_sqlite(const std::string& path) {
  return std::make_unique<SqliteDb>(path);
}

}  // namespace stoa::ta
