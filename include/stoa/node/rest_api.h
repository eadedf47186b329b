// REST views under /v1/ (JSON; errors {"error": {"code", "message"}} with a fitting HTTP
// status; addresses EIP-55; amounts as decimal strings), /healthz and /metrics. Every route is
// documented in docs/openapi.json, served at /v1/openapi.json (a test checks they agree).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <httplib.h>

#include <nlohmann/json.hpp>

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
  std::string pattern;       // httplib regex
  std::string openapi_path;  // e.g. "/v1/securities/{token}/holders"
  std::function<void(const httplib::Request&, httplib::Response&)> handler;
};

// A REST error; the route wrapper turns it into {"error": {"code", "message"}}.
struct RestError {
  int status;
  std::string code;
  std::string message;
};

void send_json(httplib::Response& res, const nlohmann::json& body, int status = 200);
void send_rest_error(httplib::Response& res, int status, const std::string& code,
                     const std::string& message);

class RestApi {
 public:
  RestApi(Ledger& ledger, Metrics& metrics) : ledger_(ledger), metrics_(metrics) {}
  // The GET routes (handlers throw RestError).
  std::vector<RestRoute> routes();

 private:
  nlohmann::json securities(const httplib::Request& req);
  nlohmann::json security(const httplib::Request& req);
  nlohmann::json holders(const httplib::Request& req);
  nlohmann::json positions(const httplib::Request& req);
  nlohmann::json check(const httplib::Request& req);
  nlohmann::json transfers(const httplib::Request& req);
  nlohmann::json blocks(const httplib::Request& req);
  nlohmann::json block(const httplib::Request& req);
  nlohmann::json transaction(const httplib::Request& req);
  nlohmann::json healthz(const httplib::Request& req);

  Ledger& ledger_;
  Metrics& metrics_;
};

}  // namespace stoa::node
