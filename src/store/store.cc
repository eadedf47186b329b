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

// Replays the journal into a fresh chain, starting from `snap` if given. Returns "" or the
// located problem; `snapshot_problem` is set instead when restoring the snapshot itself failed.
std::string replay(Env* env, const std::string& data_dir, const chain::ChainConfig& config,
                   const Snapshot* snap, bool recover_senders, chain::Chain& chain,
                   RecoveryReport* report, std::string* snapshot_problem,
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
                     if (snap != nullptr && b.header.number <= snap->block_number) {
                       e = chain.append_executed(std::move(b));
                       if (!e.empty()) return e;
                       ++report->loaded_blocks;
                       if (chain.height() == snap->block_number) {
                         if (chain.head().hash != snap->block_hash) {
                           *snapshot_problem = "its block hash differs from the journal's block " +
                                               std::to_string(snap->block_number);
                           return "snapshot";
                         }
                         e = chain.restore_state(snap->state);
                         if (!e.empty()) {
                           *snapshot_problem = e;
                           return "snapshot";
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
  if (!snapshot_problem->empty()) return "";
  if (!scan.error.empty()) return scan.error;
  if (snap != nullptr && chain.height() < snap->block_number) {
    return "snapshot " + snap->name + " is at block " + std::to_string(snap->block_number) +
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

}  // namespace

std::string Store::open(Env* env, const std::string& data_dir, const chain::ChainConfig& config,
                        const StoreOptions& options, std::unique_ptr<Store>* store,
                        std::unique_ptr<chain::Chain>* chain_out, RecoveryReport* report) {
  const auto start = std::chrono::steady_clock::now();
  const uint64_t chain_id = config.genesis.chain_id;
  auto chain = std::make_unique<chain::Chain>(config);
  const Bytes32 genesis_hash = chain->head().hash;
  // 1. The block index, checked against the journal where it ends (store/history.h).
  std::vector<std::pair<uint64_t, std::string>> segments;
  if (IoStatus s = list_segments(env, data_dir, &segments); !s.ok()) return s.error;
  auto history = std::make_shared<DiskHistory>(env, data_dir, chain_id, genesis_hash);
  ScanStart resume;
  if (std::string e = history->load(segments, &resume); !e.empty()) return e;
  // 2. The journal after the index's end: every record checked (checksum, number, hash link),
  // a torn tail repaired, and the blocks indexed. Normally nothing, or the block whose index
  // entry a crash cut; the whole journal when the index is missing (a directory written before
  // the index existed).
  ScanResult writer_at;
  writer_at.head_number = history->height();
  if (!resume.segment.empty()) {
    std::vector<Bytes32> tx_hashes;
    const ScanResult scan = scan_journal(
        env, data_dir, chain_id, genesis_hash, /*repair_tail=*/true,
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
    if (!scan.error.empty()) return scan.error;
    if (scan.torn_tail) {
      report->warnings.push_back("torn tail truncated: segment " + scan.torn_segment + ", offset " +
                                 std::to_string(scan.torn_offset) + ", " +
                                 std::to_string(scan.torn_bytes) + " bytes (" + scan.torn_reason +
                                 "); block " + std::to_string(scan.head_number + 1) +
                                 " was never acknowledged");
    }
    report->indexed_blocks = scan.records;
    writer_at = scan;
  } else if (!segments.empty()) {
    writer_at.last_segment = segments.back().second;
    if (IoStatus s = env->file_size(join_path(journal_dir(data_dir), writer_at.last_segment),
                                    &writer_at.last_segment_size);
        !s.ok()) {
      return s.error;
    }
  }
  const uint64_t head = history->height();
  writer_at.head_number = head;
  writer_at.head_hash = head == 0 ? genesis_hash : history->hash(head);
  writer_at.error.clear();
  if (std::string w = history->index_warning(); !w.empty()) {
    report->warnings.push_back("block index not written (rebuilt at the next start): " + w);
  }
  // 3. The state: from the newest usable snapshot, replaying only the blocks after it; or from
  // genesis. Blocks up to the snapshot are not read: they are served from the journal on demand.
  std::vector<std::string> names;
  if (options.load_snapshots) {
    if (IoStatus s = list_snapshots(env, data_dir, &names); !s.ok()) return s.error;
  }
  bool done = false;
  for (const std::string& name : names) {
    Snapshot snap;
    std::string problem = read_snapshot(env, data_dir, name, chain_id, &snap);
    if (problem.empty() && snap.block_number > head) {
      return "snapshot " + name + " is at block " + std::to_string(snap.block_number) +
             " but the journal ends at block " + std::to_string(head) +
             ": journal segments are missing";
    }
    if (problem.empty() && snap.block_number == 0) problem = "it is at genesis";
    if (problem.empty() && history->hash(snap.block_number) != snap.block_hash) {
      problem =
          "its block hash differs from the journal's block " + std::to_string(snap.block_number);
    }
    if (problem.empty()) {
      RecoveryReport r;
      chain = std::make_unique<chain::Chain>(config);
      chain->set_history(history);
      std::shared_ptr<const chain::Block> at;
      std::string e;
      try {
        at = history->block(snap.block_number);
      } catch (const std::runtime_error& x) {
        e = x.what();
      }
      if (e.empty()) e = chain->restore_at(at, snap.state);
      if (e.empty()) {
        // The journal's blocks after the snapshot disagree with its state (a later block read a
        // value the snapshot got wrong, so its state root differs): the snapshot is skipped, and
        // an older one or genesis is tried. If the journal itself is at fault, replay from
        // genesis fails the same way and that error stops the node.
        e = replay_from_history(*history, snap.block_number + 1, head, *chain, &r);
        if (!e.empty()) e.insert(0, "replay from it failed: ");
      }
      if (e.empty()) {
        r.warnings = std::move(report->warnings);
        r.indexed_blocks = report->indexed_blocks;
        *report = std::move(r);
        report->snapshot_block = snap.block_number;
        report->loaded_blocks = snap.block_number;
        done = true;
        break;
      }
      problem = e;
    }
    std::string warning = "snapshot " + name;
    warning += " skipped: ";
    warning += problem;
    report->warnings.push_back(std::move(warning));
  }
  if (!done) {
    RecoveryReport r;
    chain = std::make_unique<chain::Chain>(config);
    chain->set_history(history);
    if (std::string e = replay_from_history(*history, 1, head, *chain, &r); !e.empty()) return e;
    r.warnings = std::move(report->warnings);
    r.indexed_blocks = report->indexed_blocks;
    *report = std::move(r);
  }
  report->head = head;
  // The writer continues after the (repaired) tail.
  std::unique_ptr<Store> st(new Store());
  st->env_ = env;
  st->data_dir_ = data_dir;
  st->chain_id_ = chain_id;
  st->options_ = options;
  st->history_ = history;
  if (IoStatus s = JournalWriter::open(env, data_dir, chain_id, writer_at, options.segment_bytes,
                                       &st->writer_);
      !s.ok()) {
    return s.error;
  }
  report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  *store = std::move(st);
  *chain_out = std::move(chain);
  return "";
}

IoStatus Store::on_sealed(const chain::Block& block, const core::State& state,
                          std::string* warning) {
  if (IoStatus s = append_record(block); !s.ok()) return s;
  const uint64_t n = block.header.number;
  if (snapshot_due(n)) {
    Snapshot snap;
    snap.chain_id = chain_id_;
    snap.block_number = n;
    snap.block_hash = block.hash;
    snap.state_digest = block.header.state_root;
    snap.state = encode_state(state);
    if (IoStatus s = write_snapshot(env_, data_dir_, snap); !s.ok()) {
      if (warning != nullptr)
        *warning = "snapshot at block " + std::to_string(n) + " failed: " + s.error;
    } else {
      ++snapshots_written_;
    }
  }
  return IoStatus::Ok();
}

IoStatus Store::append(const chain::Block& block) {
  STOA_ASSERT(!snapshot_due(block.header.number));  // on_sealed, with the state, takes those
  return append_record(block);
}

IoStatus Store::append_record(const chain::Block& block) {
  if (IoStatus s = writer_->append(block); !s.ok()) return s;
  history_->append(block, writer_->last_segment(), writer_->last_offset(), writer_->last_length());
  return IoStatus::Ok();
}

VerifyReport verify_data_dir(Env* env, const std::string& data_dir,
                             const chain::ChainConfig& config) {
  VerifyReport v;
  const uint64_t chain_id = config.genesis.chain_id;
  chain::Chain chain(config);
  chain.keep_recent_only();  // replay only: old blocks are never served
  // The snapshots: checksums first; their content is compared at their block during replay.
  std::vector<std::string> names;
  if (IoStatus s = list_snapshots(env, data_dir, &names); !s.ok()) {
    v.problem = s.error;
    return v;
  }
  std::map<uint64_t, Snapshot> snaps;
  for (const std::string& name : names) {
    Snapshot snap;
    const std::string e = read_snapshot(env, data_dir, name, chain_id, &snap);
    if (!e.empty()) {
      v.problem = "snapshot " + name;
      v.problem += ": ";
      v.problem += e;
      return v;
    }
    const uint64_t n = snap.block_number;
    snaps.emplace(n, std::move(snap));
  }
  RecoveryReport r;
  std::string unused;
  std::string e =
      replay(env, data_dir, config, nullptr, /*recover_senders=*/true, chain, &r, &unused,
             [&](const chain::Chain& c) -> std::string {
               auto it = snaps.find(c.height());
               if (it == snaps.end()) return "";
               const Snapshot& s = it->second;
               if (s.block_hash != c.head().hash) {
                 return "snapshot " + s.name + ": block hash differs";
               }
               if (s.state_digest != c.head().header.state_root) {
                 return "snapshot " + s.name + ": state root differs";
               }
               if (s.state != encode_state(c.state())) {
                 return "snapshot " + s.name + ": its state differs from the replayed state";
               }
               ++v.snapshots_checked;
               return "";
             });
  const ScanResult scan =
      scan_journal(env, data_dir, chain_id, chain.block_by_number(0)->hash, false);
  v.segments = scan.segments;
  v.bytes = scan.bytes;
  if (scan.torn_tail) {
    v.notes.push_back("torn tail (never acknowledged; truncated at the next start): segment " +
                      scan.torn_segment + ", offset " + std::to_string(scan.torn_offset) + ", " +
                      std::to_string(scan.torn_bytes) + " bytes (" + scan.torn_reason + ")");
  }
  if (!e.empty()) {
    v.problem = e;
    return v;
  }
  for (const auto& [n, s] : snaps) {
    if (n > chain.height()) {
      v.problem = "snapshot " + s.name + " is at block " + std::to_string(n) +
                  " but the journal ends at block " + std::to_string(chain.height()) +
                  ": journal segments are missing";
      return v;
    }
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
