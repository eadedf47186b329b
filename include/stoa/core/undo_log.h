// The undo log and the journaled containers (JMap, JValue): every write inside an open call
// records how to undo it, so a call that reverts leaves the state byte-for-byte as it was
// (evmone's journaled state, done natively). "Journal" alone means the block log on disk
// (store/journal.h); this is the core's undo log.
// Containers register themselves with the UndoLog the first time they are written in a call;
// commit drops the undo records, rollback replays them backwards. Writes made while no call is
// open (genesis) are permanent.
//
// Block deltas: when block tracking is on (the chain turns it on), every container also keeps the
// keys it wrote since the last block seal — kept by committed calls, or written outside any call
// (account nonces). At the seal, State::take_block_delta encodes each written container's
// entries, in the canonical order of (owner contract, ordinal), and the chain hashes them into
// the next state root (docs/journal-format.md, "State root"). A container's identity is the
// contract being constructed when it is (an OwnerScope) and its slot number, declared next to the
// member (`JMap<...> balances_{j, Slot{2}}`): stable whatever the declaration order, so members
// can be added or reordered without changing the state roots of old journals. Slot numbers are
// unique within a contract (checked when the container is constructed).
//
// Metering: while a call is open the undo log also counts the notional gas of the work the call
// does (docs/NODE.md, "Gas schedule"): the containers charge every keyed read, write and entry
// visited by a scan, events and hashes are charged where they are made. A charge is an integer
// add (no virtual call); outside a call (genesis, views read under the shared lock) nothing is
// counted. The caller compares the count with the call's budget when the call ends (State::call),
// and long loops check it as they go (UndoLog::out_of_gas) so a call past its budget stops early.
//
// Block undo (reads at past blocks, docs/NODE.md "Reads at past blocks"): when it is on (the node
// turns it on), a committed call's undo records are kept instead of dropped, and a write outside
// any call records the value it replaces; at the seal each container that has records hands them
// over as one BlockUndo, which the State keeps for a window of recent blocks. Unwinding a block
// exchanges each record with the value now, newest first, which puts back the state before the
// block and turns the records into redo records; rewinding exchanges them again, oldest first,
// and leaves state and records exactly as they were.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <absl/hash/hash.h>

#include "stoa/common/address.h"
#include "stoa/common/assert.h"
#include "stoa/common/bytes.h"
#include "stoa/core/flat_table.h"
#include "stoa/core/state_encoding.h"

