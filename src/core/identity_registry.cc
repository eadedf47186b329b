#include "stoa/core/identity_registry.h"

#include <algorithm>

#include "stoa/core/abi_registry.h"
#include "stoa/core/access_control.h"
#include "stoa/core/presets.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"
#include "stoa/core/trex_proxy.h"

namespace stoa::core {
namespace {
abi::Value u256_list(const std::vector<U256>& v) {
  abi::ValueList out(v.begin(), v.end());
  return abi::Value(std::move(out));
}
abi::Value address_list(const std::vector<Address>& v) {
  abi::ValueList out(v.begin(), v.end());
  return abi::Value(std::move(out));
}
std::vector<U256> to_u256s(const abi::Value& v) {
  std::vector<U256> out;
  for (const auto& x : v.list())
    out.push_back(x.u256());
  return out;
}
uint16_t to_country(const U256& v) {
  return static_cast<uint16_t>(v.low64());
}
}  // namespace

std::vector<uint64_t> required_topics_for_preset(uint8_t preset) {
  switch (static_cast<Preset>(preset)) {
    case Preset::kRegD506b:
    case Preset::kRegD506c:
    case Preset::kRegAPlus:
    case Preset::kGlobal:
      return {topic::kKyc, topic::kAml};
    case Preset::kRegS:
      return {topic::kKyc, topic::kAml, topic::kNonUsPerson};
    case Preset::kRegCF:
      return {topic::kKyc, topic::kAml, topic::kRegCfSubscriber};
  }
  return {topic::kKyc, topic::kAml};
}

// ------------------------------------------------------------------------------ topics

ClaimTopicsRegistry::ClaimTopicsRegistry(State& state, const Address& self, const Address& security)
    : SecurityPart(state, self, security) {}

void ClaimTopicsRegistry::init_topic(const U256& t) {
  auto v = topics_.get();
  v.push_back(t);
  topics_.set(std::move(v));
}

Status ClaimTopicsRegistry::add_topic(CallContext& ctx, const U256& t) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  const auto& v = topics_.get();
  if (std::find(v.begin(), v.end(), t) != v.end()) {
    return make_revert(ErrorId::kClaimTopicAlreadyRequired, {t});
  }
  if (v.size() >= kMaxClaimTopics) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("required claim topics"), U256(kMaxClaimTopics)});
  }
  init_topic(t);
  emit(ctx, "ClaimTopicAdded", {t});
  return Status::Ok();
}

Status ClaimTopicsRegistry::remove_topic(CallContext& ctx, const U256& t) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  auto v = topics_.get();
  auto it = std::find(v.begin(), v.end(), t);
  if (it == v.end()) return make_revert(ErrorId::kClaimTopicNotRequired, {t});
  v.erase(it);
  topics_.set(std::move(v));
  emit(ctx, "ClaimTopicRemoved", {t});
  return Status::Ok();
}

const auto& ClaimTopicsRegistry::field_list() {
  static constexpr auto kFields =
      std::make_tuple(field(&ClaimTopicsRegistry::security_, "security"),
                      field(&ClaimTopicsRegistry::topics_, "topics"));
  return kFields;
}
STOA_DEFINE_FIELDS(ClaimTopicsRegistry)

namespace {
void claim_topics_methods(AbiRegistry<ClaimTopicsRegistry>& reg) {
  reg.view("getClaimTopics", {}, {{"", "uint256[]"}},
           "ERC-3643: the topics every investor of the security must hold a valid claim of.",
           [](ClaimTopicsRegistry& c) -> abi::Value { return u256_list(c.topics()); });
  reg.call<&ClaimTopicsRegistry::add_topic>("addClaimTopic", {"claimTopic"},
                                            "ERC-3643, DEFAULT_ADMIN_ROLE (at most 15 topics).");
  reg.call<&ClaimTopicsRegistry::remove_topic>("removeClaimTopic", {"claimTopic"},
                                               "ERC-3643, DEFAULT_ADMIN_ROLE.");
}

std::vector<EventSpec> claim_topics_registry_events() {
  return {
      {"ClaimTopicAdded", {{"claimTopic", "uint256", true}}, "ERC-3643."},
      {"ClaimTopicRemoved", {{"claimTopic", "uint256", true}}, "ERC-3643."},
  };
}

std::vector<ErrorId> claim_topics_registry_errors() {
  return {ErrorId::kClaimTopicAlreadyRequired, ErrorId::kClaimTopicNotRequired,
          ErrorId::kLimitExceeded, ErrorId::kAccessControlUnauthorizedAccount};
}
}  // namespace

