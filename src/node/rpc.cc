// JSON-RPC 2.0 framing and EIP-1474 errors, and the strict parameter parsers.
#include "stoa/node/rpc.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "stoa/node/log.h"

namespace stoa::node {
namespace {

bool valid_id(const json& id) {
  return id.is_null() || id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}

// One request object; returns nullopt for a notification. `duplicate` is a key the request
// object repeats ("" if none): JSON parsers disagree on which value wins, so it is refused.
std::optional<json> handle_one(const json& req, const MethodHandler& handler,
                               const std::string& duplicate) {
  if (!req.is_object()) {
    return error_response(
        nullptr, RpcError(rpc_code::kInvalidRequest, "invalid request: expected a JSON object"));
  }
  if (!duplicate.empty()) {
    return error_response(
        nullptr, RpcError(rpc_code::kInvalidRequest, "invalid request: duplicate key \"" +
                                                         duplicate + "\" in the request object"));
  }
  const bool has_id = req.contains("id");
  json id = has_id ? req.at("id") : json(nullptr);
  if (!valid_id(id)) {
    return error_response(nullptr, RpcError(rpc_code::kInvalidRequest,
                                            "invalid request: id must be a string, an integer "
                                            "or null"));
  }
  auto invalid = [&](const std::string& why) {
    return error_response(id, RpcError(rpc_code::kInvalidRequest, "invalid request: " + why));
  };
  if (!req.contains("jsonrpc") || !req.at("jsonrpc").is_string() ||
      req.at("jsonrpc").get<std::string>() != "2.0") {
    return invalid("jsonrpc must be \"2.0\"");
  }
  if (!req.contains("method") || !req.at("method").is_string()) {
    return invalid("method must be a string");
  }
  json params = json::array();
  if (req.contains("params") && !req.at("params").is_null()) {
    if (!req.at("params").is_array()) return invalid("params must be an array");
    params = req.at("params");
  }
  const std::string method = req.at("method").get<std::string>();
  json out = {{"jsonrpc", "2.0"}, {"id", id}};
  try {
    out["result"] = handler(method, params);
  } catch (const RpcError& e) {
    out = error_response(id, e);
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "rpc_internal_error", {{"method", method}, {"error", e.what()}});
    out = error_response(
        id, RpcError(rpc_code::kInternalError, std::string("internal error: ") + e.what()));
  }
  if (!has_id) return std::nullopt;
  return out;
}

// ---- the fast path's reader: requests {"jsonrpc":"2.0","id":ID,"method":"M","params":["S"]}

struct LightRequest {
  std::string_view id;  // the id's JSON text: digits, null, or a quoted string
  std::string_view method;
  std::string_view param;
};

// Accepts only what nlohmann reads as the same document with no escapes and no other keys; it
// refuses (and handle_rpc_body falls back to the full parser) anything else, including every
// malformed body, so errors are always those of the full parser.
class LightReader {
 public:
  explicit LightReader(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool body(std::vector<LightRequest>& out, bool& batch) {
    ws();
    if (p_ == end_) return false;
    batch = *p_ == '[';
    if (batch) {
      ++p_;
      do {
        if (out.size() == kMaxBatchRequests) return false;  // the full parser says so
        if (!request(out.emplace_back())) return false;
      } while (eat(','));
      if (!eat(']')) return false;
    } else if (!request(out.emplace_back())) {
      return false;
    }
    ws();
    return p_ == end_;
  }

 private:
  void ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r'))
      ++p_;
  }
  bool eat(char c) {
    ws();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  // A string of printable ASCII without escapes: its text with the quotes.
  bool plain_string(std::string_view& quoted) {
    if (!eat('"')) return false;
    const char* start = p_ - 1;
    while (p_ != end_ && *p_ != '"') {
      if (*p_ < 0x20 || *p_ > 0x7e || *p_ == '\\') return false;
      ++p_;
    }
    if (p_ == end_) return false;
    ++p_;
    quoted = std::string_view(start, static_cast<size_t>(p_ - start));
    return true;
  }
  bool plain_contents(std::string_view& contents) {
    std::string_view q;
    if (!plain_string(q)) return false;
    contents = q.substr(1, q.size() - 2);
    return true;
  }
  // null, a string, or a non-negative integer of at most 18 digits without leading zeros (what
  // nlohmann writes back unchanged).
  bool id(std::string_view& text) {
    ws();
    if (p_ == end_) return false;
    if (*p_ == '"') return plain_string(text);
    const char* start = p_;
    if (end_ - p_ >= 4 && std::string_view(p_, 4) == "null") {
      p_ += 4;
    } else if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9' && p_ - start < 19)
        ++p_;
      if (p_ == start || p_ - start > 18) return false;
    }
    text = std::string_view(start, static_cast<size_t>(p_ - start));
    return true;  // what follows must be ',' or '}', which rejects 01, 1.5, 1e3, nullx
  }
  bool request(LightRequest& r) {
    if (!eat('{')) return false;
    unsigned seen = 0;
    do {
      std::string_view key;
      if (!plain_contents(key) || !eat(':')) return false;
      unsigned bit = 0;
      if (key == "jsonrpc") {
        std::string_view v;
        if (!plain_contents(v) || v != "2.0") return false;
        bit = 1;
      } else if (key == "id") {
        if (!id(r.id)) return false;
        bit = 2;
      } else if (key == "method") {
        if (!plain_contents(r.method)) return false;
        bit = 4;
      } else if (key == "params") {
        if (!eat('[') || !plain_contents(r.param) || !eat(']')) return false;
        bit = 8;
      } else {
        return false;
      }
      if ((seen & bit) != 0) return false;  // a repeated key: the full parser decides
      seen |= bit;
    } while (eat(','));
    return eat('}') && seen == 15;
  }

