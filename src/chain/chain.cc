// The chain: blocks executed on the core state.
//
// State roots are chained (docs/journal-format.md, "State root"): genesis's is the content digest
// of the genesis state; block N's is keccak256("stoa.root.v1" ‖ root of N-1 ‖ keccak256 of block
// N's state delta), or N-1's root when block N wrote nothing. Sealing costs time in proportion to
// what the block wrote, not to the size of the state, and a root still commits to the whole state:
// by induction, equal roots mean equal genesis and equal deltas, hence equal states.
#include "stoa/chain/chain.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <utility>

#include "stoa/chain/ordered_trie.h"
#include "stoa/common/assert.h"
#include "stoa/core/multicall3.h"

namespace stoa::chain {

Bytes32 chain_state_root(const Bytes32& parent_root, const Bytes32& delta_digest) {
  Keccak256 k;
  static constexpr std::string_view kTag = "stoa.root.v1";
  k.update(kTag.data(), kTag.size());
  k.update(parent_root.b.data(), parent_root.b.size());
  k.update(delta_digest.b.data(), delta_digest.b.size());
  return k.finish();
}

Chain::Chain(const ChainConfig& config) : config_(config), state_(config.genesis) {
  state_.set_block_tracking(true);  // genesis is written; from here on blocks keep their deltas
  Block genesis;
  BlockHeader& h = genesis.header;
  h.parent_hash = Bytes32{};
  h.ommers_hash = empty_ommers_hash();
  h.state_root = state_.digest();
  h.transactions_root = empty_trie_root();
  h.receipts_root = empty_trie_root();
  h.number = 0;
  h.gas_used = 0;
  h.timestamp = config_.genesis_timestamp;
  genesis.hash = h.hash();
  genesis_ = std::make_shared<const Block>(std::move(genesis));
  push(genesis_);
}

void Chain::push(std::shared_ptr<const Block> block) {
  const uint64_t number = block->header.number;
  STOA_ASSERT(blocks_.empty() || number == height() + 1);
  if (blocks_.empty()) first_ = number;
  for (size_t i = 0; i < block->transactions.size(); ++i)
    tx_index_.insert_or_assign(block->transactions[i].hash,
                               TxLocation{number, static_cast<uint32_t>(i)});
  block_index_.insert_or_assign(block->hash, number);
  blocks_.push_back(std::move(block));
  state_.seal_block_undo();  // reads at past blocks: the block's undo records (if kept)
  trim();
}

void Chain::trim() {
  if (history_ == nullptr && !keep_recent_only_) return;
  const uint64_t held = history_ != nullptr ? history_->height() : UINT64_MAX;
  // Genesis is never in a history (it follows from the configuration): genesis_ keeps it.
  while (blocks_.size() > kRecentBlocks + 1 && (first_ == 0 || first_ <= held)) {
    const Block& b = *blocks_.front();
    for (const SignedTransaction& tx : b.transactions) {
      auto it = tx_index_.find(tx.hash);
      if (it != tx_index_.end() && it->second.block_number == b.header.number) tx_index_.erase(it);
    }
    if (b.header.number != 0) block_index_.erase(b.hash);
    blocks_.pop_front();
    ++first_;
  }
}

void Chain::set_history(std::shared_ptr<const History> history) {
  history_ = std::move(history);
  trim();
}

std::shared_ptr<const Block> Chain::block_by_number(uint64_t n) const {
  if (n > height()) return nullptr;
  if (n >= first_) return blocks_[n - first_];
  if (n == 0) return genesis_;
  if (history_ == nullptr) return nullptr;
  return history_->block(n);
}

std::shared_ptr<const Block> Chain::block_by_hash(const Bytes32& h) const {
  if (auto it = block_index_.find(h); it != block_index_.end()) {
    return block_by_number(it->second);
  }
  if (history_ == nullptr) return nullptr;
  const std::optional<uint64_t> n = history_->block_number(h);
  if (!n || *n >= first_) return nullptr;
  return history_->block(*n);
}

std::optional<TxLocation> Chain::find_transaction(const Bytes32& hash) const {
  if (auto it = tx_index_.find(hash); it != tx_index_.end()) return it->second;
  if (history_ == nullptr) return std::nullopt;
  std::optional<TxLocation> loc = history_->find_transaction(hash);
  if (loc && loc->block_number >= first_) return std::nullopt;  // the window's index is complete
  return loc;
}

std::shared_ptr<const SignedTransaction> Chain::transaction(const TxLocation& loc) const {
  std::shared_ptr<const Block> b = block_by_number(loc.block_number);
  if (b == nullptr || loc.index >= b->transactions.size()) return nullptr;
  const SignedTransaction* tx = &b->transactions[loc.index];
  return {std::move(b), tx};
}

std::shared_ptr<const Receipt> Chain::receipt(const TxLocation& loc) const {
  std::shared_ptr<const Block> b = block_by_number(loc.block_number);
  if (b == nullptr || loc.index >= b->receipts.size()) return nullptr;
  const Receipt* rc = &b->receipts[loc.index];
  return {std::move(b), rc};
}

namespace {

// Notifying costs a system call when the worker sleeps: wake it once per this many receipts, or
// sooner once the receipts since the last wake-up hold this many logs (a batch of transfers).
constexpr uint32_t kWakeEveryReceipts = 32;
constexpr size_t kWakeEveryLogs = 256;
constexpr size_t kReceiptChunk = 64;  // receipts finished together (blooms, then leaves)
constexpr size_t kHashTogether = 8;   // the batch keccak's width: wait for as many receipts

// The block's state delta as it is encoded, in chunks the worker hashes while the executing
// thread encodes the rest (the delta of a block of a million transfers is tens of megabytes).
class DeltaStream final : public core::StateSink {
 public:
  static constexpr size_t kChunkBytes = 256 * 1024;

