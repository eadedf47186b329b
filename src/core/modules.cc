#include "stoa/core/modules.h"

#include <algorithm>

#include "stoa/core/abi_registry.h"
#include "stoa/core/access_control.h"
#include "stoa/core/codes.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {
Movement transfer_movement(const ComplianceModule& m, const CallContext& ctx, const Address& from,
                           const Address& to, const U256& amount) {
  Movement mv;
  mv.kind = MovementKind::kTransfer;
  mv.from = from;
  mv.to = to;
  mv.amount = amount;
  mv.timestamp = ctx.block.timestamp;
  mv.token = m.security();
  return mv;
}
const ComplianceRegistry* registry_of(const State& s, const Address& token) {
  const auto* t = s.contract_as<SecurityToken>(token);
  return t == nullptr ? nullptr : t->registry();
}
}  // namespace

std::vector<MethodSpec> module_common_methods() {
  AbiRegistry<ComplianceModule> reg;
  reg.view("checkTransfer", {"from", "to", "amount"}, {"allowed", "restrictionCode"},
           "IComplianceModule: this module's verdict on a transfer.",
           [](ComplianceModule& m, CallContext& ctx, const Address& from, const Address& to,
              const U256& amount) {
             const ComplianceRegistry* r = registry_of(ctx.state, m.security());
             STOA_ASSERT(r != nullptr);
             uint8_t code = m.check_transfer(*r, transfer_movement(m, ctx, from, to, amount));
             return std::tuple<bool, uint8_t>{code == 0, code};
           });
  reg.view("moduleName", {}, "IComplianceModule: the module's name.",
           [](ComplianceModule& m) { return m.module_name(); });
  reg.view<&ComplianceModule::security>("security", {},
                                        "The security token whose roles guard this module.");
  return reg.take();
}

// ---------------------------------------------------------------- WhitelistModule

WhitelistModule::WhitelistModule(State& state, const Address& self, const Address& security)
    : ComplianceModule(state, self, security, kChecks, kTracks) {}

void WhitelistModule::evaluate(const Movement& m, const ComplianceRegistry&, RuleSink& sink) const {
  if (m.sender_checked() && !list_.get(m.from) &&
      sink.fail(code::kModuleSenderNotOnWhitelist, self_)) {
    return;
  }
  if (m.receiver_checked() && !list_.get(m.to)) {
    sink.fail(code::kModuleReceiverNotOnWhitelist, self_);
  }
}

void WhitelistModule::prefetch(MovementKind kind, const Address& from, const Address& to) const {
  if (movement_kinds::kSenderChecked.has(kind)) list_.prefetch(from);
  if (movement_kinds::kReceiverChecked.has(kind)) list_.prefetch(to);
}

Status WhitelistModule::set_listed(CallContext& ctx, const Address& a, bool v) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  if (a.is_zero()) return make_revert(ErrorId::kZeroAddress);
  if (list_.get(a) != v) {
    list_.set(a, v);
    emit(ctx, "ModuleWhitelistUpdated", {a, v});
  }
  return Status::Ok();
}

void WhitelistModule::on_recovery(CallContext& ctx, const Address& lost, const Address& fresh) {
  if (!list_.get(lost)) return;
  list_.set(lost, false);
  emit(ctx, "ModuleWhitelistUpdated", {lost, false});
  if (!list_.get(fresh)) {
    list_.set(fresh, true);
    emit(ctx, "ModuleWhitelistUpdated", {fresh, true});
  }
}

const auto& WhitelistModule::field_list() {
  static constexpr auto kFields = std::make_tuple(field(&WhitelistModule::security_, "security"),
                                                  key_set(&WhitelistModule::list_, "list"));
  return kFields;
}
STOA_DEFINE_FIELDS(WhitelistModule)

