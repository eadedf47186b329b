// The Ethereum JSON-RPC methods.
#include "stoa/node/eth_api.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <variant>

#include "stoa/chain/transaction.h"
#include "stoa/core/errors.h"
#include "stoa/core/multicall3.h"
#include "stoa/node/views.h"

namespace stoa::node {
namespace {

struct CallArgs {
  Address from;
  Address to;
  Bytes data;
};

CallArgs parse_call_object(const json& v) {
  if (!v.is_object()) invalid_params("transaction: expected an object");
  CallArgs c;
  if (v.contains("from") && !v.at("from").is_null()) c.from = parse_address(v.at("from"), "from");
  if (!v.contains("to") || v.at("to").is_null()) {
    throw RpcError(rpc_code::kInvalidInput,
                   "contract creation is not supported: contracts are native, call an address");
  }
  c.to = parse_address(v.at("to"), "to");
  const bool has_data = v.contains("data") && !v.at("data").is_null();
  const bool has_input = v.contains("input") && !v.at("input").is_null();
  if (has_data) c.data = parse_data(v.at("data"), "data");
  if (has_input) {
    Bytes input = parse_data(v.at("input"), "input");
    if (has_data && input != c.data) invalid_params("data and input differ");
    c.data = std::move(input);
  }
  for (const char* q : {"gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "nonce"}) {
    if (v.contains(q) && !v.at(q).is_null()) parse_quantity(v.at(q), q);
  }
  if (v.contains("value") && !v.at("value").is_null() &&
      !parse_quantity(v.at("value"), "value").is_zero()) {
    throw RpcError(rpc_code::kInvalidInput,
                   "non-zero value not supported: the ledger has no native coin");
  }
  return c;
}

bool parse_bool(const json& params, size_t i, std::string_view what) {
  const json* v = param(params, i);
  if (v == nullptr) return false;
  if (!v->is_boolean()) invalid_params(std::string(what) + ": expected true or false");
  return v->get<bool>();
}

// A JSON integer or a hex quantity (evm_increaseTime and evm_mine take either).
int64_t parse_seconds(const json& v, std::string_view what) {
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)) {
    const uint64_t s = v.get<uint64_t>();
    if (s > static_cast<uint64_t>(INT64_MAX)) invalid_params(std::string(what) + ": too large");
    return static_cast<int64_t>(s);
  }
  if (v.is_string()) {
    const uint64_t s = parse_quantity_u64(v, what);
    if (s > static_cast<uint64_t>(INT64_MAX)) invalid_params(std::string(what) + ": too large");
    return static_cast<int64_t>(s);
  }
  invalid_params(std::string(what) + ": expected a non-negative number of seconds");
}

constexpr std::string_view kSendRawTransaction = "eth_sendRawTransaction";
constexpr std::string_view kGetTransactionReceipt = "eth_getTransactionReceipt";

}  // namespace

EthApi::EthApi(Ledger& ledger, Metrics& metrics, EthApiOptions options)
    : ledger_(ledger), metrics_(metrics), options_(std::move(options)) {
  methods_ = {
      {"eth_chainId", &EthApi::chain_id},
      {"net_version", &EthApi::net_version},
      {"net_listening", &EthApi::listening},
      {"web3_clientVersion", &EthApi::client_version},
      {"eth_blockNumber", &EthApi::block_number},
      {"eth_syncing", &EthApi::syncing},
      {"eth_getBlockByNumber", &EthApi::get_block_by_number},
      {"eth_getBlockByHash", &EthApi::get_block_by_hash},
      {"eth_getTransactionByHash", &EthApi::get_transaction_by_hash},
      {"eth_getTransactionReceipt", &EthApi::get_transaction_receipt},
      {"eth_getTransactionCount", &EthApi::get_transaction_count},
      {"eth_sendRawTransaction", &EthApi::send_raw_transaction},
      {"eth_call", &EthApi::call},
      {"eth_estimateGas", &EthApi::estimate_gas},
      {"eth_gasPrice", &EthApi::zero},
      {"eth_maxPriorityFeePerGas", &EthApi::zero},
      {"eth_feeHistory", &EthApi::fee_history},
      {"eth_getBalance", &EthApi::get_balance},
      {"eth_getCode", &EthApi::get_code},
      {"eth_getStorageAt", &EthApi::get_storage_at},
      {"eth_coinbase", &EthApi::coinbase},
      {"eth_getBlockTransactionCountByHash", &EthApi::block_transaction_count_by_hash},
      {"eth_getBlockTransactionCountByNumber", &EthApi::block_transaction_count_by_number},
      {"eth_getTransactionByBlockHashAndIndex", &EthApi::transaction_by_block_hash_and_index},
      {"eth_getTransactionByBlockNumberAndIndex", &EthApi::transaction_by_block_number_and_index},
      {"eth_getLogs", &EthApi::get_logs},
      {"eth_newFilter", &EthApi::new_filter},
      {"eth_newBlockFilter", &EthApi::new_block_filter},
      {"eth_getFilterChanges", &EthApi::get_filter_changes},
      {"eth_getFilterLogs", &EthApi::get_filter_logs},
      {"eth_uninstallFilter", &EthApi::uninstall_filter},
      {"eth_accounts", &EthApi::accounts},
  };
  if (options_.dev) {
    methods_.emplace("evm_increaseTime", &EthApi::increase_time);
    methods_.emplace("evm_mine", &EthApi::mine);
  }
}

