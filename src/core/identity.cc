#include "stoa/core/identity.h"

#include <algorithm>

#include "stoa/core/abi_registry.h"
#include "stoa/core/factory.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/kyc_events.h"
#include "stoa/core/rules.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"
#include "stoa/core/trex_proxy.h"
#include "stoa/crypto/eip712.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::core {
namespace {
void word(Bytes& out, const Bytes32& w) {
  out.insert(out.end(), w.b.begin(), w.b.end());
}
void word(Bytes& out, const U256& v) {
  word(out, v.to_bytes32());
}
const Bytes32& typed_claim_typehash() {
  static const Bytes32 t = keccak256(std::string_view(
      "Claim(address identity,uint256 topic,bytes32 payload,uint256 issuedAt,uint256 "
      "validUntil)"));
  return t;
}
}  // namespace

Address identity_factory_address() {
  Address a;
  a.b[0] = 0x57;
  a.b[1] = 0x04;
  a.b[19] = 0x02;
  return a;
}

Bytes32 key_of(const Address& a) {
  const Bytes32 w = a.to_word();
  return keccak256(w.view());
}

Bytes32 claim_id(const Address& issuer, const U256& topic) {
  Bytes enc;
  word(enc, issuer.to_word());
  word(enc, topic);
  return keccak256(BytesView(enc));
}

Bytes32 classic_claim_digest(const Address& identity, const U256& topic, BytesView data) {
  // abi.encode(address, uint256, bytes)
  Bytes enc;
  word(enc, identity.to_word());
  word(enc, topic);
  word(enc, U256(96));
  word(enc, U256(data.size()));
  enc.insert(enc.end(), data.begin(), data.end());
  enc.resize(enc.size() + (32 - data.size() % 32) % 32, 0);
  const Bytes32 h = keccak256(BytesView(enc));
  return crypto::eip191_hash(h.view());
}

Bytes encode_typed_claim_data(const TypedClaimData& d) {
  Bytes out;
  word(out, U256(d.issued_at));
  word(out, U256(d.valid_until));
  word(out, d.payload);
  return out;
}

std::optional<TypedClaimData> decode_typed_claim_data(BytesView data) {
  if (data.size() != 96) return std::nullopt;
  const U256 issued = U256::from_be(data.subspan(0, 32));
  const U256 until = U256::from_be(data.subspan(32, 32));
  if (!issued.fits_u64() || !until.fits_u64()) return std::nullopt;
  TypedClaimData d;
  d.issued_at = issued.low64();
  d.valid_until = until.low64();
  std::copy(data.begin() + 64, data.end(), d.payload.b.begin());
  return d;
}

Bytes32 typed_claim_digest(uint64_t chain_id, const Address& identity, const U256& topic,
                           const TypedClaimData& d) {
  static const Address kFactory = identity_factory_address();
  const Bytes32 domain =
      crypto::eip712_domain_separator("stoa identity claims", "1", chain_id, kFactory);
  Bytes enc;
  word(enc, typed_claim_typehash());
  word(enc, identity.to_word());
  word(enc, topic);
  word(enc, d.payload);
  word(enc, U256(d.issued_at));
  word(enc, U256(d.valid_until));
  return crypto::eip712_digest(domain, keccak256(BytesView(enc)));
}

Revert claim_status_revert(ClaimStatus s, const Address& issuer, const Address& signer,
                           const Bytes32& id, const TypedClaimData& typed, uint64_t now) {
  switch (s) {
    case ClaimStatus::kBadSignature:
      return make_revert(ErrorId::kInvalidSignature);
    case ClaimStatus::kNotClaimKey:
      return make_revert(ErrorId::kClaimSignerNotClaimKey, {issuer, signer});
    case ClaimStatus::kRevoked:
      return make_revert(ErrorId::kClaimRevoked, {issuer, abi::Value::bytes32(id)});
    case ClaimStatus::kKeyRevoked:
      return make_revert(ErrorId::kSignerKeyRevoked, {abi::Value::bytes32(key_of(signer))});
    case ClaimStatus::kExpired:
      return make_revert(ErrorId::kClaimExpired,
                         {U256(typed.valid_until), U256(typed.issued_at), U256(now)});
    case ClaimStatus::kBadScheme:
      return make_revert(ErrorId::kMalformedClaimData);
    case ClaimStatus::kIssuerNotIdentity:
      return make_revert(ErrorId::kNotAnIdentity, {issuer});
    case ClaimStatus::kUntrustedIssuer:
      return make_revert(ErrorId::kIssuerNotTrusted, {issuer});
    case ClaimStatus::kNoIdentity:
    case ClaimStatus::kMissing:
    case ClaimStatus::kValid:
      break;
  }
  return make_revert(ErrorId::kClaimNotFound, {abi::Value::bytes32(id)});
}

// ------------------------------------------------------------------------------ Identity

Identity::Identity(State& state, const Address& self, const Address& management)
    : Contract(state, self) {
  keys_.set(key_of(management), KeyRecord{1u << purpose::kManagement, kKeyTypeEcdsa});
}

bool Identity::key_has_purpose(const Bytes32& key, uint32_t p) const {
  const KeyRecord* k = keys_.find(key);
  if (k == nullptr || p == 0 || p > purpose::kMax) return false;
  return (k->purposes & (1u << purpose::kManagement)) != 0 || (k->purposes & (1u << p)) != 0;
}

std::vector<Bytes32> Identity::keys_by_purpose(uint32_t p) const {
  std::vector<Bytes32> out;
  if (p == 0 || p > purpose::kMax) return out;
  keys_.for_each_sorted([&](const Bytes32& k, const KeyRecord& r) {
    if ((r.purposes & (1u << p)) != 0) out.push_back(k);
  });
  return out;
}

