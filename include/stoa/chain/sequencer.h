// Admission and sequencing: checks a decoded transaction against the sender's next nonce
// (counting transactions already queued), queues it, and seals queued transactions into blocks
// on a thread of its own — group commit: everything queued when a block starts goes into it.
// A block is handed to the durability hook (the journal: append + fsync) before its receipts are
// published; only then do waiters see their receipts.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <variant>

#include "stoa/chain/chain.h"
#include "stoa/chain/seal_worker.h"

namespace stoa::chain {

inline constexpr size_t kMaxQueuedTransactions = 100'000;  // waiting for a block
inline constexpr size_t kMaxTransactionsPerBlock = 10'000;

enum class AdmitError : uint8_t {
  kOk = 0,
  kNonceTooLow = 1,   // already used (a replay)
  kNonceTooHigh = 2,  // a gap: the node does not hold transactions for later
  kAlreadyKnown = 3,  // the same transaction is queued or included
  kQueueFull = 4,     // kMaxQueuedTransactions waiting
  kStopped = 5,       // the node is shutting down
};
std::string_view to_string(AdmitError e);

struct SequencerOptions {
  // Longest a transaction waits for its block; a block is sealed at once when the queue is not
  // empty and the previous block is durable (0 = seal as soon as anything is queued).
  std::chrono::milliseconds max_batch_delay{2};
  // Source of block timestamps (seconds); the only clock the ledger sees.
  std::function<uint64_t()> clock;
  // Makes a sealed block durable; called on the sequencer thread before receipts are published.
  std::function<void(const Block&)> on_sealed;
};

class Sequencer {
 public:
  Sequencer(Chain& chain, SequencerOptions options);
  ~Sequencer();  // stops and joins
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;

  // Admits a decoded transaction. On success the expected nonce of the sender moves on.
  AdmitError submit(SignedTransaction tx, std::string* detail = nullptr);
  // The next nonce for `sender` counting queued transactions (eth_getTransactionCount pending).
  uint64_t pending_nonce(const Address& sender) const;
  // Blocks until the transaction is in a durable block, or the timeout passes.
  std::optional<TxLocation> wait_for(const Bytes32& hash, std::chrono::milliseconds timeout);
  void stop();

  // Readers of the chain take this lock shared; the sequencer takes it exclusively to seal.
  std::shared_mutex& chain_mutex() { return chain_mutex_; }
  size_t queued() const;

 private:
  void run();

  Chain& chain_;
  SequencerOptions options_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable sealed_cv_;
  std::deque<SignedTransaction> queue_;
  absl::flat_hash_map<Address, uint64_t, core::AddressHash> pending_nonces_;
  absl::flat_hash_map<Bytes32, bool, core::Bytes32Hash> queued_hashes_;
  mutable std::shared_mutex chain_mutex_;  // mutable: pending_nonce() const reads the chain
  bool stopping_ = false;
  SealThread seal_thread_;  // lent to Chain::seal_block (declared before thread_: outlives it)
  std::thread thread_;
};

}  // namespace stoa::chain