std::vector<std::string> EthApi::methods() const {
  std::vector<std::string> out;
  for (const auto& [name, fn] : methods_)
    out.push_back(name);
  return out;
}

namespace {
// The client of the request being handled on this thread (EthApi::handle's argument), for the
// methods that install filters.
thread_local const std::string* t_client = nullptr;
}  // namespace

json EthApi::handle(const std::string& method, const json& params, const std::string& client) {
  const std::string* const outer = t_client;
  t_client = &client;
  struct Restore {
    const std::string* saved;
    ~Restore() { t_client = saved; }
  } restore{outer};
  auto it = methods_.find(method);
  if (it == methods_.end()) {
    metrics_.on_rpc("unknown");
    throw RpcError(rpc_code::kMethodNotFound,
                   "the method " + method + " does not exist/is not available");
  }
  metrics_.on_rpc(method);
  return (this->*(it->second))(params);
}

void EthApi::require_head_state(const BlockTag& t) {
  std::shared_lock lock = ledger_.read_lock();
  const chain::Chain& c = ledger_.chain();
  uint64_t n = 0;
  switch (t.kind) {
    case BlockTag::kLatest:
    case BlockTag::kPending:
    case BlockTag::kSafe:
    case BlockTag::kFinalized:
      return;
    case BlockTag::kEarliest:
      n = 0;
      break;
    case BlockTag::kNumber:
      n = t.number;
      break;
    case BlockTag::kHash: {
      const std::shared_ptr<const chain::Block> b = c.block_by_hash(t.hash);
      if (b == nullptr) throw RpcError(rpc_code::kResourceNotFound, "unknown block hash");
      n = b->header.number;
      break;
    }
  }
  if (n > c.height()) {
    throw RpcError(rpc_code::kResourceNotFound, "block " + std::to_string(n) + " not found");
  }
  if (n != c.height()) {
    throw RpcError(rpc_code::kInvalidInput, "eth_estimateGas runs on the head state only (block " +
                                                std::to_string(c.height()) +
                                                "); eth_call reads at past blocks");
  }
}

std::optional<uint64_t> EthApi::state_block(const BlockTag& t) {
  switch (t.kind) {
    case BlockTag::kLatest:
    case BlockTag::kPending:
    case BlockTag::kSafe:
    case BlockTag::kFinalized:
      return std::nullopt;
    case BlockTag::kEarliest:
      return 0;
    case BlockTag::kNumber:
      return t.number;
    case BlockTag::kHash: {
      std::shared_lock lock = ledger_.read_lock();
      const std::shared_ptr<const chain::Block> b = ledger_.chain().block_by_hash(t.hash);
      if (b == nullptr) throw RpcError(rpc_code::kResourceNotFound, "unknown block hash");
      return b->header.number;
    }
  }
  return std::nullopt;
}

