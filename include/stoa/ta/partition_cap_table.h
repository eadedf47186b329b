// The cap table by partition (ERC-1400 / ERC-1410; docs/balance-model.md, "Partitions";
// docs/transfer-agent.md, "Cap table by partition"): at a block or date, each holder's amount in
// each partition it holds, from the register's named partitions (TransferByPartition,
// IssuedByPartition, RedeemedByPartition, ChangedPartition) and, for the default partition, its
// balance less its named partitions. Byte-identical on both back ends.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/ta/cap_table.h"

namespace stoa::ta {

struct PartitionHolding {
  std::string partition;  // 0x + 64 hex digits; all zeros: the default partition
  std::string holder;     // lowercase hex
  U256 amount;
  std::string percent;  // of the partition's total, floored to 4 decimals
};

struct PartitionCapTable {
  std::string token, symbol;
  uint64_t block = 0;
  std::string block_hash, date;
  U256 total;                                // every partition: the token's supply
  std::map<std::string, U256> by_partition;  // partition -> its total
  std::vector<PartitionHolding> rows;        // by partition (default first, then ascending), then
                                             // largest amount, then holder
};

// Throws QueryError (unknown security, a block the register has not reached, a bad date).
PartitionCapTable partition_cap_table(Db& db, const CapTableQuery& q);
// A partition's name: "default" for all zeros, its bytes as text when they are printable ASCII
// followed by zeros ("REG-S"), else the hex.
std::string partition_name(const std::string& partition_hex);
std::string partition_cap_table_csv(const PartitionCapTable& t);
nlohmann::json partition_cap_table_json(const PartitionCapTable& t);

}  // namespace stoa::ta
