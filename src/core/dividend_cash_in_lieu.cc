// Cash in lieu of split fractions (issue 16, item 3; docs/dividends.md, "Cash in lieu";
// rules::cash_in_lieu): a DividendDistributor round, funded from the corporate action's cash leg,
// that pays each holder of record at a split the fraction of a share the split floored away, at a
// price per whole share, once per holder, through the round machinery of dividend_distributor.cc
// (claim, claimFor, pushPayments, reclaim; paid + reclaimed = amount asserted).
//
// Rounding. A split n/d leaves holder i the fraction f_i / d of one base unit of the security
// (SecurityToken.fractionalSharesOf), and Σ f_i = supplyBefore × n − supplyAfter × d exactly
// (supplyAfter is Σ floor(b_i × n / d)). With D = d × 10^decimals, holder i is paid
// floor(price × f_i / D) and the round is funded with floor(price × Σ f_i / D), which is at least
// the sum of the holders' floors; what is left (the flooring dust, at most one base unit per
// holder paid, and the shares of holders who never claim) returns to the funder at reclaim.
#include <string>

#include "stoa/core/abi_registry.h"
#include "stoa/core/dividend_distributor.h"
#include "stoa/core/payment_token.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {

// d × 10^decimals: split denominators are below 2^64 and decimals at most 255, but a security's
// decimals are at most 18 in practice; nullopt if it does not fit.
std::optional<U256> unit_denominator(const U256& denominator, uint8_t decimals) {
  std::optional<U256> v = denominator;
  for (uint8_t i = 0; i < decimals && v; ++i)
    v = v->checked_mul(U256(10));
  return v;
}

// Σ f_i over the split's denominator: supplyBefore × n − supplyAfter × d (both products fit: the
// split checked supplyBefore × n, and supplyAfter × d <= supplyBefore × n).
U256 total_fraction(const Split& s) {
  return *s.supply_before.checked_mul(s.numerator)
              ->checked_sub(*s.supply_after.checked_mul(s.denominator));
}

}  // namespace

CashInLieuDue DividendDistributor::due_of(const DividendRound& r, const Address& holder) const {
  CashInLieuDue due;
  if (r.split_id == 0) return due;
  const auto f = token().fractional_shares_of(holder, U256(r.split_id)).value();  // a valid id
  due.numerator = f.first;
  due.denominator = f.second;
  if (due.numerator.is_zero()) return due;
  // The round was created only if price × Σ f / D fits, and f <= Σ f.
  const U256 unit = *unit_denominator(due.denominator, token().config().decimals);
  due.amount = *r.price_per_share.mul_div_floor(due.numerator, unit);
  return due;
}

Result<CashInLieuDue> DividendDistributor::cash_in_lieu_due(const U256& id,
                                                            const Address& holder) const {
  Result<DividendRound> r = round(id);
  if (!r.ok()) return r.take_revert();
  return due_of(r.value(), holder);
}

Result<std::tuple<U256, U256, U256, U256>> DividendDistributor::cash_in_lieu_of(
    const U256& id) const {
  Result<DividendRound> r = round(id);
  if (!r.ok()) return r.take_revert();
  if (r.value().split_id == 0) return std::tuple<U256, U256, U256, U256>{};
  const Split s = token().split_at(U256(r.value().split_id)).value();
  return std::tuple<U256, U256, U256, U256>{U256(r.value().split_id), r.value().price_per_share,
                                            total_fraction(s), s.denominator};
}

uint64_t DividendDistributor::cash_in_lieu_round(const U256& split) const {
  return split.fits_u64() ? split_rounds_.get(split.low64()) : 0;
}

void DividendDistributor::index_cash_in_lieu() {
  rounds_.for_each_sorted([&](const uint64_t& id, const DividendRound& r) {
    if (r.split_id != 0) split_rounds_.set(r.split_id, id);
  });
}

Result<uint64_t> DividendDistributor::create_cash_in_lieu(CallContext& ctx, const U256& split,
                                                          const Address& payment_token,
                                                          const U256& price,
                                                          const U256& claim_deadline,
                                                          const Bytes32& reference) {
  STOA_TRY(require_role(ctx, roles::corporate_action()));
  auto* pt = state_.contract_as<PaymentToken>(payment_token);
  if (pt == nullptr) return make_revert(ErrorId::kNotAPaymentToken, {payment_token});
  if (price.is_zero()) return make_revert(ErrorId::kZeroAmount);
  Result<Split> s = token().split_at(split);
  if (!s.ok()) return s.take_revert();
  if (const uint64_t existing = cash_in_lieu_round(split); existing != 0) {
    return make_revert(ErrorId::kCashInLieuExists, {split, U256(existing)});
  }
  if (!claim_deadline.fits_u64() || claim_deadline <= U256(ctx.block.timestamp)) {
    return make_revert(ErrorId::kInvalidClaimDeadline, {claim_deadline, U256(ctx.block.timestamp)});
  }
  if (round_count_.get() >= kMaxDividendRounds) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("dividend rounds per distributor"), U256(kMaxDividendRounds)});
  }
  const std::optional<U256> unit =
      unit_denominator(s.value().denominator, token().config().decimals);
  const std::optional<U256> amount =
      unit ? price.mul_div_floor(total_fraction(s.value()), *unit) : std::nullopt;
  if (!amount) return make_revert(ErrorId::kCashInLieuOverflow, {split, price});
  if (amount->is_zero()) return make_revert(ErrorId::kCashInLieuNothingDue, {split, price});
  const uint64_t id = round_count_.get() + 1;
  DividendRound r;
  r.payment_token = payment_token;
  r.escrow = escrow_of(id);
  r.funder = ctx.sender;
  r.amount = *amount;
  r.claim_deadline = claim_deadline.low64();
  r.created_at = ctx.block.timestamp;
  r.reference = reference;
  r.split_id = split.low64();
  r.price_per_share = price;
  STOA_TRY(pt->pull(ctx, self_, ctx.sender, r.escrow, *amount));
  round_count_.set(id);
  rounds_.set(id, r);
  split_rounds_.set(r.split_id, id);
  emit(ctx, "CashInLieuCreated",
       {U256(id), split, payment_token, ctx.sender, r.escrow, price, total_fraction(s.value()),
        s.value().denominator, *amount, claim_deadline, abi::Value::bytes32(reference)});
  return id;
}

