// libFuzzer target: the JSON-RPC framing and parameter parsers of the node. For any body,
// handle_rpc_body must not crash or throw, must call the method handler only for well-formed
// requests, and must answer with JSON-RPC 2.0 responses (one per request that has an id, each
// with exactly one of "result" and "error"). Every parameter parser either accepts or throws
// RpcError(-32602); what parse_quantity accepts is canonical (formatting it back gives the
// input), and parse_data / parse_address / parse_hash round-trip up to letter case. The fast
// path (a FastHandler) answers every body with the same bytes. Deep nesting: the input is also
// wrapped in `params` nested up to ~130,000 deep (the depth from its first two bytes); that must
// be answered without exhausting the stack, with -32005 once deeper than kMaxJsonDepth.
//
//   scripts/fuzz.sh jsonrpc_decode 60
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "stoa/common/assert.h"
#include "stoa/node/rpc.h"

namespace {

using stoa::node::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Runs one parser; an exception other than RpcError(-32602) is a bug.
template <typename F>
void expect_accept_or_invalid(F&& f) {
  try {
    f();
  } catch (const stoa::node::RpcError& e) {
    STOA_ASSERT(e.code() == stoa::node::rpc_code::kInvalidParams);
  } catch (const std::exception&) {
    STOA_ASSERT(false && "a parser threw something other than RpcError");
  }
}

void exercise_parsers(const json& v) {
  expect_accept_or_invalid([&] {
    const stoa::U256 q = stoa::node::parse_quantity(v, "q");
    STOA_ASSERT(v.is_string() && stoa::node::quantity(q) == v.get<std::string>());
  });
  expect_accept_or_invalid([&] {
    const uint64_t q = stoa::node::parse_quantity_u64(v, "q");
    STOA_ASSERT(v.is_string() && stoa::node::quantity(q) == v.get<std::string>());
  });
  expect_accept_or_invalid([&] {
    const stoa::Bytes d = stoa::node::parse_data(v, "d");
    STOA_ASSERT(v.is_string() && "0x" + stoa::to_hex(d) == lower(v.get<std::string>()));
  });
  expect_accept_or_invalid([&] {
    const stoa::Address a = stoa::node::parse_address(v, "a");
    STOA_ASSERT(v.is_string() && a.lower_hex() == lower(v.get<std::string>()));
  });
  expect_accept_or_invalid([&] {
    const stoa::Bytes32 h = stoa::node::parse_hash(v, "h");
    STOA_ASSERT(v.is_string() && h.hex() == lower(v.get<std::string>()));
  });
  expect_accept_or_invalid([&] { (void)stoa::node::parse_block_tag(v, "tag"); });
}

void check_response_object(const json& r) {
  STOA_ASSERT(r.is_object());
  STOA_ASSERT(r.contains("jsonrpc") && r.at("jsonrpc") == "2.0");
  STOA_ASSERT(r.contains("id"));
  STOA_ASSERT(r.contains("result") != r.contains("error"));
  if (r.contains("error")) {
    const json& e = r.at("error");
    STOA_ASSERT(e.is_object() && e.contains("code") && e.at("code").is_number_integer());
    STOA_ASSERT(e.contains("message") && e.at("message").is_string());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  size_t calls = 0;
  const stoa::node::MethodHandler handler = [&](const std::string& method, const json& params) {
    ++calls;
    STOA_ASSERT(params.is_array());
    for (const json& p : params)
      exercise_parsers(p);
    expect_accept_or_invalid([&] { stoa::node::check_param_count(params, 0, 2); });
    if (method == "throw") stoa::node::invalid_params("asked to");
    return json(params.size());
  };
  if (size >= 2) {
    const size_t depth = ((size_t{data[0]} << 8) | data[1]) * 2 + 1;
    const std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"m","params":)" +
                             std::string(depth, '[') + std::string(body.substr(2)) +
                             std::string(depth, ']') + "}";
    stoa::node::RpcResponse d;
    try {
      d = stoa::node::handle_rpc_body(deep, handler);
    } catch (...) {
      STOA_ASSERT(false && "handle_rpc_body threw on a deep body");
    }
    if (depth + 1 > stoa::node::kMaxJsonDepth) {
      const json e = json::parse(d.body, nullptr, /*allow_exceptions=*/false);
      STOA_ASSERT(e.is_object() && e.contains("error"));
      STOA_ASSERT(e.at("error").at("code") == stoa::node::rpc_code::kLimitExceeded);
    }
  }
  stoa::node::RpcResponse r;
  try {
    r = stoa::node::handle_rpc_body(body, handler);
  } catch (...) {
    STOA_ASSERT(false && "handle_rpc_body threw");
  }
  // The fast path (a FastHandler answering as the handler does: params.size() is 1 for the one
  // string parameter it sees) gives the same bytes for every body.
  struct Fast : stoa::node::FastBody {
    bool answer(size_t, std::string_view method, std::string_view, std::string& out) override {
      if (method == "throw") stoa::node::invalid_params("asked to");
      out += "1";
      return true;
    }
  };
  const stoa::node::FastHandler fast = [](size_t) {
    return std::unique_ptr<stoa::node::FastBody>(std::make_unique<Fast>());
  };
  stoa::node::RpcResponse rf;
  try {
    rf = stoa::node::handle_rpc_body(body, handler, fast);
  } catch (...) {
    STOA_ASSERT(false && "handle_rpc_body (fast path) threw");
  }
  STOA_ASSERT(rf.http_status == r.http_status && rf.body == r.body);
  if (r.body.empty()) {
    STOA_ASSERT(r.http_status == 204);  // only notifications
    STOA_ASSERT(calls > 0);
    return 0;
  }
  const json out = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  STOA_ASSERT(!out.is_discarded());
  if (out.is_array()) {
    STOA_ASSERT(!out.empty() && out.size() <= stoa::node::kMaxBatchRequests);
    for (const json& o : out)
      check_response_object(o);
  } else {
    check_response_object(out);
  }
  return 0;
}
