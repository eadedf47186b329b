#include "stoa/common/address.h"

#include "stoa/common/assert.h"
#include "stoa/common/keccak.h"

namespace stoa {

std::string Address::lower_hex() const {
  return to_hex_prefixed(view());
}

std::string Address::checksum_hex() const {
  std::string lower = to_hex(view());
  Bytes32 h = keccak256(std::string_view(lower));
  std::string out = "0x";
  for (size_t i = 0; i < lower.size(); ++i) {
    char c = lower[i];
    uint8_t nibble = (i % 2 == 0) ? (h.b[i / 2] >> 4) : (h.b[i / 2] & 0xf);
    if (c >= 'a' && c <= 'f' && nibble >= 8) c = static_cast<char>(c - 'a' + 'A');
    out.push_back(c);
  }
  return out;
}

std::optional<Address> Address::parse(std::string_view s) {
  if (s.size() != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
  auto raw = from_hex(s);
  if (!raw || raw->size() != 20) return std::nullopt;
  Address a = from_view(*raw);
  std::string_view digits = s.substr(2);
  bool has_lower = false;
  bool has_upper = false;
  for (char c : digits) {
    if (c >= 'a' && c <= 'f') has_lower = true;
    if (c >= 'A' && c <= 'F') has_upper = true;
  }
  if (has_lower && has_upper && a.checksum_hex().substr(2) != digits) return std::nullopt;
  return a;
}

Address Address::from_view(BytesView v) {
  STOA_ASSERT(v.size() == 20);
  Address a;
  std::memcpy(a.b.data(), v.data(), 20);
  return a;
}

Address Address::from_word(const Bytes32& w) {
  Address a;
  std::memcpy(a.b.data(), w.b.data() + 12, 20);
  return a;
}

Bytes32 Address::to_word() const {
  Bytes32 w;
  std::memcpy(w.b.data() + 12, b.data(), 20);
  return w;
}

Address create_address(const Address& creator, uint64_t nonce) {
  // rlp([creator, nonce]): creator is a 20-byte string (0x94 prefix); nonce is an integer.
  Bytes item;
  item.push_back(0x94);
  item.insert(item.end(), creator.b.begin(), creator.b.end());
  if (nonce == 0) {
    item.push_back(0x80);
  } else if (nonce < 0x80) {
    item.push_back(static_cast<uint8_t>(nonce));
  } else {
    Bytes be;
    for (uint64_t n = nonce; n != 0; n >>= 8)
      be.insert(be.begin(), static_cast<uint8_t>(n & 0xff));
    item.push_back(static_cast<uint8_t>(0x80 + be.size()));
    item.insert(item.end(), be.begin(), be.end());
  }
  Bytes list;
  list.push_back(static_cast<uint8_t>(0xc0 + item.size()));  // item.size() <= 30 < 56
  list.insert(list.end(), item.begin(), item.end());
  return Address::from_word(keccak256(BytesView(list)));
}

}  // namespace stoa
