// Prometheus text exposition of the node's counters.
#include "stoa/node/metrics.h"

#include <cstdio>
#include <string>

#include "stoa/common/keccak.h"

namespace stoa::node {

int transfer_restricted_code(BytesView data) {
  static const uint32_t kSelector = selector_of("TransferRestricted(uint8)");
  if (data.size() != 36) return -1;
  const uint32_t sel = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) |
                       (uint32_t{data[2]} << 8) | uint32_t{data[3]};
  if (sel != kSelector) return -1;
  for (size_t i = 4; i < 35; ++i) {
    if (data[i] != 0) return -1;
  }
  return data[35];
}

void Metrics::on_block(const chain::Block& block) {
  std::lock_guard lock(mu_);
  ++blocks_;
  transactions_ += block.transactions.size();
  for (const chain::Receipt& r : block.receipts) {
    if (r.success) continue;
    const int code = transfer_restricted_code(r.revert_data);
    ++reverts_[code >= 0 ? std::to_string(code) : "other"];
  }
}

void Metrics::on_rpc(std::string_view method) {
  std::lock_guard lock(mu_);
  auto it = rpc_.find(method);
  if (it == rpc_.end()) it = rpc_.emplace(std::string(method), 0).first;
  ++it->second;
}

void Metrics::on_http(const std::string& handler, double seconds) {
  std::lock_guard lock(mu_);
  Histogram& h = http_[handler];
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render(size_t queue_depth, PastWindowGauge past) const {
  std::lock_guard lock(mu_);
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  line("# HELP stoa_blocks_total Blocks sealed since the node started.");
  line("# TYPE stoa_blocks_total counter");
  line("stoa_blocks_total " + std::to_string(blocks_));
  line("# HELP stoa_transactions_total Transactions included in sealed blocks.");
  line("# TYPE stoa_transactions_total counter");
  line("stoa_transactions_total " + std::to_string(transactions_));
  line("# HELP stoa_reverts_total Included transactions that reverted, by restriction code.");
  line("# TYPE stoa_reverts_total counter");
  for (const auto& [code, n] : reverts_) {
    line("stoa_reverts_total{code=\"" + code + "\"} " + std::to_string(n));
  }
  line("# HELP stoa_rpc_requests_total JSON-RPC requests by method.");
  line("# TYPE stoa_rpc_requests_total counter");
  for (const auto& [method, n] : rpc_) {
    line("stoa_rpc_requests_total{method=\"" + method + "\"} " + std::to_string(n));
  }
  line("# HELP stoa_http_request_duration_seconds HTTP request latency.");
  line("# TYPE stoa_http_request_duration_seconds histogram");
  for (const auto& [handler, h] : http_) {
    const std::string label = "handler=\"" + handler + "\"";
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      char le[32];
      std::snprintf(le, sizeof le, "%g", kLatencyBuckets[i]);
      line("stoa_http_request_duration_seconds_bucket{" + label + ",le=\"" + le + "\"} " +
           std::to_string(h.buckets[i]));
    }
    line("stoa_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
         std::to_string(h.count));
    char sum[64];
    std::snprintf(sum, sizeof sum, "%.9f", h.sum);
    line("stoa_http_request_duration_seconds_sum{" + label + "} " + sum);
    line("stoa_http_request_duration_seconds_count{" + label + "} " + std::to_string(h.count));
  }
  line("# HELP stoa_queue_depth Transactions admitted and waiting for a block.");
  line("# TYPE stoa_queue_depth gauge");
  line("stoa_queue_depth " + std::to_string(queue_depth));
  line("# HELP stoa_past_window_blocks Blocks below the head whose state eth_call can read.");
  line("# TYPE stoa_past_window_blocks gauge");
  line("stoa_past_window_blocks " + std::to_string(past.blocks));
  line("# HELP stoa_past_window_bytes Memory held by their undo records.");
  line("# TYPE stoa_past_window_bytes gauge");
  line("stoa_past_window_bytes " + std::to_string(past.bytes));
  return out;
}

}  // namespace stoa::node
