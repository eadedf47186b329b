// T-REX v4 parity of the identity registries (issue 13, items 1 and 2; rules V5): Ownable on all
// four, the agent functions of IdentityRegistry and IdentityRegistryStorage (an agent of either
// is a COMPLIANCE_ROLE holder of the security's token), the storage's own writers, and the
// IdentityRegistry setters, which accept only the parts the security was created with.
#include "stoa/core/abi_registry.h"
#include "stoa/core/access_control.h"
#include "stoa/core/country_codes.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {

// ------------------------------------------------------------------ storage (members)

Status IdentityRegistryStorage::agent_add(CallContext& ctx, const Address& wallet,
                                          const Address& identity, uint16_t country) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  if (wallet.is_zero()) return make_revert(ErrorId::kZeroAddress);
  if (state_.contract_as<Identity>(identity) == nullptr) {
    return make_revert(ErrorId::kNotAnIdentity, {identity});
  }
  if (find(wallet) != nullptr) return make_revert(ErrorId::kIdentityAlreadyRegistered, {wallet});
  write(ctx, wallet, StoredIdentity{identity, country});
  return Status::Ok();
}

Status IdentityRegistryStorage::agent_modify_identity(CallContext& ctx, const Address& wallet,
                                                      const Address& identity) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  const StoredIdentity* e = find(wallet);
  if (e == nullptr) return make_revert(ErrorId::kIdentityNotRegistered, {wallet});
  if (state_.contract_as<Identity>(identity) == nullptr) {
    return make_revert(ErrorId::kNotAnIdentity, {identity});
  }
  const StoredIdentity updated{identity, e->country};
  write(ctx, wallet, updated);
  return Status::Ok();
}

Status IdentityRegistryStorage::agent_modify_country(CallContext& ctx, const Address& wallet,
                                                     uint16_t country) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  const StoredIdentity* e = find(wallet);
  if (e == nullptr) return make_revert(ErrorId::kIdentityNotRegistered, {wallet});
  const StoredIdentity updated{e->identity, country};
  write(ctx, wallet, updated);
  return Status::Ok();
}

Status IdentityRegistryStorage::agent_remove(CallContext& ctx, const Address& wallet) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  if (find(wallet) == nullptr) return make_revert(ErrorId::kIdentityNotRegistered, {wallet});
  write(ctx, wallet, StoredIdentity{});
  return Status::Ok();
}

Status IdentityRegistryStorage::bind_checked(CallContext& ctx, const Address& registry) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  const auto* r = state_.contract_as<IdentityRegistry>(registry);
  if (r == nullptr || &r->storage() != this) {
    return make_revert(ErrorId::kNotAnIdentityRegistry, {registry});
  }
  const auto& b = bound();
  if (std::find(b.begin(), b.end(), registry) != b.end()) return Status::Ok();
  if (b.size() >= kMaxBoundRegistries) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("bound identity registries"), U256(kMaxBoundRegistries)});
  }
  bind(ctx, registry);
  return Status::Ok();
}

void IdentityRegistryStorage::sync_jurisdiction(CallContext& ctx, const Address& wallet,
                                                uint16_t country) {
  const Jurisdiction j = jurisdiction_of_country(country);
  if (j == 0) return;  // no country, or not an ISO 3166-1 one: the alpha-2 record stays
  for (const Address& r : bound()) {
    const auto* reg = state_.contract_as<IdentityRegistry>(r);
    auto* tok = reg == nullptr ? nullptr : state_.contract_as<SecurityToken>(reg->security());
    if (tok == nullptr || tok->identity_registry() != reg || tok->registry() == nullptr) continue;
    ComplianceRegistry* cr = tok->registry();
    if (cr->get(wallet).jurisdiction != j) cr->write_jurisdiction(ctx, wallet, j);
  }
}

