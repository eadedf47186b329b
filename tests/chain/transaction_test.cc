// Signed transactions: known vectors (EIP-155's example, ethers' output), round trips, and every
// TxError path with a crafted raw transaction.
#include <functional>

#include "chain_test_util.h"

namespace stoa::chain::testing {
namespace {

constexpr std::string_view kHardhatKey =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr std::string_view kHardhatAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
// transfer(0x7099...79C8, 1000) to the factory address, nonce 7, gas 100000, chain 1337.
constexpr std::string_view kTransferData =
    "0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c800000000000000000000"
    "000000000000000000000000000000000000000003e8";

crypto::PrivateKey hardhat_key() {
  return *crypto::PrivateKey::from_bytes(*Bytes32::from_hex(kHardhatKey));
}

Transaction ethers_tx(TxType type) {
  Transaction tx;
  tx.type = type;
  tx.chain_id = kChainId;
  tx.nonce = 7;
  tx.gas_limit = 100000;
  tx.to = Address::parse("0x5704000000000000000000000000000000000001");
  tx.data = hex(kTransferData);
  if (type == TxType::kLegacy) tx.gas_price = U256(1'000'000'000);
  if (type == TxType::kAccessList) {
    tx.access_list.push_back(
        {*tx.to,
         {*Bytes32::from_hex(
             "0x0000000000000000000000000000000000000000000000000000000000000001")}});
  }
  return tx;
}

SignedTransaction decode_ok(BytesView raw) {
  std::string detail;
  auto r = decode_transaction(raw, kChainId, &detail);
  if (r.index() != 0) {
    ADD_FAILURE() << to_string(std::get<TxError>(r)) << ": " << detail;
    return SignedTransaction{};
  }
  return std::get<SignedTransaction>(r);
}

// Decodes and expects `error`, with a detail containing `fragment`.
void expect_error(BytesView raw, TxError error, std::string_view fragment = "",
                  uint64_t chain_id = kChainId) {
  std::string detail;
  auto r = decode_transaction(raw, chain_id, &detail);
  ASSERT_EQ(r.index(), 1u) << "accepted; expected " << to_string(error);
  EXPECT_EQ(std::get<TxError>(r), error)
      << "got " << to_string(std::get<TxError>(r)) << " (" << detail << ")";
  EXPECT_NE(detail.find(fragment), std::string::npos) << detail;
  EXPECT_FALSE(detail.empty());
}

// Re-encodes a raw transaction after changing its fields (the type byte is kept).
Bytes mutate(const Bytes& raw, const std::function<void(std::vector<rlp::Item>&)>& change) {
  const bool is_typed = raw[0] < 0x80;
  auto decoded = rlp::decode(is_typed ? BytesView(raw).subspan(1) : BytesView(raw));
  EXPECT_EQ(decoded.index(), 0u);
  rlp::Item item = std::get<rlp::Item>(decoded);
  change(item.items);
  Bytes enc = rlp::encode(item);
  return is_typed ? typed(raw[0], enc) : enc;
}

rlp::Item str(Bytes b) {
  rlp::Item i;
  i.bytes = std::move(b);
  return i;
}

TEST(TransactionTest, Eip155ExampleVector) {
  // EIP-155's worked example.
  Transaction tx;
  tx.type = TxType::kLegacy;
  tx.chain_id = 1;
  tx.nonce = 9;
  tx.gas_price = U256(20'000'000'000ULL);
  tx.gas_limit = 21000;
  tx.to = Address::parse("0x3535353535353535353535353535353535353535");
  tx.value = U256(1'000'000'000'000'000'000ULL);
  EXPECT_EQ(signing_hash(tx).hex(),
            "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
  auto key = crypto::PrivateKey::from_bytes(
      *Bytes32::from_hex("0x4646464646464646464646464646464646464646464646464646464646464646"));
  SignedTransaction s = sign_transaction(tx, *key);
  EXPECT_EQ(to_hex_prefixed(s.raw),
            "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a7640000"
            "8025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f"
            "761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
  EXPECT_EQ(s.sender, *Address::parse("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"));
  // The ledger refuses it (value, and chain 1), but for the stated reasons.
  expect_error(s.raw, TxError::kValueNotSupported, "no native coin", 1);
  expect_error(s.raw, TxError::kWrongChainId, "transaction signed for chain 1, this chain is 1337");
}

TEST(TransactionTest, SignsExactlyAsEthers) {
  // Produced by ethers v6 Wallet.signTransaction with the Hardhat dev key.
  const struct {
    TxType type;
    std::string_view raw;
  } kVectors[] = {
      {TxType::kLegacy,
       "0xf8ab07843b9aca00830186a094570400000000000000000000000000000000000180b844a9059cbb000000000"
       "000"
       "00000000000070997970c51812dc3a010c7d01b50e0d17dc79c8000000000000000000000000000000000000000"
       "000"
       "00000000000000000003e8820a95a0097ae28514c45b23beab8df4428d1dd8f01c2df040b43b303b8ebe307fcc2"
       "345"
       "a06b4ac13da179c62a5b088009176fdb40ba5afa2c2b8531167ef3104837f7c7dc"},
      {TxType::kAccessList,
       "0x01f8e28205390780830186a094570400000000000000000000000000000000000180b844a9059cbb000000000"
       "000"
       "00000000000070997970c51812dc3a010c7d01b50e0d17dc79c8000000000000000000000000000000000000000"
       "000"
       "00000000000000000003e8f838f7945704000000000000000000000000000000000001e1a000000000000000000"
       "000"
       "0000000000000000000000000000000000000000000101a00321142d855835dea37776c608f66983d611fb75bfb"
       "b4d"
       "3546c09ce5f21af932a042d3334f040a6412f7a6169a964c3d595efd7750fa975d57200e29522d9dfb97"},
      {TxType::kDynamicFee,
       "0x02f8aa820539078080830186a094570400000000000000000000000000000000000180b844a9059cbb0000000"
       "000"
       "0000000000000070997970c51812dc3a010c7d01b50e0d17dc79c80000000000000000000000000000000000000"
       "000"
       "0000000000000000000003e8c001a092cc4f5d0ef867a09fc086ae2abf87a4bcdda814d53e05abb0fdb24c72b4a"
       "463"
       "a0645fc61202bb9765b588c9aed21939188c04b0d6211a4335bbb920ca5d812ef6"},
  };
  for (const auto& v : kVectors) {
    SCOPED_TRACE(static_cast<int>(v.type));
    const Transaction tx = ethers_tx(v.type);
    SignedTransaction s = sign_transaction(tx, hardhat_key());
    EXPECT_EQ(to_hex_prefixed(s.raw), v.raw);
    EXPECT_EQ(s.sender.checksum_hex(), kHardhatAddress);
    EXPECT_EQ(s.hash, keccak256(s.raw));
    // Decoding ethers' bytes gives the same transaction, signer and hash back.
    SignedTransaction d = decode_ok(hex(v.raw));
    EXPECT_EQ(d.tx, tx);
    EXPECT_EQ(d.sender.checksum_hex(), kHardhatAddress);
    EXPECT_EQ(d.hash, s.hash);
    EXPECT_EQ(d.raw, s.raw);
    EXPECT_EQ(encode_signed(d.tx, d.signature), d.raw);
  }
  // The dev mnemonic's first account is the same key.
  EXPECT_EQ(dev_key(0).address().checksum_hex(), kHardhatAddress);
}

TEST(TransactionTest, RoundTripsAcrossTypesKeysAndFields) {
  for (uint32_t k = 0; k < 4; ++k) {
    for (TxType type : {TxType::kLegacy, TxType::kAccessList, TxType::kDynamicFee}) {
      Transaction tx = make_tx(k * 1000 + 3, dev_key(9).address(), Bytes(k * 40, 0x01), type);
      if (type != TxType::kDynamicFee) tx.gas_price = U256(k);
      if (type == TxType::kDynamicFee) {
        tx.max_priority_fee_per_gas = U256(k);
        tx.max_fee_per_gas = U256(2 * k + 1);
      }
      tx.gas_limit = kBlockGasLimit;
      SignedTransaction s = sign_transaction(tx, dev_key(k));
      SignedTransaction d = decode_ok(s.raw);
      EXPECT_EQ(d.tx, tx);
      EXPECT_EQ(d.sender, dev_key(k).address());
      EXPECT_EQ(d.hash, s.hash);
    }
  }
}

TEST(TransactionTest, IntrinsicGas) {
  EXPECT_EQ(intrinsic_gas({}), 21000u);
  EXPECT_EQ(intrinsic_gas(Bytes{0, 1, 0, 2}), 21000u + 4 + 16 + 4 + 16);
  // Counted eight bytes at a time: every length, zeros next to 0x80 and 0xff (the bytes a word
  // trick could confuse with zero), against the byte-by-byte count.
  for (size_t n = 0; n < 100; ++n) {
    Bytes data(n);
    for (size_t i = 0; i < n; ++i) {
      const uint8_t pick[] = {0x00, 0x80, 0xff, 0x01, 0x7f, 0x00};
      data[i] = pick[(i * 7 + n) % 6];
    }
    uint64_t naive = 21000;
    for (const uint8_t b : data)
      naive += b == 0 ? 4 : 16;
    EXPECT_EQ(intrinsic_gas(data), naive) << n;
  }
}

// ---- every TxError -----------------------------------------------------------------------

class TxErrorTest : public ::testing::Test {
 protected:
  SignedTransaction good(TxType type = TxType::kDynamicFee) {
    return sign_transaction(make_tx(0, dev_key(1).address(), Bytes{1, 2, 3}, type), dev_key(0));
  }
  Bytes signed_raw(const Transaction& tx) { return sign_transaction(tx, dev_key(0)).raw; }
};

TEST_F(TxErrorTest, TooLarge) {
  expect_error(Bytes(kMaxRawTransactionBytes + 1, 0xc0), TxError::kTooLarge, "at most 131072");
}

TEST_F(TxErrorTest, MalformedRlp) {
  expect_error(Bytes{}, TxError::kMalformedRlp, "empty");
  Bytes trailing = good().raw;
  trailing.push_back(0x00);
  expect_error(trailing, TxError::kMalformedRlp, "trailing bytes");
  Bytes legacy_trailing = good(TxType::kLegacy).raw;
  legacy_trailing.push_back(0x80);
  expect_error(legacy_trailing, TxError::kMalformedRlp, "trailing bytes");
  Bytes truncated = good().raw;
  truncated.pop_back();
  expect_error(truncated, TxError::kMalformedRlp, "truncated");
  // A top-level string is not a transaction.
  expect_error(rlp::encode_bytes(Bytes(5, 0xaa)), TxError::kMalformedRlp, "not a list");
  // A typed envelope whose payload is not a list.
  expect_error(typed(0x02, rlp::encode_bytes(Bytes(5, 0xaa))), TxError::kMalformedRlp,
               "not a list");
  // Non-canonical RLP: a single byte wrapped as a string (0x81 0x05 instead of 0x05).
  expect_error(typed(0x02, r_list({Bytes{0x81, 0x05}})), TxError::kMalformedRlp,
               "non-canonical single byte");
  // A long-form length for a short payload.
  expect_error(Bytes{0xf8, 0x01, 0x80}, TxError::kMalformedRlp, "non-canonical size");
  // A nonce with a leading zero byte (a valid RLP string, a non-canonical integer).
  for (TxType type : {TxType::kLegacy, TxType::kDynamicFee}) {
    const size_t nonce_index = type == TxType::kLegacy ? 0 : 1;
    Bytes raw = mutate(good(type).raw, [&](auto& f) { f[nonce_index] = str({0x00, 0x01}); });
    expect_error(raw, TxError::kMalformedRlp, "nonce: integer with leading zero");
  }
  // Zero as the byte 0x00 rather than the empty string.
  Bytes zero_value = mutate(good().raw, [](auto& f) { f[6] = str({0x00}); });
  expect_error(zero_value, TxError::kMalformedRlp, "value: integer with leading zero");
}

TEST_F(TxErrorTest, UnsupportedType) {
  // A blob transaction (EIP-4844) and other envelope types.
  Bytes blob = good().raw;
  blob[0] = 0x03;
  expect_error(blob, TxError::kUnsupportedType, "0x03");
  Bytes zero = good().raw;
  zero[0] = 0x00;
  expect_error(zero, TxError::kUnsupportedType, "0x00");
  Bytes last = good().raw;
  last[0] = 0x7f;
  expect_error(last, TxError::kUnsupportedType, "0x7f");
}

TEST_F(TxErrorTest, WrongFieldCount) {
  for (TxType type : {TxType::kLegacy, TxType::kAccessList, TxType::kDynamicFee}) {
    Bytes fewer = mutate(good(type).raw, [](auto& f) { f.pop_back(); });
    expect_error(fewer, TxError::kWrongFieldCount, "expected");
    Bytes more = mutate(good(type).raw, [](auto& f) { f.push_back(str({})); });
    expect_error(more, TxError::kWrongFieldCount, "expected");
  }
  expect_error(typed(0x02, r_list({})), TxError::kWrongFieldCount, "0 fields, expected 12");
  expect_error(r_list({r_uint(1)}), TxError::kWrongFieldCount, "1 fields, expected 9");
}

TEST_F(TxErrorTest, BadField) {
  // `to` of 19 bytes (and 21).
  Bytes short_to = mutate(good().raw, [](auto& f) { f[5] = str(Bytes(19, 0x11)); });
  expect_error(short_to, TxError::kBadField, "to: 19 bytes, an address has 20");
  Bytes long_to = mutate(good(TxType::kLegacy).raw, [](auto& f) { f[3] = str(Bytes(21, 0x11)); });
  expect_error(long_to, TxError::kBadField, "to: 21 bytes");
  // Integers wider than their field: nonce, gas limit, chain id (u64); a fee wider than 256 bits.
  Bytes wide_nonce = mutate(good().raw, [](auto& f) { f[1] = str(Bytes(9, 0x01)); });
  expect_error(wide_nonce, TxError::kBadField, "nonce: integer too large");
  Bytes wide_gas = mutate(good().raw, [](auto& f) { f[4] = str(Bytes(9, 0x01)); });
  expect_error(wide_gas, TxError::kBadField, "gasLimit");
  Bytes wide_chain = mutate(good().raw, [](auto& f) { f[0] = str(Bytes(9, 0x01)); });
  expect_error(wide_chain, TxError::kBadField, "chainId");
  Bytes wide_fee = mutate(good().raw, [](auto& f) { f[3] = str(Bytes(33, 0x01)); });
  expect_error(wide_fee, TxError::kBadField, "maxFeePerGas");
  // A legacy v whose chain id does not fit 64 bits.
  Bytes wide_v = mutate(good(TxType::kLegacy).raw, [](auto& f) { f[6] = str(Bytes(10, 0x01)); });
  expect_error(wide_v, TxError::kBadField, "chain id wider than 64 bits");
  // A list where a string belongs.
  Bytes list_data = mutate(good().raw, [](auto& f) {
    f[7] = rlp::Item{};
    f[7].is_list = true;
  });
  expect_error(list_data, TxError::kBadField, "data");
  // Access lists of the wrong shape, or too long.
  Bytes not_list = mutate(good().raw, [](auto& f) { f[8] = str({0x01}); });
  expect_error(not_list, TxError::kBadField, "accessList: not a list");
  Transaction with_key = make_tx(0, dev_key(1).address(), {});
  with_key.access_list.push_back({dev_key(1).address(), {Bytes32{}}});
  Bytes short_key = mutate(signed_raw(with_key),
                           [](auto& f) { f[8].items[0].items[1].items[0] = str(Bytes(31, 0x01)); });
  expect_error(short_key, TxError::kBadField, "storage key is not 32 bytes");
  Bytes bad_address =
      mutate(signed_raw(with_key), [](auto& f) { f[8].items[0].items[0] = str(Bytes(19, 0x01)); });
  expect_error(bad_address, TxError::kBadField, "address is not 20 bytes");
  Transaction many = make_tx(0, dev_key(1).address(), {});
  many.access_list.assign(kMaxAccessListEntries + 1, AccessListEntry{dev_key(1).address(), {}});
  expect_error(signed_raw(many), TxError::kBadField, "257 entries, at most 256");
  many.access_list.resize(kMaxAccessListEntries);
  decode_ok(signed_raw(many));
}

TEST_F(TxErrorTest, MissingChainId) {
  // A pre-EIP-155 legacy transaction (v = 27 or 28).
  SignedTransaction s = good(TxType::kLegacy);
  for (uint8_t v : {27, 28}) {
    Bytes raw = mutate(s.raw, [&](auto& f) { f[6] = str({v}); });
    expect_error(raw, TxError::kMissingChainId, "without EIP-155");
  }
}

TEST_F(TxErrorTest, WrongChainId) {
  for (TxType type : {TxType::kLegacy, TxType::kAccessList, TxType::kDynamicFee}) {
    Transaction tx = make_tx(0, dev_key(1).address(), {}, type);
    tx.chain_id = 1;
    expect_error(signed_raw(tx), TxError::kWrongChainId,
                 "transaction signed for chain 1, this chain is 1337");
  }
}

TEST_F(TxErrorTest, InvalidSignature) {
  const U256 n =
      *U256::from_hex("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
  for (TxType type : {TxType::kLegacy, TxType::kDynamicFee}) {
    SCOPED_TRACE(static_cast<int>(type));
    SignedTransaction s = good(type);
    // High s: the same signature's twin (n - s, the other recovery id) is refused (EIP-2).
    crypto::Signature high = s.signature;
    high.s = n.checked_sub(U256::from_bytes32(s.signature.s))->to_bytes32();
    high.recovery_id ^= 1;
    expect_error(encode_signed(s.tx, high), TxError::kInvalidSignature, "s high");
    crypto::Signature zero_r = s.signature;
    zero_r.r = Bytes32{};
    expect_error(encode_signed(s.tx, zero_r), TxError::kInvalidSignature);
    crypto::Signature big_r = s.signature;
    big_r.r = n.to_bytes32();
    expect_error(encode_signed(s.tx, big_r), TxError::kInvalidSignature);
    crypto::Signature wide_s = s.signature;
    Bytes wide =
        mutate(encode_signed(s.tx, wide_s), [](auto& f) { f.back() = str(Bytes(33, 0x01)); });
    expect_error(wide, TxError::kBadField, "s: integer too large");
  }
  // y-parity other than 0/1.
  Bytes parity = mutate(good().raw, [](auto& f) { f[9] = str({0x02}); });
  expect_error(parity, TxError::kInvalidSignature, "yParity = 2");
  // A legacy v that is neither 27/28 nor EIP-155's.
  Bytes v30 = mutate(good(TxType::kLegacy).raw, [](auto& f) { f[6] = str({30}); });
  expect_error(v30, TxError::kInvalidSignature, "v = 30");
  // A tampered field changes the signer: the signature recovers someone else or nobody.
  Bytes tampered = mutate(good().raw, [](auto& f) { f[1] = str({0x05}); });
  auto r = decode_transaction(tampered, kChainId);
  if (r.index() == 0) {
    EXPECT_NE(std::get<SignedTransaction>(r).sender, dev_key(0).address());
  }
}

TEST_F(TxErrorTest, ContractCreation) {
  Transaction tx = make_tx(0, Address{}, Bytes{0x60, 0x80});
  tx.to.reset();
  expect_error(signed_raw(tx), TxError::kContractCreation, "no EVM");
}

TEST_F(TxErrorTest, ValueNotSupported) {
  Transaction tx = make_tx(0, dev_key(1).address(), {});
  tx.value = U256(1);
  expect_error(signed_raw(tx), TxError::kValueNotSupported, "value 1");
}

TEST_F(TxErrorTest, GasLimits) {
  Transaction low = make_tx(0, dev_key(1).address(), Bytes{0, 1});
  low.gas_limit = 21000 + 4 + 16 - 1;
  expect_error(signed_raw(low), TxError::kGasLimitTooLow, "below the intrinsic gas 21020");
  low.gas_limit += 1;
  decode_ok(signed_raw(low));
  // The most a transaction may ask for is the metered block gas limit (docs/NODE.md).
  Transaction high = make_tx(0, dev_key(1).address(), {});
  high.gas_limit = kMeteredBlockGasLimit + 1;
  expect_error(signed_raw(high), TxError::kGasLimitTooHigh, "above the block gas limit");
  high.gas_limit = kMeteredBlockGasLimit;
  decode_ok(signed_raw(high));
}

TEST_F(TxErrorTest, FeeCapBelowTip) {
  Transaction tx = make_tx(0, dev_key(1).address(), {});
  tx.max_priority_fee_per_gas = U256(2);
  tx.max_fee_per_gas = U256(1);
  expect_error(signed_raw(tx), TxError::kFeeCapBelowTip, "below maxPriorityFeePerGas");
  tx.max_fee_per_gas = U256(2);
  decode_ok(signed_raw(tx));
}

TEST_F(TxErrorTest, EveryErrorHasAName) {
  for (int e = 0; e <= static_cast<int>(TxError::kFeeCapBelowTip); ++e)
    EXPECT_NE(to_string(static_cast<TxError>(e)), "unknown");
}

}  // namespace
}  // namespace stoa::chain::testing
