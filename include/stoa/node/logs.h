// Log queries (eth_getLogs and log filters): addresses, topics with OR-arrays and null
// wildcards, block ranges or one block hash, with documented limits.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/chain/chain.h"
#include "stoa/node/rpc.h"

namespace stoa::node {

inline constexpr uint64_t kMaxLogBlockRange = 10'000;  // blocks per eth_getLogs query
inline constexpr size_t kMaxLogResults = 10'000;       // logs per response (-32005 beyond)
inline constexpr size_t kMaxTopicPositions = 4;
inline constexpr size_t kMaxFilterAlternatives = 1'000;  // addresses or topics in one OR-array

struct LogQuery {
  std::vector<Address> addresses;            // empty: any
  std::vector<std::vector<Bytes32>> topics;  // per position; empty inner: any
  BlockTag from;                             // default latest
  BlockTag to;                               // default latest
  std::optional<Bytes32> block_hash;         // exclusive with from/to
};

// Parses an eth_getLogs / eth_newFilter object (throws RpcError -32602).
LogQuery parse_log_query(const json& v);
bool log_matches(const LogQuery& q, const core::Log& log);

// The block number a tag names for a log range: head for latest/pending/safe/finalized.
uint64_t resolve_block(const BlockTag& t, const chain::Chain& chain);

// Appends the matching logs of blocks [from, to] (clamped to the head) to `out`. Throws
// -32005 when the range exceeds kMaxLogBlockRange or the result kMaxLogResults.
void collect_logs(const chain::Chain& chain, const LogQuery& q, uint64_t from, uint64_t to,
                  json& out);
// The whole query (block hash or range).
json query_logs(const chain::Chain& chain, const LogQuery& q);

}  // namespace stoa::node