namespace stoa::core {

class UndoLog;

// One container's writes in one sealed block, kept for reads at past blocks (State::unwind_past).
class BlockUndo {
 public:
  BlockUndo() = default;
  BlockUndo(const BlockUndo&) = delete;
  BlockUndo& operator=(const BlockUndo&) = delete;
  virtual ~BlockUndo() = default;
  // Puts back the container's content from before the block (what it is at the block's end
  // when called); rewind() puts back what unwind() found. Writes no record of its own.
  virtual void unwind() = 0;
  virtual void rewind() = 0;
  // The memory the records hold (their own size; heap content of values not counted).
  virtual size_t bytes() const = 0;
};

// A container's stable number within its contract: written into every block delta that names the
// container, so it must never change once a journal holds it (docs/journal-format.md, "Versions").
struct Slot {
  uint32_t n;
  constexpr explicit Slot(uint32_t v) : n(v) {}
  constexpr Slot operator+(uint32_t k) const { return Slot(n + k); }
};

// The gas schedule (notional: fees are never charged). Changing a figure changes receipts, hence
// block hashes: it is a change of rules and takes effect from a block height (ChainConfig).
namespace gas {
inline constexpr uint64_t kRead = 100;         // per keyed lookup (JMap get, find, contains)
inline constexpr uint64_t kWrite = 500;        // per write of a value or an existing entry, erase
inline constexpr uint64_t kNewEntry = 2'000;   // per write that creates a keyed entry
inline constexpr uint64_t kIterate = 50;       // per entry a scan visits (sorted keys, rebuilds)
inline constexpr uint64_t kScan = 2;           // per entry a selection pass compares (no lookup)
inline constexpr uint64_t kLog = 375;          // per event
inline constexpr uint64_t kLogTopic = 375;     // per event topic (topic0 included)
inline constexpr uint64_t kLogByte = 8;        // per byte of event data
inline constexpr uint64_t kKeccak = 30;        // per keccak-256 the core computes in a call
inline constexpr uint64_t kKeccakWord = 6;     // per 32-byte word hashed
inline constexpr uint64_t kEcrecover = 3'000;  // per signature recovered (permit, claims)
inline constexpr uint64_t kCreate = 32'000;    // per contract created
inline constexpr uint64_t kUnlimited = UINT64_MAX;  // a call without a budget (never out of gas)
inline constexpr uint64_t keccak(size_t bytes) {
  return kKeccak + kKeccakWord * ((bytes + 31) / 32);
}
}  // namespace gas

// Which contract a container belongs to, and its slot number in that contract.
struct SlotId {
  Address owner;  // zero for the State's own containers (create and account nonces)
  uint32_t ordinal = 0;
  auto operator<=>(const SlotId&) const = default;
};

// An index: journaled (a revert undoes it) but not state — derived from state, rebuilt when a
// state image is decoded, and in no block delta, state image or fingerprint.
struct IndexTag {};
inline constexpr IndexTag kIndex{};

class Undoable {
 public:
  Undoable() = default;  // no slot: not state (the State's record of contracts created)
  Undoable(UndoLog* j, Slot slot);
  Undoable(UndoLog* j, IndexTag /*index*/) : undo_log_(j), index_(true) {}
  Undoable(const Undoable&) = delete;
  Undoable& operator=(const Undoable&) = delete;
  virtual ~Undoable();
  virtual void rollback() = 0;
  // The call committed: drop the undo records (keeping the written keys for the block delta
  // when the journal tracks blocks).
  virtual void forget() = 0;
  // Writes this container's block delta (the entries written since the last seal, their current
  // values) and forgets it; discard_block_delta only forgets it.
  virtual void encode_block_delta(StateEncoder& enc) = 0;
  virtual void discard_block_delta() = 0;
  // The whole content, canonically (checks that block deltas miss nothing; not a hot path).
  virtual void encode_content(StateEncoder& enc) const = 0;
  // The block undo records of the block being built (nullptr: none), handed over at the seal.
  virtual std::unique_ptr<BlockUndo> take_block_undo() { return nullptr; }
  // Savepoints inside an open call (UndoLog::savepoint: a nested call that may fail alone): a
  // mark of the container's undo records now, and the undoing of every write made after it.
  virtual uint64_t mark() = 0;
  virtual void rollback_to(uint64_t mark) = 0;
  const SlotId& slot() const { return slot_; }
  bool is_index() const { return index_; }

 protected:
  UndoLog* undo_log() const { return undo_log_; }  // set by the constructor taking a journal

 private:
  friend class UndoLog;
  uint64_t touched_epoch_ = 0;
  uint64_t block_epoch_ = 0;
  uint64_t undo_epoch_ = 0;
  SlotId slot_;
  UndoLog* undo_log_ =
      nullptr;  // set for containers with a slot (the journal lists them) and indexes
  size_t live_index_ = 0;
  bool index_ = false;
};

class UndoLog {
 public:
  UndoLog() { scopes_.push_back(Scope{Address{}, {}}); }
  UndoLog(const UndoLog&) = delete;
  UndoLog& operator=(const UndoLog&) = delete;

  // Opens a call with a gas budget (gas::kUnlimited: counted, never exhausted).
  void begin(uint64_t gas_limit = gas::kUnlimited) {
    STOA_ASSERT(!open_);
    open_ = true;
    ++epoch_;
    gas_used_ = 0;
    gas_limit_ = gas_limit;
  }
  void commit() {
    STOA_ASSERT(open_);
    open_ = false;  // closed first: forget() files the written keys into the block delta
    for (Undoable* u : touched_)
      u->forget();
    touched_.clear();
  }
  void rollback() {
    STOA_ASSERT(open_);
    for (auto it = touched_.rbegin(); it != touched_.rend(); ++it)
      (*it)->rollback();
    touched_.clear();
    open_ = false;
  }
  bool open() const { return open_; }

