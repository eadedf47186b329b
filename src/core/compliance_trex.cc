// T-REX's ModularCompliance answered by the ComplianceRegistry itself (issue 13, item 1; rules
// V5): token.compliance() is the registry, which already has canTransfer, getModules, addModule
// and removeModule with T-REX's selectors; here the binding functions, isModuleBound and Ownable.
// A registry serves the one security it was created for, and the token runs the transferred /
// created / destroyed hooks natively, so those answer OnlyBoundToken to any caller.
#include "stoa/core/abi_registry.h"
#include "stoa/core/access_control.h"
#include "stoa/core/compliance_registry.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {

Status refuse_hook(const CallContext& ctx) {
  return make_revert(ErrorId::kOnlyBoundToken, {ctx.sender});
}

void binding_methods(AbiRegistry<ComplianceRegistry>& reg) {
  reg.call("bindToken", {"_token"},
           "ModularCompliance, DEFAULT_ADMIN_ROLE: confirms the security's own token (TokenBound); "
           "any other token: NotBoundToken.",
           [](ComplianceRegistry& c, CallContext& ctx, const Address& token) -> Status {
             STOA_TRY(c.access_control()->require(roles::default_admin(), ctx.sender));
             if (token != c.security()) return make_revert(ErrorId::kNotBoundToken, {token});
             c.emit(ctx, "TokenBound", {token});
             return Status::Ok();
           });
  reg.call("unbindToken", {"_token"},
           "ModularCompliance, DEFAULT_ADMIN_ROLE: a security keeps its registry "
           "(RegistryPartFixed); the token's setCompliance switches to another.",
           [](ComplianceRegistry& c, CallContext& ctx, const Address& token) -> Status {
             STOA_TRY(c.access_control()->require(roles::default_admin(), ctx.sender));
             if (token != c.security()) return make_revert(ErrorId::kNotBoundToken, {token});
             return make_revert(ErrorId::kRegistryPartFixed, {token, Address{}});
           });
  reg.view("getTokenBound", {}, "ModularCompliance: the security's token.",
           [](ComplianceRegistry& c) -> Address { return c.security(); });
  reg.view("isModuleBound", {"_module"}, "ModularCompliance: the module is in the chain.",
           [](ComplianceRegistry& c, const Address& module) -> bool {
             const auto& m = c.modules();
             return std::find(m.begin(), m.end(), module) != m.end();
           });
}

void hook_methods(AbiRegistry<ComplianceRegistry>& reg) {
  reg.call("transferred", {"_from", "_to", "_amount"},
           "ModularCompliance: run by the token natively; OnlyBoundToken to a caller.",
           [](ComplianceRegistry&, CallContext& ctx, const Address&, const Address&, const U256&) {
             return refuse_hook(ctx);
           });
  reg.call("created", {"_to", "_amount"},
           "ModularCompliance: run by the token natively; OnlyBoundToken to a caller.",
           [](ComplianceRegistry&, CallContext& ctx, const Address&, const U256&) {
             return refuse_hook(ctx);
           });
  reg.call("destroyed", {"_from", "_amount"},
           "ModularCompliance: run by the token natively; OnlyBoundToken to a caller.",
           [](ComplianceRegistry&, CallContext& ctx, const Address&, const U256&) {
             return refuse_hook(ctx);
           });
}

std::vector<MethodSpec> module_call_methods() {
  AbiRegistry<ComplianceRegistry> reg;
  reg.call<&ComplianceRegistry::call_module_function>(
      "callModuleFunction", {"callData", "_module"},
      "ModularCompliance, DEFAULT_ADMIN_ROLE (rules V6): calls the bound module `_module` with "
      "`callData`, this registry as the caller (the module checks the roles of the caller of "
      "callModuleFunction); reverts with the module's revert if it fails; ModuleInteraction.");
  return reg.take();
}

}  // namespace

Status ComplianceRegistry::call_module_function(CallContext& ctx, const Bytes& call_data,
                                                const Address& module) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  const auto& bound = modules();
  if (std::find(bound.begin(), bound.end(), module) == bound.end()) {
    return make_revert(ErrorId::kModuleNotFound, {module});
  }
  const Address outer = module_caller_;  // nested: callModuleFunction through an identity
  module_caller_ = ctx.sender;
  CallResult r = ctx.state.nested_call(self_, module, call_data, ctx.block);
  module_caller_ = outer;
  if (!r.success) return Revert{std::move(r.output)};
  if (ctx.logs != nullptr) {
    for (Log& l : r.logs)
      ctx.logs->push_back(std::move(l));
  }
  // The call decoded, so the data has its 4-byte selector.
  emit(ctx, "ModuleInteraction",
       {module, abi::Value(Bytes(call_data.begin(), call_data.begin() + 4))});
  return Status::Ok();
}

void extend_with_modular_compliance_abi(ContractAbi& abi) {
  AbiRegistry<ComplianceRegistry> reg;
  binding_methods(reg);
  hook_methods(reg);
  std::vector<MethodSpec> m = reg.take();
  for (auto* list : {&role_enumeration_methods, &ownable_methods}) {
    for (auto& x : (*list)())
      m.push_back(std::move(x));
  }
  std::vector<EventSpec> e = ownable_events();
  e.push_back({"TokenBound", {{"_token", "address", false}}, "ModularCompliance: bindToken."});
  e.push_back({"TokenUnbound",
               {{"_token", "address", false}},
               "ModularCompliance (never emitted: a security keeps its registry)."});
  abi.extend(std::move(m), std::move(e),
             {ErrorId::kNotBoundToken, ErrorId::kRegistryPartFixed, ErrorId::kOnlyBoundToken},
             Rules::kV5);
  abi.extend(module_call_methods(),
             {{"ModuleInteraction",
               {{"target", "address", true}, {"selector", "bytes4"}},
               "ModularCompliance: callModuleFunction called `target` with `selector`."}},
             {ErrorId::kModuleNotFound, ErrorId::kCallDepthExceeded}, Rules::kV6);
}

}  // namespace stoa::core
