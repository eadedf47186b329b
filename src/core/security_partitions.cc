// Partitions of a security (ERC-1410, ERC-1594's issuance and redemption, ERC-1066 statuses):
// docs/balance-model.md, "Partitions". The token's balance slot stays each holder's total; the
// amounts of partitions other than the default one are stored in their own slots, and the
// default partition's amount is the balance less them.
#include <algorithm>

#include "stoa/core/codes.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {
namespace {
bool change_partition_flag(const Bytes& data, Bytes32* destination) {
  if (data.size() != kChangePartitionDataBytes) return false;
  if (!std::all_of(data.begin(), data.begin() + 32, [](uint8_t b) { return b == 0xff; })) {
    return false;
  }
  std::copy(data.begin() + 32, data.end(), destination->b.begin());
  return true;
}
}  // namespace

// At the current split epoch: a holder not yet brought to it (security_splits.cc) has its balance
// and each named partition converted; the default partition is the balance less them.
U256 SecurityToken::default_amount(const Address& holder) const {
  const uint64_t k = splits_.size();
  if (k == 0 || epoch_of(holder) == k) return raw_default_amount(holder);
  U256 named;
  for (auto it = partition_balances_.lower_bound(HolderPartition{holder, kDefaultPartition});
       it != partition_balances_.end() && it->first.holder == holder; ++it) {
    named = *named.checked_add(now_of(holder, it->second));
  }
  return balance_of(holder).checked_sub(named).value_or(U256(0));  // Σ floor <= floor Σ
}

U256 SecurityToken::balance_of_by_partition(const Bytes32& partition, const Address& holder) const {
  if (partition == kDefaultPartition) return default_amount(holder);
  return named_now(holder, partition);
}

std::vector<Bytes32> SecurityToken::partitions_of(const Address& holder) const {
  std::vector<Bytes32> out;
  if (!default_amount(holder).is_zero()) out.push_back(kDefaultPartition);
  for (auto it = partition_balances_.lower_bound(HolderPartition{holder, kDefaultPartition});
       it != partition_balances_.end() && it->first.holder == holder; ++it) {
    if (splits_.size() == 0 || !now_of(holder, it->second).is_zero()) {
      out.push_back(it->first.partition);
    }
  }
  return out;
}

U256 SecurityToken::total_supply_by_partition(const Bytes32& partition) const {
  if (partition != kDefaultPartition) return partition_supply_.get(partition);
  return total_supply_.get().checked_sub(partitioned_supply_.get()).value_or(U256(0));
}

U256 SecurityToken::free_in_partition(const Address& holder, const Bytes32& partition) const {
  const U256 amount = balance_of_by_partition(partition, holder);
  if (held_.size() == 0) return amount;
  return amount.checked_sub(held_.get(HolderPartition{holder, partition})).value_or(U256(0));
}

bool SecurityToken::is_operator(const Address& op, const Address& holder) const {
  return op == holder || operators_.get(AddressPair{holder, op});
}

bool SecurityToken::is_operator_for_partition(const Bytes32& partition, const Address& op,
                                              const Address& holder) const {
  return is_operator(op, holder) ||
         partition_operators_.get(PartitionOperator{holder, op, partition});
}

// The partition's own rules for this movement: sender-side for a holder's own moves, receiver-side
// for deliveries (as the other rules; the agent's moves meet none).
uint8_t SecurityToken::partition_rule_code(const Bytes32& partition, const Movement& m) const {
  if (partition_rules_.size() == 0) return 0;
  const PartitionRule* r = partition_rules_.find(partition);
  if (r == nullptr) return 0;
  if (m.sender_checked() && r->lockup_until > m.timestamp) return code::kPartitionLocked;
  if (m.receiver_checked() && r->blocked_jurisdiction != 0 && m.timestamp < r->block_until &&
      !m.to.is_zero()) {
    const ComplianceRegistry* reg = registry_.get();
    const Jurisdiction j = reg == nullptr ? 0 : reg->get(m.to).jurisdiction;
    if (j == r->blocked_jurisdiction) return code::kPartitionJurisdictionBlocked;
  }
  return 0;
}

