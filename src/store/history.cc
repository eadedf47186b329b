// History on disk: the block index and on-demand reads of old blocks (store/history.h).
#include "stoa/store/history.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "stoa/common/assert.h"
#include "stoa/store/big_endian.h"
#include "stoa/store/block_codec.h"
#include "stoa/store/crc32c.h"

namespace stoa::store {
namespace {

constexpr size_t kEntryFixedBytes = 56;                  // number, offset, length, tx count, hash
constexpr uint64_t kIndexBits = 24;                      // a transaction's position in its block...
constexpr uint64_t kNoIndex = (1ULL << kIndexBits) - 1;  // ...or this: search the block

uint64_t fingerprint(const Bytes32& h) {
  return get_u64(h.b.data());
}

void index_header(uint8_t out[kIndexHeaderBytes], uint64_t chain_id, uint64_t first_block) {
  put_u64(out, kIndexMagic);
  put_u32(out + 8, kIndexVersion);
  put_u64(out + 12, chain_id);
  put_u64(out + 20, first_block);
  put_u32(out + 28, crc32c(out, 28));
}

std::string locate(const std::string& seg, uint64_t offset, uint64_t block) {
  return "segment " + seg + ", offset " + std::to_string(offset) + ", block " +
         std::to_string(block) + ": ";
}

}  // namespace

std::string index_dir(const std::string& data_dir) {
  return join_path(data_dir, "index");
}

std::string index_name(uint64_t first_block) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu.idx", static_cast<unsigned long long>(first_block));
  return buf;
}

size_t block_memory_bytes(const chain::Block& b) {
  size_t n = sizeof(chain::Block) + b.header.extra_data.size();
  for (const chain::SignedTransaction& tx : b.transactions) {
    n += sizeof(tx) + tx.raw.size() + tx.tx.data.size();
    for (const chain::AccessListEntry& e : tx.tx.access_list)
      n += sizeof(e) + e.storage_keys.size() * sizeof(Bytes32);
  }
  for (const chain::Receipt& r : b.receipts) {
    n += sizeof(r) + r.revert_data.size();
    for (const core::Log& l : r.logs)
      n += sizeof(l) + l.topics.size() * sizeof(Bytes32) + l.data.size();
  }
  return n;
}

void DiskHistory::FingerprintMap::insert(uint64_t fp, uint64_t value) {
  if (auto m = more.find(fp); m != more.end()) {
    m->second.push_back(value);
    return;
  }
  auto [it, inserted] = one.try_emplace(fp, value);
  if (inserted) return;
  more[fp] = {it->second, value};
  one.erase(it);
}

void DiskHistory::FingerprintMap::candidates(uint64_t fp, std::vector<uint64_t>* out) const {
  out->clear();
  if (auto it = one.find(fp); it != one.end()) {
    out->push_back(it->second);
  } else if (auto m = more.find(fp); m != more.end()) {
    *out = m->second;
  }
}

DiskHistory::DiskHistory(Env* env, std::string data_dir, uint64_t chain_id, Bytes32 genesis_hash,
                         uint64_t cache_bytes)
    : env_(env),
      data_dir_(std::move(data_dir)),
      chain_id_(chain_id),
      genesis_hash_(genesis_hash),
      cache_limit_(cache_bytes) {}

DiskHistory::~DiskHistory() {
  if (index_file_) (void)index_file_->close();
}

uint32_t DiskHistory::segment_id(const std::string& name) {
  if (segments_.empty() || segments_.back() != name) segments_.push_back(name);
  return static_cast<uint32_t>(segments_.size() - 1);
}

