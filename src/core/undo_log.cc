#include "stoa/core/undo_log.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace stoa::core {

void sort_unique_keys(std::vector<Address>& keys) {
  constexpr size_t kBuckets = 1 << 16;
  constexpr size_t kRadixFrom = 4096;  // below this, one comparison sort is as fast
  if (keys.size() < kRadixFrom) {
    std::sort(keys.begin(), keys.end(), AddressLess{});
  } else {
    STOA_ASSERT(keys.size() < UINT32_MAX);
    auto bucket = [](const Address& a) { return (size_t{a.b[0]} << 8) | a.b[1]; };
    std::vector<uint32_t> start(kBuckets + 1, 0);
    for (const Address& a : keys)
      ++start[bucket(a) + 1];
    for (size_t i = 0; i < kBuckets; ++i)
      start[i + 1] += start[i];
    std::vector<Address> out(keys.size());
    std::vector<uint32_t> next(start.begin(), start.end() - 1);
    for (const Address& a : keys)
      out[next[bucket(a)]++] = a;
    for (size_t i = 0; i < kBuckets; ++i) {
      if (start[i + 1] - start[i] > 1) {
        std::sort(out.begin() + start[i], out.begin() + start[i + 1], AddressLess{});
      }
    }
    keys = std::move(out);
  }
  keys.erase(std::unique(keys.begin(), keys.end(), AddressEq{}), keys.end());
}

}  // namespace stoa::core
