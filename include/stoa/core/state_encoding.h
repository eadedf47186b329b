// The canonical byte encoding of state values: a StateSink receives bytes (a hash, a state image
// buffer), a StateEncoder writes fixed-width big-endian integers and length-prefixed byte strings
// into it. Contracts encode their whole storage with it (state images, the content digest); the
// journaled containers encode the entries a block wrote with the delta_put overloads below (the
// per-block state delta that chains the state root, docs/journal-format.md). Every encoding is
// injective: variable-length values carry their length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"
#include "stoa/common/u256.h"

namespace stoa::core {

// Where canonical state bytes go: a hash (the digest) or a state image buffer.
class StateSink {
 public:
  virtual ~StateSink() = default;
  virtual void write(const void* data, size_t n) = 0;
};

class StateEncoder {
 public:
  explicit StateEncoder(StateSink& sink) : sink_(sink) {}
  void u8(uint8_t v) { sink_.write(&v, 1); }
  void u64(uint64_t v);
  void u256(const U256& v);
  void address(const Address& a) { sink_.write(a.b.data(), a.b.size()); }
  void b32(const Bytes32& b) { sink_.write(b.b.data(), b.b.size()); }
  void bytes(BytesView b);
  void str(std::string_view s);

 private:
  StateSink& sink_;
};

// delta_put: one overload per type a journaled container holds (keys and values). Types of the
// contracts' own (records, claims, ...) have theirs next to their definition, found by
// argument-dependent lookup; a container of a type without one does not compile.
inline void delta_put(StateEncoder& e, bool v) {
  e.u8(v ? 1 : 0);
}
inline void delta_put(StateEncoder& e, uint8_t v) {
  e.u8(v);
}
inline void delta_put(StateEncoder& e, uint16_t v) {
  e.u64(v);
}
inline void delta_put(StateEncoder& e, uint32_t v) {
  e.u64(v);
}
inline void delta_put(StateEncoder& e, uint64_t v) {
  e.u64(v);
}
inline void delta_put(StateEncoder& e, const U256& v) {
  e.u256(v);
}
inline void delta_put(StateEncoder& e, const Address& a) {
  e.address(a);
}
inline void delta_put(StateEncoder& e, const Bytes32& b) {
  e.b32(b);
}
inline void delta_put(StateEncoder& e, const Bytes& b) {
  e.bytes(b);
}
inline void delta_put(StateEncoder& e, const std::string& s) {
  e.str(s);
}
// A pointer to another contract is stored as that contract's address (zero for none).
template <typename T>
void delta_put(StateEncoder& e, T* const& p) requires requires(const T& t) {
  { t.address() } -> std::convertible_to<Address>;
}
{ e.address(p != nullptr ? p->address() : Address{}); }
template <typename T>
void delta_put(StateEncoder& e, const std::vector<T>& v) {
  e.u64(v.size());
  for (const T& x : v)
    delta_put(e, x);
}

}  // namespace stoa::core
