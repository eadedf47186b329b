// Identities and claims at the core level: claim hashing (classic and typed), every way a claim
// is refused (each with its revert, state unchanged — the fixture checks the digest), recovery
// moving the registration, and investors re-keyed when registrations change.
#include <gtest/gtest.h>

#include "core/ledger_fixture.h"
#include "stoa/core/codes.h"
#include "stoa/core/identity.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/kyc_events.h"
#include "stoa/crypto/eip712.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::core {
namespace {
using testing::addr;

Bytes sig_bytes(const crypto::Signature& s) {
  Bytes out(65);
  std::copy(s.r.b.begin(), s.r.b.end(), out.begin());
  std::copy(s.s.b.begin(), s.s.b.end(), out.begin() + 32);
  out[64] = static_cast<uint8_t>(27 + s.recovery_id);
  return out;
}

class IdentityTest : public testing::LedgerTest {
 protected:
  void SetUp() override {
    sec_ = create("IDT", 3);  // reg-a-plus
    auto* f = state_.contract_as<IdentityFactory>(identity_factory_address());
    ASSERT_NE(f, nullptr);
    expect_ok(call(addr("issuer"), identity_factory_address(),
                   "createIdentityRegistry(address,address)", {sec_.token, Address{}}));
    ids_ = *f->stack(sec_.token);
    for (const char* who : {"kyc", "alice", "bob"}) {
      expect_ok(call(addr("operator"), identity_factory_address(), "createIdentity(address)",
                     {addr(who)}));
    }
    kyc_ = f->identity_of(addr("kyc"));
    alice_id_ = f->identity_of(addr("alice"));
    bob_id_ = f->identity_of(addr("bob"));
    // alice approves the KYC provider: its claim keys may add its claims to her identity.
    expect_ok(call(addr("alice"), alice_id_, "addKey(bytes32,uint256,uint256)",
                   {abi::Value::bytes32(key_of(kyc_)), 3, 1}));
    expect_ok(call(addr("kyc"), kyc_, "addKey(bytes32,uint256,uint256)",
                   {abi::Value::bytes32(key_of(addr("signer"))), 3, 1}));
    expect_ok(call(addr("issuer"), ids_.trusted_issuers, "addTrustedIssuer(address,uint256[])",
                   {kyc_, abi::Value(abi::ValueList{U256(1), U256(2)})}));
  }
  Bytes classic(std::string_view signer, const Address& identity, uint64_t topic,
                const Bytes& data) {
    return sig_bytes(crypto::sign(crypto::key_for_label(signer),
                                  classic_claim_digest(identity, U256(topic), data)));
  }
  CallResult add_claim(const Address& identity, uint64_t topic, uint64_t scheme, const Bytes& sig,
                       const Bytes& data) {
    return call(addr("signer"), identity, "addClaim(uint256,uint256,address,bytes,bytes,string)",
                {topic, scheme, kyc_, sig, data, std::string("")});
  }

