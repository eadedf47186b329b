// Identities (ERC-734 keys, ERC-735 claims; ONCHAINID's model) as native contracts, every
// identity also able to act as a claim issuer (ONCHAINID's ClaimIssuer: isClaimValid, revocation),
// and the IdentityFactory system contract that creates identities and the identity stack
// (IdentityRegistry, IdentityRegistryStorage, ClaimTopicsRegistry, TrustedIssuersRegistry) of a
// security. docs/claim-topics.md has the claim topics and the claim formats.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stoa/core/access_control.h"

namespace stoa::core {

// ERC-734 key purposes.
namespace purpose {
inline constexpr uint32_t kManagement = 1;
inline constexpr uint32_t kAction = 2;
inline constexpr uint32_t kClaim = 3;
inline constexpr uint32_t kEncryption = 4;
inline constexpr uint32_t kMax = 31;
}  // namespace purpose
inline constexpr uint32_t kKeyTypeEcdsa = 1;

// Claim schemes: 1 = ONCHAINID's classic ECDSA form, 712 = the EIP-712 typed form.
inline constexpr uint64_t kSchemeEcdsa = 1;
inline constexpr uint64_t kSchemeTyped = 712;
inline constexpr size_t kMaxClaimsPerIdentity = 64;
inline constexpr size_t kMaxKeysPerIdentity = 64;
inline constexpr size_t kMaxClaimBytes = 4096;  // signature + data + uri of one claim

// keccak256(abi.encode(address)): an ECDSA key as ERC-734 stores it.
Bytes32 key_of(const Address& a);
// keccak256(abi.encode(issuer, topic)): ONCHAINID's claim id.
Bytes32 claim_id(const Address& issuer, const U256& topic);
// The hash the issuer signs in the classic form: EIP-191 over
// keccak256(abi.encode(identity, topic, data)).
Bytes32 classic_claim_digest(const Address& identity, const U256& topic, BytesView data);
// The EIP-712 typed form: domain {name "stoa identity claims", version "1", chainId,
// verifyingContract = the IdentityFactory}; struct
// Claim(address identity,uint256 topic,bytes32 payload,uint256 issuedAt,uint256 validUntil).
struct TypedClaimData {
  uint64_t issued_at = 0;
  uint64_t valid_until = 0;
  Bytes32 payload;
};
Bytes encode_typed_claim_data(const TypedClaimData& d);  // abi.encode(uint256,uint256,bytes32)
std::optional<TypedClaimData> decode_typed_claim_data(BytesView data);
Bytes32 typed_claim_digest(uint64_t chain_id, const Address& identity, const U256& topic,
                           const TypedClaimData& d);
// Address of the IdentityFactory system contract: 0x5704000000000000000000000000000000000002.
Address identity_factory_address();

struct Claim {
  U256 topic;
  U256 scheme;
  Address issuer;
  Bytes signature;
  Bytes data;
  std::string uri;
  bool operator==(const Claim&) const = default;
};
inline void delta_put(StateEncoder& e, const Claim& c) {
  e.u256(c.topic);
  e.u256(c.scheme);
  e.address(c.issuer);
  e.bytes(c.signature);
  e.bytes(c.data);
  e.str(c.uri);
}
inline void state_get(StateDecoder& d, Claim& c) {
  c.topic = d.u256();
  c.scheme = d.u256();
  c.issuer = d.address();
  c.signature = d.bytes();
  c.data = d.bytes();
  c.uri = d.str();
}

// An ONCHAINID execution request (IERC734 execute / approve; rules V6, identity_execution.cc),
// kept while pending: a request that ran, or was rejected, is dropped (its id stays used).
// Its value is always 0 (stoa has no native coin), so it is not stored.
struct Execution {
  Address to;  // never zero (execute refuses it): a zero Execution is an absent one
  Bytes data;
  bool approved = false;
  bool operator==(const Execution&) const = default;
};
inline void delta_put(StateEncoder& e, const Execution& x) {
  e.address(x.to);
  e.bytes(x.data);
  e.u8(x.approved ? 1 : 0);
}
inline void state_get(StateDecoder& d, Execution& x) {
  x.to = d.address();
  x.data = d.bytes();
  x.approved = d.boolean();
}
inline constexpr size_t kMaxPendingExecutions = 32;     // per identity
inline constexpr size_t kMaxExecutionDataBytes = 8192;  // calldata of one request

// Why a claim is or is not valid (IdentityRegistry.claimStatus answers these numbers).
enum class ClaimStatus : uint8_t {
  kValid = 0,
  kNoIdentity = 1,       // the wallet has no registered identity
  kMissing = 2,          // no claim of the topic on the identity
  kUntrustedIssuer = 3,  // the issuer is not trusted for the topic
  kBadSignature = 4,     // malformed, high-s, or not recoverable
  kNotClaimKey = 5,      // signer without claim purpose on the issuer (wrong identity/topic/data)
  kRevoked = 6,          // claim id revoked by the issuer
  kKeyRevoked = 7,       // signer key revoked by the issuer
  kExpired = 8,          // typed claim outside issuedAt <= now < validUntil
  kBadScheme = 9,        // unsupported scheme or malformed typed data
  kIssuerNotIdentity = 10,
};
Revert claim_status_revert(ClaimStatus s, const Address& issuer, const Address& signer,
                           const Bytes32& id, const TypedClaimData& typed, uint64_t now);

class Identity final : public Contract {
 public:
  static constexpr ContractKind kKind = ContractKind::kIdentity;
  // `management` is the first management key's wallet (the investor, or an issuer's operator).
  Identity(State& state, const Address& self, const Address& management);

  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);

