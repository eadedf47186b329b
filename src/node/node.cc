// Wiring: genesis file, ledger, JSON-RPC and REST over cpp-httplib.
#include "stoa/node/node.h"

#include <fcntl.h>
#include <unistd.h>

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
    if (j.contains("meteringFromBlock")) {
      g.metering_from_block = j.at("meteringFromBlock").get<uint64_t>();
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + " is not a valid genesis file: " + e.what());
  }
  return g;
}

// Written to a temporary file, synced, renamed over the old one, and the directory synced: the
// metering height must be durable before any block it governs is.
void write_genesis(const fs::path& path, const GenesisFile& g) {
  json j = {{"chainId", g.chain_id},
            {"operator", g.operator_account.checksum_hex()},
            {"timestamp", g.timestamp}};
  if (g.metering_from_block != chain::kNeverMetered) j["meteringFromBlock"] = g.metering_from_block;
  const fs::path tmp = path.string() + ".tmp";
  const std::string text = j.dump(2) + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp.string());
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + tmp.string());
  fs::rename(tmp, path);
  const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
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
  g.metering_from_block = 0;  // a new chain meters from its first block
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
  cfg.metering_from_block = genesis_.metering_from_block;
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
  if (genesis_.metering_from_block == stoa::chain::kNeverMetered) {
    // A data directory written before metering: its blocks replayed as written; blocks from the
    // next one on are metered. Recorded before anything is sealed.
    genesis_.metering_from_block = chain->height() + 1;
    chain->set_metering_from_block(genesis_.metering_from_block);
    write_genesis(fs::path(options_.data_dir) / "genesis.json", genesis_);
    log_event(LogLevel::kInfo, "metering_enabled", {{"fromBlock", genesis_.metering_from_block}});
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
  server_.set_payload_max_length(kMaxBodyBytes);
  // Small responses must not wait for the peer's delayed ACK (Nagle): answers go out at once.
  server_.set_tcp_nodelay(true);
  // cpp-httplib closes a keep-alive connection after this many requests (5 by default); a
  // client posting batches would otherwise reconnect every few requests.
  server_.set_keep_alive_max_count(kKeepAliveMaxRequests);
  auto timed = [this](std::string handler, auto fn) {
    return [this, handler = std::move(handler), fn](const httplib::Request& req,
                                                    httplib::Response& res) {
      const auto start = std::chrono::steady_clock::now();
      fn(req, res);
      metrics_.on_http(
          handler, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    };
  };
  server_.Post("/", timed("rpc", [this](const httplib::Request& req, httplib::Response& res) {
                 const RpcResponse r = handle_rpc_body(
                     req.body,
                     [this](const std::string& method, const json& params) {
                       return eth_->handle(method, params);
                     },
                     [this](size_t requests) { return eth_->fast_body(requests); });
                 res.status = r.http_status;
                 if (!r.body.empty()) res.set_content(r.body, "application/json");
               }));
  for (RestRoute& r : rest_->routes()) {
    const std::string label =
        r.openapi_path.starts_with("/v1/") ? "rest" : r.openapi_path.substr(1);
    server_.Get(r.pattern, timed(label, [h = std::move(r.handler)](const httplib::Request& req,
                                                                   httplib::Response& res) {
                  try {
                    h(req, res);
                  } catch (const RestError& e) {
                    send_rest_error(res, e.status, e.code, e.message);
                  }
                }));
  }
  server_.Post("/v1/kyc/webhook",
               timed("kyc", [this](const httplib::Request& req, httplib::Response& res) {
                 kyc_->handle(req, res);
               }));
  server_.Get("/v1/kyc", timed("rest", [this](const httplib::Request&, httplib::Response& res) {
                send_json(res, kyc_->info());
              }));
  server_.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, const std::exception_ptr& ep) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        log_event(LogLevel::kError, "http_exception", {{"path", req.path}, {"error", what}});
        send_rest_error(res, 500, "internal", "internal error");
      });
  server_.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req,
                                                                    httplib::Response& res) {
    if (res.status == 413) {
      const std::string msg = "request body exceeds " + std::to_string(kMaxBodyBytes) + " bytes";
      if (req.method == "POST" && req.path == "/") {
        res.set_content(to_wire(error_response(nullptr, RpcError(rpc_code::kLimitExceeded, msg))),
                        "application/json");
      } else {
        send_rest_error(res, 413, "payload_too_large", msg);
      }
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 404) {
      send_rest_error(res, 404, "not_found", "no route " + req.method + " " + req.path);
    } else if (res.status == 405) {
      send_rest_error(res, 405, "method_not_allowed", "method " + req.method + " not allowed");
    } else {
      send_rest_error(res, res.status, "bad_request", "the request could not be served");
    }
    return httplib::Server::HandlerResponse::Handled;
  }));
}

void Node::bind() {
  if (options_.port == 0) {
    port_ = server_.bind_to_any_port(options_.host);
    if (port_ <= 0) throw std::runtime_error("cannot listen on " + options_.host + ":0");
  } else {
    if (!server_.bind_to_port(options_.host, options_.port)) {
      throw std::runtime_error("cannot listen on " + options_.host + ":" +
                               std::to_string(options_.port) + " (in use, or not permitted?)");
    }
    port_ = options_.port;
  }
  bound_ = true;
  log_event(LogLevel::kInfo, "listen",
            {{"address", options_.host + ":" + std::to_string(port_)},
             {"chainId", genesis_.chain_id},
             {"dev", options_.dev}});
}

void Node::serve() {
  if (!bound_) bind();
  serving_ = true;
  server_.listen_after_bind();
}

void Node::start() {
  if (!bound_) bind();
  serving_ = true;
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

void Node::stop() {
  if (serving_.load()) {
    // listen_after_bind may not have started yet: stop() is a no-op until it has.
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace stoa::node
