// The Open Cap Table Format, v1.2.0 (docs/transfer-agent.md, "OCF"): export of a security's cap
// table at a block or date as an OCF package (a manifest, stakeholders, one stock class and one
// stock issuance per holding), and import of a package into a plan for a new security (the
// stakeholders for the investor records, each issuance a mint to its wallet). The wallet of an
// issuance travels in its comments ("stoa-wallet:0x..."), a stakeholder's record id in its
// issuer_assigned_id. Quantities are the token's amounts as fixed-point numbers with the token's
// decimals (OCF allows at most 10 decimal places: a token with more must have amounts that fit,
// else the export is refused rather than rounded).
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/ta/cap_table.h"

namespace stoa::ta {

struct OcfError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct OcfExportQuery {
  CapTableQuery cap_table;  // the security and the block or date
  // The issuer's own facts (OCF Issuer: legal_name, formation_date, country_of_formation, ...);
  // defaults: the security's name, the date of its creation block, "US".
  nlohmann::json issuer = nlohmann::json::object();
  std::string price_per_share = "0.00";  // USD, for the issuances' share_price
  std::string generated_at;              // ISO 8601; default: the block's time
};

// File name -> content (Manifest.ocf.json, Stakeholders.ocf.json, StockClasses.ocf.json,
// Transactions.ocf.json), each a JSON document ending with a newline. Reading the stakeholders'
// names is audited (purpose "ocf export"). Throws QueryError / OcfError.
std::map<std::string, std::string> ocf_export(Db& db, InvestorRecords& records,
                                              const OcfExportQuery& q);

struct OcfStakeholder {
  std::string ocf_id;
  Stakeholder record;                // kind and legal name (the rest is not in the package)
  std::vector<std::string> wallets;  // lowercase hex, in the order of their issuances
  bool has_record = true;  // false for a wallet exported without a record (named by its address)
};

struct OcfMint {
  std::string wallet;  // lowercase hex
  U256 amount;         // in the token's smallest unit
  std::string stakeholder_id;
};

struct OcfPlan {
  std::string name, symbol;
  int64_t decimals = 0;
  std::optional<U256> authorized;
  std::vector<OcfStakeholder> stakeholders;
  std::vector<OcfMint> mints;  // in the package's order
};

// Reads a package (the manifest and the files it lists, whose md5 must match) and checks it: the
// files' types, one stock class, every issuance's stakeholder and stock class defined, its
// wallet an address, its quantity a whole number of the smallest unit. Throws OcfError.
OcfPlan ocf_import(const std::map<std::string, std::string>& files);
nlohmann::json ocf_plan_json(const OcfPlan& p);

// How the plan's stakeholders meet the records already there (a second security of the same
// holders, an import run again): a stakeholder whose wallets already belong to one record is that
// record (kept, its other wallets linked to it), not recorded twice. A conflict: its wallets
// belong to two records, or the record has another legal name. Reading the names is audited
// (purpose "ocf import").
struct OcfRecordMatch {
  std::map<std::string, int64_t> existing;  // OCF stakeholder id -> the record already there
  std::vector<std::string> conflicts;       // one line each; the import is refused if any
};
OcfRecordMatch match_ocf_records(InvestorRecords& records, const OcfPlan& p,
                                 const std::string& actor);

// Adds the plan's stakeholders (those with a record) to the investor records and links their
// wallets, keeping the records match_ocf_records finds (`added`: how many were new); returns OCF
// stakeholder id -> record id. Throws RecordError, with nothing written, on a conflict. Audited as
// `actor`. The mints: `stoa investor import-ocf DIR --mint SECURITY` (docs/transfer-agent.md
// "OCF"), or the issuer's own `batchMint(address[],uint256[])` on the new security.
std::map<std::string, int64_t> import_ocf_records(InvestorRecords& records, const OcfPlan& p,
                                                  const std::string& actor,
                                                  size_t* added = nullptr);

// The package's files read from a directory (every *.ocf.json in it). Throws OcfError.
std::map<std::string, std::string> read_ocf_dir(const std::string& dir);
// Writes the files into `dir` (created if missing). Throws OcfError.
void write_ocf_dir(const std::string& dir, const std::map<std::string, std::string>& files);

}  // namespace stoa::ta
