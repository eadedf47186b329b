// The transfer agent's reports at scale (docs/PERFORMANCE.md, "Transfer agent"): projection
// catch-up (events/s), the cap table at a past date, and the holder-list export (CSV and XLSX),
// for a register of STOA_TA_BENCH_HOLDERS holders (default 100,000; 1,000,000 for the figures in
// docs/PERFORMANCE.md). The blocks are synthesized (a SecurityCreated, then mints of
// STOA_TA_BENCH_PER_BLOCK Transfer events per block, a day apart, then a day of transfers), so
// the figure is the projection's own, not the execution's. The database is SQLite in
// STOA_BENCH_DIR (default a temporary directory), or STOA_TA_BENCH_DB (postgresql://...).
// Then a dividend paid to every holder (DividendPaid events, half of them withheld for a foreign
// jurisdiction) and the year's tax forms (1099-DIV / 1042-S lines). The read steps run
// STOA_TA_BENCH_REPS times (default 3) and print each run and the median. The bench checks its
// answers (holder counts, totals, the tax forms' sums) and exits 1 on a wrong one; the ctest
// bench.ta_smoke runs it at 2,000 holders. Last, a 3-for-2 split: the projection of one Split
// event that rewrites every holder's row, every balance after it checked.
#include <algorithm>
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
#include "stoa/ta/tax_forms.h"
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

core::Log event(const Address& from, std::string_view sig, std::vector<Bytes32> topics,
                const std::vector<U256>& words) {
  core::Log l;
  l.address = from;
  l.topics = {keccak256(sig)};
  for (const Bytes32& t : topics)
    l.topics.push_back(t);
  l.data.resize(32 * words.size());
  for (size_t i = 0; i < words.size(); ++i)
    words[i].to_be(l.data.data() + 32 * i);
  return l;
}

// The factory's PaymentTokenCreated (name "US Dollar", symbol "USD", 2 decimals).
core::Log payment_token_created(const Address& usd) {
  core::Log l =
      event(core::factory_address(), "PaymentTokenCreated(address,address,string,string,uint8)",
            {usd.to_word(), holder(1u << 29).to_word()},
            {U256(96), U256(160), U256(2), U256(9), U256(0), U256(3), U256(0)});
  const std::string name = "US Dollar";
  std::copy(name.begin(), name.end(), l.data.begin() + 32 * 4);
  l.data[32 * 6] = 'U';
  l.data[32 * 6 + 1] = 'S';
  l.data[32 * 6 + 2] = 'D';
  return l;
}

// A DividendPaid of round 1: gross `g`, withheld at `bps` for jurisdiction `j` ("" none).
core::Log dividend_paid(const Address& dist, const Address& to, const Address& usd, uint64_t g,
                        uint64_t bps, const char* j) {
  const uint64_t w = g * bps / 10000;
  U256 jur;
  if (j[0] != 0) {
    jur = U256::from_words(0, 0, 0,
                           (uint64_t{static_cast<uint8_t>(j[0])} << 56) |
                               (uint64_t{static_cast<uint8_t>(j[1])} << 48));
  }
  return event(dist,
               "DividendPaid(uint256,address,address,uint256,uint256,uint256,uint256,uint256,"
               "uint256,bytes2,uint256,address,address)",
               {U256(1).to_bytes32(), to.to_word(), usd.to_word()},
               {U256(1), U256(1), U256(1), U256(g), U256(w), U256(g - w), jur, U256(bps),
                U256::from_bytes32(holder(1u << 27).to_word()),
                U256::from_bytes32(holder(1u << 26).to_word())});
}

template <typename F>
double median_of(size_t reps, const char* what, F f) {
  std::vector<double> runs;
  for (size_t r = 0; r < reps; ++r) {
    const std::clock_t c = std::clock();
    const auto t = Clock::now();
    f();
    runs.push_back(seconds_since(t));
    std::printf("  %s run %zu: %.2f s (%.2f s CPU)\n", what, r + 1, runs.back(), cpu_since(c));
  }
  std::sort(runs.begin(), runs.end());
  const double m = runs[runs.size() / 2];
  std::printf("%s: median of %zu runs %.2f s\n", what, reps, m);
  return m;
}

