// JMap's storage: a compact open-addressing hash table with capacity steps of about 1.25×.
//
// A power-of-two table (absl::flat_hash_map) is between 44% and 87.5% full depending on where the
// entry count falls between two powers; with the per-holder maps that slack was most of the
// ledger's memory (docs/PERFORMANCE.md). Here the capacity is any integer: a key's home slot is
// the high word of hash × capacity (no power-of-two mask), the table grows when 7/8 full and is
// rebuilt 70% full, so a growing table is 70–87.5% full at any size past the first few entries.
//
// Swiss-table layout: one control byte per slot (empty, deleted, or 7 bits of the hash) in an
// array of its own, followed by the slots (std::pair<K, V>) in the same allocation. A lookup
// compares the 16 control bytes from the home slot on (one SSE2 compare) and probes only the slots
// whose 7 bits match; it goes on to the next 16 only if those 16 had no empty slot. Entries stay
// where they were put until a rehash, so pointers to entries stay valid until the next insertion.
//
// The order of iteration depends on the hash and is never observable (JMap::sorted_keys is the
// canonical order). The interface is the subset of absl::flat_hash_map's that JMap uses.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <absl/numeric/int128.h>

#include "stoa/common/assert.h"

namespace stoa::core {

namespace flat {

using ctrl_t = int8_t;
inline constexpr ctrl_t kEmpty = -128;
inline constexpr ctrl_t kDeleted = -2;  // a tombstone: lookups probe past it
inline constexpr size_t kWidth = 16;    // control bytes compared at once
inline constexpr size_t kAlign = 64;    // the allocation (control bytes, then slots)

// Bit i set = control byte i of the 16 at `p` is ... (the three predicates a probe needs).
#if defined(__SSE2__)
inline uint32_t match(const ctrl_t* p, ctrl_t h2) {
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_set1_epi8(h2), c)));
}
inline uint32_t match_empty(const ctrl_t* p) {
  return match(p, kEmpty);
}
// Empty or deleted (both below -1; full bytes are 0..127).
inline uint32_t match_free(const ctrl_t* p) {
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(-1), c)));
}
#else
inline uint32_t match(const ctrl_t* p, ctrl_t h2) {
  uint32_t m = 0;
  for (size_t i = 0; i < kWidth; ++i)
    m |= static_cast<uint32_t>(p[i] == h2) << i;
  return m;
}
inline uint32_t match_empty(const ctrl_t* p) {
  return match(p, kEmpty);
}
inline uint32_t match_free(const ctrl_t* p) {
  uint32_t m = 0;
  for (size_t i = 0; i < kWidth; ++i)
    m |= static_cast<uint32_t>(p[i] < -1) << i;
  return m;
}
#endif

// Entries a table of `cap` slots may hold (counting tombstones): 7/8 of it, and always at least
// one empty slot, which ends every unsuccessful probe.
constexpr size_t max_fill(size_t cap) {
  return cap <= 8 ? (cap == 0 ? 0 : cap - 1) : cap - cap / 8;
}
// The capacity a rebuild for `n` entries gets: 70% full (so 1.25× growth from 87.5%); small
// tables double (2, 4, 8 slots).
constexpr size_t grown_capacity(size_t n) {
  if (n < 8) {
    size_t c = 2;
    while (max_fill(c) < n)
      c *= 2;
    return c;
  }
  return n + (n * 3 + 6) / 7;
}
// The smallest capacity holding `n` entries (reserve).
constexpr size_t reserved_capacity(size_t n) {
  size_t c = n < 8 ? grown_capacity(n) : n + n / 7 + 1;
  while (max_fill(c) < n)
    ++c;
  return c;
}

}  // namespace flat

template <typename K, typename V, typename H, typename Eq>
class FlatTable {
 public:
  using slot_type = std::pair<K, V>;
  static constexpr size_t npos = ~size_t{0};

  template <bool Const>
  class Iter {
   public:
    using Table = std::conditional_t<Const, const FlatTable, FlatTable>;
    using Slot = std::conditional_t<Const, const slot_type, slot_type>;
    Iter(Table* t, size_t i) : t_(t), i_(i) {}
    Slot& operator*() const { return t_->slots_[i_]; }
    Slot* operator->() const { return &t_->slots_[i_]; }
    Iter& operator++() {
      i_ = t_->next_full(i_ + 1);
      return *this;
    }
    bool operator==(const Iter& o) const { return i_ == o.i_; }
    bool operator!=(const Iter& o) const { return i_ != o.i_; }

   private:
    friend class FlatTable;
    Table* t_;
    size_t i_;
  };
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;

