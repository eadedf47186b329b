// The Ethereum JSON-RPC methods the node answers (the eth_/net_/web3_ subset wallets and
// libraries use, and with --dev the Hardhat methods evm_increaseTime / evm_mine and
// eth_accounts). Each method validates its parameters strictly (-32602) before touching the
// ledger. See docs/NODE.md for the behaviour of each.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stoa/node/filters.h"
#include "stoa/node/ledger.h"
#include "stoa/node/rpc.h"

namespace stoa::node {

// Returned by eth_getCode for a native contract: 0xfe (INVALID: executing it fails at once)
// followed by "stoa" in ASCII.
inline constexpr std::string_view kNativeCodeMarker = "0xfe73746f61";
// Added to the intrinsic gas of the data by eth_estimateGas on a chain that does not meter (gas
// is notional: never charged); a metering chain answers the metered figure exactly.
inline constexpr uint64_t kEstimateGasMargin = 100'000;
// Longest eth_sendRawTransaction waits for the block with --sync-submit.
inline constexpr std::chrono::seconds kSyncSubmitTimeout{30};
// Largest evm_increaseTime step (100 years).
inline constexpr int64_t kMaxTimeIncreaseSeconds = 100LL * 366 * 24 * 3600;
inline constexpr uint64_t kMaxFeeHistoryBlocks = 1024;

struct EthApiOptions {
  bool dev = false;          // evm_increaseTime, evm_mine, eth_accounts with the dev accounts
  bool sync_submit = false;  // eth_sendRawTransaction returns once the block is sealed
  std::vector<Address> dev_accounts;
  std::string client_version = "stoa/0.1.0";
};

class EthApi {
 public:
  EthApi(Ledger& ledger, Metrics& metrics, EthApiOptions options);

  // Dispatches one request; throws RpcError. `client` is the caller's remote address (filters
  // are capped per client, kMaxFiltersPerClient).
  json handle(const std::string& method, const json& params, const std::string& client = "");
  // handle() without JSON documents for eth_sendRawTransaction and eth_getTransactionReceipt
  // (rpc.h FastBody): the same answers and errors, the result written as JSON text. The
  // transactions of a batch are decoded and their signers recovered before any is admitted.
  std::unique_ptr<FastBody> fast_body(size_t requests);
  std::vector<std::string> methods() const;

 private:
  using Method = json (EthApi::*)(const json&);
  void require_head_state(const BlockTag& t);  // eth_estimateGas: the head only
  // The block a state read names (docs/NODE.md, "Reads at past blocks"): nullopt for the head
  // state as tags name it (latest, pending, safe, finalized), else a number (earliest: 0, a hash:
  // its block's). -32001 for an unknown hash or a block after the head.
  std::optional<uint64_t> state_block(const BlockTag& t);
  // Runs fn with the state readable at block `number` (Ledger::at_block); -32000 naming the
  // window when the block is beyond it, -32001 when it is after the head.
  void at_past_block(uint64_t number, const std::function<void(chain::Chain&)>& fn);
  std::shared_ptr<const chain::Block> block_for_tag(
      const BlockTag& t);  // shared lock held by the caller
  json revert_error(const core::CallResult& r);
  class Fast;
  using Decoded = std::variant<chain::SignedTransaction, chain::TxError>;
  // eth_sendRawTransaction once the hex is decoded: the transaction's hash, or RpcError.
  Bytes32 submit_raw(BytesView raw);
  // The same once the transaction is decoded (`detail` is decode_transaction's).
  Bytes32 submit_decoded(Decoded decoded, const std::string& detail);
  Decoded decode(BytesView raw, std::string* detail) const;

  json chain_id(const json& p);
  json net_version(const json& p);
  json client_version(const json& p);
  json block_number(const json& p);
  json syncing(const json& p);
  json listening(const json& p);
  json get_block_by_number(const json& p);
  json get_block_by_hash(const json& p);
  json get_transaction_by_hash(const json& p);
  json get_transaction_receipt(const json& p);
  json get_transaction_count(const json& p);
  json send_raw_transaction(const json& p);
  json call(const json& p);
  json estimate_gas(const json& p);
  json zero(const json& p);
  json fee_history(const json& p);
  json get_balance(const json& p);
  json get_code(const json& p);
  json get_storage_at(const json& p);
  json coinbase(const json& p);
  json block_transaction_count_by_hash(const json& p);
  json block_transaction_count_by_number(const json& p);
  json transaction_by_block_hash_and_index(const json& p);
  json transaction_by_block_number_and_index(const json& p);
  // A call to an address without code: nothing runs (Ethereum answers 0x / intrinsic gas).
  bool has_code(const Address& a);
  json get_logs(const json& p);
  json new_filter(const json& p);
  json new_block_filter(const json& p);
  json get_filter_changes(const json& p);
  json get_filter_logs(const json& p);
  json uninstall_filter(const json& p);
  json accounts(const json& p);
  json increase_time(const json& p);
  json mine(const json& p);

  Ledger& ledger_;
  Metrics& metrics_;
  EthApiOptions options_;
  Filters filters_;
  std::map<std::string, Method, std::less<>> methods_;
};

}  // namespace stoa::node