// The default partition order (docs/balance-model.md): a plain movement takes the sender's free
// amount (less held) of the default partition first, then of its other partitions in ascending
// order of their bytes32 names, skipping any whose rules refuse the movement. With `drawable`
// set every partition is visited and the free amounts open to the movement are summed; without
// it the walk stops once the amount is covered.
std::vector<std::pair<Bytes32, U256>> SecurityToken::draw_plan(const Movement& m, U256* drawable,
                                                               uint8_t* first_refusal) const {
  std::vector<std::pair<Bytes32, U256>> legs;
  U256 need = m.amount;
  U256 open;
  const bool checked = m.sender_checked() || m.receiver_checked();
  auto take = [&](const Bytes32& p, const U256& free) {
    if (free.is_zero()) return;
    if (checked) {
      const uint8_t c = partition_rule_code(p, m);
      if (c != 0) {
        if (first_refusal != nullptr && *first_refusal == 0) *first_refusal = c;
        return;
      }
    }
    open = open.checked_add(free).value_or(U256::max());
    if (need.is_zero()) return;
    const U256 x = std::min(need, free);
    legs.emplace_back(p, x);
    need = *need.checked_sub(x);
  };
  take(kDefaultPartition, free_in_partition(m.from, kDefaultPartition));
  if (!partitioned_.get(m.from).is_zero()) {
    for (auto it = partition_balances_.lower_bound(HolderPartition{m.from, kDefaultPartition});
         it != partition_balances_.end() && it->first.holder == m.from; ++it) {
      if (drawable == nullptr && need.is_zero()) break;
      undo_log()->charge(gas::kIterate);
      take(it->first.partition, free_in_partition(m.from, it->first.partition));
    }
  }
  if (drawable != nullptr) *drawable = open;
  return legs;
}

U256 SecurityToken::plain_drawable(const Address& from, const Address& to,
                                   uint64_t timestamp) const {
  if (!partitions_in_use()) return U256::max();
  Movement m;
  m.kind = MovementKind::kTransfer;
  m.from = from;
  m.to = to;
  m.timestamp = timestamp;
  U256 drawable;
  draw_plan(m, &drawable, nullptr);
  return drawable;
}

// The partition facts of a movement (its refusal code, 23-25, or 0): for a movement of one
// partition, that partition's rules and the sender's free amount in it; for a plain movement,
// whether the partitions open to it hold the amount.
void SecurityToken::partition_facts(Movement& m) const {
  uint8_t c = 0;
  const bool checked = m.sender_checked() || m.receiver_checked();
  if (m.by_partition) {
    if (checked) c = partition_rule_code(m.partition, m);
    if (c == 0 && !m.from.is_zero() && free_in_partition(m.from, m.partition) < m.amount) {
      c = code::kPartitionBalance;
    }
  } else if (m.from.is_zero()) {
    if (checked) c = partition_rule_code(kDefaultPartition, m);
  } else if (checked) {
    U256 drawable;
    uint8_t refusal = 0;
    draw_plan(m, &drawable, &refusal);
    if (drawable < m.amount) c = refusal != 0 ? refusal : code::kPartitionBalance;
  }
  m.partition_code = c;
}

void SecurityToken::set_partition_amount(const Address& holder, const Bytes32& partition,
                                         const U256& v) {
  if (snapshot_id_.get() != 0) checkpoint_partition(holder, partition);
  const HolderPartition key{holder, partition};
  const U256 before = partition_balances_.get(key);
  undo_log()->charge(before.is_zero() && !v.is_zero() ? gas::kNewEntry : gas::kWrite);
  partition_balances_.set(key, v);
  const U256 sum = partitioned_.get(holder);
  partitioned_.set(holder, v < before ? *sum.checked_sub(*before.checked_sub(v))
                                      : *sum.checked_add(*v.checked_sub(before)));
}

