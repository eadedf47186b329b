// The transfer agent's authenticated REST routes (include/stoa/ta/ta_rest.h).
#include "stoa/ta/ta_rest.h"

#include "stoa/abi/abi.h"
#include "stoa/ta/cap_table.h"
#include "stoa/ta/documents.h"
#include "stoa/ta/lost_holders.h"
#include "stoa/ta/schema.h"
#include "stoa/ta/statements.h"

namespace stoa::ta {
namespace {

using nlohmann::json;

constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const char* error_code(int status) {
  switch (status) {
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 503:
      return "unavailable";
    default:
      return "bad_request";
  }
}

}  // namespace

json document_json(const Document& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"security", d.security.empty() ? json(nullptr) : json(d.security)},
          {"mediaType", d.media_type},
          {"sha256", d.sha256},
          {"size", d.size},
          {"uploadedAt", d.uploaded_at},
          {"uploadedBy", d.uploaded_by},
          {"registryTx", d.registry_tx ? json(*d.registry_tx) : json(nullptr)},
          {"erc1643SetDocumentData",
           to_hex_prefixed(erc1643_set_document_call(d, "stoa:document:" + std::to_string(d.id)))}};
}

json lost_json(const LostHolder& l) {
  auto opt = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  const SearchWindow w1 = first_search_window(l.lost_since);
  json j = {{"id", l.id},
            {"stakeholderId", l.stakeholder_id},
            {"returnedOn", l.returned_on},
            {"lostSince", l.lost_since},
            {"exemption", l.exemption.empty() ? json(nullptr) : json(l.exemption)},
            {"firstSearch",
             {{"from", w1.from},
              {"to", w1.to},
              {"on", opt(l.first_search_on)},
              {"result", opt(l.first_search_result)}}},
            {"secondSearch", nullptr},
            {"resolvedOn", opt(l.resolved_on)}};
  if (l.first_search_on) {
    const SearchWindow w2 = second_search_window(*l.first_search_on);
    j["secondSearch"] = {{"from", w2.from},
                         {"to", w2.to},
                         {"on", opt(l.second_search_on)},
                         {"result", opt(l.second_search_result)}};
  }
  return j;
}

std::string base64_encode(const Bytes& b) {
  std::string out;
  for (size_t i = 0; i < b.size(); i += 3) {
    const uint32_t n = (uint32_t{b[i]} << 16) | (i + 1 < b.size() ? uint32_t{b[i + 1]} << 8 : 0) |
                       (i + 2 < b.size() ? uint32_t{b[i + 2]} : 0);
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += i + 1 < b.size() ? kB64[(n >> 6) & 63] : '=';
    out += i + 2 < b.size() ? kB64[n & 63] : '=';
  }
  return out;
}

std::optional<Bytes> base64_decode(std::string_view s) {
  if (s.size() % 4 != 0) return std::nullopt;
  Bytes out;
  for (size_t i = 0; i < s.size(); i += 4) {
    uint32_t n = 0;
    int pad = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = s[i + k];
      if (c == '=' && i + 4 == s.size() && k >= 2) {
        ++pad;
        n <<= 6;
        continue;
      }
      const size_t v = kB64.find(c);
      if (v == std::string_view::npos || pad > 0) return std::nullopt;
      n = (n << 6) | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<uint8_t>(n >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(n >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(n));
  }
  return out;
}

TaRest::TaRest(TaRestOptions o, RoleReader roles)
    : options_(std::move(o)), roles_(std::move(roles)) {}

TaRest::~TaRest() = default;

void TaRest::attach(uint64_t chain_id, RoleReader roles) {
  std::lock_guard lock(mu_);
  options_.access.chain_id = chain_id;
  roles_ = std::move(roles);
  access_.reset();
  db_.reset();
}

RoleReader ledger_role_reader(node::Ledger& ledger) {
  return [&ledger](const Address& contract, const Bytes32& role, const Address& account) {
    static const auto kSig = abi::parse_signature("hasRole(bytes32,address)");
    const auto data = abi::encode_call(*kSig, {abi::Value::bytes32(role), account});
    const core::CallResult r = ledger.call(Address{}, contract, std::get<Bytes>(data));
    return r.success && r.output.size() == 32 && r.output[31] == 1;
  };
}

void TaRest::open_locked() {
  if (db_) return;
  db_ = open_db(options_.db_url);
  migrate(*db_);
  access_ = std::make_unique<Access>(*db_, roles_, options_.access);
}

Principal TaRest::authenticate_locked(const node::HttpRequest& req) {
  const std::string h = req.get_header_value("Authorization");
  if (!h.starts_with("Bearer ")) {
    throw AccessDenied(401, "authentication required: Authorization: Bearer <API key or session>");
  }
  auto p = access_->authenticate(std::string_view(h).substr(7));
  if (!p) throw AccessDenied(401, "unknown, revoked or expired credentials");
  return *p;
}

std::optional<Address> TaRest::security_arg(const std::string& text) const {
  if (text.empty()) return std::nullopt;
  try {
    return Address::parse(security_token(*db_, text));
  } catch (const QueryError& e) {
    throw AccessDenied(404, e.what());
  }
}

node::RestRoute TaRest::route(std::string method, std::string pattern, std::string openapi,
                              bool authenticated, Handler h) {
  node::RestRoute r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.openapi_path = std::move(openapi);
  r.handler = [this, authenticated, h = std::move(h)](const node::HttpRequest& req,
                                                      node::HttpResponse& res) {
    std::lock_guard lock(mu_);
    std::string actor = "anonymous:" + req.remote_address;
    try {
      open_locked();
      std::optional<Principal> p;
      if (authenticated) {
        p = authenticate_locked(req);
        actor = p->actor;
      }
      h(req, res, p ? &*p : nullptr);
      if (authenticated) audit_locked(actor, req, res.status);
    } catch (const AccessDenied& e) {
      if (access_) audit_locked(actor, req, e.status);
      node::send_rest_error(res, e.status, error_code(e.status), e.what());
      if (e.status == 401) res.set_header("WWW-Authenticate", "Bearer");
    } catch (const RecordError& e) {
      audit_locked(actor, req, 400);
      node::send_rest_error(res, 400, "bad_request", e.what());
    } catch (const QueryError& e) {
      audit_locked(actor, req, 400);
      node::send_rest_error(res, 400, "bad_request", e.what());
    } catch (const DbError& e) {
      access_.reset();
      db_.reset();  // reconnect next time
      node::send_rest_error(res, 503, "unavailable", e.what());
    }
  };
  return r;
}

void TaRest::audit_request(const std::string& actor, const node::HttpRequest& req, int status) {
  std::lock_guard lock(mu_);
  audit_locked(actor, req, status);
}

void TaRest::audit_locked(const std::string& actor, const node::HttpRequest& req, int status) {
  if (!access_) return;
  access_->audit(actor, status < 400 ? "rest-access" : "rest-refused",
                 req.method + " " + req.path + " " + std::to_string(status));
}

Principal TaRest::authorize(const node::HttpRequest& req, Permission perm,
                            const std::optional<Address>& security, bool* also,
                            Permission also_perm) {
  std::lock_guard lock(mu_);
  open_locked();
  std::string actor = "anonymous:" + req.remote_address;
  try {
    Principal p = authenticate_locked(req);
    actor = p.actor;
    access_->require(p, perm, security, req.method + " " + req.path);
    if (also != nullptr) *also = access_->allowed(p, also_perm, security);
    return p;
  } catch (const AccessDenied& e) {
    audit_locked(actor, req, e.status);
    throw;
  }
}

}  // namespace stoa::ta
