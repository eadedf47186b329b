// The register in the node (include/stoa/ta/register_feed.h).
#include "stoa/ta/register_feed.h"

#include <thread>

#include "stoa/node/log.h"
#include "stoa/ta/cap_table.h"

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
  return {{"/v1/register/securities/([^/]+)/cap-table",
           "/v1/register/securities/{security}/cap-table",
           [this](const node::HttpRequest& req, node::HttpResponse& res) {
             node::send_json(res, cap_table(req));
           }}};
}

nlohmann::json RegisterRest::cap_table(const node::HttpRequest& req) {
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
  std::lock_guard lock(mu_);
  try {
    if (!db_) db_ = open_db(url_);
    const std::optional<Address> token = Address::parse(security_token(*db_, q.security));
    bool personal = false;
    const Principal p = auth_.authorize(req, Permission::kHolders, token, &personal);
    q.actor = p.actor;
    InvestorRecords records(*db_, std::nullopt);
    nlohmann::json j = cap_table_json(ta::cap_table(*db_, personal ? &records : nullptr, q));
    if (!personal) {  // the holders permission alone: no personal data
      for (auto& h : j["holders"]) {
        h.erase("stakeholderId");
        h.erase("jurisdiction");
        h.erase("accreditation");
      }
      j.erase("byJurisdiction");
      j.erase("byAccreditation");
    }
    auth_.audit_request(p.actor, req, 200);
    return j;
  } catch (const AccessDenied& e) {
    throw node::RestError{e.status, e.status == 401 ? "unauthorized" : "forbidden", e.what()};
  } catch (const QueryError& e) {
    const std::string m = e.what();
    throw node::RestError{m.starts_with("no security") ? 404 : 400,
                          m.starts_with("no security") ? "not_found" : "bad_request", m};
  } catch (const DbError& e) {
    db_.reset();  // reconnect next time
    throw node::RestError{503, "unavailable", e.what()};
  }
}

}  // namespace stoa::ta
