// ABI encoding (head/tail layout) and strict decoding, calldata and custom-error data.
#include <algorithm>
#include <cstring>

#include "internal.h"
#include "stoa/abi/abi.h"
#include "stoa/common/assert.h"

namespace stoa::abi {

using internal::head_size;
using internal::sat_add;
using internal::sat_mul;

namespace {

constexpr size_t kWord = 32;

void put_size(uint8_t* out32, size_t n) {
  U256(static_cast<uint64_t>(n)).to_be(out32);
}

size_t padded(size_t n) {
  return n % kWord == 0 ? n : n + (kWord - n % kWord);
}

// ---------------------------------------------------------------------------------------------
// Encoder. Values are checked against their types before any byte is written, so the writers
// below may assume a well-formed (type, value) pair.

void write_static(const Type& t, const Value& v, uint8_t* out);
void append_dynamic(Bytes& out, const Type& t, const Value& v);

// Encodes the elements of `vals` as a tuple starting at the end of `out`; `type_at(i)` is the
// type of element i.
template <typename TypeAt>
void append_tuple(Bytes& out, const ValueList& vals, TypeAt type_at) {
  const size_t base = out.size();
  size_t heads = 0;
  for (size_t i = 0; i < vals.size(); ++i)
    heads += head_size(type_at(i));
  out.resize(base + heads);  // zero-filled
  size_t pos = base;
  for (size_t i = 0; i < vals.size(); ++i) {
    const Type& t = type_at(i);
    if (t.is_dynamic()) {
      put_size(out.data() + pos, out.size() - base);
      append_dynamic(out, t, vals[i]);
      pos += kWord;
    } else {
      write_static(t, vals[i], out.data() + pos);
      pos += head_size(t);
    }
  }
}

// An array's elements share one type: compute its layout once.
void append_elements(Bytes& out, const Type& elem, const ValueList& vals) {
  const bool dynamic = elem.is_dynamic();
  const size_t step = dynamic ? kWord : head_size(elem);
  const size_t base = out.size();
  out.resize(base + vals.size() * step);
  for (size_t i = 0; i < vals.size(); ++i) {
    size_t pos = base + i * step;
    if (dynamic) {
      put_size(out.data() + pos, out.size() - base);
      append_dynamic(out, elem, vals[i]);
    } else {
      write_static(elem, vals[i], out.data() + pos);
    }
  }
}

void write_static(const Type& t, const Value& v, uint8_t* out) {
  switch (t.kind) {
    case Type::Kind::FixedArray: {
      const size_t step = head_size(t.components[0]);
      const ValueList& l = v.list();
      for (size_t i = 0; i < l.size(); ++i)
        write_static(t.components[0], l[i], out + i * step);
      return;
    }
    case Type::Kind::Tuple: {
      const ValueList& l = v.list();
      size_t pos = 0;
      for (size_t i = 0; i < l.size(); ++i) {
        write_static(t.components[i], l[i], out + pos);
        pos += head_size(t.components[i]);
      }
      return;
    }
    default:
      internal::write_word(t, v, out);
  }
}

void append_payload(Bytes& out, const uint8_t* data, size_t n) {
  size_t at = out.size();
  out.resize(at + kWord + padded(n));
  put_size(out.data() + at, n);
  if (n > 0) std::memcpy(out.data() + at + kWord, data, n);
}

void append_dynamic(Bytes& out, const Type& t, const Value& v) {
  switch (t.kind) {
    case Type::Kind::Bytes:
      append_payload(out, v.bytes().data(), v.bytes().size());
      return;
    case Type::Kind::String:
      append_payload(out, reinterpret_cast<const uint8_t*>(v.str().data()), v.str().size());
      return;
    case Type::Kind::Array: {
      size_t at = out.size();
      out.resize(at + kWord);
      put_size(out.data() + at, v.list().size());
      append_elements(out, t.components[0], v.list());
      return;
    }
    case Type::Kind::FixedArray:
      append_elements(out, t.components[0], v.list());
      return;
    case Type::Kind::Tuple:
      append_tuple(out, v.list(), [&](size_t i) -> const Type& { return t.components[i]; });
      return;
    default:
      STOA_ASSERT(false && "append_dynamic on a static type");
  }
}

// ---------------------------------------------------------------------------------------------
// Decoder. Every read is bounds-checked against `data_`; offsets are relative to the start of
// the enclosing tuple (or array body), as the ABI defines.

class Decoder {
 public:
  explicit Decoder(BytesView data) : data_(data) {}

  size_t max_end() const { return max_end_; }

  DecodeError tuple(const std::vector<Type>& types, size_t base, ValueList& out) {
    size_t heads = 0;
    for (const Type& t : types)
      heads = sat_add(heads, head_size(t));
    if (heads > data_.size() - base) return DecodeError::kTooShort;
    out.reserve(types.size());
    size_t pos = base;
    for (const Type& t : types) {
      Value v;
      DecodeError e = t.is_dynamic() ? dynamic_at(t, base, pos, v) : static_value(t, pos, v);
      if (e != DecodeError::kOk) return e;
      out.push_back(std::move(v));
      pos += head_size(t);
    }
    return DecodeError::kOk;
  }

