#include "stoa/common/u256.h"

#include <algorithm>

#include "stoa/common/assert.h"

namespace stoa {
namespace {
__extension__ using u128 = unsigned __int128;

// Long division of a little-endian multiword number by a 64-bit divisor, in place.
uint64_t div_small(uint64_t* words, int n, uint64_t divisor) {
  u128 rem = 0;
  for (int i = n - 1; i >= 0; --i) {
    u128 cur = (rem << 64) | words[i];
    words[i] = static_cast<uint64_t>(cur / divisor);
    rem = cur % divisor;
  }
  return static_cast<uint64_t>(rem);
}

// Number of significant words of a little-endian multiword number (0 for zero).
int significant_words(const uint64_t* w, int n) {
  while (n > 0 && w[n - 1] == 0)
    --n;
  return n;
}

// Knuth's Algorithm D (TAOCP vol. 2, 4.3.1) on 64-bit digits: u (m words) divided by v (n words,
// 2 <= n <= 4, v[n-1] != 0, m >= n). Writes the m-n+1 quotient words to q and the n remainder
// words to r. Each quotient digit is estimated from the top two digits of the running remainder
// and the top digit of the divisor, corrected at most twice with the second divisor digit, and in
// the rare case it is still one too large (probability about 2/2^64) the divisor is added back.
void divmod_knuth(const uint64_t* u, int m, const uint64_t* v, int n, uint64_t* q, uint64_t* r) {
  constexpr u128 kBase = static_cast<u128>(1) << 64;
  // D1: normalise so the divisor's top bit is set; the dividend gains one word.
  const int s = __builtin_clzll(v[n - 1]);
  uint64_t vn[4] = {0, 0, 0, 0};
  uint64_t un[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  if (s == 0) {
    for (int i = 0; i < n; ++i)
      vn[i] = v[i];
    for (int i = 0; i < m; ++i)
      un[i] = u[i];
  } else {
    for (int i = n - 1; i > 0; --i)
      vn[i] = (v[i] << s) | (v[i - 1] >> (64 - s));
    vn[0] = v[0] << s;
    un[m] = u[m - 1] >> (64 - s);
    for (int i = m - 1; i > 0; --i)
      un[i] = (u[i] << s) | (u[i - 1] >> (64 - s));
    un[0] = u[0] << s;
  }
  for (int j = m - n; j >= 0; --j) {
    // D3: estimate the digit from the top two remainder digits; refine with the next one.
    const u128 top = (static_cast<u128>(un[j + n]) << 64) | un[j + n - 1];
    u128 qhat = top / vn[n - 1];
    u128 rhat = top % vn[n - 1];
    while (qhat >= kBase || qhat * vn[n - 2] > ((rhat << 64) | un[j + n - 2])) {
      --qhat;
      rhat += vn[n - 1];
      if (rhat >= kBase) break;
    }
    // D4: multiply and subtract qhat * vn from the window un[j .. j+n].
    uint64_t mul_carry = 0;
    uint64_t borrow = 0;
    for (int i = 0; i < n; ++i) {
      const u128 p = qhat * vn[i] + mul_carry;
      mul_carry = static_cast<uint64_t>(p >> 64);
      const u128 d = static_cast<u128>(un[i + j]) - static_cast<uint64_t>(p) - borrow;
      un[i + j] = static_cast<uint64_t>(d);
      borrow = static_cast<uint64_t>(d >> 64) != 0 ? 1 : 0;
    }
    const u128 d = static_cast<u128>(un[j + n]) - mul_carry - borrow;
    un[j + n] = static_cast<uint64_t>(d);
    q[j] = static_cast<uint64_t>(qhat);
    if (static_cast<uint64_t>(d >> 64) != 0) {
      // D6: the estimate was one too large; add the divisor back.
      --q[j];
      uint64_t carry = 0;
      for (int i = 0; i < n; ++i) {
        const u128 t = static_cast<u128>(un[i + j]) + vn[i] + carry;
        un[i + j] = static_cast<uint64_t>(t);
        carry = static_cast<uint64_t>(t >> 64);
      }
      un[j + n] += carry;
    }
  }
  // D8: the remainder is the low n words of un, shifted back.
  if (s == 0) {
    for (int i = 0; i < n; ++i)
      r[i] = un[i];
  } else {
    for (int i = 0; i < n; ++i)
      r[i] = (un[i] >> s) | (un[i + 1] << (64 - s));
  }
}

// Quotient (n words, the dividend's width) and remainder of an n-word dividend (n <= 8) by a
// nonzero U256. Fast paths: a dividend narrower than the divisor, and a one-word divisor.
void divmod_words(const uint64_t* num, int n, const U256& den, uint64_t* quot, U256* rem_out) {
  const uint64_t d[4] = {den.word(0), den.word(1), den.word(2), den.word(3)};
  const int dn = significant_words(d, 4);
  const int un = significant_words(num, n);
  uint64_t rem[4] = {0, 0, 0, 0};
  for (int i = 0; i < n; ++i)
    quot[i] = 0;
  if (un < dn) {
    for (int i = 0; i < un; ++i)
      rem[i] = num[i];
  } else if (dn == 1) {
    for (int i = 0; i < un; ++i)
      quot[i] = num[i];
    rem[0] = div_small(quot, un, d[0]);
  } else {
    divmod_knuth(num, un, d, dn, quot, rem);
  }
  if (rem_out) *rem_out = U256::from_words(rem[0], rem[1], rem[2], rem[3]);
}
}  // namespace

U256 U256::from_be(BytesView b) {
  STOA_ASSERT(b.size() == 32);
  U256 r;
  for (int i = 0; i < 4; ++i) {
    uint64_t v = 0;
    for (int j = 0; j < 8; ++j)
      v = (v << 8) | b[static_cast<size_t>(i) * 8 + static_cast<size_t>(j)];
    r.w_[3 - i] = v;
  }
  return r;
}

void U256::to_be(uint8_t* out) const {
  for (int i = 0; i < 4; ++i) {
    uint64_t v = w_[3 - i];
    for (int j = 7; j >= 0; --j) {
      out[i * 8 + j] = static_cast<uint8_t>(v & 0xff);
      v >>= 8;
    }
  }
}

Bytes32 U256::to_bytes32() const {
  Bytes32 b;
  to_be(b.b.data());
  return b;
}

std::optional<U256> U256::from_dec(std::string_view s) {
  if (s.empty() || s.size() > 78) return std::nullopt;
  U256 r;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    auto m = r.checked_mul(U256(10));
    if (!m) return std::nullopt;
    auto a = m->checked_add(U256(static_cast<uint64_t>(c - '0')));
    if (!a) return std::nullopt;
    r = *a;
  }
  return r;
}

std::optional<U256> U256::from_hex(std::string_view s) {
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
  s.remove_prefix(2);
  if (s.size() > 64) return std::nullopt;
  U256 r;
  for (char c : s) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    for (int k = 3; k > 0; --k)
      r.w_[k] = (r.w_[k] << 4) | (r.w_[k - 1] >> 60);
    r.w_[0] = (r.w_[0] << 4) | static_cast<uint64_t>(v);
  }
  return r;
}