Status Identity::require_purpose(const CallContext& ctx, uint32_t p) const {
  if (ctx.sender == self_ || key_has_purpose(key_of(ctx.sender), p)) return Status::Ok();
  return make_revert(ErrorId::kIdentityUnauthorized, {ctx.sender, U256(p)});
}

Status Identity::add_key(CallContext& ctx, const Bytes32& key, const U256& p, const U256& type) {
  STOA_TRY(require_purpose(ctx, purpose::kManagement));
  if (!p.fits_u64() || p.low64() == 0 || p.low64() > purpose::kMax) {
    return make_revert(ErrorId::kInvalidKeyPurpose, {p});
  }
  if (key.is_zero()) return make_revert(ErrorId::kZeroAddress);
  const uint32_t bit = 1u << p.low64();
  KeyRecord r = keys_.get(key);
  if ((r.purposes & bit) != 0) {
    return make_revert(ErrorId::kKeyAlreadyHasPurpose, {abi::Value::bytes32(key), p});
  }
  if (r.purposes == 0 && keys_.size() >= kMaxKeysPerIdentity) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("keys per identity"), U256(kMaxKeysPerIdentity)});
  }
  r.purposes |= bit;
  r.key_type = type.fits_u64() ? static_cast<uint32_t>(type.low64()) : 0;
  keys_.set(key, r);
  emit(ctx, "KeyAdded", {abi::Value::bytes32(key), p, U256(r.key_type)});
  return Status::Ok();
}

Status Identity::remove_key(CallContext& ctx, const Bytes32& key, const U256& p) {
  STOA_TRY(require_purpose(ctx, purpose::kManagement));
  if (!p.fits_u64() || p.low64() == 0 || p.low64() > purpose::kMax) {
    return make_revert(ErrorId::kInvalidKeyPurpose, {p});
  }
  const uint32_t bit = 1u << p.low64();
  KeyRecord r = keys_.get(key);
  if ((r.purposes & bit) == 0) {
    return make_revert(ErrorId::kKeyDoesNotHavePurpose, {abi::Value::bytes32(key), p});
  }
  r.purposes &= ~bit;
  const uint32_t type = r.key_type;
  keys_.set(key, r.purposes == 0 ? KeyRecord{} : r);
  emit(ctx, "KeyRemoved", {abi::Value::bytes32(key), p, U256(type)});
  return Status::Ok();
}

std::vector<Bytes32> Identity::claim_ids_by_topic(const U256& t) const {
  std::vector<Bytes32> out;
  claims_.for_each_sorted([&](const Bytes32& id, const Claim& c) {
    if (c.topic == t) out.push_back(id);
  });
  return out;
}

ClaimStatus Identity::check_claim(const Address& identity, const U256& t, const U256& scheme,
                                  BytesView sig, BytesView data, uint64_t now, Address* signer,
                                  TypedClaimData* typed_out) const {
  Bytes32 digest;
  std::optional<TypedClaimData> typed;
  if (scheme == U256(kSchemeEcdsa)) {
    digest = classic_claim_digest(identity, t, data);
  } else if (scheme == U256(kSchemeTyped)) {
    typed = decode_typed_claim_data(data);
    if (!typed) return ClaimStatus::kBadScheme;
    if (typed_out != nullptr) *typed_out = *typed;
    digest = typed_claim_digest(state_.chain_id(), identity, t, *typed);
  } else {
    return ClaimStatus::kBadScheme;
  }
  if (sig.size() != 65) return ClaimStatus::kBadSignature;
  if (is_signature_revoked(sig)) return ClaimStatus::kRevoked;  // none before rules V5
  crypto::Signature s;
  std::copy(sig.begin(), sig.begin() + 32, s.r.b.begin());
  std::copy(sig.begin() + 32, sig.begin() + 64, s.s.b.begin());
  const uint8_t v = sig[64];
  if ((v != 27 && v != 28) || !crypto::is_low_s(s.s)) return ClaimStatus::kBadSignature;
  s.recovery_id = static_cast<uint8_t>(v - 27);
  // The claim's hashing (its data and the digest's two) and the signature recovery.
  undo_log()->charge(gas::keccak(data.size()) + 2 * gas::keccak(64) + gas::kEcrecover);
  const std::optional<Address> who = crypto::recover_address(digest, s);
  if (!who) return ClaimStatus::kBadSignature;
  if (signer != nullptr) *signer = *who;
  return check_signer(identity, t, *who, typed ? &*typed : nullptr, now);
}

ClaimStatus Identity::check_signer(const Address& identity, const U256& t, const Address& who,
                                   const TypedClaimData* typed, uint64_t now) const {
  const Bytes32 key = key_of(who);
  if (revoked_keys_.get(key)) return ClaimStatus::kKeyRevoked;
  if (!key_has_purpose(key, purpose::kClaim)) return ClaimStatus::kNotClaimKey;
  Bytes enc;
  word(enc, claim_id(self_, t));
  word(enc, identity.to_word());
  if (const uint64_t* at = revoked_claims_.find(keccak256(BytesView(enc)))) {
    // A typed claim issued after the revocation is a new claim; a classic one has no date.
    if (!typed || typed->issued_at <= *at - 1) return ClaimStatus::kRevoked;
  }
  if (typed && !(typed->issued_at <= now && now < typed->valid_until)) {
    return ClaimStatus::kExpired;
  }
  return ClaimStatus::kValid;
}

bool Identity::is_claim_revoked(const Bytes32& id, const Address& identity) const {
  Bytes enc;
  word(enc, id);
  word(enc, identity.to_word());
  return revoked_claims_.contains(keccak256(BytesView(enc)));
}

