// Internals of stoa/common/keccak.h, exposed so tests and benchmarks can run each implementation
// explicitly. Everything else calls keccak256 / Keccak256 / keccak256_many.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "stoa/common/bytes.h"

// X(x, y) for every lane of the state, in state order (lane x + 5y): the scalar and the 8-way
// permutations unroll their rounds over it.
// clang-format off
#define STOA_KECCAK_LANES(X)              \
  X(0, 0) X(1, 0) X(2, 0) X(3, 0) X(4, 0) \
  X(0, 1) X(1, 1) X(2, 1) X(3, 1) X(4, 1) \
  X(0, 2) X(1, 2) X(2, 2) X(3, 2) X(4, 2) \
  X(0, 3) X(1, 3) X(2, 3) X(3, 3) X(4, 3) \
  X(0, 4) X(1, 4) X(2, 4) X(3, 4) X(4, 4)
// clang-format on

namespace stoa::detail {

inline constexpr size_t kKeccak256Rate = 136;                      // bytes per block
inline constexpr size_t kKeccak256RateLanes = kKeccak256Rate / 8;  // 17 lanes per block
inline constexpr size_t kKeccakRounds = 24;

// The constants of Keccak-f[1600], computed from their definitions in FIPS 202 rather than typed
// in.

// rc(t), FIPS 202 Algorithm 5: the output of the LFSR x^8 + x^6 + x^5 + x^4 + 1 after t steps.
// Bit i of r holds R[i]; "R = 0 || R" shifts every bit one place up.
constexpr bool keccak_rc_bit(unsigned t) {
  unsigned r = 1;
  for (unsigned i = 0; i < t % 255; ++i) {
    r <<= 1;
    if ((r & 0x100) != 0) r ^= 0x171;  // R[0], R[4], R[5], R[6] ^= R[8]; then drop R[8]
  }
  return (r & 1) != 0;
}

// iota's round constants, FIPS 202 Algorithm 6: bit 2^j - 1 of RC[ir] is rc(j + 7 ir), j = 0..6.
constexpr std::array<uint64_t, kKeccakRounds> keccak_round_constants() {
  std::array<uint64_t, kKeccakRounds> rc{};
  for (unsigned ir = 0; ir < kKeccakRounds; ++ir) {
    for (unsigned j = 0; j < 7; ++j) {
      if (keccak_rc_bit(j + 7 * ir)) rc[ir] |= uint64_t{1} << ((1u << j) - 1);
    }
  }
  return rc;
}

// rho's rotation of lane x + 5y, FIPS 202 Algorithm 2: walking (x, y) from (1, 0) by
// (x, y) <- (y, 2x + 3y mod 5), the t-th lane rotates by (t + 1)(t + 2) / 2 mod 64.
constexpr std::array<int, 25> keccak_rho_offsets() {
  std::array<int, 25> rho{};
  unsigned x = 1;
  unsigned y = 0;
  for (unsigned t = 0; t < 24; ++t) {
    rho[x + 5 * y] = static_cast<int>(((t + 1) * (t + 2) / 2) % 64);
    const unsigned nx = y;
    y = (2 * x + 3 * y) % 5;
    x = nx;
  }
  return rho;
}

inline constexpr std::array<uint64_t, kKeccakRounds> kKeccakRoundConstants =
    keccak_round_constants();
inline constexpr std::array<int, 25> kKeccakRho = keccak_rho_offsets();

// Spot checks against the tables printed in the Keccak reference.
static_assert(kKeccakRoundConstants[0] == 0x0000000000000001ULL);
static_assert(kKeccakRoundConstants[1] == 0x0000000000008082ULL);
static_assert(kKeccakRoundConstants[23] == 0x8000000080008008ULL);
static_assert(kKeccakRho[0] == 0 && kKeccakRho[1] == 1 && kKeccakRho[2] == 62);
static_assert(kKeccakRho[6] == 44 && kKeccakRho[24] == 14);

// Keccak-f[1600] on 25 lanes; lane x + 5y holds A[x, y] (FIPS 202, 3.1.2), bytes little-endian.
void keccak_f1600(uint64_t* state);

// XORs `blocks` whole 136-byte blocks from p into the state, permuting after each.
void keccak_absorb_blocks(uint64_t* state, const uint8_t* p, size_t blocks);

// keccak_absorb_blocks runs one of two builds of the same scalar code, chosen once at run time:
// generic, or compiled for BMI1 + BMI2 (andn, rorx) on a CPU that has them.
enum class KeccakScalarIsa { kGeneric, kBmi2 };
KeccakScalarIsa keccak_scalar_isa();
void keccak_absorb_blocks_generic(uint64_t* state, const uint8_t* p, size_t blocks);
// True when this build has a separate BMI2 build (x86-64 with GCC or Clang; elsewhere the _bmi2
// entry point runs the generic code). Call it only on a CPU with BMI1 and BMI2.
bool keccak_absorb_blocks_bmi2_built();
void keccak_absorb_blocks_bmi2(uint64_t* state, const uint8_t* p, size_t blocks);

// Writes the last block of a message (n < 136 bytes) with Keccak's padding into a zeroed
// 136-byte buffer: the bytes, then 0x01, then zeros, then 0x80 in the last byte (0x81 when n ==
// 135).
void keccak256_pad_block(const uint8_t* p, size_t n, uint8_t* block);

// The digest: the first 32 bytes of the state.
Bytes32 keccak256_squeeze(const uint64_t* state);

// Which implementation keccak256_many runs on this CPU.
enum class KeccakManyPath { kScalar, kAvx512 };
KeccakManyPath keccak256_many_path();

// keccak256 one message after another (the fallback of keccak256_many).
void keccak256_many_scalar(std::span<const BytesView> in, std::span<Bytes32> out);

// True when this build contains the AVX-512 batch path (x86-64 with GCC or Clang).
bool keccak256_many_avx512_built();
// 8 messages at a time in AVX-512 registers. Call only when keccak256_many_avx512_built() and the
// CPU supports AVX-512F (__builtin_cpu_supports("avx512f")); otherwise it is an illegal
// instruction.
void keccak256_many_avx512(std::span<const BytesView> in, std::span<Bytes32> out);

}  // namespace stoa::detail
