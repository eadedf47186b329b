// WebSocket subscriptions (eth_subscribe "newHeads", "logs" and "newPendingTransactions",
// eth_unsubscribe): each durable block is published to the matching subscriptions as Ethereum's
// eth_subscription notifications, and each admitted transaction's hash to the
// newPendingTransactions ones. Blocks come from the ledger's durability hook
// (Ledger::set_block_listener), so only durable blocks are ever announced; transactions from its
// admission hook (Ledger::set_pending_listener), once admitted to the queue.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "stoa/chain/block.h"
#include "stoa/node/http_server.h"
#include "stoa/node/logs.h"

namespace stoa::node {

// Subscriptions one WebSocket connection may hold at once (-32005 beyond).
inline constexpr size_t kMaxSubscriptionsPerConnection = 100;

class Subscriptions {
 public:
  Subscriptions();
  // eth_subscribe(params): validates, registers an inactive subscription and returns its id
  // (throws RpcError). It starts receiving notifications at activate(), called once the answer
  // is queued, so that the answer comes first.
  std::string subscribe(const std::shared_ptr<WsConnection>& conn, const json& params);
  void activate(uint64_t conn);
  // eth_unsubscribe: whether the connection had this subscription.
  bool unsubscribe(uint64_t conn, const std::string& id);
  // The connection closed: its subscriptions end.
  void remove(uint64_t conn);
  // A durable block (any thread; cheap when no one subscribes).
  void publish(const chain::Block& block);
  // A transaction admitted to the queue (any thread; cheap when no one subscribes).
  void publish_pending(const Bytes32& tx_hash);
  size_t size() const;

 private:
  struct Sub {
    std::string id;
    bool heads = false;
    bool pending = false;  // newPendingTransactions
    LogQuery query;
    bool active = false;
  };
  struct Conn {
    std::weak_ptr<WsConnection> conn;
    std::vector<Sub> subs;
  };
  mutable std::mutex mu_;
  std::map<uint64_t, Conn> conns_;
  std::mt19937_64 rng_;
};

}  // namespace stoa::node
