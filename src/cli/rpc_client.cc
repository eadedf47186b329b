// JSON-RPC over cpp-httplib, with errors that say what went wrong.
#include "stoa/cli/rpc_client.h"

#include <httplib.h>

#include <algorithm>
#include <thread>

#include "stoa/common/keccak.h"
#include "stoa/common/u256.h"
#include "stoa/core/access_control.h"
#include "stoa/core/codes.h"
#include "stoa/core/errors.h"

namespace stoa::cli {

using nlohmann::json;

namespace {

std::string rpc_error_text(int code, const std::string& message, const std::optional<Bytes>& data) {
  std::string out = "JSON-RPC error " + std::to_string(code) + ": " + message;
  if (data) out += ": " + explain_revert(*data);
  return out;
}

}  // namespace

RpcError::RpcError(int code, std::string message, std::optional<Bytes> revert_data)
    : std::runtime_error(rpc_error_text(code, message, revert_data)),
      code_(code),
      message_(std::move(message)),
      revert_data_(std::move(revert_data)) {}

std::string RpcError::reason() const {
  return revert_data_ ? explain_revert(*revert_data_) : message_;
}

std::string explain_revert(BytesView data) {
  std::string out = core::describe_revert(data);
  // A missing role by name: AccessControlUnauthorizedAccount(account, neededRole).
  static const uint32_t kUnauthorized =
      selector_of("AccessControlUnauthorizedAccount(address,bytes32)");
  if (data.size() == 68) {
    const uint32_t sel = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) |
                         (uint32_t{data[2]} << 8) | uint32_t{data[3]};
    Bytes32 role;
    std::copy(data.begin() + 36, data.end(), role.b.begin());
    if (sel == kUnauthorized) {
      const core::RoleInfo* info = core::roles::find(role);
      out += info != nullptr ? ": the account lacks " + std::string(info->name)
                             : ": the account lacks role " + role.hex();
    }
  }
  static const uint32_t kTransferRestricted = selector_of("TransferRestricted(uint8)");
  if (data.size() == 36) {
    const uint32_t sel = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) |
                         (uint32_t{data[2]} << 8) | uint32_t{data[3]};
    if (sel == kTransferRestricted) {
      if (const core::CodeInfo* info = core::find_code(data[35]))
        out += ": " + std::string(info->message);
    }
  }
  return out;
}

Endpoint parse_endpoint(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  if (url.rfind(kHttp, 0) != 0) {
    if (url.rfind("https://", 0) == 0)
      throw std::invalid_argument("--rpc: https is not supported; use http:// (or a local proxy)");
    throw std::invalid_argument("--rpc: '" + std::string(url) + "' is not an http:// URL");
  }
  std::string_view rest = url.substr(kHttp.size());
  const size_t slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  if (hostport.empty()) throw std::invalid_argument("--rpc: no host in '" + std::string(url) + "'");
  Endpoint e;
  e.scheme_host_port = std::string(kHttp) + std::string(hostport);
  e.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  return e;
}

RpcClient::RpcClient(std::string_view url) : url_(url), endpoint_(parse_endpoint(url)) {
  http_ = std::make_unique<httplib::Client>(endpoint_.scheme_host_port);
  http_->set_connection_timeout(5, 0);
  http_->set_read_timeout(120, 0);
  http_->set_write_timeout(30, 0);
  http_->set_keep_alive(true);
  http_->set_tcp_nodelay(true);
}

RpcClient::~RpcClient() = default;

