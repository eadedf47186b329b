// stoa call / stoa send: any contract function by its signature, like Foundry's `cast`.
//   stoa call <address|SYMBOL> "balanceOf(address)(uint256)" 0xabc…
//   stoa send <address|SYMBOL> "transfer(address,uint256)" 0xabc… 100 --from 0x… | --dev-account N
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "stoa/cli/args.h"
#include "stoa/cli/call_signature.h"
#include "stoa/cli/rpc_client.h"
#include "stoa/cli/security_ref.h"
#include "stoa/cli/signer.h"
#include "stoa/cli/transactor.h"

namespace stoa::app {
namespace {

constexpr const char* kDefaultRpc = "http://127.0.0.1:8545";

constexpr const char* kCallUsage =
    "usage: stoa call <address|SYMBOL> \"name(types)(output types)\" [args...] [--from ADDR]\n"
    "                 [--rpc URL] [--json]\n"
    "Values: integers decimal or 0x-hex, addresses 0x…, bool true/false, bytes 0x…, bytes2 "
    "\"US\",\n"
    "strings quoted or bare, arrays [a,b], tuples (a,b). Use -- before arguments starting with "
    "--.\n";
constexpr const char* kSendUsage =
    "usage: stoa send <address|SYMBOL> \"name(types)\" [args...] (--from ADDR | --dev-account N)\n"
    "                 [--keystore DIR] [--password-file F] [--rpc URL] [--json]\n"
    "Estimates first: a refused transaction is explained and not sent.\n";

Address contract_arg(cli::RpcClient& rpc, const std::string& text) {
  if (auto a = Address::parse(text)) return *a;
  if (text.rfind("0x", 0) == 0) return cli::parse_address_arg(text, "contract");
  return cli::resolve_security(rpc, text).token;
}

}  // namespace

int cmd_call(const Args& args) {
  try {
    const cli::ParsedArgs a = cli::parse_args(args, {{"--rpc", "--from"}, {"--json"}});
    if (a.positional.size() < 2) throw cli::UsageError("need a contract and a signature");
    const cli::CallSignature sig = cli::parse_call_signature(a.positional[1]);
    const abi::ValueList values =
        cli::parse_call_args(sig, {a.positional.begin() + 2, a.positional.end()});
    const Bytes data = cli::encode_call_data(sig, values);
    const auto from = a.get_address("--from");
    cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
    const Address to = contract_arg(rpc, a.positional[0]);
    Bytes out;
    try {
      out = rpc.eth_call(from, to, data);
    } catch (const cli::RpcError& e) {
      if (!e.is_revert()) throw;
      if (a.flag("--json")) {
        std::printf("%s\n", nlohmann::json({{"reverted", true},
                                            {"reason", e.reason()},
                                            {"data", to_hex_prefixed(*e.revert_data())}})
                                .dump(2)
                                .c_str());
      }
      std::fprintf(stderr, "stoa call: reverted: %s\n", e.reason().c_str());
      return 1;
    }
    if (sig.outputs.empty()) {
      if (a.flag("--json")) {
        std::printf("%s\n", nlohmann::json({{"data", to_hex_prefixed(out)}}).dump(2).c_str());
      } else {
        std::printf("%s\n", to_hex_prefixed(out).c_str());
      }
      return 0;
    }
    const abi::ValueList results = cli::decode_outputs(sig, out);
    if (a.flag("--json")) {
      nlohmann::json j = nlohmann::json::array();
      for (size_t i = 0; i < results.size(); ++i)
        j.push_back(abi::format_value(sig.outputs[i], results[i]));
      std::printf("%s\n", nlohmann::json({{"outputs", j}}).dump(2).c_str());
    } else {
      for (size_t i = 0; i < results.size(); ++i)
        std::printf("%s\n", abi::format_value(sig.outputs[i], results[i]).c_str());
    }
    return 0;
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa call: %s\n%s", e.what(), kCallUsage);
    return 2;
  }
}

int cmd_send(const Args& args) {
  try {
    cli::OptionSpec spec{{"--rpc"}, {"--json"}};
    cli::add_signer_options(spec);
    const cli::ParsedArgs a = cli::parse_args(args, spec);
    if (a.positional.size() < 2) throw cli::UsageError("need a contract and a signature");
    const cli::CallSignature sig = cli::parse_call_signature(a.positional[1]);
    const abi::ValueList values =
        cli::parse_call_args(sig, {a.positional.begin() + 2, a.positional.end()});
    const Bytes data = cli::encode_call_data(sig, values);
    const cli::SignerOptions signer = cli::signer_options(a);
    cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
    const Address to = contract_arg(rpc, a.positional[0]);
    cli::Transactor tx(rpc, cli::load_signer(signer));
    return cli::print_outcome(tx.send(to, data), a.flag("--json"));
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa send: %s\n%s", e.what(), kSendUsage);
    return 2;
  }
}

}  // namespace stoa::app
