// The node's HTTP surface under hostile clients (issue 12, items 7-10): a real server on
// loopback, driven over raw sockets so that requests the usual clients never send (deep JSON,
// chunked floods, conflicting framing, pipelining, slow or idle connections from many source
// addresses) can be sent. Each test is named after the defect it pins.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "stoa/node/filters.h"
#include "stoa/node/http_server.h"
#include "stoa/node/kyc.h"
#include "stoa/node/node.h"
#include "stoa/node/rpc.h"
#include "test_util.h"

namespace stoa::node {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct RawResponse {
  int status = 0;
  std::string head;
  std::string body;
};

// One client connection over a raw socket, optionally from a chosen loopback source address.
class Raw {
 public:
  Raw(int port, const std::string& source = "127.0.0.1", int timeout_seconds = 20) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return;
    timeval tv{timeout_seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &src.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
      close();
      return;
    }
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) close();
  }
  ~Raw() { close(); }
  Raw(const Raw&) = delete;
  Raw& operator=(const Raw&) = delete;

  bool ok() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Sends everything; false once the peer has closed or reset.
  bool send(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  // One response (Content-Length framing), or nullopt on close / timeout.
  std::optional<RawResponse> read() {
    size_t end = 0;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    RawResponse r;
    r.head = buf_.substr(0, end + 2);
    std::sscanf(r.head.c_str(), "HTTP/1.1 %d", &r.status);
    size_t length = 0;
    std::string lower = r.head;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (size_t at = lower.find("content-length:"); at != std::string::npos) {
      length = std::stoul(lower.substr(at + 15));
    }
    while (buf_.size() < end + 4 + length) {
      if (!fill()) return std::nullopt;
    }
    r.body = buf_.substr(end + 4, length);
    buf_.erase(0, end + 4 + length);
    return r;
  }
  // Whether the server closed the connection (reads until EOF or error).
  bool closed_by_peer() {
    char b[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, b, sizeof b, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  bool fill() {
    char b[65536];
    const ssize_t n = ::recv(fd_, b, sizeof b, 0);
    if (n <= 0) return false;
    buf_.append(b, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buf_;
};

std::string post_request(const std::string& body, const std::string& path = "/",
                         const std::string& type = "application/json") {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string rpc_body(int id, const std::string& method, const std::string& params = "[]") {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method +
         R"(","params":)" + params + "}";
}

class HttpHardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    raise_open_file_limit();
    NodeOptions o;
    o.data_dir = testing::temp_dir("stoa-http-test");
    o.port = 0;
    o.dev = true;
    node_ = std::make_unique<Node>(o);
    node_->start();
    port_ = node_->port();
  }
  void TearDown() override {
    const std::string dir = node_->options().data_dir;
    node_.reset();
    fs::remove_all(dir);
  }
  // A normal request on a fresh connection: eth_chainId answered correctly.
  void expect_served(const std::string& source = "127.0.0.1") {
    Raw c(port_, source);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c.send(post_request(rpc_body(7, "eth_chainId"))));
    auto r = c.read();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(json::parse(r->body)["result"], "0x539");
  }
  json rpc_from(Raw& c, const std::string& body) {
    EXPECT_TRUE(c.send(post_request(body)));
    auto r = c.read();
    EXPECT_TRUE(r.has_value());
    return r ? json::parse(r->body) : json();
  }

  std::unique_ptr<Node> node_;
  int port_ = 0;
};

// Item 7: params nested ~70,000 deep overflowed the stack (recursive JSON copy): SIGSEGV.
TEST_F(HttpHardeningTest, DeeplyNestedJsonRpcParamsDoNotCrashTheNode) {
  const size_t depth = 70'000;
  const std::string deep = std::string(depth, '[') + std::string(depth, ']');
  Raw c(port_);
  ASSERT_TRUE(c.ok());
  const json r = rpc_from(c, rpc_body(1, "eth_chainId", deep));
  EXPECT_EQ(r["error"]["code"], rpc_code::kLimitExceeded) << r.dump();
  EXPECT_NE(r["error"]["message"].get<std::string>().find(std::to_string(kMaxJsonDepth)),
            std::string::npos);
  // Objects too, and inside a batch.
  std::string objs;
  for (size_t i = 0; i < depth; ++i)
    objs += R"({"a":)";
  objs += "1" + std::string(depth, '}');
  EXPECT_EQ(rpc_from(c, "[" + rpc_body(2, "eth_chainId", "[" + objs + "]") + "]")["error"]["code"],
            rpc_code::kLimitExceeded);
  // At the limit it is parsed (and refused by the method for its own reasons, not the depth).
  const std::string ok = std::string(kMaxJsonDepth - 2, '[') + std::string(kMaxJsonDepth - 2, ']');
  EXPECT_EQ(rpc_from(c, rpc_body(3, "eth_chainId", ok))["error"]["code"], rpc_code::kInvalidParams);
  // Brackets inside strings do not count.
  const std::string in_string = "[\"" + std::string(1000, '[') + "\"]";
  EXPECT_EQ(rpc_from(c, rpc_body(4, "eth_chainId", in_string))["error"]["code"],
            rpc_code::kInvalidParams);
  expect_served();
}

