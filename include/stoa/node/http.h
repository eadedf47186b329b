// The node's own HTTP request and response types: what the REST, KYC and JSON-RPC handlers see,
// independent of the server library (src/node/http_server.cc serves them with Boost.Beast).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stoa::node {

// ASCII case-insensitive ordering (HTTP field names).
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

struct HttpRequest {
  std::string method;                              // "GET", "POST", ...
  std::string target;                              // as sent: path and query
  std::string path;                                // the target's path, percent-decoded
  std::multimap<std::string, std::string> params;  // the query, decoded ('+' is a space)
  std::multimap<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;
  std::string remote_address;        // the peer's IP address
  std::vector<std::string> matches;  // the route's captures: [0] the path, [1...] the groups

  bool has_param(const std::string& name) const { return params.contains(name); }
  // The first value of the parameter, or "".
  std::string get_param_value(const std::string& name) const;
  bool has_header(std::string_view name) const { return headers.find(name) != headers.end(); }
  // The first value of the header, or "".
  std::string get_header_value(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/Length

  void set_content(std::string b, std::string type) {
    body = std::move(b);
    content_type = std::move(type);
  }
  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// Percent-decoding of a URL component; with `plus_is_space`, '+' decodes to ' ' (queries).
// Malformed escapes are kept as they are.
std::string url_decode(std::string_view s, bool plus_is_space);
// Splits a request target into the decoded path and the query's parameters.
void parse_target(std::string_view target, std::string* path,
                  std::multimap<std::string, std::string>* params);
// Whether a Content-Type header names application/json (parameters such as charset allowed,
// case-insensitive).
bool is_json_content_type(std::string_view value);

}  // namespace stoa::node
