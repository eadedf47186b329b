// keccak256_many on AVX-512: eight independent Keccak-f[1600] states side by side, lane j of all
// eight in one 512-bit register (register x + 5y holds A[x, y] of states 0..7). Only the functions
// marked STOA_AVX512 contain AVX-512 instructions; keccak256_many calls them only when the CPU
// reports AVX-512F, so the binary still runs everywhere.
//
// Scheduling: each of the 8 slots hashes one message at a time. A step absorbs one 136-byte block
// per slot and permutes all 8 states. A message's whole blocks are read where they lie; its last,
// padded block is built in the slot's own buffer when the message is assigned. When a slot absorbs
// its padded block, its digest is written and the slot restarts (state zeroed) on the next pending
// message. Once fewer than kMinLanes slots have work, the rest is finished one message at a time
// by the scalar code from where each state stands.
//
// Loading: word w of the 8 current blocks is one gather on the 8 absolute addresses (17 per step).
// Loading is about 10% of a step; 64-byte loads transposed with 48 two-source permutes measured no
// faster (the permutes compete with the rounds for the same port), so the gathers stay.
#include <bit>
#include <cstring>

#include "stoa/common/assert.h"
#include "stoa/common/keccak_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define STOA_KECCAK_AVX512_BUILT 1
#include <immintrin.h>
#else
#define STOA_KECCAK_AVX512_BUILT 0
#endif

