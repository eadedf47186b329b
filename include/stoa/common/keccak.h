// Keccak-256 as Ethereum uses it (original Keccak padding 0x01..0x80, not SHA3-256's 0x06), our own
// implementation of Keccak-f[1600] (FIPS 202 / the Keccak reference): a portable scalar
// permutation, and for batches an 8-way AVX-512 permutation chosen at run time.
#pragma once

#include <cstddef>
#include <cstdint>
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
// Allocation-free: the 200-byte state and a partial block live in the object.
class Keccak256 {
 public:
  static constexpr size_t kRate = 136;  // bytes absorbed per permutation (1600 - 2 * 256 bits)

  Keccak256() = default;
  ~Keccak256() = default;
  Keccak256(const Keccak256&) = delete;
  Keccak256& operator=(const Keccak256&) = delete;
  void update(BytesView data);
  void update(const void* data, size_t n);
  Bytes32 finish();  // resets the hasher

 private:
  uint64_t state_[25]{};
  uint8_t buf_[kRate]{};  // the first buf_len_ bytes of the block being filled
  size_t buf_len_ = 0;
};

// The first four bytes of keccak256(signature): an ABI function selector.
uint32_t selector_of(std::string_view signature);

}  // namespace stoa