  const char* p_;
  const char* end_;
};

json light_id(std::string_view text) {
  if (text == "null") return nullptr;
  if (text.front() == '"') return std::string(text.substr(1, text.size() - 2));
  uint64_t v = 0;
  for (char c : text)
    v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

// One request of the fast path, appended to `out` exactly as handle_one would write it.
void answer_light(size_t index, const LightRequest& r, const MethodHandler& handler, FastBody& fast,
                  std::string& out) {
  const size_t mark = out.size();
  out += "{\"id\":";
  out += r.id;
  out += ",\"jsonrpc\":\"2.0\",\"result\":";
  const size_t result_at = out.size();
  try {
    if (!fast.answer(index, r.method, r.param, out)) {
      out.resize(result_at);
      out += to_wire(handler(std::string(r.method), json::array({std::string(r.param)})));
    }
    out += '}';
  } catch (const RpcError& e) {
    out.resize(mark);
    out += to_wire(error_response(light_id(r.id), e));
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "rpc_internal_error",
              {{"method", std::string(r.method)}, {"error", e.what()}});
    out.resize(mark);
    out += to_wire(error_response(
        light_id(r.id),
        RpcError(rpc_code::kInternalError, std::string("internal error: ") + e.what())));
  }
}

// Each byte's value as a hex digit, or kNotHex.
constexpr uint8_t kNotHex = 0x10;
constexpr std::array<uint8_t, 256> kHexValue = [] {
  std::array<uint8_t, 256> t{};
  t.fill(kNotHex);
  for (int c = 0; c < 10; ++c)
    t['0' + c] = static_cast<uint8_t>(c);
  for (int c = 0; c < 6; ++c) {
    t['a' + c] = static_cast<uint8_t>(10 + c);
    t['A' + c] = static_cast<uint8_t>(10 + c);
  }
  return t;
}();

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string hex_body(const json& v, std::string_view what, std::string_view kind) {
  if (!v.is_string())
    invalid_params(std::string(what) + ": expected a " + std::string(kind) + " string");
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
    invalid_params(std::string(what) + ": " + std::string(kind) + " must start with 0x");
  }
  std::string body = s.substr(2);
  for (char c : body) {
    if (!is_hex_digit(c)) invalid_params(std::string(what) + ": invalid hex digit");
  }
  return body;
}

}  // namespace

void FastBody::prepare(size_t /*index*/, std::string_view /*method*/, std::string_view /*param*/) {}

json RpcError::to_json() const {
  json e = {{"code", code_}, {"message", what()}};
  if (!data_.is_null()) e["data"] = data_;
  return e;
}

void invalid_params(const std::string& what) {
  throw RpcError(rpc_code::kInvalidParams, "invalid params: " + what);
}

json error_response(const json& id, const RpcError& e) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", e.to_json()}};
}

