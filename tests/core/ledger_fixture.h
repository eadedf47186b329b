// The state-transition fixture (evmone's three parts): a pre-state built with the factory, a
// call, and the expectation. Every call that reverts is checked to leave the state digest
// exactly as it was.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "stoa/abi/abi.h"
#include "stoa/core/factory.h"
#include "stoa/core/state.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::core::testing {

inline Address addr(std::string_view label) {
  return crypto::key_for_label(label).address();
}
inline abi::Value b2(const char* j) {
  return abi::Value(Bytes{static_cast<uint8_t>(j[0]), static_cast<uint8_t>(j[1])});
}

class LedgerTest : public ::testing::Test {
 protected:
  LedgerTest() : state_(GenesisConfig{1337, addr("operator"), false}) {}

  // Calls `signature` on `target` as `sender` at the current block.
  CallResult call(const Address& sender, const Address& target, std::string_view signature,
                  const abi::ValueList& args = {}) {
    auto sig = abi::parse_signature(signature);
    EXPECT_TRUE(sig.has_value()) << signature;
    auto data = abi::encode_call(*sig, args);
    EXPECT_EQ(data.index(), 0u) << signature;
    const Bytes32 before = state_.digest();
    ++block_.number;
    CallResult r = state_.call(sender, target, std::get<0>(data), block_);
    if (!r.success) {
      EXPECT_EQ(state_.digest(), before) << "a refused call changed the state: " << signature
                                         << " -> " << describe_revert(r.output);
      EXPECT_TRUE(r.logs.empty());
    }
    return r;
  }
  // A view through eth_call semantics; decodes the outputs.
  abi::ValueList view(const Address& target, std::string_view signature,
                      const abi::ValueList& args = {}) {
    const Contract* c = state_.contract(target);
    EXPECT_NE(c, nullptr);
    auto sig = abi::parse_signature(signature);
    const Method* m = c->abi().by_selector(abi::selector(*sig));
    EXPECT_NE(m, nullptr) << signature;
    auto data = abi::encode_call(*sig, args);
    CallResult r = state_.simulate(Address{}, target, std::get<0>(data), block_);
    EXPECT_TRUE(r.success) << signature << ": " << describe_revert(r.output);
    auto out = abi::decode(m->outputs, r.output);
    EXPECT_EQ(out.index(), 0u);
    return out.index() == 0 ? std::get<0>(out) : abi::ValueList{};
  }
  U256 uint_view(const Address& target, std::string_view signature,
                 const abi::ValueList& args = {}) {
    auto v = view(target, signature, args);
    return v.empty() ? U256(0) : v[0].u256();
  }

  static void expect_ok(const CallResult& r) {
    EXPECT_TRUE(r.success) << describe_revert(r.output);
  }
  static void expect_revert(const CallResult& r, ErrorId id, const abi::ValueList& args = {}) {
    EXPECT_FALSE(r.success);
    EXPECT_EQ(to_hex(r.output), to_hex(make_revert(id, args).data))
        << "got " << describe_revert(r.output);
  }
  static void expect_restricted(const CallResult& r, uint8_t code) {
    expect_revert(r, ErrorId::kTransferRestricted, {U256(code)});
  }
  static void expect_message(const CallResult& r, std::string_view fragment) {
    EXPECT_FALSE(r.success);
    EXPECT_NE(describe_revert(r.output).find(fragment), std::string::npos)
        << describe_revert(r.output);
  }

  // Creates a security with a preset; admin = "issuer", compliance officer = "officer".
  SecuritySet create(std::string symbol, uint8_t preset) {
    CallResult r = call(
        addr("operator"), factory_address(),
        "createSecurity(string,string,uint8,uint8,address,address)",
        {symbol + " Inc.", symbol, 0, static_cast<int>(preset), addr("issuer"), addr("officer")});
    EXPECT_TRUE(r.success) << describe_revert(r.output);
    const SecuritySet* s = state_.factory().find_by_symbol(symbol);
    EXPECT_NE(s, nullptr);
    return *s;
  }
  // Whitelists with a jurisdiction and accreditation.
  void onboard(const SecuritySet& s, std::string_view who, const char* country = "US",
               int accreditation = 1) {
    expect_ok(call(addr("officer"), s.registry, "onboard(address,bytes2,uint8,uint256)",
                   {addr(who), b2(country), accreditation, 0}));
  }
  void mint(const SecuritySet& s, std::string_view who, uint64_t amount) {
    expect_ok(call(addr("issuer"), s.token, "mint(address,uint256)", {addr(who), amount}));
  }
  void advance(uint64_t seconds) { block_.timestamp += seconds; }

  State state_;
  BlockContext block_{0, 1767225600};  // 2026-01-01T00:00:00Z
};

}  // namespace stoa::core::testing
