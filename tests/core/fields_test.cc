// Field lists (include/stoa/core/fields.h): every contract kind's encoding, decoding and slot
// census come from one table. Here: a state holding every kind with non-empty storage round-trips
// contract by contract; every field list names each of its contract's containers exactly once
// with unique slots; and the slot numbers are the ordinals old journals name (a renumbering would
// change every later state root: tests/golden proves it on a real directory, this pins it by
// name).
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "core/ledger_fixture.h"
#include "stoa/core/bytes_sink.h"
#include "stoa/core/identity.h"
#include "stoa/core/identity_registry.h"
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

Bytes encode_contract(const Contract& c) {
  BytesSink sink;
  StateEncoder enc(sink);
  c.encode_state(enc);
  return sink.out;
}

// Every contract kind, each with its containers written where a call can write them.
class FieldsTest : public testing::LedgerTest {
 protected:
  void SetUp() override {
    sec_ = create("FLD", 3);
    onboard(sec_, "alice");
    onboard(sec_, "bob", "DE");
    mint(sec_, "alice", 1000);
    expect_ok(call(addr("alice"), sec_.token, "transfer(address,uint256)", {addr("bob"), 10}));
    expect_ok(call(addr("alice"), sec_.token, "approve(address,uint256)", {addr("bob"), 5}));
    expect_ok(call(addr("officer"), sec_.token, "freezePartialTokens(address,uint256)",
                   {addr("alice"), 3}));
    expect_ok(
        call(addr("officer"), sec_.token, "setAddressFrozen(address,bool)", {addr("carol"), true}));
    expect_ok(
        call(addr("officer"), sec_.whitelist_module, "addToWhitelist(address)", {addr("alice")}));
    expect_ok(call(addr("officer"), sec_.lockup_module, "setLockup(address,uint256)",
                   {addr("bob"), U256(99999999999ULL)}));
    expect_ok(call(addr("officer"), sec_.jurisdiction_module, "blockJurisdiction(bytes2)",
                   {testing::b2("FR")}));
    expect_ok(call(addr("issuer"), sec_.restriction, "setMaxHolders(uint256)", {U256(500)}));
    auto* f = state_.contract_as<IdentityFactory>(identity_factory_address());
    ASSERT_NE(f, nullptr);
    expect_ok(call(addr("issuer"), identity_factory_address(),
                   "createIdentityRegistry(address,address)", {sec_.token, Address{}}));
    ids_ = *f->stack(sec_.token);
    for (const char* who : {"kyc", "alice"}) {
      expect_ok(call(addr("operator"), identity_factory_address(), "createIdentity(address)",
                     {addr(who)}));
    }
    const Address kyc = f->identity_of(addr("kyc"));
    const Address alice_id = f->identity_of(addr("alice"));
    expect_ok(call(addr("kyc"), kyc, "addKey(bytes32,uint256,uint256)",
                   {abi::Value::bytes32(key_of(addr("signer"))), 3, 1}));
    expect_ok(call(addr("issuer"), ids_.trusted_issuers, "addTrustedIssuer(address,uint256[])",
                   {kyc, abi::Value(abi::ValueList{U256(1), U256(2)})}));
    const Bytes d = {0x01};
    const Bytes sig = sig_bytes(
        crypto::sign(crypto::key_for_label("signer"), classic_claim_digest(alice_id, U256(1), d)));
    // Added by the identity's own management key.
    expect_ok(call(addr("alice"), alice_id, "addClaim(uint256,uint256,address,bytes,bytes,string)",
                   {1, 1, kyc, sig, d, std::string("uri")}));
    expect_ok(call(addr("kyc"), kyc, "revokeClaim(bytes32,address)",
                   {abi::Value::bytes32(claim_id(kyc, U256(7))), alice_id}));
    expect_ok(call(addr("kyc"), kyc, "revokeSignerKey(bytes32)",
                   {abi::Value::bytes32(key_of(addr("old-signer")))}));
    expect_ok(call(addr("officer"), ids_.identity_registry,
                   "registerIdentity(address,address,uint16)", {addr("alice"), alice_id, 840}));
    // A KYC event applied by the provider's signer: the issuer's KycEventLog holds its record.
    expect_ok(call(addr("issuer"), sec_.token, "grantRole(bytes32,address)",
                   {abi::Value::bytes32(roles::compliance()), addr("signer")}));
    const TypedClaimData t{block_.timestamp, block_.timestamp + 1000,
                           keccak256(std::string_view("event 1"))};
    const Bytes typed_sig = sig_bytes(crypto::sign(crypto::key_for_label("signer"),
                                                   typed_claim_digest(1337, alice_id, U256(2), t)));
    expect_ok(call(
        addr("signer"), identity_factory_address(),
        "applyKycEvent(bytes32,bytes32,address,address,address,bool,uint16,uint256[],"
        "bytes[],bytes,string,bool,uint256,string)",
        {abi::Value::bytes32(keccak256(std::string_view("event 1"))),
         abi::Value::bytes32(keccak256(std::string_view("body"))), kyc, sec_.token, addr("alice"),
         true, 840, abi::Value(abi::ValueList{U256(2)}), abi::Value(abi::ValueList{typed_sig}),
         encode_typed_claim_data(t), std::string("stoa-kyc:test"), false, 0, std::string("")}));
    lifecycle();
  }

