// History on disk (docs/journal-format.md, "Block index"; docs/ARCHITECTURE.md "History on
// disk"): the blocks the chain let go of, read from the journal on demand, one record at a known
// offset, through a bounded cache of decoded blocks.
//
// What it keeps in memory per block: its segment, offset, length and hash (56 bytes) and an
// 8-byte fingerprint of its hash; per transaction: an 8-byte fingerprint of its hash with the
// block number and position (16 bytes in a hash table). A fingerprint is confirmed by reading
// the block, so two hashes sharing one cost a read, never a wrong answer.
//
// The index files DATA/index/<segment first block>.idx mirror the segments: one entry per block
// (number, offset, length, hash, transaction hash fingerprints), written after the block's record
// is durable and never synced — the index is a cache of the journal, checked against it on
// start and rebuilt from it where missing or short.
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "stoa/chain/history.h"
#include "stoa/store/env.h"
#include "stoa/store/journal.h"

namespace stoa::store {

inline constexpr uint64_t kHistoryCacheBytes = 256ULL << 20;  // decoded blocks kept (estimated)
inline constexpr size_t kIndexHeaderBytes = 32;
inline constexpr uint64_t kIndexMagic = 0x53544f4149445831ULL;  // "STOAIDX1"
inline constexpr uint32_t kIndexVersion = 1;

std::string index_dir(const std::string& data_dir);  // DATA/index
std::string index_name(uint64_t first_block);        // 00000000000000000001.idx

// Estimated memory of a decoded block (what kHistoryCacheBytes bounds).
size_t block_memory_bytes(const chain::Block& b);

class DiskHistory final : public chain::History {
 public:
  DiskHistory(Env* env, std::string data_dir, uint64_t chain_id, Bytes32 genesis_hash,
              uint64_t cache_bytes = kHistoryCacheBytes);
  ~DiskHistory() override;

  // Start: reads the index files of `segments` (list_segments) and keeps the entries that agree
  // with the journal — consecutive numbers and offsets, within the segment's size, the segment's
  // last indexed record (and first, for the hash link) read back and found as indexed. Stops at
  // the first segment whose index is missing, short or wrong; `*resume` is where a scan of the
  // journal must continue to index the rest (an empty segment name: nothing to scan). Returns ""
  // or an I/O error.
  std::string load(const std::vector<std::pair<uint64_t, std::string>>& segments,
                   ScanStart* resume);
  // Adds the next block (number height() + 1), whose record is durable at `offset` of `segment`
  // with `length` bytes; writes its index entry (failures to write the index are remembered and
  // only stop index writes: the next start rebuilds it from the journal).
  void append(const chain::Block& block, const std::string& segment, uint64_t offset,
              uint64_t length);
  // The same for a record being indexed during the start's scan (no decoded block needed beyond
  // its transaction hashes).
  void append_record(const JournalRecord& rec, const std::vector<Bytes32>& tx_hashes);

  // The record of block n, read and checked (checksum, number, hash). Throws on failure.
  Bytes32 hash(uint64_t n) const;

  uint64_t height() const override { return height_.load(std::memory_order_acquire); }
  std::shared_ptr<const chain::Block> block(uint64_t n) const override;
  std::optional<uint64_t> block_number(const Bytes32& hash) const override;
  std::optional<chain::TxLocation> find_transaction(const Bytes32& hash) const override;

  // Reads block n from the journal (no cache); "" or the located problem.
  std::string read_block(uint64_t n, chain::Block* out) const;
  // "segment S, offset O, block n: " for messages about block n.
  std::string where(uint64_t n) const;

  // Figures for benches and tests.
  size_t cached_blocks() const;
  size_t cached_bytes() const;
  uint64_t disk_reads() const { return disk_reads_.load(); }
  std::string index_warning() const;

 private:
  struct Entry {
    uint64_t offset = 0;
    uint32_t segment = 0;  // index into segments_
    uint32_t length = 0;   // record header + payload
    Bytes32 hash;
  };
  // 8-byte fingerprint -> value; fingerprints held more than once list every value in more_.
  struct FingerprintMap {
    absl::flat_hash_map<uint64_t, uint64_t> one;
    absl::flat_hash_map<uint64_t, std::vector<uint64_t>> more;
    void insert(uint64_t fp, uint64_t value);
    void candidates(uint64_t fp, std::vector<uint64_t>* out) const;
  };
  void add_locked(uint64_t number, const Bytes32& hash, const std::string& segment, uint64_t offset,
                  uint64_t length, const std::vector<Bytes32>& tx_hashes);
  void write_index_entry(uint64_t number, const Entry& e, const std::vector<Bytes32>& tx_hashes);
  uint32_t segment_id(const std::string& name);
  std::shared_ptr<const chain::Block> block_locked(uint64_t n) const;

  Env* env_;
  std::string data_dir_;
  uint64_t chain_id_;
  Bytes32 genesis_hash_;
  uint64_t cache_limit_;

  mutable std::mutex mu_;
  std::vector<std::string> segments_;
  std::vector<Entry> entries_;  // entries_[i]: block i + 1
  FingerprintMap block_fps_;    // block hash -> number
  FingerprintMap tx_fps_;       // transaction hash -> number << 24 | min(index, 2^24 - 1)
  std::atomic<uint64_t> height_{0};
  // The index file being appended to (that of the newest segment).
  std::string index_segment_;
  std::unique_ptr<WritableFile> index_file_;
  std::string index_failed_;
  // The LRU cache of decoded blocks: most recently used at the front.
  mutable std::list<std::pair<uint64_t, std::shared_ptr<const chain::Block>>> lru_;
  mutable absl::flat_hash_map<
      uint64_t, std::list<std::pair<uint64_t, std::shared_ptr<const chain::Block>>>::iterator>
      cache_;
  mutable size_t cache_bytes_ = 0;
  mutable std::atomic<uint64_t> disk_reads_{0};
};

}  // namespace stoa::store
