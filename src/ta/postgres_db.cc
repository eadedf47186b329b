// The PostgreSQL back end of the database interface (include/stoa/ta/db.h), over libpq: `?`
// placeholders become $1, $2...; each distinct statement is prepared once per connection;
// integers and text travel as text, blobs as binary bytea; result columns are typed by their
// type OID (integers, booleans and bytea decoded; everything else text).
#include <libpq-fe.h>

#include <unordered_map>

#include "stoa/ta/db.h"

namespace stoa::ta {
namespace {

constexpr unsigned kBoolOid = 16;
constexpr unsigned kByteaOid = 17;
constexpr unsigned kInt8Oid = 20;
constexpr unsigned kInt2Oid = 21;
constexpr unsigned kInt4Oid = 23;

// `?` outside quoted strings and identifiers becomes $n.
std::string number_placeholders(const std::string& sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  char quote = 0;
  int n = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out += c;
    }
  }
  *count = n;
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Bytes decode_bytea(const char* text, size_t len) {
  if (len < 2 || text[0] != '\\' || text[1] != 'x') {
    throw DbError("postgres: bytea not in hex output format");
  }
  Bytes out;
  out.reserve((len - 2) / 2);
  for (size_t i = 2; i + 1 < len; i += 2)
    out.push_back(static_cast<uint8_t>(hex_digit(text[i]) * 16 + hex_digit(text[i + 1])));
  return out;
}

class PostgresDb final : public Db {
 public:
  explicit PostgresDb(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
      // The message names the server, never the password of the URI.
      const std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
      PQfinish(conn_);
      conn_ = nullptr;
      throw DbError("postgres: cannot connect: " + msg);
    }
    exec_script("SET client_min_messages = warning");
  }
  ~PostgresDb() override { PQfinish(conn_); }
  PostgresDb(const PostgresDb&) = delete;
  PostgresDb& operator=(const PostgresDb&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }

  void exec_script(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    check(r, sql);
    PQclear(r);
  }

  std::vector<DbRow> query(const std::string& sql, const std::vector<DbValue>& params) override {
    const Prepared& p = prepare(sql);
    if (static_cast<size_t>(p.params) != params.size()) {
      throw DbError("postgres: " + std::to_string(params.size()) + " parameters for " + sql);
    }
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0);
    std::vector<int> formats(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      const DbValue& v = params[i];
      if (const auto* n = std::get_if<int64_t>(&v)) {
        text[i] = std::to_string(*n);
        values[i] = text[i].c_str();
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        values[i] = s->c_str();
      } else if (const auto* b = std::get_if<Bytes>(&v)) {
        values[i] = reinterpret_cast<const char*>(b->data());
        lengths[i] = static_cast<int>(b->size());
        formats[i] = 1;
      }
    }
    PGresult* r = PQexecPrepared(conn_, p.name.c_str(), static_cast<int>(params.size()),
                                 values.data(), lengths.data(), formats.data(), 0);
    check(r, sql);
    std::vector<DbRow> rows;
    const int nrows = PQntuples(r);
    const int ncols = PQnfields(r);
    rows.reserve(static_cast<size_t>(nrows));
    for (int i = 0; i < nrows; ++i) {
      std::vector<DbValue> vals;
      vals.reserve(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c)
        vals.push_back(value(r, i, c));
      rows.emplace_back(std::move(vals));
    }
    PQclear(r);
    return rows;
  }

 private:
  struct Prepared {
    std::string name;
    int params = 0;
  };

  const Prepared& prepare(const std::string& sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    Prepared p;
    const std::string numbered = number_placeholders(sql, &p.params);
    p.name = "stoa_" + std::to_string(cache_.size());
    PGresult* r = PQprepare(conn_, p.name.c_str(), numbered.c_str(), p.params, nullptr);
    check(r, sql);
    PQclear(r);
    return cache_.emplace(sql, std::move(p)).first->second;
  }

  void check(PGresult* r, const std::string& sql) {
    const ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) return;
    const std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    PQclear(r);
    throw DbError("postgres: " + msg + " in: " + sql);
  }

  static DbValue value(PGresult* r, int row, int col) {
    if (PQgetisnull(r, row, col)) return std::monostate{};
    const char* v = PQgetvalue(r, row, col);
    const size_t len = static_cast<size_t>(PQgetlength(r, row, col));
    switch (PQftype(r, col)) {
      case kInt8Oid:
      case kInt4Oid:
      case kInt2Oid:
        return static_cast<int64_t>(std::stoll(std::string(v, len)));
      case kBoolOid:
        return static_cast<int64_t>(v[0] == 't' ? 1 : 0);
      case kByteaOid:
        return decode_bytea(v, len);
      default:
        return std::string(v, len);
    }
  }

  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, Prepared> cache_;
};

}  // namespace

std::unique_ptr<Db> open_postgres(const std::string& conninfo) {
  return std::make_unique<PostgresDb>(conninfo);
}

}  // namespace stoa::ta
