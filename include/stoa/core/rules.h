// Rules versions: a change to how calls behave (a new check, a fixed rule) takes effect from a
// block height, never for blocks already written, so old journals replay to the same state roots.
//
// To add a rule change:
//   1. add the next version to `Rules` and make it kLatestRules;
//   2. add one named predicate for it below, e.g.
//        // Claims may be added only by a key of the identity itself (issue N).
//        inline bool claims_by_own_keys_only(Rules r) { return r >= Rules::kV2; }
//   3. branch on it where the rule lives: `if (claims_by_own_keys_only(ctx.block.rules)) ...`,
//      keeping the old behaviour in the else branch (it still replays old blocks);
//   4. test both sides (a BlockContext with the old version and with the new).
// A data directory records when each version activates (genesis.json "rules"): a new directory
// starts at kLatestRules from block 0; a newer binary opening an older directory schedules its
// latest version from the next block and records that before it executes anything
// (docs/journal-format.md, "Versions").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stoa::core {

enum class Rules : uint32_t {
  kV1 = 1,  // the rules of every block written before versions existed
  kV2 = 2,  // Identity.addClaim needs the identity's approval of the issuer (issue 12, item 13)
  kV3 = 3,  // metered work (gas for work done, resumable O(holders) batches); agent moves tracked
  kV4 = 4,  // the balance model's methods exist (partitions, holds, checkpoints: issue 15)
  kV5 = 5,  // ERC-3643 parity and one jurisdiction (issue 13), lots and splits (issue 15),
            // the lifecycle contracts (issue 16): each change names its predicate below
  kV6 = 6,  // T-REX proxy and ONCHAINID execution parity (issue 13), splits (issue 15), multisig
            // administration and the remaining lifecycle actions (issue 16): each change names
            // its predicate below
  kV7 = 7,  // cash in lieu of split fractions and dividends by partition (issue 16): each change
            // names its predicate below
};
inline constexpr Rules kLatestRules = Rules::kV7;

inline bool operator<(Rules a, Rules b) {
  return static_cast<uint32_t>(a) < static_cast<uint32_t>(b);
}
inline bool operator>=(Rules a, Rules b) {
  return !(a < b);
}

