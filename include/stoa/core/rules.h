// Ledger rules that changed after blocks were already written under the old ones. Each is one
// named predicate of the block being executed, so a rules version that takes effect from a block
// height (PRODUCT.md §3.4: "never retroactively") can gate it in one place. Until that mechanism
// exists every predicate answers for the current rules.
#pragma once

#include "stoa/core/contract.h"

namespace stoa::core::rules {

// Identity.addClaim (docs/identity.md, "Who may add a claim"): a caller that is not a claim or
// management key of the identity may add an issuer's claim only if the identity approved that
// issuer (the issuer identity's address is a claim key of the identity) or the caller holds
// DEPLOYER_ROLE on the IdentityFactory (the operator's vetted KYC intakes). Before this rule a
// claim key of any issuer could add that issuer's claims to any identity and exhaust its
// kMaxClaimsPerIdentity (issue 12, item 13).
constexpr bool claims_require_key(const BlockContext& /*block*/) {
  return true;
}

}  // namespace stoa::core::rules
