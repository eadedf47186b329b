// Rule 17Ad-17 lost securityholders (include/stoa/ta/lost_holders.h).
#include "stoa/ta/lost_holders.h"

#include <ctime>

#include "stoa/ta/cap_table.h"
#include "stoa/ta/investors.h"

namespace stoa::ta {
namespace {

std::string utc_now_text() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void require_date(const std::string& d, const char* what) {
  if (!is_iso_date(d)) throw RecordError(std::string(what) + ": expected YYYY-MM-DD");
}

LostHolder lost_of(const DbRow& r) {
  LostHolder l;
  l.id = r.i64(0);
  l.stakeholder_id = r.i64(1);
  l.returned_on = r.text(2);
  l.lost_since = r.text(3);
  l.exemption = r.text(4);
  l.first_search_on = r.opt_text(5);
  l.first_search_result = r.opt_text(6);
  l.second_search_on = r.opt_text(7);
  l.second_search_result = r.opt_text(8);
  l.resolved_on = r.opt_text(9);
  return l;
}

constexpr const char* kColumns =
    "id, stakeholder_id, returned_on, lost_since, exemption, first_search_on, "
    "first_search_result, second_search_on, second_search_result, resolved_on";

std::string status_on(const SearchWindow& w, const std::string& on) {
  if (on < w.from) return "upcoming";
  return on <= w.to ? "due" : "overdue";
}

}  // namespace

std::string add_months(const std::string& date, int months) {
  if (!is_iso_date(date)) throw QueryError("not a date (YYYY-MM-DD): " + date);
  int y = std::stoi(date.substr(0, 4));
  int m = std::stoi(date.substr(5, 2)) - 1 + months;
  int d = std::stoi(date.substr(8, 2));
  y += m / 12;
  m = m % 12 + 1;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int last = m == 2 && leap ? 29 : kDays[m - 1];
  if (d > last) d = last;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

SearchWindow first_search_window(const std::string& lost_since) {
  return {add_months(lost_since, 3), add_months(lost_since, 12)};
}

SearchWindow second_search_window(const std::string& first_search_on) {
  return {add_months(first_search_on, 6), add_months(first_search_on, 12)};
}

void LostHolders::audit(const std::string& actor, const std::string& action,
                        std::optional<int64_t> stakeholder, const std::string& detail) {
  db_.exec(
      "INSERT INTO audit_log (at, actor, action, stakeholder_id, detail) VALUES (?, ?, ?, ?, ?)",
      {utc_now_text(), actor, action,
       stakeholder ? DbValue(*stakeholder) : DbValue(std::monostate{}), detail});
}

std::optional<LostHolder> LostHolders::find(int64_t id) {
  const auto row =
      db_.query_one(std::string("SELECT ") + kColumns + " FROM lost_holders WHERE id = ?", {id});
  if (!row) return std::nullopt;
  return lost_of(*row);
}

int64_t LostHolders::mark_returned(int64_t stakeholder, const std::string& returned_on,
                                   const std::optional<std::string>& resent_on,
                                   const std::optional<std::string>& resent_returned_on,
                                   const std::string& exemption, const std::string& actor) {
  require_date(returned_on, "the return date");
  std::string lost_since = returned_on;
  if (resent_on || resent_returned_on) {
    if (!resent_on || !resent_returned_on) {
      throw RecordError(
          "a re-sent item needs both the day it was re-sent and the day it came back");
    }
    require_date(*resent_on, "the re-send date");
    require_date(*resent_returned_on, "the re-sent item's return date");
    if (*resent_on < returned_on || *resent_on > add_months(returned_on, 1)) {
      throw RecordError("only an item re-sent within one month of the return moves the date");
    }
    if (*resent_returned_on < *resent_on) throw RecordError("returned before it was re-sent");
    lost_since = *resent_returned_on;
  }
  if (!exemption.empty() && exemption != "deceased" && exemption != "under-25") {
    throw RecordError("an exemption is deceased or under-25 (17Ad-17(a)(3))");
  }
  DbTransaction tx(db_);
  const auto kind = db_.query_one("SELECT kind FROM stakeholders WHERE id = ?", {stakeholder});
  if (!kind) throw RecordError("no stakeholder " + std::to_string(stakeholder));
  if (db_.query_one("SELECT id FROM lost_holders WHERE stakeholder_id = ? AND resolved_on IS NULL",
                    {stakeholder})) {
    throw RecordError("stakeholder " + std::to_string(stakeholder) + " is already lost");
  }
  const std::string exempt = kind->text(0) != "individual" ? "not-a-natural-person" : exemption;
  const auto row = db_.query_one(
      "INSERT INTO lost_holders (stakeholder_id, returned_on, lost_since, exemption, marked_by) "
      "VALUES (?, ?, ?, ?, ?) RETURNING id",
      {stakeholder, returned_on, lost_since, exempt, actor});
  audit(actor, "lost-mark", stakeholder,
        "returned " + returned_on + ", lost since " + lost_since +
            (exempt.empty() ? "" : ", exempt: " + exempt));
  tx.commit();
  return row->i64(0);
}

bool LostHolders::record_search(int64_t id, int search, const std::string& on,
                                const std::string& result, const std::string& actor) {
  require_date(on, "the search date");
  if (result != "found" && result != "not-found")
    throw RecordError("a result is found or not-found");
  DbTransaction tx(db_);
  const auto l = find(id);
  if (!l) throw RecordError("no lost-holder record " + std::to_string(id));
  if (l->resolved_on) throw RecordError("record " + std::to_string(id) + " is resolved");
  SearchWindow w;
  if (search == 1) {
    if (l->first_search_on) throw RecordError("the first search is already recorded");
    if (on < l->lost_since) throw RecordError("a search before the holder became lost");
    w = first_search_window(l->lost_since);
  } else if (search == 2) {
    if (!l->first_search_on) throw RecordError("the first search is not recorded yet");
    if (l->second_search_on) throw RecordError("the second search is already recorded");
    if (on < *l->first_search_on) throw RecordError("the second search before the first");
    w = second_search_window(*l->first_search_on);
  } else {
    throw RecordError("a search is 1 or 2");
  }
  const std::string n = search == 1 ? "first" : "second";
  db_.exec("UPDATE lost_holders SET " + n + "_search_on = ?, " + n +
               "_search_result = ?, resolved_on = ? WHERE id = ?",
           {on, result, result == "found" ? DbValue(on) : DbValue(std::monostate{}), id});
  const bool in_window = on >= w.from && on <= w.to;
  audit(actor, "lost-search", l->stakeholder_id,
        n + " search " + on + ": " + result +
            (in_window ? "" : " (outside " + w.from + ".." + w.to + ")"));
  tx.commit();
  return in_window;
}

void LostHolders::resolve(int64_t id, const std::string& on, const std::string& actor) {
  require_date(on, "the date");
  DbTransaction tx(db_);
  const auto l = find(id);
  if (!l) throw RecordError("no lost-holder record " + std::to_string(id));
  if (l->resolved_on) throw RecordError("record " + std::to_string(id) + " is resolved");
  if (on < l->returned_on) throw RecordError("resolved before the mail came back");
  db_.exec("UPDATE lost_holders SET resolved_on = ? WHERE id = ?", {on, id});
  audit(actor, "lost-resolve", l->stakeholder_id, "in contact again " + on);
  tx.commit();
}

std::vector<LostHolder> LostHolders::list(bool all, const std::string& actor) {
  DbTransaction tx(db_);
  std::vector<LostHolder> out;
  for (const DbRow& r : db_.query(std::string("SELECT ") + kColumns + " FROM lost_holders" +
                                      (all ? "" : " WHERE resolved_on IS NULL") + " ORDER BY id",
                                  {}))
    out.push_back(lost_of(r));
  audit(actor, "read-lost-holders", std::nullopt, std::to_string(out.size()) + " records");
  tx.commit();
  return out;
}

std::vector<SearchDue> LostHolders::due(const std::string& on, bool include_upcoming,
                                        const std::string& actor) {
  require_date(on, "the date");
  std::vector<SearchDue> out;
  for (const LostHolder& l : list(false, actor)) {
    if (!l.exemption.empty()) continue;
    SearchDue d{l.id, l.stakeholder_id, 1, {}, ""};
    if (!l.first_search_on) {
      d.window = first_search_window(l.lost_since);
    } else if (!l.second_search_on && l.first_search_result == "not-found") {
      d.search = 2;
      d.window = second_search_window(*l.first_search_on);
    } else {
      continue;
    }
    d.status = status_on(d.window, on);
    if (d.status != "upcoming" || include_upcoming) out.push_back(d);
  }
  return out;
}

}  // namespace stoa::ta
