// Unsigned 256-bit integers with checked arithmetic: every operation that could wrap, truncate or
// divide by zero returns std::nullopt instead. Amounts, supplies and ABI uint values use this.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stoa/common/bytes.h"

namespace stoa {

class U256 {
 public:
  constexpr U256() = default;
  constexpr U256(uint64_t v) : w_{v, 0, 0, 0} {}  // NOLINT(google-explicit-constructor)
  static constexpr U256 from_words(uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3) {
    U256 r;
    r.w_ = {w0, w1, w2, w3};
    return r;
  }
  static constexpr U256 max() { return from_words(~0ULL, ~0ULL, ~0ULL, ~0ULL); }

  // Big-endian 32-byte form (ABI word).
  static U256 from_be(BytesView b32);  // requires size 32
  void to_be(uint8_t* out32) const;
  Bytes32 to_bytes32() const;
  static U256 from_bytes32(const Bytes32& b) { return from_be(b.view()); }

  // Decimal digits only, no sign, no leading '+', at most 78 digits; nullopt if out of range.
  static std::optional<U256> from_dec(std::string_view s);
  // 0x-prefixed hex (1..64 digits); nullopt if malformed.
  static std::optional<U256> from_hex(std::string_view s);
  // Decimal, or 0x-hex when prefixed.
  static std::optional<U256> parse(std::string_view s);
  std::string to_dec() const;
  std::string to_hex() const;  // 0x-prefixed, no leading zeros ("0x0" for zero)

  constexpr bool is_zero() const { return (w_[0] | w_[1] | w_[2] | w_[3]) == 0; }
  constexpr uint64_t word(int i) const { return w_[i]; }
  constexpr bool fits_u64() const { return (w_[1] | w_[2] | w_[3]) == 0; }
  constexpr uint64_t low64() const { return w_[0]; }
  unsigned bit_length() const;

  std::optional<U256> checked_add(const U256& o) const;
  std::optional<U256> checked_sub(const U256& o) const;
  std::optional<U256> checked_mul(const U256& o) const;
  // Floor division; nullopt on division by zero.
  std::optional<U256> checked_div(const U256& o) const;
  std::optional<U256> checked_mod(const U256& o) const;
  // Floor of (this * mul / div) with a 512-bit intermediate; nullopt if div is zero or the
  // result does not fit in 256 bits. The rounding rule of pro-rata amounts.
  std::optional<U256> mul_div_floor(const U256& mul, const U256& div) const;

  // Word by word, never a call to memcmp (balances are compared on every transfer).
  friend constexpr bool operator==(const U256& a, const U256& b) {
    return ((a.w_[0] ^ b.w_[0]) | (a.w_[1] ^ b.w_[1]) | (a.w_[2] ^ b.w_[2]) |
            (a.w_[3] ^ b.w_[3])) == 0;
  }
  friend constexpr std::strong_ordering operator<=>(const U256& a, const U256& b) {
    for (int i = 3; i >= 0; --i) {
      if (a.w_[i] != b.w_[i]) return a.w_[i] <=> b.w_[i];
    }
    return std::strong_ordering::equal;
  }

 private:
  std::array<uint64_t, 4> w_{};  // little-endian words
};

}  // namespace stoa
