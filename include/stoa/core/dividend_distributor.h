// DividendDistributor (issue 16, item 2; docs/dividends.md): cash dividends of one security paid
// in a PaymentToken from the balances at a record checkpoint (SecurityToken.snapshot), never from
// current balances.
//
// - createDividend (DIVIDEND_ADMIN_ROLE) pulls the round's amount from the caller (an ERC-20
//   allowance to this contract) into the round's own escrow: an address of its own per round
//   (escrowOf), so rounds in the same payment token can never pay from each other.
// - A holder's share is floor(amount × balanceAt(checkpoint) / (supplyAt(checkpoint) − excluded)),
//   where `excluded` is the record-date balance of the accounts excluded when the round was
//   created (the issuer's treasury); excluded accounts get nothing from that round.
// - Withholding by the holder's jurisdiction on record at payment (basis points, set by
//   DIVIDEND_ADMIN_ROLE; jurisdiction 0x0000 is the rate of holders with none) goes to the
//   withholding account; each payment emits DividendPaid with gross, withheld and net and every
//   fact a 1099-DIV / 1042-S needs.
// - claim (the holder), claimFor and pushPayments (DIVIDEND_ADMIN_ROLE, the paying agent's
//   batches: metered, resumable — a batch skips holders already paid) until the claim deadline;
//   reclaim after it returns what is left (unclaimed shares and the flooring dust) to the
//   round's funder and closes the round. paid + withheld + reclaimed = amount is asserted.
// - Rounds by partition (rules V7, rules::partition_dividends; src/core/dividend_partitions.cc):
//   createDividendByPartition pays the holders of one partition (a share class) pro rata to
//   balanceOfByPartitionAt(partition, holder, checkpoint) over totalSupplyByPartitionAt less the
//   excluded accounts' partition balances; everything else is the same as for a whole round.
// - Cash in lieu (rules V7; docs/dividends.md, "Cash in lieu"; dividend_cash_in_lieu.cc):
//   createCashInLieu (CORPORATE_ACTION_ROLE) funds a round that pays each holder of record at a
//   split the fraction of a share the split floored away, at a price per whole share, through the
//   same claim / claimFor / pushPayments / reclaim; no withholding and no DividendPaid (sale
//   proceeds, not a dividend): each payment emits CashInLieuPaid.
#pragma once

#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "stoa/core/compliance_registry.h"
#include "stoa/core/security_part.h"

namespace stoa::core {

class PaymentToken;
class SecurityToken;

inline constexpr size_t kMaxDividendRounds = 100'000;   // rounds per distributor
inline constexpr size_t kMaxDividendExclusions = 16;    // excluded accounts per distributor
inline constexpr uint64_t kMaxWithholdingBps = 10'000;  // 100%
inline constexpr size_t kMaxWithholdingRates = 300;     // jurisdictions with a rate

struct DividendRound {
  Address payment_token;
  Address escrow;
  Address funder;  // who created it: reclaim returns the remainder here
  U256 amount;
  uint64_t checkpoint = 0;
  uint64_t claim_deadline = 0;  // block time; claims up to and including it
  uint64_t created_at = 0;
  U256 eligible_supply;  // supplyAt(checkpoint) - excluded
  U256 excluded;         // record-date balance of the excluded accounts
  U256 paid;             // net paid to holders
  U256 withheld;         // paid to the withholding account
  U256 reclaimed;
  uint64_t payments = 0;
  bool closed = false;  // reclaimed
  Bytes32 reference;    // e.g. the hash of the board resolution
  // A round by partition (rules::partition_dividends): eligible_supply and excluded are the
  // partition's. Encoded as bit 1 of the `closed` byte, the partition after `reference`.
  bool by_partition = false;
  Bytes32 partition;
  // Cash in lieu (rules V7): the split whose fractions the round pays (0: a dividend round) and the
  // price per whole share in payment-token base units. Encoded after `reference` when non-zero
  // (flagged in the `closed` byte), so dividend rounds encode as before.
  uint64_t split_id = 0;
  U256 price_per_share;
  bool operator==(const DividendRound&) const = default;
  U256 remaining() const;  // amount - paid - withheld - reclaimed: the escrow's balance
};
void delta_put(StateEncoder& e, const DividendRound& r);
void state_get(StateDecoder& d, DividendRound& r);

// A (round, holder) pair: claims and per-round exclusions.
struct RoundHolder {
  uint64_t round = 0;
  Address holder;
  auto operator<=>(const RoundHolder&) const = default;
  bool operator==(const RoundHolder&) const = default;
};
struct RoundHolderHash {
  size_t operator()(const RoundHolder& k) const { return absl::HashOf(k.round, k.holder.b); }
};
inline void delta_put(StateEncoder& e, const RoundHolder& k) {
  e.u64(k.round);
  e.address(k.holder);
}
inline void state_get(StateDecoder& d, RoundHolder& k) {
  k.round = d.u64();
  k.holder = d.address();
}

// What one holder gets from a round.
struct DividendShare {
  U256 shares;  // balance at the checkpoint
  U256 gross;
  U256 withheld;
  U256 net;
  Jurisdiction jurisdiction = 0;
  uint64_t rate_bps = 0;
};

// A holder's cash in lieu at a split: its fraction numerator / denominator of one base unit of the
// security, and floor(price × numerator / (denominator × 10^decimals)) it is paid.
struct CashInLieuDue {
  U256 numerator;
  U256 denominator;
  U256 amount;
};

class DividendDistributor final : public SecurityPart {
 public:
  static constexpr ContractKind kKind = ContractKind::kDividendDistributor;
  DividendDistributor(State& state, const Address& self, const Address& security,
                      const Address& withholding_account);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);

