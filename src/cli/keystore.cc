// Web3 Secret Storage v3: scrypt/PBKDF2 + AES-128-CTR + keccak MAC, via OpenSSL and Crypto++.
#include "stoa/cli/keystore.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stoa/common/bytes.h"
#include "stoa/common/keccak.h"

namespace stoa::cli {
namespace {

using nlohmann::json;

// Refuse files that would make us allocate more than this for scrypt (a malicious or damaged file
// must not exhaust memory): 2 GiB covers every real wallet's parameters.
constexpr uint64_t kMaxScryptMemoryBytes = uint64_t{2} << 30;
constexpr uint64_t kMaxPbkdf2Iterations = 10'000'000;

// Wipes secrets when they go out of scope.
struct Secret {
  Bytes b;
  explicit Secret(size_t n) : b(n) {}
  ~Secret() { OPENSSL_cleanse(b.data(), b.size()); }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
};

Bytes random_bytes(size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1)
    throw KeystoreError("the system random number generator failed");
  return out;
}

uint64_t scrypt_memory(uint64_t n, uint64_t r, uint64_t p) {
  // OpenSSL's own accounting: B = 128 r p, V = 128 r (N + 2), plus slack.
  return 128 * r * p + 128 * r * (n + 2) + (1 << 16);
}

void check_scrypt(uint64_t n, uint64_t r, uint64_t p, uint64_t dklen) {
  if (n < 2 || (n & (n - 1)) != 0) throw KeystoreError("scrypt n must be a power of two > 1");
  if (r == 0 || p == 0 || r > 1024 || p > 1024) throw KeystoreError("scrypt r/p out of range");
  if (dklen < 32 || dklen > 64) throw KeystoreError("kdfparams.dklen must be 32..64");
  if (n > (kMaxScryptMemoryBytes / 128) / r ||
      scrypt_memory(n, r, p) > kMaxScryptMemoryBytes + (uint64_t{1} << 20))
    throw KeystoreError("scrypt parameters need more than 2 GiB of memory; refused");
}

// scrypt (RFC 7914) implemented here rather than with EVP_PBE_scrypt: OpenSSL (and Crypto++)
// refuse N >= 2^(16 r), which rejects real key files — the spec's own test vector has n = 2^18,
// r = 1 — while geth and ethers accept them.
inline uint32_t rotl(uint32_t x, int n) {
  return (x << n) | (x >> (32 - n));
}

void salsa20_8(uint32_t b[16]) {
  uint32_t x[16];
  std::memcpy(x, b, sizeof x);
  for (int i = 0; i < 8; i += 2) {
    x[4] ^= rotl(x[0] + x[12], 7);
    x[8] ^= rotl(x[4] + x[0], 9);
    x[12] ^= rotl(x[8] + x[4], 13);
    x[0] ^= rotl(x[12] + x[8], 18);
    x[9] ^= rotl(x[5] + x[1], 7);
    x[13] ^= rotl(x[9] + x[5], 9);
    x[1] ^= rotl(x[13] + x[9], 13);
    x[5] ^= rotl(x[1] + x[13], 18);
    x[14] ^= rotl(x[10] + x[6], 7);
    x[2] ^= rotl(x[14] + x[10], 9);
    x[6] ^= rotl(x[2] + x[14], 13);
    x[10] ^= rotl(x[6] + x[2], 18);
    x[3] ^= rotl(x[15] + x[11], 7);
    x[7] ^= rotl(x[3] + x[15], 9);
    x[11] ^= rotl(x[7] + x[3], 13);
    x[15] ^= rotl(x[11] + x[7], 18);
    x[1] ^= rotl(x[0] + x[3], 7);
    x[2] ^= rotl(x[1] + x[0], 9);
    x[3] ^= rotl(x[2] + x[1], 13);
    x[0] ^= rotl(x[3] + x[2], 18);
    x[6] ^= rotl(x[5] + x[4], 7);
    x[7] ^= rotl(x[6] + x[5], 9);
    x[4] ^= rotl(x[7] + x[6], 13);
    x[5] ^= rotl(x[4] + x[7], 18);
    x[11] ^= rotl(x[10] + x[9], 7);
    x[8] ^= rotl(x[11] + x[10], 9);
    x[9] ^= rotl(x[8] + x[11], 13);
    x[10] ^= rotl(x[9] + x[8], 18);
    x[12] ^= rotl(x[15] + x[14], 7);
    x[13] ^= rotl(x[12] + x[15], 9);
    x[14] ^= rotl(x[13] + x[12], 13);
    x[15] ^= rotl(x[14] + x[13], 18);
  }
  for (int i = 0; i < 16; ++i)
    b[i] += x[i];
}

// BlockMix over 2r 64-byte blocks (as 16-word arrays); `y` is scratch of the same size.
void block_mix(uint32_t* b, uint32_t* y, size_t r) {
  uint32_t x[16];
  std::memcpy(x, b + (2 * r - 1) * 16, sizeof x);
  for (size_t i = 0; i < 2 * r; ++i) {
    for (int k = 0; k < 16; ++k)
      x[k] ^= b[i * 16 + k];
    salsa20_8(x);
    // Even blocks to the first half, odd blocks to the second.
    std::memcpy(y + ((i % 2) * r + i / 2) * 16, x, sizeof x);
  }
  std::memcpy(b, y, 128 * r);
}

void ro_mix(uint8_t* block, size_t r, uint64_t n, std::vector<uint32_t>& v,
            std::vector<uint32_t>& x, std::vector<uint32_t>& y) {
  const size_t words = 32 * r;
  for (size_t k = 0; k < words; ++k) {
    const uint8_t* p = block + 4 * k;
    x[k] = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  }
  for (uint64_t i = 0; i < n; ++i) {
    std::memcpy(v.data() + i * words, x.data(), 4 * words);
    block_mix(x.data(), y.data(), r);
  }
  for (uint64_t i = 0; i < n; ++i) {
    const uint32_t* last = x.data() + (2 * r - 1) * 16;
    const uint64_t j = ((uint64_t{last[1]} << 32) | last[0]) & (n - 1);
    const uint32_t* vj = v.data() + j * words;
    for (size_t k = 0; k < words; ++k)
      x[k] ^= vj[k];
    block_mix(x.data(), y.data(), r);
  }
  for (size_t k = 0; k < words; ++k) {
    uint8_t* p = block + 4 * k;
    p[0] = static_cast<uint8_t>(x[k]);
    p[1] = static_cast<uint8_t>(x[k] >> 8);
    p[2] = static_cast<uint8_t>(x[k] >> 16);
    p[3] = static_cast<uint8_t>(x[k] >> 24);
  }
}

void pbkdf2_sha256(std::string_view password, BytesView salt, uint64_t iterations, Bytes& out) {
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                        static_cast<int>(out.size()), out.data()) != 1)
    throw KeystoreError("pbkdf2 failed");
}

