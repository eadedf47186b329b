// `stoa register check` and `stoa register rebuild` (docs/transfer-agent.md, "What register
// check proves"): both read the node's data directory offline, like `stoa verify`, and work
// while the node runs (a record being written reads as a torn tail and is left out).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "stoa/chain/chain.h"
#include "stoa/ta/db.h"

namespace stoa::ta {

struct RegisterCheckReport {
  bool ok = false;
  std::vector<std::string> problems;  // every difference found (the first ones, at most 50)
  std::vector<std::string> notes;     // e.g. the register is behind the journal
  uint64_t block = 0;                 // the register's last block, replayed and compared
  std::string block_hash;
  uint64_t journal_head = 0;
  size_t securities = 0;
  size_t holders = 0;      // holder positions compared, over all securities
  uint64_t movements = 0;  // rows, equal to the Transfer events of the securities
};

// The chain configuration a data directory records (DIR/genesis.json). Throws
// std::runtime_error when it is not a data directory.
chain::ChainConfig data_dir_config(const std::string& data_dir);

// Replays the journal up to the register's last block and compares, for every security the
// factory created: that the register knows it, the total supply with the sum of the register's
// balances, the holder count, every holder's balance and frozen amount and frozen flag; and the
// last block's hash with the register's cursor; and that the register holds one movement per
// Transfer event of a security in the journal (none lost, none twice).
RegisterCheckReport check_register(Db& db, const std::string& data_dir);

// Empties the register and projects every block of the journal again (genesis first). `progress`
// is called after each block with its number and the journal's head when known (0 otherwise).
// Returns the number of blocks projected.
uint64_t rebuild_register(Db& db, const std::string& data_dir,
                          const std::function<void(uint64_t)>& progress = {});

}  // namespace stoa::ta
