// ERC-3643's registries: ClaimTopicsRegistry (the claim topics a security requires),
// TrustedIssuersRegistry (the issuers and the topics each may sign), IdentityRegistryStorage
// (wallet -> identity, country; shareable by several securities of one issuer) and
// IdentityRegistry (isVerified). Each is a part of one security and guarded by its token's roles.
#pragma once

#include <vector>

#include "stoa/core/identity.h"
#include "stoa/core/security_part.h"

namespace stoa::core {

class SecurityToken;
class IdentityRegistry;

// Claim topics (docs/claim-topics.md).
namespace topic {
inline constexpr uint64_t kKyc = 1;
inline constexpr uint64_t kAml = 2;
inline constexpr uint64_t kAccreditedVerified = 3;
inline constexpr uint64_t kAccreditedSelf = 4;
inline constexpr uint64_t kQib = 5;
inline constexpr uint64_t kAffiliate = 6;
inline constexpr uint64_t kNonUsPerson = 7;
inline constexpr uint64_t kSophisticated = 8;
inline constexpr uint64_t kRegCfSubscriber = 9;
inline constexpr uint64_t kJurisdiction = 13;
}  // namespace topic
// The required topics an identity stack starts with, per offering preset (docs/claim-topics.md).
std::vector<uint64_t> required_topics_for_preset(uint8_t preset);

inline constexpr size_t kMaxClaimTopics = 15;     // required topics, and topics per issuer
inline constexpr size_t kMaxTrustedIssuers = 50;  // per registry
inline constexpr size_t kMaxBoundRegistries = 64;

class ClaimTopicsRegistry final : public SecurityPart {
 public:
  static constexpr ContractKind kKind = ContractKind::kClaimTopicsRegistry;
  ClaimTopicsRegistry(State& state, const Address& self, const Address& security);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);

  const std::vector<U256>& topics() const { return topics_.get(); }
  Status add_topic(CallContext& ctx, const U256& t);     // DEFAULT_ADMIN_ROLE
  Status remove_topic(CallContext& ctx, const U256& t);  // DEFAULT_ADMIN_ROLE
  void init_topic(const U256& t);

 private:
  static const auto& field_list();  // encoding order (identity_registry.cc)
  JValue<std::vector<U256>> topics_{undo_log(), Slot{0}};
};

class TrustedIssuersRegistry final : public SecurityPart {
 public:
  static constexpr ContractKind kKind = ContractKind::kTrustedIssuersRegistry;
  TrustedIssuersRegistry(State& state, const Address& self, const Address& security);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);

  const std::vector<U256>& issuer_topics(const Address& issuer) const;
  bool is_trusted(const Address& issuer) const { return issuers_.contains(issuer); }
  bool has_topic(const Address& issuer, const U256& t) const;
  std::vector<Address> issuers() const { return issuers_.sorted_keys(); }
  std::vector<Address> issuers_for_topic(const U256& t) const;
  Status add_issuer(CallContext& ctx, const Address& issuer, const std::vector<U256>& topics);
  Status remove_issuer(CallContext& ctx, const Address& issuer);
  Status update_issuer(CallContext& ctx, const Address& issuer, const std::vector<U256>& topics);

 private:
  Status check_topics(const std::vector<U256>& topics) const;
  static const auto& field_list();  // encoding order (identity_registry.cc)
  JMap<Address, std::vector<U256>, AddressHash> issuers_{undo_log(), Slot{0}};
};

struct StoredIdentity {
  Address identity;
  uint16_t country = 0;  // ISO 3166-1 numeric, as ERC-3643
  bool operator==(const StoredIdentity&) const = default;
};
inline void delta_put(StateEncoder& e, const StoredIdentity& s) {
  e.address(s.identity);
  e.u64(s.country);
}
inline void state_get(StateDecoder& d, StoredIdentity& s) {
  s.identity = d.address();
  const uint64_t country = d.u64();
  if (country > UINT16_MAX) d.fail("country " + std::to_string(country) + " > 65535");
  s.country = static_cast<uint16_t>(country);
}