  // A savepoint inside the open call (State::nested_call): rolling back to it undoes every write
  // made since — a container first written since loses all its records, one written before
  // goes back to its mark — and keeps the earlier writes of the call. Savepoints nest (a later
  // one is released or rolled back before an earlier one). Gas charged since is not refunded.
  struct Savepoint {
    size_t touched = 0;
    std::vector<std::pair<Undoable*, uint64_t>> marks;
  };
  Savepoint savepoint() {
    STOA_ASSERT(open_);
    Savepoint sp;
    sp.touched = touched_.size();
    sp.marks.reserve(touched_.size());
    for (Undoable* u : touched_)
      sp.marks.emplace_back(u, u->mark());
    return sp;
  }
  void rollback_to(const Savepoint& sp) {
    STOA_ASSERT(open_ && sp.touched <= touched_.size());
    for (size_t i = touched_.size(); i-- > sp.touched;) {
      touched_[i]->rollback();
      touched_[i]->touched_epoch_ = 0;  // touched again if written again
    }
    touched_.resize(sp.touched);
    // Newest first: the State's record of created contracts, touched first, goes last, so the
    // contracts created since outlive the rollback of their storage.
    for (auto it = sp.marks.rbegin(); it != sp.marks.rend(); ++it)
      it->first->rollback_to(it->second);
  }

  // Metering (the call's work in notional gas; counted only while a call is open).
  void charge(uint64_t g) {
    if (open_) gas_used_ += g;
  }
  uint64_t gas_used() const { return gas_used_; }
  uint64_t gas_limit() const { return gas_limit_; }
  bool out_of_gas() const { return gas_used_ > gas_limit_; }

  void touch(Undoable* u) {
    if (u->touched_epoch_ != epoch_) {
      u->touched_epoch_ = epoch_;
      touched_.push_back(u);
    }
  }

  // Block tracking (off by default: the benchmarks and the scenario runner never seal blocks).
  void set_block_tracking(bool on) { tracking_ = on; }
  bool block_tracking() const { return tracking_; }
  // A container that has entries for the current block's delta.
  void block_written(Undoable* u) {
    if (u->block_epoch_ != block_epoch_) {
      u->block_epoch_ = block_epoch_;
      block_written_.push_back(u);
    }
  }
  bool block_written_empty() const { return block_written_.empty(); }
  // The containers written since the last call, in canonical order (owner, ordinal); starts the
  // next block's delta.
  std::vector<Undoable*> take_block_written() {
    STOA_ASSERT(!open_);
    std::vector<Undoable*> out = std::move(block_written_);
    block_written_.clear();
    ++block_epoch_;
    std::sort(out.begin(), out.end(),
              [](const Undoable* a, const Undoable* b) { return a->slot_ < b->slot_; });
    for (size_t i = 1; i < out.size(); ++i)
      STOA_ASSERT(out[i - 1]->slot_ < out[i]->slot_);  // every container has its own slot
    return out;
  }

  // Block undo (off by default; reads at past blocks). A container with records for the block.
  void set_block_undo(bool on) { keep_undo_ = on; }
  bool block_undo() const { return keep_undo_; }
  void block_undo_written(Undoable* u) {
    if (u->undo_epoch_ != undo_epoch_) {
      u->undo_epoch_ = undo_epoch_;
      block_undone_.push_back(u);
    }
  }
  bool block_undo_empty() const { return block_undone_.empty(); }
  // The block's records, one BlockUndo per container that has some (any order: containers are
  // independent); starts the next block's.
  std::vector<std::unique_ptr<BlockUndo>> take_block_undo() {
    STOA_ASSERT(!open_);
    std::vector<std::unique_ptr<BlockUndo>> out;
    out.reserve(block_undone_.size());
    for (Undoable* u : block_undone_) {
      if (std::unique_ptr<BlockUndo> b = u->take_block_undo()) out.push_back(std::move(b));
    }
    block_undone_.clear();
    ++undo_epoch_;
    return out;
  }

  // Containers constructed while an OwnerScope is open belong to its contract, each with its
  // declared slot number. The journal starts inside the State's own scope (owner zero).
  void push_owner(const Address& owner) { scopes_.push_back(Scope{owner, {}}); }
  void pop_owner() {
    STOA_ASSERT(!scopes_.empty());
    scopes_.pop_back();
  }
  SlotId claim_slot(Slot slot) {
    STOA_ASSERT(!scopes_.empty());  // a container constructed outside any contract's scope
    Scope& s = scopes_.back();
    // Two containers of one contract with the same slot number would share their delta entries.
    STOA_ASSERT(std::find(s.used.begin(), s.used.end(), slot.n) == s.used.end());
    s.used.push_back(slot.n);
    return SlotId{s.owner, slot.n};
  }
  // Every container with a slot that exists now (any order).
  const std::vector<Undoable*>& live() const { return live_; }
  void add_live(Undoable* u) {
    u->live_index_ = live_.size();
    live_.push_back(u);
  }
  void remove_live(Undoable* u) {
    STOA_ASSERT(u->live_index_ < live_.size() && live_[u->live_index_] == u);
    live_[u->live_index_] = live_.back();
    live_[u->live_index_]->live_index_ = u->live_index_;
    live_.pop_back();
    // A container that goes away with entries in the block delta (its contract's creation was
    // reverted: never the case, a reverted call files nothing; or a state image restore, which
    // discards the delta first) would leave a dangling entry.
    STOA_ASSERT(u->block_epoch_ != block_epoch_);
    STOA_ASSERT(u->undo_epoch_ != undo_epoch_);
  }