void SecurityToken::add_partition_supply(const Bytes32& partition, const U256& amount, bool add) {
  if (partition == kDefaultPartition || amount.is_zero()) return;
  if (snapshot_id_.get() != 0) checkpoint_partition_supply(partition);
  const U256 s = partition_supply_.get(partition);
  partition_supply_.set(partition, add ? *s.checked_add(amount) : *s.checked_sub(amount));
  const U256 t = partitioned_supply_.get();
  partitioned_supply_.set(add ? *t.checked_add(amount) : *t.checked_sub(amount));
}

// Before the balances move (apply): the partition amounts. A plain movement follows its draw
// plan (nothing to write while only the default partition is in use), a movement of one partition
// moves that partition into its destination.
void SecurityToken::apply_partitions(CallContext& ctx, const Movement& m) {
  if (!m.by_partition && partitioned_supply_.get().is_zero()) return;
  std::vector<std::pair<Bytes32, U256>> legs;
  if (m.by_partition) {
    legs.emplace_back(m.partition, m.amount);
  } else if (m.from.is_zero()) {
    return;  // plain issuance: the default partition
  } else {
    legs = draw_plan(m, nullptr, nullptr);
  }
  for (const auto& [p, x] : legs) {
    const Bytes32 q = m.by_partition ? m.dest_partition : p;
    if (p == q && m.from == m.to) continue;
    if (!m.from.is_zero() && p != kDefaultPartition) {
      set_partition_amount(m.from, p, *balance_of_by_partition(p, m.from).checked_sub(x));
    }
    if (!m.to.is_zero() && q != kDefaultPartition) {
      set_partition_amount(m.to, q, *balance_of_by_partition(q, m.to).checked_add(x));
    }
    if (m.from.is_zero() || p != q) add_partition_supply(q, x, true);
    if (m.to.is_zero() || p != q) add_partition_supply(p, x, false);
    if (!m.by_partition && !m.to.is_zero()) {
      emit(ctx, "TransferByPartition",
           {abi::Value::bytes32(p), ctx.sender, m.from, m.to, x, Bytes{}, Bytes{}});
    } else if (!m.by_partition && rules::burn_partition_events(ctx.block.rules)) {
      emit(ctx, "RedeemedByPartition",
           {abi::Value::bytes32(p), ctx.sender, m.from, x, Bytes{}, Bytes{}});
    }
  }
}

Result<Bytes32> SecurityToken::move_by_partition(CallContext& ctx, MovementKind kind,
                                                 const Address& from, const Address& to,
                                                 const Bytes32& partition,
                                                 const Bytes32& destination, const U256& value,
                                                 const Bytes& data, const Bytes& operator_data) {
  if (from.is_zero()) return make_revert(ErrorId::kERC20InvalidSender, {from});
  if (to.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {to});
  STOA_TRY(require_investors_ready());
  prefetch_transfer(from, to);
  Movement m = movement(kind, from, to, value, ctx.block.timestamp);
  m.by_partition = true;
  m.partition = partition;
  m.dest_partition = destination;
  partition_facts(m);
  RuleSink sink;
  evaluate(m, sink);
  uint8_t c = sink.first_code();
  if (c == 0 && !m.sender_checked() && !m.receiver_checked()) c = m.partition_code;
  if (c == code::kInsufficientBalance) {
    return make_revert(ErrorId::kERC20InsufficientBalance, {from, m.from_balance, value});
  }
  if (c != 0) return make_revert(ErrorId::kTransferRestricted, {U256(c)});
  apply(ctx, m);
  emit(ctx, "TransferByPartition",
       {abi::Value::bytes32(partition), ctx.sender, from, to, value, data, operator_data});
  if (destination != partition) {
    emit(ctx, "ChangedPartition",
         {abi::Value::bytes32(partition), abi::Value::bytes32(destination), value});
  }
  return destination;
}

Result<Bytes32> SecurityToken::transfer_by_partition(CallContext& ctx, const Bytes32& partition,
                                                     const Address& to, const U256& value,
                                                     const Bytes& data) {
  return operator_transfer_by_partition(ctx, partition, ctx.sender, to, value, data, Bytes{});
}