const ContractAbi& ClaimTopicsRegistry::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<ClaimTopicsRegistry> reg;
    claim_topics_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    std::vector<EventSpec> e = claim_topics_registry_events();
    std::vector<ErrorId> errs = claim_topics_registry_errors();
    ContractAbi abi("ClaimTopicsRegistry", std::move(m), std::move(e), std::move(errs));
    extend_with_ownable_abi(abi);  // rules V5 (identity_registry_trex.cc)
    extend_with_trex_initializer(abi, TrexInitializer::kPlain);  // rules V6
    return abi;
  }();
  return kAbi;
}

// ------------------------------------------------------------------------------ issuers

TrustedIssuersRegistry::TrustedIssuersRegistry(State& state, const Address& self,
                                               const Address& security)
    : SecurityPart(state, self, security) {}

const std::vector<U256>& TrustedIssuersRegistry::issuer_topics(const Address& issuer) const {
  static const std::vector<U256> kNone;
  const auto* v = issuers_.find(issuer);
  return v == nullptr ? kNone : *v;
}

bool TrustedIssuersRegistry::has_topic(const Address& issuer, const U256& t) const {
  const auto& v = issuer_topics(issuer);
  return std::find(v.begin(), v.end(), t) != v.end();
}

std::vector<Address> TrustedIssuersRegistry::issuers_for_topic(const U256& t) const {
  std::vector<Address> out;
  issuers_.for_each_sorted([&](const Address& a, const std::vector<U256>& v) {
    if (std::find(v.begin(), v.end(), t) != v.end()) out.push_back(a);
  });
  return out;
}

Status TrustedIssuersRegistry::check_topics(const std::vector<U256>& topics) const {
  if (topics.empty() || topics.size() > kMaxClaimTopics) {
    return make_revert(ErrorId::kInvalidClaimTopics);
  }
  std::vector<U256> sorted = topics;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return make_revert(ErrorId::kInvalidClaimTopics);
  }
  return Status::Ok();
}

Status TrustedIssuersRegistry::add_issuer(CallContext& ctx, const Address& issuer,
                                          const std::vector<U256>& topics) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  if (state_.contract_as<Identity>(issuer) == nullptr) {
    return make_revert(ErrorId::kNotAnIdentity, {issuer});
  }
  if (issuers_.contains(issuer)) return make_revert(ErrorId::kIssuerAlreadyTrusted, {issuer});
  STOA_TRY(check_topics(topics));
  if (issuers_.size() >= kMaxTrustedIssuers) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("trusted issuers"), U256(kMaxTrustedIssuers)});
  }
  issuers_.set(issuer, topics);
  emit(ctx, "TrustedIssuerAdded", {issuer, u256_list(topics)});
  return Status::Ok();
}

Status TrustedIssuersRegistry::remove_issuer(CallContext& ctx, const Address& issuer) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  if (!issuers_.contains(issuer)) return make_revert(ErrorId::kIssuerNotTrusted, {issuer});
  issuers_.set(issuer, {});
  emit(ctx, "TrustedIssuerRemoved", {issuer});
  return Status::Ok();
}

