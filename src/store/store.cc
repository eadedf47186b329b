// Recovery, the durability hook and verification.
#include "stoa/store/store.h"

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "stoa/common/assert.h"
#include "stoa/core/bytes_sink.h"
#include "stoa/store/block_codec.h"
#include "stoa/store/history.h"

namespace stoa::store {
namespace {

Bytes encode_state(const core::State& state) {
  core::BytesSink sink;
  state.encode(sink);
  return std::move(sink.out);
}

// Replays the journal into a fresh chain, starting from `image` if given. Returns "" or the
// located problem; `image_problem` is set instead when restoring the state image itself failed.
std::string replay(Env* env, const std::string& data_dir, const chain::ChainConfig& config,
                   const StateImage* image, bool recover_senders, chain::Chain& chain,
                   RecoveryReport* report, std::string* image_problem,
                   const std::function<std::string(const chain::Chain&)>& after_block = {}) {
  const uint64_t chain_id = config.genesis.chain_id;
  chain::SealThread worker;  // replayed blocks are sealed as the sequencer seals them
  const ScanResult scan =
      scan_journal(env, data_dir, chain_id, chain.head().hash, /*repair_tail=*/false,
                   [&](const JournalRecord& rec) -> std::string {
                     chain::Block b;
                     std::string e = decode_block(rec.payload, chain_id, recover_senders, &b);
                     if (!e.empty()) return "cannot decode the block: " + e;
                     if (b.hash != rec.hash) {
                       return "the record names hash " + rec.hash.hex() +
                              " but its header hashes to " + b.hash.hex();
                     }
                     if (image != nullptr && b.header.number <= image->block_number) {
                       e = chain.append_executed(std::move(b));
                       if (!e.empty()) return e;
                       ++report->loaded_blocks;
                       if (chain.height() == image->block_number) {
                         if (chain.head().hash != image->block_hash) {
                           *image_problem = "its block hash differs from the journal's block " +
                                            std::to_string(image->block_number);
                           return "state image";
                         }
                         e = chain.restore_state(image->state);
                         if (!e.empty()) {
                           *image_problem = e;
                           return "state image";
                         }
                       }
                     } else {
                       const size_t ntx = b.transactions.size();
                       e = chain.replay_block(b, &worker);
                       if (!e.empty()) return e;
                       ++report->replayed_blocks;
                       report->replayed_transactions += ntx;
                     }
                     if (after_block) return after_block(chain);
                     return "";
                   });
  if (!image_problem->empty()) return "";
  if (!scan.error.empty()) return scan.error;
  if (image != nullptr && chain.height() < image->block_number) {
    return "state image " + image->name + " is at block " + std::to_string(image->block_number) +
           " but the journal ends at block " + std::to_string(chain.height()) +
           ": journal segments are missing";
  }
  report->head = chain.height();
  return "";
}

}  // namespace

namespace {

// Replays blocks from..to, read from the history (each record's checksum checked), onto `chain`.
std::string replay_from_history(const DiskHistory& history, uint64_t from, uint64_t to,
                                chain::Chain& chain, RecoveryReport* report) {
  chain::SealThread worker;  // replayed blocks are sealed as the sequencer seals them
  for (uint64_t n = from; n <= to; ++n) {
    chain::Block b;
    if (std::string e = history.read_block(n, &b); !e.empty()) return e;
    const size_t ntx = b.transactions.size();
    if (std::string e = chain.replay_block(b, &worker); !e.empty()) return history.where(n) + e;
    ++report->replayed_blocks;
    report->replayed_transactions += ntx;
  }
  return "";
}

// The steps of Store::open (docs/journal-format.md, "Recovery"), sharing what each finds. Every
// step returns "" or the error, with report->failure set to its kind.
class Recovery {
 public:
  Recovery(Env* e, const std::string& dir, const chain::ChainConfig& cfg, const StoreOptions& opts,
           RecoveryReport* out)
      : env(e),
        data_dir(dir),
        config(cfg),
        options(opts),
        report(out),
        chain_id(cfg.genesis.chain_id),
        chain(std::make_unique<chain::Chain>(cfg)),
        genesis_hash(chain->head().hash),
        hpath(head_path(dir)) {}

