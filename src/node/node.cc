// Wiring: genesis file, ledger, JSON-RPC, REST and WebSocket over the node's HTTP server.
#include "stoa/node/node.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "stoa/node/log.h"
#include "stoa/node/rpc.h"

namespace stoa::node {
namespace {

namespace fs = std::filesystem;

uint64_t wall_seconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

GenesisFile read_genesis(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  GenesisFile g;
  try {
    const json j = json::parse(ss.str());
    g.chain_id = j.at("chainId").get<uint64_t>();
    auto op = Address::parse(j.at("operator").get<std::string>());
    if (!op) throw std::runtime_error("operator is not an address");
    g.operator_account = *op;
    g.timestamp = j.at("timestamp").get<uint64_t>();
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + " is not a valid genesis file: " + e.what());
  }
  return g;
}

void write_genesis(const fs::path& path, const GenesisFile& g) {
  const json j = {{"chainId", g.chain_id},
                  {"operator", g.operator_account.checksum_hex()},
                  {"timestamp", g.timestamp}};
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

}  // namespace

std::optional<GenesisFile> read_genesis_file(const std::string& data_dir) {
  const fs::path path = fs::path(data_dir) / "genesis.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  return read_genesis(path);
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
  const fs::path dir(o.data_dir);
  const fs::path path = dir / "genesis.json";
  std::error_code ec;
  if (fs::exists(path, ec)) {
    GenesisFile g = read_genesis(path);
    if (o.chain_id && *o.chain_id != g.chain_id) {
      throw std::runtime_error("--chain-id " + std::to_string(*o.chain_id) + " contradicts " +
                               path.string() + " (chain id " + std::to_string(g.chain_id) +
                               "): the chain id is fixed at genesis; omit --chain-id or use "
                               "another --data directory");
    }
    if (o.operator_account && *o.operator_account != g.operator_account) {
      throw std::runtime_error("--operator " + o.operator_account->checksum_hex() +
                               " contradicts " + path.string() + " (operator " +
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
                             path.string() + " does not exist yet)");
  }
  g.timestamp = now;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
  write_genesis(path, g);
  return g;
}

Node::Node(NodeOptions options)
    : options_(std::move(options)), genesis_(load_or_create_genesis(options_, wall_seconds())) {
  chain::ChainConfig cfg;
  cfg.genesis.chain_id = genesis_.chain_id;
  cfg.genesis.operator_account = genesis_.operator_account;
  cfg.genesis_timestamp = genesis_.timestamp;
  store::StoreOptions so;
  so.snapshot_every = options_.snapshot_every;
  so.segment_bytes = options_.segment_bytes;
  std::unique_ptr<chain::Chain> chain;
  const std::string error = store::Store::open(store::posix_env(), options_.data_dir, cfg, so,
                                               &store_, &chain, &recovery_);
  for (const std::string& w : recovery_.warnings)
    log_event(LogLevel::kWarn, "journal_warning", {{"message", w}});
  if (!error.empty()) {
    throw std::runtime_error("the journal in " + options_.data_dir + " is damaged: " + error +
                             " (nothing is served; see README, \"Operating a data directory\")");
  }
  log_event(LogLevel::kInfo, "recovered",
            {{"head", recovery_.head},
             {"snapshot", recovery_.snapshot_block ? json(*recovery_.snapshot_block) : json()},
             {"loadedBlocks", recovery_.loaded_blocks},
             {"replayedBlocks", recovery_.replayed_blocks},
             {"replayedTransactions", recovery_.replayed_transactions},
             {"seconds", recovery_.seconds}});
  store::Store* st = store_.get();
  Ledger::Durability durability;
  durability.needs_state = [st](const chain::Block& b) {
    return st->snapshot_due(b.header.number);
  };
  durability.make_durable = [st](const chain::Block& b, const core::State* state) {
    std::string warning;
    const store::IoStatus s = state != nullptr ? st->on_sealed(b, *state, &warning) : st->append(b);
    if (!warning.empty()) log_event(LogLevel::kWarn, "snapshot_failed", {{"message", warning}});
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
  ledger_ = std::make_unique<Ledger>(std::move(chain), metrics_, options_.max_batch_delay,
                                     std::move(durability));
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
  return out;
}

void Node::install_routes() {
  for (RestRoute& r : rest_->routes()) {
    std::string label = r.openapi_path.starts_with("/v1/") ? "rest" : r.openapi_path.substr(1);
    routes_.push_back({std::regex(r.pattern), std::move(label), std::move(r.handler)});
  }
  routes_.push_back({std::regex("/v1/kyc"), "rest",
                     [this](HttpRequest&, HttpResponse& res) { send_json(res, kyc_->info()); }});
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
  server_ = std::make_unique<HttpServer>(std::move(h));
  ledger_->set_block_listener([this](const chain::Block& b) { subscriptions_.publish(b); });
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
      for (const Route& r : routes_) {
        std::smatch m;
        if (!std::regex_match(req.path, m, r.pattern)) continue;
        req.matches.assign(m.begin(), m.end());
        label = r.label.c_str();
        r.handler(req, res);
        break;
      }
      if (label == nullptr) {
        if (req.path == "/" || req.path == "/v1/kyc/webhook") {
          send_rest_error(res, 405, "method_not_allowed", "method GET not allowed");
        } else {
          send_rest_error(res, 404, "not_found", "no route GET " + req.path);
        }
      }
    } else {
      bool known = req.path == "/" || req.path == "/v1/kyc/webhook";
      for (const Route& r : routes_)
        known = known || std::regex_match(req.path, r.pattern);
      if (known) {
        send_rest_error(res, 405, "method_not_allowed", "method " + req.method + " not allowed");
      } else {
        send_rest_error(res, 404, "not_found", "no route " + req.method + " " + req.path);
      }
    }
  } catch (const RestError& e) {
    send_rest_error(res, e.status, e.code, e.message);
  }
  if (label != nullptr) {
    metrics_.on_http(
        label, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
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
