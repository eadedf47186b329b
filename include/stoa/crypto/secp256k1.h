// secp256k1 ECDSA as Ethereum uses it (libsecp256k1 with its recovery module): recovery of the
// signer's address from a 32-byte hash, deterministic RFC 6979 signing with low-s, and the key
// derivations tools use (BIP-39 mnemonic -> BIP-32 path m/44'/60'/0'/0/i).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"

namespace stoa::crypto {

struct Signature {
  Bytes32 r;
  Bytes32 s;
  uint8_t recovery_id = 0;  // 0 or 1 (Ethereum's v is 27 + recovery_id, or EIP-155's form)
};

// s <= n/2 (EIP-2): only low-s signatures are accepted anywhere in stoa.
bool is_low_s(const Bytes32& s);

// The address whose key produced `sig` over `hash`; nullopt if r or s is zero or >= n, s is high,
// recovery_id > 1, or recovery fails.
std::optional<Address> recover_address(const Bytes32& hash, const Signature& sig);

struct PrivateKey {
  Bytes32 secret;
  // Refuses zero and values >= n.
  static std::optional<PrivateKey> from_bytes(const Bytes32& b);
  Address address() const;
  // Uncompressed public key without the 0x04 prefix (64 bytes).
  Bytes public_key() const;
};

// Deterministic (RFC 6979) low-s signature.
Signature sign(const PrivateKey& key, const Bytes32& hash);

// BIP-39 seed (PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic"+passphrase), then BIP-32
// derivation along m/44'/60'/0'/0/index. The mnemonic's words are not checked against the
// wordlist (only that it is non-empty), as the seed does not depend on it.
std::optional<PrivateKey> derive_from_mnemonic(std::string_view mnemonic, uint32_t index,
                                               std::string_view passphrase = "");

// The well-known development mnemonic that Hardhat and Anvil use.
inline constexpr std::string_view kDevMnemonic =
    "test test test test test test test test test test test junk";

// A deterministic key for a name (keccak256("stoa.key." + label)): scenario and test accounts.
PrivateKey key_for_label(std::string_view label);

}  // namespace stoa::crypto
