// Web3 Secret Storage v3: round trips, the spec's test vectors, wrong passwords and damaged files.
#include "stoa/cli/keystore.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace stoa::cli {
namespace {

using nlohmann::json;

// From the Web3 Secret Storage Definition (ethereum.org / the wiki), scrypt variant.
constexpr const char* kSpecScrypt = R"({
  "crypto": {
    "cipher": "aes-128-ctr",
    "cipherparams": {"iv": "83dbcc02d8ccb40e466191a123791e0e"},
    "ciphertext": "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
    "kdf": "scrypt",
    "kdfparams": {"dklen": 32, "n": 262144, "p": 8, "r": 1,
                  "salt": "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
    "mac": "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"
  },
  "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  "version": 3
})";
// The same key, PBKDF2-SHA256 variant (as older geth and some tools write).
constexpr const char* kSpecPbkdf2 = R"({
  "crypto": {
    "cipher": "aes-128-ctr",
    "cipherparams": {"iv": "6087dab2f9fdbbfaddc31a909735c1e6"},
    "ciphertext": "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    "kdf": "pbkdf2",
    "kdfparams": {"c": 262144, "dklen": 32, "prf": "hmac-sha256",
                  "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
    "mac": "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"
  },
  "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  "version": 3
})";
constexpr const char* kSpecKey = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
constexpr const char* kSpecAddress = "0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b";

ScryptParams light() {
  ScryptParams p;
  p.n = 1024;
  return p;
}

crypto::PrivateKey test_key() {
  return *crypto::PrivateKey::from_bytes(*Bytes32::from_hex(kSpecKey));
}

TEST(Keystore, SpecVectorScrypt) {
  const crypto::PrivateKey key = decrypt_key(kSpecScrypt, "testpassword");
  EXPECT_EQ(to_hex(key.secret.view()), kSpecKey);
  EXPECT_EQ(key.address(), *Address::parse(kSpecAddress));
}

// RFC 7914 section 12 test vectors.
TEST(Keystore, ScryptRfc7914Vectors) {
  ScryptParams p;
  p.n = 16;
  p.r = 1;
  p.p = 1;
  p.dklen = 64;
  EXPECT_EQ(to_hex(scrypt_kdf("", BytesView(), p)),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
  p.n = 1024;
  p.r = 8;
  p.p = 16;
  const std::string salt = "NaCl";
  EXPECT_EQ(
      to_hex(scrypt_kdf("password",
                        BytesView(reinterpret_cast<const uint8_t*>(salt.data()), salt.size()), p)),
      "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
      "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(Keystore, SpecVectorPbkdf2) {
  const crypto::PrivateKey key = decrypt_key(kSpecPbkdf2, "testpassword");
  EXPECT_EQ(to_hex(key.secret.view()), kSpecKey);
}

TEST(Keystore, SpecVectorWrongPasswordIsMacMismatch) {
  try {
    decrypt_key(kSpecPbkdf2, "testpassworD");
    FAIL() << "decrypted with a wrong password";
  } catch (const KeystoreError& e) {
    EXPECT_NE(std::string(e.what()).find("MAC mismatch"), std::string::npos) << e.what();
  }
}

// Written by ethers v6 (encryptKeystoreJsonSync, scrypt N=1024): "Crypto", x-ethers fields.
constexpr const char* kEthersFile =
    R"({"address":"976ea74026e726554db657fa54763abd0c3a0aa9","id":"c0e8dc30-ed9b-45c6-b5b7-ceb57ab764be","version":3,"Crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"a554ff70ee9635b1ffb8c20e4cd97303"},"ciphertext":"7c97b76358f45b5502b76022275b9a52fd843609ce7ea301498ba78e3b46389d","kdf":"scrypt","kdfparams":{"salt":"6b72f4a4b74f1075ede3744f959d7a0a6f16e32b9bf1ad809c0e2aac6f889d75","n":1024,"dklen":32,"p":1,"r":8},"mac":"30e8c0ed50c637b6d08872f350fbd724c7f2597641335e6379d3e74ba8326390"}})";

TEST(Keystore, DecryptsEthersFiles) {
  EXPECT_EQ(decrypt_key(kEthersFile, "pw").address(),
            *Address::parse("0x976EA74026E726554dB657fA54763abd0C3a0aa9"));
  EXPECT_THROW(decrypt_key(kEthersFile, "Pw"), KeystoreError);
}

TEST(Keystore, RoundTrip) {
  const crypto::PrivateKey key = test_key();
  const std::string text = encrypt_key(key, "correct horse", light());
  const json doc = json::parse(text);
  EXPECT_EQ(doc["version"], 3);
  EXPECT_EQ(doc["address"], "008aeeda4d805471df9b2a5b0f38a0c3bcba786b");
  EXPECT_EQ(doc["crypto"]["cipher"], "aes-128-ctr");
  EXPECT_EQ(doc["crypto"]["kdf"], "scrypt");
  EXPECT_EQ(doc["crypto"]["kdfparams"]["n"], 1024);
  EXPECT_EQ(doc["crypto"]["kdfparams"]["r"], 8);
  EXPECT_EQ(doc["crypto"]["kdfparams"]["p"], 1);
  EXPECT_EQ(doc["crypto"]["kdfparams"]["dklen"], 32);
  EXPECT_EQ(doc["id"].get<std::string>().size(), 36u);
  // The file never contains the key in the clear.
  EXPECT_EQ(text.find(kSpecKey), std::string::npos);
  EXPECT_EQ(decrypt_key(text, "correct horse").secret, key.secret);
  // Fresh salt and IV each time.
  EXPECT_NE(json::parse(encrypt_key(key, "correct horse", light()))["crypto"]["ciphertext"],
            doc["crypto"]["ciphertext"]);
}

