// CORS policy (include/stoa/node/cors.h).
#include "stoa/node/cors.h"

#include <algorithm>
#include <cctype>

namespace stoa::node {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// "scheme://host[:port]" with no path, query or user info.
bool is_origin(std::string_view o) {
  size_t rest = 0;
  if (o.starts_with("http://")) {
    rest = 7;
  } else if (o.starts_with("https://")) {
    rest = 8;
  } else {
    return false;
  }
  const std::string_view host = o.substr(rest);
  if (host.empty()) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

// An HTTP token list (Access-Control-Request-Headers): letters, digits, '-', ',' and spaces.
bool is_header_list(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == ',' ||
           c == ' ';
  });
}

}  // namespace

std::optional<CorsPolicy> CorsPolicy::parse(std::string_view list, std::string* error) {
  CorsPolicy p;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    std::string_view entry = trim(list.substr(start, comma - start));
    start = comma + 1;
    if (entry.empty()) continue;
    if (entry == "*") {
      p.any = true;
      continue;
    }
    if (entry.ends_with('/')) entry.remove_suffix(1);
    std::string o = lower(entry);
    if (!is_origin(o)) {
      *error = "not an origin (scheme://host[:port], no path): " + std::string(entry);
      return std::nullopt;
    }
    p.origins.push_back(std::move(o));
  }
  if (!p.any && p.origins.empty()) {
    *error = "expected a comma-separated list of origins, or *";
    return std::nullopt;
  }
  return p;
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (origin.empty()) return false;
  if (any) return true;
  const std::string o = lower(origin);
  return std::find(origins.begin(), origins.end(), o) != origins.end();
}

bool CorsPolicy::is_preflight(const HttpRequest& req) {
  return req.method == "OPTIONS" && req.has_header("Origin") &&
         req.has_header("Access-Control-Request-Method");
}

void CorsPolicy::answer_preflight(const HttpRequest& req, HttpResponse* res) const {
  const std::string origin = req.get_header_value("Origin");
  const std::string method = req.get_header_value("Access-Control-Request-Method");
  const std::string headers = req.get_header_value("Access-Control-Request-Headers");
  res->set_header("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  if (!allows(origin) || (method != "GET" && method != "POST") || !is_header_list(headers)) {
    res->status = 403;
    return;
  }
  res->status = 204;
  res->set_header("Access-Control-Allow-Origin", origin);
  res->set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  // The headers the page asked for (Content-Type for JSON-RPC): the node reads none that a page
  // could abuse, and there are no credentials (no Access-Control-Allow-Credentials).
  if (!headers.empty()) res->set_header("Access-Control-Allow-Headers", headers);
  res->set_header("Access-Control-Max-Age", std::to_string(kCorsMaxAgeSeconds));
}

void CorsPolicy::decorate(const HttpRequest& req, HttpResponse* res) const {
  if (!req.has_header("Origin")) return;
  res->set_header("Vary", "Origin");
  const std::string origin = req.get_header_value("Origin");
  if (!allows(origin)) return;
  res->set_header("Access-Control-Allow-Origin", origin);
}

}  // namespace stoa::node