  // The escrow address of a round (no key exists for it; only this contract moves its funds).
  Address escrow_of(uint64_t round) const;
  uint64_t round_count() const { return round_count_.get(); }
  Result<DividendRound> round(const U256& id) const;  // UnknownDividendRound
  bool is_claimed(uint64_t round, const Address& holder) const {
    return claimed_.get(RoundHolder{round, holder});
  }
  bool is_excluded(const Address& a) const { return excluded_.get(a); }
  const Address& withholding_account() const { return withholding_account_.get(); }
  uint64_t withholding_rate(Jurisdiction j) const { return rates_.get(j); }
  // What `holder` would be paid now (zeros if nothing: claimed, excluded, closed, no shares).
  // For a cash-in-lieu round: shares 0, gross = net = the cash in lieu, nothing withheld.
  Result<DividendShare> claimable(const U256& round, const Address& holder) const;

  // DIVIDEND_ADMIN_ROLE unless noted.
  Result<uint64_t> create_dividend(CallContext& ctx, const Address& payment_token,
                                   const U256& amount, const U256& checkpoint,
                                   const U256& claim_deadline, const Bytes32& reference);
  // A round by partition (rules V7; dividend_partitions.cc): PartitionSupplyNotRecorded for a
  // checkpoint before partition supplies were recorded, NoEligiblePartitionShares.
  Result<uint64_t> create_dividend_by_partition(CallContext& ctx, const Bytes32& partition,
                                                const Address& payment_token, const U256& amount,
                                                const U256& checkpoint, const U256& claim_deadline,
                                                const Bytes32& reference);
  Status claim(CallContext& ctx, const U256& round);  // the holder
  Status claim_for(CallContext& ctx, const U256& round, const Address& holder);
  // Pays each listed holder not yet paid (skips the others); returns how many were paid.
  Result<U256> push_payments(CallContext& ctx, const U256& round,
                             const std::vector<Address>& holders);
  Result<U256> reclaim(CallContext& ctx, const U256& round);  // after the deadline
  Status set_excluded(CallContext& ctx, const Address& account, bool excluded);
  Status set_withholding_rate(CallContext& ctx, Jurisdiction j, const U256& bps);
  Status set_withholding_account(CallContext& ctx, const Address& account);