void EthApi::at_past_block(uint64_t number, const std::function<void(chain::Chain&)>& fn) {
  Ledger::PastWindow w;
  switch (ledger_.at_block(number, fn, &w)) {
    case Ledger::PastRead::kOk:
      return;
    case Ledger::PastRead::kFuture:
      throw RpcError(rpc_code::kResourceNotFound, "block " + std::to_string(number) +
                                                      " not found: the head is block " +
                                                      std::to_string(w.head));
    case Ledger::PastRead::kBeyondWindow:
      break;
  }
  if (w.blocks == 0) {
    throw RpcError(rpc_code::kInvalidInput,
                   "state at block " + std::to_string(number) +
                       " is not kept: this node answers at the head only (serve --past-blocks 0)");
  }
  throw RpcError(rpc_code::kInvalidInput,
                 "state at block " + std::to_string(number) +
                     " is beyond the window of reads at past blocks: this node keeps the last " +
                     std::to_string(w.blocks) +
                     " blocks' state (serve --past-blocks), now blocks " +
                     std::to_string(w.oldest) + " to " + std::to_string(w.head));
}

std::shared_ptr<const chain::Block> EthApi::block_for_tag(const BlockTag& t) {
  const chain::Chain& c = ledger_.chain();
  switch (t.kind) {
    case BlockTag::kEarliest:
      return c.block_by_number(0);
    case BlockTag::kNumber:
      return c.block_by_number(t.number);
    case BlockTag::kHash:
      return c.block_by_hash(t.hash);
    default:
      return c.block_by_number(c.height());
  }
}

json EthApi::revert_error(const core::CallResult& r) {
  throw RpcError(rpc_code::kExecutionReverted,
                 "execution reverted: " + core::describe_revert(r.output),
                 to_hex_prefixed(r.output));
}

json EthApi::chain_id(const json& p) {
  check_param_count(p, 0, 0);
  return quantity(ledger_.chain().chain_id());
}

json EthApi::net_version(const json& p) {
  check_param_count(p, 0, 0);
  return std::to_string(ledger_.chain().chain_id());
}

json EthApi::listening(const json& p) {
  check_param_count(p, 0, 0);
  return true;
}

json EthApi::client_version(const json& p) {
  check_param_count(p, 0, 0);
  return options_.client_version;
}

json EthApi::block_number(const json& p) {
  check_param_count(p, 0, 0);
  std::shared_lock lock = ledger_.read_lock();
  return quantity(ledger_.chain().height());
}

json EthApi::syncing(const json& p) {
  check_param_count(p, 0, 0);
  return false;
}

json EthApi::get_block_by_number(const json& p) {
  check_param_count(p, 1, 2);
  const BlockTag t = parse_block_tag(p[0], "block");
  if (t.kind == BlockTag::kHash) invalid_params("block: use eth_getBlockByHash for a hash");
  const bool full = parse_bool(p, 1, "full transactions flag");
  std::shared_lock lock = ledger_.read_lock();
  const std::shared_ptr<const chain::Block> b = block_for_tag(t);
  return b == nullptr ? json(nullptr) : block_json(*b, full);
}

json EthApi::get_block_by_hash(const json& p) {
  check_param_count(p, 1, 2);
  const Bytes32 h = parse_hash(p[0], "block hash");
  const bool full = parse_bool(p, 1, "full transactions flag");
  std::shared_lock lock = ledger_.read_lock();
  const std::shared_ptr<const chain::Block> b = ledger_.chain().block_by_hash(h);
  return b == nullptr ? json(nullptr) : block_json(*b, full);
}

json EthApi::get_transaction_by_hash(const json& p) {
  check_param_count(p, 1, 1);
  const Bytes32 h = parse_hash(p[0], "transaction hash");
  {
    std::shared_lock lock = ledger_.read_lock();
    const chain::Chain& c = ledger_.chain();
    if (auto loc = c.find_transaction(h)) {
      return transaction_json(*c.transaction(*loc), c.block_by_number(loc->block_number).get(),
                              loc->index);
    }
  }
  if (auto tx = ledger_.pending(h)) return transaction_json(*tx, nullptr, 0);
  return nullptr;
}

json EthApi::get_transaction_receipt(const json& p) {
  check_param_count(p, 1, 1);
  const Bytes32 h = parse_hash(p[0], "transaction hash");
  std::shared_lock lock = ledger_.read_lock();
  const chain::Chain& c = ledger_.chain();
  auto loc = c.find_transaction(h);
  if (!loc) return nullptr;
  return receipt_json(*c.block_by_number(loc->block_number), loc->index);
}

