// The KYC/AML intake end to end: a node in-process on 127.0.0.1 with the development provider,
// a security in identity mode, webhooks signed with HMAC-SHA256 posted over loopback. Every
// refused webhook is checked to leave the ledger as it was (height and state digest).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <shared_mutex>
#include <string>
#include <thread>
#include <variant>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "stoa/abi/abi.h"
#include "stoa/chain/transaction.h"
#include "stoa/common/keccak.h"
#include "stoa/core/access_control.h"
#include "stoa/core/identity.h"
#include "stoa/crypto/secp256k1.h"
#include "stoa/node/kyc.h"
#include "stoa/node/node.h"
#include "test_util.h"

namespace stoa::node {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kSecret = "kyc-test-secret";

using testing::calldata;
using testing::dev;
std::string temp_dir() {
  return testing::temp_dir("stoa-kyc-test");
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class KycTest : public ::testing::Test {
 protected:
  void SetUp() override { start(true); }
  void start(bool with_kyc, std::string dir = "", uint64_t image_every = 0) {
    NodeOptions o;
    o.data_dir = dir.empty() ? temp_dir() : dir;
    if (image_every != 0) o.image_every = image_every;
    o.port = 0;
    o.dev = true;
    if (with_kyc) o.kyc = KycOptions{kSecret, dev_kyc_key(), std::nullopt};
    node_ = std::make_unique<Node>(o);
    node_->start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", node_->port());
    client_->set_read_timeout(30, 0);
  }
  // Stops the node and starts a new one on the same data directory (the journal replayed, or
  // the newest state image restored).
  void restart(uint64_t image_every = 0) {
    const std::string dir = node_->options().data_dir;
    client_.reset();
    node_.reset();
    start(true, dir, image_every);
  }
  void TearDown() override {
    const std::string dir = node_->options().data_dir;
    node_.reset();
    fs::remove_all(dir);
  }

  json rpc(const std::string& method, json params) {
    auto res = client_->Post(
        "/", json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}}.dump(),
        "application/json");
    EXPECT_TRUE(res);
    return res ? json::parse(res->body) : json();
  }
  json send(const crypto::PrivateKey& key, const Address& to, Bytes data) {
    const uint64_t nonce = node_->ledger().sequencer().pending_nonce(key.address());
    chain::Transaction tx;
    tx.chain_id = kDefaultChainId;
    tx.nonce = nonce;
    tx.gas_limit = 1'000'000;
    tx.to = to;
    tx.data = std::move(data);
    const json h = rpc("eth_sendRawTransaction",
                       {to_hex_prefixed(chain::sign_transaction(tx, key).raw)})["result"];
    for (int i = 0; i < 500; ++i) {
      json r = rpc("eth_getTransactionReceipt", {h})["result"];
      if (!r.is_null()) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "no receipt";
    return nullptr;
  }
  void ok(const crypto::PrivateKey& key, const Address& to, Bytes data) {
    const json rc = send(key, to, std::move(data));
    ASSERT_EQ(rc["status"], "0x1") << rc.dump();
  }
  Bytes view(const Address& to, Bytes data) {
    const json r =
        rpc("eth_call", {{{"to", to.checksum_hex()}, {"data", to_hex_prefixed(data)}}, "latest"});
    EXPECT_TRUE(r.contains("result")) << r.dump();
    return *from_hex(r.value("result", "0x"));
  }
  bool view_bool(const Address& to, Bytes data) {
    const Bytes out = view(to, std::move(data));
    return out.size() == 32 && out[31] == 1;
  }
  Address view_address(const Address& to, Bytes data) {
    const Bytes out = view(to, std::move(data));
    EXPECT_EQ(out.size(), 32u);
    Bytes32 w;
    std::copy(out.begin(), out.begin() + std::min<size_t>(out.size(), 32), w.b.begin());
    return Address::from_word(w);
  }
  json get(const std::string& path) {
    auto res = client_->Get(path.c_str());
    EXPECT_TRUE(res);
    return res ? json::parse(res->body) : json();
  }

  // A Reg A+ security in identity mode whose identity stack trusts the intake's issuer for KYC,
  // AML and accreditation; the intake's key has COMPLIANCE_ROLE; Alice and Bob have a
  // jurisdiction on record.
  void make_security() {
    const Address factory = *Address::parse("0x5704000000000000000000000000000000000001");
    ok(dev(0), factory,
       calldata("createSecurity(string,string,uint8,uint8,address,address)",
                {"Kyc Shares", "KYCS", 0, 3, admin_.address(), officer_.address()}));
    const json sec = get("/v1/securities/KYCS");
    token_ = *Address::parse(sec["token"].get<std::string>());
    const Address registry = *Address::parse(sec["registry"].get<std::string>());
    ok(admin_, core::identity_factory_address(),
       calldata("createIdentityRegistry(address,address)", {token_, Address{}}));
    identity_registry_ = view_address(token_, calldata("identityRegistry()", {}));
    const Address trusted = view_address(identity_registry_, calldata("issuersRegistry()", {}));
    const json info = get("/v1/kyc");
    ASSERT_EQ(info["enabled"], true);
    ASSERT_TRUE(info["issuerIdentity"].is_string()) << info.dump();
    issuer_identity_ = *Address::parse(info["issuerIdentity"].get<std::string>());
    ok(admin_, trusted,
       calldata("addTrustedIssuer(address,uint256[])",
                {issuer_identity_, abi::ValueList{U256(1), U256(2), U256(3)}}));
    ok(admin_, token_,
       calldata("grantRole(bytes32,address)",
                {abi::Value::bytes32(core::roles::compliance()), dev_kyc_key().address()}));
    const abi::Value us(Bytes{'U', 'S'});
    ok(officer_, registry,
       calldata("batchSetJurisdiction(address[],bytes2[])",
                {abi::ValueList{alice_.address(), bob_.address()}, abi::ValueList{us, us}}));
    ok(admin_, token_, calldata("setEligibilityMode(uint8)", {1}));
  }

  std::string body(const Address& wallet, const std::string& event, const std::string& result,
                   json extra = json::object()) {
    json j = {{"provider", "acme-kyc"}, {"eventId", event}, {"wallet", wallet.checksum_hex()},
              {"security", "KYCS"},     {"result", result}, {"topics", {1, 2}},
              {"country", 840},         {"amlScore", 12},   {"providerRef", "case-" + event}};
    for (auto& [k, v] : extra.items())
      j[k] = v;
    return j.dump();
  }
  httplib::Result post_raw(const std::string& b, const httplib::Headers& h) {
    return client_->Post("/v1/kyc/webhook", h, b, "application/json");
  }
  httplib::Result post(const std::string& b, int64_t ts = 0) {
    const std::string t = std::to_string(ts == 0 ? now_seconds() : ts);
    return post_raw(b,
                    {{"X-Stoa-Timestamp", t}, {"X-Stoa-Signature", kyc_signature(kSecret, t, b)}});
  }

  struct Observed {
    uint64_t height;
    Bytes32 digest;
    bool operator==(const Observed&) const = default;
  };
  Observed observe() {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::shared_lock lock = node_->ledger().read_lock();
    return {node_->ledger().chain().height(), node_->ledger().chain().state().digest()};
  }
  // A refused webhook: the status, the error code, and no ledger change.
  void refused(const httplib::Result& res, int status, const std::string& code,
               const Observed& before) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    const json j = json::parse(res->body);
    EXPECT_EQ(j["error"]["code"], code) << res->body;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
    EXPECT_EQ(res->body.find(kSecret), std::string::npos);
    EXPECT_TRUE(observe() == before) << "the ledger changed on a refused webhook";
  }
  bool verified(const crypto::PrivateKey& k) {
    return view_bool(identity_registry_, calldata("isVerified(address)", {k.address()}));
  }

