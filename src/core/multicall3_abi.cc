// Multicall3's method table (include/stoa/core/multicall3.h): the canonical contract's functions
// with its selectors. Every function is a view here: Multicall3 answers eth_call only on stoa
// (the canonical aggregate* functions are payable; a value is refused, there is no native coin).
#include "stoa/core/multicall3.h"

namespace stoa::core {

namespace {

using namespace multicall3;  // NOLINT(google-build-using-namespace): the handlers
constexpr Mutability kView = Mutability::kView;

// The batches.
std::vector<MethodSpec> aggregate_methods() {
  return {
      {"aggregate",
       {{"calls", "(address,bytes)[]"}},
       {{"blockNumber", "uint256"}, {"returnData", "bytes[]"}},
       kView,
       &aggregate,
       "Calls each (target, callData) in order; reverts if one fails."},
      {"aggregate3",
       {{"calls", "(address,bool,bytes)[]"}},
       {{"returnData", "(bool,bytes)[]"}},
       kView,
       &aggregate3,
       "Calls each (target, allowFailure, callData); reverts if a call that does not allow failure "
       "fails. What viem's multicall sends."},
      {"aggregate3Value",
       {{"calls", "(address,bool,uint256,bytes)[]"}},
       {{"returnData", "(bool,bytes)[]"}},
       kView,
       &aggregate3_value,
       "aggregate3 with a value per call; every value must be 0 (no native coin)."},
  };
}

// The batches with the block's number and hash, and tryAggregate.
std::vector<MethodSpec> try_methods() {
  return {
      {"blockAndAggregate",
       {{"calls", "(address,bytes)[]"}},
       {{"blockNumber", "uint256"}, {"blockHash", "bytes32"}, {"returnData", "(bool,bytes)[]"}},
       kView,
       &block_and_aggregate,
       "tryBlockAndAggregate(true, calls)."},
      {"tryAggregate",
       {{"requireSuccess", "bool"}, {"calls", "(address,bytes)[]"}},
       {{"returnData", "(bool,bytes)[]"}},
       kView,
       &try_aggregate,
       "Calls each (target, callData); reverts on a failure only if requireSuccess."},
      {"tryBlockAndAggregate",
       {{"requireSuccess", "bool"}, {"calls", "(address,bytes)[]"}},
       {{"blockNumber", "uint256"}, {"blockHash", "bytes32"}, {"returnData", "(bool,bytes)[]"}},
       kView,
       &try_block_and_aggregate,
       "tryAggregate with the block's number and hash."},
  };
}

// The block and chain getters.
std::vector<MethodSpec> getter_methods() {
  return {
      {"getBasefee", {}, {{"basefee", "uint256"}}, kView, &get_basefee, "0: fees are zero."},
      {"getBlockHash",
       {{"blockNumber", "uint256"}},
       {{"blockHash", "bytes32"}},
       kView,
       &get_block_hash,
       "The hash of one of the last 256 blocks; zero otherwise (Solidity's blockhash)."},
      {"getBlockNumber",
       {},
       {{"blockNumber", "uint256"}},
       kView,
       &get_block_number,
       "The number of the block the call runs in (the head + 1, as for every eth_call on stoa)."},
      {"getChainId", {}, {{"chainid", "uint256"}}, kView, &get_chain_id, "The chain id."},
      {"getCurrentBlockCoinbase",
       {},
       {{"coinbase", "address"}},
       kView,
       &get_coinbase,
       "The zero address: blocks have no beneficiary."},
      {"getCurrentBlockDifficulty", {}, {{"difficulty", "uint256"}}, kView, &get_difficulty, "0."},
      {"getCurrentBlockTimestamp",
       {},
       {{"timestamp", "uint256"}},
       kView,
       &get_timestamp,
       "The timestamp of the block the call runs in."},
      {"getEthBalance",
       {{"addr", "address"}},
       {{"balance", "uint256"}},
       kView,
       &get_eth_balance,
       "0: there is no native coin."},
      {"getLastBlockHash",
       {},
       {{"blockHash", "bytes32"}},
       kView,
       &get_last_block_hash,
       "The hash of the block before the one the call runs in (the head)."},
  };
}

}  // namespace

std::vector<MethodSpec> multicall3_methods() {
  std::vector<MethodSpec> m = aggregate_methods();
  for (MethodSpec& t : try_methods())
    m.push_back(std::move(t));
  for (MethodSpec& g : getter_methods())
    m.push_back(std::move(g));
  return m;
}

}  // namespace stoa::core