  FlatTable() = default;
  FlatTable(const FlatTable&) = delete;
  FlatTable& operator=(const FlatTable&) = delete;
  ~FlatTable() { release(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return cap_; }
  // Bytes of the table's allocation (control bytes and slots; not what the values own).
  size_t allocated_bytes() const { return cap_ == 0 ? 0 : alloc_size(cap_); }

  iterator begin() { return iterator(this, next_full(0)); }
  iterator end() { return iterator(this, cap_); }
  const_iterator begin() const { return const_iterator(this, next_full(0)); }
  const_iterator end() const { return const_iterator(this, cap_); }

  iterator find(const K& k) {
    const size_t i = find_index(k, H{}(k));
    return iterator(this, i == npos ? cap_ : i);
  }
  const_iterator find(const K& k) const {
    const size_t i = find_index(k, H{}(k));
    return const_iterator(this, i == npos ? cap_ : i);
  }
  bool contains(const K& k) const { return find_index(k, H{}(k)) != npos; }

  // Starts loading the control bytes and the home slot of `k` (no effect on the content).
  void prefetch(const K& k) const {
    if (cap_ == 0) return;
    const size_t i = home(H{}(k));
    __builtin_prefetch(ctrl_ + i);
    // The home slot and the line after it: at 70-87.5% full an entry is often a slot or two
    // past its home, and a slot of more than a few bytes straddles two lines anyway.
    const char* s = reinterpret_cast<const char*>(slots_ + i);
    __builtin_prefetch(s);
    __builtin_prefetch(s + 64);
  }

  std::pair<iterator, bool> emplace(const K& k, const V& v) {
    const size_t h = H{}(k);
    const size_t found = find_index(k, h);
    if (found != npos) return {iterator(this, found), false};
    const size_t i = prepare_insert(h);
    ::new (static_cast<void*>(slots_ + i)) slot_type(k, v);
    return {iterator(this, i), true};
  }
  std::pair<iterator, bool> insert_or_assign(const K& k, const V& v) {
    const size_t h = H{}(k);
    const size_t found = find_index(k, h);
    if (found != npos) {
      slots_[found].second = v;
      return {iterator(this, found), false};
    }
    const size_t i = prepare_insert(h);
    ::new (static_cast<void*>(slots_ + i)) slot_type(k, v);
    return {iterator(this, i), true};
  }

  void erase(iterator it) { erase_at(it.i_); }
  size_t erase(const K& k) {
    const size_t i = find_index(k, H{}(k));
    if (i == npos) return 0;
    erase_at(i);
    return 1;
  }

  void reserve(size_t n) {
    if (n > size_ + growth_left_) rehash(std::max(flat::reserved_capacity(n), cap_));
  }
  // Destroys every entry and frees the table.
  void clear() {
    release();
    ctrl_ = nullptr;
    slots_ = nullptr;
    cap_ = size_ = growth_left_ = 0;
  }

  // The structure's invariants (for tests): the count of full slots, the copies of the first
  // control bytes, the free-slot accounting, and every entry found where a lookup looks.
  bool consistent() const {
    if (cap_ == 0) return size_ == 0 && growth_left_ == 0;
    size_t full = 0;
    size_t deleted = 0;
    for (size_t i = 0; i < cap_; ++i) {
      if (ctrl_[i] >= 0) {
        ++full;
        const size_t h = H{}(slots_[i].first);
        if (ctrl_[i] != h2(h) || find_index(slots_[i].first, h) != i) return false;
      } else if (ctrl_[i] == flat::kDeleted) {
        ++deleted;
      } else if (ctrl_[i] != flat::kEmpty) {
        return false;
      }
    }
    for (size_t j = 0; j + 1 < flat::kWidth; ++j) {
      if (ctrl_[cap_ + j] != ctrl_[j % cap_]) return false;
    }
    return full == size_ && full + deleted + growth_left_ == flat::max_fill(cap_);
  }

 private:
  using ctrl_t = flat::ctrl_t;

  static size_t alloc_ctrl_bytes(size_t cap) {
    return (cap + flat::kWidth - 1 + flat::kAlign - 1) / flat::kAlign * flat::kAlign;
  }
  static size_t alloc_size(size_t cap) { return alloc_ctrl_bytes(cap) + cap * sizeof(slot_type); }

  // The home slot: the high word of hash × capacity (uniform over any capacity).
  size_t home(size_t h) const {
    return static_cast<size_t>(absl::Uint128High64(absl::uint128(h) * cap_));
  }
  static ctrl_t h2(size_t h) { return static_cast<ctrl_t>(h & 0x7f); }
  size_t wrap(size_t i) const { return i < cap_ ? i : i % cap_; }

  size_t find_index(const K& k, size_t h) const {
    if (cap_ == 0) return npos;
    size_t pos = home(h);
    const ctrl_t tag = h2(h);
    for (size_t probed = 0;; probed += flat::kWidth) {
      for (uint32_t m = flat::match(ctrl_ + pos, tag); m != 0; m &= m - 1) {
        const size_t i = wrap(pos + static_cast<size_t>(__builtin_ctz(m)));
        if (Eq{}(slots_[i].first, k)) return i;
      }
      if (flat::match_empty(ctrl_ + pos) != 0) return npos;
      STOA_ASSERT(probed < cap_);  // an empty slot always exists
      pos = wrap(pos + flat::kWidth);
    }
  }
  // The first empty or deleted slot on the probe sequence of `h`.
  size_t find_free(size_t h) const {
    size_t pos = home(h);
    for (size_t probed = 0;; probed += flat::kWidth) {
      if (const uint32_t m = flat::match_free(ctrl_ + pos); m != 0) {
        return wrap(pos + static_cast<size_t>(__builtin_ctz(m)));
      }
      STOA_ASSERT(probed < cap_);
      pos = wrap(pos + flat::kWidth);
    }
  }
  // Claims a slot for a new entry of hash `h` (growing first if need be); the caller constructs.
  size_t prepare_insert(size_t h) {
    size_t i = cap_ == 0 ? 0 : find_free(h);
    if (cap_ == 0 || (growth_left_ == 0 && ctrl_[i] == flat::kEmpty)) {
      rehash(flat::grown_capacity(size_ + 1));
      i = find_free(h);
    }
    if (ctrl_[i] == flat::kEmpty) --growth_left_;
    set_ctrl(i, h2(h));
    ++size_;
    return i;
  }
  // Writes control byte i and its copies after the end (the last 15 bytes repeat the first ones,
  // so 16 bytes read from any slot wrap around).
  void set_ctrl(size_t i, ctrl_t c) {
    ctrl_[i] = c;
    for (size_t j = cap_ + i; j < cap_ + flat::kWidth - 1; j += cap_)
      ctrl_[j] = c;
  }
  void erase_at(size_t i) {
    STOA_ASSERT(i < cap_ && ctrl_[i] >= 0);
    slots_[i].~slot_type();
    --size_;
    // A slot may become empty again only if no 16 consecutive slots around it are all non-empty:
    // then no probe ever went past it (a window that had no empty slot never gets one back).
    size_t run = 1;
    for (size_t d = 1; d < flat::kWidth && ctrl_[(i + cap_ - d % cap_) % cap_] != flat::kEmpty; ++d)
      ++run;
    for (size_t d = 1; d < flat::kWidth && ctrl_[(i + d) % cap_] != flat::kEmpty; ++d)
      ++run;
    if (run < flat::kWidth) {
      set_ctrl(i, flat::kEmpty);
      ++growth_left_;
    } else {
      set_ctrl(i, flat::kDeleted);
    }
  }
  size_t next_full(size_t i) const {
    while (i < cap_ && ctrl_[i] < 0)
      ++i;
    return i;
  }

  void rehash(size_t new_cap) {
    STOA_ASSERT(flat::max_fill(new_cap) >= size_);
    ctrl_t* old_ctrl = ctrl_;
    slot_type* old_slots = slots_;
    const size_t old_cap = cap_;
    void* mem = ::operator new (alloc_size(new_cap), std::align_val_t{flat::kAlign});
    ctrl_ = static_cast<ctrl_t*>(mem);
    slots_ = reinterpret_cast<slot_type*>(static_cast<char*>(mem) + alloc_ctrl_bytes(new_cap));
    cap_ = new_cap;
    std::memset(ctrl_, flat::kEmpty, new_cap + flat::kWidth - 1);
    for (size_t j = 0; j < old_cap; ++j) {
      if (old_ctrl[j] < 0) continue;
      slot_type* s = old_slots + j;
      const size_t h = H{}(s->first);
      const size_t i = find_free(h);
      set_ctrl(i, h2(h));
      ::new (static_cast<void*>(slots_ + i)) slot_type(std::move(*s));
      std::destroy_at(s);  // the moved-from entry
    }
    growth_left_ = flat::max_fill(new_cap) - size_;
    if (old_cap != 0) ::operator delete (old_ctrl, std::align_val_t{flat::kAlign});
  }
  void release() {
    if (cap_ == 0) return;
    if constexpr (!std::is_trivially_destructible_v<slot_type>) {
      for (size_t i = 0; i < cap_; ++i) {
        if (ctrl_[i] >= 0) slots_[i].~slot_type();
      }
    }
    ::operator delete (ctrl_, std::align_val_t{flat::kAlign});
  }

  ctrl_t* ctrl_ = nullptr;
  slot_type* slots_ = nullptr;
  size_t cap_ = 0;
  size_t size_ = 0;
  size_t growth_left_ = 0;  // empty slots still usable before a rehash
};

}  // namespace stoa::core
