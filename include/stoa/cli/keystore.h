// Web3 Secret Storage v3 key files (the format geth, ethers and Foundry write): the private key
// encrypted with AES-128-CTR under a key derived from a password with scrypt (or PBKDF2 when
// reading files others made), and a MAC = keccak256(dk[16..32] || ciphertext) that tells a wrong
// password or a damaged file before any key material is used. Files are named
// UTC--<ISO 8601 time>--<address in lowercase hex without 0x>, as geth names them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stoa/common/address.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::cli {

// scrypt cost parameters. The defaults are the spec's ("standard" in geth: about 256 MiB and a
// second of work per attempt); tests and development use a lighter n.
struct ScryptParams {
  uint64_t n = 262144;  // CPU/memory cost, a power of two > 1
  uint32_t r = 8;
  uint32_t p = 1;
  uint32_t dklen = 32;
};

// What a keystore file refuses to do, with a message that names the problem (never a secret).
class KeystoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// scrypt (RFC 7914) with HMAC-SHA256 PBKDF2, for any power-of-two n (also n >= 2^(16 r), which
// OpenSSL refuses but key files use). Throws KeystoreError on parameters needing > 2 GiB.
Bytes scrypt_kdf(std::string_view password, BytesView salt, const ScryptParams& params);

// A new random private key (OpenSSL RAND_bytes, retried until it is a valid secp256k1 key).
crypto::PrivateKey generate_private_key();

// The JSON text of a v3 key file for `key`. Salt, IV and id come from OpenSSL's RAND_bytes.
// Refuses an empty password.
std::string encrypt_key(const crypto::PrivateKey& key, std::string_view password,
                        const ScryptParams& params = {});

// Decrypts a v3 key file (scrypt or pbkdf2/hmac-sha256, aes-128-ctr; "crypto" or "Crypto").
// Throws KeystoreError on malformed JSON or fields, unsupported parameters, a MAC mismatch
// (wrong password or corrupted file), or an address field that does not match the key.
crypto::PrivateKey decrypt_key(std::string_view json_text, std::string_view password);

// The address a key file declares (without decrypting); nullopt if it has none or is unreadable.
std::optional<Address> key_file_address(std::string_view json_text);

// "UTC--2024-01-02T03-04-05.000000000Z--<address hex>" for the given time (seconds, nanoseconds).
std::string key_file_name(const Address& address, int64_t unix_seconds, uint32_t nanos);

// ~/.stoa/keystore ($HOME; the current directory's .stoa/keystore if HOME is unset).
std::filesystem::path default_keystore_dir();

struct KeyFileEntry {
  Address address;
  std::filesystem::path file;
};

// Writes a new key file into `dir` (created with mode 0700; the file with mode 0600) and returns
// its path. Refuses to overwrite an existing file.
std::filesystem::path store_key(const std::filesystem::path& dir, const crypto::PrivateKey& key,
                                std::string_view password, const ScryptParams& params = {});

// Every key file in `dir` whose address can be read, sorted by file name (creation order).
std::vector<KeyFileEntry> list_key_files(const std::filesystem::path& dir);

// The key file for `address` in `dir`; throws KeystoreError if there is none.
std::filesystem::path find_key_file(const std::filesystem::path& dir, const Address& address);

}  // namespace stoa::cli