// Item 7, the KYC webhook: the same depth limit, before anything else reads the body.
TEST_F(HttpHardeningTest, DeeplyNestedKycWebhookBodyIsRefused) {
  const std::string dir = node_->options().data_dir;
  node_.reset();
  fs::remove_all(dir);
  NodeOptions o;
  o.data_dir = testing::temp_dir("stoa-http-test");
  o.port = 0;
  o.dev = true;
  o.kyc = KycOptions{"kyc-test-secret", dev_kyc_key(), std::nullopt};
  node_ = std::make_unique<Node>(o);
  node_->start();
  port_ = node_->port();
  const std::string body = std::string(20'000, '[') + std::string(20'000, ']');
  const std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  Raw c(port_);
  ASSERT_TRUE(
      c.send("POST /v1/kyc/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: "
             "application/json\r\nX-Stoa-Timestamp: " +
             ts + "\r\nX-Stoa-Signature: " + kyc_signature("kyc-test-secret", ts, body) +
             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
  auto r = c.read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find("nested deeper than " + std::to_string(kMaxJsonDepth)), std::string::npos)
      << r->body;
  expect_served();
}

// Item 9: chunked bodies were not held to the body limit (4 x 200 MiB chunked: 2.8 GB RSS).
TEST_F(HttpHardeningTest, ChunkedBodyOverTheLimitIsRefused) {
  Raw c(port_);
  ASSERT_TRUE(
      c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: "
             "chunked\r\n\r\n"));
  const std::string chunk(1 << 20, ' ');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  // Up to 32 MiB: the node must answer 413 once 8 MiB are read (then the sends fail, or the
  // kernel buffers what remains).
  for (int i = 0; i < 32; ++i) {
    if (!c.send(size_line + chunk + "\r\n")) break;
  }
  auto r = c.read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], rpc_code::kLimitExceeded);
  EXPECT_NE(r->body.find(std::to_string(kMaxBodyBytes)), std::string::npos) << r->body;
  expect_served();
}

// Item 9: Content-Length together with Transfer-Encoding (request smuggling) was accepted.
TEST_F(HttpHardeningTest, ContentLengthWithTransferEncodingIsRefused) {
  for (const std::string order : {"cl-first", "te-first"}) {
    Raw c(port_);
    const std::string body = rpc_body(1, "eth_chainId");
    const std::string cl = "Content-Length: " + std::to_string(body.size()) + "\r\n";
    const std::string te = "Transfer-Encoding: chunked\r\n";
    ASSERT_TRUE(c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                       (order == "cl-first" ? cl + te : te + cl) + "\r\n" + body));
    auto r = c.read();
    ASSERT_TRUE(r.has_value()) << order;
    EXPECT_EQ(r->status, 400) << order;
    EXPECT_NE(r->body.find("Transfer-Encoding"), std::string::npos) << r->body;
  }
  expect_served();
}

// Item 9: a malformed Content-Length left the connection waiting instead of an answer.
TEST_F(HttpHardeningTest, BadContentLengthIsAnsweredAtOnce) {
  for (const std::string value : {"abc", "-5", "12, 13", "99999999999999999999999"}) {
    Raw c(port_);
    // The header only, and the connection left open: the answer must not wait for a body.
    ASSERT_TRUE(
        c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: " +
               value + "\r\n\r\n"));
    auto r = c.read();
    ASSERT_TRUE(r.has_value()) << value;
    EXPECT_EQ(r->status, 400) << value;
  }
  expect_served();
}