// A change of partition (UniversalToken's data flag) is a corporate action: CORPORATE_ACTION_ROLE,
// no rule applies (as for forced transfers), and no operator authorisation is needed.
Result<Bytes32> SecurityToken::operator_transfer_by_partition(
    CallContext& ctx, const Bytes32& partition, const Address& from, const Address& to,
    const U256& value, const Bytes& data, const Bytes& operator_data) {
  Bytes32 destination = partition;
  if (change_partition_flag(data, &destination)) {
    STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
    return move_by_partition(ctx, MovementKind::kCorporateAction, from, to, partition, destination,
                             value, data, operator_data);
  }
  if (!is_operator_for_partition(partition, ctx.sender, from)) {
    return make_revert(ErrorId::kNotOperator, {ctx.sender, from, abi::Value::bytes32(partition)});
  }
  const MovementKind kind =
      ctx.sender == from ? MovementKind::kTransfer : MovementKind::kTransferFrom;
  return move_by_partition(ctx, kind, from, to, partition, partition, value, data, operator_data);
}

Status SecurityToken::issue_by_partition(CallContext& ctx, const Bytes32& partition,
                                         const Address& to, const U256& value, const Bytes& data) {
  STOA_TRY(access_.require(roles::minter(), ctx.sender));
  STOA_TRY(require_investors_ready());
  if (to.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {to});
  if (!total_supply_.get().checked_add(value)) {
    return make_revert(ErrorId::kAmountOverflow, {total_supply_.get(), value});
  }
  Movement m = movement(MovementKind::kMint, Address{}, to, value, ctx.block.timestamp);
  m.by_partition = true;
  m.partition = partition;
  m.dest_partition = partition;
  partition_facts(m);
  RuleSink sink;
  evaluate(m, sink);
  if (sink.first_code() != 0) {
    return make_revert(ErrorId::kTransferRestricted, {U256(sink.first_code())});
  }
  apply(ctx, m);
  emit(ctx, "IssuedByPartition", {abi::Value::bytes32(partition), to, value, data});
  return Status::Ok();
}

Status SecurityToken::redeem_by_partition(CallContext& ctx, const Bytes32& partition,
                                          const Address& from, const U256& value, const Bytes& data,
                                          const Bytes& operator_data) {
  STOA_TRY(access_.require(roles::minter(), ctx.sender));
  STOA_TRY(require_investors_ready());
  if (from.is_zero()) return make_revert(ErrorId::kERC20InvalidSender, {from});
  Movement m = movement(MovementKind::kBurn, from, Address{}, value, ctx.block.timestamp);
  m.by_partition = true;
  m.partition = partition;
  m.dest_partition = partition;
  const U256 free = free_in_partition(from, partition);
  if (free < value) {
    return make_revert(ErrorId::kInsufficientFreeBalance,
                       {from, abi::Value::bytes32(partition), free, value});
  }
  unfreeze_shortfall(ctx, from, m.from_balance, value);
  apply(ctx, m);
  emit(ctx, "RedeemedByPartition",
       {abi::Value::bytes32(partition), ctx.sender, from, value, data, operator_data});
  return Status::Ok();
}

SecurityToken::PartitionCheck SecurityToken::can_transfer_by_partition(
    const Address& from, const Address& to, const Bytes32& partition, const U256& value,
    const Bytes& data, uint64_t timestamp) const {
  PartitionCheck out;
  out.destination = partition;
  Bytes32 destination;
  if (change_partition_flag(data, &destination)) out.destination = destination;
  Movement m = movement(MovementKind::kTransfer, from, to, value, timestamp);
  m.by_partition = true;
  m.partition = partition;
  m.dest_partition = out.destination;
  partition_facts(m);
  RuleSink sink;
  evaluate(m, sink);
  out.code = sink.first_code();
  return out;
}

