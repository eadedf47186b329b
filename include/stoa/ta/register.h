// The secondary register (docs/transfer-agent.md, "The secondary register"): a projection of the
// ledger's events into the database, block by block, from the durable block stream
// (node::Ledger::subscribe) or from the journal (rebuild). Each block is one database
// transaction that also moves the cursor (the next block number and the last block's hash), so a
// crash leaves the register at a block boundary, and it resumes from its cursor: nothing lost,
// nothing twice.
//
// What it reads, from the logs of successful receipts:
//   the factory's SecurityCreated (a security; its name, symbol and decimals from the
//     createSecurity call of the transaction), a token's UpdatedTokenInformation;
//   a known token's Transfer (from 0: mint, to 0: burn, else transfer; a ForcedTransfer or
//     RecoverySuccess after it in the same receipt makes it "forced" with its reason and
//     document, or "recovery"), AddressFrozen, TokensFrozen, TokensUnfrozen;
//   the factory's PaymentTokenCreated and DividendDistributorCreated, and a known distributor's
//     DividendCreated, DividendPaid (one row per payment: gross, withheld, net, jurisdiction,
//     rate) and DividendReclaimed (docs/dividends.md);
//   a known token's Split (no Transfer: every holder's balance, named partitions and partial
//     freeze floored at the ratio, the split and each holder's position and fraction recorded;
//     docs/transfer-agent.md, "Splits").
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "stoa/chain/block.h"
#include "stoa/ta/db.h"

namespace stoa::ta {

// The register does not follow from the blocks it is given (a block out of order, a broken hash
// link, a balance that would go negative): it refuses the block and changes nothing.
struct RegisterError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Register {
 public:
  // Migrates the database (schema.h) and loads the cursor.
  explicit Register(Db& db);

  // The number of the next block to project (0 on an empty register: the genesis block).
  uint64_t next_block() const { return next_; }
  // The hash of the last block projected (0x + 64 hex digits; "" before the genesis block).
  const std::string& last_hash() const { return last_hash_; }

  // Projects block next_block() in one transaction with the cursor.
  void apply(const chain::Block& block);
  // Empties the register (cursor back to 0) in one transaction; the investor records stay.
  void reset();

 private:
  Db& db_;
  uint64_t next_ = 0;
  std::string last_hash_;
  std::set<std::string> tokens_;                     // known securities (lowercase hex)
  std::map<std::string, std::string> distributors_;  // dividend distributor -> its security
};

}  // namespace stoa::ta