  // A payment token and a dividend distributor with every container written (docs/dividends.md).
  void lifecycle() {
    const Address divs = addr("divs");
    expect_ok(call(addr("issuer"), sec_.token, "grantRole(bytes32,address)",
                   {abi::Value::bytes32(roles::dividend_admin()), divs}));
    CallResult r =
        call(addr("operator"), factory_address(), "createPaymentToken(string,string,uint8,address)",
             {std::string("Dollar"), std::string("USD"), 2, divs});
    ASSERT_TRUE(r.success);
    const Address usd = Address::from_word(Bytes32::from_view(r.output));
    r = call(addr("issuer"), factory_address(), "createDividendDistributor(address,address)",
             {sec_.token, addr("taxman")});
    ASSERT_TRUE(r.success);
    const Address dist = Address::from_word(Bytes32::from_view(r.output));
    expect_ok(call(divs, usd, "mint(address,uint256)", {divs, 1000}));
    expect_ok(call(divs, usd, "approve(address,uint256)", {dist, 5000}));
    expect_ok(call(divs, dist, "setExcluded(address,bool)", {addr("bob"), true}));
    expect_ok(call(divs, dist, "setWithholdingRate(bytes2,uint256)", {testing::b2("US"), 100}));
    expect_ok(call(divs, sec_.token, "snapshot()"));
    expect_ok(call(divs, dist, "createDividend(address,uint256,uint256,uint256,bytes32)",
                   {usd, 100, 1, block_.timestamp + 100, abi::Value::bytes32(Bytes32{})}));
    expect_ok(call(addr("alice"), dist, "claim(uint256)", {1}));
    // A round by partition (rules V7): its partition is encoded with the round.
    Bytes32 class_a;
    class_a.b[0] = 'A';
    expect_ok(call(addr("issuer"), sec_.token, "issueByPartition(bytes32,address,uint256,bytes)",
                   {abi::Value::bytes32(class_a), addr("alice"), 5, Bytes{}}));
    expect_ok(call(divs, sec_.token, "snapshot()"));
    expect_ok(call(divs, dist,
                   "createDividendByPartition(bytes32,address,uint256,uint256,uint256,bytes32)",
                   {abi::Value::bytes32(class_a), usd, 50, 2, block_.timestamp + 100,
                    abi::Value::bytes32(Bytes32{})}));
    multisig();
  }

  // A 1-of-2 multisig with a transaction executed and one pending (docs/multisig.md).
  void multisig() {
    const abi::ValueList owners = {addr("alice"), addr("bob")};
    CallResult r = call(addr("operator"), factory_address(), "createMultisig(address[],uint256)",
                        {abi::Value(owners), 1});
    ASSERT_TRUE(r.success);
    const Address ms = Address::from_word(Bytes32::from_view(r.output));
    const Bytes data = std::get<0>(abi::encode_call(
        *abi::parse_signature("changeRequirement(uint256)"), abi::ValueList{U256(1)}));
    expect_ok(call(addr("alice"), ms, "submitTransaction(address,bytes)", {ms, data}));
    expect_ok(call(addr("bob"), ms, "executeTransaction(uint256)", {0}));
    expect_ok(call(addr("bob"), ms, "submitTransaction(address,bytes)", {ms, data}));
  }

