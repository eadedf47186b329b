// libFuzzer target: decode_transaction must never crash on arbitrary bytes, and whatever it
// accepts must be canonical: re-encoding the decoded transaction and signature reproduces the
// input byte for byte, and the hash is keccak256 of it. A second leg builds a transaction from
// the input's bytes, signs it, and checks that decoding gives it back (the accepting path, which
// random bytes rarely reach since they cannot forge a signature).
//
//   clang++ -std=c++20 -fsanitize=fuzzer,address -Iinclude fuzz/tx_decode_fuzz.cc \
//     src/chain/transaction.cc src/crypto/*.cc src/common/*.cc src/abi/*.cc \
//     $(pkg-config --cflags --libs libcrypto++ libsecp256k1) -lcrypto -o /tmp/tx_fuzz
//   /tmp/tx_fuzz -runs=100000          (or: scripts/fuzz.sh tx_decode 60)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "stoa/chain/transaction.h"
#include "stoa/common/assert.h"
#include "stoa/common/keccak.h"

namespace {

constexpr uint64_t kChainId = 1337;

void check_accepted(stoa::BytesView input, const stoa::chain::SignedTransaction& s) {
  const stoa::Bytes again = stoa::chain::encode_signed(s.tx, s.signature);
  STOA_ASSERT(again.size() == input.size());
  STOA_ASSERT(std::equal(again.begin(), again.end(), input.begin()));
  STOA_ASSERT(s.hash == stoa::keccak256(input));
  STOA_ASSERT(s.tx.chain_id == kChainId);
  STOA_ASSERT(s.tx.to.has_value());
  STOA_ASSERT(s.tx.value.is_zero());
  STOA_ASSERT(s.tx.gas_limit >= stoa::chain::intrinsic_gas(s.tx.data));
  STOA_ASSERT(s.tx.gas_limit <= stoa::chain::kBlockGasLimit);
}

uint64_t take_u64(const uint8_t*& p, const uint8_t* end, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n && p < end; ++i)
    v = (v << 8) | *p++;
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const stoa::BytesView input(data, size);
  std::string detail;
  auto r = stoa::chain::decode_transaction(input, kChainId, &detail);
  if (const auto* s = std::get_if<stoa::chain::SignedTransaction>(&r)) {
    check_accepted(input, *s);
  } else {
    STOA_ASSERT(std::get<stoa::chain::TxError>(r) != stoa::chain::TxError::kOk);
    STOA_ASSERT(!detail.empty());
  }

  // Second leg: a well-formed transaction shaped by the input, signed, must decode to itself.
  if (size < 4) return 0;
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  stoa::chain::Transaction tx;
  tx.type = static_cast<stoa::chain::TxType>(*p++ % 3);
  tx.chain_id = kChainId;
  const size_t nonce_len = *p++ % 9;
  tx.nonce = take_u64(p, end, nonce_len);
  // Only the fee fields the envelope carries (the others are not encoded).
  const stoa::U256 fee(take_u64(p, end, 2));
  if (tx.type == stoa::chain::TxType::kDynamicFee) {
    tx.max_fee_per_gas = fee;
    tx.max_priority_fee_per_gas = fee;
  } else {
    tx.gas_price = fee;
  }
  stoa::Address to;
  for (uint8_t& b : to.b)
    b = p < end ? *p++ : 0;
  tx.to = to;
  const size_t n = static_cast<size_t>(end - p);
  tx.data.assign(p, end);
  if (tx.type == stoa::chain::TxType::kAccessList && n > 0) {
    tx.access_list.push_back({to, std::vector<stoa::Bytes32>(n % 3)});
  }
  tx.gas_limit = stoa::chain::intrinsic_gas(tx.data) + n;
  static const stoa::crypto::PrivateKey key = stoa::crypto::key_for_label("fuzz");
  const stoa::chain::SignedTransaction signed_tx = stoa::chain::sign_transaction(tx, key);
  auto d = stoa::chain::decode_transaction(signed_tx.raw, kChainId, &detail);
  if (const auto* s = std::get_if<stoa::chain::SignedTransaction>(&d)) {
    check_accepted(signed_tx.raw, *s);
    STOA_ASSERT(s->tx == tx);
    STOA_ASSERT(s->sender == key.address());
  } else {
    // Only a raw envelope above the size limit may be refused.
    STOA_ASSERT(std::get<stoa::chain::TxError>(d) == stoa::chain::TxError::kTooLarge);
  }
  return 0;
}
