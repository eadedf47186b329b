#include "stoa/core/compliance_registry.h"

#include <algorithm>

#include "stoa/core/abi_registry.h"
#include "stoa/core/access_control.h"
#include "stoa/core/codes.h"
#include "stoa/core/country_codes.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/modules.h"
#include "stoa/core/rules.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"
#include "stoa/core/trex_proxy.h"

namespace stoa::core {

bool valid_jurisdiction(Jurisdiction j) {
  char a = static_cast<char>(j >> 8);
  char b = static_cast<char>(j & 0xff);
  return a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z';
}

std::string jurisdiction_text(Jurisdiction j) {
  if (j == 0) return "";
  return {static_cast<char>(j >> 8), static_cast<char>(j & 0xff)};
}

abi::Value jurisdiction_bytes2(Jurisdiction j) {
  return abi::Value(Bytes{static_cast<uint8_t>(j >> 8), static_cast<uint8_t>(j & 0xff)});
}
Jurisdiction jurisdiction_from_bytes2(const abi::Value& v) {
  const Bytes& b = v.bytes();
  return static_cast<Jurisdiction>((b[0] << 8) | b[1]);
}
Status check_jurisdiction(Jurisdiction j, bool allow_unset) {
  if ((j == 0 && allow_unset) || valid_jurisdiction(j)) return Status::Ok();
  return make_revert(ErrorId::kInvalidJurisdiction, {jurisdiction_bytes2(j)});
}

namespace {
Status check_account(const Address& a) {
  return a.is_zero() ? Status(make_revert(ErrorId::kZeroAddress)) : Status::Ok();
}
Status check_accreditation(uint8_t s) {
  if (s <= kMaxAccreditation) return Status::Ok();
  return make_revert(ErrorId::kInvalidAccreditationStatus, {U256(s)});
}
Result<uint64_t> to_timestamp(const U256& v) {
  if (!v.fits_u64()) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("lockup expiry (seconds)"), U256(~0ULL)});
  }
  return v.low64();
}

}  // namespace

ComplianceRegistry::ComplianceRegistry(State& state, const Address& self, const Address& security)
    : SecurityPart(state, self, security) {}

void ComplianceRegistry::init_add_module(const Address& module) {
  auto* c = static_cast<ComplianceModule*>(state_.contract(module));
  STOA_ASSERT(c != nullptr && ComplianceModule::is_module_kind(c->kind()));
  auto v = modules_.get();
  v.push_back(module);
  modules_.set(std::move(v));
  auto p = chain_.get();
  p.push_back(c);
  chain_.set(std::move(p));
}

void ComplianceRegistry::prefetch(MovementKind kind, const Address& from, const Address& to) const {
  if (!movement_kinds::kChecked.has(kind)) return;
  if (movement_kinds::kSenderChecked.has(kind)) records_.prefetch(from);
  if (movement_kinds::kReceiverChecked.has(kind)) records_.prefetch(to);
  for (const ComplianceModule* mod : chain_.get()) {
    if (mod->checks().has(kind)) mod->prefetch(kind, from, to);
  }
}

bool ComplianceRegistry::is_approved(const Address& a) const {
  const AccountRecord* r = records_.find(a);
  return r != nullptr && r->whitelisted && !r->blacklisted &&
         !(r->jurisdiction != 0 && blocked_.get(r->jurisdiction));
}

