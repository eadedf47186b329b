// Tax reporting data from the ledger's dividends (include/stoa/ta/tax_forms.h).
#include "stoa/ta/tax_forms.h"

#include <array>
#include <map>
#include <tuple>

#include "stoa/ta/amount.h"
#include "stoa/ta/cap_table.h"
#include "stoa/ta/reports.h"

namespace stoa::ta {
namespace {

struct TokenInfo {
  std::string symbol;
  int64_t decimals = 0;
};

bool usd_symbol(const std::string& symbol) {
  return symbol.rfind("USD", 0) == 0;
}

U256 sum(const U256& a, const U256& b) {
  const auto s = a.checked_add(b);
  if (!s) throw QueryError("a dividend sum overflows 2^256");
  return *s;
}

// A year's payments, in ledger order, with their block's timestamp.
struct Paid {
  std::string holder, security, payment_token, jurisdiction;
  U256 gross, withheld, net;
  int64_t rate_bps = 0;
  uint64_t block = 0, timestamp = 0;
  std::string tx_hash;
};

std::vector<Paid> payments_of_year(Db& db, int year, const std::string& security) {
  if (year < 1970 || year > 9998) throw QueryError("a year between 1970 and 9998");
  const int64_t from = day_start_utc(std::to_string(year) + "-01-01");
  const int64_t to = day_start_utc(std::to_string(year + 1) + "-01-01");
  std::string sql =
      "SELECT p.holder, p.security, p.payment_token, p.jurisdiction, p.gross, p.withheld, p.net, "
      "p.rate_bps, p.block, b.timestamp, p.tx_hash FROM dividend_payments p "
      "JOIN register_blocks b ON b.number = p.block WHERE b.timestamp >= ? AND b.timestamp < ?";
  std::vector<DbValue> args{from, to};
  if (!security.empty()) {
    sql += " AND p.security = ?";
    args.emplace_back(security);
  }
  sql += " ORDER BY p.block, p.log_index";
  std::vector<Paid> out;
  for (const DbRow& r : db.query(sql, args)) {
    out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), *decode_amount(r.text(4)),
                   *decode_amount(r.text(5)), *decode_amount(r.text(6)), r.i64(7),
                   static_cast<uint64_t>(r.i64(8)), static_cast<uint64_t>(r.i64(9)), r.text(10)});
  }
  return out;
}

TokenInfo payment_token(Db& db, std::map<std::string, TokenInfo>& cache, const std::string& t) {
  if (auto it = cache.find(t); it != cache.end()) return it->second;
  const auto row = db.query_one("SELECT symbol, decimals FROM payment_tokens WHERE token = ?", {t});
  if (!row) {
    throw QueryError("payment token " + t +
                     " is not in the register (projected before schema 5? run `stoa register "
                     "rebuild`)");
  }
  return cache[t] = TokenInfo{row->text(0), row->i64(1)};
}

std::optional<int64_t> stakeholder_of(Db& db, std::map<std::string, std::optional<int64_t>>& cache,
                                      const std::string& wallet) {
  if (auto it = cache.find(wallet); it != cache.end()) return it->second;
  const auto row =
      db.query_one("SELECT stakeholder_id FROM stakeholder_wallets WHERE wallet = ?", {wallet});
  return cache[wallet] = row ? std::optional<int64_t>(row->i64(0)) : std::nullopt;
}

// Truncated to cents (a US-dollar token's amount).
int64_t cents(const U256& v, int64_t decimals) {
  U256 c = v;
  for (int64_t d = decimals; d > 2; --d)
    c = *c.checked_div(U256(10));
  for (int64_t d = decimals; d < 2; ++d) {
    const auto m = c.checked_mul(U256(10));
    if (!m) throw QueryError("a dividend amount beyond what a tax form can carry");
    c = *m;
  }
  if (!c.fits_u64() || c.low64() > static_cast<uint64_t>(INT64_MAX))
    throw QueryError("a dividend amount beyond what a tax form can carry");
  return static_cast<int64_t>(c.low64());
}

bool form_1099(const std::string& jurisdiction) {
  return jurisdiction.empty() || jurisdiction == "US";
}

