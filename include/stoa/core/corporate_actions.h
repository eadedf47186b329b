// The state of a security's documents (ERC-1643, docs/documents.md) and of a conversion in
// progress (docs/corporate-actions.md): the records SecurityToken keeps in its slots 70-73.
#pragma once

#include <cstdint>
#include <string>

#include <absl/hash/hash.h>

#include "stoa/common/address.h"
#include "stoa/common/u256.h"
#include "stoa/core/fields.h"
#include "stoa/core/state_encoding.h"

namespace stoa::core {

inline constexpr size_t kMaxDocumentNames = 64;         // names ever set on one security
inline constexpr uint64_t kMaxDocumentVersions = 1000;  // versions (updates, removals) of a name
inline constexpr size_t kMaxDocumentUriBytes = 2048;
inline constexpr size_t kMaxReasonBytes = 256;  // a corporate action's reason (as forcedTransfer)

// Per document name: how many versions it has and whether the latest is live (not removed).
struct DocumentHead {
  uint64_t versions = 0;
  bool live = false;
  bool operator==(const DocumentHead&) const = default;
};
inline void delta_put(StateEncoder& e, const DocumentHead& h) {
  e.u64(h.versions);
  e.u8(h.live ? 1 : 0);
}
inline void state_get(StateDecoder& d, DocumentHead& h) {
  h.versions = d.u64();
  h.live = d.boolean();
}

struct DocumentKey {
  Bytes32 name;
  uint64_t version = 0;  // 0 is the first
  bool operator==(const DocumentKey&) const = default;
  auto operator<=>(const DocumentKey&) const = default;
};
struct DocumentKeyHash {
  size_t operator()(const DocumentKey& k) const { return absl::HashOf(k.name.b, k.version); }
};
inline void delta_put(StateEncoder& e, const DocumentKey& k) {
  e.b32(k.name);
  e.u64(k.version);
}
inline void state_get(StateDecoder& d, DocumentKey& k) {
  k.name = d.b32();
  k.version = d.u64();
}

// One version of a document: what setDocument recorded, or a removal (removed, with the URI and
// hash it removed).
struct DocumentVersion {
  std::string uri;
  Bytes32 hash;
  uint64_t timestamp = 0;
  bool removed = false;
  bool operator==(const DocumentVersion&) const = default;
};
inline void delta_put(StateEncoder& e, const DocumentVersion& v) {
  e.str(v.uri);
  e.b32(v.hash);
  e.u64(v.timestamp);
  e.u8(v.removed ? 1 : 0);
}
inline void state_get(StateDecoder& d, DocumentVersion& v) {
  v.uri = d.str();
  v.hash = d.b32();
  v.timestamp = d.u64();
  v.removed = d.boolean();
}

// A conversion of this security into `target` at numerator/denominator (B per A), in progress
// (target non-zero) or finished (the security is then retired). Fractions of B are floored; their
// sum, in 1/denominator units of B, is kept for cash in lieu (docs/corporate-actions.md).
struct Conversion {
  Address target;
  U256 numerator;
  U256 denominator;
  U256 fractions;        // sum of (balance × numerator mod denominator) over converted holders
  uint64_t holders = 0;  // holders converted so far
  Bytes32 document;
  bool operator==(const Conversion&) const = default;
};
inline void delta_put(StateEncoder& e, const Conversion& c) {
  e.address(c.target);
  e.u256(c.numerator);
  e.u256(c.denominator);
  e.u256(c.fractions);
  e.u64(c.holders);
  e.b32(c.document);
}
inline void state_get(StateDecoder& d, Conversion& c) {
  c.target = d.address();
  c.numerator = d.u256();
  c.denominator = d.u256();
  c.fractions = d.u256();
  c.holders = d.u64();
  c.document = d.b32();
}

}  // namespace stoa::core
