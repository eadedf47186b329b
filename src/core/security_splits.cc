// Splits and reverse splits (docs/balance-model.md, "Splits"; rules::splits). A split appends
// (numerator, denominator) to the security's list and bumps its epoch; it writes the new total
// supply, holder and investor counts and partition supplies (one read pass over the holders
// computes them exactly), rescales the outstanding holds, partial freezes and share caps, and
// writes nothing per holder. Each holder carries the epoch its stored amounts are at (absent: 0):
// every view converts them on the fly, and the first write that touches a holder afterwards
// (SecurityToken::apply) rewrites them at the current epoch first. A conversion applies the splits
// since the holder's epoch one after another, each floor(x × numerator / denominator).
#include <algorithm>
#include <map>
#include <numeric>

#include "stoa/core/abi_registry.h"
#include "stoa/core/identity_registry.h"
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

U256 floor_scale(const U256& x, const Split& s) {
  const std::optional<U256> product = x.checked_mul(s.numerator);
  STOA_ASSERT(product.has_value());  // x is at most the supply at its split, checked to fit
  return *product->checked_div(s.denominator);
}

// floor(x × n / d) for any x, saturating at the largest U256 (a cap, not a holder's amount).
U256 floor_scale_saturating(const U256& x, const Split& s) {
  const U256 q = *x.checked_div(s.denominator);
  const U256 r = *x.checked_mod(s.denominator);
  const std::optional<U256> whole = q.checked_mul(s.numerator);
  if (!whole) return U256::max();
  return whole->checked_add(floor_scale(r, s)).value_or(U256::max());
}

Status check_ratio(const U256& n, const U256& d) {
  const bool small = !n.is_zero() && !d.is_zero() && n.fits_u64() && d.fits_u64();
  if (!small || n == d || std::gcd(n.low64(), d.low64()) != 1) {
    return make_revert(ErrorId::kSplitRatioInvalid, {n, d});
  }
  return Status::Ok();
}
}  // namespace

// What the split's read pass computes: the post-split figures of every holder-independent record.
struct SecurityToken::SplitTotals {
  std::vector<Split> chain;  // every split, the new one last (read once, uncharged in the pass)
  U256 supply;
  uint64_t holders = 0;
  uint64_t investors = 0;
  std::map<Bytes32, U256> partition_supply;  // named partitions
  U256 partitioned;
  std::map<Address, U256> investor_balances;  // identities (investor_balances_ keys)
};

uint64_t SecurityToken::epoch_of(const Address& holder) const {
  if (splits_.size() == 0 || holder_epochs_.size() == 0) return 0;
  return holder_epochs_.get(holder);
}

U256 SecurityToken::convert(const U256& x, uint64_t from, uint64_t to) const {
  U256 v = x;
  for (uint64_t i = from; i < to && !v.is_zero(); ++i)
    v = floor_scale(v, splits_.get(i));
  return v;
}

U256 SecurityToken::named_now(const Address& holder, const Bytes32& partition) const {
  return now_of(holder, partition_balances_.get(HolderPartition{holder, partition}));
}

U256 SecurityToken::raw_default_amount(const Address& holder) const {
  const U256 bal = balances_.get(holder);
  if (partitioned_.size() == 0) return bal;
  return bal.checked_sub(partitioned_.get(holder)).value_or(U256(0));
}

// Rewrites the holder's stored amounts at the current epoch (before any write that touches it):
// checkpoints first (the values before the change, with their epoch), then the balance (its
// fractional share at each split crossed is recorded), named partitions and lots.
void SecurityToken::normalize(const Address& holder) {
  const uint64_t k = splits_.size();
  if (k == 0) return;
  const uint64_t e = epoch_of(holder);
  if (e == k) return;
  if (snapshot_id_.get() != 0) {
    checkpoint_holder(holder);
    for (auto it = partition_balances_.lower_bound(HolderPartition{holder, kDefaultPartition});
         it != partition_balances_.end() && it->first.holder == holder; ++it) {
      checkpoint_partition(holder, it->first.partition);
    }
  }
  const U256 raw = balances_.get(holder);
  U256 x = raw;
  for (uint64_t i = e; i < k && !x.is_zero(); ++i) {
    const Split s = splits_.get(i);
    const U256 product = *x.checked_mul(s.numerator);
    const U256 fraction = *product.checked_mod(s.denominator);
    if (!fraction.is_zero()) fractions_.set(HolderSplit{holder, i + 1}, fraction);
    x = *product.checked_div(s.denominator);
  }
  if (x != raw) balances_.set(holder, x);
  normalize_partitions(holder, e, k);
  normalize_lots(holder, e, k);
  holder_epochs_.set(holder, k);
}

