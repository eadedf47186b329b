// The head file (include/stoa/store/head.h, docs/journal-format.md).
#include "stoa/store/head.h"

#include <algorithm>

#include "stoa/store/big_endian.h"
#include "stoa/store/crc32c.h"

namespace stoa::store {
namespace {

// Slot layout (big-endian): magic 8, version 4, number 8, hash 32, chain id 8, operator 20,
// genesis timestamp 8, genesis hash 32, reserved 4 (zero), CRC-32C of the first 124 bytes 4.
void encode_slot(const HeadRecord& r, uint8_t* p) {
  std::fill(p, p + kHeadSlotBytes, uint8_t{0});
  put_u64(p, kHeadMagic);
  put_u32(p + 8, kHeadVersion);
  put_u64(p + 12, r.number);
  std::copy(r.hash.b.begin(), r.hash.b.end(), p + 20);
  put_u64(p + 52, r.chain_id);
  std::copy(r.operator_account.b.begin(), r.operator_account.b.end(), p + 60);
  put_u64(p + 80, r.genesis_timestamp);
  std::copy(r.genesis_hash.b.begin(), r.genesis_hash.b.end(), p + 88);
  put_u32(p + 124, crc32c(p, 124));
}

std::string decode_slot(const uint8_t* p, HeadRecord* r) {
  if (get_u64(p) != kHeadMagic) return "bad magic";
  if (get_u32(p + 8) != kHeadVersion) return "unknown version " + std::to_string(get_u32(p + 8));
  if (crc32c(p, 124) != get_u32(p + 124)) return "checksum mismatch";
  r->number = get_u64(p + 12);
  std::copy(p + 20, p + 52, r->hash.b.begin());
  r->chain_id = get_u64(p + 52);
  std::copy(p + 60, p + 80, r->operator_account.b.begin());
  r->genesis_timestamp = get_u64(p + 80);
  std::copy(p + 88, p + 120, r->genesis_hash.b.begin());
  return "";
}

}  // namespace

std::string head_path(const std::string& data_dir) {
  return join_path(data_dir, kHeadFileName);
}

HeadRead read_head(Env* env, const std::string& data_dir, HeadRecord* out, std::string* problem) {
  const std::string path = head_path(data_dir);
  if (!env->exists(path)) return HeadRead::kAbsent;
  Bytes data;
  if (IoStatus s = env->read_all(path, &data); !s.ok()) {
    *problem = s.error;
    return HeadRead::kDamaged;
  }
  if (data.size() != kHeadFileBytes) {
    *problem = path + " has " + std::to_string(data.size()) + " bytes, not " +
               std::to_string(kHeadFileBytes);
    return HeadRead::kDamaged;
  }
  HeadRecord slots[2];
  std::string errors[2];
  for (size_t i = 0; i < 2; ++i)
    errors[i] = decode_slot(data.data() + i * kHeadSlotBytes, &slots[i]);
  if (!errors[0].empty() && !errors[1].empty()) {
    *problem = path + ": slot 0: " + errors[0] + "; slot 1: " + errors[1];
    return HeadRead::kDamaged;
  }
  if (errors[0].empty() && errors[1].empty()) {
    *out = slots[0].number >= slots[1].number ? slots[0] : slots[1];
  } else {
    *out = errors[0].empty() ? slots[0] : slots[1];
  }
  return HeadRead::kOk;
}

IoStatus HeadWriter::open(Env* env, const std::string& data_dir, const HeadRecord& rec, bool create,
                          std::unique_ptr<HeadWriter>* out) {
  std::unique_ptr<HeadWriter> w(new HeadWriter());
  w->path_ = head_path(data_dir);
  w->rec_ = rec;
  if (create) {
    uint8_t buf[kHeadFileBytes];
    encode_slot(rec, buf);
    encode_slot(rec, buf + kHeadSlotBytes);
    if (IoStatus s =
            write_file_atomically(env, data_dir, kHeadFileName, BytesView(buf, sizeof buf));
        !s.ok()) {
      return s;
    }
  }
  if (IoStatus s = env->open_rw(w->path_, &w->file_); !s.ok()) {
    return cannot_write(w->path_, s);
  }
  *out = std::move(w);
  return IoStatus::Ok();
}

IoStatus HeadWriter::update(uint64_t number, const Bytes32& hash) {
  rec_.number = number;
  rec_.hash = hash;
  uint8_t slot[kHeadSlotBytes];
  encode_slot(rec_, slot);
  IoStatus s = file_->write_at((number % 2) * kHeadSlotBytes, BytesView(slot, sizeof slot));
  if (s.ok()) s = file_->sync();
  if (!s.ok()) return cannot_write(path_, s);
  return IoStatus::Ok();
}

}  // namespace stoa::store
