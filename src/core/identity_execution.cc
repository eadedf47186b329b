// ONCHAINID's execution requests on an Identity (IERC734 execute / approve; issue 13, item 1;
// rules V6, rules::trex_proxy_parity; docs/identity.md, "Execution requests"). As ONCHAINID's
// Identity.sol: execute records a request and approves it at once when the caller is a
// management key, or an action key for a target other than the identity itself; otherwise it
// waits for approve(id, true) by such a key. Running a request is a nested call from the
// identity (State::nested_call): Executed if it succeeds, ExecutionFailed (the target's writes
// undone, the request kept pending) if not. Differences: a value must be 0 (no native coin); a
// rejected request (approve(id, false)) is dropped rather than kept for a later approval; at
// most kMaxPendingExecutions wait per identity.
#include <algorithm>
#include <string>

#include "stoa/core/abi_registry.h"
#include "stoa/core/fields.h"
#include "stoa/core/identity.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {

constexpr uint64_t kExecutionsFlag = uint64_t{1} << 63;  // in the revoked-key count

// The key purpose that approves a request to `to`: management for the identity itself, action
// (which a management key also has) for any other target.
uint32_t approving_purpose(const Address& self, const Address& to) {
  return to == self ? purpose::kManagement : purpose::kAction;
}

}  // namespace

Result<U256> Identity::execute(CallContext& ctx, const Address& to, const U256& value,
                               const Bytes& data) {
  if (!value.is_zero()) return make_revert(ErrorId::kExecutionValueNotZero, {value});
  if (to.is_zero()) return make_revert(ErrorId::kZeroAddress);
  if (data.size() > kMaxExecutionDataBytes) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("execution data bytes"), U256(kMaxExecutionDataBytes)});
  }
  if (executions_.size() >= kMaxPendingExecutions) {
    return make_revert(ErrorId::kLimitExceeded, {std::string("pending executions per identity"),
                                                 U256(kMaxPendingExecutions)});
  }
  const uint64_t id = exec_nonce_.get();
  exec_nonce_.set(id + 1);
  executions_.set(id, Execution{to, data, false});
  emit(ctx, "ExecutionRequested", {U256(id), to, value, data});
  if (key_has_purpose(key_of(ctx.sender), approving_purpose(self_, to))) {
    auto ran = approve(ctx, U256(id), true);
    if (!ran.ok()) return ran.take_revert();
  }
  return U256(id);
}

Result<bool> Identity::approve(CallContext& ctx, const U256& id, bool yes) {
  if (!id.fits_u64() || id.low64() >= exec_nonce_.get()) {
    return make_revert(ErrorId::kExecutionNotFound, {id});
  }
  const uint64_t n = id.low64();
  const Execution* pending = executions_.find(n);
  if (pending == nullptr) return make_revert(ErrorId::kExecutionClosed, {id});
  if (std::find(running_.begin(), running_.end(), n) != running_.end()) {
    return make_revert(ErrorId::kExecutionInProgress, {id});
  }
  const uint32_t need = approving_purpose(self_, pending->to);
  if (!key_has_purpose(key_of(ctx.sender), need)) {
    return make_revert(ErrorId::kIdentityUnauthorized, {ctx.sender, U256(need)});
  }
  emit(ctx, "Approved", {id, yes});
  if (!yes) {
    executions_.set(n, Execution{});  // rejected: dropped
    return false;
  }
  Execution x = *pending;
  x.approved = true;
  executions_.set(n, x);
  running_.push_back(n);
  CallResult r = ctx.state.nested_call(self_, x.to, x.data, ctx.block);
  running_.pop_back();
  if (!r.success) {
    emit(ctx, "ExecutionFailed", {id, x.to, U256(0), x.data});
    return false;
  }
  if (ctx.logs != nullptr) {
    for (Log& l : r.logs)
      ctx.logs->push_back(std::move(l));
  }
  executions_.set(n, Execution{});  // executed: dropped
  emit(ctx, "Executed", {id, x.to, U256(0), x.data});
  return true;
}

// The revoked keys as a key set (their count, then the keys ascending), the count's high bit
// set when execution requests follow: the ids used, then the pending requests by id.
void Identity::encode_tail(StateEncoder& enc) const {
  const bool executions = exec_nonce_.get() != 0;
  enc.u64(revoked_keys_.size() | (executions ? kExecutionsFlag : 0));
  revoked_keys_.for_each_sorted([&](const Bytes32& k, bool) { delta_put(enc, k); });
  if (!executions) return;
  enc.u64(exec_nonce_.get());
  executions_.encode_content(enc);
}

void Identity::decode_tail(StateDecoder& dec) {
  uint64_t n = dec.u64();
  const bool executions = (n & kExecutionsFlag) != 0;
  n &= ~kExecutionsFlag;
  for (; n > 0 && dec.ok(); --n)
    revoked_keys_.set(dec.b32(), true);
  if (!executions || !dec.ok()) return;
  const uint64_t used = dec.u64();
  if (used == 0) dec.fail("identity execution requests flagged with no id used");
  exec_nonce_.set(used);
  for (uint64_t k = dec.count(1); k > 0 && dec.ok(); --k) {
    const uint64_t id = dec.u64();
    Execution x;
    state_get(dec, x);
    if (id >= used || x.to.is_zero()) {
      dec.fail("identity execution request " + std::to_string(id) + " of " + std::to_string(used) +
               " ids, or to the zero address");
    }
    executions_.set(id, x);
  }
}

void Identity::describe_tail(std::vector<FieldInfo>& out) const {
  out.push_back(FieldInfo{"revoked_keys", &revoked_keys_, false});
  out.push_back(FieldInfo{"execution_count", &exec_nonce_, false});
  out.push_back(FieldInfo{"executions", &executions_, false});
}

void extend_with_execution_abi(ContractAbi& abi) {
  AbiRegistry<Identity> reg;
  reg.call<&Identity::execute>(
      "execute", {"_to", "_value", "_data"}, {"executionId"},
      "ERC-734 (ONCHAINID): records an execution request (ExecutionRequested); a management key, "
      "or an action key for another target than this identity, approves it at once. `_value` "
      "must be 0 (ExecutionValueNotZero: no native coin). docs/identity.md, \"Execution "
      "requests\".");
  reg.call<&Identity::approve>(
      "approve", {"_id", "_approve"}, {"success"},
      "ERC-734 (ONCHAINID): a management key (requests to this identity) or an action key "
      "(other targets) approves and runs the request as a call from this identity (Approved, "
      "then Executed, or ExecutionFailed with the target's writes undone and the request kept), "
      "or rejects it (dropped). Returns whether it ran.");
  const std::vector<Param> request = {{"executionId", "uint256", true},
                                      {"to", "address", true},
                                      {"value", "uint256", true},
                                      {"data", "bytes"}};
  abi.extend(
      reg.take(),
      {{"ExecutionRequested", request, "ERC-734: execute."},
       {"Executed", request, "ERC-734: the request ran."},
       {"ExecutionFailed", request, "ERC-734: the request's call reverted."},
       {"Approved", {{"executionId", "uint256", true}, {"approved", "bool"}}, "ERC-734: approve."}},
      {ErrorId::kExecutionNotFound, ErrorId::kExecutionClosed, ErrorId::kExecutionValueNotZero,
       ErrorId::kExecutionInProgress, ErrorId::kCallDepthExceeded, ErrorId::kIdentityUnauthorized,
       ErrorId::kZeroAddress, ErrorId::kLimitExceeded},
      Rules::kV6);
}

}  // namespace stoa::core
