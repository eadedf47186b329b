// The system factory: creates a security's contract set (token, registry, transfer restriction,
// whitelist, lockup and jurisdiction modules) at deterministic addresses — the CREATE rule from
// the factory's address and nonce, so tools can predict them — with an offering preset's rules.
#pragma once

#include <string>
#include <vector>

#include "stoa/core/access_control.h"
#include "stoa/core/modules.h"
#include "stoa/core/ordered_map.h"
#include "stoa/core/presets.h"
#include "stoa/core/security_token.h"

namespace stoa::core {

struct SecuritySet {
  Address token;
  Address registry;
  Address restriction;
  Address whitelist_module;
  Address lockup_module;
  Address jurisdiction_module;
  uint8_t preset = 0;
  bool operator==(const SecuritySet&) const = default;
};
inline void delta_put(StateEncoder& e, const SecuritySet& s) {
  for (const Address* a : {&s.token, &s.registry, &s.restriction, &s.whitelist_module,
                           &s.lockup_module, &s.jurisdiction_module})
    e.address(*a);
  e.u8(s.preset);
}
inline void state_get(StateDecoder& d, SecuritySet& s) {
  for (Address* a : {&s.token, &s.registry, &s.restriction, &s.whitelist_module, &s.lockup_module,
                     &s.jurisdiction_module})
    *a = d.address();
  s.preset = d.u8();
}

struct CreateSecurityArgs {
  std::string name;
  std::string symbol;
  uint8_t decimals = 0;
  uint8_t preset = 0;
  Address admin;               // DEFAULT_ADMIN, MINTER, PAUSER, RESTRICTION_ADMIN
  Address compliance_officer;  // COMPLIANCE, PAUSER
};

inline constexpr size_t kMaxSecurities = 100000;  // securities per factory

// A security's name: 1 to 64 bytes without control characters; its symbol: 1 to 11 of
// A-Z 0-9 . - (createSecurity, setName, setSymbol).
bool valid_token_name(std::string_view s);
bool valid_token_symbol(std::string_view s);

class Factory final : public Contract {
 public:
  static constexpr ContractKind kKind = ContractKind::kFactory;
  Factory(State& state, const Address& self);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);
  AccessControl* access_control() const override { return &access_; }

  Result<SecuritySet> create_security(CallContext& ctx, const CreateSecurityArgs& args);
  const std::vector<SecuritySet>& securities() const { return securities_.items(); }
  const SecuritySet* find(const Address& token) const;
  const SecuritySet* find_by_symbol(std::string_view symbol) const;

  void grant_operator(const Address& op);  // genesis

  // A security's token changes its symbol (SecurityToken::set_symbol, rules V6): moves the
  // securityBySymbol entry; SymbolTaken if another security has `to`.
  Status move_symbol(const Address& token, const std::string& from, const std::string& to);

  // The lifecycle contracts (from rules version 5; docs/dividends.md).
  Result<Address> create_payment_token(CallContext& ctx, const std::string& name,
                                       const std::string& symbol, uint8_t decimals,
                                       const Address& admin);
  Result<Address> create_dividend_distributor(CallContext& ctx, const Address& security,
                                              const Address& withholding_account);
  // Multisig administration (from rules version 6; docs/multisig.md): a k-of-n MultisigAdmin,
  // and a security whose admin roles (DEFAULT_ADMIN, MINTER, PAUSER, RESTRICTION_ADMIN,
  // CORPORATE_ACTION, DIVIDEND_ADMIN, DOCUMENT_ADMIN) that multisig holds, not the deployer.
  Result<Address> create_multisig(CallContext& ctx, const std::vector<Address>& owners,
                                  const U256& required);
  Result<SecuritySet> create_security_with_multisig(CallContext& ctx,
                                                    const CreateSecurityArgs& args);

 private:
  static const auto& field_list();  // encoding order (factory.cc)

  // Storage, with stable slot numbers (docs/journal-format.md, "Versions").
  mutable AccessControl access_{undo_log(), Slot{0}, genesis_allows_role_overlap()};  // 0, 1
  // Every security in creation order: appended in O(1), encoded (state images, block deltas) as the
  // list it always was.
  JVector<SecuritySet> securities_{undo_log(), Slot{2}};
  // Indexes (not state: rebuilt when a state image is decoded): a security's position + 1 by token
  // address and by symbol, O(log n) where a scan was.
  JOrderedMap<Address, uint64_t> by_token_{undo_log(), kIndex};
  JOrderedMap<std::string, uint64_t> by_symbol_{undo_log(), kIndex};
};

}  // namespace stoa::core
