// The handlers of the transfer agent's authenticated REST routes (include/stoa/ta/ta_rest.h).
#include <algorithm>

#include "stoa/ta/cap_table.h"
#include "stoa/ta/documents.h"
#include "stoa/ta/lost_holders.h"
#include "stoa/ta/statements.h"
#include "stoa/ta/ta_rest.h"
#include "stoa/ta/tax_forms.h"

namespace stoa::ta {
namespace {

using nlohmann::json;

json body_of(const node::HttpRequest& req) {
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw RecordError("the body must be a JSON object");
  return j;
}

std::string str(const json& j, const char* key, bool required = true) {
  if (!j.contains(key) || j[key].is_null()) {
    if (required) throw RecordError(std::string("\"") + key + "\" is required");
    return "";
  }
  if (!j[key].is_string()) throw RecordError(std::string("\"") + key + "\": expected a string");
  return j[key].get<std::string>();
}

std::optional<std::string> opt_str(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return str(j, key);
}

int64_t id_arg(const std::string& s, const char* what) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) {
    throw RecordError(std::string(what) + ": expected a number");
  }
  return std::stoll(s);
}

std::vector<std::string> names_of(const Principal& p) {
  std::vector<std::string> n;
  if (p.address) n.push_back(p.address->lower_hex());
  if (p.key) n.push_back("apikey:" + p.key->key_id);
  return n;
}

json grant_json(const DocumentGrant& g) {
  return {{"id", g.id},
          {"documentId", g.document_id},
          {"grantee", g.grantee},
          {"permission", g.permission},
          {"expiresAt", g.expires_at ? json(*g.expires_at) : json(nullptr)},
          {"grantedAt", g.granted_at},
          {"grantedBy", g.granted_by},
          {"revokedAt", g.revoked_at ? json(*g.revoked_at) : json(nullptr)}};
}

std::optional<Address> doc_security(const Document& d) {
  if (d.security.empty()) return std::nullopt;
  return Address::parse(d.security);
}

}  // namespace

json document_json(const Document& d);  // ta_rest.cc
json lost_json(const LostHolder& l);    // ta_rest.cc

std::vector<node::RestRoute> TaRest::routes() {
  using R = const node::HttpRequest&;
  using S = node::HttpResponse&;
  using P = const Principal*;
  const std::string id = "([0-9]+)";
  return {
      route("POST", "/v1/auth/siwe/nonce", "/v1/auth/siwe/nonce", false,
            [this](R q, S s, P) { siwe_nonce(q, s); }),
      route("POST", "/v1/auth/siwe/verify", "/v1/auth/siwe/verify", false,
            [this](R q, S s, P) { siwe_verify(q, s); }),
      route("POST", "/v1/auth/logout", "/v1/auth/logout", true,
            [this](R q, S s, P p) {
              if (!p->address) throw RecordError("an API key is revoked with stoa apikey revoke");
              access_->sign_out(q.get_header_value("Authorization").substr(7));
              node::send_json(s, {{"signedOut", true}});
            }),
      route("GET", "/v1/auth/whoami", "/v1/auth/whoami", true,
            [this](R q, S s, P p) { whoami(q, s, *p); }),
      route("POST", "/v1/documents", "/v1/documents", true,
            [this](R q, S s, P p) { document_upload(q, s, *p); }),
      route("GET", "/v1/documents", "/v1/documents", true,
            [this](R q, S s, P p) { document_list(q, s, *p); }),
      route("GET", "/v1/documents/" + id, "/v1/documents/{id}", true,
            [this](R q, S s, P p) { document_get(q, s, *p, false); }),
      route("GET", "/v1/documents/" + id + "/content", "/v1/documents/{id}/content", true,
            [this](R q, S s, P p) { document_get(q, s, *p, true); }),
      route("GET", "/v1/documents/" + id + "/grants", "/v1/documents/{id}/grants", true,
            [this](R q, S s, P p) { document_grants(q, s, *p); }),
      route("POST", "/v1/documents/" + id + "/grants", "/v1/documents/{id}/grants", true,
            [this](R q, S s, P p) { document_grant(q, s, *p); }),
      route("DELETE", "/v1/documents/" + id + "/grants/" + id, "/v1/documents/{id}/grants/{grant}",
            true, [this](R q, S s, P p) { document_revoke(q, s, *p); }),
      route("GET", "/v1/lost-holders", "/v1/lost-holders", true,
            [this](R q, S s, P p) { lost_list(q, s, *p); }),
      route("POST", "/v1/lost-holders", "/v1/lost-holders", true,
            [this](R q, S s, P p) { lost_mark(q, s, *p); }),
      route("GET", "/v1/lost-holders/due", "/v1/lost-holders/due", true,
            [this](R q, S s, P p) { lost_due(q, s, *p); }),
      route("POST", "/v1/lost-holders/" + id + "/searches", "/v1/lost-holders/{id}/searches", true,
            [this](R q, S s, P p) { lost_search(q, s, *p); }),
      route("GET", "/v1/statements/" + id + "/([0-9]{4})", "/v1/statements/{stakeholder}/{year}",
            true, [this](R q, S s, P p) { statement(q, s, *p); }),
  };
}