  // The executing thread.
  void write(const void* data, size_t n) override {
    const auto* p = static_cast<const uint8_t*>(data);
    current_.insert(current_.end(), p, p + n);
    if (current_.size() >= kChunkBytes) publish(false);
  }
  void close() { publish(true); }

  // The worker: keccak256 of everything written, once closed.
  Bytes32 digest() {
    Keccak256 k;
    for (;;) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !ready_.empty() || closed_; });
      if (ready_.empty()) return k.finish();  // closed and drained
      Bytes chunk = std::move(ready_.front());
      ready_.pop_front();
      lock.unlock();
      k.update(chunk);
    }
  }

 private:
  void publish(bool last) {
    {
      std::lock_guard lock(mu_);
      if (!current_.empty()) ready_.push_back(std::move(current_));
      closed_ = last;
    }
    current_ = Bytes();
    if (!last) current_.reserve(kChunkBytes + 64);
    cv_.notify_one();
  }

  Bytes current_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Bytes> ready_;
  bool closed_ = false;
};

// What the worker computes for a block being sealed: blooms and leaf references. It reads only
// the transactions and the receipts already published through `produced`, and writes only their
// blooms (Receipt::bloom, which the executing thread never touches once it has published the
// receipt) and its own outputs.
struct LeafWork {
  const OrderedTrie& trie;
  const std::vector<SignedTransaction>& txs;
  std::vector<Receipt>& receipts;
  std::atomic<uint32_t>& produced;
  DeltaStream* delta = nullptr;  // then, the delta's digest (the executing thread closes it)
  std::vector<Bytes> tx_refs;
  std::vector<Bytes> receipt_refs;
  Bloom bloom{};
  Bytes32 delta_digest;

  void operator()() {
    leaves();
    if (delta != nullptr) delta_digest = delta->digest();
  }

  void leaves() {
    const size_t n = txs.size();
    tx_refs.resize(n);
    receipt_refs.resize(n);
    std::vector<BytesView> values;
    values.reserve(std::min(n, kReceiptChunk));
    for (size_t i = 0; i < n; i += kReceiptChunk) {
      const size_t m = std::min(kReceiptChunk, n - i);
      values.clear();
      for (size_t k = i; k < i + m; ++k)
        values.emplace_back(txs[k].raw);
      trie.leaf_refs(i, values, std::span(tx_refs).subspan(i, m));
    }
    BloomMemo memo;
    std::vector<Bytes> encoded;
    for (size_t done = 0; done < n;) {
      // Several receipts at a time (all that remain at the end), so that their leaves hash
      // together (keccak256_many).
      const uint32_t ready = produced.load(std::memory_order_acquire);
      if (ready < n && ready - done < kHashTogether) {
        produced.wait(ready, std::memory_order_acquire);
        continue;
      }
      const size_t end = std::min<size_t>(ready, done + kReceiptChunk);
      set_receipt_blooms(std::span(receipts).subspan(done, end - done), memo);
      encoded.clear();
      values.clear();
      for (size_t k = done; k < end; ++k) {
        const Receipt& rc = receipts[k];
        for (size_t b = 0; b < bloom.size(); ++b)
          bloom[b] |= rc.bloom[b];
        encoded.push_back(encode_receipt(rc));
      }
      for (const Bytes& e : encoded)
        values.emplace_back(e);
      trie.leaf_refs(done, values, std::span(receipt_refs).subspan(done, end - done));
      done = end;
    }
  }
};

}  // namespace

