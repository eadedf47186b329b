// The load of the crash test (tests/crash_test.sh): signed ERC-20 transfers from the dev
// accounts, sent to a `stoa serve --dev --sync-submit` that the script kills with SIGKILL at
// random moments. Every transaction whose eth_sendRawTransaction returned (= acknowledged: its
// block was fsynced) is appended to the acknowledgement log; after each kill the senders resync
// their nonces from the restarted node and go on.
//
//   crash_load setup URL                   create ACME, onboard accounts 3..9, mint to them
//   crash_load load URL ACK_LOG STOP_FILE  send until STOP_FILE exists (one thread per account)
#include <sys/stat.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "stoa/abi/abi.h"
#include "stoa/chain/transaction.h"
#include "stoa/cli/rpc_client.h"
#include "stoa/core/factory.h"
#include "stoa/core/state.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa {
namespace {

constexpr uint64_t kChainId = 1337;
constexpr uint32_t kFirstHolder = 3;
constexpr uint32_t kLastHolder = 9;

crypto::PrivateKey key(uint32_t i) {
  return *crypto::derive_from_mnemonic(crypto::kDevMnemonic, i);
}

Bytes calldata(std::string_view signature, const abi::ValueList& args) {
  return std::get<Bytes>(abi::encode_call(*abi::parse_signature(signature), args));
}

chain::SignedTransaction tx(const crypto::PrivateKey& k, uint64_t nonce, const Address& to,
                            Bytes data) {
  chain::Transaction t;
  t.type = chain::TxType::kDynamicFee;
  t.chain_id = kChainId;
  t.nonce = nonce;
  t.gas_limit = 1'000'000;
  t.to = to;
  t.data = std::move(data);
  return chain::sign_transaction(t, k);
}

const Address kToken = create_address(core::factory_address(), 0);
const Address kRegistry = create_address(core::factory_address(), 1);

bool exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

int setup(const std::string& url) {
  cli::RpcClient rpc(url);
  auto send = [&](uint32_t who, const Address& to, Bytes data) {
    const crypto::PrivateKey k = key(who);
    const auto t = tx(k, rpc.pending_nonce(k.address()), to, std::move(data));
    rpc.send_raw_transaction(t.raw);
    const auto r = rpc.wait_for_receipt(t.hash, std::chrono::seconds(30));
    if (r.at("status") != "0x1") throw std::runtime_error("set-up transaction failed");
  };
  send(0, core::factory_address(),
       calldata("createSecurity(string,string,uint8,uint8,address,address)",
                {"ACME Inc.", "ACME", 0, 5, key(1).address(), key(2).address()}));
  for (uint32_t i = kFirstHolder; i <= kLastHolder; ++i) {
    send(2, kRegistry,
         calldata("onboard(address,bytes2,uint8,uint256)",
                  {key(i).address(), abi::Value(Bytes{'U', 'S'}), 1, 0}));
    send(1, kToken, calldata("mint(address,uint256)", {key(i).address(), 1'000'000'000}));
  }
  std::printf("set up\n");
  return 0;
}

int load(const std::string& url, const std::string& ack_log, const std::string& stop_file) {
  std::mutex mu;
  std::ofstream acks(ack_log, std::ios::app);
  std::atomic<uint64_t> acked{0}, errors{0};
  std::vector<std::thread> threads;
  for (uint32_t i = kFirstHolder; i <= kLastHolder; ++i) {
    threads.emplace_back([&, i] {
      const crypto::PrivateKey k = key(i);
      uint64_t step = 0;
      while (!exists(stop_file)) {
        try {
          cli::RpcClient rpc(url);
          uint64_t nonce = rpc.pending_nonce(k.address());
          while (!exists(stop_file)) {
            const uint32_t to = kFirstHolder + static_cast<uint32_t>((i + 1 + step) % 7);
            // Every 7th is refused (more than the balance): a receipt with status 0.
            const uint64_t amount = (step % 7 == 6) ? 5'000'000'000ULL : 1 + step % 5;
            ++step;
            const auto real =
                tx(k, nonce, kToken,
                   calldata("transfer(address,uint256)", {key(to).address(), amount}));
            rpc.send_raw_transaction(real.raw);  // --sync-submit: returns once durable
            ++nonce;
            std::lock_guard lock(mu);
            acks << real.hash.hex() << "\n";
            acks.flush();
            ++acked;
          }
        } catch (const std::exception&) {
          ++errors;  // the node was killed: wait for it to come back, resync the nonce
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  std::printf("acknowledged %llu transactions, %llu connection errors\n",
              static_cast<unsigned long long>(acked.load()),
              static_cast<unsigned long long>(errors.load()));
  return 0;
}

}  // namespace
}  // namespace stoa

int main(int argc, char** argv) {
  using namespace stoa;
  try {
    const std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() == 2 && a[0] == "setup") return setup(a[1]);
    if (a.size() == 4 && a[0] == "load") return load(a[1], a[2], a[3]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash_load: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: crash_load setup URL | load URL ACK_LOG STOP_FILE\n");
  return 2;
}