namespace {

void cash_in_lieu_methods(AbiRegistry<DividendDistributor>& reg) {
  reg.call(
      "createCashInLieu",
      {"splitId", "paymentToken", "pricePerShare", "claimDeadline", "reference"}, {"roundId"},
      "CORPORATE_ACTION_ROLE: the cash leg of split `splitId`: a round paying each holder of "
      "record at the split floor(pricePerShare × fraction / 10^decimals) of `paymentToken` for "
      "the fraction of a share the split floored away (fractionalSharesOf), claimable until "
      "`claimDeadline`. Pulls floor(pricePerShare × Σ fractions / 10^decimals) from the caller "
      "(approve this contract first) into the round's own escrow; one round per split. "
      "pricePerShare is in payment-token base units per whole share (10^decimals base units of "
      "the security). Paid by claim, claimFor, pushPayments; no withholding.",
      [](DividendDistributor& c, CallContext& ctx, const U256& split, const Address& token,
         const U256& price, const U256& deadline, const Bytes32& reference) -> Result<U256> {
        Result<uint64_t> id = c.create_cash_in_lieu(ctx, split, token, price, deadline, reference);
        if (!id.ok()) return id.take_revert();
        return U256(id.value());
      });
  reg.view("cashInLieuOf", {"roundId"},
           {"splitId", "pricePerShare", "fractionNumerator", "fractionDenominator"},
           "The split a cash-in-lieu round pays, its price per whole share and the split's "
           "fractional shares in all (numerator over the split's denominator, in base units of "
           "the security); zeros for a dividend round.",
           [](const DividendDistributor& c, const U256& id) { return c.cash_in_lieu_of(id); });
  reg.view("cashInLieuRound", {"splitId"}, {"roundId"},
           "The cash-in-lieu round of a split (0: none yet).",
           [](const DividendDistributor& c, const U256& split) -> U256 {
             return U256(c.cash_in_lieu_round(split));
           });
  reg.view("cashInLieuDue", {"roundId", "holder"},
           {"fractionNumerator", "fractionDenominator", "amount"},
           "What a cash-in-lieu round owes `holder` (paid or not: see claimable and isClaimed): "
           "its fraction of a base unit at the split and the cash for it; zeros for a dividend "
           "round.",
           [](const DividendDistributor& c, const U256& id,
              const Address& holder) -> Result<std::tuple<U256, U256, U256>> {
             Result<CashInLieuDue> d = c.cash_in_lieu_due(id, holder);
             if (!d.ok()) return d.take_revert();
             return std::tuple<U256, U256, U256>{d.value().numerator, d.value().denominator,
                                                 d.value().amount};
           });
}

std::vector<EventSpec> cash_in_lieu_events() {
  return {
      {"CashInLieuCreated",
       {{"roundId", "uint256", true},
        {"splitId", "uint256", true},
        {"paymentToken", "address", true},
        {"funder", "address"},
        {"escrow", "address"},
        {"pricePerShare", "uint256"},
        {"fractionNumerator", "uint256"},
        {"fractionDenominator", "uint256"},
        {"amount", "uint256"},
        {"claimDeadline", "uint256"},
        {"reference", "bytes32"}},
       "A split's cash in lieu was funded into its round's escrow: the split's fractional shares "
       "in all (numerator / denominator base units of the security) at pricePerShare per whole "
       "share."},
      {"CashInLieuPaid",
       {{"roundId", "uint256", true},
        {"splitId", "uint256", true},
        {"holder", "address", true},
        {"fractionNumerator", "uint256"},
        {"fractionDenominator", "uint256"},
        {"amount", "uint256"}},
       "One holder's cash in lieu of its fractional share at the split (sale proceeds, Form "
       "1099-B; never a DividendPaid)."},
  };
}

}  // namespace

void extend_with_cash_in_lieu_abi(ContractAbi& abi) {
  AbiRegistry<DividendDistributor> reg;
  cash_in_lieu_methods(reg);
  abi.extend(reg.take(), cash_in_lieu_events(),
             {ErrorId::kCashInLieuExists, ErrorId::kCashInLieuNothingDue,
              ErrorId::kCashInLieuOverflow, ErrorId::kSplitNotFound},
             Rules::kV7);  // rules::cash_in_lieu
}

}  // namespace stoa::core
