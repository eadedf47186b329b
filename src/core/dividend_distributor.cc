// DividendDistributor: docs/dividends.md.
#include "stoa/core/dividend_distributor.h"

#include <string>

#include "stoa/common/keccak.h"
#include "stoa/core/abi_registry.h"
#include "stoa/core/fields.h"
#include "stoa/core/payment_token.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {
// In a round's `closed` byte: a cash-in-lieu round, its split id and price follow the reference.
constexpr uint8_t kCashInLieuRoundFlag = 0x08;
}  // namespace

U256 DividendRound::remaining() const {
  // paid + withheld + reclaimed never exceeds amount (asserted where they grow).
  return *amount.checked_sub(*(*paid.checked_add(withheld)).checked_add(reclaimed));
}

void delta_put(StateEncoder& e, const DividendRound& r) {
  e.address(r.payment_token);
  e.address(r.escrow);
  e.address(r.funder);
  e.u256(r.amount);
  e.u64(r.checkpoint);
  e.u64(r.claim_deadline);
  e.u64(r.created_at);
  e.u256(r.eligible_supply);
  e.u256(r.excluded);
  e.u256(r.paid);
  e.u256(r.withheld);
  e.u256(r.reclaimed);
  e.u64(r.payments);
  e.u8(static_cast<uint8_t>((r.closed ? 1 : 0) | (r.by_partition ? 2 : 0) |
                            (r.split_id != 0 ? kCashInLieuRoundFlag : 0)));
  e.b32(r.reference);
  // Rules V7, each absent before, so older rounds encode as then: a round by partition's
  // partition, then a cash-in-lieu round's split and price.
  if (r.by_partition) e.b32(r.partition);
  if (r.split_id != 0) {
    e.u64(r.split_id);
    e.u256(r.price_per_share);
  }
}

void state_get(StateDecoder& d, DividendRound& r) {
  r.payment_token = d.address();
  r.escrow = d.address();
  r.funder = d.address();
  r.amount = d.u256();
  r.checkpoint = d.u64();
  r.claim_deadline = d.u64();
  r.created_at = d.u64();
  r.eligible_supply = d.u256();
  r.excluded = d.u256();
  r.paid = d.u256();
  r.withheld = d.u256();
  r.reclaimed = d.u256();
  r.payments = d.u64();
  const uint8_t flags = d.u8();
  if ((flags & ~(1 | 2 | kCashInLieuRoundFlag)) != 0)
    d.fail("round flags " + std::to_string(flags));
  r.closed = (flags & 1) != 0;
  r.by_partition = (flags & 2) != 0;
  r.reference = d.b32();
  if (r.by_partition) r.partition = d.b32();
  if ((flags & kCashInLieuRoundFlag) != 0) {
    r.split_id = d.u64();
    r.price_per_share = d.u256();
    if (r.split_id == 0) d.fail("a cash-in-lieu round of split 0");
    if (r.by_partition) d.fail("a cash-in-lieu round by partition");
  }
}

DividendDistributor::DividendDistributor(State& state, const Address& self, const Address& security,
                                         const Address& withholding_account)
    : SecurityPart(state, self, security) {
  withholding_account_.set(withholding_account);
}

SecurityToken& DividendDistributor::token() const {
  SecurityToken* t = state_.contract_as<SecurityToken>(security_);
  STOA_ASSERT(t != nullptr);
  return *t;
}

Address DividendDistributor::escrow_of(uint64_t round) const {
  // keccak256("stoa.dividend.escrow" ‖ distributor ‖ round)[12:]: no key can sign for it.
  Bytes in;
  const std::string_view tag = "stoa.dividend.escrow";
  in.insert(in.end(), tag.begin(), tag.end());
  in.insert(in.end(), self_.b.begin(), self_.b.end());
  const Bytes32 id = U256(round).to_bytes32();
  in.insert(in.end(), id.b.begin(), id.b.end());
  undo_log()->charge(gas::keccak(in.size()));
  return Address::from_word(keccak256(in));
}

Result<DividendRound> DividendDistributor::round(const U256& id) const {
  const DividendRound* r = id.fits_u64() ? rounds_.find(id.low64()) : nullptr;
  if (r == nullptr) return make_revert(ErrorId::kUnknownDividendRound, {id});
  return *r;
}