  // Cash in lieu (dividend_cash_in_lieu.cc; rules::cash_in_lieu). CORPORATE_ACTION_ROLE: a round
  // paying split `split`'s fractional shares at `price` per whole share, funded with
  // floor(price × Σ fractions / 10^decimals) pulled from the caller; one per split.
  Result<uint64_t> create_cash_in_lieu(CallContext& ctx, const U256& split,
                                       const Address& payment_token, const U256& price,
                                       const U256& claim_deadline, const Bytes32& reference);
  uint64_t cash_in_lieu_round(const U256& split) const;  // 0: none
  // A round's split, price per share and the split's fractions in all (numerator, denominator);
  // zeros for a dividend round.
  Result<std::tuple<U256, U256, U256, U256>> cash_in_lieu_of(const U256& round) const;
  // What `holder` is owed by cash-in-lieu round `round` (paid or not); zeros for a dividend round.
  Result<CashInLieuDue> cash_in_lieu_due(const U256& round, const Address& holder) const;

 private:
  SecurityToken& token() const;
  Result<uint64_t> open_round(const U256& id, uint64_t now) const;  // exists, not closed, in window
  DividendShare share_of(const DividendRound& r, uint64_t id, const Address& holder) const;
  // What a round is paid on: the whole security (nullopt) or one partition.
  Result<uint64_t> create_round(CallContext& ctx, const std::optional<Bytes32>& partition,
                                const Address& payment_token, const U256& amount,
                                const U256& checkpoint, const U256& claim_deadline,
                                const Bytes32& reference);
  // dividend_partitions.cc: the supply and a holder's shares at a checkpoint on that basis.
  Result<U256> supply_at(const std::optional<Bytes32>& partition, const U256& checkpoint) const;
  U256 shares_at(const std::optional<Bytes32>& partition, const Address& holder,
                 const U256& checkpoint) const;
  static std::optional<Bytes32> basis(const DividendRound& r) {
    return r.by_partition ? std::optional<Bytes32>(r.partition) : std::nullopt;
  }
  // Pays `holder` its share of round `id` (which must be open); false if nothing is due.
  Result<bool> pay(CallContext& ctx, uint64_t id, const Address& holder);
  Status claim_for_unchecked(CallContext& ctx, uint64_t id, const Address& holder);
  static const auto& field_list();  // encoding order (dividend_distributor.cc)
  // Cash in lieu (dividend_cash_in_lieu.cc).
  CashInLieuDue due_of(const DividendRound& r, const Address& holder) const;
  // What round `id` owes `holder` whatever it was paid: a dividend's share (share_of) or, for a
  // cash-in-lieu round, the due as gross = net (nothing withheld), its fraction into `*due`.
  DividendShare owed(const DividendRound& r, uint64_t id, const Address& holder,
                     CashInLieuDue* due = nullptr) const;
  void index_cash_in_lieu();  // after decoding: split_rounds_ from the rounds

  // Storage, with stable slot numbers (docs/journal-format.md, "Versions").
  JValue<Address> withholding_account_{undo_log(), Slot{0}};
  JMap<uint16_t, uint64_t> rates_{undo_log(), Slot{1}};  // jurisdiction -> basis points
  JMap<Address, bool, AddressHash> excluded_{undo_log(), Slot{2}};
  JValue<uint64_t> round_count_{undo_log(), Slot{3}};
  JMap<uint64_t, DividendRound> rounds_{undo_log(), Slot{4}};  // ids 1, 2, ...
  JMap<RoundHolder, bool, RoundHolderHash> round_excluded_{undo_log(), Slot{5}};
  JMap<RoundHolder, bool, RoundHolderHash> claimed_{undo_log(), Slot{6}};
  // Cash in lieu (rules V7): split id -> its round (derived from the rounds, not encoded). Slot 9
  // is reserved for cash in lieu too.
  JMap<uint64_t, uint64_t> split_rounds_{undo_log(), Slot{8}};
};

// Rules V7 (rules::partition_dividends): createDividendByPartition, dividendPartition and their
// event and errors (dividend_partitions.cc).
void extend_with_partition_dividend_abi(ContractAbi& abi);
// The cash-in-lieu methods, events and errors, from rules version 7 (dividend_cash_in_lieu.cc).
void extend_with_cash_in_lieu_abi(ContractAbi& abi);

}  // namespace stoa::core
