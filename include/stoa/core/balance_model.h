// The records of a security's balance model beyond one number per wallet (docs/balance-model.md):
// partitions (ERC-1410 tranches), per-partition rules, holds (ERC-1996-like) and checkpoints
// (ERC20Snapshot-like). The token's balance slot stays the total of a holder's partitions; only
// non-default partitions, holds and checkpoints are stored, each in new slots of SecurityToken, so
// a security that never uses them encodes exactly as before.
#pragma once

#include <cstdint>

#include <absl/hash/hash.h>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"
#include "stoa/common/u256.h"
#include "stoa/core/fields.h"
#include "stoa/core/state_encoding.h"

namespace stoa::core {

// The default partition: every balance not in a named partition. Plain ERC-20 issuance lands in
// it, and plain transfers draw from it first (docs/balance-model.md, "Default partition order").
inline constexpr Bytes32 kDefaultPartition{};

// UniversalToken's flag for a change of partition: `data` of 64 bytes, the first 32 all 0xff, the
// next 32 the destination partition.
inline constexpr size_t kChangePartitionDataBytes = 64;

// A holder's amount in one partition (also: a held amount per holder and partition).
struct HolderPartition {
  Address holder;
  Bytes32 partition;
  auto operator<=>(const HolderPartition&) const = default;
  bool operator==(const HolderPartition&) const = default;
};
struct HolderPartitionHash {
  size_t operator()(const HolderPartition& k) const {
    return absl::HashOf(k.holder.b, k.partition.b);
  }
};
inline void delta_put(StateEncoder& e, const HolderPartition& k) {
  e.address(k.holder);
  e.b32(k.partition);
}
inline void state_get(StateDecoder& d, HolderPartition& k) {
  k.holder = d.address();
  k.partition = d.b32();
}

// An operator a holder authorised for one partition (ERC-1410).
struct PartitionOperator {
  Address holder;
  Address op;
  Bytes32 partition;
  auto operator<=>(const PartitionOperator&) const = default;
  bool operator==(const PartitionOperator&) const = default;
};
struct PartitionOperatorHash {
  size_t operator()(const PartitionOperator& k) const {
    return absl::HashOf(k.holder.b, k.op.b, k.partition.b);
  }
};
inline void delta_put(StateEncoder& e, const PartitionOperator& k) {
  e.address(k.holder);
  e.address(k.op);
  e.b32(k.partition);
}
inline void state_get(StateDecoder& d, PartitionOperator& k) {
  k.holder = d.address();
  k.op = d.address();
  k.partition = d.b32();
}

// A partition's own rules (setPartitionRule, RESTRICTION_ADMIN_ROLE). `lockup_until`: holders may
// not move shares out of the partition before it (code 23). `blocked_jurisdiction` until
// `block_until`: shares of the partition may not be delivered to a receiver of that jurisdiction
// (code 24; e.g. a Reg S tranche to US persons during its 40-day distribution compliance period).
// The agent's moves (forced transfer, recovery, corporate actions) meet no rule, as elsewhere.
struct PartitionRule {
  uint64_t lockup_until = 0;
  uint16_t blocked_jurisdiction = 0;  // a Jurisdiction (two ASCII letters); 0 = none
  uint64_t block_until = 0;
  bool operator==(const PartitionRule&) const = default;
};
inline void delta_put(StateEncoder& e, const PartitionRule& r) {
  e.u64(r.lockup_until);
  e.u64(r.blocked_jurisdiction);
  e.u64(r.block_until);
}
inline void state_get(StateDecoder& d, PartitionRule& r) {
  r.lockup_until = d.u64();
  state_get(d, r.blocked_jurisdiction);
  r.block_until = d.u64();
}

// A hold's status (ERC-1996's HoldStatusCode, without the payee release).
enum class HoldStatus : uint8_t {
  kNonexistent = 0,
  kOrdered = 1,     // the amount is held
  kExecuted = 2,    // moved to the recipient
  kReleased = 3,    // released by the notary (or by the holder after expiry)
  kExpiredOut = 4,  // released after its expiry
};
inline constexpr uint8_t kLastHoldStatus = 4;

// An amount of a holder's partition held for a recipient until a notary executes or releases it
// (holdId chosen by the holder; ids are never reused).
struct Hold {
  Address holder;
  Address recipient;
  Address notary;
  Bytes32 partition;
  U256 amount;
  uint64_t expiration = 0;  // 0: none; at or after it the notary may no longer execute
  uint8_t status = 0;       // HoldStatus
  bool operator==(const Hold&) const = default;
};
inline void delta_put(StateEncoder& e, const Hold& h) {
  e.address(h.holder);
  e.address(h.recipient);
  e.address(h.notary);
  e.b32(h.partition);
  e.u256(h.amount);
  e.u64(h.expiration);
  e.u8(h.status);
}
inline void state_get(StateDecoder& d, Hold& h) {
  h.holder = d.address();
  h.recipient = d.address();
  h.notary = d.address();
  h.partition = d.b32();
  h.amount = d.u256();
  h.expiration = d.u64();
  h.status = d.u8();
  if (h.status == 0 || h.status > kLastHoldStatus) {
    d.fail("hold status " + std::to_string(h.status));
  }
}

// Checkpoints, recorded lazily (OpenZeppelin's ERC20Snapshot): before the first change of a value
// after snapshot `id` is taken, its value then is stored under `id`. The value at snapshot `id`
// is the one stored under the smallest id' >= id for the key, or the current one if none.
struct HolderCheckpoint {
  Address holder;
  uint64_t id = 0;
  auto operator<=>(const HolderCheckpoint&) const = default;
  bool operator==(const HolderCheckpoint&) const = default;
};
inline void delta_put(StateEncoder& e, const HolderCheckpoint& k) {
  e.address(k.holder);
  e.u64(k.id);
}
inline void state_get(StateDecoder& d, HolderCheckpoint& k) {
  k.holder = d.address();
  k.id = d.u64();
}
struct PartitionCheckpoint {
  Address holder;
  Bytes32 partition;
  uint64_t id = 0;
  auto operator<=>(const PartitionCheckpoint&) const = default;
  bool operator==(const PartitionCheckpoint&) const = default;
};
inline void delta_put(StateEncoder& e, const PartitionCheckpoint& k) {
  e.address(k.holder);
  e.b32(k.partition);
  e.u64(k.id);
}
inline void state_get(StateDecoder& d, PartitionCheckpoint& k) {
  k.holder = d.address();
  k.partition = d.b32();
  k.id = d.u64();
}
// A recorded value: zero is a value too (an absent entry means "not recorded").
struct Recorded {
  U256 value;
  bool present = false;
  bool operator==(const Recorded&) const = default;
};
inline void delta_put(StateEncoder& e, const Recorded& r) {
  e.u256(r.value);
}
inline void state_get(StateDecoder& d, Recorded& r) {
  r.value = d.u256();
  r.present = true;
}

// --- Acquisition lots (docs/balance-model.md, "Acquisition lots"; rules::lots_and_splits).
// How a holder acquired a lot. Stable numbers (the lotsOf view and the state encoding use them).
enum class LotKind : uint8_t {
  kUnrecorded = 0,       // shares held before lots were recorded (rules version 5): the oldest
  kIssuance = 1,         // mint, issueByPartition
  kTransfer = 2,         // a sale or any other transfer: a new lot at the receiver
  kForced = 3,           // forcedTransfer: by operation of law, the lots tack
  kRecovery = 4,         // recoveryAddress: the same investor's new wallet, the lots tack
  kGift = 5,             // gift(): the lots tack (Rule 144(d)(3)(v))
  kCorporateAction = 6,  // a change of partition by the agent: the holder's own lots move
};
inline constexpr uint8_t kLastLotKind = 6;

// A lot: (holder, partition, acquired, kind, origin, source) -> quantity, in an ordered map, so a
// holder's lots of one partition are one range in FIFO order (the oldest acquisition first; ties
// by kind, origin, then source address). `acquired` is the block time of the acquisition, or for
// a tacked lot the date it carries; `origin` is the kind of that first acquisition (a lot issued,
// then given, has kind kGift and origin kIssuance: the holding period still runs from issuance).
struct LotKey {
  Address holder;
  Bytes32 partition;
  uint64_t acquired = 0;
  uint8_t kind = 0;    // LotKind
  uint8_t origin = 0;  // LotKind
  Address source;      // who it came from: the sender, or for issuance the minter
  auto operator<=>(const LotKey&) const = default;
  bool operator==(const LotKey&) const = default;
};
inline void delta_put(StateEncoder& e, const LotKey& k) {
  e.address(k.holder);
  e.b32(k.partition);
  e.u64(k.acquired);
  e.u8(k.kind);
  e.u8(k.origin);
  e.address(k.source);
}
inline void state_get(StateDecoder& d, LotKey& k) {
  k.holder = d.address();
  k.partition = d.b32();
  k.acquired = d.u64();
  k.kind = d.u8();
  k.origin = d.u8();
  k.source = d.address();
  if (k.kind > kLastLotKind || k.origin > kLastLotKind) {
    d.fail("lot kind " + std::to_string(k.kind) + "/" + std::to_string(k.origin));
  }
}

// --- Splits (docs/balance-model.md, "Splits"; rules::splits). A split of numerator/denominator
// (3-for-2: 3/2; a reverse 1-for-10: 1/10), reduced, both below 2^64. Split ids are 1, 2, ...;
// split i is stored under i - 1 (the number of splits before it: its "epoch").
struct Split {
  U256 numerator;
  U256 denominator;
  uint64_t timestamp = 0;  // block time of the split
  U256 supply_before;
  U256 supply_after;
  bool operator==(const Split&) const = default;
};
inline void delta_put(StateEncoder& e, const Split& s) {
  e.u256(s.numerator);
  e.u256(s.denominator);
  e.u64(s.timestamp);
  e.u256(s.supply_before);
  e.u256(s.supply_after);
}
inline void state_get(StateDecoder& d, Split& s) {
  s.numerator = d.u256();
  s.denominator = d.u256();
  s.timestamp = d.u64();
  s.supply_before = d.u256();
  s.supply_after = d.u256();
  if (s.numerator.is_zero() || s.denominator.is_zero()) d.fail("split with a zero term");
}
// A holder's fractional share at one split (the numerator over the split's denominator), recorded
// when the holder's amounts are brought past that split.
struct HolderSplit {
  Address holder;
  uint64_t split = 0;  // split id (1, 2, ...)
  auto operator<=>(const HolderSplit&) const = default;
  bool operator==(const HolderSplit&) const = default;
};
inline void delta_put(StateEncoder& e, const HolderSplit& k) {
  e.address(k.holder);
  e.u64(k.split);
}
inline void state_get(StateDecoder& d, HolderSplit& k) {
  k.holder = d.address();
  k.split = d.u64();
}

}  // namespace stoa::core