Status Identity::revoke_claim(CallContext& ctx, const Bytes32& id, const Address& identity) {
  STOA_TRY(require_purpose(ctx, purpose::kManagement));
  Bytes enc;
  word(enc, id);
  word(enc, identity.to_word());
  revoked_claims_.set(keccak256(BytesView(enc)), ctx.block.timestamp + 1);
  emit(ctx, "ClaimRevoked", {abi::Value::bytes32(id), identity});
  return Status::Ok();
}

// Kept with the (claim id, identity) revocations, under keccak256(signature): a 65-byte
// preimage, where theirs is 64 bytes, so the two kinds of keys cannot meet.
Status Identity::revoke_claim_by_signature(CallContext& ctx, const Bytes& sig) {
  STOA_TRY(require_purpose(ctx, purpose::kManagement));
  revoked_claims_.set(keccak256(BytesView(sig)), ctx.block.timestamp + 1);
  emit(ctx, abi().event_by_signature("ClaimRevoked(bytes)"), {sig});
  return Status::Ok();
}

bool Identity::is_signature_revoked(BytesView sig) const {
  return revoked_claims_.contains(keccak256(sig));
}

Status Identity::revoke_signer_key(CallContext& ctx, const Bytes32& key) {
  STOA_TRY(require_purpose(ctx, purpose::kManagement));
  if (key.is_zero()) return make_revert(ErrorId::kZeroAddress);
  revoked_keys_.set(key, true);
  emit(ctx, "SignerKeyRevoked", {abi::Value::bytes32(key)});
  return Status::Ok();
}

Result<Bytes32> Identity::add_claim(CallContext& ctx, const Claim& c) {
  // The identity's own claim keys (and management keys) may add claims, as ONCHAINID; so may a
  // claim key of the issuer itself, for a claim it signed, if the identity approved the issuer
  // (its address is a claim key here): a stranger's claims cannot fill the identity's limit.
  const auto* issuer = state_.contract_as<Identity>(c.issuer);
  const bool own = ctx.sender == self_ || key_has_purpose(key_of(ctx.sender), purpose::kClaim);
  if (!own) {
    const bool by_issuer =
        issuer != nullptr && issuer->key_has_purpose(key_of(ctx.sender), purpose::kClaim);
    if (!by_issuer) {
      return make_revert(ErrorId::kIdentityUnauthorized, {ctx.sender, U256(purpose::kClaim)});
    }
    // Approved: the issuer is a claim key here, or the caller is one of the ledger's vetted
    // identity deployers (DEPLOYER_ROLE on the IdentityFactory: the operator's KYC intakes).
    const auto* idf = state_.contract_as<IdentityFactory>(identity_factory_address());
    const bool deployer =
        idf != nullptr && idf->access_control()->has_role(roles::deployer(), ctx.sender);
    if (rules::claims_require_key(ctx.block.rules) && !deployer &&
        !key_has_purpose(key_of(c.issuer), purpose::kClaim)) {
      return make_revert(ErrorId::kClaimIssuerNotApproved, {self_, c.issuer});
    }
  }
  return store_claim(ctx, c);
}

Result<Bytes32> Identity::store_claim(CallContext& ctx, const Claim& c) {
  const auto* issuer = state_.contract_as<Identity>(c.issuer);
  if (issuer == nullptr) return make_revert(ErrorId::kNotAnIdentity, {c.issuer});
  if (c.scheme != U256(kSchemeEcdsa) && c.scheme != U256(kSchemeTyped)) {
    return make_revert(ErrorId::kUnsupportedClaimScheme, {c.scheme});
  }
  if (c.signature.size() + c.data.size() + c.uri.size() > kMaxClaimBytes) {
    return make_revert(ErrorId::kLimitExceeded, {std::string("claim bytes"), U256(kMaxClaimBytes)});
  }
  const Bytes32 id = claim_id(c.issuer, c.topic);
  Address signer;
  TypedClaimData typed;
  const ClaimStatus st = issuer->check_claim(self_, c.topic, c.scheme, c.signature, c.data,
                                             ctx.block.timestamp, &signer, &typed);
  if (st != ClaimStatus::kValid) {
    return claim_status_revert(st, c.issuer, signer, id, typed, ctx.block.timestamp);
  }
  const bool existed = claims_.contains(id);
  if (!existed && claims_.size() >= kMaxClaimsPerIdentity) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("claims per identity"), U256(kMaxClaimsPerIdentity)});
  }
  claims_.set(id, c);
  recovered_.set(
      id, Recovered{signer, c.scheme == U256(kSchemeTyped), typed.issued_at, typed.valid_until});
  emit(ctx, existed ? "ClaimChanged" : "ClaimAdded",
       {abi::Value::bytes32(id), c.topic, c.scheme, c.issuer, c.signature, c.data, c.uri});
  return id;
}

Status Identity::remove_claim(CallContext& ctx, const Bytes32& id) {
  const Claim* c = claims_.find(id);
  if (c == nullptr) {
    STOA_TRY(require_purpose(ctx, purpose::kClaim));
    return make_revert(ErrorId::kClaimNotFound, {abi::Value::bytes32(id)});
  }
  const Claim copy = *c;
  const auto* issuer = state_.contract_as<Identity>(copy.issuer);
  const bool by_issuer =
      issuer != nullptr && issuer->key_has_purpose(key_of(ctx.sender), purpose::kClaim);
  if (!by_issuer) STOA_TRY(require_purpose(ctx, purpose::kClaim));
  claims_.set(id, Claim{});
  recovered_.set(id, Recovered{});
  emit(ctx, "ClaimRemoved",
       {abi::Value::bytes32(id), copy.topic, copy.scheme, copy.issuer, copy.signature, copy.data,
        copy.uri});
  return Status::Ok();
}

