// The durable ledger: recovery on start (load the block index and check it against the journal,
// scan what it lacks and repair a torn tail, load the newest valid state image, replay the blocks
// after it through the core with every header checked; docs/journal-format.md), the durability
// hook the sequencer calls for each sealed block (append + fdatasync, a state image once enough
// blocks or transactions have passed since the last), and the full verification behind
// `stoa verify`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stoa/chain/chain.h"
#include "stoa/store/head.h"
#include "stoa/store/history.h"
#include "stoa/store/journal.h"
#include "stoa/store/state_image.h"

namespace stoa::store {

struct StoreOptions {
  uint64_t segment_bytes = kDefaultSegmentBytes;
  // A state image once either many blocks or many transactions have been sealed since the last
  // image (or genesis), whichever comes first (image_due). 0 turns that trigger off; both 0: no
  // images.
  uint64_t image_every = kDefaultImageEvery;       // blocks
  uint64_t image_every_tx = kDefaultImageEveryTx;  // transactions
  bool load_images = true;                         // false: replay from genesis
  // Start even when the journal ends before the block the head file records (blocks lost at
  // the tail) or the head file is damaged: the loss is logged and the head file rewritten.
  // Without it such a start is refused (OpenFailure::kTruncated).
  bool accept_truncation = false;
};

enum class OpenFailure {
  kNone,
  kDamaged,    // the journal, a state image or the head file contradicts itself or the genesis
  kTruncated,  // the journal ends before the recorded head (or the head file is unreadable)
  kIo,         // a read or write failed (read-only filesystem, permissions, disk full)
};

struct RecoveryReport {
  uint64_t head = 0;
  std::optional<uint64_t> image_block;  // the state image recovery started from
  uint64_t loaded_blocks = 0;           // covered by the state image: not read, served on demand
  uint64_t indexed_blocks = 0;          // read to rebuild the block index (missing or short)
  uint64_t replayed_blocks = 0;
  uint64_t replayed_transactions = 0;
  std::vector<std::string> warnings;  // torn tail truncated, images skipped, temp files removed
  double seconds = 0;
  OpenFailure failure = OpenFailure::kNone;  // set with open()'s error
};

class Store {
 public:
  // Recovers the chain stored in `data_dir` (an empty directory gives the genesis chain).
  // Returns "" or the fatal problem, naming segment, offset and block; nothing may be served
  // from a directory that fails.
  static std::string open(Env* env, const std::string& data_dir, const chain::ChainConfig& config,
                          const StoreOptions& options, std::unique_ptr<Store>* store,
                          std::unique_ptr<chain::Chain>* chain, RecoveryReport* report);

  // Makes a sealed block durable (called on the sequencer thread, before receipts are
  // published, with `state` at this block). A state image is written when image_due(block) says
  // so; a failed image is only a warning (`warning` set), and the next one is due as if it had
  // been written. A failed append is fatal: the caller must stop without publishing anything.
  IoStatus on_sealed(const chain::Block& block, const core::State& state,
                     std::string* warning = nullptr);
  // Whether `block` takes a state image: when, counting it, image_every blocks or image_every_tx
  // transactions have been sealed since the last image (or since genesis, at start: the image
  // recovery started from, the transactions replayed after it), whichever first. Images are not
  // consensus: which blocks take one changes no block, root or receipt. Every block is asked
  // about once, in order, before it is made durable, on one thread (the sequencer's; on_sealed
  // asks too, and gets the same answer for the same block). For a sequencer that writes block N
  // while N+1 executes: if it is due, on_sealed with the state still at the block, else append.
  bool image_due(const chain::Block& block);
  IoStatus append(const chain::Block& block);
  uint64_t images_written() const { return images_written_; }
  // The blocks the chain has let go of (set as the chain's history by open).
  const std::shared_ptr<DiskHistory>& history() const { return history_; }

 private:
  Store() = default;
  IoStatus append_record(const chain::Block& block);  // the journal, then the block index
  Env* env_ = nullptr;
  std::string data_dir_;
  uint64_t chain_id_ = 0;
  StoreOptions options_;
  std::unique_ptr<JournalWriter> writer_;
  std::unique_ptr<HeadWriter> head_;
  std::shared_ptr<DiskHistory> history_;
  uint64_t images_written_ = 0;
  // image_due's count, touched on the sequencer's thread only (append runs on another).
  uint64_t last_image_block_ = 0;  // the last image's block (0: none since genesis)
  uint64_t tx_since_image_ = 0;    // transactions in the blocks after it, up to decided_block_
  uint64_t decided_block_ = 0;     // the last block image_due answered for
  bool decided_due_ = false;       // and its answer
};

struct VerifyReport {
  bool ok = false;
  std::string problem;  // the first one, with its location
  std::vector<std::string> notes;
  uint64_t segments = 0;
  uint64_t bytes = 0;
  uint64_t blocks = 0;
  uint64_t transactions = 0;
  uint64_t images_checked = 0;
  Bytes32 head_hash;
  Bytes32 state_root;    // the head's (each block's checked by replay)
  Bytes32 state_digest;  // content digest of the replayed state (core::State::digest)
  std::optional<HeadRecord> recorded_head;  // DATA/HEAD, when present and readable
};

// What `stoa verify --expect-head` asks for: the journal must hold this block (by number, or
// by hash, or both: the block at that number has that hash).
struct HeadExpectation {
  std::optional<uint64_t> number;
  std::optional<Bytes32> hash;
};

// Checks everything without changing anything: every record's checksum and hash link, every
// transaction's signature against its stored sender, every block by full replay from genesis
// (state digest, receipts and transactions roots, hash), every state image's checksum and its
// encoding against the replayed state at its block, and that the journal holds the block the
// head file records (and `expect`'s, if given). A damaged last record is noted, not a failure,
// when the head file (or `expect`) shows it was not acknowledged.
VerifyReport verify_data_dir(Env* env, const std::string& data_dir,
                             const chain::ChainConfig& config, const HeadExpectation& expect = {});

// Reads every block of the journal in order (checksums and links checked; no execution) and
// gives it to `fn`; returns "" or the first problem.
std::string read_blocks(Env* env, const std::string& data_dir, const chain::ChainConfig& config,
                        const std::function<bool(const chain::Block&)>& fn);

}  // namespace stoa::store