// The core checks look at the sender of a holder's own moves (transfer, transferFrom, bridge out)
// and the receiver of deliveries (those and issuance, bridge in); burns and the agent's moves are
// not checked (movement_kinds in contract.h).
void ComplianceRegistry::evaluate(const Movement& m, RuleSink& sink) const {
  static const AccountRecord kNone{};
  const bool transfer = m.sender_checked();
  const bool receive = m.receiver_checked();
  if (!transfer && !receive) return;
  const AccountRecord* to = &kNone;
  if (receive) {
    to = records_.find(m.to);
    if (to == nullptr) to = &kNone;
  }
  const AccountRecord* from = &kNone;
  if (transfer) {
    from = records_.find(m.from);
    if (from == nullptr) from = &kNone;
  }
  // In identity mode the identity registry decides eligibility (codes 12, 13, by the token).
  if (!m.identity_mode) {
    if (transfer && !from->whitelisted && sink.fail(code::kSenderNotWhitelisted, self_)) return;
    if (receive && !to->whitelisted && sink.fail(code::kReceiverNotWhitelisted, self_)) return;
  }
  if (transfer && from->blacklisted && sink.fail(code::kSenderBlacklisted, self_)) return;
  if (receive && to->blacklisted && sink.fail(code::kReceiverBlacklisted, self_)) return;
  if (transfer && from->lockup_expiry > m.timestamp && sink.fail(code::kSenderLocked, self_)) {
    return;
  }
  const bool from_blocked = transfer && from->jurisdiction != 0 && blocked_.get(from->jurisdiction);
  const bool to_blocked = receive && to->jurisdiction != 0 && blocked_.get(to->jurisdiction);
  if ((from_blocked || to_blocked) && sink.fail(code::kJurisdictionBlocked, self_)) return;
  if (receive) {
    const uint8_t required = required_accreditation_.get();
    const uint8_t level = accreditation_of(*to, m);
    if (required > 0 && level < required && sink.fail(code::kAccreditationRequired, self_)) {
      return;
    }
    // 506(b): a non-accredited investor is admitted if already counted, or while the count of
    // such investors is below the cap.
    const uint64_t cap = max_non_accredited_.get();
    if (cap > 0 && level == 0 && !m.amount.is_zero() && !m.to.is_zero()) {
      const Address& investor = m.to_investor.is_zero() ? m.to : m.to_investor;
      if (!non_accredited_.get(investor) && non_accredited_.size() >= cap &&
          sink.fail(code::kAccreditationRequired, self_)) {
        return;
      }
    }
  }
  for (const ComplianceModule* mod : chain_.get()) {
    if (!mod->checks().has(m.kind)) continue;
    mod->evaluate(m, *this, sink);
    if (sink.stopped()) return;
  }
}

uint8_t ComplianceRegistry::accreditation_of(const AccountRecord& r, const Movement& m) {
  if (m.identity_mode) return m.to_accreditation_claims;
  return std::max(r.accreditation, m.to_accreditation_claims);
}

// The 506(b) places, kept for every movement that delivers tokens: the checked deliveries
// (transfers, issuance, bridge in) and the agent's forced transfers and corporate actions, which
// no rule refuses but which still make their receiver a holder. A recovery is the same investor's
// tokens moving to its new wallet: the place moves with them (counted once).
void ComplianceRegistry::count_non_accredited(const Movement& m) {
  if (max_non_accredited_.get() == 0 || m.to.is_zero() || m.amount.is_zero()) return;
  if (m.kind == MovementKind::kBurn || m.kind == MovementKind::kBridgeOut) return;
  const Address& investor = m.to_investor.is_zero() ? m.to : m.to_investor;
  if (m.kind == MovementKind::kRecovery) {
    const Address& lost = m.from_investor.is_zero() ? m.from : m.from_investor;
    if (lost == investor || !non_accredited_.get(lost) || non_accredited_.get(investor)) return;
    non_accredited_.set(lost, false);  // storing false erases the entry
    non_accredited_.set(investor, true);
    return;
  }
  const AccountRecord* r = records_.find(m.to);
  if (accreditation_of(r == nullptr ? AccountRecord{} : *r, m) != 0) return;
  if (!non_accredited_.get(investor)) non_accredited_.set(investor, true);
}

// Recovery: a lockup still running on the lost wallet's record goes to the new wallet's (code 5
// keeps applying to the investor's tokens).
void ComplianceRegistry::carry_lockup(CallContext& ctx, const Movement& m) {
  const AccountRecord* lost = records_.find(m.from);
  if (lost == nullptr || lost->lockup_expiry <= m.timestamp) return;
  AccountRecord fresh = records_.get(m.to);
  if (fresh.lockup_expiry >= lost->lockup_expiry) return;
  fresh.lockup_expiry = lost->lockup_expiry;
  update(ctx, m.to, fresh);
}

Status ComplianceRegistry::set_max_non_accredited(CallContext& ctx, const U256& n) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  if (!n.fits_u64()) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("non-accredited investors"), U256(~0ULL)});
  }
  max_non_accredited_.set(n.low64());
  emit(ctx, "NonAccreditedCapSet", {n});
  return Status::Ok();
}

Status ComplianceRegistry::set_accept_self_certified(CallContext& ctx, bool v) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  accept_self_certified_.set(v);
  emit(ctx, "SelfCertificationAccepted", {v});
  return Status::Ok();
}

