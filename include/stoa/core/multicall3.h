// Multicall3 (https://github.com/mds1/multicall) as a native contract at its canonical address
// 0xcA11bde05977b3631167028862bE2a173976CA11, so viem's and wagmi's `multicall` (and any tool that
// batches reads through Multicall3) work unchanged. It is code, not state: it exists on every
// chain (new and old) from genesis without a byte in the state encoding, so no state root
// changes. It answers eth_call and eth_estimateGas only (State::simulate); a transaction to it is
// refused at admission (State::check_call_shape), so blocks never contain one. Its sub-calls run
// inside the call with Multicall3 as their sender, as on Ethereum; they may only call view
// functions (the state cannot roll back one failed sub-call alone). docs/NODE.md, "Multicall3".
#pragma once

#include <memory>
#include <vector>

#include "stoa/core/contract.h"

namespace stoa::core {

Address multicall3_address();  // 0xcA11bde05977b3631167028862bE2a173976CA11

// At most this many calls in one batch (each is also charged gas).
inline constexpr size_t kMaxMulticallCalls = 10'000;
// getBlockHash answers for the last 256 blocks, zero beyond (Solidity's blockhash).
inline constexpr uint64_t kMulticallBlockHashWindow = 256;

class Multicall3 final : public Contract {
 public:
  static constexpr ContractKind kKind = ContractKind::kMulticall3;
  explicit Multicall3(State& state);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& /*enc*/) const override {}  // it holds no state
  std::vector<FieldInfo> field_info() const override { return {}; }
  // Never in a state encoding: decoding one is an error.
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);
};

// The method table (src/core/multicall3_abi.cc) and its handlers (src/core/multicall3.cc).
std::vector<MethodSpec> multicall3_methods();
namespace multicall3 {
Result<Outputs> aggregate(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> aggregate3(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> aggregate3_value(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> block_and_aggregate(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> try_aggregate(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> try_block_and_aggregate(Contract& self, CallContext& ctx,
                                        const abi::ValueList& args);
Result<Outputs> get_basefee(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> get_block_hash(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> get_block_number(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> get_chain_id(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> get_coinbase(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> get_difficulty(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> get_timestamp(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> get_eth_balance(Contract& self, CallContext& ctx, const abi::ValueList& args);
Result<Outputs> get_last_block_hash(Contract& self, CallContext& ctx, const abi::ValueList& args);
}  // namespace multicall3

}  // namespace stoa::core
