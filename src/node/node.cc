// Wiring: genesis file, ledger, JSON-RPC, REST and WebSocket over the node's HTTP server.
#include "stoa/node/node.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

#include "stoa/node/log.h"
#include "stoa/node/rpc.h"

namespace stoa::node {
namespace {

// Reads at past blocks (docs/NODE.md): the window counts blocks sealed from the node's start.
std::unique_ptr<chain::Chain> with_past_window(std::unique_ptr<chain::Chain> c, uint64_t blocks) {
  c->set_past_window(blocks);
  return c;
}

uint64_t wall_seconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string genesis_json(const GenesisFile& g) {
  json rules = json::array();
  for (const core::RulesActivation& r : g.rules.entries())
    rules.push_back({{"version", static_cast<uint32_t>(r.version)}, {"from", r.from_block}});
  const json j = {{"format", kGenesisFormatVersion},
                  {"chainId", g.chain_id},
                  {"operator", g.operator_account.checksum_hex()},
                  {"timestamp", g.timestamp},
                  {"rules", rules}};
  return j.dump(2) + "\n";
}

GenesisFile parse_genesis(const std::string& path, const Bytes& data) {
  GenesisFile g;
  try {
    const json j = json::parse(data.begin(), data.end());
    g.chain_id = j.at("chainId").get<uint64_t>();
    auto op = Address::parse(j.at("operator").get<std::string>());
    if (!op) throw std::runtime_error("operator is not an address");
    g.operator_account = *op;
    g.timestamp = j.at("timestamp").get<uint64_t>();
    if (j.contains("format")) {
      const uint64_t format = j.at("format").get<uint64_t>();
      if (format == 0 || format > kGenesisFormatVersion) {
        throw std::runtime_error("format " + std::to_string(format) +
                                 " is not one this stoa reads (" +
                                 std::to_string(kGenesisFormatVersion) + ")");
      }
      g.format = static_cast<uint32_t>(format);
    }
    if (j.contains("rules")) {
      std::vector<core::RulesActivation> entries;
      for (const json& r : j.at("rules")) {
        const uint64_t v = r.at("version").get<uint64_t>();
        if (v > UINT32_MAX) throw std::runtime_error("rules version " + std::to_string(v));
        entries.push_back({static_cast<core::Rules>(v), r.at("from").get<uint64_t>()});
      }
      const std::string bad = core::RulesSchedule::validate(entries);
      if (!bad.empty()) throw std::runtime_error("rules: " + bad);
      g.rules = core::RulesSchedule::from_entries(std::move(entries));
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(path + " is not a valid genesis file: " + e.what());
  }
  return g;
}

// What of a data directory besides genesis.json exists: journal segments, the head file.
std::string holds_blocks(store::Env* env, const std::string& dir) {
  std::vector<std::string> names;
  env->list(store::journal_dir(dir), &names);
  size_t segs = 0;
  for (const std::string& n : names)
    segs += n.size() > 4 && n.compare(n.size() - 4, 4, ".seg") == 0 ? 1 : 0;
  std::string what;
  if (segs > 0) what = "a journal (" + std::to_string(segs) + " segment files)";
  if (env->exists(store::head_path(dir))) what += what.empty() ? "a head file" : " and a head file";
  return what;
}

[[noreturn]] void refuse_genesis(store::Env* env, const std::string& dir, const std::string& path,
                                 const std::string& problem, const std::string& holds) {
  std::string m = path + " " + problem + ", but " + dir + " holds " + holds +
                  ": the node does not start, and does not write a new genesis (it would not "
                  "match the journal's blocks). Restore genesis.json from a backup of this data "
                  "directory";
  store::HeadRecord h;
  std::string unused;
  if (store::read_head(env, dir, &h, &unused) == store::HeadRead::kOk) {
    GenesisFile g;
    g.chain_id = h.chain_id;
    g.operator_account = h.operator_account;
    g.timestamp = h.genesis_timestamp;
    const std::string j = json{
        {"chainId", g.chain_id},
        {"operator", g.operator_account.checksum_hex()},
        {"timestamp",
         g.timestamp}}.dump();
    m += "; " + store::head_path(dir) + " records its parameters: a genesis.json holding " + j +
         " restores it (the node checks it against the journal's first block)";
  }
  throw std::runtime_error(m);
}

std::string read_only_hint(const std::string& error) {
  if (error.find("Read-only file system") != std::string::npos ||
      error.find("Permission denied") != std::string::npos ||
      error.find("Operation not permitted") != std::string::npos) {
    return " (a read-only filesystem, or a data directory this user may not write?)";
  }
  return "";
}

// mkdir -p through the Env.
void make_dirs(store::Env* env, const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    if (store::IoStatus s = env->make_dir(dir.substr(0, i)); !s.ok()) {
      throw std::runtime_error("cannot create " + dir + ": " + s.error + read_only_hint(s.error));
    }
  }
}

}  // namespace

std::optional<GenesisFile> read_genesis_file(const std::string& data_dir, store::Env* env) {
  const std::string path = store::join_path(data_dir, "genesis.json");
  const std::string holds = holds_blocks(env, data_dir);
  if (!env->exists(path)) {
    if (holds.empty()) return std::nullopt;
    refuse_genesis(env, data_dir, path, "does not exist", holds);
  }
  Bytes data;
  if (store::IoStatus s = env->read_all(path, &data); !s.ok()) {
    throw std::runtime_error("cannot read " + path + ": " + s.error);
  }
  if (data.empty()) {
    // A power cut before the first fsync of an earlier version's non-durable write.
    if (holds.empty()) return std::nullopt;
    refuse_genesis(env, data_dir, path, "is empty", holds);
  }
  try {
    return parse_genesis(path, data);
  } catch (const std::runtime_error& e) {
    if (holds.empty()) throw;
    refuse_genesis(env, data_dir, path, std::string("is damaged (") + e.what() + ")", holds);
  }
}

void write_genesis_file(const std::string& data_dir, const GenesisFile& g, store::Env* env) {
  const std::string text = genesis_json(g);
  const store::IoStatus s = store::write_file_atomically(
      env, data_dir, "genesis.json",
      BytesView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  if (!s.ok()) throw std::runtime_error(s.error + read_only_hint(s.error));
}

std::vector<crypto::PrivateKey> dev_keys(size_t n) {
  std::vector<crypto::PrivateKey> keys;
  for (uint32_t i = 0; i < n; ++i) {
    auto k = crypto::derive_from_mnemonic(crypto::kDevMnemonic, i);
    if (!k) throw std::runtime_error("cannot derive the dev accounts");
    keys.push_back(*k);
  }
  return keys;
}

GenesisFile load_or_create_genesis(const NodeOptions& o, uint64_t now) {
  store::Env* env = o.env != nullptr ? o.env : store::posix_env();
  const std::string path = store::join_path(o.data_dir, "genesis.json");
  if (std::optional<GenesisFile> found = read_genesis_file(o.data_dir, env)) {
    const GenesisFile& g = *found;
    if (o.chain_id && *o.chain_id != g.chain_id) {
      throw std::runtime_error("--chain-id " + std::to_string(*o.chain_id) + " contradicts " +
                               path + " (chain id " + std::to_string(g.chain_id) +
                               "): the chain id is fixed at genesis; omit --chain-id or use "
                               "another --data directory");
    }
    if (o.operator_account && *o.operator_account != g.operator_account) {
      throw std::runtime_error("--operator " + o.operator_account->checksum_hex() +
                               " contradicts " + path + " (operator " +
                               g.operator_account.checksum_hex() + ")");
    }
    return g;
  }
  GenesisFile g;
  g.chain_id = o.chain_id.value_or(kDefaultChainId);
  if (g.chain_id == 0) throw std::runtime_error("--chain-id must not be 0");
  if (o.operator_account) {
    g.operator_account = *o.operator_account;
  } else if (o.dev) {
    g.operator_account = dev_keys(1)[0].address();
  } else {
    throw std::runtime_error("--operator ADDRESS is required on first start without --dev (" +
                             path + " does not exist yet)");
  }
  g.timestamp = now;
  g.rules = core::RulesSchedule::fresh();  // a new chain runs the latest rules from genesis
  make_dirs(env, o.data_dir);
  write_genesis_file(o.data_dir, g, env);
  return g;
}

Node::Node(NodeOptions options)
    : options_(std::move(options)), genesis_(load_or_create_genesis(options_, wall_seconds())) {
  chain::ChainConfig cfg;
  cfg.genesis.chain_id = genesis_.chain_id;
  cfg.genesis.operator_account = genesis_.operator_account;
  cfg.genesis_timestamp = genesis_.timestamp;
  cfg.rules = genesis_.rules;
  store::StoreOptions so;
  so.image_every = options_.image_every;
  so.image_every_tx = options_.image_every_tx;
  so.segment_bytes = options_.segment_bytes;
  so.accept_truncation = options_.accept_truncation;
  std::unique_ptr<chain::Chain> chain;
  store::Env* env = options_.env != nullptr ? options_.env : store::posix_env();
  const std::string error =
      store::Store::open(env, options_.data_dir, cfg, so, &store_, &chain, &recovery_);
  for (const std::string& w : recovery_.warnings)
    log_event(LogLevel::kWarn, "journal_warning", {{"message", w}});
  if (!error.empty()) {
    const std::string see = " (nothing is served; see README, \"Operating a data directory\")";
    switch (recovery_.failure) {
      case store::OpenFailure::kIo:
        throw std::runtime_error(error + read_only_hint(error) + see);
      case store::OpenFailure::kTruncated:
        throw std::runtime_error("blocks are missing from the journal in " + options_.data_dir +
                                 ": " + error + see);
      default:
        throw std::runtime_error("the journal in " + options_.data_dir + " is damaged: " + error +
                                 see);
    }
  }
  log_event(LogLevel::kInfo, "recovered",
            {{"head", recovery_.head},
             {"image", recovery_.image_block ? json(*recovery_.image_block) : json()},
             {"loadedBlocks", recovery_.loaded_blocks},
             {"replayedBlocks", recovery_.replayed_blocks},
             {"replayedTransactions", recovery_.replayed_transactions},
             {"seconds", recovery_.seconds}});
  // A stoa with newer rules than the directory records: they start at the next block, recorded
  // durably before any block runs under them (the blocks on disk replayed under their own).
  if (genesis_.rules.upgrade(chain->height())) {
    write_genesis_file(options_.data_dir, genesis_, env);
    chain->set_rules(genesis_.rules);
    log_event(LogLevel::kInfo, "rules_scheduled",
              {{"version", static_cast<uint32_t>(genesis_.rules.latest_scheduled())},
               {"fromBlock", genesis_.rules.entries().back().from_block}});
  }
  store::Store* st = store_.get();
  Ledger::Durability durability;
  durability.needs_state = [st](const chain::Block& b) { return st->image_due(b); };
  durability.make_durable = [st](const chain::Block& b, const core::State* state) {
    std::string warning;
    const store::IoStatus s = state != nullptr ? st->on_sealed(b, *state, &warning) : st->append(b);
    if (!warning.empty()) log_event(LogLevel::kWarn, "image_failed", {{"message", warning}});
    if (!s.ok()) {
      // Fail-stop: the block is not durable, so nothing about it may be published. On
      // restart, recovery truncates the partial record.
      log_event(LogLevel::kError, "journal_write_failed",
                {{"block", b.header.number}, {"error", s.error}});
      std::fprintf(stderr, "stoa serve: journal write failed at block %llu: %s; stopping\n",
                   static_cast<unsigned long long>(b.header.number), s.error.c_str());
      std::_Exit(70);
    }
  };
  ledger_ = std::make_unique<Ledger>(with_past_window(std::move(chain), options_.past_blocks),
                                     metrics_, options_.max_batch_delay, std::move(durability));
  Ledger::Admission admission;
  admission.enabled = true;
  for (const Address& a : options_.allow)
    admission.allow.insert(a);
  if (options_.dev) {
    for (const crypto::PrivateKey& k : dev_keys())
      admission.allow.insert(k.address());
  }
  ledger_->set_admission(std::move(admission));
  EthApiOptions eo;
  eo.dev = options_.dev;
  eo.sync_submit = options_.sync_submit;
  if (options_.dev) {
    for (const crypto::PrivateKey& k : dev_keys())
      eo.dev_accounts.push_back(k.address());
  }
  eth_ = std::make_unique<EthApi>(*ledger_, metrics_, std::move(eo));
  rest_ = std::make_unique<RestApi>(*ledger_, metrics_);
  kyc_ = std::make_unique<KycIntake>(*ledger_, options_.kyc);
  if (options_.dev && kyc_->enabled() && genesis_.operator_account == dev_keys(1)[0].address()) {
    kyc_->dev_setup(dev_keys(1)[0]);
  }
  install_routes();
}

Node::~Node() {
  stop();
  ledger_->set_block_listener(nullptr);
  ledger_->stop();
}

std::vector<std::string> Node::rest_paths() {
  std::vector<std::string> out;
  for (const RestRoute& r : rest_->routes())
    out.push_back(r.openapi_path);
  out.push_back("/v1/kyc");
  out.push_back("/v1/kyc/webhook");
  for (const RestRoute& r : options_.extra_routes)
    out.push_back(r.openapi_path);
  return out;
}

void Node::install_routes() {
  for (RestRoute& r : rest_->routes()) {
    std::string label = r.openapi_path.starts_with("/v1/") ? "rest" : r.openapi_path.substr(1);
    routes_.push_back({std::regex(r.pattern), std::move(label), std::move(r.handler)});
  }
  routes_.push_back({std::regex("/v1/kyc"), "rest",
                     [this](HttpRequest&, HttpResponse& res) { send_json(res, kyc_->info()); }});
  for (const RestRoute& r : options_.extra_routes)
    routes_.push_back({std::regex(r.pattern), "rest", r.handler, r.method});
  HttpServerHandlers h;
  h.http = [this](HttpRequest& req, HttpResponse& res) { handle_http(req, res); };
  h.body_limit = [](const HttpRequest& req) {
    return req.path == "/v1/kyc/webhook" ? kMaxKycBodyBytes : kMaxBodyBytes;
  };
  h.too_large = [](const HttpRequest& req, size_t limit, HttpResponse& res) {
    const bool kyc = req.path == "/v1/kyc/webhook";
    const std::string msg = std::string(kyc ? "a KYC webhook body" : "a request body") +
                            " is at most " + std::to_string(limit) + " bytes";
    if (req.method == "POST" && req.path == "/") {
      res.status = 413;
      res.set_content(to_wire(error_response(nullptr, RpcError(rpc_code::kLimitExceeded, msg))),
                      "application/json");
    } else {
      send_rest_error(res, 413, "payload_too_large", msg);
    }
  };
  h.ws_message = [this](const std::shared_ptr<WsConnection>& conn, const std::string& body) {
    handle_ws(conn, body);
  };
  h.ws_closed = [this](const std::shared_ptr<WsConnection>& conn) {
    subscriptions_.remove(conn->id());
  };
  h.cors = options_.cors ? *options_.cors : options_.dev ? CorsPolicy::allow_any() : CorsPolicy{};
  server_ = std::make_unique<HttpServer>(std::move(h));
  ledger_->set_block_listener([this](const chain::Block& b) { subscriptions_.publish(b); });
  ledger_->set_pending_listener(
      [this](const Bytes32& tx_hash) { subscriptions_.publish_pending(tx_hash); });
}

void Node::handle_http(HttpRequest& req, HttpResponse& res) {
  const auto start = std::chrono::steady_clock::now();
  const char* label = nullptr;
  try {
    if (req.method == "POST" && (req.path == "/" || req.path == "/v1/kyc/webhook")) {
      const bool rpc = req.path == "/";
      // Only JSON: a browser cannot send it cross-site without a CORS preflight.
      if (!is_json_content_type(req.get_header_value("Content-Type"))) {
        const std::string msg = "Content-Type must be application/json (got \"" +
                                req.get_header_value("Content-Type") + "\")";
        if (rpc) {
          res.status = 415;
          res.set_content(
              to_wire(error_response(nullptr, RpcError(rpc_code::kInvalidRequest, msg))),
              "application/json");
        } else {
          send_rest_error(res, 415, "unsupported_media_type", msg);
        }
        return;
      }
      if (rpc) {
        label = "rpc";
        const std::string& client = req.remote_address;
        const RpcResponse r = handle_rpc_body(
            req.body,
            [this, &client](const std::string& method, const json& params) {
              return eth_->handle(method, params, client);
            },
            [this](size_t requests) { return eth_->fast_body(requests); });
        res.status = r.http_status;
        if (!r.body.empty()) res.set_content(r.body, "application/json");
      } else {
        label = "kyc";
        kyc_->handle(req, res);
      }
    } else if (req.method == "GET") {
      label = dispatch(req, res, "GET");
      if (label == nullptr) {
        if (req.path == "/" || req.path == "/v1/kyc/webhook") {
          send_rest_error(res, 405, "method_not_allowed", "method GET not allowed");
        } else {
          send_rest_error(res, 404, "not_found", "no route GET " + req.path);
        }
      }
    } else {
      // An adapter's POST or DELETE route (a POST's body is JSON: checked in dispatch).
      if (req.method == "POST" || req.method == "DELETE") label = dispatch(req, res, req.method);
      if (label == nullptr) refuse_method(req, res);
    }
  } catch (const RestError& e) {
    send_rest_error(res, e.status, e.code, e.message);
  }
  if (label != nullptr) {
    metrics_.on_http(
        label, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
}

void Node::refuse_method(const HttpRequest& req, HttpResponse& res) const {
  bool known = req.path == "/" || req.path == "/v1/kyc/webhook";
  for (const Route& r : routes_)
    known = known || std::regex_match(req.path, r.pattern);
  if (known) {
    send_rest_error(res, 405, "method_not_allowed", "method " + req.method + " not allowed");
  } else {
    send_rest_error(res, 404, "not_found", "no route " + req.method + " " + req.path);
  }
}

const char* Node::dispatch(HttpRequest& req, HttpResponse& res, const std::string& method) {
  for (const Route& r : routes_) {
    std::smatch m;
    if (r.method != method || !std::regex_match(req.path, m, r.pattern)) continue;
    req.matches.assign(m.begin(), m.end());
    // Only JSON: a browser cannot send it cross-site without a CORS preflight.
    if (method == "POST" && !is_json_content_type(req.get_header_value("Content-Type"))) {
      send_rest_error(res, 415, "unsupported_media_type",
                      "Content-Type must be application/json (got \"" +
                          req.get_header_value("Content-Type") + "\")");
    } else {
      r.handler(req, res);
    }
    return r.label.c_str();
  }
  return nullptr;
}

void Node::handle_ws(const std::shared_ptr<WsConnection>& conn, const std::string& body) {
  bool subscribed = false;
  const RpcResponse r = handle_rpc_body(
      body,
      [this, &conn, &subscribed](const std::string& method, const json& params) -> json {
        if (method == "eth_subscribe") {
          json id = subscriptions_.subscribe(conn, params);
          subscribed = true;
          return id;
        }
        if (method == "eth_unsubscribe") {
          check_param_count(params, 1, 1);
          if (!params[0].is_string()) invalid_params("subscription id: expected a string");
          return subscriptions_.unsubscribe(conn->id(), params[0].get<std::string>());
        }
        return eth_->handle(method, params, conn->remote_address());
      },
      [this](size_t requests) { return eth_->fast_body(requests); });
  if (!r.body.empty()) conn->send(r.body);
  // After the answer is queued: its notifications follow it.
  if (subscribed) subscriptions_.activate(conn->id());
}

void Node::bind() {
  raise_open_file_limit();
  port_ = server_->bind(options_.host, options_.port);
  bound_ = true;
  log_event(LogLevel::kInfo, "listen",
            {{"address", options_.host + ":" + std::to_string(port_)},
             {"chainId", genesis_.chain_id},
             {"dev", options_.dev}});
}

void Node::serve() {
  if (!bound_) bind();
  serving_ = true;
  server_->run();
}

void Node::start() {
  if (!bound_) bind();
  serving_ = true;
  thread_ = std::thread([this] { server_->run(); });
}

void Node::stop() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace stoa::node