  SecuritySet sec_;
  IdentitySet ids_;
  Address kyc_;
  Address alice_id_;
  Address bob_id_;
};

// Issue 12 item 13: any account could create its own identity and, as a claim key of that
// "issuer", add kMaxClaimsPerIdentity junk claims to another investor's identity; the trusted
// provider's claim then failed with LimitExceeded("claims per identity", 64).
TEST_F(IdentityTest, ClaimGriefingStrangerCannotFillAnotherInvestorsIdentity) {
  expect_ok(call(addr("mallory"), identity_factory_address(), "createIdentity(address)",
                 {addr("mallory")}));
  const Address mallory_id =
      state_.contract_as<IdentityFactory>(identity_factory_address())->identity_of(addr("mallory"));
  const Bytes junk = {0x66};
  for (uint64_t t = 1; t <= kMaxClaimsPerIdentity; ++t) {
    // Each refused with a revert naming the identity and the unapproved issuer; state unchanged.
    expect_revert(
        call(addr("mallory"), bob_id_, "addClaim(uint256,uint256,address,bytes,bytes,string)",
             {t, 1, mallory_id, classic("mallory", bob_id_, t, junk), junk, std::string("")}),
        ErrorId::kClaimIssuerNotApproved, {bob_id_, mallory_id});
  }
  EXPECT_TRUE(state_.contract_as<Identity>(bob_id_)->claim_ids_by_topic(U256(1)).empty());
  // The provider's claim key is refused too until bob approves the provider...
  const Bytes d = {0x02};
  expect_revert(add_claim(bob_id_, 1, 1, classic("signer", bob_id_, 1, d), d),
                ErrorId::kClaimIssuerNotApproved, {bob_id_, kyc_});
  expect_revert(call(addr("mallory"), bob_id_, "addKey(bytes32,uint256,uint256)",
                     {abi::Value::bytes32(key_of(kyc_)), 3, 1}),
                ErrorId::kIdentityUnauthorized, {addr("mallory"), U256(1)});
  expect_ok(call(addr("bob"), bob_id_, "addKey(bytes32,uint256,uint256)",
                 {abi::Value::bytes32(key_of(kyc_)), 3, 1}));
  // ...and then succeeds; bob's own key may still add any valid claim (ONCHAINID's rule).
  expect_ok(add_claim(bob_id_, 1, 1, classic("signer", bob_id_, 1, d), d));
  expect_ok(call(addr("bob"), bob_id_, "addClaim(uint256,uint256,address,bytes,bytes,string)",
                 {2, 1, mallory_id, classic("mallory", bob_id_, 2, junk), junk, std::string("")}));
}

// The claim rule is rules version 2: blocks written under version 1 (before it) replay as they
// ran, when a claim key of any issuer could add that issuer's claims (rules.h).
TEST_F(IdentityTest, ClaimRuleTakesEffectFromRulesVersionTwoOnly) {
  const Bytes d = {0x03};
  block_.rules = Rules::kV1;
  expect_ok(add_claim(bob_id_, 1, 1, classic("signer", bob_id_, 1, d), d));
  block_.rules = Rules::kV2;
  expect_revert(add_claim(bob_id_, 2, 1, classic("signer", bob_id_, 2, d), d),
                ErrorId::kClaimIssuerNotApproved, {bob_id_, kyc_});
}

// applyKycEvent as the intake sends it: one typed claim per topic, signed by "signer".
class KycEventTest : public IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    expect_ok(call(addr("issuer"), sec_.token, "grantRole(bytes32,address)",
                   {abi::Value::bytes32(roles::compliance()), addr("signer")}));
  }
  CallResult apply(const std::string& event, const Address& wallet, const Address& identity,
                   std::vector<uint64_t> topics, bool approved = true) {
    const TypedClaimData t{block_.timestamp, block_.timestamp + 1000,
                           keccak256(std::string_view(event))};
    abi::ValueList ts, sigs;
    for (uint64_t topic : topics) {
      ts.emplace_back(U256(topic));
      sigs.emplace_back(sig_bytes(crypto::sign(
          crypto::key_for_label("signer"), typed_claim_digest(1337, identity, U256(topic), t))));
    }
    return call(addr("signer"), identity_factory_address(),
                "applyKycEvent(bytes32,bytes32,address,address,address,bool,uint16,uint256[],"
                "bytes[],bytes,string,bool,uint256,string)",
                {abi::Value::bytes32(keccak256(std::string_view(event))),
                 abi::Value::bytes32(keccak256(std::string_view("body of " + event))), kyc_,
                 sec_.token, wallet, approved, 840, ts, sigs, encode_typed_claim_data(t),
                 std::string("stoa-kyc:test"), false, 0, std::string("")});
  }
};

