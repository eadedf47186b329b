// Rules versions (include/stoa/core/rules.h): which version a block runs under, how a newer
// binary schedules its version on an older data directory (from the next block, never for blocks
// already written), and which recorded schedules are refused.
#include <gtest/gtest.h>

#include "stoa/core/contract.h"
#include "stoa/core/rules.h"

namespace stoa::core {
namespace {

constexpr Rules kV2 = static_cast<Rules>(2);  // a future version, for the schedule's arithmetic
constexpr Rules kV3 = static_cast<Rules>(3);
// A version newer than this binary's.
constexpr Rules kFuture = static_cast<Rules>(static_cast<uint32_t>(kLatestRules) + 1);

TEST(RulesTest, ADirectoryWithoutARecordRunsVersionOneEverywhere) {
  const RulesSchedule s;
  EXPECT_EQ(s.at(0), Rules::kV1);
  EXPECT_EQ(s.at(123456789), Rules::kV1);
  EXPECT_EQ(s.entries(), (std::vector<RulesActivation>{{Rules::kV1, 0}}));
}

TEST(RulesTest, ANewChainRunsTheLatestFromGenesisAndBlocksDefaultToIt) {
  EXPECT_EQ(RulesSchedule::fresh().at(0), kLatestRules);
  EXPECT_EQ(BlockContext{}.rules, kLatestRules);
}

TEST(RulesTest, ANewerBinaryStartsItsVersionAtTheNextBlockOnly) {
  RulesSchedule s;  // an old directory at head 41
  EXPECT_TRUE(s.upgrade(41, kV2));
  EXPECT_EQ(s.at(41), Rules::kV1);  // written blocks keep their rules
  EXPECT_EQ(s.at(42), kV2);
  EXPECT_FALSE(s.upgrade(50, kV2));  // already scheduled: nothing to record
  EXPECT_TRUE(s.upgrade(99, kV3));   // a later upgrade again
  EXPECT_EQ(s.at(99), kV2);
  EXPECT_EQ(s.at(100), kV3);
  EXPECT_EQ(s.entries(), (std::vector<RulesActivation>{{Rules::kV1, 0}, {kV2, 42}, {kV3, 100}}));
  EXPECT_EQ(RulesSchedule::validate(s.entries(), kV3), "");
}

TEST(RulesTest, BadRecordsAreRefusedWithAReason) {
  EXPECT_NE(RulesSchedule::validate({}), "");
  EXPECT_NE(RulesSchedule::validate({{Rules::kV1, 5}}).find("block 0"), std::string::npos);
  EXPECT_NE(RulesSchedule::validate({{Rules::kV1, 0}, {kFuture, 10}}).find("newer than this stoa"),
            std::string::npos);
  EXPECT_NE(RulesSchedule::validate({{Rules::kV1, 0}, {kV2, 10}, {kV3, 10}}, kV3).find("ascending"),
            std::string::npos);
  EXPECT_NE(RulesSchedule::validate({{kV2, 0}, {Rules::kV1, 10}}, kV3).find("ascending"),
            std::string::npos);
  EXPECT_NE(RulesSchedule::validate({{static_cast<Rules>(0), 0}}), "");
}

}  // namespace
}  // namespace stoa::core
