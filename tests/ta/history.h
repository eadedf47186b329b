// A realistic history for the transfer-agent tests, sealed in process through chain::Chain: a
// security created through the factory, investors onboarded, issuances, a year of daily
// transfers (some refused), a partial freeze, an address freeze, a forced transfer, a burn and a
// second issuance round. After each block the ledger's own state is kept (holders and balances
// from the token, not from the events), as the independent answer for the cap table.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "stoa/chain/chain.h"
#include "stoa/common/u256.h"

namespace stoa::ta::testing {

inline constexpr uint64_t kHistoryStart = 1767225600;  // 2026-01-01T00:00:00Z
inline constexpr uint64_t kDay = 86400;

struct LedgerSnapshot {
  uint64_t timestamp = 0;
  U256 total_supply;
  std::map<Address, U256> holders;  // non-zero balances
  std::map<Address, U256> frozen_tokens;
  // Every holder's partitions with their amounts (the token's partitionsOf and
  // balanceOfByPartition; the default partition is all zeros), keyed by 0x + 64 hex digits.
  std::map<std::pair<Address, std::string>, U256> partitions;
};

struct History {
  std::unique_ptr<chain::Chain> chain;
  Address token;
  std::vector<Address> investors;        // onboarded wallets with keys (transfer senders)
  std::vector<Address> purchasers;       // wallets that only received issuances
  std::vector<LedgerSnapshot> at_block;  // index = block number
  size_t refused = 0;                    // transactions that failed in their receipts
  Address second_token;                  // the year history's preferred class (same issuer)
  Address issuer;
  // The dividend round (a USD payment token, a DividendDistributor of `token`): created, claimed
  // by two holders, push-paid to the rest (make_history and make_year_history).
  Address payment_token, distributor, withholding_account;
  uint64_t dividend_block = 0;  // the block of the payments
};

// `days` days of transfers; deterministic (a fixed seed). With `dividend`, then a dividend round
// (withholding 15% for GB) paid over the four days after them.
History make_history(int days = 40, size_t extra_purchasers = 36, bool dividend = true);

// A year: two classes of one issuer (ACME, ACMP), 200 investors onboarded (US, GB, DE, SG), an
// offering of 200 subscriptions over four days, three transfers a day at spread times (some
// refused), a refused transfer to an outsider every 30 days, a partial freeze (day 100), an
// address freeze (day 120 to 160) with a forced transfer (day 150), a cancellation (day 200) and
// a preferred round to every 7th investor (day 250), a dividend on ACME (record date day 300,
// paid day 302-303; withholding DE 26.38%, SG 10%, none for US and GB), the corporate actions on
// ACME (day 330, a block of their own: a seizure, an ERC-1644 controller transfer and
// redemption, a redemption and a distribution in kind), a 3-for-2 split of ACME (day 340, a block
// of its own) and the conversion of ACMP into ACME, 3 for 2 (day 355, a block of its own).
History make_year_history();

// A security with partitions (PART): issuances by partition (REG-S, REG-D), a transfer by
// partition, a plain transfer drawing a named partition, a change of partition, a plain burn
// drawing the default then a named partition, a redemption by partition, a forced transfer and a
// 3-for-2 split followed in its block by a plain burn.
History make_partition_history();

// Two classes of one security (TWOC): common (the default partition) and preferred ("PREF"); a
// round by partition on PREF (400 over 400 shares) and a whole-security round (1400 over 1400)
// on one record date, each claimed by the PREF holder of 300 (rules V7, docs/dividends.md).
History make_partition_dividend_history();

// A new security `symbol` (created by the factory, the same issuer and officer) with each wallet
// onboarded and each mint sent, in three blocks: for replaying an imported cap table.
History make_minted(const std::string& name, const std::string& symbol,
                    const std::vector<std::pair<Address, U256>>& mints);

}  // namespace stoa::ta::testing
