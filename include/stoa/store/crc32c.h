// CRC-32C (Castagnoli, polynomial 0x1EDC6F41 reflected = 0x82F63B78), as iSCSI, ext4 and leveldb
// use it: check value crc32c("123456789") = 0xE3069283. SSE4.2's crc32 instruction when the CPU
// has it, a table otherwise (same result).
#pragma once

#include <cstddef>
#include <cstdint>

namespace stoa::store {

// Extends `crc` (0 to start) over `n` bytes.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t n);
inline uint32_t crc32c(const void* data, size_t n) {
  return crc32c_extend(0, data, n);
}

}  // namespace stoa::store
