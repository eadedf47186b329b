#include "history.h"

#include <random>
#include <set>

#include "chain/chain_test_util.h"
#include "stoa/common/keccak.h"
#include "stoa/core/access_control.h"
#include "stoa/core/factory.h"
#include "stoa/core/security_token.h"

namespace stoa::ta::testing {
namespace {

using chain::testing::dev_key;
using chain::testing::signed_call;

abi::Value b2(const char* j) {
  return abi::Value(Bytes{static_cast<uint8_t>(j[0]), static_cast<uint8_t>(j[1])});
}

class Builder {
 public:
  explicit Builder(uint32_t investors = 8) : investors_(investors) {
    chain::ChainConfig c;
    c.genesis = core::GenesisConfig{chain::testing::kChainId, dev_key(0).address(), false};
    c.genesis_timestamp = kHistoryStart;
    h_.chain = std::make_unique<chain::Chain>(c);
    for (uint32_t i = 0; i < 3 + investors_; ++i)
      keys_.push_back(dev_key(i));
    for (uint32_t i = 0; i < investors_; ++i)
      h_.investors.push_back(keys_[3 + i].address());
    h_.token = stoa::create_address(core::factory_address(), 0);
    snapshot();  // genesis
  }

  void call(size_t key, const Address& to, std::string_view sig, const abi::ValueList& args) {
    txs_.push_back(signed_call(keys_[key], nonces_[key]++, to, sig, args));
  }
  void seal(uint64_t ts) {
    const chain::Block& b = h_.chain->seal_block(std::move(txs_), ts);
    for (const chain::Receipt& r : b.receipts)
      h_.refused += r.success ? 0 : 1;
    txs_.clear();
    snapshot();
  }
  History take() { return std::move(h_); }
  // Topic 1 (as an address) or data word `word` of the first log `sig` of the head block.
  Address head_address(std::string_view sig, size_t r, int word = -1) const {
    const Bytes32 topic = keccak256(sig);
    for (const core::Log& l : h_.chain->head().receipts.at(r).logs) {
      if (l.topics.empty() || l.topics[0] != topic) continue;
      if (word < 0) return Address::from_word(l.topics.at(1));
      return Address::from_word(Bytes32::from_view(BytesView(l.data.data() + 32 * word, 32)));
    }
    throw std::runtime_error("no " + std::string(sig) + " in the receipt");
  }
  U256 head_word(std::string_view sig, size_t r, size_t word) const {
    const Bytes32 topic = keccak256(sig);
    for (const core::Log& l : h_.chain->head().receipts.at(r).logs) {
      if (!l.topics.empty() && l.topics[0] == topic)
        return U256::from_be(BytesView(l.data.data() + 32 * word, 32));
    }
    throw std::runtime_error("no " + std::string(sig) + " in the receipt");
  }
  History& mutable_history() { return h_; }
  const chain::Chain& chain() const { return *h_.chain; }
  const History& history() const { return h_; }

  uint32_t investors() const { return investors_; }
  static constexpr size_t kOp = 0, kIssuer = 1, kOfficer = 2;
  size_t investor_key(size_t i) const { return 3 + i; }
  Address registry() const { return stoa::create_address(core::factory_address(), 1); }

 private:
  void snapshot() {
    LedgerSnapshot s;
    s.timestamp = h_.chain->head().header.timestamp;
    if (const auto* t = h_.chain->state().contract_as<core::SecurityToken>(h_.token)) {
      s.total_supply = t->total_supply();
      for (const auto& [a, v] : t->holders()) {
        if (!v.is_zero()) s.holders[a] = v;
        for (const Bytes32& p : t->partitions_of(a)) {
          const U256 x = t->balance_of_by_partition(p, a);
          if (!x.is_zero()) s.partitions[{a, "0x" + to_hex(p.view())}] = x;
        }
        if (!t->frozen_tokens(a).is_zero()) s.frozen_tokens[a] = t->frozen_tokens(a);
      }
    }
    h_.at_block.push_back(std::move(s));
  }

