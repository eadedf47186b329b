// LP-3100's SecurityToken: ERC-20 (with allowances and ERC-2612 permit), ERC-1404 restriction
// codes, ST-20 verifyTransfer, pause, AccessControl, issuer-only mint and burn. Every movement of
// balance goes through one path: `movement` gathers the facts, `evaluate` asks every rule (the
// same predicate detectTransferRestriction answers), and `apply` updates balances, the holder
// count and the modules' hooks, and emits Transfer.
#pragma once

#include <string>
#include <vector>

#include "stoa/core/access_control.h"
#include "stoa/core/compliance_registry.h"
#include "stoa/core/transfer_restriction.h"

namespace stoa::core {

inline constexpr size_t kMaxNameBytes = 64;
inline constexpr size_t kMaxSymbolBytes = 11;
inline constexpr uint8_t kMaxDecimals = 18;

struct TokenConfig {
  std::string name;
  std::string symbol;
  uint8_t decimals = 0;
  uint8_t preset = 0;
};

class SecurityToken final : public Contract {
 public:
  static constexpr ContractKind kKind = ContractKind::kSecurityToken;
  SecurityToken(State& state, const Address& self, TokenConfig config);

  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);
  AccessControl* access_control() const override { return &access_; }

  // Views.
  const TokenConfig& config() const { return config_; }
  const U256& total_supply() const { return total_supply_.get(); }
  U256 balance_of(const Address& a) const { return balances_.get(a); }
  U256 allowance(const Address& owner, const Address& spender) const {
    return allowances_.get(AddressPair{owner, spender});
  }
  uint64_t nonce(const Address& owner) const { return nonces_.get(owner); }
  uint64_t holder_count() const { return holder_count_.get(); }
  bool paused() const { return paused_.get(); }
  ComplianceRegistry* registry() const { return registry_.get(); }
  TransferRestriction* restriction() const { return restriction_.get(); }
  const Bytes32& domain_separator() const { return domain_separator_; }
  // Holders with their balances, ascending by address.
  std::vector<std::pair<Address, U256>> holders() const;

  // The one compliance predicate.
  Movement movement(MovementKind kind, const Address& from, const Address& to, const U256& amount,
                    uint64_t timestamp) const;
  void evaluate(const Movement& m, RuleSink& sink) const;
  uint8_t detect(const Address& from, const Address& to, const U256& amount,
                 uint64_t timestamp) const;
  struct Explanation {
    uint8_t code = 0;
    Address rule;
    U256 max_amount;  // largest amount that passes every rule for this sender and receiver
  };
  Explanation explain(const Address& from, const Address& to, const U256& amount,
                      uint64_t timestamp) const;
  std::vector<RuleSink::Finding> failing_rules(const Address& from, const Address& to,
                                               const U256& amount, uint64_t timestamp) const;

  // State changes (the caller is ctx.sender).
  Status transfer(CallContext& ctx, const Address& to, const U256& amount);
  Status transfer_from(CallContext& ctx, const Address& from, const Address& to,
                       const U256& amount);
  Status approve(CallContext& ctx, const Address& spender, const U256& amount);
  Status permit(CallContext& ctx, const Address& owner, const Address& spender, const U256& value,
                const U256& deadline, uint8_t v, const Bytes32& r, const Bytes32& s);
  Status mint(CallContext& ctx, const Address& to, const U256& amount);    // MINTER_ROLE
  Status burn(CallContext& ctx, const Address& from, const U256& amount);  // MINTER_ROLE
  Status set_paused(CallContext& ctx, bool paused);                        // PAUSER_ROLE
  Status set_registry(CallContext& ctx, const Address& registry);          // DEFAULT_ADMIN_ROLE
  Status set_restriction(CallContext& ctx, const Address& restriction);    // DEFAULT_ADMIN_ROLE

  // Set-up by the factory.
  void init_parts(ComplianceRegistry* registry, TransferRestriction* restriction) {
    registry_.set(registry);
    restriction_.set(restriction);
  }

 private:
  Status move(CallContext& ctx, const Address& from, const Address& to, const U256& amount);
  void prefetch_transfer(const Address& from, const Address& to) const;
  void apply(CallContext& ctx, const Movement& m);
  void emit_transfer(CallContext& ctx, const Address& from, const Address& to,
                     const U256& amount) const;
  void set_allowance(CallContext& ctx, const Address& owner, const Address& spender,
                     const U256& amount);

  TokenConfig config_;
  Bytes32 domain_separator_;
  mutable AccessControl access_;
  JMap<Address, U256, AddressHash> balances_;
  JMap<AddressPair, U256, AddressPairHash> allowances_;
  JMap<Address, uint64_t, AddressHash> nonces_;
  JValue<U256> total_supply_;
  JValue<uint64_t> holder_count_;
  JValue<bool> paused_;
  JValue<ComplianceRegistry*> registry_;
  JValue<TransferRestriction*> restriction_;
};

}  // namespace stoa::core
