// The register in the node (include/stoa/ta/register_feed.h).
#include "stoa/ta/register_feed.h"

#include <thread>

#include "stoa/node/log.h"
#include "stoa/ta/cap_table.h"
#include "stoa/ta/control_book.h"
#include "stoa/ta/issuer_cap_table.h"
#include "stoa/ta/partition_cap_table.h"
#include "stoa/ta/reports.h"
#include "stoa/ta/tax_forms.h"

namespace stoa::ta {

RegisterFeed::RegisterFeed(node::Ledger& ledger, std::unique_ptr<Db> db)
    : db_(std::move(db)), register_(std::make_unique<Register>(*db_)) {
  db_->relax_commit_durability();  // the feed's own connection: re-derivable rows only
  next_ = register_->next_block();
  node::log_event(node::LogLevel::kInfo, "register_start", {{"fromBlock", next_.load()}});
  sub_ = ledger.subscribe(register_->next_block(), [this](const chain::Block& b) {
    try {
      register_->apply(b);
      next_ = register_->next_block();
      return true;
    } catch (const std::exception& e) {
      {
        std::lock_guard lock(mu_);
        error_ = e.what();
      }
      node::log_event(node::LogLevel::kError, "register_failed",
                      {{"block", b.header.number}, {"error", e.what()}});
      return false;
    }
  });
}

RegisterFeed::~RegisterFeed() {
  sub_.reset();
}

std::string RegisterFeed::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

bool RegisterFeed::wait_for(uint64_t n, std::chrono::milliseconds timeout) const {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (next_.load() <= n) {
    if (!error().empty() || std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

std::vector<node::RestRoute> RegisterRest::routes() {
  return {
      {"/v1/register/securities/([^/]+)/cap-table", "/v1/register/securities/{security}/cap-table",
       [this](const node::HttpRequest& req, node::HttpResponse& res) {
         node::send_json(res, cap_table(req));
       }},
      {"/v1/register/securities/([^/]+)/control-book",
       "/v1/register/securities/{security}/control-book",
       [this](const node::HttpRequest& req, node::HttpResponse& res) {
         CapTableQuery q = query_of(req);
         node::send_json(res, with_db(req, [&](Db& db, std::string& actor) {
                           actor = q.actor = allow(db, req, q.security, nullptr).actor;
                           return control_book_json(control_book(db, q));
                         }));
       }},
      {"/v1/register/securities/([^/]+)/partitions",
       "/v1/register/securities/{security}/partitions",
       [this](const node::HttpRequest& req, node::HttpResponse& res) {
         CapTableQuery q = query_of(req);
         node::send_json(res, with_db(req, [&](Db& db, std::string& actor) {
                           actor = q.actor = allow(db, req, q.security, nullptr).actor;
                           return partition_cap_table_json(partition_cap_table(db, q));
                         }));
       }},
      {"/v1/register/securities/([^/]+)/journal", "/v1/register/securities/{security}/journal",
       [this](const node::HttpRequest& req, node::HttpResponse& res) {
         if (!req.has_param("from") || !req.has_param("to")) {
           throw node::RestError{400, "bad_request", "from and to (YYYY-MM-DD) are required"};
         }
         const std::string sec = req.matches.at(1);
         const std::string from = req.get_param_value("from");
         const std::string to = req.get_param_value("to");
         node::send_json(res, with_db(req, [&](Db& db, std::string& actor) {
                           actor = allow(db, req, sec, nullptr).actor;
                           return transfer_journal_json(transfer_journal(db, sec, from, to));
                         }));
       }},
      {"/v1/register/securities/([^/]+)/tax-forms", "/v1/register/securities/{security}/tax-forms",
       [this](const node::HttpRequest& req, node::HttpResponse& res) {
         node::send_json(res, tax_forms(req));
       }},
      {"/v1/register/issuers/([^/]+)/cap-table", "/v1/register/issuers/{issuer}/cap-table",
       [this](const node::HttpRequest& req, node::HttpResponse& res) {
         node::send_json(res, issuer_cap_table(req));
       }}};
}

// Without the personal-data permission: balances and counts only.
void RegisterRest::strip_personal(nlohmann::json& j) {
  for (auto& h : j["holders"]) {
    h.erase("stakeholderId");
    h.erase("jurisdiction");
    h.erase("accreditation");
  }
  j.erase("byJurisdiction");
  j.erase("byAccreditation");
}

CapTableQuery RegisterRest::query_of(const node::HttpRequest& req) {
  CapTableQuery q;
  q.security = req.matches.at(1);
  q.actor = "rest:" + req.remote_address;
  if (req.has_param("atBlock")) {
    const std::string v = req.get_param_value("atBlock");
    if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos) {
      throw node::RestError{400, "bad_request", "atBlock: expected a block number"};
    }
    q.at_block = std::stoull(v);
  }
  if (req.has_param("atDate")) q.at_date = req.get_param_value("atDate");
  return q;
}

Principal RegisterRest::allow(Db& db, const node::HttpRequest& req, const std::string& security,
                              bool* personal) {
  const std::optional<Address> token = Address::parse(security_token(db, security));
  return auth_.authorize(req, Permission::kHolders, token, personal);
}

nlohmann::json RegisterRest::with_db(const node::HttpRequest& req,
                                     const std::function<nlohmann::json(Db&, std::string&)>& f) {
  std::lock_guard lock(mu_);
  try {
    if (!db_) db_ = open_db(url_);
    std::string actor;  // set by f once authorized (a refusal throws AccessDenied, audited)
    nlohmann::json j = f(*db_, actor);
    auth_.audit_request(actor, req, 200);
    return j;
  } catch (const AccessDenied& e) {
    throw node::RestError{e.status, e.status == 401 ? "unauthorized" : "forbidden", e.what()};
  } catch (const QueryError& e) {
    const std::string m = e.what();
    const bool missing = m.starts_with("no security");
    throw node::RestError{missing ? 404 : 400, missing ? "not_found" : "bad_request", m};
  } catch (const DbError& e) {
    db_.reset();  // reconnect next time
    throw node::RestError{503, "unavailable", e.what()};
  }
}

nlohmann::json RegisterRest::cap_table(const node::HttpRequest& req) {
  CapTableQuery q = query_of(req);
  return with_db(req, [&](Db& db, std::string& actor) {
    bool personal = false;
    actor = q.actor = allow(db, req, q.security, &personal).actor;
    InvestorRecords records(db, std::nullopt);
    nlohmann::json j = cap_table_json(ta::cap_table(db, personal ? &records : nullptr, q));
    if (!personal) strip_personal(j);
    return j;
  });
}

// The year's 1099-DIV / 1042-S lines of a security: recipients and tax amounts, so the statements
// permission (the transfer agent) on the security.
nlohmann::json RegisterRest::tax_forms(const node::HttpRequest& req) {
  const std::string sec = req.matches.at(1);
  const std::string y = req.has_param("year") ? req.get_param_value("year") : "";
  if (y.size() != 4 || y.find_first_not_of("0123456789") != std::string::npos)
    throw node::RestError{400, "bad_request", "year (YYYY) is required"};
  return with_db(req, [&](Db& db, std::string& actor) {
    const std::optional<Address> token = Address::parse(security_token(db, sec));
    actor = auth_.authorize(req, Permission::kStatements, token).actor;
    return tax_forms_json(ta::tax_forms(db, {std::stoi(y), sec}));
  });
}

// Every security of the issuer must be readable (the holders permission on each); the personal
// data only with that permission on each. An issuer with no security in the register: only a
// principal whose roles need no security (the transfer agent, or a key for every security) learns
// so (404); others are refused as for any security.
nlohmann::json RegisterRest::issuer_cap_table(const node::HttpRequest& req) {
  CapTableQuery q = query_of(req);
  const std::string issuer = req.matches.at(1);
  return with_db(req, [&](Db& db, std::string& actor) {
    const std::optional<Address> a = Address::parse(issuer);
    std::vector<DbRow> rows;
    if (a) rows = db.query("SELECT token FROM securities WHERE issuer = ?", {a->lower_hex()});
    bool personal = !rows.empty();
    if (rows.empty()) q.actor = auth_.authorize(req, Permission::kHolders, std::nullopt).actor;
    for (const DbRow& r : rows) {
      bool each = false;
      q.actor = auth_.authorize(req, Permission::kHolders, Address::parse(r.text(0)), &each).actor;
      personal = personal && each;
    }
    actor = q.actor;
    InvestorRecords records(db, std::nullopt);
    nlohmann::json j =
        issuer_cap_table_json(ta::issuer_cap_table(db, personal ? &records : nullptr, issuer, q));
    if (!personal) {
      j.erase("byJurisdiction");
      j.erase("byAccreditation");
      for (auto& c : j["securities"])
        strip_personal(c);
    }
    return j;
  });
}

}  // namespace stoa::ta
