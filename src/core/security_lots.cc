// Acquisition lots (docs/balance-model.md, "Acquisition lots"; rules::lots_and_splits): every
// credit of a security creates or grows a lot of the receiver, every debit consumes the sender's
// lots FIFO (shares held before lots were recorded first, then the oldest acquisition, lots still
// within a LockupModule holding period last). Forced transfers, recovery, gifts and the agent's
// changes of partition carry the lots' acquisition dates (tacking); every other credit starts a
// new lot dated by its block.
#include <algorithm>

#include "stoa/core/abi_registry.h"
#include "stoa/core/codes.h"
#include "stoa/core/modules.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {

LotKind lot_kind_of(const Movement& m) {
  if (m.gift) return LotKind::kGift;
  switch (m.kind) {
    case MovementKind::kMint:
      return LotKind::kIssuance;
    case MovementKind::kForced:
      return LotKind::kForced;
    case MovementKind::kRecovery:
      return LotKind::kRecovery;
    case MovementKind::kCorporateAction:
      return LotKind::kCorporateAction;
    default:
      return LotKind::kTransfer;
  }
}

// Whether the receiver's lots carry the sender's acquisition dates (the tacking rules).
bool tacks(const Movement& m) {
  return m.gift || m.from == m.to || m.kind == MovementKind::kForced ||
         m.kind == MovementKind::kRecovery || m.kind == MovementKind::kCorporateAction;
}

bool within_holding_period(const LotKey& k, uint64_t now, uint64_t period) {
  return period != 0 && k.origin == static_cast<uint8_t>(LotKind::kIssuance) &&
         k.acquired + period > now;  // both bounded (kMaxHoldingPeriodSeconds): no overflow
}

LotKey first_lot(const Address& holder, const Bytes32& partition) {
  LotKey k;
  k.holder = holder;
  k.partition = partition;
  return k;
}

}  // namespace

// The longest holding period of the LockupModules in the security's compliance chain (0: none).
uint64_t SecurityToken::lot_holding_period() const {
  const ComplianceRegistry* r = registry_.get();
  if (r == nullptr) return 0;
  uint64_t period = 0;
  for (const Address& a : r->modules()) {
    const Contract* c = state_.contract(a);
    if (c != nullptr && c->kind() == ContractKind::kLockupModule) {
      period = std::max(period, static_cast<const LockupModule*>(c)->holding_period());
    }
  }
  return period;
}

U256 SecurityToken::locked_by_holding_period(const Address& holder, const Bytes32* partition,
                                             uint64_t now, uint64_t period) const {
  U256 locked;
  if (period == 0 || lots_.empty()) return locked;
  const LotKey lo = first_lot(holder, partition == nullptr ? kDefaultPartition : *partition);
  for (auto it = lots_.lower_bound(lo); it != lots_.end() && it->first.holder == holder; ++it) {
    if (partition != nullptr && it->first.partition != *partition) break;
    if (within_holding_period(it->first, now, period)) {
      locked = *locked.checked_add(now_of(holder, it->second));  // at the current split epoch
    }
  }
  return locked;
}

uint64_t SecurityToken::last_issued(const Address& holder) const {
  uint64_t last = 0;
  for (auto it = lots_.lower_bound(first_lot(holder, kDefaultPartition));
       it != lots_.end() && it->first.holder == holder; ++it) {
    if (it->first.origin == static_cast<uint8_t>(LotKind::kIssuance)) {
      last = std::max(last, it->first.acquired);
    }
  }
  return last;
}

// What the holder's own moves may take past the holding periods of its issued lots.
U256 SecurityToken::lot_unlocked(const Address& holder, uint64_t now) const {
  if (lots_.empty()) return U256::max();
  const U256 locked = locked_by_holding_period(holder, nullptr, now, lot_holding_period());
  return balance_of(holder).checked_sub(locked).value_or(U256(0));
}

void SecurityToken::add_lot(const LotKey& key, const U256& amount) {
  if (amount.is_zero()) return;
  const U256* before = lots_.find(key);
  undo_log()->charge(before == nullptr ? gas::kNewEntry : gas::kWrite);
  lots_.set(key, before == nullptr ? amount : *before->checked_add(amount));
}

