// Event logs: topic0, indexed topics (value types as words, other types hashed) and data.
#include <cstring>

#include "internal.h"
#include "stoa/abi/abi.h"
#include "stoa/common/assert.h"
#include "stoa/common/keccak.h"

namespace stoa::abi {
namespace {

constexpr size_t kMaxIndexed = 3;  // topics besides topic0 in a non-anonymous event

// Solidity's "encoding of indexed event parameters": bytes/string are their raw contents (padded
// to a multiple of 32 bytes when nested in an array or struct), arrays and structs are the
// concatenation of their elements' encodings without length prefixes, value types are words.
void append_in_place(Bytes& out, const Type& t, const Value& v, bool nested) {
  switch (t.kind) {
    case Type::Kind::Bytes:
    case Type::Kind::String: {
      const uint8_t* p = t.kind == Type::Kind::Bytes
                             ? v.bytes().data()
                             : reinterpret_cast<const uint8_t*>(v.str().data());
      size_t n = t.kind == Type::Kind::Bytes ? v.bytes().size() : v.str().size();
      size_t at = out.size();
      size_t total = nested && n % 32 != 0 ? n + (32 - n % 32) : n;
      out.resize(at + total);
      if (n > 0) std::memcpy(out.data() + at, p, n);
      return;
    }
    case Type::Kind::Array:
    case Type::Kind::FixedArray:
      for (const Value& e : v.list())
        append_in_place(out, t.components[0], e, true);
      return;
    case Type::Kind::Tuple:
      for (size_t i = 0; i < t.components.size(); ++i) {
        append_in_place(out, t.components[i], v.list()[i], true);
      }
      return;
    default: {
      size_t at = out.size();
      out.resize(at + 32);
      internal::write_word(t, v, out.data() + at);
    }
  }
}

}  // namespace

EncodedLog encode_event(const Signature& sig, const std::vector<bool>& indexed,
                        const ValueList& args) {
  STOA_ASSERT(indexed.size() == sig.inputs.size());
  STOA_ASSERT(args.size() == sig.inputs.size());
  STOA_ASSERT(internal::check_types(sig.inputs) == DecodeError::kOk);
  EncodedLog log;
  log.topics.push_back(keccak256(std::string_view(sig.canonical())));
  std::vector<Type> data_types;
  ValueList data_values;
  for (size_t i = 0; i < args.size(); ++i) {
    const Type& t = sig.inputs[i];
    STOA_ASSERT(internal::check_value(t, args[i]) == DecodeError::kOk);
    if (!indexed[i]) {
      data_types.push_back(t);
      data_values.push_back(args[i]);
      continue;
    }
    if (internal::is_elementary(t.kind)) {
      Bytes32 w;
      internal::write_word(t, args[i], w.b.data());
      log.topics.push_back(w);
    } else {
      Bytes pre;
      append_in_place(pre, t, args[i], /*nested=*/false);
      log.topics.push_back(keccak256(BytesView(pre)));
    }
  }
  STOA_ASSERT(log.topics.size() <= 1 + kMaxIndexed);
  auto data = encode(data_types, data_values);
  STOA_ASSERT(std::holds_alternative<Bytes>(data));
  log.data = std::get<Bytes>(std::move(data));
  return log;
}

}  // namespace stoa::abi
