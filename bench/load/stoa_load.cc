// stoa_load: a JSON-RPC load generator for compliance-checked ERC-20 transfers, used against a
// stoa node and against the ERC-3643 reference (T-REX on Hardhat) with the same code.
//
// The target must already hold the workload's set-up (bench/load/run.mjs does it for both):
// N investors whose keys are key_for_label("load.investor.<i>") (keccak256 of
// "stoa.key.load.investor.<i>"), laid out by index (see Layout) as
//   [0, normal)             eligible investors, 1,000,000 units each
//   [normal, +per)          blacklisted (stoa) / frozen wallet (T-REX), minted before that
//   [.., +per)              locked up (stoa lockup) / whole balance frozen (T-REX), minted
//   [.., +per)              onboarded in a blocked jurisdiction (IR), never minted
// and caps: stoa refuses a single transfer above kTransferCap; T-REX refuses a balance above
// kMaxBalance. The over-cap transfers here exceed both, the others neither (checked on a shadow
// model of the balances before anything is sent).
//
// Untimed: reads chain id, gas price, every sender's nonce and every investor's balance; draws
// M transfers from a seeded generator (about 90% eligible, 2.5% each of four refusals), signs
// them all (EIP-1559, every core) and pre-builds every batched request body.
// Timed: C connections each send their share of batches of eth_sendRawTransaction in order (a
// sender always goes to the same connection and appears at most once per batch, so nonces arrive
// in order); one poller fetches receipts in batches. The clock stops at the last receipt.
// Checked afterwards (exit status 1 on any mismatch): every send accepted with the expected hash,
// every receipt's status as predicted, the refused count exactly the expected one, and every
// investor's final balance (eth_call balanceOf) equal to the shadow model.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "stoa/chain/transaction.h"
#include "stoa/common/keccak.h"
#include "stoa/crypto/secp256k1.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using stoa::Address;
using stoa::Bytes;
using stoa::Bytes32;

constexpr uint64_t kTransferCap = 500'000;    // stoa: TransferRestriction.maxTransferAmount
constexpr uint64_t kMaxBalance = 1'500'000;   // T-REX: MaxBalanceModule.setMaxBalance
constexpr uint64_t kOverCapAmount = 600'000;  // above both for a receiver holding > 900,000
constexpr uint64_t kGasLimit = 1'000'000;     // when the node gives no estimate
// Over eth_estimateGas of one accepted transfer: the costlier paths of others (a receiver's
// new balance entry, a lockup record) still fit. Metered, a transaction's gas limit counts
// against its block's, so a tight limit keeps blocks full (docs/NODE.md, "Gas schedule").
constexpr uint64_t kGasMargin = 50'000;

struct Options {
  std::string url = "http://127.0.0.1:8545";
  std::string token;
  std::string label = "target";
  std::string json_out;
  uint64_t investors = 1000;
  uint64_t transfers = 10000;
  uint64_t seed = 1;
  unsigned concurrency = 4;
  unsigned batch = 100;
  unsigned timeout_s = 600;
};

[[noreturn]] void die(const std::string& msg) {
  std::cerr << "stoa_load: " << msg << "\n";
  std::exit(1);
}

void usage() {
  std::cerr << "usage: stoa_load --token ADDRESS [--url URL] [--investors N] [--transfers M]\n"
               "                 [--seed S] [--concurrency C] [--batch B] [--label NAME]\n"
               "                 [--json FILE] [--timeout SECONDS]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    auto num = [&]() -> uint64_t {
      std::string v = next();
      char* end = nullptr;
      uint64_t n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') die("not a number: " + a + " " + v);
      return n;
    };
    if (a == "--url")
      o.url = next();
    else if (a == "--token")
      o.token = next();
    else if (a == "--label")
      o.label = next();
    else if (a == "--json")
      o.json_out = next();
    else if (a == "--investors")
      o.investors = num();
    else if (a == "--transfers")
      o.transfers = num();
    else if (a == "--seed")
      o.seed = num();
    else if (a == "--concurrency")
      o.concurrency = static_cast<unsigned>(num());
    else if (a == "--batch")
      o.batch = static_cast<unsigned>(num());
    else if (a == "--timeout")
      o.timeout_s = static_cast<unsigned>(num());
    else
      usage();
  }
  if (o.token.empty()) usage();
  if (o.concurrency == 0 || o.batch == 0 || o.batch > 1000)
    die("concurrency >= 1, 1 <= batch <= 1000");
  return o;
}

