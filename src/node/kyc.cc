// KYC/AML intake: webhook authentication (HMAC-SHA256, window, constant-time compare),
// idempotency (the event's record in ledger state), and the one ledger transaction per event
// (IdentityFactory.applyKycEvent) the node signs as the provider's claim issuer.
#include "stoa/node/kyc.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <shared_mutex>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

#include "stoa/abi/abi.h"
#include "stoa/chain/transaction.h"
#include "stoa/common/keccak.h"
#include "stoa/core/errors.h"
#include "stoa/core/factory.h"
#include "stoa/core/identity.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/kyc_events.h"
#include "stoa/core/security_token.h"
#include "stoa/node/log.h"
#include "stoa/node/rpc.h"

namespace stoa::node {
namespace {

using nlohmann::json;

constexpr auto kWaitTimeout = std::chrono::seconds(30);

int64_t wall_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An answer other than 200: status, error code, message.
struct KycError {
  int status;
  std::string code;
  std::string message;
};

[[noreturn]] void fail(int status, std::string code, std::string message) {
  throw KycError{status, std::move(code), std::move(message)};
}

std::string error_body(const std::string& code, const std::string& message) {
  return json{{"error", {{"code", code}, {"message", message}}}}.dump();
}

Bytes calldata(std::string_view signature, const abi::ValueList& args) {
  auto sig = abi::parse_signature(signature);
  STOA_ASSERT(sig.has_value());
  auto data = abi::encode_call(*sig, args);
  STOA_ASSERT(data.index() == 0);
  return std::get<Bytes>(std::move(data));
}

Bytes signature_bytes(const crypto::Signature& s) {
  Bytes out(65);
  std::copy(s.r.b.begin(), s.r.b.end(), out.begin());
  std::copy(s.s.b.begin(), s.s.b.end(), out.begin() + 32);
  out[64] = static_cast<uint8_t>(27 + s.recovery_id);
  return out;
}

std::string trim_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

// Field readers: a missing or ill-typed field is a 400 naming the field.
const json* field(const json& j, const char* name, bool required) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) {
    if (required) fail(400, "bad_request", std::string("missing field \"") + name + "\"");
    return nullptr;
  }
  return &*it;
}

std::string string_field(const json& j, const char* name, bool required, size_t max_bytes) {
  const json* v = field(j, name, required);
  if (v == nullptr) return "";
  if (!v->is_string()) fail(400, "bad_request", std::string("\"") + name + "\" must be a string");
  std::string s = v->get<std::string>();
  if (required && s.empty()) fail(400, "bad_request", std::string("\"") + name + "\" is empty");
  if (s.size() > max_bytes) {
    fail(400, "bad_request",
         std::string("\"") + name + "\" exceeds " + std::to_string(max_bytes) + " bytes");
  }
  return s;
}

std::optional<uint64_t> uint_field(const json& j, const char* name, bool required, uint64_t max) {
  const json* v = field(j, name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_unsigned() || v->get<uint64_t>() > max) {
    fail(400, "bad_request",
         std::string("\"") + name + "\" must be an integer from 0 to " + std::to_string(max));
  }
  return v->get<uint64_t>();
}

// The verification result, checked for shape.
struct Result {
  std::string provider;
  std::string event_id;
  Address wallet;
  std::string security;
  bool approved = false;
  std::vector<uint64_t> topics;
  std::optional<uint16_t> country;
  std::optional<uint64_t> aml_score;
  std::string provider_ref;
  std::optional<uint64_t> valid_until;
};

