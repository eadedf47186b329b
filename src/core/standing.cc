#include "stoa/core/standing.h"

#include "stoa/core/compliance_registry.h"
#include "stoa/core/factory.h"
#include "stoa/core/identity.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {

bool holds_any_role(const AccessControl& ac, const Address& account) {
  for (const RoleInfo& r : roles::all()) {
    if (ac.has_role(r.id, account)) return true;
  }
  return false;
}

}  // namespace

bool has_standing(const State& state, const Address& account) {
  const auto* idf = state.contract_as<IdentityFactory>(identity_factory_address());
  if (idf != nullptr && !idf->identity_of(account).is_zero()) return true;
  const Factory& f = state.factory();
  if (holds_any_role(*f.access_control(), account)) return true;
  if (idf != nullptr && holds_any_role(*idf->access_control(), account)) return true;
  for (const SecuritySet& s : f.securities()) {
    if (const auto* reg = state.contract_as<ComplianceRegistry>(s.registry)) {
      if (reg->record(account) != nullptr) return true;
    }
    const auto* tok = state.contract_as<SecurityToken>(s.token);
    if (tok == nullptr) continue;
    if (const IdentityRegistry* ir = tok->identity_registry()) {
      if (ir->storage().find(account) != nullptr) return true;
    }
    if (holds_any_role(*tok->access_control(), account)) return true;
  }
  return false;
}

}  // namespace stoa::core
