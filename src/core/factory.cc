#include "stoa/core/factory.h"

#include "stoa/core/abi_registry.h"
#include "stoa/core/dividend_distributor.h"
#include "stoa/core/multisig_admin.h"
#include "stoa/core/payment_token.h"
#include "stoa/core/state.h"
#include "stoa/core/trex_proxy.h"

namespace stoa::core {

bool valid_token_symbol(std::string_view s) {
  if (s.empty() || s.size() > kMaxSymbolBytes) return false;
  for (char ch : s) {
    const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
    if (!ok) return false;
  }
  return true;
}
bool valid_token_name(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameBytes) return false;
  for (char ch : s) {
    if (static_cast<unsigned char>(ch) < 0x20) return false;  // no control characters
  }
  return true;
}

namespace {
using SecurityTuple = std::tuple<Address, Address, Address, Address, Address, Address, uint8_t>;
SecurityTuple set_tuple(const SecuritySet& s) {
  return {s.token,         s.registry,
          s.restriction,   s.whitelist_module,
          s.lockup_module, s.jurisdiction_module,
          s.preset};
}

// A new security's rules from its offering preset.
void apply_preset(const PresetRules& preset, ComplianceRegistry& registry,
                  JurisdictionModule& juris, LockupModule& lockup,
                  TransferRestriction& restriction) {
  for (Jurisdiction j : sanctioned_jurisdictions())
    registry.init_block_jurisdiction(j);
  registry.init_required_accreditation(preset.required_accreditation);
  if (preset.id == Preset::kRegD506b) {
    // Rule 506(b)(2)(i): up to 35 non-accredited purchasers; accredited investors may
    // self-certify (topic 4) where identities are used.
    registry.init_non_accredited_allowance(kRegD506bMaxNonAccredited, true);
  }
  juris.init_require(preset.require_jurisdiction);
  juris.init_allow_list_mode(!preset.allowed.empty());
  for (Jurisdiction j : preset.allowed)
    juris.init_allowed(j);
  for (Jurisdiction j : preset.blocked)
    juris.init_blocked(j);
  lockup.init_holding_period(preset.holding_period_seconds);
  restriction.init_max_holders(preset.max_holders);
}

}  // namespace

Factory::Factory(State& state, const Address& self) : Contract(state, self) {}

void Factory::grant_operator(const Address& op) {
  STOA_ASSERT(access_.grant_initial(nullptr, *this, roles::default_admin(), op).ok());
  STOA_ASSERT(access_.grant_initial(nullptr, *this, roles::deployer(), op).ok());
}

const SecuritySet* Factory::find(const Address& token) const {
  undo_log()->charge(gas::kRead);
  const uint64_t n = by_token_.get(token);
  return n == 0 ? nullptr : &securities_.at(n - 1);
}

const SecuritySet* Factory::find_by_symbol(std::string_view symbol) const {
  undo_log()->charge(gas::kRead);
  const uint64_t n = by_symbol_.get(std::string(symbol));
  return n == 0 ? nullptr : &securities_.at(n - 1);
}

Status Factory::move_symbol(const Address& token, const std::string& from, const std::string& to) {
  const uint64_t n = by_token_.get(token);
  STOA_ASSERT(n != 0 && by_symbol_.get(from) == n);  // the token is this factory's
  if (from == to) return Status::Ok();
  if (by_symbol_.contains(to)) return make_revert(ErrorId::kSymbolTaken, {to});
  by_symbol_.erase(from);
  by_symbol_.set(to, n);
  return Status::Ok();
}

