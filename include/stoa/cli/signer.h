// Where a command's signing key comes from: `--from ADDRESS` (a key file in the keystore,
// unlocked with a password) or `--dev-account N` (the public development mnemonic: for local
// development only — anyone can derive those keys).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "stoa/cli/args.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::cli {

struct SignerOptions {
  std::optional<Address> from;
  std::optional<uint32_t> dev_account;
  std::filesystem::path keystore;
  std::optional<std::string> password_file;
};

// Reads --from, --dev-account, --keystore and --password-file; throws UsageError if both or
// neither of --from and --dev-account are given.
SignerOptions signer_options(const ParsedArgs& args);

// The options every signing command accepts (to add to its OptionSpec).
void add_signer_options(OptionSpec& spec);

// Unlocks or derives the key. For a dev account prints a one-line warning on stderr.
crypto::PrivateKey load_signer(const SignerOptions& options);

}  // namespace stoa::cli