Status SecurityToken::authorize_operator(CallContext& ctx, const Address& op, bool authorize) {
  if (op.is_zero()) return make_revert(ErrorId::kZeroAddress);
  operators_.set(AddressPair{ctx.sender, op}, authorize);
  emit(ctx, authorize ? "AuthorizedOperator" : "RevokedOperator", {op, ctx.sender});
  return Status::Ok();
}

Status SecurityToken::authorize_operator_by_partition(CallContext& ctx, const Bytes32& partition,
                                                      const Address& op, bool authorize) {
  if (op.is_zero()) return make_revert(ErrorId::kZeroAddress);
  partition_operators_.set(PartitionOperator{ctx.sender, op, partition}, authorize);
  emit(ctx, authorize ? "AuthorizedOperatorByPartition" : "RevokedOperatorByPartition",
       {abi::Value::bytes32(partition), op, ctx.sender});
  return Status::Ok();
}

Status SecurityToken::set_partition_rule(CallContext& ctx, const Bytes32& partition,
                                         const PartitionRule& rule) {
  STOA_TRY(access_.require(roles::restriction_admin(), ctx.sender));
  const bool jurisdiction = rule.blocked_jurisdiction != 0;
  if (jurisdiction != (rule.block_until != 0) ||
      (jurisdiction && !valid_jurisdiction(rule.blocked_jurisdiction))) {
    return make_revert(ErrorId::kInvalidPartitionRule, {abi::Value::bytes32(partition)});
  }
  partition_rules_.set(partition, rule);
  emit(ctx, "PartitionRuleSet",
       {abi::Value::bytes32(partition), U256(rule.lockup_until),
        jurisdiction_bytes2(rule.blocked_jurisdiction), U256(rule.block_until)});
  return Status::Ok();
}

}  // namespace stoa::core