  // ERC-734. A management key has every purpose (ONCHAINID).
  bool key_has_purpose(const Bytes32& key, uint32_t purpose) const;
  bool wallet_has_purpose(const Address& a, uint32_t purpose) const {
    return key_has_purpose(key_of(a), purpose);
  }
  uint32_t purposes(const Bytes32& key) const { return keys_.get(key).purposes; }
  std::vector<Bytes32> keys_by_purpose(uint32_t purpose) const;
  Status add_key(CallContext& ctx, const Bytes32& key, const U256& purpose, const U256& key_type);
  Status remove_key(CallContext& ctx, const Bytes32& key, const U256& purpose);

  // ERC-735.
  const Claim* claim(const Bytes32& id) const { return claims_.find(id); }
  std::vector<Bytes32> claim_ids_by_topic(const U256& topic) const;
  // addClaim: the caller must be a claim (or management) key of this identity, or a claim key of
  // the issuer when the identity approved the issuer (rules::claims_require_key); then
  // store_claim.
  Result<Bytes32> add_claim(CallContext& ctx, const Claim& c);
  // Checks the claim (scheme, size, signature valid now, the per-identity limit) and stores it,
  // without asking who calls: for callers that authorised the claim themselves (add_claim, and
  // the KYC intake's applyKycEvent, which requires the issuer to be trusted for the topic by the
  // security the identity is registered with).
  Result<Bytes32> store_claim(CallContext& ctx, const Claim& c);
  Status remove_claim(CallContext& ctx, const Bytes32& id);

  // What a stored claim's signature recovered to when it was added. The ECDSA recovery is a pure
  // function of the claim (identity, topic, data, chain id, signature), so checks of stored
  // claims reuse it; everything that can change — signer key revoked or without claim purpose,
  // claim revoked, issuedAt <= now < validUntil — is checked on every check (check_signer).
  struct Recovered {
    Address signer;
    bool typed = false;
    uint64_t issued_at = 0;
    uint64_t valid_until = 0;
    bool operator==(const Recovered&) const = default;
    friend void delta_put(StateEncoder& e, const Recovered& r) {
      e.address(r.signer);
      e.u8(r.typed ? 1 : 0);
      e.u64(r.issued_at);
      e.u64(r.valid_until);
    }
    friend void state_get(StateDecoder& d, Recovered& r) {
      r.signer = d.address();
      r.typed = d.boolean();
      r.issued_at = d.u64();
      r.valid_until = d.u64();
    }
  };
  const Recovered* recovered(const Bytes32& id) const { return recovered_.find(id); }