Status TrustedIssuersRegistry::update_issuer(CallContext& ctx, const Address& issuer,
                                             const std::vector<U256>& topics) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  if (!issuers_.contains(issuer)) return make_revert(ErrorId::kIssuerNotTrusted, {issuer});
  STOA_TRY(check_topics(topics));
  issuers_.set(issuer, topics);
  emit(ctx, "ClaimTopicsUpdated", {issuer, u256_list(topics)});
  return Status::Ok();
}

const auto& TrustedIssuersRegistry::field_list() {
  static constexpr auto kFields =
      std::make_tuple(field(&TrustedIssuersRegistry::security_, "security"),
                      field(&TrustedIssuersRegistry::issuers_, "issuers"));
  return kFields;
}
STOA_DEFINE_FIELDS(TrustedIssuersRegistry)

namespace {
void trusted_issuers_methods(AbiRegistry<TrustedIssuersRegistry>& reg) {
  reg.call("addTrustedIssuer", {"trustedIssuer", {"claimTopics", "uint256[]"}},
           "ERC-3643, DEFAULT_ADMIN_ROLE: an issuer identity and the topics it may sign.",
           [](TrustedIssuersRegistry& c, CallContext& ctx, const Address& trustedIssuer,
              const abi::Value& claimTopics) {
             return c.add_issuer(ctx, trustedIssuer, to_u256s(claimTopics));
           });
  reg.call<&TrustedIssuersRegistry::remove_issuer>(
      "removeTrustedIssuer", {"trustedIssuer"},
      "ERC-3643, DEFAULT_ADMIN_ROLE: its claims stop counting at once.");
  reg.call("updateIssuerClaimTopics", {"trustedIssuer", {"claimTopics", "uint256[]"}},
           "ERC-3643, DEFAULT_ADMIN_ROLE.",
           [](TrustedIssuersRegistry& c, CallContext& ctx, const Address& trustedIssuer,
              const abi::Value& claimTopics) {
             return c.update_issuer(ctx, trustedIssuer, to_u256s(claimTopics));
           });
  reg.view("getTrustedIssuers", {}, {{"", "address[]"}}, "ERC-3643 (ascending).",
           [](TrustedIssuersRegistry& c) -> abi::Value { return address_list(c.issuers()); });
  reg.view<&TrustedIssuersRegistry::is_trusted>("isTrustedIssuer", {"issuer"}, "ERC-3643.");
  reg.view("getTrustedIssuerClaimTopics", {"trustedIssuer"}, {{"", "uint256[]"}}, "ERC-3643.",
           [](TrustedIssuersRegistry& c, const Address& trustedIssuer) -> Result<abi::Value> {
             if (!c.is_trusted(trustedIssuer)) {
               return make_revert(ErrorId::kIssuerNotTrusted, {trustedIssuer});
             }
             return u256_list(c.issuer_topics(trustedIssuer));
           });
  reg.view("getTrustedIssuersForClaimTopic", {"claimTopic"}, {{"", "address[]"}}, "ERC-3643.",
           [](TrustedIssuersRegistry& c, const U256& claimTopic) -> abi::Value {
             return address_list(c.issuers_for_topic(claimTopic));
           });
  reg.view<&TrustedIssuersRegistry::has_topic>("hasClaimTopic", {"issuer", "claimTopic"},
                                               "ERC-3643.");
}

std::vector<EventSpec> trusted_issuers_registry_events() {
  return {
      {"TrustedIssuerAdded",
       {{"trustedIssuer", "address", true}, {"claimTopics", "uint256[]"}},
       "ERC-3643."},
      {"TrustedIssuerRemoved", {{"trustedIssuer", "address", true}}, "ERC-3643."},
      {"ClaimTopicsUpdated",
       {{"trustedIssuer", "address", true}, {"claimTopics", "uint256[]"}},
       "ERC-3643."},
  };
}

std::vector<ErrorId> trusted_issuers_registry_errors() {
  return {ErrorId::kNotAnIdentity,    ErrorId::kIssuerAlreadyTrusted,
          ErrorId::kIssuerNotTrusted, ErrorId::kInvalidClaimTopics,
          ErrorId::kLimitExceeded,    ErrorId::kAccessControlUnauthorizedAccount};
}
}  // namespace