namespace stoa::core {
namespace {
using Args = const abi::ValueList&;
SecurityToken& tok(Contract& c) {
  return static_cast<SecurityToken&>(c);
}
Result<uint64_t> seconds(const U256& v) {
  if (!v.fits_u64()) {
    return make_revert(ErrorId::kLimitExceeded, {std::string("time (seconds)"), U256(~0ULL)});
  }
  return v.low64();
}
Result<Outputs> partition_out(Result<Bytes32> r) {
  if (!r.ok()) return r.take_revert();
  return Outputs{abi::Value::bytes32(r.value())};
}

std::vector<MethodSpec> partition_views() {
  return {
      {"balanceOfByPartition",
       {{"partition", "bytes32"}, {"tokenHolder", "address"}},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         return Outputs{tok(c).balance_of_by_partition(a[0].as_bytes32(), a[1].address())};
       },
       "ERC-1410: the holder's amount in the partition (bytes32 zero: the default partition, the "
       "balance not in a named one)."},
      {"partitionsOf",
       {{"tokenHolder", "address"}},
       {{"", "bytes32[]"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         abi::ValueList out;
         for (const Bytes32& p : tok(c).partitions_of(a[0].address()))
           out.push_back(abi::Value::bytes32(p));
         return Outputs{abi::Value(std::move(out))};
       },
       "ERC-1410: the partitions the holder has shares in: the default one first, then ascending."},
      {"totalSupplyByPartition",
       {{"partition", "bytes32"}},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         return Outputs{tok(c).total_supply_by_partition(a[0].as_bytes32())};
       },
       "ERC-1400: the shares outstanding in the partition."},
      {"isOperator",
       {{"operator", "address"}, {"tokenHolder", "address"}},
       {{"", "bool"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         return Outputs{tok(c).is_operator(a[0].address(), a[1].address())};
       },
       "ERC-1410: the holder itself or an operator it authorised for all its partitions."},
      {"isOperatorForPartition",
       {{"partition", "bytes32"}, {"operator", "address"}, {"tokenHolder", "address"}},
       {{"", "bool"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         return Outputs{
             tok(c).is_operator_for_partition(a[0].as_bytes32(), a[1].address(), a[2].address())};
       },
       "ERC-1410: isOperator, or an operator the holder authorised for this partition."},
  };
}

std::vector<MethodSpec> partition_checks() {
  return {
      {"canTransferByPartition",
       {{"from", "address"},
        {"to", "address"},
        {"partition", "bytes32"},
        {"value", "uint256"},
        {"data", "bytes"}},
       {{"", "bytes1"}, {"", "bytes32"}, {"", "bytes32"}},
       Mutability::kView,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         const auto r =
             tok(c).can_transfer_by_partition(a[0].address(), a[1].address(), a[2].as_bytes32(),
                                              a[3].u256(), a[4].bytes(), ctx.block.timestamp);
         return Outputs{abi::Value(Bytes{find_code(r.code)->erc1066}),
                        abi::Value::bytes32(U256(r.code).to_bytes32()),
                        abi::Value::bytes32(r.destination)};
       },
       "ERC-1410: (ERC-1066 status, reason, destination partition) of transferByPartition from "
       "`from`; the reason is the restriction code (docs/restriction-codes.md) as a bytes32 "
       "number, 0 if permitted."},
      {"isIssuable",
       {},
       {{"", "bool"}},
       Mutability::kView,
       [](Contract&, CallContext&, Args) -> Result<Outputs> { return Outputs{true}; },
       "ERC-1594: MINTER_ROLE may issue (issuance is never closed for good)."},
      {"granularity",
       {},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract&, CallContext&, Args) -> Result<Outputs> { return Outputs{U256(1)}; },
       "ERC-777/1400: the smallest unit moved (1: whole base units)."},
      {"partitionRule",
       {{"partition", "bytes32"}},
       {{"lockupUntil", "uint256"}, {"blockedJurisdiction", "bytes2"}, {"blockUntil", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         const PartitionRule r = tok(c).partition_rule(a[0].as_bytes32());
         return Outputs{U256(r.lockup_until), jurisdiction_bytes2(r.blocked_jurisdiction),
                        U256(r.block_until)};
       },
       "The partition's own rules (zeros: none)."},
  };
}

std::vector<MethodSpec> partition_moves() {
  return {
      {"transferByPartition",
       {{"partition", "bytes32"}, {"to", "address"}, {"value", "uint256"}, {"data", "bytes"}},
       {{"", "bytes32"}},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         return partition_out(tok(c).transfer_by_partition(ctx, a[0].as_bytes32(), a[1].address(),
                                                           a[2].u256(), a[3].bytes()));
       },
       "ERC-1410: the caller's shares of one partition, compliance-checked with the partition's "
       "rules; returns the destination partition (the same one)."},
      {"operatorTransferByPartition",
       {{"partition", "bytes32"},
        {"from", "address"},
        {"to", "address"},
        {"value", "uint256"},
        {"data", "bytes"},
        {"operatorData", "bytes"}},
       {{"", "bytes32"}},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         return partition_out(tok(c).operator_transfer_by_partition(
             ctx, a[0].as_bytes32(), a[1].address(), a[2].address(), a[3].u256(), a[4].bytes(),
             a[5].bytes()));
       },
       "ERC-1410: by an operator of `from` (for all partitions or this one), compliance-checked. "
       "data = 32 bytes of 0xff then a partition: a change of partition, CORPORATE_ACTION_ROLE "
       "only (no rule applies)."},
      {"authorizeOperator",
       {{"operator", "address"}},
       {},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         STOA_TRY(tok(c).authorize_operator(ctx, a[0].address(), true));
         return Outputs{};
       },
       "ERC-1410: the caller lets `operator` move its shares of every partition."},
      {"revokeOperator",
       {{"operator", "address"}},
       {},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         STOA_TRY(tok(c).authorize_operator(ctx, a[0].address(), false));
         return Outputs{};
       },
       "ERC-1410."},
      {"authorizeOperatorByPartition",
       {{"partition", "bytes32"}, {"operator", "address"}},
       {},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         STOA_TRY(
             tok(c).authorize_operator_by_partition(ctx, a[0].as_bytes32(), a[1].address(), true));
         return Outputs{};
       },
       "ERC-1410: the caller lets `operator` move its shares of this partition."},
      {"revokeOperatorByPartition",
       {{"partition", "bytes32"}, {"operator", "address"}},
       {},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         STOA_TRY(
             tok(c).authorize_operator_by_partition(ctx, a[0].as_bytes32(), a[1].address(), false));
         return Outputs{};
       },
       "ERC-1410."},
  };
}