 private:
  // Reads the 32-byte word at `pos` (the caller has checked it lies inside the data).
  const uint8_t* word(size_t pos) {
    STOA_ASSERT(pos <= data_.size() && data_.size() - pos >= kWord);
    max_end_ = std::max(max_end_, pos + kWord);
    return data_.data() + pos;
  }

  // Claims `n` more decoded array elements against kMaxDecodedElementsCount.
  bool claim_elements(size_t n) {
    if (n > kMaxDecodedElementsCount - elements_) return false;
    elements_ += n;
    return true;
  }

  // `n` elements of type `elem` laid out as a tuple at `base`.
  DecodeError elements(const Type& elem, size_t n, size_t base, ValueList& out) {
    const bool dynamic = elem.is_dynamic();
    const size_t step = dynamic ? kWord : head_size(elem);
    if (sat_mul(n, step) > data_.size() - base) return DecodeError::kTooShort;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      Value v;
      size_t pos = base + i * step;
      DecodeError e = dynamic ? dynamic_at(elem, base, pos, v) : static_value(elem, pos, v);
      if (e != DecodeError::kOk) return e;
      out.push_back(std::move(v));
    }
    return DecodeError::kOk;
  }

  // A static value whose encoding starts at `pos` (inside the data: checked by the caller).
  DecodeError static_value(const Type& t, size_t pos, Value& out) {
    using K = Type::Kind;
    switch (t.kind) {
      case K::FixedArray: {
        if (!claim_elements(t.length)) return DecodeError::kBadLength;
        ValueList list;
        DecodeError e = elements(t.components[0], t.length, pos, list);
        if (e != DecodeError::kOk) return e;
        out = Value(std::move(list));
        return DecodeError::kOk;
      }
      case K::Tuple: {
        ValueList list;
        DecodeError e = tuple(t.components, pos, list);
        if (e != DecodeError::kOk) return e;
        out = Value(std::move(list));
        return DecodeError::kOk;
      }
      default:
        return elementary(t, word(pos), out);
    }
  }

  static DecodeError elementary(const Type& t, const uint8_t* w, Value& out) {
    auto zero = [&](size_t from, size_t to) {
      return std::all_of(w + from, w + to, [](uint8_t b) { return b == 0; });
    };
    switch (t.kind) {
      case Type::Kind::Uint:
      case Type::Kind::Int: {
        U256 x = U256::from_be(BytesView(w, kWord));
        bool ok = t.kind == Type::Kind::Uint ? internal::fits_uint(x, t.bits)
                                             : internal::fits_int(x, t.bits);
        if (!ok) return DecodeError::kDirtyHighBits;
        out = Value(x);
        return DecodeError::kOk;
      }
      case Type::Kind::Address: {
        if (!zero(0, 12)) return DecodeError::kDirtyHighBits;
        out = Value(Address::from_view(BytesView(w + 12, 20)));
        return DecodeError::kOk;
      }
      case Type::Kind::Bool: {
        if (!zero(0, 31)) return DecodeError::kDirtyHighBits;
        if (w[31] > 1) return DecodeError::kBadBool;
        out = Value(w[31] == 1);
        return DecodeError::kOk;
      }
      case Type::Kind::FixedBytes: {
        if (!zero(t.bits, kWord)) return DecodeError::kDirtyHighBits;
        out = Value(Bytes(w, w + t.bits));
        return DecodeError::kOk;
      }
      default:
        return DecodeError::kTypeMismatch;  // unreachable for checked types
    }
  }

  // A dynamic value whose offset (relative to `base`) is the word at `head_pos`.
  DecodeError dynamic_at(const Type& t, size_t base, size_t head_pos, Value& out) {
    U256 off = U256::from_be(BytesView(word(head_pos), kWord));
    if (!off.fits_u64() || off.low64() % kWord != 0) return DecodeError::kBadOffset;
    if (off.low64() > data_.size() - base) return DecodeError::kBadOffset;
    size_t start = base + static_cast<size_t>(off.low64());
    // Every dynamic value starts with at least one word (a length or a head), except a
    // zero-length fixed array of a dynamic type.
    size_t first = std::min(kWord, head_size_at(t));
    if (first > data_.size() - start) return DecodeError::kBadOffset;
    return dynamic_value(t, start, out);
  }

  // Bytes at the start of the encoding of dynamic `t` itself (not its head slot).
  static size_t head_size_at(const Type& t) {
    switch (t.kind) {
      case Type::Kind::FixedArray:
        return sat_mul(t.length, kWord);
      case Type::Kind::Tuple: {
        size_t n = 0;
        for (const Type& c : t.components)
          n = sat_add(n, head_size(c));
        return n;
      }
      default:
        return kWord;  // the length word
    }
  }

