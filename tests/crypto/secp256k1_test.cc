#include "stoa/crypto/secp256k1.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <string>
#include <thread>
#include <vector>

#include "stoa/common/keccak.h"
#include "stoa/common/u256.h"

namespace stoa::crypto {
namespace {

const U256 kN =
    *U256::from_hex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

Bytes32 word(const U256& v) {
  return v.to_bytes32();
}

// --- keys ---

TEST(PrivateKey, FromBytesRefusesZeroAndOutOfRange) {
  EXPECT_FALSE(PrivateKey::from_bytes(Bytes32{}).has_value());
  EXPECT_FALSE(PrivateKey::from_bytes(word(kN)).has_value());
  EXPECT_FALSE(PrivateKey::from_bytes(word(*kN.checked_add(1))).has_value());
  EXPECT_FALSE(PrivateKey::from_bytes(word(U256::max())).has_value());
  EXPECT_TRUE(PrivateKey::from_bytes(word(1)).has_value());
  EXPECT_TRUE(PrivateKey::from_bytes(word(*kN.checked_sub(1))).has_value());
}

TEST(PrivateKey, KnownAddressesAndPublicKey) {
  auto one = PrivateKey::from_bytes(word(1));
  ASSERT_TRUE(one);
  // The public key of 1 is the generator G.
  EXPECT_EQ(to_hex(one->public_key()),
            "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
            "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
  EXPECT_EQ(one->address().checksum_hex(), "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
  auto two = PrivateKey::from_bytes(word(2));
  ASSERT_TRUE(two);
  EXPECT_EQ(two->address().checksum_hex(), "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF");
  // The address is keccak256 of the 64-byte public key, low 20 bytes.
  Bytes pub = two->public_key();
  ASSERT_EQ(pub.size(), 64u);
  EXPECT_EQ(Address::from_word(keccak256(BytesView(pub))), two->address());
}

// --- mnemonic derivation (Hardhat / Anvil development accounts) ---

TEST(Mnemonic, DevAccounts) {
  auto k0 = derive_from_mnemonic(kDevMnemonic, 0);
  ASSERT_TRUE(k0);
  EXPECT_EQ(k0->secret.hex(), "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  EXPECT_EQ(k0->address().checksum_hex(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

  auto k1 = derive_from_mnemonic(kDevMnemonic, 1);
  ASSERT_TRUE(k1);
  EXPECT_EQ(k1->secret.hex(), "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  EXPECT_EQ(k1->address().checksum_hex(), "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

  auto k2 = derive_from_mnemonic(kDevMnemonic, 2);
  ASSERT_TRUE(k2);
  EXPECT_EQ(k2->secret.hex(), "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
  EXPECT_EQ(k2->address().checksum_hex(), "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");

  auto k3 = derive_from_mnemonic(kDevMnemonic, 3);
  ASSERT_TRUE(k3);
  EXPECT_EQ(k3->secret.hex(), "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");
  EXPECT_EQ(k3->address().checksum_hex(), "0x90F79bf6EB2c4f870365E785982E1f101E93b906");
}

TEST(Mnemonic, DeterministicAndPassphraseSensitive) {
  auto a = derive_from_mnemonic(kDevMnemonic, 5);
  auto b = derive_from_mnemonic(kDevMnemonic, 5);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->secret, b->secret);
  auto c = derive_from_mnemonic(kDevMnemonic, 5, "TREZOR");
  ASSERT_TRUE(c);
  EXPECT_NE(a->secret, c->secret);
  auto d = derive_from_mnemonic("test test test test test test test test test test test test", 0);
  ASSERT_TRUE(d);
  EXPECT_NE(d->secret, derive_from_mnemonic(kDevMnemonic, 0)->secret);
}

TEST(Mnemonic, RefusesEmptyMnemonicAndHardenedIndex) {
  EXPECT_FALSE(derive_from_mnemonic("", 0).has_value());
  EXPECT_FALSE(derive_from_mnemonic(kDevMnemonic, 0x80000000u).has_value());
  EXPECT_TRUE(derive_from_mnemonic(kDevMnemonic, 0x7fffffffu).has_value());
}

// --- labels ---

TEST(KeyForLabel, IsKeccakOfPrefixedLabel) {
  PrivateKey alice = key_for_label("alice");
  EXPECT_EQ(alice.secret, keccak256(std::string_view("stoa.key.alice")));
  EXPECT_TRUE(PrivateKey::from_bytes(alice.secret).has_value());
  EXPECT_EQ(key_for_label("alice").secret, alice.secret);
  EXPECT_NE(key_for_label("bob").secret, alice.secret);
  EXPECT_EQ(key_for_label("").secret, keccak256(std::string_view("stoa.key.")));
}

// --- signing and recovery ---

TEST(Sign, SignRecoverRoundTripAndHighSRefused) {
  PrivateKey alice = key_for_label("alice");
  Bytes32 hash = keccak256(std::string_view("stoa test message"));
  Signature sig = sign(alice, hash);
  EXPECT_LE(sig.recovery_id, 1);
  EXPECT_TRUE(is_low_s(sig.s));
  auto rec = recover_address(hash, sig);
  ASSERT_TRUE(rec);
  EXPECT_EQ(*rec, alice.address());

  // The malleated twin (r, n - s) with the other recovery id is mathematically valid for the same
  // key, but high-s: refused (EIP-2), whichever recovery id is claimed.
  Signature high = sig;
  high.s = word(*kN.checked_sub(U256::from_bytes32(sig.s)));
  EXPECT_FALSE(is_low_s(high.s));
  high.recovery_id = sig.recovery_id ^ 1;
  EXPECT_FALSE(recover_address(hash, high).has_value());
  high.recovery_id = sig.recovery_id;
  EXPECT_FALSE(recover_address(hash, high).has_value());
}

TEST(Sign, DeterministicRfc6979) {
  PrivateKey k = key_for_label("carol");
  Bytes32 h1 = keccak256(std::string_view("one"));
  Bytes32 h2 = keccak256(std::string_view("two"));
  Signature a = sign(k, h1);
  Signature b = sign(k, h1);
  EXPECT_EQ(a.r, b.r);
  EXPECT_EQ(a.s, b.s);
  EXPECT_EQ(a.recovery_id, b.recovery_id);
  Signature c = sign(k, h2);
  EXPECT_NE(a.r, c.r);
}

TEST(Sign, KnownRfc6979Vector) {
  // Private key 1, message sha256("Satoshi Nakamoto"): the widely published RFC 6979 secp256k1
  // vector (low-s form).
  auto one = PrivateKey::from_bytes(word(1));
  ASSERT_TRUE(one);
  std::string msg = "Satoshi Nakamoto";
  Bytes32 hash;
  SHA256(reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), hash.b.data());
  Signature sig = sign(*one, hash);
  EXPECT_EQ(sig.r.hex(), "0x934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8");
  EXPECT_EQ(sig.s.hex(), "0x2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
  EXPECT_EQ(recover_address(hash, sig), one->address());
}

TEST(Sign, ManyKeysAllLowSAndRecoverable) {
  for (int i = 0; i < 200; ++i) {
    PrivateKey k = key_for_label("k" + std::to_string(i));
    Bytes32 h = keccak256(std::string_view("msg" + std::to_string(i)));
    Signature sig = sign(k, h);
    ASSERT_TRUE(is_low_s(sig.s));
    ASSERT_EQ(recover_address(h, sig), k.address()) << i;
  }
}

TEST(Recover, OtherHashOrRecoveryIdGivesOtherAddress) {
  PrivateKey k = key_for_label("dave");
  Bytes32 h = keccak256(std::string_view("a"));
  Signature sig = sign(k, h);
  auto other_hash = recover_address(keccak256(std::string_view("b")), sig);
  if (other_hash) {
    EXPECT_NE(*other_hash, k.address());
  }
  Signature flipped = sig;
  flipped.recovery_id ^= 1;
  auto other_id = recover_address(h, flipped);
  if (other_id) {
    EXPECT_NE(*other_id, k.address());
  }
}

TEST(Recover, RefusesOutOfRangeComponents) {
  PrivateKey k = key_for_label("erin");
  Bytes32 h = keccak256(std::string_view("x"));
  const Signature good = sign(k, h);
  ASSERT_TRUE(recover_address(h, good));

  Signature s = good;
  s.r = Bytes32{};
  EXPECT_FALSE(recover_address(h, s));
  s = good;
  s.s = Bytes32{};
  EXPECT_FALSE(recover_address(h, s));
  s = good;
  s.r = word(kN);
  EXPECT_FALSE(recover_address(h, s));
  s = good;
  s.r = word(U256::max());
  EXPECT_FALSE(recover_address(h, s));
  s = good;
  s.s = word(kN);
  EXPECT_FALSE(recover_address(h, s));
  s = good;
  s.s = word(U256::max());
  EXPECT_FALSE(recover_address(h, s));
  for (uint8_t id : {2, 3, 27, 28, 255}) {
    s = good;
    s.recovery_id = id;
    EXPECT_FALSE(recover_address(h, s)) << int{id};
  }
}

TEST(Recover, RefusesRThatIsNotAnXCoordinate) {
  // x = 5 is not the x coordinate of a point on secp256k1 (5^3 + 7 = 132 is not a square mod p).
  Signature s;
  s.r = word(5);
  s.s = word(1);
  for (uint8_t id : {0, 1}) {
    s.recovery_id = id;
    EXPECT_FALSE(recover_address(keccak256(std::string_view("x")), s).has_value());
  }
}

TEST(LowS, Boundaries) {
  const U256 half =
      *U256::from_hex("0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0");
  EXPECT_EQ(*kN.checked_div(2), half);
  EXPECT_TRUE(is_low_s(Bytes32{}));
  EXPECT_TRUE(is_low_s(word(1)));
  EXPECT_TRUE(is_low_s(word(half)));
  EXPECT_FALSE(is_low_s(word(*half.checked_add(1))));
  EXPECT_FALSE(is_low_s(word(*kN.checked_sub(1))));
  EXPECT_FALSE(is_low_s(word(U256::max())));
}

TEST(Sign, ConcurrentUseOfSharedContext) {
  std::vector<PrivateKey> keys;
  for (int i = 0; i < 4; ++i)
    keys.push_back(key_for_label("t" + std::to_string(i)));
  Bytes32 h = keccak256(std::string_view("threads"));
  std::vector<Signature> expected;
  for (const auto& k : keys)
    expected.push_back(sign(k, h));
  std::vector<int> ok(keys.size(), 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < keys.size(); ++t) {
    threads.emplace_back([&, t] {
      int good = 0;
      for (int i = 0; i < 50; ++i) {
        Signature sig = sign(keys[t], h);
        if (sig.r == expected[t].r && sig.s == expected[t].s &&
            recover_address(h, sig) == keys[t].address()) {
          ++good;
        }
      }
      ok[t] = good;
    });
  }
  for (auto& th : threads)
    th.join();
  for (int v : ok)
    EXPECT_EQ(v, 50);
}

}  // namespace
}  // namespace stoa::crypto
