#include "stoa/core/kyc_events.h"

#include "stoa/core/abi_registry.h"
#include "stoa/core/fields.h"
#include "stoa/core/state.h"

namespace stoa::core {

Address kyc_event_log_address(const Address& issuer) {
  return create_address(issuer, 0);
}

KycEventLog::KycEventLog(State& state, const Address& self, const Address& issuer)
    : Contract(state, self), issuer_(issuer) {}

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

const auto& KycEventLog::field_list() {
  static constexpr auto kFields =
      std::make_tuple(field(&KycEventLog::issuer_, "issuer"), field(&KycEventLog::head_, "head"),
                      field(&KycEventLog::next_, "next"), field(&KycEventLog::records_, "records"),
                      field(&KycEventLog::order_, "order"));
  return kFields;
}
STOA_DEFINE_FIELDS(KycEventLog)

std::unique_ptr<Contract> KycEventLog::decode_state(DecodeContext& ctx, const Address& self,
                                                    StateDecoder& dec) {
  auto log = std::make_unique<KycEventLog>(ctx.state, self, Address{});
  if (!decode_fields(*log, field_list(), ctx, dec)) return nullptr;
  bool in_range = true;
  log->records_.for_each_sorted([&](const Bytes32& /*key*/, const KycEventRecord& r) {
    in_range = in_range && r.seq < log->next_.get() && r.seq >= log->head_.get();
  });
  if (!in_range) {
    dec.fail("KYC event record out of the log's range");
    return nullptr;
  }
  return log;
}

namespace {
void kyc_event_log_methods(AbiRegistry<KycEventLog>& reg) {
  reg.view<&KycEventLog::issuer>("issuer", {},
                                 "The claim issuer identity whose KYC events this log records.");
  reg.view("kycEvent", {"eventKey"}, {"requestHash", "appliedAt", "blockNumber"},
           "The record of an applied event (zeros if none, or pruned after "
           "kKycEventRetentionSeconds).",
           [](KycEventLog& c, const Bytes32& key) -> std::tuple<Bytes32, U256, U256> {
             const KycEventRecord* r = c.find(key);
             if (r == nullptr) return {Bytes32{}, U256(0), U256(0)};
             return {r->request_hash, U256(r->applied_at), U256(r->block_number)};
           });
}
}  // namespace

const ContractAbi& KycEventLog::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<KycEventLog> reg;
    kyc_event_log_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    return ContractAbi("KycEventLog", std::move(m), {}, {});
  }();
  return kAbi;
}

}  // namespace stoa::core
