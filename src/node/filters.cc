// Installed filters with expiry.
#include "stoa/node/filters.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace stoa::node {

Filters::Filters() : rng_(std::random_device{}()) {}

void Filters::expire(Clock::time_point now) {
  for (auto it = filters_.begin(); it != filters_.end();) {
    if (now - it->second.last_used > kFilterTimeout) {
      auto dead = it++;
      erase(dead);
    } else {
      ++it;
    }
  }
}

void Filters::erase(std::map<std::string, Filter>::iterator it) {
  auto c = per_client_.find(it->second.client);
  if (c != per_client_.end() && --c->second == 0) per_client_.erase(c);
  filters_.erase(it);
}

Filters::Filter& Filters::find(const std::string& id) {
  auto it = filters_.find(id);
  if (it == filters_.end()) throw RpcError(rpc_code::kInvalidInput, "filter not found");
  return it->second;
}

std::string Filters::add(Filter f) {
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  expire(now);
  if (filters_.size() >= kMaxFilters) {
    throw RpcError(rpc_code::kLimitExceeded, "too many filters installed (limit " +
                                                 std::to_string(kMaxFilters) +
                                                 "): uninstall unused filters");
  }
  size_t& mine = per_client_[f.client];
  if (mine >= kMaxFiltersPerClient) {
    throw RpcError(rpc_code::kLimitExceeded, "too many filters installed by this client (limit " +
                                                 std::to_string(kMaxFiltersPerClient) +
                                                 " per client address): uninstall unused filters");
  }
  ++mine;
  f.last_used = now;
  char id[35];
  std::snprintf(id, sizeof id, "0x%016llx%016llx", static_cast<unsigned long long>(rng_()),
                static_cast<unsigned long long>(rng_()));
  filters_.emplace(id, std::move(f));
  return id;
}

std::string Filters::add_log_filter(LogQuery q, uint64_t head, const std::string& client) {
  Filter f;
  f.client = client;
  f.query = std::move(q);
  f.next_block = head + 1;
  return add(std::move(f));
}

std::string Filters::add_block_filter(uint64_t head, const std::string& client) {
  Filter f;
  f.client = client;
  f.blocks = true;
  f.next_block = head + 1;
  return add(std::move(f));
}

bool Filters::remove(const std::string& id) {
  std::lock_guard lock(mu_);
  expire(Clock::now());
  auto it = filters_.find(id);
  if (it == filters_.end()) return false;
  erase(it);
  return true;
}

json Filters::changes(const std::string& id, const chain::Chain& chain) {
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  expire(now);
  Filter& f = find(id);
  f.last_used = now;
  json out = json::array();
  const uint64_t head = chain.height();
  if (f.blocks) {
    for (uint64_t n = f.next_block; n <= head; ++n) {
      out.push_back(chain.block_by_number(n)->hash.hex());
    }
    f.next_block = std::max(f.next_block, head + 1);
    return out;
  }
  if (f.query.block_hash) {  // a one-block filter: its logs once
    if (f.next_block != UINT64_MAX) out = query_logs(chain, f.query);
    f.next_block = UINT64_MAX;
    return out;
  }
  uint64_t from = std::max(f.next_block, resolve_block(f.query.from, chain));
  if (f.query.from.kind != BlockTag::kNumber && f.query.from.kind != BlockTag::kEarliest) {
    from = f.next_block;
  }
  uint64_t to = head;
  if (f.query.to.kind == BlockTag::kNumber) to = std::min(to, f.query.to.number);
  collect_logs(chain, f.query, from, to, out);
  f.next_block = std::max(f.next_block, head + 1);
  return out;
}

json Filters::logs(const std::string& id, const chain::Chain& chain) {
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  expire(now);
  Filter& f = find(id);
  f.last_used = now;
  if (f.blocks) throw RpcError(rpc_code::kInvalidInput, "filter is not a log filter");
  return query_logs(chain, f.query);
}

size_t Filters::size() const {
  std::lock_guard lock(mu_);
  return filters_.size();
}

}  // namespace stoa::node
