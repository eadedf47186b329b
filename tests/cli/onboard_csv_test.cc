// The onboarding CSV: every bad row reported with its line number, nothing accepted from them.
#include "stoa/cli/onboard_csv.h"

#include <gtest/gtest.h>

namespace stoa::cli {
namespace {

constexpr const char* kA = "0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b";
constexpr const char* kB = "0x0000000000000000000000000000000000000002";

TEST(OnboardCsv, ValidFileWithHeaderCommentsAndBlankLines) {
  const std::string text = std::string("address,jurisdiction,accreditation,lockupExpiry\r\n") +
                           "# first tranche\n" + kA + ",US,1,0\n\n" + kB + ", gb ,2,2030-01-01\n" +
                           "0x0000000000000000000000000000000000000003,DE,0,\n";
  const OnboardFile f = parse_onboard_csv(text);
  ASSERT_TRUE(f.problems.empty()) << f.problems[0].message;
  ASSERT_EQ(f.rows.size(), 3u);
  EXPECT_EQ(f.rows[0].line, 3u);
  EXPECT_EQ(f.rows[0].jurisdiction, "US");
  EXPECT_EQ(f.rows[0].accreditation, 1);
  EXPECT_EQ(f.rows[1].line, 5u);
  EXPECT_EQ(f.rows[1].jurisdiction, "GB");
  EXPECT_EQ(f.rows[1].lockup_expiry, 1893456000u);
  EXPECT_EQ(f.rows[2].lockup_expiry, 0u);
}

TEST(OnboardCsv, EveryBadRowIsReportedWithItsLine) {
  const std::string text = std::string(kA) + ",US,1,0\n" +  // 1 ok
                           "0x1234,US,1,0\n" +              // 2 bad address
                           kB + ",USA,1,0\n" +              // 3 bad jurisdiction
                           kB + ",US,3,0\n" +               // 4 bad accreditation
                           kB + ",US,1,soon\n" +            // 5 bad expiry
                           kB + ",US,1\n" +                 // 6 missing column
                           kA + ",US,0,0\n" +               // 7 duplicate of line 1
                           "0x0000000000000000000000000000000000000000,US,0,0\n";  // 8 zero
  const OnboardFile f = parse_onboard_csv(text);
  ASSERT_EQ(f.problems.size(), 7u);
  std::vector<size_t> lines;
  for (const auto& p : f.problems)
    lines.push_back(p.line);
  EXPECT_EQ(lines, (std::vector<size_t>{2, 3, 4, 5, 6, 7, 8}));
  EXPECT_NE(f.problems[0].message.find("not an address"), std::string::npos);
  EXPECT_NE(f.problems[1].message.find("alpha-2"), std::string::npos);
  EXPECT_NE(f.problems[2].message.find("accreditation"), std::string::npos);
  EXPECT_NE(f.problems[3].message.find("lockupExpiry"), std::string::npos);
  EXPECT_NE(f.problems[4].message.find("4 columns"), std::string::npos);
  EXPECT_NE(f.problems[5].message.find("line 1"), std::string::npos);
  EXPECT_NE(f.problems[6].message.find("zero address"), std::string::npos);
}

TEST(OnboardCsv, OneRowWithSeveralProblemsReportsEach) {
  const OnboardFile f = parse_onboard_csv("0xzz,U,9,x\n");
  EXPECT_EQ(f.problems.size(), 4u);
  for (const auto& p : f.problems)
    EXPECT_EQ(p.line, 1u);
  EXPECT_TRUE(f.rows.empty());
}

TEST(OnboardCsv, EmptyFile) {
  const OnboardFile f = parse_onboard_csv("address,jurisdiction,accreditation,lockupExpiry\n");
  EXPECT_TRUE(f.rows.empty());
  EXPECT_TRUE(f.problems.empty());
}

}  // namespace
}  // namespace stoa::cli
