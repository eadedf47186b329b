// Cross-origin resource sharing (CORS) for browser dapps: which web origins may call the node from
// a page. A request without an Origin header (curl, ethers or viem in Node.js, the CLI) is never
// affected. A request from an allowed origin gets Access-Control-Allow-Origin (its own origin
// echoed, with Vary: Origin); a preflight (OPTIONS with Origin and Access-Control-Request-Method)
// is answered 204 by the server itself, with the methods and headers allowed; a refused origin
// gets no CORS header at all (the browser then withholds the answer from the page), its preflight
// a 403, its WebSocket upgrade a 403. Configured with `stoa serve --cors ORIGIN,...`; `--dev`
// without `--cors` allows every origin. docs/NODE.md, "Browsers (CORS)".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stoa/node/http.h"

namespace stoa::node {

// How long a browser may cache a preflight's answer.
inline constexpr int kCorsMaxAgeSeconds = 600;

struct CorsPolicy {
  bool any = false;                  // every origin ("*")
  std::vector<std::string> origins;  // "scheme://host[:port]", lower case

  // Parses "https://app.example,http://localhost:3000" ("*": any origin). nullopt with a message
  // naming the bad entry when one is not an origin (a path, no scheme, empty).
  static std::optional<CorsPolicy> parse(std::string_view list, std::string* error);
  static CorsPolicy allow_any() { return CorsPolicy{true, {}}; }

  // Whether a request carrying `Origin: origin` may read the answer.
  bool allows(std::string_view origin) const;
  // Whether the request is a CORS preflight (OPTIONS with Origin and
  // Access-Control-Request-Method).
  static bool is_preflight(const HttpRequest& req);
  // The answer to a preflight: 204 with the Access-Control-Allow-* headers, or 403 without any
  // when the origin (or the requested method) is refused.
  void answer_preflight(const HttpRequest& req, HttpResponse* res) const;
  // Adds Access-Control-Allow-Origin and Vary to the answer of an allowed origin's request;
  // nothing for a refused origin or a request without Origin.
  void decorate(const HttpRequest& req, HttpResponse* res) const;
};

}  // namespace stoa::node
