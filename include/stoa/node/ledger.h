// The node's ledger: the chain, the sequencer that seals blocks on its own thread, the clock
// blocks are stamped with (wall clock + the --dev time offset), and the transactions admitted
// but not yet in a block. Locking: readers take read_lock(), which also waits until every sealed
// block is durable (chain/sequencer.h); the sequencer seals under the same lock exclusively;
// eth_call takes it exclusively too, because State::simulate executes (and then undoes) the call
// on the one live state.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>

#include <absl/container/flat_hash_map.h>

#include <absl/container/flat_hash_set.h>

#include "stoa/chain/chain.h"
#include "stoa/chain/sequencer.h"
#include "stoa/node/metrics.h"

namespace stoa::node {

class Ledger;

// A subscriber to the durable block stream (Ledger::subscribe). Destroying it (or the stream's
// end: the callback returned false, or the ledger stopped) ends the delivery; the destructor
// waits for a delivery in progress.
class BlockSubscription {
 public:
  BlockSubscription(const BlockSubscription&) = delete;
  BlockSubscription& operator=(const BlockSubscription&) = delete;
  ~BlockSubscription();
  // The next block it will deliver: the cursor it was given plus the blocks delivered.
  uint64_t cursor() const { return cursor_.load(); }
  // Why delivery ended early ("" while running or after a normal end): a block that could not
  // be read from the history (chain/history.h).
  std::string error() const;
  void stop();

 private:
  friend class Ledger;
  BlockSubscription(Ledger& ledger, uint64_t cursor,
                    std::function<bool(const chain::Block&)> deliver);
  void run();

  Ledger& ledger_;
  std::atomic<uint64_t> cursor_;
  std::function<bool(const chain::Block&)> deliver_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::string error_;
  std::thread thread_;
};

class Ledger {
 public:
  // Makes a sealed block durable before anything about it is published (the journal's append
  // + fdatasync, src/store): SequencerOptions::make_durable and needs_state. Empty: blocks in
  // memory only (tests).
  struct Durability {
    std::function<void(const chain::Block&, const core::State*)> make_durable;
    std::function<bool(const chain::Block&)> needs_state;
  };
  Ledger(const chain::ChainConfig& config, Metrics& metrics,
         std::chrono::milliseconds max_batch_delay);
  // A recovered chain (src/store) and its durability hook.
  Ledger(std::unique_ptr<chain::Chain> chain, Metrics& metrics,
         std::chrono::milliseconds max_batch_delay, Durability durability);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  chain::Chain& chain() { return *chain_; }
  const chain::Chain& chain() const { return *chain_; }
  chain::Sequencer& sequencer() { return *sequencer_; }
  // The chain as readers may see it (every sealed block durable), locked shared.
  std::shared_lock<std::shared_mutex> read_lock() const { return sequencer_->read_lock(); }

  // Seconds since the epoch as the ledger sees them: wall clock + the dev offset.
  uint64_t now() const;
  int64_t time_offset() const { return offset_.load(); }
  // evm_increaseTime: moves the ledger's clock forward; returns the total offset.
  int64_t increase_time(int64_t seconds);
  // evm_mine: seals a block now (empty unless the sequencer raced it); returns its number.
  uint64_t mine();

  // eth_call on the head state at the ledger's clock (takes the lock exclusively).
  core::CallResult call(const Address& from, const Address& to, BytesView data);
  // Reads at past blocks (docs/NODE.md, "Reads at past blocks"): with the lock held exclusively
  // (the state is unwound to block `number` by chain::Chain::read_at / call_at, which `fn` calls,
  // and put back before the lock is let go), runs `fn` if block `number` is readable; else
  // returns why not, without running it. `window` receives the readable range either way.
  enum class PastRead { kOk, kFuture, kBeyondWindow };
  struct PastWindow {
    uint64_t oldest = 0;  // the oldest readable block
    uint64_t head = 0;
    uint64_t blocks = 0;  // the configured window (0: reads at past blocks off)
  };
  PastRead at_block(uint64_t number, const std::function<void(chain::Chain&)>& fn,
                    PastWindow* window);
  // eth_estimateGas: the call metered on the head state (chain::Chain::estimate_gas).
  chain::GasEstimate estimate_gas(const Address& from, const Address& to, BytesView data);

  // The admission policy (docs/NODE.md, "Admission policy"): a transaction is admitted only
  // from an account with a standing on the ledger (core::has_standing) or on the operator's
  // allow-list, and only if its call can run (State::check_call_shape). Off until set (tests of
  // the ledger alone); the node sets it before serving.
  struct Admission {
    bool enabled = false;
    absl::flat_hash_set<Address, core::AddressHash> allow;  // the operator's allow-list
  };
  void set_admission(Admission a) { admission_ = std::move(a); }

  // Admits a transaction; while it waits for its block, pending() finds it. `revert` receives
  // the revert data of a kUnexecutable refusal (eth_call's).
  chain::AdmitError submit(chain::SignedTransaction tx, std::string* detail,
                           Bytes* revert = nullptr);
  std::optional<chain::SignedTransaction> pending(const Bytes32& hash) const;

  // Called with every block once it is durable (on the sequencer's durability thread, after the
  // journal write): the WebSocket subscriptions' source. Must not block.
  void set_block_listener(std::function<void(const chain::Block&)> listener);
  // Called with the hash of every transaction admitted to the queue (on the submitting thread,
  // after admission): the newPendingTransactions subscriptions' source. Must not block.
  void set_pending_listener(std::function<void(const Bytes32&)> listener);
  // The durable block stream (docs/ARCHITECTURE.md, "The block stream"): calls `deliver` with
  // every block from number `cursor` on, in order, each once it is durable — first the blocks
  // already in the chain (read from the history when old), then each new one as it becomes
  // durable — on a thread of the subscription's own, without any lock held. `deliver` returns
  // false to end the subscription after that block. The subscriber persists its own cursor (the
  // number after the last block it handled), so after a restart it subscribes again from there: no
  // block is skipped or delivered twice. The subscription must be destroyed before the ledger.
  std::unique_ptr<BlockSubscription> subscribe(uint64_t cursor,
                                               std::function<bool(const chain::Block&)> deliver);

  void stop();

 private:
  void on_durable(const chain::Block& block);
  chain::AdmitError admit(const core::State& state, const chain::SignedTransaction& tx,
                          std::string* detail, Bytes* revert) const;

  Metrics& metrics_;
  std::unique_ptr<chain::Chain> chain_;
  std::atomic<int64_t> offset_{0};
  mutable std::mutex pending_mu_;
  absl::flat_hash_map<Bytes32, chain::SignedTransaction, core::Bytes32Hash> pending_;
  Admission admission_;  // set before the first submit, read-only after
  std::mutex listener_mu_;
  std::function<void(const chain::Block&)> listener_;
  std::function<void(const Bytes32&)> pending_listener_;  // under listener_mu_
  std::unique_ptr<chain::Sequencer> sequencer_;
  // The block stream: subscriptions wait here for a block to become durable.
  friend class BlockSubscription;
  std::mutex stream_mu_;
  std::condition_variable stream_cv_;
  uint64_t stream_durable_ = 0;  // under stream_mu_: the newest durable block announced
  bool stream_stopped_ = false;
};

}  // namespace stoa::node