void scrypt(std::string_view password, BytesView salt, const ScryptParams& sp, Secret& dk) {
  check_scrypt(sp.n, sp.r, sp.p, sp.dklen);
  Secret b(size_t{128} * sp.r * sp.p);
  pbkdf2_sha256(password, salt, 1, b.b);
  std::vector<uint32_t> v(size_t{32} * sp.r * sp.n);
  std::vector<uint32_t> x(size_t{32} * sp.r), y(size_t{32} * sp.r);
  for (uint32_t i = 0; i < sp.p; ++i)
    ro_mix(b.b.data() + size_t{128} * sp.r * i, sp.r, sp.n, v, x, y);
  OPENSSL_cleanse(v.data(), v.size() * 4);
  OPENSSL_cleanse(x.data(), x.size() * 4);
  OPENSSL_cleanse(y.data(), y.size() * 4);
  pbkdf2_sha256(password, b.b, 1, dk.b);
}

void aes128_ctr(BytesView key16, BytesView iv, BytesView in, uint8_t* out) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw KeystoreError("cannot allocate a cipher context");
  int len1 = 0;
  int len2 = 0;
  const bool ok =
      EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, key16.data(), iv.data()) == 1 &&
      EVP_EncryptUpdate(ctx, out, &len1, in.data(), static_cast<int>(in.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx, out + len1, &len2) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok || static_cast<size_t>(len1) + static_cast<size_t>(len2) != in.size())
    throw KeystoreError("AES-128-CTR failed");
}

Bytes32 mac_of(BytesView dk, BytesView ciphertext) {
  Bytes m(dk.begin() + 16, dk.begin() + 32);
  m.insert(m.end(), ciphertext.begin(), ciphertext.end());
  return keccak256(BytesView(m));
}

