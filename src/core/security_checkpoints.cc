// Checkpoints (OpenZeppelin ERC20Snapshot's ABI): docs/balance-model.md, "Checkpoints". Taking a
// snapshot is O(1): it bumps the id. The first change of a value after a snapshot stores its value
// then under the snapshot's id, in ordered maps keyed (holder[, partition], id), so a lookup at
// any id is one lower_bound: the first entry at or above the id, or the current value if none.
// From rules version 6 partition supplies are recorded the same way (rules::partition_supply_at).
#include "stoa/core/abi_registry.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {
// Partition supplies (rules::partition_supply_at) are recorded in partition_checkpoints_ under
// the zero address, which never holds shares: (0, p, id) a named partition's supply and
// (0, default, id) the Σ of the named partitions' supplies (the default partition's supply is the
// total supply less it), each before its first change after snapshot id; (0, default, 0) holds
// the first snapshot id they are recorded for (snapshot ids start at 1).
PartitionCheckpoint supply_key(const Bytes32& partition, uint64_t id) {
  return PartitionCheckpoint{Address{}, partition, id};
}
const PartitionCheckpoint kSupplyRecordedFrom{Address{}, kDefaultPartition, 0};
}  // namespace

Result<uint64_t> SecurityToken::snapshot(CallContext& ctx) {
  if (!access_.has_role(roles::dividend_admin(), ctx.sender)) {
    STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  }
  const uint64_t id = snapshot_id_.get() + 1;
  snapshot_id_.set(id);
  snapshot_times_.set(id, ctx.block.timestamp);
  if (rules::partition_supply_at(ctx.block.rules) &&
      !partition_checkpoints_.contains(kSupplyRecordedFrom)) {
    undo_log()->charge(gas::kNewEntry);
    partition_checkpoints_.set(kSupplyRecordedFrom, Recorded{U256(id), true});
  }
  if (splits_.size() != 0) snapshot_epochs_.set(id, splits_.size());  // its split epoch
  emit(ctx, "Snapshot", {U256(id)});
  return id;
}

// Before a movement writes balances (apply): its holders and, for issuance and redemption, the
// total supply.
void SecurityToken::checkpoint_movement(const Movement& m) {
  if (!m.from.is_zero()) checkpoint_holder(m.from);
  if (!m.to.is_zero()) checkpoint_holder(m.to);
  if (m.from.is_zero() || m.to.is_zero()) {
    const uint64_t id = snapshot_id_.get();
    undo_log()->charge(gas::kRead);
    if (!supply_checkpoints_.contains(id)) {
      undo_log()->charge(gas::kNewEntry);
      supply_checkpoints_.set(id, Recorded{total_supply_.get(), true});
    }
  }
}

// A holder's balance and default-partition amount, once per snapshot, before they change.
void SecurityToken::checkpoint_holder(const Address& holder) {
  const uint64_t id = snapshot_id_.get();
  const HolderCheckpoint key{holder, id};
  undo_log()->charge(gas::kRead);
  if (balance_checkpoints_.contains(key)) return;
  undo_log()->charge(2 * gas::kNewEntry);
  // Stored values, at the holder's split epoch (recorded with them when not 0).
  balance_checkpoints_.set(key, Recorded{balances_.get(holder), true});
  partition_checkpoints_.set(PartitionCheckpoint{holder, kDefaultPartition, id},
                             Recorded{raw_default_amount(holder), true});
  if (splits_.size() != 0) {
    tag_checkpoint(holder, nullptr, id);
    tag_checkpoint(holder, &kDefaultPartition, id);
  }
}

// A named partition's amount (and, as it changes the default one, the holder's), before it changes.
void SecurityToken::checkpoint_partition(const Address& holder, const Bytes32& partition) {
  checkpoint_holder(holder);
  if (partition == kDefaultPartition) return;
  const PartitionCheckpoint key{holder, partition, snapshot_id_.get()};
  undo_log()->charge(gas::kRead);
  if (partition_checkpoints_.contains(key)) return;
  undo_log()->charge(gas::kNewEntry);
  partition_checkpoints_.set(
      key, Recorded{partition_balances_.get(HolderPartition{holder, partition}), true});
  if (splits_.size() != 0) tag_checkpoint(holder, &partition, key.id);
}

