// stoa account new|import|list: Web3 Secret Storage v3 key files in a keystore directory
// (default ~/.stoa/keystore). Keys never come from the command line and are never printed.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.h"
#include "stoa/cli/args.h"
#include "stoa/cli/keystore.h"
#include "stoa/cli/password.h"

namespace stoa::app {
namespace {

constexpr const char* kUsage =
    "usage: stoa account new [--keystore DIR] [--password-file F] [--scrypt-n N] [--json]\n"
    "       stoa account import --private-key-file F [--keystore DIR] [--password-file F]\n"
    "       stoa account import --key-file UTC--... [--keystore DIR] [--password-file F]\n"
    "       stoa account list [--keystore DIR] [--json]\n"
    "The password is read from --password-file or asked without echo; it may not be empty.\n"
    "--scrypt-n lowers scrypt's cost (default 262144) for tests and throwaway keys.\n";

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot read ") + what + " " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

crypto::PrivateKey key_from_hex_file(const std::string& path) {
  std::string text = read_file(path, "private key file");
  std::string hex;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) hex += c;
  }
  auto raw = Bytes32::from_hex(hex);
  // Scrub copies of the key text as soon as they are parsed.
  std::fill(text.begin(), text.end(), '\0');
  std::fill(hex.begin(), hex.end(), '\0');
  if (!raw) throw std::runtime_error(path + " does not hold a private key (64 hex digits)");
  auto key = crypto::PrivateKey::from_bytes(*raw);
  if (!key) throw std::runtime_error(path + " does not hold a valid secp256k1 private key");
  return *key;
}

cli::ScryptParams scrypt_params(const cli::ParsedArgs& a) {
  cli::ScryptParams p;
  if (auto n = a.get_u64("--scrypt-n")) {
    if (*n < 2 || (*n & (*n - 1)) != 0)
      throw cli::UsageError("--scrypt-n must be a power of two > 1");
    p.n = *n;
  }
  return p;
}

int report_stored(const crypto::PrivateKey& key, const std::filesystem::path& file, bool json,
                  const char* verb) {
  if (json) {
    std::printf("%s\n",
                nlohmann::json({{"address", key.address().checksum_hex()}, {"file", file.string()}})
                    .dump(2)
                    .c_str());
  } else {
    std::printf("%s %s\n  key file: %s\n", verb, key.address().checksum_hex().c_str(),
                file.c_str());
  }
  return 0;
}

}  // namespace

int cmd_account(const Args& args) {
  try {
    if (args.empty()) throw cli::UsageError("missing subcommand");
    const std::string& sub = args[0];
    const Args rest(args.begin() + 1, args.end());
    cli::OptionSpec spec{{"--keystore", "--password-file", "--scrypt-n", "--private-key-file",
                          "--key-file", "--private-key", "--rpc"},
                         {"--json"}};
    const cli::ParsedArgs a = cli::parse_args(rest, spec);
    if (a.get("--private-key"))
      throw cli::UsageError(
          "--private-key is refused: a key on the command line ends up in shell history and "
          "process lists; use --private-key-file F");
    if (!a.positional.empty()) throw cli::UsageError("unexpected argument " + a.positional[0]);
    const std::filesystem::path dir = a.get_or("--keystore", cli::default_keystore_dir().string());
    const bool json = a.flag("--json");
    if (sub == "new") {
      const cli::ScryptParams params = scrypt_params(a);
      const std::string password =
          cli::obtain_password(a.get("--password-file"), "Password for the new key", true);
      const crypto::PrivateKey key = cli::generate_private_key();
      return report_stored(key, cli::store_key(dir, key, password, params), json, "created");
    }
    if (sub == "import") {
      const cli::ScryptParams params = scrypt_params(a);
      const auto hex_file = a.get("--private-key-file");
      const auto key_file = a.get("--key-file");
      if (hex_file.has_value() == key_file.has_value())
        throw cli::UsageError("give one of --private-key-file F or --key-file F");
      crypto::PrivateKey key;
      std::string password;
      if (hex_file) {
        key = key_from_hex_file(*hex_file);
        password = cli::obtain_password(a.get("--password-file"), "Password for the key", true);
      } else {
        // A v3 file from geth, ethers or Foundry: decrypted with its password, stored again
        // under the same password with this keystore's scrypt parameters.
        password =
            cli::obtain_password(a.get("--password-file"), "Password of the key file", false);
        key = cli::decrypt_key(read_file(*key_file, "key file"), password);
      }
      for (const cli::KeyFileEntry& e : cli::list_key_files(dir)) {
        if (e.address == key.address())
          throw std::runtime_error(key.address().checksum_hex() + " is already in " + dir.string() +
                                   " (" + e.file.filename().string() + ")");
      }
      return report_stored(key, cli::store_key(dir, key, password, params), json, "imported");
    }
    if (sub == "list") {
      const auto entries = cli::list_key_files(dir);
      if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : entries)
          out.push_back({{"address", e.address.checksum_hex()}, {"file", e.file.string()}});
        std::printf("%s\n", out.dump(2).c_str());
      } else if (entries.empty()) {
        std::printf("no accounts in %s (stoa account new creates one)\n", dir.c_str());
      } else {
        for (const auto& e : entries)
          std::printf("%s  %s\n", e.address.checksum_hex().c_str(), e.file.c_str());
      }
      return 0;
    }
    throw cli::UsageError("unknown subcommand '" + sub + "'");
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa account: %s\n%s", e.what(), kUsage);
    return 2;
  }
}

}  // namespace stoa::app
