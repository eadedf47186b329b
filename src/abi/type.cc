// ABI types: structure checks, canonical names, and the type/signature parser.
#include <algorithm>
#include <string>

#include "internal.h"
#include "stoa/abi/abi.h"
#include "stoa/common/keccak.h"

namespace stoa::abi {

bool Type::is_dynamic() const {
  switch (kind) {
    case Kind::Bytes:
    case Kind::String:
    case Kind::Array:
      return true;
    case Kind::FixedArray:
      return !components.empty() && components[0].is_dynamic();
    case Kind::Tuple:
      for (const Type& c : components) {
        if (c.is_dynamic()) return true;
      }
      return false;
    default:
      return false;
  }
}

std::string Type::canonical() const {
  switch (kind) {
    case Kind::Uint:
      return "uint" + std::to_string(bits);
    case Kind::Int:
      return "int" + std::to_string(bits);
    case Kind::Address:
      return "address";
    case Kind::Bool:
      return "bool";
    case Kind::FixedBytes:
      return "bytes" + std::to_string(bits);
    case Kind::Bytes:
      return "bytes";
    case Kind::String:
      return "string";
    case Kind::Array:
      return (components.empty() ? std::string("?") : components[0].canonical()) + "[]";
    case Kind::FixedArray:
      return (components.empty() ? std::string("?") : components[0].canonical()) + "[" +
             std::to_string(length) + "]";
    case Kind::Tuple: {
      std::string out = "(";
      for (size_t i = 0; i < components.size(); ++i) {
        if (i > 0) out += ',';
        out += components[i].canonical();
      }
      return out + ")";
    }
  }
  return "?";
}

namespace internal {

bool is_elementary(Type::Kind k) {
  switch (k) {
    case Type::Kind::Uint:
    case Type::Kind::Int:
    case Type::Kind::Address:
    case Type::Kind::Bool:
    case Type::Kind::FixedBytes:
      return true;
    default:
      return false;
  }
}

DecodeError check_type(const Type& t, size_t enclosing) {
  using K = Type::Kind;
  switch (t.kind) {
    case K::Uint:
    case K::Int:
      return (t.bits >= 8 && t.bits <= 256 && t.bits % 8 == 0) ? DecodeError::kOk
                                                               : DecodeError::kTypeMismatch;
    case K::FixedBytes:
      return (t.bits >= 1 && t.bits <= 32) ? DecodeError::kOk : DecodeError::kTypeMismatch;
    case K::Address:
    case K::Bool:
    case K::Bytes:
    case K::String:
      return DecodeError::kOk;
    case K::Array:
    case K::FixedArray:
    case K::Tuple: {
      if (enclosing + 1 > kMaxTypeNestingDepth) return DecodeError::kTooDeep;
      if (t.kind != K::Tuple && t.components.size() != 1) return DecodeError::kTypeMismatch;
      for (const Type& c : t.components) {
        DecodeError e = check_type(c, enclosing + 1);
        if (e != DecodeError::kOk) return e;
      }
      if (t.kind == K::FixedArray && head_size(t) == SIZE_MAX) return DecodeError::kTypeMismatch;
      return DecodeError::kOk;
    }
  }
  return DecodeError::kTypeMismatch;
}

DecodeError check_types(const std::vector<Type>& types) {
  for (const Type& t : types) {
    DecodeError e = check_type(t);
    if (e != DecodeError::kOk) return e;
  }
  return DecodeError::kOk;
}

size_t type_depth(const Type& t) {
  if (is_elementary(t.kind) || t.kind == Type::Kind::Bytes || t.kind == Type::Kind::String) {
    return 0;
  }
  size_t inner = 0;
  for (const Type& c : t.components)
    inner = std::max(inner, type_depth(c));
  return inner + 1;
}

size_t head_size(const Type& t) {
  if (t.is_dynamic()) return 32;
  switch (t.kind) {
    case Type::Kind::FixedArray:
      return t.components.empty() ? 0 : sat_mul(t.length, head_size(t.components[0]));
    case Type::Kind::Tuple: {
      size_t n = 0;
      for (const Type& c : t.components)
        n = sat_add(n, head_size(c));
      return n;
    }
    default:
      return 32;
  }
}

}  // namespace internal

namespace {

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9');
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// A decimal number without sign or leading zeros, at most `max`.
std::optional<size_t> parse_small_decimal(std::string_view s, size_t max) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

std::optional<Type> elementary_type(std::string_view w) {
  Type t;
  auto sized = [&](std::string_view prefix, Type::Kind kind, size_t lo, size_t hi,
                   size_t step) -> std::optional<Type> {
    auto n = parse_small_decimal(w.substr(prefix.size()), hi);
    if (!n || *n < lo || *n % step != 0) return std::nullopt;
    t.kind = kind;
    t.bits = static_cast<uint16_t>(*n);
    return t;
  };
  if (w == "uint" || w == "int") {
    t.kind = w == "uint" ? Type::Kind::Uint : Type::Kind::Int;
    t.bits = 256;
    return t;
  }
  if (w == "address") {
    t.kind = Type::Kind::Address;
    return t;
  }
  if (w == "bool") {
    t.kind = Type::Kind::Bool;
    return t;
  }
  if (w == "bytes") {
    t.kind = Type::Kind::Bytes;
    return t;
  }
  if (w == "string") {
    t.kind = Type::Kind::String;
    return t;
  }
  if (w.starts_with("uint")) return sized("uint", Type::Kind::Uint, 8, 256, 8);
  if (w.starts_with("int")) return sized("int", Type::Kind::Int, 8, 256, 8);
  if (w.starts_with("bytes")) return sized("bytes", Type::Kind::FixedBytes, 1, 32, 1);
  return std::nullopt;
}

// Recursive-descent parser for types and signatures. In lenient mode (signatures), whitespace
// is allowed around list items and each item may carry a data location and a parameter name,
// e.g. "(address to, uint256 amount)[] memory legs"; a type name itself never contains spaces.
class TypeParser {
 public:
  TypeParser(std::string_view s, bool lenient) : s_(s), lenient_(lenient) {}

