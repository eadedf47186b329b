// The head file (docs/journal-format.md, "The head file"): DATA/HEAD records the number and hash
// of the newest block the journal made durable, and the genesis parameters, so a journal that
// lost its tail (a cut at a record boundary, a deleted last segment) is found at start and by
// `stoa verify`. It is written after each block's journal fsync and before the block is
// acknowledged, in place, alternating between two checksummed slots, so a torn write leaves the
// other slot (one block older) readable. The guarantee: every acknowledged block's number is at
// most the recorded head, and the journal holds at least the recorded head.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"
#include "stoa/store/env.h"

namespace stoa::store {

inline constexpr const char* kHeadFileName = "HEAD";
inline constexpr size_t kHeadSlotBytes = 128;
inline constexpr size_t kHeadFileBytes = 2 * kHeadSlotBytes;
inline constexpr uint64_t kHeadMagic = 0x53544f4148454144ULL;  // "STOAHEAD"
inline constexpr uint32_t kHeadVersion = 1;

struct HeadRecord {
  uint64_t number = 0;  // the newest durable block (0 = genesis only)
  Bytes32 hash;
  // The genesis parameters (the content of genesis.json) and the genesis block's hash.
  uint64_t chain_id = 0;
  Address operator_account;
  uint64_t genesis_timestamp = 0;
  Bytes32 genesis_hash;
};

std::string head_path(const std::string& data_dir);  // DATA/HEAD

enum class HeadRead { kAbsent, kOk, kDamaged };
// Reads DATA/HEAD: the valid slot with the higher number. kDamaged when the file exists but no
// slot is valid (`problem` says why); an I/O error other than absence is kDamaged too.
HeadRead read_head(Env* env, const std::string& data_dir, HeadRecord* out, std::string* problem);

class HeadWriter {
 public:
  // Creates DATA/HEAD atomically (both slots = `rec`) when `create`, then opens it in place.
  static IoStatus open(Env* env, const std::string& data_dir, const HeadRecord& rec, bool create,
                       std::unique_ptr<HeadWriter>* out);
  // Records a new head: writes slot number % 2 and fdatasyncs.
  IoStatus update(uint64_t number, const Bytes32& hash);

 private:
  HeadWriter() = default;
  std::unique_ptr<RandomWriteFile> file_;
  std::string path_;
  HeadRecord rec_;
};

}  // namespace stoa::store