 private:
  struct Scope {
    Address owner;
    std::vector<uint32_t> used;  // slot numbers taken in this contract (a few dozen at most)
  };
  std::vector<Undoable*> touched_;
  std::vector<Undoable*> block_written_;
  std::vector<Undoable*> block_undone_;
  std::vector<Undoable*> live_;
  std::vector<Scope> scopes_;
  uint64_t epoch_ = 0;
  uint64_t block_epoch_ = 1;
  uint64_t undo_epoch_ = 1;
  uint64_t gas_used_ = 0;
  uint64_t gas_limit_ = gas::kUnlimited;
  bool open_ = false;
  bool tracking_ = false;
  bool keep_undo_ = false;
};

inline Undoable::Undoable(UndoLog* j, Slot slot) : slot_(j->claim_slot(slot)), undo_log_(j) {
  j->add_live(this);
}
inline Undoable::~Undoable() {
  if (undo_log_ != nullptr && !index_) undo_log_->remove_live(this);
}

// Containers constructed in its lifetime belong to `owner`.
class OwnerScope {
 public:
  OwnerScope(UndoLog& j, const Address& owner) : j_(j) { j_.push_owner(owner); }
  ~OwnerScope() { j_.pop_owner(); }
  OwnerScope(const OwnerScope&) = delete;
  OwnerScope& operator=(const OwnerScope&) = delete;

 private:
  UndoLog& j_;
};

// Addresses hashed as three machine words through absl's seeded integer mixing: inlined, where
// hashing the 20 bytes as a byte range goes through an out-of-line call per lookup (the transfer
// path does a dozen lookups). Hash order is never observable (JMap::sorted_keys).
namespace detail {
struct AddressWords {
  uint64_t w0;
  uint64_t w1;
  uint32_t w2;
};
inline AddressWords address_words(const Address& a) {
  AddressWords w;
  std::memcpy(&w.w0, a.b.data(), 8);
  std::memcpy(&w.w1, a.b.data() + 8, 8);
  std::memcpy(&w.w2, a.b.data() + 16, 4);
  return w;
}
}  // namespace detail
struct AddressHash {
  size_t operator()(const Address& a) const {
    const detail::AddressWords w = detail::address_words(a);
    return absl::HashOf(w.w0, w.w1, w.w2);
  }
};
// Equality of addresses as three word compares (no memcmp call).
struct AddressEq {  // Address's operator== compares words, without a memcmp call
  bool operator()(const Address& x, const Address& y) const { return x == y; }
};
template <typename K>
struct KeyEq {
  using type = std::equal_to<K>;
};
template <>
struct KeyEq<Address> {
  using type = AddressEq;
};
// Ascending byte order of addresses (Address's operator<) as three big-endian word compares,
// without a memcmp call: the canonical orders (state images, block deltas) sort millions of them.
struct AddressLess {
  bool operator()(const Address& x, const Address& y) const {
    const detail::AddressWords a = detail::address_words(x);
    const detail::AddressWords b = detail::address_words(y);
    if (a.w0 != b.w0) return __builtin_bswap64(a.w0) < __builtin_bswap64(b.w0);
    if (a.w1 != b.w1) return __builtin_bswap64(a.w1) < __builtin_bswap64(b.w1);
    return __builtin_bswap32(a.w2) < __builtin_bswap32(b.w2);
  }
};
template <typename K>
struct KeyLess {
  using type = std::less<K>;
};
template <>
struct KeyLess<Address> {
  using type = AddressLess;
};
// Sorts keys ascending (KeyLess) and drops duplicates: a block's written keys, at the seal.
template <typename K>
void sort_unique_keys(std::vector<K>& keys) {
  std::sort(keys.begin(), keys.end(), typename KeyLess<K>::type{});
  keys.erase(std::unique(keys.begin(), keys.end(), typename KeyEq<K>::type{}), keys.end());
}
// Addresses (the holders a block touched, up to millions): bucketed by their first two bytes
// first — addresses are hash-derived, hence spread evenly — so the comparison sort only orders
// small buckets. The same order as the template's.
void sort_unique_keys(std::vector<Address>& keys);

struct Bytes32Hash {
  size_t operator()(const Bytes32& a) const { return absl::Hash<std::array<uint8_t, 32>>{}(a.b); }
};
struct AddressPair {
  Address a;
  Address b;
  auto operator<=>(const AddressPair&) const = default;
};
struct AddressPairHash {
  size_t operator()(const AddressPair& p) const {
    const detail::AddressWords a = detail::address_words(p.a);
    const detail::AddressWords b = detail::address_words(p.b);
    return absl::HashOf(a.w0, a.w1, a.w2, b.w0, b.w1, b.w2);
  }
};
inline void delta_put(StateEncoder& e, const AddressPair& p) {
  e.address(p.a);
  e.address(p.b);
}

// Block undo of a keyed container (JMap, JOrderedMap): its (key, value replaced) records in write
// order; unwinding exchanges them newest first, rewinding oldest first.
template <typename C, typename K, typename V>
class KeyedBlockUndo final : public BlockUndo {
 public:
  using Records = std::vector<std::pair<K, std::optional<V>>>;
  KeyedBlockUndo(C& c, Records r) : c_(c), r_(std::move(r)) {}
  void unwind() override {
    for (auto it = r_.rbegin(); it != r_.rend(); ++it)
      c_.exchange(it->first, it->second);
  }
  void rewind() override {
    for (auto& x : r_)
      c_.exchange(x.first, x.second);
  }
  size_t bytes() const override { return sizeof(*this) + r_.capacity() * sizeof(r_[0]); }

