// REST access control on both back ends: API keys (hashed, scoped, revoked), Sign-In with
// Ethereum (every refusal reason, single-use nonces, expiry), roles read through a RoleReader,
// the least-privilege table, the audit log.
#include "stoa/ta/access.h"

#include <gtest/gtest.h>

#include "backends.h"
#include "stoa/core/access_control.h"
#include "stoa/core/state.h"
#include "stoa/crypto/eip712.h"
#include "stoa/crypto/secp256k1.h"
#include "stoa/ta/investors.h"
#include "stoa/ta/schema.h"
#include "stoa/ta/siwe.h"

namespace stoa::ta {
namespace {

using testing::Backend;

constexpr int64_t kNow = 1795996800 + 60;  // 2026-11-30T00:01:00Z

std::string siwe_message(const Address& a, const std::string& nonce, const std::string& extra = "",
                         const std::string& domain = "ta.example.com", uint64_t chain = 1337) {
  return domain + " wants you to sign in with your Ethereum account:\n" + a.checksum_hex() +
         "\n\nSign in to the transfer agent.\n\nURI: https://" + domain +
         "/login\nVersion: 1\nChain ID: " + std::to_string(chain) + "\nNonce: " + nonce +
         "\nIssued At: 2026-11-30T00:00:00.000Z" + extra;
}

std::string sign_hex(const crypto::PrivateKey& k, const std::string& message) {
  const crypto::Signature s =
      crypto::sign(k, crypto::eip191_hash(BytesView(
                          reinterpret_cast<const uint8_t*>(message.data()), message.size())));
  Bytes b(s.r.b.begin(), s.r.b.end());
  b.insert(b.end(), s.s.b.begin(), s.s.b.end());
  b.push_back(static_cast<uint8_t>(27 + s.recovery_id));
  return to_hex_prefixed(b);
}

class AccessTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = testing::fresh_db(GetParam());
    migrate(*db_);
    AccessOptions o;
    o.chain_id = 1337;
    o.siwe_domain = "ta.example.com";
    o.now = [this] { return now_; };
    // The ledger's roles, as hasRole would answer: key "agent" is the factory's deployer, "issuer"
    // the token's admin, "compliance" its compliance officer.
    access_ = std::make_unique<Access>(
        *db_,
        [this](const Address& contract, const Bytes32& role, const Address& account) {
          if (contract == core::factory_address())
            return role == core::roles::deployer() && account == agent_.address();
          if (contract != token_) return false;
          return (role == core::roles::default_admin() && account == issuer_.address()) ||
                 (role == core::roles::compliance() && account == compliance_.address());
        },
        o);
  }
  Session sign_in(const crypto::PrivateKey& k) {
    const std::string m = siwe_message(k.address(), access_->new_nonce());
    return access_->sign_in(m, sign_hex(k, m), "ignored:8545");
  }
  int64_t now_ = kNow;
  Address token_ = Address::parse("0x1111111111111111111111111111111111111111").value();
  crypto::PrivateKey agent_ = crypto::key_for_label("agent");
  crypto::PrivateKey issuer_ = crypto::key_for_label("issuer");
  crypto::PrivateKey compliance_ = crypto::key_for_label("compliance");
  crypto::PrivateKey nobody_ = crypto::key_for_label("nobody");
  std::unique_ptr<Db> db_;
  std::unique_ptr<Access> access_;
};