void ComplianceRegistry::on_movement(CallContext& ctx, const Movement& m) {
  if (!rules::agent_moves_tracked(ctx.block.rules)) {
    // Rules before version 3: only a holder's own transfers and issuance were tracked (the 506(b)
    // places, the lockup module's mint lockups); agent moves and recovery updated nothing.
    const bool own = m.kind == MovementKind::kTransfer || m.kind == MovementKind::kTransferFrom ||
                     m.kind == MovementKind::kMint;
    if (!own) return;
    count_non_accredited(m);
    for (ComplianceModule* mod : chain_.get()) {
      if (mod->tracks().has(m.kind)) mod->on_movement(ctx, m);
    }
    return;
  }
  count_non_accredited(m);
  if (m.kind == MovementKind::kRecovery) carry_lockup(ctx, m);
  for (ComplianceModule* mod : chain_.get()) {
    if (mod->tracks().has(m.kind)) mod->on_movement(ctx, m);
  }
}

void ComplianceRegistry::update(CallContext& ctx, const Address& a, const AccountRecord& r) {
  AccountRecord old = records_.get(a);
  records_.set(a, r);
  if (old.whitelisted != r.whitelisted) emit(ctx, "WhitelistUpdated", {a, r.whitelisted});
  if (old.blacklisted != r.blacklisted) emit(ctx, "BlacklistUpdated", {a, r.blacklisted});
  if (old.lockup_expiry != r.lockup_expiry) {
    emit(ctx, "LockupUpdated", {a, U256(r.lockup_expiry)});
  }
  if (old.jurisdiction != r.jurisdiction) {
    emit(ctx, "JurisdictionUpdated", {a, jurisdiction_bytes2(r.jurisdiction)});
  }
  if (old.accreditation != r.accreditation) {
    emit(ctx, "AccreditationUpdated", {a, U256(r.accreditation)});
  }
}

Status ComplianceRegistry::set_whitelisted(CallContext& ctx, const Address& a, bool v) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  STOA_TRY(check_account(a));
  AccountRecord r = records_.get(a);
  r.whitelisted = v;
  update(ctx, a, r);
  return Status::Ok();
}

Status ComplianceRegistry::set_blacklisted(CallContext& ctx, const Address& a, bool v) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  STOA_TRY(check_account(a));
  AccountRecord r = records_.get(a);
  r.blacklisted = v;
  update(ctx, a, r);
  return Status::Ok();
}

Status ComplianceRegistry::set_lockup_expiry(CallContext& ctx, const Address& a,
                                             const U256& expiry) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  STOA_TRY(check_account(a));
  Result<uint64_t> ts = to_timestamp(expiry);
  if (!ts.ok()) return ts.take_revert();
  AccountRecord r = records_.get(a);
  r.lockup_expiry = ts.value();
  update(ctx, a, r);
  return Status::Ok();
}

Status ComplianceRegistry::set_jurisdiction(CallContext& ctx, const Address& a, Jurisdiction j) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  STOA_TRY(check_account(a));
  STOA_TRY(check_jurisdiction(j, /*allow_unset=*/true));
  write_jurisdiction(ctx, a, j);
  sync_country(ctx, a, j);
  return Status::Ok();
}

void ComplianceRegistry::sync_country(CallContext& ctx, const Address& a, Jurisdiction j) {
  if (!rules::trex_parity(ctx.block.rules)) return;
  const uint16_t country = country_of_jurisdiction(j);
  if (country == 0) return;  // unset, or not an ISO 3166-1 country: the numeric one stays
  const auto* tok = state_.contract_as<SecurityToken>(security_);
  if (tok == nullptr || tok->registry() != this || tok->identity_registry() == nullptr) return;
  IdentityRegistryStorage& storage = tok->identity_registry()->storage();
  const StoredIdentity* e = storage.find(a);
  if (e == nullptr || e->country == country) return;
  const StoredIdentity updated{e->identity, country};
  storage.write(ctx, a, updated);
}

