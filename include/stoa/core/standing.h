// Standing on the ledger (PRODUCT.md §3.2; docs/NODE.md, "Admission policy"): the accounts whose
// transactions a node admits without an operator allow-list entry. Read-only and deterministic;
// the node calls it at admission for every transaction.
#pragma once

#include "stoa/common/address.h"

namespace stoa::core {

class State;

// True if `account`
//   - holds a role on the SecurityFactory or the IdentityFactory, or on a security's token (whose
//     roles guard every part of the security),
//   - has a record in a security's ComplianceRegistry (onboarded, whitelisted, blacklisted or
//     given a jurisdiction: an investor the compliance officer knows),
//   - is registered in a security's identity registry, or
//   - has an identity made for it by the IdentityFactory (its management key).
// Cost: a few hash lookups for the system contracts, then about a dozen per security, stopping
// at the first match (investors are found at their security's registry).
bool has_standing(const State& state, const Address& account);

}  // namespace stoa::core
