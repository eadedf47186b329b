#include "stoa/core/kyc_events.h"

#include "stoa/core/state.h"

namespace stoa::core {

Address kyc_event_log_address(const Address& issuer) {
  return create_address(issuer, 0);
}

KycEventLog::KycEventLog(State& state, const Address& self, const Address& issuer)
    : Contract(state, self),
      issuer_(issuer),
      records_(state.journal()),
      order_(state.journal()),
      head_(state.journal()),
      next_(state.journal()) {}

Status KycEventLog::record(const CallContext& ctx, const Bytes32& key,
                           const Bytes32& request_hash) {
  // Oldest first: block time never goes backwards, so the log is in time order.
  const uint64_t now = ctx.block.timestamp;
  for (size_t n = 0; n < kKycEventPrunePerEvent && head_.get() < next_.get(); ++n) {
    const uint64_t seq = head_.get();
    const Bytes32 k = order_.get(seq);
    const KycEventRecord* r = records_.find(k);
    if (r != nullptr && r->seq == seq && r->applied_at + kKycEventRetentionSeconds > now) break;
    if (r != nullptr && r->seq == seq) records_.set(k, KycEventRecord{});
    order_.set(seq, Bytes32{});
    head_.set(seq + 1);
  }
  if (const KycEventRecord* r = records_.find(key)) {
    return make_revert(ErrorId::kKycEventAlreadyApplied,
                       {issuer_, abi::Value::bytes32(key), abi::Value::bytes32(r->request_hash)});
  }
  if (records_.size() >= kMaxKycEventRecords) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("KYC event records per issuer"), U256(kMaxKycEventRecords)});
  }
  const uint64_t seq = next_.get();
  records_.set(key, KycEventRecord{request_hash, now, ctx.block.number, seq});
  order_.set(seq, key);
  next_.set(seq + 1);
  return Status::Ok();
}

void KycEventLog::encode_state(StateEncoder& enc) const {
  enc.address(issuer_);
  enc.u64(head_.get());
  enc.u64(next_.get());
  enc.u64(records_.size());
  records_.for_each_sorted([&](const Bytes32& k, const KycEventRecord& r) {
    enc.b32(k);
    delta_put(enc, r);
  });
  enc.u64(order_.size());
  order_.for_each_sorted([&](uint64_t seq, const Bytes32& k) {
    enc.u64(seq);
    enc.b32(k);
  });
}

std::unique_ptr<Contract> KycEventLog::decode_state(DecodeContext& ctx, const Address& self,
                                                    StateDecoder& dec) {
  const Address issuer = dec.address();
  auto log = std::make_unique<KycEventLog>(ctx.state, self, issuer);
  log->head_.set(dec.u64());
  log->next_.set(dec.u64());
  for (uint64_t n = dec.count(32 + 32 + 8 * 3); n > 0 && dec.ok(); --n) {
    const Bytes32 k = dec.b32();
    KycEventRecord r;
    r.request_hash = dec.b32();
    r.applied_at = dec.u64();
    r.block_number = dec.u64();
    r.seq = dec.u64();
    if (r.seq >= log->next_.get() || r.seq < log->head_.get()) {
      dec.fail("KYC event record out of the log's range");
    }
    log->records_.set(k, r);
  }
  for (uint64_t n = dec.count(8 + 32); n > 0 && dec.ok(); --n) {
    const uint64_t seq = dec.u64();
    log->order_.set(seq, dec.b32());
  }
  if (!dec.ok()) return nullptr;
  return log;
}

const ContractAbi& KycEventLog::abi() const {
  static const ContractAbi kAbi = [] {
    std::vector<MethodSpec> m = {
        {"issuer",
         {},
         {{"", "address"}},
         Mutability::kView,
         [](Contract& c, CallContext&, const abi::ValueList&) -> Result<Outputs> {
           return Outputs{static_cast<KycEventLog&>(c).issuer()};
         },
         "The claim issuer identity whose KYC events this log records."},
        {"kycEvent",
         {{"eventKey", "bytes32"}},
         {{"requestHash", "bytes32"}, {"appliedAt", "uint256"}, {"blockNumber", "uint256"}},
         Mutability::kView,
         [](Contract& c, CallContext&, const abi::ValueList& a) -> Result<Outputs> {
           const KycEventRecord* r = static_cast<KycEventLog&>(c).find(a[0].as_bytes32());
           const KycEventRecord z;
           if (r == nullptr) r = &z;
           return Outputs{abi::Value::bytes32(r->request_hash), U256(r->applied_at),
                          U256(r->block_number)};
         },
         "The record of an applied event (zeros if none, or pruned after "
         "kKycEventRetentionSeconds)."},
    };
    return ContractAbi("KycEventLog", std::move(m), {}, {});
  }();
  return kAbi;
}

}  // namespace stoa::core