// Predicates of rule changes, one per change (see above).
namespace rules {

// V2. Identity.addClaim (docs/identity.md, "Who may add a claim"): a caller that is not a claim or
// management key of the identity may add an issuer's claim only if the identity approved that
// issuer (the issuer identity's address is a claim key of the identity) or the caller holds
// DEPLOYER_ROLE on the IdentityFactory (the operator's vetted KYC intakes). Under V1 a claim key
// of any issuer could add that issuer's claims to any identity and exhaust its
// kMaxClaimsPerIdentity.
inline bool claims_require_key(Rules r) {
  return r >= Rules::kV2;
}

// V3. Metered work (docs/NODE.md, "Gas schedule"; issue 14, item 4): a call is charged notional
// gas for the work it does (reads, writes, iterations, hashes, events) within its transaction's
// gas limit and reverts out of gas with state unchanged; receipts report intrinsic + metered gas;
// a block's gas limit is kMeteredBlockGasLimit; O(holders) administration (the investor rebuild
// of setIdentityRegistry) runs in resumable steps. Under V1 and V2 gas was intrinsic gas only and
// the rebuild ran in one call.
inline bool metered(Rules r) {
  return r >= Rules::kV3;
}

// V3. Movement kinds first-class (issue 14, item 3): forced transfers and corporate-action moves
// take a 506(b) place for their receiver, and a recovery moves the lost wallet's place and its
// running lockups (registry record and LockupModule) to the new wallet. Under V1 and V2 only a
// holder's own transfers and issuance updated those trackers.
inline bool agent_moves_tracked(Rules r) {
  return r >= Rules::kV3;
}

// V4. The balance model (docs/balance-model.md; issue 15): SecurityToken's partition, hold and
// checkpoint methods (ERC-1400/1410/1594, ERC-1996-like holds, ERC20Snapshot) answer from this
// version on. Under V1–V3 their selectors are unknown, as they were to the binaries that wrote
// those blocks, so a call to one of them in an old journal reverts on replay as it did then.
// A method added later is gated the same way (ContractAbi::introduce).
inline bool balance_model(Rules r) {
  return r >= Rules::kV4;
}

// V5. The lifecycle of a security, part one (issue 16, items 3-4; docs/documents.md,
// docs/corporate-actions.md): SecurityToken's ERC-1643 document methods, ERC-1644 controller
// methods and corporate actions (seizure, redemption, distribution in kind, conversion) answer
// from this version on. Under V1-V4 their selectors are unknown.
inline bool corporate_actions(Rules r) {
  return r >= Rules::kV5;
}

// V5. The lifecycle contracts (issue 16; docs/dividends.md): the factory's createPaymentToken and
// createDividendDistributor, hence PaymentToken and DividendDistributor, exist from this version
// on. Under V1-V4 the factory's selectors for them are unknown, so no such contract exists in a
// block written under those rules.
inline bool lifecycle(Rules r) {
  return r >= Rules::kV5;
}

// V5. ERC-3643 parity (issue 13, items 1 and 2): T-REX v4's and ONCHAINID's remaining functions
// answer (3-argument forcedTransfer, compliance(), Ownable, the registries' agent functions, ...;
// docs/erc3643-compatibility.md); UpdatedTokenInformation indexes name, symbol and onchainID as
// T-REX does; a token agent also gets PAUSER_ROLE (and MINTER_ROLE where roles may overlap);
// the investor's country is one fact: the IdentityRegistry's ISO 3166 numeric country and the
// ComplianceRegistry's alpha-2 jurisdiction are written together; recoveryAddress moves the
// lost wallet's compliance record (jurisdiction, accreditation, whitelist, blacklist, lockup).
inline bool trex_parity(Rules r) {
  return r >= Rules::kV5;
}

// V5. Acquisition lots and splits (docs/balance-model.md; issue 15): every credit of a security
// creates or grows a lot, debits consume them (FIFO, lots under a holding period last), recovery,
// forced transfers and gifts carry them; LockupModule's holding period runs per issued lot (a new
// issuance no longer re-locks a wallet's shares already free); lotsOf, gift() and LockupModule's
// lockedBalanceOf exist. Under V1-V4 no lot is recorded, issuance extends the per-wallet expiry,
// and those selectors are unknown. (Splits came with V6: rules::splits.)
inline bool lots_and_splits(Rules r) {
  return r >= Rules::kV5;
}

// V6. A partition's supply at a checkpoint (issue 15; docs/balance-model.md, "Checkpoints"):
// totalSupplyByPartitionAt answers from this version on. The first snapshot taken under it marks
// where partition supplies start being recorded (each before its first change after a snapshot),
// so it answers for that snapshot and every later one. Under V1-V5 its selector is unknown, no
// partition supply is recorded and snapshot() writes nothing more than it did.
inline bool partition_supply_at(Rules r) {
  return r >= Rules::kV6;
}

// V6. Splits and reverse splits (docs/balance-model.md, "Splits"; issue 15 item 5): split(),
// splitCount(), splitAt() and fractionalSharesOf() exist; a split rescales every holder lazily by
// split epochs. Under V1-V5 those selectors are unknown and no split can exist.
inline bool splits(Rules r) {
  return r >= Rules::kV6;
}

// V6. T-REX proxy and ONCHAINID execution parity (issue 13, item 1; the last twelve entries of
// docs/erc3643-compatibility.md): every contract of a suite answers its T-REX `init` selector as
// an initialized OpenZeppelin 4 proxy (Error "Initializable: contract is already initialized")
// and emits Initialized(1) when a factory creates it; the token's setName / setSymbol
// (UpdatedTokenInformation; a new name is a new EIP-712 domain for permit, a new symbol moves the
// factory's securityBySymbol entry); ModularCompliance's callModuleFunction (ModuleInteraction;
// the module sees the registry as its caller and checks the owner's roles); ONCHAINID's
// execute / approve (execution requests run as nested calls from the identity;
// docs/identity.md, "Execution requests"). Under V1-V5 those selectors are unknown and no
// Initialized is emitted.
inline bool trex_proxy_parity(Rules r) {
  return r >= Rules::kV6;
}

// V6. Multisig administration (issue 16, item 5; docs/multisig.md): the factory's createMultisig
// and createSecurityWithMultisig, hence MultisigAdmin (k-of-n propose/confirm/execute), exist
// from this version on; SecurityToken's redeemHoldersForPayment (redemption paid from a funded
// escrow, docs/corporate-actions.md) answers. Under V1-V5 their selectors are unknown, so no
// multisig exists in a block written under those rules.
inline bool multisig_admin(Rules r) {
  return r >= Rules::kV6;
}

// V7. A plain burn (burn, controllerRedeem, a redemption or conversion that burns by the default
// partition order) of a holder with named partitions emits one RedeemedByPartition per partition
// drawn, as a plain transfer emits TransferByPartition (and as ERC-1400's reference does), so an
// off-ledger register learns which partitions a burn drew without replaying holds
// (docs/balance-model.md, "Default partition order"). Under V1-V6 a plain burn emits no
// partition event.
inline bool burn_partition_events(Rules r) {
  return r >= Rules::kV7;
}

// V7. Dividends by partition (issue 16, item 2; docs/dividends.md, "Rounds by partition"): a
// share class is a partition, and DividendDistributor's createDividendByPartition and
// dividendPartition exist from this version on; a round by partition pays pro rata to
// balanceOfByPartitionAt over totalSupplyByPartitionAt less the excluded accounts' partition
// balances. Under V1-V6 those selectors are unknown and every round is a whole-security round.
inline bool partition_dividends(Rules r) {
  return r >= Rules::kV7;
}

// V7. Cash in lieu of split fractions (issue 16, item 3; docs/dividends.md, "Cash in lieu"):
// DividendDistributor's createCashInLieu, cashInLieuOf, cashInLieuRound and cashInLieuDue exist;
// a cash-in-lieu round pays each holder of record at a split for the fraction of a share the split
// floored away, through claim / claimFor / pushPayments / reclaim. Under V1-V6 those selectors are
// unknown, so no such round exists in a block written under those rules.
inline bool cash_in_lieu(Rules r) {
  return r >= Rules::kV7;
}

}  // namespace rules