const auto& Identity::field_list() {
  static constexpr auto kFields =
      std::make_tuple(field(&Identity::keys_, "keys"), field(&Identity::claims_, "claims"),
                      field(&Identity::recovered_, "recovered"),
                      field(&Identity::revoked_claims_, "revoked_claims"),
                      custom(&Identity::encode_tail, &Identity::decode_tail,
                             &Identity::describe_tail, "revoked_keys|executions"));
  return kFields;
}
STOA_DEFINE_FIELDS(Identity)

namespace {
std::tuple<U256, U256, Address, Bytes, Bytes, std::string> claim_tuple(const Claim& c) {
  return {c.topic, c.scheme, c.issuer, c.signature, c.data, c.uri};
}
abi::Value bytes32_list(const std::vector<Bytes32>& v) {
  abi::ValueList out;
  for (const Bytes32& b : v)
    out.push_back(abi::Value::bytes32(b));
  return abi::Value(std::move(out));
}
uint32_t small_purpose(const U256& p) {
  return p.fits_u64() && p.low64() <= purpose::kMax ? static_cast<uint32_t>(p.low64()) : 0;
}
}  // namespace

namespace {
void key_methods(AbiRegistry<Identity>& reg) {
  reg.view("getKey", {"key"}, {{"purposes", "uint256[]"}, "keyType", "key"},
           "ERC-734: the purposes of a key (keccak256(abi.encode(address)) for an ECDSA key).",
           [](Identity& c, const Bytes32& key) -> std::tuple<abi::Value, U256, Bytes32> {
             const Bytes32 k = key;
             const uint32_t bits = c.purposes(k);
             abi::ValueList ps;
             for (uint32_t p = 1; p <= purpose::kMax; ++p) {
               if ((bits & (1u << p)) != 0) ps.emplace_back(U256(p));
             }
             return std::tuple<abi::Value, U256, Bytes32>{abi::Value(std::move(ps)),
                                                          U256(bits == 0 ? 0 : kKeyTypeEcdsa),
                                                          bits == 0 ? Bytes32{} : k};
           });
  reg.view("keyHasPurpose", {"key", "purpose"}, {"exists"},
           "ERC-734: a management key (1) has every purpose.",
           [](Identity& c, const Bytes32& key, const U256& purpose) -> bool {
             return c.key_has_purpose(key, small_purpose(purpose));
           });
  reg.view("getKeysByPurpose", {"purpose"}, {{"keys", "bytes32[]"}},
           "ERC-734: the keys with exactly this purpose, ascending.",
           [](Identity& c, const U256& purpose) -> abi::Value {
             return bytes32_list(c.keys_by_purpose(small_purpose(purpose)));
           });
  reg.call("addKey", {"key", "purpose", "keyType"}, {"success"},
           "ERC-734, management key: 1 management, 2 action, 3 claim, 4 encryption.",
           [](Identity& c, CallContext& ctx, const Bytes32& key, const U256& purpose,
              const U256& keyType) -> Result<bool> {
             STOA_TRY(c.add_key(ctx, key, purpose, keyType));
             return true;
           });
  reg.call(
      "removeKey", {"key", "purpose"}, {"success"}, "ERC-734, management key.",
      [](Identity& c, CallContext& ctx, const Bytes32& key, const U256& purpose) -> Result<bool> {
        STOA_TRY(c.remove_key(ctx, key, purpose));
        return true;
      });
}

void claim_methods(AbiRegistry<Identity>& reg) {
  reg.call("addClaim", {"topic", "scheme", "issuer", "signature", "data", "uri"},
           {"claimRequestId"},
           "ERC-735, claim key of this identity, or claim key of the issuer when the identity "
           "approved the issuer (the issuer's address is a claim key of the identity) or the "
           "caller has DEPLOYER_ROLE on the IdentityFactory: the claim "
           "must be valid now (signed by a claim key of the issuer identity, low-s, not revoked, "
           "within its window).",
           [](Identity& c, CallContext& ctx, const U256& topic, const U256& scheme,
              const Address& issuer, const Bytes& signature, const Bytes& data,
              const std::string& uri) -> Result<Bytes32> {
             Claim cl{topic, scheme, issuer, signature, data, uri};
             Result<Bytes32> r = c.add_claim(ctx, cl);
             if (!r.ok()) return r.take_revert();
             return r.value();
           });
  reg.call("removeClaim", {"claimId"}, {"success"},
           "ERC-735, claim key of this identity or of the claim's issuer.",
           [](Identity& c, CallContext& ctx, const Bytes32& claimId) -> Result<bool> {
             STOA_TRY(c.remove_claim(ctx, claimId));
             return true;
           });
  reg.view(
      "getClaim", {"claimId"}, {"topic", "scheme", "issuer", "signature", "data", "uri"},
      "ERC-735 (all zero for an unknown id).",
      [](Identity& c,
         const Bytes32& claimId) -> std::tuple<U256, U256, Address, Bytes, Bytes, std::string> {
        const Claim* cl = c.claim(claimId);
        return claim_tuple(cl == nullptr ? Claim{} : *cl);
      });
  reg.view("getClaimIdsByTopic", {"topic"}, {{"claimIds", "bytes32[]"}},
           "ERC-735: ascending claim ids.", [](Identity& c, const U256& topic) -> abi::Value {
             return bytes32_list(c.claim_ids_by_topic(topic));
           });
  reg.view("isClaimValid", {"identity", "claimTopic", "scheme", "sig", "data"},
           "As a claim issuer: whether a claim it signed about `identity` is valid now.",
           [](Identity& c, CallContext& ctx, const Address& identity, const U256& claimTopic,
              const U256& scheme, const Bytes& sig, const Bytes& data) -> bool {
             return c.check_claim(identity, claimTopic, scheme, sig, data, ctx.block.timestamp) ==
                    ClaimStatus::kValid;
           });
  reg.call_true(
      "revokeClaim", {"claimId", "identity"},
      "As a claim issuer, management key: revokes its claim `claimId` on `identity` (typed "
      "claims issued later are valid again).",
      [](Identity& c, CallContext& ctx, const Bytes32& claimId, const Address& identity) {
        return c.revoke_claim(ctx, claimId, identity);
      });
  reg.view("isClaimRevoked", {"claimId", "identity"}, "As a claim issuer.",
           [](Identity& c, const Bytes32& claimId, const Address& identity) -> bool {
             return c.is_claim_revoked(claimId, identity);
           });
  reg.call_true(
      "revokeSignerKey", {"key"},
      "As a claim issuer, management key: every claim signed by the key is invalid, for good.",
      [](Identity& c, CallContext& ctx, const Bytes32& key) {
        return c.revoke_signer_key(ctx, key);
      });
}

// ONCHAINID's IIdentity/IClaimIssuer functions stoa lacked before rules V5.
std::vector<MethodSpec> onchainid_methods() {
  AbiRegistry<Identity> reg;
  reg.view("getKeyPurposes", {"key"}, {{"_purposes", "uint256[]"}},
           "ERC-734 (ONCHAINID): the purposes of a key, ascending.",
           [](Identity& c, const Bytes32& key) -> std::vector<U256> {
             std::vector<U256> out;
             const uint32_t bits = c.purposes(key);
             for (uint32_t p = 0; p < 32; ++p) {
               if ((bits >> p) & 1U) out.push_back(U256(p));
             }
             return out;
           });
  reg.view("isClaimValid", {"_identity", "claimTopic", "sig", "data"},
           "ONCHAINID IClaimIssuer: an ECDSA (scheme 1) claim this issuer signed about "
           "`_identity` is valid now.",
           [](Identity& c, CallContext& ctx, const Address& identity, const U256& claimTopic,
              const Bytes& sig, const Bytes& data) -> bool {
             return c.check_claim(identity, claimTopic, U256(kSchemeEcdsa), sig, data,
                                  ctx.block.timestamp) == ClaimStatus::kValid;
           });
  reg.call("revokeClaimBySignature", {"signature"},
           "ONCHAINID IClaimIssuer, management key: every claim carrying this signature is "
           "invalid.",
           [](Identity& c, CallContext& ctx, const Bytes& signature) {
             return c.revoke_claim_by_signature(ctx, signature);
           });
  reg.view("isClaimRevoked", {"_sig"}, "ONCHAINID IClaimIssuer: revoked by signature.",
           [](Identity& c, const Bytes& sig) -> bool { return c.is_signature_revoked(sig); });
  return reg.take();
}

std::vector<EventSpec> onchainid_events() {
  return {{"ClaimRevoked", {{"signature", "bytes", true}}, "ONCHAINID: revokeClaimBySignature."}};
}

std::vector<EventSpec> identity_events() {
  // The ERC-734 key events and the ERC-735 claim events share their parameter lists.
  const std::vector<Param> key_params = {
      {"key", "bytes32", true}, {"purpose", "uint256", true}, {"keyType", "uint256", true}};
  const std::vector<Param> claim_params = {{"claimId", "bytes32", true},
                                           {"topic", "uint256", true},
                                           {"scheme", "uint256"},
                                           {"issuer", "address", true},
                                           {"signature", "bytes"},
                                           {"data", "bytes"},
                                           {"uri", "string"}};
  return {
      {"KeyAdded", key_params, "ERC-734."},
      {"KeyRemoved", key_params, "ERC-734."},
      {"ClaimAdded", claim_params, "ERC-735."},
      {"ClaimChanged", claim_params, "ERC-735."},
      {"ClaimRemoved", claim_params, "ERC-735."},
      {"ClaimRevoked", {{"claimId", "bytes32", true}, {"identity", "address", true}}, ""},
      {"SignerKeyRevoked", {{"key", "bytes32", true}}, ""},
  };
}

std::vector<ErrorId> identity_errors() {
  return {
      ErrorId::kIdentityUnauthorized,
      ErrorId::kKeyAlreadyHasPurpose,
      ErrorId::kKeyDoesNotHavePurpose,
      ErrorId::kInvalidKeyPurpose,
      ErrorId::kClaimNotFound,
      ErrorId::kClaimSignerNotClaimKey,
      ErrorId::kClaimRevoked,
      ErrorId::kClaimExpired,
      ErrorId::kUnsupportedClaimScheme,
      ErrorId::kMalformedClaimData,
      ErrorId::kSignerKeyRevoked,
      ErrorId::kInvalidSignature,
      ErrorId::kNotAnIdentity,
      ErrorId::kLimitExceeded,
      ErrorId::kZeroAddress,
      ErrorId::kClaimIssuerNotApproved,
  };
}
}  // namespace

