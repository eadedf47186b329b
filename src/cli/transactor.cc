// Estimate, sign, send, wait.
#include "stoa/cli/transactor.h"

#include <algorithm>
#include <cstdio>

#include "stoa/chain/transaction.h"

namespace stoa::cli {

using nlohmann::json;

Transactor::Transactor(RpcClient& rpc, const crypto::PrivateKey& key)
    : rpc_(rpc), key_(key), sender_(key.address()) {}

Bytes32 Transactor::submit(const Address& to, BytesView data) {
  uint64_t gas = 0;
  try {
    gas = rpc_.estimate_gas(sender_, to, data);
  } catch (const RpcError& e) {
    if (e.is_revert() || e.code() == 3) throw TransactionRefused(e.reason());
    throw;
  }
  if (!chain_id_) chain_id_ = rpc_.chain_id();
  if (!next_nonce_) next_nonce_ = rpc_.pending_nonce(sender_);
  chain::Transaction tx;
  tx.type = chain::TxType::kDynamicFee;
  tx.chain_id = *chain_id_;
  tx.nonce = *next_nonce_;
  // Headroom over the estimate (state may move between estimate and inclusion), within bounds.
  tx.gas_limit = std::max(std::min(gas + gas / 5, chain::kBlockGasLimit), gas);
  tx.to = to;
  tx.data.assign(data.begin(), data.end());
  const chain::SignedTransaction signed_tx = chain::sign_transaction(tx, key_);
  const Bytes32 hash = rpc_.send_raw_transaction(signed_tx.raw);
  ++*next_nonce_;
  return hash;
}

TxOutcome Transactor::send(const Address& to, BytesView data) {
  const Bytes32 hash = submit(to, data);
  return outcome_from_receipt(hash, rpc_.wait_for_receipt(hash, receipt_timeout));
}

TxOutcome outcome_from_receipt(const Bytes32& hash, const json& receipt) {
  TxOutcome o;
  o.hash = hash;
  o.receipt = receipt;
  o.success = receipt.contains("status") && parse_quantity(receipt.at("status"), "status") == 1;
  if (receipt.contains("blockNumber"))
    o.block = parse_quantity(receipt.at("blockNumber"), "block number");
  if (receipt.contains("gasUsed")) o.gas_used = parse_quantity(receipt.at("gasUsed"), "gas used");
  if (receipt.contains("logs") && receipt.at("logs").is_array()) {
    for (const json& l : receipt.at("logs"))
      o.logs.push_back(decode_log(l));
  }
  return o;
}

std::string format_outcome(const TxOutcome& o) {
  std::string s = "transaction " + o.hash.hex() + " in block " + std::to_string(o.block) + ": " +
                  (o.success ? "success" : "FAILED (status 0)") + "\n";
  if (!o.success && o.receipt.contains("revertReason") && o.receipt.at("revertReason").is_string())
    s += "  reason: " + o.receipt.at("revertReason").get<std::string>() + "\n";
  for (const DecodedLog& l : o.logs)
    s += "  " + format_log(l) + "\n";
  return s;
}

json outcome_json(const TxOutcome& o) {
  json logs = json::array();
  for (const DecodedLog& l : o.logs)
    logs.push_back(log_json(l));
  return {{"transactionHash", o.hash.hex()},
          {"status", o.success ? 1 : 0},
          {"blockNumber", o.block},
          {"gasUsed", o.gas_used},
          {"logs", logs}};
}

int print_outcome(const TxOutcome& o, bool json_output) {
  if (json_output) {
    std::printf("%s\n", outcome_json(o).dump(2).c_str());
  } else {
    std::printf("%s", format_outcome(o).c_str());
  }
  return o.success ? 0 : 1;
}

}  // namespace stoa::cli
