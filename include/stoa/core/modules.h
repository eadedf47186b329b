// The three modules LP-3100 ships: WhitelistModule (16/17), LockupModule (18, Rule 144 holding
// periods) and JurisdictionModule (19-22, offering-level country rules).
#pragma once

#include "stoa/core/compliance_registry.h"

namespace stoa::core {

class SecurityToken;

// Sender and receiver must be on the module's own list (a second list, e.g. a venue's).
class WhitelistModule final : public ComplianceModule {
 public:
  static constexpr ContractKind kKind = ContractKind::kWhitelistModule;
  // Sender (own moves) and receiver (deliveries) must be listed; keeps no state about movements.
  static constexpr MovementKinds kChecks = movement_kinds::kChecked;
  static constexpr MovementKinds kTracks = {};
  WhitelistModule(State& state, const Address& self, const Address& security);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);
  void evaluate(const Movement& m, const ComplianceRegistry& registry,
                RuleSink& sink) const override;
  std::string_view module_name() const override { return "WhitelistModule"; }
  void prefetch(MovementKind kind, const Address& from, const Address& to) const override;

  bool listed(const Address& a) const { return list_.get(a); }
  Status set_listed(CallContext& ctx, const Address& a, bool v);  // COMPLIANCE_ROLE
  void on_recovery(CallContext& ctx, const Address& lost, const Address& fresh) override;

 private:
  static const auto& field_list();  // encoding order (modules.cc)
  JMap<Address, bool, AddressHash> list_{undo_log(), Slot{0}};
};

// A sender whose lockup has not expired may not send (18). With a holding period set, every
// issuance to an account extends its lockup to at least block time + period.
inline constexpr uint64_t kMaxHoldingPeriodSeconds = 100ULL * 366 * 24 * 3600;  // 100 years

class LockupModule final : public ComplianceModule {
 public:
  static constexpr ContractKind kKind = ContractKind::kLockupModule;
  // A sender-side rule. Issuance starts a holding period; recovery carries the lost wallet's
  // lockup to the new wallet (the same investor's tokens stay locked).
  static constexpr MovementKinds kChecks = movement_kinds::kSenderChecked;
  static constexpr MovementKinds kTracks = {MovementKind::kMint, MovementKind::kRecovery};
  LockupModule(State& state, const Address& self, const Address& security);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);
  void evaluate(const Movement& m, const ComplianceRegistry& registry,
                RuleSink& sink) const override;
  void on_movement(CallContext& ctx, const Movement& m) override;
  std::string_view module_name() const override { return "LockupModule"; }
  void prefetch(MovementKind kind, const Address& from, const Address& to) const override;

  // The wallet's expiry, or from rules version 5 the end of its latest issued lot's holding
  // period if later (some of its shares are locked until then).
  uint64_t lockup_expiry(const Address& a) const;
  // lockupExpiry(account): as above at `now`, but a lot's end already passed is not reported (the
  // stored wallet expiry is, as before version 5).
  uint64_t lockup_expiry_at(const Address& a, uint64_t now) const;
  // What `a` may not send at `now` (docs/balance-model.md, "Acquisition lots").
  U256 locked_balance(const Address& a, uint64_t now) const;
  uint64_t holding_period() const { return holding_period_.get(); }
  Status set_lockup(CallContext& ctx, const Address& a, const U256& expiry);  // COMPLIANCE_ROLE
  Status set_holding_period(CallContext& ctx, const U256& seconds);           // DEFAULT_ADMIN_ROLE
  void init_holding_period(uint64_t seconds) { holding_period_.set(seconds); }

 private:
  static const auto& field_list();  // encoding order (modules.cc)
  const SecurityToken* token() const;
  JMap<Address, uint64_t, AddressHash> expiry_{undo_log(), Slot{0}};
  JValue<uint64_t> holding_period_{undo_log(), Slot{1}};
};

// Offering-level jurisdiction rules. The account's jurisdiction is the one on record in the
// registry the module is bound to (one source of truth); this module's own setters write there.
// A jurisdiction is refused if it is blocked here, or, in allow-list mode, if it is not allowed.
class JurisdictionModule final : public ComplianceModule {
 public:
  static constexpr ContractKind kKind = ContractKind::kJurisdictionModule;
  static constexpr MovementKinds kChecks = movement_kinds::kChecked;
  static constexpr MovementKinds kTracks = {};
  JurisdictionModule(State& state, const Address& self, const Address& security,
                     const Address& registry);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);
  void evaluate(const Movement& m, const ComplianceRegistry& registry,
                RuleSink& sink) const override;
  std::string_view module_name() const override { return "JurisdictionModule"; }

  bool permitted(Jurisdiction j) const;
  bool blocked(Jurisdiction j) const { return blocked_.get(j); }
  bool allowed(Jurisdiction j) const { return allowed_.get(j); }
  bool allow_list_mode() const { return allow_list_mode_.get(); }
  bool require_jurisdiction() const { return require_.get(); }
  const Address& registry() const { return registry_; }

  Status set_blocked(CallContext& ctx, Jurisdiction j, bool v);  // COMPLIANCE_ROLE
  Status set_allowed(CallContext& ctx, Jurisdiction j, bool v);  // COMPLIANCE_ROLE
  Status set_allow_list_mode(CallContext& ctx, bool v);          // DEFAULT_ADMIN_ROLE
  Status set_require_jurisdiction(CallContext& ctx, bool v);     // DEFAULT_ADMIN_ROLE
  Status set_account_jurisdiction(CallContext& ctx, const Address& a, Jurisdiction j);

  void init_blocked(Jurisdiction j) { blocked_.set(j, true); }
  void init_allowed(Jurisdiction j) { allowed_.set(j, true); }
  void init_allow_list_mode(bool v) { allow_list_mode_.set(v); }
  void init_require(bool v) { require_.set(v); }

 private:
  static const auto& field_list();  // encoding order (modules.cc)
  Address registry_;
  JMap<Jurisdiction, bool> blocked_{undo_log(), Slot{0}};
  JMap<Jurisdiction, bool> allowed_{undo_log(), Slot{1}};
  JValue<bool> allow_list_mode_{undo_log(), Slot{2}};
  JValue<bool> require_{undo_log(), Slot{3}};
};

}  // namespace stoa::core
