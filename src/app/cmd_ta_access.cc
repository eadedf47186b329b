// The transfer agent's access, documents, lost securityholders and statements
// (docs/transfer-agent.md): `stoa apikey`, `stoa document`, `stoa lost-holder`, `stoa
// statement`. They work on the register's database (default DATA/ta.sqlite; --db
// postgresql://...) as the operator, audited with the user as actor (cli:$USER).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "commands.h"
#include "stoa/cli/args.h"
#include "stoa/ta/access.h"
#include "stoa/ta/cap_table.h"
#include "stoa/ta/documents.h"
#include "stoa/ta/lost_holders.h"
#include "stoa/ta/schema.h"
#include "stoa/ta/siwe.h"
#include "stoa/ta/statements.h"
#include "stoa/ta/tax_forms.h"

namespace stoa::app {
namespace {

constexpr const char* kApiKeyUsage =
    "usage: stoa apikey create --role issuer|transfer-agent|compliance-officer\n"
    "                          [--security ADDR|SYMBOL|*] --label TEXT\n"
    "       stoa apikey list\n"
    "       stoa apikey revoke KEY_ID\n"
    "  (each with [--data DIR] [--db URL]) REST API keys (Authorization: Bearer KEY); the key is\n"
    "  printed once and stored as its SHA-256 only; --security defaults to * (every security)\n";

constexpr const char* kDocumentUsage =
    "usage: stoa document add FILE --name NAME [--security ADDR|SYMBOL] [--media-type T]\n"
    "       stoa document list [--security ADDR|SYMBOL]\n"
    "       stoa document grant ID --to ADDRESS|apikey:KEY_ID --permission view|download\n"
    "                           [--expires YYYY-MM-DD]\n"
    "       stoa document grants ID\n"
    "       stoa document revoke GRANT_ID\n"
    "       stoa document get ID --out FILE\n"
    "       stoa document calldata ID [--uri URI]    ERC-1643 setDocument call data\n"
    "       stoa document registered ID TX_HASH      the registration's transaction\n"
    "  (each with [--data DIR] [--db URL]); every read is audited\n";

constexpr const char* kLostUsage =
    "usage: stoa lost-holder mark STAKEHOLDER_ID --returned YYYY-MM-DD\n"
    "                        [--resent YYYY-MM-DD --resent-returned YYYY-MM-DD]\n"
    "                        [--exemption deceased|under-25]\n"
    "       stoa lost-holder list [--all]\n"
    "       stoa lost-holder due --on YYYY-MM-DD [--upcoming]\n"
    "       stoa lost-holder search ID 1|2 --on YYYY-MM-DD --result found|not-found\n"
    "       stoa lost-holder resolve ID --on YYYY-MM-DD\n"
    "  (each with [--data DIR] [--db URL]) Rule 17Ad-17: the two database searches, the first\n"
    "  3 to 12 months after the holder became lost, the second 6 to 12 months after the first\n";

constexpr const char* kStatementUsage =
    "usage: stoa statement STAKEHOLDER_ID --year YYYY [--format pdf|json] --out FILE\n"
    "                      --ta-key FILE [--data DIR] [--db URL]\n"
    "  the year-end holder statement: holdings at the start and end of the year, the year's\n"
    "  movements, the Form 1099-DIV amounts (boxes 1a, 1b, 4, 7; $10 threshold)\n";

std::unique_ptr<ta::Db> open(const cli::ParsedArgs& a) {
  auto db = ta::open_db(a.get("--db") ? *a.get("--db")
                                      : ta::default_db_path(a.get_or("--data", "./stoa-data")));
  ta::migrate(*db);
  return db;
}

std::string actor() {
  const char* u = std::getenv("USER");
  return std::string("cli:") + (u != nullptr ? u : "unknown");
}

int64_t id_of(const std::string& s, const char* what) {
  return static_cast<int64_t>(cli::parse_u64_arg(s, what));
}

std::string security_of(ta::Db& db, const std::string& ref) {
  if (ref.empty() || ref == "*") return ref;
  return ta::security_token(db, ref);
}

void write_file(const std::string& path, const Bytes& b) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  if (!out) throw cli::UsageError("cannot write " + path);
}

// Runs a subcommand body, turning the transfer agent's input errors into exit status 1.
template <typename F>
int run(const char* name, const char* usage, const Args& args, const cli::OptionSpec& spec, F f) {
  cli::ParsedArgs a;
  try {
    a = cli::parse_args(args, spec);
    if (a.flag("--help")) {
      std::printf("%s", usage);
      return 0;
    }
    if (a.positional.empty()) throw cli::UsageError("expected a subcommand");
    return f(a);
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa %s: %s\n%s", name, e.what(), usage);
    return 2;
  } catch (const std::runtime_error& e) {  // RecordError, QueryError, DbError...
    std::fprintf(stderr, "stoa %s: %s\n", name, e.what());
    return 1;
  }
}

int apikey(const cli::ParsedArgs& a) {
  auto db = open(a);
  ta::Access access(*db, nullptr, {});
  const std::string& sub = a.positional[0];
  if (sub == "create" && a.positional.size() == 1) {
    const auto role = ta::parse_role(a.require("--role"));
    if (!role) throw cli::UsageError("--role: issuer, transfer-agent or compliance-officer");
    ta::ApiKey k;
    const std::string token = access.create_key(
        *role, security_of(*db, a.get_or("--security", "*")), a.require("--label"), actor(), &k);
    std::printf("key id: %s\nrole: %s\nsecurity: %s\nkey (shown once): %s\n", k.key_id.c_str(),
                std::string(ta::role_name(k.role)).c_str(), k.security.c_str(), token.c_str());
  } else if (sub == "list" && a.positional.size() == 1) {
    std::printf("key_id,role,security,label,created_at,created_by,revoked_at\n");
    for (const ta::ApiKey& k : access.keys()) {
      std::printf("%s,%s,%s,%s,%s,%s,%s\n", k.key_id.c_str(),
                  std::string(ta::role_name(k.role)).c_str(), k.security.c_str(), k.label.c_str(),
                  k.created_at.c_str(), k.created_by.c_str(), k.revoked_at.value_or("").c_str());
    }
  } else if (sub == "revoke" && a.positional.size() == 2) {
    access.revoke_key(a.positional[1], actor());
    std::printf("revoked %s\n", a.positional[1].c_str());
  } else {
    throw cli::UsageError("expected create, list or revoke KEY_ID");
  }
  return 0;
}

void print_document(const ta::Document& d) {
  std::printf("%lld,%s,%s,%s,%s,%lld,%s\n", static_cast<long long>(d.id), d.name.c_str(),
              d.security.c_str(), d.media_type.c_str(), d.sha256.c_str(),
              static_cast<long long>(d.size), d.registry_tx.value_or("").c_str());
}

int document_write(const cli::ParsedArgs& a, ta::Db& db, ta::Documents& docs) {
  const std::string& sub = a.positional[0];
  if (sub == "add" && a.positional.size() == 2) {
    std::ifstream in(a.positional[1], std::ios::binary);
    if (!in) throw cli::UsageError("cannot read " + a.positional[1]);
    const Bytes content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    print_document(docs.add(a.require("--name"), security_of(db, a.get_or("--security", "")),
                            a.get_or("--media-type", "application/pdf"), content, actor()));
  } else if (sub == "grant" && a.positional.size() == 2) {
    std::optional<int64_t> expires;
    if (auto e = a.get("--expires")) expires = ta::day_start_utc(*e) + 86400;  // end of that day
    std::string to = a.require("--to");
    if (auto addr = Address::parse(to)) to = addr->lower_hex();
    std::printf("%lld\n",
                static_cast<long long>(docs.grant(id_of(a.positional[1], "ID"), to,
                                                  a.require("--permission"), expires, actor())));
  } else if (sub == "revoke" && a.positional.size() == 2) {
    docs.revoke(id_of(a.positional[1], "GRANT_ID"), actor());
  } else if (sub == "registered" && a.positional.size() == 3) {
    docs.record_registry_tx(id_of(a.positional[1], "ID"), a.positional[2], actor());
  } else {
    return -1;
  }
  return 0;
}

int document(const cli::ParsedArgs& a) {
  auto db = open(a);
  ta::Documents docs(*db);
  if (document_write(a, *db, docs) == 0) return 0;
  const std::string& sub = a.positional[0];
  if (sub == "list" && a.positional.size() == 1) {
    std::printf("id,name,security,media_type,sha256,size,registry_tx\n");
    for (const ta::Document& d : docs.list(security_of(*db, a.get_or("--security", ""))))
      print_document(d);
  } else if (sub == "grants" && a.positional.size() == 2) {
    std::printf("id,grantee,permission,expires_at,granted_by,revoked_at\n");
    for (const ta::DocumentGrant& g : docs.grants(id_of(a.positional[1], "ID"))) {
      std::printf("%lld,%s,%s,%s,%s,%s\n", static_cast<long long>(g.id), g.grantee.c_str(),
                  g.permission.c_str(), g.expires_at ? std::to_string(*g.expires_at).c_str() : "",
                  g.granted_by.c_str(), g.revoked_at.value_or("").c_str());
    }
  } else if (sub == "get" && a.positional.size() == 2) {
    ta::Document meta;
    const Bytes b = docs.read_content(id_of(a.positional[1], "ID"), actor(), {}, true, &meta);
    write_file(a.require("--out"), b);
    std::printf("%s %s\n", meta.sha256.c_str(), a.require("--out").c_str());
  } else if (sub == "calldata" && a.positional.size() == 2) {
    const auto d = docs.find(id_of(a.positional[1], "ID"));
    if (!d) throw ta::RecordError("no document " + a.positional[1]);
    const std::string uri = a.get_or("--uri", "stoa:document:" + std::to_string(d->id));
    std::printf("%s\n", to_hex_prefixed(ta::erc1643_set_document_call(*d, uri)).c_str());
  } else {
    throw cli::UsageError("unknown or incomplete document command");
  }
  return 0;
}

int lost_holder(const cli::ParsedArgs& a) {
  auto db = open(a);
  ta::LostHolders lost(*db);
  const std::string& sub = a.positional[0];
  if (sub == "mark" && a.positional.size() == 2) {
    const int64_t id = lost.mark_returned(
        id_of(a.positional[1], "STAKEHOLDER_ID"), a.require("--returned"), a.get("--resent"),
        a.get("--resent-returned"), a.get_or("--exemption", ""), actor());
    std::printf("%lld\n", static_cast<long long>(id));
  } else if (sub == "list" && a.positional.size() == 1) {
    std::printf("id,stakeholder,lost_since,exemption,first_search,second_search,resolved_on\n");
    for (const ta::LostHolder& l : lost.list(a.flag("--all"), actor())) {
      std::printf("%lld,%lld,%s,%s,%s %s,%s %s,%s\n", static_cast<long long>(l.id),
                  static_cast<long long>(l.stakeholder_id), l.lost_since.c_str(),
                  l.exemption.c_str(), l.first_search_on.value_or("").c_str(),
                  l.first_search_result.value_or("").c_str(),
                  l.second_search_on.value_or("").c_str(),
                  l.second_search_result.value_or("").c_str(), l.resolved_on.value_or("").c_str());
    }
  } else if (sub == "due" && a.positional.size() == 1) {
    std::printf("id,stakeholder,search,from,to,status\n");
    for (const ta::SearchDue& d : lost.due(a.require("--on"), a.flag("--upcoming"), actor())) {
      std::printf("%lld,%lld,%d,%s,%s,%s\n", static_cast<long long>(d.lost_holder_id),
                  static_cast<long long>(d.stakeholder_id), d.search, d.window.from.c_str(),
                  d.window.to.c_str(), d.status.c_str());
    }
  } else if (sub == "search" && a.positional.size() == 3) {
    const int n = static_cast<int>(cli::parse_u64_arg(a.positional[2], "1|2"));
    const bool in_window = lost.record_search(id_of(a.positional[1], "ID"), n, a.require("--on"),
                                              a.require("--result"), actor());
    std::printf(in_window ? "recorded\n" : "recorded (outside its window: late)\n");
  } else if (sub == "resolve" && a.positional.size() == 2) {
    lost.resolve(id_of(a.positional[1], "ID"), a.require("--on"), actor());
  } else {
    throw cli::UsageError("unknown or incomplete lost-holder command");
  }
  return 0;
}

int statement(const cli::ParsedArgs& a) {
  if (a.positional.size() != 1) throw cli::UsageError("expected STAKEHOLDER_ID");
  const std::string format = a.get_or("--format", "pdf");
  if (format != "pdf" && format != "json") throw cli::UsageError("--format: pdf or json");
  const uint64_t year = cli::parse_u64_arg(a.require("--year"), "--year");
  auto db = open(a);
  ta::InvestorRecords records(*db, ta::TaxIdKey::from_file(a.require("--ta-key")));
  const ta::HolderStatement s = ta::register_statement(
      *db, records, id_of(a.positional[0], "STAKEHOLDER_ID"), static_cast<int>(year), actor());
  if (format == "pdf") {
    write_file(a.require("--out"), ta::statement_pdf(s));
  } else {
    const std::string j = ta::statement_json(s).dump(2) + "\n";
    write_file(a.require("--out"), Bytes(j.begin(), j.end()));
  }
  return 0;
}

}  // namespace

int cmd_apikey(const Args& args) {
  return run("apikey", kApiKeyUsage, args,
             {{"--data", "--db", "--role", "--security", "--label"}, {"--help"}}, apikey);
}

int cmd_document(const Args& args) {
  return run("document", kDocumentUsage, args,
             {{"--data", "--db", "--name", "--security", "--media-type", "--to", "--permission",
               "--expires", "--out", "--uri"},
              {"--help"}},
             document);
}

int cmd_lost_holder(const Args& args) {
  return run("lost-holder", kLostUsage, args,
             {{"--data", "--db", "--returned", "--resent", "--resent-returned", "--exemption",
               "--on", "--result"},
              {"--all", "--upcoming", "--help"}},
             lost_holder);
}

int cmd_statement(const Args& args) {
  return run("statement", kStatementUsage, args,
             {{"--data", "--db", "--year", "--format", "--out", "--ta-key"}, {"--help"}},
             statement);
}

}  // namespace stoa::app
