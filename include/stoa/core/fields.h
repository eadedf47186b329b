// A contract's storage described once: its field list, a typed table of (member, name, codec) in
// encoding order. The canonical encoding (state images, the content digest, the whole-contract
// entries of block deltas), the decoding and the slot census (tests) are all derived from it, so
// they cannot drift apart. Each journaled container carries its own stable slot number, declared
// next to the member (`JMap<...> balances_{undo_log(), Slot{2}}`): the block delta names a
// container by (owner, slot), never by declaration order. docs/journal-format.md, "Versions".
//
//   const auto& Token::field_list() {
//     static constexpr auto kFields = std::make_tuple(field(&Token::config_, "config"),
//                                                     sub(&Token::access_, "access"),
//                                                     field(&Token::balances_, "balances"));
//     return kFields;
//   }
//   STOA_DEFINE_FIELDS(Token)  // encode_state and field_info from the list
//
// Codecs: a JMap is its entry count and its entries in ascending key order (delta_put of key
// and value); a key set (a JMap<K, bool>) lists only its keys; a JValue and a plain member are
// delta_put of the value; a pointer to a contract is its address, resolved after every contract
// is decoded; a derived container (rebuilt from others) is not encoded. Decoding reads with the
// state_get overloads, the counterparts of delta_put.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "stoa/core/contract.h"
#include "stoa/core/ordered_map.h"
#include "stoa/core/state.h"
#include "stoa/core/undo_log.h"

