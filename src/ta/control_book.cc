// The control book (include/stoa/ta/control_book.h).
#include "stoa/ta/control_book.h"

#include "stoa/common/address.h"
#include "stoa/ta/amount.h"
#include "stoa/ta/reports.h"

namespace stoa::ta {
namespace {

std::string checksum(const std::string& lower) {
  const auto a = Address::parse(lower);
  return a ? a->checksum_hex() : lower;
}

U256 add(const U256& a, const U256& b) {
  const auto v = a.checked_add(b);
  if (!v) throw QueryError("a sum overflows uint256");
  return *v;
}

// The splits up to the block into the control book, and each one's change of supply into
// `added` (a split) or `removed` (a reverse split).
void add_splits(Db& db, const std::string& token, int64_t block, ControlBook& c, U256& added,
                U256& removed) {
  for (const DbRow& r : db.query(
           "SELECT s.split_id, s.block, b.timestamp, s.tx_hash, s.numerator, s.denominator, "
           "s.supply_before, s.supply_after FROM splits s JOIN register_blocks b ON b.number = "
           "s.block WHERE s.security = ? AND s.block <= ? ORDER BY s.block, s.log_index",
           {token, block})) {
    SplitEntry e{static_cast<uint64_t>(r.i64(0)), static_cast<uint64_t>(r.i64(1)),
                 static_cast<uint64_t>(r.i64(2)), r.text(3),
                 *decode_amount(r.text(4)),       *decode_amount(r.text(5)),
                 *decode_amount(r.text(6)),       *decode_amount(r.text(7))};
    if (e.supply_after > e.supply_before) {
      added = add(added, *e.supply_after.checked_sub(e.supply_before));
    } else {
      removed = add(removed, *e.supply_before.checked_sub(e.supply_after));
    }
    c.splits.push_back(std::move(e));
  }
}

}  // namespace

ControlBook control_book(Db& db, const CapTableQuery& q) {
  const SecurityInfo s = security_info(db, q.security);
  ControlBook c;
  c.token = s.token;
  c.symbol = s.symbol;
  c.name = s.name;
  c.issuer = s.issuer;
  c.block = query_block(db, q);
  const auto block = static_cast<int64_t>(c.block);
  const auto b =
      db.query_one("SELECT hash, timestamp FROM register_blocks WHERE number = ?", {block});
  if (!b) throw QueryError("block " + std::to_string(c.block) + " is not in the register");
  c.block_hash = b->text(0);
  c.date = utc_date(static_cast<uint64_t>(b->i64(1)));
  for (const DbRow& r :
       db.query("SELECT kind, amount, action FROM movements WHERE security = ? AND block <= ?",
                {s.token, block})) {
    const U256 v = *decode_amount(r.text(1));
    const std::string action = r.text(2).empty() ? "ordinary" : r.text(2);
    if (r.text(0) == "mint") {
      c.issued = add(c.issued, v);
      c.issued_by_action[action] = add(c.issued_by_action[action], v);
      ++c.issuances;
    } else if (r.text(0) == "burn") {
      c.cancelled = add(c.cancelled, v);
      c.cancelled_by_action[action] = add(c.cancelled_by_action[action], v);
      ++c.cancellations;
    } else {
      ++c.transfers;
    }
  }
  U256 added = c.issued;
  U256 removed = c.cancelled;
  add_splits(db, s.token, block, c, added, removed);
  const auto out = added.checked_sub(removed);
  if (!out) throw QueryError("the register cancelled more than it issued");
  c.outstanding = *out;
  for (const DbRow& r : db.query(
           "SELECT a.block, b.timestamp, a.tx_hash, a.action, a.operator, a.reason, a.document, "
           "a.target FROM corporate_actions a JOIN register_blocks b ON b.number = a.block "
           "WHERE a.security = ? AND a.block <= ? ORDER BY a.block, a.log_index",
           {s.token, block})) {
    c.corporate_actions.push_back({static_cast<uint64_t>(r.i64(0)), static_cast<uint64_t>(r.i64(1)),
                                   r.text(2), r.text(3), r.text(4), r.text(5), r.text(6),
                                   r.text(7)});
  }
  const auto holders = db.query_one(
      "SELECT COUNT(*) FROM balance_history h WHERE h.security = ? AND h.balance <> ? AND h.block "
      "= (SELECT MAX(h2.block) FROM balance_history h2 WHERE h2.security = h.security AND "
      "h2.holder = h.holder AND h2.block <= ?)",
      {s.token, encode_amount(U256(0)), block});
  c.holders = static_cast<size_t>(holders->i64(0));
  if (const auto a = db.query_one(
          "SELECT authorized, note FROM authorized_shares WHERE security = ? AND from_block <= ? "
          "ORDER BY from_block DESC LIMIT 1",
          {s.token, block})) {
    c.authorized = *decode_amount(a->text(0));
    c.authorized_note = a->text(1);
    if (const auto u = c.authorized->checked_sub(c.outstanding)) {
      c.unissued = *u;
    } else {
      c.flags.push_back("outstanding-exceeds-authorized");
    }
  }
  return c;
}

std::string control_book_csv(const ControlBook& c) {
  const auto opt = [](const std::optional<U256>& v) { return v ? v->to_dec() : std::string(); };
  return "security,symbol,block,date,authorized,issued,cancelled,outstanding,unissued,issuances,"
         "cancellations,transfers,holders,flags\n" +
         checksum(c.token) + "," + csv_field(c.symbol) + "," + std::to_string(c.block) + "," +
         c.date + "," + opt(c.authorized) + "," + c.issued.to_dec() + "," + c.cancelled.to_dec() +
         "," + c.outstanding.to_dec() + "," + opt(c.unissued) + "," + std::to_string(c.issuances) +
         "," + std::to_string(c.cancellations) + "," + std::to_string(c.transfers) + "," +
         std::to_string(c.holders) + "," + (c.flags.empty() ? "" : c.flags[0]) + "\n";
}

namespace {

nlohmann::json by_action(const std::map<std::string, U256>& m) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [action, v] : m)
    out[action] = v.to_dec();
  return out;
}