Result<SecuritySet> Factory::create_security(CallContext& ctx, const CreateSecurityArgs& args) {
  STOA_TRY(access_.require(roles::deployer(), ctx.sender));
  if (!valid_token_name(args.name)) {
    return make_revert(ErrorId::kInvalidTokenMetadata,
                       {std::string("name must be 1 to 64 bytes without control characters")});
  }
  if (!valid_token_symbol(args.symbol)) {
    return make_revert(ErrorId::kInvalidTokenMetadata,
                       {std::string("symbol must be 1 to 11 of A-Z 0-9 . -")});
  }
  if (args.decimals > kMaxDecimals) {
    return make_revert(ErrorId::kInvalidTokenMetadata,
                       {std::string("decimals must be at most 18")});
  }
  const PresetRules* preset = find_preset(args.preset);
  if (preset == nullptr) return make_revert(ErrorId::kUnknownPreset, {U256(args.preset)});
  if (args.admin.is_zero() || args.compliance_officer.is_zero()) {
    return make_revert(ErrorId::kZeroAddress);
  }
  if (find_by_symbol(args.symbol) != nullptr) {
    return make_revert(ErrorId::kSymbolTaken, {args.symbol});
  }
  if (securities_.size() >= kMaxSecurities) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("securities per factory"), U256(kMaxSecurities)});
  }

  SecuritySet set;
  set.preset = args.preset;
  TokenConfig cfg{args.name, args.symbol, args.decimals, args.preset};
  auto& token = state_.create<SecurityToken>(
      self_, [&](const Address& a) { return std::make_unique<SecurityToken>(state_, a, cfg); });
  set.token = token.address();
  AccessControl& ac = *token.access_control();
  for (const Bytes32* r :
       {&roles::default_admin(), &roles::minter(), &roles::pauser(), &roles::restriction_admin()}) {
    STOA_TRY(ac.grant_initial(&ctx, token, *r, args.admin));
  }
  for (const Bytes32* r : {&roles::compliance(), &roles::pauser()}) {
    STOA_TRY(ac.grant_initial(&ctx, token, *r, args.compliance_officer));
  }

  auto& registry = state_.create<ComplianceRegistry>(self_, [&](const Address& a) {
    return std::make_unique<ComplianceRegistry>(state_, a, set.token);
  });
  auto& restriction = state_.create<TransferRestriction>(self_, [&](const Address& a) {
    return std::make_unique<TransferRestriction>(state_, a, set.token);
  });
  auto& whitelist = state_.create<WhitelistModule>(self_, [&](const Address& a) {
    return std::make_unique<WhitelistModule>(state_, a, set.token);
  });
  auto& lockup = state_.create<LockupModule>(self_, [&](const Address& a) {
    return std::make_unique<LockupModule>(state_, a, set.token);
  });
  auto& juris = state_.create<JurisdictionModule>(self_, [&](const Address& a) {
    return std::make_unique<JurisdictionModule>(state_, a, set.token, registry.address());
  });
  set.registry = registry.address();
  set.restriction = restriction.address();
  set.whitelist_module = whitelist.address();
  set.lockup_module = lockup.address();
  set.jurisdiction_module = juris.address();

  apply_preset(*preset, registry, juris, lockup, restriction);
  registry.init_add_module(lockup.address());
  registry.init_add_module(juris.address());
  token.init_parts(&registry, &restriction);

  securities_.push_back(set);
  by_token_.set(set.token, securities_.size());
  by_symbol_.set(args.symbol, securities_.size());
  emit_initialized(ctx, token);  // as T-REX's proxies' init (rules V6)
  emit_initialized(ctx, registry);
  emit(ctx, "SecurityCreated",
       {set.token, args.admin, U256(set.preset), set.registry, set.restriction,
        set.whitelist_module, set.lockup_module, set.jurisdiction_module});
  return set;
}

Result<Address> Factory::create_payment_token(CallContext& ctx, const std::string& name,
                                              const std::string& symbol, uint8_t decimals,
                                              const Address& admin) {
  STOA_TRY(access_.require(roles::deployer(), ctx.sender));
  if (!valid_token_name(name)) {
    return make_revert(ErrorId::kInvalidTokenMetadata,
                       {std::string("name must be 1 to 64 bytes without control characters")});
  }
  if (!valid_token_symbol(symbol)) {
    return make_revert(ErrorId::kInvalidTokenMetadata,
                       {std::string("symbol must be 1 to 11 of A-Z 0-9 . -")});
  }
  if (decimals > kMaxDecimals) {
    return make_revert(ErrorId::kInvalidTokenMetadata,
                       {std::string("decimals must be at most 18")});
  }
  if (admin.is_zero()) return make_revert(ErrorId::kZeroAddress);
  auto& t = state_.create<PaymentToken>(self_, [&](const Address& a) {
    return std::make_unique<PaymentToken>(state_, a, PaymentTokenConfig{name, symbol, decimals});
  });
  STOA_TRY(t.init_roles(ctx, admin));
  emit(ctx, "PaymentTokenCreated", {t.address(), admin, name, symbol, U256(decimals)});
  return t.address();
}