namespace stoa::detail {

#if STOA_KECCAK_AVX512_BUILT

namespace {

#define STOA_AVX512 __attribute__((target("avx512f")))

constexpr size_t kSlots = 8;
// Below this many busy slots an 8-way step costs more than hashing the rest one by one. Measured
// on two 160 KiB messages: 8-way with 2 busy slots 549 MB/s, the BMI2 scalar code 474 MB/s; an
// 8-way step costs about 1.7 scalar permutations.
constexpr unsigned kMinLanes = 2;

template <int kBits>
STOA_AVX512 inline __m512i rol(__m512i v) {
  if constexpr (kBits == 0) {
    return v;
  } else {
    // The masked form with every lane selected is the same vprolq; GCC 12 warns that the unmasked
    // intrinsic reads an undefined vector.
    return _mm512_mask_rol_epi64(v, 0xFF, v, kBits);
  }
}

// a ^ b ^ c in one vpternlogq (truth table 0x96).
STOA_AVX512 inline __m512i xor3(__m512i a, __m512i b, __m512i c) {
  return _mm512_ternarylogic_epi64(a, b, c, 0x96);
}

// chi's a ^ (~b & c) in one vpternlogq: for the inputs (a, b, c) = bit 2, 1, 0 of the table index,
// the result is 1 at indices 1, 4, 6, 7, i.e. 0b11010010.
STOA_AVX512 inline __m512i chi(__m512i a, __m512i b, __m512i c) {
  return _mm512_ternarylogic_epi64(a, b, c, 0xD2);
}

#define STOA_KECCAK8_DECLARE(x, y) __m512i a##x##y, e##x##y;
#define STOA_KECCAK8_LOAD(x, y) a##x##y = s[(x) + 5 * (y)];
#define STOA_KECCAK8_STORE(x, y) s[(x) + 5 * (y)] = a##x##y;
// Lane x + 5y of the 8 blocks at byte addresses addr: one gather of absolute addresses (the masked
// form with a zero source, for the same GCC 12 warning as in rol).
#define STOA_KECCAK8_ABSORB(x, y)                                                      \
  if constexpr ((x) + 5 * (y) < kKeccak256RateLanes) {                                 \
    const __m512i at = _mm512_add_epi64(addr, _mm512_set1_epi64(8 * ((x) + 5 * (y)))); \
    const __m512i words =                                                              \
        _mm512_mask_i64gather_epi64(_mm512_setzero_si512(), 0xFF, at, nullptr, 1);     \
    a##x##y = _mm512_xor_si512(a##x##y, words);                                        \
  }

// As in keccak.cc: row y of E from the lanes A[(X + 3y) mod 5, X], X = 0..4, after theta and rho.
#define STOA_KECCAK8_ROW(A, E, y, x0, x1, x2, x3, x4)                                 \
  {                                                                                   \
    const __m512i b0 = rol<kKeccakRho[(x0) + 0]>(_mm512_xor_si512(A##x0##0, d##x0));  \
    const __m512i b1 = rol<kKeccakRho[(x1) + 5]>(_mm512_xor_si512(A##x1##1, d##x1));  \
    const __m512i b2 = rol<kKeccakRho[(x2) + 10]>(_mm512_xor_si512(A##x2##2, d##x2)); \
    const __m512i b3 = rol<kKeccakRho[(x3) + 15]>(_mm512_xor_si512(A##x3##3, d##x3)); \
    const __m512i b4 = rol<kKeccakRho[(x4) + 20]>(_mm512_xor_si512(A##x4##4, d##x4)); \
    E##0##y = chi(b0, b1, b2);                                                        \
    E##1##y = chi(b1, b2, b3);                                                        \
    E##2##y = chi(b2, b3, b4);                                                        \
    E##3##y = chi(b3, b4, b0);                                                        \
    E##4##y = chi(b4, b0, b1);                                                        \
  }

#define STOA_KECCAK8_ROUND(A, E, rc)                                                \
  {                                                                                 \
    const __m512i c0 = xor3(xor3(A##00, A##01, A##02), A##03, A##04);               \
    const __m512i c1 = xor3(xor3(A##10, A##11, A##12), A##13, A##14);               \
    const __m512i c2 = xor3(xor3(A##20, A##21, A##22), A##23, A##24);               \
    const __m512i c3 = xor3(xor3(A##30, A##31, A##32), A##33, A##34);               \
    const __m512i c4 = xor3(xor3(A##40, A##41, A##42), A##43, A##44);               \
    const __m512i d0 = _mm512_xor_si512(c4, rol<1>(c1));                            \
    const __m512i d1 = _mm512_xor_si512(c0, rol<1>(c2));                            \
    const __m512i d2 = _mm512_xor_si512(c1, rol<1>(c3));                            \
    const __m512i d3 = _mm512_xor_si512(c2, rol<1>(c4));                            \
    const __m512i d4 = _mm512_xor_si512(c3, rol<1>(c0));                            \
    STOA_KECCAK8_ROW(A, E, 0, 0, 1, 2, 3, 4)                                        \
    STOA_KECCAK8_ROW(A, E, 1, 3, 4, 0, 1, 2)                                        \
    STOA_KECCAK8_ROW(A, E, 2, 1, 2, 3, 4, 0)                                        \
    STOA_KECCAK8_ROW(A, E, 3, 4, 0, 1, 2, 3)                                        \
    STOA_KECCAK8_ROW(A, E, 4, 2, 3, 4, 0, 1)                                        \
    E##00 = _mm512_xor_si512(E##00, _mm512_set1_epi64(static_cast<long long>(rc))); \
  }

// XORs one block per state into the 8 states s[0..24] (block j at byte address addr[j]), then
// applies Keccak-f[1600] to all 8.
STOA_AVX512 void absorb_permute8(__m512i* s, const uint64_t* block_addr) {
  const __m512i addr = _mm512_loadu_si512(block_addr);
  STOA_KECCAK_LANES(STOA_KECCAK8_DECLARE)
  STOA_KECCAK_LANES(STOA_KECCAK8_LOAD)
  STOA_KECCAK_LANES(STOA_KECCAK8_ABSORB)
  for (size_t round = 0; round < kKeccakRounds; round += 2) {
    STOA_KECCAK8_ROUND(a, e, kKeccakRoundConstants[round])
    STOA_KECCAK8_ROUND(e, a, kKeccakRoundConstants[round + 1])
  }
  STOA_KECCAK_LANES(STOA_KECCAK8_STORE)
}

#undef STOA_KECCAK8_ROUND
#undef STOA_KECCAK8_ROW
#undef STOA_KECCAK8_ABSORB
#undef STOA_KECCAK8_STORE
#undef STOA_KECCAK8_LOAD
#undef STOA_KECCAK8_DECLARE

// keccak256_pad_block without its variable-length memcpy and byte stores: the message's whole
// words come in by two masked 64-byte loads (words past the message are neither read nor kept),
// the word holding the 0x01 is assembled in a register, and every store is a whole word or more,
// so the gathers of the next step can take the data straight from the stores.
STOA_AVX512 void pad_block8(const uint8_t* p, size_t n, uint8_t* block) {
  STOA_ASSERT(n < kKeccak256Rate);
  const size_t whole = n / 8;  // 0..16
  const size_t rem = n % 8;
  __m512i lo = _mm512_setzero_si512();
  __m512i hi = _mm512_setzero_si512();
  if (whole > 0) {
    lo = _mm512_maskz_loadu_epi64(static_cast<__mmask8>(whole >= 8 ? 0xFF : (1u << whole) - 1), p);
  }
  if (whole > 8) {
    const auto mask = static_cast<__mmask8>(whole >= 16 ? 0xFF : (1u << (whole - 8)) - 1);
    hi = _mm512_maskz_loadu_epi64(mask, p + 64);
  }
  _mm512_storeu_si512(block, lo);
  _mm512_storeu_si512(block + 64, hi);
  uint64_t last = uint64_t{0x01} << (8 * rem);  // the leftover bytes, then the 0x01
  for (size_t i = 0; i < rem; ++i)
    last |= uint64_t{p[8 * whole + i]} << (8 * i);
  constexpr uint64_t kFinalBit = uint64_t{0x80} << 56;  // byte 135
  if (whole < 16) {
    std::memcpy(block + 8 * whole, &last, sizeof last);
    std::memcpy(block + 128, &kFinalBit, sizeof kFinalBit);
  } else {
    const uint64_t word16 = last | kFinalBit;
    std::memcpy(block + 128, &word16, sizeof word16);
  }
}

// The bookkeeping of the 8 slots.
struct Slots {
  struct Slot {
    size_t msg = 0;                 // index into in / out
    const uint8_t* next = nullptr;  // the message's next whole block
    size_t whole_left = 0;          // whole blocks still to absorb before the padded one
  };
  Slot slot[kSlots];
  alignas(64) uint64_t addr[kSlots] = {};  // byte address of each slot's block for the next step
  alignas(64) uint8_t pad[kSlots][kKeccak256Rate];  // each slot's padded last block, once assigned
  alignas(64) uint8_t idle[kKeccak256Rate] = {};    // what slots without a message absorb
  unsigned busy = 0;                                // bit j: slot j has a message

  static uint64_t address_of(const uint8_t* p) { return reinterpret_cast<uintptr_t>(p); }

  STOA_AVX512 void assign(size_t j, size_t msg, BytesView m) {
    Slot& s = slot[j];
    s.msg = msg;
    s.next = m.data();
    s.whole_left = m.size() / kKeccak256Rate;
    const size_t tail = m.size() % kKeccak256Rate;
    pad_block8(s.whole_left > 0 ? m.data() + s.whole_left * kKeccak256Rate : m.data(), tail,
               pad[j]);
    addr[j] = address_of(s.whole_left > 0 ? s.next : pad[j]);
    busy |= 1u << j;
  }
  void release(size_t j) {
    busy &= ~(1u << j);
    addr[j] = address_of(idle);
  }
  // After a step: slot j absorbed the block at addr[j]. True if that was the padded block.
  bool advance(size_t j) {
    Slot& s = slot[j];
    if (s.whole_left == 0) return true;
    --s.whole_left;
    s.next += kKeccak256Rate;
    addr[j] = address_of(s.whole_left > 0 ? s.next : pad[j]);
    return false;
  }
};

STOA_AVX512 void many_avx512(std::span<const BytesView> in, std::span<Bytes32> out) {
  const size_t n = in.size();
  Slots slots;
  for (size_t j = 0; j < kSlots; ++j)
    slots.release(j);
  size_t pending = 0;  // the next message to assign
  for (size_t j = 0; j < kSlots && pending < n; ++j, ++pending)
    slots.assign(j, pending, in[pending]);

  __m512i s[25];
  for (__m512i& v : s)
    v = _mm512_setzero_si512();
  while (static_cast<unsigned>(std::popcount(slots.busy)) >= kMinLanes) {
    absorb_permute8(s, slots.addr);
    unsigned done = 0;
    for (unsigned busy = slots.busy; busy != 0; busy &= busy - 1) {
      const auto j = static_cast<size_t>(std::countr_zero(busy));
      if (slots.advance(j)) done |= 1u << j;
    }
    if (done == 0) continue;
    alignas(64) uint64_t head[4][kSlots];  // the digest lanes of all 8 states
    for (size_t i = 0; i < 4; ++i)
      _mm512_store_si512(head[i], s[i]);
    for (unsigned d = done; d != 0; d &= d - 1) {
      const auto j = static_cast<size_t>(std::countr_zero(d));
      const uint64_t lanes[4] = {head[0][j], head[1][j], head[2][j], head[3][j]};
      out[slots.slot[j].msg] = keccak256_squeeze(lanes);
      if (pending < n) {
        slots.assign(j, pending, in[pending]);
        ++pending;
      } else {
        slots.release(j);
      }
    }
    // Finished slots start again from the zero state.
    const auto keep = static_cast<__mmask8>(~done);
    for (__m512i& v : s)
      v = _mm512_maskz_mov_epi64(keep, v);
  }

  if (slots.busy == 0) return;
  alignas(64) uint64_t lanes[25][kSlots];
  for (size_t i = 0; i < 25; ++i)
    _mm512_store_si512(lanes[i], s[i]);
  for (unsigned busy = slots.busy; busy != 0; busy &= busy - 1) {
    const auto j = static_cast<size_t>(std::countr_zero(busy));
    uint64_t st[25];
    for (size_t i = 0; i < 25; ++i)
      st[i] = lanes[i][j];
    const Slots::Slot& sl = slots.slot[j];
    keccak_absorb_blocks(st, sl.next, sl.whole_left);
    keccak_absorb_blocks(st, slots.pad[j], 1);
    out[sl.msg] = keccak256_squeeze(st);
  }
}

#undef STOA_AVX512

}  // namespace

bool keccak256_many_avx512_built() {
  return true;
}

void keccak256_many_avx512(std::span<const BytesView> in, std::span<Bytes32> out) {
  STOA_ASSERT(in.size() == out.size());
  many_avx512(in, out);
}

#else  // no AVX-512 path in this build

bool keccak256_many_avx512_built() {
  return false;
}

void keccak256_many_avx512(std::span<const BytesView> in, std::span<Bytes32> out) {
  keccak256_many_scalar(in, out);
}

#endif

}  // namespace stoa::detail