std::vector<MethodSpec> partition_admin() {
  return {
      {"issueByPartition",
       {{"partition", "bytes32"},
        {"tokenHolder", "address"},
        {"value", "uint256"},
        {"data", "bytes"}},
       {},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         STOA_TRY(tok(c).issue_by_partition(ctx, a[0].as_bytes32(), a[1].address(), a[2].u256(),
                                            a[3].bytes()));
         return Outputs{};
       },
       "ERC-1410, MINTER_ROLE: issue into a partition (receiver-side rules, the partition's "
       "included)."},
      {"redeemByPartition",
       {{"partition", "bytes32"}, {"value", "uint256"}, {"data", "bytes"}},
       {},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         STOA_TRY(tok(c).redeem_by_partition(ctx, a[0].as_bytes32(), ctx.sender, a[1].u256(),
                                             a[2].bytes(), Bytes{}));
         return Outputs{};
       },
       "ERC-1410, MINTER_ROLE: redeem the caller's own shares of a partition (holders do not "
       "redeem on their own; e.g. treasury shares)."},
      {"operatorRedeemByPartition",
       {{"partition", "bytes32"},
        {"tokenHolder", "address"},
        {"value", "uint256"},
        {"data", "bytes"},
        {"operatorData", "bytes"}},
       {},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         STOA_TRY(tok(c).redeem_by_partition(ctx, a[0].as_bytes32(), a[1].address(), a[2].u256(),
                                             a[3].bytes(), a[4].bytes()));
         return Outputs{};
       },
       "ERC-1410, MINTER_ROLE: redeem a holder's free shares of a partition (not held ones)."},
      {"setPartitionRule",
       {{"partition", "bytes32"},
        {"lockupUntil", "uint256"},
        {"blockedJurisdiction", "bytes2"},
        {"blockUntil", "uint256"}},
       {},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         PartitionRule r;
         Result<uint64_t> lockup = seconds(a[1].u256());
         if (!lockup.ok()) return lockup.take_revert();
         Result<uint64_t> until = seconds(a[3].u256());
         if (!until.ok()) return until.take_revert();
         r.lockup_until = lockup.value();
         r.blocked_jurisdiction = jurisdiction_from_bytes2(a[2]);
         r.block_until = until.value();
         STOA_TRY(tok(c).set_partition_rule(ctx, a[0].as_bytes32(), r));
         return Outputs{};
       },
       "RESTRICTION_ADMIN_ROLE: the partition's rules: no holder moves out of it before "
       "lockupUntil (code 23); no delivery of it to a receiver of blockedJurisdiction before "
       "blockUntil (code 24; e.g. a Reg S tranche and US, 40 days). Zeros remove them."},
  };
}
std::vector<EventSpec> partition_events() {
  return {
      {"TransferByPartition",
       {{"fromPartition", "bytes32", true},
        {"operator", "address"},
        {"from", "address", true},
        {"to", "address", true},
        {"value", "uint256"},
        {"data", "bytes"},
        {"operatorData", "bytes"}},
       "ERC-1410: next to its Transfer; a plain transfer drawing from named partitions emits one "
       "per partition drawn."},
      {"ChangedPartition",
       {{"fromPartition", "bytes32", true}, {"toPartition", "bytes32", true}, {"value", "uint256"}},
       "A corporate action moved shares into another partition."},
      {"IssuedByPartition",
       {{"partition", "bytes32", true},
        {"to", "address", true},
        {"value", "uint256"},
        {"data", "bytes"}},
       "ERC-1410."},
      {"RedeemedByPartition",
       {{"partition", "bytes32", true},
        {"operator", "address", true},
        {"from", "address", true},
        {"value", "uint256"},
        {"data", "bytes"},
        {"operatorData", "bytes"}},
       "ERC-1410; from rules version 7 a plain burn drawing from named partitions emits one per "
       "partition drawn."},
      {"AuthorizedOperator",
       {{"operator", "address", true}, {"tokenHolder", "address", true}},
       "ERC-1410."},
      {"RevokedOperator",
       {{"operator", "address", true}, {"tokenHolder", "address", true}},
       "ERC-1410."},
      {"AuthorizedOperatorByPartition",
       {{"partition", "bytes32", true},
        {"operator", "address", true},
        {"tokenHolder", "address", true}},
       "ERC-1410."},
      {"RevokedOperatorByPartition",
       {{"partition", "bytes32", true},
        {"operator", "address", true},
        {"tokenHolder", "address", true}},
       "ERC-1410."},
      {"PartitionRuleSet",
       {{"partition", "bytes32", true},
        {"lockupUntil", "uint256"},
        {"blockedJurisdiction", "bytes2"},
        {"blockUntil", "uint256"}},
       ""},
  };
}
}  // namespace

