// Admission and sequencing on a thread of its own.
//
// Locking: chain_mutex_ (shared for readers, exclusive to seal) is always taken before mu_, never
// after. submit(), pending_nonce(), wait_for(), read_lock() and seal_now() take chain_mutex_
// themselves, so callers must not hold it when calling them. The sequencer is the only writer of
// the chain while it runs (seal_now goes through it); sealing directly on the chain at the same
// time would break the nonce invariant that Chain::seal_block asserts, and the journal's order.
//
// Durability: durable_height_ (under mu_) is the last block made durable and published. The
// sequencer thread seals block N under the exclusive lock, releases it, waits for N-1 to be
// durable, then hands N to durable_thread_ — whose job makes N durable and publishes it — and
// goes on admitting and sealing N+1. A reader holding chain_mutex_ shared keeps the sequencer
// from sealing, so wait_durable() under it waits for one write at most and never for the lock.
// A block whose hook needs the state (a state image) is made durable under the exclusive lock,
// before anything else executes.
//
// stop() drains: every admitted transaction is sealed (without waiting for max_batch_delay) and
// made durable before the thread exits, so an admitted transaction is never silently dropped.
#include "stoa/chain/sequencer.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace stoa::chain {
namespace {

void set_detail(std::string* out, std::string text) {
  if (out != nullptr) *out = std::move(text);
}

uint64_t system_seconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

std::string_view to_string(AdmitError e) {
  switch (e) {
    case AdmitError::kOk:
      return "ok";
    case AdmitError::kNonceTooLow:
      return "nonce too low";
    case AdmitError::kNonceTooHigh:
      return "nonce too high";
    case AdmitError::kAlreadyKnown:
      return "already known";
    case AdmitError::kQueueFull:
      return "transaction queue full";
    case AdmitError::kStopped:
      return "node is shutting down";
    case AdmitError::kNoStanding:
      return "sender has no standing";
    case AdmitError::kSenderQueueFull:
      return "sender's queue share full";
    case AdmitError::kUnexecutable:
      return "call cannot succeed";
  }
  return "unknown";
}

Sequencer::Sequencer(Chain& chain, SequencerOptions options)
    : chain_(chain), options_(std::move(options)), durable_height_(chain.height()) {
  if (!options_.clock) options_.clock = system_seconds;
  thread_ = std::thread([this] { run(); });
}

Sequencer::~Sequencer() {
  stop();
}

AdmitError Sequencer::submit(SignedTransaction tx, std::string* detail, Bytes* revert) {
  std::shared_lock chain_lock(chain_mutex_);
  std::unique_lock lock(mu_);
  if (stopping_) {
    set_detail(detail, "the node is shutting down");
    return AdmitError::kStopped;
  }
  if (queued_hashes_.contains(tx.hash) || chain_.find_transaction(tx.hash).has_value()) {
    set_detail(detail, "transaction " + tx.hash.hex() + " is already known");
    return AdmitError::kAlreadyKnown;
  }
  if (options_.admit) {
    // The state is stable under the shared chain lock (the sequencer seals exclusively).
    const AdmitError e = options_.admit(chain_.state(), tx, detail, revert);
    if (e != AdmitError::kOk) return e;
  }
  const uint64_t executed = chain_.state().account_nonce(tx.sender);
  uint64_t expected = executed;
  if (auto it = pending_nonces_.find(tx.sender); it != pending_nonces_.end()) {
    expected = std::max(expected, it->second);
  }
  if (tx.tx.nonce < expected) {
    set_detail(detail, "nonce " + std::to_string(tx.tx.nonce) + " too low for " +
                           tx.sender.checksum_hex() + ", next is " + std::to_string(expected));
    return AdmitError::kNonceTooLow;
  }
  if (tx.tx.nonce > expected) {
    set_detail(detail, "nonce " + std::to_string(tx.tx.nonce) + " too high for " +
                           tx.sender.checksum_hex() + ", next is " + std::to_string(expected) +
                           " (gaps are not held)");
    return AdmitError::kNonceTooHigh;
  }
  if (expected - executed >= kMaxPendingPerSender) {
    set_detail(detail, std::to_string(expected - executed) + " transactions of " +
                           tx.sender.checksum_hex() + " are waiting (at most " +
                           std::to_string(kMaxPendingPerSender) + " per sender)");
    return AdmitError::kSenderQueueFull;
  }
  if (queue_.size() >= kMaxQueuedTransactions) {
    set_detail(detail, std::to_string(kMaxQueuedTransactions) + " transactions are waiting");
    return AdmitError::kQueueFull;
  }
  if (queued_bytes_ + tx.raw.size() > kMaxQueuedBytes) {
    set_detail(detail, std::to_string(queued_bytes_) +
                           " bytes of transactions are waiting (at most " +
                           std::to_string(kMaxQueuedBytes) + ")");
    return AdmitError::kQueueFull;
  }
  pending_nonces_[tx.sender] = expected + 1;
  queued_bytes_ += tx.raw.size();
  queued_hashes_.emplace(tx.hash, true);
  // The sequencer waits for a first transaction, then for a full block: waking it for every
  // other one only costs it a wake-up and a context switch.
  const bool wake = queue_.empty() || queue_.size() + 1 >= kMaxTransactionsPerBlock;
  queue_.push_back(std::move(tx));
  lock.unlock();
  if (wake) work_cv_.notify_one();
  set_detail(detail, "");
  return AdmitError::kOk;
}

uint64_t Sequencer::pending_nonce(const Address& sender) const {
  std::shared_lock chain_lock(chain_mutex_);
  std::lock_guard lock(mu_);
  uint64_t n = chain_.state().account_nonce(sender);
  if (auto it = pending_nonces_.find(sender); it != pending_nonces_.end())
    n = std::max(n, it->second);
  return n;
}

std::optional<TxLocation> Sequencer::wait_for(const Bytes32& hash,
                                              std::chrono::milliseconds timeout) {
  {
    std::unique_lock lock(mu_);
    // A hash leaves queued_hashes_ only once its block is durable (or the queue was discarded).
    sealed_cv_.wait_for(lock, timeout, [&] { return !queued_hashes_.contains(hash); });
  }
  std::shared_lock chain_lock = read_lock();
  return chain_.find_transaction(hash);
}

void Sequencer::wait_durable() const {
  std::unique_lock lock(mu_);
  sealed_cv_.wait(lock, [&] { return durable_height_ >= chain_.height(); });
}

std::shared_lock<std::shared_mutex> Sequencer::read_lock() const {
  std::shared_lock lock(chain_mutex_);
  wait_durable();
  return lock;
}

std::unique_lock<std::shared_mutex> Sequencer::exclusive_lock() {
  std::unique_lock lock(chain_mutex_);
  wait_durable();
  return lock;
}

uint64_t Sequencer::seal_now(uint64_t timestamp) {
  std::unique_lock chain_lock = exclusive_lock();
  const Block& block = chain_.seal_block({}, timestamp);
  after_seal(block);
  durable(block, &chain_.state());
  return block.header.number;
}

void Sequencer::after_seal(const Block& block) {
  std::lock_guard lock(mu_);
  for (const SignedTransaction& tx : block.transactions) {
    uint64_t& pending = pending_nonces_[tx.sender];
    pending = std::max(pending, chain_.state().account_nonce(tx.sender));
  }
  // Senders with nothing queued need no entry: the state's nonce is the pending one.
  for (const SignedTransaction& tx : block.transactions) {
    auto it = pending_nonces_.find(tx.sender);
    if (it != pending_nonces_.end() && it->second == chain_.state().account_nonce(tx.sender)) {
      pending_nonces_.erase(it);
    }
  }
}

void Sequencer::durable(const Block& block, const core::State* state) {
  if (options_.make_durable) options_.make_durable(block, state);
  if (options_.on_durable) options_.on_durable(block);
  {
    std::lock_guard lock(mu_);
    for (const SignedTransaction& tx : block.transactions)
      queued_hashes_.erase(tx.hash);
    durable_height_ = block.header.number;
  }
  sealed_cv_.notify_all();
}

void Sequencer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  sealed_cv_.notify_all();
}