Result parse_result(const json& j) {
  if (!j.is_object()) fail(400, "bad_request", "the body must be a JSON object");
  static const std::set<std::string> kKnown = {"provider",    "eventId",   "wallet",  "security",
                                               "result",      "topics",    "country", "amlScore",
                                               "providerRef", "validUntil"};
  for (const auto& [k, v] : j.items()) {
    if (!kKnown.contains(k)) fail(400, "bad_request", "unknown field \"" + k + "\"");
  }
  Result r;
  r.provider = string_field(j, "provider", true, kMaxKycStringBytes);
  r.event_id = string_field(j, "eventId", true, kMaxKycStringBytes);
  const std::string wallet = string_field(j, "wallet", true, 64);
  auto w = Address::parse(wallet);
  if (!w || w->is_zero()) fail(400, "bad_request", "\"wallet\" is not an address");
  r.wallet = *w;
  r.security = string_field(j, "security", true, 64);
  const std::string result = string_field(j, "result", true, 16);
  if (result != "approved" && result != "rejected") {
    fail(400, "bad_request", "\"result\" must be \"approved\" or \"rejected\"");
  }
  r.approved = result == "approved";
  if (const json* t = field(j, "topics", r.approved)) {
    if (!t->is_array() || t->size() > kMaxKycTopics) {
      fail(400, "bad_request",
           "\"topics\" must be an array of at most " + std::to_string(kMaxKycTopics) +
               " claim topics");
    }
    for (const json& x : *t) {
      if (!x.is_number_unsigned() || x.get<uint64_t>() == 0 || x.get<uint64_t>() > 0xffffffffull) {
        fail(400, "bad_request", "\"topics\" must hold claim topics from 1 to 4294967295");
      }
      const uint64_t topic = x.get<uint64_t>();
      if (std::find(r.topics.begin(), r.topics.end(), topic) != r.topics.end()) {
        fail(400, "bad_request", "\"topics\" repeats topic " + std::to_string(topic));
      }
      r.topics.push_back(topic);
    }
    if (r.approved && r.topics.empty()) {
      fail(400, "bad_request", "an approval needs at least one claim topic");
    }
  }
  if (auto c = uint_field(j, "country", false, 999)) r.country = static_cast<uint16_t>(*c);
  r.aml_score = uint_field(j, "amlScore", false, core::kMaxAmlScore);
  r.provider_ref = string_field(j, "providerRef", false, kMaxKycStringBytes);
  r.valid_until = uint_field(j, "validUntil", false, UINT64_MAX);
  return r;
}

// One transaction the intake sends.
struct Step {
  std::string name;
  Address to;
  Bytes data;
  Bytes32 hash;
};

}  // namespace

std::string read_secret(const std::string& ref, std::string_view what) {
  std::string value;
  if (ref.starts_with("env:")) {
    const std::string var = ref.substr(4);
    const char* v = var.empty() ? nullptr : std::getenv(var.c_str());
    if (v == nullptr) {
      throw std::runtime_error(std::string(what) + ": environment variable " + var + " is not set");
    }
    value = v;
  } else {
    std::ifstream in(ref, std::ios::binary);
    if (!in) throw std::runtime_error(std::string(what) + ": cannot read " + ref);
    std::stringstream ss;
    ss << in.rdbuf();
    value = ss.str();
  }
  value = trim_newline(std::move(value));
  if (value.empty()) throw std::runtime_error(std::string(what) + ": " + ref + " is empty");
  return value;
}

crypto::PrivateKey read_private_key(const std::string& ref, std::string_view what) {
  const std::string text = read_secret(ref, what);
  std::optional<Bytes32> b = Bytes32::from_hex(text);
  std::optional<crypto::PrivateKey> k;
  if (b) k = crypto::PrivateKey::from_bytes(*b);
  if (!k) {
    throw std::runtime_error(std::string(what) + ": " + ref +
                             " does not hold a secp256k1 private key (64 hex digits)");
  }
  return *k;
}

crypto::PrivateKey dev_kyc_key() {
  auto k = crypto::derive_from_mnemonic(crypto::kDevMnemonic, 100);
  if (!k) throw std::runtime_error("cannot derive the development KYC key");
  return *k;
}

std::string kyc_signature(std::string_view secret, std::string_view timestamp,
                          std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return "sha256=" + to_hex(BytesView(mac, len));
}

KycIntake::KycIntake(Ledger& ledger, std::optional<KycOptions> options)
    : ledger_(ledger), options_(std::move(options)) {}

Address KycIntake::issuer_identity() const {
  if (options_->issuer_identity) return *options_->issuer_identity;
  const auto* idf =
      ledger_.chain().state().contract_as<core::IdentityFactory>(core::identity_factory_address());
  return idf == nullptr ? Address{} : idf->identity_of(options_->issuer_key.address());
}

