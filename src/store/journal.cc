// Segment files and block records (docs/journal-format.md).
#include "stoa/store/journal.h"

#include <algorithm>
#include <cstdio>

#include "stoa/common/assert.h"
#include "stoa/store/big_endian.h"
#include "stoa/store/block_codec.h"
#include "stoa/store/crc32c.h"

namespace stoa::store {
namespace {

void segment_header(uint8_t out[kSegmentHeaderBytes], uint64_t chain_id, uint64_t first_block) {
  put_u64(out, kSegmentMagic);
  put_u32(out + 8, kJournalVersion);
  put_u64(out + 12, chain_id);
  put_u64(out + 20, first_block);
  put_u32(out + 28, crc32c(out, 28));
}

bool parse_segment_name(const std::string& name, uint64_t* first) {
  if (name.size() != 24 || name.substr(20) != ".seg") return false;
  uint64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  *first = v;
  return true;
}

bool all_zero(const uint8_t* p, size_t n) {
  return std::all_of(p, p + n, [](uint8_t b) { return b == 0; });
}

std::string where(const std::string& seg, uint64_t offset, uint64_t block) {
  return "segment " + seg + ", offset " + std::to_string(offset) + ", block " +
         std::to_string(block) + ": ";
}

}  // namespace

std::string journal_dir(const std::string& data_dir) {
  return join_path(data_dir, "journal");
}

std::string segment_name(uint64_t first_block) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu.seg", static_cast<unsigned long long>(first_block));
  return buf;
}

IoStatus list_segments(Env* env, const std::string& data_dir,
                       std::vector<std::pair<uint64_t, std::string>>* segments) {
  std::vector<std::string> names;
  if (IoStatus s = env->list(journal_dir(data_dir), &names); !s.ok()) return s;
  segments->clear();
  for (const std::string& n : names) {
    uint64_t first = 0;
    if (parse_segment_name(n, &first)) segments->emplace_back(first, n);
  }
  std::sort(segments->begin(), segments->end());
  return IoStatus::Ok();
}

std::string parse_record(BytesView bytes, const std::string& segment, uint64_t offset,
                         JournalRecord* out) {
  const uint8_t* p = bytes.data();
  if (bytes.size() < kRecordHeaderBytes) return "record header incomplete";
  if (get_u32(p) != kRecordMagic) return "bad record magic";
  const uint32_t len = get_u32(p + 4);
  if (kRecordHeaderBytes + uint64_t{len} != bytes.size()) {
    return "record of " + std::to_string(len) + " payload bytes where " +
           std::to_string(bytes.size() - kRecordHeaderBytes) + " were expected";
  }
  uint32_t crc = crc32c(p, 80);
  crc = crc32c_extend(crc, p + kRecordHeaderBytes, len);
  if (crc != get_u32(p + 80)) return "record checksum mismatch";
  out->segment = segment;
  out->offset = offset;
  out->number = get_u64(p + 8);
  std::copy(p + 16, p + 48, out->prev_hash.b.begin());
  std::copy(p + 48, p + 80, out->hash.b.begin());
  out->payload = BytesView(p + kRecordHeaderBytes, len);
  return "";
}

