// Keccak-256: our scalar and AVX-512 implementations against Crypto++'s Keccak_256 (the oracle),
// one-shot, streaming and in batches.
#include <cryptopp/keccak.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "stoa/common/keccak.h"
#include "stoa/common/keccak_impl.h"
#include "stoa/sim/prng.h"

namespace stoa {
namespace {

constexpr size_t kRate = detail::kKeccak256Rate;

Bytes32 oracle(BytesView m) {
  CryptoPP::Keccak_256 h;
  Bytes32 out;
  h.CalculateDigest(out.b.data(), m.data(), m.size());
  return out;
}

// Deterministic pseudo-random bytes, shared by the tests (views into it are the messages).
const Bytes& random_bytes() {
  static const Bytes data = [] {
    sim::Prng prng(0x6b656363616bULL);
    Bytes d(300 * 1024);
    for (size_t i = 0; i < d.size(); i += 8) {
      const uint64_t w = prng.next();
      std::memcpy(d.data() + i, &w, std::min<size_t>(8, d.size() - i));
    }
    return d;
  }();
  return data;
}

BytesView prefix(size_t n, size_t offset = 0) {
  return {random_bytes().data() + offset, n};
}

bool avx512_runs_here() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return detail::keccak256_many_avx512_built() && __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

bool bmi2_runs_here() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return detail::keccak_absorb_blocks_bmi2_built() && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2");
#else
  return false;
#endif
}

using AbsorbFn = void (*)(uint64_t*, const uint8_t*, size_t);

// keccak256 assembled from the pieces, with a given build of the scalar permutation.
Bytes32 hash_with(AbsorbFn absorb, BytesView m) {
  uint64_t st[25] = {};
  const size_t whole = m.size() / kRate;
  if (whole > 0) absorb(st, m.data(), whole);
  uint8_t block[kRate];
  detail::keccak256_pad_block(m.data() + whole * kRate, m.size() % kRate, block);
  absorb(st, block, 1);
  return detail::keccak256_squeeze(st);
}

TEST(KeccakImpl, KnownVectors) {
  EXPECT_EQ(keccak256(std::string_view("")).hex(),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(keccak256(std::string_view("abc")).hex(),
            "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(keccak256(BytesView{}).hex(),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(oracle(BytesView{}), keccak256(BytesView{}));
}

TEST(KeccakImpl, PermutationOfZeroState) {
  // Keccak-f[1600] applied once to the all-zero state: lane 0 of the reference's intermediate
  // values (KeccakF-1600-IntermediateValues.txt).
  uint64_t st[25] = {};
  detail::keccak_f1600(st);
  EXPECT_EQ(st[0], 0xF1258F7940E1DDE7ULL);
}

TEST(KeccakImpl, PaddingOfTheLastBlock) {
  uint8_t block[kRate];
  const uint8_t msg[kRate] = {0xaa};
  detail::keccak256_pad_block(msg, 0, block);
  EXPECT_EQ(block[0], 0x01);
  EXPECT_EQ(block[kRate - 1], 0x80);
  detail::keccak256_pad_block(msg, kRate - 1, block);
  EXPECT_EQ(block[0], 0xaa);
  EXPECT_EQ(block[kRate - 1], 0x81);  // 0x01 and 0x80 in the same byte
}

TEST(KeccakImpl, EveryLengthUpTo600MatchesOracle) {
  for (size_t n = 0; n <= 600; ++n) {
    ASSERT_EQ(keccak256(prefix(n)), oracle(prefix(n))) << "length " << n;
    // At an odd offset too: lanes are loaded unaligned.
    ASSERT_EQ(keccak256(prefix(n, 3)), oracle(prefix(n, 3))) << "length " << n << " offset 3";
  }
}

TEST(KeccakImpl, LengthsAroundBlockMultiplesMatchOracle) {
  for (size_t k = 1; k * kRate <= 5200; ++k) {
    for (size_t n = k * kRate - 2; n <= k * kRate + 2; ++n)
      ASSERT_EQ(keccak256(prefix(n)), oracle(prefix(n))) << "length " << n;
  }
  ASSERT_EQ(keccak256(prefix(200 * 1024)), oracle(prefix(200 * 1024)));
}

TEST(KeccakImpl, ScalarDispatchChoosesBmi2ExactlyWhenTheCpuHasIt) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  EXPECT_TRUE(detail::keccak_absorb_blocks_bmi2_built());
#endif
  EXPECT_EQ(detail::keccak_scalar_isa() == detail::KeccakScalarIsa::kBmi2, bmi2_runs_here());
}

TEST(KeccakImpl, EveryScalarBuildMatchesOracle) {
  std::vector<std::pair<const char*, AbsorbFn>> builds = {
      {"generic", &detail::keccak_absorb_blocks_generic}};
  if (bmi2_runs_here()) builds.emplace_back("bmi2", &detail::keccak_absorb_blocks_bmi2);
  for (const auto& [name, absorb] : builds) {
    for (size_t n = 0; n <= 5200; n += n < 600 ? 1 : 67)
      ASSERT_EQ(hash_with(absorb, prefix(n, 5)), oracle(prefix(n, 5))) << name << " length " << n;
  }
}

TEST(KeccakImpl, StreamingWithRandomSplitsMatchesOracle) {
  sim::Prng prng(7);
  Keccak256 k;  // reused: finish() resets it
  for (int trial = 0; trial < 400; ++trial) {
    const size_t n = trial < 300 ? prng.below(1200) : prng.below(20000);
    const BytesView m = prefix(n);
    size_t at = 0;
    while (at < n) {
      // Mostly small pieces, sometimes whole blocks and more; empty updates too.
      size_t piece = prng.chance(1, 4) ? prng.below(3 * kRate) : prng.below(40);
      piece = std::min(piece, n - at);
      if (prng.coin()) {
        k.update(m.subspan(at, piece));
      } else {
        k.update(m.data() + at, piece);
      }
      at += piece;
    }
    ASSERT_EQ(k.finish(), oracle(m)) << "trial " << trial << " length " << n;
  }
  EXPECT_EQ(k.finish(), oracle(BytesView{}));  // a finished hasher starts over
  k.update(std::string_view("ab").data(), 2);
  k.update(std::string_view("c").data(), 1);
  EXPECT_EQ(k.finish(), keccak256(std::string_view("abc")));
}

// A batch of `count` messages of mixed lengths: empty, exact multiples of the rate, short, a few
// blocks, and (when huge_at < count) one 200 KB message at that position.
std::vector<BytesView> batch(size_t count, uint64_t seed, size_t huge_at) {
  sim::Prng prng(seed);
  std::vector<BytesView> in;
  const size_t max_offset = random_bytes().size() - 200 * 1024;
  for (size_t i = 0; i < count; ++i) {
    size_t n;
    if (i == huge_at) {
      n = 200 * 1024;
    } else {
      switch (prng.below(6)) {
        case 0:
          n = 0;
          break;
        case 1:
          n = kRate * prng.range(1, 8);
          break;
        case 2:
          n = prng.range(1, 64);
          break;
        case 3:
          n = prng.range(100, 600);
          break;
        case 4:
          n = kRate * prng.range(1, 30) + prng.range(1, kRate - 1);
          break;
        default:
          n = prng.below(5000);
          break;
      }
    }
    in.push_back(prefix(n, prng.below(max_offset)));
  }
  return in;
}

using ManyFn = void (*)(std::span<const BytesView>, std::span<Bytes32>);

void expect_batch_matches(ManyFn fn, const char* name) {
  struct Case {
    size_t count;
    size_t huge_at;
  };
  for (const Case c :
       {Case{0, 0}, Case{1, 9}, Case{1, 0}, Case{2, 9}, Case{3, 9}, Case{7, 9}, Case{8, 9},
        Case{8, 3}, Case{9, 99}, Case{37, 20}, Case{37, 99}, Case{200, 150}, Case{200, 999}}) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      const std::vector<BytesView> in = batch(c.count, seed * 1000 + c.count, c.huge_at);
      std::vector<Bytes32> out(in.size());
      fn(in, out);
      for (size_t i = 0; i < in.size(); ++i) {
        ASSERT_EQ(out[i], keccak256(in[i])) << name << ": batch of " << c.count << ", message " << i
                                            << " of length " << in[i].size();
        ASSERT_EQ(out[i], oracle(in[i])) << name << ": batch of " << c.count << ", message " << i;
      }
    }
  }
}