JsonScan scan_json(std::string_view text, size_t max_depth) {
  JsonScan out;
  struct Level {
    bool object;
    bool expect_key;
  };
  std::vector<Level> stack;
  bool batch = false;
  bool first = true;
  size_t index = 0;               // the current request of a batch
  std::vector<std::string> keys;  // the current request object's keys
  size_t depth_of_request = 1;    // 2 for a batch
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (first) {
      first = false;
      batch = c == '[';
      depth_of_request = batch ? 2 : 1;
    }
    if (c == '{' || c == '[') {
      if (stack.size() >= max_depth) {
        out.too_deep = true;
        return out;
      }
      stack.push_back({c == '{', c == '{'});
      if (c == '{' && stack.size() == depth_of_request) {
        keys.clear();
        if (out.duplicate_keys.size() <= index) out.duplicate_keys.resize(index + 1);
      }
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
    } else if (c == ',') {
      if (!stack.empty() && stack.back().object) stack.back().expect_key = true;
      if (batch && stack.size() == 1) ++index;
    } else if (c == '"') {
      const size_t start = i + 1;
      bool escaped = false;
      size_t j = start;
      for (; j < n; ++j) {
        if (text[j] == '\\') {
          escaped = true;
          ++j;
        } else if (text[j] == '"') {
          break;
        }
      }
      const bool is_key = !stack.empty() && stack.back().object && stack.back().expect_key;
      if (is_key) {
        stack.back().expect_key = false;
        if (stack.size() == depth_of_request) {
          std::string key(text.substr(start, std::min(j, n) - start));
          if (escaped) {
            try {
              std::string quoted = "\"";
              quoted += key;
              quoted += '"';
              key = json::parse(quoted).get<std::string>();
            } catch (const json::exception&) {  // malformed: the parser says so
            }
          }
          std::string& dup = out.duplicate_keys[index];
          if (dup.empty() && std::find(keys.begin(), keys.end(), key) != keys.end()) dup = key;
          keys.push_back(std::move(key));
        }
      }
      i = j;
    }
  }
  return out;
}

std::string json_depth_error(std::string_view text) {
  if (!scan_json(text, kMaxJsonDepth).too_deep) return "";
  return "JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
         " levels (arrays and objects) is refused";
}

