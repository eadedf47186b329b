// Ethereum JSON shapes of blocks, transactions, receipts and logs.
#include "stoa/node/views.h"

#include <algorithm>
#include <string>

#include "stoa/node/rpc.h"

namespace stoa::node {
namespace {

std::string hex(BytesView b) {
  return to_hex_prefixed(b);
}

std::string bloom_hex(const chain::Bloom& b) {
  return to_hex_prefixed(BytesView(b.data(), b.size()));
}

}  // namespace

uint32_t first_log_index(const chain::Block& b, uint32_t tx_index) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < tx_index && i < b.receipts.size(); ++i) {
    n += static_cast<uint32_t>(b.receipts[i].logs.size());
  }
  return n;
}

nlohmann::json log_json(const core::Log& log, const chain::Block& b, uint32_t tx_index,
                        uint32_t log_index) {
  nlohmann::json topics = nlohmann::json::array();
  for (const Bytes32& t : log.topics)
    topics.push_back(t.hex());
  return {{"address", log.address.checksum_hex()},
          {"topics", topics},
          {"data", hex(log.data)},
          {"blockNumber", quantity(b.header.number)},
          {"blockHash", b.hash.hex()},
          {"transactionHash", b.transactions.at(tx_index).hash.hex()},
          {"transactionIndex", quantity(tx_index)},
          {"logIndex", quantity(log_index)},
          {"removed", false}};
}

nlohmann::json transaction_json(const chain::SignedTransaction& t, const chain::Block* block,
                                uint32_t index) {
  const chain::Transaction& tx = t.tx;
  nlohmann::json j;
  j["hash"] = t.hash.hex();
  j["type"] = quantity(static_cast<uint64_t>(tx.type));
  j["chainId"] = quantity(tx.chain_id);
  j["nonce"] = quantity(tx.nonce);
  j["from"] = t.sender.checksum_hex();
  j["to"] = tx.to ? nlohmann::json(tx.to->checksum_hex()) : nlohmann::json(nullptr);
  j["gas"] = quantity(tx.gas_limit);
  j["value"] = quantity(tx.value);
  j["input"] = hex(tx.data);
  if (tx.type == chain::TxType::kDynamicFee) {
    j["maxFeePerGas"] = quantity(tx.max_fee_per_gas);
    j["maxPriorityFeePerGas"] = quantity(tx.max_priority_fee_per_gas);
    // The base fee is zero: the effective price is the tip, capped by the fee cap.
    j["gasPrice"] = quantity(std::min(tx.max_fee_per_gas, tx.max_priority_fee_per_gas));
  } else {
    j["gasPrice"] = quantity(tx.gas_price);
  }
  if (tx.type != chain::TxType::kLegacy) {
    nlohmann::json al = nlohmann::json::array();
    for (const chain::AccessListEntry& e : tx.access_list) {
      nlohmann::json keys = nlohmann::json::array();
      for (const Bytes32& k : e.storage_keys)
        keys.push_back(k.hex());
      al.push_back({{"address", e.address.checksum_hex()}, {"storageKeys", keys}});
    }
    j["accessList"] = al;
    j["yParity"] = quantity(uint64_t{t.signature.recovery_id});
    j["v"] = quantity(uint64_t{t.signature.recovery_id});
  } else {
    j["v"] = quantity(tx.chain_id * 2 + 35 + t.signature.recovery_id);
  }
  j["r"] = quantity(U256::from_bytes32(t.signature.r));
  j["s"] = quantity(U256::from_bytes32(t.signature.s));
  if (block != nullptr) {
    j["blockHash"] = block->hash.hex();
    j["blockNumber"] = quantity(block->header.number);
    j["transactionIndex"] = quantity(index);
  } else {
    j["blockHash"] = nullptr;
    j["blockNumber"] = nullptr;
    j["transactionIndex"] = nullptr;
  }
  return j;
}

nlohmann::json receipt_json(const chain::Block& b, uint32_t index) {
  const chain::Receipt& r = b.receipts.at(index);
  const chain::SignedTransaction& t = b.transactions.at(index);
  nlohmann::json logs = nlohmann::json::array();
  uint32_t li = first_log_index(b, index);
  for (const core::Log& l : r.logs)
    logs.push_back(log_json(l, b, index, li++));
  nlohmann::json j = {{"transactionHash", r.transaction_hash.hex()},
                      {"transactionIndex", quantity(index)},
                      {"blockHash", b.hash.hex()},
                      {"blockNumber", quantity(b.header.number)},
                      {"from", r.from.checksum_hex()},
                      {"to", r.to ? nlohmann::json(r.to->checksum_hex()) : nlohmann::json(nullptr)},
                      {"cumulativeGasUsed", quantity(r.cumulative_gas_used)},
                      {"gasUsed", quantity(r.gas_used)},
                      {"effectiveGasPrice", transaction_json(t, &b, index)["gasPrice"]},
                      {"contractAddress", nullptr},
                      {"logs", logs},
                      {"logsBloom", bloom_hex(r.bloom)},
                      {"type", quantity(static_cast<uint64_t>(r.type))},
                      {"status", r.success ? "0x1" : "0x0"}};
  // Not in Ethereum's receipt: the revert data of a failed transaction, so tools can decode it
  // without replaying the call.
  if (!r.success) j["revertData"] = hex(r.revert_data);
  return j;
}

nlohmann::json block_json(const chain::Block& b, bool full_transactions) {
  const chain::BlockHeader& h = b.header;
  nlohmann::json txs = nlohmann::json::array();
  size_t size = h.rlp().size();
  for (uint32_t i = 0; i < b.transactions.size(); ++i) {
    size += b.transactions[i].raw.size();
    if (full_transactions) {
      txs.push_back(transaction_json(b.transactions[i], &b, i));
    } else {
      txs.push_back(b.transactions[i].hash.hex());
    }
  }
  return {{"number", quantity(h.number)},
          {"hash", b.hash.hex()},
          {"parentHash", h.parent_hash.hex()},
          {"sha3Uncles", h.ommers_hash.hex()},
          {"miner", h.coinbase.checksum_hex()},
          {"stateRoot", h.state_root.hex()},
          {"transactionsRoot", h.transactions_root.hex()},
          {"receiptsRoot", h.receipts_root.hex()},
          {"logsBloom", bloom_hex(h.logs_bloom)},
          {"difficulty", "0x0"},
          {"totalDifficulty", "0x0"},
          {"gasLimit", quantity(h.gas_limit)},
          {"gasUsed", quantity(h.gas_used)},
          {"timestamp", quantity(h.timestamp)},
          {"extraData", hex(h.extra_data)},
          {"mixHash", Bytes32{}.hex()},
          {"nonce", "0x0000000000000000"},
          {"baseFeePerGas", quantity(h.base_fee_per_gas)},
          {"size", quantity(static_cast<uint64_t>(size))},
          {"transactions", txs},
          {"uncles", nlohmann::json::array()}};
}

}  // namespace stoa::node
