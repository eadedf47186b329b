// Admission and sequencing: checks a decoded transaction against the sender's next nonce
// (counting transactions already queued), queues it, and seals queued transactions into blocks
// on a thread of its own — group commit: everything queued when a block starts goes into it.
//
// Durability is pipelined: block N is written and synced (the journal's append + fdatasync) on a
// durability thread while the sequencer admits and executes block N+1; block N+1 is handed to
// that thread only once N is durable, so the journal stays in order. Nothing about a block is
// visible before it is durable: readers take read_lock(), which waits until every sealed block is
// durable (at most one block's write), and waiters see receipts only then. Admission (submit,
// pending_nonce) does not wait: nonces count executed blocks, durable or not.
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

inline constexpr size_t kMaxQueuedTransactions = 100'000;   // waiting for a block
inline constexpr size_t kMaxQueuedBytes = 64ull << 20;      // 64 MiB of raw transactions waiting
inline constexpr size_t kMaxPendingPerSender = 4'096;       // one sender's transactions waiting
inline constexpr size_t kMaxTransactionsPerBlock = 10'000;  // and kBlockGasLimit of intrinsic gas

enum class AdmitError : uint8_t {
  kOk = 0,
  kNonceTooLow = 1,      // already used (a replay)
  kNonceTooHigh = 2,     // a gap: the node does not hold transactions for later
  kAlreadyKnown = 3,     // the same transaction is queued or included
  kQueueFull = 4,        // kMaxQueuedTransactions waiting
  kStopped = 5,          // the node is shutting down
  kNoStanding = 6,       // the sender has no standing on the ledger (SequencerOptions::admit)
  kSenderQueueFull = 7,  // kMaxPendingPerSender of the sender's transactions waiting
  kUnexecutable = 8,     // fails before any contract code would run (no contract, bad selector...)
};
std::string_view to_string(AdmitError e);

struct SequencerOptions {
  // Longest a transaction waits for its block; a block is sealed at once when the queue is not
  // empty and the previous block is durable (0 = seal as soon as anything is queued).
  std::chrono::milliseconds max_batch_delay{2};
  // Source of block timestamps (seconds); the only clock the ledger sees.
  std::function<uint64_t()> clock;
  // Makes a sealed block durable. Runs on the durability thread while the next block executes,
  // so it must not read the state: `state` is null, unless needs_state(block) said the hook needs
  // it (a state image is due), in which case it runs with the chain still at that block and locked.
  std::function<void(const Block&, const core::State* state)> make_durable;
  std::function<bool(const Block&)> needs_state;  // empty: never
  // Runs once the block is durable, before its receipts are visible (the pending pool, metrics).
  std::function<void(const Block&)> on_durable;
  // The admission policy (docs/NODE.md, "Admission policy"), run for every transaction under the
  // chain lock (shared), after the duplicate check and before the nonce checks: kOk, or a refusal
  // with `detail` and, for kUnexecutable, the revert data `revert` an eth_call would return.
  // Empty: every transaction is admitted (tests of the sequencer alone).
  std::function<AdmitError(const core::State& state, const SignedTransaction& tx,
                           std::string* detail, Bytes* revert)>
      admit;
};

class Sequencer {
 public:
  Sequencer(Chain& chain, SequencerOptions options);
  ~Sequencer();  // stops and joins
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;

  // Admits a decoded transaction. On success the expected nonce of the sender moves on.
  // `revert` receives the revert data of a kUnexecutable refusal.
  AdmitError submit(SignedTransaction tx, std::string* detail = nullptr, Bytes* revert = nullptr);
  // The next nonce for `sender` counting queued transactions (eth_getTransactionCount pending).
  uint64_t pending_nonce(const Address& sender) const;
  // Blocks until the transaction is in a durable block, or the timeout passes.
  std::optional<TxLocation> wait_for(const Bytes32& hash, std::chrono::milliseconds timeout);
  void stop();

  // The chain as readers may see it: locked shared, every sealed block durable.
  std::shared_lock<std::shared_mutex> read_lock() const;
  // The same, exclusively (eth_call executes on the live state, then undoes it).
  std::unique_lock<std::shared_mutex> exclusive_lock();
  // Seals a block now, outside the queue (evm_mine: empty unless the sequencer raced it), and
  // makes it durable before returning it.
  uint64_t seal_now(uint64_t timestamp);
  size_t queued() const;

 private:
  void run();
  // Blocks until every sealed block is durable; `chain_lock` (shared or exclusive) is held.
  void wait_durable() const;
  void after_seal(const Block& block);  // pending nonces; chain lock held exclusively
  void durable(const Block& block, const core::State* state);  // make durable, then publish

  Chain& chain_;
  SequencerOptions options_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  mutable std::condition_variable sealed_cv_;  // a block became durable
  std::deque<SignedTransaction> queue_;
  size_t queued_bytes_ = 0;  // raw bytes of queue_
  absl::flat_hash_map<Address, uint64_t, core::AddressHash> pending_nonces_;
  absl::flat_hash_map<Bytes32, bool, core::Bytes32Hash> queued_hashes_;
  uint64_t durable_height_ = 0;            // under mu_
  mutable std::shared_mutex chain_mutex_;  // mutable: pending_nonce() const reads the chain
  bool stopping_ = false;
  // Declared before thread_, so that they outlive it.
  SealThread seal_thread_;     // lent to Chain::seal_block
  SealThread durable_thread_;  // writes block N while N+1 executes
  std::thread thread_;
};

}  // namespace stoa::chain
