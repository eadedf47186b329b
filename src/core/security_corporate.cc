// The controller (ERC-1644) and corporate actions (docs/corporate-actions.md): native moves by
// CORPORATE_ACTION_ROLE that need no approval of the holder, each with a reason and a document
// hash: controllerTransfer/forcedTransfer and seizure (forced moves), controllerRedeem and
// redemption (burns), distribution in kind (issuance), and conversion into another security in
// resumable steps over any number of holders.
#include <utility>

#include "stoa/core/abi_registry.h"
#include "stoa/core/payment_token.h"
#include "stoa/core/security_part.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {
Bytes32 action_name(std::string_view ascii) {
  Bytes32 b;
  for (size_t i = 0; i < ascii.size() && i < b.b.size(); ++i)
    b.b[i] = static_cast<uint8_t>(ascii[i]);
  return b;
}

Status check_reason(const std::string& reason, const Bytes32& doc) {
  if (reason.empty() || reason.size() > kMaxReasonBytes || doc.is_zero()) {
    return make_revert(ErrorId::kReasonRequired);
  }
  return Status::Ok();
}

// ERC-1644's data and operatorData carry the action's document hash (32 bytes, non-zero) and its
// reason (UTF-8 text, 1-256 bytes).
Status controller_reason(const Bytes& data, const Bytes& operator_data) {
  if (data.size() != 32) return make_revert(ErrorId::kReasonRequired);
  Bytes32 doc;
  std::copy(data.begin(), data.end(), doc.b.begin());
  return check_reason(std::string(operator_data.begin(), operator_data.end()), doc);
}
}  // namespace

Status SecurityToken::controller_transfer(CallContext& ctx, const Address& from, const Address& to,
                                          const U256& value, const Bytes& data,
                                          const Bytes& operator_data) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  STOA_TRY(require_investors_ready());
  STOA_TRY(controller_reason(data, operator_data));
  STOA_TRY(forced_move(ctx, from, to, value, /*receiver_verified=*/true));
  emit(ctx, "ControllerTransfer", {ctx.sender, from, to, value, data, operator_data});
  return Status::Ok();
}

// A burn by the agent: no rule applies; held shares are not taken; only the shortfall of the
// free balance is unfrozen (as burn and forcedTransfer).
Status SecurityToken::action_burn(CallContext& ctx, const Address& holder, const U256& amount) {
  if (holder.is_zero()) return make_revert(ErrorId::kERC20InvalidSender, {holder});
  Movement m = movement(MovementKind::kBurn, holder, Address{}, amount, ctx.block.timestamp);
  if (m.from_balance < amount) {
    return make_revert(ErrorId::kERC20InsufficientBalance, {holder, m.from_balance, amount});
  }
  STOA_TRY(require_unheld(holder, m.from_balance, amount));
  unfreeze_shortfall(ctx, holder, m.from_balance, amount);
  apply(ctx, m);
  return Status::Ok();
}

Status SecurityToken::controller_redeem(CallContext& ctx, const Address& holder, const U256& value,
                                        const Bytes& data, const Bytes& operator_data) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  STOA_TRY(require_investors_ready());
  STOA_TRY(controller_reason(data, operator_data));
  STOA_TRY(action_burn(ctx, holder, value));
  emit(ctx, "ControllerRedemption", {ctx.sender, holder, value, data, operator_data});
  return Status::Ok();
}

// Seizure: to a custodian (a court's or regulator's wallet), who need not be a verified investor.
Status SecurityToken::seize(CallContext& ctx, const Address& from, const Address& custodian,
                            const U256& amount, const std::string& reason, const Bytes32& doc) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  STOA_TRY(require_investors_ready());
  STOA_TRY(check_reason(reason, doc));
  STOA_TRY(forced_move(ctx, from, custodian, amount, /*receiver_verified=*/false));
  emit(ctx, "CorporateAction",
       {abi::Value::bytes32(action_name("SEIZURE")), ctx.sender, reason, abi::Value::bytes32(doc)});
  return Status::Ok();
}

Status SecurityToken::redeem_holders(CallContext& ctx, const std::vector<Address>& holders,
                                     const std::vector<U256>& amounts, const std::string& reason,
                                     const Bytes32& doc) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  STOA_TRY(require_investors_ready());
  STOA_TRY(check_reason(reason, doc));
  STOA_TRY(for_each_leg(ctx, {holders.size(), amounts.size()},
                        [&](size_t i) { return action_burn(ctx, holders[i], amounts[i]); }));
  emit(ctx, "CorporateAction",
       {abi::Value::bytes32(action_name("REDEMPTION")), ctx.sender, reason,
        abi::Value::bytes32(doc)});
  return Status::Ok();
}