// Each named partition floored; the default one (balance less them) absorbs the rest.
void SecurityToken::normalize_partitions(const Address& holder, uint64_t from, uint64_t to) {
  std::vector<std::pair<Bytes32, U256>> named;
  for (auto it = partition_balances_.lower_bound(HolderPartition{holder, kDefaultPartition});
       it != partition_balances_.end() && it->first.holder == holder; ++it) {
    undo_log()->charge(gas::kIterate);
    named.emplace_back(it->first.partition, it->second);
  }
  for (const auto& [p, v] : named) {
    const U256 now = convert(v, from, to);
    if (now != v) set_partition_amount(holder, p, now);
  }
}

// Each lot floored; the partition's unrecorded lot (its amount less its lots) absorbs the rest.
void SecurityToken::normalize_lots(const Address& holder, uint64_t from, uint64_t to) {
  if (lots_.empty()) return;
  std::vector<std::pair<LotKey, U256>> lots;
  for (auto it = lots_.lower_bound(LotKey{holder, kDefaultPartition, 0, 0, 0, Address{}});
       it != lots_.end() && it->first.holder == holder; ++it) {
    undo_log()->charge(gas::kIterate);
    lots.emplace_back(it->first, it->second);
  }
  std::map<Bytes32, U256> lotted;
  for (const auto& [key, v] : lots) {
    const U256 now = convert(v, from, to);
    if (now != v) lots_.set(key, now);  // zero erases
    lotted[key.partition] = *lotted[key.partition].checked_add(now);
  }
  for (const auto& [p, sum] : lotted)
    lotted_.set(HolderPartition{holder, p}, sum);
}

// The read pass: every holder's balance and every holder-partition amount at the new epoch.
void SecurityToken::split_pass(const Split& s, SplitTotals& t) const {
  const uint64_t k = splits_.size();
  t.chain.reserve(k + 1);
  for (uint64_t i = 0; i < k; ++i)
    t.chain.push_back(splits_.get(i));
  t.chain.push_back(s);
  undo_log()->charge(kSplitScanGas * (balances_.size() + partition_balances_.size()));
  const bool epochs = holder_epochs_.size() != 0;
  auto at_new_epoch = [&](const Address& h, const U256& raw) {
    U256 v = raw;
    for (uint64_t i = epochs ? holder_epochs_.peek(h) : 0; i <= k && !v.is_zero(); ++i)
      v = floor_scale(v, t.chain[i]);
    return v;
  };
  balances_.for_each_unordered([&](const Address& h, const U256& raw) {
    const U256 v = at_new_epoch(h, raw);
    t.supply = *t.supply.checked_add(v);
    if (!v.is_zero()) ++t.holders;
  });
  for (const auto& [key, raw] : partition_balances_) {
    const U256 v = at_new_epoch(key.holder, raw);
    U256& sum = t.partition_supply[key.partition];
    sum = *sum.checked_add(v);
    t.partitioned = *t.partitioned.checked_add(v);
  }
  t.investors = t.holders;
  if (identity_registry_.get() != nullptr && investor_balances_.size() != 0) split_investors(t);
}

// Investors keyed by identity: Σ of their wallets' new balances, and the investor count.
void SecurityToken::split_investors(SplitTotals& t) const {
  const IdentityRegistry* ir = identity_registry_.get();
  const uint64_t k = splits_.size();
  t.investors = 0;
  const bool epochs = holder_epochs_.size() != 0;
  balances_.for_each_unordered([&](const Address& w, const U256& raw) {
    U256 v = raw;
    for (uint64_t i = epochs ? holder_epochs_.peek(w) : 0; i <= k && !v.is_zero(); ++i)
      v = floor_scale(v, t.chain[i]);
    if (v.is_zero()) return;
    const Address id = ir->identity_of(w);
    if (id.is_zero()) {
      ++t.investors;
      return;
    }
    U256& sum = t.investor_balances[id];
    if (sum.is_zero()) ++t.investors;
    sum = *sum.checked_add(v);
  });
}

