// How the CLI explains a refusal (issue 13 #9): a missing role by its name, not its hash.
#include "stoa/cli/rpc_client.h"

#include <gtest/gtest.h>

#include "stoa/core/access_control.h"
#include "stoa/core/errors.h"

namespace stoa::cli {
namespace {

TEST(ExplainRevertTest, NamesTheMissingRole) {
  const Address who = *Address::parse("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
  const core::Revert r = core::make_revert(core::ErrorId::kAccessControlUnauthorizedAccount,
                                           {who, abi::Value::bytes32(core::roles::minter())});
  const std::string text = explain_revert(r.data);
  EXPECT_NE(text.find("AccessControlUnauthorizedAccount("), std::string::npos) << text;
  EXPECT_NE(text.find(": the account lacks MINTER_ROLE"), std::string::npos) << text;
  Bytes32 unknown;
  unknown.b[0] = 0x42;
  const core::Revert u = core::make_revert(core::ErrorId::kAccessControlUnauthorizedAccount,
                                           {who, abi::Value::bytes32(unknown)});
  EXPECT_NE(explain_revert(u.data).find("lacks role 0x42"), std::string::npos)
      << explain_revert(u.data);
}

}  // namespace
}  // namespace stoa::cli
