// Installed filters (eth_newFilter, eth_newBlockFilter): polled with eth_getFilterChanges,
// removed with eth_uninstallFilter, and expired after kFilterTimeout without a poll.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>

#include "stoa/node/logs.h"

namespace stoa::node {

inline constexpr size_t kMaxFilters = 10'000;  // installed at once (-32005)
// Installed at once by one client (its remote IP address), so that one client cannot take every
// slot (-32005).
inline constexpr size_t kMaxFiltersPerClient = 500;
inline constexpr std::chrono::minutes kFilterTimeout{5};  // unused for this long: removed

class Filters {
 public:
  using Clock = std::chrono::steady_clock;
  Filters();

  // `head` is the current head: changes start after it. `client` names who installs it (its
  // remote address; "" for an in-process caller) for kMaxFiltersPerClient.
  std::string add_log_filter(LogQuery q, uint64_t head, const std::string& client = "");
  std::string add_block_filter(uint64_t head, const std::string& client = "");
  bool remove(const std::string& id);
  // New logs / block hashes since the last poll. The caller holds the chain lock shared.
  json changes(const std::string& id, const chain::Chain& chain);
  // Every log the filter's query matches (log filters only).
  json logs(const std::string& id, const chain::Chain& chain);
  size_t size() const;

 private:
  struct Filter {
    bool blocks = false;
    LogQuery query;
    uint64_t next_block = 0;
    Clock::time_point last_used;
    std::string client;
  };
  void expire(Clock::time_point now);                      // mu_ held
  void erase(std::map<std::string, Filter>::iterator it);  // mu_ held
  Filter& find(const std::string& id);  // mu_ held; throws -32000 "filter not found"
  std::string add(Filter f);

  mutable std::mutex mu_;
  std::map<std::string, Filter> filters_;
  std::map<std::string, size_t> per_client_;  // installed filters by client
  std::mt19937_64 rng_;
};

}  // namespace stoa::node
