#include <gtest/gtest.h>

#include <random>

#include "stoa/common/address.h"
#include "stoa/common/keccak.h"
#include "stoa/common/u256.h"

namespace stoa {
namespace {

TEST(Keccak, KnownVectors) {
  EXPECT_EQ(keccak256(std::string_view("")).hex(),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(keccak256(std::string_view("abc")).hex(),
            "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(selector_of("transfer(address,uint256)"), 0xa9059cbbu);
  EXPECT_EQ(keccak256(std::string_view("Transfer(address,address,uint256)")).hex(),
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST(Keccak, StreamingEqualsOneShot) {
  Keccak256 k;
  k.update(std::string_view("ab").data(), 2);
  k.update(std::string_view("c").data(), 1);
  EXPECT_EQ(k.finish(), keccak256(std::string_view("abc")));
}

TEST(Address, Eip55Vectors) {
  // Test vectors from EIP-55.
  for (const char* s :
       {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
    auto a = Address::parse(s);
    ASSERT_TRUE(a.has_value()) << s;
    EXPECT_EQ(a->checksum_hex(), s);
  }
}

TEST(Address, AcceptsSingleCaseRefusesBadChecksum) {
  EXPECT_TRUE(Address::parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").has_value());
  EXPECT_TRUE(Address::parse("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED").has_value());
  EXPECT_FALSE(Address::parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").has_value());
  EXPECT_FALSE(Address::parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea").has_value());
  EXPECT_FALSE(Address::parse("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00").has_value());
  EXPECT_FALSE(Address::parse("0xzaaeb6053f3e94c9b9a09f33669435e7ef1beaed").has_value());
}

TEST(Address, CreateAddressMatchesEthereum) {
  // Well-known: the first contract deployed by Hardhat/Anvil account #0 at nonce 0.
  auto deployer = Address::parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  ASSERT_TRUE(deployer);
  EXPECT_EQ(create_address(*deployer, 0).checksum_hex(),
            "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  EXPECT_EQ(create_address(*deployer, 1).checksum_hex(),
            "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
}

TEST(U256, CheckedArithmeticRefusesWrap) {
  EXPECT_FALSE(U256::max().checked_add(1).has_value());
  EXPECT_FALSE(U256(0).checked_sub(1).has_value());
  EXPECT_FALSE(U256::max().checked_mul(2).has_value());
  EXPECT_FALSE(U256(5).checked_div(0).has_value());
  EXPECT_EQ(*U256(7).checked_add(5), U256(12));
  EXPECT_EQ(*U256(7).checked_sub(7), U256(0));
  EXPECT_EQ(*U256(1ULL << 63).checked_mul(4), U256::from_words(0, 2, 0, 0));
}

TEST(U256, DecimalAndHexRoundTrip) {
  const std::string max_dec =
      "115792089237316195423570985008687907853269984665640564039457584007913129639935";
  auto m = U256::from_dec(max_dec);
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, U256::max());
  EXPECT_EQ(m->to_dec(), max_dec);
  EXPECT_FALSE(U256::from_dec(max_dec.substr(0, 77) + "6").has_value());  // max + 1
  EXPECT_FALSE(U256::from_dec("-1").has_value());
  EXPECT_FALSE(U256::from_dec("").has_value());
  EXPECT_FALSE(U256::from_dec("1e3").has_value());
  EXPECT_EQ(U256::parse("0xff")->to_dec(), "255");
  EXPECT_EQ(U256(255).to_hex(), "0xff");
  EXPECT_EQ(U256(0).to_hex(), "0x0");
  EXPECT_EQ(U256(1234567890123456789ULL).to_dec(), "1234567890123456789");
}

TEST(U256, DivisionAndMulDiv) {
  auto big = *U256::from_dec("340282366920938463463374607431768211456");  // 2^128
  EXPECT_EQ(big.checked_div(U256(1ULL << 32))->to_dec(), "79228162514264337593543950336");
  EXPECT_EQ(big.checked_mod(U256(7))->to_dec(), "4");
  // floor(max * 3 / 4) needs 512-bit intermediate.
  auto r = U256::max().mul_div_floor(3, 4);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->to_dec(),
            "86844066927987146567678238756515930889952488499230423029593188005934847229951");
  EXPECT_FALSE(U256::max().mul_div_floor(2, 1).has_value());
  EXPECT_EQ(*U256(10).mul_div_floor(1, 3), U256(3));
}

// Division by the reference of unsigned __int128 for every operand that fits in 128 bits: random
// widths and words, so one- and two-word divisors, every normalisation shift and dividends below,
// equal to and above the divisor occur.
TEST(U256, DivisionMatchesInt128Reference) {
  __extension__ using u128 = unsigned __int128;
  std::mt19937_64 rng(20261205);
  auto draw = [&rng]() -> u128 {
    static constexpr uint64_t kSpecial[] = {0, 1, ~0ULL, ~0ULL - 1, 1ULL << 63, (1ULL << 63) - 1};
    u128 x = 0;
    for (int w = 0; w < 2; ++w) {
      const uint64_t word = rng() % 3 == 0 ? kSpecial[rng() % 6] : rng();
      x |= static_cast<u128>(word) << (64 * w);
    }
    return x >> (rng() % 128);
  };
  auto to_u256 = [](u128 x) {
    return U256::from_words(static_cast<uint64_t>(x), static_cast<uint64_t>(x >> 64), 0, 0);
  };
  for (int i = 0; i < 200000; ++i) {
    const u128 a = draw();
    u128 b = draw();
    if (b == 0) b = 1;
    ASSERT_EQ(*to_u256(a).checked_div(to_u256(b)), to_u256(a / b)) << i;
    ASSERT_EQ(*to_u256(a).checked_mod(to_u256(b)), to_u256(a % b)) << i;
    // a * b < 2^256 always: mul_div_floor against the exact quotient and remainder identity.
    const U256 q = *to_u256(a).mul_div_floor(to_u256(b), to_u256(b));
    ASSERT_EQ(q, to_u256(a)) << i;
  }
}

// Quotient digits whose first estimate is one too large even after the two-digit correction take
// Algorithm D's add-back step (probability about 2^-63 per digit for random operands, so these
// are constructed; tests/common/u256_oracle.py finds more by simulating the algorithm).
TEST(U256, DivisionAddBackCases) {
  struct Case {
    const char *u, *v, *q, *r;
  };
  const Case cases[] = {
      {"0x7fffffffffffffff800000000000000100000000000000017fffffffffffffff",
       "0xffffffffffffffff00000000000000028000000000000000", "0x7fffffffffffffff",
       "0xfffffffffffffffec000000000000003ffffffffffffffff"},
      {"0x18000000000000001fffffffffffffffefffffffffffffffe", "0x18000000000000001ffffffffffffffff",
       "0xffffffffffffffff", "0x18000000000000001fffffffffffffffd"},
  };
  for (const Case& c : cases) {
    const U256 u = *U256::from_hex(c.u);
    const U256 v = *U256::from_hex(c.v);
    EXPECT_EQ(u.checked_div(v)->to_hex(), c.q) << c.u << " / " << c.v;
    EXPECT_EQ(u.checked_mod(v)->to_hex(), c.r) << c.u << " % " << c.v;
    EXPECT_EQ(u.mul_div_floor(1, v)->to_hex(), c.q) << c.u << " * 1 / " << c.v;
  }
}

TEST(U256, DivisionEdgeValues) {
  const U256 max = U256::max();
  EXPECT_EQ(*max.checked_div(max), U256(1));
  EXPECT_EQ(*max.checked_mod(max), U256(0));
  EXPECT_EQ(*max.checked_div(1), max);
  EXPECT_EQ(*U256(0).checked_div(max), U256(0));
  EXPECT_EQ(*max.checked_div(U256::from_words(0, 0, 0, 1ULL << 63)), U256(1));
  EXPECT_EQ(*max.checked_mod(U256::from_words(0, 0, 0, 1ULL << 63)),
            U256::from_words(~0ULL, ~0ULL, ~0ULL, (1ULL << 63) - 1));
  EXPECT_EQ(*max.checked_div(U256::from_words(0, 1, 0, 0)),
            U256::from_words(~0ULL, ~0ULL, ~0ULL, 0));
  EXPECT_EQ(*U256::from_words(5, 0, 0, 0).checked_div(U256::from_words(0, 1, 0, 0)), U256(0));
  EXPECT_EQ(*U256::from_words(5, 0, 0, 0).checked_mod(U256::from_words(0, 1, 0, 0)), U256(5));
  // floor(max * max / max) = max, through a full 512-bit product; max * max / (max - 1) overflows.
  EXPECT_EQ(*max.mul_div_floor(max, max), max);
  EXPECT_FALSE(max.mul_div_floor(max, *max.checked_sub(1)).has_value());
  EXPECT_FALSE(max.mul_div_floor(max, 0).has_value());
  EXPECT_FALSE(max.checked_mod(0).has_value());
}

TEST(U256, BigEndianRoundTrip) {
  U256 v = U256::from_words(1, 2, 3, 4);
  Bytes32 b = v.to_bytes32();
  EXPECT_EQ(b.b[31], 1);
  EXPECT_EQ(b.b[7], 4);
  EXPECT_EQ(U256::from_bytes32(b), v);
}

TEST(Bytes, ConstantTimeEqual) {
  Bytes a{1, 2, 3};
  Bytes b{1, 2, 3};
  Bytes c{1, 2, 4};
  EXPECT_TRUE(constant_time_equal(a, b));
  EXPECT_FALSE(constant_time_equal(a, c));
  EXPECT_FALSE(constant_time_equal(a, Bytes{1, 2}));
}

}  // namespace
}  // namespace stoa