// A named partition's supply and the Σ of the named partitions' supplies, once per snapshot,
// before they change (from the first snapshot taken under rules::partition_supply_at).
void SecurityToken::checkpoint_partition_supply(const Bytes32& partition) {
  if (!partition_checkpoints_.contains(kSupplyRecordedFrom)) return;  // before V6: as it was
  const uint64_t id = snapshot_id_.get();
  for (const auto& [key, value] :
       {std::pair{supply_key(partition, id), partition_supply_.get(partition)},
        std::pair{supply_key(kDefaultPartition, id), partitioned_supply_.get()}}) {
    undo_log()->charge(gas::kRead);
    if (partition_checkpoints_.contains(key)) continue;
    undo_log()->charge(gas::kNewEntry);
    partition_checkpoints_.set(key, Recorded{value, true});
  }
}

Result<uint64_t> SecurityToken::checked_snapshot_id(const U256& id) const {
  const uint64_t current = snapshot_id_.get();
  if (id.is_zero() || id > U256(current)) {
    return make_revert(ErrorId::kSnapshotIdInvalid, {id, U256(current)});
  }
  return id.low64();
}

Result<U256> SecurityToken::balance_of_at(const Address& holder, const U256& id) const {
  Result<uint64_t> at = checked_snapshot_id(id);
  if (!at.ok()) return at.take_revert();
  // A value stored at epoch e is converted to the snapshot's epoch (never below e: a holder's
  // amounts are rewritten only after recording them for the current snapshot).
  const uint64_t epoch = snapshot_epoch(at.value());
  auto it = balance_checkpoints_.lower_bound(HolderCheckpoint{holder, at.value()});
  if (it != balance_checkpoints_.end() && it->first.holder == holder) {
    if (balance_checkpoint_epochs_.empty()) return convert(it->second.value, 0, epoch);
    const uint64_t* e = balance_checkpoint_epochs_.find(it->first);
    return convert(it->second.value, e == nullptr ? 0 : *e, epoch);
  }
  return convert(balances_.get(holder), epoch_of(holder), epoch);
}

Result<U256> SecurityToken::total_supply_at(const U256& id) const {
  Result<uint64_t> at = checked_snapshot_id(id);
  if (!at.ok()) return at.take_revert();
  auto it = supply_checkpoints_.lower_bound(at.value());
  if (it != supply_checkpoints_.end()) return it->second.value;
  return total_supply_.get();
}

Result<U256> SecurityToken::balance_of_by_partition_at(const Bytes32& partition,
                                                       const Address& holder,
                                                       const U256& id) const {
  Result<uint64_t> at = checked_snapshot_id(id);
  if (!at.ok()) return at.take_revert();
  if (holder.is_zero()) return U256(0);  // its entries are the partition supplies' records
  const uint64_t epoch = snapshot_epoch(at.value());
  auto it = partition_checkpoints_.lower_bound(PartitionCheckpoint{holder, partition, at.value()});
  const bool recorded = it != partition_checkpoints_.end() && it->first.holder == holder &&
                        it->first.partition == partition;
  uint64_t stored_epoch = epoch_of(holder);
  if (recorded) {
    const uint64_t* e = partition_checkpoint_epochs_.empty()
                            ? nullptr
                            : partition_checkpoint_epochs_.find(it->first);
    stored_epoch = e == nullptr ? 0 : *e;
  }
  // The default partition is the balance less the named ones: across a split it is recomputed
  // from them (each floored), not converted itself.
  if (partition == kDefaultPartition && stored_epoch != epoch) {
    return default_at(holder, at.value());
  }
  if (recorded) return convert(it->second.value, stored_epoch, epoch);
  if (partition == kDefaultPartition) return raw_default_amount(holder);
  return convert(partition_balances_.get(HolderPartition{holder, partition}), stored_epoch, epoch);
}

