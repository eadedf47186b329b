// REST access control (include/stoa/ta/access.h).
#include "stoa/ta/access.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>

#include "stoa/core/access_control.h"
#include "stoa/core/state.h"
#include "stoa/crypto/eip712.h"
#include "stoa/crypto/secp256k1.h"
#include "stoa/ta/investors.h"
#include "stoa/ta/siwe.h"

namespace stoa::ta {
namespace {

constexpr std::string_view kKeyPrefix = "stoa_k_";
constexpr std::string_view kSessionPrefix = "stoa_s_";

std::string utc_now_text() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Bytes sha256_raw(std::string_view data) {
  Bytes out(SHA256_DIGEST_LENGTH);
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

ApiKey key_of(const DbRow& r) {
  ApiKey k;
  k.key_id = r.text(0);
  k.role = parse_role(r.text(1)).value_or(TaRole::kIssuer);
  k.security = r.text(2);
  k.label = r.text(3);
  k.created_at = r.text(4);
  k.created_by = r.text(5);
  k.revoked_at = r.opt_text(6);
  return k;
}

crypto::Signature parse_signature(const std::string& hex) {
  const auto b = from_hex(hex);
  if (!b || b->size() != 65) throw AccessDenied(401, "signature: expected 65 bytes of hex");
  crypto::Signature sig;
  std::copy(b->begin(), b->begin() + 32, sig.r.b.begin());
  std::copy(b->begin() + 32, b->begin() + 64, sig.s.b.begin());
  const uint8_t v = (*b)[64];
  if (v != 0 && v != 1 && v != 27 && v != 28) throw AccessDenied(401, "signature: bad v");
  sig.recovery_id = static_cast<uint8_t>(v >= 27 ? v - 27 : v);
  return sig;
}

[[noreturn]] void refuse(Access& a, const std::string& why) {
  a.audit("siwe:unverified", "siwe-refused", why);
  throw AccessDenied(401, "Sign-In with Ethereum refused: " + why);
}

}  // namespace

std::string_view role_name(TaRole r) {
  switch (r) {
    case TaRole::kIssuer:
      return "issuer";
    case TaRole::kTransferAgent:
      return "transfer-agent";
    case TaRole::kComplianceOfficer:
      return "compliance-officer";
  }
  return "";
}

std::optional<TaRole> parse_role(std::string_view s) {
  for (TaRole r : {TaRole::kIssuer, TaRole::kTransferAgent, TaRole::kComplianceOfficer}) {
    if (role_name(r) == s) return r;
  }
  return std::nullopt;
}

std::string_view permission_name(Permission p) {
  switch (p) {
    case Permission::kHolders:
      return "holders";
    case Permission::kPersonalData:
      return "personal-data";
    case Permission::kDocuments:
      return "documents";
    case Permission::kLostHolders:
      return "lost-holders";
    case Permission::kStatements:
      return "statements";
  }
  return "";
}

bool role_allows(TaRole r, Permission p) {
  switch (p) {
    case Permission::kHolders:
      return true;
    case Permission::kPersonalData:
      return r == TaRole::kTransferAgent || r == TaRole::kComplianceOfficer;
    case Permission::kDocuments:
      return r == TaRole::kIssuer || r == TaRole::kTransferAgent;
    case Permission::kLostHolders:
    case Permission::kStatements:
      return r == TaRole::kTransferAgent;
  }
  return false;
}

std::string sha256_hex(std::string_view data) {
  return to_hex(sha256_raw(data));
}

std::string random_hex(size_t n) {
  Bytes b(n);
  if (RAND_bytes(b.data(), static_cast<int>(n)) != 1) throw DbError("no randomness available");
  return to_hex(b);
}

Access::Access(Db& db, RoleReader roles, AccessOptions o)
    : db_(db), roles_(std::move(roles)), options_(std::move(o)) {
  if (!options_.now) options_.now = [] { return static_cast<int64_t>(std::time(nullptr)); };
}

void Access::audit(const std::string& actor, const std::string& action, const std::string& detail) {
  db_.exec(
      "INSERT INTO audit_log (at, actor, action, stakeholder_id, detail) VALUES (?, ?, ?, ?, ?)",
      {utc_now_text(), actor, action, DbValue(std::monostate{}), detail});
}

std::string Access::create_key(TaRole role, const std::string& security, const std::string& label,
                               const std::string& actor, ApiKey* created) {
  if (security != "*" &&
      (security.size() != 42 || !security.starts_with("0x") || !is_hex(security.substr(2)))) {
    throw RecordError("the key's security: a lowercase token address or *");
  }
  if (label.empty()) throw RecordError("a key needs a label (who or what uses it)");
  const std::string key_id = random_hex(8);
  const std::string secret = random_hex(32);
  DbTransaction tx(db_);
  db_.exec(
      "INSERT INTO api_keys (key_id, secret_hash, role, security, label, created_at, created_by) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {key_id, sha256_raw(secret), std::string(role_name(role)), security, label, utc_now_text(),
       actor});
  audit(actor, "apikey-create",
        key_id + " " + std::string(role_name(role)) + " " + security + " " + label);
  tx.commit();
  if (created != nullptr) {
    *created = ApiKey{key_id, role, security, label, utc_now_text(), actor, std::nullopt};
  }
  return std::string(kKeyPrefix) + key_id + "_" + secret;
}

std::vector<ApiKey> Access::keys() {
  std::vector<ApiKey> out;
  for (const DbRow& r : db_.query("SELECT key_id, role, security, label, created_at, created_by, "
                                  "revoked_at FROM api_keys ORDER BY created_at, key_id",
                                  {}))
    out.push_back(key_of(r));
  return out;
}

void Access::revoke_key(const std::string& key_id, const std::string& actor) {
  DbTransaction tx(db_);
  const auto row = db_.query_one("SELECT revoked_at FROM api_keys WHERE key_id = ?", {key_id});
  if (!row) throw RecordError("no API key " + key_id);
  if (!row->is_null(0)) throw RecordError("API key " + key_id + " is already revoked");
  db_.exec("UPDATE api_keys SET revoked_at = ? WHERE key_id = ?", {utc_now_text(), key_id});
  audit(actor, "apikey-revoke", key_id);
  tx.commit();
}

std::string Access::new_nonce(int64_t* expires_at) {
  const int64_t now = options_.now();
  std::string nonce = random_hex(8);  // 16 characters, alphanumeric
  DbTransaction tx(db_);
  db_.exec("DELETE FROM siwe_nonces WHERE expires_at < ?", {now});  // expired ones
  db_.exec("INSERT INTO siwe_nonces (nonce, expires_at) VALUES (?, ?)",
           {nonce, now + options_.nonce_ttl});
  tx.commit();
  if (expires_at != nullptr) *expires_at = now + options_.nonce_ttl;
  return nonce;
}

Session Access::sign_in(const std::string& message, const std::string& signature_hex,
                        const std::string& host) {
  const int64_t now = options_.now();
  SiweMessage m;
  try {
    m = parse_siwe(message);
  } catch (const SiweError& e) {
    refuse(*this, e.what());
  }
  // The nonce is spent by any attempt that names it (no second try with the same one).
  {
    DbTransaction tx(db_);
    const auto row = db_.query_one("SELECT expires_at FROM siwe_nonces WHERE nonce = ?", {m.nonce});
    db_.exec("DELETE FROM siwe_nonces WHERE nonce = ?", {m.nonce});
    tx.commit();
    if (!row.has_value()) refuse(*this, "unknown or already used nonce");
    if (row->i64(0) < now) refuse(*this, "the nonce has expired");
  }
  const std::string domain = options_.siwe_domain.empty() ? host : options_.siwe_domain;
  if (m.domain != domain) refuse(*this, "the message is for " + m.domain + ", not " + domain);
  if (m.chain_id != options_.chain_id)
    refuse(*this, "the message is for chain " + std::to_string(m.chain_id));
  if (m.issued_at > now + options_.clock_skew) refuse(*this, "Issued At is in the future");
  if (m.expiration_time && *m.expiration_time <= now) refuse(*this, "the message has expired");
  if (m.not_before && *m.not_before > now)
    refuse(*this, "the message is not valid yet (Not Before)");
  const auto signer = crypto::recover_address(
      crypto::eip191_hash(
          BytesView(reinterpret_cast<const uint8_t*>(message.data()), message.size())),
      parse_signature(signature_hex));
  if (!signer || *signer != m.address)
    refuse(*this, "the signature is not the message's address's");
  Session s;
  s.token = std::string(kSessionPrefix) + random_hex(32);
  s.address = m.address;
  s.expires_at = now + options_.session_ttl;
  if (m.expiration_time) s.expires_at = std::min(s.expires_at, *m.expiration_time);
  DbTransaction tx(db_);
  db_.exec("INSERT INTO sessions (token_hash, address, expires_at, created_at) VALUES (?, ?, ?, ?)",
           {sha256_hex(s.token), m.address.lower_hex(), s.expires_at, utc_now_text()});
  audit("siwe:" + m.address.lower_hex(), "siwe-sign-in",
        "session until " + std::to_string(s.expires_at));
  tx.commit();
  return s;
}

void Access::sign_out(const std::string& token) {
  db_.exec("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
           {utc_now_text(), sha256_hex(token)});
}

std::optional<Principal> Access::authenticate(std::string_view token) {
  if (token.starts_with(kKeyPrefix)) {
    const std::string_view rest = token.substr(kKeyPrefix.size());
    if (rest.size() != 16 + 1 + 64 || rest[16] != '_' || !is_hex(rest.substr(0, 16)) ||
        !is_hex(rest.substr(17))) {
      return std::nullopt;
    }
    const auto row = db_.query_one(
        "SELECT key_id, role, security, label, created_at, created_by, revoked_at, secret_hash "
        "FROM api_keys WHERE key_id = ?",
        {std::string(rest.substr(0, 16))});
    if (!row) return std::nullopt;
    // The secret's hash against the stored one, in constant time.
    if (!constant_time_equal(sha256_raw(rest.substr(17)), row->blob(7)) || !row->is_null(6)) {
      return std::nullopt;
    }
    Principal p;
    p.key = key_of(*row);
    p.actor = "apikey:" + p.key->key_id;
    return p;
  }
  if (token.starts_with(kSessionPrefix) && token.size() == kSessionPrefix.size() + 64) {
    // Looked up by the SHA-256 of the token: timing reveals nothing of the token itself.
    const std::string hash = sha256_hex(token);
    const auto row = db_.query_one(
        "SELECT token_hash, address, expires_at, revoked_at FROM sessions WHERE token_hash = ?",
        {hash});
    if (!row ||
        !constant_time_equal(BytesView(reinterpret_cast<const uint8_t*>(hash.data()), hash.size()),
                             BytesView(reinterpret_cast<const uint8_t*>(row->text(0).data()),
                                       row->text(0).size())) ||
        !row->is_null(3) || row->i64(2) <= options_.now()) {
      return std::nullopt;
    }
    Principal p;
    p.address = Address::parse(row->text(1));
    p.actor = "siwe:" + row->text(1);
    return p;
  }
  return std::nullopt;
}

std::set<TaRole> Access::roles(const Principal& p, const std::optional<Address>& security) {
  std::set<TaRole> out;
  if (p.key) {
    if (p.key->security == "*" || (security && security->lower_hex() == p.key->security)) {
      out.insert(p.key->role);
    }
    return out;
  }
  if (!p.address) return out;
  const Address& a = *p.address;
  if (roles_(core::factory_address(), core::roles::deployer(), a)) {
    out.insert(TaRole::kTransferAgent);
  }
  if (security) {
    if (roles_(*security, core::roles::default_admin(), a) ||
        roles_(*security, core::roles::minter(), a)) {
      out.insert(TaRole::kIssuer);
    }
    if (roles_(*security, core::roles::compliance(), a)) out.insert(TaRole::kComplianceOfficer);
  }
  return out;
}

bool Access::allowed(const Principal& p, Permission perm, const std::optional<Address>& security) {
  for (TaRole r : roles(p, security)) {
    if (role_allows(r, perm)) return true;
  }
  return false;
}

void Access::require(const Principal& p, Permission perm, const std::optional<Address>& security,
                     const std::string& what) {
  if (allowed(p, perm, security)) return;
  const std::string scope = security ? " of " + security->lower_hex() : "";
  audit(p.actor, "access-refused", std::string(permission_name(perm)) + scope + ": " + what);
  throw AccessDenied(403, "not allowed: " + what + " needs the " +
                              std::string(permission_name(perm)) + " permission" + scope);
}

}  // namespace stoa::ta