  SecuritySet sec_;
  IdentitySet ids_;
};

TEST_F(FieldsTest, TheStateHoldsEveryContractKind) {
  std::set<std::string_view> have;
  for (const Address& a : state_.contract_addresses())
    have.insert(kind_name(state_.contract(a)->kind()));
  for (int k = 1; k < 256; ++k) {
    const std::string_view name = kind_name(static_cast<ContractKind>(k));
    // Multicall3 is code, not state: never in a state encoding (core/multicall3.h).
    if (name == "Unknown" || static_cast<ContractKind>(k) == ContractKind::kMulticall3) continue;
    EXPECT_TRUE(have.contains(name)) << name << " is missing from the fixture: add it, so its "
                                     << "field list is round-tripped below";
  }
}

TEST_F(FieldsTest, EveryContractRoundTripsThroughItsFieldList) {
  ASSERT_EQ(check_state_image_round_trip(state_), "");
  BytesSink all;
  state_.encode(all);
  State restored(state_.genesis());
  std::string error;
  ASSERT_TRUE(restored.restore(all.out, &error)) << error;
  for (const Address& a : state_.contract_addresses()) {
    const Contract* c = state_.contract(a);
    const Contract* r = restored.contract(a);
    ASSERT_NE(r, nullptr) << a.checksum_hex();
    EXPECT_EQ(r->kind(), c->kind());
    EXPECT_EQ(encode_contract(*r), encode_contract(*c)) << kind_name(c->kind());
  }
}

// Each field list names every container of its contract once, and the slots are unique: a
// container missing from the list would be left out of state images; two with one slot would mix
// their block deltas.
TEST_F(FieldsTest, EveryFieldListNamesEachContainerOnceWithUniqueSlots) {
  std::map<Address, std::set<const Undoable*>> live;
  for (const Undoable* u : state_.undo_log()->live())
    live[u->slot().owner].insert(u);
  for (const Address& a : state_.contract_addresses()) {
    const Contract* c = state_.contract(a);
    std::set<const Undoable*> listed;
    std::set<uint32_t> slots;
    for (const FieldInfo& f : c->field_info()) {
      if (f.container == nullptr) continue;
      EXPECT_EQ(f.container->slot().owner, a) << kind_name(c->kind()) << "." << f.name;
      EXPECT_TRUE(listed.insert(f.container).second)
          << kind_name(c->kind()) << "." << f.name << " is listed twice";
      EXPECT_TRUE(slots.insert(f.container->slot().ordinal).second)
          << kind_name(c->kind()) << "." << f.name << " reuses slot "
          << f.container->slot().ordinal;
    }
    EXPECT_EQ(listed, live[a]) << kind_name(c->kind())
                               << ": its field list and its containers differ";
  }
}

