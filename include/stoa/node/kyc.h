// KYC/AML intake (POST /v1/kyc/webhook): a KYC provider posts a signed verification result
// (PRODUCT.md §5's webhook scheme: HMAC-SHA256 over "timestamp.body", ±300 s, constant-time
// comparison, idempotency keyed on the provider's event id). The node acts as the provider's
// claim issuer with a key it holds and applies each event as ONE signed transaction,
// IdentityFactory.applyKycEvent, through the sequencer like any other: it creates the investor's
// identity if needed, registers it in the security's identity registry, adds EIP-712 typed
// claims, removes and revokes them on a rejection, and freezes the wallet (amlFreeze) when the AML
// risk score is above the security's threshold — all or nothing — and records the event id in
// ledger state (core::KycEventLog), so an event is applied once, across restarts.
// docs/NODE.md and docs/identity.md describe the payload, the answers and the set-up.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "stoa/crypto/secp256k1.h"
#include "stoa/node/http.h"
#include "stoa/node/ledger.h"

namespace stoa::node {

inline constexpr size_t kMaxKycBodyBytes = 64 * 1024;  // one webhook body
inline constexpr int64_t kKycWindowSeconds = 300;      // timestamp tolerance, both ways
inline constexpr size_t kMaxKycTopics = 15;            // claim topics in one result
inline constexpr size_t kMaxKycStringBytes = 128;      // provider, event id, reference
inline constexpr uint64_t kDefaultClaimValiditySeconds = 365ull * 24 * 3600;
// Answers kept in memory to replay them byte for byte (a cache, emptied when full: the record
// of an applied event is in ledger state, core::KycEventLog, and a replay without a cached answer
// gets one rebuilt from that record).
inline constexpr size_t kMaxKycCachedAnswers = 10'000;
inline constexpr int kKycAttempts = 3;  // applyKycEvent tries when a new identity's address moved

struct KycOptions {
  std::string secret;                      // the HMAC key: never logged, never in a message
  crypto::PrivateKey issuer_key;           // signs claims and the intake's transactions
  std::optional<Address> issuer_identity;  // default: IdentityFactory.getIdentity(key)
};

// A secret reference: "env:VAR" (the variable's value) or a file path (its content, one
// trailing newline removed). Throws std::runtime_error naming the reference, never the value;
// an empty secret is refused.
std::string read_secret(const std::string& ref, std::string_view what);
// A private key as 64 hex digits (0x optional), from a secret reference.
crypto::PrivateKey read_private_key(const std::string& ref, std::string_view what);
// The development provider's claim key (public: derived from the dev mnemonic, index 100).
crypto::PrivateKey dev_kyc_key();

// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)).
std::string kyc_signature(std::string_view secret, std::string_view timestamp,
                          std::string_view body);

class KycIntake {
 public:
  KycIntake(Ledger& ledger, std::optional<KycOptions> options);
  bool enabled() const { return options_.has_value(); }
  // --dev: the operator (dev account #0) grants the claim key DEPLOYER_ROLE on the
  // IdentityFactory and creates its issuer identity. Idempotent; throws on failure.
  void dev_setup(const crypto::PrivateKey& operator_key);
  // The configured issuer: {enabled, issuerKey, issuerIdentity} (no secret).
  nlohmann::json info() const;
  // POST /v1/kyc/webhook.
  void handle(const HttpRequest& req, HttpResponse& res);

 private:
  struct Outcome {
    int status = 200;
    std::string body;
  };
  struct Record {
    Bytes32 request_hash;
    Outcome outcome;
  };
  struct Applied {  // an event's record in the ledger
    Bytes32 request_hash;
    uint64_t applied_at = 0;
    uint64_t block_number = 0;
  };
  struct ReplayKey {
    std::string provider;
    std::string event_id;
    bool approved = false;
    Address wallet;
  };
  Outcome process(const nlohmann::json& j, const Bytes32& event_key, const Bytes32& request_hash);
  std::optional<Applied> applied(const Bytes32& event_key) const;
  std::string replay_body(const ReplayKey& r, const Applied& a) const;
  Address issuer_identity() const;

  Ledger& ledger_;
  std::optional<KycOptions> options_;
  std::mutex mu_;                         // one webhook at a time: nonces, the answer cache
  std::map<std::string, Record> events_;  // provider + "\n" + event id -> answer (a cache)
};

}  // namespace stoa::node
