// The investor file of `stoa onboard`: CSV rows `address,jurisdiction,accreditation,lockupExpiry`
// (an optional header row starting with "address", blank lines and '#' comments ignored).
// Every row is checked before anything is sent; each problem names its line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stoa/common/address.h"

namespace stoa::cli {

struct OnboardRow {
  size_t line = 0;  // 1-based line in the file
  Address account;
  std::string jurisdiction;    // two upper-case letters
  uint8_t accreditation = 0;   // 0 none, 1 accredited, 2 QIB
  uint64_t lockup_expiry = 0;  // Unix seconds; 0 = none (empty cell, 0, or YYYY-MM-DD)
};

struct OnboardProblem {
  size_t line = 0;
  std::string message;
};

struct OnboardFile {
  std::vector<OnboardRow> rows;
  std::vector<OnboardProblem> problems;  // empty = every row is valid
};

OnboardFile parse_onboard_csv(std::string_view text);

}  // namespace stoa::cli
