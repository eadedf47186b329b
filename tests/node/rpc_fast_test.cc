// The JSON-RPC fast path (rpc.h handle_rpc_body with a FastHandler): for every body it gives the
// answer of the full parser byte for byte, takes the fast path only for the plain shape, and
// falls back for everything else (malformed JSON, escapes, unknown or repeated keys, other
// parameter shapes, empty or oversized batches, ids it would not write back unchanged).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/node/rpc.h"

namespace stoa::node {
namespace {

// Methods answered the same way by both paths: "echo" returns its parameter, "upper" refuses a
// parameter that is not hex data (so its errors are parse_data's), "boom" throws.
json slow_handler(const std::string& method, const json& params) {
  check_param_count(params, 1, 1);
  if (method == "echo") return params[0];
  if (method == "data") return to_hex_prefixed(parse_data(params[0], "data"));
  if (method == "refuse") throw RpcError(rpc_code::kInvalidInput, "refused: " + params[0].dump());
  if (method == "boom") throw std::runtime_error("boom");
  throw RpcError(rpc_code::kMethodNotFound, "the method " + method + " does not exist");
}

struct Fast {
  int calls = 0;
  int answered = 0;
  int prepared = 0;
  bool operator()(std::string_view method, std::string_view param, std::string& out) {
    ++calls;
    if (method == "echo") {
      out += '"';
      out += param;
      out += '"';
    } else if (method == "data") {
      Bytes b;
      if (!try_parse_data(param, b)) return false;
      out += '"' + to_hex_prefixed(b) + '"';
    } else if (method == "refuse") {
      out += "partial text that must not reach the answer";
      throw RpcError(rpc_code::kInvalidInput, "refused: \"" + std::string(param) + "\"");
    } else if (method == "boom") {
      throw std::runtime_error("boom");
    } else {
      return false;
    }
    ++answered;
    return true;
  }
};

// The FastBody of one body: counts prepare() calls (each before any answer) and answers with
// Fast.
class Body : public FastBody {
 public:
  explicit Body(Fast& f) : f_(f) {}
  void prepare(size_t index, std::string_view, std::string_view) override {
    EXPECT_EQ(f_.calls, 0);
    EXPECT_EQ(index, static_cast<size_t>(f_.prepared));
    ++f_.prepared;
  }
  bool answer(size_t, std::string_view method, std::string_view param, std::string& out) override {
    return f_(method, param, out);
  }

 private:
  Fast& f_;
};

std::string slow(std::string_view body) {
  const RpcResponse r = handle_rpc_body(body, slow_handler);
  return std::to_string(r.http_status) + " " + r.body;
}

std::string fast(std::string_view body, Fast* f = nullptr) {
  Fast local;
  Fast& use = f != nullptr ? *f : local;
  const RpcResponse r = handle_rpc_body(body, slow_handler, [&](size_t) {
    return std::unique_ptr<FastBody>(std::make_unique<Body>(use));
  });
  return std::to_string(r.http_status) + " " + r.body;
}

std::string request(std::string_view id, std::string_view method, std::string_view param) {
  return R"({"jsonrpc":"2.0","id":)" + std::string(id) + R"(,"method":")" + std::string(method) +
         R"(","params":[")" + std::string(param) + R"("]})";
}

TEST(RpcFastPath, PlainRequestsAndBatchesTakeItWithTheSameAnswers) {
  const std::vector<std::string> bodies = {
      request("1", "echo", "hello"),
      request("0", "echo", ""),
      request("123456789012345678", "echo", "x"),
      request("null", "echo", "x"),
      request(R"("an id")", "echo", "x"),
      " \n\t" + request("7", "data", "0xABcd") + "\r\n ",
      R"({ "params" : [ "0x00" ] , "method" : "data" , "id" : 9 , "jsonrpc" : "2.0" })",
      "[" + request("1", "echo", "a") + "," + request(R"("b")", "data", "0x0102") + "]",
      "[" + request("1", "refuse", "why") + "," + request("2", "boom", "x") + "," +
          request("3", "nope", "x") + "]",
  };
  for (const std::string& b : bodies) {
    Fast f;
    EXPECT_EQ(fast(b, &f), slow(b)) << b;
    EXPECT_GT(f.calls, 0) << b;
  }
  // A full batch of the limit's size still goes the fast way.
  std::string big = "[";
  for (size_t i = 0; i < kMaxBatchRequests; ++i) {
    if (i > 0) big += ',';
    big += request(std::to_string(i), "echo", "p" + std::to_string(i));
  }
  big += "]";
  Fast f;
  EXPECT_EQ(fast(big, &f), slow(big));
  EXPECT_EQ(f.answered, static_cast<int>(kMaxBatchRequests));
  EXPECT_EQ(f.prepared, static_cast<int>(kMaxBatchRequests));
}

