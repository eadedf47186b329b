// The cap table by partition (include/stoa/ta/partition_cap_table.h).
#include "stoa/ta/partition_cap_table.h"

#include <algorithm>

#include "stoa/common/address.h"
#include "stoa/ta/amount.h"
#include "stoa/ta/reports.h"

namespace stoa::ta {
namespace {

const std::string& default_partition() {
  static const std::string kDefault = "0x" + std::string(64, '0');
  return kDefault;
}

U256 sum(const U256& a, const U256& b) {
  const auto s = a.checked_add(b);
  if (!s) throw QueryError("a partition total overflows uint256");
  return *s;
}

std::string checksum(const std::string& lower) {
  const auto a = Address::parse(lower);
  return a ? a->checksum_hex() : lower;
}

}  // namespace

std::string partition_name(const std::string& p) {
  if (p == default_partition()) return "default";
  std::string text;
  size_t i = 2;
  for (; i + 1 < p.size(); i += 2) {
    const int c = std::stoi(p.substr(i, 2), nullptr, 16);
    if (c == 0) break;
    if (c <= 0x20 || c >= 0x7f) return p;
    text += static_cast<char>(c);
  }
  for (; i < p.size(); ++i) {
    if (p[i] != '0') return p;  // a non-zero byte after the text
  }
  return text;
}

PartitionCapTable partition_cap_table(Db& db, const CapTableQuery& q) {
  const CapTable base = cap_table(db, nullptr, q);
  PartitionCapTable t;
  t.token = base.token;
  t.symbol = base.symbol;
  t.block = base.block;
  t.block_hash = base.block_hash;
  t.date = base.date;
  t.total = base.total;
  // Each holder's named partitions at the block: the last history row at or before it.
  std::map<std::string, std::map<std::string, U256>> named;  // holder -> partition -> amount
  for (const DbRow& r : db.query(
           "SELECT h.holder, h.partition_id, h.balance FROM partition_history h WHERE "
           "h.security = ? AND h.block = (SELECT MAX(h2.block) FROM partition_history h2 WHERE "
           "h2.security = h.security AND h2.holder = h.holder AND h2.partition_id = "
           "h.partition_id AND h2.block <= ?)",
           {t.token, static_cast<int64_t>(t.block)})) {
    const U256 v = *decode_amount(r.text(2));
    if (!v.is_zero()) named[r.text(0)][r.text(1)] = v;
  }
  for (const CapTableHolder& h : base.holders) {
    U256 in_named;
    for (const auto& [p, v] : named[h.holder]) {
      in_named = sum(in_named, v);
      t.rows.push_back({p, h.holder, v, ""});
    }
    const auto d = h.balance.checked_sub(in_named);
    if (!d) throw QueryError("the register's partitions of " + h.holder + " exceed its balance");
    if (!d->is_zero()) t.rows.push_back({default_partition(), h.holder, *d, ""});
  }
  for (const PartitionHolding& r : t.rows)
    t.by_partition[r.partition] = sum(t.by_partition[r.partition], r.amount);
  for (PartitionHolding& r : t.rows)
    r.percent = percent_of(r.amount, t.by_partition.at(r.partition));
  std::sort(t.rows.begin(), t.rows.end(), [](const PartitionHolding& a, const PartitionHolding& b) {
    if (a.partition != b.partition) return a.partition < b.partition;  // zeros (default) first
    if (a.amount != b.amount) return b.amount < a.amount;
    return a.holder < b.holder;
  });
  return t;
}

std::string partition_cap_table_csv(const PartitionCapTable& t) {
  std::string out = "security,block,date,partition,partition_name,holder,amount,percent\n";
  for (const PartitionHolding& r : t.rows) {
    out += checksum(t.token) + "," + std::to_string(t.block) + "," + t.date + "," + r.partition +
           "," + csv_field(partition_name(r.partition)) + "," + checksum(r.holder) + "," +
           r.amount.to_dec() + "," + r.percent + "\n";
  }
  return out;
}

nlohmann::json partition_cap_table_json(const PartitionCapTable& t) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& [p, total] : t.by_partition) {
    nlohmann::json holders = nlohmann::json::array();
    for (const PartitionHolding& r : t.rows) {
      if (r.partition != p) continue;
      holders.push_back(
          {{"address", checksum(r.holder)}, {"amount", r.amount.to_dec()}, {"percent", r.percent}});
    }
    parts.push_back({{"partition", p},
                     {"name", partition_name(p)},
                     {"total", total.to_dec()},
                     {"holders", holders}});
  }
  return {{"security", {{"token", checksum(t.token)}, {"symbol", t.symbol}}},
          {"block", t.block},
          {"blockHash", t.block_hash},
          {"date", t.date},
          {"total", t.total.to_dec()},
          {"partitions", parts}};
}

}  // namespace stoa::ta
