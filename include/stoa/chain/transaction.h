// Signed Ethereum transactions: legacy with EIP-155, EIP-2930 and EIP-1559 envelopes, decoded
// with strict canonical RLP, the sender recovered with secp256k1 (low-s only). No gas market:
// fees may be zero and are never charged; gas fields are validated for shape only.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"
#include "stoa/common/u256.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::chain {

inline constexpr size_t kMaxRawTransactionBytes = 128 * 1024;  // one signed transaction
inline constexpr uint64_t kBlockGasLimit = 30'000'000;  // notional, per block before metering
// Per block under rules version 3 on (core::rules::metered), when gas counts the work done (the gas
// schedule, include/stoa/core/undo_log.h); also the most a transaction may ask for. Sized so a
// block holds about as much work as kBlockGasLimit of calldata allowed before metering (some 60
// batches of 1,000 compliance-checked transfers, tens of milliseconds): the sequencer's lock is
// held for one block at a time (docs/NODE.md, "Gas schedule").
inline constexpr uint64_t kMeteredBlockGasLimit = 300'000'000;
inline constexpr size_t kMaxAccessListEntries = 256;  // addresses in an access list

enum class TxType : uint8_t { kLegacy = 0, kAccessList = 1, kDynamicFee = 2 };

struct AccessListEntry {
  Address address;
  std::vector<Bytes32> storage_keys;
  bool operator==(const AccessListEntry&) const = default;
};

struct Transaction {
  TxType type = TxType::kDynamicFee;
  uint64_t chain_id = 0;
  uint64_t nonce = 0;
  U256 gas_price;                 // legacy and EIP-2930
  U256 max_priority_fee_per_gas;  // EIP-1559
  U256 max_fee_per_gas;           // EIP-1559
  uint64_t gas_limit = 0;
  std::optional<Address> to;  // nullopt = contract creation (refused: contracts are native)
  U256 value;
  Bytes data;
  std::vector<AccessListEntry> access_list;
  bool operator==(const Transaction&) const = default;
};

struct SignedTransaction {
  Transaction tx;
  crypto::Signature signature;
  Address sender;
  Bytes32 hash;  // keccak256 of the raw envelope, as Ethereum defines it
  Bytes raw;
};

// Stable numbers, in the order the checks run.
enum class TxError : uint8_t {
  kOk = 0,
  kTooLarge = 1,            // more than kMaxRawTransactionBytes
  kMalformedRlp = 2,        // not canonical RLP (the rlp layer's error is in the message)
  kUnsupportedType = 3,     // typed envelope other than 0x01 or 0x02 (e.g. blob 0x03)
  kWrongFieldCount = 4,     // list length differs from the envelope's
  kBadField = 5,            // a field of the wrong shape (address not 20 bytes, integer too wide)
  kMissingChainId = 6,      // legacy without EIP-155 (v = 27/28): replayable across chains
  kWrongChainId = 7,        // signed for another chain
  kInvalidSignature = 8,    // r or s zero or >= n, high s, bad v / y-parity, or no recovery
  kContractCreation = 9,    // `to` empty: there is no EVM to deploy to
  kValueNotSupported = 10,  // non-zero native value: the ledger has no native coin
  kGasLimitTooLow = 11,     // below the intrinsic gas of the data
  kGasLimitTooHigh = 12,    // above kBlockGasLimit
  kFeeCapBelowTip = 13,     // EIP-1559 max fee below max priority fee
};
std::string_view to_string(TxError e);

// Decodes and checks a raw signed transaction for `chain_id`. `detail` (if given) receives a
// human-readable explanation (e.g. the RLP error) for the error message.
std::variant<SignedTransaction, TxError> decode_transaction(BytesView raw, uint64_t chain_id,
                                                            std::string* detail = nullptr);

// The hash a sender signs (EIP-155 for legacy, keccak(type || rlp(fields)) for typed).
// The same checks without recovering the signer: `sender` was recovered when the transaction was
// admitted and is stored next to it in the journal (replay would otherwise spend most of its time
// in secp256k1). `stoa verify` uses decode_transaction and compares the senders.
std::variant<SignedTransaction, TxError> decode_transaction_with_sender(
    BytesView raw, uint64_t chain_id, const Address& sender, std::string* detail = nullptr);

Bytes32 signing_hash(const Transaction& tx);
// The raw envelope of a signed transaction.
Bytes encode_signed(const Transaction& tx, const crypto::Signature& sig);
// Signs (for tests, the CLI and load generators).
SignedTransaction sign_transaction(const Transaction& tx, const crypto::PrivateKey& key);
// The same with the key's address given (`sender` must be key.address(), not checked: pass the
// cached address of the same key). Saves deriving the public key, which costs about as much as
// signing: load generators signing millions keep it per account.
SignedTransaction sign_transaction(const Transaction& tx, const crypto::PrivateKey& key,
                                   const Address& sender);

// 21,000 + 4 per zero byte + 16 per non-zero byte of data: Ethereum's intrinsic gas. Notional —
// fees are never charged — but receipts and eth_estimateGas report it so tools behave.
uint64_t intrinsic_gas(BytesView data);

}  // namespace stoa::chain
