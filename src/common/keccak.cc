// Keccak-256 (Ethereum's: Keccak[r = 1088, c = 512] with the original 0x01 ... 0x80 padding) on a
// portable scalar Keccak-f[1600], and the dispatch of keccak256_many.
//
// The permutation keeps the 25 lanes in named locals (a<x><y> for A[x, y]) so the compiler can
// hold them in registers; each round is written out lane by lane and alternates between the a and
// e sets, so no lane is copied. Lanes are little-endian words of the byte state (FIPS 202, 3.1.2).
#include "stoa/common/keccak.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "stoa/common/assert.h"
#include "stoa/common/keccak_impl.h"

namespace stoa {
namespace detail {
namespace {

constexpr auto& kRc = kKeccakRoundConstants;
constexpr auto& kRho = kKeccakRho;

inline uint64_t load_le64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

inline void store_le64(uint8_t* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof v);
}

#define STOA_KECCAK_DECLARE(x, y) uint64_t a##x##y, e##x##y;
#define STOA_KECCAK_LOAD(x, y) a##x##y = st[(x) + 5 * (y)];
#define STOA_KECCAK_STORE(x, y) st[(x) + 5 * (y)] = a##x##y;

// Row y of the next state E. pi moves A[x, y] to B[y, 2x + 3y], so B[X, y] comes from
// A[(X + 3y) mod 5, X]: x0..x4 are those source columns for X = 0..4. Each B lane is the theta-
// adjusted, rho-rotated source lane; chi then combines each B lane with the two to its right.
#define STOA_KECCAK_ROW(A, E, y, x0, x1, x2, x3, x4)                  \
  {                                                                   \
    const uint64_t b0 = std::rotl(A##x0##0 ^ d##x0, kRho[(x0) + 0]);  \
    const uint64_t b1 = std::rotl(A##x1##1 ^ d##x1, kRho[(x1) + 5]);  \
    const uint64_t b2 = std::rotl(A##x2##2 ^ d##x2, kRho[(x2) + 10]); \
    const uint64_t b3 = std::rotl(A##x3##3 ^ d##x3, kRho[(x3) + 15]); \
    const uint64_t b4 = std::rotl(A##x4##4 ^ d##x4, kRho[(x4) + 20]); \
    E##0##y = b0 ^ (~b1 & b2);                                        \
    E##1##y = b1 ^ (~b2 & b3);                                        \
    E##2##y = b2 ^ (~b3 & b4);                                        \
    E##3##y = b3 ^ (~b4 & b0);                                        \
    E##4##y = b4 ^ (~b0 & b1);                                        \
  }

// One round from the lanes A into the lanes E: theta (column parities c, then d[x] = c[x - 1] ^
// rot(c[x + 1], 1) xored into every lane of column x), rho and pi (in the rows), chi, iota.
#define STOA_KECCAK_ROUND(A, E, rc)                            \
  {                                                            \
    const uint64_t c0 = A##00 ^ A##01 ^ A##02 ^ A##03 ^ A##04; \
    const uint64_t c1 = A##10 ^ A##11 ^ A##12 ^ A##13 ^ A##14; \
    const uint64_t c2 = A##20 ^ A##21 ^ A##22 ^ A##23 ^ A##24; \
    const uint64_t c3 = A##30 ^ A##31 ^ A##32 ^ A##33 ^ A##34; \
    const uint64_t c4 = A##40 ^ A##41 ^ A##42 ^ A##43 ^ A##44; \
    const uint64_t d0 = c4 ^ std::rotl(c1, 1);                 \
    const uint64_t d1 = c0 ^ std::rotl(c2, 1);                 \
    const uint64_t d2 = c1 ^ std::rotl(c3, 1);                 \
    const uint64_t d3 = c2 ^ std::rotl(c4, 1);                 \
    const uint64_t d4 = c3 ^ std::rotl(c0, 1);                 \
    STOA_KECCAK_ROW(A, E, 0, 0, 1, 2, 3, 4)                    \
    STOA_KECCAK_ROW(A, E, 1, 3, 4, 0, 1, 2)                    \
    STOA_KECCAK_ROW(A, E, 2, 1, 2, 3, 4, 0)                    \
    STOA_KECCAK_ROW(A, E, 3, 4, 0, 1, 2, 3)                    \
    STOA_KECCAK_ROW(A, E, 4, 2, 3, 4, 0, 1)                    \
    E##00 ^= (rc);                                             \
  }

// The 24 rounds, two per iteration (a -> e -> a), leaving the result in the a lanes.
#define STOA_KECCAK_PERMUTE()                                 \
  for (size_t round = 0; round < kKeccakRounds; round += 2) { \
    STOA_KECCAK_ROUND(a, e, kRc[round])                       \
    STOA_KECCAK_ROUND(e, a, kRc[round + 1])                   \
  }

// Absorbs `blocks` 136-byte blocks. Always inlined, so each caller below compiles it for its
// own target.
[[gnu::always_inline]] inline void absorb(uint64_t* st, const uint8_t* p, size_t blocks) {
  STOA_KECCAK_LANES(STOA_KECCAK_DECLARE)
  STOA_KECCAK_LANES(STOA_KECCAK_LOAD)
  for (; blocks > 0; --blocks, p += kKeccak256Rate) {
    a00 ^= load_le64(p + 0);
    a10 ^= load_le64(p + 8);
    a20 ^= load_le64(p + 16);
    a30 ^= load_le64(p + 24);
    a40 ^= load_le64(p + 32);
    a01 ^= load_le64(p + 40);
    a11 ^= load_le64(p + 48);
    a21 ^= load_le64(p + 56);
    a31 ^= load_le64(p + 64);
    a41 ^= load_le64(p + 72);
    a02 ^= load_le64(p + 80);
    a12 ^= load_le64(p + 88);
    a22 ^= load_le64(p + 96);
    a32 ^= load_le64(p + 104);
    a42 ^= load_le64(p + 112);
    a03 ^= load_le64(p + 120);
    a13 ^= load_le64(p + 128);
    STOA_KECCAK_PERMUTE()
  }
  STOA_KECCAK_LANES(STOA_KECCAK_STORE)
}

#undef STOA_KECCAK_PERMUTE
#undef STOA_KECCAK_ROUND
#undef STOA_KECCAK_ROW
#undef STOA_KECCAK_STORE
#undef STOA_KECCAK_LOAD
#undef STOA_KECCAK_DECLARE

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define STOA_KECCAK_BMI2_BUILT 1
#else
#define STOA_KECCAK_BMI2_BUILT 0
#endif

using AbsorbFn = void (*)(uint64_t*, const uint8_t*, size_t);

AbsorbFn chosen_absorb() {
  static const AbsorbFn fn = [] {
#if STOA_KECCAK_BMI2_BUILT
    __builtin_cpu_init();
    if (__builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2"))
      return &keccak_absorb_blocks_bmi2;
#endif
    return &keccak_absorb_blocks_generic;
  }();
  return fn;
}

}  // namespace

void keccak_f1600(uint64_t* state) {
  static constexpr uint8_t kZeroBlock[kKeccak256Rate] = {};
  keccak_absorb_blocks(state, kZeroBlock, 1);  // x ^ 0 == x: just the permutation
}

void keccak_absorb_blocks_generic(uint64_t* state, const uint8_t* p, size_t blocks) {
  absorb(state, p, blocks);
}

#if STOA_KECCAK_BMI2_BUILT
// The same code compiled for BMI1 + BMI2: chi's ~b & c becomes one andn and the rotations
// non-destructive rorx, which saves the register copies of two-operand x86 (about 1.5x faster).
__attribute__((target("bmi,bmi2"))) void keccak_absorb_blocks_bmi2(uint64_t* state,
                                                                   const uint8_t* p,
                                                                   size_t blocks) {
  absorb(state, p, blocks);
}
bool keccak_absorb_blocks_bmi2_built() {
  return true;
}
#else
void keccak_absorb_blocks_bmi2(uint64_t* state, const uint8_t* p, size_t blocks) {
  absorb(state, p, blocks);
}
bool keccak_absorb_blocks_bmi2_built() {
  return false;
}
#endif

KeccakScalarIsa keccak_scalar_isa() {
  return chosen_absorb() == &keccak_absorb_blocks_generic ? KeccakScalarIsa::kGeneric
                                                          : KeccakScalarIsa::kBmi2;
}

void keccak_absorb_blocks(uint64_t* state, const uint8_t* p, size_t blocks) {
  if (blocks > 0) chosen_absorb()(state, p, blocks);
}

void keccak256_pad_block(const uint8_t* p, size_t n, uint8_t* block) {
  STOA_ASSERT(n < kKeccak256Rate);
  std::memset(block, 0, kKeccak256Rate);
  if (n > 0) std::memcpy(block, p, n);
  block[n] ^= 0x01;
  block[kKeccak256Rate - 1] ^= 0x80;
}

Bytes32 keccak256_squeeze(const uint64_t* state) {
  Bytes32 out;
  for (size_t i = 0; i < 4; ++i)
    store_le64(out.b.data() + 8 * i, state[i]);
  return out;
}

void keccak256_many_scalar(std::span<const BytesView> in, std::span<Bytes32> out) {
  STOA_ASSERT(in.size() == out.size());
  for (size_t i = 0; i < in.size(); ++i)
    out[i] = keccak256(in[i]);
}

KeccakManyPath keccak256_many_path() {
  static const KeccakManyPath path = [] {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();  // harmless if already done; needed if we run before libgcc's init
    if (keccak256_many_avx512_built() && __builtin_cpu_supports("avx512f"))
      return KeccakManyPath::kAvx512;
#endif
    return KeccakManyPath::kScalar;
  }();
  return path;
}

}  // namespace detail

Bytes32 keccak256(BytesView data) {
  uint64_t st[25] = {};
  const size_t full = data.size() / detail::kKeccak256Rate;
  const size_t tail = data.size() % detail::kKeccak256Rate;
  // data.data() may be null when the view is empty; then full == tail == 0 and nothing reads it.
  const uint8_t* p = data.data();
  detail::keccak_absorb_blocks(st, p, full);
  uint8_t block[detail::kKeccak256Rate];
  detail::keccak256_pad_block(full > 0 ? p + full * detail::kKeccak256Rate : p, tail, block);
  detail::keccak_absorb_blocks(st, block, 1);
  return detail::keccak256_squeeze(st);
}

Bytes32 keccak256(std::string_view text) {
  return keccak256(BytesView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void keccak256_many(std::span<const BytesView> in, std::span<Bytes32> out) {
  STOA_ASSERT(in.size() == out.size());
  if (detail::keccak256_many_path() == detail::KeccakManyPath::kAvx512) {
    detail::keccak256_many_avx512(in, out);
  } else {
    detail::keccak256_many_scalar(in, out);
  }
}

void Keccak256::update(BytesView data) {
  update(data.data(), data.size());
}

void Keccak256::update(const void* data, size_t n) {
  if (n == 0) return;
  const auto* p = static_cast<const uint8_t*>(data);
  if (buf_len_ > 0) {
    const size_t take = std::min(n, kRate - buf_len_);
    std::memcpy(buf_ + buf_len_, p, take);
    buf_len_ += take;
    p += take;
    n -= take;
    if (buf_len_ < kRate) return;
    detail::keccak_absorb_blocks(state_, buf_, 1);
    buf_len_ = 0;
  }
  const size_t full = n / kRate;
  detail::keccak_absorb_blocks(state_, p, full);
  p += full * kRate;
  n -= full * kRate;
  if (n > 0) {
    std::memcpy(buf_, p, n);
    buf_len_ = n;
  }
}

Bytes32 Keccak256::finish() {
  uint8_t block[kRate];
  detail::keccak256_pad_block(buf_, buf_len_, block);
  detail::keccak_absorb_blocks(state_, block, 1);
  const Bytes32 out = detail::keccak256_squeeze(state_);
  std::memset(state_, 0, sizeof state_);
  buf_len_ = 0;
  return out;
}

uint32_t selector_of(std::string_view signature) {
  Bytes32 h = keccak256(signature);
  return (uint32_t{h.b[0]} << 24) | (uint32_t{h.b[1]} << 16) | (uint32_t{h.b[2]} << 8) |
         uint32_t{h.b[3]};
}

}  // namespace stoa
