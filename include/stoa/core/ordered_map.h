// Journaled containers read in order.
//
// JOrderedMap<K, V, Less>: a B-tree (absl::btree_map: nodes of up to 256 bytes of entries, O(log n)
// find, insert and erase, in-order iteration at memory speed) with the journal's undo log (a
// reverted call leaves it as it was), a block delta (the keys written since the last seal, each
// with its value now, in key order — as JMap's) and a canonical encoding in key order (as JMap's:
// entry count, then key and value per entry, so a JMap can become a JOrderedMap without changing
// a byte of any state image or delta). lower_bound, upper_bound, range iteration; absent keys read
// as V{} and storing V{} erases. For collections that grow and are read in order or by range
// (holders by balance, checkpoints by block, lots by date, orders by price, securities by symbol).
// A JOrderedMap made with kIndex is an index: journaled for reverts but not state (in no delta or
// state image; rebuilt from state when a state image is decoded).
//
// JVector<T>: an append-only journaled list (O(1) append and undo) whose encoding is
// JValue<std::vector<T>>'s: its count, then its elements in order; its block delta is its whole
// content, as JValue's is. A JValue<std::vector<T>> becomes a JVector without changing a byte.
#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <absl/container/btree_map.h>

#include "stoa/common/assert.h"
#include "stoa/core/undo_log.h"

namespace stoa::core {

template <typename K, typename V, typename Less = typename KeyLess<K>::type>
class JOrderedMap final : public Undoable {
 public:
  using Map = absl::btree_map<K, V, Less>;
  using const_iterator = typename Map::const_iterator;

  JOrderedMap(UndoLog* j, Slot slot) : Undoable(j, slot) {}
  JOrderedMap(UndoLog* j, IndexTag index) : Undoable(j, index) {}
  JOrderedMap(const JOrderedMap&) = delete;
  JOrderedMap& operator=(const JOrderedMap&) = delete;

  const V* find(const K& k) const {
    auto it = m_.find(k);
    return it == m_.end() ? nullptr : &it->second;
  }
  V get(const K& k) const {
    auto it = m_.find(k);
    return it == m_.end() ? V{} : it->second;
  }
  bool contains(const K& k) const { return m_.contains(k); }
  size_t size() const { return m_.size(); }
  bool empty() const { return m_.empty(); }

  // In key order.
  const_iterator begin() const { return m_.begin(); }
  const_iterator end() const { return m_.end(); }
  const_iterator lower_bound(const K& k) const { return m_.lower_bound(k); }  // first >= k
  const_iterator upper_bound(const K& k) const { return m_.upper_bound(k); }  // first > k
  // Calls f(key, value) for every key in [lo, hi), ascending; stops early if f returns false.
  template <typename F>
  void for_each_in(const K& lo, const K& hi, F&& f) const {
    for (auto it = m_.lower_bound(lo); it != m_.end() && Less{}(it->first, hi); ++it) {
      if (!f(it->first, it->second)) return;
    }
  }