nlohmann::json actions_json(const ControlBook& c) {
  nlohmann::json actions = nlohmann::json::array();
  for (const CorporateActionEntry& a : c.corporate_actions) {
    actions.push_back({{"block", a.block},
                       {"time", utc_time(a.timestamp)},
                       {"transactionHash", a.tx_hash},
                       {"action", a.action},
                       {"operator", checksum(a.op)},
                       {"reason", a.reason},
                       {"document", a.document},
                       {"target", a.target.empty() ? nlohmann::json(nullptr)
                                                   : nlohmann::json(checksum(a.target))}});
  }
  return actions;
}

nlohmann::json splits_json(const ControlBook& c) {
  nlohmann::json out = nlohmann::json::array();
  for (const SplitEntry& e : c.splits) {
    out.push_back({{"splitId", e.split_id},
                   {"block", e.block},
                   {"time", utc_time(e.timestamp)},
                   {"transactionHash", e.tx_hash},
                   {"numerator", e.numerator.to_dec()},
                   {"denominator", e.denominator.to_dec()},
                   {"supplyBefore", e.supply_before.to_dec()},
                   {"supplyAfter", e.supply_after.to_dec()}});
  }
  return out;
}

}  // namespace

nlohmann::json control_book_json(const ControlBook& c) {
  const nlohmann::json actions = actions_json(c);
  const auto opt = [](const std::optional<U256>& v) {
    return v ? nlohmann::json(v->to_dec()) : nlohmann::json(nullptr);
  };
  return {{"security",
           {{"token", checksum(c.token)},
            {"symbol", c.symbol},
            {"name", c.name},
            {"issuer",
             c.issuer.empty() ? nlohmann::json(nullptr) : nlohmann::json(checksum(c.issuer))}}},
          {"block", c.block},
          {"blockHash", c.block_hash},
          {"date", c.date},
          {"authorized", opt(c.authorized)},
          {"authorizedNote", c.authorized_note},
          {"issued", c.issued.to_dec()},
          {"cancelled", c.cancelled.to_dec()},
          {"outstanding", c.outstanding.to_dec()},
          {"unissued", opt(c.unissued)},
          {"issuances", c.issuances},
          {"cancellations", c.cancellations},
          {"transfers", c.transfers},
          {"holders", c.holders},
          {"flags", c.flags},
          {"issuedByAction", by_action(c.issued_by_action)},
          {"cancelledByAction", by_action(c.cancelled_by_action)},
          {"corporateActions", actions},
          {"splits", splits_json(c)}};
}

void set_authorized(Db& db, const std::string& security, const U256& authorized,
                    uint64_t from_block, const std::string& note) {
  const std::string token = security_token(db, security);
  db.exec(
      "INSERT INTO authorized_shares (security, from_block, authorized, note) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (security, from_block) DO UPDATE SET authorized = excluded.authorized, "
      "note = excluded.note",
      {token, static_cast<int64_t>(from_block), encode_amount(authorized), note});
}

}  // namespace stoa::ta