 private:
  C& c_;
  Records r_;
};

// Moves a call's undo records into the block's (block undo on); the call's vector keeps its
// capacity for the next call, as when the records are dropped.
template <typename Records>
void keep_block_undo(Records& block, Records& call) {
  block.insert(block.end(), std::make_move_iterator(call.begin()),
               std::make_move_iterator(call.end()));
}

// A map whose absent keys read as V{}; storing V{} erases the key, so the map's content is the
// canonical form of the storage (no difference between "absent" and "default").
template <typename K, typename V, typename H = absl::Hash<K>>
class JMap final : public Undoable {
 public:
  JMap(UndoLog* j, Slot slot) : Undoable(j, slot) {}
  JMap(const JMap&) = delete;
  JMap& operator=(const JMap&) = delete;

  const V* find(const K& k) const {
    undo_log()->charge(gas::kRead);
    auto it = m_.find(k);
    return it == m_.end() ? nullptr : &it->second;
  }
  V get(const K& k) const {
    undo_log()->charge(gas::kRead);
    auto it = m_.find(k);
    return it == m_.end() ? V{} : it->second;
  }
  bool contains(const K& k) const {
    undo_log()->charge(gas::kRead);
    return m_.contains(k);
  }
  // Starts loading the memory a lookup of `k` will touch (no effect on the content).
  void prefetch(const K& k) const { m_.prefetch(k); }
  size_t size() const { return m_.size(); }

  void set(const K& k, const V& v) {
    auto it = m_.find(k);
    const bool erase = (v == V{});
    if (undo_log()->open()) {
      undo_log()->charge(it == m_.end() && !erase ? gas::kNewEntry : gas::kWrite);
      undo_log()->touch(this);
      undo_.emplace_back(k, it == m_.end() ? std::nullopt : std::optional<V>(it->second));
    } else {
      if (undo_log()->block_tracking()) {
        block_keys_.push_back(k);
        undo_log()->block_written(this);
      }
      if (undo_log()->block_undo()) {
        block_undo_.emplace_back(k, it == m_.end() ? std::nullopt : std::optional<V>(it->second));
        undo_log()->block_undo_written(this);
      }
    }
    if (it == m_.end()) {
      if (!erase) m_.emplace(k, v);
    } else if (erase) {
      m_.erase(it);
    } else {
      it->second = v;
    }
  }

  void reserve(size_t n) { m_.reserve(n); }
  // Empties the map outside any call (restoring a state image); not journaled.
  void clear() {
    STOA_ASSERT(!undo_log()->open());
    m_.clear();
    undo_.clear();
    block_keys_.clear();
    block_undo_.clear();
  }