ScanResult scan_journal(Env* env, const std::string& data_dir, uint64_t chain_id,
                        const Bytes32& genesis_hash, bool repair_tail,
                        const std::function<std::string(const JournalRecord&)>& visit,
                        const ScanStart& start) {
  ScanResult res;
  res.head_hash = genesis_hash;
  const std::string dir = journal_dir(data_dir);
  std::vector<std::pair<uint64_t, std::string>> segs;
  if (IoStatus s = list_segments(env, data_dir, &segs); !s.ok()) {
    res.error = s.error;
    res.io_error = true;
    return res;
  }
  uint64_t expected = 1;  // the next block number
  Bytes32 prev = genesis_hash;
  size_t first_index = 0;
  if (!start.segment.empty()) {
    while (first_index < segs.size() && segs[first_index].second != start.segment)
      ++first_index;
    if (first_index == segs.size()) {
      res.error = "segment " + start.segment + " is missing";
      return res;
    }
    // From a segment's beginning, its first block must be the one expected (a gap is reported);
    // from within it, the header is checked against the segment's own first block.
    expected = start.offset <= kSegmentHeaderBytes ? start.number : segs[first_index].first;
    prev = start.prev_hash;
  }
  Bytes data;
  for (size_t si = first_index; si < segs.size(); ++si) {
    const auto& [first, name] = segs[si];
    const bool last = si + 1 == segs.size();
    const std::string path = join_path(dir, name);
    if (first != expected) {
      res.error = "segment " + name + ": starts at block " + std::to_string(first) + " but block " +
                  std::to_string(expected) + " comes next" +
                  (first > expected ? " (a segment is missing)" : " (overlapping segments)");
      return res;
    }
    if (IoStatus s = env->read_all(path, &data); !s.ok()) {
      res.error = s.error;
      res.io_error = true;
      return res;
    }
    ++res.segments;
    // The header. A last segment whose header is incomplete was being created during a crash.
    uint8_t want[kSegmentHeaderBytes];
    segment_header(want, chain_id, first);
    if (data.size() < kSegmentHeaderBytes ||
        !std::equal(want, want + kSegmentHeaderBytes, data.begin())) {
      const bool torn =
          last && (data.size() < kSegmentHeaderBytes || all_zero(data.data(), data.size()));
      if (!torn) {
        res.error = where(name, 0, first) + "bad segment header (magic, version, chain id " +
                    std::to_string(chain_id) + ", first block or checksum)";
        return res;
      }
      res.torn_tail = true;
      res.torn_segment = name;
      res.torn_offset = 0;
      res.torn_bytes = data.size();
      res.torn_reason = "segment header incomplete";
      --res.segments;
      break;
    }
    res.last_segment = name;
    res.last_segment_size = data.size();
    res.bytes += data.size();
    uint64_t off = kSegmentHeaderBytes;
    if (si == first_index && !start.segment.empty()) {
      off = start.offset;
      expected = start.number;
      if (off < kSegmentHeaderBytes || off > data.size()) {
        res.error = where(name, off, expected) + "no record starts here (the segment holds " +
                    std::to_string(data.size()) + " bytes)";
        return res;
      }
    }
    while (off < data.size()) {
      const uint64_t left = data.size() - off;
      const uint8_t* p = data.data() + off;
      std::string problem;
      bool reaches_end = false;
      uint32_t len = 0;
      if (left < kRecordHeaderBytes) {
        problem = "record header incomplete (" + std::to_string(left) + " bytes)";
        reaches_end = true;
      } else if (get_u32(p) != kRecordMagic) {
        problem = "bad record magic";
        reaches_end = all_zero(p, left);
      } else {
        len = get_u32(p + 4);
        if (kRecordHeaderBytes + uint64_t{len} > left) {
          problem = "record of " + std::to_string(len) + " payload bytes runs past the end";
          reaches_end = true;
        } else {
          uint32_t crc = crc32c(p, 80);
          crc = crc32c_extend(crc, p + kRecordHeaderBytes, len);
          if (crc != get_u32(p + 80)) {
            problem = "record checksum mismatch";
            reaches_end = kRecordHeaderBytes + uint64_t{len} == left;
          }
        }
      }
      if (!problem.empty()) {
        if (last && reaches_end) {
          res.torn_tail = true;
          res.torn_segment = name;
          res.torn_offset = off;
          res.torn_bytes = left;
          res.torn_reason = problem;
          res.last_segment_size = off;
          res.bytes -= left;
          break;
        }
        res.error = where(name, off, expected) + problem;
        return res;
      }
      JournalRecord rec;
      rec.segment = name;
      rec.offset = off;
      rec.number = get_u64(p + 8);
      std::copy(p + 16, p + 48, rec.prev_hash.b.begin());
      std::copy(p + 48, p + 80, rec.hash.b.begin());
      rec.payload = BytesView(p + kRecordHeaderBytes, len);
      if (rec.number != expected) {
        res.error = where(name, off, expected) + "record holds block " + std::to_string(rec.number);
        return res;
      }
      if (rec.prev_hash != prev) {
        res.error = where(name, off, expected) + "hash chain broken: predecessor hash " +
                    rec.prev_hash.hex() + ", block " + std::to_string(expected - 1) + " is " +
                    prev.hex();
        return res;
      }
      if (visit) {
        std::string e = visit(rec);
        if (!e.empty()) {
          res.error = where(name, off, expected) + e;
          return res;
        }
      }
      prev = rec.hash;
      res.hashes.push_back(rec.hash);
      ++expected;
      ++res.records;
      off += kRecordHeaderBytes + len;
    }
    if (res.torn_tail) break;
  }
  res.head_number = expected - 1;
  res.head_hash = prev;
  if (repair_tail && res.torn_tail) {
    if (IoStatus s = repair_torn_tail(env, data_dir, res); !s.ok()) {
      res.error = s.error;
      res.io_error = true;
    }
  }
  return res;
}