TEST(SiweTest, ParsesTheMessagesViemWritesWithAndWithoutAStatement) {
  const Address a = crypto::key_for_label("x").address();
  SiweMessage m = parse_siwe(siwe_message(a, "abcdef1234567890",
                                          "\nExpiration Time: 2026-11-30T01:00:00Z\nRequest ID: r1"
                                          "\nResources:\n- https://a.example/x\n- ipfs://b"));
  EXPECT_EQ(m.domain, "ta.example.com");
  EXPECT_EQ(m.address, a);
  EXPECT_EQ(m.statement, "Sign in to the transfer agent.");
  EXPECT_EQ(m.chain_id, 1337u);
  EXPECT_EQ(m.issued_at, 1796083200 - 86400);
  EXPECT_EQ(*m.expiration_time, 1796083200 - 86400 + 3600);
  EXPECT_EQ(m.request_id, "r1");
  EXPECT_EQ(m.resources.size(), 2u);
  // No statement: the address, two empty lines, then the fields (EIP-4361's ABNF).
  m = parse_siwe("https://localhost:8545 wants you to sign in with your Ethereum account:\n" +
                 a.checksum_hex() +
                 "\n\n\nURI: http://localhost:8545\nVersion: 1\nChain ID: 1\nNonce: "
                 "12345678\nIssued At: 2026-11-30T00:00:00+01:00");
  EXPECT_EQ(m.scheme, "https");
  EXPECT_EQ(m.domain, "localhost:8545");
  EXPECT_EQ(m.statement, "");
  EXPECT_EQ(m.issued_at, 1796083200 - 86400 - 3600);
  // A lowercase address (not EIP-55), a short nonce, a version 2, trailing text: refused.
  std::string lower = siwe_message(a, "abcdef1234567890");
  lower.replace(lower.find(a.checksum_hex()), 42, a.lower_hex());
  EXPECT_THROW(parse_siwe(lower), SiweError);
  EXPECT_THROW(parse_siwe(siwe_message(a, "short")), SiweError);
  std::string v2 = siwe_message(a, "abcdef1234567890");
  v2.replace(v2.find("Version: 1"), 10, "Version: 2");
  EXPECT_THROW(parse_siwe(v2), SiweError);
  EXPECT_THROW(parse_siwe(siwe_message(a, "abcdef1234567890") + "\nextra"), SiweError);
  EXPECT_THROW(parse_siwe("hello"), SiweError);
  EXPECT_FALSE(parse_rfc3339("2026-11-30 00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-13-30T00:00:00Z"));
}

TEST(PermissionsTest, EachPermissionGoesToTheFewestRolesThatNeedIt) {
  using P = Permission;
  using R = TaRole;
  for (R r : {R::kIssuer, R::kTransferAgent, R::kComplianceOfficer})
    EXPECT_TRUE(role_allows(r, P::kHolders));
  EXPECT_FALSE(role_allows(R::kIssuer, P::kPersonalData));
  EXPECT_TRUE(role_allows(R::kComplianceOfficer, P::kPersonalData));
  EXPECT_TRUE(role_allows(R::kIssuer, P::kDocuments));
  EXPECT_FALSE(role_allows(R::kComplianceOfficer, P::kDocuments));
  EXPECT_FALSE(role_allows(R::kIssuer, P::kLostHolders));
  EXPECT_FALSE(role_allows(R::kComplianceOfficer, P::kStatements));
  EXPECT_TRUE(role_allows(R::kTransferAgent, P::kLostHolders));
  EXPECT_TRUE(role_allows(R::kTransferAgent, P::kStatements));
}

TEST_P(AccessTest, ApiKeysAreStoredHashedScopedAndRevocable) {
  ApiKey k;
  const std::string token =
      access_->create_key(TaRole::kIssuer, token_.lower_hex(), "back office", "cli:op", &k);
  ASSERT_TRUE(token.starts_with("stoa_k_" + k.key_id + "_"));
  const std::string secret = token.substr(24);
  // Only the SHA-256 of the secret is stored.
  const auto row = db_->query_one("SELECT secret_hash FROM api_keys WHERE key_id = ?", {k.key_id});
  EXPECT_EQ(to_hex(row->blob(0)), sha256_hex(secret));
  for (const DbRow& r : db_->query("SELECT detail FROM audit_log", {}))
    EXPECT_EQ(r.text(0).find(secret), std::string::npos);
  const auto p = access_->authenticate(token);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->actor, "apikey:" + k.key_id);
  EXPECT_TRUE(access_->allowed(*p, Permission::kHolders, token_));
  EXPECT_FALSE(access_->allowed(*p, Permission::kHolders, core::factory_address()));  // scope
  EXPECT_FALSE(access_->allowed(*p, Permission::kHolders, std::nullopt));
  EXPECT_FALSE(access_->allowed(*p, Permission::kPersonalData, token_));
  EXPECT_THROW(access_->require(*p, Permission::kPersonalData, token_, "x"), AccessDenied);
  // One changed character of the secret, of the id, a truncated token: nobody.
  std::string bad = token;
  bad.back() = bad.back() == 'a' ? 'b' : 'a';
  EXPECT_FALSE(access_->authenticate(bad));
  EXPECT_FALSE(access_->authenticate(token.substr(0, token.size() - 1)));
  EXPECT_FALSE(access_->authenticate("stoa_k_ffffffffffffffff_" + secret));
  access_->revoke_key(k.key_id, "cli:op");
  EXPECT_FALSE(access_->authenticate(token));
  EXPECT_THROW(access_->revoke_key(k.key_id, "cli:op"), RecordError);
  EXPECT_THROW(access_->revoke_key("0000000000000000", "cli:op"), RecordError);
  EXPECT_THROW(access_->create_key(TaRole::kIssuer, "FEED", "x", "op"), RecordError);
  EXPECT_THROW(access_->create_key(TaRole::kIssuer, "*", "", "op"), RecordError);
  ASSERT_EQ(access_->keys().size(), 1u);
  EXPECT_TRUE(access_->keys()[0].revoked_at);
}

