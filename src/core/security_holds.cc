// Holds (ERC-1996-like, per partition): docs/balance-model.md, "Holds". A held amount stays on
// the holder's line (its balance, its partition, the cap table) and cannot move elsewhere; the
// notary executes it (a compliance-checked move to the recipient) or releases it; after its
// expiry only a release remains, by the notary or the holder.
#include <algorithm>

#include "stoa/core/codes.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

namespace stoa::core {

void SecurityToken::change_held(const Hold& h, bool add) {
  const HolderPartition key{h.holder, h.partition};
  const U256 part = held_.get(key);
  const U256 total = held_total_.get(h.holder);
  held_.set(key, add ? *part.checked_add(h.amount) : *part.checked_sub(h.amount));
  held_total_.set(h.holder, add ? *total.checked_add(h.amount) : *total.checked_sub(h.amount));
}

// Burns, forced transfers and recoveries never take shares on hold.
Status SecurityToken::require_unheld(const Address& holder, const U256& balance,
                                     const U256& amount) const {
  if (held_total_.size() == 0) return Status::Ok();
  const U256 held = held_total_.get(holder);
  if (held.is_zero()) return Status::Ok();
  const U256 free = balance.checked_sub(held).value_or(U256(0));
  if (amount > free) return make_revert(ErrorId::kHoldsOutstanding, {holder, held});
  return Status::Ok();
}

Status SecurityToken::hold(CallContext& ctx, const Bytes32& id, const Address& recipient,
                           const Address& notary, const Bytes32& partition, const U256& amount,
                           uint64_t expiration) {
  if (recipient.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {recipient});
  if (notary.is_zero()) return make_revert(ErrorId::kZeroAddress);
  if (amount.is_zero()) return make_revert(ErrorId::kZeroAmount);
  if (holds_.contains(id)) return make_revert(ErrorId::kHoldIdTaken, {abi::Value::bytes32(id)});
  if (expiration != 0 && expiration <= ctx.block.timestamp) {
    return make_revert(ErrorId::kHoldExpired, {abi::Value::bytes32(id), U256(expiration)});
  }
  const U256 free = std::min(free_in_partition(ctx.sender, partition), spendable(ctx.sender));
  if (free < amount) {
    return make_revert(ErrorId::kInsufficientFreeBalance,
                       {ctx.sender, abi::Value::bytes32(partition), free, amount});
  }
  Hold h{ctx.sender,
         recipient,
         notary,
         partition,
         amount,
         expiration,
         static_cast<uint8_t>(HoldStatus::kOrdered)};
  holds_.set(id, h);
  change_held(h, true);
  emit(ctx, "HoldCreated",
       {abi::Value::bytes32(id), ctx.sender, recipient, notary, abi::Value::bytes32(partition),
        amount, U256(expiration)});
  return Status::Ok();
}

Status SecurityToken::release_hold(CallContext& ctx, const Bytes32& id) {
  Hold h = holds_.get(id);
  if (h.status != static_cast<uint8_t>(HoldStatus::kOrdered)) {
    return make_revert(ErrorId::kHoldNotOrdered, {abi::Value::bytes32(id), U256(h.status)});
  }
  const bool expired = h.expiration != 0 && ctx.block.timestamp >= h.expiration;
  if (ctx.sender != h.notary) {
    if (ctx.sender != h.holder) {
      return make_revert(ErrorId::kNotHoldNotary, {abi::Value::bytes32(id), ctx.sender});
    }
    if (!expired) {
      return make_revert(ErrorId::kHoldNotExpired, {abi::Value::bytes32(id), U256(h.expiration)});
    }
  }
  change_held(h, false);
  h.status = static_cast<uint8_t>(expired ? HoldStatus::kExpiredOut : HoldStatus::kReleased);
  holds_.set(id, h);
  emit(ctx, "HoldReleased", {abi::Value::bytes32(id), h.holder, U256(h.status)});
  return Status::Ok();
}

// The notary moves the held amount to the recipient, as the holder's own move of that partition
// on the notary's authority (kTransferFrom): every rule applies at execution, and a refusal
// leaves the hold in place.
Status SecurityToken::execute_hold(CallContext& ctx, const Bytes32& id) {
  Hold h = holds_.get(id);
  if (h.status != static_cast<uint8_t>(HoldStatus::kOrdered)) {
    return make_revert(ErrorId::kHoldNotOrdered, {abi::Value::bytes32(id), U256(h.status)});
  }
  if (ctx.sender != h.notary) {
    return make_revert(ErrorId::kNotHoldNotary, {abi::Value::bytes32(id), ctx.sender});
  }
  if (h.expiration != 0 && ctx.block.timestamp >= h.expiration) {
    return make_revert(ErrorId::kHoldExpired, {abi::Value::bytes32(id), U256(h.expiration)});
  }
  change_held(h, false);
  h.status = static_cast<uint8_t>(HoldStatus::kExecuted);
  holds_.set(id, h);
  Result<Bytes32> moved = move_by_partition(ctx, MovementKind::kTransferFrom, h.holder, h.recipient,
                                            h.partition, h.partition, h.amount, Bytes{}, Bytes{});
  if (!moved.ok()) return moved.take_revert();
  emit(ctx, "HoldExecuted", {abi::Value::bytes32(id), h.holder, h.recipient, h.amount});
  return Status::Ok();
}

namespace {
using Args = const abi::ValueList&;
SecurityToken& tok(Contract& c) {
  return static_cast<SecurityToken&>(c);
}
Result<Outputs> place_hold(Contract& c, CallContext& ctx, const Bytes32& id,
                           const Bytes32& partition, Args a, size_t first) {
  const U256& expiration = a[first + 3].u256();
  if (!expiration.fits_u64()) {
    return make_revert(ErrorId::kLimitExceeded, {std::string("time (seconds)"), U256(~0ULL)});
  }
  STOA_TRY(tok(c).hold(ctx, id, a[first].address(), a[first + 1].address(), partition,
                       a[first + 2].u256(), expiration.low64()));
  return Outputs{true};
}
}  // namespace

std::vector<MethodSpec> hold_methods() {
  return {
      {"hold",
       {{"holdId", "bytes32"},
        {"recipient", "address"},
        {"notary", "address"},
        {"value", "uint256"},
        {"expiration", "uint256"}},
       {{"", "bool"}},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         return place_hold(c, ctx, a[0].as_bytes32(), kDefaultPartition, a, 1);
       },
       "ERC-1996-like: the caller holds part of its default partition for `recipient` until "
       "`notary` executes or releases it (expiration: a Unix time, 0 = none; ids never reused)."},
      {"holdByPartition",
       {{"holdId", "bytes32"},
        {"partition", "bytes32"},
        {"recipient", "address"},
        {"notary", "address"},
        {"value", "uint256"},
        {"expiration", "uint256"}},
       {{"", "bool"}},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         return place_hold(c, ctx, a[0].as_bytes32(), a[1].as_bytes32(), a, 2);
       },
       "hold, of one partition's free shares."},
      {"releaseHold",
       {{"holdId", "bytes32"}},
       {{"", "bool"}},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         STOA_TRY(tok(c).release_hold(ctx, a[0].as_bytes32()));
         return Outputs{true};
       },
       "ERC-1996: the notary at any time, the holder after the expiry; the shares are free again."},
      {"executeHold",
       {{"holdId", "bytes32"}},
       {{"", "bool"}},
       Mutability::kNonPayable,
       [](Contract& c, CallContext& ctx, Args a) -> Result<Outputs> {
         STOA_TRY(tok(c).execute_hold(ctx, a[0].as_bytes32()));
         return Outputs{true};
       },
       "ERC-1996, the notary, before the expiry: moves the held shares to the recipient, "
       "compliance-checked now (TransferRestricted(code) leaves the hold in place)."},
  };
}