void set_required(TaxFormLine& l) {
  if (l.form == "1042-S" || !l.usd) {
    l.required = true;
  } else {
    l.required = cents(l.gross, l.decimals) >= k1099DivThresholdCents || !l.withheld.is_zero();
  }
}

std::string rates_text(const std::set<int64_t>& rates) {
  std::string out;
  for (int64_t r : rates)
    out += (out.empty() ? "" : ";") + std::to_string(r);
  return out;
}

std::string padded(int64_t id) {
  std::string s = std::to_string(id);
  return std::string(20 - s.size(), '0') + s;
}

}  // namespace

TaxFormReport tax_forms(Db& db, const TaxFormQuery& q) {
  TaxFormReport r;
  r.year = q.year;
  if (!q.security.empty()) r.security = security_token(db, q.security);
  const std::vector<Paid> paid = payments_of_year(db, q.year, r.security);
  if (const auto b = block_at_date(db, std::to_string(q.year) + "-12-31")) {
    r.as_of_block = *b;
    const auto row = db.query_one("SELECT hash FROM register_blocks WHERE number = ?",
                                  {static_cast<int64_t>(*b)});
    r.as_of_block_hash = row ? row->text(0) : "";
  }
  std::map<std::string, TokenInfo> tokens;
  std::map<std::string, std::optional<int64_t>> holders;
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>, TaxFormLine>
      lines;
  for (const Paid& p : paid) {
    const TokenInfo t = payment_token(db, tokens, p.payment_token);
    const std::optional<int64_t> id = stakeholder_of(db, holders, p.holder);
    const std::string form = form_1099(p.jurisdiction) ? "1099-DIV" : "1042-S";
    const std::string order = id ? "0" + padded(*id) : "1" + p.holder;
    TaxFormLine& l = lines[{form, order, p.security, p.payment_token, p.jurisdiction}];
    if (l.payments == 0) {
      l.form = form;
      l.stakeholder = id;
      l.recipient = id ? "stakeholder:" + std::to_string(*id) : p.holder;
      l.jurisdiction = p.jurisdiction;
      l.security = p.security;
      l.symbol = security_info(db, p.security).symbol;
      l.payment_token = p.payment_token;
      l.currency = t.symbol;
      l.decimals = t.decimals;
      l.usd = usd_symbol(t.symbol);
    }
    l.wallets.insert(p.holder);
    l.payments += 1;
    l.gross = sum(l.gross, p.gross);
    l.withheld = sum(l.withheld, p.withheld);
    l.net = sum(l.net, p.net);
    l.rates_bps.insert(p.rate_bps);
  }
  for (auto& [key, l] : lines) {
    set_required(l);
    r.lines.push_back(std::move(l));
  }
  return r;
}

std::string tax_forms_csv(const TaxFormReport& r) {
  std::string out =
      "year,form,recipient,wallets,jurisdiction,security,symbol,payment_token,currency,payments,"
      "gross,withheld,net,withholding_rates_bps,required\n";
  for (const TaxFormLine& l : r.lines) {
    std::string wallets;
    for (const std::string& w : l.wallets)
      wallets += (wallets.empty() ? "" : ";") + w;
    const int d = static_cast<int>(l.decimals);
    out += std::to_string(r.year) + "," + l.form + "," + l.recipient + "," + wallets + "," +
           (l.jurisdiction.empty() ? "none" : csv_field(l.jurisdiction)) + "," + l.security + "," +
           csv_field(l.symbol) + "," + l.payment_token + "," + csv_field(l.currency) + "," +
           std::to_string(l.payments) + "," + format_units(l.gross, d) + "," +
           format_units(l.withheld, d) + "," + format_units(l.net, d) + "," +
           rates_text(l.rates_bps) + "," + (l.required ? "yes" : "no") + "\n";
  }
  return out;
}

namespace {

// The boxes of the form the line fills. 1099-DIV: 1a (total ordinary dividends) and 4 (federal
// income tax withheld), in cents, for a US-dollar token. 1042-S: income code 06 (dividends), 2
// (gross income), 3b (chapter 3 tax rate, percent), 7a (federal tax withheld), 13b (the
// recipient's country code), in the payment token's units.
nlohmann::json boxes(const TaxFormLine& l) {
  const int d = static_cast<int>(l.decimals);
  if (l.form == "1099-DIV") {
    if (!l.usd) return nullptr;
    return {{"1a", format_cents(cents(l.gross, l.decimals))},
            {"4", format_cents(cents(l.withheld, l.decimals))}};
  }
  nlohmann::json rate = nullptr;
  if (l.rates_bps.size() == 1)
    rate = format_units(U256(static_cast<uint64_t>(*l.rates_bps.begin())), 2);
  return {{"1", "06"},
          {"2", format_units(l.gross, d)},
          {"3b", rate},
          {"7a", format_units(l.withheld, d)},
          {"13b", l.jurisdiction}};
}

}  // namespace