namespace {

// ------------------------------------------------------------------ shared groups

template <typename C>
void agent_methods(AbiRegistry<C>& reg) {
  reg.call("addAgent", {"_agent"},
           "ERC-3643, DEFAULT_ADMIN_ROLE: the registry agent is a COMPLIANCE_ROLE holder of the "
           "security's token (docs/identity.md, \"ERC-3643 agents and owners\").",
           [](C& c, CallContext& ctx, const Address& agent) -> Status {
             AccessControl& a = *c.access_control();
             STOA_TRY(a.require(roles::default_admin(), ctx.sender));
             if (a.has_role(roles::compliance(), agent)) return Status::Ok();
             STOA_TRY(a.grant(ctx, c.roles_contract(), roles::compliance(), agent));
             c.emit(ctx, "AgentAdded", {agent});
             return Status::Ok();
           });
  reg.call("removeAgent", {"_agent"}, "ERC-3643, DEFAULT_ADMIN_ROLE: revokes COMPLIANCE_ROLE.",
           [](C& c, CallContext& ctx, const Address& agent) -> Status {
             AccessControl& a = *c.access_control();
             STOA_TRY(a.require(roles::default_admin(), ctx.sender));
             if (!a.has_role(roles::compliance(), agent)) return Status::Ok();
             STOA_TRY(a.revoke(ctx, c.roles_contract(), roles::compliance(), agent));
             c.emit(ctx, "AgentRemoved", {agent});
             return Status::Ok();
           });
  reg.view("isAgent", {"_agent"}, "ERC-3643: holds COMPLIANCE_ROLE on the security's token.",
           [](C& c, const Address& agent) -> bool {
             return c.access_control()->has_role(roles::compliance(), agent);
           });
}

std::vector<EventSpec> agent_events() {
  return {{"AgentAdded", {{"_agent", "address", true}}, "ERC-3643."},
          {"AgentRemoved", {{"_agent", "address", true}}, "ERC-3643."}};
}

void append(std::vector<MethodSpec>& to, std::vector<MethodSpec> from) {
  for (auto& x : from)
    to.push_back(std::move(x));
}

// ------------------------------------------------------------------ storage

void storage_agent_methods(AbiRegistry<IdentityRegistryStorage>& reg) {
  reg.call<&IdentityRegistryStorage::agent_add>(
      "addIdentityToStorage", {"_userAddress", "_identity", {"_country", "uint16"}},
      "ERC-3643, COMPLIANCE_ROLE: stores a wallet's identity and ISO 3166 numeric country.");
  reg.call<&IdentityRegistryStorage::agent_remove>("removeIdentityFromStorage", {"_userAddress"},
                                                   "ERC-3643, COMPLIANCE_ROLE.");
  reg.call<&IdentityRegistryStorage::agent_modify_country>("modifyStoredInvestorCountry",
                                                           {"_userAddress", {"_country", "uint16"}},
                                                           "ERC-3643, COMPLIANCE_ROLE.");
  reg.call<&IdentityRegistryStorage::agent_modify_identity>(
      "modifyStoredIdentity", {"_userAddress", "_identity"}, "ERC-3643, COMPLIANCE_ROLE.");
  reg.call<&IdentityRegistryStorage::bind_checked>(
      "bindIdentityRegistry", {"_identityRegistry"},
      "ERC-3643, DEFAULT_ADMIN_ROLE: an IdentityRegistry created on this storage (already "
      "bound: no change).");
}

// ------------------------------------------------------------------ registry

Status fixed_part(IdentityRegistry& c, CallContext& ctx, const Address& current,
                  const Address& requested, std::string_view event) {
  STOA_TRY(c.access_control()->require(roles::default_admin(), ctx.sender));
  if (requested != current) {
    return make_revert(ErrorId::kRegistryPartFixed, {current, requested});
  }
  c.emit(ctx, event, {requested});
  return Status::Ok();
}

void registry_setter_methods(AbiRegistry<IdentityRegistry>& reg) {
  reg.call("setIdentityRegistryStorage", {"_identityRegistryStorage"},
           "ERC-3643, DEFAULT_ADMIN_ROLE: accepts only the linked storage (RegistryPartFixed).",
           [](IdentityRegistry& c, CallContext& ctx, const Address& a) {
             return fixed_part(c, ctx, c.storage().address(), a, "IdentityStorageSet");
           });
  reg.call("setClaimTopicsRegistry", {"_claimTopicsRegistry"},
           "ERC-3643, DEFAULT_ADMIN_ROLE: accepts only the linked registry (RegistryPartFixed).",
           [](IdentityRegistry& c, CallContext& ctx, const Address& a) {
             return fixed_part(c, ctx, c.topics().address(), a, "ClaimTopicsRegistrySet");
           });
  reg.call("setTrustedIssuersRegistry", {"_trustedIssuersRegistry"},
           "ERC-3643, DEFAULT_ADMIN_ROLE: accepts only the linked registry (RegistryPartFixed).",
           [](IdentityRegistry& c, CallContext& ctx, const Address& a) {
             return fixed_part(c, ctx, c.issuers().address(), a, "TrustedIssuersRegistrySet");
           });
}

}  // namespace

void extend_with_ownable_abi(ContractAbi& abi) {
  abi.extend(ownable_methods(), ownable_events(), access_control_errors(), Rules::kV5);
}

void extend_storage_with_trex_abi(ContractAbi& abi) {
  AbiRegistry<IdentityRegistryStorage> reg;
  storage_agent_methods(reg);
  agent_methods(reg);
  std::vector<MethodSpec> m = reg.take();
  append(m, ownable_methods());
  std::vector<EventSpec> e = agent_events();
  for (auto& x : ownable_events())
    e.push_back(std::move(x));
  std::vector<ErrorId> errs = access_control_errors();
  for (ErrorId x : {ErrorId::kNotAnIdentity, ErrorId::kIdentityAlreadyRegistered,
                    ErrorId::kIdentityNotRegistered, ErrorId::kLimitExceeded}) {
    errs.push_back(x);
  }
  abi.extend(std::move(m), std::move(e), std::move(errs), Rules::kV5);
}

void extend_registry_with_trex_abi(ContractAbi& abi) {
  AbiRegistry<IdentityRegistry> reg;
  agent_methods(reg);
  registry_setter_methods(reg);
  std::vector<MethodSpec> m = reg.take();
  append(m, ownable_methods());
  std::vector<EventSpec> e = agent_events();
  for (auto& x : ownable_events())
    e.push_back(std::move(x));
  for (std::string_view name :
       {"IdentityStorageSet", "ClaimTopicsRegistrySet", "TrustedIssuersRegistrySet"}) {
    std::string_view param = name == "IdentityStorageSet"       ? "identityStorage"
                             : name == "ClaimTopicsRegistrySet" ? "claimTopicsRegistry"
                                                                : "trustedIssuersRegistry";
    e.push_back({name, {{param, "address", true}}, "ERC-3643: the setter confirmed the part."});
  }
  std::vector<ErrorId> errs = access_control_errors();
  errs.push_back(ErrorId::kRegistryPartFixed);
  abi.extend(std::move(m), std::move(e), std::move(errs), Rules::kV5);
}

}  // namespace stoa::core