  DecodeError dynamic_value(const Type& t, size_t start, Value& out) {
    using K = Type::Kind;
    switch (t.kind) {
      case K::Bytes:
      case K::String:
      case K::Array: {
        if (data_.size() - start < kWord) return DecodeError::kTooShort;
        U256 len_word = U256::from_be(BytesView(word(start), kWord));
        const size_t body = start + kWord;
        const size_t room = data_.size() - body;
        if (!len_word.fits_u64()) return DecodeError::kBadLength;
        const auto len = static_cast<size_t>(len_word.low64());
        if (t.kind == K::Array) {
          // Each element takes its head slot (a word for dynamic elements); only zero-size
          // elements (empty tuples, T[0]) are bounded by the element limit alone.
          const Type& elem = t.components[0];
          const size_t step = elem.is_dynamic() ? kWord : head_size(elem);
          if (step > 0 && len > room / step) return DecodeError::kBadLength;
          if (!claim_elements(len)) return DecodeError::kBadLength;
          ValueList list;
          DecodeError e = elements(elem, len, body, list);
          if (e != DecodeError::kOk) return e;
          out = Value(std::move(list));
          return DecodeError::kOk;
        }
        if (len > room) return DecodeError::kBadLength;
        // Aliasing offsets could make many values share one payload; cap the total output so
        // decoding never produces more payload bytes than it was given.
        if (len > data_.size() - payload_) return DecodeError::kBadLength;
        payload_ += len;
        max_end_ = std::max(max_end_, std::min(data_.size(), body + padded(len)));
        const uint8_t* p = data_.data() + body;
        if (t.kind == K::Bytes) {
          out = Value(Bytes(p, p + len));
          return DecodeError::kOk;
        }
        std::string s(reinterpret_cast<const char*>(p), len);
        if (!internal::valid_utf8(s)) return DecodeError::kInvalidUtf8;
        out = Value(std::move(s));
        return DecodeError::kOk;
      }
      case K::FixedArray: {
        if (!claim_elements(t.length)) return DecodeError::kBadLength;
        ValueList list;
        DecodeError e = elements(t.components[0], t.length, start, list);
        if (e != DecodeError::kOk) return e;
        out = Value(std::move(list));
        return DecodeError::kOk;
      }
      case K::Tuple: {
        ValueList list;
        DecodeError e = tuple(t.components, start, list);
        if (e != DecodeError::kOk) return e;
        out = Value(std::move(list));
        return DecodeError::kOk;
      }
      default:
        return DecodeError::kTypeMismatch;  // unreachable for checked types
    }
  }

  BytesView data_;
  size_t max_end_ = 0;   // one past the last byte read (payload padding included)
  size_t elements_ = 0;  // array elements decoded so far
  size_t payload_ = 0;   // bytes/string payload bytes decoded so far
};

DecodeError check_args(const std::vector<Type>& types, const ValueList& values) {
  DecodeError e = internal::check_types(types);
  if (e != DecodeError::kOk) return e;
  if (types.size() != values.size()) return DecodeError::kTypeMismatch;
  for (size_t i = 0; i < types.size(); ++i) {
    e = internal::check_value(types[i], values[i]);
    if (e != DecodeError::kOk) return e;
  }
  return DecodeError::kOk;
}

}  // namespace

std::variant<Bytes, DecodeError> encode(const std::vector<Type>& types, const ValueList& values) {
  DecodeError e = check_args(types, values);
  if (e != DecodeError::kOk) return e;
  Bytes out;
  append_tuple(out, values, [&](size_t i) -> const Type& { return types[i]; });
  return out;
}

std::variant<ValueList, DecodeError> decode(const std::vector<Type>& types, BytesView data,
                                            bool strict_length) {
  DecodeError e = internal::check_types(types);
  if (e != DecodeError::kOk) return e;
  Decoder d(data);
  ValueList out;
  e = d.tuple(types, 0, out);
  if (e != DecodeError::kOk) return e;
  if (strict_length && d.max_end() < data.size()) return DecodeError::kTrailingData;
  return out;
}

std::variant<Bytes, DecodeError> encode_call(const Signature& sig, const ValueList& args) {
  auto body = encode(sig.inputs, args);
  if (auto* err = std::get_if<DecodeError>(&body)) return *err;
  const Bytes& b = std::get<Bytes>(body);
  uint32_t sel = selector(sig);
  Bytes out;
  out.reserve(4 + b.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>(sel >> shift));
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Bytes encode_error(const Signature& sig, const ValueList& args) {
  auto r = encode_call(sig, args);
  STOA_ASSERT(std::holds_alternative<Bytes>(r));  // the values must match the error's inputs
  return std::get<Bytes>(std::move(r));
}

}  // namespace stoa::abi
