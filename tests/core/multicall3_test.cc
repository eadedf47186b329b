// Multicall3 (issue 13, item 6): code without state at its canonical address. It answers
// simulate() (eth_call) only, batches views, and leaves the state encoding (hence every state
// root) exactly as it was. The viem side is tests/e2e/viem.test.js.
#include "stoa/core/multicall3.h"

#include <string>

#include "ledger_fixture.h"
#include "stoa/core/contract_kinds.h"
#include "stoa/core/state.h"

namespace stoa::core::testing {
namespace {

class Multicall3Test : public LedgerTest {
 protected:
  CallResult simulate(std::string_view signature, const abi::ValueList& args,
                      const BlockContext& block) {
    auto sig = abi::parse_signature(signature);
    EXPECT_TRUE(sig.has_value()) << signature;
    auto data = abi::encode_call(*sig, args);
    return state_.simulate(addr("reader"), multicall3_address(), std::get<0>(data), block);
  }
  static Bytes encoded(std::string_view signature, const abi::ValueList& args = {}) {
    return std::get<0>(abi::encode_call(*abi::parse_signature(signature), args));
  }
  static abi::ValueList decoded(std::string_view types, const CallResult& r) {
    auto t = abi::parse_type(types);
    EXPECT_TRUE(t.has_value()) << types;
    auto out = abi::decode(t->components, r.output);
    EXPECT_EQ(out.index(), 0u);
    return out.index() == 0 ? std::get<0>(out) : abi::ValueList{};
  }
};

// A tuple value, and the argument list of a batch of tuples (a ValueList holding one ValueList in
// braces would be copied instead of nested).
abi::Value tup(abi::ValueList v) {
  return abi::Value(std::move(v));
}
abi::ValueList batch(abi::ValueList calls) {
  return abi::ValueList{abi::Value(std::move(calls))};
}

class FixedHashes final : public BlockHashes {
 public:
  std::optional<Bytes32> hash(uint64_t number) const override {
    Bytes32 h;
    h.b[31] = static_cast<uint8_t>(number);
    h.b[0] = 0xab;
    return h;
  }
};

TEST_F(Multicall3Test, IsCodeNotState) {
  EXPECT_EQ(multicall3_address().checksum_hex(), "0xcA11bde05977b3631167028862bE2a173976CA11");
  EXPECT_EQ(state_.contract(multicall3_address()), nullptr);
  EXPECT_EQ(kind_name(ContractKind::kMulticall3), "Multicall3");
  // Not in the encoding: a state with Multicall3 digests as a state without it always did.
  const Bytes32 before = state_.digest();
  const BlockContext block{5, 1000};
  ASSERT_TRUE(simulate("getChainId()", {}, block).success);
  EXPECT_EQ(state_.digest(), before);
  StateDecoder dec(BytesView{});
  DecodeContext ctx{state_, {}};
  EXPECT_EQ(Multicall3::decode_state(ctx, multicall3_address(), dec), nullptr);
  EXPECT_FALSE(dec.ok());
}

TEST_F(Multicall3Test, TransactionsAreRefusedAtAdmission) {
  auto refusal = state_.check_call_shape(multicall3_address(), encoded("getChainId()"));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(describe_revert(refusal->data).find("eth_call only"), std::string::npos);
  // Executed as a transaction anyway (never: admission refuses), it is no contract.
  const CallResult r = state_.call(addr("reader"), multicall3_address(), encoded("getChainId()"),
                                   BlockContext{1, 1});
  EXPECT_FALSE(r.success);
}

TEST_F(Multicall3Test, BlockAndChainGetters) {
  const FixedHashes hashes;
  const BlockContext block{300, 1234, kLatestRules, &hashes};
  EXPECT_EQ(decoded("(uint256)", simulate("getChainId()", {}, block))[0].u256(), U256(1337));
  EXPECT_EQ(decoded("(uint256)", simulate("getBlockNumber()", {}, block))[0].u256(), U256(300));
  EXPECT_EQ(decoded("(uint256)", simulate("getCurrentBlockTimestamp()", {}, block))[0].u256(),
            U256(1234));
  EXPECT_EQ(decoded("(uint256)", simulate("getEthBalance(address)", {addr("x")}, block))[0].u256(),
            U256(0));
  const Bytes32 last = *hashes.hash(299);
  EXPECT_EQ(decoded("(bytes32)", simulate("getLastBlockHash()", {}, block))[0].as_bytes32(), last);
  auto hash_of = [&](uint64_t n) {
    return decoded("(bytes32)", simulate("getBlockHash(uint256)", {U256(n)}, block))[0]
        .as_bytes32();
  };
  EXPECT_EQ(hash_of(299), last);
  EXPECT_EQ(hash_of(44), *hashes.hash(44));  // 256 blocks back: known
  EXPECT_EQ(hash_of(43), Bytes32{});         // 257 back: zero, as Solidity's blockhash
  EXPECT_EQ(hash_of(300), Bytes32{});        // the current block: zero
  // Without hashes (tests, scenarios): zero.
  const BlockContext bare{300, 1234};
  EXPECT_EQ(decoded("(bytes32)", simulate("getLastBlockHash()", {}, bare))[0].as_bytes32(),
            Bytes32{});
}

TEST_F(Multicall3Test, AggregatesViewsAndReportsFailures) {
  const BlockContext block{7, 100};
  const Bytes chain_id = encoded("getChainId()");
  const Bytes bad = encoded("noSuchFunction()");
  const Address factory = factory_address();
  const Bytes role = encoded("securityCount()");
  // aggregate3: failures allowed in place.
  CallResult r = simulate("aggregate3((address,bool,bytes)[])",
                          batch({tup({factory, true, role}), tup({factory, true, bad}),
                                 tup({multicall3_address(), false, chain_id})}),
                          block);
  ASSERT_TRUE(r.success) << describe_revert(r.output);
  const abi::ValueList results = decoded("((bool,bytes)[])", r)[0].list();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].list()[0].boolean());
  EXPECT_FALSE(results[1].list()[0].boolean());
  EXPECT_NE(describe_revert(results[1].list()[1].bytes()).find("unknown function selector"),
            std::string::npos);
  EXPECT_TRUE(results[2].list()[0].boolean());
  // A failure not allowed reverts the batch.
  r = simulate("aggregate3((address,bool,bytes)[])", batch({tup({factory, false, bad})}), block);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(describe_revert(r.output), "Error(\"Multicall3: call failed\")");
  r = simulate("aggregate((address,bytes)[])", batch({tup({factory, bad})}), block);
  EXPECT_FALSE(r.success);
  r = simulate("tryAggregate(bool,(address,bytes)[])",
               {false, abi::Value(abi::ValueList{tup({factory, bad})})}, block);
  EXPECT_TRUE(r.success);
  // aggregate: the block number and the return data.
  r = simulate("aggregate((address,bytes)[])", batch({tup({multicall3_address(), chain_id})}),
               block);
  ASSERT_TRUE(r.success);
  const abi::ValueList agg = decoded("(uint256,bytes[])", r);
  EXPECT_EQ(agg[0].u256(), U256(7));
  EXPECT_EQ(agg[1].list()[0].bytes(),
            std::get<0>(abi::encode({*abi::parse_type("uint256")}, {U256(1337)})));
  // A value is refused (no native coin); a state-changing sub-call fails in place.
  r = simulate("aggregate3Value((address,bool,uint256,bytes)[])",
               batch({tup({factory, true, U256(1), role})}), block);
  EXPECT_FALSE(r.success);
  const Bytes create = encoded("createSecurity(string,string,uint8,uint8,address,address)",
                               {"A", "A", 0, 1, addr("issuer"), addr("officer")});
  const Bytes32 before = state_.digest();
  r = simulate("aggregate3((address,bool,bytes)[])", batch({tup({factory, true, create})}), block);
  ASSERT_TRUE(r.success);
  const abi::ValueList w = decoded("((bool,bytes)[])", r)[0].list();
  EXPECT_FALSE(w[0].list()[0].boolean());
  EXPECT_NE(describe_revert(w[0].list()[1].bytes()).find("view functions only"), std::string::npos);
  EXPECT_EQ(state_.digest(), before);
}

}  // namespace
}  // namespace stoa::core::testing
