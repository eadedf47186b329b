#include "stoa/crypto/rlp.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace stoa::rlp {
namespace {

Bytes hex(std::string_view s) {
  auto b = from_hex(s);
  EXPECT_TRUE(b.has_value()) << s;
  return b.value_or(Bytes{});
}

Bytes str(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

std::string hex_of(const Bytes& b) {
  return to_hex(b);
}

Item S(std::string_view s) {
  return Item{false, str(s), {}};
}
Item B(const Bytes& b) {
  return Item{false, b, {}};
}
Item L(std::vector<Item> items) {
  return Item{true, {}, std::move(items)};
}

bool same(const Item& a, const Item& b) {
  if (a.is_list != b.is_list) return false;
  if (!a.is_list) return a.bytes == b.bytes;
  if (a.items.size() != b.items.size()) return false;
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (!same(a.items[i], b.items[i])) return false;
  }
  return true;
}

Error error_of(const Bytes& data) {
  auto r = decode(data);
  if (std::holds_alternative<Item>(r)) return Error::kOk;
  return std::get<Error>(r);
}

// Checks encode(item) == expected, decode(expected) == item, and exact round trip.
void expect_vector(const Item& item, std::string_view expected_hex) {
  Bytes expected = hex(expected_hex);
  EXPECT_EQ(hex_of(encode(item)), hex_of(expected));
  auto r = decode(expected);
  ASSERT_TRUE(std::holds_alternative<Item>(r))
      << expected_hex << ": " << to_string(std::get<Error>(r));
  EXPECT_TRUE(same(std::get<Item>(r), item)) << expected_hex;
  EXPECT_EQ(encode(std::get<Item>(r)), expected);
}

// --- encoding: the Ethereum RLP test vectors (ethereum/tests RLPTests/rlptest.json) ---

TEST(RlpEncode, Strings) {
  expect_vector(S(""), "80");
  expect_vector(B({0x00}), "00");
  expect_vector(B({0x01}), "01");
  expect_vector(B({0x7f}), "7f");
  expect_vector(B({0x80}), "8180");
  expect_vector(B({0xff}), "81ff");
  expect_vector(S("dog"), "83646f67");
  EXPECT_EQ(hex_of(encode_bytes(str("dog"))), "83646f67");
  EXPECT_EQ(hex_of(encode_bytes({})), "80");
}

TEST(RlpEncode, ShortAndLongStringBoundary) {
  // 55 bytes: the longest short-form string.
  const std::string s55 = "Lorem ipsum dolor sit amet, consectetur adipisicing eli";
  ASSERT_EQ(s55.size(), 55u);
  expect_vector(S(s55), "b7" + hex_of(str(s55)));
  // 56 bytes: the shortest long-form string.
  const std::string s56 = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
  ASSERT_EQ(s56.size(), 56u);
  expect_vector(S(s56), "b838" + hex_of(str(s56)));
  EXPECT_EQ(hex_of(encode_bytes(str(s56))).substr(0, 4), "b838");
  // 1024 bytes: two length bytes.
  Bytes k(1024, 0xab);
  expect_vector(B(k), "b90400" + hex_of(k));
  // 65536 bytes: three length bytes.
  Bytes big(65536, 0x01);
  expect_vector(B(big), "ba010000" + hex_of(big));
}

TEST(RlpEncode, Integers) {
  EXPECT_EQ(hex_of(encode_uint(0)), "80");
  EXPECT_EQ(hex_of(encode_uint(1)), "01");
  EXPECT_EQ(hex_of(encode_uint(15)), "0f");
  EXPECT_EQ(hex_of(encode_uint(16)), "10");
  EXPECT_EQ(hex_of(encode_uint(79)), "4f");
  EXPECT_EQ(hex_of(encode_uint(127)), "7f");
  EXPECT_EQ(hex_of(encode_uint(128)), "8180");
  EXPECT_EQ(hex_of(encode_uint(1000)), "8203e8");
  EXPECT_EQ(hex_of(encode_uint(1024)), "820400");
  EXPECT_EQ(hex_of(encode_uint(100000)), "830186a0");
  EXPECT_EQ(hex_of(encode_uint(*U256::from_dec("83729609699884896815286331701780722"))),
            "8f102030405060708090a0b0c0d0e0f2");
  EXPECT_EQ(hex_of(encode_uint(*U256::from_dec(
                "105315505618206987246253880190783558935785933862974822347068935681"))),
            "9c0100020003000400050006000700080009000a000b000c000d000e01");
  EXPECT_EQ(hex_of(encode_uint(U256::max())), "a0" + std::string(64, 'f'));
  EXPECT_EQ(hex_of(encode_uint(~uint64_t{0})), "88ffffffffffffffff");
}

TEST(RlpEncode, Lists) {
  expect_vector(L({}), "c0");
  expect_vector(L({S("cat"), S("dog")}), "c88363617483646f67");
  expect_vector(L({S("dog"), S("god"), S("cat")}), "cc83646f6783676f6483636174");
  expect_vector(L({S("zw"), L({B({4})}), B({1})}), "c6827a77c10401");
  expect_vector(L({L({L({}), L({})}), L({})}), "c4c2c0c0c0");
  // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
  expect_vector(L({L({}), L({L({})}), L({L({}), L({L({})})})}), "c7c0c1c0c3c0c1c0");
  expect_vector(L({L({S("key1"), S("val1")}), L({S("key2"), S("val2")}), L({S("key3"), S("val3")}),
                   L({S("key4"), S("val4")})}),
                "ecca846b6579318476616c31ca846b6579328476616c32ca846b6579338476616c33ca846b65"
                "79348476616c34");
}

TEST(RlpEncode, ShortAndLongListBoundary) {
  // shortListMax1: a 55-byte payload.
  std::vector<Item> items;
  std::string payload;
  for (int i = 0; i < 11; ++i) {
    const char* w = (i % 3 == 0) ? "asdf" : (i % 3 == 1) ? "qwer" : "zxcv";
    items.push_back(S(w));
    payload += "84" + hex_of(str(w));
  }
  expect_vector(L(items), "f7" + payload);
  // longList1: a 64-byte payload.
  std::vector<Item> outer;
  std::string inner_hex = "cf84617364668471776572847a786376";
  std::string expected = "f840";
  for (int i = 0; i < 4; ++i) {
    outer.push_back(L({S("asdf"), S("qwer"), S("zxcv")}));
    expected += inner_hex;
  }
  expect_vector(L(outer), expected);
  // A 1024-byte payload.
  std::vector<Item> many(1024, B({0x01}));
  std::string ones;
  for (int i = 0; i < 1024; ++i)
    ones += "01";
  expect_vector(L(many), "f90400" + ones);
}

TEST(RlpEncode, EncodeListWrapsEncodedItems) {
  EXPECT_EQ(hex_of(encode_list({})), "c0");
  EXPECT_EQ(hex_of(encode_list({encode_bytes(str("cat")), encode_bytes(str("dog"))})),
            "c88363617483646f67");
  EXPECT_EQ(hex_of(encode_list({encode_uint(0), encode_uint(1024), encode_list({})})),
            "c580820400c0");
  EXPECT_EQ(encode_list({encode_bytes(str("a")), encode(L({S("b")}))}),
            encode(L({S("a"), L({S("b")})})));
}

// --- decoding: canonical-form errors, each with its own test ---

TEST(RlpDecode, EmptyInputIsTruncated) {
  EXPECT_EQ(error_of({}), Error::kTruncated);
}

TEST(RlpDecode, TruncatedString) {
  EXPECT_EQ(error_of(hex("83646f")), Error::kTruncated);
  EXPECT_EQ(error_of(hex("81")), Error::kTruncated);
  EXPECT_EQ(error_of(hex("b8")), Error::kTruncated);    // missing the length byte
  EXPECT_EQ(error_of(hex("b904")), Error::kTruncated);  // missing the second length byte
  Bytes short_payload = hex("b838");
  short_payload.resize(2 + 55, 'a');
  EXPECT_EQ(error_of(short_payload), Error::kTruncated);
  // An absurd 8-byte length must not overflow.
  EXPECT_EQ(error_of(hex("bfffffffffffffffff")), Error::kTruncated);
  EXPECT_EQ(error_of(hex("bfffffffffffffffff00")), Error::kTruncated);
  EXPECT_EQ(error_of(hex("bf7fffffffffffffff00")), Error::kTruncated);
}

TEST(RlpDecode, TruncatedList) {
  EXPECT_EQ(error_of(hex("c1")), Error::kTruncated);
  EXPECT_EQ(error_of(hex("c883636174")), Error::kTruncated);
  EXPECT_EQ(error_of(hex("f8")), Error::kTruncated);
  EXPECT_EQ(error_of(hex("f9ffff")), Error::kTruncated);
  EXPECT_EQ(error_of(hex("ffffffffffffffffff")), Error::kTruncated);
}

TEST(RlpDecode, ItemOverrunningItsListIsTruncated) {
  // The list's payload is one byte, but the child inside it claims two: the list's payload must be
  // consumed exactly, even though the input has enough bytes.
  EXPECT_EQ(error_of(hex("c1820102")), Error::kTruncated);
  EXPECT_EQ(error_of(hex("c2c20101")), Error::kTruncated);
}

TEST(RlpDecode, NonCanonicalSingleByte) {
  EXPECT_EQ(error_of(hex("8100")), Error::kNonCanonicalByte);
  EXPECT_EQ(error_of(hex("8101")), Error::kNonCanonicalByte);
  EXPECT_EQ(error_of(hex("817f")), Error::kNonCanonicalByte);
  EXPECT_EQ(error_of(hex("c28100")), Error::kNonCanonicalByte);  // also inside a list
  EXPECT_EQ(error_of(hex("8180")), Error::kOk);
}

TEST(RlpDecode, LongFormForShortStringIsNonCanonical) {
  EXPECT_EQ(error_of(hex("b80161")), Error::kNonCanonicalSize);
  EXPECT_EQ(error_of(hex("b800")), Error::kNonCanonicalSize);
  Bytes s55 = hex("b837");
  s55.resize(2 + 55, 'a');
  EXPECT_EQ(error_of(s55), Error::kNonCanonicalSize);
}

TEST(RlpDecode, LongFormForShortListIsNonCanonical) {
  EXPECT_EQ(error_of(hex("f80180")), Error::kNonCanonicalSize);
  EXPECT_EQ(error_of(hex("f800")), Error::kNonCanonicalSize);
}

TEST(RlpDecode, LengthWithLeadingZeroIsNonCanonical) {
  Bytes s = hex("b90038");
  s.resize(3 + 56, 'a');
  EXPECT_EQ(error_of(s), Error::kNonCanonicalSize);
  Bytes l = hex("f90038");
  l.resize(3 + 56, 0x01);
  EXPECT_EQ(error_of(l), Error::kNonCanonicalSize);
  // Leading zero is detected before the (missing) payload.
  EXPECT_EQ(error_of(hex("ba000400")), Error::kNonCanonicalSize);
}

TEST(RlpDecode, TrailingBytes) {
  EXPECT_EQ(error_of(hex("83646f6700")), Error::kTrailingBytes);
  EXPECT_EQ(error_of(hex("8000")), Error::kTrailingBytes);
  EXPECT_EQ(error_of(hex("c0c0")), Error::kTrailingBytes);
  EXPECT_EQ(error_of(hex("0101")), Error::kTrailingBytes);
}

Bytes nested(size_t depth) {
  Item it = L({});
  for (size_t i = 1; i < depth; ++i)
    it = L({it});
  return encode(it);
}

TEST(RlpDecode, TooDeep) {
  EXPECT_EQ(error_of(nested(kMaxDepth)), Error::kOk);
  EXPECT_EQ(error_of(nested(kMaxDepth + 1)), Error::kTooDeep);
  EXPECT_EQ(error_of(nested(200)), Error::kTooDeep);
  // A valid but very deep nesting (built by hand, outside-in headers) stops at the limit without
  // recursing further.
  Bytes deep = {0xc0};
  for (int i = 0; i < 5000; ++i) {
    Bytes header;
    size_t len = deep.size();
    if (len < 56) {
      header.push_back(static_cast<uint8_t>(0xc0 + len));
    } else {
      Bytes be;
      for (size_t n = len; n != 0; n >>= 8)
        be.insert(be.begin(), static_cast<uint8_t>(n));
      header.push_back(static_cast<uint8_t>(0xf7 + be.size()));
      header.insert(header.end(), be.begin(), be.end());
    }
    deep.insert(deep.begin(), header.begin(), header.end());
  }
  EXPECT_EQ(error_of(deep), Error::kTooDeep);
}

TEST(RlpDecode, DecodesNestedStructure) {
  auto r = decode(hex("c6827a77c10401"));
  ASSERT_TRUE(std::holds_alternative<Item>(r));
  const Item& it = std::get<Item>(r);
  ASSERT_TRUE(it.is_list);
  ASSERT_EQ(it.items.size(), 3u);
  EXPECT_EQ(it.items[0].bytes, str("zw"));
  ASSERT_TRUE(it.items[1].is_list);
  ASSERT_EQ(it.items[1].items.size(), 1u);
  EXPECT_EQ(it.items[1].items[0].bytes, Bytes{4});
  EXPECT_FALSE(it.items[2].is_list);
  EXPECT_EQ(it.items[2].bytes, Bytes{1});
}

// --- integers ---

std::variant<uint64_t, Error> u64_of(std::string_view h) {
  auto r = decode(hex(h));
  EXPECT_TRUE(std::holds_alternative<Item>(r)) << h;
  if (!std::holds_alternative<Item>(r)) return std::get<Error>(r);
  return to_u64(std::get<Item>(r));
}

std::variant<U256, Error> uint_of(std::string_view h) {
  auto r = decode(hex(h));
  EXPECT_TRUE(std::holds_alternative<Item>(r)) << h;
  if (!std::holds_alternative<Item>(r)) return std::get<Error>(r);
  return to_uint(std::get<Item>(r));
}

TEST(RlpInteger, DecodesCanonicalIntegers) {
  EXPECT_EQ(std::get<uint64_t>(u64_of("80")), 0u);
  EXPECT_EQ(std::get<uint64_t>(u64_of("0f")), 15u);
  EXPECT_EQ(std::get<uint64_t>(u64_of("7f")), 127u);
  EXPECT_EQ(std::get<uint64_t>(u64_of("8180")), 128u);
  EXPECT_EQ(std::get<uint64_t>(u64_of("820400")), 1024u);
  EXPECT_EQ(std::get<uint64_t>(u64_of("88ffffffffffffffff")), ~uint64_t{0});
  EXPECT_EQ(std::get<U256>(uint_of("80")), U256(0));
  EXPECT_EQ(std::get<U256>(uint_of("830186a0")), U256(100000));
  EXPECT_EQ(std::get<U256>(uint_of("a0" + std::string(64, 'f'))), U256::max());
  EXPECT_EQ(std::get<U256>(uint_of("8f102030405060708090a0b0c0d0e0f2")),
            *U256::from_dec("83729609699884896815286331701780722"));
}

TEST(RlpInteger, LeadingZeroIsRefused) {
  EXPECT_EQ(std::get<Error>(u64_of("820001")), Error::kLeadingZeroInteger);
  EXPECT_EQ(std::get<Error>(uint_of("820001")), Error::kLeadingZeroInteger);
  // The single byte 0x00 is a canonical string but not a canonical integer (zero is 0x80).
  EXPECT_EQ(std::get<Error>(u64_of("00")), Error::kLeadingZeroInteger);
  EXPECT_EQ(std::get<Error>(uint_of("00")), Error::kLeadingZeroInteger);
}

TEST(RlpInteger, TooLargeIsRefused) {
  EXPECT_EQ(std::get<Error>(u64_of("89010000000000000000")), Error::kIntegerTooLarge);
  EXPECT_EQ(std::get<U256>(uint_of("89010000000000000000")),
            *U256::from_dec("18446744073709551616"));
  EXPECT_EQ(std::get<Error>(uint_of("a101" + std::string(64, '0'))), Error::kIntegerTooLarge);
}

TEST(RlpInteger, ListIsNotAnInteger) {
  EXPECT_EQ(std::get<Error>(u64_of("c0")), Error::kNotAString);
  EXPECT_EQ(std::get<Error>(uint_of("c180")), Error::kNotAString);
}

TEST(RlpInteger, RoundTrip) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{255},
                     uint64_t{256}, uint64_t{65535}, uint64_t{1} << 32, ~uint64_t{0}}) {
    auto r = decode(encode_uint(v));
    ASSERT_TRUE(std::holds_alternative<Item>(r));
    EXPECT_EQ(std::get<uint64_t>(to_u64(std::get<Item>(r))), v);
    EXPECT_EQ(std::get<U256>(to_uint(std::get<Item>(r))), U256(v));
  }
}

