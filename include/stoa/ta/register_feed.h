// The secondary register inside `stoa serve` (docs/transfer-agent.md): a subscriber to the
// durable block stream (node::Ledger::subscribe) from the register's cursor, projecting each
// block as it becomes durable; and the REST view of the register's cap tables. A block the
// register refuses stops the feed (logged; the node keeps serving; `stoa register check` and
// `rebuild` are the way back).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "stoa/node/ledger.h"
#include "stoa/node/rest_api.h"
#include "stoa/ta/cap_table.h"
#include "stoa/ta/db.h"
#include "stoa/ta/register.h"
#include "stoa/ta/ta_rest.h"

namespace stoa::ta {

class RegisterFeed {
 public:
  // Subscribes from the register's cursor; `db` is the feed's own connection.
  RegisterFeed(node::Ledger& ledger, std::unique_ptr<Db> db);
  ~RegisterFeed();  // ends the subscription (waits for a block being projected)
  RegisterFeed(const RegisterFeed&) = delete;
  RegisterFeed& operator=(const RegisterFeed&) = delete;

  uint64_t next_block() const { return next_.load(); }
  std::string error() const;
  // Waits until block `n` is projected (or the feed failed); false on timeout or failure.
  bool wait_for(uint64_t n, std::chrono::milliseconds timeout) const;

 private:
  std::unique_ptr<Db> db_;
  std::unique_ptr<Register> register_;
  std::atomic<uint64_t> next_{0};
  mutable std::mutex mu_;
  std::string error_;
  std::unique_ptr<node::BlockSubscription> sub_;
};

// GET /v1/register/securities/{security}/cap-table?atBlock=N|atDate=YYYY-MM-DD: the cap table
// from the register (docs/openapi.json), on a connection of its own (opened on first use); and
// .../{security}/control-book?atBlock|atDate, .../{security}/partitions?atBlock|atDate (the cap
// table by partition), .../{security}/journal?from&to and
// /v1/register/issuers/{issuer}/cap-table?atBlock|atDate, and .../{security}/tax-forms?year=YYYY
// (the statements permission: the transfer agent).
// Authenticated (ta_rest.h): the holders permission on the security (on each of the issuer's
// securities for the issuer's cap table); the holders' stakeholder ids, jurisdictions and
// accreditation (and the counts by them) only with the personal-data permission too (on each).
// The control book, the partitions and the journal carry no personal data. Every request is
// audited.
class RegisterRest {
 public:
  RegisterRest(std::string db_url, TaRest& auth) : url_(std::move(db_url)), auth_(auth) {}
  std::vector<node::RestRoute> routes();

 private:
  nlohmann::json cap_table(const node::HttpRequest& req);
  nlohmann::json issuer_cap_table(const node::HttpRequest& req);
  nlohmann::json tax_forms(const node::HttpRequest& req);
  static CapTableQuery query_of(const node::HttpRequest& req);
  static void strip_personal(nlohmann::json& cap_table);
  // The request's principal, allowed the holders permission on `security` (a symbol or token;
  // throws QueryError for an unknown one, AccessDenied when refused); `personal`: whether it
  // also has the personal-data permission.
  Principal allow(Db& db, const node::HttpRequest& req, const std::string& security,
                  bool* personal);
  // Runs `f` on the view's connection (opened on first use); `f` sets the authorized actor, and
  // the answer is audited under it. A refusal is a 401 or 403, a QueryError a 404 (unknown
  // security or issuer) or 400, a DbError a 503 (and a reconnect next time).
  nlohmann::json with_db(const node::HttpRequest& req,
                         const std::function<nlohmann::json(Db&, std::string&)>& f);
  std::string url_;
  TaRest& auth_;
  std::mutex mu_;
  std::unique_ptr<Db> db_;
};

}  // namespace stoa::ta
