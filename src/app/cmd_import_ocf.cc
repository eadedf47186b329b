// `stoa investor import-ocf DIR [--plan-out FILE] [--mint SECURITY --from ADDR ...]`
// (docs/transfer-agent.md, "OCF"): an OCF v1.2.0 package's stakeholders into the investor
// records and, with --mint, its issuances replayed as mints on a new security of a running node.
// Everything is checked before anything is written or sent: the target exists, has the plan's
// decimals and no supply yet (so a second run cannot issue twice), the signer holds MINTER_ROLE,
// the records do not conflict, and every batch of mints passes the node's estimate (a refused
// batch is estimated mint by mint to name each refused wallet and its reason).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "stoa/cli/args.h"
#include "stoa/cli/call_signature.h"
#include "stoa/cli/rpc_client.h"
#include "stoa/cli/security_ref.h"
#include "stoa/cli/signer.h"
#include "stoa/cli/transactor.h"
#include "stoa/ta/control_book.h"
#include "stoa/ta/ocf.h"
#include "stoa/ta/schema.h"

namespace stoa::app {
namespace {

constexpr const char* kUsage =
    "usage: stoa investor import-ocf DIR [--plan-out FILE] [--data DIR] [--db URL]\n"
    "         [--mint SYMBOL|ADDR (--from ADDR [--keystore DIR] [--password-file F] |\n"
    "          --dev-account N) [--rpc URL] [--chunk N]]\n"
    "  reads an OCF v1.2.0 package (the files its manifest lists, md5s checked) and records its\n"
    "  stakeholders in the investor records (a stakeholder whose wallets already belong to a\n"
    "  record keeps that record); prints the plan (the new security, each issuance as a mint)\n"
    "  to --plan-out FILE, or to stdout without --mint\n"
    "  --mint SECURITY  also replays the issuances as mints on SECURITY, a new security (no "
    "supply\n"
    "           yet, the plan's decimals) whose wallets are onboarded: batchMint in transactions "
    "of\n"
    "           --chunk mints (default 500, at most 1500), signed by --from (MINTER_ROLE); every\n"
    "           batch is estimated first and nothing is recorded or sent if any is refused; the\n"
    "           plan's authorized shares are recorded for the control book (register\n"
    "           set-authorized, from block 0) when the register knows the security\n";
constexpr const char* kDefaultRpc = "http://127.0.0.1:8545";
constexpr size_t kDefaultChunk = 500;
constexpr size_t kMaxChunk = 1500;  // 64 bytes of calldata a mint: well under 128 KiB
constexpr size_t kMaxProblemsShown = 20;

std::string actor() {
  const char* u = std::getenv("USER");
  return std::string("cli:") + (u != nullptr ? u : "unknown");
}

std::string db_url(const cli::ParsedArgs& a) {
  if (auto u = a.get("--db")) return *u;
  return ta::default_db_path(a.get_or("--data", "./stoa-data"));
}

using Span = std::pair<size_t, size_t>;  // [begin, end) of the plan's mints

Bytes mint_call(const ta::OcfPlan& p, Span s) {
  abi::ValueList to, amounts;
  for (size_t i = s.first; i < s.second; ++i) {
    to.emplace_back(*Address::parse(p.mints[i].wallet));
    amounts.emplace_back(p.mints[i].amount);
  }
  return cli::encode_call_data(cli::parse_call_signature("batchMint(address[],uint256[])"),
                               {abi::Value(std::move(to)), abi::Value(std::move(amounts))});
}

std::string describe(const ta::OcfMint& m) {
  return "wallet " + Address::parse(m.wallet)->checksum_hex() + " (" + m.stakeholder_id + ", " +
         m.amount.to_dec() + ")";
}

// The target security against the plan: its decimals, no supply yet, the signer a minter, the
// plan's authorized shares not below what it issues.
std::vector<std::string> target_problems(cli::RpcClient& rpc, const cli::SecurityRef& ref,
                                         const Address& sender, const ta::OcfPlan& p) {
  std::vector<std::string> out;
  const auto view = [&](const char* sig, const abi::ValueList& args = {}) {
    return cli::call_view(rpc, ref.token, sig, args).at(0);
  };
  const uint64_t decimals = view("decimals()(uint8)").u256().low64();
  if (decimals != static_cast<uint64_t>(p.decimals)) {
    out.push_back(ref.symbol + " has " + std::to_string(decimals) + " decimals, the package " +
                  std::to_string(p.decimals));
  }
  const U256 supply = view("totalSupply()(uint256)").u256();
  if (!supply.is_zero()) {
    out.push_back(ref.symbol + " already has a supply of " + supply.to_dec() +
                  ": an import goes into a new security only (a second run would issue twice)");
  }
  const abi::Value role = view("MINTER_ROLE()(bytes32)");
  if (!view("hasRole(bytes32,address)(bool)", {role, abi::Value(sender)}).boolean()) {
    out.push_back(sender.checksum_hex() + " does not hold MINTER_ROLE on " + ref.symbol);
  }
  U256 total;
  for (const ta::OcfMint& m : p.mints) {
    const auto sum = total.checked_add(m.amount);
    if (!sum) {
      out.push_back("the issuances overflow a uint256");
      return out;
    }
    total = *sum;
  }
  if (p.authorized && *p.authorized < total) {
    out.push_back("the package authorizes " + p.authorized->to_dec() + " shares and issues " +
                  total.to_dec());
  }
  if (p.mints.empty()) out.push_back("the package has no issuance to mint");
  return out;
}

// Every batch estimated on the node; a refused one mint by mint, naming each refused wallet.
std::vector<std::string> mint_problems(cli::RpcClient& rpc, const cli::SecurityRef& ref,
                                       const Address& sender, const ta::OcfPlan& p,
                                       const std::vector<Span>& spans) {
  std::vector<std::string> out;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  for (size_t c = 0; c < spans.size(); ++c) {
    try {
      rpc.estimate_gas(sender, ref.token, mint_call(p, spans[c]));
    } catch (const cli::RpcError& batch) {
      const size_t before = out.size();
      for (size_t i = spans[c].first; i < spans[c].second; ++i) {
        try {
          rpc.estimate_gas(sender, ref.token, mint_call(p, {i, i + 1}));
        } catch (const cli::RpcError& e) {
          out.push_back(describe(p.mints[i]) + ": " + e.reason());
        }
      }
      if (out.size() == before) {  // each passes alone: the batch as a whole is refused
        out.push_back("mints " + std::to_string(spans[c].first + 1) + ".." +
                      std::to_string(spans[c].second) + ": " + batch.reason());
      }
    }
    if (spans.size() > 1) {
      std::fprintf(
          stderr,
          tty ? "\rimport-ocf: checked %zu/%zu mints" : "import-ocf: checked %zu/%zu mints\n",
          spans[c].second, p.mints.size());
    }
  }
  if (tty && spans.size() > 1) std::fprintf(stderr, "\n");
  return out;
}

// Prints the problems (at most kMaxProblemsShown) and throws: nothing recorded, nothing sent.
void refuse_if_any(const std::vector<std::string>& problems, const std::string& symbol) {
  if (problems.empty()) return;
  for (size_t i = 0; i < problems.size() && i < kMaxProblemsShown; ++i)
    std::fprintf(stderr, "import-ocf: %s\n", problems[i].c_str());
  if (problems.size() > kMaxProblemsShown) {
    std::fprintf(stderr, "import-ocf: ... and %zu more\n", problems.size() - kMaxProblemsShown);
  }
  throw std::runtime_error("import into " + symbol + " refused (" +
                           std::to_string(problems.size()) +
                           " problem(s)); nothing recorded, nothing sent");
}

// The plan's authorized shares for the control book, when the register knows the security.
std::string record_authorized(ta::Db& db, const cli::SecurityRef& ref, const ta::OcfPlan& p) {
  if (!p.authorized) return "the package gives no authorized shares";
  try {
    ta::set_authorized(db, ref.token.lower_hex(), *p.authorized, 0, "OCF import");
  } catch (const ta::QueryError& e) {
    return "authorized shares not recorded (" + std::string(e.what()) +
           "): stoa register set-authorized --security " + ref.symbol + " --authorized " +
           p.authorized->to_dec();
  }
  return "authorized shares " + p.authorized->to_dec() + " recorded from block 0";
}

// Sends the batches in order, with progress on stderr; throws on a failed one, saying how many
// mints went before it.
std::pair<uint64_t, uint64_t> send_mints(cli::Transactor& tx, const cli::SecurityRef& ref,
                                         const ta::OcfPlan& p, const std::vector<Span>& spans) {
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  uint64_t first = 0, last = 0;
  for (size_t c = 0; c < spans.size(); ++c) {
    const cli::TxOutcome o = tx.send(ref.token, mint_call(p, spans[c]));
    if (!o.success) {
      std::fprintf(stderr, "%s%s", tty ? "\n" : "", cli::format_outcome(o).c_str());
      throw std::runtime_error("transaction " + std::to_string(c + 1) + " (mints " +
                               std::to_string(spans[c].first + 1) + ".." +
                               std::to_string(spans[c].second) + ") failed; " +
                               std::to_string(spans[c].first) + " mints were sent before it");
    }
    if (c == 0) first = o.block;
    last = o.block;
    std::fprintf(stderr,
                 tty ? "\rimport-ocf: minted %zu/%zu (transaction %zu of %zu, block %llu)"
                     : "import-ocf: minted %zu/%zu (transaction %zu of %zu, block %llu)\n",
                 spans[c].second, p.mints.size(), c + 1, spans.size(),
                 static_cast<unsigned long long>(o.block));
    std::fflush(stderr);
  }
  if (tty) std::fprintf(stderr, "\n");
  return {first, last};
}

void write_plan(const cli::ParsedArgs& a, const ta::OcfPlan& plan, bool to_stdout) {
  const std::string out = ta::ocf_plan_json(plan).dump(2) + "\n";
  if (auto path = a.get("--plan-out")) {
    std::ofstream f(*path, std::ios::binary);
    f << out;
    if (!f) throw std::runtime_error("cannot write " + *path);
  } else if (to_stdout) {
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
}

int import_and_mint(const cli::ParsedArgs& a, ta::Db& db, const ta::OcfPlan& plan) {
  const uint64_t chunk = a.get_u64("--chunk").value_or(kDefaultChunk);
  if (chunk == 0 || chunk > kMaxChunk)
    throw cli::UsageError("--chunk must be 1.." + std::to_string(kMaxChunk));
  cli::RpcClient rpc(a.get_or("--rpc", kDefaultRpc));
  const cli::SecurityRef ref = cli::resolve_security(rpc, a.require("--mint"));
  cli::Transactor tx(rpc, cli::load_signer(cli::signer_options(a)));
  std::vector<Span> spans;
  for (size_t b = 0; b < plan.mints.size(); b += chunk)
    spans.emplace_back(b, std::min(plan.mints.size(), b + static_cast<size_t>(chunk)));
  ta::InvestorRecords records(db, std::nullopt);
  std::vector<std::string> problems = target_problems(rpc, ref, tx.sender(), plan);
  for (std::string& c : ta::match_ocf_records(records, plan, actor()).conflicts)
    problems.push_back(std::move(c));
  // Against an empty security only: estimating mints on one that has holders could pass a batch
  // the real run refuses, or the other way round.
  if (problems.empty()) problems = mint_problems(rpc, ref, tx.sender(), plan, spans);
  refuse_if_any(problems, ref.symbol);
  size_t added = 0;
  const auto ids = ta::import_ocf_records(records, plan, actor(), &added);
  const std::string authorized = record_authorized(db, ref, plan);
  write_plan(a, plan, false);
  const auto [first, last] = send_mints(tx, ref, plan, spans);
  U256 total;
  for (const ta::OcfMint& m : plan.mints)
    total = *total.checked_add(m.amount);
  std::printf(
      "imported %zu issuance(s), %s in all, into %s (%s) in %zu transaction(s), blocks "
      "%llu..%llu\nstakeholders: %zu recorded, %zu already in the records\n%s\n",
      plan.mints.size(), total.to_dec().c_str(), ref.symbol.c_str(),
      ref.token.checksum_hex().c_str(), spans.size(), static_cast<unsigned long long>(first),
      static_cast<unsigned long long>(last), added, ids.size() - added, authorized.c_str());
  return 0;
}

}  // namespace

int cmd_investor_import_ocf(const Args& args) {
  cli::ParsedArgs a;
  try {
    cli::OptionSpec spec{{"--data", "--db", "--plan-out", "--mint", "--rpc", "--chunk"},
                         {"--help"}};
    cli::add_signer_options(spec);
    a = cli::parse_args(args, spec);
    if (a.flag("--help")) {
      std::printf("%s", kUsage);
      return 0;
    }
    if (a.positional.size() != 2) throw cli::UsageError("expected import-ocf DIR");
    if (!a.get("--mint")) {
      for (const char* o :
           {"--rpc", "--chunk", "--from", "--dev-account", "--keystore", "--password-file"}) {
        if (a.get(o)) throw cli::UsageError(std::string(o) + " goes with --mint");
      }
    }
    auto db = ta::open_db(db_url(a));
    ta::migrate(*db);
    const ta::OcfPlan plan = ta::ocf_import(ta::read_ocf_dir(a.positional[1]));
    if (a.get("--mint")) return import_and_mint(a, *db, plan);
    ta::InvestorRecords records(*db, std::nullopt);
    size_t added = 0;
    const auto ids = ta::import_ocf_records(records, plan, actor(), &added);
    write_plan(a, plan, true);
    std::fprintf(stderr,
                 "import-ocf: %zu stakeholders recorded, %zu already in the records; %zu mints to "
                 "send (--mint SECURITY sends them)\n",
                 added, ids.size() - added, plan.mints.size());
    return 0;
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa investor: %s\n%s", e.what(), kUsage);
    return 2;
  } catch (const ta::OcfError& e) {
    std::fprintf(stderr, "stoa investor: %s\n", e.what());
    return 1;
  } catch (const ta::RecordError& e) {
    std::fprintf(stderr, "stoa investor: %s\n", e.what());
    return 1;
  }
}

}  // namespace stoa::app