  std::unique_ptr<Node> node_;
  std::unique_ptr<httplib::Client> client_;
  crypto::PrivateKey admin_ = dev(1), officer_ = dev(2), alice_ = dev(3), bob_ = dev(4);
  Address token_, identity_registry_, issuer_identity_;
};

TEST_F(KycTest, ApprovalCreatesIdentityRegistersAndAddsClaims) {
  make_security();
  EXPECT_FALSE(verified(alice_));
  // Not verified: issuance refused with RECEIVER_NOT_VERIFIED (12).
  EXPECT_EQ(
      send(admin_, token_, calldata("mint(address,uint256)", {alice_.address(), 10}))["status"],
      "0x0");

  const std::string b = body(alice_.address(), "evt-1", "approved");
  auto res = post(b);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json out = json::parse(res->body);
  EXPECT_EQ(out["verified"], true);
  EXPECT_EQ(out["frozen"], false);
  EXPECT_EQ(out["claims"].size(), 2u);
  // One transaction: applyKycEvent (createIdentity, registerIdentity, addClaim(1), addClaim(2)).
  ASSERT_EQ(out["transactions"].size(), 1u) << out.dump();
  for (const json& t : out["transactions"])
    EXPECT_EQ(t["status"], 1);
  const Address identity = *Address::parse(out["identity"].get<std::string>());
  EXPECT_EQ(view_address(core::identity_factory_address(),
                         calldata("getIdentity(address)", {alice_.address()})),
            identity);
  EXPECT_TRUE(verified(alice_));
  // The transactions are ordinary ledger transactions, signed by the intake's key.
  const json tx = rpc("eth_getTransactionByHash", {out["transactions"][0]["hash"]})["result"];
  EXPECT_EQ(tx["from"], dev_kyc_key().address().checksum_hex());
  ok(admin_, token_, calldata("mint(address,uint256)", {alice_.address(), 10}));

  // Replay: the stored answer, no second transaction.
  const Observed before = observe();
  auto again = post(b);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, res->body);
  EXPECT_EQ(again->get_header_value("Idempotent-Replay"), "true");
  EXPECT_TRUE(observe() == before);
  // The same event id with another body: a conflict.
  refused(post(body(alice_.address(), "evt-1", "approved", {{"amlScore", 13}})), 409, "conflict",
          before);

  // A second approval for a registered investor only adds claims (here: accreditation).
  res = post(body(alice_.address(), "evt-2", "approved", {{"topics", {3}}}));
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["transactions"].size(), 1u);
  EXPECT_EQ(json::parse(res->body)["claims"].size(), 1u);
}

