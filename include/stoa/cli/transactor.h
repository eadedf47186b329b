// Sends transactions the way a wallet does: estimate first (a refusal is reported with its
// decoded reason and nothing is sent), then an EIP-1559 transaction with zero fees (stoa charges
// none), the nonce from eth_getTransactionCount("pending"), signed locally, sent raw, and waited
// for until its receipt.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/cli/log_decoder.h"
#include "stoa/cli/rpc_client.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::cli {

// eth_estimateGas reverted: the transaction would be refused, so it was not sent.
class TransactionRefused : public std::runtime_error {
 public:
  explicit TransactionRefused(const std::string& reason)
      : std::runtime_error("refused, nothing sent: " + reason), reason_(reason) {}
  const std::string& reason() const { return reason_; }

 private:
  std::string reason_;
};

struct TxOutcome {
  Bytes32 hash;
  bool success = false;
  uint64_t block = 0;
  uint64_t gas_used = 0;
  std::vector<DecodedLog> logs;
  nlohmann::json receipt;
};

class Transactor {
 public:
  Transactor(RpcClient& rpc, const crypto::PrivateKey& key);

  const Address& sender() const { return sender_; }

  // Estimates (TransactionRefused on revert), signs and sends; returns the hash.
  Bytes32 submit(const Address& to, BytesView data);
  // submit + wait for the receipt.
  TxOutcome send(const Address& to, BytesView data);

  std::chrono::milliseconds receipt_timeout{std::chrono::seconds(120)};

 private:
  RpcClient& rpc_;
  crypto::PrivateKey key_;
  Address sender_;
  std::optional<uint64_t> chain_id_;
  std::optional<uint64_t> next_nonce_;
};

TxOutcome outcome_from_receipt(const Bytes32& hash, const nlohmann::json& receipt);

// Human lines ("transaction 0x… in block 12: success", then one line per log) and JSON.
std::string format_outcome(const TxOutcome& o);
nlohmann::json outcome_json(const TxOutcome& o);
// Prints the outcome on stdout (JSON with `json`); returns the exit status (0 success, 1 failed).
int print_outcome(const TxOutcome& o, bool json);

}  // namespace stoa::cli
