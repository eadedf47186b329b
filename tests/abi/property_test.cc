// Property-style tests: random (seeded, deterministic) types and values round-trip through
// encode/decode, the text form and the type parser; corrupted encodings never crash.
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <string>

#include "abi/test_util.h"
#include "stoa/abi/abi.h"

namespace stoa::abi {
namespace {

using testing::MustDecode;
using testing::MustEncode;
using K = Type::Kind;

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  uint8_t byte() { return static_cast<uint8_t>(below(256)); }

  // A random valid type with at most `levels` levels of arrays/tuples.
  Type type(size_t levels) {
    size_t pick = below(levels == 0 ? 7 : 10);
    Type t;
    switch (pick) {
      case 0:
        t.kind = K::Uint;
        t.bits = static_cast<uint16_t>(8 * (1 + below(32)));
        break;
      case 1:
        t.kind = K::Int;
        t.bits = static_cast<uint16_t>(8 * (1 + below(32)));
        break;
      case 2:
        t.kind = K::Address;
        break;
      case 3:
        t.kind = K::Bool;
        break;
      case 4:
        t.kind = K::FixedBytes;
        t.bits = static_cast<uint16_t>(1 + below(32));
        break;
      case 5:
        t.kind = K::Bytes;
        break;
      case 6:
        t.kind = K::String;
        break;
      case 7:
        t.kind = K::Array;
        t.components.push_back(type(levels - 1));
        break;
      case 8:
        t.kind = K::FixedArray;
        t.length = below(4);
        t.components.push_back(type(levels - 1));
        break;
      default: {
        t.kind = K::Tuple;
        size_t n = below(4);
        for (size_t i = 0; i < n; ++i)
          t.components.push_back(type(levels - 1));
      }
    }
    return t;
  }

  U256 word() {
    Bytes b(32);
    for (auto& x : b)
      x = byte();
    // Favour edge values now and then.
    switch (below(8)) {
      case 0:
        return U256();
      case 1:
        return U256::max();
      default:
        return U256::from_be(b);
    }
  }

  std::string utf8() {
    static constexpr std::string_view kPieces[] = {"a",
                                                   "Z",
                                                   " ",
                                                   "\"",
                                                   "\\",
                                                   ",",
                                                   "[",
                                                   "]",
                                                   "(",
                                                   ")",
                                                   "\n",
                                                   "\xc3\xa9",
                                                   "\xe2\x82\xac",
                                                   "\xf0\x9f\x98\x80",
                                                   "0x",
                                                   "-",
                                                   "\xef\xbf\xbf",
                                                   std::string_view("\0", 1)};
    std::string s;
    size_t n = below(12);
    for (size_t i = 0; i < n; ++i)
      s += kPieces[below(std::size(kPieces))];
    return s;
  }

  Value value(const Type& t) {
    switch (t.kind) {
      case K::Uint: {
        Bytes b(32);
        word().to_be(b.data());
        for (size_t i = 0; i < 32 - t.bits / 8u; ++i)
          b[i] = 0;
        return U256::from_be(b);
      }
      case K::Int: {
        Bytes b(32);
        word().to_be(b.data());
        size_t first = 32 - t.bits / 8u;  // first byte that belongs to the value
        uint8_t fill = (b[first] & 0x80) ? 0xff : 0x00;
        for (size_t i = 0; i < first; ++i)
          b[i] = fill;
        return U256::from_be(b);
      }
      case K::Address: {
        Address a;
        for (auto& x : a.b)
          x = byte();
        return a;
      }
      case K::Bool:
        return below(2) == 1;
      case K::FixedBytes: {
        Bytes b(t.bits);
        for (auto& x : b)
          x = byte();
        return b;
      }
      case K::Bytes: {
        Bytes b(below(3) == 0 ? below(100) : below(5));
        for (auto& x : b)
          x = byte();
        return b;
      }
      case K::String:
        return utf8();
      case K::Array:
      case K::FixedArray: {
        size_t n = t.kind == K::FixedArray ? t.length : below(4);
        ValueList l;
        for (size_t i = 0; i < n; ++i)
          l.push_back(value(t.components[0]));
        return l;
      }
      case K::Tuple: {
        ValueList l;
        for (const Type& c : t.components)
          l.push_back(value(c));
        return l;
      }
    }
    return {};
  }

 private:
  std::mt19937_64 rng_;
};

TEST(AbiProperty, RandomValuesRoundTrip) {
  Gen g(20240601);
  for (int iter = 0; iter < 3000; ++iter) {
    size_t n = g.below(4);
    size_t levels = g.below(5);
    std::vector<Type> types;
    ValueList values;
    for (size_t i = 0; i < n; ++i) {
      types.push_back(g.type(levels));
      values.push_back(g.value(types.back()));
    }
    SCOPED_TRACE("iteration " + std::to_string(iter));
    Bytes b = MustEncode(types, values);
    ASSERT_EQ(b.size() % 32, 0u);
    // Decoding the encoding gives the values back, and the encoding has no trailing bytes.
    ASSERT_EQ(MustDecode(types, b, /*strict=*/true), values);
    // Encoding is a function of the values: re-encoding is byte-identical.
    ASSERT_EQ(MustEncode(types, MustDecode(types, b)), b);
    for (size_t i = 0; i < n; ++i) {
      // The canonical name parses back to the same type.
      auto parsed = parse_type(types[i].canonical());
      ASSERT_TRUE(parsed.has_value()) << types[i].canonical();
      ASSERT_EQ(*parsed, types[i]);
      // The text form parses back to the same value.
      std::string text = format_value(types[i], values[i]);
      auto back = parse_value(types[i], text);
      ASSERT_TRUE(std::holds_alternative<Value>(back))
          << types[i].canonical() << " " << text << ": " << std::get<std::string>(back);
      ASSERT_EQ(std::get<Value>(back), values[i]) << text;
    }
  }
}

TEST(AbiProperty, DeepTypesRoundTrip) {
  Gen g(7);
  for (int iter = 0; iter < 200; ++iter) {
    Type t = g.type(kMaxTypeNestingDepth);
    Value v = g.value(t);
    Bytes b = MustEncode({t}, {v});
    ASSERT_EQ(MustDecode({t}, b, true), ValueList{v}) << t.canonical();
  }
}

TEST(AbiProperty, CorruptedEncodingsNeverCrash) {
  Gen g(99);
  for (int iter = 0; iter < 2000; ++iter) {
    std::vector<Type> types = {g.type(3), g.type(2)};
    ValueList values = {g.value(types[0]), g.value(types[1])};
    Bytes b = MustEncode(types, values);
    // Flip bytes, overwrite words with small numbers, truncate or extend.
    switch (g.below(4)) {
      case 0:
        for (size_t k = 0, flips = 1 + g.below(4); k < flips && !b.empty(); ++k) {
          b[g.below(b.size())] ^= static_cast<uint8_t>(1 + g.below(255));
        }
        break;
      case 1:
        if (b.size() >= 32) {
          size_t w = g.below(b.size() / 32);
          U256(g.below(300)).to_be(b.data() + w * 32);
        }
        break;
      case 2:
        b.resize(g.below(b.size() + 1));
        break;
      default:
        b.resize(b.size() + g.below(64), g.byte());
    }
    auto r = decode(types, b);
    if (auto* ok = std::get_if<ValueList>(&r)) {
      Bytes again = MustEncode(types, *ok);
      ASSERT_EQ(MustDecode(types, again, true), *ok);
    }
  }
}

}  // namespace
}  // namespace stoa::abi
