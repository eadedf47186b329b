// Human-readable ABI values: parse_value and format_value.
#include <string>

#include "internal.h"
#include "stoa/abi/abi.h"
#include "stoa/common/assert.h"

namespace stoa::abi {
namespace {

using Error = std::optional<std::string>;  // nullopt: success

bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_delim(char c) {
  return is_ws(c) || c == ',' || c == '[' || c == ']' || c == '(' || c == ')' || c == '"';
}
bool is_hex_prefixed(std::string_view s) {
  return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

// Text quoted in an error message, shortened if long.
std::string shown(std::string_view s) {
  constexpr size_t kMax = 80;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, kMax - 3)) + "...";
}

enum class Num : uint8_t { kOk, kMalformed, kTooLarge };

// An unsigned magnitude: decimal digits or 0x-hex, leading zeros allowed.
Num parse_magnitude(std::string_view s, U256& out) {
  bool hex = is_hex_prefixed(s);
  if (hex) s.remove_prefix(2);
  if (s.empty()) return Num::kMalformed;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    if (!ok) return Num::kMalformed;
  }
  while (s.size() > 1 && s[0] == '0')
    s.remove_prefix(1);
  if (hex) {
    if (s.size() > 64) return Num::kTooLarge;
    auto v = U256::from_hex("0x" + std::string(s));
    if (!v) return Num::kMalformed;
    out = *v;
    return Num::kOk;
  }
  auto v = U256::from_dec(s);  // nullopt here only means "too large"
  if (!v) return Num::kTooLarge;
  out = *v;
  return Num::kOk;
}

// 2^(bits-1), the magnitude bound of intN.
U256 int_limit(unsigned bits) {
  uint64_t w[4] = {0, 0, 0, 0};
  w[(bits - 1) / 64] = 1ULL << ((bits - 1) % 64);
  return U256::from_words(w[0], w[1], w[2], w[3]);
}

class ValueParser {
 public:
  explicit ValueParser(std::string_view s) : s_(s) {}

  Error parse(const Type& t, Value& out) {
    skip_ws();
    switch (t.kind) {
      case Type::Kind::Array:
      case Type::Kind::FixedArray:
      case Type::Kind::Tuple:
        return list(t, out);
      default:
        return scalar(t, out);
    }
  }

  Error finish() {
    skip_ws();
    if (pos_ != s_.size())
      return "unexpected text after the value: '" + shown(s_.substr(pos_)) + "'";
    return std::nullopt;
  }

 private:
  void skip_ws() {
    while (pos_ < s_.size() && is_ws(s_[pos_]))
      ++pos_;
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool at_end() const { return pos_ == s_.size(); }

  std::string_view bare() {
    size_t start = pos_;
    while (pos_ < s_.size() && !is_delim(s_[pos_]))
      ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // A "quoted" string with \" and \\ escapes; the cursor is on the opening quote.
  Error quoted(std::string& out) {
    ++pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return std::nullopt;
      if (c == '\\') {
        if (pos_ == s_.size()) break;
        char e = s_[pos_++];
        if (e != '"' && e != '\\') {
          return std::string("unsupported escape sequence '\\") + e +
                 "' in a quoted string (only \\\" and \\\\ are allowed)";
        }
        out.push_back(e);
        continue;
      }
      out.push_back(c);
    }
    return "unterminated quoted string";
  }

  Error list(const Type& t, Value& out) {
    const bool tuple = t.kind == Type::Kind::Tuple;
    const char open = tuple ? '(' : '[';
    const char close = tuple ? ')' : ']';
    if (peek() != open) {
      return std::string("expected '") + open + "' to start a " + t.canonical() + " value" +
             (at_end() ? std::string() : ", got '" + shown(s_.substr(pos_, 20)) + "'");
    }
    ++pos_;
    ValueList items;
    skip_ws();
    if (peek() == close) {
      ++pos_;
    } else {
      for (;;) {
        if (tuple && items.size() == t.components.size()) {
          return "too many members for " + t.canonical() + " (expected " +
                 std::to_string(t.components.size()) + ")";
        }
        if (items.size() >= kMaxDecodedElementsCount)
          return "too many elements for " + t.canonical();
        const Type& et = tuple ? t.components[items.size()] : t.components[0];
        Value v;
        if (Error e = parse(et, v)) return e;
        items.push_back(std::move(v));
        skip_ws();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == close) {
          ++pos_;
          break;
        }
        return std::string("expected ',' or '") + close + "' in " + t.canonical() +
               (at_end() ? ", got the end of the text"
                         : ", got '" + shown(s_.substr(pos_, 20)) + "'");
      }
    }
    if (t.kind == Type::Kind::FixedArray && items.size() != t.length) {
      return "expected " + std::to_string(t.length) + " elements for " + t.canonical() + ", got " +
             std::to_string(items.size());
    }
    if (tuple && items.size() != t.components.size()) {
      return "expected " + std::to_string(t.components.size()) + " members for " + t.canonical() +
             ", got " + std::to_string(items.size());
    }
    out = Value(std::move(items));
    return std::nullopt;
  }

