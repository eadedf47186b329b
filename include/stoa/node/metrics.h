// Prometheus metrics of the node (text exposition format 0.0.4): blocks, transactions, reverts
// by restriction code, JSON-RPC requests by method, an HTTP latency histogram and the queue
// depth (read from the sequencer at scrape time).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "stoa/chain/block.h"

namespace stoa::node {

// The window of reads at past blocks (docs/NODE.md), read at scrape time.
struct PastWindowGauge {
  uint64_t blocks = 0;  // blocks whose state can be read now (below the head)
  uint64_t bytes = 0;   // the memory their undo records hold
};

class Metrics {
 public:
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

  // A sealed block: counts it, its transactions and its reverts (label: the TransferRestricted
  // code, or "other" for any other revert).
  void on_block(const chain::Block& block);
  void on_rpc(std::string_view method);  // unknown methods are counted as "unknown"
  void on_http(const std::string& handler, double seconds);
  std::string render(size_t queue_depth, PastWindowGauge past = {}) const;

 private:
  mutable std::mutex mu_;
  uint64_t blocks_ = 0;
  uint64_t transactions_ = 0;
  std::map<std::string, uint64_t> reverts_;
  std::map<std::string, uint64_t, std::less<>> rpc_;
  struct Histogram {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  std::map<std::string, Histogram> http_;
};

// The restriction code of TransferRestricted(uint8) revert data, or -1.
int transfer_restricted_code(BytesView revert_data);

}  // namespace stoa::node