void ComplianceRegistry::on_recovery(CallContext& ctx, const Address& lost, const Address& fresh) {
  if (const AccountRecord* r = records_.find(lost)) {
    const AccountRecord from = *r;
    AccountRecord to = records_.get(fresh);
    to.whitelisted = to.whitelisted || from.whitelisted;
    to.blacklisted = to.blacklisted || from.blacklisted;
    to.accreditation = std::max(to.accreditation, from.accreditation);
    if (to.jurisdiction == 0) to.jurisdiction = from.jurisdiction;
    // A running lockup only, as carry_lockup (an expired one is not carried).
    if (from.lockup_expiry > ctx.block.timestamp) {
      to.lockup_expiry = std::max(to.lockup_expiry, from.lockup_expiry);
    }
    update(ctx, fresh, to);
    update(ctx, lost, AccountRecord{});
  }
  for (ComplianceModule* mod : chain_.get())
    mod->on_recovery(ctx, lost, fresh);
}

void ComplianceRegistry::write_jurisdiction(CallContext& ctx, const Address& a, Jurisdiction j) {
  AccountRecord r = records_.get(a);
  r.jurisdiction = j;
  update(ctx, a, r);
}

Status ComplianceRegistry::set_accreditation(CallContext& ctx, const Address& a, uint8_t status) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  STOA_TRY(check_account(a));
  STOA_TRY(check_accreditation(status));
  AccountRecord r = records_.get(a);
  r.accreditation = status;
  update(ctx, a, r);
  return Status::Ok();
}

Status ComplianceRegistry::onboard(CallContext& ctx, const Address& a, Jurisdiction j,
                                   uint8_t accreditation, const U256& lockup_expiry) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  STOA_TRY(check_account(a));
  STOA_TRY(check_jurisdiction(j, /*allow_unset=*/true));
  STOA_TRY(check_accreditation(accreditation));
  Result<uint64_t> ts = to_timestamp(lockup_expiry);
  if (!ts.ok()) return ts.take_revert();
  AccountRecord r = records_.get(a);
  r.whitelisted = true;
  r.jurisdiction = j;
  r.accreditation = accreditation;
  r.lockup_expiry = ts.value();
  update(ctx, a, r);
  sync_country(ctx, a, j);
  return Status::Ok();
}

Status ComplianceRegistry::set_jurisdiction_blocked(CallContext& ctx, Jurisdiction j,
                                                    bool blocked) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  STOA_TRY(check_jurisdiction(j, /*allow_unset=*/false));
  if (blocked_.get(j) != blocked) {
    blocked_.set(j, blocked);
    emit(ctx, "JurisdictionBlockUpdated", {jurisdiction_bytes2(j), blocked});
  }
  return Status::Ok();
}

Status ComplianceRegistry::set_required_accreditation(CallContext& ctx, uint8_t level) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  STOA_TRY(check_accreditation(level));
  required_accreditation_.set(level);
  emit(ctx, "RequiredAccreditationUpdated", {U256(level)});
  return Status::Ok();
}

Status ComplianceRegistry::add_module(CallContext& ctx, const Address& module) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  STOA_TRY(check_account(module));
  const Contract* c = state_.contract(module);
  if (c == nullptr || !ComplianceModule::is_module_kind(c->kind())) {
    return make_revert(ErrorId::kNotAComplianceModule, {module});
  }
  const auto* mod = static_cast<const ComplianceModule*>(c);
  const auto* juris = state_.contract_as<JurisdictionModule>(module);
  if (mod->security() != security_ || (juris != nullptr && juris->registry() != self_)) {
    return make_revert(ErrorId::kForeignModule, {module});
  }
  const auto& mods = modules_.get();
  if (std::find(mods.begin(), mods.end(), module) != mods.end()) {
    return make_revert(ErrorId::kModuleAlreadyAdded, {module});
  }
  if (mods.size() >= kMaxModules) return make_revert(ErrorId::kTooManyModules, {U256(kMaxModules)});
  init_add_module(module);
  emit(ctx, "ModuleAdded", {module});
  return Status::Ok();
}

Status ComplianceRegistry::remove_module(CallContext& ctx, const Address& module) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  auto mods = modules_.get();
  auto it = std::find(mods.begin(), mods.end(), module);
  if (it == mods.end()) return make_revert(ErrorId::kModuleNotFound, {module});
  auto chain = chain_.get();
  chain.erase(chain.begin() + (it - mods.begin()));
  mods.erase(it);  // keeps the order of the rest
  modules_.set(std::move(mods));
  chain_.set(std::move(chain));
  emit(ctx, "ModuleRemoved", {module});
  return Status::Ok();
}

