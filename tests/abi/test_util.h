// Helpers shared by the ABI tests.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "stoa/abi/abi.h"
#include "stoa/common/bytes.h"

namespace stoa::abi {

// gtest printers (found by argument-dependent lookup).
inline void PrintTo(DecodeError e, std::ostream* os) {
  *os << to_string(e);
}
inline void PrintTo(const Value& v, std::ostream* os) {
  if (auto* u = std::get_if<U256>(&v.v)) {
    *os << u->to_hex();
  } else if (auto* a = std::get_if<Address>(&v.v)) {
    *os << a->lower_hex();
  } else if (auto* b = std::get_if<bool>(&v.v)) {
    *os << (*b ? "true" : "false");
  } else if (auto* by = std::get_if<Bytes>(&v.v)) {
    *os << "bytes:" << to_hex_prefixed(*by);
  } else if (auto* s = std::get_if<std::string>(&v.v)) {
    *os << '"' << *s << '"';
  } else {
    *os << '[';
    const ValueList& l = v.list();
    for (size_t i = 0; i < l.size(); ++i) {
      if (i > 0) *os << ", ";
      PrintTo(l[i], os);
    }
    *os << ']';
  }
}

}  // namespace stoa::abi

namespace stoa::abi::testing {

// A type that must parse.
inline Type T(std::string_view s) {
  auto t = parse_type(s);
  EXPECT_TRUE(t.has_value()) << "type did not parse: " << s;
  return t.value_or(Type{});
}

// A list value (array or tuple). Prefer this to ValueList{...} for nested values: with a single
// element that is itself a ValueList, `ValueList{ValueList{...}}` is a one-element list under GCC
// but a copy of the inner list under Clang.
template <typename... Args>
Value List(Args&&... args) {
  ValueList l;
  l.reserve(sizeof...(args));
  (l.emplace_back(std::forward<Args>(args)), ...);
  return Value(std::move(l));
}

// A hand-built type (no validation), for malformed or over-deep types parse_type refuses.
inline Type Make(Type::Kind kind, uint16_t bits = 256, size_t length = 0,
                 std::vector<Type> components = {}) {
  Type t;
  t.kind = kind;
  t.bits = bits;
  t.length = length;
  t.components = std::move(components);
  return t;
}

inline std::vector<Type> Ts(std::initializer_list<std::string_view> names) {
  std::vector<Type> out;
  for (std::string_view n : names)
    out.push_back(T(n));
  return out;
}

// Hex with optional 0x and any whitespace (so vectors can be written one word per line).
inline Bytes H(std::string_view s) {
  std::string clean;
  if (s.starts_with("0x")) s.remove_prefix(2);
  for (char c : s) {
    if (c != ' ' && c != '\n' && c != '\t') clean.push_back(c);
  }
  auto b = from_hex(clean);
  EXPECT_TRUE(b.has_value()) << "bad hex in test: " << s;
  return b.value_or(Bytes{});
}

// The 32-byte big-endian word of a small number, as hex.
inline std::string W(uint64_t v) {
  return to_hex(U256(v).to_bytes32().view());
}

// A 32-byte word of raw bytes, left-aligned (bytesN/string payload).
inline std::string L(std::string_view ascii) {
  Bytes b(ascii.begin(), ascii.end());
  b.resize(32, 0);
  return to_hex(b);
}

inline Bytes Str(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// U256 from decimal or 0x-hex text.
inline U256 N(std::string_view s) {
  auto v = U256::parse(s);
  EXPECT_TRUE(v.has_value()) << s;
  return v.value_or(U256());
}

// The two's-complement form of -m.
inline U256 Neg(uint64_t m) {
  U256 x(m);
  U256 inv = U256::from_words(~x.word(0), ~x.word(1), ~x.word(2), ~x.word(3));
  return inv.checked_add(U256(1)).value_or(U256());
}

inline Bytes MustEncode(const std::vector<Type>& types, const ValueList& values) {
  auto r = encode(types, values);
  if (auto* e = std::get_if<DecodeError>(&r)) {
    ADD_FAILURE() << "encode failed: " << to_string(*e);
    return {};
  }
  return std::get<Bytes>(r);
}

inline DecodeError EncodeError(const std::vector<Type>& types, const ValueList& values) {
  auto r = encode(types, values);
  if (auto* e = std::get_if<DecodeError>(&r)) return *e;
  return DecodeError::kOk;
}

inline DecodeError DecodeErr(const std::vector<Type>& types, const Bytes& data,
                             bool strict = false) {
  auto r = decode(types, data, strict);
  if (auto* e = std::get_if<DecodeError>(&r)) return *e;
  return DecodeError::kOk;
}

inline ValueList MustDecode(const std::vector<Type>& types, const Bytes& data,
                            bool strict = false) {
  auto r = decode(types, data, strict);
  if (auto* e = std::get_if<DecodeError>(&r)) {
    ADD_FAILURE() << "decode failed: " << to_string(*e);
    return {};
  }
  return std::get<ValueList>(r);
}

}  // namespace stoa::abi::testing