const ContractAbi& TrustedIssuersRegistry::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<TrustedIssuersRegistry> reg;
    trusted_issuers_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    std::vector<EventSpec> e = trusted_issuers_registry_events();
    std::vector<ErrorId> errs = trusted_issuers_registry_errors();
    ContractAbi abi("TrustedIssuersRegistry", std::move(m), std::move(e), std::move(errs));
    extend_with_ownable_abi(abi);  // rules V5 (identity_registry_trex.cc)
    extend_with_trex_initializer(abi, TrexInitializer::kPlain);  // rules V6
    return abi;
  }();
  return kAbi;
}

// ------------------------------------------------------------------------------ storage

IdentityRegistryStorage::IdentityRegistryStorage(State& state, const Address& self,
                                                 const Address& security)
    : SecurityPart(state, self, security) {}

void IdentityRegistryStorage::write(CallContext& ctx, const Address& wallet,
                                    const StoredIdentity& e) {
  const StoredIdentity old = entries_.get(wallet);
  entries_.set(wallet, e);
  if (old.identity != e.identity) {
    for (const Address& r : bound_.get()) {
      const auto* reg = state_.contract_as<IdentityRegistry>(r);
      auto* tok = state_.contract_as<SecurityToken>(reg->security());
      if (tok != nullptr && tok->identity_registry() == reg) {
        tok->rekey_investor(wallet, old.identity, e.identity);
      }
    }
  }
  if (old.identity.is_zero() && !e.identity.is_zero()) {
    emit(ctx, "IdentityStored", {wallet, e.identity});
  } else if (!old.identity.is_zero() && e.identity.is_zero()) {
    emit(ctx, "IdentityUnstored", {wallet, old.identity});
  } else if (old.identity != e.identity) {
    emit(ctx, "IdentityModified", {old.identity, e.identity});
  }
  if (!e.identity.is_zero() && old.country != e.country) {
    emit(ctx, "CountryModified", {wallet, U256(e.country)});
  }
  if (rules::trex_parity(ctx.block.rules) && !e.identity.is_zero() &&
      (old.identity.is_zero() || old.country != e.country)) {
    sync_jurisdiction(ctx, wallet, e.country);
  }
}

void IdentityRegistryStorage::bind(CallContext& ctx, const Address& registry) {
  auto v = bound_.get();
  v.push_back(registry);
  bound_.set(std::move(v));
  emit(ctx, "IdentityRegistryBound", {registry});
}

Status IdentityRegistryStorage::unbind(CallContext& ctx, const Address& registry) {
  STOA_TRY(require_role(ctx, roles::default_admin()));
  auto v = bound_.get();
  auto it = std::find(v.begin(), v.end(), registry);
  if (it == v.end()) return make_revert(ErrorId::kNotAnIdentityRegistry, {registry});
  v.erase(it);
  bound_.set(std::move(v));
  emit(ctx, "IdentityRegistryUnbound", {registry});
  return Status::Ok();
}

const auto& IdentityRegistryStorage::field_list() {
  static constexpr auto kFields =
      std::make_tuple(field(&IdentityRegistryStorage::security_, "security"),
                      field(&IdentityRegistryStorage::bound_, "bound"),
                      field(&IdentityRegistryStorage::entries_, "entries"));
  return kFields;
}
STOA_DEFINE_FIELDS(IdentityRegistryStorage)