Result<Address> Factory::create_dividend_distributor(CallContext& ctx, const Address& security,
                                                     const Address& withholding_account) {
  const SecuritySet* s = find(security);
  if (s == nullptr) return make_revert(ErrorId::kUnknownSecurity, {security});
  if (!access_.has_role(roles::deployer(), ctx.sender)) {
    const auto* token = state_.contract_as<SecurityToken>(security);
    STOA_TRY(token->access_control()->require(roles::default_admin(), ctx.sender));
  }
  if (withholding_account.is_zero()) return make_revert(ErrorId::kZeroAddress);
  auto& d = state_.create<DividendDistributor>(self_, [&](const Address& a) {
    return std::make_unique<DividendDistributor>(state_, a, security, withholding_account);
  });
  emit(ctx, "DividendDistributorCreated", {d.address(), security, withholding_account});
  return d.address();
}

Result<Address> Factory::create_multisig(CallContext& ctx, const std::vector<Address>& owners,
                                         const U256& required) {
  STOA_TRY(access_.require(roles::deployer(), ctx.sender));
  auto& m = state_.create<MultisigAdmin>(
      self_, [&](const Address& a) { return std::make_unique<MultisigAdmin>(state_, a); });
  STOA_TRY(m.init(ctx, owners, required));
  abi::ValueList list;
  for (const Address& o : owners)
    list.emplace_back(o);
  emit(ctx, "MultisigCreated", {m.address(), ctx.sender, abi::Value(std::move(list)), required});
  return m.address();
}

Result<SecuritySet> Factory::create_security_with_multisig(CallContext& ctx,
                                                           const CreateSecurityArgs& args) {
  STOA_TRY(access_.require(roles::deployer(), ctx.sender));
  if (state_.contract_as<MultisigAdmin>(args.admin) == nullptr) {
    return make_revert(ErrorId::kNotAMultisig, {args.admin});
  }
  auto set = create_security(ctx, args);
  if (!set.ok()) return set.take_revert();
  auto* token = state_.contract_as<SecurityToken>(set.value().token);
  for (const Bytes32* r :
       {&roles::corporate_action(), &roles::dividend_admin(), &roles::document_admin()}) {
    STOA_TRY(token->access_control()->grant_initial(&ctx, *token, *r, args.admin));
  }
  return set;
}

const auto& Factory::field_list() {
  static constexpr auto kFields =
      std::make_tuple(sub(&Factory::access_, "access"), field(&Factory::securities_, "securities"));
  return kFields;
}
STOA_DEFINE_FIELDS(Factory)