const auto& ComplianceRegistry::field_list() {
  static constexpr auto kFields = std::make_tuple(
      field(&ComplianceRegistry::security_, "security"),
      field(&ComplianceRegistry::required_accreditation_, "required_accreditation"),
      field(&ComplianceRegistry::max_non_accredited_, "max_non_accredited"),
      field(&ComplianceRegistry::accept_self_certified_, "accept_self_certified"),
      key_set(&ComplianceRegistry::non_accredited_, "non_accredited"),
      field(&ComplianceRegistry::modules_, "modules"),
      key_set(&ComplianceRegistry::blocked_, "blocked"),
      field(&ComplianceRegistry::records_, "records"),
      derived(&ComplianceRegistry::chain_, "chain"));  // from modules, once every contract exists
  return kFields;
}
STOA_DEFINE_FIELDS(ComplianceRegistry)

namespace {
// The facts canTransfer evaluates: from rules V5 the token's (identity mode, investors,
// balances), as T-REX's compliance.canTransfer sees them; before, only parties and amount.
Movement transfer_facts(const ComplianceRegistry& c, const Address& from, const Address& to,
                        const U256& amount, const BlockContext& block) {
  const auto& tok = static_cast<const SecurityToken&>(c.roles_contract());
  if (rules::trex_parity(block.rules) && tok.registry() == &c) {
    return tok.movement(MovementKind::kTransfer, from, to, amount, block.timestamp);
  }
  Movement mv;
  mv.kind = MovementKind::kTransfer;
  mv.from = from;
  mv.to = to;
  mv.amount = amount;
  mv.timestamp = block.timestamp;
  mv.token = c.security();
  return mv;
}

void record_views(AbiRegistry<ComplianceRegistry>& reg) {
  reg.view("isWhitelisted", {"account"}, "KYC-approved.",
           [](ComplianceRegistry& c, const Address& account) -> bool {
             return c.get(account).whitelisted;
           });
  reg.view("isBlacklisted", {"account"}, "On the sanctions list.",
           [](ComplianceRegistry& c, const Address& account) -> bool {
             return c.get(account).blacklisted;
           });
  reg.view("lockupExpiry", {"account"},
           "Block timestamp before which the account may not send (code 5).",
           [](ComplianceRegistry& c, const Address& account) -> U256 {
             return U256(c.get(account).lockup_expiry);
           });
  reg.view("jurisdiction", {"account"}, {{"", "bytes2"}},
           "ISO 3166-1 alpha-2 code, or 0x0000 when unset.",
           [](ComplianceRegistry& c, const Address& account) -> abi::Value {
             return jurisdiction_bytes2(c.get(account).jurisdiction);
           });
  reg.view("accreditationStatus", {"account"}, {{"", "uint8"}}, "0 none, 1 accredited, 2 QIB.",
           [](ComplianceRegistry& c, const Address& account) -> U256 {
             return U256(c.get(account).accreditation);
           });
  reg.view<&ComplianceRegistry::is_approved>(
      "isApproved", {"account"}, "Whitelisted, not blacklisted and not in a blocked jurisdiction.");
  reg.view("canTransfer", {"from", "to", "amount"}, {"allowed", {"code", "uint8"}},
           "The registry's checks (codes 1-7) then its modules in order; first refusal wins.",
           [](ComplianceRegistry& c, CallContext& ctx, const Address& from, const Address& to,
              const U256& amount) -> std::tuple<bool, U256> {
             Movement mv = transfer_facts(c, from, to, amount, ctx.block);
             RuleSink sink;
             c.evaluate(mv, sink);
             return std::tuple<bool, U256>{sink.first_code() == 0, U256(sink.first_code())};
           });
}

void list_methods(AbiRegistry<ComplianceRegistry>& reg) {
  reg.call("whitelistAdd", {"account"}, "COMPLIANCE_ROLE.",
           [](ComplianceRegistry& c, CallContext& ctx, const Address& account) {
             return c.set_whitelisted(ctx, account, true);
           });
  reg.call("whitelistRemove", {"account"}, "COMPLIANCE_ROLE.",
           [](ComplianceRegistry& c, CallContext& ctx, const Address& account) {
             return c.set_whitelisted(ctx, account, false);
           });
  reg.call("batchWhitelistAdd", {"accounts"}, "COMPLIANCE_ROLE; all or nothing.",
           [](ComplianceRegistry& c, CallContext& ctx, const std::vector<Address>& accounts) {
             return for_each_leg(ctx, {accounts.size()}, [&](size_t i) {
               return c.set_whitelisted(ctx, accounts[i], true);
             });
           });
  reg.call("batchWhitelistRemove", {"accounts"}, "COMPLIANCE_ROLE; all or nothing.",
           [](ComplianceRegistry& c, CallContext& ctx, const std::vector<Address>& accounts) {
             return for_each_leg(ctx, {accounts.size()}, [&](size_t i) {
               return c.set_whitelisted(ctx, accounts[i], false);
             });
           });
  reg.call("blacklistAdd", {"account"}, "COMPLIANCE_ROLE.",
           [](ComplianceRegistry& c, CallContext& ctx, const Address& account) {
             return c.set_blacklisted(ctx, account, true);
           });
  reg.call("blacklistRemove", {"account"}, "COMPLIANCE_ROLE.",
           [](ComplianceRegistry& c, CallContext& ctx, const Address& account) {
             return c.set_blacklisted(ctx, account, false);
           });
  reg.call("batchBlacklistAdd", {"accounts"}, "COMPLIANCE_ROLE; all or nothing.",
           [](ComplianceRegistry& c, CallContext& ctx, const std::vector<Address>& accounts) {
             return for_each_leg(ctx, {accounts.size()}, [&](size_t i) {
               return c.set_blacklisted(ctx, accounts[i], true);
             });
           });
  reg.call("batchBlacklistRemove", {"accounts"}, "COMPLIANCE_ROLE; all or nothing.",
           [](ComplianceRegistry& c, CallContext& ctx, const std::vector<Address>& accounts) {
             return for_each_leg(ctx, {accounts.size()}, [&](size_t i) {
               return c.set_blacklisted(ctx, accounts[i], false);
             });
           });
}

void record_methods(AbiRegistry<ComplianceRegistry>& reg) {
  reg.call<&ComplianceRegistry::set_lockup_expiry>(
      "setLockupExpiry", {"account", "expiry"},
      "COMPLIANCE_ROLE. Expiry above 2^64-1 is refused (LimitExceeded).");
  reg.call("batchSetLockupExpiry", {"accounts", "expiries"}, "COMPLIANCE_ROLE; all or nothing.",
           [](ComplianceRegistry& c, CallContext& ctx, const std::vector<Address>& accounts,
              const std::vector<U256>& expiries) {
             return for_each_leg(ctx, {accounts.size(), expiries.size()}, [&](size_t i) {
               return c.set_lockup_expiry(ctx, accounts[i], expiries[i]);
             });
           });
  reg.call("setJurisdiction", {"account", {"jurisdiction", "bytes2"}},
           "COMPLIANCE_ROLE. Two upper-case letters, or 0x0000 to unset.",
           [](ComplianceRegistry& c, CallContext& ctx, const Address& account,
              const abi::Value& jurisdiction) {
             return c.set_jurisdiction(ctx, account, jurisdiction_from_bytes2(jurisdiction));
           });
  reg.call("batchSetJurisdiction", {"accounts", {"jurisdictions", "bytes2[]"}},
           "COMPLIANCE_ROLE; all or nothing.",
           [](ComplianceRegistry& c, CallContext& ctx, const std::vector<Address>& accounts,
              const abi::ValueList& jurisdictions) {
             return for_each_leg(ctx, {accounts.size(), jurisdictions.size()}, [&](size_t i) {
               return c.set_jurisdiction(ctx, accounts[i],
                                         jurisdiction_from_bytes2(jurisdictions[i]));
             });
           });
  reg.call("setAccreditationStatus", {"account", "status"},
           "COMPLIANCE_ROLE. 0 none, 1 accredited, 2 QIB.",
           [](ComplianceRegistry& c, CallContext& ctx, const Address& account, uint8_t status) {
             return c.set_accreditation(ctx, account, status);
           });
  reg.call("batchSetAccreditationStatus", {"accounts", {"statuses", "uint8[]"}},
           "COMPLIANCE_ROLE; all or nothing.",
           [](ComplianceRegistry& c, CallContext& ctx, const std::vector<Address>& accounts,
              const std::vector<U256>& statuses) {
             return for_each_leg(ctx, {accounts.size(), statuses.size()}, [&](size_t i) {
               return c.set_accreditation(ctx, accounts[i],
                                          static_cast<uint8_t>(statuses[i].low64()));
             });
           });
  reg.call("onboard", {"account", {"jurisdiction", "bytes2"}, "accreditation", "lockupExpiry"},
           "COMPLIANCE_ROLE: whitelist an investor and set its record in one call.",
           [](ComplianceRegistry& c, CallContext& ctx, const Address& account,
              const abi::Value& jurisdiction, uint8_t accreditation, const U256& lockupExpiry) {
             return c.onboard(ctx, account, jurisdiction_from_bytes2(jurisdiction), accreditation,
                              lockupExpiry);
           });
  reg.call(
      "batchOnboard",
      {"accounts", {"jurisdictions", "bytes2[]"}, {"accreditations", "uint8[]"}, "lockupExpiries"},
      "COMPLIANCE_ROLE; all or nothing.",
      [](ComplianceRegistry& c, CallContext& ctx, const std::vector<Address>& accounts,
         const abi::ValueList& jurisdictions, const std::vector<U256>& accreditations,
         const std::vector<U256>& expiries) {
        return for_each_leg(
            ctx, {accounts.size(), jurisdictions.size(), accreditations.size(), expiries.size()},
            [&](size_t i) {
              return c.onboard(ctx, accounts[i], jurisdiction_from_bytes2(jurisdictions[i]),
                               static_cast<uint8_t>(accreditations[i].low64()), expiries[i]);
            });
      });
}

void jurisdiction_and_accreditation_methods(AbiRegistry<ComplianceRegistry>& reg) {
  reg.call("blockJurisdiction", {{"jurisdiction", "bytes2"}},
           "COMPLIANCE_ROLE: refuse movements from or to this jurisdiction (code 6).",
           [](ComplianceRegistry& c, CallContext& ctx, const abi::Value& jurisdiction) {
             return c.set_jurisdiction_blocked(ctx, jurisdiction_from_bytes2(jurisdiction), true);
           });
  reg.call("unblockJurisdiction", {{"jurisdiction", "bytes2"}}, "COMPLIANCE_ROLE.",
           [](ComplianceRegistry& c, CallContext& ctx, const abi::Value& jurisdiction) {
             return c.set_jurisdiction_blocked(ctx, jurisdiction_from_bytes2(jurisdiction), false);
           });
  reg.view("isJurisdictionBlocked", {{"jurisdiction", "bytes2"}},
           "Whether code 6 applies to the jurisdiction.",
           [](ComplianceRegistry& c, const abi::Value& jurisdiction) -> bool {
             return c.is_jurisdiction_blocked(jurisdiction_from_bytes2(jurisdiction));
           });
  reg.view("requiredAccreditation", {}, {{"", "uint8"}},
           "Minimum accreditation of a receiver (code 7); 0 = none required.",
           [](ComplianceRegistry& c) -> U256 { return U256(c.required_accreditation()); });
  reg.call("setRequiredAccreditation", {"level"}, "DEFAULT_ADMIN_ROLE.",
           [](ComplianceRegistry& c, CallContext& ctx, uint8_t level) {
             return c.set_required_accreditation(ctx, level);
           });
  reg.view("maxNonAccredited", {},
           "Reg D 506(b): how many non-accredited investors may be admitted (0 = no allowance).",
           [](ComplianceRegistry& c) -> U256 { return U256(c.max_non_accredited()); });
  reg.view("nonAccreditedCount", {},
           "Non-accredited investors admitted so far (by investor: an identity counts once).",
           [](ComplianceRegistry& c) -> U256 { return U256(c.non_accredited_count()); });
  reg.view<&ComplianceRegistry::is_counted_non_accredited>(
      "isCountedNonAccredited", {"investor"},
      "Whether the investor (identity or wallet) holds one of the non-accredited places.");
  reg.call<&ComplianceRegistry::set_max_non_accredited>("setMaxNonAccredited", {"max"},
                                                        "DEFAULT_ADMIN_ROLE.");
  reg.view<&ComplianceRegistry::accept_self_certified>(
      "acceptSelfCertified", {},
      "Whether a self-certified accreditation claim (topic 4) counts as accredited.");
  reg.call<&ComplianceRegistry::set_accept_self_certified>("setAcceptSelfCertified", {"accept"},
                                                           "DEFAULT_ADMIN_ROLE.");
}

void module_methods(AbiRegistry<ComplianceRegistry>& reg) {
  reg.call<&ComplianceRegistry::add_module>("addModule", {"module"},
                                            "DEFAULT_ADMIN_ROLE: append a module to the chain.");
  reg.call<&ComplianceRegistry::remove_module>(
      "removeModule", {"module"},
      "DEFAULT_ADMIN_ROLE: remove a module, keeping the order of the rest.");
  reg.view("getModules", {}, {{"", "address[]"}}, "The module chain in evaluation order.",
           [](ComplianceRegistry& c) -> abi::Value {
             abi::ValueList out;
             for (const Address& mod : c.modules())
               out.emplace_back(mod);
             return abi::Value(std::move(out));
           });
  reg.view<&ComplianceRegistry::security>("security", {},
                                          "The security token whose roles guard this registry.");
}

std::vector<EventSpec> compliance_registry_events() {
  return {
      {"WhitelistUpdated", {{"account", "address", true}, {"whitelisted", "bool"}}, ""},
      {"BlacklistUpdated", {{"account", "address", true}, {"blacklisted", "bool"}}, ""},
      {"LockupUpdated", {{"account", "address", true}, {"expiry", "uint256"}}, ""},
      {"JurisdictionUpdated", {{"account", "address", true}, {"jurisdiction", "bytes2"}}, ""},
      {"AccreditationUpdated", {{"account", "address", true}, {"status", "uint8"}}, ""},
      {"JurisdictionBlockUpdated", {{"jurisdiction", "bytes2"}, {"blocked", "bool"}}, ""},
      {"RequiredAccreditationUpdated", {{"level", "uint8"}}, ""},
      {"NonAccreditedCapSet", {{"max", "uint256"}}, ""},
      {"SelfCertificationAccepted", {{"accept", "bool"}}, ""},
      {"ModuleAdded", {{"module", "address", true}}, ""},
      {"ModuleRemoved", {{"module", "address", true}}, ""},
  };
}

std::vector<ErrorId> compliance_registry_errors() {
  return {ErrorId::kEmptyBatch,
          ErrorId::kBatchLengthMismatch,
          ErrorId::kBatchTooLarge,
          ErrorId::kInvalidJurisdiction,
          ErrorId::kInvalidAccreditationStatus,
          ErrorId::kModuleAlreadyAdded,
          ErrorId::kModuleNotFound,
          ErrorId::kNotAComplianceModule,
          ErrorId::kForeignModule,
          ErrorId::kTooManyModules,
          ErrorId::kLimitExceeded};
}
}  // namespace