const Block& Chain::seal_block(std::vector<SignedTransaction> txs, uint64_t timestamp,
                               SealWorker* worker) {
  const Block& parent = head();
  Block block;
  BlockHeader& h = block.header;
  h.parent_hash = parent.hash;
  h.ommers_hash = empty_ommers_hash();
  h.number = parent.header.number + 1;
  h.timestamp = std::max(timestamp, parent.header.timestamp);
  const core::BlockContext ctx{h.number, h.timestamp, config_.rules.at(h.number)};
  const bool metered = core::rules::metered(ctx.rules);

  const size_t n = txs.size();
  STOA_ASSERT(n <= UINT32_MAX);
  const OrderedTrie trie(n);
  block.receipts.resize(n);  // sized once: the worker reads receipts while the rest are written
  std::atomic<uint32_t> produced{0};
  DeltaStream delta;
  LeafWork work{trie, txs, block.receipts, produced, worker != nullptr ? &delta : nullptr, {}, {},
                {},   {}};
  if (worker != nullptr) worker->start([&work] { work(); });
  // Should anything below throw (the core does not; allocation might), the worker must be let
  // finish — every receipt published, the delta closed — and joined before what it reads is gone.
  struct ReleaseWorker {
    SealWorker* worker;
    std::atomic<uint32_t>& produced;
    DeltaStream& delta;
    uint32_t n;
    ~ReleaseWorker() {
      if (worker == nullptr) return;
      produced.store(n, std::memory_order_release);
      produced.notify_all();
      delta.close();
      worker->join();
    }
  } release{worker, produced, delta, static_cast<uint32_t>(n)};

  uint64_t cumulative = 0;
  size_t logs_since_wake = 0;
  for (size_t i = 0; i < n; ++i) {
    const SignedTransaction& stx = txs[i];
    // Admission (the sequencer) guarantees nonce order and a recipient; decoding refused the rest.
    STOA_ASSERT(stx.tx.nonce == state_.account_nonce(stx.sender));
    STOA_ASSERT(stx.tx.to.has_value());
    state_.increment_account_nonce(stx.sender);
    // Metered: the call's budget is what its gas limit leaves after the intrinsic gas
    // (admission checked the limit covers it); past it the call fails, charged the whole limit.
    const uint64_t intrinsic = intrinsic_gas(stx.tx.data);
    const uint64_t budget = !metered                       ? core::gas::kUnlimited
                            : stx.tx.gas_limit > intrinsic ? stx.tx.gas_limit - intrinsic
                                                           : 0;
    core::CallResult r = state_.call(stx.sender, *stx.tx.to, stx.tx.data, ctx, budget);

    Receipt& rc = block.receipts[i];
    rc.transaction_hash = stx.hash;
    rc.transaction_index = static_cast<uint32_t>(i);
    rc.block_number = h.number;
    rc.from = stx.sender;
    rc.to = stx.tx.to;
    rc.type = stx.tx.type;
    rc.success = r.success;
    rc.gas_used = !metered ? intrinsic : r.out_of_gas ? stx.tx.gas_limit : intrinsic + r.gas_used;
    cumulative += rc.gas_used;
    rc.cumulative_gas_used = cumulative;
    logs_since_wake += r.logs.size();
    rc.logs = std::move(r.logs);
    if (!r.success) rc.revert_data = std::move(r.output);
    produced.store(static_cast<uint32_t>(i + 1), std::memory_order_release);
    if (worker != nullptr &&
        (i + 1 == n || (i + 1) % kWakeEveryReceipts == 0 || logs_since_wake >= kWakeEveryLogs)) {
      produced.notify_one();
      logs_since_wake = 0;
    }
  }
  // A block that wrote nothing (no transaction) keeps its parent's root, as on Ethereum.
  const bool wrote = !state_.block_delta_empty();
  Bytes32 delta_digest;
  if (worker == nullptr) {
    work();
    if (wrote) delta_digest = state_.take_block_delta_digest();
  } else {
    if (wrote) state_.take_block_delta(delta);  // hashed by the worker as it is encoded
    delta.close();
    worker->join();
    release.worker = nullptr;  // joined
    delta_digest = work.delta_digest;
  }
  h.state_root =
      wrote ? chain_state_root(parent.header.state_root, delta_digest) : parent.header.state_root;

  h.transactions_root = trie.root(work.tx_refs);
  h.receipts_root = trie.root(work.receipt_refs);
  h.logs_bloom = work.bloom;
  h.gas_used = cumulative;
  // Gas is notional. The sequencer keeps a block's gas within its limit, but a block sealed
  // directly (tests, benches, recovery of older journals) may "use" more; the header keeps
  // gasUsed <= gasLimit, as tools expect, by raising the limit for such a block.
  h.gas_limit = std::max(block_gas_limit(config_, h.number), cumulative);
  block.hash = h.hash();
  for (Receipt& rc : block.receipts)
    rc.block_hash = block.hash;
  block.transactions = std::move(txs);
  push(std::make_shared<const Block>(std::move(block)));
  return head();
}

