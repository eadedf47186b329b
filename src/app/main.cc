// stoa: one binary; main only parses the subcommand and dispatches (src/app/commands.h).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"

namespace {
constexpr const char* kVersion = "0.1.0";  // CMakeLists.txt project(VERSION)

struct Command {
  const char* name;
  int (*fn)(const stoa::app::Args&);
  const char* help;
  bool own_help = false;  // prints its own usage for --help (else main prints `help`)
};
const Command kCommands[] = {
    {"demo", stoa::app::cmd_demo, "run the demo offering and print its cap table and refusals",
     true},
    {"scenario", stoa::app::cmd_scenario, "run scenario files: stoa scenario FILE...", true},
    {"simulate", stoa::app::cmd_simulate,
     "seeded random calls with invariants: stoa simulate [--seed N] [--seeds K] [--steps M]", true},
    {"abi", stoa::app::cmd_abi, "write (--out DIR) or check (--check DIR) the ABI JSON files"},
    {"serve", stoa::app::cmd_serve,
     "run the node: stoa serve [--data DIR] [--listen HOST:PORT] [--chain-id N] [--dev]", true},
    {"verify", stoa::app::cmd_verify,
     "check a data directory's journal and state images by full replay: stoa verify --data DIR",
     true},
    {"export-blocks", stoa::app::cmd_export_blocks,
     "blocks as JSON lines: stoa export-blocks --data DIR [--from N] [--to M]", true},
    {"register", stoa::app::cmd_register,
     "the transfer agent's register: stoa register check|rebuild|set-authorized [--data DIR]"},
    {"report", stoa::app::cmd_report,
     "stoa report cap-table|holders|journal|control-book|form-d|ocf|tax-forms --security SYM"},
    {"investor", stoa::app::cmd_investor,
     "investor records: stoa investor add|show|link|import-ocf"},
    {"apikey", stoa::app::cmd_apikey, "REST API keys: stoa apikey create|list|revoke"},
    {"document", stoa::app::cmd_document, "data rooms: stoa document add|list|grant|revoke|get"},
    {"lost-holder", stoa::app::cmd_lost_holder,
     "Rule 17Ad-17: stoa lost-holder mark|list|due|search|resolve"},
    {"statement", stoa::app::cmd_statement,
     "year-end holder statement (PDF/JSON): stoa statement ID --year Y --out F"},
    {"account", stoa::app::cmd_account, "keystore accounts: stoa account new|import|list"},
    {"call", stoa::app::cmd_call, "call a view: stoa call ADDR \"f(types)(outputs)\" ARGS..."},
    {"send", stoa::app::cmd_send, "sign and send: stoa send ADDR \"f(types)\" ARGS... --from ADDR"},
    {"security", stoa::app::cmd_security, "stoa security create --preset KEY ... | list"},
    {"whitelist", stoa::app::cmd_whitelist, "stoa whitelist add|remove SYMBOL ADDR..."},
    {"blacklist", stoa::app::cmd_blacklist, "stoa blacklist add|remove SYMBOL ADDR..."},
    {"onboard", stoa::app::cmd_onboard, "onboard investors: stoa onboard SYMBOL --file F.csv"},
    {"lockup", stoa::app::cmd_lockup, "stoa lockup set SYMBOL ADDR TIMESTAMP|YYYY-MM-DD"},
    {"jurisdiction", stoa::app::cmd_jurisdiction, "stoa jurisdiction set SYMBOL ADDR CC"},
    {"mint", stoa::app::cmd_mint, "issue: stoa mint SYMBOL ADDR AMOUNT"},
    {"transfer", stoa::app::cmd_transfer, "stoa transfer SYMBOL TO AMOUNT"},
    {"check", stoa::app::cmd_check, "explain a transfer: stoa check SYMBOL FROM TO AMOUNT"},
    {"cap-table", stoa::app::cmd_cap_table, "holders and percentages: stoa cap-table SYMBOL"},
};

void usage(FILE* out) {
  std::fprintf(out,
               "usage: stoa <command> [arguments]\n       stoa help [command] | stoa --version"
               "\n\ncommands:\n");
  for (const Command& c : kCommands)
    std::fprintf(out, "  %-13s %s\n", c.name, c.help);
}

const Command* find_command(const char* name) {
  for (const Command& c : kCommands) {
    if (std::strcmp(name, c.name) == 0) return &c;
  }
  return nullptr;
}

bool is_help(const std::string& a) {
  return a == "--help" || a == "-h";
}

// `stoa CMD --help` (or `stoa help CMD`): the command's own usage, or its line of `stoa help`.
int command_help(const Command& c) {
  if (c.own_help) return c.fn({"--help"});
  std::printf("stoa %s: %s\n(README.md, \"Commands\"; `stoa help` lists every command)\n", c.name,
              c.help);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const std::string first = argv[1];
  if (first == "--version" || first == "-V" || first == "version") {
    std::printf("stoa %s\n", kVersion);
    return 0;
  }
  if (is_help(first) || first == "help") {
    if (first == "help" && argc > 2) {
      const Command* c = find_command(argv[2]);
      if (c != nullptr) return command_help(*c);
      std::fprintf(stderr, "stoa: unknown command '%s'\n", argv[2]);
      usage(stderr);
      return 2;
    }
    usage(stdout);
    return 0;
  }
  stoa::app::Args args(argv + 2, argv + argc);
  const Command* c = find_command(argv[1]);
  if (c == nullptr) {
    std::fprintf(stderr, "stoa: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
  }
  if (std::any_of(args.begin(), args.end(), is_help)) return command_help(*c);
  try {
    return c->fn(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stoa %s: %s\n", c->name, e.what());
    return 1;
  }
}
