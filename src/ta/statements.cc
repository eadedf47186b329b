// Year-end holder statements (include/stoa/ta/statements.h).
#include "stoa/ta/statements.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <map>

#include "stoa/ta/amount.h"
#include "stoa/ta/cap_table.h"

namespace stoa::ta {
namespace {

U256 pow10(int n) {
  U256 v(1);
  for (int i = 0; i < n; ++i)
    v = *v.checked_mul(U256(10));
  return v;
}

// Truncated to cents.
int64_t to_cents(const U256& v, int decimals) {
  const U256 c =
      decimals >= 2 ? *v.checked_div(pow10(decimals - 2)) : *v.checked_mul(pow10(2 - decimals));
  if (!c.fits_u64() || c.low64() > static_cast<uint64_t>(INT64_MAX)) {
    throw QueryError("a dividend amount beyond what a tax form can carry");
  }
  return static_cast<int64_t>(c.low64());
}

U256 add(const U256& a, const U256& b) {
  const auto s = a.checked_add(b);
  if (!s) throw QueryError("an amount overflows 2^256");
  return *s;
}

std::string mask_tax_id(const std::string& id) {
  std::string out = id;
  int keep = 4;
  for (auto it = out.rbegin(); it != out.rend(); ++it) {
    if (std::isalnum(static_cast<unsigned char>(*it)) == 0) continue;
    if (keep > 0) {
      --keep;
    } else {
      *it = '*';
    }
  }
  return out;
}

U256 balance_at(Db& db, const std::string& token, const std::vector<std::string>& wallets,
                std::optional<uint64_t> block) {
  U256 sum;
  if (!block) return sum;
  for (const std::string& w : wallets) {
    const auto row = db.query_one(
        "SELECT balance FROM balance_history WHERE security = ? AND holder = ? AND block <= ? "
        "ORDER BY block DESC LIMIT 1",
        {token, w, static_cast<int64_t>(*block)});
    if (row) sum = add(sum, *decode_amount(row->text(0)));
  }
  return sum;
}

std::vector<StatementHolding> holdings_of(Db& db, const std::vector<std::string>& wallets, int year,
                                          std::optional<uint64_t> opening_block,
                                          std::optional<uint64_t> closing_block) {
  std::vector<StatementHolding> out;
  const std::string y = std::to_string(year);
  for (const DbRow& r :
       db.query("SELECT token, symbol, name, decimals FROM securities ORDER BY token", {})) {
    StatementHolding h;
    h.token = r.text(0);
    h.symbol = r.text(1);
    h.name = r.text(2);
    h.decimals = r.i64(3);
    h.opening = balance_at(db, h.token, wallets, opening_block);
    h.closing = balance_at(db, h.token, wallets, closing_block);
    for (JournalEntry& e : transfer_journal(db, h.token, y + "-01-01", y + "-12-31")) {
      const bool mine = std::find(wallets.begin(), wallets.end(), e.from) != wallets.end() ||
                        std::find(wallets.begin(), wallets.end(), e.to) != wallets.end();
      if (mine) h.movements.push_back(std::move(e));
    }
    if (!h.opening.is_zero() || !h.closing.is_zero() || !h.movements.empty()) {
      out.push_back(std::move(h));
    }
  }
  return out;
}

}  // namespace

std::string format_units(const U256& v, int decimals) {
  std::string s = v.to_dec();
  if (decimals <= 0) return s;
  const auto d = static_cast<size_t>(decimals);
  if (s.size() <= d) s.insert(0, d + 1 - s.size(), '0');
  std::string frac = s.substr(s.size() - d);
  s.resize(s.size() - d);
  while (!frac.empty() && frac.back() == '0')
    frac.pop_back();
  return frac.empty() ? s : s + "." + frac;
}

std::string format_cents(int64_t cents) {
  std::string c = std::to_string(cents % 100);
  if (c.size() < 2) c.insert(0, "0");
  return std::to_string(cents / 100) + "." + c;
}

Form1099Div form_1099_div(const std::vector<DividendPayment>& payments) {
  // Exact sums per payment token precision, converted once (payments of one token share it).
  std::map<int, std::array<U256, 4>> sums;
  for (const DividendPayment& p : payments) {
    if (p.currency != "USD")
      throw QueryError("a 1099-DIV reports US dollars: a payment in " + p.currency);
    if (p.qualified > p.gross) throw QueryError("qualified dividends above the gross dividend");
    if (p.decimals < 0 || p.decimals > 36) throw QueryError("a payment token's decimals: 0-36");
    auto& s = sums[p.decimals];
    s[0] = add(s[0], p.gross);
    s[1] = add(s[1], p.qualified);
    s[2] = add(s[2], p.federal_withheld);
    s[3] = add(s[3], p.foreign_tax_paid);
  }
  Form1099Div f;
  for (const auto& [decimals, s] : sums) {
    f.box_1a += to_cents(s[0], decimals);
    f.box_1b += to_cents(s[1], decimals);
    f.box_4 += to_cents(s[2], decimals);
    f.box_7 += to_cents(s[3], decimals);
  }
  f.required = f.box_1a >= k1099DivThresholdCents || f.box_4 > 0;
  return f;
}

HolderStatement holder_statement(Db& db, InvestorRecords& records, int64_t stakeholder, int year,
                                 const std::vector<DividendPayment>& dividends,
                                 const std::string& actor) {
  if (year < 1970 || year > 9998) throw QueryError("a year between 1970 and 9998");
  const auto rec = records.read(stakeholder, actor);
  if (!rec) throw RecordError("no stakeholder " + std::to_string(stakeholder));
  HolderStatement s;
  s.year = year;
  s.stakeholder_id = stakeholder;
  s.kind = rec->kind;
  s.legal_name = rec->legal_name;
  s.postal_addresses = rec->addresses;
  s.tax_id_masked = mask_tax_id(rec->tax_id);
  s.tax_id_type = rec->tax_id_type;
  s.tax_residency = rec->tax_residency;
  for (const DbRow& r :
       db.query("SELECT wallet FROM stakeholder_wallets WHERE stakeholder_id = ? ORDER BY wallet",
                {stakeholder}))
    s.wallets.push_back(r.text(0));
  const auto closing = block_at_date(db, std::to_string(year) + "-12-31");
  const auto opening = block_at_date(db, std::to_string(year - 1) + "-12-31");
  if (closing) {
    s.as_of_block = *closing;
    const auto h = db.query_one("SELECT hash FROM register_blocks WHERE number = ?",
                                {static_cast<int64_t>(*closing)});
    if (h) s.as_of_block_hash = h->text(0);
  }
  s.holdings = holdings_of(db, s.wallets, year, opening, closing);
  const std::string y = std::to_string(year);
  for (const DividendPayment& p : dividends) {
    if (p.paid_on.starts_with(y + "-") &&
        std::find(s.wallets.begin(), s.wallets.end(), p.wallet) != s.wallets.end()) {
      s.dividends.push_back(p);
    }
  }
  s.form_1099_div = form_1099_div(s.dividends);
  return s;
}

nlohmann::json statement_json(const HolderStatement& s) {
  nlohmann::json holdings = nlohmann::json::array();
  for (const StatementHolding& h : s.holdings) {
    nlohmann::json moves = nlohmann::json::array();
    for (const JournalEntry& e : h.movements) {
      moves.push_back({{"block", e.block},
                       {"date", utc_date(e.timestamp)},
                       {"kind", e.kind},
                       {"from", e.from},
                       {"to", e.to},
                       {"amount", e.amount.to_dec()},
                       {"txHash", e.tx_hash}});
    }
    holdings.push_back({{"token", h.token},
                        {"symbol", h.symbol},
                        {"name", h.name},
                        {"decimals", h.decimals},
                        {"opening", h.opening.to_dec()},
                        {"closing", h.closing.to_dec()},
                        {"movements", moves}});
  }
  nlohmann::json divs = nlohmann::json::array();
  for (const DividendPayment& p : s.dividends) {
    divs.push_back({{"security", p.security},
                    {"wallet", p.wallet},
                    {"block", p.block},
                    {"txHash", p.tx_hash},
                    {"paidOn", p.paid_on},
                    {"currency", p.currency},
                    {"decimals", p.decimals},
                    {"gross", p.gross.to_dec()},
                    {"qualified", p.qualified.to_dec()},
                    {"federalWithheld", p.federal_withheld.to_dec()},
                    {"foreignTaxPaid", p.foreign_tax_paid.to_dec()}});
  }
  const Form1099Div& f = s.form_1099_div;
  return {{"year", s.year},
          {"stakeholderId", s.stakeholder_id},
          {"kind", s.kind},
          {"legalName", s.legal_name},
          {"postalAddresses", s.postal_addresses},
          {"taxId", s.tax_id_masked},
          {"taxIdType", s.tax_id_type},
          {"taxResidency", s.tax_residency},
          {"wallets", s.wallets},
          {"asOfBlock", s.as_of_block},
          {"asOfBlockHash", s.as_of_block_hash},
          {"holdings", holdings},
          {"dividends", divs},
          {"form1099Div",
           {{"box1a", format_cents(f.box_1a)},
            {"box1b", format_cents(f.box_1b)},
            {"box4", format_cents(f.box_4)},
            {"box7", format_cents(f.box_7)},
            {"required", f.required},
            {"thresholdUsd", format_cents(k1099DivThresholdCents)}}}};
}

}  // namespace stoa::ta
