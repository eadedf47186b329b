// The cap table at any block or date (include/stoa/ta/cap_table.h).
#include "stoa/ta/cap_table.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "stoa/common/address.h"
#include "stoa/ta/amount.h"

namespace stoa::ta {
namespace {

std::string checksum(const std::string& lower) {
  const auto a = Address::parse(lower);
  return a ? a->checksum_hex() : lower;
}

}  // namespace

std::string utc_date(uint64_t ts) {
  const auto t = static_cast<std::time_t>(ts);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string utc_time(uint64_t ts) {
  const auto t = static_cast<std::time_t>(ts);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

SecurityInfo security_info(Db& db, const std::string& ref) {
  std::vector<DbRow> rows;
  constexpr const char* kSelect = "SELECT token, symbol, name, decimals, issuer FROM securities";
  if (const auto a = Address::parse(ref); a && ref.starts_with("0x")) {
    rows = db.query(std::string(kSelect) + " WHERE token = ?", {a->lower_hex()});
  } else {
    rows = db.query(std::string(kSelect) + " WHERE symbol = ?", {ref});
  }
  if (rows.empty()) throw QueryError("no security " + ref + " in the register");
  if (rows.size() > 1) throw QueryError("several securities have the symbol " + ref);
  return {rows[0].text(0), rows[0].text(1), rows[0].text(2), rows[0].text(4), rows[0].i64(3)};
}

uint64_t query_block(Db& db, const CapTableQuery& q) {
  const auto cursor = db.query_one("SELECT next_block FROM register_cursor WHERE id = 1");
  if (!cursor || cursor->i64(0) == 0) throw QueryError("the register is empty");
  const auto last = static_cast<uint64_t>(cursor->i64(0) - 1);
  if (q.at_block && q.at_date) throw QueryError("give a block or a date, not both");
  if (q.at_block) {
    if (*q.at_block > last) {
      throw QueryError("the register has projected blocks up to " + std::to_string(last) +
                       ", not " + std::to_string(*q.at_block));
    }
    return *q.at_block;
  }
  if (q.at_date) {
    const auto b = block_at_date(db, *q.at_date);
    if (!b) throw QueryError("no block at or before " + *q.at_date);
    return *b;
  }
  return last;
}

namespace {

// Holders of record, by jurisdiction and accreditation; the thresholds' counts.
void count_holders(CapTable& t, const std::map<std::string, HolderProfile>& profiles) {
  std::set<int64_t> seen;
  for (CapTableHolder& h : t.holders) {
    const auto it = profiles.find(h.holder);
    if (it == profiles.end()) {
      h.jurisdiction = "unknown";
      h.accreditation = "unknown";
    } else {
      h.stakeholder = it->second.stakeholder_id;
      h.kind = it->second.kind;
      h.legal_name = it->second.legal_name;
      h.jurisdiction = it->second.tax_residency.empty() ? "unknown" : it->second.tax_residency;
      h.accreditation = it->second.accredited_on(t.date) ? "accredited" : "non-accredited";
    }
    if (h.stakeholder && !seen.insert(*h.stakeholder).second) continue;  // counted already
    ++t.holders_of_record;
    ++t.by_jurisdiction[h.jurisdiction];
    ++t.by_accreditation[h.accreditation];
    if (h.accreditation != "accredited") ++t.non_accredited_holders;
  }
}

}  // namespace

std::string percent_of(const U256& balance, const U256& total) {
  if (total.is_zero()) return "0.0000";
  // floor(balance * 10^6 / total) with a 512-bit intermediate: exact, then floored.
  const std::optional<U256> q = balance.mul_div_floor(U256(1000000), total);
  if (!q) return "-";  // balance > total: not a share of it
  const std::string d = q->to_dec();
  const std::string padded = d.size() < 5 ? std::string(5 - d.size(), '0') + d : d;
  return padded.substr(0, padded.size() - 4) + "." + padded.substr(padded.size() - 4);
}

std::string security_token(Db& db, const std::string& ref) {
  return security_info(db, ref).token;
}

int64_t day_start_utc(const std::string& date) {
  if (!is_iso_date(date)) throw QueryError("a date is YYYY-MM-DD, got \"" + date + "\"");
  std::tm tm{};
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(8, 2));
  return static_cast<int64_t>(timegm(&tm));
}

std::optional<uint64_t> block_at_date(Db& db, const std::string& date) {
  const int64_t end = day_start_utc(date) + 86400;
  const auto row = db.query_one(
      "SELECT number FROM register_blocks WHERE timestamp < ? ORDER BY number DESC LIMIT 1", {end});
  if (!row) return std::nullopt;
  return static_cast<uint64_t>(row->i64(0));
}

CapTable cap_table(Db& db, InvestorRecords* records, const CapTableQuery& q) {
  const SecurityInfo s = security_info(db, q.security);
  CapTable t;
  t.token = s.token;
  t.issuer = s.issuer;
  t.symbol = s.symbol;
  t.name = s.name;
  t.decimals = s.decimals;
  t.block = query_block(db, q);
  const auto b = db.query_one("SELECT hash, timestamp FROM register_blocks WHERE number = ?",
                              {static_cast<int64_t>(t.block)});
  if (!b) throw QueryError("block " + std::to_string(t.block) + " is not in the register");
  t.block_hash = b->text(0);
  t.block_timestamp = static_cast<uint64_t>(b->i64(1));
  t.date = utc_date(t.block_timestamp);
  const auto block = static_cast<int64_t>(t.block);
  for (const DbRow& r : db.query(
           "SELECT h.holder, h.balance FROM balance_history h WHERE h.security = ? AND h.block = "
           "(SELECT MAX(h2.block) FROM balance_history h2 WHERE h2.security = h.security AND "
           "h2.holder = h.holder AND h2.block <= ?)",
           {s.token, block})) {
    const U256 v = *decode_amount(r.text(1));
    if (v.is_zero()) continue;
    t.holders.push_back({r.text(0), v, "", std::nullopt, "", "", "", ""});
    t.total = *t.total.checked_add(v);
  }
  std::sort(t.holders.begin(), t.holders.end(), [](const auto& a, const auto& b2) {
    return a.balance != b2.balance ? a.balance > b2.balance : a.holder < b2.holder;
  });
  for (CapTableHolder& h : t.holders)
    h.percent = percent_of(h.balance, t.total);
  // Purchasers in issuances up to the block, with the date of each issuance.
  const auto mints = db.query(
      "SELECT m.to_addr, b.timestamp FROM movements m JOIN register_blocks b ON b.number = m.block "
      "WHERE m.security = ? AND m.kind = 'mint' AND m.action = '' AND m.block <= ? "
      "ORDER BY m.block, m.log_index",
      {s.token, block});
  std::map<std::string, HolderProfile> profiles;
  if (records != nullptr) {
    std::set<std::string> wallets;
    for (const CapTableHolder& h : t.holders)
      wallets.insert(h.holder);
    for (const DbRow& m : mints)
      wallets.insert(m.text(0));
    profiles =
        records->profiles({wallets.begin(), wallets.end()}, q.actor,
                          q.purpose + " " + t.token + " at block " + std::to_string(t.block));
  }
  count_holders(t, profiles);
  std::set<std::string> non_accredited;  // stakeholder ids, or wallets without a record
  for (const DbRow& m : mints) {
    const auto it = profiles.find(m.text(0));
    const std::string date = utc_date(static_cast<uint64_t>(m.i64(1)));
    if (it == profiles.end()) {
      non_accredited.insert(m.text(0));
    } else if (!it->second.accredited_on(date)) {
      non_accredited.insert("#" + std::to_string(it->second.stakeholder_id));
    }
  }
  t.non_accredited_purchasers = non_accredited.size();
  t.non_accredited_purchaser_keys = std::move(non_accredited);
  if (t.holders_of_record >= k12gHoldersOfRecord) t.flags.push_back("12g-holders-of-record");
  if (t.non_accredited_holders >= k12gNonAccredited) t.flags.push_back("12g-non-accredited");
  if (t.non_accredited_purchasers > k506bNonAccreditedPurchasers) {
    t.flags.push_back("506b-non-accredited-purchasers");
  }
  return t;
}

std::string cap_table_csv(const CapTable& t) {
  std::string out = "holder,balance,percent,stakeholder_id,jurisdiction,accreditation\n";
  for (const CapTableHolder& h : t.holders) {
    out += checksum(h.holder) + "," + h.balance.to_dec() + "," + h.percent + "," +
           (h.stakeholder ? std::to_string(*h.stakeholder) : "") + "," + h.jurisdiction + "," +
           h.accreditation + "\n";
  }
  return out;
}

nlohmann::json cap_table_json(const CapTable& t) {
  nlohmann::json holders = nlohmann::json::array();
  for (const CapTableHolder& h : t.holders) {
    holders.push_back({{"address", checksum(h.holder)},
                       {"balance", h.balance.to_dec()},
                       {"percent", h.percent},
                       {"stakeholderId", h.stakeholder ? nlohmann::json(*h.stakeholder) : nullptr},
                       {"jurisdiction", h.jurisdiction},
                       {"accreditation", h.accreditation}});
  }
  return {{"security",
           {{"token", checksum(t.token)},
            {"symbol", t.symbol},
            {"name", t.name},
            {"decimals", t.decimals},
            {"issuer",
             t.issuer.empty() ? nlohmann::json(nullptr) : nlohmann::json(checksum(t.issuer))}}},
          {"block", t.block},
          {"blockHash", t.block_hash},
          {"blockTimestamp", t.block_timestamp},
          {"date", t.date},
          {"total", t.total.to_dec()},
          {"holderCount", t.holders.size()},
          {"holdersOfRecord", t.holders_of_record},
          {"byJurisdiction", t.by_jurisdiction},
          {"byAccreditation", t.by_accreditation},
          {"nonAccreditedHolders", t.non_accredited_holders},
          {"nonAccreditedPurchasers", t.non_accredited_purchasers},
          {"thresholds",
           {{"holdersOfRecord12g", k12gHoldersOfRecord},
            {"nonAccredited12g", k12gNonAccredited},
            {"nonAccreditedPurchasers506b", k506bNonAccreditedPurchasers}}},
          {"flags", t.flags},
          {"holders", holders}};
}

}  // namespace stoa::ta