  // As a claim issuer: whether a claim this identity issued about `identity` is valid now.
  ClaimStatus check_claim(const Address& identity, const U256& topic, const U256& scheme,
                          BytesView signature, BytesView data, uint64_t now,
                          Address* signer = nullptr, TypedClaimData* typed = nullptr) const;
  // The checks after signature recovery, for a claim `signer` signed (typed: its dates).
  ClaimStatus check_signer(const Address& identity, const U256& topic, const Address& signer,
                           const TypedClaimData* typed, uint64_t now) const;
  Status revoke_claim(CallContext& ctx, const Bytes32& id, const Address& identity);
  Status revoke_signer_key(CallContext& ctx, const Bytes32& key);
  bool is_claim_revoked(const Bytes32& id, const Address& identity) const;
  // ONCHAINID's revocation by signature (rules V5): a claim carrying `sig` is revoked.
  Status revoke_claim_by_signature(CallContext& ctx, const Bytes& sig);
  bool is_signature_revoked(BytesView sig) const;

  // ONCHAINID's execution requests (rules::trex_proxy_parity; identity_execution.cc;
  // docs/identity.md, "Execution requests"). execute records a request (the id: a counter) and,
  // when the caller is a management key, or an action key for a target other than this identity,
  // approves it at once; approve(id, true) by such a key runs it: a nested call from this
  // identity (Executed, or ExecutionFailed with the request kept pending and the target's writes
  // undone); approve(id, false) rejects (drops) it.
  Result<U256> execute(CallContext& ctx, const Address& to, const U256& value, const Bytes& data);
  Result<bool> approve(CallContext& ctx, const U256& id, bool approve);
  uint64_t execution_count() const { return exec_nonce_.get(); }  // ids used
  const Execution* pending_execution(uint64_t id) const { return executions_.find(id); }

 private:
  struct KeyRecord {
    uint32_t purposes = 0;  // bit p set = purpose p
    uint32_t key_type = 0;
    bool operator==(const KeyRecord&) const = default;
    friend void delta_put(StateEncoder& e, const KeyRecord& k) {
      e.u64(k.purposes);
      e.u64(k.key_type);
    }
    friend void state_get(StateDecoder& d, KeyRecord& k) {
      const uint64_t p = d.u64();
      const uint64_t t = d.u64();
      if (p == 0 || p > UINT32_MAX || t > UINT32_MAX) {
        d.fail("identity key with purposes " + std::to_string(p) + ", type " + std::to_string(t));
      }
      k.purposes = static_cast<uint32_t>(p);
      k.key_type = static_cast<uint32_t>(t);
    }
  };
  Status require_purpose(const CallContext& ctx, uint32_t p) const;
  // The revoked keys and, when any request was ever made (the key count's high bit), the
  // execution requests: without one the encoding is what it was before rules V6.
  void encode_tail(StateEncoder& enc) const;
  void decode_tail(StateDecoder& dec);
  void describe_tail(std::vector<FieldInfo>& out) const;

  static const auto& field_list();  // encoding order (identity.cc)

  // Storage, with stable slot numbers (docs/journal-format.md, "Versions").
  JMap<Bytes32, KeyRecord, Bytes32Hash> keys_{undo_log(), Slot{0}};
  JMap<Bytes32, Claim, Bytes32Hash> claims_{undo_log(), Slot{1}};
  JMap<Bytes32, Recovered, Bytes32Hash> recovered_{undo_log(), Slot{2}};  // per claim id
  // keccak256(abi.encode(claimId, identity)) -> revocation time + 1.
  JMap<Bytes32, uint64_t, Bytes32Hash> revoked_claims_{undo_log(), Slot{3}};
  JMap<Bytes32, bool, Bytes32Hash> revoked_keys_{undo_log(), Slot{4}};
  // Execution requests (rules V6): ids used, and the pending requests by id.
  JValue<uint64_t> exec_nonce_{undo_log(), Slot{5}};
  JMap<uint64_t, Execution> executions_{undo_log(), Slot{6}};
  // The requests running now (not state: empty between calls), so that a call a request makes
  // cannot approve it again.
  std::vector<uint64_t> running_;
};