// Issue 12 item 5: the event-id records lived in memory only, so after a restart a captured
// approval was processed again and re-verified an investor the provider had since rejected.
TEST_F(KycTest, KycReplayAfterRestartDoesNotReapplyTheEvent) {
  make_security();
  const std::string approval = body(alice_.address(), "evt-1", "approved");
  ASSERT_EQ(post(approval)->status, 200);
  ASSERT_TRUE(verified(alice_));
  auto res = post(body(alice_.address(), "evt-2", "rejected", {{"topics", json::array()}}));
  ASSERT_EQ(res->status, 200) << res->body;
  ASSERT_FALSE(verified(alice_));
  const Bytes32 key = keccak256(std::string_view("acme-kyc\nevt-1"));

  for (uint64_t image_every : {uint64_t{0}, uint64_t{1}}) {
    // The first restart replays the journal; the second restores a state image taken after the
    // first (the records are part of the state, state images included).
    restart(image_every);
    if (image_every == 1) {
      rpc("evm_mine", json::array());
      restart(image_every);
      ASSERT_TRUE(node_->recovery().image_block.has_value());
    }
    ASSERT_FALSE(verified(alice_));
    const Observed before = observe();
    // The same approval, freshly signed: answered as a replay, nothing applied.
    res = post(approval);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->get_header_value("Idempotent-Replay"), "true");
    EXPECT_EQ(json::parse(res->body)["replay"], true) << res->body;
    EXPECT_TRUE(observe() == before) << "a replayed event changed the ledger";
    EXPECT_FALSE(verified(alice_));
    // The same event id with another body: a conflict, across the restart too.
    refused(post(body(alice_.address(), "evt-1", "approved", {{"amlScore", 13}})), 409, "conflict",
            before);
    // The record is ledger state: IdentityFactory.kycEvent(issuer, key).
    const Bytes rec =
        view(core::identity_factory_address(),
             calldata("kycEvent(address,bytes32)", {issuer_identity_, abi::Value::bytes32(key)}));
    ASSERT_EQ(rec.size(), 96u);
    const Bytes32 body_hash = keccak256(std::string_view(approval));
    EXPECT_EQ(Bytes(rec.begin(), rec.begin() + 32), Bytes(body_hash.b.begin(), body_hash.b.end()));
  }
  // A new event of the provider is applied as usual after the restarts.
  res = post(body(bob_.address(), "evt-3", "approved"));
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(verified(bob_));
}