std::string DiskHistory::load(const std::vector<std::pair<uint64_t, std::string>>& segments,
                              ScanStart* resume) {
  std::lock_guard lock(mu_);
  STOA_ASSERT(entries_.empty());
  const std::string jdir = journal_dir(data_dir_);
  const std::string idir = index_dir(data_dir_);
  if (IoStatus s = env_->make_dir(data_dir_); !s.ok()) {  // a first start
    return cannot_write(data_dir_, s).error;
  }
  if (IoStatus s = env_->make_dir(idir); !s.ok()) return cannot_write(idir, s).error;
  uint64_t expected = 1;
  Bytes32 prev = genesis_hash_;
  *resume = ScanStart{};
  resume->prev_hash = genesis_hash_;
  Bytes idx;
  Bytes rec;
  struct Loaded {
    uint64_t offset;
    uint32_t length;
    Bytes32 hash;
    size_t fps_at;  // in idx
    uint32_t ntx;
  };
  std::vector<Loaded> loaded;
  for (const auto& [first, name] : segments) {
    resume->segment = name;
    resume->offset = kSegmentHeaderBytes;
    resume->number = expected;
    resume->prev_hash = prev;
    if (first != expected) break;  // the scan reports the gap
    uint64_t seg_size = 0;
    if (IoStatus s = env_->file_size(join_path(jdir, name), &seg_size); !s.ok()) return s.error;
    const std::string ipath = join_path(idir, index_name(first));
    uint8_t want[kIndexHeaderBytes];
    index_header(want, chain_id_, first);
    if (!env_->exists(ipath) || !env_->read_all(ipath, &idx).ok() ||
        idx.size() < kIndexHeaderBytes || !std::equal(want, want + kIndexHeaderBytes, idx.data())) {
      break;
    }
    loaded.clear();
    uint64_t pos = kSegmentHeaderBytes;
    uint64_t number = expected;
    size_t at = kIndexHeaderBytes;
    while (idx.size() - at >= kEntryFixedBytes + 4) {
      const uint8_t* p = idx.data() + at;
      const uint32_t ntx = get_u32(p + 20);
      const size_t size = kEntryFixedBytes + size_t{ntx} * 8 + 4;
      if (idx.size() - at < size) break;
      if (crc32c(p, size - 4) != get_u32(p + size - 4)) break;
      const uint32_t length = get_u32(p + 16);
      if (get_u64(p) != number || get_u64(p + 8) != pos || length < kRecordHeaderBytes ||
          pos + length > seg_size) {
        break;
      }
      Loaded l{pos, length, {}, at + kEntryFixedBytes, ntx};
      std::copy(p + 24, p + 56, l.hash.b.begin());
      loaded.push_back(l);
      pos += length;
      ++number;
      at += size;
    }
    // The journal must agree: the first indexed record links to what precedes it, and the
    // last one is where the index says, with its hash.
    bool agrees = true;
    for (size_t k : {size_t{0}, loaded.size() - 1}) {
      if (loaded.empty()) break;
      const Loaded& l = loaded[k];
      if (!env_->read_at(join_path(jdir, name), l.offset, kRecordHeaderBytes, &rec).ok() ||
          get_u32(rec.data()) != kRecordMagic || get_u64(rec.data() + 8) != expected + k ||
          kRecordHeaderBytes + uint64_t{get_u32(rec.data() + 4)} != l.length ||
          !std::equal(l.hash.b.begin(), l.hash.b.end(), rec.data() + 48) ||
          (k == 0 && !std::equal(prev.b.begin(), prev.b.end(), rec.data() + 16))) {
        agrees = false;
      }
    }
    if (!agrees) {
      loaded.clear();
      pos = kSegmentHeaderBytes;
      at = kIndexHeaderBytes;
    }
    // The journal's very last record is read whole (its checksum checked): damage there is found
    // at start, by the scan, as a torn tail or an acknowledged block lost (the head file decides;
    // store.cc), not later when the block is first served.
    if (!loaded.empty() && name == segments.back().second) {
      const Loaded& l = loaded.back();
      JournalRecord whole;
      if (!env_->read_at(join_path(jdir, name), l.offset, l.length, &rec).ok() ||
          !parse_record(rec, name, l.offset, &whole).empty()) {
        at = l.fps_at - kEntryFixedBytes;
        pos = l.offset;
        loaded.pop_back();
      }
    }
    const uint32_t sid = segment_id(name);
    std::vector<uint64_t> fps;
    for (const Loaded& l : loaded) {
      Entry e;
      e.offset = l.offset;
      e.segment = sid;
      e.length = l.length;
      e.hash = l.hash;
      entries_.push_back(e);
      block_fps_.insert(fingerprint(l.hash), expected);
      for (uint32_t i = 0; i < l.ntx; ++i) {
        const uint64_t fp = get_u64(idx.data() + l.fps_at + size_t{i} * 8);
        tx_fps_.insert(fp, expected << kIndexBits | std::min<uint64_t>(i, kNoIndex));
      }
      prev = l.hash;
      ++expected;
    }
    height_.store(expected - 1, std::memory_order_release);
    // Appends to this segment's index continue after its valid part.
    if (index_file_) (void)index_file_->close();
    index_file_.reset();
    index_segment_ = name;
    if (IoStatus s = env_->truncate(ipath, at); !s.ok()) return cannot_write(ipath, s).error;
    if (IoStatus s = env_->open_append(ipath, &index_file_); !s.ok()) {
      return cannot_write(ipath, s).error;
    }
    resume->segment = name;
    resume->offset = pos;
    resume->number = expected;
    resume->prev_hash = prev;
    if (pos != seg_size) break;  // the rest of this segment (and of the journal) is scanned
    resume->segment.clear();     // all indexed so far
  }
  return "";
}

