// The journal: append-only segment files of checksummed, hash-chained block records
// (docs/journal-format.md). The scanner checks every record and, when asked, repairs a torn tail
// (a record cut short by a crash mid-write: never acknowledged, since acknowledgement follows the
// fsync); any other damage is fatal and located (segment, offset, block number).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "stoa/chain/block.h"
#include "stoa/store/env.h"

namespace stoa::store {

inline constexpr uint64_t kDefaultSegmentBytes = 64ULL << 20;  // a segment rolls over past this
inline constexpr size_t kSegmentHeaderBytes = 32;
inline constexpr size_t kRecordHeaderBytes = 84;
inline constexpr uint64_t kSegmentMagic = 0x53544f4153454731ULL;  // "STOASEG1"
inline constexpr uint32_t kRecordMagic = 0x53544258u;             // "STBX"
inline constexpr uint32_t kJournalVersion = 1;

std::string journal_dir(const std::string& data_dir);  // DATA/journal
std::string segment_name(uint64_t first_block);        // 00000000000000000001.seg

struct JournalRecord {
  std::string segment;  // file name
  uint64_t offset = 0;  // of the record in the segment
  uint64_t number = 0;
  Bytes32 prev_hash;
  Bytes32 hash;
  BytesView payload;
};

struct ScanResult {
  // Fatal damage: "segment S, offset O, block N: what". Empty when the journal holds.
  std::string error;
  uint64_t segments = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t head_number = 0;     // 0 = no blocks after genesis
  Bytes32 head_hash;            // the genesis hash when empty
  std::vector<Bytes32> hashes;  // hashes[i] = hash of block i + 1
  // Where the writer continues: the last segment and its size (empty name = no segment).
  std::string last_segment;
  uint64_t last_segment_size = 0;
  bool io_error = false;  // `error` is a failed read or write, not damage
  // A torn tail found (and truncated when repairing; else repair_torn_tail does it).
  bool torn_tail = false;
  std::string torn_segment;
  uint64_t torn_offset = 0;
  uint64_t torn_bytes = 0;
  std::string torn_reason;
};

// Where a scan starts: at the record of block `number` (its predecessor's hash `prev_hash`) at
// `offset` in segment `segment`; earlier segments are not read. The default is the journal's
// beginning.
struct ScanStart {
  std::string segment;  // empty: the first segment
  uint64_t offset = 0;
  uint64_t number = 1;
  Bytes32 prev_hash;  // with an empty segment: the genesis hash passed to scan_journal
};

// Checks every segment in order. `visit` (may be empty) sees each valid record in order and
// returns "" or an error that stops the scan (reported with the record's location).
ScanResult scan_journal(Env* env, const std::string& data_dir, uint64_t chain_id,
                        const Bytes32& genesis_hash, bool repair_tail,
                        const std::function<std::string(const JournalRecord&)>& visit = {},
                        const ScanStart& start = {});

// The segments (first block, file name), in block order.
IoStatus list_segments(Env* env, const std::string& data_dir,
                       std::vector<std::pair<uint64_t, std::string>>* segments);

// Parses and checks one record (header fields, checksum) held whole in `bytes`, read at `offset`
// of `segment`. Returns "" or the problem.
std::string parse_record(BytesView bytes, const std::string& segment, uint64_t offset,
                         JournalRecord* out);

// Repairs the torn tail `scan` (made without repair) found: truncates the last segment at the
// damaged record, or removes a last segment whose header is incomplete.
IoStatus repair_torn_tail(Env* env, const std::string& data_dir, const ScanResult& scan);

class JournalWriter {
 public:
  // Continues after `scan` (which must have succeeded and repaired its tail).
  static IoStatus open(Env* env, const std::string& data_dir, uint64_t chain_id,
                       const ScanResult& scan, uint64_t segment_bytes,
                       std::unique_ptr<JournalWriter>* out);
  // Appends the block's record and fdatasyncs it (a new segment is synced with its directory
  // entry first). After a failure the writer refuses everything: the caller must stop.
  IoStatus append(const chain::Block& block);
  uint64_t head_number() const { return next_number_ - 1; }
  // Where the last appended record went: segment file name, offset, bytes (header + payload).
  const std::string& last_segment() const { return segment_; }
  uint64_t last_offset() const { return last_offset_; }
  uint64_t last_length() const { return last_length_; }
  uint64_t segments_created() const { return segments_created_; }

 private:
  JournalWriter() = default;
  IoStatus roll(uint64_t first_block);

  Env* env_ = nullptr;
  std::string dir_;
  uint64_t chain_id_ = 0;
  uint64_t segment_bytes_ = kDefaultSegmentBytes;
  std::unique_ptr<WritableFile> file_;
  uint64_t size_ = 0;
  std::string segment_;
  uint64_t last_offset_ = 0;
  uint64_t last_length_ = 0;
  uint64_t next_number_ = 1;
  Bytes32 last_hash_;
  uint64_t segments_created_ = 0;
  std::string failed_;
  Bytes buf_;
};

}  // namespace stoa::store