// Issue 12 item 6: an approval that registered the identity and then failed to add a claim left
// the registration committed (each step was its own transaction).
TEST_F(KycTest, HalfAppliedWebhookApprovalFailingAtClaimLeavesNoRegistration) {
  make_security();
  // Alice's identity already holds the claim limit (her own claims, as her own issuer).
  ok(alice_, core::identity_factory_address(),
     calldata("createIdentity(address)", {alice_.address()}));
  const Address identity = view_address(core::identity_factory_address(),
                                        calldata("getIdentity(address)", {alice_.address()}));
  const Bytes d = {0x01};
  for (uint64_t t = 100; t < 100 + core::kMaxClaimsPerIdentity; ++t) {
    const crypto::Signature sig =
        crypto::sign(alice_, core::classic_claim_digest(identity, U256(t), d));
    Bytes sb(65);
    std::copy(sig.r.b.begin(), sig.r.b.end(), sb.begin());
    std::copy(sig.s.b.begin(), sig.s.b.end(), sb.begin() + 32);
    sb[64] = static_cast<uint8_t>(27 + sig.recovery_id);
    ok(alice_, identity,
       calldata("addClaim(uint256,uint256,address,bytes,bytes,string)",
                {t, 1, identity, sb, d, std::string("")}));
  }
  const Bytes registered_before =
      view(identity_registry_, calldata("identity(address)", {alice_.address()}));
  auto res = post(body(alice_.address(), "evt-full", "approved"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500) << res->body;
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "ledger_refused");
  EXPECT_NE(res->body.find("claims per identity"), std::string::npos) << res->body;
  // Nothing of the event is committed: not registered, not verified, no record of the event.
  EXPECT_EQ(view(identity_registry_, calldata("identity(address)", {alice_.address()})),
            registered_before);
  EXPECT_EQ(view_address(identity_registry_, calldata("identity(address)", {alice_.address()})),
            Address{});
  EXPECT_FALSE(verified(alice_));
  const Bytes rec =
      view(core::identity_factory_address(),
           calldata("kycEvent(address,bytes32)",
                    {issuer_identity_,
                     abi::Value::bytes32(keccak256(std::string_view("acme-kyc\nevt-full")))}));
  EXPECT_EQ(rec, Bytes(96, 0));
  // Alice frees room; the same event is then applied in full (it left no record).
  ok(alice_, identity,
     calldata("removeClaim(bytes32)", {abi::Value::bytes32(core::claim_id(identity, U256(100)))}));
  ok(alice_, identity,
     calldata("removeClaim(bytes32)", {abi::Value::bytes32(core::claim_id(identity, U256(101)))}));
  res = post(body(alice_.address(), "evt-full", "approved"));
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(view_address(identity_registry_, calldata("identity(address)", {alice_.address()})),
            identity);
  EXPECT_TRUE(verified(alice_));
}