std::optional<U256> U256::parse(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) return from_hex(s);
  return from_dec(s);
}

std::string U256::to_dec() const {
  if (is_zero()) return "0";
  uint64_t words[4] = {w_[0], w_[1], w_[2], w_[3]};
  std::string out;
  auto nonzero = [&] { return (words[0] | words[1] | words[2] | words[3]) != 0; };
  while (nonzero()) {
    uint64_t rem = div_small(words, 4, 10'000'000'000'000'000'000ULL);  // 10^19
    for (int i = 0; i < 19; ++i) {
      out.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
    }
  }
  while (out.size() > 1 && out.back() == '0')
    out.pop_back();
  std::reverse(out.begin(), out.end());
  return out;
}

std::string U256::to_hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int i = 3; i >= 0; --i) {
    for (int sh = 60; sh >= 0; sh -= 4)
      out.push_back(kDigits[(w_[i] >> sh) & 0xf]);
  }
  size_t first = out.find_first_not_of('0');
  if (first == std::string::npos) return "0x0";
  return "0x" + out.substr(first);
}

unsigned U256::bit_length() const {
  for (int i = 3; i >= 0; --i) {
    if (w_[i] != 0) return static_cast<unsigned>(i * 64 + 64 - __builtin_clzll(w_[i]));
  }
  return 0;
}

std::optional<U256> U256::checked_add(const U256& o) const {
  U256 r;
  uint64_t carry = 0;
  for (int i = 0; i < 4; ++i) {
    u128 s = static_cast<u128>(w_[i]) + o.w_[i] + carry;
    r.w_[i] = static_cast<uint64_t>(s);
    carry = static_cast<uint64_t>(s >> 64);
  }
  if (carry) return std::nullopt;
  return r;
}

std::optional<U256> U256::checked_sub(const U256& o) const {
  if (*this < o) return std::nullopt;
  U256 r;
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    u128 d = static_cast<u128>(w_[i]) - o.w_[i] - borrow;
    r.w_[i] = static_cast<uint64_t>(d);
    borrow = (d >> 64) ? 1 : 0;
  }
  return r;
}

namespace {
// Full 256x256 -> 512-bit product, little-endian words.
void mul_full(const U256& a, const U256& b, uint64_t out[8]) {
  for (int i = 0; i < 8; ++i)
    out[i] = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t carry = 0;
    for (int j = 0; j < 4; ++j) {
      u128 cur = static_cast<u128>(a.word(i)) * b.word(j) + out[i + j] + carry;
      out[i + j] = static_cast<uint64_t>(cur);
      carry = static_cast<uint64_t>(cur >> 64);
    }
    out[i + 4] = carry;
  }
}
}  // namespace

std::optional<U256> U256::checked_mul(const U256& o) const {
  uint64_t p[8];
  mul_full(*this, o, p);
  if (p[4] | p[5] | p[6] | p[7]) return std::nullopt;
  return from_words(p[0], p[1], p[2], p[3]);
}

std::optional<U256> U256::checked_div(const U256& o) const {
  if (o.is_zero()) return std::nullopt;
  if (fits_u64() && o.fits_u64()) return U256(w_[0] / o.w_[0]);
  if (*this < o) return U256(0);
  uint64_t num[4] = {w_[0], w_[1], w_[2], w_[3]};
  uint64_t q[4];
  divmod_words(num, 4, o, q, nullptr);
  return from_words(q[0], q[1], q[2], q[3]);
}

std::optional<U256> U256::checked_mod(const U256& o) const {
  if (o.is_zero()) return std::nullopt;
  if (fits_u64() && o.fits_u64()) return U256(w_[0] % o.w_[0]);
  if (*this < o) return *this;
  uint64_t num[4] = {w_[0], w_[1], w_[2], w_[3]};
  uint64_t q[4];
  U256 rem;
  divmod_words(num, 4, o, q, &rem);
  return rem;
}

std::optional<U256> U256::mul_div_floor(const U256& mul, const U256& div) const {
  if (div.is_zero()) return std::nullopt;
  uint64_t p[8];
  mul_full(*this, mul, p);
  uint64_t q[8];
  divmod_words(p, 8, div, q, nullptr);
  if (q[4] | q[5] | q[6] | q[7]) return std::nullopt;
  return from_words(q[0], q[1], q[2], q[3]);
}

}  // namespace stoa