namespace {
void whitelist_methods(AbiRegistry<WhitelistModule>& reg) {
  reg.view<&WhitelistModule::listed>("isWhitelisted", {"account"}, "On this module's list.");
  reg.call("addToWhitelist", {"account"}, "COMPLIANCE_ROLE.",
           [](WhitelistModule& c, CallContext& ctx, const Address& account) {
             return c.set_listed(ctx, account, true);
           });
  reg.call("removeFromWhitelist", {"account"}, "COMPLIANCE_ROLE.",
           [](WhitelistModule& c, CallContext& ctx, const Address& account) {
             return c.set_listed(ctx, account, false);
           });
  reg.call("batchAddToWhitelist", {"accounts"}, "COMPLIANCE_ROLE; all or nothing.",
           [](WhitelistModule& c, CallContext& ctx, const std::vector<Address>& accounts) {
             return for_each_leg(ctx, {accounts.size()},
                                 [&](size_t i) { return c.set_listed(ctx, accounts[i], true); });
           });
}

std::vector<EventSpec> whitelist_module_events() {
  return {{"ModuleWhitelistUpdated", {{"account", "address", true}, {"whitelisted", "bool"}}, ""}};
}

std::vector<ErrorId> whitelist_module_errors() {
  return {ErrorId::kEmptyBatch, ErrorId::kBatchTooLarge};
}
}  // namespace

const ContractAbi& WhitelistModule::abi() const {
  static const ContractAbi kAbi = [] {
    auto wl = [](Contract& c) -> WhitelistModule& { return static_cast<WhitelistModule&>(c); };
    (void)wl;
    std::vector<MethodSpec> m = module_common_methods();
    AbiRegistry<WhitelistModule> reg;
    whitelist_methods(reg);
    std::vector<MethodSpec> own = reg.take();
    for (auto& x : own)
      m.push_back(std::move(x));
    for (auto& x : access_control_methods())
      m.push_back(std::move(x));
    std::vector<EventSpec> e = whitelist_module_events();
    for (auto& x : access_control_events())
      e.push_back(std::move(x));
    std::vector<ErrorId> errs = whitelist_module_errors();
    for (auto x : access_control_errors())
      errs.push_back(x);
    return ContractAbi("WhitelistModule", std::move(m), std::move(e), std::move(errs));
  }();
  return kAbi;
}

// ---------------------------------------------------------------- LockupModule

LockupModule::LockupModule(State& state, const Address& self, const Address& security)
    : ComplianceModule(state, self, security, kChecks, kTracks) {}

// Only asked about sender-side kinds (kChecks): not issuance, not the agent's moves.
// A wallet-wide expiry (setLockup, or issuance before rules version 5) locks every share; from
// version 5 the holding period runs per issued lot (docs/balance-model.md, "Acquisition lots"):
// the move may not take more than the sender's shares outside lots still within it.
void LockupModule::evaluate(const Movement& m, const ComplianceRegistry&, RuleSink& sink) const {
  if (expiry_.get(m.from) > m.timestamp) {
    sink.fail(code::kSenderLockupActive, self_);
    return;
  }
  const uint64_t period = holding_period_.get();
  const SecurityToken* t = period == 0 ? nullptr : token();
  if (t == nullptr || !t->has_lots()) return;
  const Bytes32* partition = m.by_partition ? &m.partition : nullptr;
  const U256 locked = t->locked_by_holding_period(m.from, partition, m.timestamp, period);
  if (locked.is_zero()) return;
  const U256 amount =
      m.by_partition ? t->balance_of_by_partition(m.partition, m.from) : m.from_balance;
  if (m.amount > amount.checked_sub(locked).value_or(U256(0))) {
    sink.fail(code::kSenderLockupActive, self_);
  }
}

const SecurityToken* LockupModule::token() const {
  return state_.contract_as<SecurityToken>(security_);
}

uint64_t LockupModule::lockup_expiry(const Address& a) const {
  uint64_t until = expiry_.get(a);
  const uint64_t period = holding_period_.get();
  const SecurityToken* t = period == 0 ? nullptr : token();
  if (t != nullptr && t->has_lots()) {
    const uint64_t last = t->last_issued(a);
    if (last != 0) until = std::max(until, last + period);
  }
  return until;
}

uint64_t LockupModule::lockup_expiry_at(const Address& a, uint64_t now) const {
  const uint64_t until = lockup_expiry(a);
  return until > now ? until : expiry_.get(a);  // a lot's passed end is not reported
}

U256 LockupModule::locked_balance(const Address& a, uint64_t now) const {
  const SecurityToken* t = token();
  if (t == nullptr) return U256(0);
  if (expiry_.get(a) > now) return t->balance_of(a);
  return t->locked_by_holding_period(a, nullptr, now, holding_period_.get());
}

