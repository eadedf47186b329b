#include "stoa/ta/amount.h"

namespace stoa::ta {

std::string encode_amount(const U256& v) {
  std::string d = v.to_dec();
  return std::string(kAmountDigits - d.size(), '0') + d;
}

std::optional<U256> decode_amount(std::string_view s) {
  if (s.size() != kAmountDigits) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  size_t first = s.find_first_not_of('0');
  if (first == std::string_view::npos) return U256(0);
  return U256::from_dec(s.substr(first));
}

}  // namespace stoa::ta