namespace {
void security_creation_methods(AbiRegistry<Factory>& reg) {
  reg.call(
      "createSecurity", {"name", "symbol", "decimals", "preset", "admin", "complianceOfficer"},
      {"token"}, "DEPLOYER_ROLE: create a security with an offering preset (docs/presets.md).",
      [](Factory& c, CallContext& ctx, const std::string& name, const std::string& symbol,
         uint8_t decimals, uint8_t preset, const Address& admin,
         const Address& complianceOfficer) -> Result<Address> {
        CreateSecurityArgs args{
            name,  symbol,           static_cast<uint8_t>(decimals), static_cast<uint8_t>(preset),
            admin, complianceOfficer};
        auto r = c.create_security(ctx, args);
        if (!r.ok()) return r.take_revert();
        return r.value().token;
      });
  reg.view("securityCount", {}, "Number of securities created.",
           [](Factory& c) -> U256 { return U256(c.securities().size()); });
  reg.view("securityAt", {"index"},
           "The token address of the index-th security, in creation order.",
           [](Factory& c, const U256& index_) -> Result<Address> {
             const auto& list = c.securities();
             if (!index_.fits_u64() || index_.low64() >= list.size()) {
               return make_revert(ErrorId::kLimitExceeded,
                                  {std::string("security index"), U256(list.size())});
             }
             return list[index_.low64()].token;
           });
  reg.view("securityBySymbol", {"symbol"}, "The token with this symbol, or zero.",
           [](Factory& c, const std::string& symbol) -> Address {
             const SecuritySet* s = c.find_by_symbol(symbol);
             return s ? s->token : Address{};
           });
}

void security_lookup_methods(AbiRegistry<Factory>& reg) {
  reg.view("getSecurity", {"token"},
           {"token", "registry", "restriction", "whitelistModule", "lockupModule",
            "jurisdictionModule", "preset"},
           "Every contract address of a security.",
           [](Factory& c, const Address& token) -> Result<SecurityTuple> {
             const SecuritySet* s = c.find(token);
             if (s == nullptr) return make_revert(ErrorId::kUnknownSecurity, {token});
             return set_tuple(*s);
           });
  reg.view("presetName", {{"preset", "uint8"}}, "The regime a preset number stands for.",
           [](Factory& /*c*/, const U256& preset) -> Result<std::string> {
             const PresetRules* p = find_preset(static_cast<uint8_t>(preset.low64()));
             if (p == nullptr || !preset.fits_u64() || preset.low64() > 255) {
               return make_revert(ErrorId::kUnknownPreset, {preset});
             }
             return std::string(p->name);
           });
}

// The lifecycle contracts (issue 16, rules::lifecycle: from rules version 5).
void lifecycle_methods(AbiRegistry<Factory>& reg) {
  reg.call("createPaymentToken", {"name", "symbol", "decimals", "admin"}, {"token"},
           "DEPLOYER_ROLE: a plain ERC-20 (a tokenized currency: dividends' and DvP's cash leg); "
           "`admin` gets DEFAULT_ADMIN_ROLE and MINTER_ROLE on it (docs/dividends.md).",
           [](Factory& c, CallContext& ctx, const std::string& name, const std::string& symbol,
              uint8_t decimals, const Address& admin) -> Result<Address> {
             return c.create_payment_token(ctx, name, symbol, decimals, admin);
           });
  reg.call("createDividendDistributor", {"security", "withholdingAccount"}, {"distributor"},
           "DEPLOYER_ROLE, or DEFAULT_ADMIN_ROLE of the security: a DividendDistributor paying "
           "that security's holders, guarded by its DIVIDEND_ADMIN_ROLE; withheld tax goes to "
           "`withholdingAccount` (docs/dividends.md).",
           [](Factory& c, CallContext& ctx, const Address& security,
              const Address& withholding) -> Result<Address> {
             return c.create_dividend_distributor(ctx, security, withholding);
           });
}

// Multisig administration (issue 16 item 5, rules::multisig_admin: from rules version 6).
void multisig_methods(AbiRegistry<Factory>& reg) {
  reg.call("createMultisig", {"owners", "required"}, {"multisig"},
           "DEPLOYER_ROLE: a MultisigAdmin of 1 to 20 owners of which `required` must confirm a "
           "transaction before it runs (docs/multisig.md).",
           [](Factory& c, CallContext& ctx, const std::vector<Address>& owners,
              const U256& required) -> Result<Address> {
             return c.create_multisig(ctx, owners, required);
           });
  reg.call("createSecurityWithMultisig",
           {"name", "symbol", "decimals", "preset", "multisig", "complianceOfficer"}, {"token"},
           "DEPLOYER_ROLE: createSecurity with every admin role (DEFAULT_ADMIN, MINTER, PAUSER, "
           "RESTRICTION_ADMIN, CORPORATE_ACTION, DIVIDEND_ADMIN, DOCUMENT_ADMIN) granted to a "
           "MultisigAdmin, none to the deployer (docs/multisig.md).",
           [](Factory& c, CallContext& ctx, const std::string& name, const std::string& symbol,
              uint8_t decimals, uint8_t preset, const Address& multisig,
              const Address& complianceOfficer) -> Result<Address> {
             CreateSecurityArgs args{name, symbol, decimals, preset, multisig, complianceOfficer};
             auto r = c.create_security_with_multisig(ctx, args);
             if (!r.ok()) return r.take_revert();
             return r.value().token;
           });
}

std::vector<EventSpec> lifecycle_events() {
  return {
      {"PaymentTokenCreated",
       {{"token", "address", true},
        {"admin", "address", true},
        {"name", "string"},
        {"symbol", "string"},
        {"decimals", "uint8"}},
       "A payment token was created."},
      {"DividendDistributorCreated",
       {{"distributor", "address", true},
        {"security", "address", true},
        {"withholdingAccount", "address"}},
       "A dividend distributor was created for a security."},
  };
}

std::vector<EventSpec> multisig_events() {
  return {
      {"MultisigCreated",
       {{"multisig", "address", true},
        {"creator", "address", true},
        {"owners", "address[]"},
        {"required", "uint256"}},
       "A MultisigAdmin was created."},
  };
}

std::vector<EventSpec> factory_events() {
  return {
      {"SecurityCreated",
       {{"token", "address", true},
        {"admin", "address", true},
        {"preset", "uint8"},
        {"registry", "address"},
        {"restriction", "address"},
        {"whitelistModule", "address"},
        {"lockupModule", "address"},
        {"jurisdictionModule", "address"}},
       "A security and its contract set were created."},
  };
}

std::vector<ErrorId> factory_errors() {
  return {ErrorId::kInvalidTokenMetadata, ErrorId::kUnknownPreset, ErrorId::kSymbolTaken,
          ErrorId::kUnknownSecurity, ErrorId::kLimitExceeded};
}
}  // namespace

