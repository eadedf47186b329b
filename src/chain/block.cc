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

#include "stoa/chain/ordered_trie.h"
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

namespace {
// Three bits of the 2048: the low 11 bits of each of the first three big-endian 16-bit words of
// keccak256(item); bit b is bit (b % 8) of byte 255 - b / 8.
std::array<uint16_t, 3> bloom_bits(const Bytes32& h) {
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

void bloom_add(Bloom& bloom, BytesView item) {
  set_bits(bloom, bloom_bits(keccak256(item)));
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

void BloomMemo::add(Bloom& bloom, const Address& a) {
  STOA_ASSERT(new_addresses_.empty() && new_topics_.empty());  // flushed
  auto [it, inserted] = addresses_.try_emplace(a);
  if (inserted) it->second = bloom_bits(keccak256(a.view()));
  set_bits(bloom, it->second);
}

void BloomMemo::add(Bloom& bloom, const Bytes32& topic) {
  STOA_ASSERT(new_addresses_.empty() && new_topics_.empty());  // flushed
  auto [it, inserted] = topics_.try_emplace(topic);
  if (inserted) it->second = bloom_bits(keccak256(topic.view()));
  set_bits(bloom, it->second);
}

void BloomMemo::learn(const Address& a) {
  if (addresses_.try_emplace(a).second) new_addresses_.push_back(a);
}

void BloomMemo::learn(const Bytes32& topic) {
  if (topics_.try_emplace(topic).second) new_topics_.push_back(topic);
}

void BloomMemo::flush() {
  std::vector<BytesView> items;
  items.reserve(new_addresses_.size() + new_topics_.size());
  for (const Address& a : new_addresses_)
    items.emplace_back(a.view());
  for (const Bytes32& t : new_topics_)
    items.emplace_back(t.view());
  std::vector<Bytes32> hashes(items.size());
  keccak256_many(items, hashes);
  size_t k = 0;
  for (const Address& a : new_addresses_)
    addresses_.find(a)->second = bloom_bits(hashes[k++]);
  for (const Bytes32& t : new_topics_)
    topics_.find(t)->second = bloom_bits(hashes[k++]);
  new_addresses_.clear();
  new_topics_.clear();
}

void set_receipt_blooms(std::span<Receipt> receipts, BloomMemo& memo) {
  auto same = [](const core::Log* prev, const core::Log& log, size_t topic) {
    return prev != nullptr && topic < prev->topics.size() &&
           prev->topics[topic] == log.topics[topic];
  };
  std::vector<BytesView> direct;  // topics 1.. to hash, and whose bloom they go to
  std::vector<uint32_t> owner;
  for (size_t k = 0; k < receipts.size(); ++k) {
    const core::Log* prev = nullptr;
    for (const core::Log& log : receipts[k].logs) {
      if (prev == nullptr || !(prev->address == log.address)) memo.learn(log.address);
      for (size_t t = 0; t < log.topics.size(); ++t) {
        if (same(prev, log, t)) continue;
        if (t == 0) {
          memo.learn(log.topics[0]);
        } else {
          direct.emplace_back(log.topics[t].view());
          owner.push_back(static_cast<uint32_t>(k));
        }
      }
      prev = &log;
    }
  }
  memo.flush();
  std::vector<Bytes32> hashes(direct.size());
  keccak256_many(direct, hashes);
  for (Receipt& rc : receipts) {
    rc.bloom = Bloom{};
    const core::Log* prev = nullptr;
    for (const core::Log& log : rc.logs) {
      if (prev == nullptr || !(prev->address == log.address)) memo.add(rc.bloom, log.address);
      if (!log.topics.empty() && !same(prev, log, 0)) memo.add(rc.bloom, log.topics[0]);
      prev = &log;
    }
  }
  for (size_t j = 0; j < hashes.size(); ++j)
    set_bits(receipts[owner[j]].bloom, bloom_bits(hashes[j]));
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

// Written in place in two passes — sizes, then bytes — since a receipt of a batch of transfers
// holds thousands of logs (the same bytes as rlp::encode_list of encoded items, without the
// temporaries).
Bytes encode_receipt(const Receipt& r) {
  auto topics_payload = [](const core::Log& log) { return log.topics.size() * 33; };
  auto log_payload = [&](const core::Log& log) {
    const size_t t = topics_payload(log);
    return 21 + rlp::header_size(t) + t + rlp::encoded_size(log.data);
  };
  size_t logs_payload = 0;
  for (const core::Log& log : r.logs) {
    const size_t p = log_payload(log);
    logs_payload += rlp::header_size(p) + p;
  }
  const Bytes status = rlp::encode_uint(U256(r.success ? 1 : 0));
  const Bytes gas = rlp::encode_uint(U256(r.cumulative_gas_used));
  const BytesView bloom(r.bloom.data(), r.bloom.size());
  const size_t payload = status.size() + gas.size() + rlp::encoded_size(bloom) +
                         rlp::header_size(logs_payload) + logs_payload;
  Bytes out;
  out.reserve(1 + rlp::header_size(payload) + payload);
  if (r.type != TxType::kLegacy) out.push_back(static_cast<uint8_t>(r.type));
  rlp::append_list_header(out, payload);
  out.insert(out.end(), status.begin(), status.end());
  out.insert(out.end(), gas.begin(), gas.end());
  rlp::append_bytes(out, bloom);
  rlp::append_list_header(out, logs_payload);
  for (const core::Log& log : r.logs) {
    rlp::append_list_header(out, log_payload(log));
    rlp::append_bytes(out, log.address.view());
    rlp::append_list_header(out, topics_payload(log));
    for (const Bytes32& t : log.topics)
      rlp::append_bytes(out, t.view());
    rlp::append_bytes(out, log.data);
  }
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
  const OrderedTrie trie(items.size());
  std::vector<BytesView> values(items.begin(), items.end());
  std::vector<Bytes> refs(items.size());
  trie.leaf_refs(0, values, refs);
  return trie.root(refs);
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