void LockupModule::prefetch(MovementKind kind, const Address& from, const Address&) const {
  if (kChecks.has(kind)) expiry_.prefetch(from);
}

void LockupModule::on_movement(CallContext& ctx, const Movement& m) {
  uint64_t until = 0;
  const bool per_lot = rules::lots_and_splits(ctx.block.rules);
  if (m.kind == MovementKind::kMint) {
    const uint64_t period = holding_period_.get();
    if (period == 0 || m.amount.is_zero()) return;
    until = m.timestamp + period;  // both bounded: no overflow
    if (per_lot) {                 // the issued lot carries its period; the wallet's expiry stays
      emit(ctx, "LockupSet", {m.to, U256(until)});
      return;
    }
  } else if (m.kind == MovementKind::kRecovery) {
    // The new wallet holds the same investor's tokens: a running lockup goes with them (from
    // version 5 the lots carry their own periods, and the wallet expiry moves as before).
    until = expiry_.get(m.from);
    if (per_lot) {
      const uint64_t carried = lockup_expiry(m.to);
      if (until > m.timestamp && expiry_.get(m.to) < until) expiry_.set(m.to, until);
      if (std::max(until, carried) > m.timestamp) {
        emit(ctx, "LockupSet", {m.to, U256(std::max(until, carried))});
      }
      return;
    }
    if (until <= m.timestamp) return;
  } else {
    return;
  }
  if (expiry_.get(m.to) < until) {
    expiry_.set(m.to, until);
    emit(ctx, "LockupSet", {m.to, U256(until)});
  }
}

Status LockupModule::set_lockup(CallContext& ctx, const Address& a, const U256& expiry) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  if (a.is_zero()) return make_revert(ErrorId::kZeroAddress);
  if (!expiry.fits_u64()) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("lockup expiry (seconds)"), U256(~0ULL)});
  }
  expiry_.set(a, expiry.low64());
  emit(ctx, "LockupSet", {a, expiry});
  return Status::Ok();
}

Status LockupModule::set_holding_period(CallContext& ctx, const U256& seconds) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  if (seconds > U256(kMaxHoldingPeriodSeconds)) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("holding period (seconds)"), U256(kMaxHoldingPeriodSeconds)});
  }
  holding_period_.set(seconds.low64());
  emit(ctx, "HoldingPeriodSet", {seconds});
  return Status::Ok();
}

const auto& LockupModule::field_list() {
  static constexpr auto kFields =
      std::make_tuple(field(&LockupModule::security_, "security"),
                      field(&LockupModule::holding_period_, "holding_period"),
                      field(&LockupModule::expiry_, "expiry"));
  return kFields;
}
STOA_DEFINE_FIELDS(LockupModule)

namespace {
void lockup_methods(AbiRegistry<LockupModule>& reg) {
  reg.view("lockupExpiry", {"account"},
           "Timestamp before which the account may not send (code 18).",
           [](LockupModule& c, CallContext& ctx, const Address& account) -> U256 {
             return U256(c.lockup_expiry_at(account, ctx.block.timestamp));
           });
  reg.view("holdingPeriod", {}, "Seconds of lockup that every issuance starts for its receiver.",
           [](LockupModule& c) -> U256 { return U256(c.holding_period()); });
  reg.call<&LockupModule::set_lockup>("setLockup", {"account", "expiry"}, "COMPLIANCE_ROLE.");
  reg.call("batchSetLockup", {"accounts", "expiries"}, "COMPLIANCE_ROLE; all or nothing.",
           [](LockupModule& c, CallContext& ctx, const std::vector<Address>& accounts,
              const std::vector<U256>& expiries) {
             return for_each_leg(ctx, {accounts.size(), expiries.size()}, [&](size_t i) {
               return c.set_lockup(ctx, accounts[i], expiries[i]);
             });
           });
  reg.call<&LockupModule::set_holding_period>("setHoldingPeriod", {"seconds"},
                                              "DEFAULT_ADMIN_ROLE.");
}

// Rules version 5 (rules::lots_and_splits).
void lockup_lot_methods(AbiRegistry<LockupModule>& reg) {
  reg.view("lockedBalanceOf", {"account"},
           "Shares the account may not send now: all of them under a wallet expiry, else its "
           "issued lots still within the holding period (docs/balance-model.md).",
           [](LockupModule& c, CallContext& ctx, const Address& account) -> U256 {
             return c.locked_balance(account, ctx.block.timestamp);
           });
}

std::vector<EventSpec> lockup_module_events() {
  return {{"LockupSet", {{"account", "address", true}, {"expiry", "uint256"}}, ""},
          {"HoldingPeriodSet", {{"seconds", "uint256"}}, ""}};
}

std::vector<ErrorId> lockup_module_errors() {
  return {ErrorId::kEmptyBatch, ErrorId::kBatchLengthMismatch, ErrorId::kBatchTooLarge,
          ErrorId::kLimitExceeded};
}
}  // namespace

