// Event logs and custom-error revert data.
#include <gtest/gtest.h>

#include <string>

#include "abi/test_util.h"
#include "stoa/abi/abi.h"
#include "stoa/common/keccak.h"

namespace stoa::abi {
namespace {

using testing::H;
using testing::L;
using testing::List;
using testing::MustDecode;
using testing::Neg;
using testing::Str;
using testing::T;
using testing::W;

Signature Sig(const char* s) {
  auto sig = parse_signature(s);
  EXPECT_TRUE(sig.has_value()) << s;
  return sig.value_or(Signature{});
}

Bytes32 Keccak(const std::string& hex) {
  return keccak256(BytesView(H(hex)));
}

const Address kAlice = *Address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
const Address kBob = *Address::parse("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");

TEST(AbiEvent, Erc20Transfer) {
  Signature sig = Sig("Transfer(address from, address to, uint256 value)");
  EncodedLog log = encode_event(sig, {true, true, false}, {kAlice, kBob, 1000});
  ASSERT_EQ(log.topics.size(), 3u);
  EXPECT_EQ(log.topics[0].hex(),
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
  EXPECT_EQ(log.topics[1].hex(),
            "0x0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
  EXPECT_EQ(log.topics[2], kBob.to_word());
  EXPECT_EQ(to_hex(log.data), W(1000));
}

TEST(AbiEvent, Erc20Approval) {
  EncodedLog log = encode_event(Sig("Approval(address,address,uint256)"), {true, true, false},
                                {kAlice, kBob, U256::max()});
  EXPECT_EQ(log.topics[0].hex(),
            "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925");
  EXPECT_EQ(to_hex(log.data), std::string(64, 'f'));
}

TEST(AbiEvent, NoIndexedArgumentsAndNoArguments) {
  EncodedLog log = encode_event(Sig("Paused()"), {}, {});
  ASSERT_EQ(log.topics.size(), 1u);
  EXPECT_EQ(log.topics[0], keccak256(std::string_view("Paused()")));
  EXPECT_TRUE(log.data.empty());

  EncodedLog all_data = encode_event(Sig("Note(uint8,string)"), {false, false}, {7, "hi"});
  EXPECT_EQ(all_data.topics.size(), 1u);
  EXPECT_EQ(to_hex(all_data.data), W(7) + W(0x40) + W(2) + L("hi"));
}

TEST(AbiEvent, IndexedValueTypesAreTheirWords) {
  Signature sig = Sig("E(int8,bool,bytes3)");
  EncodedLog log = encode_event(sig, {true, true, true}, {Neg(1), true, Str("abc")});
  ASSERT_EQ(log.topics.size(), 4u);
  EXPECT_EQ(to_hex(log.topics[1].view()), std::string(64, 'f'));  // sign-extended
  EXPECT_EQ(to_hex(log.topics[2].view()), W(1));
  EXPECT_EQ(to_hex(log.topics[3].view()), L("abc"));  // right-padded
  EXPECT_TRUE(log.data.empty());
}

TEST(AbiEvent, IndexedStringAndBytesAreHashedRaw) {
  Signature sig = Sig("Named(string indexed_name, bytes blob, uint8 n)");
  EncodedLog log = encode_event(sig, {true, true, false}, {"hello", Str("\x01\x02"), 5});
  ASSERT_EQ(log.topics.size(), 3u);
  EXPECT_EQ(log.topics[0], keccak256(std::string_view("Named(string,bytes,uint8)")));
  // keccak256("hello"): the string's bytes, no length, no padding.
  EXPECT_EQ(log.topics[1].hex(),
            "0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8");
  EXPECT_EQ(log.topics[2], Keccak("0102"));
  EXPECT_EQ(to_hex(log.data), W(5));

  EncodedLog empty = encode_event(Sig("S(string)"), {true}, {""});
  EXPECT_EQ(empty.topics[1].hex(),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST(AbiEvent, IndexedArraysAreHashedWithoutLengthPrefix) {
  EncodedLog dyn = encode_event(Sig("A(uint256[])"), {true}, {List(1, 2)});
  EXPECT_EQ(dyn.topics[1], Keccak(W(1) + W(2)));

  EncodedLog fixed = encode_event(Sig("A(int16[2])"), {true}, {List(Neg(1), 3)});
  EXPECT_EQ(fixed.topics[1], Keccak(std::string(64, 'f') + W(3)));

  // Strings inside arrays are padded to 32 bytes (an empty one contributes nothing).
  EncodedLog strings =
      encode_event(Sig("A(string[])"), {true}, {List("a", "", std::string(33, 'x'))});
  EXPECT_EQ(strings.topics[1], Keccak(L("a") + to_hex(Bytes(33, 0x78)) + std::string(62, '0')));

  EncodedLog nested = encode_event(Sig("A(uint8[][])"), {true}, {List(List(1), List(2, 3))});
  EXPECT_EQ(nested.topics[1], Keccak(W(1) + W(2) + W(3)));
}

TEST(AbiEvent, IndexedStructsAreHashed) {
  // Even a static struct is hashed (it is not a value type).
  EncodedLog st = encode_event(Sig("S((uint256,bool))"), {true}, {List(9, true)});
  EXPECT_EQ(st.topics[1], Keccak(W(9) + W(1)));

  EncodedLog dyn =
      encode_event(Sig("S((address,string,bytes2))"), {true}, {List(kAlice, "memo", Str("US"))});
  EXPECT_EQ(dyn.topics[1],
            Keccak("0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed" + L("memo") +
                   L("US")));
}

TEST(AbiEvent, DataKeepsArgumentOrderOfNonIndexed) {
  Signature sig = Sig("Trade(address indexed_buyer, string symbol, uint256 qty, bytes ref)");
  EncodedLog log = encode_event(sig, {true, false, true, false}, {kAlice, "ACME", 10, Str("r")});
  ASSERT_EQ(log.topics.size(), 3u);
  EXPECT_EQ(log.topics[1], kAlice.to_word());
  EXPECT_EQ(to_hex(log.topics[2].view()), W(10));
  EXPECT_EQ(MustDecode({T("string"), T("bytes")}, log.data, true), (ValueList{"ACME", Str("r")}));
}

TEST(AbiEventDeathTest, MisuseIsAProgrammingError) {
  Signature sig = Sig("E(uint8,uint8,uint8,uint8)");
  EXPECT_DEATH(encode_event(sig, {true, true, true, true}, {1, 2, 3, 4}), "invariant violated");
  EXPECT_DEATH(encode_event(sig, {true, false}, {1, 2, 3, 4}), "invariant violated");
  EXPECT_DEATH(encode_event(sig, {false, false, false, false}, {1, 2, 3}), "invariant violated");
  EXPECT_DEATH(encode_event(sig, {false, false, false, false}, {1, 2, 3, 300}),
               "invariant violated");
}

TEST(AbiError, SolidityRequireMessage) {
  // The revert data of require(false, "Not enough Ether provided.") (Solidity docs).
  Bytes data = encode_error(Sig("Error(string)"), {"Not enough Ether provided."});
  EXPECT_EQ(to_hex(data), "08c379a0" + W(0x20) + W(0x1a) +
                              "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000");
}

TEST(AbiError, PanicAndCustomErrors) {
  EXPECT_EQ(to_hex(encode_error(Sig("Panic(uint256)"), {0x11})), "4e487b71" + W(0x11));
  Signature sig = Sig("InsufficientBalance(address account, uint256 balance, uint256 needed)");
  Bytes data = encode_error(sig, {kAlice, 5, 10});
  ASSERT_EQ(data.size(), 4u + 96u);
  uint32_t sel =
      (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) | (uint32_t{data[2]} << 8) | data[3];
  EXPECT_EQ(sel, selector_of("InsufficientBalance(address,uint256,uint256)"));
  EXPECT_EQ(MustDecode(sig.inputs, Bytes(data.begin() + 4, data.end()), true),
            (ValueList{kAlice, 5, 10}));
}

TEST(AbiErrorDeathTest, MismatchedValuesAbort) {
  Signature sig = Sig("Bad(uint8)");
  EXPECT_DEATH(encode_error(sig, {300}), "invariant violated");
  EXPECT_DEATH(encode_error(sig, {}), "invariant violated");
  EXPECT_DEATH(encode_error(sig, {"text"}), "invariant violated");
}

}  // namespace
}  // namespace stoa::abi