  // Keys in ascending order (the canonical order; hash order is never observable).
  std::vector<K> sorted_keys() const {
    undo_log()->charge(gas::kIterate * m_.size());
    std::vector<K> keys;
    keys.reserve(m_.size());
    for (const auto& kv : m_)
      keys.push_back(kv.first);
    std::sort(keys.begin(), keys.end(), typename KeyLess<K>::type{});
    return keys;
  }
  // The (at most) `n` smallest keys above `after`, ascending: one pass over the table keeping a
  // bounded heap (resumable scans in key order; charged kScan per entry, kIterate per key kept).
  std::vector<K> smallest_keys_after(const K& after, size_t n) const {
    using Less = typename KeyLess<K>::type;
    undo_log()->charge(gas::kScan * m_.size());
    std::vector<K> heap;  // a max-heap of the smallest keys seen
    heap.reserve(n + 1);
    if (n == 0) return heap;
    for (const auto& kv : m_) {
      if (!Less{}(after, kv.first)) continue;
      if (heap.size() == n) {
        if (!Less{}(kv.first, heap.front())) continue;
        std::pop_heap(heap.begin(), heap.end(), Less{});
        heap.back() = kv.first;
      } else {
        heap.push_back(kv.first);
      }
      std::push_heap(heap.begin(), heap.end(), Less{});
    }
    std::sort_heap(heap.begin(), heap.end(), Less{});
    undo_log()->charge(gas::kIterate * heap.size());
    return heap;
  }
  // Every entry in hash order, uncharged: only for order-independent folds (sums, counts) whose
  // caller charges the pass itself (a split's scan of the holders).
  template <typename F>
  void for_each_unordered(F&& f) const {
    for (const auto& kv : m_)
      f(kv.first, kv.second);
  }
  // A lookup inside such a pass, uncharged (the pass's per-entry rate covers it).
  V peek(const K& k) const {
    auto it = m_.find(k);
    return it == m_.end() ? V{} : it->second;
  }
  template <typename F>
  void for_each_sorted(F&& f) const {
    for (const K& k : sorted_keys())
      f(k, m_.find(k)->second);
  }

  void rollback() override {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
      if (it->second.has_value()) {
        m_.insert_or_assign(it->first, *it->second);
      } else {
        m_.erase(it->first);
      }
    }
    undo_.clear();
  }
  void forget() override {
    if (undo_log()->block_tracking() && !undo_.empty()) {
      // Duplicates are allowed (sorted out at the seal), but a key the last two pushes named is
      // skipped: a batch of transfers writes sender, recipient, sender, recipient...
      for (const auto& u : undo_) {
        const size_t n = block_keys_.size();
        if (n >= 1 && typename KeyEq<K>::type{}(block_keys_.back(), u.first)) continue;
        if (n >= 2 && typename KeyEq<K>::type{}(block_keys_[block_keys_.size() - 2], u.first)) {
          continue;
        }
        block_keys_.push_back(u.first);
      }
      undo_log()->block_written(this);
    }
    if (undo_log()->block_undo() && !undo_.empty()) {
      keep_block_undo(block_undo_, undo_);
      undo_log()->block_undo_written(this);
    }
    undo_.clear();
  }
  std::unique_ptr<BlockUndo> take_block_undo() override {
    if (block_undo_.empty()) return nullptr;
    return std::make_unique<KeyedBlockUndo<JMap, K, V>>(*this, std::move(block_undo_));
  }
  uint64_t mark() override { return undo_.size(); }
  void rollback_to(uint64_t mark) override {
    STOA_ASSERT(mark <= undo_.size());
    while (undo_.size() > mark) {
      auto& u = undo_.back();
      if (u.second.has_value()) {
        m_.insert_or_assign(u.first, *u.second);
      } else {
        m_.erase(u.first);
      }
      undo_.pop_back();
    }
  }
  // The keys written in the block, ascending, each with its value now: 1 and the value, or 0
  // when the key is absent (erased, or written back to V{}).
  void encode_block_delta(StateEncoder& enc) override {
    sort_unique_keys(block_keys_);
    enc.u64(block_keys_.size());
    constexpr size_t kAhead = 8;  // lookups in flight: the keys are spread over a large table
    for (size_t i = 0; i < block_keys_.size() && i < kAhead; ++i)
      m_.prefetch(block_keys_[i]);
    for (size_t i = 0; i < block_keys_.size(); ++i) {
      if (i + kAhead < block_keys_.size()) m_.prefetch(block_keys_[i + kAhead]);
      const K& k = block_keys_[i];
      delta_put(enc, k);
      auto it = m_.find(k);
      if (it == m_.end()) {
        enc.u8(0);
      } else {
        enc.u8(1);
        delta_put(enc, it->second);
      }
    }
    block_keys_.clear();
  }
  void discard_block_delta() override { block_keys_.clear(); }
  void encode_content(StateEncoder& enc) const override {
    enc.u64(m_.size());
    for_each_sorted([&](const K& k, const V& v) {
      delta_put(enc, k);
      delta_put(enc, v);
    });
  }