const ContractAbi& LockupModule::abi() const {
  static const ContractAbi kAbi = [] {
    std::vector<MethodSpec> m = module_common_methods();
    AbiRegistry<LockupModule> reg;
    lockup_methods(reg);
    std::vector<MethodSpec> own = reg.take();
    for (auto& x : own)
      m.push_back(std::move(x));
    for (auto& x : access_control_methods())
      m.push_back(std::move(x));
    const size_t first_v5 = m.size();
    AbiRegistry<LockupModule> v5;
    lockup_lot_methods(v5);
    for (auto& x : v5.take())
      m.push_back(std::move(x));
    std::vector<EventSpec> e = lockup_module_events();
    for (auto& x : access_control_events())
      e.push_back(std::move(x));
    std::vector<ErrorId> errs = lockup_module_errors();
    for (auto x : access_control_errors())
      errs.push_back(x);
    ContractAbi abi("LockupModule", std::move(m), std::move(e), std::move(errs));
    abi.introduce(first_v5, Rules::kV5);  // rules::lots_and_splits
    return abi;
  }();
  return kAbi;
}

// ---------------------------------------------------------------- JurisdictionModule

JurisdictionModule::JurisdictionModule(State& state, const Address& self, const Address& security,
                                       const Address& registry)
    : ComplianceModule(state, self, security, kChecks, kTracks), registry_(registry) {}

bool JurisdictionModule::permitted(Jurisdiction j) const {
  if (blocked_.get(j)) return false;
  return !allow_list_mode_.get() || allowed_.get(j);
}

void JurisdictionModule::evaluate(const Movement& m, const ComplianceRegistry& registry,
                                  RuleSink& sink) const {
  const ComplianceRegistry* bound = &registry;
  if (registry.address() != registry_) {
    bound = state_.contract_as<ComplianceRegistry>(registry_);
    STOA_ASSERT(bound != nullptr);
  }
  const bool transfer = m.sender_checked();
  const bool receive = m.receiver_checked();
  const AccountRecord* from_record = transfer ? bound->record(m.from) : nullptr;
  const AccountRecord* to_record = receive ? bound->record(m.to) : nullptr;
  const Jurisdiction from = from_record != nullptr ? from_record->jurisdiction : 0;
  const Jurisdiction to = to_record != nullptr ? to_record->jurisdiction : 0;
  if (transfer && from != 0 && !permitted(from) &&
      sink.fail(code::kSenderJurisdictionBlocked, self_)) {
    return;
  }
  if (receive && to != 0 && !permitted(to) &&
      sink.fail(code::kReceiverJurisdictionBlocked, self_)) {
    return;
  }
  if (!require_.get()) return;
  if (transfer && from == 0 && sink.fail(code::kSenderJurisdictionUnset, self_)) return;
  if (receive && to == 0) sink.fail(code::kReceiverJurisdictionUnset, self_);
}

Status JurisdictionModule::set_blocked(CallContext& ctx, Jurisdiction j, bool v) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  STOA_TRY(check_jurisdiction(j));
  blocked_.set(j, v);
  emit(ctx, "JurisdictionBlocked", {jurisdiction_bytes2(j), v});
  return Status::Ok();
}

Status JurisdictionModule::set_allowed(CallContext& ctx, Jurisdiction j, bool v) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  STOA_TRY(check_jurisdiction(j));
  allowed_.set(j, v);
  emit(ctx, "JurisdictionAllowed", {jurisdiction_bytes2(j), v});
  return Status::Ok();
}

