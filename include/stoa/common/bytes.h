// Byte strings, fixed-size 32-byte words and hex conversion.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stoa {

using Bytes = std::vector<uint8_t>;
using BytesView = std::span<const uint8_t>;

// A 32-byte word: hashes, roles, bytes32 ABI values.
struct Bytes32 {
  std::array<uint8_t, 32> b{};

  constexpr auto operator<=>(const Bytes32&) const = default;
  // Four word compares instead of a call to memcmp (hash-map probes compare hashes often).
  friend bool operator==(const Bytes32& x, const Bytes32& y) {
    uint64_t xw[4];
    uint64_t yw[4];
    std::memcpy(xw, x.b.data(), 32);
    std::memcpy(yw, y.b.data(), 32);
    return ((xw[0] ^ yw[0]) | (xw[1] ^ yw[1]) | (xw[2] ^ yw[2]) | (xw[3] ^ yw[3])) == 0;
  }
  bool is_zero() const {
    for (uint8_t x : b) {
      if (x != 0) return false;
    }
    return true;
  }
  BytesView view() const { return {b.data(), b.size()}; }
  // 0x-prefixed lowercase hex.
  std::string hex() const;
  // Accepts exactly 64 hex digits with optional 0x prefix.
  static std::optional<Bytes32> from_hex(std::string_view s);
  static Bytes32 from_view(BytesView v);  // requires v.size() == 32
};

// Lowercase hex without prefix.
std::string to_hex(BytesView data);
// 0x-prefixed lowercase hex.
std::string to_hex_prefixed(BytesView data);
// Accepts an optional 0x/0X prefix and an even number of hex digits (either case).
std::optional<Bytes> from_hex(std::string_view s);

inline Bytes concat(BytesView a, BytesView b) {
  Bytes out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// Constant-time equality for MACs and secrets (length is not secret).
bool constant_time_equal(BytesView a, BytesView b);

}  // namespace stoa

template <>
struct std::hash<stoa::Bytes32> {
  size_t operator()(const stoa::Bytes32& h) const noexcept {
    size_t v;
    std::memcpy(&v, h.b.data(), sizeof v);
    return v;
  }
};