const ContractAbi& Identity::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<Identity> reg;
    key_methods(reg);
    claim_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    std::vector<EventSpec> e = identity_events();
    std::vector<ErrorId> errs = identity_errors();
    ContractAbi abi("Identity", std::move(m), std::move(e), std::move(errs));
    abi.extend(onchainid_methods(), onchainid_events(), {}, Rules::kV5);  // rules::trex_parity
    extend_with_execution_abi(abi);  // rules V6 (identity_execution.cc)
    return abi;
  }();
  return kAbi;
}

// ------------------------------------------------------------------------------ IdentityFactory

IdentityFactory::IdentityFactory(State& state, const Address& self) : Contract(state, self) {}

void IdentityFactory::grant_operator(const Address& op) {
  STOA_ASSERT(access_.grant_initial(nullptr, *this, roles::default_admin(), op).ok());
  STOA_ASSERT(access_.grant_initial(nullptr, *this, roles::deployer(), op).ok());
}

Result<Address> IdentityFactory::create_identity(CallContext& ctx, const Address& wallet) {
  if (ctx.sender != wallet) STOA_TRY(access_.require(roles::deployer(), ctx.sender));
  if (wallet.is_zero()) return make_revert(ErrorId::kZeroAddress);
  const Address existing = identities_.get(wallet);
  if (!existing.is_zero()) {
    return make_revert(ErrorId::kIdentityAlreadyExists, {wallet, existing});
  }
  auto& id = state_.create<Identity>(
      self_, [&](const Address& a) { return std::make_unique<Identity>(state_, a, wallet); });
  identities_.set(wallet, id.address());
  emit(ctx, "Deployed", {id.address()});
  emit(ctx, "WalletLinked", {wallet, id.address()});
  return id.address();
}