// The investors by index; run.mjs computes the same layout.
struct Layout {
  uint64_t n, per, normal;
  explicit Layout(uint64_t investors) : n(investors), per(std::max<uint64_t>(1, investors / 50)) {
    if (n < 3 * per + 2) die("at least 5 investors are needed");
    normal = n - 3 * per;
  }
  uint64_t blacklisted(uint64_t k) const { return normal + k % per; }
  uint64_t locked(uint64_t k) const { return normal + per + k % per; }
  uint64_t blocked(uint64_t k) const { return normal + 2 * per + k % per; }
};

enum Kind : uint8_t { kOk, kToBlacklisted, kFromLocked, kToBlockedJurisdiction, kOverCap, kKinds };
constexpr const char* kKindNames[kKinds] = {"eligible", "to blacklisted/frozen", "from locked",
                                            "to blocked jurisdiction", "over cap"};

uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Reading the timed responses without building a JSON document (a batch of 1,000 receipts is
// about 1.5 MB of text; a document of it costs the shared CPU more than the checks need): a
// cursor over the text that returns each value's span. Strict enough for well-formed JSON,
// which both targets send; anything else ends the run with the text.
class Scan {
 public:
  explicit Scan(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}
  // The next value's text, skipped over.
  std::string_view value() {
    ws();
    const char* start = p_;
    if (p_ == end_) bad();
    switch (*p_) {
      case '"':
        for (++p_; p_ != end_ && *p_ != '"'; ++p_) {
          if (*p_ == '\\' && ++p_ == end_) bad();
        }
        if (p_ == end_) bad();
        ++p_;
        break;
      case '{':
      case '[': {
        const char close = *p_ == '{' ? '}' : ']';
        ++p_;
        ws();
        if (p_ != end_ && *p_ == close) {
          ++p_;
          break;
        }
        for (;;) {
          if (close == '}') {
            value();  // the key
            expect(':');
          }
          value();
          ws();
          if (p_ == end_) bad();
          if (*p_ == ',') {
            ++p_;
            continue;
          }
          if (*p_ != close) bad();
          ++p_;
          break;
        }
        break;
      }
      default:  // number, true, false, null
        while (p_ != end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && *p_ != ' ' && *p_ != '\n' &&
               *p_ != '\r' && *p_ != '\t')
          ++p_;
        if (p_ == start) bad();
    }
    return {start, static_cast<size_t>(p_ - start)};
  }
  // Calls f(element) for each element of an array value.
  template <typename F>
  static void elements(std::string_view array, F&& f) {
    Scan s(array);
    s.expect('[');
    s.ws();
    if (s.p_ != s.end_ && *s.p_ == ']') return;
    do {
      f(s.value());
    } while (s.next(']'));
  }
  // Calls f(key, value) for each member of an object value; the key without its quotes.
  template <typename F>
  static void members(std::string_view object, F&& f) {
    Scan s(object);
    s.expect('{');
    s.ws();
    if (s.p_ != s.end_ && *s.p_ == '}') return;
    do {
      std::string_view k = s.value();
      if (k.size() < 2 || k.front() != '"') s.bad();
      s.expect(':');
      f(k.substr(1, k.size() - 2), s.value());
    } while (s.next('}'));
  }

 private:
  void ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
      ++p_;
  }
  void expect(char c) {
    ws();
    if (p_ == end_ || *p_ != c) bad();
    ++p_;
  }
  bool next(char close) {  // after an element: true at ',', false at `close`
    ws();
    if (p_ != end_ && *p_ == ',') {
      ++p_;
      return true;
    }
    expect(close);
    return false;
  }
  [[noreturn]] void bad() const;
  const char* p_;
  const char* end_;
};