TEST(RpcFastPath, ParametersItCannotReadGoToTheFullHandlerWithItsErrors) {
  // Not hex data: the fast handler declines, the full one names what is wrong.
  for (const char* p : {"0x123", "0xzz", "1234", "", "0x"}) {
    const std::string b = request("1", "data", p);
    Fast f;
    EXPECT_EQ(fast(b, &f), slow(b)) << b;
    EXPECT_EQ(f.answered, std::string_view(p) == "0x" ? 1 : 0) << p;
  }
  const std::string odd = fast(request("1", "data", "0xabc"));
  EXPECT_NE(odd.find("-32602"), std::string::npos) << odd;
  EXPECT_NE(odd.find("odd number of hex digits"), std::string::npos) << odd;
}

TEST(RpcFastPath, EverythingElseIsTheFullParsersAnswer) {
  const std::string ok = request("1", "echo", "x");
  std::string too_big = "[";
  for (size_t i = 0; i <= kMaxBatchRequests; ++i) {
    if (i > 0) too_big += ',';
    too_big += request(std::to_string(i), "echo", "x");
  }
  too_big += "]";
  const std::vector<std::string> bodies = {
      "",
      "{not json",
      "[]",
      "[ ]",
      "{}",
      too_big,
      ok + ",",
      ok + ok,
      "[" + ok + ",]",
      "\xef\xbb\xbf" + ok,                                              // a byte order mark
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":["a\"b"]})",  // escapes
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":["\u0041"]})",
      R"({"jsonrpc":"2.0","id":1,"method":"ech\u006f","params":["x"]})",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"\xc3\xa9\"]}",  // UTF-8
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"\xff\"]}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"a\tb\"]}",
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":["x"],"extra":0})",
      R"({"jsonrpc":"2.0","id":1,"id":2,"method":"echo","params":["x"]})",  // repeated key
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":["x"],"params":["y"]})",
      R"({"jsonrpc":"1.0","id":1,"method":"echo","params":["x"]})",
      R"({"jsonrpc":2.0,"id":1,"method":"echo","params":["x"]})",
      R"({"id":1,"method":"echo","params":["x"]})",               // no jsonrpc
      R"({"jsonrpc":"2.0","method":"echo","params":["x"]})",      // a notification
      R"({"jsonrpc":"2.0","id":1,"params":["x"]})",               // no method
      R"({"jsonrpc":"2.0","id":1,"method":"echo"})",              // no params
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[]})",  // other parameter shapes
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":["x","y"]})",
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":[1]})",
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":null})",
      R"({"jsonrpc":"2.0","id":1,"method":"echo","params":"x"})",
      R"({"jsonrpc":"2.0","id":1,"method":7,"params":["x"]})",
      request("01", "echo", "x"),  // ids the full parser refuses or writes differently
      request("-1", "echo", "x"),
      request("-0", "echo", "x"),
      request("1.0", "echo", "x"),
      request("1e2", "echo", "x"),
      request("1234567890123456789", "echo", "x"),
      request("99999999999999999999999", "echo", "x"),
      request("true", "echo", "x"),
      request("nul", "echo", "x"),
      request("nullx", "echo", "x"),
      request("{}", "echo", "x"),
      request("[1]", "echo", "x"),
      request(R"("a\"b")", "echo", "x"),
      "[" + ok + ",1]",
      "[" + ok + ",\"x\"]",
      "[" + ok + "," + R"({"jsonrpc":"2.0","method":"echo","params":["x"]})" + "]",
      "[[" + ok + "]]",
      "90e990",
      "\xf3\n",
  };
  for (const std::string& b : bodies) {
    Fast f;
    EXPECT_EQ(fast(b, &f), slow(b)) << b;
    EXPECT_EQ(f.calls, 0) << b;
    EXPECT_EQ(f.prepared, 0) << b;
  }
  // And the full parser's answers are still what they were.
  EXPECT_NE(fast("{not json").find("-32700"), std::string::npos);
  EXPECT_NE(fast("[]").find("-32600"), std::string::npos);
  EXPECT_NE(fast(too_big).find("-32005"), std::string::npos);
}

TEST(RpcFastPath, TryParseDataAcceptsExactlyWhatParseDataAccepts) {
  for (const std::string_view s : {"0x", "0X", "0xab", "0XAB", "0xAbCd09", "0x0", "0xabc", "ab",
                                   "0xg0", "0x0g", "x0", "0", "", "0x 1", "0x-1", "0x\xff\xff"}) {
    Bytes fast_out;
    const bool accepted = try_parse_data(s, fast_out);
    bool full = true;
    Bytes full_out;
    try {
      full_out = parse_data(json(std::string(s)), "d");
    } catch (const RpcError&) {
      full = false;
    }
    EXPECT_EQ(accepted, full) << s;
    if (accepted && full) {
      EXPECT_EQ(fast_out, full_out) << s;
    }
  }
}

}  // namespace
}  // namespace stoa::node