Result<IdentitySet> IdentityFactory::create_identity_registry(CallContext& ctx,
                                                              const Address& token,
                                                              const Address& storage) {
  auto* tok = state_.contract_as<SecurityToken>(token);
  if (tok == nullptr) return make_revert(ErrorId::kUnknownSecurity, {token});
  STOA_TRY(tok->access_control()->require(roles::default_admin(), ctx.sender));
  IdentityRegistryStorage* shared = nullptr;
  if (!storage.is_zero()) {
    shared = state_.contract_as<IdentityRegistryStorage>(storage);
    if (shared == nullptr) return make_revert(ErrorId::kNotAnIdentityRegistry, {storage});
    // Shared only between securities of one issuer: the caller administers the storage's too.
    STOA_TRY(shared->access_control()->require(roles::default_admin(), ctx.sender));
    if (shared->bound().size() >= kMaxBoundRegistries) {
      return make_revert(ErrorId::kLimitExceeded,
                         {std::string("registries per storage"), U256(kMaxBoundRegistries)});
    }
  }
  auto& topics = state_.create<ClaimTopicsRegistry>(self_, [&](const Address& a) {
    return std::make_unique<ClaimTopicsRegistry>(state_, a, token);
  });
  auto& issuers = state_.create<TrustedIssuersRegistry>(self_, [&](const Address& a) {
    return std::make_unique<TrustedIssuersRegistry>(state_, a, token);
  });
  const Contract* created_storage = nullptr;
  if (shared == nullptr) {
    shared = &state_.create<IdentityRegistryStorage>(self_, [&](const Address& a) {
      return std::make_unique<IdentityRegistryStorage>(state_, a, token);
    });
    created_storage = shared;
  }
  IdentityRegistryStorage* st = shared;
  auto& ir = state_.create<IdentityRegistry>(self_, [&](const Address& a) {
    return std::make_unique<IdentityRegistry>(state_, a, token, st, &topics, &issuers);
  });
  for (uint64_t t : required_topics_for_preset(tok->config().preset))
    topics.init_topic(U256(t));
  st->bind(ctx, ir.address());
  // The token's investors are re-keyed by the (possibly shared) storage's identities.
  CallContext admin{ctx.state, ctx.sender, ctx.block, ctx.logs};
  STOA_TRY(tok->set_identity_registry(admin, ir.address()));
  IdentitySet set{ir.address(), st->address(), topics.address(), issuers.address()};
  stacks_.set(token, set);
  // As T-REX's proxies' init (rules V6): a shared storage was initialized when it was created.
  const Contract* ir_contract = &ir;
  for (const Contract* c : {static_cast<const Contract*>(&topics),
                            static_cast<const Contract*>(&issuers), created_storage, ir_contract}) {
    if (c != nullptr) emit_initialized(ctx, *c);
  }
  emit(ctx, "IdentityRegistryCreated",
       {token, set.identity_registry, set.storage, set.claim_topics, set.trusted_issuers});
  return set;
}

