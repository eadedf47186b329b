// The restriction-code table: LP-3100's numbers and names, a message for every code, ranges
// reserved as PRODUCT.md §5 says, and docs/restriction-codes.md in step with it.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "stoa/core/codes.h"

namespace stoa::core {
namespace {

TEST(RestrictionCodes, Lp3100NumbersAndNames) {
  const std::pair<uint8_t, const char*> kLp3100[] = {
      {0, "SUCCESS"},
      {1, "SENDER_NOT_WHITELISTED"},
      {2, "RECEIVER_NOT_WHITELISTED"},
      {3, "SENDER_BLACKLISTED"},
      {4, "RECEIVER_BLACKLISTED"},
      {5, "SENDER_LOCKED"},
      {6, "JURISDICTION_BLOCKED"},
      {7, "ACCREDITATION_REQUIRED"},
      {16, "SENDER_NOT_ON_WHITELIST"},
      {17, "RECEIVER_NOT_ON_WHITELIST"},
      {18, "SENDER_LOCKUP_ACTIVE"},
      {19, "SENDER_JURISDICTION_BLOCKED"},
      {20, "RECEIVER_JURISDICTION_BLOCKED"},
      {21, "SENDER_JURISDICTION_UNSET"},
      {22, "RECEIVER_JURISDICTION_UNSET"},
      {32, "MAX_HOLDERS_REACHED"},
      {33, "TRANSFER_AMOUNT_EXCEEDED"},
  };
  for (const auto& [code, name] : kLp3100) {
    const CodeInfo* info = find_code(code);
    ASSERT_NE(info, nullptr) << int(code);
    EXPECT_EQ(info->constant, name);
  }
}

TEST(RestrictionCodes, OwnCodesSitInTheReservedRanges) {
  std::set<uint8_t> seen;
  for (const CodeInfo& c : all_codes()) {
    EXPECT_TRUE(seen.insert(c.code).second) << "duplicate code " << int(c.code);
    EXPECT_FALSE(c.message.empty());
    const bool lp3100 =
        c.code <= 7 || (c.code >= 16 && c.code <= 22) || c.code == 32 || c.code == 33;
    const bool token_level = c.code >= 8 && c.code <= 15;
    const bool module_range = (c.code >= 23 && c.code <= 31) || c.code >= 34;
    EXPECT_TRUE(lp3100 || token_level || module_range) << int(c.code);
    EXPECT_GE(c.erc1066, 0x50);
    EXPECT_LE(c.erc1066, 0x57);
  }
  EXPECT_NE(find_code(15), nullptr);  // AMOUNT_ON_HOLD (docs/balance-model.md)
  EXPECT_EQ(find_code(26), nullptr);
  EXPECT_EQ(find_code(255), nullptr);
}

TEST(RestrictionCodes, DocumentationListsEveryCode) {
  std::ifstream in(std::string(STOA_SOURCE_DIR) + "/docs/restriction-codes.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  ASSERT_FALSE(doc.empty());
  for (const CodeInfo& c : all_codes()) {
    const std::string row = "| " + std::to_string(c.code) + " | " + std::string(c.constant) +
                            " | " + std::string(c.message) + " |";
    EXPECT_NE(doc.find(row), std::string::npos) << "missing row: " << row;
  }
}

}  // namespace
}  // namespace stoa::core
