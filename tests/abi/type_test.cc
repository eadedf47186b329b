// Types, canonical names, signatures and selectors.
#include <gtest/gtest.h>

#include <string>

#include "abi/test_util.h"
#include "stoa/abi/abi.h"
#include "stoa/common/keccak.h"

namespace stoa::abi {
namespace {

using testing::T;
using K = Type::Kind;

TEST(AbiType, ParsesElementaryTypes) {
  struct Case {
    const char* text;
    K kind;
    uint16_t bits;
    const char* canonical;
  };
  const Case cases[] = {
      {"uint", K::Uint, 256, "uint256"},
      {"int", K::Int, 256, "int256"},
      {"uint8", K::Uint, 8, "uint8"},
      {"uint256", K::Uint, 256, "uint256"},
      {"uint96", K::Uint, 96, "uint96"},
      {"int8", K::Int, 8, "int8"},
      {"int256", K::Int, 256, "int256"},
      {"int136", K::Int, 136, "int136"},
      {"bytes1", K::FixedBytes, 1, "bytes1"},
      {"bytes32", K::FixedBytes, 32, "bytes32"},
      {"bytes10", K::FixedBytes, 10, "bytes10"},
  };
  for (const Case& c : cases) {
    auto t = parse_type(c.text);
    ASSERT_TRUE(t.has_value()) << c.text;
    EXPECT_EQ(t->kind, c.kind) << c.text;
    EXPECT_EQ(t->bits, c.bits) << c.text;
    EXPECT_TRUE(t->components.empty());
    EXPECT_EQ(t->canonical(), c.canonical);
  }
  EXPECT_EQ(T("address").kind, K::Address);
  EXPECT_EQ(T("bool").kind, K::Bool);
  EXPECT_EQ(T("bytes").kind, K::Bytes);
  EXPECT_EQ(T("string").kind, K::String);
  // The parsed form equals a default-initialised Type of the same kind.
  EXPECT_EQ(T("address"), testing::Make(K::Address));
  EXPECT_EQ(T("uint"), Type{});
  EXPECT_EQ(T("uint256"), Type{});
  EXPECT_EQ(T("int"), T("int256"));
}

TEST(AbiType, ParsesArraysAndTuples) {
  Type dyn = T("uint256[]");
  EXPECT_EQ(dyn.kind, K::Array);
  ASSERT_EQ(dyn.components.size(), 1u);
  EXPECT_EQ(dyn.components[0], T("uint256"));

  Type fixed = T("bytes3[2]");
  EXPECT_EQ(fixed.kind, K::FixedArray);
  EXPECT_EQ(fixed.length, 2u);
  EXPECT_EQ(fixed.components[0], T("bytes3"));

  // T[][2] is a fixed array of two dynamic arrays; suffixes apply left to right.
  Type nested = T("uint8[][2]");
  EXPECT_EQ(nested.kind, K::FixedArray);
  EXPECT_EQ(nested.length, 2u);
  EXPECT_EQ(nested.components[0].kind, K::Array);
  EXPECT_EQ(nested.components[0].components[0], T("uint8"));

  Type legs = T("(address,uint256)[]");
  EXPECT_EQ(legs.kind, K::Array);
  const Type& leg = legs.components[0];
  EXPECT_EQ(leg.kind, K::Tuple);
  ASSERT_EQ(leg.components.size(), 2u);
  EXPECT_EQ(leg.components[0].kind, K::Address);
  EXPECT_EQ(leg.components[1], T("uint256"));

  Type empty = T("()");
  EXPECT_EQ(empty.kind, K::Tuple);
  EXPECT_TRUE(empty.components.empty());

  Type zero = T("uint256[0]");  // the ABI spec allows k >= 0
  EXPECT_EQ(zero.kind, K::FixedArray);
  EXPECT_EQ(zero.length, 0u);
}

TEST(AbiType, CanonicalNames) {
  for (const char* s : {"uint256", "int8", "address", "bool", "bytes7", "bytes", "string",
                        "uint256[]", "uint256[3]", "uint8[][2]", "string[2][]", "(address,uint256)",
                        "(address,uint256)[]", "((uint8,bytes)[2],string)[]", "()", "(())[1]",
                        "bytes32[1048576]", "(bool,(int16,string[])[])"}) {
    EXPECT_EQ(T(s).canonical(), s);
  }
  EXPECT_EQ(T("uint[]").canonical(), "uint256[]");
  EXPECT_EQ(T("(uint,int[2])").canonical(), "(uint256,int256[2])");
}

TEST(AbiType, RejectsMalformedNames) {
  for (const char* s : {"",
                        "uint7",
                        "uint0",
                        "uint264",
                        "uint512",
                        "uint08",
                        "int9",
                        "int-8",
                        "bytes0",
                        "bytes33",
                        "bytes01",
                        "uint256[",
                        "uint256]",
                        "uint256[[]]",
                        "uint256[-1]",
                        "uint256[01]",
                        "uint256[x]",
                        "uint256[ 2]",
                        "uint256[1048577]",
                        "uint256[99999999999999999999]",
                        "(address",
                        "address)",
                        "(address,)",
                        "(,address)",
                        "(address uint256)",
                        "((address)",
                        "foo",
                        "Uint256",
                        "UINT256",
                        "tuple",
                        "fixed128x18",
                        "ufixed",
                        "function",
                        "address payable",
                        "uint 256",
                        " uint256",
                        "uint256 ",
                        "uint256 []",
                        "(address, uint256)",
                        "(address to)",
                        "uint256[]x",
                        "()()"}) {
    EXPECT_FALSE(parse_type(s).has_value()) << "accepted: '" << s << "'";
  }
}

TEST(AbiType, NestingLimit) {
  std::string arrays = "uint256";
  for (size_t i = 0; i < kMaxTypeNestingDepth; ++i)
    arrays += "[]";
  EXPECT_TRUE(parse_type(arrays).has_value());
  EXPECT_FALSE(parse_type(arrays + "[]").has_value());
  EXPECT_FALSE(parse_type(arrays + "[2]").has_value());

  std::string tuples = "bool";
  for (size_t i = 0; i < kMaxTypeNestingDepth; ++i)
    tuples = "(" + tuples + ")";
  EXPECT_TRUE(parse_type(tuples).has_value());
  EXPECT_FALSE(parse_type("(" + tuples + ")").has_value());
  EXPECT_FALSE(parse_type(tuples + "[]").has_value());

  // Mixed: 4 tuple levels and 4 array levels is exactly the limit.
  EXPECT_TRUE(parse_type("((((uint8[])[])[])[])").has_value());
  EXPECT_FALSE(parse_type("((((uint8[])[])[])[])[]").has_value());
  // The depth counts the deepest branch.
  EXPECT_FALSE(parse_type("(bool,(((((((uint8[]))))))))").has_value());
  EXPECT_TRUE(parse_type("(bool,((((((uint8[])))))))").has_value());

  // Absurd inputs fail fast, without deep recursion.
  EXPECT_FALSE(parse_type(std::string(100000, '(')).has_value());
  std::string many = "uint8";
  for (int i = 0; i < 100000; ++i)
    many += "[]";
  EXPECT_FALSE(parse_type(many).has_value());
}

TEST(AbiType, IsDynamic) {
  for (const char* s : {"uint8", "int256", "address", "bool", "bytes32", "uint256[3]",
                        "(address,uint256)", "(bool,bytes4[2])[2]", "()", "uint8[0]"}) {
    EXPECT_FALSE(T(s).is_dynamic()) << s;
  }
  for (const char* s : {"bytes", "string", "uint8[]", "uint256[3][]", "string[2]",
                        "(address,bytes)", "(uint256,(bool,string))[2]", "string[0]", "()[]"}) {
    EXPECT_TRUE(T(s).is_dynamic()) << s;
  }
}

TEST(AbiSignature, ParsesCanonicalForm) {
  auto sig = parse_signature("transfer(address,uint256)");
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(sig->name, "transfer");
  ASSERT_EQ(sig->inputs.size(), 2u);
  EXPECT_EQ(sig->inputs[0], T("address"));
  EXPECT_EQ(sig->inputs[1], T("uint256"));
  EXPECT_EQ(sig->canonical(), "transfer(address,uint256)");

  auto none = parse_signature("pause()");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->inputs.empty());
  EXPECT_EQ(none->canonical(), "pause()");
}

TEST(AbiSignature, DropsNamesAndSpaces) {
  struct Case {
    const char* text;
    const char* canonical;
  };
  const Case cases[] = {
      {"transfer(address to, uint256 amount)", "transfer(address,uint256)"},
      {"transfer(address to,uint256 amount)", "transfer(address,uint256)"},
      {"  transfer( address  to ,  uint amount )  ", "transfer(address,uint256)"},
      {"transfer (address, uint256)", "transfer(address,uint256)"},
      {"f((address,uint256)[] legs)", "f((address,uint256)[])"},
      {"f((address to, uint256 amount)[] legs, string memo)", "f((address,uint256)[],string)"},
      {"f((address to, uint256 amount)[] memory legs, string calldata memo)",
       "f((address,uint256)[],string)"},
      {"f(bytes memory)", "f(bytes)"},
      {"f( )", "f()"},
      {"_f$1(uint8 _x$)", "_f$1(uint8)"},
      {"f(((uint8 a)[2] b, bytes c) d)", "f(((uint8)[2],bytes))"},
  };
  for (const Case& c : cases) {
    auto sig = parse_signature(c.text);
    ASSERT_TRUE(sig.has_value()) << c.text;
    EXPECT_EQ(sig->canonical(), c.canonical) << c.text;
  }
}

TEST(AbiSignature, RejectsMalformed) {
  for (const char* s : {"",
                        "transfer",
                        "transfer(",
                        "transfer(address",
                        "transfer(address,uint256",
                        "transfer(address,uint256))",
                        "transfer(address,uint256)x",
                        "(address)",
                        "1f(uint256)",
                        "f-g(uint256)",
                        "f(uint256,)",
                        "f(,uint256)",
                        "f(address to,, uint256)",
                        "f(uint256 a b)",
                        "f(uint256 memory a b)",
                        "f(uint7)",
                        "f(uint 256)",
                        "f(uint256 [])",
                        "f(uint256[] [])",
                        "f((address,uint256)legs)",
                        "f(address to uint256 amount)",
                        "f((address,uint256)"}) {
    EXPECT_FALSE(parse_signature(s).has_value()) << "accepted: '" << s << "'";
  }
  // Nesting limits apply inside signatures too.
  std::string deep = "uint8";
  for (size_t i = 0; i <= kMaxTypeNestingDepth; ++i)
    deep += "[]";
  EXPECT_FALSE(parse_signature("f(" + deep + ")").has_value());
}

TEST(AbiSignature, Selectors) {
  auto sel = [](const char* s) {
    auto sig = parse_signature(s);
    EXPECT_TRUE(sig.has_value()) << s;
    return sig ? selector(*sig) : 0u;
  };
  EXPECT_EQ(sel("transfer(address,uint256)"), 0xa9059cbbu);
  EXPECT_EQ(sel("transfer(address to, uint256 amount)"), 0xa9059cbbu);
  EXPECT_EQ(sel("balanceOf(address)"), 0x70a08231u);
  EXPECT_EQ(sel("approve(address,uint256)"), 0x095ea7b3u);
  EXPECT_EQ(sel("transferFrom(address,address,uint256)"), 0x23b872ddu);
  // From the Solidity ABI specification.
  EXPECT_EQ(sel("baz(uint32,bool)"), 0xcdcd77c0u);
  EXPECT_EQ(sel("bar(bytes3[2])"), 0xfce353f6u);
  EXPECT_EQ(sel("sam(bytes,bool,uint256[])"), 0xa5643bf2u);
  EXPECT_EQ(sel("sam(bytes,bool,uint[])"), 0xa5643bf2u);  // uint is spelled uint256
  EXPECT_EQ(sel("f(uint,uint32[],bytes10,bytes)"), 0x8be65246u);
  EXPECT_EQ(sel("g(uint[][],string[])"), 0x2289b18cu);
  // Revert data of require(..., "msg") and of panics.
  EXPECT_EQ(sel("Error(string)"), 0x08c379a0u);
  EXPECT_EQ(sel("Panic(uint256)"), 0x4e487b71u);
}

TEST(AbiSignature, CanonicalIsParsable) {
  for (const char* s : {"f()", "transfer(address,uint256)", "f((address,uint256)[],string)",
                        "g(uint256[][],string[])", "h(((uint8)[2],bytes),bool[3][])"}) {
    auto sig = parse_signature(s);
    ASSERT_TRUE(sig.has_value()) << s;
    EXPECT_EQ(sig->canonical(), s);
    auto again = parse_signature(sig->canonical());
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->inputs, sig->inputs);
  }
}

}  // namespace
}  // namespace stoa::abi
