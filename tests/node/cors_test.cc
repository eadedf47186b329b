// CORS (issue 13, item 5): the policy's parsing and matching, and the real server on loopback
// answering preflights, decorating allowed origins' answers, and giving refused origins nothing
// (HTTP and WebSocket upgrades). The browser's side is tests/e2e/browser.test.js.
#include "stoa/node/cors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <httplib.h>

#include "stoa/node/node.h"
#include "test_util.h"

namespace stoa::node {
namespace {

namespace fs = std::filesystem;

CorsPolicy parsed(const std::string& list) {
  std::string error;
  auto p = CorsPolicy::parse(list, &error);
  EXPECT_TRUE(p.has_value()) << list << ": " << error;
  return p.value_or(CorsPolicy{});
}

TEST(CorsPolicyTest, ParsesAListOfOriginsCaseInsensitively) {
  const CorsPolicy p = parsed(" https://App.Example , http://localhost:3000/");
  EXPECT_FALSE(p.any);
  EXPECT_TRUE(p.allows("https://app.example"));
  EXPECT_TRUE(p.allows("HTTPS://APP.EXAMPLE"));
  EXPECT_TRUE(p.allows("http://localhost:3000"));
  EXPECT_FALSE(p.allows("http://localhost:3001"));
  EXPECT_FALSE(p.allows("http://app.example"));  // the scheme is part of the origin
  EXPECT_FALSE(p.allows("https://app.example.evil"));
  EXPECT_FALSE(p.allows(""));
  EXPECT_FALSE(p.allows("null"));
  EXPECT_TRUE(parsed("*").allows("null"));
  EXPECT_TRUE(CorsPolicy::allow_any().allows("https://anything.example"));
  EXPECT_FALSE(CorsPolicy{}.allows("http://localhost:3000"));
}

TEST(CorsPolicyTest, RefusesWhatIsNotAnOrigin) {
  for (const char* bad : {"", ",", "localhost:3000", "https://a.example/path", "ftp://a.example",
                          "https://", "https://a.example?x=1", "https://user@a.example"}) {
    std::string error;
    EXPECT_FALSE(CorsPolicy::parse(bad, &error).has_value()) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  std::string error;
  EXPECT_FALSE(CorsPolicy::parse("https://ok.example,https://a.example/x", &error));
  EXPECT_NE(error.find("https://a.example/x"), std::string::npos) << error;
}

class CorsServerTest : public ::testing::Test {
 protected:
  void start(std::optional<CorsPolicy> cors, bool dev = true) {
    NodeOptions o;
    o.data_dir = testing::temp_dir("stoa-cors-test");
    o.port = 0;
    o.dev = dev;
    if (!dev) o.operator_account = testing::dev(0).address();
    o.cors = std::move(cors);
    node_ = std::make_unique<Node>(o);
    node_->start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", node_->port());
  }
  void TearDown() override {
    if (!node_) return;
    const std::string dir = node_->options().data_dir;
    client_.reset();
    node_.reset();
    fs::remove_all(dir);
  }
  httplib::Result preflight(const std::string& origin, const std::string& method = "POST") {
    return client_->Options("/", {{"Origin", origin},
                                  {"Access-Control-Request-Method", method},
                                  {"Access-Control-Request-Headers", "content-type"}});
  }
  httplib::Result rpc(const std::string& origin) {
    httplib::Headers h;
    if (!origin.empty()) h.emplace("Origin", origin);
    return client_->Post("/", h, R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]})",
                         "application/json");
  }

  std::unique_ptr<Node> node_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(CorsServerTest, AllowedOriginGetsPreflightAndHeaders) {
  start(parsed("http://localhost:3000"));
  auto pre = preflight("http://localhost:3000");
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 204);
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_NE(pre->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Headers"), "content-type");
  EXPECT_EQ(pre->get_header_value("Access-Control-Max-Age"), std::to_string(kCorsMaxAgeSeconds));
  auto r = rpc("http://localhost:3000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("0x539"), std::string::npos);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_EQ(r->get_header_value("Vary"), "Origin");
  // REST answers and errors too (the page must be able to read why it failed).
  auto missing = client_->Get("/v1/no-such-route", {{"Origin", "http://localhost:3000"}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Access-Control-Allow-Origin"), "http://localhost:3000");
}

TEST_F(CorsServerTest, RefusedOriginGetsNoCorsHeaders) {
  start(parsed("http://localhost:3000"));
  auto pre = preflight("http://evil.example");
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 403);
  EXPECT_FALSE(pre->has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(pre->has_header("Access-Control-Allow-Methods"));
  // A method the node does not serve is refused even for an allowed origin.
  auto put = preflight("http://localhost:3000", "PUT");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 403);
  EXPECT_FALSE(put->has_header("Access-Control-Allow-Origin"));
  // The request itself is served (a browser withholds the answer; curl is unaffected) but
  // carries no CORS header.
  auto r = rpc("http://evil.example");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->has_header("Access-Control-Allow-Origin"));
  // Without Origin (not a browser): unchanged.
  auto plain = rpc("");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 200);
  EXPECT_FALSE(plain->has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(plain->has_header("Vary"));
  // A browser WebSocket from a refused origin is refused before the upgrade.
  auto ws = client_->Get("/", {{"Origin", "http://evil.example"},
                               {"Connection", "Upgrade"},
                               {"Upgrade", "websocket"},
                               {"Sec-WebSocket-Version", "13"},
                               {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  ASSERT_TRUE(ws);
  EXPECT_EQ(ws->status, 403);
}

TEST_F(CorsServerTest, DevAllowsAnyOriginAndProductionNone) {
  start(std::nullopt, /*dev=*/true);
  auto pre = preflight("https://dapp.example");
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 204);
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Origin"), "https://dapp.example");
  TearDown();
  start(std::nullopt, /*dev=*/false);
  auto refused = preflight("https://dapp.example");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  auto r = rpc("https://dapp.example");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_header("Access-Control-Allow-Origin"));
}

}  // namespace
}  // namespace stoa::node