TEST(RlpError, ToStringIsDistinct) {
  std::vector<std::string_view> seen;
  for (uint8_t e = 0; e <= static_cast<uint8_t>(Error::kIntegerTooLarge); ++e) {
    std::string_view s = to_string(static_cast<Error>(e));
    EXPECT_FALSE(s.empty());
    for (std::string_view p : seen)
      EXPECT_NE(p, s);
    seen.push_back(s);
  }
  EXPECT_EQ(to_string(Error::kNotAList), "not a list");
}

// --- properties over deterministic pseudo-random inputs ---

struct Lcg {
  uint64_t s;
  uint64_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return s >> 33;
  }
};

Item random_item(Lcg& g, size_t depth) {
  if (depth < kMaxDepth && g.next() % 3 == 0) {
    Item l = L({});
    size_t n = g.next() % 5;
    for (size_t i = 0; i < n; ++i)
      l.items.push_back(random_item(g, depth + 1));
    return l;
  }
  size_t len;
  switch (g.next() % 4) {
    case 0:
      len = 0;
      break;
    case 1:
      len = 1;
      break;
    case 2:
      len = g.next() % 60;
      break;
    default:
      len = g.next() % 300;
      break;
  }
  Bytes b(len);
  for (auto& x : b)
    x = static_cast<uint8_t>(g.next());
  return B(b);
}