void SecurityToken::write_split_totals(const SplitTotals& t) {
  total_supply_.set(t.supply);
  holder_count_.set(t.holders);
  investor_count_.set(t.investors);
  for (const Bytes32& p : partition_supply_.sorted_keys()) {
    // A partition's supply at a snapshot (rules::partition_supply_at) is recorded before it
    // changes, like the total supply above.
    if (snapshot_id_.get() != 0) checkpoint_partition_supply(p);
    auto it = t.partition_supply.find(p);
    partition_supply_.set(p, it == t.partition_supply.end() ? U256(0) : it->second);
  }
  partitioned_supply_.set(t.partitioned);
  if (t.investor_balances.empty() && investor_balances_.size() == 0) return;
  for (const Address& id : investor_balances_.sorted_keys()) {
    auto it = t.investor_balances.find(id);
    investor_balances_.set(id, it == t.investor_balances.end() ? U256(0) : it->second);
  }
}

// Outstanding holds are rescaled at once (each floored; held amounts are the Σ of their holds).
void SecurityToken::split_holds(const Split& s) {
  if (held_total_.size() == 0) return;
  std::map<HolderPartition, U256> held;
  std::map<Address, U256> total;
  for (const Bytes32& id : holds_.sorted_keys()) {
    Hold h = holds_.get(id);
    if (h.status != static_cast<uint8_t>(HoldStatus::kOrdered)) continue;
    const U256 now = floor_scale(h.amount, s);
    if (now != h.amount) {
      h.amount = now;
      holds_.set(id, h);
    }
    U256& p = held[HolderPartition{h.holder, h.partition}];
    p = *p.checked_add(now);
    U256& a = total[h.holder];
    a = *a.checked_add(now);
  }
  for (const HolderPartition& k : held_.sorted_keys())
    held_.set(k, held[k]);
  for (const Address& a : held_total_.sorted_keys())
    held_total_.set(a, total[a]);
}

// Partial freezes floored (each at most its holder's balance, so at most the floored balance).
void SecurityToken::split_frozen(const Split& s) {
  if (frozen_tokens_.size() == 0) return;
  for (const Address& a : frozen_tokens_.sorted_keys())
    frozen_tokens_.set(a, floor_scale(frozen_tokens_.get(a), s));
}

// Caps in shares: TransferRestriction's per-transfer maximum (floored; at least 1, as 0 means no
// cap). Holder-count caps are unchanged.
void SecurityToken::split_caps(CallContext& ctx, const Split& s) {
  TransferRestriction* t = restriction_.get();
  if (t == nullptr || t->max_transfer_amount().is_zero()) return;
  const U256 now = floor_scale_saturating(t->max_transfer_amount(), s);
  t->rescale_max_transfer_amount(ctx, now.is_zero() ? U256(1) : now);
}

Result<uint64_t> SecurityToken::split(CallContext& ctx, const U256& numerator,
                                      const U256& denominator, const std::string& reason,
                                      const Bytes32& doc) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  STOA_TRY(require_investors_ready());
  if (reason.empty() || reason.size() > kMaxReasonBytes || doc.is_zero()) {
    return make_revert(ErrorId::kReasonRequired);
  }
  STOA_TRY(check_ratio(numerator, denominator));
  if (splits_.size() >= kMaxSplits) return make_revert(ErrorId::kTooManySplits, {U256(kMaxSplits)});
  const U256 before = total_supply_.get();
  if (!before.checked_mul(numerator)) {
    return make_revert(ErrorId::kSplitOverflow, {before, numerator});
  }
  Split s{numerator, denominator, ctx.block.timestamp, before, U256(0)};
  SplitTotals t;
  split_pass(s, t);
  if (const uint64_t id = snapshot_id_.get(); id != 0 && !supply_checkpoints_.contains(id)) {
    undo_log()->charge(gas::kNewEntry);
    supply_checkpoints_.set(id, Recorded{before, true});
  }
  write_split_totals(t);
  split_holds(s);
  split_frozen(s);
  s.supply_after = t.supply;
  const uint64_t split_id = splits_.size() + 1;
  splits_.set(split_id - 1, s);
  emit(ctx, "Split", {U256(split_id), numerator, denominator, before, t.supply});
  emit(ctx, "CorporateAction",
       {abi::Value::bytes32(action_name("SPLIT")), ctx.sender, reason, abi::Value::bytes32(doc)});
  split_caps(ctx, s);  // emits the restriction's MaxTransferAmountSet
  return split_id;
}