TEST(Keystore, DefaultParametersAreTheSpecs) {
  const ScryptParams p;
  EXPECT_EQ(p.n, 262144u);
  EXPECT_EQ(p.r, 8u);
  EXPECT_EQ(p.p, 1u);
  EXPECT_EQ(p.dklen, 32u);
}

TEST(Keystore, WrongPassword) {
  const std::string text = encrypt_key(test_key(), "right", light());
  EXPECT_THROW(decrypt_key(text, "wrong"), KeystoreError);
  EXPECT_THROW(encrypt_key(test_key(), "", light()), KeystoreError);
}

TEST(Keystore, CorruptedFiles) {
  const std::string text = encrypt_key(test_key(), "pw", light());
  auto mutate = [&](auto&& f) {
    json doc = json::parse(text);
    f(doc);
    return doc.dump();
  };
  auto expect_error = [](const std::string& t, const char* fragment) {
    try {
      decrypt_key(t, "pw");
      ADD_FAILURE() << "accepted: " << t;
    } catch (const KeystoreError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  // A flipped ciphertext bit is caught by the MAC.
  expect_error(mutate([](json& d) {
                 std::string c = d["crypto"]["ciphertext"];
                 c[0] = c[0] == '0' ? '1' : '0';
                 d["crypto"]["ciphertext"] = c;
               }),
               "MAC mismatch");
  expect_error(mutate([](json& d) {
                 std::string m = d["crypto"]["mac"];
                 m[5] = m[5] == 'a' ? 'b' : 'a';
                 d["crypto"]["mac"] = m;
               }),
               "MAC mismatch");
  expect_error(mutate([](json& d) { d["crypto"]["kdfparams"]["salt"] = "00"; }), "MAC mismatch");
  expect_error("{not json", "not a JSON object");
  expect_error(mutate([](json& d) { d["version"] = 1; }), "version 3");
  expect_error(mutate([](json& d) { d["crypto"].erase("mac"); }), "missing crypto.mac");
  expect_error(mutate([](json& d) { d["crypto"]["cipher"] = "aes-128-cbc"; }),
               "unsupported cipher");
  expect_error(mutate([](json& d) { d["crypto"]["kdf"] = "argon2"; }), "unsupported kdf");
  expect_error(mutate([](json& d) { d["crypto"]["ciphertext"] = "zz"; }), "not hex");
  expect_error(mutate([](json& d) { d["crypto"]["cipherparams"]["iv"] = "00"; }), "16 bytes");
  expect_error(mutate([](json& d) { d["crypto"]["kdfparams"]["n"] = 1000; }), "power of two");
  expect_error(mutate([](json& d) { d["crypto"]["kdfparams"]["n"] = uint64_t{1} << 40; }), "2 GiB");
  expect_error(mutate([](json& d) { d["crypto"]["kdfparams"]["n"] = "1024"; }),
               "not a non-negative");
  // A file whose address does not match its key (a swapped or edited file).
  expect_error(mutate([](json& d) { d["address"] = "0000000000000000000000000000000000000001"; }),
               "does not match");
}

TEST(Keystore, AcceptsCapitalisedCryptoAndNoAddress) {
  json doc = json::parse(encrypt_key(test_key(), "pw", light()));
  doc["Crypto"] = doc["crypto"];
  doc.erase("crypto");
  doc.erase("address");
  EXPECT_EQ(decrypt_key(doc.dump(), "pw").address(), test_key().address());
}

TEST(Keystore, FileNamesAndDirectory) {
  const Address a = *Address::parse(kSpecAddress);
  EXPECT_EQ(key_file_name(a, 1700000000, 123),
            "UTC--2023-11-14T22-13-20.000000123Z--008aeeda4d805471df9b2a5b0f38a0c3bcba786b");
  const auto dir =
      std::filesystem::temp_directory_path() / ("stoa-keystore-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto file = store_key(dir, test_key(), "pw", light());
  EXPECT_EQ(file.parent_path(), dir);
  EXPECT_EQ(file.filename().string().rfind("UTC--", 0), 0u);
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  {
    std::ofstream junk(dir / "notes.txt");
    junk << "not a key";
  }
  const auto entries = list_key_files(dir);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].address, a);
  EXPECT_EQ(find_key_file(dir, a), file);
  EXPECT_THROW(find_key_file(dir, Address{}), KeystoreError);
  std::filesystem::remove_all(dir);
}

TEST(Keystore, GeneratedKeysDiffer) {
  EXPECT_NE(generate_private_key().secret, generate_private_key().secret);
}

}  // namespace
}  // namespace stoa::cli
