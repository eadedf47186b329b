// Keccak-256 as Ethereum uses it (original Keccak padding, not SHA3-256), via Crypto++.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "stoa/common/bytes.h"

namespace stoa {

Bytes32 keccak256(BytesView data);
Bytes32 keccak256(std::string_view text);

// Hashes in[i] into out[i] for every i (in.size() == out.size(), asserted); the same digests as
// keccak256 one by one, computed several messages at a time where the CPU allows.
void keccak256_many(std::span<const BytesView> in, std::span<Bytes32> out);

// Streaming form, for hashing large canonical encodings without building them in memory.
class Keccak256 {
 public:
  Keccak256();
  ~Keccak256();
  Keccak256(const Keccak256&) = delete;
  Keccak256& operator=(const Keccak256&) = delete;
  void update(BytesView data);
  void update(const void* data, size_t n);
  Bytes32 finish();  // resets the hasher

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The first four bytes of keccak256(signature): an ABI function selector.
uint32_t selector_of(std::string_view signature);

}  // namespace stoa
