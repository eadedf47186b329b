// Encoding and decoding: the Solidity ABI specification's vectors, layouts of nested and dynamic
// types, and round trips.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "abi/test_util.h"
#include "stoa/abi/abi.h"

namespace stoa::abi {
namespace {

using testing::H;
using testing::L;
using testing::List;
using testing::MustDecode;
using testing::MustEncode;
using testing::N;
using testing::Neg;
using testing::Str;
using testing::T;
using testing::Ts;
using testing::W;

Signature Sig(const char* s) {
  auto sig = parse_signature(s);
  EXPECT_TRUE(sig.has_value()) << s;
  return sig.value_or(Signature{});
}

Bytes MustCall(const Signature& sig, const ValueList& args) {
  auto r = encode_call(sig, args);
  if (auto* e = std::get_if<DecodeError>(&r)) {
    ADD_FAILURE() << "encode_call failed: " << to_string(*e);
    return {};
  }
  return std::get<Bytes>(r);
}

// Checks calldata against the expected hex, then decodes the arguments back (strictly).
void ExpectCall(const char* signature, const ValueList& args, const std::string& hex) {
  Signature sig = Sig(signature);
  Bytes call = MustCall(sig, args);
  EXPECT_EQ(to_hex(call), to_hex(H(hex))) << signature;
  ASSERT_GE(call.size(), 4u);
  Bytes body(call.begin() + 4, call.end());
  EXPECT_EQ(MustDecode(sig.inputs, body, /*strict=*/true), args) << signature;
}

// --- The examples of the Solidity ABI specification ("Examples", "Use of Dynamic Types").

TEST(AbiSpecVectors, Baz) {
  ExpectCall("baz(uint32,bool)", {69, true}, "cdcd77c0" + W(0x45) + W(1));
}

TEST(AbiSpecVectors, Bar) {
  ExpectCall("bar(bytes3[2])", {List(Str("abc"), Str("def"))},
             "fce353f6"
             "6162630000000000000000000000000000000000000000000000000000000000"
             "6465660000000000000000000000000000000000000000000000000000000000");
}

TEST(AbiSpecVectors, Sam) {
  ExpectCall("sam(bytes,bool,uint256[])", {Str("dave"), true, List(1, 2, 3)},
             "a5643bf2"
             "0000000000000000000000000000000000000000000000000000000000000060"
             "0000000000000000000000000000000000000000000000000000000000000001"
             "00000000000000000000000000000000000000000000000000000000000000a0"
             "0000000000000000000000000000000000000000000000000000000000000004"
             "6461766500000000000000000000000000000000000000000000000000000000"
             "0000000000000000000000000000000000000000000000000000000000000003"
             "0000000000000000000000000000000000000000000000000000000000000001"
             "0000000000000000000000000000000000000000000000000000000000000002"
             "0000000000000000000000000000000000000000000000000000000000000003");
}

TEST(AbiSpecVectors, DynamicTypesF) {
  ExpectCall("f(uint,uint32[],bytes10,bytes)",
             {0x123, List(0x456, 0x789), Str("1234567890"), Str("Hello, world!")},
             "8be65246"
             "0000000000000000000000000000000000000000000000000000000000000123"
             "0000000000000000000000000000000000000000000000000000000000000080"
             "3132333435363738393000000000000000000000000000000000000000000000"
             "00000000000000000000000000000000000000000000000000000000000000e0"
             "0000000000000000000000000000000000000000000000000000000000000002"
             "0000000000000000000000000000000000000000000000000000000000000456"
             "0000000000000000000000000000000000000000000000000000000000000789"
             "000000000000000000000000000000000000000000000000000000000000000d"
             "48656c6c6f2c20776f726c642100000000000000000000000000000000000000");
}

TEST(AbiSpecVectors, NestedDynamicG) {
  ExpectCall("g(uint[][],string[])", {List(List(1, 2), List(3)), List("one", "two", "three")},
             "2289b18c"
             "0000000000000000000000000000000000000000000000000000000000000040"
             "0000000000000000000000000000000000000000000000000000000000000140"
             "0000000000000000000000000000000000000000000000000000000000000002"
             "0000000000000000000000000000000000000000000000000000000000000040"
             "00000000000000000000000000000000000000000000000000000000000000a0"
             "0000000000000000000000000000000000000000000000000000000000000002"
             "0000000000000000000000000000000000000000000000000000000000000001"
             "0000000000000000000000000000000000000000000000000000000000000002"
             "0000000000000000000000000000000000000000000000000000000000000001"
             "0000000000000000000000000000000000000000000000000000000000000003"
             "0000000000000000000000000000000000000000000000000000000000000003"
             "0000000000000000000000000000000000000000000000000000000000000060"
             "00000000000000000000000000000000000000000000000000000000000000a0"
             "00000000000000000000000000000000000000000000000000000000000000e0"
             "0000000000000000000000000000000000000000000000000000000000000003"
             "6f6e650000000000000000000000000000000000000000000000000000000000"
             "0000000000000000000000000000000000000000000000000000000000000003"
             "74776f0000000000000000000000000000000000000000000000000000000000"
             "0000000000000000000000000000000000000000000000000000000000000005"
             "7468726565000000000000000000000000000000000000000000000000000000");
}

TEST(AbiSpecVectors, ArgumentsWithoutSelector) {
  // encode() is the tuple encoding alone (abi.encode), as for return values.
  Bytes b = MustEncode(Ts({"uint256", "string"}), {1234, "Hello World"});
  EXPECT_EQ(to_hex(b), W(1234) + W(0x40) + W(11) + L("Hello World"));
  EXPECT_EQ(to_hex(MustEncode({}, {})), "");
}

// --- Layouts.

TEST(AbiEncode, ElementaryWords) {
  Address a = *Address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
  Bytes b = MustEncode(Ts({"address", "bool", "bool", "uint8", "uint256", "bytes1", "bytes32"}),
                       {a, true, false, 255, U256::max(), Bytes{0xab}, Bytes(32, 0x11)});
  EXPECT_EQ(to_hex(b), "0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed" + W(1) +
                           W(0) + W(255) + std::string(64, 'f') + "ab" + std::string(62, '0') +
                           std::string(64, '1'));
}

TEST(AbiEncode, SignedIntegersAreSignExtended) {
  EXPECT_EQ(to_hex(MustEncode(Ts({"int8"}), {Neg(1)})), std::string(64, 'f'));
  EXPECT_EQ(to_hex(MustEncode(Ts({"int8"}), {Neg(128)})), std::string(62, 'f') + "80");
  EXPECT_EQ(to_hex(MustEncode(Ts({"int8"}), {127})), W(127));
  EXPECT_EQ(to_hex(MustEncode(Ts({"int16"}), {Neg(2)})), std::string(60, 'f') + "fffe");
  EXPECT_EQ(to_hex(MustEncode(Ts({"int256"}), {Neg(1)})), std::string(64, 'f'));
  U256 int256_min = U256::from_words(0, 0, 0, 1ULL << 63);
  EXPECT_EQ(to_hex(MustEncode(Ts({"int256"}), {int256_min})), "8" + std::string(63, '0'));
  EXPECT_EQ(MustDecode(Ts({"int8", "int256"}),
                       MustEncode(Ts({"int8", "int256"}), {Neg(100), int256_min})),
            (ValueList{Neg(100), int256_min}));
}

TEST(AbiEncode, EmptyBytesAndString) {
  EXPECT_EQ(to_hex(MustEncode(Ts({"bytes"}), {Bytes{}})), W(0x20) + W(0));
  EXPECT_EQ(to_hex(MustEncode(Ts({"string"}), {""})), W(0x20) + W(0));
  // A 32-byte payload needs no padding; 33 bytes take two words.
  EXPECT_EQ(to_hex(MustEncode(Ts({"bytes"}), {Bytes(32, 0xaa)})),
            W(0x20) + W(32) + std::string(64, 'a'));
  EXPECT_EQ(to_hex(MustEncode(Ts({"bytes"}), {Bytes(33, 0xaa)})),
            W(0x20) + W(33) + std::string(66, 'a') + std::string(62, '0'));
}

TEST(AbiEncode, StaticTuplesAndFixedArraysAreInPlace) {
  Bytes b = MustEncode(Ts({"(uint256,bool)", "uint8[2]", "uint8"}), {List(7, true), List(1, 2), 9});
  EXPECT_EQ(to_hex(b), W(7) + W(1) + W(1) + W(2) + W(9));
  // A static tuple nested in a dynamic array is laid out element after element.
  Bytes c = MustEncode(Ts({"(uint8,bool)[]"}), {List(List(1, true), List(2, false))});
  EXPECT_EQ(to_hex(c), W(0x20) + W(2) + W(1) + W(1) + W(2) + W(0));
}

TEST(AbiEncode, DynamicTupleUsesAnOffset) {
  Bytes b = MustEncode(Ts({"uint8", "(uint256,string)"}), {5, List(3, "hi")});
  EXPECT_EQ(to_hex(b), W(5) + W(0x40) +      // head: value, offset of the tuple
                           W(3) + W(0x40) +  // tuple head: value, offset of the string
                           W(2) + L("hi"));  // string
}

TEST(AbiEncode, FixedArrayOfDynamicType) {
  // string[2] is dynamic: an offset in the head, then a two-slot head of its own.
  Bytes b = MustEncode(Ts({"string[2]", "uint8"}), {List("a", "bc"), 1});
  EXPECT_EQ(to_hex(b), W(0x40) + W(1) +         // head
                           W(0x40) + W(0x80) +  // string[2] head: offsets from its start
                           W(1) + L("a") + W(2) + L("bc"));
  EXPECT_EQ(MustDecode(Ts({"string[2]", "uint8"}), b, true), (ValueList{List("a", "bc"), 1}));
}

TEST(AbiEncode, ArrayOfDynamicTuples) {
  Address a = *Address::parse("0x00000000000000000000000000000000000000aa");
  Type t = T("(address,string)[]");
  ValueList v = {List(List(a, "x"), List(a, "yz"))};
  Bytes b = MustEncode({t}, v);
  EXPECT_EQ(to_hex(b), W(0x20) + W(2) +         // offset, length
                           W(0x40) + W(0xc0) +  // element offsets (from after length)
                           W(0xaa) + W(0x40) + W(1) + L("x") +   // element 0
                           W(0xaa) + W(0x40) + W(2) + L("yz"));  // element 1
  EXPECT_EQ(MustDecode({t}, b, true), v);
}

TEST(AbiEncode, ZeroLengthFixedArrays) {
  EXPECT_EQ(to_hex(MustEncode(Ts({"uint256[0]", "uint8"}), {List(), 1})), W(1));
  Bytes b = MustEncode(Ts({"string[0]"}), {List()});
  EXPECT_EQ(to_hex(b), W(0x20));  // an offset to an empty encoding
  EXPECT_EQ(MustDecode(Ts({"string[0]"}), b, true), (ValueList{List()}));
}

TEST(AbiEncode, ValueThatDoesNotFitIsATypeMismatch) {
  using testing::EncodeError;
  const DecodeError kMismatch = DecodeError::kTypeMismatch;
  EXPECT_EQ(EncodeError(Ts({"uint8"}), {300}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"uint8"}), {256}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"uint8"}), {255}), DecodeError::kOk);
  EXPECT_EQ(EncodeError(Ts({"uint248"}), {U256::max()}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"int8"}), {128}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"int8"}), {Neg(129)}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"int8"}), {255}), kMismatch);  // -1 must be sign-extended
  EXPECT_EQ(EncodeError(Ts({"uint256"}), {"12"}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"address"}), {12}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"bool"}), {1}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"bytes2"}), {Str("abc")}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"bytes2"}), {Str("a")}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"bytes"}), {"text"}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"string"}), {Str("text")}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"uint8[2]"}), {List(1)}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"uint8[2]"}), {List(1, 2, 3)}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"uint8[]"}), {List(1, 300)}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"uint8[]"}), {1}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"(uint8,bool)"}), {List(1)}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"(uint8,bool)"}), {List(true, 1)}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"(uint8,(bool,string))"}), {List(1, List(true, 2))}), kMismatch);
  // The number of values must match the number of types.
  EXPECT_EQ(EncodeError(Ts({"uint8", "uint8"}), {1}), kMismatch);
  EXPECT_EQ(EncodeError(Ts({"uint8"}), {1, 2}), kMismatch);
  // Strings must be UTF-8 so that every encoding decodes.
  EXPECT_EQ(EncodeError(Ts({"string"}), {"\xff"}), DecodeError::kInvalidUtf8);
  // encode_call reports the same errors.
  auto r = encode_call(Sig("f(uint8)"), {300});
  ASSERT_TRUE(std::holds_alternative<DecodeError>(r));
  EXPECT_EQ(std::get<DecodeError>(r), kMismatch);
}