size_t Sequencer::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void Sequencer::run() {
  bool writing = false;  // durable_thread_ has a job not joined yet
  for (;;) {
    std::vector<SignedTransaction> batch;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and drained
      // Group commit: give more transactions up to max_batch_delay to join this block.
      if (!stopping_ && options_.max_batch_delay.count() > 0 &&
          queue_.size() < kMaxTransactionsPerBlock) {
        work_cv_.wait_for(lock, options_.max_batch_delay,
                          [&] { return stopping_ || queue_.size() >= kMaxTransactionsPerBlock; });
      }
      // A block holds at most kMaxTransactionsPerBlock transactions and, as on Ethereum, gas
      // limits adding up to no more than the block's gas limit (one transaction always fits:
      // admission checked its limit is at most the block's). Metered, a transaction's limit
      // bounds the work it may do, so this bounds the work, hence the latency, of a block.
      // (A block under rules before metering counts intrinsic gas against kBlockGasLimit.)
      const bool metered = chain_.config().metered(chain_.height() + 1);
      const uint64_t cap = metered ? kMeteredBlockGasLimit : kBlockGasLimit;
      size_t n = 0;
      uint64_t gas = 0;
      while (n < queue_.size() && n < kMaxTransactionsPerBlock) {
        const uint64_t g = metered ? queue_[n].tx.gas_limit : intrinsic_gas(queue_[n].tx.data);
        if (n > 0 && gas + g > cap) break;
        gas += g;
        ++n;
      }
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        queued_bytes_ -= queue_.front().raw.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::unique_lock chain_lock(chain_mutex_);
    const Block& block = chain_.seal_block(std::move(batch), options_.clock(), &seal_thread_);
    after_seal(block);
    const bool needs_state = options_.needs_state && options_.needs_state(block);
    if (!needs_state) chain_lock.unlock();
    if (writing) durable_thread_.join();  // block N-1 is durable: the journal stays in order
    writing = false;
    if (needs_state) {
      durable(block, &chain_.state());
    } else {
      durable_thread_.start([this, &block] { durable(block, nullptr); });
      writing = true;
    }
  }
  if (writing) durable_thread_.join();
}

}  // namespace stoa::chain