Result<uint64_t> DividendDistributor::open_round(const U256& id, uint64_t now) const {
  Result<DividendRound> r = round(id);
  if (!r.ok()) return r.take_revert();
  if (r.value().closed) return make_revert(ErrorId::kDividendRoundClosed, {id});
  if (now > r.value().claim_deadline) {
    return make_revert(ErrorId::kDividendClaimWindowClosed, {id, U256(r.value().claim_deadline)});
  }
  return id.low64();
}

DividendShare DividendDistributor::share_of(const DividendRound& r, uint64_t id,
                                            const Address& holder) const {
  DividendShare s;
  if (round_excluded_.get(RoundHolder{id, holder})) return s;
  s.shares = shares_at(basis(r), holder, U256(r.checkpoint));
  // shares <= eligible_supply (the holder is not excluded), so the quotient is <= amount.
  s.gross = *r.amount.mul_div_floor(s.shares, r.eligible_supply);
  const ComplianceRegistry* reg = token().registry();
  s.jurisdiction = reg == nullptr ? Jurisdiction{0} : reg->get(holder).jurisdiction;
  s.rate_bps = rates_.get(s.jurisdiction);
  s.withheld = *s.gross.mul_div_floor(U256(s.rate_bps), U256(kMaxWithholdingBps));
  s.net = *s.gross.checked_sub(s.withheld);
  return s;
}

Result<DividendShare> DividendDistributor::claimable(const U256& id, const Address& holder) const {
  Result<DividendRound> r = round(id);
  if (!r.ok()) return r.take_revert();
  if (r.value().closed || is_claimed(id.low64(), holder)) return DividendShare{};
  return owed(r.value(), id.low64(), holder);
}

DividendShare DividendDistributor::owed(const DividendRound& r, uint64_t id, const Address& holder,
                                        CashInLieuDue* due) const {
  if (r.split_id == 0) return share_of(r, id, holder);
  const CashInLieuDue d = due_of(r, holder);  // sale proceeds: nothing withheld
  if (due != nullptr) *due = d;
  DividendShare s;
  s.gross = s.net = d.amount;
  return s;
}

Result<bool> DividendDistributor::pay(CallContext& ctx, uint64_t id, const Address& holder) {
  DividendRound r = *rounds_.find(id);
  if (claimed_.get(RoundHolder{id, holder})) return false;
  CashInLieuDue due;
  const DividendShare s = owed(r, id, holder, &due);
  if (s.gross.is_zero()) return false;
  auto* pt = state_.contract_as<PaymentToken>(r.payment_token);
  STOA_ASSERT(pt != nullptr);
  claimed_.set(RoundHolder{id, holder}, true);
  r.paid = *r.paid.checked_add(s.net);
  r.withheld = *r.withheld.checked_add(s.withheld);
  r.payments += 1;
  // Conservation, kept on in release: the round never pays more than its amount, and its escrow
  // holds exactly what it has not paid.
  STOA_ASSERT(*r.paid.checked_add(r.withheld) <= r.amount);
  if (!s.net.is_zero()) STOA_TRY(pt->move(ctx, r.escrow, holder, s.net));
  if (!s.withheld.is_zero())
    STOA_TRY(pt->move(ctx, r.escrow, withholding_account_.get(), s.withheld));
  STOA_ASSERT(pt->balance_of(r.escrow) == r.remaining());
  rounds_.set(id, r);
  if (r.split_id != 0) {  // sale proceeds (Form 1099-B): no DividendPaid, which the 1099-DIV reads
    emit(ctx, "CashInLieuPaid",
         {U256(id), U256(r.split_id), holder, due.numerator, due.denominator, s.net});
    return true;
  }
  emit(ctx, "DividendPaid",
       {U256(id), holder, r.payment_token, U256(r.checkpoint), s.shares, r.eligible_supply, s.gross,
        s.withheld, s.net, jurisdiction_bytes2(s.jurisdiction), U256(s.rate_bps),
        withholding_account_.get(), ctx.sender});
  return true;
}

