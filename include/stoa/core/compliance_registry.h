// LP-3100's ComplianceRegistry: the per-address KYC/AML/accreditation record of a security, the
// core checks (codes 1-7) and the ordered chain of compliance modules (first refusal wins).
#pragma once

#include <cstdint>
#include <vector>

#include "stoa/core/compliance_module.h"

namespace stoa::core {

// ISO 3166-1 alpha-2 as a bytes2 value in a uint16 (first letter in the high byte); 0 = unset.
using Jurisdiction = uint16_t;
inline constexpr Jurisdiction jurisdiction(char a, char b) {
  return static_cast<Jurisdiction>((static_cast<uint8_t>(a) << 8) | static_cast<uint8_t>(b));
}
bool valid_jurisdiction(Jurisdiction j);  // two upper-case ASCII letters
std::string jurisdiction_text(Jurisdiction j);
// The ABI's bytes2 form of a jurisdiction ("US" = 0x5553), both ways (the ABI decoder has
// already checked the length).
abi::Value jurisdiction_bytes2(Jurisdiction j);
Jurisdiction jurisdiction_from_bytes2(const abi::Value& v);
// InvalidJurisdiction(bytes2) unless two upper-case letters (or unset, when `allow_unset`).
Status check_jurisdiction(Jurisdiction j, bool allow_unset = false);

struct AccountRecord {
  bool whitelisted = false;
  bool blacklisted = false;
  uint8_t accreditation = 0;  // 0 none, 1 accredited, 2 QIB
  Jurisdiction jurisdiction = 0;
  uint64_t lockup_expiry = 0;  // block timestamp before which the account may not send
  bool operator==(const AccountRecord&) const = default;
};
inline void delta_put(StateEncoder& e, const AccountRecord& r) {
  e.u8(static_cast<uint8_t>((r.whitelisted ? 1 : 0) | (r.blacklisted ? 2 : 0)));
  e.u8(r.accreditation);
  e.u64(r.jurisdiction);
  e.u64(r.lockup_expiry);
}
inline void state_get(StateDecoder& d, AccountRecord& r) {
  const uint8_t flags = d.u8();
  if (flags > 3) d.fail("account record flags " + std::to_string(flags) + " > 3");
  r.whitelisted = (flags & 1) != 0;
  r.blacklisted = (flags & 2) != 0;
  r.accreditation = d.u8();
  r.jurisdiction = static_cast<Jurisdiction>(d.u64());
  r.lockup_expiry = d.u64();
}

inline constexpr size_t kMaxModules = 16;  // modules in one registry's chain
inline constexpr uint8_t kMaxAccreditation = 2;

class ComplianceRegistry final : public SecurityPart {
 public:
  static constexpr ContractKind kKind = ContractKind::kComplianceRegistry;
  ComplianceRegistry(State& state, const Address& self, const Address& security);

  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);

  // The core checks then every module in order.
  void evaluate(const Movement& m, RuleSink& sink) const;
  // After a successful movement of any kind: the registry's own trackers (506(b) places; on
  // recovery, the lockup on record), then the hook of every module that tracks the kind.
  void on_movement(CallContext& ctx, const Movement& m);
  // Starts loading the records and module storage evaluate() will read (no effect on results).
  void prefetch(MovementKind kind, const Address& from, const Address& to) const;

  const AccountRecord* record(const Address& a) const { return records_.find(a); }
  AccountRecord get(const Address& a) const { return records_.get(a); }
  bool is_jurisdiction_blocked(Jurisdiction j) const { return blocked_.get(j); }
  uint8_t required_accreditation() const { return required_accreditation_.get(); }
  // Reg D 506(b): receivers below the required level are admitted while fewer than this many
  // non-accredited investors have been admitted (0 = no such allowance).
  uint64_t max_non_accredited() const { return max_non_accredited_.get(); }
  uint64_t non_accredited_count() const { return non_accredited_.size(); }
  bool is_counted_non_accredited(const Address& investor) const {
    return non_accredited_.get(investor);
  }
  // Whether a self-certified accreditation claim (topic 4) counts as accredited.
  bool accept_self_certified() const { return accept_self_certified_.get(); }
  // The receiver's accreditation as the rules see it (record, claims, or both by mode).
  static uint8_t accreditation_of(const AccountRecord& r, const Movement& m);
  const std::vector<Address>& modules() const { return modules_.get(); }
  bool is_approved(const Address& a) const;
  size_t account_count() const { return records_.size(); }