TEST(KeccakMany, DispatchChoosesAvx512ExactlyWhenTheCpuHasIt) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  EXPECT_TRUE(detail::keccak256_many_avx512_built());
  const bool cpu = __builtin_cpu_supports("avx512f");
  EXPECT_EQ(detail::keccak256_many_path() == detail::KeccakManyPath::kAvx512, cpu);
#else
  EXPECT_EQ(detail::keccak256_many_path(), detail::KeccakManyPath::kScalar);
#endif
}

TEST(KeccakMany, ScalarPathMatchesOneByOne) {
  expect_batch_matches(&detail::keccak256_many_scalar, "scalar");
}

TEST(KeccakMany, Avx512PathMatchesOneByOne) {
  // The path cannot run on a CPU without AVX-512F; there, what matters is that it is never
  // chosen (DispatchChoosesAvx512ExactlyWhenTheCpuHasIt ties the choice to the CPU's flags).
  if (!avx512_runs_here()) {
    EXPECT_EQ(detail::keccak256_many_path(), detail::KeccakManyPath::kScalar);
    return;
  }
  expect_batch_matches(&detail::keccak256_many_avx512, "avx512");
}

TEST(KeccakMany, DispatchedPathMatchesOneByOne) {
  expect_batch_matches(&keccak256_many, "keccak256_many");
}