Result<uint64_t> DividendDistributor::create_dividend(CallContext& ctx,
                                                      const Address& payment_token,
                                                      const U256& amount, const U256& checkpoint,
                                                      const U256& claim_deadline,
                                                      const Bytes32& reference) {
  return create_round(ctx, std::nullopt, payment_token, amount, checkpoint, claim_deadline,
                      reference);
}

Result<uint64_t> DividendDistributor::create_round(CallContext& ctx,
                                                   const std::optional<Bytes32>& partition,
                                                   const Address& payment_token, const U256& amount,
                                                   const U256& checkpoint,
                                                   const U256& claim_deadline,
                                                   const Bytes32& reference) {
  STOA_TRY(require_role(ctx, roles::dividend_admin()));
  auto* pt = state_.contract_as<PaymentToken>(payment_token);
  if (pt == nullptr) return make_revert(ErrorId::kNotAPaymentToken, {payment_token});
  if (amount.is_zero()) return make_revert(ErrorId::kZeroAmount);
  Result<U256> supply = supply_at(partition, checkpoint);
  if (!supply.ok()) return supply.take_revert();
  if (!claim_deadline.fits_u64() || claim_deadline <= U256(ctx.block.timestamp)) {
    return make_revert(ErrorId::kInvalidClaimDeadline, {claim_deadline, U256(ctx.block.timestamp)});
  }
  if (round_count_.get() >= kMaxDividendRounds) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("dividend rounds per distributor"), U256(kMaxDividendRounds)});
  }
  const uint64_t id = round_count_.get() + 1;
  DividendRound r;
  r.payment_token = payment_token;
  r.escrow = escrow_of(id);
  r.funder = ctx.sender;
  r.amount = amount;
  r.checkpoint = checkpoint.low64();
  r.claim_deadline = claim_deadline.low64();
  r.created_at = ctx.block.timestamp;
  r.reference = reference;
  r.by_partition = partition.has_value();
  r.partition = partition.value_or(Bytes32{});
  for (const Address& a : excluded_.sorted_keys()) {
    r.excluded = *r.excluded.checked_add(shares_at(partition, a, checkpoint));
    round_excluded_.set(RoundHolder{id, a}, true);
  }
  // Excluded balances are part of the supply at the same checkpoint.
  r.eligible_supply = *supply.value().checked_sub(r.excluded);
  if (r.eligible_supply.is_zero()) {
    if (partition) {
      return make_revert(ErrorId::kNoEligiblePartitionShares,
                         {abi::Value::bytes32(*partition), checkpoint});
    }
    return make_revert(ErrorId::kNoEligibleShares, {checkpoint});
  }
  STOA_TRY(pt->pull(ctx, self_, ctx.sender, r.escrow, amount));
  round_count_.set(id);
  rounds_.set(id, r);
  emit(ctx, "DividendCreated",
       {U256(id), payment_token, ctx.sender, r.escrow, amount, checkpoint, r.eligible_supply,
        r.excluded, claim_deadline, abi::Value::bytes32(reference)});
  if (partition) {
    emit(ctx, "DividendPartitionCreated", {U256(id), abi::Value::bytes32(*partition)});
  }
  return id;
}

Status DividendDistributor::claim(CallContext& ctx, const U256& id) {
  Result<uint64_t> open = open_round(id, ctx.block.timestamp);
  if (!open.ok()) return open.take_revert();
  return claim_for_unchecked(ctx, open.value(), ctx.sender);
}

Status DividendDistributor::claim_for(CallContext& ctx, const U256& id, const Address& holder) {
  STOA_TRY(require_role(ctx, roles::dividend_admin()));
  Result<uint64_t> open = open_round(id, ctx.block.timestamp);
  if (!open.ok()) return open.take_revert();
  return claim_for_unchecked(ctx, open.value(), holder);
}

