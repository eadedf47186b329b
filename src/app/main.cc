// stoa: one binary; main only parses the subcommand and dispatches (src/app/commands.h).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"

namespace {
struct Command {
  const char* name;
  int (*fn)(const stoa::app::Args&);
  const char* help;
};
const Command kCommands[] = {
    {"demo", stoa::app::cmd_demo, "run the demo offering and print its cap table and refusals"},
    {"scenario", stoa::app::cmd_scenario, "run scenario files: stoa scenario FILE..."},
    {"simulate", stoa::app::cmd_simulate,
     "seeded random calls with invariants: stoa simulate [--seed N] [--seeds K] [--steps M]"},
    {"abi", stoa::app::cmd_abi, "write (--out DIR) or check (--check DIR) the ABI JSON files"},
    {"serve", stoa::app::cmd_serve,
     "run the node: stoa serve [--data DIR] [--listen HOST:PORT] [--chain-id N] [--dev]"},
    {"verify", stoa::app::cmd_verify,
     "check a data directory's journal and state images by full replay: stoa verify --data DIR"},
    {"export-blocks", stoa::app::cmd_export_blocks,
     "blocks as JSON lines: stoa export-blocks --data DIR [--from N] [--to M]"},
    {"register", stoa::app::cmd_register,
     "the transfer agent's register: stoa register check|rebuild [--data DIR] [--db URL]"},
    {"report", stoa::app::cmd_report,
     "stoa report cap-table|holders|journal --security SYM [--at-block N|--at-date D]"},
    {"investor", stoa::app::cmd_investor, "investor records: stoa investor add|show|link"},
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
  std::fprintf(out, "usage: stoa <command> [arguments]\n\ncommands:\n");
  for (const Command& c : kCommands)
    std::fprintf(out, "  %-10s %s\n", c.name, c.help);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  stoa::app::Args args(argv + 2, argv + argc);
  for (const Command& c : kCommands) {
    if (std::strcmp(argv[1], c.name) == 0) {
      try {
        return c.fn(args);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "stoa %s: %s\n", c.name, e.what());
        return 1;
      }
    }
  }
  std::fprintf(stderr, "stoa: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