Result<U256> SecurityToken::total_supply_by_partition_at(const Bytes32& partition,
                                                         const U256& id) const {
  Result<uint64_t> at = checked_snapshot_id(id);
  if (!at.ok()) return at.take_revert();
  const Recorded* from = partition_checkpoints_.find(kSupplyRecordedFrom);
  if (from == nullptr || U256(at.value()) < from->value) {
    return make_revert(ErrorId::kSnapshotIdInvalid, {id, U256(snapshot_id_.get())});
  }
  auto recorded = [&](const Bytes32& p, const U256& now) {
    auto it = partition_checkpoints_.lower_bound(supply_key(p, at.value()));
    if (it != partition_checkpoints_.end() && it->first.holder.is_zero() &&
        it->first.partition == p) {
      return it->second.value;
    }
    return now;
  };
  if (partition != kDefaultPartition) return recorded(partition, partition_supply_.get(partition));
  Result<U256> total = total_supply_at(id);
  if (!total.ok()) return total.take_revert();
  const U256 named = recorded(kDefaultPartition, partitioned_supply_.get());
  return total.value().checked_sub(named).value_or(U256(0));
}

namespace {
using Args = const abi::ValueList&;
SecurityToken& tok(Contract& c) {
  return static_cast<SecurityToken&>(c);
}
Result<Outputs> one(Result<U256> r) {
  if (!r.ok()) return r.take_revert();
  return Outputs{r.value()};
}
}  // namespace

std::vector<MethodSpec> checkpoint_methods() {
  return {
      {"snapshot",
       {},
       {{"", "uint256"}},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args) -> Result<Outputs> {
         Result<uint64_t> id = tok(c).snapshot(ctx);
         if (!id.ok()) return id.take_revert();
         return Outputs{U256(id.value())};
       },
       "CORPORATE_ACTION_ROLE or DIVIDEND_ADMIN_ROLE: a checkpoint of every balance now (a record "
       "date), in constant time; returns its id (1, 2, ...)."},
      {"currentSnapshotId",
       {},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args) -> Result<Outputs> {
         return Outputs{U256(tok(c).current_snapshot_id())};
       },
       "The latest snapshot id (0: none yet)."},
      {"snapshotTime",
       {{"snapshotId", "uint256"}},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         const U256& id = a[0].u256();
         return Outputs{U256(id.fits_u64() ? tok(c).snapshot_time(id.low64()) : 0)};
       },
       "The block time the snapshot was taken at (0: no such snapshot)."},
      {"balanceOfAt",
       {{"account", "address"}, {"snapshotId", "uint256"}},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         return one(tok(c).balance_of_at(a[0].address(), a[1].u256()));
       },
       "ERC20Snapshot: the balance at the snapshot (SnapshotIdInvalid for 0 or a future id)."},
      {"totalSupplyAt",
       {{"snapshotId", "uint256"}},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         return one(tok(c).total_supply_at(a[0].u256()));
       },
       "ERC20Snapshot: the total supply at the snapshot."},
      {"balanceOfByPartitionAt",
       {{"partition", "bytes32"}, {"account", "address"}, {"snapshotId", "uint256"}},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         return one(
             tok(c).balance_of_by_partition_at(a[0].as_bytes32(), a[1].address(), a[2].u256()));
       },
       "The holder's amount in the partition at the snapshot."},
  };
}

// Rules version 6 (rules::partition_supply_at): what dividends per partition need at a record
// date.
void extend_with_partition_supply_at_abi(ContractAbi& abi) {
  AbiRegistry<SecurityToken> reg;
  reg.view<&SecurityToken::total_supply_by_partition_at>(
      "totalSupplyByPartitionAt", {"partition", "snapshotId"},
      "The partition's total supply at the snapshot (SnapshotIdInvalid for 0, a future id, or a "
      "snapshot taken before rules version 6 recorded partition supplies).");
  abi.extend(reg.take(), {}, {}, Rules::kV6);
}

std::vector<EventSpec> checkpoint_events() {
  return {{"Snapshot", {{"id", "uint256"}}, "ERC20Snapshot: a snapshot was taken."}};
}

