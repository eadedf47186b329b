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

}  // namespace

History make_history(int days, size_t extra_purchasers) {
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
  }
  History h = b.take();
  h.second_token = preferred;
  h.issuer = issuer;
  return h;
}

}  // namespace stoa::ta::testing

namespace stoa::ta::testing {

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
