// Year-end holder statements (docs/transfer-agent.md, "Year-end statements"): for one
// stakeholder and one calendar year, every security held through any of its wallets with the
// balance at the start and the end of the year (the register at the end of 31 December UTC) and
// the year's movements; and a Form 1099-DIV section (boxes 1a, 1b, 4, 7; the $10 threshold)
// computed from dividend payments. As data (JSON) and as PDF (libharu).
//
// Dividends: the caller passes the year's payments to the holder's wallets (DividendPayment);
// register_statement() (tax_forms.h) reads them from the register's DividendPaid rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/common/bytes.h"
#include "stoa/common/u256.h"
#include "stoa/ta/db.h"
#include "stoa/ta/investors.h"
#include "stoa/ta/reports.h"

namespace stoa::ta {

inline constexpr int64_t k1099DivThresholdCents = 1000;  // $10 of dividends (IRS instructions)

// One dividend paid to one of the holder's wallets (from the DividendDistributor's DividendPaid
// events: tax_forms.h).
// Amounts in the payment token's smallest unit; the 1099 reports US dollars, so the payment
// token must be a USD one (`currency` "USD").
struct DividendPayment {
  std::string security;  // the token paying (lowercase address)
  std::string wallet;    // the payee (lowercase address)
  uint64_t block = 0;
  std::string tx_hash;
  std::string paid_on;  // YYYY-MM-DD (UTC)
  std::string currency = "USD";
  int decimals = 2;       // of the payment token
  U256 gross;             // total ordinary dividends (box 1a)
  U256 qualified;         // of which qualified dividends (box 1b); at most gross
  U256 federal_withheld;  // federal income tax withheld (box 4)
  U256 foreign_tax_paid;  // foreign tax paid (box 7)
};

// Form 1099-DIV amounts in US cents. Each box is the exact sum of the payments in token units,
// converted to cents once and truncated (never rounded up); `required` when box 1a is at least
// $10 or any federal tax was withheld (a withholding is always reported).
struct Form1099Div {
  int64_t box_1a = 0, box_1b = 0, box_4 = 0, box_7 = 0;
  bool required = false;
};
// Throws QueryError for a payment not in USD or with qualified > gross.
Form1099Div form_1099_div(const std::vector<DividendPayment>& payments);
std::string format_cents(int64_t cents);  // "1234.05"

struct StatementHolding {
  std::string token, symbol, name;
  int64_t decimals = 0;
  U256 opening, closing;                // summed over the holder's wallets
  std::vector<JournalEntry> movements;  // the year's movements to or from the holder's wallets
};

struct HolderStatement {
  int year = 0;
  int64_t stakeholder_id = 0;
  std::string kind, legal_name;
  std::vector<std::string> postal_addresses;
  std::string tax_id_masked;  // the last four characters only ("***-**-6789" style)
  std::string tax_id_type, tax_residency;
  std::vector<std::string> wallets;  // lowercase
  uint64_t as_of_block = 0;          // the last block of the year the register holds
  std::string as_of_block_hash;
  std::vector<StatementHolding> holdings;
  std::vector<DividendPayment> dividends;
  Form1099Div form_1099_div;
};

// Builds the statement of `stakeholder` for `year` (the record read is audited as "read" by
// `actor`; `records` needs the tax-id key). Throws QueryError / RecordError.
HolderStatement holder_statement(Db& db, InvestorRecords& records, int64_t stakeholder, int year,
                                 const std::vector<DividendPayment>& dividends,
                                 const std::string& actor);
nlohmann::json statement_json(const HolderStatement& s);
// The statement as a PDF document (US Letter, Helvetica; libharu). Throws std::runtime_error.
Bytes statement_pdf(const HolderStatement& s);

// An amount with `decimals` decimals ("1234.5", trailing zeros dropped).
std::string format_units(const U256& v, int decimals);

}  // namespace stoa::ta
