// Ethereum JSON shapes of blocks, transactions, receipts and logs.
#include "stoa/node/views.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>

#include "stoa/node/rpc.h"

namespace stoa::node {
namespace {

std::string hex(BytesView b) {
  return to_hex_prefixed(b);
}

std::string bloom_hex(const chain::Bloom& b) {
  return to_hex_prefixed(BytesView(b.data(), b.size()));
}

// The effective gas price: the base fee is zero, so it is the tip capped by the fee cap.
U256 gas_price(const chain::Transaction& tx) {
  return tx.type == chain::TxType::kDynamicFee
             ? std::min(tx.max_fee_per_gas, tx.max_priority_fee_per_gas)
             : tx.gas_price;
}

// EIP-55 of the addresses a receipt names (the sender, the token, the token's logs) is a keccak
// each; most repeat, so each thread keeps the last few.
std::string_view checksum_cached(const Address& a) {
  struct Entry {
    Address address;
    bool valid = false;
    char text[42];
  };
  static thread_local std::array<Entry, 256> cache;
  Entry& e = cache[a.b[19]];
  if (!e.valid || e.address != a) {
    const std::string s = a.checksum_hex();
    std::memcpy(e.text, s.data(), sizeof e.text);
    e.address = a;
    e.valid = true;
  }
  return {e.text, sizeof e.text};
}

constexpr char kHexDigits[] = "0123456789abcdef";

void append_hex_bytes(std::string& out, BytesView b) {
  out += "\"0x";
  const size_t at = out.size();
  out.resize(at + 2 * b.size());
  char* p = out.data() + at;
  for (uint8_t x : b) {
    *p++ = kHexDigits[x >> 4];
    *p++ = kHexDigits[x & 0xf];
  }
  out += '"';
}

void append_quantity(std::string& out, uint64_t v) {
  char buf[16];
  int n = 0;
  do {
    buf[n++] = kHexDigits[v & 0xf];
    v >>= 4;
  } while (v != 0);
  out += "\"0x";
  while (n > 0)
    out += buf[--n];
  out += '"';
}

void append_key(std::string& out, std::string_view key) {
  out += '"';
  out += key;
  out += "\":";
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
  }
  j["gasPrice"] = quantity(gas_price(tx));
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
                      {"effectiveGasPrice", quantity(gas_price(t.tx))},
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

void append_receipt_json(const chain::Block& b, uint32_t index, std::string& out) {
  // The keys in nlohmann's order (sorted), as receipt_json(b, index).dump() writes them. Every
  // member is written with a trailing comma; close() turns the last one into the brace.
  const chain::Receipt& r = b.receipts.at(index);
  const chain::SignedTransaction& t = b.transactions.at(index);
  const std::string block_hash = b.hash.hex();
  auto text = [&](std::string_view key, std::string_view value) {
    append_key(out, key);
    out += '"';
    out += value;
    out += "\",";
  };
  auto qty = [&](std::string_view key, uint64_t v) {
    append_key(out, key);
    append_quantity(out, v);
    out += ',';
  };
  auto hex = [&](std::string_view key, BytesView v) {
    append_key(out, key);
    append_hex_bytes(out, v);
    out += ',';
  };
  auto close = [&](char c) { out.back() = c; };
  out += '{';
  text("blockHash", block_hash);
  qty("blockNumber", b.header.number);
  out += "\"contractAddress\":null,";
  qty("cumulativeGasUsed", r.cumulative_gas_used);
  const U256 price = gas_price(t.tx);
  if (price.fits_u64()) {
    qty("effectiveGasPrice", price.low64());
  } else {
    text("effectiveGasPrice", quantity(price));
  }
  text("from", checksum_cached(r.from));
  qty("gasUsed", r.gas_used);
  append_key(out, "logs");
  out += '[';
  uint32_t li = first_log_index(b, index);
  for (const core::Log& l : r.logs) {
    out += '{';
    text("address", checksum_cached(l.address));
    text("blockHash", block_hash);
    qty("blockNumber", b.header.number);
    hex("data", l.data);
    qty("logIndex", li++);
    out += "\"removed\":false,";
    append_key(out, "topics");
    out += '[';
    for (const Bytes32& topic : l.topics) {
      append_hex_bytes(out, topic.view());
      out += ',';
    }
    if (l.topics.empty()) out += ',';  // "[]" once closed
    close(']');
    out += ',';
    hex("transactionHash", t.hash.view());
    qty("transactionIndex", index);
    close('}');
    out += ',';
  }
  if (r.logs.empty()) out += ',';  // "[]" once closed
  close(']');
  out += ',';
  hex("logsBloom", BytesView(r.bloom.data(), r.bloom.size()));
  if (!r.success) hex("revertData", r.revert_data);
  text("status", r.success ? "0x1" : "0x0");
  if (r.to) {
    text("to", checksum_cached(*r.to));
  } else {
    out += "\"to\":null,";
  }
  hex("transactionHash", r.transaction_hash.view());
  qty("transactionIndex", index);
  qty("type", static_cast<uint64_t>(r.type));
  close('}');
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