const ContractAbi& ComplianceRegistry::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<ComplianceRegistry> reg;
    record_views(reg);
    list_methods(reg);
    record_methods(reg);
    jurisdiction_and_accreditation_methods(reg);
    module_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    for (auto& x : access_control_methods())
      m.push_back(std::move(x));
    std::vector<EventSpec> e = compliance_registry_events();
    for (auto& x : access_control_events())
      e.push_back(std::move(x));
    std::vector<ErrorId> errs = compliance_registry_errors();
    for (auto x : access_control_errors())
      errs.push_back(x);
    ContractAbi abi("ComplianceRegistry", std::move(m), std::move(e), std::move(errs));
    extend_with_modular_compliance_abi(abi);                     // rules V5 (compliance_trex.cc)
    extend_with_trex_initializer(abi, TrexInitializer::kPlain);  // rules V6
    return abi;
  }();
  return kAbi;
}

}  // namespace stoa::core

namespace stoa::core {

std::unique_ptr<Contract> ComplianceRegistry::decode_state(DecodeContext& ctx, const Address& self,
                                                           StateDecoder& dec) {
  auto r = std::make_unique<ComplianceRegistry>(ctx.state, self, Address{});
  if (!decode_fields(*r, field_list(), ctx, dec)) return nullptr;
  // The module chain is rebuilt from the module addresses once every contract exists.
  std::vector<Address> modules = r->modules_.get();
  r->modules_.set({});
  ComplianceRegistry* raw = r.get();
  ctx.fixups.push_back([raw, modules = std::move(modules), &state = ctx.state](std::string* error) {
    for (const Address& m : modules) {
      Contract* c = state.contract(m);
      if (c == nullptr || !ComplianceModule::is_module_kind(c->kind())) {
        *error = "registry " + raw->address().checksum_hex() + " names module " + m.checksum_hex() +
                 ", which is not a compliance module";
        return false;
      }
      raw->init_add_module(m);
    }
    return true;
  });
  return r;
}

}  // namespace stoa::core