void TaRest::siwe_nonce(const node::HttpRequest&, node::HttpResponse& res) {
  int64_t expires = 0;
  const std::string nonce = access_->new_nonce(&expires);
  node::send_json(
      res, {{"nonce", nonce},
            {"expiresAt", expires},
            {"chainId", options_.access.chain_id},
            {"domain", options_.access.siwe_domain.empty() ? json(nullptr)
                                                           : json(options_.access.siwe_domain)}});
}

void TaRest::siwe_verify(const node::HttpRequest& req, node::HttpResponse& res) {
  const json b = body_of(req);
  const Session s =
      access_->sign_in(str(b, "message"), str(b, "signature"), req.get_header_value("Host"));
  node::send_json(
      res,
      {{"token", s.token}, {"address", s.address.checksum_hex()}, {"expiresAt", s.expires_at}});
}

void TaRest::whoami(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p) {
  const std::optional<Address> security = security_arg(req.get_param_value("security"));
  json roles = json::array();
  for (TaRole r : access_->roles(p, security))
    roles.push_back(std::string(role_name(r)));
  json perms = json::array();
  for (Permission x : {Permission::kHolders, Permission::kPersonalData, Permission::kDocuments,
                       Permission::kLostHolders, Permission::kStatements}) {
    if (access_->allowed(p, x, security)) perms.push_back(std::string(permission_name(x)));
  }
  json j = {{"actor", p.actor},
            {"roles", roles},
            {"permissions", perms},
            {"security", security ? json(security->lower_hex()) : json(nullptr)}};
  if (p.address) j["address"] = p.address->checksum_hex();
  if (p.key) j["keyId"] = p.key->key_id;
  node::send_json(res, j);
}

bool TaRest::document_manager(const Principal& p, int64_t id) {
  Documents docs(*db_, options_.access.now);
  const auto d = docs.find(id);
  return d && access_->allowed(p, Permission::kDocuments, doc_security(*d));
}

void TaRest::document_upload(const node::HttpRequest& req, node::HttpResponse& res,
                             const Principal& p) {
  const json b = body_of(req);
  const std::optional<Address> security = security_arg(str(b, "security", false));
  access_->require(p, Permission::kDocuments, security, "upload a document");
  const auto content = base64_decode(str(b, "contentBase64"));
  if (!content) throw RecordError("contentBase64: not base64 (RFC 4648, padded)");
  Documents docs(*db_, options_.access.now);
  const Document d = docs.add(str(b, "name"), security ? security->lower_hex() : "",
                              str(b, "mediaType"), *content, p.actor);
  node::send_json(res, document_json(d), 201);
}

void TaRest::document_list(const node::HttpRequest& req, node::HttpResponse& res,
                           const Principal& p) {
  const std::optional<Address> security = security_arg(req.get_param_value("security"));
  Documents docs(*db_, options_.access.now);
  json out = json::array();
  const std::vector<std::string> names = names_of(p);
  for (const Document& d : docs.list(security ? security->lower_hex() : "")) {
    // What the principal manages, or holds a grant on: nothing else is even named.
    if (access_->allowed(p, Permission::kDocuments, doc_security(d)) ||
        docs.granted(d.id, names, "view")) {
      out.push_back(document_json(d));
    }
  }
  node::send_json(res, {{"documents", out}});
}

void TaRest::document_get(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p,
                          bool content) {
  const int64_t id = id_arg(req.matches.at(1), "document");
  Documents docs(*db_, options_.access.now);
  const bool manager = document_manager(p, id);
  if (!content) {
    node::send_json(res, document_json(docs.read_metadata(id, p.actor, names_of(p), manager)));
    return;
  }
  Document meta;
  const Bytes bytes = docs.read_content(id, p.actor, names_of(p), manager, &meta);
  res.status = 200;
  res.set_content(std::string(bytes.begin(), bytes.end()), meta.media_type);
  res.set_header("Content-Disposition", "attachment");
  res.set_header("X-Content-SHA256", meta.sha256);
  res.set_header("Cache-Control", "no-store");
}

void TaRest::document_grants(const node::HttpRequest& req, node::HttpResponse& res,
                             const Principal& p) {
  const int64_t id = id_arg(req.matches.at(1), "document");
  Documents docs(*db_, options_.access.now);
  if (!docs.find(id)) throw AccessDenied(404, "no document " + std::to_string(id));
  if (!document_manager(p, id))
    throw AccessDenied(403, "listing grants needs the documents permission");
  json out = json::array();
  for (const DocumentGrant& g : docs.grants(id))
    out.push_back(grant_json(g));
  node::send_json(res, {{"grants", out}});
}