TEST_F(KycTest, RefusedWebhooksLeaveTheLedgerUnchanged) {
  make_security();
  const std::string b = body(alice_.address(), "evt-bad", "approved");
  const std::string t = std::to_string(now_seconds());
  Observed before = observe();

  refused(post_raw(b, {{"X-Stoa-Timestamp", t},
                       {"X-Stoa-Signature", kyc_signature("another-secret", t, b)}}),
          401, "unauthorized", before);
  // A signature over another body (one byte changed) or a tampered digit.
  std::string sig = kyc_signature(kSecret, t, b);
  sig.back() = sig.back() == '0' ? '1' : '0';
  refused(post_raw(b, {{"X-Stoa-Timestamp", t}, {"X-Stoa-Signature", sig}}), 401, "unauthorized",
          before);
  refused(post_raw(b, {{"X-Stoa-Timestamp", t}, {"X-Stoa-Signature", "sha256="}}), 401,
          "unauthorized", before);
  // Stale and future timestamps (correctly signed).
  refused(post(b, now_seconds() - 301), 401, "unauthorized", before);
  refused(post(b, now_seconds() + 301), 401, "unauthorized", before);
  // Missing headers.
  refused(post_raw(b, {{"X-Stoa-Signature", kyc_signature(kSecret, t, b)}}), 401, "unauthorized",
          before);
  refused(post_raw(b, {{"X-Stoa-Timestamp", t}}), 401, "unauthorized", before);
  // Headers are case-insensitive.
  {
    auto res =
        post_raw(body(bob_.address(), "evt-case", "rejected"),
                 {{"x-stoa-timestamp", t},
                  {"x-stoa-signature",
                   kyc_signature(kSecret, t, body(bob_.address(), "evt-case", "rejected"))}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;  // nothing to revoke; the event is recorded
  }
  before = observe();
  // Malformed JSON, wrong shapes, oversized body (all correctly signed).
  refused(post("{\"provider\": "), 400, "bad_request", before);
  refused(post("[1, 2]"), 400, "bad_request", before);
  refused(post(body(alice_.address(), "evt-x", "maybe")), 400, "bad_request", before);
  refused(post(body(alice_.address(), "evt-x", "approved", {{"amlScore", 101}})), 400,
          "bad_request", before);
  refused(post(body(alice_.address(), "evt-x", "approved", {{"wallet", "0x1234"}})), 400,
          "bad_request", before);
  refused(post(body(alice_.address(), "evt-x", "approved", {{"extra", 1}})), 400, "bad_request",
          before);
  refused(post(std::string(kMaxKycBodyBytes + 1, ' ')), 413, "payload_too_large", before);
  // Unknown security; an issuer not trusted for the topic.
  refused(post(body(alice_.address(), "evt-x", "approved", {{"security", "NOPE"}})), 422,
          "unknown_security", before);
  refused(post(body(alice_.address(), "evt-x", "approved",
                    {{"security", "0x0000000000000000000000000000000000000bad"}})),
          422, "unknown_security", before);
  refused(post(body(alice_.address(), "evt-x", "approved", {{"topics", {1, 5}}})), 422,
          "issuer_not_trusted", before);
  EXPECT_FALSE(verified(alice_));
  // The same event id, after those refusals, is processed normally (they left no record).
  auto res = post(body(alice_.address(), "evt-x", "approved"));
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(verified(alice_));
}

TEST_F(KycTest, AmlScoreAboveThresholdFreezesWithScoreAndReference) {
  make_security();
  EXPECT_EQ(view(token_, calldata("amlThreshold()", {})).back(), 70);
  // Only DEFAULT_ADMIN_ROLE sets it (the compliance agent does not set its own trigger).
  EXPECT_EQ(send(officer_, token_, calldata("setAmlThreshold(uint8)", {80}))["status"], "0x0");
  EXPECT_EQ(send(admin_, token_, calldata("setAmlThreshold(uint8)", {101}))["status"], "0x0");
  ok(admin_, token_, calldata("setAmlThreshold(uint8)", {80}));
  EXPECT_EQ(view(token_, calldata("amlThreshold()", {})).back(), 80);

  // 80 is not above 80: no freeze.
  auto res = post(body(bob_.address(), "evt-b", "approved", {{"amlScore", 80}}));
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["frozen"], false);
  EXPECT_FALSE(view_bool(token_, calldata("isFrozen(address)", {bob_.address()})));

  res = post(body(alice_.address(), "evt-a", "approved",
                  {{"amlScore", 91}, {"providerRef", "aml-case-77"}}));
  ASSERT_EQ(res->status, 200) << res->body;
  const json out = json::parse(res->body);
  EXPECT_EQ(out["frozen"], true);
  EXPECT_EQ(out["amlScore"], 91);
  EXPECT_EQ(out["amlThreshold"], 80);
  EXPECT_TRUE(view_bool(token_, calldata("isFrozen(address)", {alice_.address()})));
  // The AmlFreeze event records the score and the provider's reference.
  const std::string topic0 = keccak256(std::string_view("AmlFreeze(address,uint256,string)")).hex();
  const json logs = rpc(
      "eth_getLogs",
      {{{"address", token_.checksum_hex()}, {"topics", {topic0}}, {"fromBlock", "0x0"}}})["result"];
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0]["topics"][1], alice_.address().to_word().hex());
  auto decoded = abi::decode({*abi::parse_type("uint256"), *abi::parse_type("string")},
                             *from_hex(logs[0]["data"].get<std::string>()));
  ASSERT_EQ(decoded.index(), 0u);
  EXPECT_EQ(std::get<0>(decoded)[0].u256(), U256(91));
  EXPECT_EQ(std::get<0>(decoded)[1].str(), "aml-case-77");
  // Frozen: no issuance to Alice (RECEIVER_FROZEN), though she is verified.
  EXPECT_TRUE(verified(alice_));
  EXPECT_EQ(
      send(admin_, token_, calldata("mint(address,uint256)", {alice_.address(), 1}))["status"],
      "0x0");
  // amlFreeze itself refuses a score not above the threshold, and callers without the role.
  EXPECT_EQ(
      send(officer_, token_,
           calldata("amlFreeze(address,uint256,string)", {bob_.address(), 80, "x"}))["status"],
      "0x0");
  EXPECT_EQ(
      send(bob_, token_,
           calldata("amlFreeze(address,uint256,string)", {bob_.address(), 99, "x"}))["status"],
      "0x0");
}

