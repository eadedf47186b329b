// stoa_soak: a running node under normal load and hostile clients at once, for a given duration.
//
//   stoa_soak URL NODE_PID SECONDS
//
// Normal load (2 threads, keep-alive): eth_chainId, eth_blockNumber, eth_getBalance and signed
// transactions (eth_sendRawTransaction from dev accounts 5..8, a hasRole call on the factory; each
// answer checked against the transaction's hash; every one must have a receipt at the end). Hostile
// clients (each with its own source address on 127.0.0.0/8):
//   - 2,000 idle connections (reopened when the node closes them);
//   - 100 slowloris connections dribbling a header byte per second;
//   - oversized bodies (Content-Length 9 MiB) and chunked floods (up to 32 MiB): must be 413;
//   - JSON-RPC bodies nested 100,000 deep: must be answered -32005.
// Reports the normal requests' p50/p99 latency and the node's RSS (/proc/PID/status VmRSS) at the
// start and the end. Exit status 1 if a normal request failed or was answered wrongly, a hostile
// request was served instead of refused, or the node died. Asserts nothing about speed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "stoa/chain/transaction.h"
#include "stoa/crypto/secp256k1.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int g_port = 0;
std::atomic<bool> g_stop{false};
std::atomic<uint64_t> g_failures{0};
std::mutex g_log_mu;

void fail(const std::string& what) {
  std::lock_guard lock(g_log_mu);
  if (g_failures.fetch_add(1) < 20) std::fprintf(stderr, "FAIL: %s\n", what.c_str());
}

// A blocking socket from a loopback source address; -1 on failure.
int dial(const std::string& source, int timeout_seconds) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{timeout_seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &src.sin_addr);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(g_port));
  ::inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// The status line and body of one response (Content-Length framing); status 0 on close.
std::pair<int, std::string> read_response(int fd) {
  std::string buf;
  char b[65536];
  size_t end = 0;
  while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
    const ssize_t n = ::recv(fd, b, sizeof b, 0);
    if (n <= 0) return {0, ""};
    buf.append(b, static_cast<size_t>(n));
  }
  int status = 0;
  std::sscanf(buf.c_str(), "HTTP/1.1 %d", &status);
  std::string head = buf.substr(0, end);
  for (char& c : head)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t length = 0;
  if (size_t at = head.find("content-length:"); at != std::string::npos) {
    length = std::stoul(head.substr(at + 15));
  }
  while (buf.size() < end + 4 + length) {
    const ssize_t n = ::recv(fd, b, sizeof b, 0);
    if (n <= 0) break;
    buf.append(b, static_cast<size_t>(n));
  }
  return {status, buf.substr(end + 4)};
}

long rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