const ContractAbi& Factory::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<Factory> reg;
    security_creation_methods(reg);
    security_lookup_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    for (auto& x : access_control_methods())
      m.push_back(std::move(x));
    const size_t first_lifecycle = m.size();
    AbiRegistry<Factory> lifecycle;
    lifecycle_methods(lifecycle);
    for (auto& x : lifecycle.take())
      m.push_back(std::move(x));
    const size_t first_multisig = m.size();
    AbiRegistry<Factory> multisig;
    multisig_methods(multisig);
    for (auto& x : multisig.take())
      m.push_back(std::move(x));
    std::vector<EventSpec> e = factory_events();
    for (auto& x : access_control_events())
      e.push_back(std::move(x));
    for (auto& x : lifecycle_events())
      e.push_back(std::move(x));
    for (auto& x : multisig_events())
      e.push_back(std::move(x));
    std::vector<ErrorId> errs = factory_errors();
    for (auto x : access_control_errors())
      errs.push_back(x);
    for (auto x : {ErrorId::kNotAMultisig, ErrorId::kMultisigInvalidRequirement,
                   ErrorId::kMultisigOwnerExists, ErrorId::kMultisigInvalidOwner})
      errs.push_back(x);
    ContractAbi abi("SecurityFactory", std::move(m), std::move(e), std::move(errs));
    abi.introduce(first_lifecycle, Rules::kV5);  // rules::lifecycle
    abi.introduce(first_multisig, Rules::kV6);   // rules::multisig_admin
    return abi;
  }();
  return kAbi;
}

}  // namespace stoa::core

namespace stoa::core {

std::unique_ptr<Contract> Factory::decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec) {
  auto f = std::make_unique<Factory>(ctx.state, self);
  if (!decode_fields(*f, field_list(), ctx, dec)) return nullptr;
  // The indexes, once every token exists (the symbol is the token's).
  Factory* raw = f.get();
  ctx.fixups.push_back([raw, &state = ctx.state](std::string* error) {
    for (size_t i = 0; i < raw->securities_.size(); ++i) {
      const SecuritySet& s = raw->securities_[i];
      const auto* t = state.contract_as<SecurityToken>(s.token);
      if (t == nullptr || raw->by_symbol_.contains(t->config().symbol)) {
        *error = "the factory lists " + s.token.checksum_hex() +
                 ", which is not a token or repeats a symbol";
        return false;
      }
      raw->by_token_.set(s.token, i + 1);
      raw->by_symbol_.set(t->config().symbol, i + 1);
    }
    return true;
  });
  return f;
}

}  // namespace stoa::core
