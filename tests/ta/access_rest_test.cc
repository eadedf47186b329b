// The transfer agent's REST access over real HTTP on loopback (a node in process, on both back
// ends): Sign-In with Ethereum for accounts holding the ledger's roles (the factory's operator:
// transfer agent; the token's admin: issuer; its compliance officer), least privilege on each
// route, a data room's grants, 17Ad-17 and statements, everything audited.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "backends.h"
#include "chain/chain_test_util.h"
#include "stoa/core/factory.h"
#include "stoa/core/state.h"
#include "stoa/crypto/eip712.h"
#include "stoa/node/node.h"
#include "stoa/ta/investors.h"
#include "stoa/ta/register_feed.h"
#include "stoa/ta/schema.h"
#include "stoa/ta/ta_rest.h"

namespace stoa::ta {
namespace {

using chain::testing::dev_key;
using chain::testing::signed_call;
using nlohmann::json;
using testing::Backend;

std::string sign_hex(const crypto::PrivateKey& k, const std::string& message) {
  const crypto::Signature s =
      crypto::sign(k, crypto::eip191_hash(BytesView(
                          reinterpret_cast<const uint8_t*>(message.data()), message.size())));
  Bytes b(s.r.b.begin(), s.r.b.end());
  b.insert(b.end(), s.s.b.begin(), s.s.b.end());
  b.push_back(static_cast<uint8_t>(27 + s.recovery_id));
  return to_hex_prefixed(b);
}

TaxIdKey test_key() {
  std::array<uint8_t, 32> k{};
  k.fill(3);
  return TaxIdKey::from_bytes(k);
}

class AccessRestTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = testing::temp_dir() + "/data";
    db_ = testing::fresh_db(GetParam(), &url_);
    migrate(*db_);
  }
  // Runs a node with the register and the transfer agent's routes; creates a security FEED
  // (admin dev #1, compliance dev #2; the operator dev #0 is the factory's deployer).
  void with_node(const std::function<void(node::Node&, httplib::Client&)>& body) {
    node::NodeOptions o;
    o.data_dir = dir_;
    o.dev = true;
    o.port = 0;
    TaRest auth({url_, {}, test_key()}, nullptr);
    RegisterRest rest(url_, auth);
    o.extra_routes = rest.routes();
    for (node::RestRoute& r : auth.routes())
      o.extra_routes.push_back(std::move(r));
    node::Node n(o);
    auth.attach(n.genesis().chain_id, ledger_role_reader(n.ledger()));
    auto feed = std::make_unique<RegisterFeed>(n.ledger(), open_db(url_));
    std::string detail;
    auto tx = signed_call(dev_key(0), 0, core::factory_address(),
                          "createSecurity(string,string,uint8,uint8,address,address)",
                          {"Feed Co", "FEED", 0, 5, dev_key(1).address(), dev_key(2).address()});
    ASSERT_EQ(n.ledger().submit(std::move(tx), &detail), chain::AdmitError::kOk) << detail;
    for (int i = 0; i < 5000; ++i) {
      {
        auto lock = n.ledger().read_lock();
        if (!n.ledger().chain().state().factory().securities().empty()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_TRUE(feed->wait_for(1, std::chrono::seconds(20))) << feed->error();
    n.bind();
    n.start();
    httplib::Client c("127.0.0.1", n.port());
    host_ = "127.0.0.1:" + std::to_string(n.port());
    chain_id_ = n.genesis().chain_id;
    body(n, c);
    n.stop();
    feed.reset();
  }
  // Signs in with SIWE as `k`; returns the Authorization header.
  httplib::Headers sign_in(httplib::Client& c, const crypto::PrivateKey& k) {
    auto r = c.Post("/v1/auth/siwe/nonce", "{}", "application/json");
    EXPECT_TRUE(r && r->status == 200);
    const std::string nonce = json::parse(r->body)["nonce"];
    const std::string m = host_ + " wants you to sign in with your Ethereum account:\n" +
                          k.address().checksum_hex() + "\n\nTransfer agent.\n\nURI: http://" +
                          host_ + "\nVersion: 1\nChain ID: " + std::to_string(chain_id_) +
                          "\nNonce: " + nonce + "\nIssued At: 2020-01-01T00:00:00Z";
    r = c.Post("/v1/auth/siwe/verify", json{{"message", m}, {"signature", sign_hex(k, m)}}.dump(),
               "application/json");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return {{"Authorization", "Bearer " + json::parse(r->body)["token"].get<std::string>()}};
  }
  std::string dir_, url_, host_;
  uint64_t chain_id_ = 0;
  std::unique_ptr<Db> db_;
};

TEST_P(AccessRestTest, SiweSessionsCarryTheLedgersRolesAndEachRouteItsLeastPrivilege) {
  with_node([&](node::Node&, httplib::Client& c) {
    // Without credentials: 401 with the scheme named.
    auto r = c.Get("/v1/auth/whoami");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer");
    const auto issuer = sign_in(c, dev_key(1));
    const auto compliance = sign_in(c, dev_key(2));
    const auto agent = sign_in(c, dev_key(0));
    const auto nobody = sign_in(c, dev_key(7));
    r = c.Get("/v1/auth/whoami?security=FEED", issuer);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json::parse(r->body)["roles"], json::array({"issuer"}));
    r = c.Get("/v1/auth/whoami?security=FEED", compliance);
    EXPECT_EQ(json::parse(r->body)["roles"], json::array({"compliance-officer"}));
    r = c.Get("/v1/auth/whoami", agent);
    EXPECT_EQ(json::parse(r->body)["roles"], json::array({"transfer-agent"}));
    r = c.Get("/v1/auth/whoami?security=FEED", nobody);
    EXPECT_EQ(json::parse(r->body)["roles"], json::array());
    // The cap table: the issuer without personal data, the compliance officer with; nobody not.
    r = c.Get("/v1/register/securities/FEED/cap-table", issuer);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_FALSE(json::parse(r->body).contains("byJurisdiction"));
    r = c.Get("/v1/register/securities/FEED/cap-table", compliance);
    EXPECT_TRUE(json::parse(r->body).contains("byJurisdiction"));
    EXPECT_EQ(c.Get("/v1/register/securities/FEED/cap-table", nobody)->status, 403);
    // 17Ad-17 and statements: the transfer agent only.
    EXPECT_EQ(c.Get("/v1/lost-holders", issuer)->status, 403);
    EXPECT_EQ(c.Get("/v1/lost-holders", compliance)->status, 403);
    EXPECT_EQ(c.Get("/v1/lost-holders", agent)->status, 200);
    // A POST must be JSON (no cross-site form posts).
    EXPECT_EQ(c.Post("/v1/lost-holders", agent, "x=1", "text/plain")->status, 415);
    // Signed out: the session is gone.
    EXPECT_EQ(c.Post("/v1/auth/logout", nobody, "{}", "application/json")->status, 200);
    EXPECT_EQ(c.Get("/v1/auth/whoami", nobody)->status, 401);
    // Every access is audited under the signer's address; no token in the log.
    size_t rows = 0;
    for (const DbRow& row : db_->query("SELECT actor, detail FROM audit_log WHERE action = "
                                       "'rest-access'",
                                       {})) {
      rows += row.text(0) == "siwe:" + dev_key(1).address().lower_hex() ? 1 : 0;
      EXPECT_EQ(row.text(1).find("stoa_s_"), std::string::npos);
    }
    EXPECT_GE(rows, 2u);
  });
}

TEST_P(AccessRestTest, ADataRoomOverRestWithGrantsLostHoldersAndAStatement) {
  with_node([&](node::Node&, httplib::Client& c) {
    const auto issuer = sign_in(c, dev_key(1));
    const auto compliance = sign_in(c, dev_key(2));
    const auto agent = sign_in(c, dev_key(0));
    const auto investor = sign_in(c, dev_key(7));
    const json upload = {{"name", "PPM"},
                         {"security", "FEED"},
                         {"mediaType", "text/plain"},
                         {"contentBase64", base64_encode(Bytes{'h', 'e', 'l', 'l', 'o'})}};
    EXPECT_EQ(c.Post("/v1/documents", compliance, upload.dump(), "application/json")->status, 403);
    auto r = c.Post("/v1/documents", issuer, upload.dump(), "application/json");
    ASSERT_EQ(r->status, 201) << r->body;
    const json doc = json::parse(r->body);
    // SHA-256("hello")
    EXPECT_EQ(doc["sha256"], "0x2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    const std::string path = "/v1/documents/" + std::to_string(doc["id"].get<int64_t>());
    EXPECT_EQ(c.Get(path, investor)->status, 403);
    EXPECT_TRUE(json::parse(c.Get("/v1/documents", investor)->body)["documents"].empty());
    const json view = {{"grantee", dev_key(7).address().checksum_hex()}, {"permission", "view"}};
    r = c.Post(path + "/grants", issuer, view.dump(), "application/json");
    ASSERT_EQ(r->status, 201) << r->body;
    EXPECT_EQ(c.Get(path, investor)->status, 200);
    EXPECT_EQ(c.Get(path + "/content", investor)->status, 403);
    EXPECT_EQ(c.Get(path + "/grants", investor)->status, 403);
    const json dl = {{"grantee", dev_key(7).address().checksum_hex()}, {"permission", "download"}};
    r = c.Post(path + "/grants", issuer, dl.dump(), "application/json");
    const int64_t grant = json::parse(r->body)["id"];
    r = c.Get(path + "/content", investor);
    ASSERT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello");
    EXPECT_EQ(r->get_header_value("X-Content-SHA256"), doc["sha256"]);
    EXPECT_EQ(c.Delete(path + "/grants/" + std::to_string(grant), investor)->status, 403);
    EXPECT_EQ(c.Delete(path + "/grants/" + std::to_string(grant), issuer)->status, 200);
    EXPECT_EQ(c.Get(path + "/content", investor)->status, 403);
    EXPECT_EQ(c.Get("/v1/documents/999", agent)->status, 404);
    // 17Ad-17 over REST.
    InvestorRecords records(*db_, test_key());
    Stakeholder s;
    s.kind = "individual";
    s.legal_name = "Ada Lovelace";
    const int64_t ada = records.add(s, "test");
    r = c.Post("/v1/lost-holders", agent,
               json{{"stakeholderId", ada}, {"returnedOn", "2026-01-10"}}.dump(),
               "application/json");
    ASSERT_EQ(r->status, 201) << r->body;
    r = c.Get("/v1/lost-holders/due?on=2026-04-10", agent);
    ASSERT_EQ(r->status, 200);
    EXPECT_EQ(json::parse(r->body)["due"][0]["from"], "2026-04-10");
    const std::string lid =
        std::to_string(json::parse(r->body)["due"][0]["lostHolderId"].get<int>());
    r = c.Post("/v1/lost-holders/" + lid + "/searches", agent,
               json{{"search", 1}, {"on", "2026-05-01"}, {"result", "not-found"}}.dump(),
               "application/json");
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json::parse(r->body)["inWindow"], true);
    r = c.Post("/v1/lost-holders/" + lid + "/searches", agent,
               json{{"search", 1}, {"on", "2026-05-02"}, {"result", "found"}}.dump(),
               "application/json");
    EXPECT_EQ(r->status, 400);
    // A statement, as JSON and as PDF.
    r = c.Get("/v1/statements/" + std::to_string(ada) + "/2026", agent);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json::parse(r->body)["legalName"], "Ada Lovelace");
    r = c.Get("/v1/statements/" + std::to_string(ada) + "/2026?format=pdf", agent);
    ASSERT_EQ(r->status, 200);
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/pdf");
    EXPECT_TRUE(r->body.starts_with("%PDF-"));
    EXPECT_EQ(c.Get("/v1/statements/" + std::to_string(ada) + "/2026", compliance)->status, 403);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, AccessRestTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace stoa::ta
