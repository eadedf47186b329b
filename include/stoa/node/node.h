// The node: configuration and genesis file, the ledger (chain + sequencer), the JSON-RPC and
// REST handlers, and the HTTP/WebSocket server (Boost.Beast, http_server.h) that serves them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "stoa/crypto/secp256k1.h"
#include "stoa/node/eth_api.h"
#include "stoa/node/http_server.h"
#include "stoa/node/kyc.h"
#include "stoa/node/ledger.h"
#include "stoa/node/metrics.h"
#include "stoa/node/rest_api.h"
#include "stoa/node/subscriptions.h"
#include "stoa/store/store.h"

namespace stoa::node {

inline constexpr uint64_t kDefaultChainId = 1337;
inline constexpr size_t kDevAccountCount = 10;

struct NodeOptions {
  std::string data_dir = "./stoa-data";
  std::string host = "127.0.0.1";
  int port = 8545;  // 0: an ephemeral port (see Node::port())
  std::optional<uint64_t> chain_id;
  std::optional<Address> operator_account;
  bool dev = false;
  bool sync_submit = false;
  std::chrono::milliseconds max_batch_delay{2};
  // The KYC/AML intake (POST /v1/kyc/webhook); off without it. With `dev`, the node sets up the
  // claim key's issuer identity and factory role (KycIntake::dev_setup).
  std::optional<KycOptions> kyc;
  // A state image once this many blocks or transactions have passed since the last (the first
  // to be reached; store::StoreOptions); 0 turns that trigger off.
  uint64_t image_every = store::kDefaultImageEvery;       // blocks
  uint64_t image_every_tx = store::kDefaultImageEveryTx;  // transactions
  // The operator's admission allow-list (docs/NODE.md, "Admission policy"): accounts admitted
  // without a standing on the ledger. With `dev`, the dev accounts are on it too.
  std::vector<Address> allow;
  uint64_t segment_bytes = store::kDefaultSegmentBytes;
  // Reads at past blocks (docs/NODE.md): the undo records of this many of the newest blocks are
  // kept (at most chain::kPastWindowBytes of them), counted from the node's start; 0: head only.
  uint64_t past_blocks = chain::kDefaultPastBlocks;
  // Start although the journal ends before the head DIR/HEAD records (store::StoreOptions).
  bool accept_truncation = false;
  // Which browser origins may call the node (stoa/node/cors.h); unset: every origin with `dev`,
  // none without.
  std::optional<CorsPolicy> cors;
  // The file layer for genesis.json and the store; nullptr = store::posix_env() (tests pass a
  // store::MemEnv to simulate power loss and read-only filesystems).
  store::Env* env = nullptr;
  // GET routes of adapters outside the node (the transfer agent's register, src/ta), served
  // after the node's own and documented in docs/openapi.json like them.
  std::vector<RestRoute> extra_routes;
};

// DIR/genesis.json: written on first start (atomically: temporary file, fsync, rename, fsync of
// DIR), reused after so the genesis is stable. Never rewritten from scratch once the directory
// holds blocks; its "rules" record (when each rules version activates) is the one part that grows:
// a newer stoa appends its latest version from the next block (docs/journal-format.md,
// "Versions").
inline constexpr uint32_t kGenesisFormatVersion = 1;  // "format" (absent: 1, the first files)
struct GenesisFile {
  uint32_t format = kGenesisFormatVersion;
  uint64_t chain_id = kDefaultChainId;
  Address operator_account;
  uint64_t timestamp = 0;
  // Absent from a file written before rules versions: version 1 from block 0.
  core::RulesSchedule rules;
};
// Reads DIR/genesis.json; nullopt when it is absent (or empty) and DIR holds no journal. Throws
// std::runtime_error if it is malformed, or absent/empty while DIR holds a journal or head file
// (the message says how to restore it, with the parameters DIR/HEAD records).
std::optional<GenesisFile> read_genesis_file(const std::string& data_dir,
                                             store::Env* env = store::posix_env());
// Writes DIR/genesis.json atomically and durably (temporary file, fsync, rename, directory fsync).
void write_genesis_file(const std::string& data_dir, const GenesisFile& g,
                        store::Env* env = store::posix_env());
// Loads or creates the genesis file; throws std::runtime_error with a clear message when the
// options contradict it, --operator is missing without --dev, or it is missing from a directory
// that holds blocks (it is then never written).
GenesisFile load_or_create_genesis(const NodeOptions& options, uint64_t now);

// The Hardhat/Anvil accounts of the dev mnemonic (m/44'/60'/0'/0/i).
std::vector<crypto::PrivateKey> dev_keys(size_t n = kDevAccountCount);

class Node {
 public:
  explicit Node(NodeOptions options);  // throws std::runtime_error on configuration errors
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Binds the listening socket (throws on failure); port() is known after.
  void bind();
  int port() const { return port_; }
  // Serves until stop() (blocking), or on a thread of its own.
  void serve();
  void start();
  // Stops serving: closes the listener and idle connections, lets requests being handled
  // finish (kShutdownGrace), then drains the sequencer (everything admitted is sealed and
  // durable). Idempotent.
  void stop();
  size_t connections() const { return server_->connections(); }

  const GenesisFile& genesis() const { return genesis_; }
  const NodeOptions& options() const { return options_; }
  const store::RecoveryReport& recovery() const { return recovery_; }
  Ledger& ledger() { return *ledger_; }
  // GET /v1/kyc: whether the KYC intake is on, its claim key and issuer identity.
  nlohmann::json kyc_info() const { return kyc_->info(); }
  // Every REST route (OpenAPI paths), for the documentation test.
  std::vector<std::string> rest_paths();

 private:
  struct Route {
    std::regex pattern;
    std::string label;  // for the metrics
    std::function<void(HttpRequest&, HttpResponse&)> handler;
    std::string method = "GET";
  };
  void install_routes();
  // A route of `method` matching the request's path: runs it and returns its label, or nullptr.
  const char* dispatch(HttpRequest& req, HttpResponse& res, const std::string& method);
  // 405 for a known path, else 404.
  void refuse_method(const HttpRequest& req, HttpResponse& res) const;
  void handle_http(HttpRequest& req, HttpResponse& res);
  void handle_ws(const std::shared_ptr<WsConnection>& conn, const std::string& body);

  NodeOptions options_;
  GenesisFile genesis_;
  Metrics metrics_;
  store::RecoveryReport recovery_;
  std::unique_ptr<store::Store> store_;  // outlives the ledger, whose sequencer drains into it
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<EthApi> eth_;
  std::unique_ptr<RestApi> rest_;
  std::unique_ptr<KycIntake> kyc_;
  Subscriptions subscriptions_;
  std::vector<Route> routes_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  bool bound_ = false;
  std::atomic<bool> serving_{false};
};

}  // namespace stoa::node