std::string uuid_v4() {
  Bytes u = random_bytes(16);
  u[6] = (u[6] & 0x0f) | 0x40;
  u[8] = (u[8] & 0x3f) | 0x80;
  const std::string h = to_hex(u);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

const json& field(const json& obj, const char* name, const char* where) {
  if (!obj.is_object() || !obj.contains(name))
    throw KeystoreError(std::string("key file: missing ") + where + name);
  return obj.at(name);
}

std::string string_field(const json& obj, const char* name, const char* where) {
  const json& v = field(obj, name, where);
  if (!v.is_string())
    throw KeystoreError(std::string("key file: ") + where + name + " is not a string");
  return v.get<std::string>();
}

uint64_t uint_field(const json& obj, const char* name, const char* where) {
  const json& v = field(obj, name, where);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
    throw KeystoreError(std::string("key file: ") + where + name +
                        " is not a non-negative integer");
  return v.get<uint64_t>();
}

Bytes hex_field(const json& obj, const char* name, const char* where) {
  auto b = from_hex(string_field(obj, name, where));
  if (!b) throw KeystoreError(std::string("key file: ") + where + name + " is not hex");
  return *b;
}

json parse_json(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) throw KeystoreError("key file: not a JSON object");
  return doc;
}

}  // namespace

Bytes scrypt_kdf(std::string_view password, BytesView salt, const ScryptParams& params) {
  Secret dk(params.dklen);
  scrypt(password, salt, params, dk);
  return dk.b;
}

crypto::PrivateKey generate_private_key() {
  for (int attempt = 0; attempt < 16; ++attempt) {
    Secret raw(32);
    if (RAND_bytes(raw.b.data(), 32) != 1)
      throw KeystoreError("the system random number generator failed");
    if (auto key = crypto::PrivateKey::from_bytes(Bytes32::from_view(raw.b))) return *key;
  }
  throw KeystoreError("could not generate a valid key");
}

std::string encrypt_key(const crypto::PrivateKey& key, std::string_view password,
                        const ScryptParams& params) {
  if (password.empty()) throw KeystoreError("refusing an empty password");
  if (params.dklen != 32) throw KeystoreError("dklen must be 32 for aes-128-ctr key files");
  const Bytes salt = random_bytes(32);
  const Bytes iv = random_bytes(16);
  Secret dk(params.dklen);
  scrypt(password, salt, params, dk);
  Bytes ciphertext(32);
  aes128_ctr(BytesView(dk.b).first(16), iv, key.secret.view(), ciphertext.data());
  const Bytes32 mac = mac_of(dk.b, ciphertext);
  json doc = {
      {"address", to_hex(key.address().view())},
      {"crypto",
       {{"cipher", "aes-128-ctr"},
        {"cipherparams", {{"iv", to_hex(iv)}}},
        {"ciphertext", to_hex(ciphertext)},
        {"kdf", "scrypt"},
        {"kdfparams",
         {{"dklen", params.dklen},
          {"n", params.n},
          {"p", params.p},
          {"r", params.r},
          {"salt", to_hex(salt)}}},
        {"mac", to_hex(mac.view())}}},
      {"id", uuid_v4()},
      {"version", 3},
  };
  return doc.dump();
}