// Issue 12 item 6: the intake registered the identity in one transaction and added the claims in
// others, so an approval whose claim step failed left the registration committed. Now one event
// is one transaction: the failing claim reverts the registration with it (the fixture checks
// the state digest is unchanged).
TEST_F(KycEventTest, HalfAppliedKycEventClaimFailureRevertsTheRegistration) {
  auto* ir = state_.contract_as<IdentityRegistry>(ids_.identity_registry);
  // alice's identity already holds the claim limit: her own claims, as her own issuer.
  const Bytes d = {0x01};
  for (uint64_t t = 100; t < 100 + kMaxClaimsPerIdentity; ++t) {
    expect_ok(call(addr("alice"), alice_id_, "addClaim(uint256,uint256,address,bytes,bytes,string)",
                   {t, 1, alice_id_, classic("alice", alice_id_, t, d), d, std::string("")}));
  }
  expect_revert(apply("evt-1", addr("alice"), alice_id_, {1, 2}), ErrorId::kLimitExceeded,
                {std::string("claims per identity"), U256(kMaxClaimsPerIdentity)});
  EXPECT_EQ(ir->identity_of(addr("alice")), Address{});
  EXPECT_FALSE(ir->is_verified(addr("alice"), block_.timestamp));
  EXPECT_EQ(state_.contract_as<KycEventLog>(kyc_event_log_address(kyc_)), nullptr);
  // An untrusted topic (5) after a trusted one: refused as a whole too.
  expect_revert(apply("evt-2", addr("bob"), bob_id_, {1, 5}), ErrorId::kIssuerNotTrusted, {kyc_});
  EXPECT_EQ(ir->identity_of(addr("bob")), Address{});
  // With room, the event applies in full and is recorded once.
  expect_ok(call(addr("alice"), alice_id_, "removeClaim(bytes32)",
                 {abi::Value::bytes32(claim_id(alice_id_, U256(100)))}));
  expect_ok(call(addr("alice"), alice_id_, "removeClaim(bytes32)",
                 {abi::Value::bytes32(claim_id(alice_id_, U256(101)))}));
  expect_ok(apply("evt-1", addr("alice"), alice_id_, {1, 2}));
  EXPECT_EQ(ir->identity_of(addr("alice")), alice_id_);
  EXPECT_TRUE(ir->is_verified(addr("alice"), block_.timestamp));
  expect_revert(apply("evt-1", addr("alice"), alice_id_, {1, 2}), ErrorId::kKycEventAlreadyApplied,
                {kyc_, abi::Value::bytes32(keccak256(std::string_view("evt-1"))),
                 abi::Value::bytes32(keccak256(std::string_view("body of evt-1")))});
}

TEST_F(KycEventTest, OnlyAClaimKeyOfTheIssuerAppliesEventsAndRecordsArePruned) {
  // A stranger cannot apply (or pre-empt) the issuer's events.
  expect_revert(call(addr("mallory"), identity_factory_address(),
                     "applyKycEvent(bytes32,bytes32,address,address,address,bool,uint16,uint256[],"
                     "bytes[],bytes,string,bool,uint256,string)",
                     {abi::Value::bytes32(Bytes32{}), abi::Value::bytes32(Bytes32{}), kyc_,
                      sec_.token, addr("bob"), false, 0, abi::ValueList{}, abi::ValueList{},
                      Bytes{}, std::string(""), false, 0, std::string("")}),
                ErrorId::kIdentityUnauthorized, {addr("mallory"), U256(3)});
  expect_ok(apply("evt-a", addr("bob"), bob_id_, {}, false));
  const auto* log = state_.contract_as<KycEventLog>(kyc_event_log_address(kyc_));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->issuer(), kyc_);
  EXPECT_NE(log->find(keccak256(std::string_view("evt-a"))), nullptr);
  // Past the retention (block time), the next event prunes the old record.
  block_.timestamp += kKycEventRetentionSeconds;
  expect_ok(apply("evt-b", addr("bob"), bob_id_, {}, false));
  EXPECT_EQ(log->find(keccak256(std::string_view("evt-a"))), nullptr);
  EXPECT_NE(log->find(keccak256(std::string_view("evt-b"))), nullptr);
  EXPECT_EQ(log->size(), 1u);
}

TEST_F(IdentityTest, ClassicDigestIsOnchainIdsForm) {
  // keccak256(abi.encode(identity, topic, data)) under the EIP-191 prefix.
  const Bytes data = {0xab};
  Bytes enc(32 * 5, 0);
  const Bytes32 w = alice_id_.to_word();
  std::copy(w.b.begin(), w.b.end(), enc.begin());
  enc[63] = 1;     // topic
  enc[95] = 0x60;  // offset
  enc[127] = 1;    // length
  enc[128] = 0xab;
  const Bytes32 inner = keccak256(BytesView(enc));
  EXPECT_EQ(classic_claim_digest(alice_id_, U256(1), data), crypto::eip191_hash(inner.view()));
  EXPECT_EQ(claim_id(kyc_, U256(1)), [&] {
    Bytes e(64, 0);
    const Bytes32 k = kyc_.to_word();
    std::copy(k.b.begin(), k.b.end(), e.begin());
    e[63] = 1;
    return keccak256(BytesView(e));
  }());
}

