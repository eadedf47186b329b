// Journaled storage: every write inside an open call records how to undo it, so a call that
// reverts leaves the state byte-for-byte as it was (evmone's journaled state, done natively).
// Containers register themselves with the Journal the first time they are written in a call;
// commit drops the undo records, rollback replays them backwards. Writes made while no call is
// open (genesis) are permanent.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <absl/hash/hash.h>

#include "stoa/common/address.h"
#include "stoa/common/assert.h"
#include "stoa/common/bytes.h"
#include "stoa/core/flat_table.h"

namespace stoa::core {

class Undoable {
 public:
  virtual ~Undoable() = default;
  virtual void rollback() = 0;
  virtual void forget() = 0;

 private:
  friend class Journal;
  uint64_t touched_epoch_ = 0;
};

class Journal {
 public:
  void begin() {
    STOA_ASSERT(!open_);
    open_ = true;
    ++epoch_;
  }
  void commit() {
    STOA_ASSERT(open_);
    for (Undoable* u : touched_)
      u->forget();
    touched_.clear();
    open_ = false;
  }
  void rollback() {
    STOA_ASSERT(open_);
    for (auto it = touched_.rbegin(); it != touched_.rend(); ++it)
      (*it)->rollback();
    touched_.clear();
    open_ = false;
  }
  bool open() const { return open_; }
  void touch(Undoable* u) {
    if (u->touched_epoch_ != epoch_) {
      u->touched_epoch_ = epoch_;
      touched_.push_back(u);
    }
  }

 private:
  std::vector<Undoable*> touched_;
  uint64_t epoch_ = 0;
  bool open_ = false;
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
struct AddressEq {
  bool operator()(const Address& x, const Address& y) const {
    const detail::AddressWords a = detail::address_words(x);
    const detail::AddressWords b = detail::address_words(y);
    return ((a.w0 ^ b.w0) | (a.w1 ^ b.w1) | (a.w2 ^ b.w2)) == 0;
  }
};
template <typename K>
struct KeyEq {
  using type = std::equal_to<K>;
};
template <>
struct KeyEq<Address> {
  using type = AddressEq;
};
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

// A map whose absent keys read as V{}; storing V{} erases the key, so the map's content is the
// canonical form of the storage (no difference between "absent" and "default").
template <typename K, typename V, typename H = absl::Hash<K>>
class JMap final : public Undoable {
 public:
  explicit JMap(Journal* j) : j_(j) {}
  JMap(const JMap&) = delete;
  JMap& operator=(const JMap&) = delete;

  const V* find(const K& k) const {
    auto it = m_.find(k);
    return it == m_.end() ? nullptr : &it->second;
  }
  V get(const K& k) const {
    auto it = m_.find(k);
    return it == m_.end() ? V{} : it->second;
  }
  bool contains(const K& k) const { return m_.contains(k); }
  // Starts loading the memory a lookup of `k` will touch (no effect on the content).
  void prefetch(const K& k) const { m_.prefetch(k); }
  size_t size() const { return m_.size(); }

  void set(const K& k, const V& v) {
    auto it = m_.find(k);
    const bool erase = (v == V{});
    if (j_->open()) {
      j_->touch(this);
      undo_.emplace_back(k, it == m_.end() ? std::nullopt : std::optional<V>(it->second));
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
  // Empties the map outside any call (restoring a snapshot); not journaled.
  void clear() {
    STOA_ASSERT(!j_->open());
    m_.clear();
    undo_.clear();
  }

  // Keys in ascending order (the canonical order; hash order is never observable).
  std::vector<K> sorted_keys() const {
    std::vector<K> keys;
    keys.reserve(m_.size());
    for (const auto& kv : m_)
      keys.push_back(kv.first);
    std::sort(keys.begin(), keys.end());
    return keys;
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
  void forget() override { undo_.clear(); }

 private:
  Journal* j_;
  FlatTable<K, V, H, typename KeyEq<K>::type> m_;
  std::vector<std::pair<K, std::optional<V>>> undo_;
};

// A single journaled value.
template <typename T>
class JValue final : public Undoable {
 public:
  JValue(Journal* j, T initial = T{}) : j_(j), v_(std::move(initial)) {}
  JValue(const JValue&) = delete;
  JValue& operator=(const JValue&) = delete;
  const T& get() const { return v_; }
  void set(T v) {
    if (j_->open()) {
      j_->touch(this);
      if (!saved_) saved_ = v_;
    }
    v_ = std::move(v);
  }
  void rollback() override {
    if (saved_) v_ = std::move(*saved_);
    saved_.reset();
  }
  void forget() override { saved_.reset(); }

 private:
  Journal* j_;
  T v_;
  std::optional<T> saved_;
};

}  // namespace stoa::core