  void set(const K& k, const V& v) {
    auto it = m_.find(k);
    const bool erase = (v == V{});
    if (undo_log()->open()) {
      undo_log()->touch(this);
      undo_.emplace_back(k, it == m_.end() ? std::nullopt : std::optional<V>(it->second));
    } else {
      if (undo_log()->block_tracking() && !is_index()) {
        block_keys_.push_back(k);
        undo_log()->block_written(this);
      }
      if (undo_log()->block_undo()) {  // indexes too: a past state reads them
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
  void erase(const K& k) { set(k, V{}); }

  // Empties the map outside any call (restoring a state image); not journaled.
  void clear() {
    STOA_ASSERT(!undo_log()->open());
    m_.clear();
    undo_.clear();
    block_keys_.clear();
    block_undo_.clear();
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
    if (undo_log()->block_tracking() && !is_index() && !undo_.empty()) {
      for (const auto& u : undo_)
        block_keys_.push_back(u.first);
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
    return std::make_unique<KeyedBlockUndo<JOrderedMap, K, V>>(*this, std::move(block_undo_));
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
  // The keys written in the block, ascending (Less), each with its value now: 1 and the value,
  // or 0 when the key is absent.
  void encode_block_delta(StateEncoder& enc) override {
    std::sort(block_keys_.begin(), block_keys_.end(), Less{});
    block_keys_.erase(std::unique(block_keys_.begin(), block_keys_.end(),
                                  [](const K& a, const K& b) { return !Less{}(a, b); }),
                      block_keys_.end());
    enc.u64(block_keys_.size());
    for (const K& k : block_keys_) {
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
    for (const auto& [k, v] : m_) {
      delta_put(enc, k);
      delta_put(enc, v);
    }
  }

 private:
  friend class KeyedBlockUndo<JOrderedMap, K, V>;
  // Sets k to v (absent: erased) and leaves in v what k held (block undo; no record).
  void exchange(const K& k, std::optional<V>& v) {
    auto it = m_.find(k);
    std::optional<V> now = it == m_.end() ? std::nullopt : std::optional<V>(std::move(it->second));
    if (v.has_value()) {
      m_.insert_or_assign(k, std::move(*v));
    } else if (it != m_.end()) {
      m_.erase(it);
    }
    v = std::move(now);
  }

  Map m_;
  std::vector<std::pair<K, std::optional<V>>> undo_;
  std::vector<K> block_keys_;  // written since the last seal (duplicates allowed)
  std::vector<std::pair<K, std::optional<V>>> block_undo_;  // block undo: this block's records
};

template <typename T>
class JVector final : public Undoable {
 public:
  JVector(UndoLog* j, Slot slot) : Undoable(j, slot) {}
  JVector(const JVector&) = delete;
  JVector& operator=(const JVector&) = delete;

  size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  const T& operator[](size_t i) const { return v_[i]; }
  const T& at(size_t i) const {
    STOA_ASSERT(i < v_.size());
    return v_[i];
  }
  const std::vector<T>& items() const { return v_; }

  void push_back(T x) {
    if (undo_log()->open()) {
      undo_log()->touch(this);
      ++appended_;
    } else {
      if (undo_log()->block_tracking()) undo_log()->block_written(this);
      if (undo_log()->block_undo() && !block_start_) {
        block_start_ = v_.size();
        undo_log()->block_undo_written(this);
      }
    }
    v_.push_back(std::move(x));
  }
  // Replaces the content outside any call (restoring a state image); not journaled.
  void assign(std::vector<T> v) {
    STOA_ASSERT(!undo_log()->open());
    v_ = std::move(v);
    appended_ = 0;
    block_start_.reset();
  }

  void rollback() override {
    STOA_ASSERT(appended_ <= v_.size());
    v_.resize(v_.size() - appended_);
    appended_ = 0;
  }
  void forget() override {
    if (undo_log()->block_tracking() && appended_ > 0) undo_log()->block_written(this);
    if (undo_log()->block_undo() && appended_ > 0 && !block_start_) {
      block_start_ = v_.size() - appended_;
      undo_log()->block_undo_written(this);
    }
    appended_ = 0;
  }
  uint64_t mark() override { return appended_; }
  void rollback_to(uint64_t mark) override {
    STOA_ASSERT(mark <= appended_ && appended_ <= v_.size());
    v_.resize(v_.size() - (appended_ - mark));
    appended_ = mark;
  }
  std::unique_ptr<BlockUndo> take_block_undo() override {
    if (!block_start_) return nullptr;
    auto u = std::make_unique<Undo>(*this, *block_start_);
    block_start_.reset();
    return u;
  }
  // The whole list (JValue<std::vector<T>>'s delta: the value now).
  void encode_block_delta(StateEncoder& enc) override { delta_put(enc, v_); }
  void discard_block_delta() override {}
  void encode_content(StateEncoder& enc) const override { delta_put(enc, v_); }

 private:
  // The length before the block: unwinding moves the block's elements out, rewinding back.
  class Undo final : public BlockUndo {
   public:
    Undo(JVector& c, size_t start) : c_(c), start_(start) {}
    void unwind() override {
      STOA_ASSERT(tail_.empty() && start_ <= c_.v_.size());
      tail_.assign(std::make_move_iterator(c_.v_.begin() + static_cast<std::ptrdiff_t>(start_)),
                   std::make_move_iterator(c_.v_.end()));
      c_.v_.resize(start_);
    }
    void rewind() override {
      STOA_ASSERT(c_.v_.size() == start_);
      c_.v_.insert(c_.v_.end(), std::make_move_iterator(tail_.begin()),
                   std::make_move_iterator(tail_.end()));
      tail_.clear();
    }
    size_t bytes() const override { return sizeof(*this); }

   private:
    JVector& c_;
    size_t start_;
    std::vector<T> tail_;  // while unwound
  };

  std::vector<T> v_;
  size_t appended_ = 0;                // by the open call (undone by truncating)
  std::optional<size_t> block_start_;  // block undo: the length before the block
};

}  // namespace stoa::core
