// The holder list and the transfer journal (include/stoa/ta/reports.h).
#include "stoa/ta/reports.h"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "stoa/common/address.h"
#include "stoa/ta/amount.h"

namespace stoa::ta {
namespace {

std::string checksum(const std::string& lower) {
  const auto a = Address::parse(lower);
  return a ? a->checksum_hex() : lower;
}

}  // namespace

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

CapTable holder_list(Db& db, InvestorRecords& records, const CapTableQuery& q) {
  CapTableQuery hq = q;
  hq.purpose = "holder list";
  return cap_table(db, &records, hq);
}

std::string holder_list_csv(Db& db, InvestorRecords& records, const CapTableQuery& q) {
  return holder_list_csv(holder_list(db, records, q));
}

std::string holder_list_csv(const CapTable& t) {
  std::string out =
      "holder,balance,percent,stakeholder_id,kind,legal_name,jurisdiction,accreditation\n";
  for (const CapTableHolder& h : t.holders) {
    out += checksum(h.holder) + "," + h.balance.to_dec() + "," + h.percent + "," +
           (h.stakeholder ? std::to_string(*h.stakeholder) : "") + "," + h.kind + "," +
           csv_field(h.legal_name) + "," + h.jurisdiction + "," + h.accreditation + "\n";
  }
  return out;
}

namespace {

// A split's positions that changed, as movements of kind "split" (docs/transfer-agent.md,
// "Splits"): an increase from the zero address to the holder, a decrease from the holder to it,
// with the reason and document of the split's CorporateAction("SPLIT"); merged into the journal
// at the Split event's position (holders in address order).
void add_split_entries(Db& db, const std::string& token, int64_t start, int64_t end,
                       std::vector<JournalEntry>& out) {
  const std::string zero = "0x" + std::string(40, '0');
  std::vector<JournalEntry> splits;
  for (const DbRow& r : db.query(
           "SELECT p.block, b.timestamp, p.log_index, s.tx_hash, p.holder, p.balance_before, "
           "p.balance_after, COALESCE(a.reason, ''), COALESCE(a.document, '') FROM split_positions "
           "p JOIN register_blocks b ON b.number = p.block JOIN splits s ON s.security = "
           "p.security AND s.split_id = p.split_id LEFT JOIN corporate_actions a ON a.block = "
           "p.block AND a.tx_hash = s.tx_hash AND a.security = p.security AND a.action = 'SPLIT' "
           "WHERE p.security = ? AND b.timestamp >= ? AND b.timestamp < ? AND p.balance_before <> "
           "p.balance_after ORDER BY p.block, p.log_index, p.holder",
           {token, start, end})) {
    const U256 before = *decode_amount(r.text(5));
    const U256 after = *decode_amount(r.text(6));
    const bool up = after > before;
    splits.push_back({static_cast<uint64_t>(r.i64(0)), static_cast<uint64_t>(r.i64(1)), r.i64(2),
                      r.text(3), "split", up ? zero : r.text(4), up ? r.text(4) : zero,
                      up ? *after.checked_sub(before) : *before.checked_sub(after), r.text(7),
                      r.text(8), "SPLIT"});
  }
  if (splits.empty()) return;
  std::vector<JournalEntry> merged;
  merged.reserve(out.size() + splits.size());
  std::merge(out.begin(), out.end(), splits.begin(), splits.end(), std::back_inserter(merged),
             [](const JournalEntry& a, const JournalEntry& b) {
               return std::tie(a.block, a.log_index) < std::tie(b.block, b.log_index);
             });
  out = std::move(merged);
}

}  // namespace

std::vector<JournalEntry> transfer_journal(Db& db, const std::string& security,
                                           const std::string& from, const std::string& to) {
  const std::string token = security_token(db, security);
  const int64_t start = day_start_utc(from);
  const int64_t end = day_start_utc(to) + 86400;
  if (end <= start) throw QueryError("the period ends before it starts");
  std::vector<JournalEntry> out;
  for (const DbRow& r : db.query(
           "SELECT m.block, b.timestamp, m.log_index, m.tx_hash, m.kind, m.from_addr, m.to_addr, "
           "m.amount, m.reason, m.document, m.action FROM movements m JOIN register_blocks b ON "
           "b.number = m.block WHERE m.security = ? AND b.timestamp >= ? AND b.timestamp < ? "
           "ORDER BY m.block, m.log_index",
           {token, start, end})) {
    out.push_back({static_cast<uint64_t>(r.i64(0)), static_cast<uint64_t>(r.i64(1)), r.i64(2),
                   r.text(3), r.text(4), r.text(5), r.text(6), *decode_amount(r.text(7)), r.text(8),
                   r.text(9), r.text(10)});
  }
  add_split_entries(db, token, start, end, out);
  return out;
}

std::string transfer_journal_csv(const std::vector<JournalEntry>& j) {
  std::string out = "block,time,log_index,tx_hash,kind,from,to,amount,reason,document,action\n";
  for (const JournalEntry& e : j) {
    out += std::to_string(e.block) + "," + utc_time(e.timestamp) + "," +
           std::to_string(e.log_index) + "," + e.tx_hash + "," + e.kind + "," + checksum(e.from) +
           "," + checksum(e.to) + "," + e.amount.to_dec() + "," + csv_field(e.reason) + "," +
           e.document + "," + e.action + "\n";
  }
  return out;
}

nlohmann::json transfer_journal_json(const std::vector<JournalEntry>& j) {
  nlohmann::json out = nlohmann::json::array();
  for (const JournalEntry& e : j) {
    out.push_back({{"block", e.block},
                   {"time", utc_time(e.timestamp)},
                   {"logIndex", e.log_index},
                   {"transactionHash", e.tx_hash},
                   {"kind", e.kind},
                   {"from", checksum(e.from)},
                   {"to", checksum(e.to)},
                   {"amount", e.amount.to_dec()},
                   {"reason", e.reason},
                   {"document", e.document},
                   {"action", e.action}});
  }
  return out;
}

std::vector<SplitFraction> split_fractions(Db& db, const std::string& security, uint64_t split_id) {
  const std::string token = security_token(db, security);
  const auto id = static_cast<int64_t>(split_id);
  const auto s = db.query_one("SELECT denominator FROM splits WHERE security = ? AND split_id = ?",
                              {token, id});
  if (!s) throw QueryError("no split " + std::to_string(split_id) + " of " + security);
  const U256 denominator = *decode_amount(s->text(0));
  std::vector<SplitFraction> out;
  for (const DbRow& r :
       db.query("SELECT holder, balance_before, balance_after, fraction FROM split_positions WHERE "
                "security = ? AND split_id = ? ORDER BY holder",
                {token, id})) {
    out.push_back({r.text(0), *decode_amount(r.text(1)), *decode_amount(r.text(2)),
                   *decode_amount(r.text(3)), denominator});
  }
  return out;
}

}  // namespace stoa::ta
