// Helpers shared by the node tests: a fresh data directory, the development keys, calldata.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "stoa/abi/abi.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::node::testing {

// A path under the temporary directory, unique in this process and absent (removed if left over).
inline std::string temp_dir(std::string_view prefix) {
  static int n = 0;
  const std::filesystem::path p =
      std::filesystem::temp_directory_path() /
      (std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  std::filesystem::remove_all(p);
  return p.string();
}

// Account #i of the public development mnemonic (the Hardhat/Anvil accounts).
inline crypto::PrivateKey dev(uint32_t i) {
  return *crypto::derive_from_mnemonic(crypto::kDevMnemonic, i);
}

// ABI-encoded call data for `signature` ("f(address,uint256)") and its arguments.
inline Bytes calldata(std::string_view signature, const abi::ValueList& args) {
  auto sig = abi::parse_signature(signature);
  EXPECT_TRUE(sig.has_value()) << signature;
  auto data = abi::encode_call(*sig, args);
  EXPECT_EQ(data.index(), 0u) << signature;
  return std::get<Bytes>(data);
}

}  // namespace stoa::node::testing
