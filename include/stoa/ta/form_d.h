// Form D data (docs/transfer-agent.md, "Form D"): the notice of an exempt offering under
// Regulation D (17 CFR 239.500), items 1 to 16 as JSON. What the ledger knows is derived from the
// register: the date of first sale (the first issuance), the filing deadline (15 calendar days
// after it, Rule 503(a)(1); a deadline on a Saturday or Sunday moves to the Monday — federal
// holidays are not known here and are flagged for the filer to check), the total amount sold
// and the minimum investment accepted (issuances × the price per share), and the number of
// investors and of non-accredited investors (item 14, from the investor records on the date of
// each issuance). What only the issuer knows (its identity, place of business, related persons,
// industry, size, the exemption claimed, commissions, use of proceeds...) comes from a JSON
// document the filer supplies, by item number; items it lacks are listed in "missing".
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "stoa/ta/cap_table.h"

namespace stoa::ta {

struct FormDQuery {
  std::string security;
  std::optional<uint64_t> at_block;  // default: the register's last block
  std::string price_per_share;       // US dollars, at most 2 decimals ("12.50")
  nlohmann::json issuer_items = nlohmann::json::object();  // {"1": {...}, "2": {...}, ...}
  std::string actor = "report";
};

// Throws QueryError (unknown security, no issuance, a malformed price).
nlohmann::json form_d(Db& db, InvestorRecords* records, const FormDQuery& q);

// The filing deadline for a first sale on `date` (YYYY-MM-DD): 15 days later, moved from a
// Saturday or Sunday to the Monday.
std::string form_d_deadline(const std::string& first_sale_date);

// "12.50" -> 1250 (cents). Throws QueryError.
U256 parse_dollars(const std::string& s);
// 1250 -> "12.50".
std::string format_dollars(const U256& cents);

}  // namespace stoa::ta
