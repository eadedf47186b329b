#include "stoa/crypto/eip712.h"

#include <gtest/gtest.h>

#include <string>

#include "stoa/common/keccak.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::crypto {
namespace {

Address addr(std::string_view s) {
  auto a = Address::parse(s);
  EXPECT_TRUE(a.has_value()) << s;
  return a.value_or(Address{});
}

BytesView text(std::string_view s) {
  return BytesView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// keccak256 of 32-byte words concatenated (abi.encode of static values).
Bytes32 hash_words(std::initializer_list<Bytes32> words) {
  Keccak256 h;
  for (const Bytes32& w : words)
    h.update(w.view());
  return h.finish();
}

TEST(Eip191, PersonalSignHash) {
  // ethers: hashMessage("Hello World").
  EXPECT_EQ(eip191_hash(text("Hello World")).hex(),
            "0xa1de988600a42c4b4ab089b619297c17d53cffae5d5120d82d8a92d0bb3b78f2");
  EXPECT_EQ(eip191_hash({}), keccak256(std::string_view("\x19"
                                                        "Ethereum Signed Message:\n0")));
  // The length is decimal, not a fixed-width field.
  std::string long_msg(123, 'z');
  EXPECT_EQ(eip191_hash(text(long_msg)),
            keccak256(std::string_view("\x19"
                                       "Ethereum Signed Message:\n123" +
                                       long_msg)));
}

// The EIP-712 specification's example (assets/eip-712/Example.js).
class Eip712Mail : public ::testing::Test {
 protected:
  Bytes32 domain = eip712_domain_separator("Ether Mail", "1", 1,
                                           addr("0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"));

  static Bytes32 person_hash(std::string_view name, const Address& wallet) {
    return hash_words({keccak256(std::string_view("Person(string name,address wallet)")),
                       keccak256(name), wallet.to_word()});
  }

  static Bytes32 mail_hash() {
    return hash_words(
        {keccak256(std::string_view(
             "Mail(Person from,Person to,string contents)Person(string name,address wallet)")),
         person_hash("Cow", addr("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")),
         person_hash("Bob", addr("0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB")),
         keccak256(std::string_view("Hello, Bob!"))});
  }
};

TEST_F(Eip712Mail, DomainSeparator) {
  EXPECT_EQ(domain.hex(), "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
}

TEST_F(Eip712Mail, StructHashAndDigest) {
  EXPECT_EQ(mail_hash().hex(),
            "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
  EXPECT_EQ(eip712_digest(domain, mail_hash()).hex(),
            "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
}

TEST_F(Eip712Mail, SignatureByCow) {
  // The example signs with keccak256("cow"), whose address is Cow's wallet.
  auto cow = PrivateKey::from_bytes(keccak256(std::string_view("cow")));
  ASSERT_TRUE(cow);
  EXPECT_EQ(cow->address().checksum_hex(), "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
  Bytes32 digest = eip712_digest(domain, mail_hash());
  Signature sig = sign(*cow, digest);
  EXPECT_EQ(sig.recovery_id + 27, 28);
  EXPECT_EQ(sig.r.hex(), "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d");
  EXPECT_EQ(sig.s.hex(), "0x07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562");
  EXPECT_EQ(recover_address(digest, sig), cow->address());
}

TEST(Eip712, DomainSeparatorDependsOnEveryField) {
  const Address c = addr("0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC");
  const Bytes32 base = eip712_domain_separator("Ether Mail", "1", 1, c);
  EXPECT_NE(eip712_domain_separator("Ether Mail!", "1", 1, c), base);
  EXPECT_NE(eip712_domain_separator("Ether Mail", "2", 1, c), base);
  EXPECT_NE(eip712_domain_separator("Ether Mail", "1", 31337, c), base);
  EXPECT_NE(eip712_domain_separator("Ether Mail", "1", 1, Address{}), base);
  // chainId is a full uint256 word.
  const Bytes32 type_hash = keccak256(std::string_view(
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));
  EXPECT_EQ(
      eip712_domain_separator("n", "v", ~uint64_t{0}, c),
      hash_words({type_hash, keccak256(std::string_view("n")), keccak256(std::string_view("v")),
                  U256(~uint64_t{0}).to_bytes32(), c.to_word()}));
}

TEST(Eip712, DigestIsPrefixedConcatenation) {
  Bytes32 d = keccak256(std::string_view("d"));
  Bytes32 s = keccak256(std::string_view("s"));
  Bytes buf = {0x19, 0x01};
  buf.insert(buf.end(), d.b.begin(), d.b.end());
  buf.insert(buf.end(), s.b.begin(), s.b.end());
  EXPECT_EQ(eip712_digest(d, s), keccak256(BytesView(buf)));
  EXPECT_NE(eip712_digest(s, d), eip712_digest(d, s));
}

}  // namespace
}  // namespace stoa::crypto