Result<KycApplied> IdentityFactory::apply_kyc_event(CallContext& ctx, const KycEvent& ev) {
  auto* issuer = state_.contract_as<Identity>(ev.issuer);
  if (issuer == nullptr) return make_revert(ErrorId::kNotAnIdentity, {ev.issuer});
  if (!issuer->wallet_has_purpose(ctx.sender, purpose::kClaim)) {
    return make_revert(ErrorId::kIdentityUnauthorized, {ctx.sender, U256(purpose::kClaim)});
  }
  auto* tok = state_.contract_as<SecurityToken>(ev.token);
  if (tok == nullptr) return make_revert(ErrorId::kUnknownSecurity, {ev.token});
  IdentityRegistry* ir = tok->identity_registry();
  if (ir == nullptr) return make_revert(ErrorId::kNotAnIdentityRegistry, {ev.token});
  if (ev.wallet.is_zero()) return make_revert(ErrorId::kZeroAddress);
  if (ev.topics.size() > kMaxClaimTopics) {
    return make_revert(ErrorId::kBatchTooLarge,
                       {U256(ev.topics.size()), U256(uint64_t{kMaxClaimTopics})});
  }

  // The record first: an event already applied changes nothing.
  const Address log_addr = kyc_event_log_address(ev.issuer);
  auto* log = state_.contract_as<KycEventLog>(log_addr);
  if (log == nullptr) {
    if (state_.contract(log_addr) != nullptr) {
      return make_revert(ErrorId::kLimitExceeded, {std::string("KYC event log"), U256(0)});
    }
    log = &state_.create<KycEventLog>(ev.issuer, [&](const Address& a) {
      return std::make_unique<KycEventLog>(state_, a, ev.issuer);
    });
    STOA_ASSERT(log->address() == log_addr);
  }
  STOA_TRY(log->record(ctx, ev.key, ev.request_hash));

  KycApplied out;
  const StoredIdentity* stored = ir->storage().find(ev.wallet);
  out.identity = stored != nullptr ? stored->identity : identities_.get(ev.wallet);
  if (ev.approved) {
    if (ev.topics.empty()) return make_revert(ErrorId::kInvalidClaimTopics);
    if (ev.signatures.size() != ev.topics.size()) {
      return make_revert(ErrorId::kBatchLengthMismatch,
                         {U256(ev.topics.size()), U256(ev.signatures.size())});
    }
    for (const U256& t : ev.topics) {
      if (!ir->issuers().has_topic(ev.issuer, t)) {
        return make_revert(ErrorId::kIssuerNotTrusted, {ev.issuer});
      }
    }
    if (out.identity.is_zero()) {
      Result<Address> created = create_identity(ctx, ev.wallet);
      if (!created.ok()) return created.take_revert();
      out.identity = created.value();
    }
    if (stored == nullptr) {
      STOA_TRY(ir->register_identity(ctx, ev.wallet, out.identity, ev.country));
    }
    auto* id = state_.contract_as<Identity>(out.identity);
    if (id == nullptr) return make_revert(ErrorId::kNotAnIdentity, {out.identity});
    // Authorised here, not by the identity's keys: the caller signs for an issuer the security
    // trusts for the topic, about a wallet registered with the security.
    for (size_t i = 0; i < ev.topics.size(); ++i) {
      Result<Bytes32> r = id->store_claim(ctx, Claim{ev.topics[i], U256(kSchemeTyped), ev.issuer,
                                                     ev.signatures[i], ev.claim_data, ev.uri});
      if (!r.ok()) return r.take_revert();
    }
  } else if (!out.identity.is_zero()) {
    auto* id = state_.contract_as<Identity>(out.identity);
    if (id == nullptr) return make_revert(ErrorId::kNotAnIdentity, {out.identity});
    std::vector<U256> topics = ev.topics;
    for (const U256& t : ir->issuers().issuer_topics(ev.issuer)) {
      if (std::find(topics.begin(), topics.end(), t) == topics.end()) topics.push_back(t);
    }
    std::sort(topics.begin(), topics.end());
    const bool can_revoke = issuer->wallet_has_purpose(ctx.sender, purpose::kManagement);
    for (const U256& t : topics) {
      const Bytes32 cid = claim_id(ev.issuer, t);
      if (id->claim(cid) == nullptr) continue;
      STOA_TRY(id->remove_claim(ctx, cid));
      if (can_revoke) STOA_TRY(issuer->revoke_claim(ctx, cid, out.identity));
    }
  }
  if (ev.aml_score && *ev.aml_score > U256(tok->aml_threshold())) {
    STOA_TRY(tok->aml_freeze(ctx, ev.wallet, *ev.aml_score, ev.provider_ref));
    out.frozen = true;
  }
  emit(ctx, "KycEventApplied",
       {abi::Value::bytes32(ev.key), ev.issuer, ev.wallet, abi::Value::bytes32(ev.request_hash),
        ev.approved, out.identity});
  return out;
}

const auto& IdentityFactory::field_list() {
  static constexpr auto kFields = std::make_tuple(
      sub(&IdentityFactory::access_, "access"), field(&IdentityFactory::identities_, "identities"),
      field(&IdentityFactory::stacks_, "stacks"));
  return kFields;
}
STOA_DEFINE_FIELDS(IdentityFactory)

