// Strict decoding: one test per DecodeError path.
#include <gtest/gtest.h>

#include <string>

#include "abi/test_util.h"
#include "stoa/abi/abi.h"

namespace stoa::abi {
namespace {

using testing::DecodeErr;
using testing::H;
using testing::L;
using testing::List;
using testing::MustDecode;
using testing::MustEncode;
using testing::Str;
using testing::T;
using testing::Ts;
using testing::W;

const std::string kOnes(64, 'f');  // a word of all ones

// ---- kTooShort: the data ends before a head word.

TEST(AbiDecodeTooShort, EmptyData) {
  EXPECT_EQ(DecodeErr(Ts({"uint256"}), {}), DecodeError::kTooShort);
  EXPECT_EQ(DecodeErr(Ts({"string"}), {}), DecodeError::kTooShort);
}

TEST(AbiDecodeTooShort, PartialWord) {
  EXPECT_EQ(DecodeErr(Ts({"uint256"}), Bytes(31, 0)), DecodeError::kTooShort);
  EXPECT_EQ(DecodeErr(Ts({"uint256", "bool"}), Bytes(63, 0)), DecodeError::kTooShort);
}

TEST(AbiDecodeTooShort, StaticFixedArrayInHead) {
  EXPECT_EQ(DecodeErr(Ts({"uint256[3]"}), H(W(1) + W(2))), DecodeError::kTooShort);
  EXPECT_EQ(DecodeErr(Ts({"(uint8,(bool,address))"}), H(W(1) + W(1))), DecodeError::kTooShort);
}

TEST(AbiDecodeTooShort, HeadOfDynamicTupleAtItsOffset) {
  // The offset is fine, but the tuple's three head words do not fit after it.
  Bytes b = H(W(0x20) + W(1) + W(2));
  EXPECT_EQ(DecodeErr(Ts({"(uint256,uint256,string)"}), b), DecodeError::kTooShort);
}

TEST(AbiDecodeTooShort, HeadOfDynamicFixedArrayAtItsOffset) {
  Bytes b = H(W(0x20) + W(0x60) + W(0x60));
  EXPECT_EQ(DecodeErr(Ts({"string[3]"}), b), DecodeError::kTooShort);
}

// ---- kBadOffset: an offset outside the data, misaligned, or leaving no room for a length.

TEST(AbiDecodeBadOffset, BeyondTheData) {
  EXPECT_EQ(DecodeErr(Ts({"bytes"}), H(W(0x1000) + W(0))), DecodeError::kBadOffset);
}

TEST(AbiDecodeBadOffset, NotAMultipleOf32) {
  EXPECT_EQ(DecodeErr(Ts({"bytes"}), H(W(0x21) + W(0) + W(0))), DecodeError::kBadOffset);
  EXPECT_EQ(DecodeErr(Ts({"bytes"}), H(W(0x1f) + W(0) + W(0))), DecodeError::kBadOffset);
}

TEST(AbiDecodeBadOffset, Huge) {
  EXPECT_EQ(DecodeErr(Ts({"bytes"}), H(kOnes + W(0))), DecodeError::kBadOffset);
  // 2^64 + 32: the low 64 bits alone would look valid.
  EXPECT_EQ(DecodeErr(Ts({"bytes"}), H(std::string(46, '0') + "010000000000000020" + W(0))),
            DecodeError::kBadOffset);
}

TEST(AbiDecodeBadOffset, PointsAtTheEndOfTheData) {
  // The length word would start exactly at the end.
  EXPECT_EQ(DecodeErr(Ts({"string"}), H(W(0x20))), DecodeError::kBadOffset);
  EXPECT_EQ(DecodeErr(Ts({"uint8[]"}), H(W(0x20))), DecodeError::kBadOffset);
  EXPECT_EQ(DecodeErr(Ts({"(string)"}), H(W(0x20))), DecodeError::kBadOffset);
}

TEST(AbiDecodeBadOffset, NestedOffsetIsRelativeToItsArray) {
  // uint8[][] with one inner array whose offset (relative to the outer array's body) is too far.
  Bytes b = H(W(0x20) + W(1) + W(0x40) + W(0));
  EXPECT_EQ(DecodeErr(Ts({"uint8[][]"}), b), DecodeError::kBadOffset);
  // The same offset measured from the start of the data would have been in bounds.
  Bytes ok = H(W(0x20) + W(1) + W(0x20) + W(0));
  EXPECT_EQ(MustDecode(Ts({"uint8[][]"}), ok), (ValueList{List(List())}));
}

// ---- kBadLength: a length that cannot fit in the remaining data or exceeds a limit.

TEST(AbiDecodeBadLength, BytesLongerThanTheData) {
  EXPECT_EQ(DecodeErr(Ts({"bytes"}), H(W(0x20) + W(33) + L("x"))), DecodeError::kBadLength);
  EXPECT_EQ(DecodeErr(Ts({"string"}), H(W(0x20) + W(1))), DecodeError::kBadLength);
}

TEST(AbiDecodeBadLength, HugeLength) {
  EXPECT_EQ(DecodeErr(Ts({"bytes"}), H(W(0x20) + kOnes)), DecodeError::kBadLength);
  EXPECT_EQ(DecodeErr(Ts({"uint256[]"}), H(W(0x20) + kOnes)), DecodeError::kBadLength);
  EXPECT_EQ(DecodeErr(Ts({"string"}), H(W(0x20) + W(1ULL << 62))), DecodeError::kBadLength);
}

TEST(AbiDecodeBadLength, ArrayOfStaticElementsLongerThanTheData) {
  EXPECT_EQ(DecodeErr(Ts({"uint256[]"}), H(W(0x20) + W(2) + W(7))), DecodeError::kBadLength);
  // Each (uint256,uint256) element needs 64 bytes: three words hold one, not two.
  EXPECT_EQ(DecodeErr(Ts({"(uint256,uint256)[]"}), H(W(0x20) + W(2) + W(1) + W(2) + W(3))),
            DecodeError::kBadLength);
  EXPECT_EQ(DecodeErr(Ts({"uint8[2][]"}), H(W(0x20) + W(2) + W(1) + W(2) + W(3))),
            DecodeError::kBadLength);
}

TEST(AbiDecodeBadLength, ArrayOfDynamicElementsNeedsAWordEach) {
  EXPECT_EQ(DecodeErr(Ts({"string[]"}), H(W(0x20) + W(3) + W(0x40) + W(0))),
            DecodeError::kBadLength);
}

TEST(AbiDecodeBadLength, ElementLimitForZeroSizeElements) {
  // uint8[0] takes no bytes, so only kMaxDecodedElementsCount stops a huge length.
  EXPECT_EQ(DecodeErr(Ts({"uint8[0][]"}), H(W(0x20) + W(kMaxDecodedElementsCount + 1))),
            DecodeError::kBadLength);
  EXPECT_EQ(DecodeErr(Ts({"()[]"}), H(W(0x20) + W(1ULL << 40))), DecodeError::kBadLength);
  // Exactly at the limit is accepted.
  auto r = decode(Ts({"()[]"}), H(W(0x20) + W(kMaxDecodedElementsCount)));
  ASSERT_TRUE(std::holds_alternative<ValueList>(r));
  EXPECT_EQ(std::get<ValueList>(r)[0].list().size(), kMaxDecodedElementsCount);
}

TEST(AbiDecodeBadLength, ElementLimitCountsTheWholeDecode) {
  const uint64_t half = kMaxDecodedElementsCount / 2 + 1;
  Bytes b = H(W(0x40) + W(0x60) + W(half) + W(half));
  EXPECT_EQ(DecodeErr(Ts({"()[]", "()[]"}), b), DecodeError::kBadLength);
  // Fixed arrays count too.
  EXPECT_EQ(DecodeErr(Ts({"uint8[0][1048576][2]"}), {}), DecodeError::kBadLength);
}

TEST(AbiDecodeBadLength, AliasedPayloadsCannotAmplify) {
  // bytes[] of 8 elements that all point at one 128-byte payload: 1024 bytes of output from a
  // 480-byte input.
  std::string hex = W(0x20) + W(8);
  for (int i = 0; i < 8; ++i)
    hex += W(0x100);
  hex += W(128) + std::string(256, 'a');
  Bytes b = H(hex);
  ASSERT_EQ(b.size(), 480u);
  EXPECT_EQ(DecodeErr(Ts({"bytes[]"}), b), DecodeError::kBadLength);
  // Sharing within the input size is fine (Solidity accepts overlapping tails).
  std::string small = W(0x20) + W(2) + W(0x40) + W(0x40) + W(3) + L("abc");
  EXPECT_EQ(MustDecode(Ts({"bytes[]"}), H(small)), (ValueList{List(Str("abc"), Str("abc"))}));
}

// ---- kDirtyHighBits: padding that is not zero (or not the sign extension, for intN).

TEST(AbiDecodeDirtyHighBits, UintN) {
  EXPECT_EQ(DecodeErr(Ts({"uint8"}), H(W(0x100))), DecodeError::kDirtyHighBits);
  EXPECT_EQ(DecodeErr(Ts({"uint8"}), H("80" + std::string(62, '0'))), DecodeError::kDirtyHighBits);
  EXPECT_EQ(DecodeErr(Ts({"uint248"}), H("01" + std::string(62, '0'))),
            DecodeError::kDirtyHighBits);
  EXPECT_EQ(DecodeErr(Ts({"uint64"}),
                      H("0000000000000000000000000000000100000000000000000000000000000000")),
            DecodeError::kDirtyHighBits);
  EXPECT_EQ(MustDecode(Ts({"uint8"}), H(W(0xff))), (ValueList{0xff}));
  EXPECT_EQ(MustDecode(Ts({"uint256"}), H(kOnes)), (ValueList{U256::max()}));
}

TEST(AbiDecodeDirtyHighBits, Address) {
  EXPECT_EQ(DecodeErr(Ts({"address"}), H("000000000000000000000001" + std::string(40, 'a'))),
            DecodeError::kDirtyHighBits);
  EXPECT_EQ(DecodeErr(Ts({"address"}), H(kOnes)), DecodeError::kDirtyHighBits);
}

TEST(AbiDecodeDirtyHighBits, Bool) {
  EXPECT_EQ(DecodeErr(Ts({"bool"}), H("01" + std::string(62, '0'))), DecodeError::kDirtyHighBits);
  EXPECT_EQ(DecodeErr(Ts({"bool"}), H(W(0x101))), DecodeError::kDirtyHighBits);
}

TEST(AbiDecodeDirtyHighBits, BytesNPaddingOnTheRight) {
  EXPECT_EQ(DecodeErr(Ts({"bytes2"}), H("abcd01" + std::string(58, '0'))),
            DecodeError::kDirtyHighBits);
  EXPECT_EQ(DecodeErr(Ts({"bytes2"}), H(W(1))), DecodeError::kDirtyHighBits);
  EXPECT_EQ(DecodeErr(Ts({"bytes31"}), H(W(1))), DecodeError::kDirtyHighBits);
  EXPECT_EQ(MustDecode(Ts({"bytes2"}), H("abcd" + std::string(60, '0'))),
            (ValueList{Bytes{0xab, 0xcd}}));
  EXPECT_EQ(MustDecode(Ts({"bytes32"}), H(kOnes)), (ValueList{Bytes(32, 0xff)}));
}

TEST(AbiDecodeDirtyHighBits, IntNMustBeSignExtended) {
  // 0x80 as int8 would be -128, but its upper bytes are not the sign extension.
  EXPECT_EQ(DecodeErr(Ts({"int8"}), H(W(0x80))), DecodeError::kDirtyHighBits);
  // Upper bytes all ones but bit 7 clear: not a sign extension either.
  EXPECT_EQ(DecodeErr(Ts({"int8"}), H(std::string(62, 'f') + "7f")), DecodeError::kDirtyHighBits);
  EXPECT_EQ(DecodeErr(Ts({"int16"}), H(std::string(60, '0') + "8000")),
            DecodeError::kDirtyHighBits);
  EXPECT_EQ(MustDecode(Ts({"int8"}), H(std::string(62, 'f') + "80")),
            (ValueList{testing::Neg(128)}));
  EXPECT_EQ(MustDecode(Ts({"int8"}), H(W(0x7f))), (ValueList{0x7f}));
  EXPECT_EQ(MustDecode(Ts({"int256"}), H(W(0x80))), (ValueList{0x80}));
}

TEST(AbiDecodeDirtyHighBits, InsideArraysAndTuples) {
  EXPECT_EQ(DecodeErr(Ts({"uint8[]"}), H(W(0x20) + W(2) + W(1) + W(0x1ff))),
            DecodeError::kDirtyHighBits);
  EXPECT_EQ(DecodeErr(Ts({"(bool,address)"}), H(W(1) + kOnes)), DecodeError::kDirtyHighBits);
}

// ---- kBadBool: a bool word other than 0 or 1.

TEST(AbiDecodeBadBool, ValueTwo) {
  EXPECT_EQ(DecodeErr(Ts({"bool"}), H(W(2))), DecodeError::kBadBool);
  EXPECT_EQ(DecodeErr(Ts({"bool"}), H(W(0xff))), DecodeError::kBadBool);
  EXPECT_EQ(DecodeErr(Ts({"bool[2]"}), H(W(1) + W(3))), DecodeError::kBadBool);
  EXPECT_EQ(MustDecode(Ts({"bool", "bool"}), H(W(1) + W(0))), (ValueList{true, false}));
}

// ---- kInvalidUtf8: strings must be valid UTF-8.

TEST(AbiDecodeInvalidUtf8, MalformedSequences) {
  const char* bad[] = {
      "\xff",              // never valid
      "\x80",              // lone continuation byte
      "a\xc3",             // truncated 2-byte sequence
      "\xe2\x82",          // truncated 3-byte sequence
      "\xc0\x80",          // overlong NUL
      "\xe0\x80\xaf",      // overlong '/'
      "\xed\xa0\x80",      // UTF-16 surrogate
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xf8\x88\x80\x80\x80",
  };
  for (const char* s : bad) {
    std::string str(s);
    std::string hex = W(0x20) + W(str.size()) + L(str);
    EXPECT_EQ(DecodeErr(Ts({"string"}), H(hex)), DecodeError::kInvalidUtf8) << to_hex(Str(str));
    // The same bytes are fine as `bytes`.
    EXPECT_EQ(DecodeErr(Ts({"bytes"}), H(hex)), DecodeError::kOk);
  }
  for (const char* s : {"", "plain", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9d\x84\x9e", "\xef\xbf\xbf",
                        "\xf4\x8f\xbf\xbf", "nul\x00inside"}) {
    std::string str(s);
    Bytes b = MustEncode(Ts({"string"}), {str});
    EXPECT_EQ(MustDecode(Ts({"string"}), b), (ValueList{str})) << to_hex(Str(str));
  }
  // A string with an embedded NUL byte.
  std::string nul("a\0b", 3);
  EXPECT_EQ(MustDecode(Ts({"string"}), MustEncode(Ts({"string"}), {nul})), (ValueList{nul}));
}

TEST(AbiDecodeInvalidUtf8, InsideAnArray) {
  Bytes b =
      H(W(0x20) + W(2) + W(0x40) + W(0x80) + W(1) + L("a") + W(1) + "ff" + std::string(62, '0'));
  EXPECT_EQ(DecodeErr(Ts({"string[]"}), b), DecodeError::kInvalidUtf8);
}

// ---- kTrailingData: only in strict mode.

TEST(AbiDecodeTrailingData, StrictModeOnly) {
  Bytes b = H(W(1) + W(2));
  EXPECT_EQ(DecodeErr(Ts({"uint256"}), b, /*strict=*/true), DecodeError::kTrailingData);
  EXPECT_EQ(DecodeErr(Ts({"uint256"}), b, /*strict=*/false), DecodeError::kOk);
  EXPECT_EQ(DecodeErr(Ts({"uint256", "uint256"}), b, /*strict=*/true), DecodeError::kOk);
}

// ---- kTooDeep: a type nested beyond kMaxTypeNestingDepth (built by hand: parse_type refuses).

TEST(AbiDecodeTooDeep, HandBuiltType) {
  Type t = T("uint8");
  for (size_t i = 0; i <= kMaxTypeNestingDepth; ++i) {
    t = testing::Make(Type::Kind::Array, 256, 0, {t});
  }
  EXPECT_EQ(DecodeErr({t}, H(W(0x20) + W(0))), DecodeError::kTooDeep);
  // One level less is fine.
  Type ok = t.components[0];
  EXPECT_EQ(DecodeErr({ok}, H(W(0x20) + W(0))), DecodeError::kOk);
}

// ---- kTypeMismatch: a malformed type cannot be decoded.

TEST(AbiDecodeTypeMismatch, MalformedType) {
  EXPECT_EQ(DecodeErr({testing::Make(Type::Kind::Uint, 7)}, H(W(0))), DecodeError::kTypeMismatch);
  EXPECT_EQ(DecodeErr({testing::Make(Type::Kind::Int, 264)}, H(W(0))), DecodeError::kTypeMismatch);
  EXPECT_EQ(DecodeErr({testing::Make(Type::Kind::FixedBytes, 33)}, H(W(0))),
            DecodeError::kTypeMismatch);
  EXPECT_EQ(DecodeErr({testing::Make(Type::Kind::Array)}, H(W(0x20) + W(0))),
            DecodeError::kTypeMismatch);
  Type two_elems = testing::Make(Type::Kind::FixedArray, 256, 1, {T("bool"), T("bool")});
  EXPECT_EQ(DecodeErr({two_elems}, H(W(0))), DecodeError::kTypeMismatch);
  // A fixed array whose static size overflows.
  Type huge = testing::Make(Type::Kind::FixedArray, 256, SIZE_MAX / 2, {T("uint256")});
  EXPECT_EQ(DecodeErr({huge}, H(W(0))), DecodeError::kTypeMismatch);
}

// ---- Robustness: truncations and corruptions never read out of bounds.

TEST(AbiDecodeRobustness, EveryTruncationIsHandled) {
  std::vector<Type> types = Ts({"uint256[][]", "string[]", "(bytes,bool)[2]"});
  ValueList values = {List(List(1, 2), List(3)), List("one", "two", "three"),
                      List(List(Str("x"), true), List(Bytes(40, 1), false))};
  Bytes full = MustEncode(types, values);
  for (size_t n = 0; n < full.size(); ++n) {
    Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = decode(types, cut);
    // Only the last payload's padding may be cut off.
    if (std::holds_alternative<ValueList>(r)) {
      EXPECT_GT(n, full.size() - 32) << n;
      EXPECT_EQ(std::get<ValueList>(r), values);
    }
  }
}

TEST(AbiDecodeRobustness, CorruptedWordsAreHandled) {
  std::vector<Type> types = Ts({"(address,string)[]", "bytes", "int8[2]"});
  ValueList values = {List(List(Address{}, "a"), List(Address{}, "bcd")), Str("hello"),
                      List(testing::Neg(1), 1)};
  Bytes full = MustEncode(types, values);
  const uint64_t probes[] = {0, 1, 0x1f, 0x20, 0x40, 0xffff, ~0ULL};
  for (size_t word = 0; word < full.size() / 32; ++word) {
    for (uint64_t p : probes) {
      Bytes b = full;
      U256(p).to_be(b.data() + word * 32);
      auto r = decode(types, b);
      if (auto* ok = std::get_if<ValueList>(&r)) {
        // Whatever decodes must re-encode and decode to the same values.
        Bytes again = MustEncode(types, *ok);
        EXPECT_EQ(MustDecode(types, again, true), *ok);
      }
    }
  }
}

}  // namespace
}  // namespace stoa::abi
