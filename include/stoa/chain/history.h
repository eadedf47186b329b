// Blocks the chain no longer keeps in memory. The chain keeps the state and its most recent
// blocks (kRecentBlocks, and every block not yet durable); older blocks, their receipts and the
// transaction index are served by a History (src/store reads them from the journal on demand,
// docs/ARCHITECTURE.md "History on disk").
//
// A History is shared between the sequencer (which appends durable blocks to it through the
// store) and readers on other threads: implementations are thread-safe. Reads that fail (an I/O
// error, a record whose checksum no longer holds) throw std::runtime_error with the location: a
// block the history claims to hold but cannot produce is damage, not absence.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "stoa/chain/block.h"

namespace stoa::chain {

struct TxLocation {
  uint64_t block_number = 0;
  uint32_t index = 0;
};

class History {
 public:
  virtual ~History() = default;
  // The highest block it holds (0: none after genesis). Blocks 1..height() are all present.
  virtual uint64_t height() const = 0;
  // Block n (1 <= n <= height()), else nullptr.
  virtual std::shared_ptr<const Block> block(uint64_t n) const = 0;
  virtual std::optional<uint64_t> block_number(const Bytes32& hash) const = 0;
  virtual std::optional<TxLocation> find_transaction(const Bytes32& hash) const = 0;
};

}  // namespace stoa::chain