std::vector<MethodSpec> hold_views() {
  return {
      {"retrieveHoldData",
       {{"holdId", "bytes32"}},
       {{"holder", "address"},
        {"recipient", "address"},
        {"notary", "address"},
        {"partition", "bytes32"},
        {"value", "uint256"},
        {"expiration", "uint256"},
        {"status", "uint8"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         const Hold h = tok(c).hold_data(a[0].as_bytes32());
         return Outputs{
             h.holder, h.recipient,        h.notary,      abi::Value::bytes32(h.partition),
             h.amount, U256(h.expiration), U256(h.status)};
       },
       "ERC-1996: status 0 none, 1 held, 2 executed, 3 released, 4 released after expiry."},
      {"balanceOnHold",
       {{"account", "address"}},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         return Outputs{tok(c).balance_on_hold(a[0].address())};
       },
       "ERC-1996: the account's shares on hold, all partitions."},
      {"balanceOnHoldByPartition",
       {{"partition", "bytes32"}, {"account", "address"}},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         return Outputs{tok(c).balance_on_hold_by_partition(a[0].as_bytes32(), a[1].address())};
       },
       "The account's shares of the partition on hold."},
      {"spendableBalanceOf",
       {{"account", "address"}},
       {{"", "uint256"}},
       Mutability::kView,
       [](Contract& c, CallContext&, Args a) -> Result<Outputs> {
         return Outputs{tok(c).spendable(a[0].address())};
       },
       "ERC-1996's netBalanceOf: balance less frozen and held shares (what transfer may move)."},
  };
}

std::vector<EventSpec> hold_events() {
  return {
      {"HoldCreated",
       {{"holdId", "bytes32", true},
        {"holder", "address", true},
        {"recipient", "address", true},
        {"notary", "address"},
        {"partition", "bytes32"},
        {"value", "uint256"},
        {"expiration", "uint256"}},
       ""},
      {"HoldReleased",
       {{"holdId", "bytes32", true}, {"holder", "address", true}, {"status", "uint8"}},
       "status 3 released, 4 released after expiry."},
      {"HoldExecuted",
       {{"holdId", "bytes32", true},
        {"holder", "address", true},
        {"recipient", "address", true},
        {"value", "uint256"}},
       "Next to its Transfer and TransferByPartition."},
  };
}

}  // namespace stoa::core