// --- The balance model's encoding: after the eligibility byte, when any container holds
// anything (docs/balance-model.md, "Encoding"): each container's content in slot order.
namespace {
template <typename K, typename V, typename M>
void decode_entries(StateDecoder& dec, M& m) {
  m.clear();
  for (uint64_t n = dec.count(1); n > 0 && dec.ok(); --n) {
    K k{};
    state_get(dec, k);
    V v{};
    state_get(dec, v);
    m.set(k, v);
  }
}
template <typename T>
void decode_value(StateDecoder& dec, JValue<T>& jv) {
  T v{};
  state_get(dec, v);
  jv.set(v);
}
}  // namespace

bool SecurityToken::balance_model_empty() const {
  return partition_balances_.empty() && partitioned_.size() == 0 && partition_supply_.size() == 0 &&
         partitioned_supply_.get().is_zero() && partition_rules_.size() == 0 &&
         operators_.size() == 0 && partition_operators_.size() == 0 && holds_.size() == 0 &&
         held_.size() == 0 && held_total_.size() == 0 && snapshot_id_.get() == 0 &&
         snapshot_times_.size() == 0 && balance_checkpoints_.empty() &&
         partition_checkpoints_.empty() && supply_checkpoints_.empty();
}

void SecurityToken::encode_balance_model(StateEncoder& enc) const {
  partition_balances_.encode_content(enc);
  partitioned_.encode_content(enc);
  partition_supply_.encode_content(enc);
  partitioned_supply_.encode_content(enc);
  partition_rules_.encode_content(enc);
  operators_.encode_content(enc);
  partition_operators_.encode_content(enc);
  holds_.encode_content(enc);
  held_.encode_content(enc);
  held_total_.encode_content(enc);
  snapshot_id_.encode_content(enc);
  snapshot_times_.encode_content(enc);
  balance_checkpoints_.encode_content(enc);
  partition_checkpoints_.encode_content(enc);
  supply_checkpoints_.encode_content(enc);
}

void SecurityToken::decode_balance_model(StateDecoder& dec) {
  decode_entries<HolderPartition, U256>(dec, partition_balances_);
  decode_entries<Address, U256>(dec, partitioned_);
  decode_entries<Bytes32, U256>(dec, partition_supply_);
  decode_value(dec, partitioned_supply_);
  decode_entries<Bytes32, PartitionRule>(dec, partition_rules_);
  decode_entries<AddressPair, bool>(dec, operators_);
  decode_entries<PartitionOperator, bool>(dec, partition_operators_);
  decode_entries<Bytes32, Hold>(dec, holds_);
  decode_entries<HolderPartition, U256>(dec, held_);
  decode_entries<Address, U256>(dec, held_total_);
  decode_value(dec, snapshot_id_);
  decode_entries<uint64_t, uint64_t>(dec, snapshot_times_);
  decode_entries<HolderCheckpoint, Recorded>(dec, balance_checkpoints_);
  decode_entries<PartitionCheckpoint, Recorded>(dec, partition_checkpoints_);
  decode_entries<uint64_t, Recorded>(dec, supply_checkpoints_);
}

void SecurityToken::describe_balance_model(std::vector<FieldInfo>& out) const {
  out.push_back(FieldInfo{"partition_balances", &partition_balances_, false});
  out.push_back(FieldInfo{"partitioned", &partitioned_, false});
  out.push_back(FieldInfo{"partition_supply", &partition_supply_, false});
  out.push_back(FieldInfo{"partitioned_supply", &partitioned_supply_, false});
  out.push_back(FieldInfo{"partition_rules", &partition_rules_, false});
  out.push_back(FieldInfo{"operators", &operators_, false});
  out.push_back(FieldInfo{"partition_operators", &partition_operators_, false});
  out.push_back(FieldInfo{"holds", &holds_, false});
  out.push_back(FieldInfo{"held", &held_, false});
  out.push_back(FieldInfo{"held_total", &held_total_, false});
  out.push_back(FieldInfo{"snapshot_id", &snapshot_id_, false});
  out.push_back(FieldInfo{"snapshot_times", &snapshot_times_, false});
  out.push_back(FieldInfo{"balance_checkpoints", &balance_checkpoints_, false});
  out.push_back(FieldInfo{"partition_checkpoints", &partition_checkpoints_, false});
  out.push_back(FieldInfo{"supply_checkpoints", &supply_checkpoints_, false});
}

}  // namespace stoa::core
