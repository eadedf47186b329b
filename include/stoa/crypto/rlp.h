// Recursive Length Prefix (Ethereum's serialization), with strict canonical-form decoding:
// a single byte below 0x80 must not be wrapped as a string, lengths must use the short form when
// they can and have no leading zero bytes, integers have no leading zero bytes, and a list's
// payload must be consumed exactly. Anything else is an error, never silently accepted.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "stoa/common/bytes.h"
#include "stoa/common/u256.h"

namespace stoa::rlp {

inline constexpr size_t kMaxDepth = 16;  // nesting levels of lists

struct Item {
  bool is_list = false;
  Bytes bytes;              // when !is_list
  std::vector<Item> items;  // when is_list
};

enum class Error : uint8_t {
  kOk = 0,
  kTruncated,           // input ends inside an item
  kNonCanonicalSize,    // long form used for a short length, or leading zeros in a length
  kNonCanonicalByte,    // a single byte < 0x80 wrapped as a one-byte string
  kTrailingBytes,       // bytes after the top-level item
  kTooDeep,             // more than kMaxDepth nested lists
  kNotAList,            // expected a list
  kNotAString,          // expected a string
  kLeadingZeroInteger,  // integer with a leading zero byte
  kIntegerTooLarge,     // integer wider than its target type
};
std::string_view to_string(Error e);

Bytes encode(const Item& item);
Bytes encode_bytes(BytesView b);
Bytes encode_uint(const U256& v);  // minimal big-endian, zero as the empty string
Bytes encode_list(const std::vector<Bytes>& encoded_items);  // wraps already-encoded items

// Encoding in place, for encoders that know their payloads' sizes (no temporary per item).
size_t header_size(size_t payload_size);  // of a string's or a list's header
size_t encoded_size(BytesView b);         // encode_bytes(b).size()
void append_list_header(Bytes& out, size_t payload_size);
void append_bytes(Bytes& out, BytesView b);  // out += encode_bytes(b)

// Decodes exactly one item spanning the whole input.
std::variant<Item, Error> decode(BytesView data);
// Interprets a decoded string item as a canonical unsigned integer.
std::variant<U256, Error> to_uint(const Item& item);
std::variant<uint64_t, Error> to_u64(const Item& item);

}  // namespace stoa::rlp
