// Form D data (include/stoa/ta/form_d.h).
#include "stoa/ta/form_d.h"

#include <ctime>
#include <set>

#include "stoa/common/address.h"
#include "stoa/ta/amount.h"

namespace stoa::ta {
namespace {

struct Sales {
  std::string first_sale_date;
  U256 shares, min_shares;
  size_t issuances = 0;
  std::set<std::string> investors, non_accredited;  // "#id" of a stakeholder, or a wallet
};

Sales sales(Db& db, InvestorRecords* records, const std::string& token, uint64_t block,
            const std::string& actor) {
  Sales s;
  const auto rows = db.query(
      "SELECT m.to_addr, m.amount, b.timestamp FROM movements m JOIN register_blocks b ON "
      "b.number = m.block WHERE m.security = ? AND m.kind = 'mint' AND m.action = '' AND "
      "m.block <= ? "
      "ORDER BY m.block, m.log_index",
      {token, static_cast<int64_t>(block)});
  if (rows.empty())
    throw QueryError("no issuance of " + token + " up to block " + std::to_string(block) +
                     ": nothing to file");
  std::map<std::string, HolderProfile> profiles;
  if (records != nullptr) {
    std::set<std::string> wallets;
    for (const DbRow& r : rows)
      wallets.insert(r.text(0));
    profiles = records->profiles({wallets.begin(), wallets.end()}, actor, "form d " + token);
  }
  for (const DbRow& r : rows) {
    const U256 v = *decode_amount(r.text(1));
    const std::string date = utc_date(static_cast<uint64_t>(r.i64(2)));
    if (s.issuances++ == 0) {
      s.first_sale_date = date;
      s.min_shares = v;
    }
    s.shares = *s.shares.checked_add(v);
    if (v < s.min_shares) s.min_shares = v;
    const auto it = profiles.find(r.text(0));
    const std::string key =
        it == profiles.end() ? r.text(0) : "#" + std::to_string(it->second.stakeholder_id);
    s.investors.insert(key);
    if (it == profiles.end() || !it->second.accredited_on(date)) s.non_accredited.insert(key);
  }
  return s;
}

U256 times(const U256& a, const U256& b) {
  const auto v = a.checked_mul(b);
  if (!v) throw QueryError("an amount overflows uint256");
  return *v;
}

}  // namespace

U256 parse_dollars(const std::string& s) {
  const size_t dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  const auto digits = [](const std::string& d) {
    return d.find_first_not_of("0123456789") == std::string::npos;
  };
  if (whole.empty() || whole.size() > 30 || frac.size() > 2 || !digits(whole) || !digits(frac) ||
      (dot != std::string::npos && frac.empty())) {
    throw QueryError("a price is dollars with at most 2 decimals (\"12.50\"), got \"" + s + "\"");
  }
  return *U256::from_dec(whole + frac + std::string(2 - frac.size(), '0'));
}

std::string format_dollars(const U256& cents) {
  std::string d = cents.to_dec();
  if (d.size() < 3) d = std::string(3 - d.size(), '0') + d;
  return d.substr(0, d.size() - 2) + "." + d.substr(d.size() - 2);
}

std::string form_d_deadline(const std::string& first_sale_date) {
  auto t = static_cast<std::time_t>(day_start_utc(first_sale_date) + 15 * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  if (tm.tm_wday == 6) t += 2 * 86400;  // Saturday -> Monday
  if (tm.tm_wday == 0) t += 86400;      // Sunday -> Monday
  return utc_date(static_cast<uint64_t>(t));
}

nlohmann::json form_d(Db& db, InvestorRecords* records, const FormDQuery& q) {
  const SecurityInfo sec = security_info(db, q.security);
  CapTableQuery cq;
  cq.security = sec.token;
  cq.at_block = q.at_block;
  const uint64_t block = query_block(db, cq);
  const U256 price = parse_dollars(q.price_per_share);
  const Sales s = sales(db, records, sec.token, block, q.actor);
  nlohmann::json items = nlohmann::json::object();
  nlohmann::json missing = nlohmann::json::array();
  for (int i = 1; i <= 16; ++i) {
    const std::string k = std::to_string(i);
    items[k] = q.issuer_items.contains(k) ? q.issuer_items[k] : nlohmann::json::object();
  }
  items["7"]["dateOfFirstSale"] = s.first_sale_date;
  items["9"]["typesOfSecurities"] =
      items["9"].value("typesOfSecurities", nlohmann::json::array({"equity"}));
  items["11"]["minimumInvestmentAccepted"] = format_dollars(times(s.min_shares, price));
  items["13"]["totalAmountSold"] = format_dollars(times(s.shares, price));
  items["13"]["sharesSold"] = s.shares.to_dec();
  items["13"]["pricePerShare"] = format_dollars(price);
  if (items["13"].contains("totalOfferingAmount") &&
      items["13"]["totalOfferingAmount"].is_string() &&
      items["13"]["totalOfferingAmount"] != "Indefinite") {
    const U256 total = parse_dollars(items["13"]["totalOfferingAmount"].get<std::string>());
    const auto left = total.checked_sub(times(s.shares, price));
    items["13"]["totalRemaining"] = left ? format_dollars(*left) : "0.00";
  }
  items["14"]["totalNumberAlreadyInvested"] = s.investors.size();
  items["14"]["numberNonAccreditedInvestors"] = s.non_accredited.size();
  items["14"]["hasNonAccreditedInvestors"] = !s.non_accredited.empty();
  for (int i = 1; i <= 16; ++i) {
    const std::string k = std::to_string(i);
    if (!q.issuer_items.contains(k) && i != 7 && i != 9 && i != 11 && i != 13 && i != 14) {
      missing.push_back(i);
    }
  }
  return {{"security",
           {{"token", Address::parse(sec.token)->checksum_hex()},
            {"symbol", sec.symbol},
            {"name", sec.name}}},
          {"block", block},
          {"dateOfFirstSale", s.first_sale_date},
          {"filingDeadline", form_d_deadline(s.first_sale_date)},
          {"filingDeadlineNote",
           "15 calendar days after the first sale (Rule 503(a)(1)); moved from a weekend to the "
           "Monday; check federal holidays"},
          {"issuances", s.issuances},
          {"items", items},
          {"missing", missing}};
}

}  // namespace stoa::ta
