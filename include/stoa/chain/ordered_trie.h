// The Merkle-Patricia trie Ethereum builds over an ordered list — a block's transactions or its
// receipts: item i under the key rlp(i). Its shape depends on the number of items alone, so each
// item's leaf node, and the hashing that is nearly all of a root's cost, can be computed as soon as
// that item is known, in any order and on any thread; the root then needs only the leaves'
// references and the few inner nodes above them (one per 16 leaves or so).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "stoa/common/bytes.h"

namespace stoa::chain {

// Hex-prefix encoding of a path of nibbles (yellow paper, appendix C), as leaf (flag 2) or
// extension (flag 0).
Bytes hex_prefix(std::span<const uint8_t> nibbles, bool leaf);

class OrderedTrie {
 public:
  explicit OrderedTrie(size_t items);

  size_t size() const { return depth_.size(); }

  // The references of items [first, first + values.size()) from their encodings (non-empty):
  // refs[k] is how item first + k's leaf node is referenced from its parent — the node's RLP when
  // shorter than 32 bytes, otherwise the RLP string of its keccak256. Hashes several at a time.
  void leaf_refs(size_t first, std::span<const BytesView> values, std::span<Bytes> refs) const;

  // The root from every item's reference (leaf_refs). The empty trie's root is keccak256(rlp("")).
  Bytes32 root(std::span<const Bytes> refs) const;

 private:
  struct Key {
    uint8_t nibbles[10] = {};  // rlp(i) for i < 2^32 is at most 5 bytes
    uint8_t size = 0;
  };
  Bytes leaf_node(size_t item, BytesView value) const;
  void shape(size_t begin, size_t end, size_t depth);
  size_t common_prefix(size_t begin, size_t end, size_t depth) const;
  Bytes inner_node(size_t begin, size_t end, size_t depth, std::span<const Bytes> refs) const;
  Bytes child_ref(size_t begin, size_t end, size_t depth, std::span<const Bytes> refs) const;

  std::vector<Key> keys_;         // by item
  std::vector<uint32_t> sorted_;  // items in key order
  std::vector<uint8_t> depth_;    // by item: the nibbles of its key above its leaf
};

}  // namespace stoa::chain