// The slot of every container by kind and field name. These are the ordinals the journals
// written before slots were declared name (member declaration order then): never change one.
TEST_F(FieldsTest, SlotNumbersAreTheOrdinalsOldJournalsName) {
  const std::map<std::string, std::vector<std::pair<std::string, uint32_t>>> want = {
      {"SecurityFactory", {{"members", 0}, {"admins", 1}, {"securities", 2}}},
      {"SecurityToken",
       {{"members", 0},
        {"admins", 1},
        {"balances", 2},
        {"allowances", 3},
        {"nonces", 4},
        {"total_supply", 5},
        {"holder_count", 6},
        {"paused", 7},
        {"registry", 8},
        {"restriction", 9},
        {"frozen", 10},
        {"frozen_tokens", 11},
        {"onchain_id", 12},
        {"identity_registry", 13},
        {"eligibility", 14},
        {"investor_balances", 15},
        {"investor_count", 16},
        {"aml_threshold", 17},
        {"rebuild_phase", 18},
        {"rebuild_cursor", 19},
        // The balance model (docs/balance-model.md).
        {"partition_balances", 20},
        {"partitioned", 21},
        {"partition_supply", 22},
        {"partitioned_supply", 23},
        {"partition_rules", 24},
        {"operators", 25},
        {"partition_operators", 26},
        {"holds", 27},
        {"held", 28},
        {"held_total", 29},
        {"snapshot_id", 30},
        {"snapshot_times", 31},
        {"balance_checkpoints", 32},
        {"partition_checkpoints", 33},
        {"supply_checkpoints", 34},
        {"lots", 35},
        {"lotted", 36},
        {"documents", 70},
        {"document_versions", 71},
        {"conversion", 72},
        {"retired", 73},
        {"splits", 80},
        {"holder_epochs", 81},
        {"balance_checkpoint_epochs", 82},
        {"partition_checkpoint_epochs", 83},
        {"snapshot_epochs", 84},
        {"fractions", 85},
        {"config", 95}}},  // a plain member until setName / setSymbol (rules V6)
      {"ComplianceRegistry",
       {{"records", 0},
        {"blocked", 1},
        {"required_accreditation", 2},
        {"max_non_accredited", 3},
        {"accept_self_certified", 4},
        {"non_accredited", 5},
        {"modules", 6},
        {"chain", 7}}},
      {"WhitelistModule", {{"list", 0}}},
      {"LockupModule", {{"expiry", 0}, {"holding_period", 1}}},
      {"JurisdictionModule",
       {{"blocked", 0},
        {"allowed", 1},
        {"allow_list_mode|require", 2},
        {"allow_list_mode|require", 3}}},
      {"TransferRestriction", {{"max_holders", 0}, {"max_amount", 1}}},
      {"Identity",
       {{"keys", 0},
        {"claims", 1},
        {"recovered", 2},
        {"revoked_claims", 3},
        {"revoked_keys", 4},
        {"execution_count", 5},
        {"executions", 6}}},
      {"IdentityFactory", {{"members", 0}, {"admins", 1}, {"identities", 2}, {"stacks", 3}}},
      {"ClaimTopicsRegistry", {{"topics", 0}}},
      {"TrustedIssuersRegistry", {{"issuers", 0}}},
      {"IdentityRegistryStorage", {{"entries", 0}, {"bound", 1}}},
      {"IdentityRegistry", {}},
      {"KycEventLog", {{"records", 0}, {"order", 1}, {"head", 2}, {"next", 3}}},
      {"PaymentToken",
       {{"members", 0}, {"admins", 1}, {"balances", 2}, {"allowances", 3}, {"total_supply", 4}}},
      {"DividendDistributor",
       {{"withholding_account", 0},
        {"rates", 1},
        {"excluded", 2},
        {"round_count", 3},
        {"rounds", 4},
        {"round_excluded", 5},
        {"claimed", 6},
        {"split_rounds", 8}}},
      {"MultisigAdmin",
       {{"owners", 0},
        {"required", 1},
        {"transaction_count", 2},
        {"transactions", 3},
        {"confirmations", 4}}},
  };
  std::set<std::string> seen;
  for (const Address& a : state_.contract_addresses()) {
    const Contract* c = state_.contract(a);
    const std::string kind(kind_name(c->kind()));
    if (!seen.insert(kind).second) continue;
    ASSERT_TRUE(want.contains(kind)) << kind << ": add its slots here";
    std::vector<std::pair<std::string, uint32_t>> got;
    for (const FieldInfo& f : c->field_info()) {
      if (f.container != nullptr)
        got.emplace_back(std::string(f.name), f.container->slot().ordinal);
    }
    std::sort(got.begin(), got.end(),
              [](const auto& x, const auto& y) { return x.second < y.second; });
    EXPECT_EQ(got, want.at(kind)) << kind;
  }
  // The State's own maps: create nonces 0, account nonces 1 (owner zero).
  std::vector<uint32_t> own;
  for (const Undoable* u : state_.undo_log()->live()) {
    if (u->slot().owner.is_zero()) own.push_back(u->slot().ordinal);
  }
  std::sort(own.begin(), own.end());
  EXPECT_EQ(own, (std::vector<uint32_t>{0, 1}));
}

}  // namespace
}  // namespace stoa::core