namespace {
void identity_factory_methods(AbiRegistry<IdentityFactory>& reg) {
  reg.call("createIdentity", {"wallet"}, {"identity"},
           "DEPLOYER_ROLE, or the wallet itself: a new Identity whose management key is the "
           "wallet (one per wallet).",
           [](IdentityFactory& c, CallContext& ctx, const Address& wallet) -> Result<Address> {
             Result<Address> r = c.create_identity(ctx, wallet);
             if (!r.ok()) return r.take_revert();
             return r.value();
           });
  reg.view<&IdentityFactory::identity_of>("getIdentity", {"wallet"},
                                          "The identity created for a wallet (zero if none).");
  reg.call("createIdentityRegistry", {"token", "storage"},
           {"identityRegistry", "storage", "claimTopicsRegistry", "trustedIssuersRegistry"},
           "DEFAULT_ADMIN_ROLE of the token: its identity stack, bound to it (eligibility stays "
           "as it was until setEligibilityMode). storage = zero creates a new storage; otherwise "
           "an existing one the caller also administers is shared. Required topics start from the "
           "preset (docs/claim-topics.md).",
           [](IdentityFactory& c, CallContext& ctx, const Address& token,
              const Address& storage) -> Result<std::tuple<Address, Address, Address, Address>> {
             Result<IdentitySet> r = c.create_identity_registry(ctx, token, storage);
             if (!r.ok()) return r.take_revert();
             const IdentitySet& s = r.value();
             return std::tuple<Address, Address, Address, Address>{
                 s.identity_registry, s.storage, s.claim_topics, s.trusted_issuers};
           });
  reg.view("getIdentityRegistry", {"token"},
           {"identityRegistry", "storage", "claimTopicsRegistry", "trustedIssuersRegistry"},
           "The identity stack created for a token (zeros if none).",
           [](IdentityFactory& c,
              const Address& token) -> std::tuple<Address, Address, Address, Address> {
             const IdentitySet* s = c.stack(token);
             IdentitySet z;
             if (s == nullptr) s = &z;
             return std::tuple<Address, Address, Address, Address>{
                 s->identity_registry, s->storage, s->claim_topics, s->trusted_issuers};
           });
}

void kyc_methods(AbiRegistry<IdentityFactory>& reg) {
  reg.call(
      "applyKycEvent",
      {"eventKey", "requestHash", "issuer", "token", "wallet", "approved", "country", "topics",
       "signatures", "claimData", "uri", "hasAmlScore", "amlScore", "providerRef"},
      {"identity", "frozen"},
      "A claim key of `issuer` (the KYC intake, docs/NODE.md): one provider event in one "
      "transaction, all or nothing. Approved: creates the wallet's identity if it has none "
      "(DEPLOYER_ROLE), registers it with `country` if the security's registry does not "
      "have it (COMPLIANCE_ROLE), and adds one typed claim (scheme 712, `claimData`, "
      "`uri`) per topic, each signed in `signatures` — the issuer must be trusted for every "
      "topic by the security. Rejected: removes the issuer's claims of `topics` and of the "
      "topics it is trusted for, revoking them when the caller is also a management key of "
      "the issuer. An AML score above the security's threshold freezes the wallet "
      "(amlFreeze, its role). The event is recorded in the issuer's KycEventLog "
      "(kycEvent); an event key already recorded reverts KycEventAlreadyApplied.",
      [](IdentityFactory& c, CallContext& ctx, const Bytes32& key, const Bytes32& request_hash,
         const Address& issuer, const Address& token, const Address& wallet, bool approved,
         uint16_t country, const std::vector<U256>& topics, const std::vector<Bytes>& signatures,
         const Bytes& claim_data, const std::string& uri, bool has_aml_score, const U256& aml_score,
         const std::string& provider_ref) -> Result<std::tuple<Address, bool>> {
        KycEvent ev;
        ev.key = key;
        ev.request_hash = request_hash;
        ev.issuer = issuer;
        ev.token = token;
        ev.wallet = wallet;
        ev.approved = approved;
        ev.country = country;
        ev.topics = topics;
        ev.signatures = signatures;
        ev.claim_data = claim_data;
        ev.uri = uri;
        if (has_aml_score) ev.aml_score = aml_score;
        ev.provider_ref = provider_ref;
        Result<KycApplied> r = c.apply_kyc_event(ctx, ev);
        if (!r.ok()) return r.take_revert();
        return std::tuple<Address, bool>{r.value().identity, r.value().frozen};
      });
  reg.view("kycEvent", {"issuer", "eventKey"}, {"requestHash", "appliedAt", "blockNumber"},
           "The record of a KYC event the issuer applied (zeros if none, or pruned after "
           "kKycEventRetentionSeconds of block time).",
           [](IdentityFactory& /*c*/, CallContext& ctx, const Address& issuer,
              const Bytes32& eventKey) -> std::tuple<Bytes32, U256, U256> {
             const auto* log = ctx.state.contract_as<KycEventLog>(kyc_event_log_address(issuer));
             const KycEventRecord* r = log == nullptr ? nullptr : log->find(eventKey);
             const KycEventRecord z;
             if (r == nullptr) r = &z;
             return std::tuple<Bytes32, U256, U256>{r->request_hash, U256(r->applied_at),
                                                    U256(r->block_number)};
           });
}

std::vector<EventSpec> identity_factory_events() {
  return {
      {"Deployed", {{"addr", "address", true}}, "ONCHAINID IdFactory."},
      {"WalletLinked",
       {{"wallet", "address", true}, {"identity", "address", true}},
       "ONCHAINID IdFactory."},
      {"KycEventApplied",
       {{"eventKey", "bytes32", true},
        {"issuer", "address", true},
        {"wallet", "address", true},
        {"requestHash", "bytes32"},
        {"approved", "bool"},
        {"identity", "address"}},
       "applyKycEvent: one provider event applied."},
      {"IdentityRegistryCreated",
       {{"token", "address", true},
        {"identityRegistry", "address"},
        {"storage", "address"},
        {"claimTopicsRegistry", "address"},
        {"trustedIssuersRegistry", "address"}},
       ""},
  };
}

std::vector<ErrorId> identity_factory_errors() {
  return {ErrorId::kZeroAddress,          ErrorId::kIdentityAlreadyExists,
          ErrorId::kUnknownSecurity,      ErrorId::kNotAnIdentityRegistry,
          ErrorId::kLimitExceeded,        ErrorId::kNotAnIdentity,
          ErrorId::kIdentityUnauthorized, ErrorId::kIssuerNotTrusted,
          ErrorId::kInvalidClaimTopics,   ErrorId::kBatchLengthMismatch,
          ErrorId::kBatchTooLarge,        ErrorId::kKycEventAlreadyApplied};
}
}  // namespace

const ContractAbi& IdentityFactory::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<IdentityFactory> reg;
    identity_factory_methods(reg);
    kyc_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    for (auto& x : access_control_methods())
      m.push_back(std::move(x));
    std::vector<EventSpec> e = identity_factory_events();
    for (auto& x : access_control_events())
      e.push_back(std::move(x));
    std::vector<ErrorId> errs = identity_factory_errors();
    for (auto x : access_control_errors())
      errs.push_back(x);
    return ContractAbi("IdentityFactory", std::move(m), std::move(e), std::move(errs));
  }();
  return kAbi;
}

}  // namespace stoa::core

namespace stoa::core {

std::unique_ptr<Contract> Identity::decode_state(DecodeContext& ctx, const Address& self,
                                                 StateDecoder& dec) {
  // The constructor's management key is dropped: the encoding lists every key.
  auto id = std::make_unique<Identity>(ctx.state, self, Address{});
  if (!decode_fields(*id, field_list(), ctx, dec)) return nullptr;
  return id;
}

std::unique_ptr<Contract> IdentityFactory::decode_state(DecodeContext& ctx, const Address& self,
                                                        StateDecoder& dec) {
  auto f = std::make_unique<IdentityFactory>(ctx.state, self);
  if (!decode_fields(*f, field_list(), ctx, dec)) return nullptr;
  return f;
}

}  // namespace stoa::core
