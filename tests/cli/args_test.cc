// Option parsing, value parsers and cast-style signatures.
#include "stoa/cli/args.h"

#include <gtest/gtest.h>

#include "stoa/cli/call_signature.h"
#include "stoa/cli/cap_table.h"
#include "stoa/cli/rpc_client.h"
#include "stoa/cli/signer.h"
#include "stoa/core/errors.h"

namespace stoa::cli {
namespace {

const OptionSpec kSpec{{"--rpc", "--from"}, {"--json"}};

TEST(Args, OptionsFlagsAndPositionals) {
  ParsedArgs a =
      parse_args({"ACME", "--rpc", "http://x:1", "0xabc", "--json", "--from=0x01"}, kSpec);
  EXPECT_EQ(a.positional, (std::vector<std::string>{"ACME", "0xabc"}));
  EXPECT_EQ(a.get("--rpc"), "http://x:1");
  EXPECT_EQ(a.get("--from"), "0x01");
  EXPECT_TRUE(a.flag("--json"));
  EXPECT_FALSE(a.get("--nope").has_value());
  EXPECT_EQ(a.get_or("--nope", "d"), "d");
}

TEST(Args, DoubleDashEndsOptionsAndSingleDashIsAValue) {
  ParsedArgs a = parse_args({"-5", "--", "--json", "x"}, kSpec);
  EXPECT_EQ(a.positional, (std::vector<std::string>{"-5", "--json", "x"}));
  EXPECT_FALSE(a.flag("--json"));
}

TEST(Args, Errors) {
  EXPECT_THROW(parse_args({"--bogus"}, kSpec), UsageError);
  EXPECT_THROW(parse_args({"--rpc"}, kSpec), UsageError);
  EXPECT_THROW(parse_args({"--rpc", "a", "--rpc", "b"}, kSpec), UsageError);
  EXPECT_THROW(parse_args({"--json=1"}, kSpec), UsageError);
  ParsedArgs a = parse_args({}, kSpec);
  EXPECT_THROW(a.require("--rpc"), UsageError);
}

TEST(Args, ValueParsers) {
  EXPECT_EQ(parse_address_arg("0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b", "a"),
            *Address::parse("0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b"));
  EXPECT_THROW(parse_address_arg("0x1234", "a"), UsageError);
  EXPECT_EQ(parse_u64_arg("18446744073709551615", "n"), UINT64_MAX);
  EXPECT_THROW(parse_u64_arg("18446744073709551616", "n"), UsageError);
  EXPECT_THROW(parse_u64_arg("-1", "n"), UsageError);
  EXPECT_THROW(parse_u64_arg("12x", "n"), UsageError);
  EXPECT_EQ(parse_amount_arg("1000", "amount"), U256(1000));
  EXPECT_EQ(parse_amount_arg("0x10", "amount"), U256(16));
  EXPECT_THROW(parse_amount_arg("1.5", "amount"), UsageError);
  EXPECT_THROW(parse_amount_arg("-3", "amount"), UsageError);
  EXPECT_EQ(parse_jurisdiction_arg("us", "cc"), "US");
  EXPECT_THROW(parse_jurisdiction_arg("USA", "cc"), UsageError);
  EXPECT_THROW(parse_jurisdiction_arg("U1", "cc"), UsageError);
}

TEST(Args, Timestamps) {
  EXPECT_EQ(parse_timestamp_arg("1700000000", "t"), 1700000000u);
  EXPECT_EQ(parse_timestamp_arg("2025-01-01", "t"), 1735689600u);
  EXPECT_EQ(parse_timestamp_arg("1970-01-01", "t"), 0u);
  EXPECT_THROW(parse_timestamp_arg("2025-02-30", "t"), UsageError);
  EXPECT_THROW(parse_timestamp_arg("2025-13-01", "t"), UsageError);
  EXPECT_THROW(parse_timestamp_arg("tomorrow", "t"), UsageError);
}

TEST(Args, SignerOptions) {
  OptionSpec spec;
  add_signer_options(spec);
  EXPECT_THROW(signer_options(parse_args({}, spec)), UsageError);
  EXPECT_THROW(
      signer_options(parse_args(
          {"--dev-account", "1", "--from", "0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b"}, spec)),
      UsageError);
  SignerOptions o = signer_options(parse_args({"--dev-account", "3", "--keystore", "/k"}, spec));
  EXPECT_EQ(o.dev_account, 3u);
  EXPECT_EQ(o.keystore, "/k");
  EXPECT_EQ(load_signer(o).address(),
            crypto::derive_from_mnemonic(crypto::kDevMnemonic, 3)->address());
}

TEST(CallSignature, InputsAndOutputs) {
  CallSignature s = parse_call_signature("balanceOf(address)(uint256)");
  EXPECT_EQ(s.function.canonical(), "balanceOf(address)");
  ASSERT_EQ(s.outputs.size(), 1u);
  EXPECT_EQ(s.outputs[0].canonical(), "uint256");
  s = parse_call_signature("transfer(address to, uint256 amount)");
  EXPECT_EQ(s.function.canonical(), "transfer(address,uint256)");
  EXPECT_TRUE(s.outputs.empty());
  s = parse_call_signature("f((uint8,address)[])((bool,string))");
  EXPECT_EQ(s.function.canonical(), "f((uint8,address)[])");
  EXPECT_EQ(s.outputs[0].canonical(), "(bool,string)");
  EXPECT_THROW(parse_call_signature("nope"), UsageError);
  EXPECT_THROW(parse_call_signature("f(uint256"), UsageError);
  EXPECT_THROW(parse_call_signature("f(uint7)"), UsageError);
  EXPECT_THROW(parse_call_signature("f()garbage"), UsageError);
}

TEST(CallSignature, ArgumentsAndEncoding) {
  const CallSignature s = parse_call_signature("transfer(address,uint256)");
  const abi::ValueList v =
      parse_call_args(s, {"0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b", "100"});
  const Bytes data = encode_call_data(s, v);
  ASSERT_EQ(data.size(), 4u + 64u);
  EXPECT_EQ(to_hex(BytesView(data).first(4)), "a9059cbb");
  EXPECT_THROW(parse_call_args(s, {"0x01"}), UsageError);
  try {
    parse_call_args(s, {"0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b", "lots"});
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("argument 2"), std::string::npos) << e.what();
  }
  const CallSignature out = parse_call_signature("f()(uint256,bool)");
  const abi::ValueList r =
      decode_outputs(out, *from_hex(std::string(63, '0') + "7" + std::string(63, '0') + "1"));
  EXPECT_EQ(r[0].u256(), U256(7));
  EXPECT_TRUE(r[1].boolean());
  EXPECT_THROW(decode_outputs(out, *from_hex("00")), std::runtime_error);
}

TEST(RpcClient, Endpoints) {
  Endpoint e = parse_endpoint("http://127.0.0.1:8545");
  EXPECT_EQ(e.scheme_host_port, "http://127.0.0.1:8545");
  EXPECT_EQ(e.path, "/");
  e = parse_endpoint("http://node:80/rpc");
  EXPECT_EQ(e.path, "/rpc");
  EXPECT_THROW(parse_endpoint("127.0.0.1:8545"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("https://x"), std::invalid_argument);
}

TEST(RpcClient, UnreachableNodeIsAClearError) {
  RpcClient rpc("http://127.0.0.1:1");  // nothing listens on port 1
  try {
    rpc.chain_id();
    FAIL();
  } catch (const NodeError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot reach the node"), std::string::npos) << e.what();
  }
}

TEST(RpcClient, RevertsAreExplained) {
  const Bytes data = core::make_revert(core::ErrorId::kTransferRestricted, {abi::Value(2)}).data;
  EXPECT_EQ(explain_revert(data), "TransferRestricted(2): Receiver is not on the KYC whitelist");
  const RpcError e(3, "execution reverted", data);
  EXPECT_TRUE(e.is_revert());
  EXPECT_EQ(e.reason(), "TransferRestricted(2): Receiver is not on the KYC whitelist");
  EXPECT_NE(std::string(e.what()).find("JSON-RPC error 3"), std::string::npos);
  const RpcError plain(-32602, "invalid params", std::nullopt);
  EXPECT_FALSE(plain.is_revert());
  EXPECT_EQ(plain.reason(), "invalid params");
}

TEST(CapTable, PercentagesAndRestShapes) {
  EXPECT_EQ(format_percent(U256(1), U256(3)), "33.33%");
  EXPECT_EQ(format_percent(U256(3), U256(3)), "100.00%");
  EXPECT_EQ(format_percent(U256(0), U256(0)), "-");
  auto rows = parse_holders_json(nlohmann::json::parse(
      R"({"holders":[{"address":"0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b","balance":"5"},
                     {"address":"0x0000000000000000000000000000000000000001","balance":"9"}]})"));
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].balance, U256(9));
  EXPECT_FALSE(parse_holders_json(nlohmann::json::parse(R"({"error":{"code":404}})")));
}

}  // namespace
}  // namespace stoa::cli
