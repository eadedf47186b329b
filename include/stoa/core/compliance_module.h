// The native form of LP-3100's IComplianceModule: a rule that looks at movements of the kinds it
// checks and either passes them or reports a restriction code; plus a hook after each successful
// movement of the kinds it tracks, for rules that keep state. Each module class declares both
// sets (kChecks, kTracks); the registration table (contract_kinds.cc) records them, and the
// registry calls evaluate() and on_movement() only for those kinds.
#pragma once

#include <string_view>

#include "stoa/core/security_part.h"

namespace stoa::core {

class ComplianceRegistry;

class ComplianceModule : public SecurityPart {
 public:
  ComplianceModule(State& state, const Address& self, const Address& security, MovementKinds checks,
                   MovementKinds tracks)
      : SecurityPart(state, self, security), checks_(checks), tracks_(tracks) {}
  // The kinds of movement evaluate() is asked about, and the kinds on_movement() sees (every
  // kind it keeps state about, the agent's forced and recovery moves included).
  MovementKinds checks() const { return checks_; }
  MovementKinds tracks() const { return tracks_; }
  // Reports refusals of `m` (a kind in checks()) to `sink`; `registry` is the registry evaluating
  // the chain.
  virtual void evaluate(const Movement& m, const ComplianceRegistry& registry,
                        RuleSink& sink) const = 0;
  // Starts loading the storage evaluate() will read for a movement of `kind` from `from` to
  // `to` (a hint with no effect on state or results; the lookups overlap instead of queueing).
  virtual void prefetch(MovementKind kind, const Address& from, const Address& to) const {
    (void)kind;
    (void)from;
    (void)to;
  }
  // After a movement of a kind in tracks() succeeded (including the agent's moves, which no rule
  // refuses).
  virtual void on_movement(CallContext& ctx, const Movement& m) {
    (void)ctx;
    (void)m;
  }
  // recoveryAddress moved `lost`'s holdings to `fresh` (rules V5, after on_movement if a balance
  // moved): per-wallet state that belongs to the investor moves with it.
  virtual void on_recovery(CallContext& ctx, const Address& lost, const Address& fresh) {
    (void)ctx;
    (void)lost;
    (void)fresh;
  }
  virtual std::string_view module_name() const = 0;
  // checkTransfer(from, to, amount) of IComplianceModule: the first refusal for a transfer.
  uint8_t check_transfer(const ComplianceRegistry& registry, const Movement& m) const {
    RuleSink sink;
    if (checks_.has(m.kind)) evaluate(m, registry, sink);
    return sink.first_code();
  }
  // Whether contracts of kind `k` are compliance modules (the registration table says).
  static bool is_module_kind(ContractKind k);

 private:
  MovementKinds checks_;
  MovementKinds tracks_;
};

// The IComplianceModule functions every module exposes (checkTransfer, moduleName).
std::vector<MethodSpec> module_common_methods();

}  // namespace stoa::core