namespace stoa::core {

// --- state_get: the decoding counterpart of every delta_put (fixed-width big-endian integers,
// length-prefixed bytes). Types of the contracts' own have theirs next to their delta_put.
inline void state_get(StateDecoder& d, bool& v) {
  v = d.boolean();
}
inline void state_get(StateDecoder& d, uint8_t& v) {
  v = d.u8();
}
inline void state_get(StateDecoder& d, uint16_t& v) {
  const uint64_t x = d.u64();
  if (x > UINT16_MAX) d.fail("value " + std::to_string(x) + " > 65535");
  v = static_cast<uint16_t>(x);
}
inline void state_get(StateDecoder& d, uint32_t& v) {
  const uint64_t x = d.u64();
  if (x > UINT32_MAX) d.fail("value " + std::to_string(x) + " > 4294967295");
  v = static_cast<uint32_t>(x);
}
inline void state_get(StateDecoder& d, uint64_t& v) {
  v = d.u64();
}
inline void state_get(StateDecoder& d, U256& v) {
  v = d.u256();
}
inline void state_get(StateDecoder& d, Address& v) {
  v = d.address();
}
inline void state_get(StateDecoder& d, Bytes32& v) {
  v = d.b32();
}
inline void state_get(StateDecoder& d, Bytes& v) {
  v = d.bytes();
}
inline void state_get(StateDecoder& d, std::string& v) {
  v = d.str();
}
inline void state_get(StateDecoder& d, AddressPair& p) {
  p.a = d.address();
  p.b = d.address();
}
template <typename T>
void state_get(StateDecoder& d, std::vector<T>& v) {
  v.clear();
  // Every entry takes at least one byte: the count cannot ask for more than the input holds.
  for (uint64_t n = d.count(1); n > 0 && d.ok(); --n) {
    T x{};
    state_get(d, x);
    v.push_back(std::move(x));
  }
}

// --- Field descriptors.
enum class FieldCodec : uint8_t {
  kValue,    // the value (a map: its entries)
  kKeySet,   // a JMap<K, bool>: only its keys
  kDerived,  // not encoded: rebuilt from other fields after decoding (the contract's after-decode)
};

template <typename C, typename M, FieldCodec kCodec>
struct Field {
  static constexpr FieldCodec codec = kCodec;
  M C::*member;
  std::string_view name;
};
template <typename C, typename M>
constexpr Field<C, M, FieldCodec::kValue> field(M C::*m, std::string_view name) {
  return {m, name};
}
template <typename C, typename M>
constexpr Field<C, M, FieldCodec::kKeySet> key_set(M C::*m, std::string_view name) {
  return {m, name};
}
template <typename C, typename M>
constexpr Field<C, M, FieldCodec::kDerived> derived(M C::*m, std::string_view name) {
  return {m, name};
}
// Two journaled booleans packed into one byte: bit 0 and bit 1 (values above 3 are refused).
template <typename C>
struct Flags2 {
  JValue<bool> C::*bit0;
  JValue<bool> C::*bit1;
  std::string_view name;
};
template <typename C>
constexpr Flags2<C> flags2(JValue<bool> C::*bit0, JValue<bool> C::*bit1, std::string_view name) {
  return {bit0, bit1, name};
}
// An encoding the generic codecs cannot express, kept byte-compatible with journals written
// before a member existed: the contract's own encode, decode and census functions for a group of
// members (e.g. SecurityToken's eligibility byte, whose high bit flags a pending investor rebuild
// that follows it). Use sparingly: every other field is generic.
template <typename C>
struct Custom {
  void (C::*encode)(StateEncoder&) const;
  void (C::*decode)(StateDecoder&);
  void (C::*describe)(std::vector<FieldInfo>&) const;  // each container of the group, named
  std::string_view name;
};
template <typename C>
constexpr Custom<C> custom(void (C::*encode)(StateEncoder&) const, void (C::*decode)(StateDecoder&),
                           void (C::*describe)(std::vector<FieldInfo>&) const,
                           std::string_view name) {
  return {encode, decode, describe, name};
}
// A member object with a field list of its own (S::field_list(); AccessControl).
template <typename C, typename S>
struct Sub {
  S C::*member;
  std::string_view name;
};
template <typename C, typename S>
constexpr Sub<C, S> sub(S C::*m, std::string_view name) {
  return {m, name};
}

// --- Encoding.
namespace detail {
template <typename T>
struct IsPointer : std::false_type {};
template <typename T>
struct IsPointer<T*> : std::true_type {};

template <FieldCodec codec, typename K, typename V, typename H>
void encode_member(StateEncoder& e, const JMap<K, V, H>& m) {
  if constexpr (codec == FieldCodec::kKeySet) {
    static_assert(std::is_same_v<V, bool>, "a key set is a JMap<K, bool>");
    e.u64(m.size());
    m.for_each_sorted([&](const K& k, const V&) { delta_put(e, k); });
  } else {
    m.encode_content(e);
  }
}
template <FieldCodec codec, typename T>
void encode_member(StateEncoder& e, const JValue<T>& v) {
  static_assert(codec == FieldCodec::kValue);
  delta_put(e, v.get());
}
template <FieldCodec codec, typename K, typename V, typename L>
void encode_member(StateEncoder& e, const JOrderedMap<K, V, L>& m) {
  static_assert(codec == FieldCodec::kValue);
  m.encode_content(e);
}
template <FieldCodec codec, typename T>
void encode_member(StateEncoder& e, const JVector<T>& v) {
  static_assert(codec == FieldCodec::kValue);
  v.encode_content(e);
}
template <FieldCodec codec, typename T>
void encode_member(StateEncoder& e, const T& v) requires(!std::is_base_of_v<Undoable, T>) {
  static_assert(codec == FieldCodec::kValue);
  delta_put(e, v);
}

// (O: the class that declares the member: C itself or a base of C.)
template <typename C, typename O, typename M, FieldCodec kCodec>
void encode_one(const C& c, StateEncoder& e, const Field<O, M, kCodec>& f) {
  if constexpr (kCodec != FieldCodec::kDerived) encode_member<kCodec>(e, c.*f.member);
}
template <typename C, typename O>
void encode_one(const C& c, StateEncoder& e, const Flags2<O>& f) {
  e.u8(static_cast<uint8_t>(((c.*f.bit0).get() ? 1 : 0) | ((c.*f.bit1).get() ? 2 : 0)));
}
template <typename C, typename O>
void encode_one(const C& c, StateEncoder& e, const Custom<O>& f) {
  (c.*f.encode)(e);
}
template <typename C, typename O, typename S>
void encode_one(const C& c, StateEncoder& e, const Sub<O, S>& f);
template <typename C, typename Tuple>
void encode_all(const C& c, StateEncoder& e, const Tuple& fields) {
  std::apply([&](const auto&... f) { (encode_one(c, e, f), ...); }, fields);
}

template <typename C, typename O, typename S>
void encode_one(const C& c, StateEncoder& e, const Sub<O, S>& f) {
  encode_all(c.*f.member, e, S::field_list());
}
}  // namespace detail

template <typename C, typename Tuple>
void encode_fields(const C& c, const Tuple& fields, StateEncoder& e) {
  detail::encode_all(c, e, fields);
}

// --- Decoding (into a freshly constructed object; pointers are resolved by fix-ups).
namespace detail {
struct FieldDecode {
  DecodeContext& ctx;
  StateDecoder& dec;
  const Address& self;
};

template <typename T>
void resolve_later(FieldDecode& fd, std::string_view name, const Address& a, bool nullable,
                   std::function<void(T*)> assign) {
  if (!fd.dec.ok()) return;
  const Address self = fd.self;
  State& state = fd.ctx.state;
  fd.ctx.fixups.push_back([=, &state, assign = std::move(assign)](std::string* error) {
    if (a.is_zero() && nullable) {
      assign(nullptr);
      return true;
    }
    T* p = state.contract_as<T>(a);
    if (p == nullptr) {
      *error = "contract " + self.checksum_hex() + " names " + a.checksum_hex() + " as its " +
               std::string(name) + ", which is not a " + std::string(kind_name(T::kKind));
      return false;
    }
    assign(p);
    return true;
  });
}

template <FieldCodec codec, typename K, typename V, typename H>
void decode_member(FieldDecode& fd, JMap<K, V, H>& m, std::string_view /*name*/) {
  m.clear();
  for (uint64_t n = fd.dec.count(1); n > 0 && fd.dec.ok(); --n) {
    K k{};
    state_get(fd.dec, k);
    if constexpr (codec == FieldCodec::kKeySet) {
      m.set(k, true);
    } else {
      V v{};
      state_get(fd.dec, v);
      m.set(k, v);
    }
  }
}
template <FieldCodec codec, typename T>
void decode_member(FieldDecode& fd, JValue<T>& jv, std::string_view name) {
  static_assert(codec == FieldCodec::kValue);
  if constexpr (IsPointer<T>::value) {
    const Address a = fd.dec.address();
    resolve_later<std::remove_pointer_t<T>>(fd, name, a, /*nullable=*/true,
                                            [&jv](T p) { jv.set(p); });
  } else {
    T v{};
    state_get(fd.dec, v);
    jv.set(std::move(v));
  }
}
template <FieldCodec codec, typename K, typename V, typename L>
void decode_member(FieldDecode& fd, JOrderedMap<K, V, L>& m, std::string_view /*name*/) {
  static_assert(codec == FieldCodec::kValue);
  m.clear();
  for (uint64_t n = fd.dec.count(1); n > 0 && fd.dec.ok(); --n) {
    K k{};
    state_get(fd.dec, k);
    V v{};
    state_get(fd.dec, v);
    m.set(k, v);
  }
}
template <FieldCodec codec, typename T>
void decode_member(FieldDecode& fd, JVector<T>& jv, std::string_view /*name*/) {
  static_assert(codec == FieldCodec::kValue);
  std::vector<T> v;
  state_get(fd.dec, v);
  jv.assign(std::move(v));
}
template <FieldCodec codec, typename T>
void decode_member(FieldDecode& fd, T& v,
                   std::string_view name) requires(!std::is_base_of_v<Undoable, T>) {
  static_assert(codec == FieldCodec::kValue);
  if constexpr (IsPointer<T>::value) {
    // A plain pointer is fixed when the contract is made: it must name a contract.
    const Address a = fd.dec.address();
    resolve_later<std::remove_pointer_t<T>>(fd, name, a, /*nullable=*/false, [&v](T p) { v = p; });
  } else {
    state_get(fd.dec, v);
  }
}

template <typename C, typename O, typename M, FieldCodec kCodec>
void decode_one(C& c, FieldDecode& fd, const Field<O, M, kCodec>& f) {
  if constexpr (kCodec != FieldCodec::kDerived) {
    if (fd.dec.ok()) decode_member<kCodec>(fd, c.*f.member, f.name);
  }
}
template <typename C, typename O>
void decode_one(C& c, FieldDecode& fd, const Flags2<O>& f) {
  if (!fd.dec.ok()) return;
  const uint8_t flags = fd.dec.u8();
  if (flags > 3) fd.dec.fail(std::string(f.name) + " flags " + std::to_string(flags) + " > 3");
  (c.*f.bit0).set((flags & 1) != 0);
  (c.*f.bit1).set((flags & 2) != 0);
}
template <typename C, typename O>
void decode_one(C& c, FieldDecode& fd, const Custom<O>& f) {
  if (fd.dec.ok()) (c.*f.decode)(fd.dec);
}
template <typename C, typename O, typename S>
void decode_one(C& c, FieldDecode& fd, const Sub<O, S>& f);
template <typename C, typename Tuple>
void decode_all(C& c, FieldDecode& fd, const Tuple& fields) {
  std::apply([&](const auto&... f) { (decode_one(c, fd, f), ...); }, fields);
}
template <typename C, typename O, typename S>
void decode_one(C& c, FieldDecode& fd, const Sub<O, S>& f) {
  decode_all(c.*f.member, fd, S::field_list());
}
}  // namespace detail

// Decodes `c`'s fields in list order; false (after dec.fail) on malformed input.
template <typename C, typename Tuple>
bool decode_fields(C& c, const Tuple& fields, DecodeContext& ctx, StateDecoder& dec) {
  detail::FieldDecode fd{ctx, dec, c.address()};
  detail::decode_all(c, fd, fields);
  return dec.ok();
}

// --- The census of a field list (tests: unique slots, every container listed).
namespace detail {
template <typename M>
const Undoable* container_of(const M& m) {
  if constexpr (std::is_base_of_v<Undoable, M>) {
    return &m;
  } else {
    return nullptr;
  }
}
template <typename C, typename O, typename M, FieldCodec kCodec>
void describe_one(const C& c, std::vector<FieldInfo>& out, const Field<O, M, kCodec>& f) {
  out.push_back(FieldInfo{f.name, container_of(c.*f.member), kCodec == FieldCodec::kDerived});
}
template <typename C, typename O>
void describe_one(const C& c, std::vector<FieldInfo>& out, const Flags2<O>& f) {
  out.push_back(FieldInfo{f.name, &(c.*f.bit0), false});
  out.push_back(FieldInfo{f.name, &(c.*f.bit1), false});
}
template <typename C, typename O>
void describe_one(const C& c, std::vector<FieldInfo>& out, const Custom<O>& f) {
  (c.*f.describe)(out);
}
template <typename C, typename O, typename S>
void describe_one(const C& c, std::vector<FieldInfo>& out, const Sub<O, S>& f);
template <typename C, typename Tuple>
void describe_all(const C& c, std::vector<FieldInfo>& out, const Tuple& fields) {
  std::apply([&](const auto&... f) { (describe_one(c, out, f), ...); }, fields);
}
template <typename C, typename O, typename S>
void describe_one(const C& c, std::vector<FieldInfo>& out, const Sub<O, S>& f) {
  describe_all(c.*f.member, out, S::field_list());
}
}  // namespace detail

template <typename C, typename Tuple>
std::vector<FieldInfo> describe_fields(const C& c, const Tuple& fields) {
  std::vector<FieldInfo> out;
  detail::describe_all(c, out, fields);
  return out;
}

}  // namespace stoa::core

// encode_state and field_info of a contract class, from its field_list().
#define STOA_DEFINE_FIELDS(Class)                                  \
  void Class::encode_state(StateEncoder& enc) const {              \
    ::stoa::core::encode_fields(*this, field_list(), enc);         \
  }                                                                \
  std::vector<::stoa::core::FieldInfo> Class::field_info() const { \
    return ::stoa::core::describe_fields(*this, field_list());     \
  }