// When each rules version activates: entries ascending in both version and first block, the
// first from block 0. A block runs under the last entry whose first block is at or below it.
struct RulesActivation {
  Rules version = Rules::kV1;
  uint64_t from_block = 0;
  bool operator==(const RulesActivation&) const = default;
};

class RulesSchedule {
 public:
  // Version 1 from genesis: a data directory written before versions were recorded.
  RulesSchedule() : entries_{RulesActivation{Rules::kV1, 0}} {}
  // A new chain: `latest` from block 0.
  static RulesSchedule fresh(Rules latest = kLatestRules) {
    RulesSchedule s;
    s.entries_ = {RulesActivation{latest, 0}};
    return s;
  }
  // Checks a recorded schedule: "" or what is wrong (empty, not from block 0, not ascending, or a
  // version newer than `latest`, this binary's).
  static std::string validate(const std::vector<RulesActivation>& entries,
                              Rules latest = kLatestRules);
  // The recorded schedule (validate first).
  static RulesSchedule from_entries(std::vector<RulesActivation> entries) {
    RulesSchedule s;
    s.entries_ = std::move(entries);
    return s;
  }

  Rules at(uint64_t block) const {
    Rules r = entries_.front().version;
    for (const RulesActivation& e : entries_) {
      if (e.from_block > block) break;
      r = e.version;
    }
    return r;
  }
  const std::vector<RulesActivation>& entries() const { return entries_; }
  Rules latest_scheduled() const { return entries_.back().version; }

  // A binary whose latest version is newer than the schedule's: that version from `head` + 1
  // (the next block). Returns whether anything was added (the caller records it durably before
  // executing a block).
  bool upgrade(uint64_t head, Rules latest = kLatestRules) {
    if (!(latest_scheduled() < latest)) return false;
    entries_.push_back(RulesActivation{latest, head + 1});
    return true;
  }

 private:
  std::vector<RulesActivation> entries_;
};

inline std::string RulesSchedule::validate(const std::vector<RulesActivation>& entries,
                                           Rules latest) {
  if (entries.empty()) return "no rules version is scheduled";
  if (entries.front().from_block != 0) return "the first rules version does not start at block 0";
  for (size_t i = 0; i < entries.size(); ++i) {
    const uint32_t v = static_cast<uint32_t>(entries[i].version);
    if (v < 1) return "rules version 0 does not exist";
    if (latest < entries[i].version) {
      return "rules version " + std::to_string(v) + " is newer than this stoa's (" +
             std::to_string(static_cast<uint32_t>(latest)) + "): use a newer stoa";
    }
    if (i > 0 && (!(entries[i - 1].version < entries[i].version) ||
                  entries[i - 1].from_block >= entries[i].from_block)) {
      return "rules versions are not in ascending order of version and block";
    }
  }
  return "";
}

}  // namespace stoa::core