json KycIntake::info() const {
  if (!enabled()) return json{{"enabled", false}};
  std::shared_lock lock = ledger_.read_lock();
  const Address id = issuer_identity();
  return json{{"enabled", true},
              {"issuerKey", options_->issuer_key.address().checksum_hex()},
              {"issuerIdentity", id.is_zero() ? json(nullptr) : json(id.checksum_hex())}};
}

namespace {

// Signs and admits a transaction of `key`; the nonce is the sender's pending nonce (the intake
// sends one webhook's transactions at a time).
Bytes32 submit(Ledger& ledger, const crypto::PrivateKey& key, const Address& to, Bytes data) {
  chain::Transaction tx;
  tx.chain_id = ledger.chain().chain_id();
  tx.nonce = ledger.sequencer().pending_nonce(key.address());
  tx.gas_limit = 1'000'000;
  tx.to = to;
  tx.data = std::move(data);
  chain::SignedTransaction st = chain::sign_transaction(tx, key);
  const Bytes32 hash = st.hash;
  std::string detail;
  const chain::AdmitError e = ledger.submit(std::move(st), &detail);
  if (e != chain::AdmitError::kOk) {
    fail(503, "unavailable",
         "the ledger did not admit the intake's transaction: " + std::string(to_string(e)));
  }
  return hash;
}

// Waits for the block; returns {success, revert description, block number}.
json await(Ledger& ledger, const Step& s) {
  const auto loc = ledger.sequencer().wait_for(s.hash, kWaitTimeout);
  if (!loc) fail(504, "timeout", "transaction " + s.hash.hex() + " (" + s.name + ") not sealed");
  std::shared_lock lock = ledger.read_lock();
  const std::shared_ptr<const chain::Receipt> r = ledger.chain().receipt(*loc);
  STOA_ASSERT(r != nullptr);
  json j = {{"step", s.name},
            {"hash", s.hash.hex()},
            {"blockNumber", loc->block_number},
            {"status", r->success ? 1 : 0}};
  if (!r->success) j["revert"] = core::describe_revert(r->revert_data);
  return j;
}

}  // namespace

void KycIntake::dev_setup(const crypto::PrivateKey& operator_key) {
  if (!enabled()) return;
  const Address factory = core::identity_factory_address();
  const Address key = options_->issuer_key.address();
  bool has_role = false;
  bool has_identity = false;
  {
    std::shared_lock lock = ledger_.read_lock();
    const auto* idf = ledger_.chain().state().contract_as<core::IdentityFactory>(factory);
    if (idf == nullptr) throw std::runtime_error("no IdentityFactory at genesis");
    has_role = idf->access_control()->has_role(core::roles::deployer(), key);
    has_identity = !idf->identity_of(key).is_zero();
  }
  std::vector<Step> steps;
  if (!has_role) {
    steps.push_back({"grantRole(DEPLOYER_ROLE)",
                     factory,
                     calldata("grantRole(bytes32,address)",
                              {abi::Value::bytes32(core::roles::deployer()), key}),
                     {}});
  }
  if (!has_identity) {
    steps.push_back({"createIdentity", factory, calldata("createIdentity(address)", {key}), {}});
  }
  for (Step& s : steps) {
    try {
      s.hash = submit(ledger_, operator_key, s.to, s.data);
      const json r = await(ledger_, s);
      if (r["status"] != 1) throw std::runtime_error(s.name + ": " + r.value("revert", ""));
    } catch (const KycError& e) {
      throw std::runtime_error("development KYC provider set-up: " + e.message);
    }
  }
}

