// The native form of LP-3100's IComplianceModule: a rule that looks at every movement
// (transfer, mint, burn, and later forced/recovery/bridge) and either passes it or reports a
// restriction code; plus a hook after each successful movement for rules that keep state.
#pragma once

#include <string_view>

#include "stoa/core/security_part.h"

namespace stoa::core {

class ComplianceRegistry;

class ComplianceModule : public SecurityPart {
 public:
  using SecurityPart::SecurityPart;
  // Reports refusals of `m` to `sink`; `registry` is the registry evaluating the chain.
  virtual void evaluate(const Movement& m, const ComplianceRegistry& registry,
                        RuleSink& sink) const = 0;
  // Starts loading the storage evaluate() will read for a movement of `kind` from `from` to
  // `to` (a hint with no effect on state or results; the lookups overlap instead of queueing).
  virtual void prefetch(MovementKind kind, const Address& from, const Address& to) const {
    (void)kind;
    (void)from;
    (void)to;
  }
  // After a movement succeeded.
  virtual void on_movement(CallContext& ctx, const Movement& m) {
    (void)ctx;
    (void)m;
  }
  virtual std::string_view module_name() const = 0;
  // checkTransfer(from, to, amount) of IComplianceModule: the first refusal for a transfer.
  uint8_t check_transfer(const ComplianceRegistry& registry, const Movement& m) const {
    RuleSink sink;
    evaluate(m, registry, sink);
    return sink.first_code();
  }
  static bool is_module_kind(ContractKind k) {
    return k == ContractKind::kWhitelistModule || k == ContractKind::kLockupModule ||
           k == ContractKind::kJurisdictionModule;
  }
};

// The IComplianceModule functions every module exposes (checkTransfer, moduleName).
std::vector<MethodSpec> module_common_methods();

}  // namespace stoa::core
