// A StateSink that collects the bytes it is given: state images, and tests that compare encodings.
#pragma once

#include <cstddef>
#include <cstdint>

#include "stoa/common/bytes.h"
#include "stoa/core/state_encoding.h"

namespace stoa::core {

class BytesSink final : public StateSink {
 public:
  void write(const void* data, size_t n) override {
    const auto* p = static_cast<const uint8_t*>(data);
    out.insert(out.end(), p, p + n);
  }
  Bytes out;
};

}  // namespace stoa::core