// Takes `amount` of the holder's partition: the unrecorded shares first, then its lots in FIFO
// order, those still within a holding period after all the others. Returns the pieces taken.
std::vector<SecurityToken::LotPiece> SecurityToken::debit_lots(const Address& holder,
                                                               const Bytes32& partition,
                                                               const U256& amount, uint64_t now,
                                                               uint64_t period) {
  std::vector<LotPiece> out;
  const HolderPartition hp{holder, partition};
  const U256 lotted = lotted_.get(hp);
  const U256 unrecorded =
      balance_of_by_partition(partition, holder).checked_sub(lotted).value_or(U256(0));
  U256 need = amount;
  if (!unrecorded.is_zero()) {
    const U256 x = std::min(need, unrecorded);
    out.push_back(LotPiece{0, 0, 0, Address{}, x});
    need = *need.checked_sub(x);
  }
  if (need.is_zero()) return out;
  const U256 from_lots = need;
  std::vector<std::pair<LotKey, U256>> left;
  for (const bool locked_pass : {false, true}) {
    for (auto it = lots_.lower_bound(first_lot(holder, partition));
         it != lots_.end() && it->first.holder == holder && it->first.partition == partition &&
         !need.is_zero();
         ++it) {
      undo_log()->charge(gas::kIterate);
      if (within_holding_period(it->first, now, period) != locked_pass) continue;
      const U256 x = std::min(need, it->second);
      const LotKey& k = it->first;
      out.push_back(LotPiece{k.acquired, k.kind, k.origin, k.source, x});
      left.emplace_back(k, *it->second.checked_sub(x));
      need = *need.checked_sub(x);
    }
  }
  STOA_ASSERT(need.is_zero());  // lotted <= the partition's amount >= the amount drawn
  for (const auto& [k, v] : left) {
    undo_log()->charge(gas::kWrite);
    lots_.set(k, v);  // zero erases
  }
  lotted_.set(hp, *lotted.checked_sub(from_lots));
  return out;
}

// Credits `amount` to the holder's partition: one new lot dated now, or, when the movement tacks,
// the pieces the sender's debit took with their dates and first kinds.
void SecurityToken::credit_lots(const Address& holder, const Bytes32& partition, const Movement& m,
                                const Address& sender, const std::vector<LotPiece>& pieces,
                                const U256& amount) {
  const uint8_t kind = static_cast<uint8_t>(lot_kind_of(m));
  U256 added;
  if (!tacks(m) || m.from.is_zero()) {
    const Address source = m.from.is_zero() ? sender : m.from;
    add_lot(LotKey{holder, partition, m.timestamp, kind, kind, source}, amount);
    added = amount;
  } else {
    for (const LotPiece& p : pieces) {
      // A holder's own change of partition keeps its lots as they were, unrecorded shares
      // included; between holders every piece becomes a lot of the movement's kind.
      if (m.from == m.to && p.kind == 0) continue;
      const bool same = m.from == m.to;
      add_lot(LotKey{holder, partition, p.acquired, same ? p.kind : kind, p.origin,
                     same ? p.source : m.from},
              p.amount);
      added = *added.checked_add(p.amount);
    }
  }
  if (added.is_zero()) return;
  const HolderPartition hp{holder, partition};
  lotted_.set(hp, *lotted_.get(hp).checked_add(added));
}

// Before the partition amounts and balances move (apply): the same legs as apply_partitions.
void SecurityToken::apply_lots(CallContext& ctx, const Movement& m) {
  if (m.amount.is_zero() || (m.from == m.to && !m.by_partition)) return;
  struct Leg {
    Bytes32 from;
    Bytes32 to;
    U256 amount;
  };
  std::vector<Leg> legs;
  if (m.by_partition) {
    legs.push_back(Leg{m.partition, m.dest_partition, m.amount});
  } else if (m.from.is_zero() || partitioned_supply_.get().is_zero()) {
    legs.push_back(Leg{kDefaultPartition, kDefaultPartition, m.amount});
  } else {
    for (const auto& [p, x] : draw_plan(m, nullptr, nullptr))
      legs.push_back(Leg{p, p, x});
  }
  const uint64_t period = m.from.is_zero() || lots_.empty() ? 0 : lot_holding_period();
  for (const Leg& leg : legs) {
    if (m.from == m.to && leg.from == leg.to) continue;
    std::vector<LotPiece> pieces;
    if (!m.from.is_zero()) pieces = debit_lots(m.from, leg.from, leg.amount, m.timestamp, period);
    if (!m.to.is_zero()) credit_lots(m.to, leg.to, m, ctx.sender, pieces, leg.amount);
  }
}

