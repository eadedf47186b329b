// 20-byte Ethereum addresses: EIP-55 checksummed display; parsing accepts all-lowercase,
// all-uppercase, or a correctly checksummed mixed-case form (a mixed-case string with a wrong
// checksum is a typo and is refused, as ethers does).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "stoa/common/bytes.h"

namespace stoa {

struct Address {
  std::array<uint8_t, 20> b{};

  constexpr auto operator<=>(const Address&) const = default;
  // Three word compares instead of a call to memcmp (every transfer compares its parties).
  friend bool operator==(const Address& x, const Address& y) {
    uint64_t a[2];
    uint64_t c[2];
    uint32_t a2 = 0;
    uint32_t c2 = 0;
    std::memcpy(a, x.b.data(), 16);
    std::memcpy(c, y.b.data(), 16);
    std::memcpy(&a2, x.b.data() + 16, 4);
    std::memcpy(&c2, y.b.data() + 16, 4);
    return ((a[0] ^ c[0]) | (a[1] ^ c[1]) | (a2 ^ c2)) == 0;
  }
  bool is_zero() const { return *this == Address{}; }
  BytesView view() const { return {b.data(), b.size()}; }
  std::string checksum_hex() const;  // EIP-55
  std::string lower_hex() const;     // 0x + 40 lowercase digits
  static std::optional<Address> parse(std::string_view s);
  static Address from_view(BytesView v);  // requires size 20
  // The low 20 bytes of a 32-byte word (as ABI `address` and keccak-derived addresses use).
  static Address from_word(const Bytes32& w);
  Bytes32 to_word() const;
  uint64_t hash64() const {
    uint64_t v;
    std::memcpy(&v, b.data() + 12, sizeof v);
    return v;
  }
};

// The address a CREATE from `creator` with account nonce `nonce` would produce:
// keccak256(rlp([creator, nonce]))[12:]. Native contracts use this rule so tools can predict it.
Address create_address(const Address& creator, uint64_t nonce);

}  // namespace stoa

template <>
struct std::hash<stoa::Address> {
  size_t operator()(const stoa::Address& a) const noexcept { return a.hash64(); }
};
