#include "stoa/core/transfer_restriction.h"

#include "stoa/core/abi_registry.h"
#include "stoa/core/access_control.h"
#include "stoa/core/codes.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {
TransferRestriction::TransferRestriction(State& state, const Address& self, const Address& security)
    : SecurityPart(state, self, security) {}

// Holders are investors (PRODUCT: an identity with several wallets is one holder): the token
// fills the investor of each side (the wallet itself when it has no identity) and its balance
// summed over its wallets.
uint64_t TransferRestriction::holders_after(const Movement& m) {
  uint64_t n = m.investor_count;
  if (m.amount.is_zero() || m.from_investor == m.to_investor) return n;
  const bool receiver_new = !m.to.is_zero() && m.to_investor_balance.is_zero();
  const bool sender_exits = !m.from.is_zero() && m.from_investor_balance == m.amount;
  if (receiver_new) ++n;
  if (sender_exits) --n;
  return n;
}

// The holder cap applies to deliveries (a new holder arrives), the per-transfer cap to a holder's
// own moves; the agent's moves are not refused, though the token's counts still follow them.
void TransferRestriction::evaluate(const Movement& m, RuleSink& sink) const {
  const uint64_t cap = max_holders_.get();
  if (cap != 0 && m.receiver_checked() && !m.to.is_zero() && m.to_investor_balance.is_zero() &&
      !m.amount.is_zero() && m.from_investor != m.to_investor && holders_after(m) > cap &&
      sink.fail(code::kMaxHoldersReached, self_)) {
    return;
  }
  const U256& max = max_amount_.get();
  if (m.sender_checked() && !max.is_zero() && m.amount > max) {
    sink.fail(code::kTransferAmountExceeded, self_);
  }
}

Status TransferRestriction::set_max_holders(CallContext& ctx, const U256& n) {
  STOA_TRY(require_role(ctx, roles::restriction_admin()));
  if (!n.fits_u64()) {
    return make_revert(ErrorId::kLimitExceeded, {std::string("max holders"), U256(~0ULL)});
  }
  max_holders_.set(n.low64());
  emit(ctx, "MaxHoldersSet", {n});
  return Status::Ok();
}

Status TransferRestriction::set_max_transfer_amount(CallContext& ctx, const U256& amount) {
  STOA_TRY(require_role(ctx, roles::restriction_admin()));
  max_amount_.set(amount);
  emit(ctx, "MaxTransferAmountSet", {amount});
  return Status::Ok();
}

void TransferRestriction::rescale_max_transfer_amount(CallContext& ctx, const U256& amount) {
  max_amount_.set(amount);
  emit(ctx, "MaxTransferAmountSet", {amount});
}

const auto& TransferRestriction::field_list() {
  static constexpr auto kFields =
      std::make_tuple(field(&TransferRestriction::security_, "security"),
                      field(&TransferRestriction::max_holders_, "max_holders"),
                      field(&TransferRestriction::max_amount_, "max_amount"));
  return kFields;
}
STOA_DEFINE_FIELDS(TransferRestriction)

namespace {
void cap_methods(AbiRegistry<TransferRestriction>& reg) {
  reg.view("maxHolders", {}, "Cap on distinct holders (code 32); 0 = none.",
           [](TransferRestriction& c) -> U256 { return U256(c.max_holders()); });
  reg.view<&TransferRestriction::max_transfer_amount>(
      "maxTransferAmount", {}, "Cap on one transfer's amount (code 33); 0 = none.");
  reg.view("holderCount", {}, "Distinct accounts with a non-zero balance (kept by the token).",
           [](TransferRestriction& c, CallContext& ctx) -> U256 {
             auto* t = ctx.state.contract_as<SecurityToken>(c.security());
             return U256(t->holder_count());
           });
  reg.call<&TransferRestriction::set_max_holders>("setMaxHolders", {"maxHolders"},
                                                  "RESTRICTION_ADMIN_ROLE.");
  reg.call<&TransferRestriction::set_max_transfer_amount>("setMaxTransferAmount", {"maxAmount"},
                                                          "RESTRICTION_ADMIN_ROLE.");
  reg.view("checkRestriction", {"from", "to", "amount"}, {{"", "uint8"}},
           "This engine's verdict alone (32, 33 or 0).",
           [](TransferRestriction& c, CallContext& ctx, const Address& from, const Address& to,
              const U256& amount) -> U256 {
             auto* t = ctx.state.contract_as<SecurityToken>(c.security());
             Movement mv =
                 t->movement(MovementKind::kTransfer, from, to, amount, ctx.block.timestamp);
             RuleSink sink;
             c.evaluate(mv, sink);
             return U256(sink.first_code());
           });
  reg.view<&TransferRestriction::security>("security", {},
                                           "The security token this engine serves.");
}

std::vector<EventSpec> transfer_restriction_events() {
  return {{"MaxHoldersSet", {{"maxHolders", "uint256"}}, ""},
          {"MaxTransferAmountSet", {{"maxAmount", "uint256"}}, ""}};
}

std::vector<ErrorId> transfer_restriction_errors() {
  return {ErrorId::kLimitExceeded};
}
}  // namespace

const ContractAbi& TransferRestriction::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<TransferRestriction> reg;
    cap_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    for (auto& x : access_control_methods())
      m.push_back(std::move(x));
    std::vector<EventSpec> e = transfer_restriction_events();
    for (auto& x : access_control_events())
      e.push_back(std::move(x));
    std::vector<ErrorId> errs = transfer_restriction_errors();
    for (auto x : access_control_errors())
      errs.push_back(x);
    return ContractAbi("TransferRestriction", std::move(m), std::move(e), std::move(errs));
  }();
  return kAbi;
}

}  // namespace stoa::core

namespace stoa::core {

std::unique_ptr<Contract> TransferRestriction::decode_state(DecodeContext& ctx, const Address& self,
                                                            StateDecoder& dec) {
  auto r = std::make_unique<TransferRestriction>(ctx.state, self, Address{});
  if (!decode_fields(*r, field_list(), ctx, dec)) return nullptr;
  return r;
}

}  // namespace stoa::core
