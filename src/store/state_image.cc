#include "stoa/store/state_image.h"

#include <algorithm>
#include <cstdio>

#include "stoa/common/assert.h"
#include "stoa/store/crc32c.h"

namespace stoa::store {
namespace {

void put_u32(Bytes& o, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8)
    o.push_back(static_cast<uint8_t>(v >> s));
}
void put_u64(Bytes& o, uint64_t v) {
  for (int s = 56; s >= 0; s -= 8)
    o.push_back(static_cast<uint8_t>(v >> s));
}
uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | p[i];
  return v;
}
uint32_t get_u32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

bool parse_name(const std::string& name, uint64_t* block) {
  if (name.size() != 25 || name.substr(20) != ".snap") return false;
  uint64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  *block = v;
  return true;
}

}  // namespace

std::string state_image_dir(const std::string& data_dir) {
  return join_path(data_dir, "snapshots");  // the historical name (state_image.h)
}

std::string state_image_name(uint64_t block) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020llu.snap", static_cast<unsigned long long>(block));
  return buf;
}

IoStatus list_state_images(Env* env, const std::string& data_dir, std::vector<std::string>* names) {
  std::vector<std::string> all;
  if (IoStatus s = env->list(state_image_dir(data_dir), &all); !s.ok()) return s;
  std::vector<std::pair<uint64_t, std::string>> found;
  for (const std::string& n : all) {
    uint64_t b = 0;
    if (parse_name(n, &b)) found.emplace_back(b, n);
  }
  std::sort(found.begin(), found.end(), std::greater<>());
  names->clear();
  for (auto& [b, n] : found)
    names->push_back(n);
  return IoStatus::Ok();
}

IoStatus write_state_image(Env* env, const std::string& data_dir, const StateImage& image) {
  const std::string dir = state_image_dir(data_dir);
  if (IoStatus s = env->make_dir(dir); !s.ok()) return s;
  const std::string name = state_image_name(image.block_number);
  const std::string tmp = join_path(dir, name + ".tmp");
  Bytes head;
  head.reserve(kStateImageHeaderBytes);
  put_u64(head, kStateImageMagic);
  put_u32(head, 1);  // version
  put_u64(head, image.chain_id);
  put_u64(head, image.block_number);
  head.insert(head.end(), image.block_hash.b.begin(), image.block_hash.b.end());
  head.insert(head.end(), image.state_digest.b.begin(), image.state_digest.b.end());
  put_u64(head, image.state.size());
  STOA_ASSERT(head.size() == kStateImageHeaderBytes);
  uint32_t crc = crc32c(head.data(), head.size());
  crc = crc32c_extend(crc, image.state.data(), image.state.size());
  Bytes trailer;
  put_u32(trailer, crc);
  if (IoStatus s = env->remove(tmp); !s.ok()) return s;
  std::unique_ptr<WritableFile> f;
  if (IoStatus s = env->open_append(tmp, &f); !s.ok()) return s;
  IoStatus s = f->append(head);
  if (s.ok()) s = f->append(image.state);
  if (s.ok()) s = f->append(trailer);
  if (s.ok()) s = f->sync();
  if (s.ok()) s = f->close();
  if (!s.ok()) {
    env->remove(tmp);
    return s;
  }
  if (IoStatus r = env->rename(tmp, join_path(dir, name)); !r.ok()) return r;
  if (IoStatus r = env->sync_dir(dir); !r.ok()) return r;
  std::vector<std::string> names;
  if (IoStatus r = list_state_images(env, data_dir, &names); !r.ok()) return r;
  for (size_t i = kStateImagesKept; i < names.size(); ++i)
    env->remove(join_path(dir, names[i]));
  return IoStatus::Ok();
}

std::string read_state_image(Env* env, const std::string& data_dir, const std::string& name,
                             uint64_t chain_id, StateImage* out) {
  Bytes data;
  if (IoStatus s = env->read_all(join_path(state_image_dir(data_dir), name), &data); !s.ok()) {
    return s.error;
  }
  if (data.size() < kStateImageHeaderBytes + 4) return "file too short";
  const uint8_t* p = data.data();
  if (get_u64(p) != kStateImageMagic) return "bad magic";
  if (get_u32(p + 8) != 1) return "unknown version " + std::to_string(get_u32(p + 8));
  const uint64_t len = get_u64(p + 92);
  if (len != data.size() - kStateImageHeaderBytes - 4) {
    return "length field " + std::to_string(len) + " does not match the file size " +
           std::to_string(data.size());
  }
  const uint32_t crc = crc32c(p, kStateImageHeaderBytes + len);
  if (crc != get_u32(p + kStateImageHeaderBytes + len)) return "checksum mismatch";
  StateImage s;
  s.name = name;
  s.chain_id = get_u64(p + 12);
  s.block_number = get_u64(p + 20);
  std::copy(p + 28, p + 60, s.block_hash.b.begin());
  std::copy(p + 60, p + 92, s.state_digest.b.begin());
  if (s.chain_id != chain_id)
    return "chain id " + std::to_string(s.chain_id) + " is not this chain's";
  uint64_t named = 0;
  if (!parse_name(name, &named) || named != s.block_number)
    return "file name and block number differ";
  s.state.assign(p + kStateImageHeaderBytes, p + kStateImageHeaderBytes + len);
  *out = std::move(s);
  return "";
}

}  // namespace stoa::store
