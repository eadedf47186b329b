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
#include "stoa/ta/control_book.h"
#include "stoa/ta/form_d.h"
#include "stoa/ta/investors.h"
#include "stoa/ta/issuer_cap_table.h"
#include "stoa/ta/ocf.h"
#include "stoa/ta/partition_cap_table.h"
#include "stoa/ta/register_check.h"
#include "stoa/ta/reports.h"
#include "stoa/ta/schema.h"
#include "stoa/ta/tax_forms.h"
#include "stoa/ta/xlsx_report.h"

namespace stoa::app {
namespace {

constexpr const char* kRegisterUsage =
    "usage: stoa register check|rebuild [--data DIR] [--db URL]\n"
    "       stoa register set-authorized --security ADDR|SYMBOL --authorized N\n"
    "                                    [--from-block B] [--note TEXT]\n"
    "  check    replay the journal (offline, like stoa verify) up to the register's last block\n"
    "           and compare: every security, the sum of balances with the total supply, holder\n"
    "           counts, every balance and frozen amount, the last block's hash\n"
    "  rebuild  empty the register and project every block of the journal again\n"
    "  set-authorized  record the authorized shares (from the issuer's charter) from block B\n"
    "           (default 0) on, for the control book\n"
    "  --data DIR  the node's data directory (default ./stoa-data)\n"
    "  --db URL    the register's database: postgresql://... (default DIR/ta.sqlite)\n";

constexpr const char* kReportUsage =
    "usage: stoa report cap-table (--security ADDR|SYMBOL | --issuer ADDR)\n"
    "                             [--at-block N | --at-date YYYY-MM-DD] [--format csv|json]\n"
    "       stoa report holders --security ADDR|SYMBOL [--at-block N | --at-date YYYY-MM-DD]\n"
    "                           [--format csv|xlsx] [--out FILE]\n"
    "       stoa report journal --security ADDR|SYMBOL --from YYYY-MM-DD --to YYYY-MM-DD\n"
    "                           [--format csv|json]\n"
    "       stoa report control-book --security ADDR|SYMBOL [--at-block N | --at-date D]\n"
    "                                [--format csv|json]\n"
    "       stoa report form-d --security ADDR|SYMBOL --price-per-share USD\n"
    "                          [--issuer-items FILE] [--at-block N]\n"
    "       stoa report ocf --security ADDR|SYMBOL --out DIR [--at-block N | --at-date D]\n"
    "                       [--issuer-items FILE] [--price-per-share USD]\n"
    "       stoa report tax-forms --year YYYY [--security ADDR|SYMBOL] [--format csv|json]\n"
    "       stoa report partitions --security ADDR|SYMBOL [--at-block N | --at-date D]\n"
    "                              [--format csv|json]\n"
    "  (each with [--data DIR] [--db URL]; --out FILE writes the report there, else stdout)\n"
    "  cap-table  holders, balances, percentages, counts and thresholds at a block, or at the end\n"
    "             of a UTC date (the last block at or before it); default: the last block;\n"
    "             --issuer: every security of the issuer, holders of record across them (JSON)\n"
    "  holders    the holder list with the stakeholders' names (an audited read); xlsx needs\n"
    "             --out; progress on stderr for long lists\n"
    "  journal    every issuance, transfer, cancellation, forced transfer and recovery in the\n"
    "             period (UTC dates, inclusive)\n"
    "  control-book  authorized, issued, cancelled, outstanding and unissued shares\n"
    "  form-d     Form D items 1-16 as JSON: first sale, deadline, amounts and investors from the\n"
    "             register; the issuer's own facts from --issuer-items (JSON by item number)\n"
    "  ocf        the cap table as an OCF v1.2.0 package in DIR (manifest, stakeholders, stock\n"
    "             class, issuances); --issuer-items: the OCF Issuer's fields (JSON)\n"
    "  tax-forms  the year's 1099-DIV and 1042-S lines from the dividends paid on the ledger:\n"
    "             per recipient, security, payment token and jurisdiction: gross, withheld, net\n"
    "  partitions the cap table by partition (ERC-1400): each holder's amount per partition\n";

constexpr const char* kInvestorUsage =
    "usage: stoa investor add --kind individual|entity|trust --name NAME [--residency CC]\n"
    "                         [--tax-id-file F --tax-id-type T] [--accreditation BASIS]\n"
    "                         [--accreditation-expiry YYYY-MM-DD] [--postal-address TEXT]\n"
    "                         [--email E] [--phone P] [--wallets ADDR,...] --ta-key FILE\n"
    "       stoa investor show ID --ta-key FILE\n"
    "       stoa investor link ID WALLET [--identity ADDR] --ta-key FILE\n"
    "       stoa investor import-ocf DIR [--plan-out FILE] [--mint SYMBOL|ADDR --from ADDR\n"
    "                                [--rpc URL] [--chunk N]]   # an OCF package's stakeholders\n"
    "         into the records, its issuances as mints on a new security (--help for more)\n"
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

void progress(size_t done, size_t total) {
  if (total >= 100000) std::fprintf(stderr, "holders: %zu of %zu rows\n", done, total);
}

std::string holders_report(ta::Db& db, ta::InvestorRecords& records, const cli::ParsedArgs& a,
                           const ta::CapTableQuery& q, const std::string& format) {
  const ta::CapTable t = ta::holder_list(db, records, q);
  if (format != "xlsx") return ta::holder_list_csv(t);
  ta::write_holder_list_xlsx(t, a.require("--out"), progress);
  std::fprintf(stderr, "holders: %zu rows written to %s\n", t.holders.size(),
               a.require("--out").c_str());
  return "";
}

std::string form_d_report(ta::Db& db, ta::InvestorRecords& records, const cli::ParsedArgs& a,
                          const ta::CapTableQuery& q) {
  ta::FormDQuery f;
  f.security = q.security;
  f.at_block = q.at_block;
  f.actor = q.actor;
  f.price_per_share = a.require("--price-per-share");
  if (auto file = a.get("--issuer-items")) {
    f.issuer_items = nlohmann::json::parse(read_file(*file, "--issuer-items"), nullptr, false);
    if (!f.issuer_items.is_object()) {
      throw cli::UsageError("--issuer-items: a JSON object by item number expected");
    }
  }
  return ta::form_d(db, &records, f).dump(2) + "\n";
}

std::string ocf_report(ta::Db& db, ta::InvestorRecords& records, const cli::ParsedArgs& a,
                       const ta::CapTableQuery& q) {
  ta::OcfExportQuery o;
  o.cap_table = q;
  o.price_per_share = a.get_or("--price-per-share", "0.00");
  if (auto file = a.get("--issuer-items")) {
    o.issuer = nlohmann::json::parse(read_file(*file, "--issuer-items"), nullptr, false);
    if (!o.issuer.is_object()) throw cli::UsageError("--issuer-items: a JSON object expected");
  }
  const auto files = ta::ocf_export(db, records, o);
  ta::write_ocf_dir(a.require("--out"), files);
  std::fprintf(stderr, "ocf: %zu files written to %s\n", files.size(), a.require("--out").c_str());
  return "";
}

std::string make_report(ta::Db& db, ta::InvestorRecords& records, const cli::ParsedArgs& a,
                        const ta::CapTableQuery& q, const std::string& format) {
  const std::string& what = a.positional[0];
  if (what == "cap-table" && a.get("--issuer")) {
    return ta::issuer_cap_table_json(ta::issuer_cap_table(db, &records, *a.get("--issuer"), q))
               .dump(2) +
           "\n";
  }
  if (what == "cap-table") {
    const ta::CapTable t = ta::cap_table(db, &records, q);
    return format == "csv" ? ta::cap_table_csv(t) : ta::cap_table_json(t).dump(2) + "\n";
  }
  if (what == "holders") return holders_report(db, records, a, q, format);
  if (what == "control-book") {
    const ta::ControlBook c = ta::control_book(db, q);
    return format == "csv" ? ta::control_book_csv(c) : ta::control_book_json(c).dump(2) + "\n";
  }
  if (what == "form-d") return form_d_report(db, records, a, q);
  if (what == "ocf") return ocf_report(db, records, a, q);
  if (what == "partitions") {
    const ta::PartitionCapTable t = ta::partition_cap_table(db, q);
    return format == "csv" ? ta::partition_cap_table_csv(t)
                           : ta::partition_cap_table_json(t).dump(2) + "\n";
  }
  if (what == "tax-forms") {
    const std::string y = a.get_or("--year", "");
    if (y.size() != 4 || y.find_first_not_of("0123456789") != std::string::npos)
      throw cli::UsageError("--year: YYYY");
    const ta::TaxFormReport r = ta::tax_forms(db, {std::stoi(y), q.security});
    return format == "csv" ? ta::tax_forms_csv(r) : ta::tax_forms_json(r).dump(2) + "\n";
  }
  const auto j = ta::transfer_journal(db, q.security, *a.get("--from"), *a.get("--to"));
  return format == "csv" ? ta::transfer_journal_csv(j)
                         : ta::transfer_journal_json(j).dump(2) + "\n";
}

int report(const cli::ParsedArgs& a, const ta::CapTableQuery& q, const std::string& format) {
  auto db = ta::open_db(db_url(a));
  ta::migrate(*db);
  ta::InvestorRecords records(*db, std::nullopt);
  std::string out;
  try {
    out = make_report(*db, records, a, q, format);
  } catch (const ta::QueryError& e) {
    std::fprintf(stderr, "stoa report: %s\n", e.what());
    return 1;
  } catch (const ta::XlsxError& e) {
    std::fprintf(stderr, "stoa report: %s\n", e.what());
    return 1;
  } catch (const ta::OcfError& e) {
    std::fprintf(stderr, "stoa report: %s\n", e.what());
    return 1;
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa report: %s\n", e.what());
    return 2;
  }
  if (auto path = a.get("--out"); path && format != "xlsx" && a.positional[0] != "ocf") {
    std::ofstream f(*path, std::ios::binary);
    f << out;
    if (!f) {
      std::fprintf(stderr, "stoa report: cannot write %s\n", path->c_str());
      return 1;
    }
    return 0;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int set_authorized(const cli::ParsedArgs& a) {
  auto db = ta::open_db(db_url(a));
  ta::migrate(*db);
  const auto n = U256::from_dec(a.require("--authorized"));
  if (!n) throw cli::UsageError("--authorized: a whole number of shares");
  try {
    ta::set_authorized(*db, a.require("--security"), *n, a.get_u64("--from-block").value_or(0),
                       a.get_or("--note", ""));
  } catch (const ta::QueryError& e) {
    std::fprintf(stderr, "stoa register: %s\n", e.what());
    return 1;
  }
  std::printf("authorized: %s from block %llu\n", n->to_dec().c_str(),
              static_cast<unsigned long long>(a.get_u64("--from-block").value_or(0)));
  return 0;
}

void check_report_format(const cli::ParsedArgs& a, const std::string& what,
                         const std::string& format) {
  if (what == "holders") {
    if (format != "csv" && format != "xlsx") throw cli::UsageError("holders: csv or xlsx");
    if (format == "xlsx" && !a.get("--out")) throw cli::UsageError("xlsx needs --out FILE");
  } else if (what == "ocf") {
    if (!a.get("--out")) throw cli::UsageError("ocf needs --out DIR");
  } else if (what == "form-d" || (what == "cap-table" && a.get("--issuer"))) {
    if (format != "json") throw cli::UsageError(what + ": JSON only");
  } else if (format != "csv" && format != "json") {
    throw cli::UsageError("--format: csv or json");
  }
  if (what == "journal" && (!a.get("--from") || !a.get("--to"))) {
    throw cli::UsageError("journal needs --from and --to");
  }
  if (what == "tax-forms" && !a.get("--year")) throw cli::UsageError("tax-forms needs --year");
}

}  // namespace

int cmd_register(const Args& args) {
  cli::ParsedArgs a;
  try {
    a = cli::parse_args(
        args,
        {{"--data", "--db", "--security", "--authorized", "--from-block", "--note"}, {"--help"}});
    if (a.flag("--help")) {
      std::printf("%s", kRegisterUsage);
      return 0;
    }
    const std::string sub = a.positional.empty() ? "" : a.positional[0];
    if (a.positional.size() != 1 ||
        (sub != "check" && sub != "rebuild" && sub != "set-authorized")) {
      throw cli::UsageError("expected check, rebuild or set-authorized");
    }
    if (sub == "set-authorized") return set_authorized(a);
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
    a = cli::parse_args(
        args, {{"--data", "--db", "--security", "--issuer", "--at-block", "--at-date", "--format",
                "--from", "--to", "--out", "--price-per-share", "--issuer-items", "--year"},
               {"--help"}});
    if (a.flag("--help")) {
      std::printf("%s", kReportUsage);
      return 0;
    }
    const std::string what = a.positional.empty() ? "" : a.positional[0];
    if (a.positional.size() != 1 ||
        (what != "cap-table" && what != "holders" && what != "journal" && what != "control-book" &&
         what != "form-d" && what != "ocf" && what != "tax-forms" && what != "partitions")) {
      throw cli::UsageError(
          "expected cap-table, holders, journal, control-book, form-d, ocf, tax-forms or "
          "partitions");
    }
    if (what == "cap-table" && a.get("--issuer")) {
      if (a.get("--security")) throw cli::UsageError("give --security or --issuer, not both");
    } else if (what == "tax-forms") {
      q.security = a.get_or("--security", "");
    } else {
      q.security = a.require("--security");
    }
    q.at_block = a.get_u64("--at-block");
    q.at_date = a.get("--at-date");
    q.actor = actor();
    const bool json_only =
        what == "form-d" || what == "ocf" || (what == "cap-table" && a.get("--issuer"));
    format = a.get_or("--format", json_only ? "json" : "csv");
    check_report_format(a, what, format);
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa report: %s\n%s", e.what(), kReportUsage);
    return 2;
  }
  return report(a, q, format);
}

int cmd_investor(const Args& args) {
  if (!args.empty() && args[0] == "import-ocf") return cmd_investor_import_ocf(args);
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
    if (a.positional.empty()) throw cli::UsageError("expected add, show, link or import-ocf");
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