class IdentityRegistryStorage final : public SecurityPart {
 public:
  static constexpr ContractKind kKind = ContractKind::kIdentityRegistryStorage;
  IdentityRegistryStorage(State& state, const Address& self, const Address& security);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);

  const StoredIdentity* find(const Address& wallet) const { return entries_.find(wallet); }
  Address identity_of(const Address& wallet) const { return entries_.get(wallet).identity; }
  const std::vector<Address>& bound() const { return bound_.get(); }
  // Writes by a bound registry; every token of every bound registry re-counts its investors.
  void write(CallContext& ctx, const Address& wallet, const StoredIdentity& e);
  void bind(CallContext& ctx, const Address& registry);
  Status unbind(CallContext& ctx, const Address& registry);  // DEFAULT_ADMIN_ROLE
  // T-REX's storage agent functions (rules V5; COMPLIANCE_ROLE, the registry agent), and
  // bindIdentityRegistry (DEFAULT_ADMIN_ROLE: an IdentityRegistry that uses this storage).
  Status agent_add(CallContext& ctx, const Address& wallet, const Address& identity,
                   uint16_t country);
  Status agent_modify_identity(CallContext& ctx, const Address& wallet, const Address& identity);
  Status agent_modify_country(CallContext& ctx, const Address& wallet, uint16_t country);
  Status agent_remove(CallContext& ctx, const Address& wallet);
  Status bind_checked(CallContext& ctx, const Address& registry);

 private:
  // Rules V5: the ISO 3166 numeric country written here is also the wallet's alpha-2
  // jurisdiction in the ComplianceRegistry of every bound registry's security.
  void sync_jurisdiction(CallContext& ctx, const Address& wallet, uint16_t country);
  static const auto& field_list();  // encoding order (identity_registry.cc)
  JMap<Address, StoredIdentity, AddressHash> entries_{undo_log(), Slot{0}};
  JValue<std::vector<Address>> bound_{undo_log(), Slot{1}};
};

class IdentityRegistry final : public SecurityPart {
 public:
  static constexpr ContractKind kKind = ContractKind::kIdentityRegistry;
  IdentityRegistry(State& state, const Address& self, const Address& security,
                   IdentityRegistryStorage* storage, ClaimTopicsRegistry* topics,
                   TrustedIssuersRegistry* issuers);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);

  IdentityRegistryStorage& storage() const { return *storage_; }
  ClaimTopicsRegistry& topics() const { return *topics_; }
  TrustedIssuersRegistry& issuers() const { return *issuers_; }
  Address identity_of(const Address& wallet) const { return storage_->identity_of(wallet); }

  // Whether a claim of `t` on the wallet's identity is valid from a trusted issuer.
  ClaimStatus claim_status(const Address& wallet, const U256& t, uint64_t now) const;
  bool is_verified(const Address& wallet, uint64_t now) const;
  // 0 none, 1 accredited (topic 3, or 4 if self-certification is accepted), 2 QIB (topic 5).
  uint8_t accreditation(const Address& wallet, uint64_t now, bool accept_self) const;

  // COMPLIANCE_ROLE (the ERC-3643 registry agent).
  Status register_identity(CallContext& ctx, const Address& wallet, const Address& identity,
                           uint16_t country);
  Status delete_identity(CallContext& ctx, const Address& wallet);
  Status update_identity(CallContext& ctx, const Address& wallet, const Address& identity);
  Status update_country(CallContext& ctx, const Address& wallet, uint16_t country);
  // Without the role check: recovery by the token.
  Status register_unchecked(CallContext& ctx, const Address& wallet, const Address& identity,
                            uint16_t country);
  void delete_unchecked(CallContext& ctx, const Address& wallet);

 private:
  static const auto& field_list();  // encoding order (identity_registry.cc)
  // Fixed when the registry is made (no journaled container).
  IdentityRegistryStorage* storage_;
  ClaimTopicsRegistry* topics_;
  TrustedIssuersRegistry* issuers_;
};

// The T-REX v4 functions of the registries stoa lacked (rules V5; identity_registry_trex.cc).
void extend_with_ownable_abi(ContractAbi& abi);  // ClaimTopicsRegistry, TrustedIssuersRegistry
void extend_storage_with_trex_abi(ContractAbi& abi);
void extend_registry_with_trex_abi(ContractAbi& abi);

}  // namespace stoa::core
