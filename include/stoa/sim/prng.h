// The simulator's deterministic PRNG: xoshiro256** seeded through splitmix64. Every draw is
// computed here, bit for bit, so a seed means the same stream on every compiler and standard
// library (std::random_device and the std::*_distribution adaptors are never used: their
// outputs differ across implementations).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "stoa/common/assert.h"

namespace stoa::sim {

// splitmix64 (Vigna): one step of the seeding generator.
inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Prng {
 public:
  explicit Prng(uint64_t seed) {
    uint64_t sm = seed;
    for (uint64_t& w : s_)
      w = splitmix64(sm);
  }

  // xoshiro256** 1.0.
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0, without modulo bias (rejection on the top of the range).
  uint64_t below(uint64_t n) {
    STOA_ASSERT(n > 0);
    const uint64_t limit = UINT64_MAX - (UINT64_MAX % n);  // multiple of n
    uint64_t x;
    do {
      x = next();
    } while (x >= limit);
    return x % n;
  }
  // Uniform in [lo, hi], lo <= hi.
  uint64_t range(uint64_t lo, uint64_t hi) {
    STOA_ASSERT(lo <= hi);
    if (hi - lo == UINT64_MAX) return next();
    return lo + below(hi - lo + 1);
  }
  // True with probability num/den.
  bool chance(uint64_t num, uint64_t den) { return below(den) < num; }
  bool coin() { return (next() >> 63) != 0; }

  template <typename T>
  const T& pick(const std::vector<T>& v) {
    STOA_ASSERT(!v.empty());
    return v[below(v.size())];
  }
  // An index drawn with the given weights (at least one non-zero).
  size_t weighted(const std::vector<uint32_t>& weights) {
    uint64_t total = 0;
    for (uint32_t w : weights)
      total += w;
    STOA_ASSERT(total > 0);
    uint64_t x = below(total);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace stoa::sim
