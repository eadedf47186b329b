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
#include "stoa/ta/access.h"
#include "stoa/ta/amount.h"
#include "stoa/ta/register_check.h"
#include "stoa/ta/schema.h"

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
    TaRest auth({url_, {}, std::nullopt}, nullptr);
    RegisterRest rest(url_, auth);
    o.extra_routes = rest.routes();
    for (node::RestRoute& r : auth.routes())
      o.extra_routes.push_back(std::move(r));
    node::Node n(o);
    auth.attach(n.genesis().chain_id, ledger_role_reader(n.ledger()));
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
      // A 3-for-2 split (no Transfer events): register check must still find the register equal.
      send(1, token, "grantRole(bytes32,address)",
           {abi::Value::bytes32(core::roles::corporate_action()), dev_key(1).address()});
      send(1, token, "split(uint256,uint256,string,bytes32)",
           {U256(3), U256(2), "3-for-2", abi::Value::bytes32(Bytes32::from_view(Bytes(32, 0x52)))});
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
  // The split was projected: balances 450..1050 before the transfers, the partial freeze 30.
  EXPECT_EQ(db_->query_one("SELECT COUNT(*) FROM splits")->i64(0), 1);
  EXPECT_EQ(db_->query_one("SELECT COUNT(*) FROM split_positions")->i64(0), 5);
  EXPECT_EQ(*decode_amount(db_->query_one("SELECT frozen_amount FROM balances WHERE holder = ?",
                                          {dev_key(5).address().lower_hex()})
                               ->text(0)),
            U256(30));
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
  run_node(true, [this](node::Node& n) {
    n.bind();
    n.start();
    httplib::Client c("127.0.0.1", n.port());
    // Not without credentials, nor with a made-up or a revoked key.
    auto res = c.Get("/v1/register/securities/FEED/cap-table");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << res->body;
    const std::string fake = "stoa_k_0123456789abcdef_" + std::string(64, 'a');
    res = c.Get("/v1/register/securities/FEED/cap-table", {{"Authorization", "Bearer " + fake}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    migrate(*db_);
    Access access(*db_, nullptr, {});
    ApiKey issuer_key, ta_key, other_key;
    const std::string issuer =
        access.create_key(TaRole::kIssuer, "*", "issuer's back office", "test", &issuer_key);
    const std::string agent =
        access.create_key(TaRole::kTransferAgent, "*", "the agent", "test", &ta_key);
    const std::string other = access.create_key(
        TaRole::kComplianceOfficer, "0x" + std::string(40, '1'), "another", "test", &other_key);
    const httplib::Headers as_issuer = {{"Authorization", "Bearer " + issuer}};
    // A key scoped to another security: forbidden here.
    res = c.Get("/v1/register/securities/FEED/cap-table", {{"Authorization", "Bearer " + other}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403) << res->body;
    // The issuer: holders and balances, no personal data (least privilege).
    res = c.Get("/v1/register/securities/FEED/cap-table", as_issuer);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    auto j = nlohmann::json::parse(res->body);
    EXPECT_EQ(j["security"]["symbol"], "FEED");
    EXPECT_EQ(j["holderCount"], 5);
    EXPECT_EQ(j["total"], "3750");  // 2500 issued, split 3 for 2
    EXPECT_FALSE(j["holders"][0].contains("jurisdiction"));
    EXPECT_FALSE(j.contains("byJurisdiction"));
    // The transfer agent: with the personal data.
    res = c.Get("/v1/register/securities/FEED/cap-table", {{"Authorization", "Bearer " + agent}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    j = nlohmann::json::parse(res->body);
    EXPECT_TRUE(j["holders"][0].contains("jurisdiction"));
    EXPECT_TRUE(j.contains("byJurisdiction"));
    // Every access is in the audit log, with the key's id and never its secret.
    bool logged = false;
    for (const DbRow& row : db_->query("SELECT actor, action, detail FROM audit_log", {})) {
      EXPECT_EQ(row.text(2).find(issuer.substr(24)), std::string::npos);
      logged =
          logged || (row.text(0) == "apikey:" + issuer_key.key_id && row.text(1) == "rest-access" &&
                     row.text(2).find("/cap-table 200") != std::string::npos);
    }
    EXPECT_TRUE(logged);
    access.revoke_key(issuer_key.key_id, "test");
    res = c.Get("/v1/register/securities/FEED/cap-table", as_issuer);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    const httplib::Headers h = {{"Authorization", "Bearer " + agent}};
    res = c.Get("/v1/register/securities/FEED/cap-table?atBlock=0", h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(nlohmann::json::parse(res->body)["holderCount"], 0);  // the genesis block
    res = c.Get("/v1/register/securities/FEED/cap-table?atBlock=999999", h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    res = c.Get("/v1/register/securities/NOPE/cap-table", h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    res = c.Get("/v1/register/securities/FEED/cap-table?atDate=2020-13-01", h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    // The control book, the journal and the issuer's cap table: not without credentials, nor
    // with a key scoped to another security; the holders permission reads them (the issuer).
    const httplib::Headers as_other = {{"Authorization", "Bearer " + other}};
    const std::string issuer_path =
        "/v1/register/issuers/" + dev_key(1).address().checksum_hex() + "/cap-table";
    for (const std::string& path :
         {std::string("/v1/register/securities/FEED/control-book"),
          std::string("/v1/register/securities/FEED/partitions"),
          std::string("/v1/register/securities/FEED/journal?from=2000-01-01&to=2199-12-31"),
          issuer_path}) {
      res = c.Get(path);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 401) << path;
      res = c.Get(path, as_other);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 403) << path;
    }
    ApiKey compliance_key;
    const std::string compliance =
        access.create_key(TaRole::kComplianceOfficer, "*", "compliance", "test", &compliance_key);
    const httplib::Headers as_compliance = {{"Authorization", "Bearer " + compliance}};
    res = c.Get("/v1/register/securities/FEED/control-book", as_compliance);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    auto cb = nlohmann::json::parse(res->body);
    EXPECT_EQ(cb["issued"], "2500");
    EXPECT_EQ(cb["outstanding"], "3750");
    ASSERT_EQ(cb["splits"].size(), 1u);
    EXPECT_EQ(cb["splits"][0]["supplyBefore"], "2500");
    EXPECT_EQ(cb["cancelled"], "0");
    EXPECT_EQ(cb["issuances"], 5);
    EXPECT_TRUE(cb["authorized"].is_null());
    // The cap table by partition (stoa report partitions): every holder in the default one.
    res = c.Get("/v1/register/securities/FEED/partitions", as_compliance);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const auto parts = nlohmann::json::parse(res->body);
    EXPECT_EQ(parts["security"]["symbol"], "FEED");
    EXPECT_EQ(parts["total"], "3750");
    ASSERT_EQ(parts["partitions"].size(), 1u);
    EXPECT_EQ(parts["partitions"][0]["name"], "default");
    EXPECT_EQ(parts["partitions"][0]["total"], "3750");
    ASSERT_EQ(parts["partitions"][0]["holders"].size(), 5u);
    EXPECT_FALSE(parts["partitions"][0]["holders"][0].contains("jurisdiction"));
    res = c.Get("/v1/register/securities/FEED/partitions?atBlock=0", as_compliance);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(nlohmann::json::parse(res->body)["total"], "0");  // the genesis block
    for (const char* bad :
         {"?atBlock=x", "?atBlock=999999", "?atDate=2020-13-01", "?atBlock=1&atDate=2026-01-01"}) {
      res = c.Get(std::string("/v1/register/securities/FEED/partitions") + bad, as_compliance);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 400) << bad << " " << res->body;
    }
    res = c.Get("/v1/register/securities/NOPE/partitions", as_compliance);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    res =
        c.Get("/v1/register/securities/FEED/journal?from=2000-01-01&to=2199-12-31", as_compliance);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const auto journal = nlohmann::json::parse(res->body);
    ASSERT_EQ(journal.size(), 14u);  // 5 issuances, 5 positions the split changed, 4 transfers
    EXPECT_EQ(journal[0]["kind"], "mint");
    EXPECT_EQ(journal[5]["kind"], "split");
    EXPECT_EQ(journal[5]["action"], "SPLIT");
    EXPECT_EQ(journal[13]["kind"], "transfer");
    res = c.Get("/v1/register/securities/FEED/journal?from=2000-01-01", as_compliance);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    // The issuer's cap table: an issuer key for every security, without the personal data...
    const std::string issuer2 = access.create_key(TaRole::kIssuer, "*", "issuer", "test");
    res = c.Get(issuer_path, {{"Authorization", "Bearer " + issuer2}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    auto issuer_view = nlohmann::json::parse(res->body);
    EXPECT_EQ(issuer_view["holdersOfRecord"], 5);
    EXPECT_EQ(issuer_view["securities"][0]["security"]["symbol"], "FEED");
    EXPECT_FALSE(issuer_view["securities"][0]["holders"][0].contains("jurisdiction"));
    EXPECT_FALSE(issuer_view.contains("byJurisdiction"));
    // ...the transfer agent with it.
    res = c.Get(issuer_path, h);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    issuer_view = nlohmann::json::parse(res->body);
    EXPECT_TRUE(issuer_view["securities"][0]["holders"][0].contains("jurisdiction"));
    EXPECT_TRUE(issuer_view.contains("byJurisdiction"));
    res = c.Get("/v1/register/issuers/" + dev_key(9).address().checksum_hex() + "/cap-table", h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    bool journal_logged = false;
    for (const DbRow& row : db_->query("SELECT actor, detail FROM audit_log", {})) {
      journal_logged = journal_logged || (row.text(0) == "apikey:" + compliance_key.key_id &&
                                          row.text(1).find("/journal 200") != std::string::npos);
    }
    EXPECT_TRUE(journal_logged);
    // The tax forms: the statements permission (the transfer agent) only.
    const std::string tax_path = "/v1/register/securities/FEED/tax-forms?year=2026";
    res = c.Get(tax_path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    for (const httplib::Headers& refused :
         {as_other, as_compliance, {{"Authorization", "Bearer " + issuer2}}}) {
      res = c.Get(tax_path, refused);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 403) << res->body;
    }
    res = c.Get(tax_path, h);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const auto tax = nlohmann::json::parse(res->body);
    EXPECT_EQ(tax["year"], 2026);
    EXPECT_TRUE(tax["lines"].empty());  // no dividend on this ledger
    res = c.Get("/v1/register/securities/FEED/tax-forms?year=26", h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    res = c.Get("/v1/register/securities/NOPE/tax-forms?year=2026", h);
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
