// Multicall3's handlers (include/stoa/core/multicall3.h).
#include "stoa/core/multicall3.h"

#include <optional>
#include <string>
#include <utility>

#include "stoa/core/state.h"

namespace stoa::core {

Address multicall3_address() {
  static const Address a = *Address::parse("0xcA11bde05977b3631167028862bE2a173976CA11");
  return a;
}

Multicall3::Multicall3(State& state) : Contract(state, multicall3_address()) {}

const ContractAbi& Multicall3::abi() const {
  static const ContractAbi kAbi("Multicall3", multicall3_methods(), {}, {});
  return kAbi;
}

std::unique_ptr<Contract> Multicall3::decode_state(DecodeContext& /*ctx*/, const Address& /*self*/,
                                                   StateDecoder& dec) {
  dec.fail("Multicall3 is code, not state: it is never in a state encoding");
  return nullptr;
}

namespace multicall3 {
namespace {

struct Call {
  Address target;
  bool allow_failure = false;
  const Bytes* data = nullptr;
};

// The calls of an argument list: (address,bytes)[], (address,bool,bytes)[] or
// (address,bool,uint256,bytes)[] (a value must be 0).
Result<std::vector<Call>> calls_of(const abi::Value& arg, bool with_flag, bool with_value) {
  const abi::ValueList& list = arg.list();
  if (list.size() > kMaxMulticallCalls) {
    return revert_message("Multicall3: at most " + std::to_string(kMaxMulticallCalls) +
                          " calls in one batch");
  }
  std::vector<Call> out;
  out.reserve(list.size());
  for (const abi::Value& v : list) {
    const abi::ValueList& t = v.list();
    Call c;
    c.target = t[0].address();
    if (with_flag) c.allow_failure = t[1].boolean();
    if (with_value && !t[2].u256().is_zero()) {
      return revert_message("Multicall3: a call's value must be 0 (there is no native coin)");
    }
    c.data = &t.back().bytes();
    out.push_back(c);
  }
  return out;
}

// Runs the calls in order; a failure of a call whose failure is not allowed reverts the batch.
Result<abi::ValueList> run(CallContext& ctx, const std::vector<Call>& calls) {
  abi::ValueList results;
  results.reserve(calls.size());
  for (const Call& c : calls) {
    if (out_of_gas(ctx)) return out_of_gas_revert();
    CallResult r = ctx.state.view_call(multicall3_address(), c.target, *c.data, ctx.block);
    if (!r.success && !c.allow_failure) return revert_message("Multicall3: call failed");
    results.emplace_back(abi::ValueList{r.success, std::move(r.output)});
  }
  return results;
}

Bytes32 block_hash(const BlockContext& b, uint64_t n) {
  if (b.hashes == nullptr || n >= b.number || b.number - n > kMulticallBlockHashWindow) {
    return Bytes32{};
  }
  return b.hashes->hash(n).value_or(Bytes32{});
}

Result<Outputs> block_and(CallContext& ctx, bool require_success, const abi::Value& arg) {
  auto calls = calls_of(arg, false, false);
  if (!calls.ok()) return calls.take_revert();
  for (Call& c : calls.value())
    c.allow_failure = !require_success;
  auto results = run(ctx, calls.value());
  if (!results.ok()) return results.take_revert();
  return Outputs{U256(ctx.block.number),
                 abi::Value::bytes32(block_hash(ctx.block, ctx.block.number - 1)),
                 std::move(results.value())};
}

}  // namespace

Result<Outputs> aggregate(Contract& /*self*/, CallContext& ctx, const abi::ValueList& args) {
  auto calls = calls_of(args[0], false, false);
  if (!calls.ok()) return calls.take_revert();
  auto results = run(ctx, calls.value());
  if (!results.ok()) return results.take_revert();
  abi::ValueList data;
  data.reserve(results.value().size());
  for (abi::Value& r : results.value())
    data.emplace_back(std::move(std::get<abi::ValueList>(r.v)[1]));
  return Outputs{U256(ctx.block.number), std::move(data)};
}

Result<Outputs> aggregate3(Contract& /*self*/, CallContext& ctx, const abi::ValueList& args) {
  auto calls = calls_of(args[0], true, false);
  if (!calls.ok()) return calls.take_revert();
  auto results = run(ctx, calls.value());
  if (!results.ok()) return results.take_revert();
  return Outputs{std::move(results.value())};
}

Result<Outputs> aggregate3_value(Contract& /*self*/, CallContext& ctx, const abi::ValueList& args) {
  auto calls = calls_of(args[0], true, true);
  if (!calls.ok()) return calls.take_revert();
  auto results = run(ctx, calls.value());
  if (!results.ok()) return results.take_revert();
  return Outputs{std::move(results.value())};
}

Result<Outputs> block_and_aggregate(Contract& /*self*/, CallContext& ctx,
                                    const abi::ValueList& args) {
  return block_and(ctx, true, args[0]);
}

Result<Outputs> try_aggregate(Contract& /*self*/, CallContext& ctx, const abi::ValueList& args) {
  auto calls = calls_of(args[1], false, false);
  if (!calls.ok()) return calls.take_revert();
  for (Call& c : calls.value())
    c.allow_failure = !args[0].boolean();
  auto results = run(ctx, calls.value());
  if (!results.ok()) return results.take_revert();
  return Outputs{std::move(results.value())};
}

Result<Outputs> try_block_and_aggregate(Contract& /*self*/, CallContext& ctx,
                                        const abi::ValueList& args) {
  return block_and(ctx, args[0].boolean(), args[1]);
}

Result<Outputs> get_basefee(Contract& /*self*/, CallContext& /*ctx*/,
                            const abi::ValueList& /*args*/) {
  return Outputs{U256(0)};
}

Result<Outputs> get_block_hash(Contract& /*self*/, CallContext& ctx, const abi::ValueList& args) {
  const U256& n = args[0].u256();
  if (!n.fits_u64()) return Outputs{abi::Value::bytes32(Bytes32{})};
  return Outputs{abi::Value::bytes32(block_hash(ctx.block, n.low64()))};
}

Result<Outputs> get_block_number(Contract& /*self*/, CallContext& ctx,
                                 const abi::ValueList& /*args*/) {
  return Outputs{U256(ctx.block.number)};
}

Result<Outputs> get_chain_id(Contract& /*self*/, CallContext& ctx, const abi::ValueList& /*args*/) {
  return Outputs{U256(ctx.state.chain_id())};
}

Result<Outputs> get_coinbase(Contract& /*self*/, CallContext& /*ctx*/,
                             const abi::ValueList& /*args*/) {
  return Outputs{Address{}};
}

Result<Outputs> get_difficulty(Contract& /*self*/, CallContext& /*ctx*/,
                               const abi::ValueList& /*args*/) {
  return Outputs{U256(0)};
}

Result<Outputs> get_timestamp(Contract& /*self*/, CallContext& ctx,
                              const abi::ValueList& /*args*/) {
  return Outputs{U256(ctx.block.timestamp)};
}

Result<Outputs> get_eth_balance(Contract& /*self*/, CallContext& /*ctx*/,
                                const abi::ValueList& /*args*/) {
  return Outputs{U256(0)};
}

Result<Outputs> get_last_block_hash(Contract& /*self*/, CallContext& ctx,
                                    const abi::ValueList& /*args*/) {
  const uint64_t n = ctx.block.number;
  return Outputs{abi::Value::bytes32(n == 0 ? Bytes32{} : block_hash(ctx.block, n - 1))};
}

}  // namespace multicall3
}  // namespace stoa::core