void KycIntake::handle(const HttpRequest& req, HttpResponse& res) {
  auto answer = [&res](int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json");
  };
  if (!enabled()) {
    answer(404, error_body("not_found",
                           "the KYC intake is not configured: start stoa serve with "
                           "--kyc-secret-file and --kyc-issuer-key-file (docs/NODE.md)"));
    return;
  }
  if (req.body.size() > kMaxKycBodyBytes) {
    answer(413, error_body("payload_too_large", "a KYC webhook body is at most " +
                                                    std::to_string(kMaxKycBodyBytes) + " bytes"));
    return;
  }
  // Authentication first: nothing about the body is looked at before the signature checks.
  if (!req.has_header("X-Stoa-Timestamp")) {
    answer(401, error_body("unauthorized", "missing X-Stoa-Timestamp header"));
    return;
  }
  if (!req.has_header("X-Stoa-Signature")) {
    answer(401, error_body("unauthorized", "missing X-Stoa-Signature header"));
    return;
  }
  const std::string ts = req.get_header_value("X-Stoa-Timestamp");
  const std::string sig = req.get_header_value("X-Stoa-Signature");
  if (ts.empty() || ts.size() > 12 ||
      !std::all_of(ts.begin(), ts.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    answer(401, error_body("unauthorized", "X-Stoa-Timestamp must be Unix time in seconds"));
    return;
  }
  const int64_t skew = std::stoll(ts) - wall_seconds();
  if (skew > kKycWindowSeconds || skew < -kKycWindowSeconds) {
    answer(401, error_body("unauthorized", "X-Stoa-Timestamp is outside the ±" +
                                               std::to_string(kKycWindowSeconds) + " s window (" +
                                               std::to_string(skew) + " s from the node's clock)"));
    return;
  }
  const std::string expected = kyc_signature(options_->secret, ts, req.body);
  std::string given = sig;
  if (given.size() > 7) {
    std::transform(given.begin() + 7, given.end(), given.begin() + 7,
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  if (!given.starts_with("sha256=") || given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    answer(401, error_body("unauthorized",
                           "X-Stoa-Signature does not match (expected sha256=<hex HMAC-SHA256 "
                           "of timestamp + \".\" + body>)"));
    return;
  }

  if (const std::string deep = json_depth_error(req.body); !deep.empty()) {
    answer(400, error_body("bad_request", "malformed JSON: " + deep));
    return;
  }
  json j;
  try {
    j = json::parse(req.body);
  } catch (const json::exception& e) {
    answer(400, error_body("bad_request", std::string("malformed JSON: ") + e.what()));
    return;
  }
  Result r;
  try {
    r = parse_result(j);
  } catch (const KycError& e) {
    answer(e.status, error_body(e.code, e.message));
    return;
  }

  const std::string key = r.provider + "\n" + r.event_id;
  const Bytes32 event_key = keccak256(std::string_view(key));
  const Bytes32 request_hash = keccak256(std::string_view(req.body));
  std::lock_guard lock(mu_);
  // The record in the ledger (written by the transaction that applied the event) is the truth;
  // the cache only keeps this process's exact answers to replay them byte for byte.
  if (auto rec = applied(event_key)) {
    if (rec->request_hash != request_hash) {
      answer(409, error_body("conflict", "event " + r.event_id + " of provider " + r.provider +
                                             " was already applied with a different body"));
      return;
    }
    res.set_header("Idempotent-Replay", "true");
    if (auto it = events_.find(key);
        it != events_.end() && it->second.request_hash == request_hash) {
      answer(it->second.outcome.status, it->second.outcome.body);
    } else {
      answer(200, replay_body(ReplayKey{r.provider, r.event_id, r.approved, r.wallet}, *rec));
    }
    return;
  }
  Outcome out;
  try {
    out = process(j, event_key, request_hash);
  } catch (const KycError& e) {
    out = Outcome{e.status, error_body(e.code, e.message)};
  }
  if (out.status == 200) {
    if (events_.size() >= kMaxKycCachedAnswers) events_.clear();  // a cache: the ledger decides
    events_[key] = Record{request_hash, out};
  }
  log_event(out.status == 200 ? LogLevel::kInfo : LogLevel::kWarn, "kyc_webhook",
            {{"provider", r.provider},
             {"eventId", r.event_id},
             {"wallet", r.wallet.checksum_hex()},
             {"result", r.approved ? "approved" : "rejected"},
             {"status", out.status}});
  answer(out.status, out.body);
}

std::optional<KycIntake::Applied> KycIntake::applied(const Bytes32& event_key) const {
  std::shared_lock lock = ledger_.read_lock();
  const Address issuer = issuer_identity();
  if (issuer.is_zero()) return std::nullopt;
  const auto* log =
      ledger_.chain().state().contract_as<core::KycEventLog>(core::kyc_event_log_address(issuer));
  const core::KycEventRecord* rec = log == nullptr ? nullptr : log->find(event_key);
  if (rec == nullptr) return std::nullopt;
  return Applied{rec->request_hash, rec->applied_at, rec->block_number};
}

std::string KycIntake::replay_body(const ReplayKey& r, const Applied& a) const {
  return json{{"provider", r.provider},
              {"eventId", r.event_id},
              {"result", r.approved ? "approved" : "rejected"},
              {"wallet", r.wallet.checksum_hex()},
              {"replay", true},
              {"appliedAt", a.applied_at},
              {"blockNumber", a.block_number}}
      .dump();
}

KycIntake::Outcome KycIntake::process(const json& j, const Bytes32& event_key,
                                      const Bytes32& request_hash) {
  const Result r = parse_result(j);
  const crypto::PrivateKey& key = options_->issuer_key;
  const Address key_addr = key.address();
  const Address factory = core::identity_factory_address();

  Address token, issuer_id, identity;
  bool freeze = false;
  uint8_t threshold = 0;
  json txs = json::array();
  json claims = json::array();
  // A new identity's address (which its claims are signed for) is predicted from the factory's
  // next CREATE nonce; if another transaction created a contract first, the event reverts as a
  // whole (the claim signatures do not match) and is tried again with the new prediction.
  for (int attempt = 1;; ++attempt) {
    // Preconditions, read from the head state. Failing here changes nothing.
    bool need_create = false, need_register = false;
    uint64_t now = 0;
    uint64_t factory_nonce = 0;
    std::vector<Bytes32> to_remove;
    txs = json::array();
    claims = json::array();
    {
      std::shared_lock lock = ledger_.read_lock();
      const core::State& st = ledger_.chain().state();
      const core::SecuritySet* s = nullptr;
      if (r.security.starts_with("0x") || r.security.starts_with("0X")) {
        if (auto a = Address::parse(r.security)) s = st.factory().find(*a);
      } else {
        s = st.factory().find_by_symbol(r.security);
      }
      if (s == nullptr) fail(422, "unknown_security", "no security " + r.security);
      token = s->token;
      const auto* tok = st.contract_as<core::SecurityToken>(token);
      STOA_ASSERT(tok != nullptr);
      const core::IdentityRegistry* ir = tok->identity_registry();
      if (ir == nullptr) {
        fail(422, "no_identity_registry",
             "security " + r.security +
                 " has no identity registry (IdentityFactory.createIdentityRegistry)");
      }
      issuer_id = issuer_identity();
      const auto* issuer = st.contract_as<core::Identity>(issuer_id);
      if (issuer == nullptr) {
        fail(422, "issuer_not_ready",
             "the intake's claim key " + key_addr.checksum_hex() +
                 " has no issuer identity (create one, or pass --kyc-issuer-identity)");
      }
      if (!issuer->wallet_has_purpose(key_addr, core::purpose::kClaim)) {
        fail(422, "issuer_not_ready",
             "the intake's claim key is not a claim key of issuer identity " +
                 issuer_id.checksum_hex());
      }
      for (uint64_t t : r.topics) {
        if (r.approved && !ir->issuers().has_topic(issuer_id, U256(t))) {
          fail(422, "issuer_not_trusted",
               "issuer identity " + issuer_id.checksum_hex() + " is not trusted for claim topic " +
                   std::to_string(t) + " by security " + r.security);
        }
      }
      const core::StoredIdentity* stored = ir->storage().find(r.wallet);
      const auto* idf = st.contract_as<core::IdentityFactory>(factory);
      identity = stored != nullptr ? stored->identity : idf->identity_of(r.wallet);
      factory_nonce = st.create_nonce(factory);
      threshold = tok->aml_threshold();
      freeze = r.aml_score && *r.aml_score > threshold;
      const bool compliance = tok->access_control()->has_role(core::roles::compliance(), key_addr);
      if (r.approved) {
        need_create = identity.is_zero();
        need_register = stored == nullptr;
        if (need_create && !idf->access_control()->has_role(core::roles::deployer(), key_addr)) {
          fail(422, "issuer_not_ready",
               "the intake's key needs DEPLOYER_ROLE on the IdentityFactory to create identities");
        }
        if (need_register && !r.country) {
          fail(400, "bad_request",
               "\"country\" (ISO 3166-1 numeric) is required to register " +
                   r.wallet.checksum_hex());
        }
      } else if (!identity.is_zero()) {
        const auto* id = st.contract_as<core::Identity>(identity);
        std::set<uint64_t> topics(r.topics.begin(), r.topics.end());
        for (const U256& t : ir->issuers().issuer_topics(issuer_id))
          topics.insert(t.low64());
        for (uint64_t t : topics) {
          const Bytes32 cid = core::claim_id(issuer_id, U256(t));
          if (id != nullptr && id->claim(cid) != nullptr) to_remove.push_back(cid);
        }
      }
      if ((need_register || freeze) && !compliance) {
        fail(422, "issuer_not_ready",
             "the intake's key " + key_addr.checksum_hex() + " needs COMPLIANCE_ROLE on security " +
                 r.security);
      }
      now = ledger_.now();
      if (r.valid_until && *r.valid_until <= now) {
        fail(400, "bad_request", "\"validUntil\" is not in the future");
      }
    }

    // One transaction: the ledger applies the whole event or nothing, and records it.
    core::TypedClaimData d{now, r.valid_until.value_or(now + kDefaultClaimValiditySeconds), {}};
    abi::ValueList sigs;
    abi::ValueList topics;
    Bytes data;
    if (r.approved) {
      d.payload =
          keccak256(std::string_view(r.provider + "\n" + r.event_id + "\n" + r.provider_ref));
      data = core::encode_typed_claim_data(d);
      if (need_create) identity = create_address(factory, factory_nonce);
      for (uint64_t t : r.topics) {
        const Bytes32 digest =
            core::typed_claim_digest(ledger_.chain().chain_id(), identity, U256(t), d);
        sigs.emplace_back(signature_bytes(crypto::sign(key, digest)));
        claims.push_back({{"topic", t},
                          {"claimId", core::claim_id(issuer_id, U256(t)).hex()},
                          {"issuedAt", d.issued_at},
                          {"validUntil", d.valid_until}});
      }
    } else {
      for (const Bytes32& cid : to_remove)
        claims.push_back({{"claimId", cid.hex()}});
    }
    for (uint64_t t : r.topics)
      topics.emplace_back(U256(t));
    Step s{"applyKycEvent",
           factory,
           calldata("applyKycEvent(bytes32,bytes32,address,address,address,bool,uint16,uint256[],"
                    "bytes[],bytes,string,bool,uint256,string)",
                    {abi::Value::bytes32(event_key), abi::Value::bytes32(request_hash), issuer_id,
                     token, r.wallet, r.approved, U256(r.country.value_or(0)), topics, sigs, data,
                     "stoa-kyc:" + r.provider, r.aml_score.has_value(),
                     U256(r.aml_score.value_or(0)), r.provider_ref}),
           {}};
    s.hash = submit(ledger_, key, s.to, s.data);
    const json rc = await(ledger_, s);
    txs.push_back(rc);
    if (rc["status"] == 1) break;
    const std::string why = rc.value("revert", "");
    if (need_create && attempt < kKycAttempts && why.starts_with("ClaimSignerNotClaimKey"))
      continue;
    throw KycError{500, "ledger_refused",
                   "applyKycEvent reverted, nothing was applied: " + why +
                       " (transaction: " + rc.dump() + ")"};
  }

  json out = {{"provider", r.provider},
              {"eventId", r.event_id},
              {"result", r.approved ? "approved" : "rejected"},
              {"wallet", r.wallet.checksum_hex()},
              {"security", token.checksum_hex()},
              {"identity", identity.is_zero() ? json(nullptr) : json(identity.checksum_hex())},
              {"issuerIdentity", issuer_id.checksum_hex()},
              {r.approved ? "claims" : "removedClaims", claims},
              {"amlThreshold", threshold},
              {"frozen", freeze},
              {"transactions", txs}};
  if (r.aml_score) out["amlScore"] = *r.aml_score;
  {
    std::shared_lock lock = ledger_.read_lock();
    const auto* tok = ledger_.chain().state().contract_as<core::SecurityToken>(token);
    out["verified"] = tok->identity_registry()->is_verified(r.wallet, ledger_.now());
  }
  return Outcome{200, out.dump()};
}

}  // namespace stoa::node