crypto::PrivateKey decrypt_key(std::string_view json_text, std::string_view password) {
  const json doc = parse_json(json_text);
  if (!doc.contains("version") || doc.at("version") != 3)
    throw KeystoreError("key file: not a version 3 key file");
  const char* crypto_name = doc.contains("crypto") ? "crypto" : "Crypto";
  const json& c = field(doc, crypto_name, "");
  const std::string cipher = string_field(c, "cipher", "crypto.");
  if (cipher != "aes-128-ctr") throw KeystoreError("key file: unsupported cipher '" + cipher + "'");
  const Bytes iv = hex_field(field(c, "cipherparams", "crypto."), "iv", "crypto.cipherparams.");
  if (iv.size() != 16) throw KeystoreError("key file: cipherparams.iv must be 16 bytes");
  const Bytes ciphertext = hex_field(c, "ciphertext", "crypto.");
  if (ciphertext.size() != 32) throw KeystoreError("key file: ciphertext must be 32 bytes");
  const Bytes mac = hex_field(c, "mac", "crypto.");
  if (mac.size() != 32) throw KeystoreError("key file: mac must be 32 bytes");
  const std::string kdf = string_field(c, "kdf", "crypto.");
  const json& kp = field(c, "kdfparams", "crypto.");
  const Bytes salt = hex_field(kp, "salt", "crypto.kdfparams.");
  const uint64_t dklen = uint_field(kp, "dklen", "crypto.kdfparams.");
  if (dklen < 32 || dklen > 64) throw KeystoreError("key file: kdfparams.dklen must be 32..64");
  Secret dk(dklen);
  if (kdf == "scrypt") {
    ScryptParams sp;
    sp.n = uint_field(kp, "n", "crypto.kdfparams.");
    const uint64_t r = uint_field(kp, "r", "crypto.kdfparams.");
    const uint64_t p = uint_field(kp, "p", "crypto.kdfparams.");
    if (r > 1024 || p > 1024) throw KeystoreError("key file: scrypt r/p out of range");
    sp.r = static_cast<uint32_t>(r);
    sp.p = static_cast<uint32_t>(p);
    sp.dklen = static_cast<uint32_t>(dklen);
    scrypt(password, salt, sp, dk);
  } else if (kdf == "pbkdf2") {
    const std::string prf = string_field(kp, "prf", "crypto.kdfparams.");
    if (prf != "hmac-sha256") throw KeystoreError("key file: unsupported pbkdf2 prf '" + prf + "'");
    const uint64_t iterations = uint_field(kp, "c", "crypto.kdfparams.");
    if (iterations == 0 || iterations > kMaxPbkdf2Iterations)
      throw KeystoreError("key file: pbkdf2 iteration count out of range");
    pbkdf2_sha256(password, salt, iterations, dk.b);
  } else {
    throw KeystoreError("key file: unsupported kdf '" + kdf + "'");
  }
  const Bytes32 expected = mac_of(dk.b, ciphertext);
  if (!constant_time_equal(expected.view(), mac))
    throw KeystoreError("wrong password or corrupted key file (MAC mismatch)");
  Secret plain(32);
  aes128_ctr(BytesView(dk.b).first(16), iv, ciphertext, plain.b.data());
  auto key = crypto::PrivateKey::from_bytes(Bytes32::from_view(plain.b));
  if (!key) throw KeystoreError("key file: the decrypted key is not a valid secp256k1 key");
  if (doc.contains("address")) {
    auto declared = key_file_address(json_text);
    if (!declared || *declared != key->address())
      throw KeystoreError("key file: the address field does not match the decrypted key");
  }
  return *key;
}

std::optional<Address> key_file_address(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("address") ||
      !doc.at("address").is_string())
    return std::nullopt;
  std::string a = doc.at("address").get<std::string>();
  if (a.rfind("0x", 0) != 0 && a.rfind("0X", 0) != 0) a = "0x" + a;
  return Address::parse(a);
}

std::string key_file_name(const Address& address, int64_t unix_seconds, uint32_t nanos) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "UTC--%04d-%02d-%02dT%02d-%02d-%02d.%09uZ--", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nanos);
  return std::string(buf) + to_hex(address.view());
}

std::filesystem::path default_keystore_dir() {
  const char* home = std::getenv("HOME");
  const std::filesystem::path base = (home && *home) ? std::filesystem::path(home) : ".";
  return base / ".stoa" / "keystore";
}

std::filesystem::path store_key(const std::filesystem::path& dir, const crypto::PrivateKey& key,
                                std::string_view password, const ScryptParams& params) {
  const std::string text = encrypt_key(key, password, params);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw KeystoreError("cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(now);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now - secs);
  std::filesystem::path file =
      dir / key_file_name(key.address(), secs.count(), static_cast<uint32_t>(nanos.count()));
  if (std::filesystem::exists(file)) throw KeystoreError(file.string() + " already exists");
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    const mode_t old = ::umask(077);
    std::ofstream out(tmp, std::ios::trunc);
    ::umask(old);
    out << text << "\n";
    out.close();
    if (!out) throw KeystoreError("cannot write " + tmp.string());
  }
  ::chmod(tmp.c_str(), 0600);
  std::filesystem::rename(tmp, file, ec);
  if (ec) throw KeystoreError("cannot write " + file.string() + ": " + ec.message());
  return file;
}

std::vector<KeyFileEntry> list_key_files(const std::filesystem::path& dir) {
  std::vector<KeyFileEntry> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".tmp") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    if (auto a = key_file_address(ss.str())) out.push_back({*a, entry.path()});
  }
  std::sort(out.begin(), out.end(), [](const KeyFileEntry& a, const KeyFileEntry& b) {
    return a.file.filename() < b.file.filename();
  });
  return out;
}

std::filesystem::path find_key_file(const std::filesystem::path& dir, const Address& address) {
  for (const KeyFileEntry& e : list_key_files(dir)) {
    if (e.address == address) return e.file;
  }
  throw KeystoreError("no key file for " + address.checksum_hex() + " in " + dir.string() +
                      " (stoa account list shows what is there)");
}

}  // namespace stoa::cli
