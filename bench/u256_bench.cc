// U256 division: Knuth's Algorithm D on 64-bit digits (stoa/common/u256.h, what dividends and
// splits run per holder) against the shift-subtract loop stoa used before (one quotient bit per
// iteration, kept here as the baseline), with 64-bit and 256-bit divisors, and mul_div_floor on
// the dividend shape floor(amount * balance / supply). Every quotient is compared with the
// baseline's; a difference fails the benchmark.
//   build/bench/u256_bench --benchmark_filter=Div
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "stoa/common/u256.h"

namespace {

using stoa::U256;
__extension__ using u128 = unsigned __int128;

// The previous implementation: restoring division, one bit of an n-word dividend at a time.
U256 shift_subtract_div(const uint64_t* num, int n, const U256& den) {
  uint64_t rem[5] = {0, 0, 0, 0, 0};
  const uint64_t d[5] = {den.word(0), den.word(1), den.word(2), den.word(3), 0};
  uint64_t quot[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int bit = n * 64 - 1; bit >= 0; --bit) {
    for (int k = 4; k > 0; --k)
      rem[k] = (rem[k] << 1) | (rem[k - 1] >> 63);
    rem[0] = (rem[0] << 1) | ((num[bit / 64] >> (bit % 64)) & 1);
    bool ge = true;
    for (int k = 4; k >= 0; --k) {
      if (rem[k] != d[k]) {
        ge = rem[k] > d[k];
        break;
      }
    }
    if (ge) {
      uint64_t borrow = 0;
      for (int k = 0; k < 5; ++k) {
        const u128 sub = static_cast<u128>(rem[k]) - d[k] - borrow;
        rem[k] = static_cast<uint64_t>(sub);
        borrow = (sub >> 64) != 0 ? 1 : 0;
      }
      quot[bit / 64] |= (1ULL << (bit % 64));
    }
  }
  return U256::from_words(quot[0], quot[1], quot[2], quot[3]);
}

U256 old_div(const U256& a, const U256& b) {
  const uint64_t num[4] = {a.word(0), a.word(1), a.word(2), a.word(3)};
  return shift_subtract_div(num, 4, b);
}

U256 old_mul_div(const U256& a, const U256& b, const U256& d) {
  uint64_t p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) {
    uint64_t carry = 0;
    for (int j = 0; j < 4; ++j) {
      const u128 cur = static_cast<u128>(a.word(i)) * b.word(j) + p[i + j] + carry;
      p[i + j] = static_cast<uint64_t>(cur);
      carry = static_cast<uint64_t>(cur >> 64);
    }
    p[i + 4] = carry;
  }
  return shift_subtract_div(p, 8, d);
}

struct Pair {
  U256 a, b;
};

// 1024 pairs: a full 256-bit dividend and a divisor of `divisor_bits` bits (top bit set).
std::vector<Pair> pairs(int divisor_bits) {
  std::mt19937_64 rng(7);
  std::vector<Pair> out(1024);
  for (Pair& p : out) {
    p.a = U256::from_words(rng(), rng(), rng(), rng() | (1ULL << 63));
    uint64_t w[4] = {0, 0, 0, 0};
    for (int i = 0; i * 64 < divisor_bits; ++i)
      w[i] = rng();
    const int top = (divisor_bits - 1) / 64;
    const int shift = 63 - (divisor_bits - 1) % 64;
    w[top] = (w[top] | (1ULL << 63)) >> shift;
    p.b = U256::from_words(w[0], w[1], w[2], w[3]);
  }
  return out;
}

template <bool kNew>
void BM_Div(benchmark::State& state) {
  const std::vector<Pair> ps = pairs(static_cast<int>(state.range(0)));
  for (const Pair& p : ps) {
    if (*p.a.checked_div(p.b) != old_div(p.a, p.b)) state.SkipWithError("quotients differ");
  }
  size_t i = 0;
  for (auto _ : state) {
    const Pair& p = ps[i++ & 1023];
    U256 q = kNew ? *p.a.checked_div(p.b) : old_div(p.a, p.b);
    benchmark::DoNotOptimize(q);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Div<false>)->Name("DivOld/divisor_bits")->Arg(64)->Arg(128)->Arg(256);
BENCHMARK(BM_Div<true>)->Name("DivNew/divisor_bits")->Arg(64)->Arg(128)->Arg(256);

// floor(amount * balance / supply) with an 18-decimal token: supply 10^27, balances and the
// dividend amount below it.
struct Triple {
  U256 amount, balance, supply;
};

std::vector<Triple> dividend_triples() {
  std::mt19937_64 rng(11);
  const U256 supply = *U256::from_dec("1000000000000000000000000000");
  std::vector<Triple> out(1024);
  for (Triple& t : out) {
    t.supply = supply;
    t.balance = *U256::from_words(rng(), rng() & 0xffffff, 0, 0).checked_mod(supply);
    t.amount = *U256::from_words(rng(), rng() & 0xffffff, 0, 0).checked_mod(supply);
  }
  return out;
}

template <bool kNew>
void BM_MulDiv(benchmark::State& state) {
  const std::vector<Triple> ts = dividend_triples();
  for (const Triple& t : ts) {
    if (*t.amount.mul_div_floor(t.balance, t.supply) != old_mul_div(t.amount, t.balance, t.supply))
      state.SkipWithError("quotients differ");
  }
  size_t i = 0;
  for (auto _ : state) {
    const Triple& t = ts[i++ & 1023];
    U256 q = kNew ? *t.amount.mul_div_floor(t.balance, t.supply)
                  : old_mul_div(t.amount, t.balance, t.supply);
    benchmark::DoNotOptimize(q);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MulDiv<false>)->Name("MulDivOld/dividend");
BENCHMARK(BM_MulDiv<true>)->Name("MulDivNew/dividend");

}  // namespace

BENCHMARK_MAIN();