// A JSON string's contents (the targets send hex without escapes).
std::string_view unquote(std::string_view v) {
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return {};
  return v.substr(1, v.size() - 2);
}

// One HTTP/1.1 keep-alive connection posting JSON-RPC bodies.
class Conn {
 public:
  explicit Conn(const std::string& url) : cli_(url) {
    cli_.set_keep_alive(true);
    cli_.set_tcp_nodelay(true);
    cli_.set_read_timeout(300, 0);
    cli_.set_write_timeout(300, 0);
    cli_.set_connection_timeout(10, 0);
  }
  std::string post_text(const std::string& body) {
    auto res = cli_.Post("/", body, "application/json");
    if (!res) die("HTTP request failed: " + httplib::to_string(res.error()));
    if (res->status != 200) die("HTTP status " + std::to_string(res->status) + ": " + res->body);
    return std::move(res->body);
  }
  json post(const std::string& body) { return json::parse(post_text(body)); }
  // A batch of calls; results in request order (throws on any JSON-RPC error).
  std::vector<json> batch(const std::string& method, const std::vector<json>& params) {
    std::vector<json> out;
    for (size_t at = 0; at < params.size(); at += 500) {
      json req = json::array();
      const size_t end = std::min(params.size(), at + 500);
      for (size_t i = at; i < end; ++i)
        req.push_back({{"jsonrpc", "2.0"}, {"id", i}, {"method", method}, {"params", params[i]}});
      json res = post(req.dump());
      if (!res.is_array()) die(method + ": not a batch response: " + res.dump().substr(0, 300));
      std::vector<json> part(end - at);
      for (auto& r : res) {
        if (r.contains("error")) die(method + ": " + r["error"].dump());
        part.at(r["id"].get<size_t>() - at) = r["result"];
      }
      for (auto& p : part)
        out.push_back(std::move(p));
    }
    return out;
  }
  json call(const std::string& method, json params) {
    return batch(method, {std::move(params)}).at(0);
  }

 private:
  httplib::Client cli_;
};

void Scan::bad() const {
  die("malformed JSON in a response near: " +
      std::string(p_, static_cast<size_t>(std::min<ptrdiff_t>(end_ - p_, 200))));
}