ContractAbi with_balance_model_abi(std::string_view name, std::vector<MethodSpec> methods,
                                   std::vector<EventSpec> events, std::vector<ErrorId> errors) {
  const size_t first_new = methods.size();
  for (auto* list : {&partition_views, &partition_checks, &partition_moves, &partition_admin,
                     &hold_methods, &hold_views, &checkpoint_methods}) {
    for (auto& x : (*list)())
      methods.push_back(std::move(x));
  }
  for (auto* list : {&partition_events, &hold_events, &checkpoint_events, &lot_events}) {
    for (auto& x : (*list)())
      events.push_back(std::move(x));
  }
  for (ErrorId x :
       {ErrorId::kNotOperator, ErrorId::kHoldIdTaken, ErrorId::kHoldNotOrdered,
        ErrorId::kNotHoldNotary, ErrorId::kHoldExpired, ErrorId::kHoldNotExpired,
        ErrorId::kInsufficientFreeBalance, ErrorId::kHoldsOutstanding, ErrorId::kZeroAmount,
        ErrorId::kSnapshotIdInvalid, ErrorId::kInvalidPartitionRule, ErrorId::kLimitExceeded}) {
    errors.push_back(x);
  }
  // Documents, the controller and corporate actions (issue 16): rules::corporate_actions.
  const size_t first_v5 = methods.size();
  for (auto* list : {&document_methods, &corporate_methods}) {
    for (auto& x : (*list)())
      methods.push_back(std::move(x));
  }
  for (auto* list : {&document_events, &corporate_events}) {
    for (auto& x : (*list)())
      events.push_back(std::move(x));
  }
  for (ErrorId x :
       {ErrorId::kDocumentNameRequired, ErrorId::kDocumentNotFound, ErrorId::kDocumentUriRequired,
        ErrorId::kConversionPending, ErrorId::kSecurityRetired, ErrorId::kInvalidConversionTarget,
        ErrorId::kInvalidRatio}) {
    errors.push_back(x);
  }
  // Acquisition lots (issue 15): rules::lots_and_splits.
  for (auto& x : lot_methods())
    methods.push_back(std::move(x));
  // Splits (issue 15 item 5): rules::splits.
  const size_t first_v6 = methods.size();
  for (auto& x : split_methods())
    methods.push_back(std::move(x));
  for (auto& x : split_events())
    events.push_back(std::move(x));
  for (ErrorId x : {ErrorId::kSplitRatioInvalid, ErrorId::kSplitOverflow, ErrorId::kTooManySplits,
                    ErrorId::kSplitNotFound}) {
    errors.push_back(x);
  }
  ContractAbi abi(name, std::move(methods), std::move(events), std::move(errors));
  abi.introduce(first_new, Rules::kV4);  // rules::balance_model
  abi.introduce(first_v5, Rules::kV5);   // rules::corporate_actions, rules::lots_and_splits
  abi.introduce(first_v6, Rules::kV6);   // rules::splits
  return abi;
}

}  // namespace stoa::core