Result<Split> SecurityToken::split_at(const U256& id) const {
  if (id.is_zero() || id > U256(splits_.size())) {
    return make_revert(ErrorId::kSplitNotFound, {id});
  }
  return splits_.get(id.low64() - 1);
}

Result<std::pair<U256, U256>> SecurityToken::fractional_shares_of(const Address& holder,
                                                                  const U256& id) const {
  Result<Split> s = split_at(id);
  if (!s.ok()) return s.take_revert();
  const uint64_t i = id.low64();
  const uint64_t e = epoch_of(holder);
  if (e >= i) {
    const U256* f = fractions_.find(HolderSplit{holder, i});
    return std::make_pair(f == nullptr ? U256(0) : *f, s.value().denominator);
  }
  const U256 x = convert(balances_.get(holder), e, i - 1);
  const U256 fraction = *x.checked_mul(s.value().numerator)->checked_mod(s.value().denominator);
  return std::make_pair(fraction, s.value().denominator);
}

// --- Checkpoints across splits: a recorded value carries the epoch it was stored at; a snapshot
// the epoch it was taken at; a value is converted from the one to the other.
uint64_t SecurityToken::snapshot_epoch(uint64_t id) const {
  return snapshot_epochs_.size() == 0 ? 0 : snapshot_epochs_.get(id);
}

void SecurityToken::tag_checkpoint(const Address& holder, const Bytes32* partition, uint64_t id) {
  const uint64_t e = epoch_of(holder);
  if (e == 0) return;
  if (partition == nullptr) {
    balance_checkpoint_epochs_.set(HolderCheckpoint{holder, id}, e);
  } else {
    partition_checkpoint_epochs_.set(PartitionCheckpoint{holder, *partition, id}, e);
  }
}

// The default partition at snapshot `id`: the balance then less the named partitions then (the
// holder's current ones and those recorded since), which is exact across splits.
U256 SecurityToken::default_at(const Address& holder, uint64_t id) const {
  U256 named;
  Bytes32 last;
  bool any = false;
  auto add = [&](const Bytes32& p) {
    if (p == kDefaultPartition || (any && p == last)) return;
    any = true;
    last = p;
    Result<U256> v = balance_of_by_partition_at(p, holder, U256(id));
    named = named.checked_add(v.value()).value_or(U256::max());
  };
  // Both ranges are ascending by partition; a partition in both is added once.
  std::vector<Bytes32> parts;
  for (auto it = partition_checkpoints_.lower_bound(PartitionCheckpoint{holder, {}, 0});
       it != partition_checkpoints_.end() && it->first.holder == holder; ++it) {
    if (it->first.id >= id) parts.push_back(it->first.partition);
  }
  for (auto it = partition_balances_.lower_bound(HolderPartition{holder, kDefaultPartition});
       it != partition_balances_.end() && it->first.holder == holder; ++it) {
    parts.push_back(it->first.partition);
  }
  std::sort(parts.begin(), parts.end());
  for (const Bytes32& p : parts)
    add(p);
  const U256 balance = balance_of_at(holder, U256(id)).value();
  return balance.checked_sub(named).value_or(U256(0));
}

// --- Encoding: after the lots when the eligibility byte has its 0x08 bit.
bool SecurityToken::splits_empty() const {
  return splits_.size() == 0 && holder_epochs_.size() == 0 && balance_checkpoint_epochs_.empty() &&
         partition_checkpoint_epochs_.empty() && snapshot_epochs_.size() == 0 && fractions_.empty();
}

void SecurityToken::encode_splits(StateEncoder& enc) const {
  splits_.encode_content(enc);
  holder_epochs_.encode_content(enc);
  balance_checkpoint_epochs_.encode_content(enc);
  partition_checkpoint_epochs_.encode_content(enc);
  snapshot_epochs_.encode_content(enc);
  fractions_.encode_content(enc);
}

namespace {
template <typename Map, typename K, typename V>
void decode_map(StateDecoder& dec, Map& map, size_t min_entry_bytes) {
  for (uint64_t n = dec.count(min_entry_bytes); n > 0 && dec.ok(); --n) {
    K k;
    state_get(dec, k);
    V v;
    state_get(dec, v);
    map.set(k, v);
  }
}
}  // namespace

