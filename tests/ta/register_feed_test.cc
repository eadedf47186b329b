// The register fed by a real node's durable block stream (in process, on a temporary data
// directory), then `register check` against the journal offline: equal; a tampered register is
// caught; a rebuild from the journal repairs it. On both back ends.
#include "stoa/ta/register_feed.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "backends.h"
#include "chain/chain_test_util.h"
#include "stoa/core/factory.h"
#include "stoa/core/state.h"
#include "stoa/node/node.h"
#include "stoa/ta/amount.h"
#include "stoa/ta/register_check.h"

namespace stoa::ta {
namespace {

using chain::testing::dev_key;
using chain::testing::signed_call;
using testing::Backend;

abi::Value b2(const char* j) {
  return abi::Value(Bytes{static_cast<uint8_t>(j[0]), static_cast<uint8_t>(j[1])});
}

class RegisterFeedTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = testing::temp_dir() + "/data";
    db_ = testing::fresh_db(GetParam(), &url_);
  }
  // Runs a node, feeds the register from its block stream, sends a small history.
  void run_node(bool first, const std::function<void(node::Node&)>& while_running = {}) {
    node::NodeOptions o;
    o.data_dir = dir_;
    o.dev = true;
    o.port = 0;
    RegisterRest rest(url_);
    o.extra_routes = rest.routes();
    node::Node n(o);
    auto feed = std::make_unique<RegisterFeed>(n.ledger(), open_db(url_));
    const Address token = create_address(core::factory_address(), 0);
    const Address registry = create_address(core::factory_address(), 1);
    std::vector<Bytes32> sent;
    auto send = [&](int k, const Address& to, std::string_view sig, const abi::ValueList& args) {
      std::string detail;
      chain::SignedTransaction tx = signed_call(dev_key(k), nonce_[k]++, to, sig, args);
      sent.push_back(tx.hash);
      const auto e = n.ledger().submit(std::move(tx), &detail);
      ASSERT_EQ(e, chain::AdmitError::kOk) << detail;
    };
    if (first) {
      send(0, core::factory_address(), "createSecurity(string,string,uint8,uint8,address,address)",
           {"Feed Co", "FEED", 0, 5, dev_key(1).address(), dev_key(2).address()});
      // Admission needs the contracts to exist: wait for the creation's block.
      for (int i = 0; i < 5000; ++i) {
        {
          auto lock = n.ledger().read_lock();
          if (!n.ledger().chain().state().factory().securities().empty()) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      for (int i = 3; i < 8; ++i)
        send(2, registry, "onboard(address,bytes2,uint8,uint256)",
             {dev_key(i).address(), b2("US"), 1, 0});
      for (int i = 3; i < 8; ++i)
        send(1, token, "mint(address,uint256)", {dev_key(i).address(), U256(100 * i)});
      send(2, token, "freezePartialTokens(address,uint256)", {dev_key(5).address(), U256(20)});
    } else {
      send(1, token, "mint(address,uint256)", {dev_key(3).address(), U256(7)});
    }
    for (int i = 3; i < 7; ++i)
      send(i, token, "transfer(address,uint256)", {dev_key(i + 1).address(), U256(50)});
    // Every transaction in a block, then the register up to the head.
    for (const Bytes32& hash : sent) {
      for (int i = 0; i < 10000 && n.ledger().pending(hash); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    uint64_t head = 0;
    {
      auto lock = n.ledger().read_lock();
      head = n.ledger().chain().height();
    }
    ASSERT_TRUE(feed->wait_for(head, std::chrono::seconds(20))) << feed->error();
    if (while_running) while_running(n);
    feed.reset();
  }
  std::map<int, uint64_t> nonce_;
  std::string dir_, url_;
  std::unique_ptr<Db> db_;
};

TEST_P(RegisterFeedTest, FollowsTheNodeAndRegisterCheckProvesItEqualsTheLedger) {
  run_node(true);
  RegisterCheckReport r = check_register(*db_, dir_);
  ASSERT_TRUE(r.ok) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.securities, 1u);
  EXPECT_EQ(r.holders, 5u);
  EXPECT_EQ(r.movements, 5u + 4u);
  EXPECT_EQ(r.block, r.journal_head);
  // A balance changed behind the register's back is caught, naming the holder.
  const std::string holder = dev_key(4).address().lower_hex();
  db_->exec("UPDATE balances SET balance = ? WHERE holder = ?", {encode_amount(U256(1)), holder});
  r = check_register(*db_, dir_);
  EXPECT_FALSE(r.ok);
  bool named = false;
  for (const std::string& p : r.problems)
    named = named || p.find(dev_key(4).address().checksum_hex()) != std::string::npos;
  EXPECT_TRUE(named);
  // So is a lost movement.
  db_->exec("DELETE FROM movements WHERE kind = 'transfer' AND from_addr = ?",
            {dev_key(3).address().lower_hex()});
  r = check_register(*db_, dir_);
  bool movements = false;
  for (const std::string& p : r.problems)
    movements = movements || p.find("movements") != std::string::npos;
  EXPECT_TRUE(movements);
  // Rebuilt from the journal, offline: equal again.
  EXPECT_EQ(rebuild_register(*db_, dir_), r.journal_head + 1);
  r = check_register(*db_, dir_);
  EXPECT_TRUE(r.ok) << (r.problems.empty() ? "" : r.problems[0]);
  // A restarted node resumes the feed from the cursor: nothing twice.
  run_node(false);
  r = check_register(*db_, dir_);
  EXPECT_TRUE(r.ok) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.movements, 5u + 4u + 1u + 4u);
}

TEST_P(RegisterFeedTest, TheNodeServesTheCapTableOverRest) {
  run_node(true, [](node::Node& n) {
    n.bind();
    n.start();
    httplib::Client c("127.0.0.1", n.port());
    auto res = c.Get("/v1/register/securities/FEED/cap-table");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const auto j = nlohmann::json::parse(res->body);
    EXPECT_EQ(j["security"]["symbol"], "FEED");
    EXPECT_EQ(j["holderCount"], 5);
    EXPECT_EQ(j["total"], "2500");
    EXPECT_FALSE(j["holders"][0].contains("jurisdiction"));  // no personal data over REST yet
    EXPECT_FALSE(j.contains("byJurisdiction"));
    res = c.Get("/v1/register/securities/FEED/cap-table?atBlock=0");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(nlohmann::json::parse(res->body)["holderCount"], 0);  // the genesis block
    res = c.Get("/v1/register/securities/FEED/cap-table?atBlock=999999");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    res = c.Get("/v1/register/securities/NOPE/cap-table");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    res = c.Get("/v1/register/securities/FEED/cap-table?atDate=2020-13-01");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    // The control book, the journal and the issuer's cap table.
    res = c.Get("/v1/register/securities/FEED/control-book");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    auto cb = nlohmann::json::parse(res->body);
    EXPECT_EQ(cb["issued"], "2500");
    EXPECT_EQ(cb["outstanding"], "2500");
    EXPECT_EQ(cb["cancelled"], "0");
    EXPECT_EQ(cb["issuances"], 5);
    EXPECT_TRUE(cb["authorized"].is_null());
    res = c.Get("/v1/register/securities/FEED/journal?from=2000-01-01&to=2199-12-31");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const auto journal = nlohmann::json::parse(res->body);
    ASSERT_EQ(journal.size(), 9u);  // 5 issuances, 4 transfers
    EXPECT_EQ(journal[0]["kind"], "mint");
    EXPECT_EQ(journal[8]["kind"], "transfer");
    res = c.Get("/v1/register/securities/FEED/journal?from=2000-01-01");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    res = c.Get("/v1/register/issuers/" + dev_key(1).address().checksum_hex() + "/cap-table");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const auto issuer = nlohmann::json::parse(res->body);
    EXPECT_EQ(issuer["holdersOfRecord"], 5);
    EXPECT_EQ(issuer["securities"][0]["security"]["symbol"], "FEED");
    EXPECT_FALSE(issuer["securities"][0]["holders"][0].contains("jurisdiction"));
    EXPECT_FALSE(issuer.contains("byJurisdiction"));
    res = c.Get("/v1/register/issuers/" + dev_key(9).address().checksum_hex() + "/cap-table");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    // Documented in the OpenAPI document like the node's own routes.
    const auto doc = nlohmann::json::parse(node::openapi_document());
    for (const std::string& path : n.rest_paths())
      EXPECT_TRUE(doc["paths"].contains(path)) << path;
    n.stop();
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, RegisterFeedTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace stoa::ta