 private:
  friend class KeyedBlockUndo<JMap, K, V>;
  // Sets k to v (absent: erased) and leaves in v what k held (block undo; no record).
  void exchange(const K& k, std::optional<V>& v) {
    auto it = m_.find(k);
    std::optional<V> now = it == m_.end() ? std::nullopt : std::optional<V>(std::move(it->second));
    if (v.has_value()) {
      m_.insert_or_assign(k, std::move(*v));
    } else if (it != m_.end()) {
      m_.erase(k);
    }
    v = std::move(now);
  }

  FlatTable<K, V, H, typename KeyEq<K>::type> m_;
  std::vector<std::pair<K, std::optional<V>>> undo_;
  std::vector<K> block_keys_;  // written since the last seal (duplicates allowed)
  std::vector<std::pair<K, std::optional<V>>> block_undo_;  // block undo: this block's records
};

// A single journaled value.
template <typename T>
class JValue final : public Undoable {
 public:
  JValue(UndoLog* j, Slot slot, T initial = T{}) : Undoable(j, slot), v_(std::move(initial)) {}
  JValue(const JValue&) = delete;
  JValue& operator=(const JValue&) = delete;
  const T& get() const { return v_; }
  void set(T v) {
    if (undo_log()->open()) {
      undo_log()->charge(gas::kWrite);
      undo_log()->touch(this);
      if (!saved_) saved_ = v_;
    } else {
      if (undo_log()->block_tracking()) undo_log()->block_written(this);
      if (undo_log()->block_undo() && !block_saved_) {
        block_saved_ = v_;
        undo_log()->block_undo_written(this);
      }
    }
    v_ = std::move(v);
  }
  void rollback() override {
    if (saved_) v_ = std::move(*saved_);
    saved_.reset();
    points_.clear();
  }
  // A savepoint keeps the value now (a JValue keeps no record per write).
  uint64_t mark() override {
    points_.push_back(v_);
    return points_.size() - 1;
  }
  void rollback_to(uint64_t mark) override {
    STOA_ASSERT(mark < points_.size());
    v_ = std::move(points_[mark]);
    points_.resize(mark);
  }
  void forget() override {
    if (undo_log()->block_tracking() && saved_) undo_log()->block_written(this);
    if (undo_log()->block_undo() && saved_ && !block_saved_) {
      block_saved_ = std::move(saved_);
      undo_log()->block_undo_written(this);
    }
    saved_.reset();
    points_.clear();
  }
  std::unique_ptr<BlockUndo> take_block_undo() override {
    if (!block_saved_) return nullptr;
    auto u = std::make_unique<Undo>(*this, std::move(*block_saved_));
    block_saved_.reset();
    return u;
  }
  // The value now (written in the block, possibly back to what it was).
  void encode_block_delta(StateEncoder& enc) override { delta_put(enc, v_); }
  void discard_block_delta() override {}
  void encode_content(StateEncoder& enc) const override { delta_put(enc, v_); }

 private:
  // The value before the block; unwinding or rewinding swaps it with the value now.
  class Undo final : public BlockUndo {
   public:
    Undo(JValue& c, T before) : c_(c), other_(std::move(before)) {}
    void unwind() override { std::swap(c_.v_, other_); }
    void rewind() override { std::swap(c_.v_, other_); }
    size_t bytes() const override { return sizeof(*this); }

   private:
    JValue& c_;
    T other_;
  };

  T v_;
  std::optional<T> saved_;
  std::optional<T> block_saved_;  // block undo: the value before the block
  std::vector<T> points_;         // the values at the open call's savepoints (mark)
};

}  // namespace stoa::core
