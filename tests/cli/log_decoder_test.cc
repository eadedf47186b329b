// Receipt logs decoded with the native contracts' events; the cap table rebuilt from them.
#include "stoa/cli/log_decoder.h"

#include <gtest/gtest.h>

#include "stoa/cli/cap_table.h"
#include "stoa/common/keccak.h"

namespace stoa::cli {
namespace {

using nlohmann::json;

const char* kA = "0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b";
const char* kB = "0x0000000000000000000000000000000000000002";

json transfer_log(const Address& from, const Address& to, uint64_t value) {
  return {{"address", "0x0000000000000000000000000000000000000abc"},
          {"topics",
           {event_topic("Transfer(address,address,uint256)").hex(), from.to_word().hex(),
            to.to_word().hex()}},
          {"data", U256(value).to_bytes32().hex()}};
}

TEST(LogDecoder, TransferAndUnknownEvents) {
  const Address a = *Address::parse(kA);
  const DecodedLog d = decode_log(transfer_log(Address{}, a, 1000));
  EXPECT_EQ(d.event, "Transfer");
  EXPECT_EQ(format_log(d), "Transfer(from=0x0000000000000000000000000000000000000000, to=" +
                               a.checksum_hex() + ", value=1000)");
  EXPECT_EQ(log_json(d)["args"]["value"], "1000");
  json unknown = {{"address", kB}, {"topics", {Bytes32{}.hex()}}, {"data", "0x"}};
  const DecodedLog u = decode_log(unknown);
  EXPECT_TRUE(u.event.empty());
  EXPECT_NE(format_log(u).find("topics=["), std::string::npos);
  EXPECT_THROW(decode_log(json{{"address", "nope"}}), std::runtime_error);
}

TEST(LogDecoder, RolesByName) {
  const Address a = *Address::parse(kA);
  json role_granted = {
      {"address", kB},
      {"topics",
       {event_topic("RoleGranted(bytes32,address,address)").hex(),
        keccak256(std::string_view("MINTER_ROLE")).hex(), a.to_word().hex(), a.to_word().hex()}},
      {"data", "0x"}};
  EXPECT_NE(format_log(decode_log(role_granted)).find("role=MINTER_ROLE"), std::string::npos);
}

TEST(CapTable, FromTransferLogs) {
  const Address a = *Address::parse(kA), b = *Address::parse(kB);
  json logs = json::array({transfer_log(Address{}, a, 1000), transfer_log(a, b, 250),
                           transfer_log(Address{}, b, 50), transfer_log(b, Address{}, 300)});
  const auto rows = balances_from_transfer_logs(logs);
  ASSERT_EQ(rows.size(), 1u);  // b went back to zero and is not a holder
  EXPECT_EQ(rows[0].holder, a);
  EXPECT_EQ(rows[0].balance, U256(750));
  EXPECT_THROW(balances_from_transfer_logs(json::array({transfer_log(a, b, 1)})),
               std::runtime_error);
}

}  // namespace
}  // namespace stoa::cli