nlohmann::json tax_forms_json(const TaxFormReport& r) {
  nlohmann::json lines = nlohmann::json::array();
  std::map<std::pair<std::string, std::string>, std::array<U256, 3>> totals;
  for (const TaxFormLine& l : r.lines) {
    const int d = static_cast<int>(l.decimals);
    nlohmann::json rates = nlohmann::json::array();
    for (int64_t x : l.rates_bps)
      rates.push_back(x);
    lines.push_back(
        {{"form", l.form},
         {"recipient", l.recipient},
         {"stakeholder", l.stakeholder ? nlohmann::json(*l.stakeholder) : nlohmann::json(nullptr)},
         {"wallets", l.wallets},
         {"jurisdiction",
          l.jurisdiction.empty() ? nlohmann::json(nullptr) : nlohmann::json(l.jurisdiction)},
         {"security", l.security},
         {"symbol", l.symbol},
         {"paymentToken", l.payment_token},
         {"currency", l.currency},
         {"decimals", l.decimals},
         {"payments", l.payments},
         {"gross", format_units(l.gross, d)},
         {"withheld", format_units(l.withheld, d)},
         {"net", format_units(l.net, d)},
         {"withholdingRatesBps", rates},
         {"required", l.required},
         {"boxes", boxes(l)}});
    auto& t = totals[{l.form, l.payment_token}];
    t[0] = sum(t[0], l.gross);
    t[1] = sum(t[1], l.withheld);
    t[2] = sum(t[2], l.net);
  }
  nlohmann::json tot = nlohmann::json::array();
  for (const auto& [key, t] : totals) {
    int d = 0;
    for (const TaxFormLine& l : r.lines) {
      if (l.payment_token == key.second) d = static_cast<int>(l.decimals);
    }
    tot.push_back({{"form", key.first},
                   {"paymentToken", key.second},
                   {"gross", format_units(t[0], d)},
                   {"withheld", format_units(t[1], d)},
                   {"net", format_units(t[2], d)}});
  }
  return {{"year", r.year},
          {"security", r.security.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.security)},
          {"asOfBlock", r.as_of_block},
          {"asOfBlockHash", r.as_of_block_hash},
          {"lines", lines},
          {"totals", tot}};
}

std::vector<DividendPayment> statement_dividends(Db& db, const std::vector<std::string>& wallets,
                                                 int year) {
  const std::set<std::string> mine(wallets.begin(), wallets.end());
  std::map<std::string, TokenInfo> tokens;
  std::vector<DividendPayment> out;
  for (const Paid& p : payments_of_year(db, year, "")) {
    if (!mine.contains(p.holder) || !form_1099(p.jurisdiction)) continue;
    const TokenInfo t = payment_token(db, tokens, p.payment_token);
    DividendPayment d;
    d.security = p.security;
    d.wallet = p.holder;
    d.block = p.block;
    d.tx_hash = p.tx_hash;
    d.paid_on = utc_date(p.timestamp);
    d.currency = usd_symbol(t.symbol) ? "USD" : t.symbol;
    d.decimals = static_cast<int>(t.decimals);
    d.gross = p.gross;
    d.federal_withheld = p.withheld;
    out.push_back(std::move(d));
  }
  return out;
}

HolderStatement register_statement(Db& db, InvestorRecords& records, int64_t stakeholder, int year,
                                   const std::string& actor) {
  std::vector<std::string> wallets;
  for (const DbRow& r :
       db.query("SELECT wallet FROM stakeholder_wallets WHERE stakeholder_id = ?", {stakeholder}))
    wallets.push_back(r.text(0));
  return holder_statement(db, records, stakeholder, year, statement_dividends(db, wallets, year),
                          actor);
}

}  // namespace stoa::ta
