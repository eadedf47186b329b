// libFuzzer target: rlp::decode must never crash, and whatever it accepts must be canonical, so
// re-encoding the decoded item reproduces the input byte for byte.
//
//   clang++ -std=c++20 -fsanitize=fuzzer,address -Iinclude fuzz/rlp_decode_fuzz.cc \
//     src/crypto/rlp.cc src/common/*.cc $(pkg-config --cflags --libs libcrypto++) -lcrypto \
//     -lsecp256k1 -o /tmp/rlp_fuzz && /tmp/rlp_fuzz -runs=300000
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <variant>

#include "stoa/common/assert.h"
#include "stoa/crypto/rlp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  stoa::BytesView input(data, size);
  auto result = stoa::rlp::decode(input);
  if (const auto* item = std::get_if<stoa::rlp::Item>(&result)) {
    stoa::Bytes again = stoa::rlp::encode(*item);
    STOA_ASSERT(again.size() == size);
    STOA_ASSERT(std::equal(again.begin(), again.end(), input.begin()));
    if (!item->is_list) {
      // Integer views must agree with each other when both succeed.
      auto u = stoa::rlp::to_uint(*item);
      auto u64 = stoa::rlp::to_u64(*item);
      if (const auto* v = std::get_if<uint64_t>(&u64)) {
        STOA_ASSERT(std::holds_alternative<stoa::U256>(u));
        STOA_ASSERT(std::get<stoa::U256>(u) == stoa::U256(*v));
        STOA_ASSERT(stoa::rlp::encode_uint(*v) == again);
      }
    }
  } else {
    STOA_ASSERT(std::get<stoa::rlp::Error>(result) != stoa::rlp::Error::kOk);
  }
  return 0;
}