Status JurisdictionModule::set_allow_list_mode(CallContext& ctx, bool v) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  allow_list_mode_.set(v);
  emit(ctx, "AllowListModeSet", {v});
  return Status::Ok();
}

Status JurisdictionModule::set_require_jurisdiction(CallContext& ctx, bool v) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  require_.set(v);
  emit(ctx, "RequireJurisdictionSet", {v});
  return Status::Ok();
}

Status JurisdictionModule::set_account_jurisdiction(CallContext& ctx, const Address& a,
                                                    Jurisdiction j) {
  auto* reg = state_.contract_as<ComplianceRegistry>(registry_);
  STOA_ASSERT(reg != nullptr);
  return reg->set_jurisdiction(ctx, a, j);
}

const auto& JurisdictionModule::field_list() {
  static constexpr auto kFields =
      std::make_tuple(field(&JurisdictionModule::security_, "security"),
                      field(&JurisdictionModule::registry_, "registry"),
                      flags2(&JurisdictionModule::allow_list_mode_, &JurisdictionModule::require_,
                             "allow_list_mode|require"),
                      key_set(&JurisdictionModule::blocked_, "blocked"),
                      key_set(&JurisdictionModule::allowed_, "allowed"));
  return kFields;
}
STOA_DEFINE_FIELDS(JurisdictionModule)

namespace {
void jurisdiction_assignment_methods(AbiRegistry<JurisdictionModule>& reg) {
  reg.view("accountJurisdiction", {"account"}, {{"", "bytes2"}},
           "The account's jurisdiction (as recorded in the bound registry).",
           [](JurisdictionModule& c, CallContext& ctx, const Address& account) -> abi::Value {
             auto* registry = ctx.state.contract_as<ComplianceRegistry>(c.registry());
             return jurisdiction_bytes2(registry->get(account).jurisdiction);
           });
  reg.call("setJurisdiction", {"account", {"jurisdiction", "bytes2"}},
           "COMPLIANCE_ROLE: writes the account's jurisdiction in the bound registry.",
           [](JurisdictionModule& c, CallContext& ctx, const Address& account,
              const abi::Value& jurisdiction) {
             return c.set_account_jurisdiction(ctx, account,
                                               jurisdiction_from_bytes2(jurisdiction));
           });
  reg.call("batchSetJurisdiction", {"accounts", {"jurisdictions", "bytes2[]"}},
           "COMPLIANCE_ROLE; batch assignment for onboarding, all or nothing.",
           [](JurisdictionModule& c, CallContext& ctx, const std::vector<Address>& accounts,
              const abi::ValueList& jurisdictions) {
             return for_each_leg(ctx, {accounts.size(), jurisdictions.size()}, [&](size_t i) {
               return c.set_account_jurisdiction(ctx, accounts[i],
                                                 jurisdiction_from_bytes2(jurisdictions[i]));
             });
           });
  reg.call("blockJurisdiction", {{"jurisdiction", "bytes2"}}, "COMPLIANCE_ROLE.",
           [](JurisdictionModule& c, CallContext& ctx, const abi::Value& jurisdiction) {
             return c.set_blocked(ctx, jurisdiction_from_bytes2(jurisdiction), true);
           });
  reg.call("unblockJurisdiction", {{"jurisdiction", "bytes2"}}, "COMPLIANCE_ROLE.",
           [](JurisdictionModule& c, CallContext& ctx, const abi::Value& jurisdiction) {
             return c.set_blocked(ctx, jurisdiction_from_bytes2(jurisdiction), false);
           });
}

void jurisdiction_policy_methods(AbiRegistry<JurisdictionModule>& reg) {
  reg.call("allowJurisdiction", {{"jurisdiction", "bytes2"}},
           "COMPLIANCE_ROLE: add to the allow-list.",
           [](JurisdictionModule& c, CallContext& ctx, const abi::Value& jurisdiction) {
             return c.set_allowed(ctx, jurisdiction_from_bytes2(jurisdiction), true);
           });
  reg.call("disallowJurisdiction", {{"jurisdiction", "bytes2"}},
           "COMPLIANCE_ROLE: remove from the allow-list.",
           [](JurisdictionModule& c, CallContext& ctx, const abi::Value& jurisdiction) {
             return c.set_allowed(ctx, jurisdiction_from_bytes2(jurisdiction), false);
           });
  reg.view("isJurisdictionBlocked", {{"jurisdiction", "bytes2"}},
           "Whether the module refuses the jurisdiction (blocked, or not allowed in allow-list "
           "mode).",
           [](JurisdictionModule& c, const abi::Value& jurisdiction) -> bool {
             return !c.permitted(jurisdiction_from_bytes2(jurisdiction));
           });
  reg.view<&JurisdictionModule::allow_list_mode>(
      "allowListMode", {}, "When true, only allow-listed jurisdictions pass.");
  reg.call<&JurisdictionModule::set_allow_list_mode>("setAllowListMode", {"enabled"},
                                                     "DEFAULT_ADMIN_ROLE.");
  reg.view<&JurisdictionModule::require_jurisdiction>(
      "requireJurisdiction", {}, "When true, accounts without a jurisdiction are refused (21/22).");
  reg.call("setRequireJurisdiction", {"required"}, "DEFAULT_ADMIN_ROLE.",
           [](JurisdictionModule& c, CallContext& ctx, bool required) {
             return c.set_require_jurisdiction(ctx, required);
           });
  reg.view<&JurisdictionModule::registry>(
      "registry", {}, "The registry whose jurisdiction records this module reads.");
}

std::vector<EventSpec> jurisdiction_module_events() {
  return {
      {"JurisdictionBlocked", {{"jurisdiction", "bytes2"}, {"blocked", "bool"}}, ""},
      {"JurisdictionAllowed", {{"jurisdiction", "bytes2"}, {"allowed", "bool"}}, ""},
      {"AllowListModeSet", {{"enabled", "bool"}}, ""},
      {"RequireJurisdictionSet", {{"required", "bool"}}, ""},
      // Emitted by the registry when setJurisdiction writes there.
  };
}

std::vector<ErrorId> jurisdiction_module_errors() {
  return {ErrorId::kEmptyBatch, ErrorId::kBatchLengthMismatch, ErrorId::kBatchTooLarge,
          ErrorId::kInvalidJurisdiction};
}
}  // namespace

