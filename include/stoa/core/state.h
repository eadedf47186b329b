// The world state: every native contract by address, the call dispatcher, contract creation at
// deterministic (CREATE-rule) addresses, and the state digest. Deterministic and free of I/O,
// clocks, randomness and threads: the same calls in the same order give the same digest.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stoa/core/contract.h"

namespace stoa::core {

class Factory;

struct GenesisConfig {
  uint64_t chain_id = 1337;
  Address operator_account;  // gets DEFAULT_ADMIN_ROLE and DEPLOYER_ROLE on the factory
  bool allow_role_overlap = false;
};

inline constexpr uint32_t kMaxInnerCallDepth = 8;  // State::inner_call inside inner calls

// Fixed addresses of the system contracts.
Address factory_address();  // 0x5704000000000000000000000000000000000001

struct CallResult {
  bool success = false;
  Bytes output;  // return data, or revert data when !success
  std::vector<Log> logs;
  uint64_t gas_used = 0;  // metered work (docs/NODE.md, "Gas schedule"); the limit when out of gas
  bool out_of_gas = false;  // refused for passing its gas limit (output: Error("out of gas"))
};

// A sink that hashes what it is given (the digest of the canonical state encoding).
class KeccakSink final : public StateSink {
 public:
  void write(const void* data, size_t n) override { k_.update(data, n); }
  Bytes32 finish() { return k_.finish(); }

 private:
  Keccak256 k_;
};

// What one take_block_delta named: the contracts created and the containers written.
struct BlockDeltaInfo {
  std::vector<Address> created;
  std::vector<SlotId> written;
};
// A digest of every container's whole content, by slot (test support: checking that block deltas
// name every container that changed).
using ContainerFingerprints = std::vector<std::pair<SlotId, Bytes32>>;

class State;
// Encodes `state`, restores the encoding into a fresh State with the same genesis, and checks the
// restored state encodes to the same bytes (hence the same digest). Returns "" or the problem.
std::string check_state_image_round_trip(const State& state);

class State {
 public:
  explicit State(const GenesisConfig& genesis);
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  uint64_t chain_id() const { return genesis_.chain_id; }
  const GenesisConfig& genesis() const { return genesis_; }
  UndoLog* undo_log() { return &undo_log_; }

  // Executes a call as a transaction: state changes are kept on success and undone on revert.
  // The call's work is metered; past `gas_limit` it fails with out_of_gas and state unchanged.
  CallResult call(const Address& sender, const Address& to, BytesView calldata,
                  const BlockContext& block, uint64_t gas_limit = gas::kUnlimited);
  // Executes a call and undoes it whatever happens (eth_call, eth_estimateGas).
  CallResult simulate(const Address& sender, const Address& to, BytesView calldata,
                      const BlockContext& block, uint64_t gas_limit = gas::kUnlimited);
  // A call inside the call in progress (Multicall3's sub-calls): no journal of its own, its work
  // charged to the open call. Only a view function may be called (else a revert naming it), as
  // one failed sub-call's writes could not be undone alone.
  CallResult view_call(const Address& sender, const Address& to, BytesView calldata,
                       const BlockContext& block);
  // A state-changing call inside the call in progress (MultisigAdmin's execution): no journal of
  // its own, its work charged to the open call, its events returned in the result. Its writes
  // are undone only with the whole call, so the caller must fail when it fails. Nested deeper
  // than kMaxInnerCallDepth it is refused (CallDepthExceeded).
  CallResult inner_call(const Address& sender, const Address& to, BytesView calldata,
                        const BlockContext& block);
  // Runs native code as one transaction (the benchmarks and the simulator call contracts'
  // typed functions this way); kept if it returns ok, undone otherwise.
  Status transact(const Address& sender, const BlockContext& block, std::vector<Log>* logs,
                  const std::function<Status(CallContext&)>& fn);

  // Account nonces of signed transactions (ledger state: in the digest). Bumped by the chain
  // layer before it executes a transaction, outside the call's journal: a reverted transaction
  // still uses its nonce, as on Ethereum.
  uint64_t account_nonce(const Address& a) const { return account_nonces_.get(a); }
  // The nonce of `creator`'s next contract creation (its CREATE address: create_address).
  uint64_t create_nonce(const Address& creator) const { return create_nonces_.get(creator); }
  void increment_account_nonce(const Address& a) {
    STOA_ASSERT(!undo_log_.open());
    account_nonces_.set(a, account_nonces_.get(a) + 1);
  }

  Contract* contract(const Address& a) const;
  template <typename T>
  T* contract_as(const Address& a) const {
    Contract* c = contract(a);
    return (c != nullptr && c->kind() == T::kKind) ? static_cast<T*>(c) : nullptr;
  }
  Factory& factory() const { return *factory_; }
  size_t contract_count() const { return contracts_.size(); }
  std::vector<Address> contract_addresses() const;  // ascending

  // The refusals of a call before any contract code runs — no contract at `to`, calldata shorter
  // than a selector, an unknown selector, arguments that do not decode — as the revert the call
  // would give (eth_call's; admission refuses such transactions with it). nullopt: none.
  std::optional<Revert> check_call_shape(const Address& to, BytesView calldata) const;