// Item 9: of three pipelined requests, the second and third were dropped.
TEST_F(HttpHardeningTest, PipelinedRequestsAreAllAnsweredInOrder) {
  Raw c(port_);
  ASSERT_TRUE(c.send(
      post_request(rpc_body(1, "eth_chainId")) + post_request(rpc_body(2, "net_version")) +
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + post_request(rpc_body(3, "eth_blockNumber"))));
  auto a = c.read();
  auto b = c.read();
  auto h = c.read();
  auto d = c.read();
  ASSERT_TRUE(a && b && h && d);
  EXPECT_EQ(json::parse(a->body)["id"], 1);
  EXPECT_EQ(json::parse(a->body)["result"], "0x539");
  EXPECT_EQ(json::parse(b->body)["id"], 2);
  EXPECT_EQ(json::parse(b->body)["result"], "1337");
  EXPECT_EQ(h->status, 200);
  EXPECT_TRUE(json::parse(h->body).contains("head")) << h->body;
  EXPECT_EQ(json::parse(d->body)["id"], 3);
}

// Item 9: a request object with a repeated key was executed with the last value.
TEST_F(HttpHardeningTest, DuplicateKeysInARequestObjectAreRefused) {
  Raw c(port_);
  json r = rpc_from(
      c, R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId","method":"evm_mine","params":[]})");
  EXPECT_EQ(r["error"]["code"], rpc_code::kInvalidRequest) << r.dump();
  EXPECT_NE(r["error"]["message"].get<std::string>().find("duplicate key \"method\""),
            std::string::npos);
  // An escaped spelling of the same key is the same key.
  r = rpc_from(c, R"({"jsonrpc":"2.0","id":1,"id":2,"method":"eth_chainId"})");
  EXPECT_EQ(r["error"]["code"], rpc_code::kInvalidRequest);
  r = rpc_from(c, R"({"jsonrpc":"2.0","\u0069d":1,"id":2,"method":"eth_chainId"})");
  EXPECT_EQ(r["error"]["code"], rpc_code::kInvalidRequest);
  // In a batch, only the request that repeats a key is refused.
  r = rpc_from(c,
               "[" + rpc_body(1, "eth_chainId") +
                   R"(,{"jsonrpc":"2.0","id":2,"params":[],"params":[],"method":"eth_chainId"}])");
  ASSERT_TRUE(r.is_array()) << r.dump();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0]["result"], "0x539");
  EXPECT_EQ(r[1]["error"]["code"], rpc_code::kInvalidRequest);
  // Repeated keys deeper down (inside params) are the method's business, not the framing's.
  r = rpc_from(c, rpc_body(5, "eth_chainId", R"([{"a":1,"a":2}])"));
  EXPECT_EQ(r["error"]["code"], rpc_code::kInvalidParams);
}

// Item 9: a POST without Content-Type: application/json was served, so a browser page could
// send one cross-site as a "simple request" (no CORS preflight).
TEST_F(HttpHardeningTest, PostWithoutJsonContentTypeIsRefused) {
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded",
                                 "multipart/form-data; boundary=x", "application/jsonx"}) {
    Raw c(port_);
    ASSERT_TRUE(c.send(post_request(rpc_body(1, "evm_mine"), "/", type)));
    auto r = c.read();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 415) << type;
    EXPECT_NE(r->body.find("application/json"), std::string::npos) << r->body;
  }
  Raw none(port_);
  ASSERT_TRUE(none.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"));
  auto r = none.read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 415);
  Raw k(port_);
  ASSERT_TRUE(k.send(post_request("{}", "/v1/kyc/webhook", "text/plain")));
  r = k.read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 415);
  // Nothing was mined by the refused requests.
  Raw c(port_);
  EXPECT_EQ(rpc_from(c, rpc_body(1, "eth_blockNumber"))["result"], "0x0");
  // Parameters are allowed, and the media type is case-insensitive.
  ASSERT_TRUE(
      c.send(post_request(rpc_body(2, "eth_chainId"), "/", "Application/JSON; charset=utf-8")));
  r = c.read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["result"], "0x539");
}

// Item 9: the KYC webhook's 413 named the node-wide 8 MiB instead of its own 64 KiB limit.
TEST_F(HttpHardeningTest, KycWebhookBodyLimitIsItsOwn) {
  const std::string body(kMaxKycBodyBytes + 1, ' ');
  Raw c(port_);
  ASSERT_TRUE(c.send(post_request(body, "/v1/kyc/webhook")));
  auto r = c.read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find(std::to_string(kMaxKycBodyBytes) + " bytes"), std::string::npos)
      << r->body;
  EXPECT_EQ(r->body.find(std::to_string(kMaxBodyBytes)), std::string::npos) << r->body;
  // Chunked, too.
  Raw d(port_);
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", body.size());
  ASSERT_TRUE(
      d.send("POST /v1/kyc/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n" +
             std::string(size_line) + body + "\r\n0\r\n\r\n"));
  r = d.read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find(std::to_string(kMaxKycBodyBytes)), std::string::npos) << r->body;
}