  uint32_t investors_;
  History h_;
  std::vector<crypto::PrivateKey> keys_;
  std::map<size_t, uint64_t> nonces_;
  std::vector<chain::SignedTransaction> txs_;
};

// A dividend round on `token` over four days from `ts`: a USD payment token, a distributor, the
// record date, the round (`amount` cents), two claims and a push payment to `payees`.
void pay_dividend(Builder& b, const Address& token, uint64_t ts, const U256& amount,
                  const std::vector<std::pair<const char*, uint64_t>>& rates,
                  const std::vector<Address>& payees) {
  const Address issuer = dev_key(1).address();
  b.call(Builder::kOp, core::factory_address(), "createPaymentToken(string,string,uint8,address)",
         {"US Dollar", "USD", 2, issuer});
  b.call(Builder::kIssuer, token, "grantRole(bytes32,address)",
         {abi::Value::bytes32(core::roles::dividend_admin()), issuer});
  b.seal(ts);
  const Address usd = b.head_address("PaymentTokenCreated(address,address,string,string,uint8)", 0);
  const Address withholding = dev_key(499).address();
  b.call(Builder::kIssuer, usd, "mint(address,uint256)", {issuer, amount});
  b.call(Builder::kOp, core::factory_address(), "createDividendDistributor(address,address)",
         {token, withholding});
  b.call(Builder::kIssuer, token, "snapshot()", {});  // the record date
  b.seal(ts + 3600);
  const Address dist = b.head_address("DividendDistributorCreated(address,address,address)", 1);
  const U256 checkpoint = b.head_word("Snapshot(uint256)", 2, 0);
  b.call(Builder::kIssuer, usd, "approve(address,uint256)", {dist, amount});
  for (const auto& [j, bps] : rates)
    b.call(Builder::kIssuer, dist, "setWithholdingRate(bytes2,uint256)", {b2(j), bps});
  b.call(Builder::kIssuer, dist, "createDividend(address,uint256,uint256,uint256,bytes32)",
         {usd, amount, checkpoint, U256(ts + 60 * kDay),
          abi::Value::bytes32(Bytes32::from_view(Bytes(32, 0xd1)))});
  b.seal(ts + kDay);
  // A transfer after the record date does not move the payment; two holders claim, the agent
  // pushes the rest (the claimers are skipped).
  b.call(b.investor_key(0), dist, "claim(uint256)", {1});
  b.call(b.investor_key(1), dist, "claim(uint256)", {1});
  for (size_t from = 0; from < payees.size(); from += 40) {  // batches within a tx's gas
    abi::ValueList list;
    for (size_t i = from; i < payees.size() && i < from + 40; ++i)
      list.emplace_back(payees[i]);
    b.call(Builder::kIssuer, dist, "pushPayments(uint256,address[])", {1, abi::Value(list)});
  }
  b.seal(ts + 2 * kDay);
  History& h = b.mutable_history();
  h.payment_token = usd;
  h.distributor = dist;
  h.withholding_account = withholding;
  h.dividend_block = h.chain->height();
}

}  // namespace

History make_history(int days, size_t extra_purchasers, bool dividend) {
  Builder b;
  const Address token = stoa::create_address(core::factory_address(), 0);
  const Address outsider = dev_key(20).address();  // never onboarded
  b.call(Builder::kOp, core::factory_address(),
         "createSecurity(string,string,uint8,uint8,address,address)",
         {"Acme Holdings", "ACME", 0, 5, dev_key(1).address(), dev_key(2).address()});
  b.seal(kHistoryStart + 3600);
  // Day 1: roles, onboarding, the offering (mints).
  b.call(Builder::kIssuer, token, "grantRole(bytes32,address)",
         {abi::Value::bytes32(core::roles::corporate_action()), dev_key(1).address()});
  std::vector<Address> inv;
  for (uint32_t i = 0; i < b.investors(); ++i)
    inv.push_back(dev_key(3 + i).address());
  std::vector<Address> purchasers;
  for (size_t i = 0; i < extra_purchasers; ++i) {
    Address a;
    a.b[0] = 0xab;
    a.b[19] = static_cast<uint8_t>(i + 1);
    purchasers.push_back(a);
  }
  for (const Address& a : inv)
    b.call(Builder::kOfficer, b.registry(), "onboard(address,bytes2,uint8,uint256)",
           {a, b2(a.b[1] % 2 ? "US" : "GB"), 1, 0});
  for (const Address& a : purchasers)
    b.call(Builder::kOfficer, b.registry(), "onboard(address,bytes2,uint8,uint256)",
           {a, b2("US"), 1, 0});
  b.seal(kHistoryStart + kDay + 100);
  for (size_t i = 0; i < inv.size(); ++i)
    b.call(Builder::kIssuer, token, "mint(address,uint256)", {inv[i], U256(1000 * (i + 1))});
  b.seal(kHistoryStart + kDay + 200);
  std::mt19937_64 rng(17);
  for (int d = 2; d < days + 2; ++d) {
    for (int k = 0; k < 3; ++k) {
      const size_t from = rng() % inv.size();
      const size_t to = rng() % inv.size();
      b.call(b.investor_key(from), token, "transfer(address,uint256)",
             {inv[to], U256(1 + rng() % 700)});  // some exceed the balance: refused
    }
    if (d % 7 == 0) {  // refused: the receiver is not onboarded
      b.call(b.investor_key(0), token, "transfer(address,uint256)", {outsider, U256(1)});
    }
    if (d == 10)
      b.call(Builder::kOfficer, token, "freezePartialTokens(address,uint256)", {inv[2], U256(100)});
    if (d == 12) b.call(Builder::kOfficer, token, "setAddressFrozen(address,bool)", {inv[3], true});
    if (d == 15) {
      b.call(Builder::kIssuer, token, "forcedTransfer(address,address,uint256,string,bytes32)",
             {inv[3], inv[4], U256(500), "court order 2026-17",
              abi::Value::bytes32(Bytes32::from_view(Bytes(32, 0x17)))});
    }
    if (d == 18) b.call(Builder::kIssuer, token, "burn(address,uint256)", {inv[5], U256(250)});
    if (d == 20) {
      b.call(Builder::kOfficer, token, "unfreezePartialTokens(address,uint256)",
             {inv[2], U256(40)});
      b.call(Builder::kOfficer, token, "setAddressFrozen(address,bool)", {inv[3], false});
    }
    if (d == 25) {  // a second issuance round, to purchasers without keys
      for (size_t i = 0; i < purchasers.size(); ++i)
        b.call(Builder::kIssuer, token, "mint(address,uint256)", {purchasers[i], U256(10 + i)});
    }
    b.seal(kHistoryStart + static_cast<uint64_t>(d) * kDay + 500);
  }
  if (dividend) {
    std::vector<Address> payees = inv;
    payees.insert(payees.end(), purchasers.begin(), purchasers.end());
    pay_dividend(b, token, kHistoryStart + static_cast<uint64_t>(days + 2) * kDay + 700,
                 U256(1'234'567), {{"GB", 1500}}, payees);
  }
  History h = b.take();
  h.purchasers = std::move(purchasers);
  return h;
}

}  // namespace stoa::ta::testing