namespace {
// The escrow of redemption payments: keccak256("stoa.redemption.escrow" ‖ token)[12:] (no key
// can sign for it). It holds funds only inside one call: funded, then emptied exactly.
Address redemption_escrow(UndoLog* j, const Address& token) {
  Bytes in;
  const std::string_view tag = "stoa.redemption.escrow";
  in.insert(in.end(), tag.begin(), tag.end());
  in.insert(in.end(), token.b.begin(), token.b.end());
  j->charge(gas::keccak(in.size()));
  return Address::from_word(keccak256(in));
}

// Σ amounts × price, or AmountOverflow.
Result<U256> redemption_total(const std::vector<U256>& amounts, const U256& price) {
  U256 total;
  for (const U256& a : amounts) {
    auto pay = a.checked_mul(price);
    auto sum = pay ? total.checked_add(*pay) : std::nullopt;
    if (!sum) return make_revert(ErrorId::kAmountOverflow, {a, price});
    total = *sum;
  }
  return total;
}
}  // namespace

Status SecurityToken::redeem_holders_for_payment(CallContext& ctx,
                                                 const std::vector<Address>& holders,
                                                 const std::vector<U256>& amounts,
                                                 const Address& payment_token, const U256& price,
                                                 const std::string& reason, const Bytes32& doc) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  STOA_TRY(require_investors_ready());
  STOA_TRY(check_reason(reason, doc));
  auto* cash = state_.contract_as<PaymentToken>(payment_token);
  if (cash == nullptr) return make_revert(ErrorId::kNotAPaymentToken, {payment_token});
  if (price.is_zero()) return make_revert(ErrorId::kZeroAmount);
  auto total = redemption_total(amounts, price);
  if (!total.ok()) return total.take_revert();
  // The funding: exactly the total, from the caller's allowance to this token.
  const Address escrow = redemption_escrow(undo_log(), self_);
  const U256 before = cash->balance_of(escrow);
  STOA_TRY(cash->pull(ctx, self_, ctx.sender, escrow, total.value()));
  Status legs = for_each_leg(ctx, {holders.size(), amounts.size()}, [&](size_t i) -> Status {
    STOA_TRY(action_burn(ctx, holders[i], amounts[i]));
    const U256 paid = *amounts[i].checked_mul(price);  // checked in redemption_total
    STOA_TRY(cash->move(ctx, escrow, holders[i], paid));
    emit(ctx, "RedemptionPaid", {holders[i], payment_token, amounts[i], paid});
    return Status::Ok();
  });
  if (!legs.ok()) return legs.take_revert();
  STOA_ASSERT(cash->balance_of(escrow) == before);  // Σ paid = the funding, exactly
  emit(ctx, "CorporateAction",
       {abi::Value::bytes32(action_name("REDEMPTION")), ctx.sender, reason,
        abi::Value::bytes32(doc)});
  return Status::Ok();
}

void SecurityToken::mint_by_action(CallContext& ctx, const Address& to, const U256& amount) {
  apply(ctx, movement(MovementKind::kMint, Address{}, to, amount, ctx.block.timestamp));
}

Status SecurityToken::distribute_in_kind(CallContext& ctx, const std::vector<Address>& holders,
                                         const std::vector<U256>& amounts,
                                         const std::string& reason, const Bytes32& doc) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  STOA_TRY(require_investors_ready());
  STOA_TRY(check_reason(reason, doc));
  STOA_TRY(for_each_leg(ctx, {holders.size(), amounts.size()}, [&](size_t i) -> Status {
    if (holders[i].is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {holders[i]});
    if (!total_supply_.get().checked_add(amounts[i])) {
      return make_revert(ErrorId::kAmountOverflow, {total_supply_.get(), amounts[i]});
    }
    mint_by_action(ctx, holders[i], amounts[i]);
    return Status::Ok();
  }));
  emit(ctx, "CorporateAction",
       {abi::Value::bytes32(action_name("DISTRIBUTION")), ctx.sender, reason,
        abi::Value::bytes32(doc)});
  return Status::Ok();
}

