#include "stoa/crypto/secp256k1.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "stoa/common/assert.h"
#include "stoa/common/keccak.h"

namespace stoa::crypto {
namespace {

// The group order n, big-endian.
constexpr std::array<uint8_t, 32> kOrder = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
// floor(n / 2), big-endian: the largest low-s value (EIP-2).
constexpr std::array<uint8_t, 32> kHalfOrder = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

constexpr uint32_t kHardened = 0x80000000u;

// Big-endian comparison of two 32-byte values: <0, 0 or >0.
int compare_be(const std::array<uint8_t, 32>& a, const std::array<uint8_t, 32>& b) {
  for (size_t i = 0; i < 32; ++i) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

// In range [1, n-1].
bool is_valid_scalar(const Bytes32& v) {
  return !v.is_zero() && compare_be(v.b, kOrder) < 0;
}

// The one process-wide context. Created once (thread-safe static initialization) and never
// destroyed, so it outlives every static that might use it. After creation it is only used
// through const operations, which libsecp256k1 documents as safe to call concurrently.
// It is not randomized: signing uses RFC 6979 nonces, and nothing here may depend on randomness.
const secp256k1_context* context() {
  static const secp256k1_context* const ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  STOA_ASSERT(ctx != nullptr);
  return ctx;
}

// The public key of a secret the caller has already validated.
secp256k1_pubkey pubkey_of(const Bytes32& secret) {
  secp256k1_pubkey pub;
  // A PrivateKey's secret is in [1, n-1] by construction (from_bytes, derivation, labels).
  const int ok = secp256k1_ec_pubkey_create(context(), &pub, secret.b.data());
  STOA_ASSERT(ok == 1);
  return pub;
}

std::array<uint8_t, 65> serialize_uncompressed(const secp256k1_pubkey& pub) {
  std::array<uint8_t, 65> out{};
  size_t len = out.size();
  const int ok =
      secp256k1_ec_pubkey_serialize(context(), out.data(), &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  STOA_ASSERT(ok == 1);
  STOA_ASSERT(len == 65 && out[0] == 0x04);
  return out;
}

Address address_of(const secp256k1_pubkey& pub) {
  std::array<uint8_t, 65> ser = serialize_uncompressed(pub);
  return Address::from_word(keccak256(BytesView(ser.data() + 1, 64)));
}

// A BIP-32 extended private key.
struct ExtendedKey {
  Bytes32 key;
  Bytes32 chain_code;
};

// Wipes a secret-bearing buffer when it goes out of scope.
template <typename T>
class Wiper {
 public:
  explicit Wiper(T& v) : v_(v) {}
  ~Wiper() { OPENSSL_cleanse(&v_, sizeof(T)); }
  Wiper(const Wiper&) = delete;
  Wiper& operator=(const Wiper&) = delete;

 private:
  T& v_;
};

bool hmac_sha512(BytesView key, BytesView data, std::array<uint8_t, 64>& out) {
  unsigned int out_len = 0;
  const unsigned char* r = HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()), data.data(),
                                data.size(), out.data(), &out_len);
  return r != nullptr && out_len == out.size();
}

// Splits I = IL || IR.
void split(const std::array<uint8_t, 64>& i, Bytes32& left, Bytes32& right) {
  std::memcpy(left.b.data(), i.data(), 32);
  std::memcpy(right.b.data(), i.data() + 32, 32);
}

// BIP-32 master key from a seed; nullopt if IL is zero or >= n.
std::optional<ExtendedKey> master_key(BytesView seed) {
  static constexpr std::string_view kSalt = "Bitcoin seed";
  std::array<uint8_t, 64> i{};
  Wiper wipe_i(i);
  if (!hmac_sha512(BytesView(reinterpret_cast<const uint8_t*>(kSalt.data()), kSalt.size()), seed,
                   i)) {
    return std::nullopt;
  }
  ExtendedKey m;
  split(i, m.key, m.chain_code);
  if (secp256k1_ec_seckey_verify(context(), m.key.b.data()) != 1) return std::nullopt;
  return m;
}

// BIP-32 CKDpriv. nullopt in the (negligible-probability) cases BIP-32 calls invalid: IL >= n or
// a zero child key. BIP-32 would move on to the next index; callers here just fail.
std::optional<ExtendedKey> derive_child(const ExtendedKey& parent, uint32_t index) {
  std::array<uint8_t, 37> data{};
  Wiper wipe_data(data);
  size_t data_len = 0;
  if (index >= kHardened) {
    data[0] = 0x00;
    std::memcpy(data.data() + 1, parent.key.b.data(), 32);
    data_len = 33;
  } else {
    secp256k1_pubkey pub;
    if (secp256k1_ec_pubkey_create(context(), &pub, parent.key.b.data()) != 1) {
      return std::nullopt;
    }
    size_t len = 33;
    const int ok =
        secp256k1_ec_pubkey_serialize(context(), data.data(), &len, &pub, SECP256K1_EC_COMPRESSED);
    STOA_ASSERT(ok == 1);
    STOA_ASSERT(len == 33);
    data_len = 33;
  }
  data[data_len + 0] = static_cast<uint8_t>(index >> 24);
  data[data_len + 1] = static_cast<uint8_t>(index >> 16);
  data[data_len + 2] = static_cast<uint8_t>(index >> 8);
  data[data_len + 3] = static_cast<uint8_t>(index);
  data_len += 4;

  std::array<uint8_t, 64> i{};
  Wiper wipe_i(i);
  if (!hmac_sha512(parent.chain_code.view(), BytesView(data.data(), data_len), i)) {
    return std::nullopt;
  }
  ExtendedKey child;
  Bytes32 tweak;
  Wiper wipe_tweak(tweak);
  split(i, tweak, child.chain_code);
  child.key = parent.key;
  // Fails if the tweak is >= n or the sum is zero (mod n).
  if (secp256k1_ec_seckey_tweak_add(context(), child.key.b.data(), tweak.b.data()) != 1) {
    return std::nullopt;
  }
  return child;
}

}  // namespace

bool is_low_s(const Bytes32& s) {
  return compare_be(s.b, kHalfOrder) <= 0;
}

std::optional<Address> recover_address(const Bytes32& hash, const Signature& sig) {
  if (sig.recovery_id > 1) return std::nullopt;
  if (!is_valid_scalar(sig.r) || !is_valid_scalar(sig.s)) return std::nullopt;
  if (!is_low_s(sig.s)) return std::nullopt;
  std::array<uint8_t, 64> compact{};
  std::memcpy(compact.data(), sig.r.b.data(), 32);
  std::memcpy(compact.data() + 32, sig.s.b.data(), 32);
  secp256k1_ecdsa_recoverable_signature rsig;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &rsig, compact.data(),
                                                          sig.recovery_id) != 1) {
    return std::nullopt;
  }
  secp256k1_pubkey pub;
  if (secp256k1_ecdsa_recover(context(), &pub, &rsig, hash.b.data()) != 1) return std::nullopt;
  return address_of(pub);
}

