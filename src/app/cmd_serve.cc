// `stoa serve`: runs the node (JSON-RPC on POST /, REST under /v1/, /healthz, /metrics) until
// SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "commands.h"
#include "stoa/cli/args.h"
#include "stoa/node/log.h"
#include "stoa/node/node.h"
#include "stoa/ta/register_feed.h"

namespace stoa::app {
namespace {

constexpr const char* kUsage =
    "usage: stoa serve [--data DIR] [--listen HOST:PORT] [--chain-id N] [--operator ADDRESS]\n"
    "                  [--dev] [--sync-submit] [--image-every N] [--image-every-tx T]\n"
    "                  [--accept-truncation] [--log-level debug|info|warn|error]\n"
    "                  [--cors ORIGIN,...] [--past-blocks N]\n"
    "  --data DIR          embedded store (default ./stoa-data); DIR/genesis.json fixes the\n"
    "                      chain id, operator and genesis time on first start\n"
    "  --listen HOST:PORT  default 127.0.0.1:8545 (port 0: any free port)\n"
    "  --chain-id N        first start only (default 1337); must match genesis.json after\n"
    "  --operator ADDRESS  the factory's admin at genesis (required without --dev)\n"
    "  --dev               operator = account #0 of the dev mnemonic; prints the 10 dev\n"
    "                      accounts; enables evm_increaseTime, evm_mine, eth_accounts;\n"
    "                      allows every browser origin unless --cors is given\n"
    "  --sync-submit       eth_sendRawTransaction answers once the block is durable\n"
    "  --image-every N     write a state image (the whole state, so a start replays only\n"
    "                      the blocks after it) once N blocks have passed since the last\n"
    "                      (default 10000; 0 = no block trigger)\n"
    "  --image-every-tx T  ... or once T transactions have, whichever first (default\n"
    "                      250000, a restart under 5 s; 0 = no transaction trigger)\n"
    "  --snapshot-every N  deprecated alias of --image-every (prints a warning)\n"
    "  --past-blocks N     answer eth_call, eth_getTransactionCount, ... at the last N blocks\n"
    "                      (default 1024, at most 256 MiB of undo records; 0 = head only)\n"
    "  --accept-truncation start even though the journal ends before the head DIR/HEAD\n"
    "                      records (acknowledged blocks lost): they are given up for good\n"
    "  KYC/AML intake (POST /v1/kyc/webhook; off unless a secret is given):\n"
    "  --kyc-secret-file F          the providers' HMAC secret: a file, or env:VAR\n"
    "  --kyc-issuer-key-file F      the claim-signing key (64 hex digits): a file, or env:VAR;\n"
    "                               with --dev, default: a development key (public!)\n"
    "  --kyc-issuer-identity ADDR   the issuer identity (default: the key's identity)\n"
    "  --allow ADDR,...    admit transactions of these accounts without a standing on the\n"
    "                      ledger (docs/NODE.md, Admission policy; --dev: the dev accounts)\n"
    "  --allow-file F      the same, one address a line (# comments)\n"
    "  --cors ORIGIN,...   browser origins allowed to call the node (scheme://host[:port];\n"
    "                      * = any); default: none, or any with --dev (docs/NODE.md)\n"
    "  The transfer agent's register (docs/transfer-agent.md; on by default):\n"
    "  --db URL            its database: postgresql://... (default DIR/ta.sqlite)\n"
    "  --no-register       do not project the ledger into the register\n"
    "  Its REST access (docs/transfer-agent.md, REST access control; keys: stoa apikey):\n"
    "  --siwe-domain HOST  the domain Sign-In with Ethereum messages must name (default: the\n"
    "                      request's Host header)\n"
    "  --ta-key FILE       the investor records' key (year-end statements over REST)\n";

void print_dev_accounts() {
  const auto keys = node::dev_keys();
  std::printf("\nAvailable Accounts\n==================\n");
  for (size_t i = 0; i < keys.size(); ++i) {
    std::printf("(%zu) %s\n", i, keys[i].address().checksum_hex().c_str());
  }
  std::printf("\nPrivate Keys\n==================\n");
  for (size_t i = 0; i < keys.size(); ++i) {
    std::printf("(%zu) %s\n", i, keys[i].secret.hex().c_str());
  }
  std::printf(
      "\nWallet\n==================\nMnemonic:          %s\nDerivation path:   "
      "m/44'/60'/0'/0/\n\n",
      std::string(crypto::kDevMnemonic).c_str());
  std::fflush(stdout);
}

// --image-every, --image-every-tx, and --snapshot-every: --image-every's old name (before issue 14
// gave "snapshot" to ERC-20 snapshots), still accepted with a warning.
void read_image_flags(const cli::ParsedArgs& a, node::NodeOptions* o) {
  if (auto n = a.get_u64("--snapshot-every")) {
    if (a.get("--image-every")) {
      throw cli::UsageError("--snapshot-every is the old name of --image-every: give one");
    }
    std::fprintf(stderr,
                 "stoa serve: warning: --snapshot-every is deprecated; use --image-every\n");
    o->image_every = *n;
  }
  if (auto n = a.get_u64("--image-every")) o->image_every = *n;
  if (auto n = a.get_u64("--image-every-tx")) o->image_every_tx = *n;
  // And what of its past the node keeps in memory: the window of reads at past blocks.
  if (auto n = a.get_u64("--past-blocks")) o->past_blocks = *n;
}

// The KYC intake's flags; true when it runs with the development claim key.
bool read_kyc_flags(const cli::ParsedArgs& a, node::NodeOptions* o) {
  bool dev_kyc = false;
  // Secrets: read here, never printed; errors name the reference, not the value.
  const auto secret_ref = a.get("--kyc-secret-file");
  const auto key_ref = a.get("--kyc-issuer-key-file");
  const auto issuer_identity = a.get_address("--kyc-issuer-identity");
  if (secret_ref) {
    node::KycOptions k;
    try {
      k.secret = node::read_secret(*secret_ref, "--kyc-secret-file");
      if (key_ref) {
        k.issuer_key = node::read_private_key(*key_ref, "--kyc-issuer-key-file");
      } else if (o->dev) {
        k.issuer_key = node::dev_kyc_key();
        dev_kyc = true;
      } else {
        throw cli::UsageError("--kyc-secret-file needs --kyc-issuer-key-file");
      }
    } catch (const std::runtime_error& e) {
      throw cli::UsageError(e.what());
    }
    k.issuer_identity = issuer_identity;
    o->kyc = std::move(k);
  } else if (key_ref || issuer_identity) {
    throw cli::UsageError("the KYC intake needs --kyc-secret-file (a secret is mandatory)");
  }
  return dev_kyc;
}

// --cors ORIGIN,...: the browser origins allowed (node/cors.h).
void parse_cors(const cli::ParsedArgs& a, node::NodeOptions* o) {
  if (auto cors = a.get("--cors")) {
    std::string error;
    o->cors = node::CorsPolicy::parse(*cors, &error);
    if (!o->cors) throw cli::UsageError("--cors: " + error);
  }
}

// --allow and --allow-file: the operator's admission allow-list.
void parse_allow(const cli::ParsedArgs& a, node::NodeOptions* o) {
  auto allow_one = [&](std::string text, const std::string& where) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\r'))
      text.pop_back();
    while (!text.empty() && text.front() == ' ')
      text.erase(0, 1);
    if (text.empty()) return;
    const auto addr = Address::parse(text);
    if (!addr) throw cli::UsageError(where + ": not an address: " + text);
    o->allow.push_back(*addr);
  };
  if (auto list = a.get("--allow")) {
    size_t start = 0;
    while (start <= list->size()) {
      const size_t comma = list->find(',', start);
      const size_t end = comma == std::string::npos ? list->size() : comma;
      allow_one(list->substr(start, end - start), "--allow");
      start = end + 1;
    }
  }
  if (auto file = a.get("--allow-file")) {
    std::ifstream in(*file);
    if (!in) throw cli::UsageError("--allow-file: cannot read " + *file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      allow_one(line, "--allow-file " + *file + ":" + std::to_string(n));
    }
  }
}

// --db URL and --no-register: whether the register runs, and its database.
bool read_register_flags(const cli::ParsedArgs& a, const node::NodeOptions& o, std::string* url,
                         ta::TaRestOptions* rest) {
  if (a.flag("--no-register")) {
    if (a.get("--db") || a.get("--siwe-domain") || a.get("--ta-key")) {
      throw cli::UsageError("--db, --siwe-domain and --ta-key need the register");
    }
    return false;
  }
  *url = a.get_or("--db", ta::default_db_path(o.data_dir));
  rest->db_url = *url;
  rest->access.siwe_domain = a.get_or("--siwe-domain", "");
  if (auto k = a.get("--ta-key")) {
    try {
      rest->key = ta::TaxIdKey::from_file(*k);
    } catch (const std::runtime_error& e) {
      throw cli::UsageError(e.what());
    }
  }
  return true;
}

// The transfer agent's REST routes: the register's cap table and the authenticated routes.
struct TaRoutes {
  std::unique_ptr<ta::TaRest> rest;
  std::unique_ptr<ta::RegisterRest> register_rest;
};

TaRoutes add_ta_routes(const std::string& url, const ta::TaRestOptions& options,
                       node::NodeOptions* o) {
  std::filesystem::create_directories(o->data_dir);
  TaRoutes t;
  t.rest = std::make_unique<ta::TaRest>(options, nullptr);
  t.register_rest = std::make_unique<ta::RegisterRest>(url, *t.rest);
  for (node::RestRoute& r : t.register_rest->routes())
    o->extra_routes.push_back(std::move(r));
  for (node::RestRoute& r : t.rest->routes())
    o->extra_routes.push_back(std::move(r));
  return t;
}

}  // namespace

