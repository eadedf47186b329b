// The transfer agent's REST routes behind authentication (docs/transfer-agent.md, "REST access
// control"; docs/openapi.json): Sign-In with Ethereum, documents and data rooms, Rule 17Ad-17
// lost securityholders, year-end statements; and the authorization the register's cap table
// uses (register_feed.h). Every route but the SIWE nonce and verify needs `Authorization:
// Bearer TOKEN` (an API key or a SIWE session); every access, allowed or refused, is audited.
// One database connection behind a mutex (opened on first use).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "stoa/node/ledger.h"
#include "stoa/node/rest_api.h"
#include "stoa/ta/access.h"
#include "stoa/ta/investors.h"

namespace stoa::ta {

struct TaRestOptions {
  std::string db_url;
  AccessOptions access;
  std::optional<TaxIdKey> key;  // statements need it (the tax id, masked); --ta-key FILE
};

class TaRest {
 public:
  TaRest(TaRestOptions o, RoleReader roles);
  ~TaRest();
  TaRest(const TaRest&) = delete;
  TaRest& operator=(const TaRest&) = delete;

  std::vector<node::RestRoute> routes();
  // Once the node exists (before it serves): the chain id SIWE messages must name, and where
  // roles are read.
  void attach(uint64_t chain_id, RoleReader roles);

  // For the register's views: the request's principal, allowed `perm` on `security` (throws
  // AccessDenied 401 or 403; a refusal is audited), and whether it also holds `also`.
  Principal authorize(const node::HttpRequest& req, Permission perm,
                      const std::optional<Address>& security, bool* also = nullptr,
                      Permission also_perm = Permission::kPersonalData);
  // An audit row for a request answered (or refused) by a register view.
  void audit_request(const std::string& actor, const node::HttpRequest& req, int status);

 private:
  using Handler =
      std::function<void(const node::HttpRequest&, node::HttpResponse&, const Principal*)>;
  node::RestRoute route(std::string method, std::string pattern, std::string openapi,
                        bool authenticated, Handler h);
  void open_locked();
  void audit_locked(const std::string& actor, const node::HttpRequest& req, int status);
  Principal authenticate_locked(const node::HttpRequest& req);
  std::optional<Address> security_arg(const std::string& text) const;

  void siwe_nonce(const node::HttpRequest& req, node::HttpResponse& res);
  void siwe_verify(const node::HttpRequest& req, node::HttpResponse& res);
  void whoami(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);
  void document_upload(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);
  void document_list(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);
  void document_get(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p,
                    bool content);
  void document_grants(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);
  void document_grant(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);
  void document_revoke(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);
  bool document_manager(const Principal& p, int64_t id);
  void lost_list(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);
  void lost_due(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);
  void lost_mark(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);
  void lost_search(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);
  void statement(const node::HttpRequest& req, node::HttpResponse& res, const Principal& p);

  TaRestOptions options_;
  RoleReader roles_;
  std::mutex mu_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<Access> access_;
};

// Roles read from a running ledger: hasRole(bytes32,address) called on the contract (false when
// the call fails: not a contract with roles).
RoleReader ledger_role_reader(node::Ledger& ledger);

// Base64 (RFC 4648, with padding).
std::string base64_encode(const Bytes& b);
std::optional<Bytes> base64_decode(std::string_view s);

}  // namespace stoa::ta
