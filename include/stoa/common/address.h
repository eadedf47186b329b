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
  bool is_zero() const {
    for (uint8_t x : b) {
      if (x != 0) return false;
    }
    return true;
  }
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
