// Who may read what of the transfer agent over REST (docs/transfer-agent.md, "REST access
// control"). Two ways in, both as `Authorization: Bearer TOKEN`:
//   - API keys, created and revoked by the operator (`stoa apikey ...`), each with one role and a
//     scope (one security, or every security); the secret is shown once and stored as its
//     SHA-256 only; compared in constant time.
//   - Sign-In with Ethereum (EIP-4361): a single-use nonce, the signed message verified (domain,
//     chain id, nonce, times, secp256k1 recovery of the EIP-191 hash), then a session token with
//     an expiry. The session carries only the address: its roles are read from the ledger at each
//     request (a role revoked on chain takes effect at once).
// Roles map to the ledger's: issuer (DEFAULT_ADMIN_ROLE or MINTER_ROLE of the security),
// compliance officer (COMPLIANCE_ROLE of the security), transfer agent (DEPLOYER_ROLE of the
// factory: the platform's operator). Each permission is given to the fewest roles that need it.
// Every access, allowed or refused, is written to the audit log. No secret is ever logged.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"
#include "stoa/ta/db.h"

namespace stoa::ta {

enum class TaRole { kIssuer, kTransferAgent, kComplianceOfficer };
std::string_view role_name(TaRole r);  // "issuer", "transfer-agent", "compliance-officer"
std::optional<TaRole> parse_role(std::string_view s);

enum class Permission {
  kHolders,       // the cap table: holders, balances, percentages, counts
  kPersonalData,  // the same with stakeholder ids, jurisdictions, accreditation
  kDocuments,     // upload documents, grant and revoke access, read every document
  kLostHolders,   // Rule 17Ad-17: mark, list, record searches
  kStatements,    // year-end holder statements (names, postal addresses, tax forms)
};
std::string_view permission_name(Permission p);
// The least-privilege table (docs/transfer-agent.md).
bool role_allows(TaRole r, Permission p);

// Refused authentication or authorization: 401 (who are you?) or 403 (not allowed).
struct AccessDenied : std::runtime_error {
  AccessDenied(int s, const std::string& m) : std::runtime_error(m), status(s) {}
  int status;
};

struct ApiKey {
  std::string key_id;  // 16 hex digits, public (names the key in lists and the audit log)
  TaRole role = TaRole::kIssuer;
  std::string security;  // lowercase token address, or "*" (every security)
  std::string label;
  std::string created_at, created_by;
  std::optional<std::string> revoked_at;
};

struct Principal {
  std::string actor;               // "apikey:KEYID" or "siwe:0x..." (the audit log's actor)
  std::optional<ApiKey> key;       // an API key's
  std::optional<Address> address;  // a SIWE session's
};

// Whether `account` holds `role` (bytes32) in `contract` (the ledger's hasRole, read now).
using RoleReader =
    std::function<bool(const Address& contract, const Bytes32& role, const Address& account)>;

struct AccessOptions {
  uint64_t chain_id = 0;
  std::string siwe_domain;       // the domain a SIWE message must name; "" = the request's Host
  int64_t nonce_ttl = 300;       // seconds a nonce may wait for its signed message
  int64_t session_ttl = 3600;    // seconds a session lasts (less if the message expires sooner)
  int64_t clock_skew = 300;      // tolerated for Issued At in the future
  std::function<int64_t()> now;  // seconds since the epoch (default: the system clock)
};

struct Session {
  std::string token;  // "stoa_s_" + 64 hex digits; shown once
  Address address;
  int64_t expires_at = 0;
};

class Access {
 public:
  // `db` must be migrated; it is used by one thread at a time (the caller's lock).
  Access(Db& db, RoleReader roles, AccessOptions o);

  // API keys. The token ("stoa_k_" + key id + "_" + 64 hex digits) is returned once.
  std::string create_key(TaRole role, const std::string& security, const std::string& label,
                         const std::string& actor, ApiKey* created = nullptr);
  std::vector<ApiKey> keys();
  void revoke_key(const std::string& key_id, const std::string& actor);  // throws RecordError

  // SIWE: a fresh single-use nonce (16 alphanumeric characters) and its expiry.
  std::string new_nonce(int64_t* expires_at = nullptr);
  // Verifies a signed EIP-4361 message (`host`: the request's Host, used when no domain is
  // configured) and opens a session. Throws AccessDenied(401) with the reason; audited.
  Session sign_in(const std::string& message, const std::string& signature_hex,
                  const std::string& host);
  void sign_out(const std::string& token);

  // The principal of a bearer token; nullopt when unknown, revoked or expired.
  std::optional<Principal> authenticate(std::string_view token);
  // The roles the principal holds for `security` (nullopt: roles that need no security).
  std::set<TaRole> roles(const Principal& p, const std::optional<Address>& security);
  bool allowed(const Principal& p, Permission perm, const std::optional<Address>& security);
  // Throws AccessDenied(403) unless allowed; audits a refusal.
  void require(const Principal& p, Permission perm, const std::optional<Address>& security,
               const std::string& what);

  // A row in the audit log.
  void audit(const std::string& actor, const std::string& action, const std::string& detail);
  int64_t now() const { return options_.now(); }

 private:
  Db& db_;
  RoleReader roles_;
  AccessOptions options_;
};

// SHA-256 of bytes, as 64 lowercase hex digits / raw.
std::string sha256_hex(std::string_view data);
// `n` random bytes (OpenSSL RAND_bytes) as hex.
std::string random_hex(size_t n);

}  // namespace stoa::ta
