#include "stoa/core/payment_token.h"

#include "stoa/core/abi_registry.h"
#include "stoa/core/fields.h"
#include "stoa/core/state.h"

namespace stoa::core {

PaymentToken::PaymentToken(State& state, const Address& self, PaymentTokenConfig config)
    : Contract(state, self), config_(std::move(config)) {}

Status PaymentToken::init_roles(CallContext& ctx, const Address& admin) {
  STOA_TRY(access_.grant_initial(&ctx, *this, roles::default_admin(), admin));
  return access_.grant_initial(&ctx, *this, roles::minter(), admin);
}

Status PaymentToken::move(CallContext& ctx, const Address& from, const Address& to,
                          const U256& amount) {
  if (from.is_zero()) return make_revert(ErrorId::kERC20InvalidSender, {from});
  if (to.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {to});
  const U256 have = balances_.get(from);
  auto left = have.checked_sub(amount);
  if (!left) return make_revert(ErrorId::kERC20InsufficientBalance, {from, have, amount});
  if (from != to) {
    // The sum of balances is the total supply, so a receiver's balance cannot overflow.
    balances_.set(from, *left);
    balances_.set(to, *balances_.get(to).checked_add(amount));
  }
  emit(ctx, "Transfer", {from, to, amount});
  return Status::Ok();
}

Status PaymentToken::transfer(CallContext& ctx, const Address& to, const U256& amount) {
  return move(ctx, ctx.sender, to, amount);
}

Status PaymentToken::approve(CallContext& ctx, const Address& spender, const U256& amount) {
  if (spender.is_zero()) return make_revert(ErrorId::kERC20InvalidSpender, {spender});
  allowances_.set(AddressPair{ctx.sender, spender}, amount);
  emit(ctx, "Approval", {ctx.sender, spender, amount});
  return Status::Ok();
}

Status PaymentToken::pull(CallContext& ctx, const Address& spender, const Address& owner,
                          const Address& to, const U256& amount) {
  const U256 current = allowance(owner, spender);
  if (current != U256::max()) {  // an unlimited allowance is not spent (OpenZeppelin)
    auto left = current.checked_sub(amount);
    if (!left) {
      return make_revert(ErrorId::kERC20InsufficientAllowance, {spender, current, amount});
    }
    allowances_.set(AddressPair{owner, spender}, *left);
  }
  return move(ctx, owner, to, amount);
}

Status PaymentToken::transfer_from(CallContext& ctx, const Address& from, const Address& to,
                                   const U256& amount) {
  return pull(ctx, ctx.sender, from, to, amount);
}

Status PaymentToken::mint(CallContext& ctx, const Address& to, const U256& amount) {
  STOA_TRY(access_.require(roles::minter(), ctx.sender));
  if (to.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {to});
  auto supply = total_supply_.get().checked_add(amount);
  if (!supply) return make_revert(ErrorId::kAmountOverflow, {total_supply_.get(), amount});
  total_supply_.set(*supply);
  balances_.set(to, *balances_.get(to).checked_add(amount));
  emit(ctx, "Transfer", {Address{}, to, amount});
  return Status::Ok();
}

Status PaymentToken::burn(CallContext& ctx, const U256& amount) {
  STOA_TRY(access_.require(roles::minter(), ctx.sender));
  const U256 have = balances_.get(ctx.sender);
  auto left = have.checked_sub(amount);
  if (!left) return make_revert(ErrorId::kERC20InsufficientBalance, {ctx.sender, have, amount});
  balances_.set(ctx.sender, *left);
  total_supply_.set(*total_supply_.get().checked_sub(amount));
  emit(ctx, "Transfer", {ctx.sender, Address{}, amount});
  return Status::Ok();
}

const auto& PaymentToken::field_list() {
  static constexpr auto kFields = std::make_tuple(
      field(&PaymentToken::config_, "config"), sub(&PaymentToken::access_, "access"),
      field(&PaymentToken::balances_, "balances"), field(&PaymentToken::allowances_, "allowances"),
      field(&PaymentToken::total_supply_, "total_supply"));
  return kFields;
}
STOA_DEFINE_FIELDS(PaymentToken)

std::unique_ptr<Contract> PaymentToken::decode_state(DecodeContext& ctx, const Address& self,
                                                     StateDecoder& dec) {
  auto t = std::make_unique<PaymentToken>(ctx.state, self, PaymentTokenConfig{});
  if (!decode_fields(*t, field_list(), ctx, dec)) return nullptr;
  U256 sum;
  bool ok = true;
  t->balances_.for_each_sorted([&](const Address&, const U256& b) {
    auto s = sum.checked_add(b);
    ok = ok && s.has_value();
    if (s) sum = *s;
  });
  if (!ok || sum != t->total_supply_.get()) {
    dec.fail("payment token balances do not sum to its total supply");
    return nullptr;
  }
  return t;
}

namespace {
void payment_token_views(AbiRegistry<PaymentToken>& reg) {
  reg.view("name", {}, "ERC-20: the token's name.",
           [](const PaymentToken& t) -> std::string { return t.config().name; });
  reg.view("symbol", {}, "ERC-20: the token's symbol.",
           [](const PaymentToken& t) -> std::string { return t.config().symbol; });
  reg.view("decimals", {}, "ERC-20: decimals of the display unit (amounts are minor units).",
           [](const PaymentToken& t) -> uint8_t { return t.config().decimals; });
  reg.view<&PaymentToken::total_supply>("totalSupply", {}, "ERC-20: the amount in existence.");
  reg.view<&PaymentToken::balance_of>("balanceOf", {"account"}, "ERC-20: the account's balance.");
  reg.view<&PaymentToken::allowance>("allowance", {"owner", "spender"},
                                     "ERC-20: what `spender` may still move of `owner`'s.");
}

void payment_token_calls(AbiRegistry<PaymentToken>& reg) {
  reg.call_true<&PaymentToken::transfer>("transfer", {"to", "value"},
                                         "ERC-20: moves the caller's funds.");
  reg.call_true<&PaymentToken::approve>(
      "approve", {"spender", "value"},
      "ERC-20: sets what `spender` may move of the caller's (max: unlimited, never spent).");
  reg.call_true<&PaymentToken::transfer_from>("transferFrom", {"from", "to", "value"},
                                              "ERC-20: moves `from`'s funds on an allowance.");
  reg.call_true<&PaymentToken::mint>("mint", {"to", "amount"},
                                     "MINTER_ROLE: creates funds (a deposit of the currency).");
  reg.call_true<&PaymentToken::burn>(
      "burn", {"amount"}, "MINTER_ROLE: destroys funds of the caller's own (a redemption).");
}

std::vector<EventSpec> payment_token_events() {
  return {
      {"Transfer",
       {{"from", "address", true}, {"to", "address", true}, {"value", "uint256"}},
       "ERC-20: funds moved (from zero: minted; to zero: burned)."},
      {"Approval",
       {{"owner", "address", true}, {"spender", "address", true}, {"value", "uint256"}},
       "ERC-20: an allowance was set."},
  };
}
}  // namespace

const ContractAbi& PaymentToken::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<PaymentToken> reg;
    payment_token_views(reg);
    payment_token_calls(reg);
    std::vector<MethodSpec> m = reg.take();
    for (auto& x : access_control_methods())
      m.push_back(std::move(x));
    std::vector<EventSpec> e = payment_token_events();
    for (auto& x : access_control_events())
      e.push_back(std::move(x));
    std::vector<ErrorId> errs = {
        ErrorId::kERC20InsufficientBalance, ErrorId::kERC20InvalidSender,
        ErrorId::kERC20InvalidReceiver,     ErrorId::kERC20InsufficientAllowance,
        ErrorId::kERC20InvalidSpender,      ErrorId::kAmountOverflow};
    for (auto x : access_control_errors())
      errs.push_back(x);
    return ContractAbi("PaymentToken", std::move(m), std::move(e), std::move(errs));
  }();
  return kAbi;
}

}  // namespace stoa::core