void DiskHistory::write_index_entry(uint64_t number, const Entry& e,
                                    const std::vector<Bytes32>& tx_hashes) {
  if (!index_failed_.empty()) return;
  const std::string& seg = segments_[e.segment];
  IoStatus s;
  if (seg != index_segment_ || !index_file_) {
    if (index_file_) (void)index_file_->close();
    index_file_.reset();
    index_segment_ = seg;
    uint64_t first = number;  // a new segment starts with this block
    const std::string path = join_path(index_dir(data_dir_), index_name(first));
    s = env_->remove(path);
    if (s.ok()) s = env_->open_append(path, &index_file_);
    uint8_t h[kIndexHeaderBytes];
    index_header(h, chain_id_, first);
    if (s.ok()) s = index_file_->append(BytesView(h, sizeof h));
  }
  if (s.ok()) {
    Bytes buf(kEntryFixedBytes + tx_hashes.size() * 8 + 4);
    uint8_t* p = buf.data();
    put_u64(p, number);
    put_u64(p + 8, e.offset);
    put_u32(p + 16, e.length);
    put_u32(p + 20, static_cast<uint32_t>(tx_hashes.size()));
    std::copy(e.hash.b.begin(), e.hash.b.end(), p + 24);
    for (size_t i = 0; i < tx_hashes.size(); ++i)
      put_u64(p + kEntryFixedBytes + i * 8, fingerprint(tx_hashes[i]));
    put_u32(p + buf.size() - 4, crc32c(p, buf.size() - 4));
    s = index_file_->append(buf);
  }
  if (!s.ok()) index_failed_ = s.error;
}

void DiskHistory::add_locked(uint64_t number, const Bytes32& hash, const std::string& segment,
                             uint64_t offset, uint64_t length,
                             const std::vector<Bytes32>& tx_hashes) {
  STOA_ASSERT(number == entries_.size() + 1);
  STOA_ASSERT(length <= UINT32_MAX);
  Entry e;
  e.offset = offset;
  e.segment = segment_id(segment);
  e.length = static_cast<uint32_t>(length);
  e.hash = hash;
  entries_.push_back(e);
  block_fps_.insert(fingerprint(hash), number);
  for (size_t i = 0; i < tx_hashes.size(); ++i)
    tx_fps_.insert(fingerprint(tx_hashes[i]),
                   number << kIndexBits | std::min<uint64_t>(i, kNoIndex));
  write_index_entry(number, e, tx_hashes);
  height_.store(number, std::memory_order_release);
}

void DiskHistory::append(const chain::Block& block, const std::string& segment, uint64_t offset,
                         uint64_t length) {
  std::vector<Bytes32> hashes;
  hashes.reserve(block.transactions.size());
  for (const chain::SignedTransaction& tx : block.transactions)
    hashes.push_back(tx.hash);
  std::lock_guard lock(mu_);
  add_locked(block.header.number, block.hash, segment, offset, length, hashes);
}

void DiskHistory::append_record(const JournalRecord& rec, const std::vector<Bytes32>& tx_hashes) {
  std::lock_guard lock(mu_);
  add_locked(rec.number, rec.hash, rec.segment, rec.offset, kRecordHeaderBytes + rec.payload.size(),
             tx_hashes);
}