Status DividendDistributor::claim_for_unchecked(CallContext& ctx, uint64_t id,
                                                const Address& holder) {
  if (claimed_.get(RoundHolder{id, holder})) {
    return make_revert(ErrorId::kDividendAlreadyClaimed, {U256(id), holder});
  }
  if (round_excluded_.get(RoundHolder{id, holder})) {
    return make_revert(ErrorId::kDividendHolderExcluded, {U256(id), holder});
  }
  Result<bool> paid = pay(ctx, id, holder);
  if (!paid.ok()) return paid.take_revert();
  if (!paid.value()) return make_revert(ErrorId::kNothingToClaim, {U256(id), holder});
  return Status::Ok();
}

Result<U256> DividendDistributor::push_payments(CallContext& ctx, const U256& id,
                                                const std::vector<Address>& holders) {
  STOA_TRY(require_role(ctx, roles::dividend_admin()));
  Result<uint64_t> open = open_round(id, ctx.block.timestamp);
  if (!open.ok()) return open.take_revert();
  uint64_t count = 0;
  STOA_TRY(for_each_leg(ctx, {holders.size()}, [&](size_t i) -> Status {
    Result<bool> paid = pay(ctx, open.value(), holders[i]);
    if (!paid.ok()) return paid.take_revert();
    count += paid.value() ? 1 : 0;
    return Status::Ok();
  }));
  return U256(count);
}

Result<U256> DividendDistributor::reclaim(CallContext& ctx, const U256& id) {
  STOA_TRY(require_role(ctx, roles::dividend_admin()));
  Result<DividendRound> got = round(id);
  if (!got.ok()) return got.take_revert();
  DividendRound r = got.value();
  if (r.closed) return make_revert(ErrorId::kDividendRoundClosed, {id});
  if (ctx.block.timestamp <= r.claim_deadline) {
    return make_revert(ErrorId::kDividendClaimWindowOpen, {id, U256(r.claim_deadline)});
  }
  auto* pt = state_.contract_as<PaymentToken>(r.payment_token);
  STOA_ASSERT(pt != nullptr);
  const U256 left = r.remaining();
  STOA_ASSERT(pt->balance_of(r.escrow) == left);
  if (!left.is_zero()) STOA_TRY(pt->move(ctx, r.escrow, r.funder, left));
  r.reclaimed = left;
  r.closed = true;
  // Σ paid + withheld + reclaimed = amount, and the escrow is empty (kept on in release).
  STOA_ASSERT(*(*r.paid.checked_add(r.withheld)).checked_add(r.reclaimed) == r.amount);
  STOA_ASSERT(pt->balance_of(r.escrow).is_zero());
  rounds_.set(id.low64(), r);
  emit(ctx, "DividendReclaimed",
       {id, r.payment_token, r.funder, left, r.paid, r.withheld, U256(r.payments)});
  return left;
}

Status DividendDistributor::set_excluded(CallContext& ctx, const Address& account, bool excluded) {
  STOA_TRY(require_role(ctx, roles::dividend_admin()));
  if (account.is_zero()) return make_revert(ErrorId::kZeroAddress);
  if (excluded && !excluded_.get(account) && excluded_.size() >= kMaxDividendExclusions) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("dividend exclusions"), U256(kMaxDividendExclusions)});
  }
  excluded_.set(account, excluded);
  emit(ctx, "DividendExclusionSet", {account, excluded});
  return Status::Ok();
}

Status DividendDistributor::set_withholding_rate(CallContext& ctx, Jurisdiction j,
                                                 const U256& bps) {
  STOA_TRY(require_role(ctx, roles::dividend_admin()));
  STOA_TRY(check_jurisdiction(j, /*allow_unset=*/true));
  if (bps > U256(kMaxWithholdingBps)) return make_revert(ErrorId::kInvalidWithholdingRate, {bps});
  if (!bps.is_zero() && rates_.get(j) == 0 && rates_.size() >= kMaxWithholdingRates) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("withholding rates"), U256(kMaxWithholdingRates)});
  }
  rates_.set(j, bps.low64());
  emit(ctx, "WithholdingRateSet", {jurisdiction_bytes2(j), bps});
  return Status::Ok();
}

Status DividendDistributor::set_withholding_account(CallContext& ctx, const Address& account) {
  STOA_TRY(require_role(ctx, roles::dividend_admin()));
  if (account.is_zero()) return make_revert(ErrorId::kZeroAddress);
  withholding_account_.set(account);
  emit(ctx, "WithholdingAccountSet", {account});
  return Status::Ok();
}

