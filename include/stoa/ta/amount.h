// Amounts (uint256) in the database (docs/transfer-agent.md, "Amounts"): decimal text, zero-padded
// to 78 digits (the width of 2^256 - 1), so that text order is numeric order and equality is
// byte equality on both back ends (SQLite compares TEXT bytewise; the PostgreSQL columns are
// COLLATE "C"). Sums are computed in C++ with checked U256 arithmetic, never in SQL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "stoa/common/u256.h"

namespace stoa::ta {

inline constexpr size_t kAmountDigits = 78;

std::string encode_amount(const U256& v);
// nullopt unless exactly 78 decimal digits.
std::optional<U256> decode_amount(std::string_view s);

}  // namespace stoa::ta
