// The chain: the core state plus the blocks built on it. Executes admitted transactions in order
// into blocks (bumping each sender's nonce whatever the outcome), keeps blocks, receipts and an
// index of transactions by hash. Deterministic: no clock (block timestamps are inputs), no I/O,
// no threads of its own (a SealWorker may be lent to seal_block) — the node serializes access
// and makes blocks durable.
//
// Memory: without a History the chain keeps every block (tests, tools). With one (the node:
// store::DiskHistory), it keeps only the newest kRecentBlocks blocks and those the history does
// not hold yet (not durable); older ones come from the history on demand. Blocks are handed out
// as shared pointers, so a reader's block stays valid after the chain or the history's cache
// lets it go.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "stoa/chain/block.h"
#include "stoa/chain/history.h"
#include "stoa/chain/seal_worker.h"
#include "stoa/core/state.h"

namespace stoa::chain {

// Blocks under rules version 3 on meter the work of their calls (docs/NODE.md, "Gas schedule";
// core::rules::metered): a call is charged gas for the work it does within its transaction's gas
// limit, receipts report intrinsic + metered gas, a block's gas limit is kMeteredBlockGasLimit,
// and O(holders) administration runs in steps. Blocks under older rules replay as they were
// written (gas = intrinsic gas only).

struct ChainConfig {
  core::GenesisConfig genesis;
  uint64_t genesis_timestamp = 0;
  // When each rules version activates (a data directory's genesis.json "rules"; a new chain runs
  // the latest from block 0).
  core::RulesSchedule rules = core::RulesSchedule::fresh();
  bool metered(uint64_t block_number) const { return core::rules::metered(rules.at(block_number)); }
};

// The gas limit of block `number` (the cap the sequencer fills it to).
uint64_t block_gas_limit(const ChainConfig& config, uint64_t number);

// What eth_estimateGas reports: the call run on the head state with the largest budget.
struct GasEstimate {
  core::CallResult result;  // as simulated (success, output)
  uint64_t gas = 0;         // intrinsic + metered: the least gas limit that lets it succeed
  bool metered = true;      // false: the next block does not meter (gas is intrinsic gas only)
};

// Blocks kept in memory below the head once the history holds them (a reader of the newest
// blocks, the common case, needs no read from disk).
inline constexpr size_t kRecentBlocks = 4;

// Reads at past blocks (docs/NODE.md, "Reads at past blocks"): the node keeps the undo records of
// its newest kDefaultPastBlocks blocks (serve --past-blocks), fewer when they hold more than
// kPastWindowBytes (the oldest go first).
inline constexpr uint64_t kDefaultPastBlocks = 1024;               // blocks
inline constexpr uint64_t kPastWindowBytes = uint64_t{256} << 20;  // bytes (256 MiB)

// Block N's state root from block N-1's and the digest of block N's state delta
// (core::State::take_block_delta_digest).
Bytes32 chain_state_root(const Bytes32& parent_root, const Bytes32& delta_digest);

class Chain {
 public:
  explicit Chain(const ChainConfig& config);
  Chain(const Chain&) = delete;
  Chain& operator=(const Chain&) = delete;

  uint64_t chain_id() const { return config_.genesis.chain_id; }
  const ChainConfig& config() const { return config_; }
  // A newer binary on an older data directory: its latest rules from the next block (recorded by
  // the caller first). Blocks already executed keep the rules they ran under.
  void set_rules(core::RulesSchedule rules) { config_.rules = std::move(rules); }
  core::State& state() { return state_; }
  const core::State& state() const { return state_; }

  const Block& head() const { return *blocks_.back(); }
  uint64_t height() const { return first_ + blocks_.size() - 1; }  // block 0 is genesis
  // nullptr when absent (or dropped without a history: keep_recent_only). A history's read
  // failure throws (chain/history.h).
  std::shared_ptr<const Block> block_by_number(uint64_t n) const;
  std::shared_ptr<const Block> block_by_hash(const Bytes32& h) const;
  std::optional<TxLocation> find_transaction(const Bytes32& hash) const;
  // Point into their block (kept alive by the pointer).
  std::shared_ptr<const SignedTransaction> transaction(const TxLocation& loc) const;
  std::shared_ptr<const Receipt> receipt(const TxLocation& loc) const;

  // Serves blocks the chain lets go from `history`, which must hold every block up to the one
  // before the oldest the chain keeps (after restore_at: up to its head). Set before sealing.
  void set_history(std::shared_ptr<const History> history);
  const History* history() const { return history_.get(); }
  // Keeps only the newest kRecentBlocks blocks even without a history: older ones are gone
  // (stoa verify's replay, which never serves them).
  void keep_recent_only() { keep_recent_only_ = true; }

