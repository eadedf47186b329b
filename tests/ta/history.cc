#include "history.h"

#include <random>

#include "chain/chain_test_util.h"
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
  Builder() {
    chain::ChainConfig c;
    c.genesis = core::GenesisConfig{chain::testing::kChainId, dev_key(0).address(), false};
    c.genesis_timestamp = kHistoryStart;
    h_.chain = std::make_unique<chain::Chain>(c);
    for (uint32_t i = 0; i < 3 + kInvestors; ++i)
      keys_.push_back(dev_key(i));
    for (uint32_t i = 0; i < kInvestors; ++i)
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

  static constexpr uint32_t kInvestors = 8;
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
  for (uint32_t i = 0; i < Builder::kInvestors; ++i)
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
