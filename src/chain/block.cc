// Blooms, receipts, headers and Merkle-Patricia trie roots as Ethereum defines them.
//
// Header: the London (EIP-1559) header of 16 fields — the 15 of the yellow paper's pre-London
// header followed by baseFeePerGas — with difficulty 0, mixHash zero and nonce 8 zero bytes,
// as post-merge Ethereum has them. Later forks' fields (withdrawalsRoot, blob gas, beacon root,
// requests hash) are not included: stoa has none of these things.
#include "stoa/chain/block.h"

#include <algorithm>
#include <cstddef>
#include <span>
#include <utility>

#include "stoa/common/assert.h"
#include "stoa/common/keccak.h"
#include "stoa/crypto/rlp.h"

namespace stoa::chain {
namespace {

// ---- Merkle-Patricia trie ----------------------------------------------------------------

using Nibbles = std::vector<uint8_t>;

Nibbles to_nibbles(BytesView key) {
  Nibbles n;
  n.reserve(key.size() * 2);
  for (uint8_t b : key) {
    n.push_back(b >> 4);
    n.push_back(b & 0x0f);
  }
  return n;
}

// Hex-prefix encoding (yellow paper, appendix C): flag nibble 2 for a leaf, 0 for an extension,
// plus 1 when the path has an odd number of nibbles (then the path's first nibble shares the
// flag's byte).
Bytes hex_prefix(std::span<const uint8_t> path, bool leaf) {
  Bytes out;
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

struct Entry {
  Nibbles key;
  const Bytes* value;
};

// How a node is referenced from its parent: its RLP inline when shorter than 32 bytes, otherwise
// the RLP string of its hash.
Bytes node_ref(const Bytes& node_rlp) {
  if (node_rlp.size() < 32) return node_rlp;
  return rlp::encode_bytes(keccak256(node_rlp).view());
}

// The RLP of the node holding entries [begin, end) (sorted, distinct keys), all of whose keys
// share their first `depth` nibbles.
Bytes build_node(std::span<const Entry> entries, size_t depth) {
  STOA_ASSERT(!entries.empty());
  if (entries.size() == 1) {
    const Entry& e = entries[0];
    return rlp::encode_list({rlp::encode_bytes(hex_prefix(std::span(e.key).subspan(depth), true)),
                             rlp::encode_bytes(*e.value)});
  }
  // The longest common prefix beyond `depth` (entries are sorted: first and last bound it).
  const Nibbles& first = entries.front().key;
  const Nibbles& last = entries.back().key;
  size_t common = 0;
  while (depth + common < first.size() && depth + common < last.size() &&
         first[depth + common] == last[depth + common]) {
    ++common;
  }
  if (common > 0) {
    const Bytes child = build_node(entries, depth + common);
    return rlp::encode_list(
        {rlp::encode_bytes(hex_prefix(std::span(first).subspan(depth, common), false)),
         node_ref(child)});
  }
  // A branch: 16 children by the next nibble, and the value of a key that ends here.
  std::vector<Bytes> items(17, rlp::encode_bytes(BytesView{}));
  size_t i = 0;
  if (entries[0].key.size() == depth) {
    items[16] = rlp::encode_bytes(*entries[0].value);
    i = 1;
  }
  while (i < entries.size()) {
    const uint8_t nibble = entries[i].key[depth];
    size_t j = i + 1;
    while (j < entries.size() && entries[j].key[depth] == nibble)
      ++j;
    items[nibble] = node_ref(build_node(entries.subspan(i, j - i), depth + 1));
    i = j;
  }
  return rlp::encode_list(items);
}

}  // namespace

// ---- blooms --------------------------------------------------------------------------------

// Three bits of the 2048: the low 11 bits of each of the first three big-endian 16-bit words of
// keccak256(item); bit b is bit (b % 8) of byte 255 - b / 8.
void bloom_add(Bloom& bloom, BytesView item) {
  const Bytes32 h = keccak256(item);
  for (size_t i = 0; i < 6; i += 2) {
    const unsigned bit = ((static_cast<unsigned>(h.b[i]) << 8) | h.b[i + 1]) & 2047u;
    bloom[255 - bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
  }
}

Bloom logs_bloom(const std::vector<core::Log>& logs) {
  Bloom bloom{};
  for (const core::Log& log : logs) {
    bloom_add(bloom, log.address.view());
    for (const Bytes32& t : log.topics)
      bloom_add(bloom, t.view());
  }
  return bloom;
}

namespace {
std::array<uint16_t, 3> bloom_bits(BytesView item) {
  const Bytes32 h = keccak256(item);
  std::array<uint16_t, 3> bits{};
  for (size_t i = 0; i < 3; ++i)
    bits[i] =
        static_cast<uint16_t>(((static_cast<unsigned>(h.b[2 * i]) << 8) | h.b[2 * i + 1]) & 2047u);
  return bits;
}
void set_bits(Bloom& bloom, const std::array<uint16_t, 3>& bits) {
  for (const uint16_t bit : bits)
    bloom[255 - bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
}
}  // namespace

void BloomMemo::add(Bloom& bloom, const Address& a) {
  auto [it, inserted] = addresses_.try_emplace(a);
  if (inserted) it->second = bloom_bits(a.view());
  set_bits(bloom, it->second);
}

void BloomMemo::add(Bloom& bloom, const Bytes32& topic) {
  auto [it, inserted] = topics_.try_emplace(topic);
  if (inserted) it->second = bloom_bits(topic.view());
  set_bits(bloom, it->second);
}

Bloom logs_bloom(const std::vector<core::Log>& logs, BloomMemo& memo) {
  Bloom bloom{};
  for (const core::Log& log : logs) {
    memo.add(bloom, log.address);
    for (const Bytes32& t : log.topics)
      memo.add(bloom, t);
  }
  return bloom;
}

bool bloom_may_contain(const Bloom& bloom, BytesView item) {
  Bloom probe{};
  bloom_add(probe, item);
  for (size_t i = 0; i < probe.size(); ++i) {
    if ((bloom[i] & probe[i]) != probe[i]) return false;
  }
  return true;
}

// ---- receipts ------------------------------------------------------------------------------

Bytes encode_receipt(const Receipt& r) {
  std::vector<Bytes> logs;
  logs.reserve(r.logs.size());
  for (const core::Log& log : r.logs) {
    std::vector<Bytes> topics;
    topics.reserve(log.topics.size());
    for (const Bytes32& t : log.topics)
      topics.push_back(rlp::encode_bytes(t.view()));
    logs.push_back(rlp::encode_list({rlp::encode_bytes(log.address.view()),
                                     rlp::encode_list(topics), rlp::encode_bytes(log.data)}));
  }
  Bytes payload = rlp::encode_list(
      {rlp::encode_uint(U256(r.success ? 1 : 0)), rlp::encode_uint(U256(r.cumulative_gas_used)),
       rlp::encode_bytes(BytesView(r.bloom.data(), r.bloom.size())), rlp::encode_list(logs)});
  if (r.type == TxType::kLegacy) return payload;
  Bytes out;
  out.reserve(payload.size() + 1);
  out.push_back(static_cast<uint8_t>(r.type));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// ---- headers -------------------------------------------------------------------------------

Bytes BlockHeader::rlp() const {
  static constexpr uint8_t kZeroNonce[8] = {};
  const Bytes32 mix_hash{};
  return rlp::encode_list({
      rlp::encode_bytes(parent_hash.view()),
      rlp::encode_bytes(ommers_hash.view()),
      rlp::encode_bytes(coinbase.view()),
      rlp::encode_bytes(state_root.view()),
      rlp::encode_bytes(transactions_root.view()),
      rlp::encode_bytes(receipts_root.view()),
      rlp::encode_bytes(BytesView(logs_bloom.data(), logs_bloom.size())),
      rlp::encode_uint(U256(0)),  // difficulty
      rlp::encode_uint(U256(number)),
      rlp::encode_uint(U256(gas_limit)),
      rlp::encode_uint(U256(gas_used)),
      rlp::encode_uint(U256(timestamp)),
      rlp::encode_bytes(extra_data),
      rlp::encode_bytes(mix_hash.view()),
      rlp::encode_bytes(BytesView(kZeroNonce, sizeof kZeroNonce)),
      rlp::encode_uint(base_fee_per_gas),
  });
}

Bytes32 BlockHeader::hash() const {
  return keccak256(rlp());
}

// ---- trie roots ----------------------------------------------------------------------------

Bytes32 trie_root(std::vector<std::pair<Bytes, Bytes>> entries) {
  if (entries.empty()) return empty_trie_root();
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Entry> nodes;
  nodes.reserve(entries.size());
  for (const auto& [k, v] : entries) {
    STOA_ASSERT(!v.empty());
    nodes.push_back(Entry{to_nibbles(k), &v});
  }
  for (size_t i = 1; i < nodes.size(); ++i)
    STOA_ASSERT(nodes[i - 1].key != nodes[i].key);
  // The root is always hashed, whatever its size.
  return keccak256(build_node(nodes, 0));
}

Bytes32 ordered_trie_root(const std::vector<Bytes>& items) {
  std::vector<std::pair<Bytes, Bytes>> entries;
  entries.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i)
    entries.emplace_back(rlp::encode_uint(U256(static_cast<uint64_t>(i))), items[i]);
  return trie_root(std::move(entries));
}

Bytes32 empty_trie_root() {
  static const Bytes32 root = keccak256(rlp::encode_bytes(BytesView{}));
  return root;
}

Bytes32 empty_ommers_hash() {
  static const Bytes32 hash = keccak256(rlp::encode_list({}));
  return hash;
}

}  // namespace stoa::chain
