// Keystore or development-mnemonic signing keys.
#include "stoa/cli/signer.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "stoa/cli/keystore.h"
#include "stoa/cli/password.h"

namespace stoa::cli {

void add_signer_options(OptionSpec& spec) {
  spec.with_value.insert({"--from", "--dev-account", "--keystore", "--password-file"});
}

SignerOptions signer_options(const ParsedArgs& args) {
  SignerOptions o;
  o.from = args.get_address("--from");
  if (auto n = args.get_u64("--dev-account")) {
    if (*n >= (uint64_t{1} << 31)) throw UsageError("--dev-account: index must be below 2^31");
    o.dev_account = static_cast<uint32_t>(*n);
  }
  if (o.from && o.dev_account) throw UsageError("give either --from or --dev-account, not both");
  if (!o.from && !o.dev_account)
    throw UsageError(
        "this command signs a transaction: give --from ADDRESS (keystore) or "
        "--dev-account N (development only)");
  o.keystore = args.get_or("--keystore", default_keystore_dir().string());
  o.password_file = args.get("--password-file");
  return o;
}

crypto::PrivateKey load_signer(const SignerOptions& options) {
  if (options.dev_account) {
    std::fprintf(stderr,
                 "warning: --dev-account %u signs with a key derived from the public development "
                 "mnemonic; for development only, never for real holdings\n",
                 *options.dev_account);
    auto key = crypto::derive_from_mnemonic(crypto::kDevMnemonic, *options.dev_account);
    if (!key)
      throw std::runtime_error("cannot derive development account " +
                               std::to_string(*options.dev_account));
    return *key;
  }
  const std::filesystem::path file = find_key_file(options.keystore, *options.from);
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in) throw KeystoreError("cannot read " + file.string());
  const std::string password = obtain_password(
      options.password_file, "Password for " + options.from->checksum_hex(), /*confirm=*/false);
  return decrypt_key(ss.str(), password);
}

}  // namespace stoa::cli
