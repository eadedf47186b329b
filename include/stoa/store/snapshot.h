// Snapshots of the state (docs/journal-format.md): DATA/snapshots/<block>.snap, written
// atomically (temporary file, fsync, rename, fsync of the directory), holding the block number,
// its hash, the state digest and the canonical state encoding, with a CRC-32C trailer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stoa/common/bytes.h"
#include "stoa/store/env.h"

namespace stoa::store {

inline constexpr uint64_t kDefaultSnapshotEvery = 10'000;  // blocks between snapshots
inline constexpr size_t kSnapshotsKept = 2;                // older ones are deleted
inline constexpr size_t kSnapshotHeaderBytes = 100;
inline constexpr uint64_t kSnapshotMagic = 0x53544f41534e5031ULL;  // "STOASNP1"

std::string snapshot_dir(const std::string& data_dir);  // DATA/snapshots
std::string snapshot_name(uint64_t block);              // 00000000000000001000.snap

struct Snapshot {
  std::string name;
  uint64_t chain_id = 0;
  uint64_t block_number = 0;
  Bytes32 block_hash;
  Bytes32 state_digest;
  Bytes state;  // the canonical encoding (core::State::encode)
};

// Writes atomically and deletes all but the newest kSnapshotsKept.
IoStatus write_snapshot(Env* env, const std::string& data_dir, const Snapshot& snap);
// Snapshot file names, newest (highest block) first.
IoStatus list_snapshots(Env* env, const std::string& data_dir, std::vector<std::string>* names);
// Reads and checks one (magic, version, length, checksum, chain id). Returns "" or the problem.
std::string read_snapshot(Env* env, const std::string& data_dir, const std::string& name,
                          uint64_t chain_id, Snapshot* out);

}  // namespace stoa::store
