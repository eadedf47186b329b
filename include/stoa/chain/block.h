// Blocks, headers and receipts in Ethereum's shapes: header fields and RLP as Ethereum hashes
// them, transactions and receipts roots as ordered Merkle-Patricia trie roots, 2048-bit logs
// blooms. The state root field carries stoa's state digest (core::State::digest).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "stoa/chain/transaction.h"
#include "stoa/core/contract.h"

namespace stoa::chain {

using Bloom = std::array<uint8_t, 256>;
void bloom_add(Bloom& bloom, BytesView item);
Bloom logs_bloom(const std::vector<core::Log>& logs);
// The bloom bits of the addresses and event topics (topic 0) already seen in the block being
// sealed: nearly every log repeats them (the token, the Transfer event), so each distinct one is
// hashed once. One per block being sealed.
class BloomMemo {
 public:
  // Adds an item's bits; an item not seen yet is hashed there and then...
  void add(Bloom& bloom, const Address& a);
  void add(Bloom& bloom, const Bytes32& topic);
  // ...or beforehand, several at a time: learn() the items about to be added, then flush().
  void learn(const Address& a);
  void learn(const Bytes32& topic);
  void flush();

 private:
  using Bits = std::array<uint16_t, 3>;
  absl::flat_hash_map<Address, Bits, core::AddressHash, core::AddressEq> addresses_;
  absl::flat_hash_map<Bytes32, Bits, core::Bytes32Hash> topics_;
  std::vector<Address> new_addresses_;  // learned, not flushed (their Bits are not set yet)
  std::vector<Bytes32> new_topics_;
};
bool bloom_may_contain(const Bloom& bloom, BytesView item);

struct Receipt {
  Bytes32 transaction_hash;
  uint32_t transaction_index = 0;
  uint64_t block_number = 0;
  Bytes32 block_hash;
  Address from;
  std::optional<Address> to;
  TxType type = TxType::kDynamicFee;
  bool success = false;
  uint64_t gas_used = 0;
  uint64_t cumulative_gas_used = 0;
  std::vector<core::Log> logs;  // log index = position in the block, counted across receipts
  Bloom bloom{};
  Bytes revert_data;  // ABI-encoded revert reason when !success
};
// Sets each receipt's bloom from its logs, hashing several items at a time: addresses and topic 0
// through `memo`, the other topics (indexed arguments, rarely repeated across a block) directly —
// except an item that repeats the previous log's at the same place, whose bits are already set.
void set_receipt_blooms(std::span<Receipt> receipts, BloomMemo& memo);
// The consensus encoding of a receipt (type byte || rlp([status, cumulativeGas, bloom, logs]))
// that the receipts root commits to.
Bytes encode_receipt(const Receipt& r);

struct BlockHeader {
  Bytes32 parent_hash;
  Bytes32 ommers_hash;  // keccak256(rlp([])) — there are none
  Address coinbase;     // zero
  Bytes32 state_root;   // core::State::digest() after the block
  Bytes32 transactions_root;
  Bytes32 receipts_root;
  Bloom logs_bloom{};
  uint64_t number = 0;
  uint64_t gas_limit = kBlockGasLimit;
  uint64_t gas_used = 0;
  uint64_t timestamp = 0;
  Bytes extra_data;
  U256 base_fee_per_gas;  // zero: no fee market
  // Ethereum's London header (16 fields): rlp([parentHash, ommersHash, coinbase, stateRoot,
  // transactionsRoot, receiptsRoot, logsBloom, difficulty = 0, number, gasLimit, gasUsed,
  // timestamp, extraData, mixHash = 0, nonce = 8 zero bytes, baseFeePerGas]).
  Bytes rlp() const;
  Bytes32 hash() const;  // keccak256(rlp())
};

struct Block {
  BlockHeader header;
  Bytes32 hash;
  std::vector<SignedTransaction> transactions;
  std::vector<Receipt> receipts;
};

// Root of the ordered trie Ethereum builds for transactions and receipts: key rlp(index), value
// the item's encoding. The empty trie's root is keccak256(rlp("")) = 0x56e8...b421.
Bytes32 ordered_trie_root(const std::vector<Bytes>& items);

// Root of a Merkle-Patricia trie holding `entries` (key, value); keys must be distinct. Values
// must be non-empty (an empty value means "absent" in Ethereum's trie).
Bytes32 trie_root(std::vector<std::pair<Bytes, Bytes>> entries);

// keccak256(rlp("")): the root of the empty trie.
Bytes32 empty_trie_root();
// keccak256(rlp([])): the ommers hash of a block without ommers.
Bytes32 empty_ommers_hash();

}  // namespace stoa::chain