// Item 10: one client could install all kMaxFilters filters and lock every other client out.
TEST_F(HttpHardeningTest, OneClientCannotTakeEveryFilterSlot) {
  Raw greedy(port_, "127.0.0.2");
  ASSERT_TRUE(greedy.ok());
  for (size_t i = 0; i < kMaxFiltersPerClient; ++i) {
    const json r = rpc_from(greedy, rpc_body(static_cast<int>(i), "eth_newBlockFilter"));
    ASSERT_TRUE(r.contains("result")) << i << ": " << r.dump();
  }
  const json refused = rpc_from(greedy, rpc_body(1, "eth_newFilter", "[{}]"));
  EXPECT_EQ(refused["error"]["code"], rpc_code::kLimitExceeded) << refused.dump();
  EXPECT_NE(
      refused["error"]["message"].get<std::string>().find(std::to_string(kMaxFiltersPerClient)),
      std::string::npos);
  // Another client still gets one.
  Raw other(port_, "127.0.0.3");
  const json r = rpc_from(other, rpc_body(1, "eth_newBlockFilter"));
  ASSERT_TRUE(r.contains("result")) << r.dump();
  // Uninstalling frees the greedy client's slot.
  EXPECT_EQ(rpc_from(other, rpc_body(2, "eth_uninstallFilter",
                                     "[\"" + r["result"].get<std::string>() + "\"]"))["result"],
            true);
}

// Item 8: 8 worker threads and 5 s reads: 600 idle connections made a normal client wait 5 s per
// request. With 2,000 idle connections and slowloris clients open, a normal client is served.
TEST_F(HttpHardeningTest, IdleAndSlowlorisConnectionsDoNotStarveANormalClient) {
  constexpr size_t kIdle = 2000;
  constexpr size_t kSlow = 200;
  std::vector<std::unique_ptr<Raw>> hostile;
  // Spread over source addresses 127.0.0.10.. (kMaxConnectionsPerAddress each at most).
  for (size_t i = 0; i < kIdle + kSlow; ++i) {
    const std::string src = "127.0.0." + std::to_string(10 + i / 200);
    hostile.push_back(std::make_unique<Raw>(port_, src, 5));
    ASSERT_TRUE(hostile.back()->ok()) << i;
  }
  // Slowloris: a header that never ends, a byte at a time.
  for (size_t i = kIdle; i < hostile.size(); ++i)
    ASSERT_TRUE(hostile[i]->send("POST / HTTP/1.1\r\nHost: x\r\n"));
  // Wait until the node has accepted them all.
  for (int i = 0; i < 500 && node_->connections() < kIdle + kSlow; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(node_->connections(), kIdle + kSlow);
  httplib::Client normal("127.0.0.1", port_);
  normal.set_read_timeout(30, 0);
  double worst_ms = 0;
  for (int round = 0; round < 20; ++round) {
    for (size_t i = kIdle; i < hostile.size(); ++i)
      hostile[i]->send("X");
    const auto t0 = std::chrono::steady_clock::now();
    auto res = normal.Post("/", rpc_body(round, "eth_chainId"), "application/json");
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    worst_ms = std::max(worst_ms, ms);
    ASSERT_TRUE(res) << round;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(json::parse(res->body)["result"], "0x539");
  }
  std::printf(
      "normal client with %zu idle + %zu slowloris connections open: worst of 20 "
      "requests %.2f ms\n",
      kIdle, kSlow, worst_ms);
}

// Item 8: connections are capped per remote address; beyond, a 503 and a close, while other
// addresses are still served.
TEST_F(HttpHardeningTest, ConnectionsFromOneAddressAreCapped) {
  std::vector<std::unique_ptr<Raw>> held;
  for (size_t i = 0; i < kMaxConnectionsPerAddress; ++i) {
    held.push_back(std::make_unique<Raw>(port_, "127.0.0.4"));
    ASSERT_TRUE(held.back()->ok());
  }
  for (int i = 0; i < 500 && node_->connections() < kMaxConnectionsPerAddress; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  Raw extra(port_, "127.0.0.4");
  ASSERT_TRUE(extra.ok());
  auto r = extra.read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find(std::to_string(kMaxConnectionsPerAddress)), std::string::npos);
  EXPECT_TRUE(extra.closed_by_peer());
  expect_served("127.0.0.5");
  // A held connection is a working one.
  EXPECT_EQ(rpc_from(*held[0], rpc_body(1, "eth_chainId"))["result"], "0x539");
}

}  // namespace
}  // namespace stoa::node
