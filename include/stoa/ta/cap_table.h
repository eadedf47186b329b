// The cap table of a security at any block or date, from the secondary register
// (docs/transfer-agent.md, "Cap table at any date"): holders with balances and ownership
// percentages, counts by jurisdiction and accreditation from the investor records, and the
// holder-count thresholds of the Exchange Act and Regulation D flagged. Byte-identical on both
// back ends (the order and every number are fixed here, not by the database).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/common/u256.h"
#include "stoa/ta/db.h"
#include "stoa/ta/investors.h"

namespace stoa::ta {

inline constexpr size_t k12gHoldersOfRecord = 2000;         // Exchange Act §12(g)(1)(A)(i)
inline constexpr size_t k12gNonAccredited = 500;            // §12(g)(1)(A)(ii)
inline constexpr size_t k506bNonAccreditedPurchasers = 35;  // Rule 506(b)(2)(i): at most 35

// A query the caller got wrong (unknown security, a block the register has not reached, a
// malformed date): a clear message; nothing is written.
struct QueryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CapTableQuery {
  std::string security;  // token address or symbol
  std::optional<uint64_t> at_block;
  std::optional<std::string> at_date;  // YYYY-MM-DD: the last block at or before its end (UTC)
  std::string actor = "report";        // for the audit log of the investor records read
  std::string purpose = "cap table";   // for the audit log
};

struct CapTableHolder {
  std::string holder;  // lowercase hex
  U256 balance;
  std::string percent;  // of the total, floored to 4 decimals ("12.3456")
  std::optional<int64_t> stakeholder;
  std::string jurisdiction;      // tax residency; "unknown" without a record
  std::string accreditation;     // "accredited", "non-accredited" or "unknown"
  std::string kind, legal_name;  // from the record ("" without); in the holder list only
};

struct CapTable {
  std::string token, symbol, name, issuer;
  int64_t decimals = 0;
  uint64_t block = 0;
  std::string block_hash;
  uint64_t block_timestamp = 0;
  std::string date;  // the block's UTC date
  U256 total;
  std::vector<CapTableHolder> holders;                  // largest balance first, then by address
  size_t holders_of_record = 0;                         // stakeholders + wallets without a record
  std::map<std::string, size_t> by_jurisdiction;        // holders of record
  std::map<std::string, size_t> by_accreditation;       // holders of record
  size_t non_accredited_holders = 0;                    // non-accredited or unknown
  size_t non_accredited_purchasers = 0;                 // of issuances up to the block
  std::set<std::string> non_accredited_purchaser_keys;  // "#id" of a stakeholder, or a wallet
  std::vector<std::string> flags;
};

// `records` may be null (no investor records: everyone "unknown"). Throws QueryError.
CapTable cap_table(Db& db, InvestorRecords* records, const CapTableQuery& q);

// The token (lowercase hex) of a security given by address or symbol. Throws QueryError.
std::string security_token(Db& db, const std::string& ref);
struct SecurityInfo {
  std::string token, symbol, name, issuer;  // issuer: lowercase hex ("" before schema 3)
  int64_t decimals = 0;
};
SecurityInfo security_info(Db& db, const std::string& ref);
// The block a query stands for (its block, the last block of its date, or the register's last
// block). Throws QueryError.
uint64_t query_block(Db& db, const CapTableQuery& q);
// The UTC date (YYYY-MM-DD) and time (YYYY-MM-DDTHH:MM:SSZ) of a timestamp.
std::string utc_date(uint64_t ts);
std::string utc_time(uint64_t ts);
// Seconds since the epoch at the start of a UTC date YYYY-MM-DD. Throws QueryError.
int64_t day_start_utc(const std::string& date);

// The block a date stands for: the last one at or before the end of that UTC day.
std::optional<uint64_t> block_at_date(Db& db, const std::string& date);

// balance / total as a percentage floored to 4 decimals; "0.0000" when total is 0.
std::string percent_of(const U256& balance, const U256& total);

std::string cap_table_csv(const CapTable& t);
nlohmann::json cap_table_json(const CapTable& t);

}  // namespace stoa::ta