json EthApi::get_transaction_count(const json& p) {
  check_param_count(p, 1, 2);
  const Address a = parse_address(p[0], "address");
  BlockTag t;
  if (const json* v = param(p, 1)) t = parse_block_tag(*v, "block");
  if (t.kind == BlockTag::kPending) return quantity(ledger_.sequencer().pending_nonce(a));
  if (const std::optional<uint64_t> n = state_block(t)) {
    uint64_t nonce = 0;
    at_past_block(*n, [&](chain::Chain& c) {
      c.read_at(*n, [&](const core::State& s) { nonce = s.account_nonce(a); });
    });
    return quantity(nonce);
  }
  std::shared_lock lock = ledger_.read_lock();
  return quantity(ledger_.chain().state().account_nonce(a));
}

class EthApi::Fast : public FastBody {
  struct Prepared {
    Decoded decoded;
    std::string detail;
  };

 public:
  Fast(EthApi& api, size_t requests) : api_(api), decoded_(requests) {}

  void prepare(size_t i, std::string_view method, std::string_view param) override {
    if (method != kSendRawTransaction) return;
    Bytes raw;
    if (!try_parse_data(param, raw)) return;  // answered by the full path, which names the error
    std::string detail;
    Decoded decoded = api_.decode(raw, &detail);
    decoded_[i].emplace(Prepared{std::move(decoded), std::move(detail)});
  }

  bool answer(size_t i, std::string_view method, std::string_view param,
              std::string& out) override {
    if (method == kSendRawTransaction) {
      if (!decoded_[i].has_value()) return false;
      api_.metrics_.on_rpc(kSendRawTransaction);
      Prepared p = std::move(*decoded_[i]);
      decoded_[i].reset();
      const Bytes32 hash = api_.submit_decoded(std::move(p.decoded), p.detail);
      out += '"';
      out += hash.hex();
      out += '"';
      return true;
    }
    if (method == kGetTransactionReceipt) {
      Bytes raw;
      if (!try_parse_data(param, raw) || raw.size() != 32) return false;
      api_.metrics_.on_rpc(kGetTransactionReceipt);
      const Bytes32 h = Bytes32::from_view(raw);
      std::shared_lock lock = api_.ledger_.read_lock();
      const chain::Chain& c = api_.ledger_.chain();
      const auto loc = c.find_transaction(h);
      if (!loc) {
        out += "null";
      } else {
        append_receipt_json(*c.block_by_number(loc->block_number), loc->index, out);
      }
      return true;
    }
    return false;
  }

 private:
  EthApi& api_;
  std::vector<std::optional<Prepared>> decoded_;
};

std::unique_ptr<FastBody> EthApi::fast_body(size_t requests) {
  return std::make_unique<Fast>(*this, requests);
}

json EthApi::send_raw_transaction(const json& p) {
  check_param_count(p, 1, 1);
  return submit_raw(parse_data(p[0], "raw transaction")).hex();
}

EthApi::Decoded EthApi::decode(BytesView raw, std::string* detail) const {
  return chain::decode_transaction(raw, ledger_.chain().chain_id(), detail);
}

Bytes32 EthApi::submit_raw(BytesView raw) {
  std::string detail;
  Decoded decoded = decode(raw, &detail);
  return submit_decoded(std::move(decoded), detail);
}