std::string hex_of(const stoa::Bytes& b) {
  static const char* d = "0123456789abcdef";
  std::string s = "0x";
  for (uint8_t x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

struct Normal {
  std::vector<double> ms;
  std::vector<std::string> tx_hashes;
};

uint64_t quantity(const json& v) {
  return std::stoull(v.get<std::string>(), nullptr, 16);
}

void normal_client(int index, Normal* out) {
  httplib::Client cli("127.0.0.1", g_port);
  cli.set_keep_alive(true);
  // Headers and body go out in two writes: without TCP_NODELAY the body waits for the node's
  // delayed ACK (40 ms), and the figure would measure the client's Nagle, not the node.
  cli.set_tcp_nodelay(true);
  cli.set_read_timeout(30, 0);
  const stoa::crypto::PrivateKey key =
      *stoa::crypto::derive_from_mnemonic(stoa::crypto::kDevMnemonic, 5 + index);
  const stoa::Address to =
      stoa::crypto::derive_from_mnemonic(stoa::crypto::kDevMnemonic, 9)->address();
  auto call = [&](const json& req) -> json {
    const auto t0 = Clock::now();
    auto res = cli.Post("/", req.dump(), "application/json");
    out->ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!res || res->status != 200) {
      fail("normal request " + req["method"].get<std::string>() + ": " +
           (res ? std::to_string(res->status) : httplib::to_string(res.error())));
      return json();
    }
    json j = json::parse(res->body, nullptr, false);
    if (!j.is_object() || !j.contains("result")) fail("normal request answered: " + res->body);
    return j.value("result", json());
  };
  json n = call({{"jsonrpc", "2.0"},
                 {"id", 1},
                 {"method", "eth_getTransactionCount"},
                 {"params", {key.address().checksum_hex(), "pending"}}});
  uint64_t nonce = n.is_string() ? quantity(n) : 0;
  for (uint64_t i = 0; !g_stop.load(); ++i) {
    switch (i % 4) {
      case 0:
        if (call({{"jsonrpc", "2.0"}, {"id", i}, {"method", "eth_chainId"}}) != "0x539") {
          fail("eth_chainId is not 0x539");
        }
        break;
      case 1:
        call({{"jsonrpc", "2.0"}, {"id", i}, {"method", "eth_blockNumber"}});
        break;
      case 2:
        call({{"jsonrpc", "2.0"},
              {"id", i},
              {"method", "eth_getBalance"},
              {"params", {to.checksum_hex(), "latest"}}});
        break;
      default: {
        stoa::chain::Transaction tx;
        tx.chain_id = 1337;
        tx.nonce = nonce++;
        tx.gas_limit = 100'000;
        // A call every admitted account may make (admission refuses calls that cannot run):
        // the factory's hasRole(DEFAULT_ADMIN_ROLE, to), answered in a receipt with status 1.
        tx.to = *stoa::Address::parse("0x5704000000000000000000000000000000000001");
        tx.data = {0x91, 0xd1, 0x48, 0x54};
        tx.data.resize(4 + 32 + 12, 0);
        tx.data.insert(tx.data.end(), to.b.begin(), to.b.end());
        const stoa::chain::SignedTransaction st = stoa::chain::sign_transaction(tx, key);
        const json h = call({{"jsonrpc", "2.0"},
                             {"id", i},
                             {"method", "eth_sendRawTransaction"},
                             {"params", {hex_of(st.raw)}}});
        if (h != st.hash.hex()) {
          fail("eth_sendRawTransaction answered " + h.dump());
          break;  // not acknowledged: no receipt to wait for
        }
        out->tx_hashes.push_back(st.hash.hex());
      }
    }
  }
}

std::atomic<uint64_t> g_refused{0};

void idle_clients(size_t count) {
  std::vector<int> fds(count, -1);
  while (!g_stop.load()) {
    for (size_t i = 0; i < count; ++i) {
      if (fds[i] >= 0) {
        char b;
        const ssize_t n = ::recv(fds[i], &b, 1, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
          ::close(fds[i]);
          fds[i] = -1;
        }
      }
      if (fds[i] < 0) fds[i] = dial("127.0.0." + std::to_string(10 + i / 200), 5);
    }
    for (int s = 0; s < 10 && !g_stop.load(); ++s)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (int fd : fds)
    if (fd >= 0) ::close(fd);
}

void slowloris_clients(size_t count) {
  std::vector<int> fds(count, -1);
  while (!g_stop.load()) {
    for (size_t i = 0; i < count; ++i) {
      if (fds[i] >= 0 && !send_all(fds[i], "X")) {
        ::close(fds[i]);
        fds[i] = -1;
      }
      if (fds[i] < 0) {
        fds[i] = dial("127.0.0.30", 5);
        if (fds[i] >= 0) send_all(fds[i], "POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      }
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  for (int fd : fds)
    if (fd >= 0) ::close(fd);
}

void oversized_clients() {
  const std::string chunk(1 << 20, ' ');
  for (uint64_t i = 0; !g_stop.load(); ++i) {
    const int fd = dial("127.0.0.40", 20);
    if (fd < 0) {
      fail("oversized client could not connect");
      continue;
    }
    bool sent = true;
    if (i % 2 == 0) {
      sent = send_all(fd,
                      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 9437184\r\n\r\n");
    } else {
      send_all(fd,
               "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n");
      for (int c = 0; c < 32 && sent; ++c)
        sent = send_all(fd, "100000\r\n" + chunk + "\r\n");
    }
    const auto [status, body] = read_response(fd);
    if (status == 413) {
      ++g_refused;
    } else {
      fail("an oversized body was answered " + std::to_string(status));
    }
    ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void deep_json_clients() {
  const size_t depth = 100'000;
  const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":)" +
                           std::string(depth, '[') + std::string(depth, ']') + "}";
  const std::string req =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  while (!g_stop.load()) {
    const int fd = dial("127.0.0.41", 20);
    if (fd < 0) {
      fail("deep JSON client could not connect");
      continue;
    }
    send_all(fd, req);
    const auto [status, text] = read_response(fd);
    const json j = json::parse(text, nullptr, false);
    if (status == 200 && j.is_object() && j.contains("error") && j["error"]["code"] == -32005) {
      ++g_refused;
    } else {
      fail("a deeply nested body was answered " + std::to_string(status) + " " +
           text.substr(0, 200));
    }
    ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: stoa_soak URL NODE_PID SECONDS\n");
    return 2;
  }
  const std::string url = argv[1];
  const size_t colon = url.rfind(':');
  g_port = std::atoi(url.c_str() + colon + 1);
  const int pid = std::atoi(argv[2]);
  const int seconds = std::atoi(argv[3]);
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  const long rss_start = rss_kib(pid);
  std::vector<Normal> normal(2);
  std::vector<std::thread> threads;
  threads.emplace_back(idle_clients, 2000);
  threads.emplace_back(slowloris_clients, 100);
  threads.emplace_back(oversized_clients);
  threads.emplace_back(deep_json_clients);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the hostile clients are in place
  for (int i = 0; i < 2; ++i)
    threads.emplace_back(normal_client, i, &normal[static_cast<size_t>(i)]);
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  long rss_peak = rss_start;
  while (Clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (::kill(pid, 0) != 0) {
      fail("the node is gone");
      break;
    }
    rss_peak = std::max(rss_peak, rss_kib(pid));
  }
  g_stop = true;
  for (std::thread& t : threads)
    t.join();
  const long rss_end = rss_kib(pid);
  // Every acknowledged transfer has a receipt.
  httplib::Client cli("127.0.0.1", g_port);
  cli.set_read_timeout(30, 0);
  std::vector<double> all;
  size_t txs = 0;
  for (const Normal& n : normal) {
    all.insert(all.end(), n.ms.begin(), n.ms.end());
    txs += n.tx_hashes.size();
    for (const std::string& h : n.tx_hashes) {
      json r;
      for (int attempt = 0; attempt < 100; ++attempt) {
        auto res = cli.Post("/",
                            json{{"jsonrpc", "2.0"},
                                 {"id", 1},
                                 {"method", "eth_getTransactionReceipt"},
                                 {"params", {h}}}
                                .dump(),
                            "application/json");
        r = res ? json::parse(res->body, nullptr, false) : json();
        if (r.is_object() && r.contains("result") && !r["result"].is_null()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (!r.is_object() || !r.contains("result") || r["result"].is_null()) {
        fail("no receipt for acknowledged transaction " + h);
        break;  // one is enough: do not wait for every other one
      }
      if (r["result"].value("status", "") != "0x1") fail("transaction " + h + " reverted");
    }
  }
  std::printf(
      "soak %d s: %zu normal requests (%zu signed transfers, all with receipts), p50 %.2f ms, "
      "p99 %.2f ms, max %.2f ms; %llu hostile requests refused; node RSS %ld KiB at start, "
      "%ld KiB peak, %ld KiB at end; %llu failures\n",
      seconds, all.size(), txs, pct(all, 0.5), pct(all, 0.99), pct(all, 1.0),
      static_cast<unsigned long long>(g_refused.load()), rss_start, rss_peak, rss_end,
      static_cast<unsigned long long>(g_failures.load()));
  if (all.empty()) fail("no normal request was made");
  if (g_refused.load() == 0) fail("no hostile request was refused");
  return g_failures.load() == 0 ? 0 : 1;
}