TEST_P(AccessTest, SignInWithEthereumMapsTheSignerToItsRolesOnTheLedger) {
  const Session s = sign_in(issuer_);
  EXPECT_TRUE(s.token.starts_with("stoa_s_"));
  EXPECT_EQ(s.address, issuer_.address());
  EXPECT_EQ(s.expires_at, kNow + 3600);
  const auto p = access_->authenticate(s.token);
  ASSERT_TRUE(p);
  EXPECT_EQ(access_->roles(*p, token_), std::set<TaRole>{TaRole::kIssuer});
  EXPECT_TRUE(access_->allowed(*p, Permission::kDocuments, token_));
  EXPECT_FALSE(access_->allowed(*p, Permission::kPersonalData, token_));
  const auto c = access_->authenticate(sign_in(compliance_).token);
  EXPECT_EQ(access_->roles(*c, token_), std::set<TaRole>{TaRole::kComplianceOfficer});
  const auto a = access_->authenticate(sign_in(agent_).token);
  EXPECT_EQ(access_->roles(*a, std::nullopt), std::set<TaRole>{TaRole::kTransferAgent});
  EXPECT_TRUE(access_->allowed(*a, Permission::kLostHolders, std::nullopt));
  const auto n = access_->authenticate(sign_in(nobody_).token);
  EXPECT_TRUE(access_->roles(*n, token_).empty());
  // The session expires, and can be ended.
  now_ = kNow + 3600;
  EXPECT_FALSE(access_->authenticate(s.token));
  now_ = kNow;
  access_->sign_out(s.token);
  EXPECT_FALSE(access_->authenticate(s.token));
  // Only the token's hash is stored.
  EXPECT_FALSE(db_->query_one("SELECT address FROM sessions WHERE token_hash = ?", {s.token}));
}

TEST_P(AccessTest, SignInRefusesEveryFlawAndSpendsTheNonce) {
  auto refused = [&](const std::string& m, const std::string& sig, const std::string& why) {
    try {
      access_->sign_in(m, sig, "");
      ADD_FAILURE() << "accepted; expected: " << why;
    } catch (const AccessDenied& e) {
      EXPECT_EQ(e.status, 401);
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  const Address a = issuer_.address();
  std::string m = siwe_message(a, access_->new_nonce());
  refused(m, sign_hex(nobody_, m), "signature");  // another key signed it
  refused(m, sign_hex(issuer_, m), "nonce");      // the nonce was spent by that attempt
  refused(siwe_message(a, "abcdefgh12345678"), "0x00", "nonce");  // never issued
  m = siwe_message(a, access_->new_nonce(), "", "evil.example.com");
  refused(m, sign_hex(issuer_, m), "evil.example.com");
  m = siwe_message(a, access_->new_nonce(), "", "ta.example.com", 1);
  refused(m, sign_hex(issuer_, m), "chain 1");
  m = siwe_message(a, access_->new_nonce(), "\nExpiration Time: 2026-11-29T00:00:00Z");
  refused(m, sign_hex(issuer_, m), "expired");
  m = siwe_message(a, access_->new_nonce(), "\nNot Before: 2027-01-01T00:00:00Z");
  refused(m, sign_hex(issuer_, m), "Not Before");
  const std::string nonce = access_->new_nonce();
  now_ = kNow + 301;
  m = siwe_message(a, nonce);
  refused(m, sign_hex(issuer_, m), "nonce has expired");
  now_ = kNow;
  m = siwe_message(a, access_->new_nonce());
  refused(m + "\n", sign_hex(issuer_, m), "unexpected text");  // the signed text must match
  // A message expiring before the session would: the session ends with it.
  m = siwe_message(a, access_->new_nonce(), "\nExpiration Time: 2026-11-30T00:10:00Z");
  const Session s = access_->sign_in(m, sign_hex(issuer_, m), "");
  EXPECT_EQ(s.expires_at, 1796083200 - 86400 + 600);
  // Each refusal is in the audit log.
  size_t refusals = 0;
  for (const DbRow& r : db_->query("SELECT action FROM audit_log", {}))
    refusals += r.text(0) == "siwe-refused" ? 1 : 0;
  EXPECT_EQ(refusals, 9u);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccessTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace stoa::ta
