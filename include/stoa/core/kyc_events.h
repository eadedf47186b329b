// The KYC intake's idempotency records, kept in ledger state (issue 12, items 5 and 6): one
// KycEventLog per claim issuer, at the CREATE address of the issuer identity's first nonce
// (identities create nothing else), created by the first IdentityFactory.applyKycEvent of that
// issuer. A record maps the provider's event key (keccak256(provider "\n" eventId)) to the hash
// of the webhook body and when it was applied; it is written by the same transaction that
// applies the event, so an event is applied at most once, across restarts and replays of the
// journal, and a failed event leaves no record. Records older than kKycEventRetentionSeconds of
// block time are pruned, oldest first, a few per new event (deterministic: block time only).
#pragma once

#include <memory>

#include "stoa/core/contract.h"

namespace stoa::core {

// How long a record is kept, in seconds of block time. The intake refuses webhooks whose
// timestamp is more than 300 s from its clock (kKycWindowSeconds), so a captured request cannot be
// replayed after that; the retention covers the window many times over, and a provider's
// retries of an event (freshly signed) for a day.
inline constexpr uint64_t kKycEventRetentionSeconds = 24 * 3600;
// Records one issuer keeps at most (then applyKycEvent reverts LimitExceeded until old records
// age out): about 100 bytes each in memory.
inline constexpr size_t kMaxKycEventRecords = 1'000'000;
// Expired records pruned by one applyKycEvent at most (bounds the work of one transaction; one
// new record per event, so pruning keeps up).
inline constexpr size_t kKycEventPrunePerEvent = 8;

struct KycEventRecord {
  Bytes32 request_hash;
  uint64_t applied_at = 0;    // block timestamp
  uint64_t block_number = 0;  // the block that applied it
  uint64_t seq = 0;           // position in the log (pruning order)
  bool operator==(const KycEventRecord&) const = default;
  friend void delta_put(StateEncoder& e, const KycEventRecord& r) {
    e.b32(r.request_hash);
    e.u64(r.applied_at);
    e.u64(r.block_number);
    e.u64(r.seq);
  }
  friend void state_get(StateDecoder& d, KycEventRecord& r) {
    r.request_hash = d.b32();
    r.applied_at = d.u64();
    r.block_number = d.u64();
    r.seq = d.u64();
  }
};

// The address of `issuer`'s log (whether or not it exists yet).
Address kyc_event_log_address(const Address& issuer);

class KycEventLog final : public Contract {
 public:
  static constexpr ContractKind kKind = ContractKind::kKycEventLog;
  KycEventLog(State& state, const Address& self, const Address& issuer);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);

  const Address& issuer() const { return issuer_; }
  const KycEventRecord* find(const Bytes32& key) const { return records_.find(key); }
  size_t size() const { return records_.size(); }
  // Prunes expired records, then records `key` (reverts KycEventAlreadyApplied if present,
  // LimitExceeded when full).
  Status record(const CallContext& ctx, const Bytes32& key, const Bytes32& request_hash);

 private:
  Address issuer_;
  JMap<Bytes32, KycEventRecord, Bytes32Hash> records_{undo_log(), Slot{0}};
  JMap<uint64_t, Bytes32> order_{undo_log(), Slot{1}};  // seq -> key, for pruning oldest first
  JValue<uint64_t> head_{undo_log(), Slot{2}};          // oldest seq that may still be in order_
  JValue<uint64_t> next_{undo_log(), Slot{3}};          // the next seq

  static const auto& field_list();  // encoding order (kyc_events.cc)
};

}  // namespace stoa::core