// A hex quantity's text ("0x1a"), as a number.
uint64_t quantity_text(std::string_view q) {
  if (q.size() < 3 || q[0] != '0' || q[1] != 'x' || q.size() > 18) {
    die("expected a hex quantity, got " + std::string(q));
  }
  uint64_t v = 0;
  for (char c : q.substr(2)) {
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (d < 0) die("expected a hex quantity, got " + std::string(q));
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

// A non-negative JSON integer's text.
std::optional<size_t> index_text(std::string_view v) {
  if (v.empty() || v.size() > 18) return std::nullopt;
  size_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

uint64_t quantity(const json& v) {
  if (!v.is_string()) die("expected a hex quantity, got " + v.dump());
  return std::strtoull(v.get<std::string>().c_str() + 2, nullptr, 16);
}

uint64_t word_u64(const std::string& hex) {  // a uint256 result that fits 64 bits
  auto v = stoa::U256::from_hex(hex);
  if (!v || *v > stoa::U256(~0ULL)) die("unexpected balance " + hex);
  return v->low64();
}

Bytes calldata(uint32_t selector, const Address& a, std::optional<uint64_t> amount) {
  Bytes d(4 + 32 + (amount ? 32 : 0), 0);
  for (int i = 0; i < 4; ++i)
    d[i] = static_cast<uint8_t>(selector >> (24 - 8 * i));
  std::copy(a.b.begin(), a.b.end(), d.begin() + 4 + 12);
  if (amount) {
    for (int i = 0; i < 8; ++i)
      d[4 + 64 - 1 - i] = static_cast<uint8_t>(*amount >> (8 * i));
  }
  return d;
}

struct Planned {
  uint32_t from, to;
  uint64_t amount;
  Kind kind;
  uint64_t nonce;
  std::string raw_hex, hash_hex;
};

struct Outcome {
  Clock::time_point sent, received;
  bool done = false;
  bool status = false;
  uint64_t gas = 0;
  int code = -1;  // TransferRestricted(code) when the receipt carries stoa's revertData
};

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const auto token = Address::parse(o.token);
  if (!token) die("bad --token " + o.token);
  const Layout L(o.investors);
  const uint32_t kTransfer = stoa::selector_of("transfer(address,uint256)");
  const uint32_t kBalanceOf = stoa::selector_of("balanceOf(address)");
  const uint32_t kRestricted = stoa::selector_of("TransferRestricted(uint8)");

  // ---- untimed: keys, chain state
  const auto t_prep = Clock::now();
  std::vector<stoa::crypto::PrivateKey> keys(o.investors);
  std::vector<Address> addr(o.investors);
  for (uint64_t i = 0; i < o.investors; ++i) {
    keys[i] = stoa::crypto::key_for_label("load.investor." + std::to_string(i));
    addr[i] = keys[i].address();
  }
  Conn meta(o.url);
  const uint64_t chain_id = quantity(meta.call("eth_chainId", json::array()));
  const uint64_t gas_price = quantity(meta.call("eth_gasPrice", json::array()));
  auto balances_of = [&]() {
    std::vector<json> params;
    for (auto& a : addr)
      params.push_back(
          json::array({{{"to", token->lower_hex()},
                        {"data", stoa::to_hex_prefixed(calldata(kBalanceOf, a, std::nullopt))}},
                       "latest"}));
    std::vector<uint64_t> out;
    for (auto& r : meta.batch("eth_call", params))
      out.push_back(word_u64(r.get<std::string>()));
    return out;
  };
  std::vector<uint64_t> bal = balances_of();
  std::vector<uint64_t> nonce(o.investors);
  {
    std::vector<json> params;
    for (auto& a : addr)
      params.push_back(json::array({a.lower_hex(), "pending"}));
    auto r = meta.batch("eth_getTransactionCount", params);
    for (uint64_t i = 0; i < o.investors; ++i)
      nonce[i] = quantity(r[i]);
  }
  for (uint64_t i = 0; i < L.normal; ++i) {
    if (bal[i] == 0)
      die("investor " + std::to_string(i) + " holds nothing: the target is not set up for this " +
          "workload (bench/load/run.mjs sets it up)");
  }

  // ---- untimed: the workload, checked on a shadow model
  std::vector<Planned> plan(o.transfers);
  std::vector<uint64_t> model = bal;
  uint64_t rng = o.seed * 0x2545F4914F6CDD1DULL + 7;
  uint64_t expected_refused = 0;
  std::array<uint64_t, kKinds> per_kind{};
  for (auto& p : plan) {
    const uint64_t r = splitmix64(rng) % 1000;
    const uint64_t a = splitmix64(rng), b = splitmix64(rng);
    p.kind = r < 900   ? kOk
             : r < 925 ? kToBlacklisted
             : r < 950 ? kFromLocked
             : r < 975 ? kToBlockedJurisdiction
                       : kOverCap;
    uint64_t from = a % L.normal, to = b % L.normal;
    if (to == from) to = (to + 1) % L.normal;
    p.amount = 1 + splitmix64(rng) % 100;
    switch (p.kind) {
      case kToBlacklisted:
        to = L.blacklisted(b);
        break;
      case kFromLocked:
        from = L.locked(a);
        break;
      case kToBlockedJurisdiction:
        to = L.blocked(b);
        break;
      case kOverCap:
        p.amount = kOverCapAmount;
        break;
      default:
        break;
    }
    p.from = static_cast<uint32_t>(from);
    p.to = static_cast<uint32_t>(to);
    p.nonce = nonce[from]++;
    ++per_kind[p.kind];
    if (p.kind == kOk) {
      // Accepted by both systems: within the per-transfer cap, within the receiver's max
      // balance, covered by the sender's balance.
      if (p.amount > kTransferCap || model[to] + p.amount > kMaxBalance || model[from] < p.amount)
        die("the drawn workload would hit a cap by accident; use more investors");
      model[from] -= p.amount;
      model[to] += p.amount;
    } else {
      ++expected_refused;
      if (p.kind == kOverCap && (model[to] + p.amount <= kMaxBalance || model[from] < p.amount ||
                                 p.amount <= kTransferCap))
        die("an over-cap transfer would not exceed both caps; use more investors");
    }
  }
  // The gas limit: what an accepted transfer needs, plus kGasMargin.
  uint64_t gas_limit = kGasLimit;
  for (const auto& p : plan) {
    if (p.kind != kOk) continue;
    const json est = meta.call(
        "eth_estimateGas",
        json::array(
            {{{"from", addr[p.from].lower_hex()},
              {"to", token->lower_hex()},
              {"data", stoa::to_hex_prefixed(calldata(kTransfer, addr[p.to], p.amount))}}}));
    if (est.is_string()) gas_limit = quantity(est) + kGasMargin;
    break;
  }
  // Sign on every core.
  {
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (size_t j = t; j < plan.size(); j += threads) {
          auto& p = plan[j];
          stoa::chain::Transaction tx;
          tx.type = stoa::chain::TxType::kDynamicFee;
          tx.chain_id = chain_id;
          tx.nonce = p.nonce;
          tx.max_fee_per_gas = stoa::U256(gas_price);
          tx.max_priority_fee_per_gas = stoa::U256(gas_price);
          tx.gas_limit = gas_limit;
          tx.to = *token;
          tx.data = calldata(kTransfer, addr[p.to], p.amount);
          auto s = stoa::chain::sign_transaction(tx, keys[p.from]);
          p.raw_hex = stoa::to_hex_prefixed(s.raw);
          p.hash_hex = s.hash.hex();
        }
      });
    }
    for (auto& t : pool)
      t.join();
  }
  // Per connection, batches in plan order; a sender stays on one connection and appears at most
  // once per batch.
  struct Batch {
    std::vector<uint32_t> txs;
    std::string body;
  };
  std::vector<std::vector<Batch>> lanes(o.concurrency);
  {
    std::vector<std::vector<uint32_t>> queue(o.concurrency);
    for (uint32_t j = 0; j < plan.size(); ++j)
      queue[plan[j].from % o.concurrency].push_back(j);
    for (unsigned c = 0; c < o.concurrency; ++c) {
      std::vector<uint32_t> cur;
      std::vector<uint32_t> senders;
      auto flush = [&] {
        if (cur.empty()) return;
        Batch b;
        b.body = "[";
        for (size_t k = 0; k < cur.size(); ++k) {
          if (k) b.body += ',';
          b.body += R"({"jsonrpc":"2.0","id":)" + std::to_string(cur[k]) +
                    R"(,"method":"eth_sendRawTransaction","params":[")" + plan[cur[k]].raw_hex +
                    "\"]}";
        }
        b.body += "]";
        b.txs = std::move(cur);
        lanes[c].push_back(std::move(b));
        cur.clear();
        senders.clear();
      };
      for (uint32_t j : queue[c]) {
        if (cur.size() >= o.batch ||
            std::find(senders.begin(), senders.end(), plan[j].from) != senders.end())
          flush();
        cur.push_back(j);
        senders.push_back(plan[j].from);
      }
      flush();
    }
  }
  const double prep_s = std::chrono::duration<double>(Clock::now() - t_prep).count();
  std::cerr << "[" << o.label << "] prepared " << plan.size() << " signed transfers from "
            << o.investors << " investors in " << prep_s << " s (chain id " << chain_id
            << ", expected refused " << expected_refused << ")\n";

  // ---- timed
  std::vector<Outcome> out(plan.size());
  std::mutex mu;
  std::deque<uint32_t> sent_queue;
  std::atomic<unsigned> senders_left{o.concurrency};
  std::atomic<bool> failed{false};
  std::string failure;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (unsigned c = 0; c < o.concurrency; ++c) {
    threads.emplace_back([&, c] {
      Conn conn(o.url);
      for (auto& b : lanes[c]) {
        if (failed) break;
        const auto t = Clock::now();
        for (uint32_t j : b.txs)
          out[j].sent = t;
        const std::string res = conn.post_text(b.body);
        // Every answer a result equal to the expected hash, one per transaction.
        size_t answers = 0;
        bool ok = !res.empty() && res.front() == '[';
        if (ok) {
          Scan::elements(res, [&](std::string_view r) {
            ++answers;
            std::optional<size_t> j;
            std::string_view result;
            Scan::members(r, [&](std::string_view k, std::string_view v) {
              if (k == "id") j = index_text(v);
              if (k == "result") result = unquote(v);
            });
            if (!j || *j >= plan.size() || result != plan[*j].hash_hex) ok = false;
          });
        }
        if (!ok || answers != b.txs.size()) {
          std::lock_guard<std::mutex> g(mu);
          if (!failed.exchange(true)) failure = "eth_sendRawTransaction: " + res.substr(0, 600);
          break;
        }
        std::lock_guard<std::mutex> g(mu);
        for (uint32_t j : b.txs)
          sent_queue.push_back(j);
      }
      --senders_left;
    });
  }
  Clock::time_point last_receipt = start;
  std::thread poller([&] {
    Conn conn(o.url);
    std::vector<uint32_t> pending;
    size_t received = 0;
    const auto deadline = start + std::chrono::seconds(o.timeout_s);
    while (received < plan.size() && !failed) {
      {
        std::lock_guard<std::mutex> g(mu);
        while (!sent_queue.empty()) {
          pending.push_back(sent_queue.front());
          sent_queue.pop_front();
        }
      }
      if (pending.empty()) {
        if (senders_left == 0) break;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      const size_t n = std::min<size_t>(pending.size(), 1000);
      std::string body = "[";
      for (size_t k = 0; k < n; ++k) {
        if (k) body += ',';
        body += R"({"jsonrpc":"2.0","id":)" + std::to_string(pending[k]) +
                R"(,"method":"eth_getTransactionReceipt","params":[")" + plan[pending[k]].hash_hex +
                "\"]}";
      }
      body += "]";
      const std::string res = conn.post_text(body);
      const auto now = Clock::now();
      size_t got = 0;
      bool error = res.empty() || res.front() != '[';
      Scan::elements(
          error ? std::string_view("[]") : std::string_view(res), [&](std::string_view r) {
            std::optional<size_t> j;
            std::string_view rc;
            Scan::members(r, [&](std::string_view k, std::string_view v) {
              if (k == "id") j = index_text(v);
              if (k == "result") rc = v;
              if (k == "error") error = true;
            });
            if (error || !j || rc.empty() || rc == "null" || *j >= plan.size()) return;
            auto& oc = out[*j];
            std::string_view status, gas, revert;
            Scan::members(rc, [&](std::string_view k, std::string_view v) {
              if (k == "status") status = unquote(v);
              if (k == "gasUsed") gas = unquote(v);
              if (k == "revertData") revert = unquote(v);
            });
            oc.received = now;
            oc.done = true;
            oc.status = quantity_text(status) == 1;
            oc.gas = quantity_text(gas);
            if (!revert.empty()) {
              auto data = stoa::from_hex(revert);
              if (data && data->size() == 36) {
                const uint32_t sel = (uint32_t{(*data)[0]} << 24) | (uint32_t{(*data)[1]} << 16) |
                                     (uint32_t{(*data)[2]} << 8) | (*data)[3];
                if (sel == kRestricted) oc.code = (*data)[35];
              }
            }
            ++got;
          });
      if (error) {
        std::lock_guard<std::mutex> g(mu);
        if (!failed.exchange(true)) failure = "eth_getTransactionReceipt: " + res.substr(0, 600);
        return;
      }
      if (got) {
        last_receipt = now;
        received += got;
        pending.erase(
            std::remove_if(pending.begin(), pending.end(), [&](uint32_t j) { return out[j].done; }),
            pending.end());
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
      if (Clock::now() > deadline) {
        std::lock_guard<std::mutex> g(mu);
        if (!failed.exchange(true))
          failure = "timed out waiting for receipts (" + std::to_string(received) + " of " +
                    std::to_string(plan.size()) + ")";
        return;
      }
    }
  });
  for (auto& t : threads)
    t.join();
  poller.join();
  if (failed) die("[" + o.label + "] " + failure);
  const double elapsed = std::chrono::duration<double>(last_receipt - start).count();

  // ---- checks
  std::vector<std::string> errors;
  uint64_t refused = 0, accepted = 0, gas_ok = 0, gas_refused = 0;
  std::map<int, uint64_t> codes;
  std::vector<double> lat_ms;
  for (size_t j = 0; j < plan.size(); ++j) {
    const auto& oc = out[j];
    if (!oc.done) {
      errors.push_back("no receipt for transfer " + std::to_string(j));
      continue;
    }
    lat_ms.push_back(std::chrono::duration<double, std::milli>(oc.received - oc.sent).count());
    const bool expect_ok = plan[j].kind == kOk;
    if (oc.status) {
      ++accepted;
      gas_ok += oc.gas;
    } else {
      ++refused;
      gas_refused += oc.gas;
      ++codes[oc.code];
    }
    if (oc.status != expect_ok && errors.size() < 10)
      errors.push_back("transfer " + std::to_string(j) + " (" + kKindNames[plan[j].kind] +
                       ") has status " + (oc.status ? "1" : "0"));
  }
  if (refused != expected_refused)
    errors.push_back("refused " + std::to_string(refused) + ", expected exactly " +
                     std::to_string(expected_refused));
  const std::vector<uint64_t> final_bal = balances_of();
  for (uint64_t i = 0; i < o.investors; ++i) {
    if (final_bal[i] != model[i] && errors.size() < 20)
      errors.push_back("investor " + std::to_string(i) + " holds " + std::to_string(final_bal[i]) +
                       ", the model says " + std::to_string(model[i]));
  }

  json result = {
      {"label", o.label},
      {"url", o.url},
      {"chainId", chain_id},
      {"investors", o.investors},
      {"transfers", plan.size()},
      {"seed", o.seed},
      {"concurrency", o.concurrency},
      {"batch", o.batch},
      {"elapsedSeconds", elapsed},
      {"transfersPerSecond", plan.size() / elapsed},
      {"acceptedPerSecond", accepted / elapsed},
      {"accepted", accepted},
      {"refused", refused},
      {"expectedRefused", expected_refused},
      {"latencyMs",
       {{"p50", pct(lat_ms, 50)},
        {"p90", pct(lat_ms, 90)},
        {"p99", pct(lat_ms, 99)},
        {"max", pct(lat_ms, 100)}}},
      {"gasPerAcceptedTransfer", accepted ? double(gas_ok) / accepted : 0.0},
      {"gasPerRefusedTransfer", refused ? double(gas_refused) / refused : 0.0},
      {"prepareSeconds", prep_s},
      {"ok", errors.empty()},
  };
  json kinds = json::object();
  for (int k = 0; k < kKinds; ++k)
    kinds[kKindNames[k]] = per_kind[k];
  result["mix"] = kinds;
  json jc = json::object();
  for (auto& [c, n] : codes)
    jc[c < 0 ? "unknown" : std::to_string(c)] = n;
  result["refusalCodes"] = jc;
  result["errors"] = errors;

  std::printf(
      "[%s] %zu transfers in %.3f s: %.0f transfers/s, %.0f accepted/s; refused %llu (expected "
      "%llu); latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms; gas/accepted transfer %.0f\n",
      o.label.c_str(), plan.size(), elapsed, plan.size() / elapsed, accepted / elapsed,
      static_cast<unsigned long long>(refused), static_cast<unsigned long long>(expected_refused),
      pct(lat_ms, 50), pct(lat_ms, 90), pct(lat_ms, 99),
      accepted ? double(gas_ok) / accepted : 0.0);
  if (!o.json_out.empty()) {
    std::ofstream f(o.json_out);
    f << result.dump(2) << "\n";
  }
  for (auto& e : errors)
    std::fprintf(stderr, "[%s] CHECK FAILED: %s\n", o.label.c_str(), e.c_str());
  return errors.empty() ? 0 : 1;
}