void SecurityToken::decode_splits(StateDecoder& dec) {
  decode_map<decltype(splits_), uint64_t, Split>(dec, splits_, 8 + 104);
  decode_map<decltype(holder_epochs_), Address, uint64_t>(dec, holder_epochs_, 28);
  decode_map<decltype(balance_checkpoint_epochs_), HolderCheckpoint, uint64_t>(
      dec, balance_checkpoint_epochs_, 36);
  decode_map<decltype(partition_checkpoint_epochs_), PartitionCheckpoint, uint64_t>(
      dec, partition_checkpoint_epochs_, 68);
  decode_map<decltype(snapshot_epochs_), uint64_t, uint64_t>(dec, snapshot_epochs_, 16);
  decode_map<decltype(fractions_), HolderSplit, U256>(dec, fractions_, 29);
}

void SecurityToken::describe_splits(std::vector<FieldInfo>& out) const {
  out.push_back(FieldInfo{"splits", &splits_, false});
  out.push_back(FieldInfo{"holder_epochs", &holder_epochs_, false});
  out.push_back(FieldInfo{"balance_checkpoint_epochs", &balance_checkpoint_epochs_, false});
  out.push_back(FieldInfo{"partition_checkpoint_epochs", &partition_checkpoint_epochs_, false});
  out.push_back(FieldInfo{"snapshot_epochs", &snapshot_epochs_, false});
  out.push_back(FieldInfo{"fractions", &fractions_, false});
}

// --- ABI (rules version 6: with_balance_model_abi introduces them).
std::vector<MethodSpec> split_methods() {
  AbiRegistry<SecurityToken> reg;
  reg.call("split", {"numerator", "denominator", "reason", "documentRef"}, {"splitId"},
           "CORPORATE_ACTION_ROLE: a split of numerator/denominator (3-for-2: 3, 2; reverse "
           "1-for-10: 1, 10; reduced, both below 2^64) of every holder, partition, lot, hold, "
           "partial freeze, checkpoint and share cap, in one transaction that writes nothing per "
           "holder; each amount is floored (docs/balance-model.md, \"Splits\").",
           [](SecurityToken& c, CallContext& ctx, const U256& n, const U256& d,
              const std::string& reason, const Bytes32& doc) -> Result<U256> {
             Result<uint64_t> id = c.split(ctx, n, d, reason, doc);
             if (!id.ok()) return id.take_revert();
             return U256(id.value());
           });
  reg.view("splitCount", {}, "Splits so far (ids 1 .. splitCount).",
           [](SecurityToken& c) -> U256 { return U256(c.split_count()); });
  reg.view(
      "splitAt", {"splitId"},
      {"numerator", "denominator", "timestamp", "supplyBefore", "supplyAfter"},
      "A split's ratio, block time and total supply before and after it.",
      [](SecurityToken& c, const U256& id) -> Result<std::tuple<U256, U256, U256, U256, U256>> {
        Result<Split> s = c.split_at(id);
        if (!s.ok()) return s.take_revert();
        const Split& v = s.value();
        return std::make_tuple(v.numerator, v.denominator, U256(v.timestamp), v.supply_before,
                               v.supply_after);
      });
  reg.view(
      "fractionalSharesOf", {"account", "splitId"}, {"numerator", "denominator"},
      "The fraction of a share the account's balance lost at the split (numerator / "
      "denominator): owed as cash in lieu.",
      [](SecurityToken& c, const Address& a, const U256& id) -> Result<std::tuple<U256, U256>> {
        Result<std::pair<U256, U256>> f = c.fractional_shares_of(a, id);
        if (!f.ok()) return f.take_revert();
        return std::make_tuple(f.value().first, f.value().second);
      });
  return reg.take();
}

std::vector<EventSpec> split_events() {
  return {{"Split",
           {{"splitId", "uint256", true},
            {"numerator", "uint256"},
            {"denominator", "uint256"},
            {"supplyBefore", "uint256"},
            {"supplyAfter", "uint256"}},
           "A split: every balance b becomes floor(b × numerator / denominator) (per holder, "
           "partition, lot and hold; fractional shares: fractionalSharesOf). No Transfer events."}};
}

}  // namespace stoa::core
