// The task commands of an issuer, transfer agent and compliance officer, on a running node:
//   stoa security create|list, whitelist add|remove, blacklist add|remove, onboard,
//   lockup set, jurisdiction set, mint, transfer, check, cap-table.
// A security is named by its symbol, resolved through the factory. Every transaction is
// estimated first: a refusal is explained (code and message) and nothing is sent.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.h"
#include "stoa/cli/args.h"
#include "stoa/cli/call_signature.h"
#include "stoa/cli/cap_table.h"
#include "stoa/cli/onboard_csv.h"
#include "stoa/cli/rpc_client.h"
#include "stoa/cli/security_ref.h"
#include "stoa/cli/signer.h"
#include "stoa/cli/transactor.h"
#include "stoa/core/codes.h"
#include "stoa/core/presets.h"
#include "stoa/core/state.h"

namespace stoa::app {
namespace {

using nlohmann::json;

constexpr const char* kDefaultRpc = "http://127.0.0.1:8545";
constexpr const char* kSignerHelp =
    "signing: --from ADDR [--keystore DIR] [--password-file F] | --dev-account N (development)\n"
    "common:  --rpc URL (default http://127.0.0.1:8545), --json\n";
// Addresses per batch call: well under the node's 128 KiB raw-transaction limit and the
// contracts' 5,000-entry batch limit.
constexpr size_t kAddressBatch = 1000;
constexpr size_t kDefaultOnboardChunk = 500;
constexpr size_t kMaxOnboardChunk = 900;  // 128 bytes of calldata per row

cli::OptionSpec task_spec(std::initializer_list<const char*> extra_values = {}, bool signs = true) {
  cli::OptionSpec spec{{"--rpc"}, {"--json"}};
  for (const char* v : extra_values)
    spec.with_value.insert(v);
  if (signs) cli::add_signer_options(spec);
  return spec;
}

// Parses, runs, and turns UsageError into the usage text and exit status 2.
template <typename F>
int run(const char* name, const char* usage, F&& body) {
  try {
    return body();
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa %s: %s\n%s%s", name, e.what(), usage, kSignerHelp);
    return 2;
  }
}

// Exactly the positional arguments `names`; a refusal names the missing ones.
void expect_positionals(const cli::ParsedArgs& a, std::initializer_list<const char*> names) {
  const size_t n = names.size();
  if (a.positional.size() < n) {
    std::string missing;
    for (size_t i = a.positional.size(); i < n; ++i)
      missing += std::string(missing.empty() ? "" : " ") + *(names.begin() + i);
    throw cli::UsageError(
        std::string(n - a.positional.size() == 1 ? "missing argument " : "missing arguments ") +
        missing);
  }
  if (a.positional.size() > n) throw cli::UsageError("unexpected argument " + a.positional[n]);
}

Bytes calldata(std::string_view signature, const abi::ValueList& args) {
  return cli::encode_call_data(cli::parse_call_signature(signature), args);
}

abi::Value address_list(const std::vector<Address>& v, size_t begin, size_t end) {
  abi::ValueList out;
  for (size_t i = begin; i < end; ++i)
    out.push_back(v[i]);
  return abi::Value(std::move(out));
}

abi::Value bytes2(const std::string& cc) {
  return abi::Value(Bytes(cc.begin(), cc.end()));
}

// One transaction with the signer from the options; prints the outcome.
int send_one(const cli::ParsedArgs& a, cli::RpcClient& rpc, const Address& to, const Bytes& data) {
  cli::Transactor tx(rpc, cli::load_signer(cli::signer_options(a)));
  return cli::print_outcome(tx.send(to, data), a.flag("--json"));
}

// security create | list
int security_create(const cli::ParsedArgs& a) {
  expect_positionals(a, {});
  const std::string preset_key = a.require("--preset");
  const core::PresetRules* preset = core::find_preset_by_key(preset_key);
  if (preset == nullptr) {
    std::string keys;
    for (const auto& p : core::all_presets())
      keys += (keys.empty() ? "" : ", ") + std::string(p.key);
    throw cli::UsageError("--preset: unknown preset '" + preset_key + "' (one of " + keys + ")");
  }
  const std::string name = a.require("--name");
  const std::string symbol = a.require("--symbol");
  const uint64_t decimals = a.get_u64("--decimals").value_or(0);
  if (decimals > 18) throw cli::UsageError("--decimals must be 0..18");
  // --multisig: every admin role to a MultisigAdmin (docs/multisig.md) instead of an --admin.
  const auto multisig = a.get_address("--multisig");
  const auto admin = multisig ? multisig : a.get_address("--admin");
  const auto officer = a.get_address("--compliance");
  if (multisig && a.get_address("--admin")) {
    throw cli::UsageError("--admin and --multisig exclude each other");
  }
  if (!admin) throw cli::UsageError("missing --admin ADDR (or --multisig ADDR)");
  if (!officer) throw cli::UsageError("missing --compliance ADDR");
  const Bytes data =
      calldata(multisig ? "createSecurityWithMultisig(string,string,uint8,uint8,address,address)"
                        : "createSecurity(string,string,uint8,uint8,address,address)",
               {abi::Value(name), abi::Value(symbol), abi::Value(decimals),
                abi::Value(uint64_t{static_cast<uint8_t>(preset->id)}), abi::Value(*admin),
                abi::Value(*officer)});
  cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
  cli::Transactor tx(rpc, cli::load_signer(cli::signer_options(a)));
  const cli::TxOutcome o = tx.send(core::factory_address(), data);
  if (!o.success) return cli::print_outcome(o, a.flag("--json"));
  const cli::SecurityRef ref = cli::resolve_security(rpc, symbol);
  if (a.flag("--json")) {
    json j = cli::outcome_json(o);
    j["security"] = {{"symbol", ref.symbol},
                     {"preset", preset->key},
                     {"token", ref.token.checksum_hex()},
                     {"registry", ref.registry.checksum_hex()},
                     {"restriction", ref.restriction.checksum_hex()},
                     {"whitelistModule", ref.whitelist_module.checksum_hex()},
                     {"lockupModule", ref.lockup_module.checksum_hex()},
                     {"jurisdictionModule", ref.jurisdiction_module.checksum_hex()}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("%s", cli::format_outcome(o).c_str());
  std::printf("created %s \"%s\" (%s)\n", ref.symbol.c_str(), name.c_str(),
              std::string(preset->name).c_str());
  std::printf("  token                %s\n  registry             %s\n  restriction          %s\n",
              ref.token.checksum_hex().c_str(), ref.registry.checksum_hex().c_str(),
              ref.restriction.checksum_hex().c_str());
  std::printf("  whitelist module     %s\n  lockup module        %s\n  jurisdiction module  %s\n",
              ref.whitelist_module.checksum_hex().c_str(), ref.lockup_module.checksum_hex().c_str(),
              ref.jurisdiction_module.checksum_hex().c_str());
  return 0;
}

// security multisig --owners A,B,C --required K: a k-of-n MultisigAdmin (docs/multisig.md).
int security_multisig(const cli::ParsedArgs& a) {
  expect_positionals(a, {});
  abi::ValueList owners;
  std::stringstream list(a.require("--owners"));
  for (std::string item; std::getline(list, item, ',');) {
    const auto owner = Address::parse(item);
    if (!owner) throw cli::UsageError("--owners: invalid address '" + item + "'");
    owners.emplace_back(*owner);
  }
  const auto required = a.get_u64("--required");
  if (!required) throw cli::UsageError("missing --required K");
  const size_t n_owners = owners.size();
  const Bytes data = calldata("createMultisig(address[],uint256)",
                              {abi::Value(std::move(owners)), abi::Value(*required)});
  cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
  cli::Transactor tx(rpc, cli::load_signer(cli::signer_options(a)));
  const cli::TxOutcome o = tx.send(core::factory_address(), data);
  if (!o.success) return cli::print_outcome(o, a.flag("--json"));
  Address created;
  for (const cli::DecodedLog& l : o.logs) {
    if (l.event == "MultisigCreated" && l.topics.size() > 1)
      created = Address::from_word(l.topics[1]);
  }
  if (a.flag("--json")) {
    json j = cli::outcome_json(o);
    j["multisig"] = created.checksum_hex();
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("%s", cli::format_outcome(o).c_str());
  std::printf("created multisig %s (%llu of %zu owners)\n", created.checksum_hex().c_str(),
              static_cast<unsigned long long>(*required), n_owners);
  return 0;
}

int security_list(const cli::ParsedArgs& a) {
  expect_positionals(a, {});
  cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
  const Address factory = core::factory_address();
  const U256 count = cli::call_view(rpc, factory, "securityCount()(uint256)", {}).at(0).u256();
  json out = json::array();
  for (uint64_t i = 0; i < count.low64(); ++i) {
    const Address token =
        cli::call_view(rpc, factory, "securityAt(uint256)(address)", {abi::Value(i)})
            .at(0)
            .address();
    const cli::SecurityRef ref = cli::resolve_security(rpc, token.checksum_hex());
    const std::string name = cli::call_view(rpc, token, "name()(string)", {}).at(0).str();
    const U256 supply = cli::call_view(rpc, token, "totalSupply()(uint256)", {}).at(0).u256();
    const U256 holders = cli::call_view(rpc, token, "holderCount()(uint256)", {}).at(0).u256();
    const core::PresetRules* preset = core::find_preset(ref.preset);
    out.push_back({{"symbol", ref.symbol},
                   {"name", name},
                   {"preset", preset ? std::string(preset->key) : std::to_string(ref.preset)},
                   {"token", token.checksum_hex()},
                   {"registry", ref.registry.checksum_hex()},
                   {"totalSupply", supply.to_dec()},
                   {"holders", holders.to_dec()}});
  }
  if (a.flag("--json")) {
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  if (out.empty()) {
    std::printf("no securities yet (stoa security create ...)\n");
    return 0;
  }
  std::printf("%-12s %-12s %-42s %20s %8s  %s\n", "SYMBOL", "PRESET", "TOKEN", "SUPPLY", "HOLDERS",
              "NAME");
  for (const json& s : out) {
    std::printf("%-12s %-12s %-42s %20s %8s  %s\n", s["symbol"].get<std::string>().c_str(),
                s["preset"].get<std::string>().c_str(), s["token"].get<std::string>().c_str(),
                s["totalSupply"].get<std::string>().c_str(),
                s["holders"].get<std::string>().c_str(), s["name"].get<std::string>().c_str());
  }
  return 0;
}

// whitelist/blacklist add|remove SYMBOL ADDR...
int list_update(const char* name, const Args& args, const char* single_add,
                const char* single_remove, const char* batch_add, const char* batch_remove) {
  const std::string usage = std::string("usage: stoa ") + name + " add|remove SYMBOL ADDR...\n";
  return run(name, usage.c_str(), [&] {
    const cli::ParsedArgs a = cli::parse_args(args, task_spec());
    if (a.positional.size() < 3) {
      const char* names[] = {"add|remove", "SYMBOL", "ADDR..."};
      std::string missing;
      for (size_t i = a.positional.size(); i < 3; ++i)
        missing += std::string(missing.empty() ? "" : " ") + names[i];
      throw cli::UsageError("missing arguments " + missing);
    }
    const std::string& op = a.positional[0];
    if (op != "add" && op != "remove")
      throw cli::UsageError("expected add or remove, not '" + op + "'");
    std::vector<Address> accounts;
    for (size_t i = 2; i < a.positional.size(); ++i)
      accounts.push_back(cli::parse_address_arg(a.positional[i], "address"));
    const bool add = op == "add";
    cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
    const cli::SecurityRef ref = cli::resolve_security(rpc, a.positional[1]);
    if (accounts.size() == 1)
      return send_one(a, rpc, ref.registry,
                      calldata(add ? single_add : single_remove, {abi::Value(accounts[0])}));
    cli::Transactor tx(rpc, cli::load_signer(cli::signer_options(a)));
    int status = 0;
    for (size_t begin = 0; begin < accounts.size(); begin += kAddressBatch) {
      const size_t end = std::min(accounts.size(), begin + kAddressBatch);
      const cli::TxOutcome o =
          tx.send(ref.registry,
                  calldata(add ? batch_add : batch_remove, {address_list(accounts, begin, end)}));
      status |= cli::print_outcome(o, a.flag("--json"));
      if (!o.success) break;
      if (accounts.size() > kAddressBatch)
        std::fprintf(stderr, "%s %s %zu/%zu\n", name, add ? "added" : "removed", end,
                     accounts.size());
    }
    return status;
  });
}

}  // namespace

int cmd_security(const Args& args) {
  constexpr const char* kUsage =
      "usage: stoa security create --preset KEY --name NAME --symbol SYM [--decimals N]\n"
      "                            --admin ADDR|--multisig ADDR --compliance ADDR\n"
      "       stoa security multisig --owners ADDR,ADDR,... --required K\n"
      "       stoa security list [--rpc URL] [--json]\n"
      "presets: reg-d-506b, reg-d-506c, reg-s, reg-a-plus, reg-cf, global (docs/presets.md)\n";
  return run("security", kUsage, [&] {
    if (args.empty()) throw cli::UsageError("missing subcommand");
    const Args rest(args.begin() + 1, args.end());
    if (args[0] == "create")
      return security_create(
          cli::parse_args(rest, task_spec({"--preset", "--name", "--symbol", "--decimals",
                                           "--admin", "--multisig", "--compliance"})));
    if (args[0] == "multisig") {
      return security_multisig(cli::parse_args(rest, task_spec({"--owners", "--required"})));
    }
    if (args[0] == "list") return security_list(cli::parse_args(rest, task_spec({}, false)));
    throw cli::UsageError("unknown subcommand '" + args[0] + "'");
  });
}

int cmd_whitelist(const Args& args) {
  return list_update("whitelist", args, "whitelistAdd(address)", "whitelistRemove(address)",
                     "batchWhitelistAdd(address[])", "batchWhitelistRemove(address[])");
}

int cmd_blacklist(const Args& args) {
  return list_update("blacklist", args, "blacklistAdd(address)", "blacklistRemove(address)",
                     "batchBlacklistAdd(address[])", "batchBlacklistRemove(address[])");
}

int cmd_onboard(const Args& args) {
  constexpr const char* kUsage =
      "usage: stoa onboard SYMBOL --file investors.csv [--chunk N]\n"
      "CSV rows: address,jurisdiction,accreditation,lockupExpiry (optional header; accreditation\n"
      "0 none, 1 accredited, 2 QIB; lockupExpiry Unix seconds, YYYY-MM-DD, or empty/0 for none).\n"
      "Every row is checked first; nothing is sent if any row is bad.\n";
  return run("onboard", kUsage, [&] {
    const cli::ParsedArgs a = cli::parse_args(args, task_spec({"--file", "--chunk"}));
    expect_positionals(a, {"SYMBOL"});
    const std::string file = a.require("--file");
    const uint64_t chunk = a.get_u64("--chunk").value_or(kDefaultOnboardChunk);
    if (chunk == 0 || chunk > kMaxOnboardChunk)
      throw cli::UsageError("--chunk must be 1.." + std::to_string(kMaxOnboardChunk));
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file);
    std::stringstream ss;
    ss << in.rdbuf();
    const cli::OnboardFile parsed = cli::parse_onboard_csv(ss.str());
    if (!parsed.problems.empty()) {
      for (const auto& p : parsed.problems)
        std::fprintf(stderr, "%s:%zu: %s\n", file.c_str(), p.line, p.message.c_str());
      std::fprintf(stderr, "stoa onboard: %zu bad row(s); nothing sent\n", parsed.problems.size());
      return 1;
    }
    if (parsed.rows.empty()) throw std::runtime_error(file + " has no investor rows; nothing sent");
    cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
    const cli::SecurityRef ref = cli::resolve_security(rpc, a.positional[0]);
    std::vector<Bytes> calls;
    std::vector<std::pair<size_t, size_t>> spans;
    for (size_t begin = 0; begin < parsed.rows.size(); begin += chunk) {
      const size_t end = std::min(parsed.rows.size(), begin + static_cast<size_t>(chunk));
      abi::ValueList accounts, jurisdictions, accreditations, expiries;
      for (size_t i = begin; i < end; ++i) {
        const cli::OnboardRow& r = parsed.rows[i];
        accounts.push_back(r.account);
        jurisdictions.push_back(bytes2(r.jurisdiction));
        accreditations.push_back(abi::Value(uint64_t{r.accreditation}));
        expiries.push_back(abi::Value(r.lockup_expiry));
      }
      calls.push_back(
          calldata("batchOnboard(address[],bytes2[],uint8[],uint256[])",
                   {abi::Value(std::move(accounts)), abi::Value(std::move(jurisdictions)),
                    abi::Value(std::move(accreditations)), abi::Value(std::move(expiries))}));
      spans.emplace_back(begin, end);
    }
    cli::Transactor tx(rpc, cli::load_signer(cli::signer_options(a)));
    // Every chunk is estimated before the first is sent: a refusal (a missing role, a
    // jurisdiction the registry refuses) stops the run with nothing sent.
    for (size_t c = 0; c < calls.size(); ++c) {
      try {
        rpc.estimate_gas(tx.sender(), ref.registry, calls[c]);
      } catch (const cli::RpcError& e) {
        throw std::runtime_error("rows on lines " +
                                 std::to_string(parsed.rows[spans[c].first].line) + ".." +
                                 std::to_string(parsed.rows[spans[c].second - 1].line) +
                                 " would be refused: " + e.reason() + "; nothing sent");
      }
    }
    const bool tty = ::isatty(STDERR_FILENO);
    json outcomes = json::array();
    for (size_t c = 0; c < calls.size(); ++c) {
      const cli::TxOutcome o = tx.send(ref.registry, calls[c]);
      outcomes.push_back(cli::outcome_json(o));
      if (!o.success) {
        std::fprintf(stderr, "%s", tty ? "\n" : "");
        std::printf("%s", cli::format_outcome(o).c_str());
        throw std::runtime_error(
            "transaction for lines " + std::to_string(parsed.rows[spans[c].first].line) + ".." +
            std::to_string(parsed.rows[spans[c].second - 1].line) + " failed; " +
            std::to_string(spans[c].first) + " rows onboarded before it");
      }
      std::fprintf(stderr, tty ? "\ronboarded %zu/%zu" : "onboarded %zu/%zu\n", spans[c].second,
                   parsed.rows.size());
      std::fflush(stderr);
    }
    if (tty) std::fprintf(stderr, "\n");
    if (a.flag("--json")) {
      std::printf("%s\n", json({{"symbol", ref.symbol},
                                {"onboarded", parsed.rows.size()},
                                {"transactions", outcomes}})
                              .dump(2)
                              .c_str());
    } else {
      std::printf("onboarded %zu investor(s) to %s in %zu transaction(s)\n", parsed.rows.size(),
                  ref.symbol.c_str(), calls.size());
    }
    return 0;
  });
}

int cmd_lockup(const Args& args) {
  constexpr const char* kUsage = "usage: stoa lockup set SYMBOL ADDR TIMESTAMP|YYYY-MM-DD\n";
  return run("lockup", kUsage, [&] {
    const cli::ParsedArgs a = cli::parse_args(args, task_spec());
    expect_positionals(a, {"set", "SYMBOL", "ADDR", "TIMESTAMP"});
    if (a.positional[0] != "set") throw cli::UsageError("expected 'set'");
    const Address who = cli::parse_address_arg(a.positional[2], "address");
    const uint64_t expiry = cli::parse_timestamp_arg(a.positional[3], "expiry");
    cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
    const cli::SecurityRef ref = cli::resolve_security(rpc, a.positional[1]);
    return send_one(
        a, rpc, ref.registry,
        calldata("setLockupExpiry(address,uint256)", {abi::Value(who), abi::Value(expiry)}));
  });
}

int cmd_jurisdiction(const Args& args) {
  constexpr const char* kUsage =
      "usage: stoa jurisdiction set SYMBOL ADDR CC (ISO 3166-1 alpha-2)\n";
  return run("jurisdiction", kUsage, [&] {
    const cli::ParsedArgs a = cli::parse_args(args, task_spec());
    expect_positionals(a, {"set", "SYMBOL", "ADDR", "CC"});
    if (a.positional[0] != "set") throw cli::UsageError("expected 'set'");
    const Address who = cli::parse_address_arg(a.positional[2], "address");
    const std::string cc = cli::parse_jurisdiction_arg(a.positional[3], "jurisdiction");
    cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
    const cli::SecurityRef ref = cli::resolve_security(rpc, a.positional[1]);
    return send_one(a, rpc, ref.registry,
                    calldata("setJurisdiction(address,bytes2)", {abi::Value(who), bytes2(cc)}));
  });
}

int cmd_mint(const Args& args) {
  constexpr const char* kUsage = "usage: stoa mint SYMBOL ADDR AMOUNT (minor units)\n";
  return run("mint", kUsage, [&] {
    const cli::ParsedArgs a = cli::parse_args(args, task_spec());
    expect_positionals(a, {"SYMBOL", "ADDR", "AMOUNT"});
    const Address to = cli::parse_address_arg(a.positional[1], "address");
    const U256 amount = cli::parse_amount_arg(a.positional[2], "amount");
    cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
    const cli::SecurityRef ref = cli::resolve_security(rpc, a.positional[0]);
    return send_one(a, rpc, ref.token,
                    calldata("mint(address,uint256)", {abi::Value(to), abi::Value(amount)}));
  });
}

int cmd_transfer(const Args& args) {
  constexpr const char* kUsage = "usage: stoa transfer SYMBOL TO AMOUNT (minor units)\n";
  return run("transfer", kUsage, [&] {
    const cli::ParsedArgs a = cli::parse_args(args, task_spec());
    expect_positionals(a, {"SYMBOL", "TO", "AMOUNT"});
    const Address to = cli::parse_address_arg(a.positional[1], "to");
    const U256 amount = cli::parse_amount_arg(a.positional[2], "amount");
    cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
    const cli::SecurityRef ref = cli::resolve_security(rpc, a.positional[0]);
    return send_one(a, rpc, ref.token,
                    calldata("transfer(address,uint256)", {abi::Value(to), abi::Value(amount)}));
  });
}

int cmd_check(const Args& args) {
  constexpr const char* kUsage =
      "usage: stoa check SYMBOL FROM TO AMOUNT [--rpc URL] [--json]\n"
      "Explains whether the transfer would be allowed now (exit 0) or refused (exit 1).\n";
  return run("check", kUsage, [&] {
    const cli::ParsedArgs a = cli::parse_args(args, task_spec({}, false));
    expect_positionals(a, {"SYMBOL", "FROM", "TO", "AMOUNT"});
    const Address from = cli::parse_address_arg(a.positional[1], "from");
    const Address to = cli::parse_address_arg(a.positional[2], "to");
    const U256 amount = cli::parse_amount_arg(a.positional[3], "amount");
    cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
    const cli::SecurityRef ref = cli::resolve_security(rpc, a.positional[0]);
    const abi::ValueList r = cli::call_view(
        rpc, ref.token,
        "explainTransfer(address,address,uint256)(uint8,bytes1,address,string,string,uint256)",
        {abi::Value(from), abi::Value(to), abi::Value(amount)});
    const uint8_t code = static_cast<uint8_t>(r[0].u256().low64());
    const uint8_t status = r[1].bytes().empty() ? 0 : r[1].bytes()[0];
    const Address rule = r[2].address();
    const std::string& rule_name = r[3].str();
    const std::string& message = r[4].str();
    const U256 max_amount = r[5].u256();
    const core::CodeInfo* info = core::find_code(code);
    const bool allowed = code == core::code::kSuccess;
    if (a.flag("--json")) {
      char status_hex[8];
      std::snprintf(status_hex, sizeof status_hex, "0x%02x", status);
      std::printf("%s\n", json({{"symbol", ref.symbol},
                                {"from", from.checksum_hex()},
                                {"to", to.checksum_hex()},
                                {"amount", amount.to_dec()},
                                {"allowed", allowed},
                                {"code", code},
                                {"constant", info ? std::string(info->constant) : ""},
                                {"message", message},
                                {"status", status_hex},
                                {"rule", rule.checksum_hex()},
                                {"ruleName", rule_name},
                                {"maxAmount", max_amount.to_dec()}})
                              .dump(2)
                              .c_str());
      return allowed ? 0 : 1;
    }
    std::printf("%s: transfer of %s from %s to %s: %s\n", ref.symbol.c_str(),
                amount.to_dec().c_str(), from.checksum_hex().c_str(), to.checksum_hex().c_str(),
                allowed ? "ALLOWED" : "REFUSED");
    std::printf("  code        %u%s%s\n", code, info ? " " : "",
                info ? std::string(info->constant).c_str() : "");
    std::printf("  message     %s\n", message.c_str());
    if (!allowed || !rule.is_zero())
      std::printf("  rule        %s%s%s\n", rule_name.empty() ? "-" : rule_name.c_str(),
                  rule.is_zero() ? "" : " at ", rule.is_zero() ? "" : rule.checksum_hex().c_str());
    std::printf("  max amount  %s\n", max_amount.to_dec().c_str());
    return allowed ? 0 : 1;
  });
}

int cmd_cap_table(const Args& args) {
  constexpr const char* kUsage = "usage: stoa cap-table SYMBOL [--rpc URL] [--json]\n";
  return run("cap-table", kUsage, [&] {
    const cli::ParsedArgs a = cli::parse_args(args, task_spec({}, false));
    expect_positionals(a, {"SYMBOL"});
    cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
    const cli::SecurityRef ref = cli::resolve_security(rpc, a.positional[0]);
    const cli::CapTable table = cli::load_cap_table(rpc, ref);
    if (a.flag("--json")) {
      json holders = json::array();
      for (const auto& r : table.rows)
        holders.push_back({{"address", r.holder.checksum_hex()},
                           {"balance", r.balance.to_dec()},
                           {"percent", cli::format_percent(r.balance, table.total)}});
      std::printf("%s\n", json({{"symbol", ref.symbol},
                                {"token", ref.token.checksum_hex()},
                                {"source", table.source},
                                {"total", table.total.to_dec()},
                                {"holders", holders}})
                              .dump(2)
                              .c_str());
      return 0;
    }
    std::printf("%s cap table (%zu holder(s), total %s; from %s)\n", ref.symbol.c_str(),
                table.rows.size(), table.total.to_dec().c_str(),
                table.source == "rest" ? "the node's holders view" : "Transfer logs");
    std::printf("%-42s %24s %8s\n", "HOLDER", "BALANCE", "%");
    for (const auto& r : table.rows)
      std::printf("%-42s %24s %8s\n", r.holder.checksum_hex().c_str(), r.balance.to_dec().c_str(),
                  cli::format_percent(r.balance, table.total).c_str());
    return 0;
  });
}

}  // namespace stoa::app
