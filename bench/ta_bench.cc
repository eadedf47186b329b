// The transfer agent's reports at scale (docs/PERFORMANCE.md, "Transfer agent"): projection
// catch-up (events/s), the cap table at a past date, and the holder-list export (CSV and XLSX),
// for a register of STOA_TA_BENCH_HOLDERS holders (default 100,000; 1,000,000 for the figures in
// docs/PERFORMANCE.md). The blocks are synthesized (a SecurityCreated, then mints of
// STOA_TA_BENCH_PER_BLOCK Transfer events per block, a day apart, then a day of transfers), so
// the figure is the projection's own, not the execution's. The database is SQLite in
// STOA_BENCH_DIR (default a temporary directory), or STOA_TA_BENCH_DB (postgresql://...).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include <unistd.h>
#include "stoa/common/keccak.h"

#include "stoa/core/state.h"
#include "stoa/ta/cap_table.h"
#include "stoa/ta/register.h"
#include "stoa/ta/reports.h"
#include "stoa/ta/xlsx_report.h"

namespace {

using namespace stoa;
using Clock = std::chrono::steady_clock;

size_t env_size(const char* name, size_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 10) : fallback;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds of this process since `c` (on a shared machine, wall time mostly measures the
// others).
double cpu_since(std::clock_t c) {
  return static_cast<double>(std::clock() - c) / CLOCKS_PER_SEC;
}

constexpr uint64_t kStart = 1767225600;  // 2026-01-01T00:00:00Z

Address holder(size_t i) {
  Address a;
  a.b[0] = 0x10;
  for (int k = 0; k < 8; ++k)
    a.b[19 - k] = static_cast<uint8_t>((i + 1) >> (8 * k));
  return a;
}

core::Log transfer_log(const Address& token, const Address& from, const Address& to, uint64_t v) {
  core::Log l;
  l.address = token;
  l.topics = {keccak256(std::string_view("Transfer(address,address,uint256)")), from.to_word(),
              to.to_word()};
  l.data.resize(32);
  U256(v).to_be(l.data.data());
  return l;
}

class Blocks {
 public:
  chain::Block next(uint64_t day) {
    chain::Block b;
    b.header.number = n_;
    b.header.timestamp = kStart + day * 86400 + 600;
    b.header.parent_hash = hash_;
    hash_ = keccak256(std::string_view(std::to_string(n_) + "block"));
    b.hash = hash_;
    ++n_;
    return b;
  }
  static void add_receipt(chain::Block& b, std::vector<core::Log> logs) {
    chain::Receipt r;
    r.success = true;
    r.transaction_hash = keccak256(std::string_view(std::to_string(b.receipts.size()) + "tx"));
    r.logs = std::move(logs);
    b.transactions.emplace_back();
    b.receipts.push_back(std::move(r));
  }

 private:
  uint64_t n_ = 0;
  Bytes32 hash_;
};

}  // namespace

int main() {
  const size_t holders = env_size("STOA_TA_BENCH_HOLDERS", 100000);
  const size_t per_block = env_size("STOA_TA_BENCH_PER_BLOCK", 10000);
  std::string dir;
  std::string url;
  if (const char* u = std::getenv("STOA_TA_BENCH_DB")) {
    url = u;
  } else {
    const char* d = std::getenv("STOA_BENCH_DIR");
    dir = (d != nullptr ? std::string(d) : std::filesystem::temp_directory_path().string()) +
          "/stoa-ta-bench-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    url = dir + "/ta.sqlite";
  }
  auto db = ta::open_db(url);
  db->relax_commit_durability();
  ta::Register reg(*db);
  Blocks blocks;
  const Address token = holder(1u << 30);
  chain::Block genesis = blocks.next(0);
  core::Log created;
  created.address = core::factory_address();
  created.topics = {keccak256(std::string_view(
                        "SecurityCreated(address,address,uint8,address,address,address,address,"
                        "address)")),
                    token.to_word(), holder(1u << 29).to_word()};
  created.data.resize(32 * 7);
  Blocks::add_receipt(genesis, {created});
  reg.apply(genesis);
  // Projection catch-up: the offering (one mint per holder), then transfers.
  const auto t0 = Clock::now();
  std::clock_t c = std::clock();
  size_t events = 0;
  uint64_t day = 1;
  for (size_t i = 0; i < holders; ++day) {
    chain::Block b = blocks.next(day);
    for (size_t k = 0; k < per_block && i < holders; ++k, ++i)
      Blocks::add_receipt(b, {transfer_log(token, Address{}, holder(i), 1000 + i % 997)});
    events += b.receipts.size();
    reg.apply(b);
  }
  chain::Block moves = blocks.next(day + 1);
  for (size_t i = 0; i + 1 < holders && i < 20000; i += 2)
    Blocks::add_receipt(moves, {transfer_log(token, holder(i), holder(i + 1), 10)});
  events += moves.receipts.size();
  reg.apply(moves);
  const double project = seconds_since(t0);
  std::printf("projection: %zu events in %llu blocks, %.2f s (%.2f s CPU), %.0f events/s\n", events,
              static_cast<unsigned long long>(reg.next_block()), project, cpu_since(c),
              events / project);
  // The cap table at a past date: the day before the transfers.
  const std::string date = ta::utc_date(kStart + day * 86400);
  auto t1 = Clock::now();
  c = std::clock();
  const ta::CapTable t =
      ta::cap_table(*db, nullptr, {token.checksum_hex(), std::nullopt, date, "bench"});
  std::printf("cap table at %s (block %llu): %zu holders, total %s, %.2f s (%.2f s CPU)\n",
              date.c_str(), static_cast<unsigned long long>(t.block), t.holders.size(),
              t.total.to_dec().c_str(), seconds_since(t1), cpu_since(c));
  // The holder-list export.
  ta::InvestorRecords records(*db, std::nullopt);
  t1 = Clock::now();
  c = std::clock();
  const ta::CapTable list =
      ta::holder_list(*db, records, {token.checksum_hex(), std::nullopt, std::nullopt});
  const std::string csv = ta::holder_list_csv(list);
  std::printf("holder list CSV: %zu rows, %.1f MB, %.2f s (%.2f s CPU)\n", list.holders.size(),
              static_cast<double>(csv.size()) / 1e6, seconds_since(t1), cpu_since(c));
  const std::string xlsx = (dir.empty() ? std::string("/tmp") : dir) + "/holders.xlsx";
  t1 = Clock::now();
  c = std::clock();
  ta::write_holder_list_xlsx(list, xlsx);
  std::printf("holder list XLSX (from the cap table in memory): %.1f MB, %.2f s (%.2f s CPU)\n",
              static_cast<double>(std::filesystem::file_size(xlsx)) / 1e6, seconds_since(t1),
              cpu_since(c));
  std::filesystem::remove(xlsx);
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}
