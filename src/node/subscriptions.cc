// eth_subscribe / eth_unsubscribe and the notifications of durable blocks.
#include "stoa/node/subscriptions.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "stoa/node/rpc.h"
#include "stoa/node/views.h"

namespace stoa::node {
namespace {

std::string notification(const std::string& id, const json& result) {
  return to_wire({{"jsonrpc", "2.0"},
                  {"method", "eth_subscription"},
                  {"params", {{"subscription", id}, {"result", result}}}});
}

}  // namespace

Subscriptions::Subscriptions() : rng_(std::random_device{}()) {}

std::string Subscriptions::subscribe(const std::shared_ptr<WsConnection>& conn,
                                     const json& params) {
  check_param_count(params, 1, 2);
  if (!params[0].is_string()) invalid_params("subscription type: expected a string");
  const std::string kind = params[0].get<std::string>();
  Sub s;
  if (kind == "newHeads") {
    if (param(params, 1) != nullptr) invalid_params("newHeads takes no options");
    s.heads = true;
  } else if (kind == "newPendingTransactions") {
    // Hashes only (the standard's form; geth's full-transaction flag is not supported).
    if (param(params, 1) != nullptr) invalid_params("newPendingTransactions takes no options");
    s.pending = true;
  } else if (kind == "logs") {
    if (const json* f = param(params, 1)) {
      if (f->contains("fromBlock") || f->contains("toBlock") || f->contains("blockHash")) {
        invalid_params("logs subscription: only address and topics are allowed");
      }
      s.query = parse_log_query(*f);
    }
  } else {
    invalid_params("unsupported subscription type \"" + kind +
                   "\" (newHeads, logs or newPendingTransactions)");
  }
  std::lock_guard lock(mu_);
  Conn& c = conns_[conn->id()];
  c.conn = conn;
  if (c.subs.size() >= kMaxSubscriptionsPerConnection) {
    throw RpcError(rpc_code::kLimitExceeded, "too many subscriptions on this connection (limit " +
                                                 std::to_string(kMaxSubscriptionsPerConnection) +
                                                 "): eth_unsubscribe unused ones");
  }
  char id[35];
  std::snprintf(id, sizeof id, "0x%016llx%016llx", static_cast<unsigned long long>(rng_()),
                static_cast<unsigned long long>(rng_()));
  s.id = id;
  c.subs.push_back(std::move(s));
  return id;
}

void Subscriptions::activate(uint64_t conn) {
  std::lock_guard lock(mu_);
  auto it = conns_.find(conn);
  if (it == conns_.end()) return;
  for (Sub& s : it->second.subs)
    s.active = true;
}

bool Subscriptions::unsubscribe(uint64_t conn, const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = conns_.find(conn);
  if (it == conns_.end()) return false;
  auto& subs = it->second.subs;
  auto s = std::find_if(subs.begin(), subs.end(), [&](const Sub& x) { return x.id == id; });
  if (s == subs.end()) return false;
  subs.erase(s);
  return true;
}

void Subscriptions::remove(uint64_t conn) {
  std::lock_guard lock(mu_);
  conns_.erase(conn);
}

size_t Subscriptions::size() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [id, c] : conns_)
    n += c.subs.size();
  return n;
}

void Subscriptions::publish(const chain::Block& block) {
  std::vector<std::pair<std::shared_ptr<WsConnection>, std::string>> out;
  {
    std::lock_guard lock(mu_);
    if (conns_.empty()) return;
    std::optional<json> head;
    for (auto& [cid, c] : conns_) {
      std::shared_ptr<WsConnection> conn = c.conn.lock();
      if (!conn) continue;
      for (const Sub& s : c.subs) {
        if (!s.active || s.pending) continue;
        if (s.heads) {
          if (!head) {
            head = block_json(block, false);
            head->erase("transactions");
            head->erase("uncles");
            head->erase("totalDifficulty");
            head->erase("size");
          }
          out.emplace_back(conn, notification(s.id, *head));
          continue;
        }
        uint32_t log_index = 0;
        for (uint32_t i = 0; i < block.receipts.size(); ++i) {
          for (const core::Log& l : block.receipts[i].logs) {
            if (log_matches(s.query, l)) {
              out.emplace_back(conn, notification(s.id, log_json(l, block, i, log_index)));
            }
            ++log_index;
          }
        }
      }
    }
  }
  for (auto& [conn, text] : out)
    conn->send(std::move(text));
}

void Subscriptions::publish_pending(const Bytes32& tx_hash) {
  std::vector<std::pair<std::shared_ptr<WsConnection>, std::string>> out;
  {
    std::lock_guard lock(mu_);
    if (conns_.empty()) return;
    const json hash = tx_hash.hex();
    for (auto& [cid, c] : conns_) {
      std::shared_ptr<WsConnection> conn = c.conn.lock();
      if (!conn) continue;
      for (const Sub& s : c.subs) {
        if (s.active && s.pending) out.emplace_back(conn, notification(s.id, hash));
      }
    }
  }
  for (auto& [conn, text] : out)
    conn->send(std::move(text));
}

}  // namespace stoa::node