std::string Chain::replay_block(const Block& stored, SealWorker* worker) {
  const uint64_t expected = height() + 1;
  if (stored.header.number != expected) {
    return "block number " + std::to_string(stored.header.number) + " where " +
           std::to_string(expected) + " was expected";
  }
  if (stored.header.parent_hash != head().hash) {
    return "parent hash " + stored.header.parent_hash.hex() + " is not the hash of block " +
           std::to_string(height()) + " (" + head().hash.hex() + ")";
  }
  if (stored.header.timestamp < head().header.timestamp) {
    return "timestamp " + std::to_string(stored.header.timestamp) + " is before the parent's";
  }
  // What seal_block asserts (the sequencer guarantees it for live blocks) is an error here.
  absl::flat_hash_map<Address, uint64_t, core::AddressHash> nonces;
  for (size_t i = 0; i < stored.transactions.size(); ++i) {
    const SignedTransaction& tx = stored.transactions[i];
    auto [it, inserted] = nonces.try_emplace(tx.sender, 0);
    if (inserted) it->second = state_.account_nonce(tx.sender);
    if (tx.tx.nonce != it->second || !tx.tx.to.has_value()) {
      return "transaction " + std::to_string(i) + " has nonce " + std::to_string(tx.tx.nonce) +
             " where " + std::to_string(it->second) + " was expected (or no recipient)";
    }
    ++it->second;
  }
  const Block& b = seal_block(stored.transactions, stored.header.timestamp, worker);
  if (b.hash == stored.hash) {
    for (size_t i = 0; i < b.receipts.size() && i < stored.receipts.size(); ++i) {
      if (b.receipts[i].revert_data != stored.receipts[i].revert_data) {
        return "receipt " + std::to_string(i) + ": replayed revert data differs from the journal's";
      }
    }
    if (b.receipts.size() != stored.receipts.size()) return "receipt count differs";
    return "";
  }
  if (b.header.state_root != stored.header.state_root) {
    return "state digest mismatch: the header says " + stored.header.state_root.hex() +
           ", replay gives " + b.header.state_root.hex();
  }
  if (b.header.receipts_root != stored.header.receipts_root) {
    return "receipts root mismatch: the header says " + stored.header.receipts_root.hex() +
           ", replay gives " + b.header.receipts_root.hex();
  }
  return "block hash mismatch: the journal says " + stored.hash.hex() + ", replay gives " +
         b.hash.hex();
}