// Every path the CPU can run, by name.
std::vector<std::pair<const char*, ManyFn>> runnable_paths() {
  std::vector<std::pair<const char*, ManyFn>> paths = {{"scalar", &detail::keccak256_many_scalar},
                                                       {"keccak256_many", &keccak256_many}};
  if (avx512_runs_here()) paths.emplace_back("avx512", &detail::keccak256_many_avx512);
  return paths;
}

TEST(KeccakMany, EveryTailLengthEndingAtAnUnreadablePage) {
  // Each message ends where a PROT_NONE page begins: reading one byte past it would fault. The
  // AVX-512 path reads the last partial block with masked loads; this checks they stay inside.
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t span = 2 * page;  // room for a 410-byte message before the guard page
  void* mem =
      mmap(nullptr, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  auto* base = static_cast<uint8_t*>(mem);
  ASSERT_EQ(mprotect(base + span, page, PROT_NONE), 0);
  std::memcpy(base, random_bytes().data(), span);
  std::vector<BytesView> in;
  for (size_t n = 0; n <= 3 * kRate + 2; ++n)
    in.emplace_back(base + span - n, n);
  for (const auto& [name, fn] : runnable_paths()) {
    std::vector<Bytes32> out(in.size());
    fn(in, out);
    for (size_t i = 0; i < in.size(); ++i)
      ASSERT_EQ(out[i], oracle(in[i])) << name << ": length " << in[i].size();
  }
  munmap(mem, span + page);
}

TEST(KeccakMany, SameMessageManyTimesAndEqualLengths) {
  // All slots finish on the same step, again and again; then a staggered start.
  for (const size_t n : {size_t{0}, size_t{32}, kRate - 1, kRate, 4 * kRate, size_t{160 * 1024}}) {
    std::vector<BytesView> in(19, prefix(n));
    std::vector<Bytes32> out(in.size());
    keccak256_many(in, out);
    for (const Bytes32& h : out)
      ASSERT_EQ(h, oracle(prefix(n))) << "length " << n;
  }
  std::vector<BytesView> in;
  for (size_t i = 0; i < 24; ++i)
    in.push_back(prefix((24 - i) * kRate, i));
  std::vector<Bytes32> out(in.size());
  keccak256_many(in, out);
  for (size_t i = 0; i < in.size(); ++i)
    ASSERT_EQ(out[i], oracle(in[i])) << "message " << i;
}

}  // namespace
}  // namespace stoa