IoStatus repair_torn_tail(Env* env, const std::string& data_dir, const ScanResult& scan) {
  if (!scan.torn_tail) return IoStatus::Ok();
  const std::string dir = journal_dir(data_dir);
  const std::string path = join_path(dir, scan.torn_segment);
  if (scan.torn_offset == 0) {  // the segment header itself is incomplete
    if (IoStatus s = env->remove(path); !s.ok()) return cannot_write(path, s);
    if (IoStatus s = env->sync_dir(dir); !s.ok()) return cannot_write(dir, s);
    return IoStatus::Ok();
  }
  if (IoStatus s = env->truncate(path, scan.torn_offset); !s.ok()) {
    return cannot_write(path, s);
  }
  return IoStatus::Ok();
}

IoStatus JournalWriter::open(Env* env, const std::string& data_dir, uint64_t chain_id,
                             const ScanResult& scan, uint64_t segment_bytes,
                             std::unique_ptr<JournalWriter>* out) {
  STOA_ASSERT(scan.error.empty());
  std::unique_ptr<JournalWriter> w(new JournalWriter());
  w->env_ = env;
  w->dir_ = journal_dir(data_dir);
  w->chain_id_ = chain_id;
  w->segment_bytes_ = std::max<uint64_t>(segment_bytes, kSegmentHeaderBytes + 1);
  w->next_number_ = scan.head_number + 1;
  w->last_hash_ = scan.head_hash;
  if (IoStatus s = env->make_dir(data_dir); !s.ok()) {
    return cannot_write(data_dir, s);
  }
  if (IoStatus s = env->make_dir(w->dir_); !s.ok()) {
    return cannot_write(w->dir_, s);
  }
  if (!scan.last_segment.empty()) {
    const std::string path = join_path(w->dir_, scan.last_segment);
    if (IoStatus s = env->open_append(path, &w->file_); !s.ok()) {
      return cannot_write(path, s);
    }
    w->size_ = scan.last_segment_size;
    w->segment_ = scan.last_segment;
  }
  *out = std::move(w);
  return IoStatus::Ok();
}

IoStatus JournalWriter::roll(uint64_t first_block) {
  if (file_) {
    if (IoStatus s = file_->close(); !s.ok()) return s;
    file_.reset();
  }
  const std::string path = join_path(dir_, segment_name(first_block));
  std::unique_ptr<WritableFile> f;
  if (IoStatus s = env_->open_append(path, &f); !s.ok()) return s;
  uint8_t h[kSegmentHeaderBytes];
  segment_header(h, chain_id_, first_block);
  if (IoStatus s = f->append(BytesView(h, sizeof h)); !s.ok()) return s;
  if (IoStatus s = f->sync(); !s.ok()) return s;
  if (IoStatus s = env_->sync_dir(dir_); !s.ok()) return s;
  file_ = std::move(f);
  segment_ = segment_name(first_block);
  size_ = kSegmentHeaderBytes;
  ++segments_created_;
  return IoStatus::Ok();
}

IoStatus JournalWriter::append(const chain::Block& block) {
  if (!failed_.empty())
    return IoStatus::Error("journal unusable after an earlier failure: " + failed_);
  STOA_ASSERT(block.header.number == next_number_);
  STOA_ASSERT(block.header.parent_hash == last_hash_);
  buf_.assign(kRecordHeaderBytes, 0);
  encode_block(block, buf_);
  const uint64_t len = buf_.size() - kRecordHeaderBytes;
  STOA_ASSERT(len <= 0xffffffffULL);
  uint8_t* p = buf_.data();
  put_u32(p, kRecordMagic);
  put_u32(p + 4, static_cast<uint32_t>(len));
  put_u64(p + 8, block.header.number);
  std::copy(block.header.parent_hash.b.begin(), block.header.parent_hash.b.end(), p + 16);
  std::copy(block.hash.b.begin(), block.hash.b.end(), p + 48);
  uint32_t crc = crc32c(p, 80);
  crc = crc32c_extend(crc, p + kRecordHeaderBytes, len);
  put_u32(p + 80, crc);
  IoStatus s;
  if (!file_ || (size_ > kSegmentHeaderBytes && size_ + buf_.size() > segment_bytes_)) {
    s = roll(block.header.number);
  }
  if (s.ok()) s = file_->append(buf_);
  if (s.ok()) s = file_->sync();
  if (!s.ok()) {
    failed_ = s.error;
    return s;
  }
  last_offset_ = size_;
  last_length_ = buf_.size();
  size_ += buf_.size();
  next_number_ = block.header.number + 1;
  last_hash_ = block.hash;
  return IoStatus::Ok();
}

}  // namespace stoa::store