namespace {
void storage_methods(AbiRegistry<IdentityRegistryStorage>& reg) {
  reg.view<&IdentityRegistryStorage::identity_of>("storedIdentity", {"userAddress"}, "ERC-3643.");
  reg.view("storedInvestorCountry", {"userAddress"}, {{"", "uint16"}},
           "ERC-3643: ISO 3166-1 numeric.",
           [](IdentityRegistryStorage& c, const Address& userAddress) -> U256 {
             const StoredIdentity* e = c.find(userAddress);
             return U256(e == nullptr ? 0 : e->country);
           });
  reg.view("linkedIdentityRegistries", {}, {{"", "address[]"}},
           "ERC-3643: the registries (of one issuer's securities) sharing this storage.",
           [](IdentityRegistryStorage& c) -> abi::Value { return address_list(c.bound()); });
  reg.call<&IdentityRegistryStorage::unbind>(
      "unbindIdentityRegistry", {"identityRegistry"},
      "ERC-3643, DEFAULT_ADMIN_ROLE of the storage's security. (Binding happens through "
      "IdentityFactory.createIdentityRegistry.)");
}

std::vector<EventSpec> identity_registry_storage_events() {
  return {
      {"IdentityStored",
       {{"investorAddress", "address", true}, {"identity", "address", true}},
       "ERC-3643."},
      {"IdentityUnstored",
       {{"investorAddress", "address", true}, {"identity", "address", true}},
       "ERC-3643."},
      {"IdentityModified",
       {{"oldIdentity", "address", true}, {"newIdentity", "address", true}},
       "ERC-3643."},
      {"CountryModified",
       {{"investorAddress", "address", true}, {"country", "uint16", true}},
       "ERC-3643."},
      {"IdentityRegistryBound", {{"identityRegistry", "address", true}}, "ERC-3643."},
      {"IdentityRegistryUnbound", {{"identityRegistry", "address", true}}, "ERC-3643."},
  };
}

std::vector<ErrorId> identity_registry_storage_errors() {
  return {ErrorId::kNotAnIdentityRegistry, ErrorId::kAccessControlUnauthorizedAccount};
}
}  // namespace

const ContractAbi& IdentityRegistryStorage::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<IdentityRegistryStorage> reg;
    storage_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    std::vector<EventSpec> e = identity_registry_storage_events();
    std::vector<ErrorId> errs = identity_registry_storage_errors();
    ContractAbi abi("IdentityRegistryStorage", std::move(m), std::move(e), std::move(errs));
    extend_storage_with_trex_abi(abi);  // rules V5 (identity_registry_trex.cc)
    extend_with_trex_initializer(abi, TrexInitializer::kPlain);  // rules V6
    return abi;
  }();
  return kAbi;
}

// ------------------------------------------------------------------------------ registry

IdentityRegistry::IdentityRegistry(State& state, const Address& self, const Address& security,
                                   IdentityRegistryStorage* storage, ClaimTopicsRegistry* topics,
                                   TrustedIssuersRegistry* issuers)
    : SecurityPart(state, self, security), storage_(storage), topics_(topics), issuers_(issuers) {}

ClaimStatus IdentityRegistry::claim_status(const Address& wallet, const U256& t,
                                           uint64_t now) const {
  const Address id_addr = storage_->identity_of(wallet);
  const auto* id = state_.contract_as<Identity>(id_addr);
  if (id == nullptr) return ClaimStatus::kNoIdentity;
  // The best reason over every claim of the topic: valid wins, then the most specific failure.
  ClaimStatus best = ClaimStatus::kMissing;
  for (const Bytes32& cid : id->claim_ids_by_topic(t)) {
    const Claim* c = id->claim(cid);
    ClaimStatus s;
    if (!issuers_->has_topic(c->issuer, t)) {
      s = ClaimStatus::kUntrustedIssuer;
    } else if (const auto* issuer = state_.contract_as<Identity>(c->issuer)) {
      if (issuer->is_signature_revoked(c->signature)) {
        s = ClaimStatus::kRevoked;  // revokeClaimBySignature (none before rules V5)
      } else if (const Identity::Recovered* r = id->recovered(cid)) {
        // The signature was recovered when the claim was added; the rest is checked now.
        const TypedClaimData d{r->issued_at, r->valid_until, Bytes32{}};
        s = issuer->check_signer(id_addr, t, r->signer, r->typed ? &d : nullptr, now);
      } else {
        s = issuer->check_claim(id_addr, t, c->scheme, c->signature, c->data, now);
      }
    } else {
      s = ClaimStatus::kIssuerNotIdentity;
    }
    if (s == ClaimStatus::kValid) return s;
    if (best == ClaimStatus::kMissing || s > best) best = s;
  }
  return best;
}