Result<bool> SecurityToken::start_conversion(CallContext& ctx, const Address& target,
                                             const U256& numerator, const U256& denominator,
                                             const std::string& reason, const Bytes32& doc) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  STOA_TRY(require_investors_ready());
  STOA_TRY(check_reason(reason, doc));
  const std::optional<U256> product = total_supply_.get().checked_mul(numerator);
  if (numerator.is_zero() || denominator.is_zero() || !product) {
    return make_revert(ErrorId::kInvalidRatio, {numerator, denominator});
  }
  auto* b = state_.contract_as<SecurityToken>(target);
  if (b == nullptr || b == this || !b->require_investors_ready().ok() ||
      !b->access_.has_role(roles::corporate_action(), ctx.sender)) {
    return make_revert(ErrorId::kInvalidConversionTarget, {target});
  }
  const U256 issued = *product->checked_div(denominator);  // at most what the holders receive
  if (!b->total_supply().checked_add(issued)) {
    return make_revert(ErrorId::kAmountOverflow, {b->total_supply(), issued});
  }
  if (held_total_.size() != 0) {
    const Address h = held_total_.smallest_keys_after(Address{}, 1).front();
    return make_revert(ErrorId::kHoldsOutstanding, {h, held_total_.get(h)});
  }
  conversion_.set(Conversion{target, numerator, denominator, U256(0), 0, doc});
  emit(ctx, "CorporateAction",
       {abi::Value::bytes32(action_name("CONVERSION")), ctx.sender, reason,
        abi::Value::bytes32(doc)});
  emit(ctx, "ConversionStarted", {target, numerator, denominator});
  return conversion_step(ctx);
}

Result<bool> SecurityToken::continue_conversion(CallContext& ctx) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  if (!conversion_pending()) return true;
  return conversion_step(ctx);
}

// Up to kConversionStep holders, smallest addresses first: each one's whole balance is burnt
// (frozen amounts with it) and floor(balance × numerator / denominator) of the target issued to
// it; the fraction floored off is recorded (ConversionFraction) and summed for cash in lieu.
// Converted holders leave the balance table, so every step starts from the smallest address.
bool SecurityToken::conversion_step(CallContext& ctx) {
  Conversion c = conversion_.get();
  auto* b = state_.contract_as<SecurityToken>(c.target);
  STOA_ASSERT(b != nullptr);  // checked at the start; contracts are never removed
  const std::vector<Address> holders = balances_.smallest_keys_after(Address{}, kConversionStep);
  for (const Address& h : holders) {
    normalize(h);  // at the current split epoch: a reverse split may have left it at 0
    const U256 amount = balances_.get(h);
    if (amount.is_zero()) continue;
    const U256 frozen = frozen_tokens_.get(h);
    if (!frozen.is_zero()) {
      frozen_tokens_.set(h, U256(0));
      emit(ctx, "TokensUnfrozen", {h, frozen});
    }
    apply(ctx, movement(MovementKind::kBurn, h, Address{}, amount, ctx.block.timestamp));
    const U256 product = *amount.checked_mul(c.numerator);  // checked: supply × numerator fits
    const U256 minted = *product.checked_div(c.denominator);
    const U256 fraction = *product.checked_mod(c.denominator);
    if (!minted.is_zero()) b->mint_by_action(ctx, h, minted);
    if (!fraction.is_zero()) {
      c.fractions = *c.fractions.checked_add(fraction);
      emit(ctx, "ConversionFraction", {h, fraction});
    }
    ++c.holders;
  }
  if (holders.size() == kConversionStep) {
    conversion_.set(c);
    return false;
  }
  conversion_.set(Conversion{});
  retired_.set(true);
  emit(ctx, "ConversionFinished", {c.target, U256(c.holders), c.fractions});
  return true;
}

