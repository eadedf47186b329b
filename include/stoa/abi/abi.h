// Solidity ABI: types, values, encoding and strict decoding, selectors, events and custom errors.
// Decoding is strict (the checks Solidity's own decoder makes): dirty high bits in address, bool,
// uintN or bytesN words, offsets or lengths that point outside the data, and lengths that cannot
// fit are errors, never silently accepted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"
#include "stoa/common/u256.h"

namespace stoa::abi {

// Limits on what the decoder and the text parser accept, named with their unit.
inline constexpr size_t kMaxTypeNestingDepth = 8;             // levels of arrays/tuples
inline constexpr size_t kMaxDecodedElementsCount = 1u << 20;  // elements in one decode

struct Type {
  enum class Kind : uint8_t {
    Uint,
    Int,
    Address,
    Bool,
    FixedBytes,
    Bytes,
    String,
    Array,
    FixedArray,
    Tuple
  };
  Kind kind = Kind::Uint;
  uint16_t bits = 256;           // Uint/Int: 8..256 step 8; FixedBytes: size in bytes (1..32)
  size_t length = 0;             // FixedArray: element count
  std::vector<Type> components;  // Array/FixedArray: one element type; Tuple: the members

  bool is_dynamic() const;
  std::string canonical() const;  // e.g. "uint256", "(address,uint256)[]"
  bool operator==(const Type&) const = default;
};

// Parses a Solidity type name: uint/int (alias of 256), uintN, address, bool, bytesN, bytes,
// string, T[], T[k], (T1,T2,...). Whitespace is not allowed inside a type.
std::optional<Type> parse_type(std::string_view s);

struct Value;
using ValueList = std::vector<Value>;
// Uint: U256; Int: U256 holding the two's-complement 256-bit form; Address; Bool: bool;
// FixedBytes and Bytes: Bytes (FixedBytes has exactly `bits` bytes); String: std::string;
// Array/FixedArray/Tuple: ValueList.
struct Value {
  std::variant<U256, Address, bool, Bytes, std::string, ValueList> v;

  Value() = default;
  Value(U256 x) : v(x) {}                              // NOLINT(google-explicit-constructor)
  Value(uint64_t x) : v(U256(x)) {}                    // NOLINT(google-explicit-constructor)
  Value(int x) : v(U256(static_cast<uint64_t>(x))) {}  // NOLINT: small non-negative literals
  Value(Address x) : v(x) {}                           // NOLINT(google-explicit-constructor)
  Value(bool x) : v(x) {}                              // NOLINT(google-explicit-constructor)
  Value(Bytes x) : v(std::move(x)) {}                  // NOLINT(google-explicit-constructor)
  Value(std::string x) : v(std::move(x)) {}            // NOLINT(google-explicit-constructor)
  Value(const char* x) : v(std::string(x)) {}          // NOLINT(google-explicit-constructor)
  Value(ValueList x) : v(std::move(x)) {}              // NOLINT(google-explicit-constructor)
  static Value bytes32(const Bytes32& b) { return Value(Bytes(b.b.begin(), b.b.end())); }

  const U256& u256() const { return std::get<U256>(v); }
  const Address& address() const { return std::get<Address>(v); }
  bool boolean() const { return std::get<bool>(v); }
  const Bytes& bytes() const { return std::get<Bytes>(v); }
  const std::string& str() const { return std::get<std::string>(v); }
  const ValueList& list() const { return std::get<ValueList>(v); }
  Bytes32 as_bytes32() const;  // for a FixedBytes value: right-padded to 32 bytes
  bool operator==(const Value&) const = default;
};

enum class DecodeError : uint8_t {
  kOk = 0,
  kTooShort,       // data ends before a head or tail word
  kBadOffset,      // an offset points outside the data or is not a multiple of 32 words apart
  kBadLength,      // a length cannot fit in the remaining data or exceeds a limit
  kDirtyHighBits,  // address/uintN/bool/bytesN word with non-zero padding
  kBadBool,        // bool word other than 0 or 1
  kInvalidUtf8,    // string that is not valid UTF-8
  kTrailingData,   // (strict mode) bytes after the encoding
  kTooDeep,        // nesting beyond kMaxTypeNestingDepth
  kTypeMismatch,   // (encode) a value does not match its type
};
std::string_view to_string(DecodeError e);

// Encodes values as a tuple of `types` (the ABI encoding of function arguments).
// Returns kTypeMismatch if a value does not fit its type (e.g. 300 for uint8).
std::variant<Bytes, DecodeError> encode(const std::vector<Type>& types, const ValueList& values);
// Decodes a tuple of `types` from `data`. Trailing bytes after the head/tail are allowed
// (Solidity allows them) unless `strict_length` is set.
std::variant<ValueList, DecodeError> decode(const std::vector<Type>& types, BytesView data,
                                            bool strict_length = false);

// A function, event or error signature: name(type1,type2,...).
struct Signature {
  std::string name;
  std::vector<Type> inputs;
  std::string canonical() const;  // "transfer(address,uint256)"
};
// Parses "name(type,...)" — also accepts parameter names and spaces as in
// "transfer(address to, uint256 amount)", which are dropped.
std::optional<Signature> parse_signature(std::string_view s);
uint32_t selector(const Signature& sig);

// Calldata: selector followed by the encoded arguments.
std::variant<Bytes, DecodeError> encode_call(const Signature& sig, const ValueList& args);

// Custom-error revert data (same layout as calldata).
Bytes encode_error(const Signature& sig, const ValueList& args);  // asserts the values match

// An event log's topics and data as Solidity emits them: topic0 is keccak(signature); indexed
// value types are topics as their ABI word; indexed dynamic types (string, bytes, arrays, tuples)
// are topics as keccak256 of their encoding (as Solidity does); the rest is ABI-encoded data.
struct EncodedLog {
  std::vector<Bytes32> topics;
  Bytes data;
};
EncodedLog encode_event(const Signature& sig, const std::vector<bool>& indexed,
                        const ValueList& args);

// Human-readable values, for scenarios and the CLI:
// uint/int: decimal or 0x-hex (int may be negative); address: 0x + 40 hex; bool: true/false;
// bytesN and bytes: 0x-hex (bytesN also accepts a short ASCII string in quotes, e.g. "US" for
// bytes2, right-padded); string: "quoted" with \" and \\ escapes, or a bare word; arrays:
// [a, b, c]; tuples: (a, b).
std::variant<Value, std::string> parse_value(const Type& t, std::string_view text);
// The inverse, in the same notation (addresses EIP-55, integers decimal, bytes 0x-hex).
std::string format_value(const Type& t, const Value& v);

}  // namespace stoa::abi