bool IdentityRegistry::is_verified(const Address& wallet, uint64_t now) const {
  if (wallet.is_zero() || storage_->find(wallet) == nullptr) return false;
  for (const U256& t : topics_->topics()) {
    if (claim_status(wallet, t, now) != ClaimStatus::kValid) return false;
  }
  return true;
}

uint8_t IdentityRegistry::accreditation(const Address& wallet, uint64_t now,
                                        bool accept_self) const {
  if (storage_->find(wallet) == nullptr) return 0;
  if (claim_status(wallet, U256(topic::kQib), now) == ClaimStatus::kValid) return 2;
  if (claim_status(wallet, U256(topic::kAccreditedVerified), now) == ClaimStatus::kValid) return 1;
  if (accept_self &&
      claim_status(wallet, U256(topic::kAccreditedSelf), now) == ClaimStatus::kValid) {
    return 1;
  }
  return 0;
}

Status IdentityRegistry::register_unchecked(CallContext& ctx, const Address& wallet,
                                            const Address& identity, uint16_t country) {
  if (wallet.is_zero()) return make_revert(ErrorId::kZeroAddress);
  if (state_.contract_as<Identity>(identity) == nullptr) {
    return make_revert(ErrorId::kNotAnIdentity, {identity});
  }
  if (storage_->find(wallet) != nullptr) {
    return make_revert(ErrorId::kIdentityAlreadyRegistered, {wallet});
  }
  storage_->write(ctx, wallet, StoredIdentity{identity, country});
  emit(ctx, "IdentityRegistered", {wallet, identity});
  return Status::Ok();
}

void IdentityRegistry::delete_unchecked(CallContext& ctx, const Address& wallet) {
  const StoredIdentity* e = storage_->find(wallet);
  if (e == nullptr) return;
  const Address old = e->identity;
  storage_->write(ctx, wallet, StoredIdentity{});
  emit(ctx, "IdentityRemoved", {wallet, old});
}

Status IdentityRegistry::register_identity(CallContext& ctx, const Address& wallet,
                                           const Address& identity, uint16_t country) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  return register_unchecked(ctx, wallet, identity, country);
}

Status IdentityRegistry::delete_identity(CallContext& ctx, const Address& wallet) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  if (storage_->find(wallet) == nullptr) {
    return make_revert(ErrorId::kIdentityNotRegistered, {wallet});
  }
  delete_unchecked(ctx, wallet);
  return Status::Ok();
}

Status IdentityRegistry::update_identity(CallContext& ctx, const Address& wallet,
                                         const Address& identity) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  const StoredIdentity* e = storage_->find(wallet);
  if (e == nullptr) return make_revert(ErrorId::kIdentityNotRegistered, {wallet});
  if (state_.contract_as<Identity>(identity) == nullptr) {
    return make_revert(ErrorId::kNotAnIdentity, {identity});
  }
  const StoredIdentity old = *e;
  storage_->write(ctx, wallet, StoredIdentity{identity, old.country});
  emit(ctx, "IdentityUpdated", {old.identity, identity});
  return Status::Ok();
}

Status IdentityRegistry::update_country(CallContext& ctx, const Address& wallet, uint16_t country) {
  STOA_TRY(require_role(ctx, roles::compliance()));
  const StoredIdentity* e = storage_->find(wallet);
  if (e == nullptr) return make_revert(ErrorId::kIdentityNotRegistered, {wallet});
  StoredIdentity n = *e;
  n.country = country;
  storage_->write(ctx, wallet, n);
  emit(ctx, "CountryUpdated", {wallet, U256(country)});
  return Status::Ok();
}

