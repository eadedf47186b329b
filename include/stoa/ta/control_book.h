// The control book of a security at a block or date (docs/transfer-agent.md, "Control book"):
// authorized shares (recorded by the transfer agent from the issuer's charter; not on the
// ledger), issued (every issuance up to the block), cancelled (every burn), outstanding (issued
// minus cancelled, adjusted by each split's change of supply, which equals the sum of the cap
// table's balances) and unissued. Authorized shares are recorded with the block they take effect
// from, so a past control book shows the number in effect then.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/ta/cap_table.h"

namespace stoa::ta {

// A corporate action of the security (the register's corporate_actions): ForcedTransfer,
// ERC-1644 ControllerTransfer / ControllerRedemption, CorporateAction (SEIZURE, REDEMPTION,
// DISTRIBUTION, CONVERSION), with its reason, document hash and, for a conversion, its target.
struct CorporateActionEntry {
  uint64_t block = 0, timestamp = 0;
  std::string tx_hash, action, op, reason, document, target;
};

// A split of the security (the register's splits): its ratio and the supply before and after.
// A split issues and cancels nothing; it changes the outstanding shares by supplyAfter -
// supplyBefore (docs/transfer-agent.md, "Splits").
struct SplitEntry {
  uint64_t split_id = 0, block = 0, timestamp = 0;
  std::string tx_hash;
  U256 numerator, denominator, supply_before, supply_after;
};

struct ControlBook {
  std::string token, symbol, name, issuer;
  uint64_t block = 0;
  std::string block_hash, date;
  std::optional<U256> authorized;  // none recorded at the block
  std::string authorized_note;
  U256 issued, cancelled, outstanding;
  std::optional<U256> unissued;  // authorized - outstanding (when authorized and not exceeded)
  size_t issuances = 0, cancellations = 0, transfers = 0, holders = 0;
  std::vector<std::string> flags;  // "outstanding-exceeds-authorized"
  // Issued and cancelled by the action that made them ("ordinary": a plain mint or burn).
  std::map<std::string, U256> issued_by_action, cancelled_by_action;
  std::vector<CorporateActionEntry> corporate_actions;  // up to the block, in ledger order
  // Splits up to the block, in ledger order; outstanding = issued - cancelled + Σ (supplyAfter -
  // supplyBefore) of them.
  std::vector<SplitEntry> splits;
};

ControlBook control_book(Db& db, const CapTableQuery& q);
std::string control_book_csv(const ControlBook& c);
nlohmann::json control_book_json(const ControlBook& c);

// Records the authorized shares of a security from a block on (replacing a record of the same
// block). Throws QueryError for an unknown security.
void set_authorized(Db& db, const std::string& security, const U256& authorized,
                    uint64_t from_block, const std::string& note);

}  // namespace stoa::ta
