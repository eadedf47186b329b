// A contract that belongs to one security's contract set (registry, modules, restriction): its
// privileged functions are guarded by the roles of that security's token.
#pragma once

#include "stoa/core/contract.h"

namespace stoa::core {

class SecurityPart : public Contract {
 public:
  SecurityPart(State& state, const Address& self, const Address& security)
      : Contract(state, self), security_(security) {}
  const Address& security() const { return security_; }
  AccessControl* access_control() const override;

 protected:
  Status require_role(const CallContext& ctx, const Bytes32& role) const;
  Address security_;
};

// Validates the shape of a batch call: non-empty, equal lengths, at most kMaxBatchLength.
inline constexpr size_t kMaxBatchLength = 5000;  // entries per batch call
Status check_batch(size_t length, size_t other_length);

}  // namespace stoa::core
