// The transfer agent's commands (docs/transfer-agent.md): `stoa register check|rebuild`,
// `stoa report cap-table` and `stoa investor add|show|link`. All work on the register's database
// (default DATA/ta.sqlite; --db postgresql://... for PostgreSQL) without a running node.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "commands.h"
#include "stoa/cli/args.h"
#include "stoa/ta/cap_table.h"
#include "stoa/ta/investors.h"
#include "stoa/ta/register_check.h"
#include "stoa/ta/reports.h"
#include "stoa/ta/schema.h"

namespace stoa::app {
namespace {

constexpr const char* kRegisterUsage =
    "usage: stoa register check|rebuild [--data DIR] [--db URL]\n"
    "  check    replay the journal (offline, like stoa verify) up to the register's last block\n"
    "           and compare: every security, the sum of balances with the total supply, holder\n"
    "           counts, every balance and frozen amount, the last block's hash\n"
    "  rebuild  empty the register and project every block of the journal again\n"
    "  --data DIR  the node's data directory (default ./stoa-data)\n"
    "  --db URL    the register's database: postgresql://... (default DIR/ta.sqlite)\n";

constexpr const char* kReportUsage =
    "usage: stoa report cap-table --security ADDR|SYMBOL [--at-block N | --at-date YYYY-MM-DD]\n"
    "                             [--format csv|json] [--data DIR] [--db URL]\n"
    "       stoa report holders --security ADDR|SYMBOL [--at-block N | --at-date YYYY-MM-DD]\n"
    "       stoa report journal --security ADDR|SYMBOL --from YYYY-MM-DD --to YYYY-MM-DD\n"
    "                           [--format csv|json]\n"
    "  cap-table  holders, balances, percentages, counts and thresholds at a block, or at the end\n"
    "             of a UTC date (the last block at or before it); default: the last block\n"
    "  holders    the holder list (CSV) with the stakeholders' names (an audited read)\n"
    "  journal    every issuance, transfer, cancellation, forced transfer and recovery in the\n"
    "             period (UTC dates, inclusive)\n";

constexpr const char* kInvestorUsage =
    "usage: stoa investor add --kind individual|entity|trust --name NAME [--residency CC]\n"
    "                         [--tax-id-file F --tax-id-type T] [--accreditation BASIS]\n"
    "                         [--accreditation-expiry YYYY-MM-DD] [--postal-address TEXT]\n"
    "                         [--email E] [--phone P] [--wallets ADDR,...] --ta-key FILE\n"
    "       stoa investor show ID --ta-key FILE\n"
    "       stoa investor link ID WALLET [--identity ADDR] --ta-key FILE\n"
    "  (each with [--data DIR] [--db URL]); the tax id is read from a file, never the command\n"
    "  line; every read is written to the audit log with the user as its actor\n";

std::string db_url(const cli::ParsedArgs& a) {
  if (auto u = a.get("--db")) return *u;
  return ta::default_db_path(a.get_or("--data", "./stoa-data"));
}

std::string actor() {
  const char* u = std::getenv("USER");
  return std::string("cli:") + (u != nullptr ? u : "unknown");
}

int register_check(const cli::ParsedArgs& a) {
  const std::string dir = a.get_or("--data", "./stoa-data");
  auto db = ta::open_db(db_url(a));
  const ta::RegisterCheckReport r = ta::check_register(*db, dir);
  std::printf("register: block %llu %s\njournal: head block %llu\n",
              static_cast<unsigned long long>(r.block), r.block_hash.c_str(),
              static_cast<unsigned long long>(r.journal_head));
  for (const std::string& n : r.notes)
    std::printf("note: %s\n", n.c_str());
  for (const std::string& p : r.problems)
    std::printf("DIFFERS: %s\n", p.c_str());
  if (!r.ok) {
    std::printf("FAILED\n");
    return 1;
  }
  std::printf(
      "checked: %zu securities, %zu holder positions, balances sum to the supply, %llu movements "
      "= the Transfer events\nOK\n",
      r.securities, r.holders, static_cast<unsigned long long>(r.movements));
  return 0;
}

int register_rebuild(const cli::ParsedArgs& a) {
  const std::string dir = a.get_or("--data", "./stoa-data");
  auto db = ta::open_db(db_url(a));
  const uint64_t n = ta::rebuild_register(*db, dir, [](uint64_t block) {
    if (block % 10000 == 0)
      std::fprintf(stderr, "rebuild: block %llu\n", static_cast<unsigned long long>(block));
  });
  std::printf("rebuilt: %llu blocks projected\n", static_cast<unsigned long long>(n));
  return 0;
}

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw cli::UsageError(std::string(what) + ": cannot read " + path);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

ta::Stakeholder stakeholder_of(const cli::ParsedArgs& a) {
  ta::Stakeholder s;
  s.kind = a.require("--kind");
  s.legal_name = a.require("--name");
  s.tax_residency = a.get_or("--residency", "");
  if (auto f = a.get("--tax-id-file")) s.tax_id = read_file(*f, "--tax-id-file");
  s.tax_id_type = a.get_or("--tax-id-type", "");
  s.accreditation_basis = a.get_or("--accreditation", "");
  s.accreditation_expiry = a.get_or("--accreditation-expiry", "");
  if (auto p = a.get("--postal-address")) s.addresses.push_back(*p);
  if (auto e = a.get("--email")) s.contacts["email"] = *e;
  if (auto p = a.get("--phone")) s.contacts["phone"] = *p;
  return s;
}

void print_stakeholder(const ta::Stakeholder& s) {
  std::printf("id: %lld\nkind: %s\nlegal name: %s\n", static_cast<long long>(s.id), s.kind.c_str(),
              s.legal_name.c_str());
  for (const std::string& p : s.addresses)
    std::printf("address: %s\n", p.c_str());
  std::printf("tax id: %s (%s)\ntax residency: %s\naccreditation: %s%s%s\n", s.tax_id.c_str(),
              s.tax_id_type.c_str(), s.tax_residency.c_str(),
              s.accreditation_basis.empty() ? "none" : s.accreditation_basis.c_str(),
              s.accreditation_expiry.empty() ? "" : ", until ", s.accreditation_expiry.c_str());
  for (const auto& [k, v] : s.contacts)
    std::printf("%s: %s\n", k.c_str(), v.c_str());
}

int investor(const cli::ParsedArgs& a) {
  const std::string sub = a.positional.at(0);
  auto db = ta::open_db(db_url(a));
  ta::migrate(*db);
  ta::InvestorRecords records(*db, ta::TaxIdKey::from_file(a.require("--ta-key")));
  if (sub == "add") {
    const int64_t id = records.add(stakeholder_of(a), actor());
    if (auto list = a.get("--wallets")) {
      size_t start = 0;
      while (start < list->size()) {
        const size_t comma = std::min(list->find(',', start), list->size());
        records.link_wallet(id,
                            cli::parse_address_arg(list->substr(start, comma - start), "--wallets"),
                            std::nullopt, actor());
        start = comma + 1;
      }
    }
    std::printf("%lld\n", static_cast<long long>(id));
  } else if (sub == "show" && a.positional.size() == 2) {
    const auto s =
        records.read(static_cast<int64_t>(cli::parse_u64_arg(a.positional[1], "ID")), actor());
    if (!s) throw ta::RecordError("no stakeholder " + a.positional[1]);
    print_stakeholder(*s);
  } else if (sub == "link" && a.positional.size() == 3) {
    records.link_wallet(static_cast<int64_t>(cli::parse_u64_arg(a.positional[1], "ID")),
                        cli::parse_address_arg(a.positional[2], "WALLET"),
                        a.get_address("--identity"), actor());
  } else {
    throw cli::UsageError("unknown or incomplete investor command");
  }
  return 0;
}

int report(const cli::ParsedArgs& a, const ta::CapTableQuery& q, const std::string& format) {
  auto db = ta::open_db(db_url(a));
  ta::migrate(*db);
  ta::InvestorRecords records(*db, std::nullopt);
  std::string out;
  try {
    const std::string& what = a.positional[0];
    if (what == "cap-table") {
      const ta::CapTable t = ta::cap_table(*db, &records, q);
      out = format == "csv" ? ta::cap_table_csv(t) : ta::cap_table_json(t).dump(2) + "\n";
    } else if (what == "holders") {
      out = ta::holder_list_csv(*db, records, q);
    } else {
      const auto j = ta::transfer_journal(*db, q.security, *a.get("--from"), *a.get("--to"));
      out = format == "csv" ? ta::transfer_journal_csv(j)
                            : ta::transfer_journal_json(j).dump(2) + "\n";
    }
  } catch (const ta::QueryError& e) {
    std::fprintf(stderr, "stoa report: %s\n", e.what());
    return 1;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

int cmd_register(const Args& args) {
  cli::ParsedArgs a;
  try {
    a = cli::parse_args(args, {{"--data", "--db"}, {"--help"}});
    if (a.flag("--help")) {
      std::printf("%s", kRegisterUsage);
      return 0;
    }
    if (a.positional.size() != 1 || (a.positional[0] != "check" && a.positional[0] != "rebuild")) {
      throw cli::UsageError("expected check or rebuild");
    }
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa register: %s\n%s", e.what(), kRegisterUsage);
    return 2;
  }
  return a.positional[0] == "check" ? register_check(a) : register_rebuild(a);
}

int cmd_report(const Args& args) {
  cli::ParsedArgs a;
  ta::CapTableQuery q;
  std::string format;
  try {
    a = cli::parse_args(args, {{"--data", "--db", "--security", "--at-block", "--at-date",
                                "--format", "--from", "--to"},
                               {"--help"}});
    if (a.flag("--help")) {
      std::printf("%s", kReportUsage);
      return 0;
    }
    const std::string what = a.positional.empty() ? "" : a.positional[0];
    if (a.positional.size() != 1 ||
        (what != "cap-table" && what != "holders" && what != "journal")) {
      throw cli::UsageError("expected cap-table, holders or journal");
    }
    q.security = a.require("--security");
    q.at_block = a.get_u64("--at-block");
    q.at_date = a.get("--at-date");
    q.actor = actor();
    format = a.get_or("--format", "csv");
    if (format != "csv" && format != "json") throw cli::UsageError("--format: csv or json");
    if (what == "holders" && format != "csv") throw cli::UsageError("holders: CSV only");
    if (what == "journal" && (!a.get("--from") || !a.get("--to"))) {
      throw cli::UsageError("journal needs --from and --to");
    }
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa report: %s\n%s", e.what(), kReportUsage);
    return 2;
  }
  return report(a, q, format);
}

int cmd_investor(const Args& args) {
  cli::ParsedArgs a;
  try {
    a = cli::parse_args(
        args, {{"--data", "--db", "--ta-key", "--kind", "--name", "--residency", "--tax-id-file",
                "--tax-id-type", "--accreditation", "--accreditation-expiry", "--postal-address",
                "--email", "--phone", "--wallets", "--identity"},
               {"--help"}});
    if (a.flag("--help")) {
      std::printf("%s", kInvestorUsage);
      return 0;
    }
    if (a.positional.empty()) throw cli::UsageError("expected add, show or link");
    return investor(a);
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa investor: %s\n%s", e.what(), kInvestorUsage);
    return 2;
  } catch (const ta::RecordError& e) {
    std::fprintf(stderr, "stoa investor: %s\n", e.what());
    return 1;
  }
}

}  // namespace stoa::app
