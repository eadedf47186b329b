// A contract that belongs to one security's contract set (registry, modules, restriction): its
// privileged functions are guarded by the roles of that security's token.
#pragma once

#include <initializer_list>

#include "stoa/core/contract.h"

namespace stoa::core {

class SecurityPart : public Contract {
 public:
  SecurityPart(State& state, const Address& self, const Address& security)
      : Contract(state, self), security_(security) {}
  const Address& security() const { return security_; }
  AccessControl* access_control() const override;
  const Contract& roles_contract() const override;  // the token

 protected:
  Status require_role(const CallContext& ctx, const Bytes32& role) const;
  Address security_;
};

// Validates the shape of a batch call: non-empty, equal lengths, at most kMaxBatchLength.
inline constexpr size_t kMaxBatchLength = 5000;  // entries per batch call
Status check_batch(size_t length, size_t other_length);

// The legs of a batch call whose first `arrays` arguments are parallel lists: checks them with
// check_batch (non-empty, equal lengths, at most kMaxBatchLength), then runs `leg(i)` for each
// index in order; the first refusal ends the call, which then rolls back as a whole. A call past
// its gas budget stops at the next leg (State::call then refuses it: out of gas).
template <typename Leg>
Result<Outputs> for_each_leg(const CallContext& ctx, const abi::ValueList& args, size_t arrays,
                             Leg&& leg) {
  const size_t n = args[0].list().size();
  for (size_t k = arrays > 1 ? 1 : 0; k < arrays; ++k)
    STOA_TRY(check_batch(n, args[k].list().size()));
  for (size_t i = 0; i < n; ++i) {
    if (out_of_gas(ctx)) return out_of_gas_revert();
    STOA_TRY(leg(i));
  }
  return Outputs{};
}

// The same over the typed lists of an AbiRegistry method: `lengths` are the lengths of its
// parallel lists, the first list's first.
template <typename Leg>
Status for_each_leg(const CallContext& ctx, std::initializer_list<size_t> lengths, Leg&& leg) {
  const size_t n = *lengths.begin();
  if (lengths.size() == 1) STOA_TRY(check_batch(n, n));
  for (auto it = lengths.begin() + 1; it != lengths.end(); ++it)
    STOA_TRY(check_batch(n, *it));
  for (size_t i = 0; i < n; ++i) {
    if (out_of_gas(ctx)) return out_of_gas_revert();
    STOA_TRY(leg(i));
  }
  return Status::Ok();
}

}  // namespace stoa::core
