// A JSON-RPC 2.0 client for a stoa node (or any Ethereum node) over HTTP, and its REST views.
// Errors are exceptions with a message a person can act on: the node is unreachable, the node
// answered with HTTP status X, or a JSON-RPC error with its code, message and — for reverts —
// the revert data decoded ("TransferRestricted(2): Receiver is not on the KYC whitelist").
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"

namespace httplib {
class Client;
}

namespace stoa::cli {

// The node could not be reached (connection refused, timeout) or did not speak JSON-RPC.
class NodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A JSON-RPC error object. For reverts (code 3 by convention) `revert_data` holds the bytes.
class RpcError : public std::runtime_error {
 public:
  RpcError(int code, std::string message, std::optional<Bytes> revert_data);
  int code() const { return code_; }
  const std::string& rpc_message() const { return message_; }
  const std::optional<Bytes>& revert_data() const { return revert_data_; }
  bool is_revert() const { return revert_data_.has_value(); }
  // The decoded revert ("TransferRestricted(2): Receiver is not on the KYC whitelist") or the
  // node's message.
  std::string reason() const;

 private:
  int code_;
  std::string message_;
  std::optional<Bytes> revert_data_;
};

// core::describe_revert, plus the restriction code's message for TransferRestricted.
std::string explain_revert(BytesView data);

struct Endpoint {
  std::string scheme_host_port;  // "http://127.0.0.1:8545"
  std::string path;              // "/" unless the URL has one
};
// Accepts http://host[:port][/path]; throws std::invalid_argument otherwise.
Endpoint parse_endpoint(std::string_view url);

class RpcClient {
 public:
  explicit RpcClient(std::string_view url);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  const std::string& url() const { return url_; }

  // One JSON-RPC call; returns "result" or throws NodeError / RpcError.
  nlohmann::json call(std::string_view method, nlohmann::json params);

  // GET a REST path ("/v1/securities"); nullopt for 404 (or any 4xx with the path unknown),
  // throws NodeError when unreachable or on a 5xx.
  std::optional<nlohmann::json> get(const std::string& path);

  uint64_t chain_id();
  uint64_t pending_nonce(const Address& account);
  uint64_t block_number();
  // eth_call at "latest"; a revert throws RpcError with revert_data.
  Bytes eth_call(const std::optional<Address>& from, const Address& to, BytesView data);
  uint64_t estimate_gas(const Address& from, const Address& to, BytesView data);
  Bytes32 send_raw_transaction(BytesView raw);
  // nullopt until the transaction is in a block.
  std::optional<nlohmann::json> receipt(const Bytes32& hash);
  // Polls for the receipt until `timeout`; throws NodeError on timeout.
  nlohmann::json wait_for_receipt(const Bytes32& hash, std::chrono::milliseconds timeout);

 private:
  std::string url_;
  Endpoint endpoint_;
  std::unique_ptr<httplib::Client> http_;
  uint64_t next_id_ = 1;
};

// "0x1a" -> 26; throws NodeError for anything else (a node answering nonsense).
uint64_t parse_quantity(const nlohmann::json& v, std::string_view what);
Bytes parse_data(const nlohmann::json& v, std::string_view what);
std::string quantity(uint64_t v);  // 26 -> "0x1a"

}  // namespace stoa::cli