TEST(RlpProperty, EncodeDecodeRoundTrip) {
  Lcg g{42};
  for (int i = 0; i < 2000; ++i) {
    Item it = random_item(g, 1);
    Bytes enc = encode(it);
    auto r = decode(enc);
    ASSERT_TRUE(std::holds_alternative<Item>(r)) << to_string(std::get<Error>(r));
    EXPECT_TRUE(same(std::get<Item>(r), it));
    EXPECT_EQ(encode(std::get<Item>(r)), enc);
  }
}

TEST(RlpProperty, MutatedInputDecodesOnlyToCanonicalForm) {
  Lcg g{7};
  int accepted = 0;
  for (int i = 0; i < 5000; ++i) {
    Bytes enc = encode(random_item(g, 1));
    switch (g.next() % 3) {
      case 0:
        if (!enc.empty()) enc[g.next() % enc.size()] = static_cast<uint8_t>(g.next());
        break;
      case 1:
        if (!enc.empty()) enc.resize(g.next() % enc.size());
        break;
      default:
        enc.insert(enc.begin() + static_cast<std::ptrdiff_t>(g.next() % (enc.size() + 1)),
                   static_cast<uint8_t>(g.next()));
        break;
    }
    auto r = decode(enc);
    if (std::holds_alternative<Item>(r)) {
      ++accepted;
      EXPECT_EQ(encode(std::get<Item>(r)), enc);
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace stoa::rlp
