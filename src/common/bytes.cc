#include "stoa/common/bytes.h"

#include "stoa/common/assert.h"

namespace stoa {
namespace {
constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string to_hex(BytesView data) {
  std::string out;
  out.resize(data.size() * 2);
  for (size_t i = 0; i < data.size(); ++i) {
    out[2 * i] = kHexDigits[data[i] >> 4];
    out[2 * i + 1] = kHexDigits[data[i] & 0xf];
  }
  return out;
}

std::string to_hex_prefixed(BytesView data) {
  return "0x" + to_hex(data);
}

std::optional<Bytes> from_hex(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.size() % 2 != 0) return std::nullopt;
  Bytes out(s.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(s[2 * i]);
    int lo = hex_value(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return out;
}

std::string Bytes32::hex() const {
  return to_hex_prefixed(view());
}

std::optional<Bytes32> Bytes32::from_hex(std::string_view s) {
  auto raw = stoa::from_hex(s);
  if (!raw || raw->size() != 32) return std::nullopt;
  return from_view(*raw);
}

Bytes32 Bytes32::from_view(BytesView v) {
  STOA_ASSERT(v.size() == 32);
  Bytes32 out;
  std::memcpy(out.b.data(), v.data(), 32);
  return out;
}

bool constant_time_equal(BytesView a, BytesView b) {
  if (a.size() != b.size()) return false;
  volatile uint8_t acc = 0;
  for (size_t i = 0; i < a.size(); ++i)
    acc = acc | static_cast<uint8_t>(a[i] ^ b[i]);
  return acc == 0;
}

}  // namespace stoa
