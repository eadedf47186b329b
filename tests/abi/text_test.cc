// Human-readable values: parse_value and format_value.
#include <gtest/gtest.h>

#include <string>

#include "abi/test_util.h"
#include "stoa/abi/abi.h"

namespace stoa::abi {
namespace {

using testing::List;
using testing::N;
using testing::Neg;
using testing::Str;
using testing::T;

Value Parse(const char* type, std::string_view text) {
  auto r = parse_value(T(type), text);
  if (auto* err = std::get_if<std::string>(&r)) {
    ADD_FAILURE() << type << " '" << text << "': " << *err;
    return {};
  }
  return std::get<Value>(r);
}

std::string ParseError(const char* type, std::string_view text) {
  auto r = parse_value(T(type), text);
  if (auto* err = std::get_if<std::string>(&r)) return *err;
  ADD_FAILURE() << type << " '" << text << "' parsed unexpectedly";
  return "";
}

const char* const kAliceChecksum = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
const std::string kUint256Max =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

TEST(AbiText, Unsigned) {
  EXPECT_EQ(Parse("uint8", "0"), Value(0));
  EXPECT_EQ(Parse("uint8", "255"), Value(255));
  EXPECT_EQ(Parse("uint8", "0xff"), Value(255));
  EXPECT_EQ(Parse("uint8", "0XFF"), Value(255));
  EXPECT_EQ(Parse("uint8", "007"), Value(7));
  EXPECT_EQ(Parse("uint8", "-0"), Value(0));
  EXPECT_EQ(Parse("uint8", "  42\t"), Value(42));
  EXPECT_EQ(Parse("uint256", kUint256Max), Value(U256::max()));
  EXPECT_EQ(Parse("uint256", "0x" + std::string(64, 'f')), Value(U256::max()));
  EXPECT_EQ(Parse("uint256", "0x000" + std::string(64, 'f')), Value(U256::max()));
  EXPECT_EQ(Parse("uint", "1000000000000000000"), Value(N("1000000000000000000")));
}

TEST(AbiText, UnsignedOutOfRange) {
  EXPECT_EQ(ParseError("uint8", "300"), "value 300 does not fit uint8");
  EXPECT_EQ(ParseError("uint8", "256"), "value 256 does not fit uint8");
  EXPECT_EQ(ParseError("uint8", "0x100"), "value 0x100 does not fit uint8");
  EXPECT_EQ(ParseError("uint8", "-1"), "value -1 does not fit uint8");
  EXPECT_EQ(ParseError("uint16", "65536"), "value 65536 does not fit uint16");
  // One past uint256's maximum, in decimal and in hex.
  std::string past = kUint256Max;
  past.back() = '6';
  EXPECT_EQ(ParseError("uint256", past), "value " + past + " does not fit uint256");
  EXPECT_EQ(ParseError("uint256", "0x1" + std::string(64, '0')),
            "value 0x1" + std::string(64, '0') + " does not fit uint256");
  EXPECT_EQ(ParseError("uint256", std::string(100, '9')).substr(0, 6), "value ");
}

TEST(AbiText, MalformedNumbers) {
  EXPECT_EQ(ParseError("uint256", "abc"), "invalid number 'abc' for uint256");
  EXPECT_EQ(ParseError("uint256", "1.5"), "invalid number '1.5' for uint256");
  EXPECT_EQ(ParseError("uint256", "+1"), "invalid number '+1' for uint256");
  EXPECT_EQ(ParseError("uint256", "0x"), "invalid number '0x' for uint256");
  EXPECT_EQ(ParseError("uint256", "0xg1"), "invalid number '0xg1' for uint256");
  EXPECT_EQ(ParseError("uint256", "1e18"), "invalid number '1e18' for uint256");
  EXPECT_EQ(ParseError("int8", "--1"), "invalid number '--1' for int8");
  EXPECT_EQ(ParseError("uint256", ""), "expected a uint256 value");
  EXPECT_EQ(ParseError("uint256", "   "), "expected a uint256 value");
  EXPECT_EQ(ParseError("uint256", "\"5\""), "expected a uint256 value, got a quoted string");
  EXPECT_EQ(ParseError("uint256", "1 2"), "unexpected text after the value: '2'");
}

TEST(AbiText, Signed) {
  EXPECT_EQ(Parse("int8", "-128"), Value(Neg(128)));
  EXPECT_EQ(Parse("int8", "127"), Value(127));
  EXPECT_EQ(Parse("int8", "-1"), Value(Neg(1)));
  EXPECT_EQ(Parse("int8", "-0x80"), Value(Neg(128)));
  EXPECT_EQ(Parse("int8", "-0"), Value(0));
  EXPECT_EQ(Parse("int", "-5"), Value(Neg(5)));
  const std::string min256 =
      "-57896044618658097711785492504343953926634992332820282019728792003956564819968";
  const std::string max256 =
      "57896044618658097711785492504343953926634992332820282019728792003956564819967";
  EXPECT_EQ(Parse("int256", min256), Value(U256::from_words(0, 0, 0, 1ULL << 63)));
  EXPECT_EQ(Parse("int256", max256), Value(U256::from_words(~0ULL, ~0ULL, ~0ULL, ~0ULL >> 1)));

  EXPECT_EQ(ParseError("int8", "128"), "value 128 does not fit int8");
  EXPECT_EQ(ParseError("int8", "-129"), "value -129 does not fit int8");
  EXPECT_EQ(ParseError("int8", "0xff"), "value 0xff does not fit int8");  // hex is a magnitude
  std::string past_max = max256;
  past_max.back() = '8';
  EXPECT_EQ(ParseError("int256", past_max), "value " + past_max + " does not fit int256");
  std::string past_min = min256;
  past_min.back() = '9';
  EXPECT_EQ(ParseError("int256", past_min), "value " + past_min + " does not fit int256");
}

TEST(AbiText, Address) {
  Address a = *Address::parse(kAliceChecksum);
  EXPECT_EQ(Parse("address", kAliceChecksum), Value(a));
  EXPECT_EQ(Parse("address", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"), Value(a));
  EXPECT_EQ(Parse("address", "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"), Value(a));
  EXPECT_EQ(ParseError("address", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"),
            "address '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' has an invalid EIP-55 checksum");
  EXPECT_EQ(ParseError("address", "0x1234"),
            "invalid address '0x1234' (expected 0x followed by 40 hex digits)");
  EXPECT_EQ(ParseError("address", "alice"),
            "invalid address 'alice' (expected 0x followed by 40 hex digits)");
}

TEST(AbiText, Bool) {
  EXPECT_EQ(Parse("bool", "true"), Value(true));
  EXPECT_EQ(Parse("bool", "false"), Value(false));
  EXPECT_EQ(ParseError("bool", "yes"), "expected true or false for bool, got 'yes'");
  EXPECT_EQ(ParseError("bool", "1"), "expected true or false for bool, got '1'");
  EXPECT_EQ(ParseError("bool", "True"), "expected true or false for bool, got 'True'");
}

TEST(AbiText, FixedBytes) {
  EXPECT_EQ(Parse("bytes2", "0x5553"), Value(Str("US")));
  EXPECT_EQ(Parse("bytes2", "\"US\""), Value(Str("US")));
  EXPECT_EQ(Parse("bytes3", "\"US\""), Value(Bytes{'U', 'S', 0}));  // right-padded
  EXPECT_EQ(Parse("bytes32", "\"\""), Value(Bytes(32, 0)));
  EXPECT_EQ(Parse("bytes32", "0x" + std::string(64, 'A')), Value(Bytes(32, 0xaa)));
  EXPECT_EQ(ParseError("bytes2", "0x55"), "expected 2 bytes for bytes2, got 1");
  EXPECT_EQ(ParseError("bytes2", "0x555354"), "expected 2 bytes for bytes2, got 3");
  EXPECT_EQ(ParseError("bytes2", "\"USA\""),
            "quoted value \"USA\" is longer than the 2 bytes of bytes2");
  EXPECT_EQ(ParseError("bytes4", "\"\xc3\xa9\""),
            "quoted bytes4 value must be ASCII, got \"\xc3\xa9\"");
  EXPECT_EQ(ParseError("bytes2", "5553"), "invalid hex '5553' for bytes2 (expected 0x-hex)");
  EXPECT_EQ(ParseError("bytes2", "0x555"), "invalid hex '0x555' for bytes2 (expected 0x-hex)");
}

TEST(AbiText, Bytes) {
  EXPECT_EQ(Parse("bytes", "0x"), Value(Bytes{}));
  EXPECT_EQ(Parse("bytes", "0xdeadBEEF"), Value(Bytes{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_EQ(ParseError("bytes", "0xabc"), "invalid hex '0xabc' for bytes (expected 0x-hex)");
  EXPECT_EQ(ParseError("bytes", "\"text\""), "expected a bytes value, got a quoted string");
}

TEST(AbiText, Strings) {
  EXPECT_EQ(Parse("string", "word"), Value("word"));
  EXPECT_EQ(Parse("string", "ACME-2025.v1"), Value("ACME-2025.v1"));
  EXPECT_EQ(Parse("string", "\"two words\""), Value("two words"));
  EXPECT_EQ(Parse("string", "\"\""), Value(""));
  EXPECT_EQ(Parse("string", R"("say \"hi\" \\o/")"), Value(R"(say "hi" \o/)"));
  EXPECT_EQ(Parse("string", "\"a, [b] (c)\""), Value("a, [b] (c)"));
  EXPECT_EQ(Parse("string", "\"line\nbreak\""), Value("line\nbreak"));
  EXPECT_EQ(Parse("string", "caf\xc3\xa9"), Value("caf\xc3\xa9"));
  EXPECT_EQ(ParseError("string", "two words"), "unexpected text after the value: 'words'");
  EXPECT_EQ(ParseError("string", "\"open"), "unterminated quoted string");
  EXPECT_EQ(ParseError("string", "\"ends with \\"), "unterminated quoted string");
  EXPECT_EQ(ParseError("string", R"("\n")"),
            R"(unsupported escape sequence '\n' in a quoted string (only \" and \\ are allowed))");
  EXPECT_EQ(ParseError("string", "\"\xff\""), "string is not valid UTF-8");
  EXPECT_EQ(ParseError("string", "\xff"), "string is not valid UTF-8");
  EXPECT_EQ(ParseError("string", ""), "expected a string value");
  EXPECT_EQ(ParseError("string", "\"a\"\"b\""), "unexpected text after the value: '\"b\"'");
}

TEST(AbiText, Arrays) {
  EXPECT_EQ(Parse("uint8[]", "[]"), Value(ValueList{}));
  EXPECT_EQ(Parse("uint8[]", "[ ]"), Value(ValueList{}));
  EXPECT_EQ(Parse("uint8[]", "[1, 2, 3]"), Value(ValueList{1, 2, 3}));
  EXPECT_EQ(Parse("uint8[]", " [1,2 ,3 ] "), Value(ValueList{1, 2, 3}));
  EXPECT_EQ(Parse("uint8[3]", "[1, 2, 3]"), Value(ValueList{1, 2, 3}));
  EXPECT_EQ(Parse("uint256[][]", "[[1, 2], [], [3]]"),
            Value(ValueList{List(1, 2), List(), List(3)}));
  EXPECT_EQ(Parse("string[]", "[one, \"two, three\", \"\"]"),
            Value(ValueList{"one", "two, three", ""}));
  EXPECT_EQ(ParseError("uint8[3]", "[1, 2]"), "expected 3 elements for uint8[3], got 2");
  EXPECT_EQ(ParseError("uint8[]", "[1, 300]"), "value 300 does not fit uint8");
  EXPECT_EQ(ParseError("uint8[]", "[1, 2,]"), "expected a uint8 value, got ']'");
  EXPECT_EQ(ParseError("uint8[]", "[1 2]"), "expected ',' or ']' in uint8[], got '2]'");
  EXPECT_EQ(ParseError("uint8[]", "[1, 2"),
            "expected ',' or ']' in uint8[], got the end of the text");
  EXPECT_EQ(ParseError("uint8[]", "1, 2"), "expected '[' to start a uint8[] value, got '1, 2'");
  EXPECT_EQ(ParseError("uint8[]", ""), "expected '[' to start a uint8[] value");
  EXPECT_EQ(ParseError("uint8[]", "(1)"), "expected '[' to start a uint8[] value, got '(1)'");
  EXPECT_EQ(ParseError("uint8[]", "[1]]"), "unexpected text after the value: ']'");
}

TEST(AbiText, Tuples) {
  Address a = *Address::parse(kAliceChecksum);
  EXPECT_EQ(Parse("(address,uint256)", std::string("(") + kAliceChecksum + ", 5)"),
            Value(ValueList{a, 5}));
  EXPECT_EQ(Parse("()", "()"), Value(ValueList{}));
  EXPECT_EQ(Parse("(address,uint256)[]",
                  std::string("[(") + kAliceChecksum + ", 1), (" + kAliceChecksum + ", 2)]"),
            Value(ValueList{List(a, 1), List(a, 2)}));
  EXPECT_EQ(Parse("(bool,(string,bytes2))", "(true, (\"x y\", \"US\"))"),
            Value(ValueList{true, List("x y", Str("US"))}));
  EXPECT_EQ(ParseError("(uint8,bool)", "(1)"), "expected 2 members for (uint8,bool), got 1");
  EXPECT_EQ(ParseError("(uint8,bool)", "(1, true, 3)"),
            "too many members for (uint8,bool) (expected 2)");
  EXPECT_EQ(ParseError("(uint8,bool)", "(1, 2)"), "expected true or false for bool, got '2'");
  EXPECT_EQ(ParseError("(uint8,bool)", "[1, true]"),
            "expected '(' to start a (uint8,bool) value, got '[1, true]'");
}

TEST(AbiText, InvalidType) {
  auto r = parse_value(testing::Make(Type::Kind::Uint, 3), "1");
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_EQ(std::get<std::string>(r), "invalid type");
}

TEST(AbiText, Format) {
  Address a = *Address::parse(kAliceChecksum);
  EXPECT_EQ(format_value(T("uint256"), U256::max()), kUint256Max);
  EXPECT_EQ(format_value(T("uint8"), 0), "0");
  EXPECT_EQ(format_value(T("int8"), Neg(128)), "-128");
  EXPECT_EQ(format_value(T("int256"), U256::from_words(0, 0, 0, 1ULL << 63)),
            "-57896044618658097711785492504343953926634992332820282019728792003956564819968");
  EXPECT_EQ(format_value(T("int64"), 42), "42");
  EXPECT_EQ(format_value(T("address"), a), kAliceChecksum);
  EXPECT_EQ(format_value(T("bool"), true), "true");
  EXPECT_EQ(format_value(T("bytes2"), Str("US")), "0x5553");
  EXPECT_EQ(format_value(T("bytes"), Bytes{}), "0x");
  EXPECT_EQ(format_value(T("string"), "plain"), "\"plain\"");
  EXPECT_EQ(format_value(T("string"), R"(say "hi" \o/)"), R"("say \"hi\" \\o/")");
  EXPECT_EQ(format_value(T("uint8[]"), List()), "[]");
  EXPECT_EQ(format_value(T("uint256[][]"), List(List(1, 2), List())), "[[1, 2], []]");
  EXPECT_EQ(format_value(T("(address,int8,string)[1]"), List(List(a, Neg(1), "x"))),
            std::string("[(") + kAliceChecksum + ", -1, \"x\")]");
  EXPECT_EQ(format_value(T("()"), List()), "()");
}

TEST(AbiText, FormatThenParseRoundTrips) {
  Address a = *Address::parse(kAliceChecksum);
  struct Case {
    const char* type;
    Value value;
  };
  const Case cases[] = {
      {"uint256", U256::max()},
      {"int256", Neg(12345)},
      {"int8", Neg(128)},
      {"address", a},
      {"bytes1", Bytes{0}},
      {"bytes", Bytes{1, 2, 3}},
      {"string", ""},
      {"string", "with \"quotes\", [brackets], (parens) and \\ backslash\n"},
      {"string[2]", List("a", "b c")},
      {"((uint8,bool)[],string)", List(List(List(1, true)), "s")},
  };
  for (const Case& c : cases) {
    std::string text = format_value(T(c.type), c.value);
    EXPECT_EQ(Parse(c.type, text), c.value) << c.type << " " << text;
  }
}

TEST(AbiTextDeathTest, FormatOfAMismatchedValueIsABug) {
  EXPECT_DEATH(format_value(T("uint8"), 300), "invariant violated");
  EXPECT_DEATH(format_value(T("uint8"), "x"), "invariant violated");
  EXPECT_DEATH(format_value(T("uint8[2]"), List(1)), "invariant violated");
}

}  // namespace
}  // namespace stoa::abi
