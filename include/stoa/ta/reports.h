// Reports from the register beyond the cap table (docs/transfer-agent.md, "Reports"): the holder
// list (the cap table with each holder's name from the investor records; audited) and the
// transfer journal for a period (every issuance, transfer, cancellation, forced transfer and
// recovery with its block, time, transaction hash and reason). Byte-identical on both back ends.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/ta/cap_table.h"

namespace stoa::ta {

// The holder list: the cap table's rows with the stakeholder's kind and legal name ("" without a
// record). `records` is required (reading names is audited as "holder list").
CapTable holder_list(Db& db, InvestorRecords& records, const CapTableQuery& q);
std::string holder_list_csv(Db& db, InvestorRecords& records, const CapTableQuery& q);
std::string holder_list_csv(const CapTable& holder_list);
// A CSV field (RFC 4180: quoted when it holds a comma, quote or line break).
std::string csv_field(const std::string& s);

struct JournalEntry {
  uint64_t block = 0;
  uint64_t timestamp = 0;
  int64_t log_index = 0;
  // kind: mint, transfer, burn, forced, recovery, split (a holder's position rescaled by a split:
  // from the zero address for an increase, to it for a decrease; action SPLIT)
  std::string tx_hash, kind, from, to;
  U256 amount;
  std::string reason, document;
  // The corporate action that made it: FORCED-TRANSFER, CONTROLLER-TRANSFER,
  // CONTROLLER-REDEMPTION, SEIZURE, REDEMPTION, DISTRIBUTION, CONVERSION, SPLIT; "" for none.
  std::string action;
};

// The movements of a security in blocks stamped from the start of `from` to the end of `to`
// (UTC dates, inclusive), in ledger order. Throws QueryError.
std::vector<JournalEntry> transfer_journal(Db& db, const std::string& security,
                                           const std::string& from, const std::string& to);
std::string transfer_journal_csv(const std::vector<JournalEntry>& j);

// Each holder's position at a split of the security (split ids 1, 2, ... as the ledger numbers
// them): its balance before and after and the fraction of a share it lost (`fraction` over the
// split's `denominator`), owed as cash in lieu; in holder order. Throws QueryError for an unknown
// security or split.
struct SplitFraction {
  std::string holder;
  U256 before, after, fraction, denominator;
};
std::vector<SplitFraction> split_fractions(Db& db, const std::string& security, uint64_t split_id);
nlohmann::json transfer_journal_json(const std::vector<JournalEntry>& j);

}  // namespace stoa::ta