TEST_F(IdentityTest, EveryBadClaimIsRefusedWithItsOwnRevert) {
  const Bytes d = {0x01};
  // Not a claim key of the issuer.
  expect_revert(add_claim(alice_id_, 1, 1, classic("mallory", alice_id_, 1, d), d),
                ErrorId::kClaimSignerNotClaimKey, {kyc_, addr("mallory")});
  // Another identity: recovers to an unrelated key.
  auto other = add_claim(alice_id_, 1, 1, classic("signer", kyc_, 1, d), d);
  EXPECT_FALSE(other.success);
  EXPECT_NE(describe_revert(other.output).find("ClaimSignerNotClaimKey"), std::string::npos);
  // Another topic.
  auto topic = add_claim(alice_id_, 2, 1, classic("signer", alice_id_, 1, d), d);
  EXPECT_NE(describe_revert(topic.output).find("ClaimSignerNotClaimKey"), std::string::npos);
  // Malleated: the high-s twin of a valid signature.
  Bytes good = classic("signer", alice_id_, 1, d);
  Bytes high = good;
  const U256 n =
      *U256::from_hex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  const U256 s = U256::from_be(BytesView(good).subspan(32, 32));
  const Bytes32 hs = n.checked_sub(s)->to_bytes32();
  std::copy(hs.b.begin(), hs.b.end(), high.begin() + 32);
  high[64] = good[64] == 27 ? 28 : 27;
  expect_revert(add_claim(alice_id_, 1, 1, high, d), ErrorId::kInvalidSignature);
  // Expired typed claim.
  TypedClaimData t{block_.timestamp - 100, block_.timestamp - 1, keccak256(std::string_view("x"))};
  const Bytes tsig = sig_bytes(crypto::sign(crypto::key_for_label("signer"),
                                            typed_claim_digest(1337, alice_id_, U256(2), t)));
  expect_revert(add_claim(alice_id_, 2, kSchemeTyped, tsig, encode_typed_claim_data(t)),
                ErrorId::kClaimExpired,
                {U256(t.valid_until), U256(t.issued_at), U256(block_.timestamp)});
  // A typed claim signed for another chain id does not verify here.
  TypedClaimData live{block_.timestamp, block_.timestamp + 100, keccak256(std::string_view("y"))};
  const Bytes other_chain = sig_bytes(crypto::sign(
      crypto::key_for_label("signer"), typed_claim_digest(1, alice_id_, U256(2), live)));
  auto oc = add_claim(alice_id_, 2, kSchemeTyped, other_chain, encode_typed_claim_data(live));
  EXPECT_NE(describe_revert(oc.output).find("ClaimSignerNotClaimKey"), std::string::npos);
  // Malformed typed data.
  expect_revert(add_claim(alice_id_, 2, kSchemeTyped, tsig, Bytes{1, 2, 3}),
                ErrorId::kMalformedClaimData);
  // Good ones pass; the registry verifies alice.
  expect_ok(add_claim(alice_id_, 1, 1, good, d));
  const Bytes lsig = sig_bytes(crypto::sign(crypto::key_for_label("signer"),
                                            typed_claim_digest(1337, alice_id_, U256(2), live)));
  expect_ok(add_claim(alice_id_, 2, kSchemeTyped, lsig, encode_typed_claim_data(live)));
  expect_ok(call(addr("officer"), ids_.identity_registry,
                 "registerIdentity(address,address,uint16)", {addr("alice"), alice_id_, 840}));
  auto* ir = state_.contract_as<IdentityRegistry>(ids_.identity_registry);
  EXPECT_TRUE(ir->is_verified(addr("alice"), block_.timestamp));
  // Expiry is checked on every verification, not only when the claim is added.
  EXPECT_FALSE(ir->is_verified(addr("alice"), block_.timestamp + 100));
  // Revocation by claim id.
  expect_ok(call(addr("kyc"), kyc_, "revokeClaim(bytes32,address)",
                 {abi::Value::bytes32(claim_id(kyc_, U256(1))), alice_id_}));
  EXPECT_EQ(ir->claim_status(addr("alice"), U256(1), block_.timestamp), ClaimStatus::kRevoked);
  // Unauthorised callers of privileged identity functions.
  expect_revert(call(addr("bob"), kyc_, "revokeSignerKey(bytes32)",
                     {abi::Value::bytes32(key_of(addr("signer")))}),
                ErrorId::kIdentityUnauthorized, {addr("bob"), U256(1)});
  expect_revert(call(addr("bob"), alice_id_, "removeKey(bytes32,uint256)",
                     {abi::Value::bytes32(key_of(addr("alice"))), 1}),
                ErrorId::kIdentityUnauthorized, {addr("bob"), U256(1)});
}