[[noreturn]] void wrong(const std::string& what) {
  std::fprintf(stderr, "ta_bench: WRONG: %s\n", what.c_str());
  std::exit(1);
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

// Holder i's balance after the offering and the block of transfers (i even gives 10 to i + 1).
U256 balance_of_holder(size_t i, size_t holders) {
  uint64_t b = 1000 + i % 997;
  if (i < 20000 && i % 2 == 0 && i + 1 < holders) b -= 10;
  if (i < 20000 && i % 2 == 1) b += 10;
  return U256(b);
}

// A 3-for-2 split (a Split event, no Transfer): the register rewrites every holder's row
// (balance, history, split position) in one block. The cap table after it must hold every
// holder at floor(balance × 3 / 2), computed here from the balances the bench made.
void project_split(ta::Db& db, ta::Register& reg, Blocks& blocks, const Address& token,
                   size_t holders, uint64_t day) {
  std::vector<U256> after(holders);
  U256 before_sum, after_sum;
  for (size_t i = 0; i < holders; ++i) {
    const U256 b = balance_of_holder(i, holders);
    before_sum = *before_sum.checked_add(b);
    after[i] = *b.mul_div_floor(U256(3), U256(2));
    after_sum = *after_sum.checked_add(after[i]);
  }
  chain::Block b = blocks.next(day);
  Blocks::add_receipt(
      b, {event(token, "Split(uint256,uint256,uint256,uint256,uint256)", {U256(1).to_bytes32()},
                {U256(3), U256(2), before_sum, after_sum})});
  const std::clock_t c = std::clock();
  const auto t = Clock::now();
  reg.apply(b);
  const double took = seconds_since(t);
  std::printf(
      "projection of a 3-for-2 split over %zu holders: %.2f s (%.2f s CPU), %.0f "
      "holders/s\n",
      holders, took, cpu_since(c), static_cast<double>(holders) / took);
  const ta::CapTable t2 =
      ta::cap_table(db, nullptr, {token.checksum_hex(), std::nullopt, std::nullopt, "bench"});
  if (t2.holders.size() != holders || t2.total != after_sum) wrong("the cap table after the split");
  for (const ta::CapTableHolder& h : t2.holders) {
    const Address a = *Address::parse(h.holder);
    uint64_t n = 0;
    for (int k = 7; k >= 0; --k)
      n = (n << 8) | a.b[19 - k];
    if (n == 0 || n > holders || h.balance != after[n - 1]) wrong("a balance after the split");
  }
}

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
  const size_t reps = std::max<size_t>(1, env_size("STOA_TA_BENCH_REPS", 3));
  // The cap table at a past date: the day before the transfers.
  const std::string date = ta::utc_date(kStart + day * 86400);
  U256 expect_total;
  for (size_t i = 0; i < holders; ++i)
    expect_total = *expect_total.checked_add(U256(1000 + i % 997));
  median_of(reps, "cap table at a past date", [&] {
    const ta::CapTable t =
        ta::cap_table(*db, nullptr, {token.checksum_hex(), std::nullopt, date, "bench"});
    if (t.holders.size() != holders || t.total != expect_total) wrong("the cap table at " + date);
  });
  // The holder-list export.
  ta::InvestorRecords records(*db, std::nullopt);
  ta::CapTable list;
  median_of(reps, "holder list CSV", [&] {
    list = ta::holder_list(*db, records, {token.checksum_hex(), std::nullopt, std::nullopt});
    const std::string csv = ta::holder_list_csv(list);
    if (list.holders.size() != holders) wrong("the holder list");
    std::printf("  holder list CSV: %zu rows, %.1f MB\n", list.holders.size(),
                static_cast<double>(csv.size()) / 1e6);
  });
  const std::string xlsx = (dir.empty() ? std::string("/tmp") : dir) + "/holders.xlsx";
  median_of(reps, "holder list XLSX (from the cap table in memory)", [&] {
    ta::write_holder_list_xlsx(list, xlsx);
    std::printf("  XLSX: %.1f MB\n", static_cast<double>(std::filesystem::file_size(xlsx)) / 1e6);
  });
  std::filesystem::remove(xlsx);
  // A dividend to every holder: projection of the DividendPaid events, then the tax forms.
  const Address usd = holder(1u << 28);
  const Address dist = holder(1u << 25);
  chain::Block setup = blocks.next(day + 2);
  Blocks::add_receipt(setup, {payment_token_created(usd)});
  Blocks::add_receipt(
      setup,
      {event(core::factory_address(), "DividendDistributorCreated(address,address,address)",
             {dist.to_word(), token.to_word()}, {U256::from_bytes32(holder(1u << 27).to_word())})});
  reg.apply(setup);
  const auto t2 = Clock::now();
  c = std::clock();
  U256 gross, withheld;
  for (size_t i = 0; i < holders; ++day) {
    chain::Block b = blocks.next(day + 3);
    for (size_t k = 0; k < per_block && i < holders; ++k, ++i) {
      const bool foreign = i % 2 == 1;
      const uint64_t g = 500 + i % 1999;
      Blocks::add_receipt(
          b, {dividend_paid(dist, holder(i), usd, g, foreign ? 1500 : 0, foreign ? "DE" : "US")});
      gross = *gross.checked_add(U256(g));
      withheld = *withheld.checked_add(U256(foreign ? g * 1500 / 10000 : 0));
    }
    reg.apply(b);
  }
  const double paid = seconds_since(t2);
  std::printf("projection of %zu DividendPaid events: %.2f s (%.2f s CPU), %.0f events/s\n",
              holders, paid, cpu_since(c), holders / paid);
  median_of(reps, "tax forms for the year (every payment)", [&] {
    const ta::TaxFormReport r = ta::tax_forms(*db, {2026, token.checksum_hex()});
    U256 g, w;
    for (const ta::TaxFormLine& l : r.lines) {
      g = *g.checked_add(l.gross);
      w = *w.checked_add(l.withheld);
    }
    const std::string csv = ta::tax_forms_csv(r);
    if (r.lines.size() != holders || g != gross || w != withheld) wrong("the tax forms");
    std::printf("  %zu lines, %.1f MB of CSV\n", r.lines.size(),
                static_cast<double>(csv.size()) / 1e6);
  });
  project_split(*db, reg, blocks, token, holders, day + 4);
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}