  std::string fail(OpenFailure kind, std::string error) {
    report->failure = kind;
    return error;
  }
  std::string remove_image_temps();
  std::string read_head_file();
  std::string index_journal();
  std::string check_head_and_tail();
  std::string recover_state();
  bool restore_from_image(const std::string& name, std::string* problem);

  Env* env;
  const std::string& data_dir;
  const chain::ChainConfig& config;
  const StoreOptions& options;
  RecoveryReport* report;
  const uint64_t chain_id;
  std::unique_ptr<chain::Chain> chain;
  const Bytes32 genesis_hash;
  const std::string hpath;
  HeadRecord recorded;
  HeadRead head_read = HeadRead::kAbsent;
  std::string head_problem;
  std::shared_ptr<DiskHistory> history;
  ScanResult scan;  // where the journal ends; the writer continues there
  bool rewrite_head = false;
};

// A state image write a crash interrupted leaves NAME.snap.tmp behind: never read, removed here.
std::string Recovery::remove_image_temps() {
  std::vector<std::string> all;
  const std::string sdir = state_image_dir(data_dir);
  if (IoStatus s = env->list(sdir, &all); !s.ok()) return fail(OpenFailure::kIo, s.error);
  for (const std::string& n : all) {
    if (n.size() <= 9 || n.compare(n.size() - 9, 9, ".snap.tmp") != 0) continue;
    const std::string path = join_path(sdir, n);
    if (IoStatus s = env->remove(path); !s.ok()) {
      return fail(OpenFailure::kIo, cannot_write(path, s).error);
    }
    report->warnings.push_back("removed " + path +
                               ": a state image write interrupted by a crash (never used)");
  }
  return "";
}

// The head file is read before the journal: the journal holds at least the head it records.
std::string Recovery::read_head_file() {
  head_read = read_head(env, data_dir, &recorded, &head_problem);
  if (head_read == HeadRead::kOk &&
      (recorded.genesis_hash != genesis_hash || recorded.chain_id != chain_id)) {
    return fail(OpenFailure::kDamaged,
                hpath + " was written for another genesis (chain id " +
                    std::to_string(recorded.chain_id) + ", operator " +
                    recorded.operator_account.checksum_hex() + ", timestamp " +
                    std::to_string(recorded.genesis_timestamp) +
                    "): genesis.json does not belong to this data directory");
  }
  return "";
}

std::string Recovery::index_journal() {
  // The block index, checked against the journal where it ends (store/history.h).
  std::vector<std::pair<uint64_t, std::string>> segments;
  if (IoStatus s = list_segments(env, data_dir, &segments); !s.ok()) {
    return fail(OpenFailure::kIo, s.error);
  }
  history = std::make_shared<DiskHistory>(env, data_dir, chain_id, genesis_hash);
  ScanStart resume;
  if (std::string e = history->load(segments, &resume); !e.empty()) {
    return fail(OpenFailure::kIo, e);
  }
  // The journal after the index's end: every record checked (checksum, number, hash link) and
  // indexed; a torn tail is repaired only once the head file agrees (below). Normally nothing, or
  // the block whose index entry a crash cut; the whole journal when the index is missing (a
  // directory written before the index existed).
  scan.head_number = history->height();
  if (!resume.segment.empty()) {
    std::vector<Bytes32> tx_hashes;
    scan = scan_journal(
        env, data_dir, chain_id, genesis_hash, /*repair_tail=*/false,
        [&](const JournalRecord& rec) -> std::string {
          chain::Block b;
          std::string e = decode_block(rec.payload, chain_id, false, &b);
          if (!e.empty()) return "cannot decode the block: " + e;
          if (b.hash != rec.hash) {
            return "the record names hash " + rec.hash.hex() + " but its header hashes to " +
                   b.hash.hex();
          }
          tx_hashes.clear();
          for (const chain::SignedTransaction& tx : b.transactions)
            tx_hashes.push_back(tx.hash);
          history->append_record(rec, tx_hashes);
          return "";
        },
        resume);
    if (!scan.error.empty()) {
      return fail(scan.io_error ? OpenFailure::kIo : OpenFailure::kDamaged, scan.error);
    }
    report->indexed_blocks = scan.records;
  } else if (!segments.empty()) {
    scan.last_segment = segments.back().second;
    if (IoStatus s = env->file_size(join_path(journal_dir(data_dir), scan.last_segment),
                                    &scan.last_segment_size);
        !s.ok()) {
      return fail(OpenFailure::kIo, s.error);
    }
  }
  scan.head_number = history->height();
  return "";
}

// The head check, then the torn tail's repair (only once the head file agrees).
std::string Recovery::check_head_and_tail() {
  const std::string torn_where =
      scan.torn_tail ? "the last record is damaged (segment " + scan.torn_segment + ", offset " +
                           std::to_string(scan.torn_offset) + ", " +
                           std::to_string(scan.torn_bytes) + " bytes: " + scan.torn_reason + ")"
                     : std::string();
  const std::string restore =
      ". Nothing is served. Restore the data directory from a backup; or, to continue from block " +
      std::to_string(scan.head_number) +
      " and give up what is missing, start once with --accept-truncation";
  rewrite_head = head_read != HeadRead::kOk;
  if (head_read == HeadRead::kDamaged) {
    const std::string m = hpath + " is damaged (" + head_problem +
                          "): whether blocks are missing at the end of the journal (which ends at "
                          "block " +
                          std::to_string(scan.head_number) + ") cannot be checked";
    if (!options.accept_truncation) return fail(OpenFailure::kTruncated, m + restore);
    report->warnings.push_back(m + "; accepted (--accept-truncation): the head file is rewritten");
  } else if (head_read == HeadRead::kOk) {
    if (recorded.number > scan.head_number) {
      const uint64_t first = scan.head_number + 1;
      std::string m = "the journal ends at block " + std::to_string(scan.head_number) + " but " +
                      hpath + " records block " + std::to_string(recorded.number) + " (" +
                      recorded.hash.hex() + "): " +
                      (recorded.number == first
                           ? "block " + std::to_string(first) +
                                 ", acknowledged as durable, is not in the journal"
                           : std::to_string(recorded.number - first + 1) + " blocks (" +
                                 std::to_string(first) + ".." + std::to_string(recorded.number) +
                                 "), acknowledged as durable, are not in the journal");
      if (scan.torn_tail) m += "; " + torn_where;
      if (!options.accept_truncation) return fail(OpenFailure::kTruncated, m + restore);
      report->warnings.push_back("accepted (--accept-truncation): " + m +
                                 "; they are lost, and block " + std::to_string(first) +
                                 " will be sealed anew");
      rewrite_head = true;
    } else if (recorded.number > 0 && history->hash(recorded.number) != recorded.hash) {
      return fail(OpenFailure::kDamaged,
                  "block " + std::to_string(recorded.number) + " in the journal has hash " +
                      history->hash(recorded.number).hex() + " but " + hpath + " records " +
                      recorded.hash.hex() + ": the journal was replaced or rewritten");
    }
  } else if (scan.head_number > 0) {
    report->warnings.push_back(hpath +
                               " does not exist (a data directory written before it was "
                               "introduced, or it was deleted): it is created at block " +
                               std::to_string(scan.head_number) +
                               "; blocks lost before this start cannot be detected");
  }
  if (scan.torn_tail) {
    if (IoStatus s = repair_torn_tail(env, data_dir, scan); !s.ok()) {
      return fail(OpenFailure::kIo, s.error);
    }
    std::string w = torn_where + " and was truncated; blocks after " +
                    std::to_string(scan.head_number) + " are not in the journal";
    if (head_read == HeadRead::kOk && recorded.number <= scan.head_number) {
      w += "; " + hpath + " records block " + std::to_string(recorded.number) +
           ", so the damaged block was never acknowledged";
    }
    report->warnings.push_back(std::move(w));
  }
  const uint64_t head = history->height();
  scan.head_number = head;
  scan.head_hash = head == 0 ? genesis_hash : history->hash(head);
  scan.error.clear();
  if (std::string w = history->index_warning(); !w.empty()) {
    report->warnings.push_back("block index not written (rebuilt at the next start): " + w);
  }
  return "";
}

// The state: from the newest usable state image, replaying only the blocks after it; or from
// genesis. Blocks up to the state image are not read: they are served from the journal on demand.
std::string Recovery::recover_state() {
  const uint64_t head = history->height();
  std::vector<std::string> names;
  if (options.load_images) {
    if (IoStatus s = list_state_images(env, data_dir, &names); !s.ok()) {
      return fail(OpenFailure::kIo, s.error);
    }
  }
  for (const std::string& name : names) {
    std::string problem;
    if (restore_from_image(name, &problem)) return "";
    if (report->failure != OpenFailure::kNone) return problem;
    std::string warning = "state image " + name;
    warning += " skipped: ";
    warning += problem;
    report->warnings.push_back(std::move(warning));
  }
  RecoveryReport r;
  chain = std::make_unique<chain::Chain>(config);
  chain->set_history(history);
  if (std::string e = replay_from_history(*history, 1, head, *chain, &r); !e.empty()) {
    return fail(OpenFailure::kDamaged, e);
  }
  r.warnings = std::move(report->warnings);
  r.indexed_blocks = report->indexed_blocks;
  *report = std::move(r);
  return "";
}

// True when the state was restored from state image `name` and the blocks after it replayed; else
// `problem` says why it was not usable (with report->failure set if that is fatal).
bool Recovery::restore_from_image(const std::string& name, std::string* problem) {
  const uint64_t head = history->height();
  StateImage image;
  *problem = read_state_image(env, data_dir, name, chain_id, &image);
  if (problem->empty() && image.block_number > head) {
    *problem = fail(OpenFailure::kTruncated,
                    "state image " + name + " is at block " + std::to_string(image.block_number) +
                        " but the journal ends at block " + std::to_string(head) +
                        ": journal segments are missing");
    return false;
  }
  if (problem->empty() && image.block_number == 0) *problem = "it is at genesis";
  if (problem->empty() && history->hash(image.block_number) != image.block_hash) {
    *problem =
        "its block hash differs from the journal's block " + std::to_string(image.block_number);
  }
  if (!problem->empty()) return false;
  RecoveryReport r;
  chain = std::make_unique<chain::Chain>(config);
  chain->set_history(history);
  std::shared_ptr<const chain::Block> at;
  std::string e;
  try {
    at = history->block(image.block_number);
  } catch (const std::runtime_error& x) {
    e = x.what();
  }
  if (e.empty()) e = chain->restore_at(at, image.state);
  if (e.empty()) {
    // The journal's blocks after the state image disagree with its state (a later block read a
    // value the state image got wrong, so its state root differs): the state image is skipped, and
    // an older one or genesis is tried. If the journal itself is at fault, replay from
    // genesis fails the same way and that error stops the node.
    e = replay_from_history(*history, image.block_number + 1, head, *chain, &r);
    if (!e.empty()) e.insert(0, "replay from it failed: ");
  }
  if (!e.empty()) {
    *problem = e;
    return false;
  }
  r.warnings = std::move(report->warnings);
  r.indexed_blocks = report->indexed_blocks;
  *report = std::move(r);
  report->image_block = image.block_number;
  report->loaded_blocks = image.block_number;
  return true;
}

}  // namespace

std::string Store::open(Env* env, const std::string& data_dir, const chain::ChainConfig& config,
                        const StoreOptions& options, std::unique_ptr<Store>* store,
                        std::unique_ptr<chain::Chain>* chain_out, RecoveryReport* report) {
  const auto start = std::chrono::steady_clock::now();
  Recovery rec(env, data_dir, config, options, report);
  for (auto step :
       {&Recovery::remove_image_temps, &Recovery::read_head_file, &Recovery::index_journal,
        &Recovery::check_head_and_tail, &Recovery::recover_state}) {
    if (std::string e = (rec.*step)(); !e.empty()) return e;
  }
  report->head = rec.history->height();
  // The writer continues after the (repaired) tail.
  std::unique_ptr<Store> st(new Store());
  st->env_ = env;
  st->data_dir_ = data_dir;
  st->chain_id_ = rec.chain_id;
  st->options_ = options;
  st->history_ = rec.history;
  st->last_image_block_ = rec.report->image_block.value_or(0);
  st->tx_since_image_ = rec.report->replayed_transactions;
  st->decided_block_ = rec.chain->height();
  if (IoStatus s = JournalWriter::open(env, data_dir, rec.chain_id, rec.scan, options.segment_bytes,
                                       &st->writer_);
      !s.ok()) {
    return rec.fail(OpenFailure::kIo, s.error);
  }
  HeadRecord now_at;
  now_at.number = rec.chain->height();
  now_at.hash = rec.chain->head().hash;
  now_at.chain_id = rec.chain_id;
  now_at.operator_account = config.genesis.operator_account;
  now_at.genesis_timestamp = config.genesis_timestamp;
  now_at.genesis_hash = rec.genesis_hash;
  if (IoStatus s = HeadWriter::open(env, data_dir, now_at, rec.rewrite_head, &st->head_); !s.ok()) {
    return rec.fail(OpenFailure::kIo, s.error);
  }
  if (!rec.rewrite_head && rec.recorded.number != now_at.number) {
    // The journal's last block was fsynced but the crash came before the head file's update.
    if (IoStatus s = st->head_->update(now_at.number, now_at.hash); !s.ok()) {
      return rec.fail(OpenFailure::kIo, s.error);
    }
  }
  report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  *store = std::move(st);
  *chain_out = std::move(rec.chain);
  return "";
}

bool Store::image_due(const chain::Block& block) {
  const uint64_t n = block.header.number;
  if (n == decided_block_) return decided_due_;
  decided_block_ = n;
  tx_since_image_ += block.transactions.size();
  decided_due_ = (options_.image_every > 0 && n - last_image_block_ >= options_.image_every) ||
                 (options_.image_every_tx > 0 && tx_since_image_ >= options_.image_every_tx);
  if (decided_due_) {
    last_image_block_ = n;
    tx_since_image_ = 0;
  }
  return decided_due_;
}

IoStatus Store::on_sealed(const chain::Block& block, const core::State& state,
                          std::string* warning) {
  const bool due = image_due(block);
  if (IoStatus s = append_record(block); !s.ok()) return s;
  if (IoStatus s = head_->update(block.header.number, block.hash); !s.ok()) return s;
  if (!due) return IoStatus::Ok();
  const uint64_t n = block.header.number;
  StateImage image;
  image.chain_id = chain_id_;
  image.block_number = n;
  image.block_hash = block.hash;
  image.state_digest = block.header.state_root;
  image.state = encode_state(state);
  if (IoStatus s = write_state_image(env_, data_dir_, image); !s.ok()) {
    if (warning != nullptr)
      *warning = "state image at block " + std::to_string(n) + " failed: " + s.error;
  } else {
    ++images_written_;
  }
  return IoStatus::Ok();
}

// A block image_due chose goes through on_sealed; append does not ask (it may run on another
// thread while the sequencer asks about the next block).
IoStatus Store::append(const chain::Block& block) {
  if (IoStatus s = append_record(block); !s.ok()) return s;
  return head_->update(block.header.number, block.hash);
}

IoStatus Store::append_record(const chain::Block& block) {
  if (IoStatus s = writer_->append(block); !s.ok()) return s;
  history_->append(block, writer_->last_segment(), writer_->last_offset(), writer_->last_length());
  return IoStatus::Ok();
}

VerifyReport verify_data_dir(Env* env, const std::string& data_dir,
                             const chain::ChainConfig& config, const HeadExpectation& expect) {
  VerifyReport v;
  const uint64_t chain_id = config.genesis.chain_id;
  chain::Chain chain(config);
  chain.keep_recent_only();  // replay only: old blocks are never served
  const Bytes32 genesis_hash = chain.head().hash;
  // The head file first: a node running meanwhile fsyncs a block's record before recording it.
  HeadRecord recorded;
  std::string head_problem;
  const std::string hpath = head_path(data_dir);
  switch (read_head(env, data_dir, &recorded, &head_problem)) {
    case HeadRead::kDamaged:
      v.problem = hpath + " is damaged (" + head_problem +
                  "): whether blocks are missing at the end of the journal cannot be checked";
      return v;
    case HeadRead::kOk:
      v.recorded_head = recorded;
      if (recorded.genesis_hash != chain.head().hash) {
        v.problem = hpath + " was written for another genesis (chain id " +
                    std::to_string(recorded.chain_id) + ", operator " +
                    recorded.operator_account.checksum_hex() + ", timestamp " +
                    std::to_string(recorded.genesis_timestamp) +
                    "): genesis.json does not belong to this data directory";
        return v;
      }
      break;
    case HeadRead::kAbsent:
      v.notes.push_back(hpath +
                        " does not exist: whether blocks are missing at the end of the "
                        "journal cannot be checked without --expect-head");
      break;
  }
  // The state images: checksums first; their content is compared at their block during replay.
  std::vector<std::string> names;
  if (IoStatus s = list_state_images(env, data_dir, &names); !s.ok()) {
    v.problem = s.error;
    return v;
  }
  std::map<uint64_t, StateImage> images;
  for (const std::string& name : names) {
    StateImage image;
    const std::string e = read_state_image(env, data_dir, name, chain_id, &image);
    if (!e.empty()) {
      v.problem = "state image " + name;
      v.problem += ": ";
      v.problem += e;
      return v;
    }
    const uint64_t n = image.block_number;
    images.emplace(n, std::move(image));
  }
  RecoveryReport r;
  std::string unused;
  std::string e =
      replay(env, data_dir, config, nullptr, /*recover_senders=*/true, chain, &r, &unused,
             [&](const chain::Chain& c) -> std::string {
               auto it = images.find(c.height());
               if (it == images.end()) return "";
               const StateImage& s = it->second;
               if (s.block_hash != c.head().hash) {
                 return "state image " + s.name + ": block hash differs";
               }
               if (s.state_digest != c.head().header.state_root) {
                 return "state image " + s.name + ": state root differs";
               }
               if (s.state != encode_state(c.state())) {
                 return "state image " + s.name + ": its state differs from the replayed state";
               }
               ++v.images_checked;
               return "";
             });
  const ScanResult scan = scan_journal(env, data_dir, chain_id, genesis_hash, false);
  v.segments = scan.segments;
  v.bytes = scan.bytes;
  if (!e.empty()) {
    v.problem = e;
    return v;
  }
  for (const auto& [n, s] : images) {
    if (n > chain.height()) {
      v.problem = "state image " + s.name + " is at block " + std::to_string(n) +
                  " but the journal ends at block " + std::to_string(chain.height()) +
                  ": journal segments are missing";
      return v;
    }
  }
  const uint64_t height = chain.height();
  // Block hashes from the scan (the chain keeps only recent blocks): hashes[i] is block i + 1's.
  auto hash_at = [&](uint64_t n) -> Bytes32 {
    if (n == 0) return genesis_hash;
    STOA_ASSERT(n <= scan.hashes.size());
    return scan.hashes[n - 1];
  };
  const std::string torn =
      scan.torn_tail ? "the last record is damaged (segment " + scan.torn_segment + ", offset " +
                           std::to_string(scan.torn_offset) + ", " +
                           std::to_string(scan.torn_bytes) + " bytes: " + scan.torn_reason +
                           "); blocks after " + std::to_string(height) + " are not in the journal"
                     : std::string();
  // What is missing at the end, against a head some record says the journal must hold.
  auto missing = [&](uint64_t want, const std::string& who) {
    std::string m = "the journal ends at block " + std::to_string(height) + " but " + who +
                    " block " + std::to_string(want) + ": " +
                    (want == height + 1 ? "block " + std::to_string(want) + " is"
                                        : "blocks " + std::to_string(height + 1) + ".." +
                                              std::to_string(want) + " are") +
                    " not in the journal";
    if (scan.torn_tail) m += "; " + torn;
    return m;
  };
  if (v.recorded_head) {
    const HeadRecord& h = *v.recorded_head;
    if (h.number > height) {
      v.problem = missing(h.number, hpath + " records");
      return v;
    }
    if (hash_at(h.number) != h.hash) {
      v.problem = "block " + std::to_string(h.number) + " in the journal has hash " +
                  hash_at(h.number).hex() + " but " + hpath + " records " + h.hash.hex();
      return v;
    }
  }
  if (expect.number && *expect.number > height) {
    v.problem = missing(*expect.number, "--expect-head names");
    return v;
  }
  if (expect.hash) {
    if (expect.number) {
      const Bytes32 got = hash_at(*expect.number);
      if (got != *expect.hash) {
        v.problem = "block " + std::to_string(*expect.number) + " has hash " + got.hex() +
                    ", not the expected " + expect.hash->hex();
        return v;
      }
    } else {
      bool found = false;
      for (uint64_t n = 0; n <= height && !found; ++n)
        found = hash_at(n) == *expect.hash;
      if (!found) {
        v.problem = "no block in the journal has the expected hash " + expect.hash->hex() +
                    " (the journal ends at block " + std::to_string(height) + ", " +
                    chain.head().hash.hex() + ")";
        if (scan.torn_tail) v.problem += "; " + torn;
        return v;
      }
    }
  }
  if (scan.torn_tail) {
    std::string n = torn;
    if (v.recorded_head) {
      n += "; " + hpath + " records block " + std::to_string(v.recorded_head->number) +
           ", so the damaged block was not acknowledged";
    }
    v.notes.push_back(n + "; the node truncates it at its next start");
  }
  v.blocks = chain.height();
  v.transactions = r.replayed_transactions;
  v.head_hash = chain.head().hash;
  v.state_root = chain.head().header.state_root;
  v.state_digest = chain.state().digest();
  v.ok = true;
  return v;
}

std::string read_blocks(Env* env, const std::string& data_dir, const chain::ChainConfig& config,
                        const std::function<bool(const chain::Block&)>& fn) {
  const uint64_t chain_id = config.genesis.chain_id;
  chain::Chain genesis(config);
  bool stopped = false;
  const ScanResult scan = scan_journal(env, data_dir, chain_id, genesis.head().hash, false,
                                       [&](const JournalRecord& rec) -> std::string {
                                         if (stopped) return "";
                                         chain::Block b;
                                         std::string e =
                                             decode_block(rec.payload, chain_id, false, &b);
                                         if (!e.empty()) return "cannot decode the block: " + e;
                                         if (b.hash != rec.hash)
                                           return "record hash and header hash differ";
                                         if (!fn(b)) stopped = true;
                                         return "";
                                       });
  return scan.error;
}

}  // namespace stoa::store
