// Ordered tries (yellow paper, appendix D) with their shape computed first. The keys rlp(0..n-1)
// are never prefixes of one another (one byte below 0x81 for i < 128, 0x8k followed by k bytes
// otherwise), so no branch holds a value and every item is a leaf; the shape recursion below is
// the node recursion of a general trie without the values.
#include "stoa/chain/ordered_trie.h"

#include <algorithm>
#include <utility>

#include "stoa/common/assert.h"
#include "stoa/common/keccak.h"
#include "stoa/crypto/rlp.h"

namespace stoa::chain {
namespace {

constexpr size_t kHashBatch = 64;  // leaf nodes hashed together (bounded: each may be 100s of KB)

Bytes hash_ref(const Bytes32& h) {
  Bytes out;
  out.reserve(33);
  rlp::append_bytes(out, h.view());
  return out;
}

}  // namespace

// Flag nibble 2 for a leaf, 0 for an extension, plus 1 when the path is odd (then its first
// nibble shares the flag's byte).
Bytes hex_prefix(std::span<const uint8_t> path, bool leaf) {
  Bytes out;
  out.reserve(path.size() / 2 + 1);
  const uint8_t flag = static_cast<uint8_t>((leaf ? 2 : 0) + (path.size() % 2));
  size_t i = 0;
  if (path.size() % 2 == 1) {
    out.push_back(static_cast<uint8_t>((flag << 4) | path[0]));
    i = 1;
  } else {
    out.push_back(static_cast<uint8_t>(flag << 4));
  }
  for (; i < path.size(); i += 2)
    out.push_back(static_cast<uint8_t>((path[i] << 4) | path[i + 1]));
  return out;
}

OrderedTrie::OrderedTrie(size_t items) : keys_(items), sorted_(items), depth_(items, 0) {
  STOA_ASSERT(items <= UINT32_MAX);
  for (size_t i = 0; i < items; ++i) {
    const Bytes k = rlp::encode_uint(U256(static_cast<uint64_t>(i)));
    Key& key = keys_[i];
    for (const uint8_t b : k) {
      key.nibbles[key.size++] = b >> 4;
      key.nibbles[key.size++] = b & 0x0f;
    }
    sorted_[i] = static_cast<uint32_t>(i);
  }
  std::sort(sorted_.begin(), sorted_.end(), [&](uint32_t a, uint32_t b) {
    const Key& x = keys_[a];
    const Key& y = keys_[b];
    return std::lexicographical_compare(x.nibbles, x.nibbles + x.size, y.nibbles,
                                        y.nibbles + y.size);
  });
  if (items > 0) shape(0, items, 0);
}

size_t OrderedTrie::common_prefix(size_t begin, size_t end, size_t depth) const {
  // Sorted: the first and last keys bound every key between them.
  const Key& first = keys_[sorted_[begin]];
  const Key& last = keys_[sorted_[end - 1]];
  size_t common = 0;
  while (depth + common < first.size && depth + common < last.size &&
         first.nibbles[depth + common] == last.nibbles[depth + common]) {
    ++common;
  }
  return common;
}

void OrderedTrie::shape(size_t begin, size_t end, size_t depth) {
  if (end - begin == 1) {
    depth_[sorted_[begin]] = static_cast<uint8_t>(depth);
    return;
  }
  const size_t common = common_prefix(begin, end, depth);
  if (common > 0) {
    shape(begin, end, depth + common);
    return;
  }
  for (size_t i = begin; i < end;) {
    STOA_ASSERT(keys_[sorted_[i]].size > depth);  // no key is a prefix of another
    const uint8_t nibble = keys_[sorted_[i]].nibbles[depth];
    size_t j = i + 1;
    while (j < end && keys_[sorted_[j]].nibbles[depth] == nibble)
      ++j;
    shape(i, j, depth + 1);
    i = j;
  }
}

Bytes OrderedTrie::leaf_node(size_t item, BytesView value) const {
  STOA_ASSERT(!value.empty());
  const Key& key = keys_[item];
  const size_t depth = depth_[item];
  const Bytes path = hex_prefix(std::span(key.nibbles + depth, key.size - depth), true);
  const size_t payload = rlp::encoded_size(path) + rlp::encoded_size(value);
  Bytes out;
  out.reserve(rlp::header_size(payload) + payload);
  rlp::append_list_header(out, payload);
  rlp::append_bytes(out, path);
  rlp::append_bytes(out, value);
  return out;
}

void OrderedTrie::leaf_refs(size_t first, std::span<const BytesView> values,
                            std::span<Bytes> refs) const {
  STOA_ASSERT(values.size() == refs.size() && first + values.size() <= size());
  std::vector<Bytes> nodes;
  std::vector<BytesView> long_nodes;
  std::vector<size_t> long_at;
  std::vector<Bytes32> hashes;
  for (size_t start = 0; start < values.size(); start += kHashBatch) {
    const size_t n = std::min(kHashBatch, values.size() - start);
    nodes.clear();
    long_nodes.clear();
    long_at.clear();
    for (size_t k = start; k < start + n; ++k) {
      Bytes node = leaf_node(first + k, values[k]);
      if (node.size() < 32) {
        refs[k] = std::move(node);
      } else {
        nodes.push_back(std::move(node));
        long_at.push_back(k);
      }
    }
    for (const Bytes& node : nodes)
      long_nodes.emplace_back(node);
    hashes.resize(long_nodes.size());
    keccak256_many(long_nodes, hashes);
    for (size_t m = 0; m < long_at.size(); ++m)
      refs[long_at[m]] = hash_ref(hashes[m]);
  }
}

Bytes OrderedTrie::child_ref(size_t begin, size_t end, size_t depth,
                             std::span<const Bytes> refs) const {
  if (end - begin == 1) return refs[sorted_[begin]];
  Bytes node = inner_node(begin, end, depth, refs);
  if (node.size() < 32) return node;
  return hash_ref(keccak256(node));
}

Bytes OrderedTrie::inner_node(size_t begin, size_t end, size_t depth,
                              std::span<const Bytes> refs) const {
  const size_t common = common_prefix(begin, end, depth);
  if (common > 0) {
    const Key& first = keys_[sorted_[begin]];
    return rlp::encode_list(
        {rlp::encode_bytes(hex_prefix(std::span(first.nibbles + depth, common), false)),
         child_ref(begin, end, depth + common, refs)});
  }
  std::vector<Bytes> children(17, rlp::encode_bytes(BytesView{}));
  for (size_t i = begin; i < end;) {
    const uint8_t nibble = keys_[sorted_[i]].nibbles[depth];
    size_t j = i + 1;
    while (j < end && keys_[sorted_[j]].nibbles[depth] == nibble)
      ++j;
    children[nibble] = child_ref(i, j, depth + 1, refs);
    i = j;
  }
  return rlp::encode_list(children);
}

Bytes32 OrderedTrie::root(std::span<const Bytes> refs) const {
  STOA_ASSERT(refs.size() == size());
  if (size() == 0) return keccak256(rlp::encode_bytes(BytesView{}));
  if (size() == 1) {
    // The root is hashed whatever its size: a short leaf's reference is the node itself.
    const Bytes& ref = refs[0];
    if (ref.size() < 32) return keccak256(ref);
    return Bytes32::from_view(BytesView(ref).subspan(1));
  }
  return keccak256(inner_node(0, size(), 0, refs));
}

}  // namespace stoa::chain
