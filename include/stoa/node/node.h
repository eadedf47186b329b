// The node: configuration and genesis file, the ledger (chain + sequencer), the JSON-RPC and
// REST handlers, and the HTTP server (cpp-httplib's thread pool) that serves them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "stoa/crypto/secp256k1.h"
#include "stoa/node/eth_api.h"
#include "stoa/node/kyc.h"
#include "stoa/node/ledger.h"
#include "stoa/node/metrics.h"
#include "stoa/node/rest_api.h"
#include "stoa/store/store.h"

namespace stoa::node {

inline constexpr uint64_t kDefaultChainId = 1337;
inline constexpr size_t kDevAccountCount = 10;
// Requests served on one keep-alive connection before the server closes it.
inline constexpr size_t kKeepAliveMaxRequests = 100;

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
  uint64_t snapshot_every = store::kDefaultSnapshotEvery;  // blocks; 0 = none
  uint64_t segment_bytes = store::kDefaultSegmentBytes;
};

// DIR/genesis.json: written on first start, reused after so the genesis is stable.
struct GenesisFile {
  uint64_t chain_id = kDefaultChainId;
  Address operator_account;
  uint64_t timestamp = 0;
  // "meteringFromBlock" (chain::ChainConfig::metering_from_block): 0 in a file this build
  // creates; absent (kNeverMetered) in a data directory written before metering, until the first
  // `stoa serve` of a metering build records the height after the head it found.
  uint64_t metering_from_block = chain::kNeverMetered;
};
// Reads DIR/genesis.json if it exists (throws std::runtime_error if it is malformed).
std::optional<GenesisFile> read_genesis_file(const std::string& data_dir);
// Loads or creates the genesis file; throws std::runtime_error with a clear message when the
// options contradict it or --operator is missing without --dev.
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
  void stop();

  const GenesisFile& genesis() const { return genesis_; }
  const NodeOptions& options() const { return options_; }
  const store::RecoveryReport& recovery() const { return recovery_; }
  Ledger& ledger() { return *ledger_; }
  // GET /v1/kyc: whether the KYC intake is on, its claim key and issuer identity.
  nlohmann::json kyc_info() const { return kyc_->info(); }
  // Every REST route (OpenAPI paths), for the documentation test.
  std::vector<std::string> rest_paths();

 private:
  void install_routes();

  NodeOptions options_;
  GenesisFile genesis_;
  Metrics metrics_;
  store::RecoveryReport recovery_;
  std::unique_ptr<store::Store> store_;  // outlives the ledger, whose sequencer drains into it
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<EthApi> eth_;
  std::unique_ptr<RestApi> rest_;
  std::unique_ptr<KycIntake> kyc_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  bool bound_ = false;
  std::atomic<bool> serving_{false};
};

}  // namespace stoa::node
