#include "stoa/common/keccak.h"

#include <cryptopp/keccak.h>

#include "stoa/common/assert.h"

namespace stoa {

struct Keccak256::Impl {
  CryptoPP::Keccak_256 h;
};

Keccak256::Keccak256() : impl_(std::make_unique<Impl>()) {}
Keccak256::~Keccak256() = default;

void Keccak256::update(BytesView data) {
  impl_->h.Update(data.data(), data.size());
}
void Keccak256::update(const void* data, size_t n) {
  impl_->h.Update(static_cast<const CryptoPP::byte*>(data), n);
}

Bytes32 Keccak256::finish() {
  Bytes32 out;
  impl_->h.Final(out.b.data());
  return out;
}

Bytes32 keccak256(BytesView data) {
  CryptoPP::Keccak_256 h;
  Bytes32 out;
  h.CalculateDigest(out.b.data(), data.data(), data.size());
  return out;
}

Bytes32 keccak256(std::string_view text) {
  return keccak256(BytesView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void keccak256_many(std::span<const BytesView> in, std::span<Bytes32> out) {
  STOA_ASSERT(in.size() == out.size());
  for (size_t i = 0; i < in.size(); ++i)
    out[i] = keccak256(in[i]);
}

uint32_t selector_of(std::string_view signature) {
  Bytes32 h = keccak256(signature);
  return (uint32_t{h.b[0]} << 24) | (uint32_t{h.b[1]} << 16) | (uint32_t{h.b[2]} << 8) |
         uint32_t{h.b[3]};
}

}  // namespace stoa
