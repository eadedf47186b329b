// ABI values: checking a value against its type, integer ranges, UTF-8, and the 32-byte words of
// elementary values.
#include <cstring>

#include "internal.h"
#include "stoa/abi/abi.h"
#include "stoa/common/assert.h"

namespace stoa::abi {

Bytes32 Value::as_bytes32() const {
  const Bytes* b = std::get_if<Bytes>(&v);
  STOA_ASSERT(b != nullptr && b->size() <= 32);
  Bytes32 out;
  if (!b->empty()) std::memcpy(out.b.data(), b->data(), b->size());
  return out;
}

std::string_view to_string(DecodeError e) {
  switch (e) {
    case DecodeError::kOk:
      return "ok";
    case DecodeError::kTooShort:
      return "data too short";
    case DecodeError::kBadOffset:
      return "offset out of bounds or misaligned";
    case DecodeError::kBadLength:
      return "length out of bounds or over limit";
    case DecodeError::kDirtyHighBits:
      return "non-zero padding bits";
    case DecodeError::kBadBool:
      return "bool value other than 0 or 1";
    case DecodeError::kInvalidUtf8:
      return "string is not valid UTF-8";
    case DecodeError::kTrailingData:
      return "trailing data after the encoding";
    case DecodeError::kTooDeep:
      return "type nested too deeply";
    case DecodeError::kTypeMismatch:
      return "value does not match its type";
  }
  return "unknown error";
}

namespace internal {
namespace {

// True if every bit at index >= `from` (0 = least significant) equals `one`.
bool high_bits_equal(const U256& x, unsigned from, bool one) {
  for (int k = 0; k < 4; ++k) {
    unsigned lo = static_cast<unsigned>(k) * 64;
    if (lo + 63 < from) continue;
    uint64_t mask = from <= lo ? ~0ULL : (~0ULL << (from - lo));
    uint64_t expected = one ? mask : 0;
    if ((x.word(k) & mask) != expected) return false;
  }
  return true;
}

bool bit(const U256& x, unsigned i) {
  return ((x.word(static_cast<int>(i / 64)) >> (i % 64)) & 1) != 0;
}

}  // namespace

bool fits_uint(const U256& x, unsigned bits) {
  return bits >= 256 || high_bits_equal(x, bits, false);
}

bool fits_int(const U256& x, unsigned bits) {
  if (bits >= 256) return true;
  return high_bits_equal(x, bits - 1, bit(x, bits - 1));
}

bool is_negative(const U256& x) {
  return bit(x, 255);
}

U256 negate(const U256& x) {
  U256 inv = U256::from_words(~x.word(0), ~x.word(1), ~x.word(2), ~x.word(3));
  auto r = inv.checked_add(U256(1));
  return r ? *r : U256();  // only ~0 + 1 wraps, i.e. -0 == 0
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte, overlong 2-byte lead (c0/c1) or > U+10FFFF lead
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return false;
    if (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) return false;
    i += len;
  }
  return true;
}

DecodeError check_value(const Type& t, const Value& v) {
  using K = Type::Kind;
  switch (t.kind) {
    case K::Uint: {
      const U256* x = std::get_if<U256>(&v.v);
      return x && fits_uint(*x, t.bits) ? DecodeError::kOk : DecodeError::kTypeMismatch;
    }
    case K::Int: {
      const U256* x = std::get_if<U256>(&v.v);
      return x && fits_int(*x, t.bits) ? DecodeError::kOk : DecodeError::kTypeMismatch;
    }
    case K::Address:
      return std::holds_alternative<Address>(v.v) ? DecodeError::kOk : DecodeError::kTypeMismatch;
    case K::Bool:
      return std::holds_alternative<bool>(v.v) ? DecodeError::kOk : DecodeError::kTypeMismatch;
    case K::FixedBytes: {
      const Bytes* b = std::get_if<Bytes>(&v.v);
      return b && b->size() == t.bits ? DecodeError::kOk : DecodeError::kTypeMismatch;
    }
    case K::Bytes:
      return std::holds_alternative<Bytes>(v.v) ? DecodeError::kOk : DecodeError::kTypeMismatch;
    case K::String: {
      const std::string* s = std::get_if<std::string>(&v.v);
      if (!s) return DecodeError::kTypeMismatch;
      return valid_utf8(*s) ? DecodeError::kOk : DecodeError::kInvalidUtf8;
    }
    case K::Array:
    case K::FixedArray:
    case K::Tuple: {
      const ValueList* list = std::get_if<ValueList>(&v.v);
      if (!list) return DecodeError::kTypeMismatch;
      if (t.kind == K::FixedArray && list->size() != t.length) return DecodeError::kTypeMismatch;
      if (t.kind == K::Tuple && list->size() != t.components.size()) {
        return DecodeError::kTypeMismatch;
      }
      for (size_t i = 0; i < list->size(); ++i) {
        const Type& et = t.kind == K::Tuple ? t.components[i] : t.components[0];
        DecodeError e = check_value(et, (*list)[i]);
        if (e != DecodeError::kOk) return e;
      }
      return DecodeError::kOk;
    }
  }
  return DecodeError::kTypeMismatch;
}

void write_word(const Type& t, const Value& v, uint8_t* out32) {
  switch (t.kind) {
    case Type::Kind::Uint:
    case Type::Kind::Int:
      v.u256().to_be(out32);
      return;
    case Type::Kind::Address:
      std::memcpy(out32 + 12, v.address().b.data(), 20);
      return;
    case Type::Kind::Bool:
      out32[31] = v.boolean() ? 1 : 0;
      return;
    case Type::Kind::FixedBytes:
      std::memcpy(out32, v.bytes().data(), v.bytes().size());
      return;
    default:
      STOA_ASSERT(false && "write_word on a non-elementary type");
  }
}

}  // namespace internal
}  // namespace stoa::abi
