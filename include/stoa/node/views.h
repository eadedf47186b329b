// Blocks, transactions, receipts and logs in the JSON shapes of Ethereum's JSON-RPC (quantities
// as minimal hex, data as 0x-hex, addresses EIP-55), shared by eth_* and the REST views.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "stoa/chain/block.h"

namespace stoa::node {

nlohmann::json block_json(const chain::Block& b, bool full_transactions);
// `block` is nullptr for a transaction still waiting for its block.
nlohmann::json transaction_json(const chain::SignedTransaction& t, const chain::Block* block,
                                uint32_t index);
nlohmann::json receipt_json(const chain::Block& b, uint32_t index);
// Appends receipt_json(b, index).dump() to `out` (the same text) without building the document.
void append_receipt_json(const chain::Block& b, uint32_t index, std::string& out);
nlohmann::json log_json(const core::Log& log, const chain::Block& b, uint32_t tx_index,
                        uint32_t log_index);
// The block-wide index of the first log of transaction `tx_index`.
uint32_t first_log_index(const chain::Block& b, uint32_t tx_index);

}  // namespace stoa::node