int cmd_serve(const Args& args) {
  node::NodeOptions o;
  bool dev_kyc = false;
  bool with_register = true;
  std::string register_url;
  ta::TaRestOptions rest_options;
  try {
    const cli::ParsedArgs a = cli::parse_args(
        args, {{"--data", "--listen", "--chain-id", "--operator", "--log-level", "--image-every",
                "--image-every-tx", "--snapshot-every", "--segment-bytes", "--kyc-secret-file",
                "--kyc-issuer-key-file", "--kyc-issuer-identity", "--allow", "--allow-file",
                "--cors", "--db", "--past-blocks", "--siwe-domain", "--ta-key"},
               {"--dev", "--sync-submit", "--accept-truncation", "--no-register", "--help"}});
    if (a.flag("--help")) {
      std::printf("%s", kUsage);
      return 0;
    }
    if (!a.positional.empty()) throw cli::UsageError("unexpected argument " + a.positional[0]);
    o.data_dir = a.get_or("--data", o.data_dir);
    if (auto listen = a.get("--listen")) {
      const size_t colon = listen->rfind(':');
      if (colon == std::string::npos || colon == 0) {
        throw cli::UsageError("--listen: expected HOST:PORT, got " + *listen);
      }
      o.host = listen->substr(0, colon);
      const uint64_t port = cli::parse_u64_arg(listen->substr(colon + 1), "--listen port");
      if (port > 65535) throw cli::UsageError("--listen: port must be at most 65535");
      o.port = static_cast<int>(port);
    }
    with_register = read_register_flags(a, o, &register_url, &rest_options);
    o.chain_id = a.get_u64("--chain-id");
    o.operator_account = a.get_address("--operator");
    o.dev = a.flag("--dev");
    o.sync_submit = a.flag("--sync-submit");
    o.accept_truncation = a.flag("--accept-truncation");
    read_image_flags(a, &o);
    // Undocumented: small segments for the rollover tests.
    if (auto n = a.get_u64("--segment-bytes")) o.segment_bytes = *n;
    dev_kyc = read_kyc_flags(a, &o);
    parse_allow(a, &o);
    parse_cors(a, &o);
    if (auto level = a.get("--log-level")) {
      node::LogLevel l;
      if (!node::parse_log_level(*level, &l)) {
        throw cli::UsageError("--log-level: expected debug, info, warn or error");
      }
      node::set_log_level(l);
    }
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa serve: %s\n%s", e.what(), kUsage);
    return 2;
  }

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    TaRoutes ta_routes;
    if (with_register) ta_routes = add_ta_routes(register_url, rest_options, &o);
    node::Node n(o);
    if (ta_routes.rest) {
      ta_routes.rest->attach(n.genesis().chain_id, ta::ledger_role_reader(n.ledger()));
    }
    // The register follows the durable block stream from its cursor; destroyed before the node.
    std::unique_ptr<ta::RegisterFeed> feed;
    if (with_register)
      feed = std::make_unique<ta::RegisterFeed>(n.ledger(), ta::open_db(register_url));
    node::log_event(node::LogLevel::kInfo, "start",
                    {{"data", o.data_dir},
                     {"chainId", n.genesis().chain_id},
                     {"operator", n.genesis().operator_account.checksum_hex()},
                     {"genesisTimestamp", n.genesis().timestamp},
                     {"dev", o.dev},
                     {"syncSubmit", o.sync_submit}});
    n.bind();
    if (o.dev) print_dev_accounts();
    if (o.kyc) {
      const nlohmann::json k = n.kyc_info();
      if (dev_kyc) {
        std::printf(
            "KYC intake (DEVELOPMENT provider: its claim key is derived from the public dev "
            "mnemonic, index 100 — for development only)\n");
      } else {
        std::printf("KYC intake\n");
      }
      std::printf(
          "==================\nWebhook:           POST /v1/kyc/webhook\nClaim key:         %s\n"
          "Issuer identity:   %s\n\n",
          k.value("issuerKey", "").c_str(),
          k["issuerIdentity"].is_string() ? k["issuerIdentity"].get<std::string>().c_str()
                                          : "none yet (create one for the claim key)");
      std::fflush(stdout);
    }
    std::thread waiter([&] {
      int sig = 0;
      sigwait(&stop_signals, &sig);
      node::log_event(node::LogLevel::kInfo, "stopping", {{"signal", sig}});
      n.stop();
    });
    n.serve();
    // serve() also returns if the server fails; make sure the waiter can finish.
    // The waiter blocks SIGTERM and sits in sigwait(): this wakes it, it does not terminate it.
    pthread_kill(waiter.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
    waiter.join();
    node::log_event(node::LogLevel::kInfo, "stopped", {{"head", n.ledger().chain().height()}});
  } catch (const std::exception& e) {
    node::log_event(node::LogLevel::kError, "fatal", {{"error", e.what()}});
    std::fprintf(stderr, "stoa serve: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace stoa::app