  Error scalar(const Type& t, Value& out) {
    if (peek() == '"') {
      if (t.kind != Type::Kind::String && t.kind != Type::Kind::FixedBytes) {
        return "expected a " + t.canonical() + " value, got a quoted string";
      }
      std::string s;
      if (Error e = quoted(s)) return e;
      if (t.kind == Type::Kind::String) return string_value(s, out);
      return short_ascii(t, s, out);
    }
    std::string_view tok = bare();
    if (tok.empty()) {
      return "expected a " + t.canonical() + " value" +
             (at_end() ? std::string() : ", got '" + shown(s_.substr(pos_, 20)) + "'");
    }
    switch (t.kind) {
      case Type::Kind::Uint:
      case Type::Kind::Int:
        return integer(t, tok, out);
      case Type::Kind::Address:
        return address(tok, out);
      case Type::Kind::Bool:
        if (tok == "true" || tok == "false") {
          out = Value(tok == "true");
          return std::nullopt;
        }
        return "expected true or false for bool, got '" + shown(tok) + "'";
      case Type::Kind::FixedBytes:
      case Type::Kind::Bytes:
        return hex_bytes(t, tok, out);
      case Type::Kind::String:
        return string_value(std::string(tok), out);
      default:
        return "unsupported type " + t.canonical();
    }
  }

  static Error integer(const Type& t, std::string_view tok, Value& out) {
    const bool neg = tok[0] == '-';
    U256 m;
    Num r = parse_magnitude(neg ? tok.substr(1) : tok, m);
    if (r == Num::kMalformed) return "invalid number '" + shown(tok) + "' for " + t.canonical();
    auto too_big = [&] { return "value " + shown(tok) + " does not fit " + t.canonical(); };
    if (r == Num::kTooLarge) return too_big();
    if (t.kind == Type::Kind::Uint) {
      if ((neg && !m.is_zero()) || !internal::fits_uint(m, t.bits)) return too_big();
      out = Value(m);
      return std::nullopt;
    }
    const U256 limit = int_limit(t.bits);
    if (neg ? m > limit : m >= limit) return too_big();
    out = Value(neg ? internal::negate(m) : m);
    return std::nullopt;
  }

  static Error address(std::string_view tok, Value& out) {
    if (auto a = Address::parse(tok)) {
      out = Value(*a);
      return std::nullopt;
    }
    auto raw = from_hex(tok);
    if (is_hex_prefixed(tok) && raw && raw->size() == 20) {
      return "address '" + shown(tok) + "' has an invalid EIP-55 checksum";
    }
    return "invalid address '" + shown(tok) + "' (expected 0x followed by 40 hex digits)";
  }

  static Error hex_bytes(const Type& t, std::string_view tok, Value& out) {
    const std::string name = t.canonical();
    auto raw = is_hex_prefixed(tok) ? from_hex(tok) : std::nullopt;
    if (!raw) return "invalid hex '" + shown(tok) + "' for " + name + " (expected 0x-hex)";
    if (t.kind == Type::Kind::FixedBytes && raw->size() != t.bits) {
      return "expected " + std::to_string(t.bits) + " bytes for " + name + ", got " +
             std::to_string(raw->size());
    }
    out = Value(std::move(*raw));
    return std::nullopt;
  }

  static Error short_ascii(const Type& t, const std::string& s, Value& out) {
    const std::string name = t.canonical();
    for (char c : s) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        return "quoted " + name + " value must be ASCII, got \"" + shown(s) + "\"";
      }
    }
    if (s.size() > t.bits) {
      return "quoted value \"" + shown(s) + "\" is longer than the " + std::to_string(t.bits) +
             " bytes of " + name;
    }
    Bytes b(s.begin(), s.end());
    b.resize(t.bits, 0);
    out = Value(std::move(b));
    return std::nullopt;
  }

  static Error string_value(std::string s, Value& out) {
    if (!internal::valid_utf8(s)) return std::string("string is not valid UTF-8");
    out = Value(std::move(s));
    return std::nullopt;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

void quote(std::string& out, const std::string& s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void format_into(std::string& out, const Type& t, const Value& v) {
  switch (t.kind) {
    case Type::Kind::Uint:
      out += v.u256().to_dec();
      return;
    case Type::Kind::Int:
      if (internal::is_negative(v.u256())) {
        out += '-';
        out += internal::negate(v.u256()).to_dec();
      } else {
        out += v.u256().to_dec();
      }
      return;
    case Type::Kind::Address:
      out += v.address().checksum_hex();
      return;
    case Type::Kind::Bool:
      out += v.boolean() ? "true" : "false";
      return;
    case Type::Kind::FixedBytes:
    case Type::Kind::Bytes:
      out += to_hex_prefixed(v.bytes());
      return;
    case Type::Kind::String:
      quote(out, v.str());
      return;
    case Type::Kind::Array:
    case Type::Kind::FixedArray:
    case Type::Kind::Tuple: {
      const bool tuple = t.kind == Type::Kind::Tuple;
      out += tuple ? '(' : '[';
      const ValueList& l = v.list();
      for (size_t i = 0; i < l.size(); ++i) {
        if (i > 0) out += ", ";
        format_into(out, tuple ? t.components[i] : t.components[0], l[i]);
      }
      out += tuple ? ')' : ']';
      return;
    }
  }
}

}  // namespace

std::variant<Value, std::string> parse_value(const Type& t, std::string_view text) {
  if (internal::check_type(t) != DecodeError::kOk) return std::string("invalid type");
  ValueParser p(text);
  Value v;
  if (Error e = p.parse(t, v)) return *e;
  if (Error e = p.finish()) return *e;
  return v;
}

std::string format_value(const Type& t, const Value& v) {
  STOA_ASSERT(internal::check_type(t) == DecodeError::kOk);
  // The value must be one of `t` (as decode or parse_value produce): a mismatch is a bug.
  // (A string that is not valid UTF-8 is still printed, byte for byte.)
  DecodeError e = internal::check_value(t, v);
  STOA_ASSERT(e == DecodeError::kOk || e == DecodeError::kInvalidUtf8);
  std::string out;
  format_into(out, t, v);
  return out;
}

}  // namespace stoa::abi
