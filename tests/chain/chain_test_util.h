// Shared helpers of the chain tests: dev keys, transaction builders, raw-RLP crafting.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stoa/abi/abi.h"
#include "stoa/chain/transaction.h"
#include "stoa/common/keccak.h"
#include "stoa/crypto/rlp.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::chain::testing {

inline constexpr uint64_t kChainId = 1337;

inline Bytes hex(std::string_view s) {
  auto b = from_hex(s);
  EXPECT_TRUE(b.has_value()) << s;
  return b.value_or(Bytes{});
}

// Hardhat/Anvil's accounts: index 0 is 0xf39F...2266 (the dev operator).
inline crypto::PrivateKey dev_key(uint32_t index) {
  auto k = crypto::derive_from_mnemonic(crypto::kDevMnemonic, index);
  EXPECT_TRUE(k.has_value());
  return *k;
}

inline Bytes calldata(std::string_view signature, const abi::ValueList& args) {
  auto sig = abi::parse_signature(signature);
  EXPECT_TRUE(sig.has_value()) << signature;
  auto data = abi::encode_call(*sig, args);
  EXPECT_EQ(data.index(), 0u) << signature;
  return std::get<Bytes>(data);
}

// A valid EIP-1559 transaction for this chain (fees zero, as a stoa wallet would send).
inline Transaction make_tx(uint64_t nonce, const Address& to, Bytes data,
                           TxType type = TxType::kDynamicFee) {
  Transaction tx;
  tx.type = type;
  tx.chain_id = kChainId;
  tx.nonce = nonce;
  tx.gas_limit = 1'000'000;
  tx.to = to;
  tx.data = std::move(data);
  return tx;
}

inline SignedTransaction signed_call(const crypto::PrivateKey& key, uint64_t nonce,
                                     const Address& to, std::string_view signature,
                                     const abi::ValueList& args) {
  return sign_transaction(make_tx(nonce, to, calldata(signature, args)), key);
}

// RLP builders for crafting raw transactions field by field.
inline Bytes r_uint(uint64_t v) {
  return rlp::encode_uint(U256(v));
}
inline Bytes r_u256(const U256& v) {
  return rlp::encode_uint(v);
}
inline Bytes r_bytes(const Bytes& b) {
  return rlp::encode_bytes(b);
}
inline Bytes r_word(const Bytes32& w) {
  return rlp::encode_uint(U256::from_bytes32(w));
}
inline Bytes r_list(const std::vector<Bytes>& items) {
  return rlp::encode_list(items);
}
inline Bytes typed(uint8_t type, const Bytes& payload) {
  Bytes out{type};
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace stoa::chain::testing