Bytes32 EthApi::submit_decoded(Decoded decoded, const std::string& decode_detail) {
  std::string detail = decode_detail;
  if (auto* e = std::get_if<chain::TxError>(&decoded)) {
    std::string msg = "invalid transaction: " + std::string(chain::to_string(*e));
    if (!detail.empty()) msg += ": " + detail;
    const bool shape = *e == chain::TxError::kTooLarge || *e == chain::TxError::kMalformedRlp ||
                       *e == chain::TxError::kUnsupportedType ||
                       *e == chain::TxError::kWrongFieldCount || *e == chain::TxError::kBadField;
    throw RpcError(shape ? rpc_code::kInvalidParams : rpc_code::kInvalidInput, msg);
  }
  chain::SignedTransaction tx = std::move(std::get<chain::SignedTransaction>(decoded));
  const Bytes32 hash = tx.hash;
  const Address sender = tx.sender;
  Bytes revert;
  const chain::AdmitError e = ledger_.submit(std::move(tx), &detail, &revert);
  switch (e) {
    case chain::AdmitError::kOk:
      break;
    case chain::AdmitError::kNonceTooLow:
      throw RpcError(rpc_code::kInvalidInput,
                     "nonce too low: next nonce is " +
                         std::to_string(ledger_.sequencer().pending_nonce(sender)));
    case chain::AdmitError::kNonceTooHigh:
      throw RpcError(rpc_code::kInvalidInput,
                     "nonce too high: next nonce is " +
                         std::to_string(ledger_.sequencer().pending_nonce(sender)) +
                         " (the node does not hold transactions with gaps)");
    case chain::AdmitError::kAlreadyKnown:
      throw RpcError(rpc_code::kInvalidInput, "already known");
    case chain::AdmitError::kQueueFull:
      throw RpcError(rpc_code::kLimitExceeded, "transaction queue full: " + detail);
    case chain::AdmitError::kSenderQueueFull:
      throw RpcError(rpc_code::kLimitExceeded, "sender's queue share full: " + detail);
    case chain::AdmitError::kNoStanding:
      throw RpcError(rpc_code::kTransactionRejected, "transaction rejected: " + detail);
    case chain::AdmitError::kUnexecutable:
      // What eth_call answers for the same call: refused here, never mined.
      throw RpcError(rpc_code::kExecutionReverted,
                     "execution reverted: " + core::describe_revert(revert),
                     to_hex_prefixed(revert));
    case chain::AdmitError::kStopped:
      throw RpcError(rpc_code::kInvalidInput, "the node is shutting down");
  }
  if (options_.sync_submit) {
    // The answer is the acknowledgement: only for a block on disk (fsynced by the journal).
    if (!ledger_.sequencer()
             .wait_for(hash,
                       std::chrono::duration_cast<std::chrono::milliseconds>(kSyncSubmitTimeout))
             .has_value()) {
      throw RpcError(rpc_code::kInvalidInput,
                     "transaction " + hash.hex() +
                         " was admitted but is not yet in a durable block; poll "
                         "eth_getTransactionReceipt");
    }
  }
  return hash;
}

json EthApi::call(const json& p) {
  check_param_count(p, 1, 3);  // a third argument (state overrides) must be null
  if (param(p, 2) != nullptr) invalid_params("state overrides are not supported");
  const CallArgs c = parse_call_object(p[0]);
  BlockTag t;
  if (const json* v = param(p, 1)) t = parse_block_tag(*v, "block");
  if (const std::optional<uint64_t> n = state_block(t)) {  // a past block (or the head's number)
    std::optional<core::CallResult> past;
    at_past_block(*n, [&](chain::Chain& ch) { past = ch.call_at(c.from, c.to, c.data, *n); });
    if (!past) return "0x";
    if (!past->success) return revert_error(*past);
    return to_hex_prefixed(past->output);
  }
  if (!has_code(c.to)) return "0x";  // as on Ethereum: a call to an account runs nothing
  const core::CallResult r = ledger_.call(c.from, c.to, c.data);
  if (!r.success) return revert_error(r);
  return to_hex_prefixed(r.output);
}

json EthApi::estimate_gas(const json& p) {
  check_param_count(p, 1, 2);
  const CallArgs c = parse_call_object(p[0]);
  BlockTag t;
  if (const json* v = param(p, 1)) t = parse_block_tag(*v, "block");
  require_head_state(t);
  // To an account without code: the intrinsic gas (21,000 + calldata), as on Ethereum; such a
  // transaction is still refused at admission (docs/NODE.md, "Admission policy").
  if (!has_code(c.to)) return quantity(chain::intrinsic_gas(c.data));
  // Metered, the figure is exact (the least limit that succeeds on the head state, as Ethereum
  // nodes answer); a chain that does not meter answers intrinsic gas plus kEstimateGasMargin.
  const chain::GasEstimate e = ledger_.estimate_gas(c.from, c.to, c.data);
  if (e.result.out_of_gas) {
    throw RpcError(rpc_code::kInvalidInput, "gas required exceeds the block gas limit (" +
                                                std::to_string(chain::kMeteredBlockGasLimit) + ")");
  }
  if (!e.result.success) return revert_error(e.result);
  return quantity(e.metered ? e.gas : e.gas + kEstimateGasMargin);
}

json EthApi::zero(const json& p) {
  check_param_count(p, 0, 0);
  return "0x0";
}