void TaRest::document_grant(const node::HttpRequest& req, node::HttpResponse& res,
                            const Principal& p) {
  const int64_t id = id_arg(req.matches.at(1), "document");
  Documents docs(*db_, options_.access.now);
  if (!docs.find(id)) throw AccessDenied(404, "no document " + std::to_string(id));
  if (!document_manager(p, id)) throw AccessDenied(403, "granting needs the documents permission");
  const json b = body_of(req);
  std::optional<int64_t> expires;
  if (b.contains("expiresAt") && !b["expiresAt"].is_null()) {
    if (!b["expiresAt"].is_number_integer())
      throw RecordError("expiresAt: seconds since the epoch");
    expires = b["expiresAt"].get<int64_t>();
  }
  std::string grantee = str(b, "grantee");
  if (const auto a = Address::parse(grantee)) grantee = a->lower_hex();
  const int64_t g = docs.grant(id, grantee, str(b, "permission"), expires, p.actor);
  node::send_json(res, {{"id", g}}, 201);
}

void TaRest::document_revoke(const node::HttpRequest& req, node::HttpResponse& res,
                             const Principal& p) {
  const int64_t id = id_arg(req.matches.at(1), "document");
  const int64_t grant = id_arg(req.matches.at(2), "grant");
  Documents docs(*db_, options_.access.now);
  if (!docs.find(id)) throw AccessDenied(404, "no document " + std::to_string(id));
  if (!document_manager(p, id)) throw AccessDenied(403, "revoking needs the documents permission");
  const auto gs = docs.grants(id);
  if (std::none_of(gs.begin(), gs.end(), [&](const DocumentGrant& x) { return x.id == grant; })) {
    throw AccessDenied(404,
                       "no grant " + std::to_string(grant) + " on document " + std::to_string(id));
  }
  docs.revoke(grant, p.actor);
  node::send_json(res, {{"revoked", grant}});
}

void TaRest::lost_list(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p) {
  access_->require(p, Permission::kLostHolders, std::nullopt, "list lost securityholders");
  LostHolders lost(*db_);
  json out = json::array();
  for (const LostHolder& l : lost.list(req.get_param_value("all") == "true", p.actor))
    out.push_back(lost_json(l));
  node::send_json(res, {{"lostHolders", out}});
}

void TaRest::lost_due(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p) {
  access_->require(p, Permission::kLostHolders, std::nullopt, "list the searches due");
  const std::string on = req.get_param_value("on");
  if (on.empty()) throw RecordError("on: the date (YYYY-MM-DD) the searches are due on");
  LostHolders lost(*db_);
  json out = json::array();
  for (const SearchDue& d : lost.due(on, req.get_param_value("upcoming") == "true", p.actor)) {
    out.push_back({{"lostHolderId", d.lost_holder_id},
                   {"stakeholderId", d.stakeholder_id},
                   {"search", d.search},
                   {"from", d.window.from},
                   {"to", d.window.to},
                   {"status", d.status}});
  }
  node::send_json(res, {{"on", on}, {"due", out}});
}

void TaRest::lost_mark(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p) {
  access_->require(p, Permission::kLostHolders, std::nullopt, "mark mail returned");
  const json b = body_of(req);
  if (!b.contains("stakeholderId") || !b["stakeholderId"].is_number_integer()) {
    throw RecordError("stakeholderId: a number");
  }
  LostHolders lost(*db_);
  const int64_t id = lost.mark_returned(b["stakeholderId"].get<int64_t>(), str(b, "returnedOn"),
                                        opt_str(b, "resentOn"), opt_str(b, "resentReturnedOn"),
                                        str(b, "exemption", false), p.actor);
  node::send_json(res, {{"id", id}}, 201);
}

void TaRest::lost_search(const node::HttpRequest& req, node::HttpResponse& res,
                         const Principal& p) {
  access_->require(p, Permission::kLostHolders, std::nullopt, "record a search");
  const int64_t id = id_arg(req.matches.at(1), "lost-holder record");
  const json b = body_of(req);
  if (!b.contains("search") || !b["search"].is_number_integer())
    throw RecordError("search: 1 or 2");
  LostHolders lost(*db_);
  const bool in_window =
      lost.record_search(id, b["search"].get<int>(), str(b, "on"), str(b, "result"), p.actor);
  node::send_json(res, {{"inWindow", in_window}});
}

void TaRest::statement(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p) {
  access_->require(p, Permission::kStatements, std::nullopt, "a holder statement");
  if (!options_.key) throw AccessDenied(503, "statements need the node started with --ta-key");
  const int64_t stakeholder = id_arg(req.matches.at(1), "stakeholder");
  const int year = static_cast<int>(id_arg(req.matches.at(2), "year"));
  const std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
  if (format != "json" && format != "pdf") throw RecordError("format: json or pdf");
  InvestorRecords records(*db_, options_.key);
  // Dividends: the register's DividendPaid rows for the holder's wallets (tax_forms.h).
  const HolderStatement s = register_statement(*db_, records, stakeholder, year, p.actor);
  if (format == "json") {
    node::send_json(res, statement_json(s));
    return;
  }
  const Bytes pdf = statement_pdf(s);
  res.status = 200;
  res.set_content(std::string(pdf.begin(), pdf.end()), "application/pdf");
  res.set_header("Cache-Control", "no-store");
}

}  // namespace stoa::ta