// Identity's execute / approve and their events (rules V6; identity_execution.cc).
void extend_with_execution_abi(ContractAbi& abi);

// The identity stack of one security.
struct IdentitySet {
  Address identity_registry;
  Address storage;
  Address claim_topics;
  Address trusted_issuers;
  bool operator==(const IdentitySet&) const = default;
};
inline void delta_put(StateEncoder& e, const IdentitySet& s) {
  for (const Address* a : {&s.identity_registry, &s.storage, &s.claim_topics, &s.trusted_issuers})
    e.address(*a);
}
inline void state_get(StateDecoder& d, IdentitySet& s) {
  for (Address* a : {&s.identity_registry, &s.storage, &s.claim_topics, &s.trusted_issuers})
    *a = d.address();
}

// One verification result of a KYC provider, applied by IdentityFactory.applyKycEvent in one
// transaction (docs/NODE.md, "KYC intake: idempotency and atomicity").
struct KycEvent {
  Bytes32 key;           // keccak256(provider "\n" eventId)
  Bytes32 request_hash;  // keccak256 of the webhook body
  Address issuer;        // the claim issuer identity; the caller is one of its claim keys
  Address token;         // the security
  Address wallet;
  bool approved = false;
  uint16_t country = 0;           // registration (ISO 3166-1 numeric), if not registered
  std::vector<U256> topics;       // approved: claims to add; rejected: also removed
  std::vector<Bytes> signatures;  // approved: one typed-claim signature per topic
  Bytes claim_data;               // the typed claim data (issuedAt, validUntil, payload)
  std::string uri;                // the claims' uri
  std::optional<U256> aml_score;  // freezes when above the security's threshold
  std::string provider_ref;       // the AmlFreeze reference
};
struct KycApplied {
  Address identity;
  bool frozen = false;
};

class IdentityFactory final : public Contract {
 public:
  static constexpr ContractKind kKind = ContractKind::kIdentityFactory;
  IdentityFactory(State& state, const Address& self);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);
  AccessControl* access_control() const override { return &access_; }

  // DEPLOYER_ROLE here, or the wallet itself: a new identity whose management key is `wallet`.
  Result<Address> create_identity(CallContext& ctx, const Address& wallet);
  Address identity_of(const Address& wallet) const { return identities_.get(wallet); }
  // DEFAULT_ADMIN_ROLE of the token: creates (or, with a storage of another security of the same
  // admin, shares) the identity stack of `token` and binds it to the token. Required topics start
  // from the security's preset (docs/claim-topics.md).
  Result<IdentitySet> create_identity_registry(CallContext& ctx, const Address& token,
                                               const Address& storage);
  const IdentitySet* stack(const Address& token) const { return stacks_.find(token); }
  // A claim key of `ev.issuer`: applies the event — creates the identity (DEPLOYER_ROLE) and
  // registers it (COMPLIANCE_ROLE) if needed, adds the typed claims of an approval (the issuer
  // trusted for each topic by the security) or removes (and, as a management key of the issuer,
  // revokes) the issuer's claims on a rejection, freezes on an AML score above the threshold
  // (amlFreeze's role) — and records the event in the issuer's KycEventLog, all in the calling
  // transaction: any step failing reverts every step.
  Result<KycApplied> apply_kyc_event(CallContext& ctx, const KycEvent& ev);

  void grant_operator(const Address& op);  // genesis

 private:
  static const auto& field_list();  // encoding order (identity.cc)

  // Storage, with stable slot numbers (docs/journal-format.md, "Versions").
  mutable AccessControl access_{undo_log(), Slot{0}, genesis_allows_role_overlap()};  // 0, 1
  JMap<Address, Address, AddressHash> identities_{undo_log(), Slot{2}};  // wallet -> identity
  JMap<Address, IdentitySet, AddressHash> stacks_{undo_log(), Slot{3}};  // token -> stack
};

}  // namespace stoa::core
