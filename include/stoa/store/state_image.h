// State images (docs/journal-format.md, "State images"): the whole state at one block, so a start
// replays only the blocks after it. DATA/snapshots/<block>.snap, written atomically (temporary
// file, fsync, rename, fsync of the directory), holding the block number, its hash, the state
// digest and the canonical state encoding, with a CRC-32C trailer. They are not consensus: the
// journal alone decides every block, and `stoa verify` checks each image against it.
//
// The directory `snapshots`, the suffix `.snap` and the magic "STOASNP1" are the historical
// on-disk names (state images were called snapshots until "snapshot" went to ERC-20 snapshots,
// issue 14): kept as they are, so every existing data directory opens unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stoa/common/bytes.h"
#include "stoa/store/env.h"

namespace stoa::store {

// A state image is written once either many blocks or many transactions have been sealed since
// the last one (Store::image_due), whichever comes first.
inline constexpr uint64_t kDefaultImageEvery = 10'000;  // blocks since the last image
// Transactions since the last image. A start costs a fixed part (block index, image: ≈ 2.5 s at
// 10 M transactions on disk) plus ≈ 6 µs per transaction replayed after the newest image
// (docs/PERFORMANCE.md, "Restart with 10 million transactions on disk"): at most 250,000 plus
// one block (kMaxTransactionsPerBlock = 10,000) replayed keeps a restart near 4 s, under 5 s.
inline constexpr uint64_t kDefaultImageEveryTx = 250'000;
inline constexpr size_t kStateImagesKept = 2;  // older ones are deleted
inline constexpr size_t kStateImageHeaderBytes = 100;
inline constexpr uint64_t kStateImageMagic = 0x53544f41534e5031ULL;  // "STOASNP1" (historical)

std::string state_image_dir(const std::string& data_dir);  // DATA/snapshots (historical name)
std::string state_image_name(uint64_t block);              // 00000000000000001000.snap

struct StateImage {
  std::string name;
  uint64_t chain_id = 0;
  uint64_t block_number = 0;
  Bytes32 block_hash;
  Bytes32 state_digest;
  Bytes state;  // the canonical encoding (core::State::encode)
};

// Writes atomically and deletes all but the newest kStateImagesKept.
IoStatus write_state_image(Env* env, const std::string& data_dir, const StateImage& image);
// State image file names, newest (highest block) first.
IoStatus list_state_images(Env* env, const std::string& data_dir, std::vector<std::string>* names);
// Reads and checks one (magic, version, length, checksum, chain id). Returns "" or the problem.
std::string read_state_image(Env* env, const std::string& data_dir, const std::string& name,
                             uint64_t chain_id, StateImage* out);

}  // namespace stoa::store