std::vector<SecurityToken::LotView> SecurityToken::lots_of(const Address& holder, uint64_t start,
                                                           uint64_t count) const {
  std::vector<LotView> out;
  count = std::min(count, kMaxLotsPage);
  uint64_t index = 0;
  auto put = [&](LotView v) {
    if (index++ >= start && out.size() < count) out.push_back(v);
  };
  // A holder not yet brought to the current split epoch: each lot converted (floored), the
  // unrecorded lot the partition's amount less them.
  const bool stale = splits_.size() != 0 && epoch_of(holder) != splits_.size();
  for (const Bytes32& p : partitions_of(holder)) {
    const U256 amount = balance_of_by_partition(p, holder);
    U256 lotted = lotted_.get(HolderPartition{holder, p});
    if (stale) {
      lotted = U256(0);
      for (auto it = lots_.lower_bound(first_lot(holder, p));
           it != lots_.end() && it->first.holder == holder && it->first.partition == p; ++it) {
        lotted = *lotted.checked_add(now_of(holder, it->second));
      }
    }
    const U256 unrecorded = amount.checked_sub(lotted).value_or(U256(0));
    if (!unrecorded.is_zero()) put(LotView{p, 0, 0, 0, Address{}, unrecorded});
    for (auto it = lots_.lower_bound(first_lot(holder, p));
         it != lots_.end() && it->first.holder == holder && it->first.partition == p &&
         out.size() < count;
         ++it) {
      const LotKey& k = it->first;
      const U256 q = stale ? now_of(holder, it->second) : it->second;
      if (!q.is_zero()) put(LotView{p, k.acquired, k.kind, k.origin, k.source, q});
    }
    if (out.size() >= count) break;
  }
  return out;
}

Status SecurityToken::gift(CallContext& ctx, const Address& to, const U256& amount) {
  // As transfer: a sender of zero is ERC20InvalidSender, not a restriction code (no signed
  // transaction comes from the zero address, so no block changes).
  if (ctx.sender.is_zero()) return make_revert(ErrorId::kERC20InvalidSender, {ctx.sender});
  if (to.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {to});
  STOA_TRY(require_investors_ready());
  prefetch_transfer(ctx.sender, to);
  Movement m = movement(MovementKind::kTransfer, ctx.sender, to, amount, ctx.block.timestamp);
  m.gift = true;
  RuleSink sink;
  evaluate(m, sink);
  if (sink.first_code() == code::kInsufficientBalance) {
    return make_revert(ErrorId::kERC20InsufficientBalance, {ctx.sender, m.from_balance, amount});
  }
  if (sink.first_code() != 0) {
    return make_revert(ErrorId::kTransferRestricted, {U256(sink.first_code())});
  }
  apply(ctx, m);
  emit(ctx, "Gift", {ctx.sender, to, amount});
  return Status::Ok();
}

// --- ABI (rules version 5: with_balance_model_abi introduces them).
std::vector<MethodSpec> lot_methods() {
  AbiRegistry<SecurityToken> reg;
  using LotTuple = std::tuple<Bytes32, uint64_t, uint8_t, uint8_t, Address, U256>;
  reg.view("lotsOf", {"account", "start", "count"},
           "The holder's acquisition lots (partition, acquired, kind, origin, source, quantity): "
           "partition by partition, each FIFO, shares held before lots were recorded first as "
           "kind 0; they sum to balanceOf. Kinds: 1 issuance, 2 transfer, 3 forced, 4 recovery, "
           "5 gift, 6 corporate action. Pages of at most 500 from index `start`.",
           [](const SecurityToken& t, const Address& account, const U256& start,
              const U256& count) -> std::vector<LotTuple> {
             std::vector<LotTuple> out;
             if (!start.fits_u64()) return out;
             const uint64_t n = count.fits_u64() ? count.low64() : ~0ULL;
             for (const SecurityToken::LotView& v : t.lots_of(account, start.low64(), n)) {
               out.emplace_back(v.partition, v.acquired, v.kind, v.origin, v.source, v.quantity);
             }
             return out;
           });
  reg.call_true<&SecurityToken::gift>(
      "gift", {"to", "value"},
      "A transfer checked like transfer() whose receiver's lots carry the giver's acquisition "
      "dates (Rule 144(d)(3) tacking); emits Transfer and Gift.");
  return reg.take();
}

std::vector<EventSpec> lot_events() {
  return {{"Gift",
           {{"from", "address", true}, {"to", "address", true}, {"value", "uint256"}},
           "A gift: the receiver's lots tack the giver's acquisition dates."}};
}

// --- Encoding: after the balance model and the corporate state when the eligibility byte has its
// 0x10 bit.
void SecurityToken::encode_lots(StateEncoder& enc) const {
  lots_.encode_content(enc);
  lotted_.encode_content(enc);
}

void SecurityToken::decode_lots(StateDecoder& dec) {
  lots_.clear();
  for (uint64_t n = dec.count(1); n > 0 && dec.ok(); --n) {
    LotKey k;
    state_get(dec, k);
    lots_.set(k, dec.u256());
  }
  lotted_.clear();
  for (uint64_t n = dec.count(1); n > 0 && dec.ok(); --n) {
    HolderPartition k;
    state_get(dec, k);
    lotted_.set(k, dec.u256());
  }
}

}  // namespace stoa::core