RpcResponse handle_rpc_body(std::string_view body, const MethodHandler& handler) {
  RpcResponse res;
  const JsonScan scan = scan_json(body, kMaxJsonDepth);
  if (scan.too_deep) {
    res.body = to_wire(error_response(
        nullptr, RpcError(rpc_code::kLimitExceeded,
                          "JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                              " levels (arrays and objects) is refused")));
    return res;
  }
  auto duplicate = [&scan](size_t i) -> const std::string& {
    static const std::string kNone;
    return i < scan.duplicate_keys.size() ? scan.duplicate_keys[i] : kNone;
  };
  json doc;
  try {
    doc = json::parse(body.begin(), body.end());
  } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e999
    res.body = to_wire(error_response(
        nullptr, RpcError(rpc_code::kParseError, std::string("parse error: ") + e.what())));
    return res;
  }
  if (doc.is_array()) {
    if (doc.empty()) {
      res.body = to_wire(error_response(
          nullptr, RpcError(rpc_code::kInvalidRequest, "invalid request: empty batch")));
      return res;
    }
    if (doc.size() > kMaxBatchRequests) {
      res.body = to_wire(error_response(
          nullptr, RpcError(rpc_code::kLimitExceeded, "batch of " + std::to_string(doc.size()) +
                                                          " requests exceeds the limit of " +
                                                          std::to_string(kMaxBatchRequests))));
      return res;
    }
    json out = json::array();
    size_t i = 0;
    for (const json& req : doc) {
      if (auto r = handle_one(req, handler, duplicate(i))) out.push_back(std::move(*r));
      ++i;
    }
    if (out.empty()) {
      res.http_status = 204;
      return res;
    }
    res.body = to_wire(out);
    return res;
  }
  auto r = handle_one(doc, handler, duplicate(0));
  if (!r) {
    res.http_status = 204;
    return res;
  }
  res.body = to_wire(*r);
  return res;
}

RpcResponse handle_rpc_body(std::string_view body, const MethodHandler& handler,
                            const FastHandler& fast) {
  std::vector<LightRequest> requests;
  bool batch = false;
  if (!fast || !LightReader(body).body(requests, batch)) return handle_rpc_body(body, handler);
  const std::unique_ptr<FastBody> methods = fast(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    try {
      methods->prepare(i, requests[i].method, requests[i].param);
    } catch (const std::exception&) {  // changes nothing: answer() does or refuses the work
    }
  }
  RpcResponse res;
  std::string& out = res.body;
  out.reserve(requests.size() * 128);
  if (batch) out += '[';
  for (size_t i = 0; i < requests.size(); ++i) {
    if (i > 0) out += ',';
    answer_light(i, requests[i], handler, *methods, out);
  }
  if (batch) out += ']';
  return res;
}

bool try_parse_data(std::string_view s, Bytes& out) {
  if (s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s.size() % 2 != 0) {
    return false;
  }
  out.resize((s.size() - 2) / 2);
  const auto* digits = reinterpret_cast<const unsigned char*>(s.data() + 2);
  unsigned seen = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const unsigned hi = kHexValue[digits[2 * i]];
    const unsigned lo = kHexValue[digits[2 * i + 1]];
    seen |= hi | lo;  // has kNotHex once any digit is not hex
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return (seen & kNotHex) == 0;
}

const json* param(const json& params, size_t i) {
  if (i >= params.size()) return nullptr;
  const json& v = params.at(i);
  return v.is_null() ? nullptr : &v;
}

void check_param_count(const json& params, size_t min, size_t max) {
  if (params.size() > max) {
    invalid_params("too many arguments: expected at most " + std::to_string(max) + ", got " +
                   std::to_string(params.size()));
  }
  for (size_t i = 0; i < min; ++i) {
    if (param(params, i) == nullptr) {
      invalid_params("missing value for required argument " + std::to_string(i));
    }
  }
}

U256 parse_quantity(const json& v, std::string_view what) {
  const std::string body = hex_body(v, what, "hex quantity");
  if (body.empty()) invalid_params(std::string(what) + ": empty hex quantity (0x0 is zero)");
  if (body.size() > 1 && body[0] == '0') {
    invalid_params(std::string(what) + ": hex quantity has leading zeros");
  }
  if (body.size() > 64) invalid_params(std::string(what) + ": hex quantity exceeds 256 bits");
  auto u = U256::from_hex("0x" + body);
  if (!u) invalid_params(std::string(what) + ": invalid hex quantity");
  return *u;
}

uint64_t parse_quantity_u64(const json& v, std::string_view what) {
  const U256 u = parse_quantity(v, what);
  if (!u.fits_u64()) invalid_params(std::string(what) + ": quantity exceeds 64 bits");
  return u.low64();
}

Bytes parse_data(const json& v, std::string_view what) {
  const std::string body = hex_body(v, what, "hex data");
  if (body.size() % 2 != 0) invalid_params(std::string(what) + ": odd number of hex digits");
  auto b = from_hex("0x" + body);
  if (!b) invalid_params(std::string(what) + ": invalid hex data");
  return *b;
}

Address parse_address(const json& v, std::string_view what) {
  const Bytes b = parse_data(v, what);
  if (b.size() != 20) {
    invalid_params(std::string(what) + ": an address is 20 bytes, got " + std::to_string(b.size()));
  }
  return Address::from_view(b);
}

Bytes32 parse_hash(const json& v, std::string_view what) {
  const Bytes b = parse_data(v, what);
  if (b.size() != 32) {
    invalid_params(std::string(what) + ": a hash is 32 bytes, got " + std::to_string(b.size()));
  }
  return Bytes32::from_view(b);
}

BlockTag parse_block_tag(const json& v, std::string_view what) {
  BlockTag t;
  if (v.is_object()) {  // EIP-1898
    if (v.contains("blockHash")) {
      t.kind = BlockTag::kHash;
      t.hash = parse_hash(v.at("blockHash"), std::string(what) + ".blockHash");
      return t;
    }
    if (v.contains("blockNumber")) return parse_block_tag(v.at("blockNumber"), what);
    invalid_params(std::string(what) + ": expected blockNumber or blockHash");
  }
  if (!v.is_string()) invalid_params(std::string(what) + ": expected a block tag or number");
  const std::string& s = v.get_ref<const std::string&>();
  if (s == "latest") return t;
  if (s == "pending") return {BlockTag::kPending, 0, {}};
  if (s == "safe") return {BlockTag::kSafe, 0, {}};
  if (s == "finalized") return {BlockTag::kFinalized, 0, {}};
  if (s == "earliest") return {BlockTag::kEarliest, 0, {}};
  if (s.starts_with("0x") || s.starts_with("0X")) {
    t.kind = BlockTag::kNumber;
    t.number = parse_quantity_u64(v, what);
    return t;
  }
  invalid_params(std::string(what) + ": unknown block tag \"" + s +
                 "\" (latest, pending, safe, finalized, earliest or a hex number)");
}

std::string to_wire(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string quantity(uint64_t v) {
  return U256(v).to_hex();
}
std::string quantity(const U256& v) {
  return v.to_hex();
}

}  // namespace stoa::node
