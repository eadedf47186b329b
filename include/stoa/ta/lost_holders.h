// Rule 17Ad-17 lost securityholders (17 CFR 240.17Ad-17; docs/transfer-agent.md, "Lost
// securityholders"). A securityholder becomes lost when correspondence sent to the address of
// record comes back undeliverable (if it is re-sent within one month, as of the day the re-sent
// item comes back). The transfer agent must then run two database searches, (a)(1)(i) between
// three and twelve months after the holder became lost and (a)(1)(ii) between six and twelve
// months after the first search, unless (a)(3) the holder is documented deceased, the holding is
// worth less than $25, or the holder is not a natural person. This records the returned mail,
// computes both windows, lists what is due on a date, and records each search's result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stoa/ta/db.h"

namespace stoa::ta {

struct LostHolder {
  int64_t id = 0;
  int64_t stakeholder_id = 0;
  std::string returned_on;  // the day the mail came back undeliverable (YYYY-MM-DD)
  std::string lost_since;   // the day the holder became lost (the re-sent item's return, if any)
  // "" (searches required), or the (a)(3) exception: "deceased", "under-25",
  // "not-a-natural-person" (set from the record's kind: an entity or a trust).
  std::string exemption;
  std::optional<std::string> first_search_on, first_search_result;  // "found" or "not-found"
  std::optional<std::string> second_search_on, second_search_result;
  std::optional<std::string> resolved_on;  // found (or in contact again): no longer lost
};

// A search's window: on or after `from`, on or before `to`.
struct SearchWindow {
  std::string from, to;
};
SearchWindow first_search_window(const std::string& lost_since);        // +3 to +12 months
SearchWindow second_search_window(const std::string& first_search_on);  // +6 to +12 months
// A date plus `months` calendar months, the day clamped to the month's last (2026-08-31 + 6 =
// 2027-02-28). Throws QueryError on a malformed date.
std::string add_months(const std::string& date, int months);

struct SearchDue {
  int64_t lost_holder_id = 0;
  int64_t stakeholder_id = 0;
  int search = 1;  // 1 or 2
  SearchWindow window;
  std::string status;  // "upcoming" (window not open), "due" (open), "overdue" (closed)
};

class LostHolders {
 public:
  explicit LostHolders(Db& db) : db_(db) {}

  // Marks a stakeholder's mail returned undeliverable on `returned_on`. With `resent_on` (within
  // one month of the return) and `resent_returned_on`, the holder is lost as of the latter.
  // `exemption`: "", "deceased" or "under-25" (an entity or a trust is "not-a-natural-person"
  // whatever is given). Refuses a holder already lost. Audited. Returns the record's id.
  int64_t mark_returned(int64_t stakeholder, const std::string& returned_on,
                        const std::optional<std::string>& resent_on,
                        const std::optional<std::string>& resent_returned_on,
                        const std::string& exemption, const std::string& actor);
  // Records search 1 or 2 on `on` with its result ("found" resolves the record). Returns whether
  // the search was within its window (a late search is recorded, and reported). Audited.
  bool record_search(int64_t id, int search, const std::string& on, const std::string& result,
                     const std::string& actor);
  // The holder is in contact again (a new address from them): no longer lost. Audited.
  void resolve(int64_t id, const std::string& on, const std::string& actor);
  // Every record (open ones only unless `all`). Audited (a read of personal data).
  std::vector<LostHolder> list(bool all, const std::string& actor);
  // The searches not yet made of the open, non-exempt records, with their status on `on`
  // (upcoming ones only with `include_upcoming`). Audited.
  std::vector<SearchDue> due(const std::string& on, bool include_upcoming,
                             const std::string& actor);

 private:
  std::optional<LostHolder> find(int64_t id);
  void audit(const std::string& actor, const std::string& action,
             std::optional<int64_t> stakeholder, const std::string& detail);
  Db& db_;
};

}  // namespace stoa::ta