const ContractAbi& JurisdictionModule::abi() const {
  static const ContractAbi kAbi = [] {
    auto jm = [](Contract& c) -> JurisdictionModule& {
      return static_cast<JurisdictionModule&>(c);
    };
    (void)jm;
    std::vector<MethodSpec> m = module_common_methods();
    AbiRegistry<JurisdictionModule> reg;
    jurisdiction_assignment_methods(reg);
    jurisdiction_policy_methods(reg);
    std::vector<MethodSpec> own = reg.take();
    for (auto& x : own)
      m.push_back(std::move(x));
    for (auto& x : access_control_methods())
      m.push_back(std::move(x));
    std::vector<EventSpec> e = jurisdiction_module_events();
    for (auto& x : access_control_events())
      e.push_back(std::move(x));
    std::vector<ErrorId> errs = jurisdiction_module_errors();
    for (auto x : access_control_errors())
      errs.push_back(x);
    return ContractAbi("JurisdictionModule", std::move(m), std::move(e), std::move(errs));
  }();
  return kAbi;
}

}  // namespace stoa::core

namespace stoa::core {

std::unique_ptr<Contract> WhitelistModule::decode_state(DecodeContext& ctx, const Address& self,
                                                        StateDecoder& dec) {
  auto m = std::make_unique<WhitelistModule>(ctx.state, self, Address{});
  if (!decode_fields(*m, field_list(), ctx, dec)) return nullptr;
  return m;
}

std::unique_ptr<Contract> LockupModule::decode_state(DecodeContext& ctx, const Address& self,
                                                     StateDecoder& dec) {
  auto m = std::make_unique<LockupModule>(ctx.state, self, Address{});
  if (!decode_fields(*m, field_list(), ctx, dec)) return nullptr;
  return m;
}

std::unique_ptr<Contract> JurisdictionModule::decode_state(DecodeContext& ctx, const Address& self,
                                                           StateDecoder& dec) {
  auto m = std::make_unique<JurisdictionModule>(ctx.state, self, Address{}, Address{});
  if (!decode_fields(*m, field_list(), ctx, dec)) return nullptr;
  return m;
}

}  // namespace stoa::core
