// libFuzzer target for the ABI decoder.
//
// Input layout: byte 0 gives the length k (0..31) of a type descriptor, the next k bytes describe
// a list of types (read by TypeReader below; missing bytes read as zero), and the remaining bytes
// are the data to decode. When decoding succeeds, the values must re-encode, decode strictly to
// the same values, re-encode to identical bytes, and round-trip through the text form.
//
// Build and run (not wired into CMake):
//   clang++ -std=c++20 -fsanitize=fuzzer,address -Iinclude fuzz/abi_decode_fuzz.cc src/abi/*.cc \
//     src/common/*.cc $(pkg-config --cflags --libs libcrypto++) -lcrypto -lsecp256k1 \
//     -o /tmp/abi_fuzz && /tmp/abi_fuzz -runs=200000
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stoa/abi/abi.h"

namespace {

using stoa::Bytes;
using stoa::BytesView;
using stoa::abi::Type;
using stoa::abi::Value;
using stoa::abi::ValueList;

#define FUZZ_CHECK(cond)                                                               \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "abi fuzz: check failed: %s (line %d)\n", #cond, __LINE__); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

class TypeReader {
 public:
  explicit TypeReader(BytesView b) : b_(b) {}

  uint8_t next() { return pos_ < b_.size() ? b_[pos_++] : 0; }

  // Up to one level deeper than the limit, so the decoder's kTooDeep path is reached too.
  Type type(size_t levels) {
    uint8_t x = next();
    Type t;
    switch (x % (levels == 0 ? 7 : 10)) {
      case 0:
        t.kind = Type::Kind::Uint;
        t.bits = static_cast<uint16_t>(8 * (1 + (x >> 3) % 32));
        break;
      case 1:
        t.kind = Type::Kind::Int;
        t.bits = static_cast<uint16_t>(8 * (1 + (x >> 3) % 32));
        break;
      case 2:
        t.kind = Type::Kind::Address;
        break;
      case 3:
        t.kind = Type::Kind::Bool;
        break;
      case 4:
        t.kind = Type::Kind::FixedBytes;
        t.bits = static_cast<uint16_t>(1 + (x >> 3) % 32);
        break;
      case 5:
        t.kind = Type::Kind::Bytes;
        break;
      case 6:
        t.kind = Type::Kind::String;
        break;
      case 7:
        t.kind = Type::Kind::Array;
        t.components.push_back(type(levels - 1));
        break;
      case 8: {
        t.kind = Type::Kind::FixedArray;
        uint8_t n = next();
        // Mostly tiny; 0xff gives a long array (nested, these reach the element limit while
        // keeping most runs fast in the unoptimised fuzzing build).
        t.length = n == 0xff ? 4096 : n % 4;
        t.components.push_back(type(levels - 1));
        break;
      }
      default: {
        t.kind = Type::Kind::Tuple;
        size_t n = next() % 4;
        for (size_t i = 0; i < n; ++i)
          t.components.push_back(type(levels - 1));
      }
    }
    return t;
  }

 private:
  BytesView b_;
  size_t pos_ = 0;
};

size_t count_values(const ValueList& values) {
  size_t n = values.size();
  for (const Value& v : values) {
    if (const auto* l = std::get_if<ValueList>(&v.v)) n += count_values(*l);
  }
  return n;
}

void check_round_trip(const std::vector<Type>& types, const ValueList& values) {
  auto enc = stoa::abi::encode(types, values);
  FUZZ_CHECK(std::holds_alternative<Bytes>(enc));
  const Bytes& bytes = std::get<Bytes>(enc);
  FUZZ_CHECK(bytes.size() % 32 == 0);
  auto again = stoa::abi::decode(types, bytes, /*strict_length=*/true);
  FUZZ_CHECK(std::holds_alternative<ValueList>(again));
  FUZZ_CHECK(std::get<ValueList>(again) == values);
  auto enc2 = stoa::abi::encode(types, std::get<ValueList>(again));
  FUZZ_CHECK(std::holds_alternative<Bytes>(enc2) && std::get<Bytes>(enc2) == bytes);
  // The text form of a million-element value is slow to build; check it on smaller values.
  if (count_values(values) > 4096) return;
  for (size_t i = 0; i < types.size(); ++i) {
    std::string text = stoa::abi::format_value(types[i], values[i]);
    auto parsed = stoa::abi::parse_value(types[i], text);
    FUZZ_CHECK(std::holds_alternative<Value>(parsed));
    FUZZ_CHECK(std::get<Value>(parsed) == values[i]);
    auto t = stoa::abi::parse_type(types[i].canonical());
    FUZZ_CHECK(t.has_value() && *t == types[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t k = std::min<size_t>(data[0] % 32, size - 1);
  TypeReader reader(BytesView(data + 1, k));
  std::vector<Type> types;
  const size_t count = reader.next() % 5;
  for (size_t i = 0; i < count; ++i)
    types.push_back(reader.type(stoa::abi::kMaxTypeNestingDepth + 1));
  BytesView body(data + 1 + k, size - 1 - k);

  auto loose = stoa::abi::decode(types, body);
  auto strict = stoa::abi::decode(types, body, /*strict_length=*/true);
  if (auto* values = std::get_if<ValueList>(&strict)) {
    // Strict mode only adds the trailing-data check.
    FUZZ_CHECK(std::holds_alternative<ValueList>(loose) && std::get<ValueList>(loose) == *values);
  }
  if (auto* values = std::get_if<ValueList>(&loose)) check_round_trip(types, *values);

  // The same bytes as text: whatever parses must print and parse back identically.
  if (size <= 512) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto sig = stoa::abi::parse_signature(text)) {
      auto again = stoa::abi::parse_signature(sig->canonical());
      FUZZ_CHECK(again.has_value() && again->inputs == sig->inputs && again->name == sig->name);
    }
    if (auto t = stoa::abi::parse_type(text)) {
      FUZZ_CHECK(stoa::abi::parse_type(t->canonical()) == t);
    }
    if (!types.empty()) {
      auto v = stoa::abi::parse_value(types[0], text.substr(1));
      if (auto* value = std::get_if<Value>(&v)) check_round_trip({types[0]}, {*value});
    }
  }
  return 0;
}