const auto& DividendDistributor::field_list() {
  static constexpr auto kFields =
      std::make_tuple(field(&DividendDistributor::security_, "security"),
                      field(&DividendDistributor::withholding_account_, "withholding_account"),
                      field(&DividendDistributor::rates_, "rates"),
                      key_set(&DividendDistributor::excluded_, "excluded"),
                      field(&DividendDistributor::round_count_, "round_count"),
                      field(&DividendDistributor::rounds_, "rounds"),
                      key_set(&DividendDistributor::round_excluded_, "round_excluded"),
                      key_set(&DividendDistributor::claimed_, "claimed"),
                      derived(&DividendDistributor::split_rounds_, "split_rounds"));
  return kFields;
}
STOA_DEFINE_FIELDS(DividendDistributor)

std::unique_ptr<Contract> DividendDistributor::decode_state(DecodeContext& ctx, const Address& self,
                                                            StateDecoder& dec) {
  auto d = std::make_unique<DividendDistributor>(ctx.state, self, Address{}, Address{});
  if (!decode_fields(*d, field_list(), ctx, dec)) return nullptr;
  bool ok = d->rounds_.size() == d->round_count_.get();
  d->rounds_.for_each_sorted([&](const uint64_t& id, const DividendRound& r) {
    const auto sum = r.paid.checked_add(r.withheld);
    const auto all = sum ? sum->checked_add(r.reclaimed) : std::nullopt;
    ok = ok && id >= 1 && id <= d->round_count_.get() && all && *all <= r.amount &&
         (!r.closed || *all == r.amount) && (r.split_id == 0 || r.withheld.is_zero());
  });
  if (!ok) {
    dec.fail("dividend rounds out of range or paying more than their amount");
    return nullptr;
  }
  d->index_cash_in_lieu();
  DividendDistributor* raw = d.get();
  ctx.fixups.push_back([raw, &state = ctx.state](std::string* error) {
    if (state.contract_as<SecurityToken>(raw->security_) == nullptr) {
      *error = "dividend distributor " + raw->self_.checksum_hex() + " names no security";
      return false;
    }
    return true;
  });
  return d;
}

}  // namespace stoa::core

