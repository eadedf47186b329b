// The cap table of an issuer (include/stoa/ta/issuer_cap_table.h).
#include "stoa/ta/issuer_cap_table.h"

#include <set>

#include "stoa/common/address.h"

namespace stoa::ta {

IssuerCapTable issuer_cap_table(Db& db, InvestorRecords* records, const std::string& issuer,
                                const CapTableQuery& q) {
  const auto a = Address::parse(issuer);
  if (!a || !issuer.starts_with("0x")) throw QueryError("an issuer is an address, got " + issuer);
  IssuerCapTable t;
  t.issuer = a->lower_hex();
  const auto rows = db.query(
      "SELECT token, symbol FROM securities WHERE issuer = ? ORDER BY symbol, token", {t.issuer});
  if (rows.empty()) throw QueryError("no security of issuer " + issuer + " in the register");
  t.block = query_block(db, q);  // one block for every class
  std::set<std::string> seen, non_accredited;
  for (const DbRow& r : rows) {
    CapTableQuery sq = q;
    sq.security = r.text(0);
    sq.at_block = t.block;
    sq.at_date.reset();
    CapTable c = cap_table(db, records, sq);
    t.date = c.date;
    for (const CapTableHolder& h : c.holders) {
      const std::string key = h.stakeholder ? "#" + std::to_string(*h.stakeholder) : h.holder;
      if (!seen.insert(key).second) continue;
      ++t.holders_of_record;
      ++t.by_jurisdiction[h.jurisdiction];
      ++t.by_accreditation[h.accreditation];
      if (h.accreditation != "accredited") ++t.non_accredited_holders;
    }
    non_accredited.insert(c.non_accredited_purchaser_keys.begin(),
                          c.non_accredited_purchaser_keys.end());
    t.securities.push_back(std::move(c));
  }
  t.non_accredited_purchasers = non_accredited.size();
  if (t.holders_of_record >= k12gHoldersOfRecord) t.flags.push_back("12g-holders-of-record");
  if (t.non_accredited_holders >= k12gNonAccredited) t.flags.push_back("12g-non-accredited");
  if (t.non_accredited_purchasers > k506bNonAccreditedPurchasers) {
    t.flags.push_back("506b-non-accredited-purchasers");
  }
  return t;
}

nlohmann::json issuer_cap_table_json(const IssuerCapTable& t) {
  nlohmann::json securities = nlohmann::json::array();
  for (const CapTable& c : t.securities)
    securities.push_back(cap_table_json(c));
  return {{"issuer", Address::parse(t.issuer)->checksum_hex()},
          {"block", t.block},
          {"date", t.date},
          {"holdersOfRecord", t.holders_of_record},
          {"byJurisdiction", t.by_jurisdiction},
          {"byAccreditation", t.by_accreditation},
          {"nonAccreditedHolders", t.non_accredited_holders},
          {"nonAccreditedPurchasers", t.non_accredited_purchasers},
          {"flags", t.flags},
          {"securities", securities}};
}

}  // namespace stoa::ta