const auto& IdentityRegistry::field_list() {
  static constexpr auto kFields = std::make_tuple(field(&IdentityRegistry::security_, "security"),
                                                  field(&IdentityRegistry::storage_, "storage"),
                                                  field(&IdentityRegistry::topics_, "topics"),
                                                  field(&IdentityRegistry::issuers_, "issuers"));
  return kFields;
}
STOA_DEFINE_FIELDS(IdentityRegistry)

namespace {
void registration_methods(AbiRegistry<IdentityRegistry>& reg) {
  reg.call("registerIdentity", {"userAddress", "identity", {"country", "uint16"}},
           "ERC-3643, COMPLIANCE_ROLE: link a wallet to an identity (several wallets may share "
           "one identity: one investor).",
           [](IdentityRegistry& c, CallContext& ctx, const Address& userAddress,
              const Address& identity, const U256& country) {
             return c.register_identity(ctx, userAddress, identity, to_country(country));
           });
  reg.call("batchRegisterIdentity", {"userAddresses", "identities", "countries"},
           "ERC-3643, COMPLIANCE_ROLE: all or nothing.",
           [](IdentityRegistry& c, CallContext& ctx, const std::vector<Address>& wallets,
              const std::vector<Address>& identities, const std::vector<uint16_t>& countries) {
             return for_each_leg(
                 ctx, {wallets.size(), identities.size(), countries.size()}, [&](size_t i) {
                   return c.register_identity(ctx, wallets[i], identities[i], countries[i]);
                 });
           });
  reg.call<&IdentityRegistry::delete_identity>("deleteIdentity", {"userAddress"},
                                               "ERC-3643, COMPLIANCE_ROLE.");
  reg.call<&IdentityRegistry::update_identity>("updateIdentity", {"userAddress", "identity"},
                                               "ERC-3643, COMPLIANCE_ROLE.");
  reg.call(
      "updateCountry", {"userAddress", {"country", "uint16"}}, "ERC-3643, COMPLIANCE_ROLE.",
      [](IdentityRegistry& c, CallContext& ctx, const Address& userAddress, const U256& country) {
        return c.update_country(ctx, userAddress, to_country(country));
      });
}

void verification_methods(AbiRegistry<IdentityRegistry>& reg) {
  reg.view("isVerified", {"userAddress"},
           "ERC-3643: registered, and for every required topic a claim that is valid now from an "
           "issuer trusted for that topic.",
           [](IdentityRegistry& c, CallContext& ctx, const Address& userAddress) -> bool {
             return c.is_verified(userAddress, ctx.block.timestamp);
           });
  reg.view("claimStatus", {"userAddress", "claimTopic"}, {{"", "uint8"}},
           "Why a topic is or is not satisfied: 0 valid, 1 no identity, 2 missing, 3 untrusted "
           "issuer, 4 bad signature, 5 signer not a claim key, 6 revoked, 7 signer key revoked, 8 "
           "expired, 9 bad scheme, 10 issuer not an identity.",
           [](IdentityRegistry& c, CallContext& ctx, const Address& userAddress,
              const U256& claimTopic) -> U256 {
             return U256(static_cast<uint8_t>(
                 c.claim_status(userAddress, claimTopic, ctx.block.timestamp)));
           });
  reg.view<&IdentityRegistry::identity_of>("identity", {"userAddress"}, "ERC-3643.");
  reg.view("investorCountry", {"userAddress"}, {{"", "uint16"}}, "ERC-3643.",
           [](IdentityRegistry& c, const Address& userAddress) -> U256 {
             const StoredIdentity* e = c.storage().find(userAddress);
             return U256(e == nullptr ? 0 : e->country);
           });
  reg.view("contains", {"userAddress"}, "ERC-3643.",
           [](IdentityRegistry& c, const Address& userAddress) -> bool {
             return c.storage().find(userAddress) != nullptr;
           });
  reg.view("identityStorage", {}, "ERC-3643.",
           [](IdentityRegistry& c) -> Address { return c.storage().address(); });
  reg.view("topicsRegistry", {}, "ERC-3643.",
           [](IdentityRegistry& c) -> Address { return c.topics().address(); });
  reg.view("issuersRegistry", {}, "ERC-3643.",
           [](IdentityRegistry& c) -> Address { return c.issuers().address(); });
}

std::vector<EventSpec> identity_registry_events() {
  return {
      {"IdentityRegistered",
       {{"investorAddress", "address", true}, {"identity", "address", true}},
       "ERC-3643."},
      {"IdentityRemoved",
       {{"investorAddress", "address", true}, {"identity", "address", true}},
       "ERC-3643."},
      {"IdentityUpdated",
       {{"oldIdentity", "address", true}, {"newIdentity", "address", true}},
       "ERC-3643."},
      {"CountryUpdated",
       {{"investorAddress", "address", true}, {"country", "uint16", true}},
       "ERC-3643."},
  };
}

std::vector<ErrorId> identity_registry_errors() {
  return {ErrorId::kZeroAddress,
          ErrorId::kNotAnIdentity,
          ErrorId::kIdentityAlreadyRegistered,
          ErrorId::kIdentityNotRegistered,
          ErrorId::kEmptyBatch,
          ErrorId::kBatchLengthMismatch,
          ErrorId::kBatchTooLarge,
          ErrorId::kAccessControlUnauthorizedAccount};
}
}  // namespace