std::string DiskHistory::read_block(uint64_t n, chain::Block* out) const {
  Entry e;
  std::string seg;
  {
    std::lock_guard lock(mu_);
    if (n == 0 || n > entries_.size()) return "block " + std::to_string(n) + " is not indexed";
    e = entries_[n - 1];
    seg = segments_[e.segment];
  }
  Bytes bytes;
  disk_reads_.fetch_add(1, std::memory_order_relaxed);
  if (IoStatus s =
          env_->read_at(join_path(journal_dir(data_dir_), seg), e.offset, e.length, &bytes);
      !s.ok()) {
    return locate(seg, e.offset, n) + s.error;
  }
  JournalRecord rec;
  if (std::string p = parse_record(bytes, seg, e.offset, &rec); !p.empty()) {
    return locate(seg, e.offset, n) + p;
  }
  if (rec.number != n || rec.hash != e.hash) {
    return locate(seg, e.offset, n) + "the record holds block " + std::to_string(rec.number) +
           " with hash " + rec.hash.hex() + ", not the indexed one";
  }
  if (std::string p = decode_block(rec.payload, chain_id_, false, out); !p.empty()) {
    return locate(seg, e.offset, n) + "cannot decode the block: " + p;
  }
  if (out->hash != rec.hash) {
    return locate(seg, e.offset, n) + "the record names hash " + rec.hash.hex() +
           " but its header hashes to " + out->hash.hex();
  }
  if (rec.prev_hash != out->header.parent_hash) {
    return locate(seg, e.offset, n) + "hash chain broken: predecessor hash " + rec.prev_hash.hex() +
           ", the block's parent hash is " + out->header.parent_hash.hex();
  }
  return "";
}

std::shared_ptr<const chain::Block> DiskHistory::block(uint64_t n) const {
  if (n == 0 || n > height()) return nullptr;
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(n); it != cache_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
  }
  auto b = std::make_shared<chain::Block>();
  if (std::string e = read_block(n, b.get()); !e.empty()) throw std::runtime_error(e);
  std::shared_ptr<const chain::Block> out = std::move(b);
  const size_t bytes = block_memory_bytes(*out);
  std::lock_guard lock(mu_);
  if (cache_.contains(n) || bytes > cache_limit_) return out;  // raced, or too big to keep
  lru_.emplace_front(n, out);
  cache_.emplace(n, lru_.begin());
  cache_bytes_ += bytes;
  while (cache_bytes_ > cache_limit_ && !lru_.empty()) {
    auto& [num, blk] = lru_.back();
    cache_bytes_ -= block_memory_bytes(*blk);
    cache_.erase(num);
    lru_.pop_back();
  }
  return out;
}

std::string DiskHistory::where(uint64_t n) const {
  std::lock_guard lock(mu_);
  if (n == 0 || n > entries_.size()) return "block " + std::to_string(n) + ": ";
  const Entry& e = entries_[n - 1];
  return locate(segments_[e.segment], e.offset, n);
}

Bytes32 DiskHistory::hash(uint64_t n) const {
  std::lock_guard lock(mu_);
  STOA_ASSERT(n >= 1 && n <= entries_.size());
  return entries_[n - 1].hash;
}

std::optional<uint64_t> DiskHistory::block_number(const Bytes32& hash) const {
  std::vector<uint64_t> c;
  std::lock_guard lock(mu_);
  block_fps_.candidates(fingerprint(hash), &c);
  for (uint64_t n : c) {
    if (entries_[n - 1].hash == hash) return n;
  }
  return std::nullopt;
}

std::optional<chain::TxLocation> DiskHistory::find_transaction(const Bytes32& hash) const {
  std::vector<uint64_t> c;
  {
    std::lock_guard lock(mu_);
    tx_fps_.candidates(fingerprint(hash), &c);
  }
  for (uint64_t v : c) {
    const uint64_t n = v >> kIndexBits;
    const uint64_t i = v & kNoIndex;
    std::shared_ptr<const chain::Block> b = block(n);
    if (b == nullptr) continue;
    const auto& txs = b->transactions;
    if (i < kNoIndex) {
      if (i < txs.size() && txs[i].hash == hash) {
        return chain::TxLocation{n, static_cast<uint32_t>(i)};
      }
      continue;
    }
    for (size_t k = kNoIndex; k < txs.size(); ++k) {
      if (txs[k].hash == hash) return chain::TxLocation{n, static_cast<uint32_t>(k)};
    }
  }
  return std::nullopt;
}

size_t DiskHistory::cached_blocks() const {
  std::lock_guard lock(mu_);
  return cache_.size();
}

size_t DiskHistory::cached_bytes() const {
  std::lock_guard lock(mu_);
  return cache_bytes_;
}

std::string DiskHistory::index_warning() const {
  std::lock_guard lock(mu_);
  return index_failed_;
}

}  // namespace stoa::store
