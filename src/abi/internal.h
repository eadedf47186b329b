// Helpers shared by the ABI sources (not part of the public interface).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stoa/abi/abi.h"

namespace stoa::abi::internal {

// Structural check of a type: kOk, kTooDeep (more than kMaxTypeNestingDepth levels of
// arrays/tuples) or kTypeMismatch (malformed: bad bit width, an array without exactly one
// element type). `enclosing` is the number of array/tuple levels around `t`.
DecodeError check_type(const Type& t, size_t enclosing = 0);
DecodeError check_types(const std::vector<Type>& types);

// Levels of arrays/tuples in a (checked) type: 0 for elementary types.
size_t type_depth(const Type& t);

// Bytes a value of type `t` takes in the head of an enclosing tuple: 32 for dynamic types, the
// full static encoding otherwise. Saturates at SIZE_MAX for absurd fixed-array lengths.
size_t head_size(const Type& t);

// Whether `v` is a valid value of the (checked) type `t`: kOk, kTypeMismatch or kInvalidUtf8.
DecodeError check_value(const Type& t, const Value& v);

bool is_elementary(Type::Kind k);
bool valid_utf8(std::string_view s);

// Range checks on 256-bit words: x < 2^bits; x is the sign extension of its low `bits` bits.
bool fits_uint(const U256& x, unsigned bits);
bool fits_int(const U256& x, unsigned bits);
bool is_negative(const U256& x);  // bit 255 set (two's complement)
U256 negate(const U256& x);       // two's complement negation modulo 2^256

// Writes the 32-byte word of an elementary static value (checked) into `out32`, which the caller
// has zeroed.
void write_word(const Type& t, const Value& v, uint8_t* out32);

inline size_t sat_add(size_t a, size_t b) {
  return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}
inline size_t sat_mul(size_t a, size_t b) {
  if (a == 0 || b == 0) return 0;
  return a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

}  // namespace stoa::abi::internal