  // Executes `txs` in order into the next block at `timestamp` (clamped to at least the head's
  // timestamp). Each transaction's nonce must equal its sender's account nonce at its turn
  // (the sequencer guarantees it; asserted). Returns the sealed block. With a worker, receipts
  // are encoded and trie leaves hashed on it while the transactions execute; the block is the
  // same with or without.
  const Block& seal_block(std::vector<SignedTransaction> txs, uint64_t timestamp,
                          SealWorker* worker = nullptr);

  // Recovery (src/store): executes a block read from the journal — its transactions at its
  // timestamp — and checks the result is the same block (hash, hence state root, transactions and
  // receipts roots) with the same revert data. Returns "" or what differs; after a difference the
  // chain is unusable (the caller stops).
  std::string replay_block(const Block& stored, SealWorker* worker = nullptr);
  // Appends a block whose effects are already in the state (blocks up to a state image): checks
  // only its number and parent hash. Returns "" or what is wrong.
  std::string append_executed(Block block);
  // Starts the chain at `head` (a block the history holds, normally a state image's) with the state
  // replaced by the state image's canonical encoding (the caller has checked its checksum and that
  // its block hash is head's). Requires a history (set_history). Returns "" or what is wrong
  // (the chain is then unusable).
  std::string restore_at(std::shared_ptr<const Block> head, BytesView encoding);
  // Replaces the state with a state image's canonical encoding (taken at the head block; the caller
  // has checked the state image's checksum and that its recorded state root is the head's). Returns
  // "" or what is wrong (the chain is then unusable).
  std::string restore_state(BytesView encoding);

  // eth_call on the head state as if in the next block at `timestamp` (never changes it).
  // It simulates on the one live state (a journaled call rolled back), so callers must hold the
  // chain lock exclusively, not shared: two concurrent calls would interleave their undo records.
  core::CallResult call(const Address& from, const Address& to, BytesView data,
                        uint64_t timestamp) const;
  // The gas a transaction with this call needs in the next block (the same lock as call()).
  // Metering being deterministic, the figure is exact for the head state: the call succeeds with
  // any limit at or above it and runs out of gas below (if the state it reads does not change).
  GasEstimate estimate_gas(const Address& from, const Address& to, BytesView data,
                           uint64_t timestamp) const;

  // Reads at past blocks: keeps the undo records of the newest `blocks` blocks sealed from now on
  // (at most `max_bytes` of them; 0 blocks: off). Blocks sealed before are beyond the window.
  void set_past_window(uint64_t blocks, uint64_t max_bytes = kPastWindowBytes);
  uint64_t past_window() const { return state_.past_window(); }
  // The oldest block whose state a read can see: the head minus the blocks the window holds.
  uint64_t oldest_readable() const { return height() - state_.past_depth(); }
  // Runs `fn` on the state as it was when block `number` was the head (oldest_readable() <=
  // number <= height()), then puts the head state back exactly, also if `fn` throws. The same
  // lock as call(): exclusive.
  void read_at(uint64_t number, const std::function<void(const core::State&)>& fn) const;
  // eth_call on the state after block `number` (as read_at), in that block's context — its
  // number, timestamp and rules — as geth answers a call at a past block. nullopt: `to` had no
  // code then (no contract, and not Multicall3), nothing ran.
  std::optional<core::CallResult> call_at(const Address& from, const Address& to, BytesView data,
                                          uint64_t number) const;

  // Moves the metering height (a data directory written before metering: the node sets it to
  // the height after its head, once, before sealing anything). Only to a height above the head.

 private:
  ChainConfig config_;
  mutable core::State state_;
  void push(std::shared_ptr<const Block> block);
  void trim();  // lets go of old blocks the history holds (or all old ones: keep_recent_only)

  // blocks_[i] is block first_ + i; the back is the head. Indexes cover blocks_ only.
  std::deque<std::shared_ptr<const Block>> blocks_;
  uint64_t first_ = 0;
  std::shared_ptr<const Block> genesis_;  // also when no longer in blocks_
  std::shared_ptr<const History> history_;
  bool keep_recent_only_ = false;
  absl::flat_hash_map<Bytes32, TxLocation, core::Bytes32Hash> tx_index_;
  absl::flat_hash_map<Bytes32, uint64_t, core::Bytes32Hash> block_index_;
};

}  // namespace stoa::chain