  // Writers (COMPLIANCE_ROLE unless noted). Each validates everything before writing.
  Status set_whitelisted(CallContext& ctx, const Address& a, bool v);
  Status set_blacklisted(CallContext& ctx, const Address& a, bool v);
  Status set_lockup_expiry(CallContext& ctx, const Address& a, const U256& expiry);
  Status set_jurisdiction(CallContext& ctx, const Address& a, Jurisdiction j);
  Status set_accreditation(CallContext& ctx, const Address& a, uint8_t status);
  Status onboard(CallContext& ctx, const Address& a, Jurisdiction j, uint8_t accreditation,
                 const U256& lockup_expiry);
  Status set_jurisdiction_blocked(CallContext& ctx, Jurisdiction j, bool blocked);
  Status set_required_accreditation(CallContext& ctx, uint8_t level);  // DEFAULT_ADMIN_ROLE
  Status set_max_non_accredited(CallContext& ctx, const U256& n);      // DEFAULT_ADMIN_ROLE
  Status set_accept_self_certified(CallContext& ctx, bool v);          // DEFAULT_ADMIN_ROLE
  Status add_module(CallContext& ctx, const Address& module);          // DEFAULT_ADMIN_ROLE
  Status remove_module(CallContext& ctx, const Address& module);       // DEFAULT_ADMIN_ROLE

  // Set-up by the factory (no role check, no event).
  void init_block_jurisdiction(Jurisdiction j) { blocked_.set(j, true); }
  void init_required_accreditation(uint8_t level) { required_accreditation_.set(level); }
  void init_non_accredited_allowance(uint64_t n, bool accept_self) {
    max_non_accredited_.set(n);
    accept_self_certified_.set(accept_self);
  }
  void init_add_module(const Address& module);
  // Writes the jurisdiction on behalf of a JurisdictionModule bound to this registry.
  void write_jurisdiction(CallContext& ctx, const Address& a, Jurisdiction j);
  // recoveryAddress (rules V5): the lost wallet's record joins the new wallet's (flags and
  // accreditation: the stronger; jurisdiction: the new wallet's if set; lockup: the later) and
  // the lost wallet's is cleared; then every module's on_recovery (the hook for lots).
  void on_recovery(CallContext& ctx, const Address& lost, const Address& fresh);

  // T-REX's callModuleFunction (rules V6; compliance_trex.cc), DEFAULT_ADMIN_ROLE (T-REX's
  // owner): calls a bound module with `call_data`, the registry as the caller, and reverts with
  // the module's revert if it fails; emits ModuleInteraction. While it runs, the module checks
  // the roles of the registry's caller (module_caller: SecurityPart::require_role), so the
  // role-separation policy holds through the registry.
  Status call_module_function(CallContext& ctx, const Bytes& call_data, const Address& module);
  // The caller of the callModuleFunction in progress (zero: none). Not state: set only while
  // the module call runs.
  const Address& module_caller() const { return module_caller_; }

 private:
  Address module_caller_;
  void update(CallContext& ctx, const Address& a, const AccountRecord& r);
  void count_non_accredited(const Movement& m);
  void carry_lockup(CallContext& ctx, const Movement& m);
  // Rules V5: the alpha-2 jurisdiction written here is also the wallet's ISO 3166 numeric country
  // in the security's IdentityRegistryStorage, when the wallet is registered there.
  void sync_country(CallContext& ctx, const Address& a, Jurisdiction j);

  static const auto& field_list();  // encoding order (compliance_registry.cc)

  // Storage, with stable slot numbers (docs/journal-format.md, "Versions").
  JMap<Address, AccountRecord, AddressHash> records_{undo_log(), Slot{0}};
  JMap<Jurisdiction, bool> blocked_{undo_log(), Slot{1}};
  JValue<uint8_t> required_accreditation_{undo_log(), Slot{2}};
  JValue<uint64_t> max_non_accredited_{undo_log(), Slot{3}};
  JValue<bool> accept_self_certified_{undo_log(), Slot{4}};
  // investors admitted below the level
  JMap<Address, bool, AddressHash> non_accredited_{undo_log(), Slot{5}};
  JValue<std::vector<Address>> modules_{undo_log(), Slot{6}};
  // The contracts of modules_, resolved when the chain changes (journaled with it, so a rollback
  // restores both): the transfer path walks the chain without a contract lookup per module.
  JValue<std::vector<ComplianceModule*>> chain_{undo_log(), Slot{7}};
};

// T-REX's ModularCompliance answered by the registry itself (rules V5; compliance_trex.cc).
void extend_with_modular_compliance_abi(ContractAbi& abi);

}  // namespace stoa::core