json EthApi::fee_history(const json& p) {
  check_param_count(p, 2, 3);
  uint64_t count = 0;
  if (p[0].is_number_unsigned() || p[0].is_number_integer()) {
    if (p[0].get<int64_t>() < 0) invalid_params("block count: must not be negative");
    count = p[0].get<uint64_t>();
  } else {
    count = parse_quantity_u64(p[0], "block count");
  }
  if (count > kMaxFeeHistoryBlocks) {
    invalid_params("block count: at most " + std::to_string(kMaxFeeHistoryBlocks));
  }
  const BlockTag t = parse_block_tag(p[1], "newest block");
  std::vector<double> percentiles;
  if (const json* v = param(p, 2)) {
    if (!v->is_array()) invalid_params("reward percentiles: expected an array");
    double prev = 0;
    for (const json& x : *v) {
      if (!x.is_number()) invalid_params("reward percentiles: expected numbers");
      const double d = x.get<double>();
      if (d < 0 || d > 100 || d < prev) {
        invalid_params("reward percentiles: must be increasing and within 0..100");
      }
      prev = d;
      percentiles.push_back(d);
    }
  }
  std::shared_lock lock = ledger_.read_lock();
  const std::shared_ptr<const chain::Block> newest = block_for_tag(t);
  if (newest == nullptr) throw RpcError(rpc_code::kResourceNotFound, "block not found");
  const uint64_t last = newest->header.number;
  count = std::min(count, last + 1);
  const uint64_t oldest = last + 1 - count;
  json base = json::array();
  json ratio = json::array();
  json reward = json::array();
  for (uint64_t n = oldest; n <= last && count > 0; ++n) {
    const std::shared_ptr<const chain::Block> b = ledger_.chain().block_by_number(n);
    const chain::BlockHeader& h = b->header;
    base.push_back("0x0");
    ratio.push_back(static_cast<double>(h.gas_used) / static_cast<double>(h.gas_limit));
    reward.push_back(json(std::vector<std::string>(percentiles.size(), "0x0")));
  }
  base.push_back("0x0");  // the block after the newest
  json out = {{"oldestBlock", quantity(count == 0 ? last : oldest)},
              {"baseFeePerGas", base},
              {"gasUsedRatio", ratio}};
  if (param(p, 2) != nullptr) out["reward"] = reward;
  return out;
}

json EthApi::get_balance(const json& p) {
  check_param_count(p, 1, 2);
  parse_address(p[0], "address");
  BlockTag t;
  if (const json* v = param(p, 1)) t = parse_block_tag(*v, "block");
  // No native coin: zero at every block the node can read.
  if (const std::optional<uint64_t> n = state_block(t)) at_past_block(*n, [](chain::Chain&) {});
  return "0x0";
}

json EthApi::get_code(const json& p) {
  check_param_count(p, 1, 2);
  const Address a = parse_address(p[0], "address");
  BlockTag t;
  if (const json* v = param(p, 1)) t = parse_block_tag(*v, "block");
  bool code = false;
  if (const std::optional<uint64_t> n = state_block(t)) {
    at_past_block(*n, [&](chain::Chain& c) {
      c.read_at(*n, [&](const core::State& s) {
        code = s.contract(a) != nullptr || a == core::multicall3_address();
      });
    });
  } else {
    code = has_code(a);
  }
  // Multicall3 is code without state (core/multicall3.h): it has code like any contract.
  return code ? std::string(kNativeCodeMarker) : std::string("0x");
}

bool EthApi::has_code(const Address& a) {
  std::shared_lock lock = ledger_.read_lock();
  return ledger_.chain().state().contract(a) != nullptr || a == core::multicall3_address();
}

json EthApi::get_storage_at(const json& p) {
  check_param_count(p, 2, 3);
  parse_address(p[0], "address");
  if (!p[1].is_string()) invalid_params("storage slot: expected a hex string");
  BlockTag t;
  if (const json* v = param(p, 2)) t = parse_block_tag(*v, "block");
  if (const std::optional<uint64_t> n = state_block(t)) at_past_block(*n, [](chain::Chain&) {});
  // Native contracts keep no EVM storage: every slot reads as zero (docs/NODE.md).
  return "0x" + std::string(64, '0');
}

json EthApi::coinbase(const json& p) {
  check_param_count(p, 0, 0);
  return Address{}.checksum_hex();  // blocks have no beneficiary
}

namespace {
json transaction_count(const chain::Block* b) {
  return b == nullptr ? json(nullptr) : json(quantity(b->transactions.size()));
}
json transaction_at(const chain::Block* b, const json& index) {
  const uint64_t i = parse_quantity_u64(index, "transaction index");
  if (b == nullptr || i >= b->transactions.size()) return nullptr;
  return transaction_json(b->transactions[i], b, static_cast<uint32_t>(i));
}
}  // namespace

