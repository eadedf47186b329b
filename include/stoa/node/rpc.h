// JSON-RPC 2.0 framing with EIP-1474 error codes: single and batch requests, notifications,
// request validation, and the parameter parsers every method uses (strict hex quantities and
// data, addresses, hashes, block tags). Methods throw RpcError; the framing turns it into the
// response's "error" member. Nothing is executed for a request that fails validation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"
#include "stoa/common/u256.h"

namespace stoa::node {

using json = nlohmann::json;

inline constexpr size_t kMaxBodyBytes = 8 * 1024 * 1024;  // one HTTP request body (HTTP 413)
inline constexpr size_t kMaxBatchRequests = 1000;         // requests in one batch (-32005)
// Nesting of arrays and objects in a JSON body (JSON-RPC over HTTP and WebSocket, the KYC
// webhook), checked on the bytes before anything is parsed: a deeper body is refused (-32005,
// or HTTP 400 for the webhook) instead of exhausting the stack.
inline constexpr size_t kMaxJsonDepth = 64;

// EIP-1474 / JSON-RPC 2.0 error codes.
namespace rpc_code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kInvalidInput = -32000;
inline constexpr int kResourceNotFound = -32001;
inline constexpr int kTransactionRejected = -32003;
inline constexpr int kLimitExceeded = -32005;
inline constexpr int kExecutionReverted = 3;  // geth's eth_call / eth_estimateGas revert
}  // namespace rpc_code

class RpcError : public std::runtime_error {
 public:
  RpcError(int code, const std::string& message, json data = nullptr)
      : std::runtime_error(message), code_(code), data_(std::move(data)) {}
  int code() const { return code_; }
  const json& data() const { return data_; }
  json to_json() const;

 private:
  int code_;
  json data_;
};

// Throws RpcError(-32602, "invalid params: " + what).
[[noreturn]] void invalid_params(const std::string& what);

// Called once per valid request; returns the result or throws RpcError. `method` is known to be
// a string, `params` an array (empty if absent).
using MethodHandler = std::function<json(const std::string& method, const json& params)>;

struct RpcResponse {
  int http_status = 200;
  std::string body;  // empty: only notifications were sent (HTTP 204)
};

// The fast path's methods for one body (see handle_rpc_body): requests whose only parameter is
// a string, answered without building JSON documents.
class FastBody {
 public:
  virtual ~FastBody() = default;
  // Called for every request of the body, in order, before any is answered: work that depends
  // on the request alone and changes nothing (decoding, signature recovery) is done here for the
  // whole batch, so that it never waits behind a lock. Does nothing by default.
  virtual void prepare(size_t index, std::string_view method, std::string_view param);
  // Answers request `index`: appends the result's JSON text to `out` and returns true, or returns
  // false (having appended nothing and changed nothing) to have the request answered by the
  // MethodHandler instead, which must then give the same answer. Throws RpcError like a
  // MethodHandler.
  virtual bool answer(size_t index, std::string_view method, std::string_view param,
                      std::string& out) = 0;
};
// Makes the FastBody of a body of `requests` requests.
using FastHandler = std::function<std::unique_ptr<FastBody>(size_t requests)>;

// What scan_json finds in a JSON text without parsing it (a malformed text gives a partial
// answer; the parser then refuses it).
struct JsonScan {
  bool too_deep = false;  // nested deeper than the given depth (the scan stops there)
  // For each request object (the text's top-level object, or each element of its top-level
  // array, by index): the first key it repeats, "" if none.
  std::vector<std::string> duplicate_keys;
};
JsonScan scan_json(std::string_view text, size_t max_depth = kMaxJsonDepth);
// "" when `text` nests at most kMaxJsonDepth deep, else the message naming the limit.
std::string json_depth_error(std::string_view text);

// Parses the body and answers a single request or a batch.
RpcResponse handle_rpc_body(std::string_view body, const MethodHandler& handler);
// The same answers, byte for byte, with a fast path: when the body is a request, or a batch of
// 1..kMaxBatchRequests requests, each exactly {"jsonrpc":"2.0","id":ID,"method":"M",
// "params":["S"]} (keys in any order, JSON whitespace anywhere; ID a non-negative integer of at
// most 18 digits, null, or a string; M and S strings of printable ASCII without escapes), it is
// read without a JSON document and each request goes to a FastBody first. Any other body is
// answered by handle_rpc_body(body, handler).
RpcResponse handle_rpc_body(std::string_view body, const MethodHandler& handler,
                            const FastHandler& fast);
// Serializes a response. Invalid UTF-8 (which can reach a message through a parse error or a
// percent-decoded URL) is replaced by U+FFFD instead of throwing.
std::string to_wire(const json& j);
// A response object carrying an error for `id`.
json error_response(const json& id, const RpcError& e);

// ---- parameter parsing (each throws -32602 with what is wrong; `what` names the parameter)
// The positional parameter `i`, or nullptr when absent. Throws when more than `max` are given.
const json* param(const json& params, size_t i);
void check_param_count(const json& params, size_t min, size_t max);
// "0x" + hex digits without leading zeros ("0x0" for zero).
U256 parse_quantity(const json& v, std::string_view what);
uint64_t parse_quantity_u64(const json& v, std::string_view what);
// "0x" + an even number of hex digits.
Bytes parse_data(const json& v, std::string_view what);
Address parse_address(const json& v, std::string_view what);
Bytes32 parse_hash(const json& v, std::string_view what);
// What parse_data accepts ("0x" + an even number of hex digits, either case), from the string's
// text: true and the bytes in `out`, or false (parse_data then says what is wrong).
bool try_parse_data(std::string_view s, Bytes& out);

// Ethereum's block tags; a number is kept in `number`.
struct BlockTag {
  enum Kind { kLatest, kPending, kSafe, kFinalized, kEarliest, kNumber, kHash } kind = kLatest;
  uint64_t number = 0;
  Bytes32 hash;
};
// A tag string, a quantity, or an EIP-1898 object {blockNumber} / {blockHash}.
BlockTag parse_block_tag(const json& v, std::string_view what);

std::string quantity(uint64_t v);  // "0x" + minimal hex
std::string quantity(const U256& v);

}  // namespace stoa::node