std::optional<PrivateKey> PrivateKey::from_bytes(const Bytes32& b) {
  if (secp256k1_ec_seckey_verify(context(), b.b.data()) != 1) return std::nullopt;
  return PrivateKey{b};
}

Address PrivateKey::address() const {
  return address_of(pubkey_of(secret));
}

Bytes PrivateKey::public_key() const {
  std::array<uint8_t, 65> ser = serialize_uncompressed(pubkey_of(secret));
  return Bytes(ser.begin() + 1, ser.end());
}

Signature sign(const PrivateKey& key, const Bytes32& hash) {
  secp256k1_ecdsa_recoverable_signature rsig;
  // nullptr nonce function = RFC 6979 (HMAC-SHA256) with no extra entropy: deterministic.
  // The secret is in [1, n-1] for every PrivateKey made by from_bytes, derivation or labels.
  const int signed_ok = secp256k1_ecdsa_sign_recoverable(context(), &rsig, hash.b.data(),
                                                         key.secret.b.data(), nullptr, nullptr);
  STOA_ASSERT(signed_ok == 1);
  std::array<uint8_t, 64> compact{};
  int recid = -1;
  const int serialized_ok = secp256k1_ecdsa_recoverable_signature_serialize_compact(
      context(), compact.data(), &recid, &rsig);
  STOA_ASSERT(serialized_ok == 1);
  STOA_ASSERT(recid == 0 || recid == 1);  // r < n always holds for secp256k1 in practice
  Signature sig;
  std::memcpy(sig.r.b.data(), compact.data(), 32);
  std::memcpy(sig.s.b.data(), compact.data() + 32, 32);
  sig.recovery_id = static_cast<uint8_t>(recid);
  STOA_ASSERT(is_low_s(sig.s));  // libsecp256k1 always produces normalized (low-s) signatures
  return sig;
}

std::optional<PrivateKey> derive_from_mnemonic(std::string_view mnemonic, uint32_t index,
                                               std::string_view passphrase) {
  if (mnemonic.empty()) return std::nullopt;
  // OpenSSL takes int lengths.
  constexpr size_t kMaxText = 1 << 20;
  if (mnemonic.size() > kMaxText || passphrase.size() > kMaxText) return std::nullopt;
  // The normal (non-hardened) index space is [0, 2^31).
  if (index >= kHardened) return std::nullopt;
  // BIP-39: the mnemonic and passphrase are used as given; the caller supplies them in NFKD form
  // (ASCII text, like every English-wordlist mnemonic, already is).
  std::string salt = "mnemonic";
  salt.append(passphrase);
  std::array<uint8_t, 64> seed{};
  Wiper wipe_seed(seed);
  if (PKCS5_PBKDF2_HMAC(mnemonic.data(), static_cast<int>(mnemonic.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), 2048, EVP_sha512(),
                        static_cast<int>(seed.size()), seed.data()) != 1) {
    OPENSSL_cleanse(salt.data(), salt.size());
    return std::nullopt;
  }
  OPENSSL_cleanse(salt.data(), salt.size());

  std::optional<ExtendedKey> k = master_key(BytesView(seed.data(), seed.size()));
  // m/44'/60'/0'/0/index
  for (uint32_t step : {44u | kHardened, 60u | kHardened, 0u | kHardened, 0u, index}) {
    if (!k) return std::nullopt;
    std::optional<ExtendedKey> next = derive_child(*k, step);
    OPENSSL_cleanse(&*k, sizeof(ExtendedKey));
    std::swap(k, next);  // `next` now holds the wiped parent
  }
  if (!k) return std::nullopt;
  std::optional<PrivateKey> out = PrivateKey::from_bytes(k->key);
  OPENSSL_cleanse(&*k, sizeof(ExtendedKey));
  return out;
}

// The secret is keccak256("stoa.key." + label). Should that ever be zero or >= n (probability
// about 2^-128, never observed), the secret is keccak256("stoa.key." + label + "#" + decimal(c))
// for the first counter c = 1, 2, ... that yields a valid key.
PrivateKey key_for_label(std::string_view label) {
  std::string base = "stoa.key.";
  base.append(label);
  Bytes32 h = keccak256(std::string_view(base));
  for (uint64_t counter = 1; !is_valid_scalar(h); ++counter) {
    h = keccak256(std::string_view(base + "#" + std::to_string(counter)));
  }
  return PrivateKey{h};
}

}  // namespace stoa::crypto