  bool at_end() const { return pos_ == s_.size(); }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool consume(char c) {
    if (peek() != c || at_end()) return false;
    ++pos_;
    return true;
  }
  void skip_ws() {
    if (!lenient_) return;
    while (pos_ < s_.size() && is_space(s_[pos_]))
      ++pos_;
  }
  std::string_view word() {
    size_t start = pos_;
    while (pos_ < s_.size() && is_ident_char(s_[pos_]))
      ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // A type nested inside `enclosing` levels of arrays/tuples.
  std::optional<Type> type(size_t enclosing) {
    Type t;
    if (peek() == '(') {
      if (enclosing + 1 > kMaxTypeNestingDepth) return std::nullopt;
      ++pos_;
      auto members = list(enclosing + 1);
      if (!members) return std::nullopt;
      t.kind = Type::Kind::Tuple;
      t.components = std::move(*members);
    } else {
      auto e = elementary_type(word());
      if (!e) return std::nullopt;
      t = *e;
    }
    size_t depth = internal::type_depth(t);
    while (peek() == '[') {
      ++pos_;
      size_t start = pos_;
      while (pos_ < s_.size() && s_[pos_] != ']')
        ++pos_;
      if (at_end()) return std::nullopt;
      std::string_view digits = s_.substr(start, pos_ - start);
      ++pos_;  // ']'
      if (enclosing + ++depth > kMaxTypeNestingDepth) return std::nullopt;
      Type arr;
      if (digits.empty()) {
        arr.kind = Type::Kind::Array;
      } else {
        auto n = parse_small_decimal(digits, kMaxDecodedElementsCount);
        if (!n) return std::nullopt;
        arr.kind = Type::Kind::FixedArray;
        arr.length = *n;
      }
      arr.components.push_back(std::move(t));
      t = std::move(arr);
    }
    return t;
  }

  // The members of a list after its '(' up to and including the ')'. Members sit inside
  // `enclosing` levels.
  std::optional<std::vector<Type>> list(size_t enclosing) {
    std::vector<Type> out;
    skip_ws();
    if (peek() == ')') {
      ++pos_;
      return out;
    }
    for (;;) {
      skip_ws();
      auto t = type(enclosing);
      if (!t) return std::nullopt;
      out.push_back(std::move(*t));
      if (lenient_ && !skip_parameter_words()) return std::nullopt;
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ')') {
        ++pos_;
        return out;
      }
      return std::nullopt;
    }
  }

 private:
  // After a parameter's type: optional data location and name, each preceded by whitespace.
  bool skip_parameter_words() {
    bool location_seen = false;
    bool name_seen = false;
    for (;;) {
      size_t before = pos_;
      skip_ws();
      if (pos_ == before || !is_ident_start(peek())) return true;
      std::string_view w = word();
      if (!location_seen && !name_seen && (w == "memory" || w == "calldata" || w == "storage")) {
        location_seen = true;
        continue;
      }
      if (name_seen) return false;
      name_seen = true;
    }
  }

  std::string_view s_;
  bool lenient_;
  size_t pos_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<Type> parse_type(std::string_view s) {
  TypeParser p(s, /*lenient=*/false);
  auto t = p.type(0);
  if (!t || !p.at_end()) return std::nullopt;
  return t;
}

std::string Signature::canonical() const {
  std::string out = name + "(";
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (i > 0) out += ',';
    out += inputs[i].canonical();
  }
  return out + ")";
}

std::optional<Signature> parse_signature(std::string_view s) {
  s = trim(s);
  if (s.empty() || !is_ident_start(s[0])) return std::nullopt;
  TypeParser p(s, /*lenient=*/true);
  Signature sig;
  sig.name = std::string(p.word());
  p.skip_ws();
  if (!p.consume('(')) return std::nullopt;
  auto inputs = p.list(0);
  if (!inputs || !p.at_end()) return std::nullopt;
  sig.inputs = std::move(*inputs);
  return sig;
}

uint32_t selector(const Signature& sig) {
  return selector_of(sig.canonical());
}

}  // namespace stoa::abi
