// Log queries over the blocks in memory, skipping blocks whose bloom rules them out.
#include "stoa/node/logs.h"

#include <algorithm>
#include <string>

#include "stoa/node/views.h"

namespace stoa::node {
namespace {

std::vector<Bytes32> parse_topic_position(const json& v, size_t i) {
  const std::string what = "topics[" + std::to_string(i) + "]";
  if (v.is_null()) return {};
  if (v.is_array()) {
    if (v.size() > kMaxFilterAlternatives) invalid_params(what + ": too many alternatives");
    std::vector<Bytes32> alts;
    for (size_t k = 0; k < v.size(); ++k) {
      if (v[k].is_null()) return {};  // a null alternative matches anything
      alts.push_back(parse_hash(v[k], what + "[" + std::to_string(k) + "]"));
    }
    return alts;
  }
  return {parse_hash(v, what)};
}

}  // namespace

LogQuery parse_log_query(const json& v) {
  if (!v.is_object()) invalid_params("filter: expected an object");
  LogQuery q;
  for (const auto& [key, value] : v.items()) {
    if (key != "address" && key != "topics" && key != "fromBlock" && key != "toBlock" &&
        key != "blockHash") {
      invalid_params("filter: unknown field \"" + key + "\"");
    }
  }
  if (v.contains("address") && !v.at("address").is_null()) {
    const json& a = v.at("address");
    if (a.is_array()) {
      if (a.size() > kMaxFilterAlternatives) invalid_params("filter.address: too many addresses");
      for (size_t i = 0; i < a.size(); ++i) {
        q.addresses.push_back(parse_address(a[i], "filter.address[" + std::to_string(i) + "]"));
      }
    } else {
      q.addresses.push_back(parse_address(a, "filter.address"));
    }
  }
  if (v.contains("topics") && !v.at("topics").is_null()) {
    const json& t = v.at("topics");
    if (!t.is_array()) invalid_params("filter.topics: expected an array");
    if (t.size() > kMaxTopicPositions) invalid_params("filter.topics: at most 4 positions");
    for (size_t i = 0; i < t.size(); ++i)
      q.topics.push_back(parse_topic_position(t[i], i));
  }
  const bool has_range = (v.contains("fromBlock") && !v.at("fromBlock").is_null()) ||
                         (v.contains("toBlock") && !v.at("toBlock").is_null());
  if (v.contains("blockHash") && !v.at("blockHash").is_null()) {
    if (has_range) invalid_params("filter: blockHash excludes fromBlock and toBlock");
    q.block_hash = parse_hash(v.at("blockHash"), "filter.blockHash");
  }
  if (v.contains("fromBlock") && !v.at("fromBlock").is_null()) {
    q.from = parse_block_tag(v.at("fromBlock"), "filter.fromBlock");
  }
  if (v.contains("toBlock") && !v.at("toBlock").is_null()) {
    q.to = parse_block_tag(v.at("toBlock"), "filter.toBlock");
  }
  if (q.from.kind == BlockTag::kHash || q.to.kind == BlockTag::kHash) {
    invalid_params("filter: use blockHash for a block hash");
  }
  return q;
}

bool log_matches(const LogQuery& q, const core::Log& log) {
  if (!q.addresses.empty() &&
      std::find(q.addresses.begin(), q.addresses.end(), log.address) == q.addresses.end()) {
    return false;
  }
  for (size_t i = 0; i < q.topics.size(); ++i) {
    if (q.topics[i].empty()) continue;
    if (i >= log.topics.size()) return false;
    if (std::find(q.topics[i].begin(), q.topics[i].end(), log.topics[i]) == q.topics[i].end()) {
      return false;
    }
  }
  return true;
}

namespace {

bool bloom_may_match(const LogQuery& q, const chain::Bloom& bloom) {
  if (!q.addresses.empty()) {
    bool any = false;
    for (const Address& a : q.addresses)
      any = any || chain::bloom_may_contain(bloom, a.view());
    if (!any) return false;
  }
  for (const auto& alts : q.topics) {
    if (alts.empty()) continue;
    bool any = false;
    for (const Bytes32& t : alts)
      any = any || chain::bloom_may_contain(bloom, t.view());
    if (!any) return false;
  }
  return true;
}

void collect_block(const chain::Block& b, const LogQuery& q, json& out) {
  if (!bloom_may_match(q, b.header.logs_bloom)) return;
  uint32_t log_index = 0;
  for (uint32_t i = 0; i < b.receipts.size(); ++i) {
    for (const core::Log& l : b.receipts[i].logs) {
      if (log_matches(q, l)) {
        if (out.size() >= kMaxLogResults) {
          throw RpcError(rpc_code::kLimitExceeded,
                         "query returned more than " + std::to_string(kMaxLogResults) +
                             " results: narrow the block range or the filter");
        }
        out.push_back(log_json(l, b, i, log_index));
      }
      ++log_index;
    }
  }
}

}  // namespace

uint64_t resolve_block(const BlockTag& t, const chain::Chain& chain) {
  switch (t.kind) {
    case BlockTag::kEarliest:
      return 0;
    case BlockTag::kNumber:
      return t.number;
    default:
      return chain.height();
  }
}

void collect_logs(const chain::Chain& chain, const LogQuery& q, uint64_t from, uint64_t to,
                  json& out) {
  to = std::min(to, chain.height());
  if (from > to) return;
  if (to - from + 1 > kMaxLogBlockRange) {
    throw RpcError(rpc_code::kLimitExceeded,
                   "query spans " + std::to_string(to - from + 1) + " blocks, more than " +
                       std::to_string(kMaxLogBlockRange) + ": narrow fromBlock/toBlock");
  }
  for (uint64_t n = from; n <= to; ++n)
    collect_block(*chain.block_by_number(n), q, out);
}

json query_logs(const chain::Chain& chain, const LogQuery& q) {
  json out = json::array();
  if (q.block_hash) {
    const std::shared_ptr<const chain::Block> b = chain.block_by_hash(*q.block_hash);
    if (b == nullptr) throw RpcError(rpc_code::kResourceNotFound, "unknown block hash");
    collect_block(*b, q, out);
    return out;
  }
  const uint64_t from = resolve_block(q.from, chain);
  const uint64_t to = resolve_block(q.to, chain);
  if (q.from.kind == BlockTag::kNumber && q.to.kind == BlockTag::kNumber && from > to) {
    invalid_params("filter: fromBlock is after toBlock");
  }
  collect_logs(chain, q, from, to, out);
  return out;
}

}  // namespace stoa::node