TEST(AbiEncode, MalformedTypesAreRefused) {
  using testing::EncodeError;
  Type bad_bits = testing::Make(Type::Kind::Uint, 7);
  EXPECT_EQ(EncodeError({bad_bits}, {1}), DecodeError::kTypeMismatch);
  Type no_elem = testing::Make(Type::Kind::Array);
  EXPECT_EQ(EncodeError({no_elem}, {List()}), DecodeError::kTypeMismatch);
  Type bytes0 = testing::Make(Type::Kind::FixedBytes, 0);
  EXPECT_EQ(EncodeError({bytes0}, {Bytes{}}), DecodeError::kTypeMismatch);
  Type deep = T("bool");
  Value v = true;
  for (size_t i = 0; i <= kMaxTypeNestingDepth; ++i) {
    deep = testing::Make(Type::Kind::Tuple, 256, 0, {deep});
    v = ValueList{v};
  }
  EXPECT_EQ(EncodeError({deep}, {v}), DecodeError::kTooDeep);
}

// --- Round trips.

TEST(AbiRoundTrip, NestedTypes) {
  Address a = *Address::parse("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
  struct Case {
    const char* type;
    Value value;
  };
  const Case cases[] = {
      {"(address,uint256)[]", List(List(a, 1), List(a, U256::max()))},
      {"((uint8,bytes)[2],string)[]",
       List(List(List(List(1, Str("x")), List(2, Bytes(40, 7))), "s"),
            List(List(List(3, Bytes{}), List(4, Str("yy"))), ""))},
      {"uint256[][][]", List(List(List(1, 2), List()), List(), List(List(3)))},
      {"string[][2]", List(List("a", "b", "c"), List())},
      {"bytes32[3][]", List(List(Bytes(32, 1), Bytes(32, 2), Bytes(32, 3)))},
      {"(bool,(int16,string[])[])",
       List(true, List(List(Neg(5), List("p", "q")), List(7, List())))},
      {"(uint8,(bool,(address,(string))))", List(1, List(false, List(a, List("deep"))))},
      {"()", List()},
      {"()[]", List(List(), List(), List())},
      {"(()[],uint8)", List(List(List()), 3)},
      {"string", "héllo wörld ✓ 𝄞"},
      {"bytes", Bytes(1000, 0x5a)},
  };
  for (const Case& c : cases) {
    std::vector<Type> types = {T(c.type), T("uint8"), T("string")};
    ValueList values = {c.value, 42, "tail"};
    Bytes b = MustEncode(types, values);
    EXPECT_EQ(b.size() % 32, 0u) << c.type;
    EXPECT_EQ(MustDecode(types, b, /*strict=*/true), values) << c.type;
  }
}

TEST(AbiDecode, AcceptsTrailingDataUnlessStrict) {
  Bytes b = MustEncode(Ts({"uint256", "string"}), {1, "x"});
  b.insert(b.end(), 32, 0);
  EXPECT_EQ(MustDecode(Ts({"uint256", "string"}), b), (ValueList{1, "x"}));
  EXPECT_EQ(testing::DecodeErr(Ts({"uint256", "string"}), b, /*strict=*/true),
            DecodeError::kTrailingData);
}

TEST(AbiDecode, AcceptsNonCanonicalLayoutsSolidityAccepts) {
  // Two strings sharing one tail (offsets need not be distinct or increasing).
  Bytes shared = H(W(0x40) + W(0x40) + W(3) + L("abc"));
  EXPECT_EQ(MustDecode(Ts({"string", "string"}), shared, true), (ValueList{"abc", "abc"}));
  // A gap between head and tail.
  Bytes gap = H(W(0x40) + W(0) + W(2) + L("hi"));
  EXPECT_EQ(MustDecode(Ts({"bytes"}), gap, true), (ValueList{Str("hi")}));
  // The last payload may lack its zero padding, and padding content is not checked.
  Bytes unpadded = H(W(0x20) + W(3) + "616263");
  EXPECT_EQ(MustDecode(Ts({"bytes"}), unpadded, true), (ValueList{Str("abc")}));
  Bytes dirty_pad =
      H(W(0x20) + W(1) + "61ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  EXPECT_EQ(MustDecode(Ts({"bytes"}), dirty_pad, true), (ValueList{Str("a")}));
}

TEST(AbiDecode, StrictModeCountsPaddingAsPartOfTheEncoding) {
  Bytes b = MustEncode(Ts({"string"}), {"abc"});
  EXPECT_EQ(MustDecode(Ts({"string"}), b, true), (ValueList{"abc"}));
  b.push_back(0);
  EXPECT_EQ(testing::DecodeErr(Ts({"string"}), b, true), DecodeError::kTrailingData);
  // Nothing to decode and nothing given is fine; anything given is trailing.
  EXPECT_EQ(MustDecode({}, {}, true), List());
  EXPECT_EQ(testing::DecodeErr({}, Bytes{1}, true), DecodeError::kTrailingData);
  EXPECT_EQ(MustDecode({}, Bytes{1}), List());
}

TEST(AbiValue, AsBytes32RightPads) {
  Value v = Str("US");
  Bytes32 w = v.as_bytes32();
  EXPECT_EQ(w.hex(), "0x" + L("US"));
  Bytes32 h = *Bytes32::from_hex(std::string(64, 'c'));
  EXPECT_EQ(Value::bytes32(h).as_bytes32(), h);
  EXPECT_EQ(Value::bytes32(h).bytes().size(), 32u);
}

TEST(AbiDecodeError, ToStringIsDistinctAndReadable) {
  const DecodeError all[] = {
      DecodeError::kOk,           DecodeError::kTooShort,      DecodeError::kBadOffset,
      DecodeError::kBadLength,    DecodeError::kDirtyHighBits, DecodeError::kBadBool,
      DecodeError::kInvalidUtf8,  DecodeError::kTrailingData,  DecodeError::kTooDeep,
      DecodeError::kTypeMismatch,
  };
  std::set<std::string_view> seen;
  for (DecodeError e : all) {
    std::string_view s = to_string(e);
    EXPECT_FALSE(s.empty());
    EXPECT_TRUE(seen.insert(s).second) << s;
  }
  EXPECT_EQ(to_string(DecodeError::kInvalidUtf8), "string is not valid UTF-8");
}

}  // namespace
}  // namespace stoa::abi
