// A plain ERC-20 the factory creates (issue 16, item 1): the cash leg on the ledger — a tokenized
// dollar for tests, demos, dividends and DvP. Name, symbol and decimals; MINTER_ROLE mints to any
// account and burns from its own balance (redemption: holders send to the minter, who burns);
// transfer, approve and transferFrom as OpenZeppelin's ERC20 (ERC-6093 errors). No compliance
// rules: it is money, not a security. docs/dividends.md, "The payment token".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "stoa/core/access_control.h"
#include "stoa/core/contract.h"

namespace stoa::core {

struct PaymentTokenConfig {
  std::string name;
  std::string symbol;
  uint8_t decimals = 0;
  bool operator==(const PaymentTokenConfig&) const = default;
};
inline void delta_put(StateEncoder& e, const PaymentTokenConfig& c) {
  e.str(c.name);
  e.str(c.symbol);
  e.u8(c.decimals);
}
inline void state_get(StateDecoder& d, PaymentTokenConfig& c) {
  c.name = d.str();
  c.symbol = d.str();
  c.decimals = d.u8();
}

class PaymentToken final : public Contract {
 public:
  static constexpr ContractKind kKind = ContractKind::kPaymentToken;
  PaymentToken(State& state, const Address& self, PaymentTokenConfig config);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);
  AccessControl* access_control() const override { return &access_; }

  const PaymentTokenConfig& config() const { return config_; }
  const U256& total_supply() const { return total_supply_.get(); }
  U256 balance_of(const Address& a) const { return balances_.get(a); }
  U256 allowance(const Address& owner, const Address& spender) const {
    return allowances_.get(AddressPair{owner, spender});
  }

  Status transfer(CallContext& ctx, const Address& to, const U256& amount);
  Status approve(CallContext& ctx, const Address& spender, const U256& amount);
  Status transfer_from(CallContext& ctx, const Address& from, const Address& to,
                       const U256& amount);
  Status mint(CallContext& ctx, const Address& to, const U256& amount);  // MINTER_ROLE
  Status burn(CallContext& ctx, const U256& amount);                     // MINTER_ROLE, own

  // For native contracts (no ABI): `spender` (a contract acting for itself) moves `owner`'s
  // funds on its allowance, and a contract moves funds it holds or keeps for others (a dividend
  // round's escrow). Both emit Transfer.
  Status pull(CallContext& ctx, const Address& spender, const Address& owner, const Address& to,
              const U256& amount);
  Status move(CallContext& ctx, const Address& from, const Address& to, const U256& amount);

  // Set-up by the factory.
  Status init_roles(CallContext& ctx, const Address& admin);

 private:
  static const auto& field_list();  // encoding order (payment_token.cc)

  PaymentTokenConfig config_;
  // Storage, with stable slot numbers (docs/journal-format.md, "Versions").
  mutable AccessControl access_{undo_log(), Slot{0}, genesis_allows_role_overlap()};  // 0, 1
  JMap<Address, U256, AddressHash> balances_{undo_log(), Slot{2}};
  JMap<AddressPair, U256, AddressPairHash> allowances_{undo_log(), Slot{3}};
  JValue<U256> total_supply_{undo_log(), Slot{4}};
};

}  // namespace stoa::core