std::vector<MethodSpec> corporate_methods() {
  AbiRegistry<SecurityToken> reg;
  reg.view("isControllable", {}, "ERC-1644: always true (CORPORATE_ACTION_ROLE is the controller).",
           [](SecurityToken& /*c*/) -> bool { return true; });
  reg.call<&SecurityToken::controller_transfer>(
      "controllerTransfer", {"_from", "_to", "_value", "_data", "_operatorData"},
      "ERC-1644, CORPORATE_ACTION_ROLE: forcedTransfer's native move (no holder approval); _data "
      "is the document hash (32 bytes, non-zero), _operatorData the reason (text, 1-256 bytes).");
  reg.call<&SecurityToken::controller_redeem>(
      "controllerRedeem", {"_tokenHolder", "_value", "_data", "_operatorData"},
      "ERC-1644, CORPORATE_ACTION_ROLE: a burn without the holder's approval; _data and "
      "_operatorData as controllerTransfer's.");
  reg.call<&SecurityToken::seize>(
      "seize", {"from", "custodian", "amount", "reason", "documentRef"},
      "CORPORATE_ACTION_ROLE: seizure to a custodian wallet (who need not be an investor); a "
      "forced move otherwise.");
  reg.call<&SecurityToken::redeem_holders>(
      "redeemHolders", {"holders", "amounts", "reason", "documentRef"},
      "CORPORATE_ACTION_ROLE: redemption (burn) of each holder's amount, all or nothing; the "
      "payment leg is settled outside this call (docs/corporate-actions.md).");
  reg.call<&SecurityToken::distribute_in_kind>(
      "distributeInKind", {"holders", "amounts", "reason", "documentRef"},
      "CORPORATE_ACTION_ROLE: a distribution in kind (issuance to each holder), all or nothing; "
      "no transfer rule applies.");
  reg.call<&SecurityToken::start_conversion>(
      "startConversion", {"target", "numerator", "denominator", "reason", "documentRef"},
      {"finished"},
      "CORPORATE_ACTION_ROLE here and on the target: every holder's shares become "
      "floor(balance × numerator / denominator) of the target, this security is retired; runs "
      "the first 1,000 holders and returns whether it finished (else continueConversion).");
  reg.call<&SecurityToken::continue_conversion>(
      "continueConversion", {}, {"finished"},
      "CORPORATE_ACTION_ROLE: the next 1,000 holders of a pending conversion; true once it is "
      "finished (or none is pending).");
  reg.view("conversionStatus", {},
           {"target", "numerator", "denominator", "holdersConverted", "fractions", "pending"},
           "The conversion under way (zeros if none); fractions are in 1/denominator units of "
           "the target.",
           [](SecurityToken& c) -> std::tuple<Address, U256, U256, U256, U256, bool> {
             const Conversion& v = c.conversion();
             return {v.target,        v.numerator, v.denominator,
                     U256(v.holders), v.fractions, c.conversion_pending()};
           });
  reg.view<&SecurityToken::retired>("isRetired", {},
                                    "A conversion retired the security: it has no holders.");
  return reg.take();
}

std::vector<EventSpec> corporate_events() {
  return {
      {"ControllerTransfer",
       {{"_controller", "address"},
        {"_from", "address", true},
        {"_to", "address", true},
        {"_value", "uint256"},
        {"_data", "bytes"},
        {"_operatorData", "bytes"}},
       "ERC-1644 (next to its Transfer)."},
      {"ControllerRedemption",
       {{"_controller", "address"},
        {"_tokenHolder", "address", true},
        {"_value", "uint256"},
        {"_data", "bytes"},
        {"_operatorData", "bytes"}},
       "ERC-1644 (next to its Transfer to zero)."},
      {"CorporateAction",
       {{"action", "bytes32", true},
        {"operator", "address", true},
        {"reason", "string"},
        {"documentRef", "bytes32"}},
       "A corporate action (SEIZURE, REDEMPTION, DISTRIBUTION, CONVERSION) with its reason and "
       "document hash; its movements are the Transfer events next to it."},
      {"ConversionStarted",
       {{"target", "address", true}, {"numerator", "uint256"}, {"denominator", "uint256"}},
       ""},
      {"ConversionFraction",
       {{"holder", "address", true}, {"fraction", "uint256"}},
       "The part of a target share floored off a holder's conversion, in 1/denominator units "
       "(owed as cash in lieu)."},
      {"ConversionFinished",
       {{"target", "address", true}, {"holders", "uint256"}, {"fractions", "uint256"}},
       "Every holder is converted; this security is retired."},
  };
}

void extend_with_redemption_payment_abi(ContractAbi& abi) {
  AbiRegistry<SecurityToken> reg;
  reg.call<&SecurityToken::redeem_holders_for_payment>(
      "redeemHoldersForPayment",
      {"holders", "amounts", "paymentToken", "price", "reason", "documentRef"},
      "CORPORATE_ACTION_ROLE: redemption paid in a payment token, all or nothing: the caller's "
      "allowance to this token funds an escrow with exactly Σ amounts × price, and each holder's "
      "burn is paid amount × price (price per smallest unit: no rounding) in the same call "
      "(docs/corporate-actions.md).");
  abi.extend(reg.take(),
             {{"RedemptionPaid",
               {{"holder", "address", true},
                {"paymentToken", "address", true},
                {"shares", "uint256"},
                {"paid", "uint256"}},
               "A holder's redeemed shares and what it was paid (next to the Transfer events)."}},
             {ErrorId::kNotAPaymentToken, ErrorId::kZeroAmount, ErrorId::kAmountOverflow},
             Rules::kV6);  // rules::multisig_admin
}

}  // namespace stoa::core
