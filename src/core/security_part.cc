#include "stoa/core/security_part.h"

#include "stoa/core/access_control.h"
#include "stoa/core/compliance_registry.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {

AccessControl* SecurityPart::access_control() const {
  SecurityToken* t = state_.contract_as<SecurityToken>(security_);
  STOA_ASSERT(t != nullptr);
  return t->access_control();
}

const Contract& SecurityPart::roles_contract() const {
  const SecurityToken* t = state_.contract_as<SecurityToken>(security_);
  STOA_ASSERT(t != nullptr);
  return *t;
}

Status SecurityPart::require_role(const CallContext& ctx, const Bytes32& role) const {
  // Called by this security's ComplianceRegistry in its callModuleFunction (rules V6): the
  // registry's caller must hold the role, as if it had called directly.
  if (const auto* r = state_.contract_as<ComplianceRegistry>(ctx.sender);
      r != nullptr && r->security() == security_ && !r->module_caller().is_zero()) {
    return access_control()->require(role, r->module_caller());
  }
  return access_control()->require(role, ctx.sender);
}

Status check_batch(size_t length, size_t other_length) {
  if (length == 0) return make_revert(ErrorId::kEmptyBatch);
  if (other_length != length) {
    return make_revert(ErrorId::kBatchLengthMismatch, {U256(length), U256(other_length)});
  }
  if (length > kMaxBatchLength) {
    return make_revert(ErrorId::kBatchTooLarge, {U256(length), U256(kMaxBatchLength)});
  }
  return Status::Ok();
}

}  // namespace stoa::core