TEST_F(IdentityTest, RecoveryMovesRegistrationAndInvestorsFollowIdentities) {
  expect_ok(call(addr("issuer"), sec_.token, "setEligibilityMode(uint8)", {0}));
  onboard(sec_, "alice");
  onboard(sec_, "alice2");
  onboard(sec_, "bob");
  expect_ok(call(addr("officer"), ids_.identity_registry,
                 "registerIdentity(address,address,uint16)", {addr("alice"), alice_id_, 840}));
  mint(sec_, "alice", 100);
  mint(sec_, "bob", 50);
  auto* tok = state_.contract_as<SecurityToken>(sec_.token);
  EXPECT_EQ(tok->investor_count(), 2u);
  // alice2 joins alice's identity: still two investors, one of them with 100 + 0.
  expect_ok(call(addr("officer"), ids_.identity_registry,
                 "registerIdentity(address,address,uint16)", {addr("alice2"), alice_id_, 840}));
  expect_ok(call(addr("alice"), sec_.token, "transfer(address,uint256)", {addr("alice2"), 40}));
  EXPECT_EQ(tok->holder_count(), 3u);
  EXPECT_EQ(tok->investor_count(), 2u);
  EXPECT_EQ(tok->investor_balance(alice_id_), U256(100));
  // bob registered to alice's identity too (a mistake, then corrected): counts follow.
  auto* f = state_.contract_as<IdentityFactory>(identity_factory_address());
  const Address bob_id = f->identity_of(addr("bob"));
  expect_ok(call(addr("officer"), ids_.identity_registry,
                 "registerIdentity(address,address,uint16)", {addr("bob"), alice_id_, 826}));
  EXPECT_EQ(tok->investor_count(), 1u);
  EXPECT_EQ(tok->investor_balance(alice_id_), U256(150));
  expect_ok(call(addr("officer"), ids_.identity_registry, "updateIdentity(address,address)",
                 {addr("bob"), bob_id}));
  EXPECT_EQ(tok->investor_count(), 2u);
  EXPECT_EQ(tok->investor_balance(alice_id_), U256(100));
  // Recovery of alice's wallet to a new management key of her identity.
  expect_ok(call(addr("alice"), alice_id_, "addKey(bytes32,uint256,uint256)",
                 {abi::Value::bytes32(key_of(addr("alice3"))), 1, 1}));
  expect_ok(call(addr("issuer"), sec_.token, "grantRole(bytes32,address)",
                 {abi::Value::bytes32(roles::corporate_action()), addr("agent")}));
  expect_revert(call(addr("agent"), sec_.token, "recoveryAddress(address,address,address)",
                     {addr("bob"), addr("alice3"), alice_id_}),
                ErrorId::kIdentityMismatch, {addr("bob"), alice_id_});
  expect_revert(call(addr("agent"), sec_.token, "recoveryAddress(address,address,address)",
                     {addr("alice"), addr("bob"), alice_id_}),
                ErrorId::kRecoveryWalletNotManagementKey, {alice_id_, addr("bob")});
  expect_ok(call(addr("agent"), sec_.token, "recoveryAddress(address,address,address)",
                 {addr("alice"), addr("alice3"), alice_id_}));
  auto* ir = state_.contract_as<IdentityRegistry>(ids_.identity_registry);
  EXPECT_EQ(ir->identity_of(addr("alice3")), alice_id_);
  EXPECT_TRUE(ir->identity_of(addr("alice")).is_zero());
  EXPECT_EQ(tok->balance_of(addr("alice3")), U256(60));
  EXPECT_EQ(tok->investor_count(), 2u);
  EXPECT_EQ(tok->investor_balance(alice_id_), U256(100));
}

}  // namespace
}  // namespace stoa::core