const ContractAbi& IdentityRegistry::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<IdentityRegistry> reg;
    registration_methods(reg);
    verification_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    std::vector<EventSpec> e = identity_registry_events();
    std::vector<ErrorId> errs = identity_registry_errors();
    ContractAbi abi("IdentityRegistry", std::move(m), std::move(e), std::move(errs));
    extend_registry_with_trex_abi(abi);  // rules V5 (identity_registry_trex.cc)
    extend_with_trex_initializer(abi, TrexInitializer::kIdentityRegistry);  // rules V6
    return abi;
  }();
  return kAbi;
}

}  // namespace stoa::core

namespace stoa::core {

std::unique_ptr<Contract> ClaimTopicsRegistry::decode_state(DecodeContext& ctx, const Address& self,
                                                            StateDecoder& dec) {
  auto r = std::make_unique<ClaimTopicsRegistry>(ctx.state, self, Address{});
  if (!decode_fields(*r, field_list(), ctx, dec)) return nullptr;
  return r;
}

std::unique_ptr<Contract> TrustedIssuersRegistry::decode_state(DecodeContext& ctx,
                                                               const Address& self,
                                                               StateDecoder& dec) {
  auto r = std::make_unique<TrustedIssuersRegistry>(ctx.state, self, Address{});
  if (!decode_fields(*r, field_list(), ctx, dec)) return nullptr;
  return r;
}

std::unique_ptr<Contract> IdentityRegistryStorage::decode_state(DecodeContext& ctx,
                                                                const Address& self,
                                                                StateDecoder& dec) {
  auto s = std::make_unique<IdentityRegistryStorage>(ctx.state, self, Address{});
  if (!decode_fields(*s, field_list(), ctx, dec)) return nullptr;
  return s;
}

std::unique_ptr<Contract> IdentityRegistry::decode_state(DecodeContext& ctx, const Address& self,
                                                         StateDecoder& dec) {
  auto r =
      std::make_unique<IdentityRegistry>(ctx.state, self, Address{}, nullptr, nullptr, nullptr);
  if (!decode_fields(*r, field_list(), ctx, dec)) return nullptr;
  return r;
}

}  // namespace stoa::core
