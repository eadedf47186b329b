#include "stoa/core/identity_registry.h"

#include <algorithm>

#include "stoa/core/access_control.h"
#include "stoa/core/presets.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {
using Args = const abi::ValueList&;
ClaimTopicsRegistry& ctr(Contract& c) {
  return static_cast<ClaimTopicsRegistry&>(c);
}
TrustedIssuersRegistry& tir(Contract& c) {
  return static_cast<TrustedIssuersRegistry&>(c);
}
IdentityRegistryStorage& irs(Contract& c) {
  return static_cast<IdentityRegistryStorage&>(c);
}
IdentityRegistry& ir(Contract& c) {
  return static_cast<IdentityRegistry&>(c);
}
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

const ContractAbi& ClaimTopicsRegistry::abi() const {
  static const ContractAbi kAbi = [] {
    std::vector<MethodSpec> m = {
        {"getClaimTopics",
         {},
         {{"", "uint256[]"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args) -> Result<Outputs> {
           return Outputs{u256_list(ctr(c).topics())};
         },
         "ERC-3643: the topics every investor of the security must hold a valid claim of."},
        {"addClaimTopic",
         {{"claimTopic", "uint256"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           STOA_TRY(ctr(c).add_topic(ctx, a[0].u256()));
           return Outputs{};
         },
         "ERC-3643, DEFAULT_ADMIN_ROLE (at most 15 topics)."},
        {"removeClaimTopic",
         {{"claimTopic", "uint256"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           STOA_TRY(ctr(c).remove_topic(ctx, a[0].u256()));
           return Outputs{};
         },
         "ERC-3643, DEFAULT_ADMIN_ROLE."},
    };
    std::vector<EventSpec> e = {
        {"ClaimTopicAdded", {{"claimTopic", "uint256", true}}, "ERC-3643."},
        {"ClaimTopicRemoved", {{"claimTopic", "uint256", true}}, "ERC-3643."},
    };
    std::vector<ErrorId> errs = {ErrorId::kClaimTopicAlreadyRequired,
                                 ErrorId::kClaimTopicNotRequired, ErrorId::kLimitExceeded,
                                 ErrorId::kAccessControlUnauthorizedAccount};
    return ContractAbi("ClaimTopicsRegistry", std::move(m), std::move(e), std::move(errs));
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

const ContractAbi& TrustedIssuersRegistry::abi() const {
  static const ContractAbi kAbi = [] {
    std::vector<MethodSpec> m = {
        {"addTrustedIssuer",
         {{"trustedIssuer", "address"}, {"claimTopics", "uint256[]"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           STOA_TRY(tir(c).add_issuer(ctx, a[0].address(), to_u256s(a[1])));
           return Outputs{};
         },
         "ERC-3643, DEFAULT_ADMIN_ROLE: an issuer identity and the topics it may sign."},
        {"removeTrustedIssuer",
         {{"trustedIssuer", "address"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           STOA_TRY(tir(c).remove_issuer(ctx, a[0].address()));
           return Outputs{};
         },
         "ERC-3643, DEFAULT_ADMIN_ROLE: its claims stop counting at once."},
        {"updateIssuerClaimTopics",
         {{"trustedIssuer", "address"}, {"claimTopics", "uint256[]"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           STOA_TRY(tir(c).update_issuer(ctx, a[0].address(), to_u256s(a[1])));
           return Outputs{};
         },
         "ERC-3643, DEFAULT_ADMIN_ROLE."},
        {"getTrustedIssuers",
         {},
         {{"", "address[]"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args) -> Result<Outputs> {
           return Outputs{address_list(tir(c).issuers())};
         },
         "ERC-3643 (ascending)."},
        {"isTrustedIssuer",
         {{"issuer", "address"}},
         {{"", "bool"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
           return Outputs{tir(c).is_trusted(a[0].address())};
         },
         "ERC-3643."},
        {"getTrustedIssuerClaimTopics",
         {{"trustedIssuer", "address"}},
         {{"", "uint256[]"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
           if (!tir(c).is_trusted(a[0].address())) {
             return make_revert(ErrorId::kIssuerNotTrusted, {a[0].address()});
           }
           return Outputs{u256_list(tir(c).issuer_topics(a[0].address()))};
         },
         "ERC-3643."},
        {"getTrustedIssuersForClaimTopic",
         {{"claimTopic", "uint256"}},
         {{"", "address[]"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
           return Outputs{address_list(tir(c).issuers_for_topic(a[0].u256()))};
         },
         "ERC-3643."},
        {"hasClaimTopic",
         {{"issuer", "address"}, {"claimTopic", "uint256"}},
         {{"", "bool"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
           return Outputs{tir(c).has_topic(a[0].address(), a[1].u256())};
         },
         "ERC-3643."},
    };
    std::vector<EventSpec> e = {
        {"TrustedIssuerAdded",
         {{"trustedIssuer", "address", true}, {"claimTopics", "uint256[]"}},
         "ERC-3643."},
        {"TrustedIssuerRemoved", {{"trustedIssuer", "address", true}}, "ERC-3643."},
        {"ClaimTopicsUpdated",
         {{"trustedIssuer", "address", true}, {"claimTopics", "uint256[]"}},
         "ERC-3643."},
    };
    std::vector<ErrorId> errs = {
        ErrorId::kNotAnIdentity,    ErrorId::kIssuerAlreadyTrusted,
        ErrorId::kIssuerNotTrusted, ErrorId::kInvalidClaimTopics,
        ErrorId::kLimitExceeded,    ErrorId::kAccessControlUnauthorizedAccount};
    return ContractAbi("TrustedIssuersRegistry", std::move(m), std::move(e), std::move(errs));
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

const ContractAbi& IdentityRegistryStorage::abi() const {
  static const ContractAbi kAbi = [] {
    std::vector<MethodSpec> m = {
        {"storedIdentity",
         {{"userAddress", "address"}},
         {{"", "address"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
           return Outputs{irs(c).identity_of(a[0].address())};
         },
         "ERC-3643."},
        {"storedInvestorCountry",
         {{"userAddress", "address"}},
         {{"", "uint16"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
           const StoredIdentity* e = irs(c).find(a[0].address());
           return Outputs{U256(e == nullptr ? 0 : e->country)};
         },
         "ERC-3643: ISO 3166-1 numeric."},
        {"linkedIdentityRegistries",
         {},
         {{"", "address[]"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args) -> Result<Outputs> {
           return Outputs{address_list(irs(c).bound())};
         },
         "ERC-3643: the registries (of one issuer's securities) sharing this storage."},
        {"unbindIdentityRegistry",
         {{"identityRegistry", "address"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           STOA_TRY(irs(c).unbind(ctx, a[0].address()));
           return Outputs{};
         },
         "ERC-3643, DEFAULT_ADMIN_ROLE of the storage's security. (Binding happens through "
         "IdentityFactory.createIdentityRegistry.)"},
    };
    std::vector<EventSpec> e = {
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
    std::vector<ErrorId> errs = {ErrorId::kNotAnIdentityRegistry,
                                 ErrorId::kAccessControlUnauthorizedAccount};
    return ContractAbi("IdentityRegistryStorage", std::move(m), std::move(e), std::move(errs));
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
      if (const Identity::Recovered* r = id->recovered(cid)) {
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

const ContractAbi& IdentityRegistry::abi() const {
  static const ContractAbi kAbi = [] {
    std::vector<MethodSpec> m = {
        {"registerIdentity",
         {{"userAddress", "address"}, {"identity", "address"}, {"country", "uint16"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           STOA_TRY(ir(c).register_identity(ctx, a[0].address(), a[1].address(),
                                            to_country(a[2].u256())));
           return Outputs{};
         },
         "ERC-3643, COMPLIANCE_ROLE: link a wallet to an identity (several wallets may share "
         "one identity: one investor)."},
        {"batchRegisterIdentity",
         {{"userAddresses", "address[]"}, {"identities", "address[]"}, {"countries", "uint16[]"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           const auto& w = a[0].list();
           return for_each_leg(ctx, a, 3, [&](size_t i) {
             return ir(c).register_identity(ctx, w[i].address(), a[1].list()[i].address(),
                                            to_country(a[2].list()[i].u256()));
           });
         },
         "ERC-3643, COMPLIANCE_ROLE: all or nothing."},
        {"deleteIdentity",
         {{"userAddress", "address"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           STOA_TRY(ir(c).delete_identity(ctx, a[0].address()));
           return Outputs{};
         },
         "ERC-3643, COMPLIANCE_ROLE."},
        {"updateIdentity",
         {{"userAddress", "address"}, {"identity", "address"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           STOA_TRY(ir(c).update_identity(ctx, a[0].address(), a[1].address()));
           return Outputs{};
         },
         "ERC-3643, COMPLIANCE_ROLE."},
        {"updateCountry",
         {{"userAddress", "address"}, {"country", "uint16"}},
         {},
         Mutability::kNonPayable,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           STOA_TRY(ir(c).update_country(ctx, a[0].address(), to_country(a[1].u256())));
           return Outputs{};
         },
         "ERC-3643, COMPLIANCE_ROLE."},
        {"isVerified",
         {{"userAddress", "address"}},
         {{"", "bool"}},
         Mutability::kView,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           return Outputs{ir(c).is_verified(a[0].address(), ctx.block.timestamp)};
         },
         "ERC-3643: registered, and for every required topic a claim that is valid now from an "
         "issuer trusted for that topic."},
        {"claimStatus",
         {{"userAddress", "address"}, {"claimTopic", "uint256"}},
         {{"", "uint8"}},
         Mutability::kView,
         [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
           return Outputs{U256(static_cast<uint8_t>(
               ir(c).claim_status(a[0].address(), a[1].u256(), ctx.block.timestamp)))};
         },
         "Why a topic is or is not satisfied: 0 valid, 1 no identity, 2 missing, 3 untrusted "
         "issuer, 4 bad signature, 5 signer not a claim key, 6 revoked, 7 signer key revoked, 8 "
         "expired, 9 bad scheme, 10 issuer not an identity."},
        {"identity",
         {{"userAddress", "address"}},
         {{"", "address"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
           return Outputs{ir(c).identity_of(a[0].address())};
         },
         "ERC-3643."},
        {"investorCountry",
         {{"userAddress", "address"}},
         {{"", "uint16"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
           const StoredIdentity* e = ir(c).storage().find(a[0].address());
           return Outputs{U256(e == nullptr ? 0 : e->country)};
         },
         "ERC-3643."},
        {"contains",
         {{"userAddress", "address"}},
         {{"", "bool"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
           return Outputs{ir(c).storage().find(a[0].address()) != nullptr};
         },
         "ERC-3643."},
        {"identityStorage",
         {},
         {{"", "address"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args) -> Result<Outputs> {
           return Outputs{ir(c).storage().address()};
         },
         "ERC-3643."},
        {"topicsRegistry",
         {},
         {{"", "address"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args) -> Result<Outputs> {
           return Outputs{ir(c).topics().address()};
         },
         "ERC-3643."},
        {"issuersRegistry",
         {},
         {{"", "address"}},
         Mutability::kView,
         [](Contract& c, CallContext&, Args) -> Result<Outputs> {
           return Outputs{ir(c).issuers().address()};
         },
         "ERC-3643."},
    };
    std::vector<EventSpec> e = {
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
    std::vector<ErrorId> errs = {ErrorId::kZeroAddress,
                                 ErrorId::kNotAnIdentity,
                                 ErrorId::kIdentityAlreadyRegistered,
                                 ErrorId::kIdentityNotRegistered,
                                 ErrorId::kEmptyBatch,
                                 ErrorId::kBatchLengthMismatch,
                                 ErrorId::kBatchTooLarge,
                                 ErrorId::kAccessControlUnauthorizedAccount};
    return ContractAbi("IdentityRegistry", std::move(m), std::move(e), std::move(errs));
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
