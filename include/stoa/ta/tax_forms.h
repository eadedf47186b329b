// Tax reporting data from the ledger's dividends (docs/transfer-agent.md, "Tax forms"): the
// DividendDistributor's DividendPaid events, projected into the register (register.h), summed per
// recipient, security, payment token and jurisdiction for a calendar year into the lines of Form
// 1099-DIV (US persons and holders without a jurisdiction) and Form 1042-S (foreign persons).
// Byte-identical on both back ends: the order and every sum are fixed here, in C++.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/common/u256.h"
#include "stoa/ta/db.h"
#include "stoa/ta/statements.h"

namespace stoa::ta {

struct TaxFormQuery {
  int year = 0;          // calendar year (UTC): payments in blocks stamped in it
  std::string security;  // "" for every security, else its address or symbol
};

// One form line: every payment of one year to one recipient, for one security, in one payment
// token, withheld for one jurisdiction. Amounts in the payment token's smallest unit.
struct TaxFormLine {
  std::string form;                     // "1099-DIV" or "1042-S"
  std::string recipient;                // "stakeholder:ID", or the wallet without a record
  std::optional<int64_t> stakeholder;   // the investor record's id
  std::set<std::string> wallets;        // the recipient's paid wallets (lowercase)
  std::string jurisdiction;             // from the events: "US", "DE", ...; "" none on record
  std::string security, symbol;         // the paying security
  std::string payment_token, currency;  // currency: the payment token's symbol
  int64_t decimals = 0;                 // of the payment token
  size_t payments = 0;
  U256 gross, withheld, net;
  std::set<int64_t> rates_bps;  // the withholding rates applied
  bool usd = false;             // a US-dollar payment token (its symbol begins with "USD")
  bool required = false;        // see tax_forms()
};

struct TaxFormReport {
  int year = 0;
  std::string security;      // the filter ("" every security), as a token address
  uint64_t as_of_block = 0;  // the last block of the year the register holds
  std::string as_of_block_hash;
  std::vector<TaxFormLine> lines;  // by form, recipient (records by id, then wallets), security,
                                   // payment token, jurisdiction
};

// The year's lines. Form 1099-DIV for payments withheld for jurisdiction "US" or none (a holder
// with no jurisdiction on record: backup withholding), Form 1042-S for any other jurisdiction.
// `required`: a 1042-S line always (no threshold for a foreign person's dividends); a 1099-DIV
// line when its gross is at least $10 or tax was withheld, and always when the payment token is
// not a US-dollar one (the conversion is the filer's). Throws QueryError for an unknown security
// or a year outside 1970-9998.
TaxFormReport tax_forms(Db& db, const TaxFormQuery& q);
std::string tax_forms_csv(const TaxFormReport& r);
nlohmann::json tax_forms_json(const TaxFormReport& r);

// The year's dividend payments to `wallets` that a 1099-DIV reports (jurisdiction "US" or none),
// as the year-end statement takes them: gross (box 1a), withheld (box 4); qualified dividends and
// foreign tax are not on the ledger (0). Currency "USD" for a US-dollar payment token, else its
// symbol (form_1099_div() refuses it).
std::vector<DividendPayment> statement_dividends(Db& db, const std::vector<std::string>& wallets,
                                                 int year);

// The year-end statement of `stakeholder` (statements.h) with its 1099-DIV section filled from
// the register's dividend payments to the stakeholder's wallets. Throws QueryError / RecordError.
HolderStatement register_statement(Db& db, InvestorRecords& records, int64_t stakeholder, int year,
                                   const std::string& actor);

}  // namespace stoa::ta