json EthApi::block_transaction_count_by_hash(const json& p) {
  check_param_count(p, 1, 1);
  const Bytes32 h = parse_hash(p[0], "block hash");
  std::shared_lock lock = ledger_.read_lock();
  return transaction_count(ledger_.chain().block_by_hash(h).get());
}

json EthApi::block_transaction_count_by_number(const json& p) {
  check_param_count(p, 1, 1);
  const BlockTag t = parse_block_tag(p[0], "block");
  if (t.kind == BlockTag::kHash) invalid_params("block: use the ByHash method for a hash");
  std::shared_lock lock = ledger_.read_lock();
  return transaction_count(block_for_tag(t).get());
}

json EthApi::transaction_by_block_hash_and_index(const json& p) {
  check_param_count(p, 2, 2);
  const Bytes32 h = parse_hash(p[0], "block hash");
  std::shared_lock lock = ledger_.read_lock();
  return transaction_at(ledger_.chain().block_by_hash(h).get(), p[1]);
}

json EthApi::transaction_by_block_number_and_index(const json& p) {
  check_param_count(p, 2, 2);
  const BlockTag t = parse_block_tag(p[0], "block");
  if (t.kind == BlockTag::kHash) invalid_params("block: use the ByHash method for a hash");
  std::shared_lock lock = ledger_.read_lock();
  return transaction_at(block_for_tag(t).get(), p[1]);
}

json EthApi::get_logs(const json& p) {
  check_param_count(p, 1, 1);
  const LogQuery q = parse_log_query(p[0]);
  std::shared_lock lock = ledger_.read_lock();
  return query_logs(ledger_.chain(), q);
}

json EthApi::new_filter(const json& p) {
  check_param_count(p, 1, 1);
  LogQuery q = parse_log_query(p[0]);
  uint64_t head = 0;
  {
    std::shared_lock lock = ledger_.read_lock();
    head = ledger_.chain().height();
  }
  return filters_.add_log_filter(std::move(q), head, t_client != nullptr ? *t_client : "");
}

json EthApi::new_block_filter(const json& p) {
  check_param_count(p, 0, 0);
  uint64_t head = 0;
  {
    std::shared_lock lock = ledger_.read_lock();
    head = ledger_.chain().height();
  }
  return filters_.add_block_filter(head, t_client != nullptr ? *t_client : "");
}

namespace {
std::string filter_id(const json& p) {
  check_param_count(p, 1, 1);
  if (!p[0].is_string()) invalid_params("filter id: expected a hex string");
  return p[0].get<std::string>();
}
}  // namespace

json EthApi::get_filter_changes(const json& p) {
  const std::string id = filter_id(p);
  std::shared_lock lock = ledger_.read_lock();
  return filters_.changes(id, ledger_.chain());
}

json EthApi::get_filter_logs(const json& p) {
  const std::string id = filter_id(p);
  std::shared_lock lock = ledger_.read_lock();
  return filters_.logs(id, ledger_.chain());
}

json EthApi::uninstall_filter(const json& p) {
  return filters_.remove(filter_id(p));
}

json EthApi::accounts(const json& p) {
  check_param_count(p, 0, 0);
  json out = json::array();
  if (options_.dev) {
    for (const Address& a : options_.dev_accounts)
      out.push_back(a.checksum_hex());
  }
  return out;
}

json EthApi::increase_time(const json& p) {
  check_param_count(p, 1, 1);
  const int64_t s = parse_seconds(p[0], "seconds");
  if (s > kMaxTimeIncreaseSeconds) invalid_params("seconds: at most 100 years at once");
  return std::to_string(ledger_.increase_time(s));
}

json EthApi::mine(const json& p) {
  check_param_count(p, 0, 1);
  if (const json* v = param(p, 0)) {
    const int64_t ts = parse_seconds(*v, "timestamp");
    const int64_t now = static_cast<int64_t>(ledger_.now());
    if (ts < now) invalid_params("timestamp: earlier than the ledger's clock");
    if (ts - now > kMaxTimeIncreaseSeconds) invalid_params("timestamp: more than 100 years ahead");
    ledger_.increase_time(ts - now);
  }
  ledger_.mine();
  return "0x0";
}

}  // namespace stoa::node
