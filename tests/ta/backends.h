// The database back ends the transfer-agent tests run against: SQLite (a fresh file) and a real
// PostgreSQL server that the test binary starts itself (initdb into a temporary directory,
// pg_ctl on a private Unix socket directory, no TCP port), once per test binary, stopped by its
// PID when the binary ends (a gtest Environment, so also after failed tests). As root (CI), the
// server runs as `nobody` (initdb refuses root), through runuser.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "stoa/ta/db.h"

namespace stoa::ta::testing {

enum class Backend { kSqlite, kPostgres };

// A fresh, empty database on `b` (its own SQLite file, or its own PostgreSQL database); `url`
// receives what open_db() takes to open it again.
std::unique_ptr<Db> fresh_db(Backend b, std::string* url = nullptr);

// A fresh temporary directory, removed when the binary ends.
std::string temp_dir();

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace stoa::ta::testing