  // Creates a contract at the CREATE address of `creator`'s next nonce (undone if the call
  // reverts). `make` receives the new address.
  template <typename T, typename MakeFn>
  T& create(const Address& creator, MakeFn&& make) {
    Address a = next_address(creator);
    std::unique_ptr<T> c;
    {
      OwnerScope scope(undo_log_, a);  // the new contract's containers are its slots
      c = make(a);
    }
    T& ref = *c;
    install(a, std::move(c));
    return ref;
  }

  // keccak256 of the canonical encoding of every contract's storage in address order (the
  // content digest: genesis's state root, state images, the scenario runner's "nothing changed").
  Bytes32 digest() const;

  // Block deltas (docs/journal-format.md, "State root"). With tracking on (the chain turns it on
  // after genesis), committed calls and nonce bumps keep what they wrote; take_block_delta
  // encodes it — the contracts created (address order, whole encoding), then every written
  // container (owner, ordinal, its written entries with their values now) — and starts the next
  // block's. Its cost follows what the block wrote, not the size of the state.
  void set_block_tracking(bool on) { undo_log_.set_block_tracking(on); }
  // Nothing created or written since the last take (an empty block's delta: its root is its
  // parent's).
  bool block_delta_empty() const {
    return block_created_.empty() && undo_log_.block_written_empty();
  }
  BlockDeltaInfo take_block_delta(StateSink& sink);
  Bytes32 take_block_delta_digest(BlockDeltaInfo* info = nullptr);
  void discard_block_delta();
  // Test support (the simulator and the scenario runner): every container's content digest, and
  // the check that whatever changed between two fingerprints is named by the delta taken between
  // them (a container written, or one of a contract created). Returns "" or the first omission.
  ContainerFingerprints container_fingerprints() const;
  static std::string check_block_delta_complete(const ContainerFingerprints& before,
                                                const ContainerFingerprints& after,
                                                const BlockDeltaInfo& taken);
  void encode(StateSink& sink) const;

  // Reads at past blocks (docs/NODE.md, "Reads at past blocks"). With a window of `blocks` blocks
  // (0, the default: off), every write keeps the value it replaced (UndoLog, "Block undo") and
  // seal_block_undo, called once per sealed block, files the block's records; the newest `blocks`
  // blocks' are kept, fewer when their records pass `max_bytes` (the oldest go first).
  void set_past_window(size_t blocks, size_t max_bytes);
  size_t past_window() const { return past_window_; }
  void seal_block_undo();
  void clear_past();  // forgets every block's records (a state image replaced the state)
  size_t past_depth() const { return past_.size(); }  // blocks that can be unwound now
  size_t past_bytes() const { return past_bytes_; }   // what their records hold (approximate)
  // Puts the state back as it was `k` blocks ago (k <= past_depth(); outside any call, between
  // blocks); only reads and simulated calls may run until rewind_past, which puts the head state
  // back exactly (same content, same records). O(what the k blocks wrote).
  void unwind_past(size_t k);
  void rewind_past();
  size_t unwound() const { return unwound_; }

  // Replaces the whole state with a canonical encoding (a state image; src/core/state_decode.cc).
  // The encoding's genesis (chain id, operator, role overlap) must equal this state's. On
  // failure returns false with `error` naming the problem and its byte offset, and the state is
  // unusable: the caller discards it.
  bool restore(BytesView encoding, std::string* error);

 private:
  class Creations;
  Address next_address(const Address& creator);
  void install(const Address& a, std::unique_ptr<Contract> c);
  CallResult dispatch(const Address& sender, const Address& to, BytesView calldata,
                      const BlockContext& block, bool views_only = false);
  // The contract a call to `to` runs: an installed one, or Multicall3 while simulating.
  Contract* callee(const Address& to) const;

  GenesisConfig genesis_;
  UndoLog undo_log_;
  absl::flat_hash_map<Address, std::unique_ptr<Contract>, AddressHash> contracts_;
  std::unique_ptr<Creations> creations_;
  JMap<Address, uint64_t, AddressHash> create_nonces_;
  JMap<Address, uint64_t, AddressHash> account_nonces_;
  std::vector<Address> block_created_;  // contracts created since the last take_block_delta
  Factory* factory_ = nullptr;
  std::unique_ptr<Contract> multicall3_;  // code, not state: never in contracts_
  bool simulating_ = false;               // inside simulate(): Multicall3 answers
  uint32_t inner_depth_ = 0;              // inner_call nesting (not state)
  void trim_past();                       // drops the oldest blocks' records beyond the window
  // Reads at past blocks: the newest blocks' undo records, oldest first.
  struct PastBlock {
    std::vector<std::unique_ptr<BlockUndo>> undo;
    size_t bytes = 0;
  };
  std::deque<PastBlock> past_;
  size_t past_window_ = 0;
  size_t past_max_bytes_ = 0;
  size_t past_bytes_ = 0;
  size_t unwound_ = 0;
};

}  // namespace stoa::core