TEST_F(KycTest, RejectionRemovesAndRevokesTheProvidersClaims) {
  make_security();
  ASSERT_EQ(post(body(alice_.address(), "evt-1", "approved"))->status, 200);
  ASSERT_TRUE(verified(alice_));
  auto res = post(body(alice_.address(), "evt-2", "rejected", {{"topics", json::array()}}));
  ASSERT_EQ(res->status, 200) << res->body;
  const json out = json::parse(res->body);
  EXPECT_EQ(out["verified"], false);
  EXPECT_EQ(out["removedClaims"].size(), 2u);
  EXPECT_FALSE(verified(alice_));
  const json rc = send(admin_, token_, calldata("mint(address,uint256)", {alice_.address(), 1}));
  EXPECT_EQ(rc["status"], "0x0");
  EXPECT_EQ(rc["revertData"], to_hex_prefixed(abi::encode_error(
                                  *abi::parse_signature("TransferRestricted(uint8)"), {12})));
}

TEST_F(KycTest, OffUnlessConfigured) {
  TearDown();
  start(false);
  const std::string b = "{}";
  auto res = post(b);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_NE(json::parse(res->body)["error"]["message"].get<std::string>().find("--kyc-secret-file"),
            std::string::npos);
  EXPECT_EQ(get("/v1/kyc")["enabled"], false);
}

TEST(KycSecrets, ReadFromFilesAndEnvironmentWithoutRevealingThem) {
  const fs::path p = fs::temp_directory_path() / ("stoa-kyc-secret-" + std::to_string(::getpid()));
  { std::ofstream(p) << "s3cr3t-value\n"; }
  EXPECT_EQ(read_secret(p.string(), "--kyc-secret-file"), "s3cr3t-value");
  ::setenv("STOA_KYC_TEST_SECRET", "env-s3cr3t", 1);
  EXPECT_EQ(read_secret("env:STOA_KYC_TEST_SECRET", "--kyc-secret-file"), "env-s3cr3t");
  try {
    read_private_key(p.string(), "--kyc-issuer-key-file");
    ADD_FAILURE() << "not a key";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cr3t"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--kyc-issuer-key-file"), std::string::npos);
  }
  EXPECT_THROW(read_secret("env:STOA_KYC_TEST_UNSET_VARIABLE", "x"), std::runtime_error);
  EXPECT_THROW(read_secret((p.string() + ".missing"), "x"), std::runtime_error);
  { std::ofstream(p) << dev(7).secret.hex() << "\n"; }
  EXPECT_EQ(read_private_key(p.string(), "k").address(), dev(7).address());
  fs::remove(p);
  // The signature format: sha256=<64 hex> over "timestamp.body".
  EXPECT_EQ(kyc_signature("key", "1", "{}").size(), 7u + 64u);
  EXPECT_NE(kyc_signature("key", "1", "{}"), kyc_signature("key", "2", "{}"));
  // Known answer (Python: hmac.new(b"key", b'1700000000.{"a":1}', sha256).hexdigest()).
  EXPECT_EQ(kyc_signature("key", "1700000000", "{\"a\":1}"),
            "sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03");
}

}  // namespace
}  // namespace stoa::node