namespace stoa::ta::testing {
namespace {

const char* const kCountries[] = {"US", "GB", "DE", "SG"};

// The token and registry of the security created by receipt `r` of `block`.
std::pair<Address, Address> created(const chain::Chain& c, uint64_t block, size_t r) {
  const Bytes32 topic = keccak256(std::string_view(
      "SecurityCreated(address,address,uint8,address,address,address,address,address)"));
  for (const core::Log& l : c.block_by_number(block)->receipts.at(r).logs) {
    if (l.topics.size() > 1 && l.topics[0] == topic) {
      return {Address::from_word(l.topics[1]),
              Address::from_word(Bytes32::from_view(BytesView(l.data.data() + 32, 32)))};
    }
  }
  throw std::runtime_error("no SecurityCreated in the receipt");
}

// Three random transfers a day (some over the sender's balance: refused), at spread times.
void daily_transfers(Builder& b, const History& h, std::mt19937_64& rng, const Address& token) {
  for (int k = 0; k < 3; ++k) {
    size_t from = rng() % h.investors.size();
    if (from == 3) from = 13;  // investor 3 never sends: its forced transfer (day 150) is covered
    const size_t to = rng() % h.investors.size();
    b.call(b.investor_key(from), token, "transfer(address,uint256)",
           {h.investors[to], U256(1 + rng() % 2500)});
  }
}

Bytes doc_bytes(uint8_t b) {
  return Bytes(32, b);
}

// Day 330: every corporate action of docs/corporate-actions.md but the conversion, in a block of
// its own, on holders that hold at least 100 then.
void corporate_actions(Builder& b, const Address& token, uint64_t ts) {
  std::vector<Address> h;
  for (const Address& a : b.history().investors) {
    const auto& holders = b.history().at_block.back().holders;
    if (const auto it = holders.find(a); it != holders.end() && it->second >= U256(100)) {
      h.push_back(a);
    }
  }
  const Address custodian = dev_key(498).address();  // a court's wallet: never onboarded
  const auto doc = [](uint8_t x) { return abi::Value::bytes32(Bytes32::from_view(Bytes(32, x))); };
  b.call(Builder::kIssuer, token, "seize(address,address,uint256,string,bytes32)",
         {h[0], custodian, U256(50), "seizure order 2026-330", doc(0x33)});
  b.call(
      Builder::kIssuer, token, "controllerTransfer(address,address,uint256,bytes,bytes)",
      {h[1], h[2], U256(40), doc_bytes(0x34), Bytes{'c', 'o', 'u', 'r', 't', ' ', '3', '3', '1'}});
  b.call(Builder::kIssuer, token, "controllerRedeem(address,uint256,bytes,bytes)",
         {h[3], U256(30), doc_bytes(0x35), Bytes{'r', 'e', 'd', 'e', 'e', 'm'}});
  b.call(Builder::kIssuer, token, "redeemHolders(address[],uint256[],string,bytes32)",
         {abi::ValueList{h[4], h[5]}, abi::ValueList{U256(20), U256(25)}, "odd-lot redemption",
          doc(0x36)});
  b.call(Builder::kIssuer, token, "distributeInKind(address[],uint256[],string,bytes32)",
         {abi::ValueList{h[0], h[1]}, abi::ValueList{U256(7), U256(9)}, "bonus issue 2026",
          doc(0x37)});
  b.seal(ts);
}

}  // namespace

History make_year_history() {
  constexpr uint32_t kN = 200;
  Builder b(kN);
  const Address issuer = dev_key(1).address();
  b.call(Builder::kOp, core::factory_address(),
         "createSecurity(string,string,uint8,uint8,address,address)",
         {"Acme Holdings", "ACME", 0, 5, issuer, dev_key(2).address()});
  b.call(Builder::kOp, core::factory_address(),
         "createSecurity(string,string,uint8,uint8,address,address)",
         {"Acme Holdings Preferred", "ACMP", 0, 5, issuer, dev_key(2).address()});
  b.seal(kHistoryStart + 3600);
  const auto [token, registry] = created(b.chain(), 1, 0);
  const auto [preferred, preferred_registry] = created(b.chain(), 1, 1);
  const std::vector<Address> inv = b.history().investors;
  b.call(Builder::kIssuer, token, "grantRole(bytes32,address)",  // for the forced transfer
         {abi::Value::bytes32(core::roles::corporate_action()), issuer});
  b.call(Builder::kIssuer, preferred, "grantRole(bytes32,address)",  // for the conversion
         {abi::Value::bytes32(core::roles::corporate_action()), issuer});
  for (size_t i = 0; i < inv.size(); ++i) {
    b.call(Builder::kOfficer, registry, "onboard(address,bytes2,uint8,uint256)",
           {inv[i], b2(kCountries[i % 4]), 1, 0});
    if (i % 7 == 0) {  // the preferred class: 29 of them
      b.call(Builder::kOfficer, preferred_registry, "onboard(address,bytes2,uint8,uint256)",
             {inv[i], b2(kCountries[i % 4]), 1, 0});
    }
  }
  b.seal(kHistoryStart + kDay + 3000);
  // The offering: 50 subscriptions a day over four days.
  for (size_t day = 0; day < 4; ++day) {
    for (size_t i = day * 50; i < (day + 1) * 50; ++i)
      b.call(Builder::kIssuer, token, "mint(address,uint256)", {inv[i], U256(1000 + 37 * i)});
    b.seal(kHistoryStart + (2 + day) * kDay + 7200 + day * 1111);
  }
  std::mt19937_64 rng(2026);
  const Address outsider = dev_key(500).address();  // never onboarded
  for (uint64_t d = 6; d < 365; ++d) {
    if (d == 301 || d == 302) continue;  // the dividend round's blocks (day 300)
    daily_transfers(b, b.history(), rng, token);
    if (d % 30 == 0) {  // refused: the receiver is not onboarded
      b.call(b.investor_key(0), token, "transfer(address,uint256)", {outsider, U256(1)});
    }
    if (d == 100) {
      b.call(Builder::kOfficer, token, "freezePartialTokens(address,uint256)", {inv[2], U256(100)});
    }
    if (d == 120)
      b.call(Builder::kOfficer, token, "setAddressFrozen(address,bool)", {inv[3], true});
    if (d == 150) {
      b.call(Builder::kIssuer, token, "forcedTransfer(address,address,uint256,string,bytes32)",
             {inv[3], inv[4], U256(500), "court order 2026-150",
              abi::Value::bytes32(Bytes32::from_view(Bytes(32, 0x50)))});
    }
    if (d == 160)
      b.call(Builder::kOfficer, token, "setAddressFrozen(address,bool)", {inv[3], false});
    if (d == 200) b.call(Builder::kIssuer, token, "burn(address,uint256)", {inv[5], U256(250)});
    if (d == 250) {  // the preferred round
      for (size_t i = 0; i < inv.size(); i += 7)
        b.call(Builder::kIssuer, preferred, "mint(address,uint256)", {inv[i], U256(500 + i)});
    }
    b.seal(kHistoryStart + d * kDay + rng() % 80000);
    if (d == 300) {
      pay_dividend(b, token, kHistoryStart + d * kDay + 82000, U256(5'000'000'00),
                   {{"DE", 2638}, {"SG", 1000}}, inv);
    }
    if (d == 330) corporate_actions(b, token, kHistoryStart + d * kDay + 85000);
    if (d == 340) {  // a 3-for-2 split of the common stock, in a block of its own
      b.call(Builder::kIssuer, token, "split(uint256,uint256,string,bytes32)",
             {U256(3), U256(2), "3-for-2 stock split 2026",
              abi::Value::bytes32(Bytes32::from_view(Bytes(32, 0x52)))});
      b.seal(kHistoryStart + d * kDay + 85000);
    }
    if (d == 355) {  // the preferred class converts into common, 3 for 2, and is retired
      b.call(Builder::kIssuer, preferred, "startConversion(address,uint256,uint256,string,bytes32)",
             {token, U256(3), U256(2), "conversion of the preferred into common",
              abi::Value::bytes32(Bytes32::from_view(Bytes(32, 0x38)))});
      b.seal(kHistoryStart + d * kDay + 85000);
    }
  }
  History h = b.take();
  h.second_token = preferred;
  h.issuer = issuer;
  return h;
}

}  // namespace stoa::ta::testing

namespace stoa::ta::testing {

namespace {
abi::Value partition(const char* name) {
  Bytes32 p;
  for (size_t i = 0; name[i] != 0; ++i)
    p.b[i] = static_cast<uint8_t>(name[i]);
  return abi::Value::bytes32(p);
}
}  // namespace

History make_partition_history() {
  Builder b(8);
  const std::vector<Address> inv = b.history().investors;
  b.call(Builder::kOp, core::factory_address(),
         "createSecurity(string,string,uint8,uint8,address,address)",
         {"Partitioned Co", "PART", 0, 5, dev_key(1).address(), dev_key(2).address()});
  b.seal(kHistoryStart + 3600);
  const Address token = b.history().token;
  b.call(Builder::kIssuer, token, "grantRole(bytes32,address)",
         {abi::Value::bytes32(core::roles::corporate_action()), dev_key(1).address()});
  for (const Address& a : inv)
    b.call(Builder::kOfficer, b.registry(), "onboard(address,bytes2,uint8,uint256)",
           {a, b2("US"), 1, 0});
  b.seal(kHistoryStart + kDay);
  for (size_t i = 0; i < 4; ++i)
    b.call(Builder::kIssuer, token, "mint(address,uint256)", {inv[i], U256(1000)});
  const char* issue = "issueByPartition(bytes32,address,uint256,bytes)";
  b.call(Builder::kIssuer, token, issue, {partition("REG-S"), inv[0], U256(300), Bytes{}});
  b.call(Builder::kIssuer, token, issue, {partition("REG-D"), inv[1], U256(500), Bytes{}});
  b.call(Builder::kIssuer, token, issue, {partition("REG-D"), inv[0], U256(200), Bytes{}});
  b.seal(kHistoryStart + 2 * kDay);
  b.call(b.investor_key(0), token, "transferByPartition(bytes32,address,uint256,bytes)",
         {partition("REG-S"), inv[2], U256(100), Bytes{}});
  b.call(b.investor_key(1), token, "transfer(address,uint256)", {inv[3], U256(1200)});
  Bytes change(32, 0xff);  // UniversalToken's flag, then the destination partition
  const Bytes dest = partition("REG-S").bytes();
  change.insert(change.end(), dest.begin(), dest.end());
  b.call(Builder::kIssuer, token,
         "operatorTransferByPartition(bytes32,address,address,uint256,bytes,bytes)",
         {partition("REG-D"), inv[0], inv[0], U256(50), change, Bytes{}});
  b.seal(kHistoryStart + 3 * kDay);
  b.call(Builder::kIssuer, token, "burn(address,uint256)", {inv[0], U256(1100)});
  b.call(Builder::kIssuer, token, "operatorRedeemByPartition(bytes32,address,uint256,bytes,bytes)",
         {partition("REG-S"), inv[2], U256(40), Bytes{}, Bytes{}});
  b.seal(kHistoryStart + 4 * kDay);
  b.call(Builder::kIssuer, token, "forcedTransfer(address,address,uint256,string,bytes32)",
         {inv[3], inv[4], U256(1100), "court order",
          abi::Value::bytes32(Bytes32::from_view(Bytes(32, 9)))});
  b.seal(kHistoryStart + 5 * kDay);
  // A 3-for-2 split (each named partition floored, the default one absorbing the rest), then in
  // the same block a plain burn drawing the post-split default partition.
  b.call(Builder::kIssuer, token, "grantRole(bytes32,address)",
         {abi::Value::bytes32(core::roles::corporate_action()), dev_key(1).address()});
  b.call(Builder::kIssuer, token, "split(uint256,uint256,string,bytes32)",
         {U256(3), U256(2), "3-for-2", abi::Value::bytes32(Bytes32::from_view(Bytes(32, 0x52)))});
  b.call(Builder::kIssuer, token, "burn(address,uint256)", {inv[3], U256(7)});
  b.seal(kHistoryStart + 6 * kDay);
  // Shares on hold: inv[2] (default 1500, REG-S 90) holds 1450 of its default partition, so a
  // plain burn of 100 draws its free 50 there and 50 of REG-S; the register follows the burn's
  // RedeemedByPartition legs (rules V7), not its own default-first order (which would take 100
  // from the default partition).
  b.call(b.investor_key(2), token, "hold(bytes32,address,address,uint256,uint256)",
         {abi::Value::bytes32(Bytes32::from_view(Bytes(32, 0x48))), inv[3], inv[5], U256(1450),
          U256(0)});
  b.call(Builder::kIssuer, token, "burn(address,uint256)", {inv[2], U256(100)});
  b.seal(kHistoryStart + 7 * kDay);
  return b.take();
}

History make_partition_dividend_history() {
  Builder b(3);
  const std::vector<Address> inv = b.history().investors;
  const Address issuer = dev_key(1).address();
  b.call(Builder::kOp, core::factory_address(),
         "createSecurity(string,string,uint8,uint8,address,address)",
         {"Two Classes Co", "TWOC", 0, 3, issuer, dev_key(2).address()});
  b.call(Builder::kOp, core::factory_address(), "createPaymentToken(string,string,uint8,address)",
         {"US Dollar", "USD", 2, issuer});
  b.seal(kHistoryStart + 3600);
  const Address token = b.history().token;
  const Address usd = b.head_address("PaymentTokenCreated(address,address,string,string,uint8)", 1);
  for (const Address& a : inv)
    b.call(Builder::kOfficer, b.registry(), "onboard(address,bytes2,uint8,uint256)",
           {a, b2("US"), 1, 0});
  b.call(Builder::kIssuer, token, "grantRole(bytes32,address)",
         {abi::Value::bytes32(core::roles::dividend_admin()), issuer});
  b.call(Builder::kIssuer, usd, "mint(address,uint256)", {issuer, U256(10'000)});
  b.call(Builder::kOp, core::factory_address(), "createDividendDistributor(address,address)",
         {token, dev_key(499).address()});
  b.seal(kHistoryStart + kDay);
  const Address dist = b.head_address("DividendDistributorCreated(address,address,address)", 5);
  const char* issue = "issueByPartition(bytes32,address,uint256,bytes)";
  b.call(Builder::kIssuer, token, "mint(address,uint256)", {inv[0], U256(1000)});
  b.call(Builder::kIssuer, token, issue, {partition("PREF"), inv[1], U256(300), Bytes{}});
  b.call(Builder::kIssuer, token, issue, {partition("PREF"), inv[2], U256(100), Bytes{}});
  b.call(Builder::kIssuer, token, "snapshot()", {});
  b.call(Builder::kIssuer, usd, "approve(address,uint256)", {dist, U256(10'000)});
  b.call(Builder::kIssuer, dist,
         "createDividendByPartition(bytes32,address,uint256,uint256,uint256,bytes32)",
         {partition("PREF"), usd, U256(400), U256(1), U256(kHistoryStart + 60 * kDay),
          abi::Value::bytes32(Bytes32{})});
  b.call(
      Builder::kIssuer, dist, "createDividend(address,uint256,uint256,uint256,bytes32)",
      {usd, U256(1400), U256(1), U256(kHistoryStart + 60 * kDay), abi::Value::bytes32(Bytes32{})});
  b.seal(kHistoryStart + 2 * kDay);
  b.call(b.investor_key(1), dist, "claim(uint256)", {1});
  b.call(b.investor_key(1), dist, "claim(uint256)", {2});
  b.seal(kHistoryStart + 3 * kDay);
  History& h = b.mutable_history();
  h.payment_token = usd;
  h.distributor = dist;
  h.withholding_account = dev_key(499).address();
  h.dividend_block = h.chain->height();
  return b.take();
}

History make_minted(const std::string& name, const std::string& symbol,
                    const std::vector<std::pair<Address, U256>>& mints) {
  Builder b(1);
  b.call(Builder::kOp, core::factory_address(),
         "createSecurity(string,string,uint8,uint8,address,address)",
         {name, symbol, 0, 5, dev_key(1).address(), dev_key(2).address()});
  b.seal(kHistoryStart + 3600);
  std::set<Address> onboarded;
  for (const auto& [to, amount] : mints) {
    if (onboarded.insert(to).second) {
      b.call(Builder::kOfficer, b.registry(), "onboard(address,bytes2,uint8,uint256)",
             {to, b2("US"), 1, 0});
    }
  }
  b.seal(kHistoryStart + kDay);
  for (const auto& [to, amount] : mints)
    b.call(Builder::kIssuer, b.history().token, "mint(address,uint256)", {to, amount});
  b.seal(kHistoryStart + 2 * kDay);
  return b.take();
}

}  // namespace stoa::ta::testing