namespace stoa::core {
namespace {

using RoundTuple = std::tuple<Address, Address, Address, U256, U256, U256, U256, U256, U256, U256,
                              U256, U256, U256, bool, Bytes32>;
RoundTuple round_tuple(const DividendRound& r) {
  return {r.payment_token,    r.escrow,
          r.funder,           r.amount,
          U256(r.checkpoint), U256(r.claim_deadline),
          U256(r.created_at), r.eligible_supply,
          r.excluded,         r.paid,
          r.withheld,         r.reclaimed,
          U256(r.payments),   r.closed,
          r.reference};
}

void dividend_admin_methods(AbiRegistry<DividendDistributor>& reg) {
  reg.call(
      "createDividend", {"paymentToken", "amount", "checkpointId", "claimDeadline", "reference"},
      {"roundId"},
      "DIVIDEND_ADMIN_ROLE: a round paying `amount` of `paymentToken` pro rata to the "
      "balances at checkpoint `checkpointId` (SecurityToken.snapshot), claimable until "
      "`claimDeadline` (block time). Pulls `amount` from the caller (approve this contract "
      "first) into the round's own escrow; the excluded accounts' record-date balances are "
      "left out of the denominator.",
      [](DividendDistributor& c, CallContext& ctx, const Address& token, const U256& amount,
         const U256& checkpoint, const U256& deadline, const Bytes32& reference) -> Result<U256> {
        Result<uint64_t> id =
            c.create_dividend(ctx, token, amount, checkpoint, deadline, reference);
        if (!id.ok()) return id.take_revert();
        return U256(id.value());
      });
  reg.call<&DividendDistributor::claim>(
      "claim", {"roundId"},
      "The caller's share of the round: floor(amount × balanceAt / eligibleSupply), less "
      "withholding by its jurisdiction, once, until the claim deadline.");
  reg.call<&DividendDistributor::claim_for>(
      "claimFor", {"roundId", "holder"},
      "DIVIDEND_ADMIN_ROLE (the paying agent): pays `holder` its share as claim would.");
  reg.call<&DividendDistributor::push_payments>(
      "pushPayments", {"roundId", "holders"}, {"paid"},
      "DIVIDEND_ADMIN_ROLE: pays every listed holder not yet paid (holders already paid, "
      "excluded or without shares are skipped), up to 5000 per call, metered; resumable: send "
      "the next batch. Returns how many were paid.");
  reg.call<&DividendDistributor::reclaim>(
      "reclaim", {"roundId"}, {"reclaimed"},
      "DIVIDEND_ADMIN_ROLE: after the claim deadline, returns what the escrow still holds "
      "(unclaimed shares and flooring dust) to the round's funder and closes the round.");
  reg.call_true<&DividendDistributor::set_excluded>(
      "setExcluded", {"account", "excluded"},
      "DIVIDEND_ADMIN_ROLE: excludes an account (the issuer's treasury) from rounds created from "
      "now on (at most 16).");
  reg.call_true(
      "setWithholdingRate", {{"jurisdiction", "bytes2"}, "bps"},
      "DIVIDEND_ADMIN_ROLE: the withholding rate in basis points for holders with this "
      "jurisdiction on record (0x0000: holders without one), applied at payment.",
      [](DividendDistributor& c, CallContext& ctx, const abi::Value& j, const U256& bps) -> Status {
        return c.set_withholding_rate(ctx, jurisdiction_from_bytes2(j), bps);
      });
  reg.call_true<&DividendDistributor::set_withholding_account>(
      "setWithholdingAccount", {"account"},
      "DIVIDEND_ADMIN_ROLE: where withheld tax is paid (the transfer agent remits it).");
}

void dividend_views(AbiRegistry<DividendDistributor>& reg) {
  reg.view("security", {}, "The security whose holders this contract pays.",
           [](const DividendDistributor& c) -> Address { return c.security(); });
  reg.view("roundCount", {}, "Rounds created (ids 1 to roundCount).",
           [](const DividendDistributor& c) -> U256 { return U256(c.round_count()); });
  reg.view("getRound", {"roundId"},
           {"paymentToken", "escrow", "funder", "amount", "checkpointId", "claimDeadline",
            "createdAt", "eligibleSupply", "excludedShares", "paid", "withheld", "reclaimed",
            "payments", "closed", "reference"},
           "Everything about a round; paid + withheld + reclaimed = amount once closed.",
           [](const DividendDistributor& c, const U256& id) -> Result<RoundTuple> {
             Result<DividendRound> r = c.round(id);
             if (!r.ok()) return r.take_revert();
             return round_tuple(r.value());
           });
  reg.view("escrowOf", {"roundId"}, "The round's escrow address (holds its unpaid funds).",
           [](const DividendDistributor& c, const U256& id) -> Result<Address> {
             Result<DividendRound> r = c.round(id);
             if (!r.ok()) return r.take_revert();
             return r.value().escrow;
           });
  reg.view(
      "claimable", {"roundId", "holder"},
      {"shares", "gross", "withheld", "net", {"jurisdiction", "bytes2"}, "rateBps"},
      "What a claim by `holder` would pay now (zeros once paid, excluded or closed).",
      [](const DividendDistributor& c, const U256& id,
         const Address& holder) -> Result<std::tuple<U256, U256, U256, U256, abi::Value, U256>> {
        Result<DividendShare> s = c.claimable(id, holder);
        if (!s.ok()) return s.take_revert();
        const DividendShare& v = s.value();
        return std::tuple<U256, U256, U256, U256, abi::Value, U256>{
            v.shares,        v.gross, v.withheld, v.net, jurisdiction_bytes2(v.jurisdiction),
            U256(v.rate_bps)};
      });
  reg.view("isClaimed", {"roundId", "holder"}, "Whether the holder's share was paid.",
           [](const DividendDistributor& c, const U256& id, const Address& holder) -> bool {
             return id.fits_u64() && c.is_claimed(id.low64(), holder);
           });
  reg.view<&DividendDistributor::is_excluded>("isExcluded", {"account"},
                                              "Whether new rounds exclude the account.");
  reg.view("withholdingRate", {{"jurisdiction", "bytes2"}}, {"bps"},
           "The withholding rate for a jurisdiction, in basis points.",
           [](const DividendDistributor& c, const abi::Value& j) -> U256 {
             return U256(c.withholding_rate(jurisdiction_from_bytes2(j)));
           });
  reg.view<&DividendDistributor::withholding_account>("withholdingAccount", {},
                                                      "Where withheld tax is paid.");
}

std::vector<EventSpec> dividend_events() {
  return {
      {"DividendCreated",
       {{"roundId", "uint256", true},
        {"paymentToken", "address", true},
        {"funder", "address", true},
        {"escrow", "address"},
        {"amount", "uint256"},
        {"checkpointId", "uint256"},
        {"eligibleSupply", "uint256"},
        {"excludedShares", "uint256"},
        {"claimDeadline", "uint256"},
        {"reference", "bytes32"}},
       "A round was funded into its escrow."},
      {"DividendPaid",
       {{"roundId", "uint256", true},
        {"holder", "address", true},
        {"paymentToken", "address", true},
        {"checkpointId", "uint256"},
        {"shares", "uint256"},
        {"eligibleSupply", "uint256"},
        {"gross", "uint256"},
        {"withheld", "uint256"},
        {"net", "uint256"},
        {"jurisdiction", "bytes2"},
        {"withholdingRateBps", "uint256"},
        {"withholdingAccount", "address"},
        {"paidBy", "address"}},
       "One payment, self-contained for 1099-DIV / 1042-S: the holder's record-date shares, "
       "gross, tax withheld (rate and jurisdiction) and net."},
      {"DividendReclaimed",
       {{"roundId", "uint256", true},
        {"paymentToken", "address", true},
        {"funder", "address", true},
        {"reclaimed", "uint256"},
        {"paid", "uint256"},
        {"withheld", "uint256"},
        {"payments", "uint256"}},
       "The round closed: paid + withheld + reclaimed = its amount."},
      {"DividendExclusionSet",
       {{"account", "address", true}, {"excluded", "bool"}},
       "An account is (or no longer is) excluded from new rounds."},
      {"WithholdingRateSet",
       {{"jurisdiction", "bytes2", true}, {"bps", "uint256"}},
       "A jurisdiction's withholding rate."},
      {"WithholdingAccountSet", {{"account", "address", true}}, "Where withheld tax is paid."},
  };
}

}  // namespace

const ContractAbi& DividendDistributor::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<DividendDistributor> reg;
    dividend_admin_methods(reg);
    dividend_views(reg);
    ContractAbi abi("DividendDistributor", reg.take(), dividend_events(),
                    {ErrorId::kAccessControlUnauthorizedAccount,
                     ErrorId::kNotAPaymentToken,
                     ErrorId::kUnknownDividendRound,
                     ErrorId::kDividendAlreadyClaimed,
                     ErrorId::kDividendRoundClosed,
                     ErrorId::kDividendClaimWindowClosed,
                     ErrorId::kDividendClaimWindowOpen,
                     ErrorId::kDividendHolderExcluded,
                     ErrorId::kNothingToClaim,
                     ErrorId::kInvalidClaimDeadline,
                     ErrorId::kNoEligibleShares,
                     ErrorId::kInvalidWithholdingRate,
                     ErrorId::kSnapshotIdInvalid,
                     ErrorId::kZeroAmount,
                     ErrorId::kZeroAddress,
                     ErrorId::kLimitExceeded,
                     ErrorId::kInvalidJurisdiction,
                     ErrorId::kERC20InsufficientBalance,
                     ErrorId::kERC20InsufficientAllowance,
                     ErrorId::kBatchTooLarge,
                     ErrorId::kEmptyBatch});
    extend_with_partition_dividend_abi(abi);  // rules V7 (dividend_partitions.cc)
    extend_with_cash_in_lieu_abi(abi);        // rules V7 (dividend_cash_in_lieu.cc)
    return abi;
  }();
  return kAbi;
}

}  // namespace stoa::core