std::string Chain::append_executed(Block block) {
  const uint64_t expected = height() + 1;
  if (block.header.number != expected) {
    return "block number " + std::to_string(block.header.number) + " where " +
           std::to_string(expected) + " was expected";
  }
  if (block.header.parent_hash != head().hash) {
    return "parent hash " + block.header.parent_hash.hex() + " is not the hash of block " +
           std::to_string(height());
  }
  push(std::make_shared<const Block>(std::move(block)));
  state_.clear_past();  // its effects came without undo records: no read reaches under it
  return "";
}

std::string Chain::restore_at(std::shared_ptr<const Block> head, BytesView encoding) {
  STOA_ASSERT(history_ != nullptr);
  if (head == nullptr) return "no block to restore at";
  if (head->header.number == 0) return "a state image at genesis is not restored";
  if (head->header.number > history_->height()) {
    return "block " + std::to_string(head->header.number) + " is not in the history";
  }
  blocks_.clear();
  tx_index_.clear();
  block_index_.clear();
  block_index_.emplace(genesis_->hash, 0);
  push(std::move(head));
  return restore_state(encoding);
}

std::string Chain::restore_state(BytesView encoding) {
  std::string error;
  if (!state_.restore(encoding, &error)) return error;
  return "";
}

namespace {
// Past blocks' hashes for eth_call (Multicall3's getBlockHash), up to block `last`.
class ChainBlockHashes final : public core::BlockHashes {
 public:
  explicit ChainBlockHashes(const Chain& chain, uint64_t last = UINT64_MAX)
      : chain_(chain), last_(last) {}
  std::optional<Bytes32> hash(uint64_t number) const override {
    if (number > chain_.height() || number > last_) return std::nullopt;
    std::shared_ptr<const Block> b = chain_.block_by_number(number);
    if (!b) return std::nullopt;
    return b->hash;
  }

 private:
  const Chain& chain_;
  uint64_t last_;
};
}  // namespace

void Chain::set_past_window(uint64_t blocks, uint64_t max_bytes) {
  state_.set_past_window(blocks, max_bytes);
}

void Chain::read_at(uint64_t number, const std::function<void(const core::State&)>& fn) const {
  STOA_ASSERT(number >= oldest_readable() && number <= height());
  struct Rewind {
    core::State& s;
    ~Rewind() { s.rewind_past(); }
  } rewind{state_};
  state_.unwind_past(height() - number);
  fn(state_);
}

std::optional<core::CallResult> Chain::call_at(const Address& from, const Address& to,
                                               BytesView data, uint64_t number) const {
  const std::shared_ptr<const Block> b = block_by_number(number);
  STOA_ASSERT(b != nullptr);
  const ChainBlockHashes hashes(*this, number);
  const core::BlockContext ctx{number, b->header.timestamp, config_.rules.at(number), &hashes};
  std::optional<core::CallResult> r;
  read_at(number, [&](const core::State& past) {
    if (past.contract(to) != nullptr || to == core::multicall3_address()) {
      r = state_.simulate(from, to, data, ctx);
    }
  });
  return r;
}

core::CallResult Chain::call(const Address& from, const Address& to, BytesView data,
                             uint64_t timestamp) const {
  const uint64_t number = height() + 1;
  const ChainBlockHashes hashes(*this);
  const core::BlockContext ctx{number, std::max(timestamp, head().header.timestamp),
                               config_.rules.at(number), &hashes};
  return state_.simulate(from, to, data, ctx);
}

GasEstimate Chain::estimate_gas(const Address& from, const Address& to, BytesView data,
                                uint64_t timestamp) const {
  const uint64_t number = height() + 1;
  const ChainBlockHashes hashes(*this);
  const core::BlockContext ctx{number, std::max(timestamp, head().header.timestamp),
                               config_.rules.at(number), &hashes};
  const bool metered = core::rules::metered(ctx.rules);
  const uint64_t intrinsic = intrinsic_gas(data);
  const uint64_t cap = block_gas_limit(config_, number);
  GasEstimate e;
  e.result = state_.simulate(from, to, data, ctx, cap > intrinsic ? cap - intrinsic : 0);
  e.gas = intrinsic + (metered ? e.result.gas_used : 0);
  e.metered = metered;
  return e;
}

uint64_t block_gas_limit(const ChainConfig& config, uint64_t number) {
  return config.metered(number) ? kMeteredBlockGasLimit : kBlockGasLimit;
}

}  // namespace stoa::chain