json RpcClient::call(std::string_view method, json params) {
  const uint64_t id = next_id_++;
  const json request = {{"jsonrpc", "2.0"},
                        {"id", id},
                        {"method", std::string(method)},
                        {"params", std::move(params)}};
  auto res = http_->Post(endpoint_.path, request.dump(), "application/json");
  if (!res)
    throw NodeError("cannot reach the node at " + url_ + " (" + httplib::to_string(res.error()) +
                    "); is `stoa serve` running? (--rpc URL)");
  json body = json::parse(res->body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    throw NodeError("the node at " + url_ + " answered " + std::string(method) + " with HTTP " +
                    std::to_string(res->status) + " and no JSON-RPC response");
  if (body.contains("error") && !body.at("error").is_null()) {
    const json& err = body.at("error");
    const int code = err.value("code", 0);
    const std::string message = err.value("message", std::string("(no message)"));
    std::optional<Bytes> data;
    if (err.contains("data") && err.at("data").is_string()) {
      if (auto b = from_hex(err.at("data").get<std::string>())) data = std::move(*b);
    }
    throw RpcError(code, message, std::move(data));
  }
  if (!body.contains("result"))
    throw NodeError("the node's answer to " + std::string(method) + " has no result");
  return body.at("result");
}

std::optional<json> RpcClient::get(const std::string& path) {
  auto res = http_->Get(path);
  if (!res)
    throw NodeError("cannot reach the node at " + url_ + " (" + httplib::to_string(res.error()) +
                    "); is `stoa serve` running? (--rpc URL)");
  if (res->status >= 400 && res->status < 500) return std::nullopt;
  if (res->status != 200)
    throw NodeError("GET " + path + " answered HTTP " + std::to_string(res->status));
  json body = json::parse(res->body, nullptr, false);
  if (body.is_discarded()) throw NodeError("GET " + path + " did not answer JSON");
  return body;
}

uint64_t parse_quantity(const json& v, std::string_view what) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_string()) {
    auto u = U256::from_hex(v.get<std::string>());
    if (u && u->fits_u64()) return u->low64();
  }
  throw NodeError("the node answered a malformed " + std::string(what) + ": " + v.dump());
}

Bytes parse_data(const json& v, std::string_view what) {
  if (v.is_string()) {
    if (auto b = from_hex(v.get<std::string>())) return *b;
  }
  throw NodeError("the node answered malformed " + std::string(what) + ": " + v.dump());
}

std::string quantity(uint64_t v) {
  return U256(v).to_hex();
}

uint64_t RpcClient::chain_id() {
  return parse_quantity(call("eth_chainId", json::array()), "chain id");
}

uint64_t RpcClient::pending_nonce(const Address& account) {
  return parse_quantity(call("eth_getTransactionCount", {account.checksum_hex(), "pending"}),
                        "nonce");
}

uint64_t RpcClient::block_number() {
  return parse_quantity(call("eth_blockNumber", json::array()), "block number");
}

Bytes RpcClient::eth_call(const std::optional<Address>& from, const Address& to, BytesView data) {
  json tx = {{"to", to.checksum_hex()}, {"data", to_hex_prefixed(data)}};
  if (from) tx["from"] = from->checksum_hex();
  return parse_data(call("eth_call", {tx, "latest"}), "eth_call result");
}

uint64_t RpcClient::estimate_gas(const Address& from, const Address& to, BytesView data) {
  json tx = {
      {"from", from.checksum_hex()}, {"to", to.checksum_hex()}, {"data", to_hex_prefixed(data)}};
  return parse_quantity(call("eth_estimateGas", {tx}), "gas estimate");
}

Bytes32 RpcClient::send_raw_transaction(BytesView raw) {
  json r = call("eth_sendRawTransaction", {to_hex_prefixed(raw)});
  if (r.is_string()) {
    if (auto h = Bytes32::from_hex(r.get<std::string>())) return *h;
  }
  throw NodeError("the node answered a malformed transaction hash: " + r.dump());
}

std::optional<json> RpcClient::receipt(const Bytes32& hash) {
  json r = call("eth_getTransactionReceipt", {hash.hex()});
  if (r.is_null()) return std::nullopt;
  return r;
}

json RpcClient::wait_for_receipt(const Bytes32& hash, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto delay = std::chrono::milliseconds(20);
  for (;;) {
    if (auto r = receipt(hash)) return *r;
    if (std::chrono::steady_clock::now() > deadline)
      throw NodeError("no receipt for " + hash.hex() + " after " +
                      std::to_string(timeout.count() / 1000) + " s (it may still be included)");
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(250));
  }
}

}  // namespace stoa::cli
