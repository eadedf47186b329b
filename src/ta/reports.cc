// The holder list and the transfer journal (include/stoa/ta/reports.h).
#include "stoa/ta/reports.h"

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

}  // namespace stoa::ta
