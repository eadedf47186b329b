// The cap table of an issuer at a block or date (docs/transfer-agent.md, "Cap table at any
// date"): every security the issuer created through the factory (its SecurityCreated admin), each
// with its cap table, and the holders of record across them — a stakeholder holding several
// classes counts once — by jurisdiction and accreditation, with the 12(g) and 506(b) thresholds
// flagged for the issuer as a whole.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/ta/cap_table.h"

namespace stoa::ta {

struct IssuerCapTable {
  std::string issuer;  // lowercase hex
  uint64_t block = 0;
  std::string date;
  std::vector<CapTable> securities;  // by symbol, then token
  size_t holders_of_record = 0;
  std::map<std::string, size_t> by_jurisdiction, by_accreditation;
  size_t non_accredited_holders = 0, non_accredited_purchasers = 0;
  std::vector<std::string> flags;
};

// q.security is ignored; the issuer is an address. Throws QueryError (no security of the issuer).
IssuerCapTable issuer_cap_table(Db& db, InvestorRecords* records, const std::string& issuer,
                                const CapTableQuery& q);
nlohmann::json issuer_cap_table_json(const IssuerCapTable& t);

}  // namespace stoa::ta
