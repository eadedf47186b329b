// The cap table of a security: holders with balances and percentages of the total supply. Read
// from the node's REST view GET /v1/securities/{symbol}/holders when it answers, otherwise
// rebuilt from the token's Transfer logs (eth_getLogs).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/cli/rpc_client.h"
#include "stoa/cli/security_ref.h"
#include "stoa/common/u256.h"

namespace stoa::cli {

struct CapTableRow {
  Address holder;
  U256 balance;
};

struct CapTable {
  std::vector<CapTableRow> rows;  // non-zero balances, largest first, then by address
  U256 total;                     // sum of the rows
  std::string source;             // "rest" or "logs"
};

// Parses the REST view's holders (an array, or an object with "holders"/"items"/"data"), each
// with "address"/"holder"/"account" and "balance"; nullopt if the shape is not recognised.
std::optional<std::vector<CapTableRow>> parse_holders_json(const nlohmann::json& body);

// Replays Transfer logs (ERC-20 form) into balances.
std::vector<CapTableRow> balances_from_transfer_logs(const nlohmann::json& logs);

CapTable load_cap_table(RpcClient& rpc, const SecurityRef& security);

// balance / total as a percentage with two decimals, floored ("12.34%"); "-" when total is 0.
std::string format_percent(const U256& balance, const U256& total);

}  // namespace stoa::cli
