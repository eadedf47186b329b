// REST views under /v1/ (JSON; errors {"error": {"code", "message"}} with a fitting HTTP
// status; addresses EIP-55; amounts as decimal strings), /healthz and /metrics. Every route is
// documented in docs/openapi.json, served at /v1/openapi.json (a test checks they agree).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/node/http.h"
#include "stoa/node/ledger.h"
#include "stoa/node/metrics.h"

namespace stoa::node {

inline constexpr size_t kMaxHoldersPage = 1000;  // /holders?limit=
inline constexpr size_t kDefaultHoldersPage = 100;
inline constexpr size_t kMaxTransfersPage = 1000;  // /transfers?limit=
inline constexpr size_t kDefaultTransfersPage = 50;
inline constexpr size_t kMaxBlocksPage = 100;  // /blocks?limit=
inline constexpr size_t kDefaultBlocksPage = 20;

// The OpenAPI document (docs/openapi.json), embedded at build time.
std::string_view openapi_document();

struct RestRoute {
  std::string pattern;       // a std::regex (ECMAScript) matched against the whole path
  std::string openapi_path;  // e.g. "/v1/securities/{token}/holders"
  std::function<void(const HttpRequest&, HttpResponse&)> handler;
  // GET, or POST/DELETE (adapters' routes: a POST body must be JSON, as every POST here).
  std::string method = "GET";
};

// A REST error; the route wrapper turns it into {"error": {"code", "message"}}.
struct RestError {
  int status;
  std::string code;
  std::string message;
};

void send_json(HttpResponse& res, const nlohmann::json& body, int status = 200);
void send_rest_error(HttpResponse& res, int status, const std::string& code,
                     const std::string& message);

class RestApi {
 public:
  RestApi(Ledger& ledger, Metrics& metrics) : ledger_(ledger), metrics_(metrics) {}
  // The GET routes (handlers throw RestError).
  std::vector<RestRoute> routes();

 private:
  nlohmann::json securities(const HttpRequest& req);
  nlohmann::json security(const HttpRequest& req);
  nlohmann::json holders(const HttpRequest& req);
  nlohmann::json positions(const HttpRequest& req);
  nlohmann::json check(const HttpRequest& req);
  nlohmann::json transfers(const HttpRequest& req);
  nlohmann::json blocks(const HttpRequest& req);
  nlohmann::json block(const HttpRequest& req);
  static std::optional<uint64_t> parse_block_number(const std::string& text);
  nlohmann::json transaction(const HttpRequest& req);
  nlohmann::json healthz(const HttpRequest& req);

  Ledger& ledger_;
  Metrics& metrics_;
};

}  // namespace stoa::node
