// Restart figures (docs/journal-format.md, "Figures", part 4). A command, not Google Benchmark:
// it builds a real data directory and restarts from it.
//
//   1. Build: a security with STOA_RESTART_HOLDERS holders (default 100,000), then
//      STOA_RESTART_TXS signed transfers among them (default 10,000,000), in blocks of
//      STOA_RESTART_BLOCK_TXS (default 10,000, the sequencer's maximum). Every transaction is
//      signed (RFC 6979) on STOA_RESTART_THREADS threads (default: every core) while the main
//      thread executes and seals the blocks through chain::Chain and makes each durable through
//      store::Store::on_sealed, as the node's sequencer does (append + fdatasync per block; the
//      store writes state images where its trigger says: by default, as a node with default
//      settings, once 10,000 blocks or 250,000 transactions have passed since the last image;
//      STOA_RESTART_IMAGE_EVERY (blocks) and STOA_RESTART_IMAGE_EVERY_TX (transactions) change
//      it, as --image-every and --image-every-tx do). The bench computes from its plan where the
//      images must be and checks that the store wrote exactly those.
//   2. Restart (a) from the newest state image: store::Store::open, i.e. the block index loaded and
//      checked against the journal, the state image restored, the tail read and replayed through
//      the core; the blocks before the state image stay on disk. Then, after a second such restart,
//      every older block read back through the chain's history (and a transaction of each found
//      by hash), with the peak RSS this leaves (the history's cache is bounded).
//   3. Restart (b) without a state image (the state images directory moved aside): full replay from
//      genesis.
//   4. Optionally (STOA_RESTART_VERIFY=1) store::verify_data_dir, what `stoa verify` runs: every
//      signature recovered and compared with the stored sender, and a full replay.
//
// Each restart must reach the writer's head: same height, head block hash and state digest (and
// the recovery must have used, or not used, the state image as intended); anything else exits 1.
// STOA_RESTART_RUNS=N repeats restart (a) N times (default 1) and prints each and the median;
// STOA_RESTART_ONLY_IMAGE=1 skips restart (b) and the journal scans (with STOA_RESTART_REUSE, a
// quick repeat of the default restart).
// STOA_BENCH_DIR sets the parent directory (default the system's temporary directory);
// STOA_RESTART_KEEP=1 keeps the data directory (it has a genesis.json: `stoa verify --data DIR`
// and `stoa serve --data DIR` open it); STOA_RESTART_COLD=1 asks the kernel to drop the data
// directory's pages from the page cache before each restart (posix_fadvise DONTNEED);
// STOA_RESTART_REUSE=1 restarts again from a directory kept by an earlier run of the same binary
// with the same parameters (no rebuild; the directory is kept).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "stoa/abi/abi.h"
#include "stoa/chain/sequencer.h"
#include "stoa/common/keccak.h"
#include "stoa/core/factory.h"
#include "stoa/store/store.h"

namespace stoa {
namespace {

namespace fs = std::filesystem;
using namespace bench;  // NOLINT(google-build-using-namespace): the benches' shared kit
constexpr uint64_t kInitialBalance = 1'000'000'000;

// 1234567 -> "1,234,567"
std::string grouped(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double peak_rss_gib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / (1 << 20);  // ru_maxrss is in KiB
}

struct Account {
  crypto::PrivateKey key;
  Address address;
};

Account dev_account(uint32_t i) {
  const crypto::PrivateKey k = *crypto::derive_from_mnemonic(crypto::kDevMnemonic, i);
  return {k, k.address()};
}

chain::ChainConfig config() {
  chain::ChainConfig c;
  c.genesis = core::GenesisConfig{kChainId, dev_account(0).address, false};
  c.genesis_timestamp = kT0;
  return c;
}

// A signed EIP-1559 transaction; the sender is the key's (cached) address, as admission would
// recover it.
chain::SignedTransaction sign(const Account& from, uint64_t nonce, const Address& to, Bytes data) {
  return bench::signed_tx(from.key, from.address, nonce, to, std::move(data));
}

// The dataset as a sequence of transactions, numbered 0.. (id), cut into blocks:
//   id 0                      createSecurity (Global preset) by the operator: block 1 alone;
//   ids 1 .. H                onboarding of holder j = id - 1 by the compliance officer;
//   ids H+1 .. 2H             minting to holder j by the issuer;
//   ids 2H+1 .. 2H+N          transfer k = id - 2H - 1: holder k mod H (its nonce k div H) pays
//                             1 + k mod 9 units to another holder.
// Onboarding, minting and transfers are each cut into blocks of at most `per_block`.
class Plan {
 public:
  Plan(std::vector<Account> holders, uint64_t transfers, size_t per_block)
      : holders_(std::move(holders)),
        transfers_(transfers),
        token_(create_address(core::factory_address(), 0)),
        registry_(create_address(core::factory_address(), 1)),
        operator_(dev_account(0)),
        issuer_(dev_account(1)),
        officer_(dev_account(2)),
        create_(*abi::parse_signature("createSecurity(string,string,uint8,uint8,address,address)")),
        onboard_(*abi::parse_signature("onboard(address,bytes2,uint8,uint256)")),
        mint_(*abi::parse_signature("mint(address,uint256)")),
        transfer_(*abi::parse_signature("transfer(address,uint256)")) {
    const uint64_t h = holders_.size();
    starts_.push_back(0);
    auto cut = [&](uint64_t begin, uint64_t end) {
      for (uint64_t b = begin; b < end; b += per_block)
        starts_.push_back(std::min<uint64_t>(end, b + per_block));
    };
    starts_.push_back(1);
    setup_blocks_ = 1;
    cut(1, 1 + h);
    cut(1 + h, 1 + 2 * h);
    setup_blocks_ = starts_.size() - 1;
    cut(1 + 2 * h, 1 + 2 * h + transfers_);
  }

  size_t blocks() const { return starts_.size() - 1; }
  size_t setup_blocks() const { return setup_blocks_; }
  uint64_t transactions() const { return starts_.back(); }
  uint64_t begin(size_t block) const { return starts_[block]; }
  uint64_t end(size_t block) const { return starts_[block + 1]; }

  chain::SignedTransaction make(uint64_t id) const {
    const uint64_t h = holders_.size();
    if (id == 0) {
      return sign(operator_, 0, core::factory_address(),
                  call(create_, {"Restart", "RST", 0, 5, issuer_.address, officer_.address}));
    }
    if (id <= h) {
      const uint64_t j = id - 1;
      static constexpr char kJurisdictions[][3] = {"US", "DE", "GB", "SG", "CH", "JP", "FR"};
      const char* jur = kJurisdictions[j % std::size(kJurisdictions)];
      return sign(
          officer_, j, registry_,
          call(onboard_,
               {holders_[j].address,
                abi::Value(Bytes{static_cast<uint8_t>(jur[0]), static_cast<uint8_t>(jur[1])}), 1,
                0}));
    }
    if (id <= 2 * h) {
      const uint64_t j = id - 1 - h;
      return sign(issuer_, j, token_, call(mint_, {holders_[j].address, kInitialBalance}));
    }
    const uint64_t k = id - 1 - 2 * h;
    const uint64_t from = k % h;
    const uint64_t to = (from + 1 + (k * 7919 + k / h) % (h - 1)) % h;  // never `from`
    return sign(holders_[from], k / h, token_, call(transfer_, {holders_[to].address, 1 + k % 9}));
  }

 private:
  static Bytes call(const abi::Signature& sig, const abi::ValueList& args) {
    auto r = abi::encode_call(sig, args);
    if (!std::holds_alternative<Bytes>(r)) die("cannot encode a call");
    return std::move(std::get<Bytes>(r));
  }

  std::vector<Account> holders_;
  uint64_t transfers_;
  Address token_, registry_;  // the security's first two contracts
  Account operator_, issuer_, officer_;
  abi::Signature create_, onboard_, mint_, transfer_;
  std::vector<uint64_t> starts_;  // block b holds ids starts_[b] .. starts_[b + 1] - 1
  size_t setup_blocks_ = 0;
};

// Signs the plan's blocks on `threads` threads, at most `window` blocks ahead of the consumer,
// which takes them in order.
class Signers {
 public:
  Signers(const Plan& plan, unsigned threads, size_t window)
      : plan_(plan), window_(window), slots_(window) {
    for (unsigned i = 0; i < threads; ++i)
      threads_.emplace_back([this] { work(); });
  }
  Signers(const Signers&) = delete;
  Signers& operator=(const Signers&) = delete;
  ~Signers() {
    {
      const std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    join();
  }

  std::vector<chain::SignedTransaction> take(size_t block) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return block == taken_ && slots_[block % window_].has_value(); });
    std::vector<chain::SignedTransaction> out = std::move(*slots_[block % window_]);
    slots_[block % window_].reset();
    ++taken_;
    l.unlock();
    cv_.notify_all();
    return out;
  }

  // The signing threads' CPU time; call after the last take (it waits for them to finish).
  double cpu_seconds() {
    join();
    return cpu_seconds_;
  }

 private:
  void join() {
    for (std::thread& t : threads_)
      if (t.joinable()) t.join();
  }

  void work() {
    for (;;) {
      size_t b = 0;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return stop_ || next_ >= plan_.blocks() || next_ < taken_ + window_; });
        if (stop_ || next_ >= plan_.blocks()) break;
        b = next_++;
      }
      std::vector<chain::SignedTransaction> txs;
      txs.reserve(plan_.end(b) - plan_.begin(b));
      for (uint64_t id = plan_.begin(b); id < plan_.end(b); ++id)
        txs.push_back(plan_.make(id));
      {
        const std::lock_guard<std::mutex> l(mu_);
        slots_[b % window_] = std::move(txs);
      }
      cv_.notify_all();
    }
    const double cpu = thread_cpu_seconds();
    const std::lock_guard<std::mutex> l(mu_);
    cpu_seconds_ += cpu;
  }

  const Plan& plan_;
  const size_t window_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::optional<std::vector<chain::SignedTransaction>>> slots_;
  size_t next_ = 0;   // the next block to sign
  size_t taken_ = 0;  // blocks taken by the consumer
  bool stop_ = false;
  double cpu_seconds_ = 0;
  std::vector<std::thread> threads_;
};

std::vector<Account> make_holders(size_t n, unsigned threads) {
  std::vector<Account> out(n);
  std::vector<std::thread> ts;
  for (unsigned t = 0; t < threads; ++t) {
    ts.emplace_back([&out, n, t, threads] {
      for (size_t i = t; i < n; i += threads) {
        out[i].key = crypto::key_for_label("restart-bench.holder." + std::to_string(i));
        out[i].address = out[i].key.address();
      }
    });
  }
  for (std::thread& t : ts)
    t.join();
  return out;
}

struct Head {
  uint64_t height = 0;
  Bytes32 hash;
  Bytes32 state_root;
  Bytes32 content;  // the state's content digest (core::State::digest)
};

struct DiskUsage {
  uint64_t journal_bytes = 0;
  uint64_t segments = 0;
  uint64_t image_bytes = 0;
  uint64_t images = 0;
};

DiskUsage disk_usage(const std::string& dir) {
  DiskUsage u;
  for (const auto& e : fs::directory_iterator(store::journal_dir(dir))) {
    u.journal_bytes += e.file_size();
    ++u.segments;
  }
  for (const auto& e : fs::directory_iterator(store::state_image_dir(dir))) {
    u.image_bytes += e.file_size();
    ++u.images;
  }
  return u;
}

// Asks the kernel to drop the directory's (clean, synced) pages from the page cache.
void drop_cache(const std::string& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

void write_genesis_json(const std::string& dir) {
  const chain::ChainConfig c = config();
  const std::string path = dir + "/genesis.json";
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) die("cannot write " + path);
  std::fprintf(f, "{\n  \"chainId\": %llu,\n  \"operator\": \"%s\",\n  \"timestamp\": %llu\n}\n",
               static_cast<unsigned long long>(c.genesis.chain_id),
               c.genesis.operator_account.checksum_hex().c_str(),
               static_cast<unsigned long long>(c.genesis_timestamp));
  if (std::fclose(f) != 0) die("cannot write " + path);
}

// DIR/bench-head.txt: the writer's head, so STOA_RESTART_REUSE=1 can restart again from a kept
// directory (written by the same binary: the state roots depend on the code) without rebuilding.
void write_head(const std::string& dir, const Head& h) {
  std::FILE* f = std::fopen((dir + "/bench-head.txt").c_str(), "w");
  if (f == nullptr) die("cannot write bench-head.txt");
  std::fprintf(f, "%llu %s %s %s\n", static_cast<unsigned long long>(h.height),
               h.hash.hex().c_str(), h.state_root.hex().c_str(), h.content.hex().c_str());
  std::fclose(f);
}

std::optional<Head> read_head(const std::string& dir) {
  std::FILE* f = std::fopen((dir + "/bench-head.txt").c_str(), "r");
  if (f == nullptr) return std::nullopt;
  unsigned long long height = 0;
  char hash[80] = {};
  char root[80] = {};
  char content[80] = {};
  const int n = std::fscanf(f, "%llu %79s %79s %79s", &height, hash, root, content);
  std::fclose(f);
  auto h = Bytes32::from_hex(hash);
  auto r = Bytes32::from_hex(root);
  auto d = Bytes32::from_hex(content);
  if (n != 4 || !h || !r || !d) die(dir + "/bench-head.txt is malformed");
  return Head{height, *h, *r, *d};
}

struct Options {
  uint64_t transfers = 10'000'000;
  size_t holders = 100'000;
  size_t per_block = chain::kMaxTransactionsPerBlock;
  uint64_t image_every = store::kDefaultImageEvery;       // blocks, as Store
  uint64_t image_every_tx = store::kDefaultImageEveryTx;  // transactions, as Store
  unsigned runs = 1;                                      // of restart (a)
  bool only_image = false;                                // skip restart (b) and the scans
  unsigned threads = 2;
  std::string dir;
  bool keep = false;
  bool cold = false;
  bool verify = false;
  bool reuse = false;
};

// Where the state images must be: Store::image_due's rule (blocks or transactions since the last
// image, whichever first), applied here to the plan's blocks independently of the store.
struct Images {
  uint64_t count = 0;
  uint64_t last = 0;  // the newest image's block; 0 = none
};
Images expected_images(const Options& o, const Plan& plan) {
  Images out;
  uint64_t tx = 0;
  for (size_t b = 0; b < plan.blocks(); ++b) {
    const uint64_t n = b + 1;  // block 0 is the genesis
    tx += plan.end(b) - plan.begin(b);
    if ((o.image_every > 0 && n - out.last >= o.image_every) ||
        (o.image_every_tx > 0 && tx >= o.image_every_tx)) {
      out.last = n;
      tx = 0;
      ++out.count;
    }
  }
  return out;
}

Head build(const Options& o, const Plan& plan, const Images& images) {
  const size_t blocks = plan.blocks();
  std::printf(
      "   dataset: %s blocks (1 creating the security, %s onboarding, %s minting, %s of "
      "transfers), %s signed transactions (%s transfers)\n",
      grouped(blocks).c_str(), grouped((plan.setup_blocks() - 1) / 2).c_str(),
      grouped((plan.setup_blocks() - 1) / 2).c_str(), grouped(blocks - plan.setup_blocks()).c_str(),
      grouped(plan.transactions()).c_str(), grouped(o.transfers).c_str());
  std::fflush(stdout);
  store::StoreOptions so;
  so.image_every = o.image_every;
  so.image_every_tx = o.image_every_tx;
  std::unique_ptr<store::Store> st;
  std::unique_ptr<chain::Chain> c;
  store::RecoveryReport r;
  if (auto e = store::Store::open(store::posix_env(), o.dir, config(), so, &st, &c, &r); !e.empty())
    die(e);
  write_genesis_json(o.dir);
  const auto t0 = Clock::now();
  const double cpu0 = thread_cpu_seconds();
  double wait_s = 0, seal_s = 0, durable_s = 0, image_s = 0;
  double signing_cpu = 0;
  {
    Signers signers(plan, o.threads, 2 * static_cast<size_t>(o.threads) + 2);
    for (size_t b = 0; b < blocks; ++b) {
      auto t = Clock::now();
      std::vector<chain::SignedTransaction> txs = signers.take(b);
      wait_s += since(t);
      t = Clock::now();
      const chain::Block& blk = c->seal_block(std::move(txs), kT0 + b + 1);
      seal_s += since(t);
      for (const chain::Receipt& rc : blk.receipts) {
        if (!rc.success) {
          die("block " + std::to_string(blk.header.number) + ": transaction " +
              rc.transaction_hash.hex() + " refused: " + to_hex(rc.revert_data));
        }
      }
      t = Clock::now();
      std::string warning;
      const uint64_t written = st->images_written();
      if (auto s = st->on_sealed(blk, c->state(), &warning); !s.ok()) die(s.error);
      if (!warning.empty()) die(warning);
      (st->images_written() != written ? image_s : durable_s) += since(t);
      if ((b + 1) % 100 == 0 || b + 1 == blocks) {
        std::fprintf(stderr, "restart_bench: sealed %zu/%zu blocks, %.0f s\n", b + 1, blocks,
                     since(t0));
      }
    }
    signing_cpu = signers.cpu_seconds();
  }
  const double build_s = since(t0);
  const double sealing_cpu = thread_cpu_seconds() - cpu0;
  Head head{c->height(), c->head().hash, c->head().header.state_root, c->state().digest()};
  if (st->images_written() != images.count) {
    die("the store wrote " + std::to_string(st->images_written()) + " state images, the trigger " +
        "asks for " + std::to_string(images.count));
  }
  const DiskUsage u = disk_usage(o.dir);
  std::printf(
      "   built in %.1f s (wall): signing %s transactions on %u threads took %.1f CPU-s "
      "(%.1f us each, %.0f/s per core);\n",
      build_s, grouped(plan.transactions()).c_str(), o.threads, signing_cpu,
      signing_cpu / static_cast<double>(plan.transactions()) * 1e6,
      static_cast<double>(plan.transactions()) / signing_cpu);
  std::printf(
      "   the sealing thread (%.1f CPU-s): execute + seal (state root per block) %.1f s, "
      "append + fdatasync %.1f s, %s state images (the newest at block %s) %.2f s, waiting for "
      "signatures %.1f s\n",
      sealing_cpu, seal_s, durable_s, grouped(images.count).c_str(), grouped(images.last).c_str(),
      image_s, wait_s);
  std::printf(
      "   on disk: journal %.2f GiB in %s segments (%.0f B per transaction), state images kept "
      "%.1f MiB; peak RSS %.2f GiB\n",
      static_cast<double>(u.journal_bytes) / (1 << 30), grouped(u.segments).c_str(),
      static_cast<double>(u.journal_bytes) / static_cast<double>(plan.transactions()),
      static_cast<double>(u.image_bytes) / (1 << 20), peak_rss_gib());
  std::fflush(stdout);
  return head;
}

// Store::open on this thread, as the node does on start; `seconds` and `cpu` are its wall and
// CPU time.
store::RecoveryReport restart(const Options& o, const Head& want, double* seconds, double* cpu,
                              bool read_history = false) {
  if (o.cold) drop_cache(o.dir);
  std::unique_ptr<store::Store> st;
  std::unique_ptr<chain::Chain> c;
  store::RecoveryReport r;
  const auto t = Clock::now();
  const double cpu0 = thread_cpu_seconds();
  if (auto e = store::Store::open(store::posix_env(), o.dir, config(), store::StoreOptions{}, &st,
                                  &c, &r);
      !e.empty()) {
    die("restart: " + e);
  }
  *seconds = since(t);
  *cpu = thread_cpu_seconds() - cpu0;
  if (c->height() != want.height || c->head().hash != want.hash ||
      c->head().header.state_root != want.state_root) {
    die("the restarted head differs from the writer's");
  }
  if (c->state().digest() != want.content) die("the restarted state's content digest differs");
  if (!r.warnings.empty()) die("restart warning: " + r.warnings.front());
  if (read_history) {
    // Serving the history: every block below the restored one read through the chain (from the
    // journal, through the bounded cache), and its last transaction looked up by hash.
    const uint64_t upto = r.image_block.value_or(0);
    const auto t0 = Clock::now();
    uint64_t txs = 0;
    for (uint64_t n = 1; n < upto; ++n) {
      const std::shared_ptr<const chain::Block> b = c->block_by_number(n);
      if (b == nullptr || b->header.number != n) die("history: block " + std::to_string(n));
      txs += b->transactions.size();
      if (!b->transactions.empty()) {
        const auto loc = c->find_transaction(b->transactions.back().hash);
        if (!loc || loc->block_number != n)
          die("history: a transaction of block " + std::to_string(n));
      }
    }
    const double s = since(t0);
    std::printf(
        "   history after (a): blocks 1..%s read from the journal on demand in %.2f s (%.1f ms per "
        "block, %.0f transactions/s), each block's last transaction found by hash; cache %.0f MiB; "
        "peak RSS %.2f GiB\n",
        grouped(upto - 1).c_str(), s, upto > 1 ? 1000 * s / static_cast<double>(upto - 1) : 0.0,
        static_cast<double>(txs) / s,
        static_cast<double>(st->history()->cached_bytes()) / (1 << 20), peak_rss_gib());
  }
  return r;
}

int run(const Options& o) {
  std::printf(
      "\n4. Restart with %s transfers on disk (%s holders, blocks of %s transactions, "
      "page cache %s)\n",
      grouped(o.transfers).c_str(), grouped(o.holders).c_str(), grouped(o.per_block).c_str(),
      o.cold ? "dropped before each restart" : "warm");
  std::fflush(stdout);
  auto t = Clock::now();
  Plan plan(make_holders(o.holders, o.threads), o.transfers, o.per_block);
  const double keys_s = since(t);
  const uint64_t blocks = plan.blocks();
  const Images images = expected_images(o, plan);
  std::printf("   holder keys: %.2f s\n", keys_s);
  std::optional<Head> kept = o.reuse ? read_head(o.dir) : std::nullopt;
  if (kept) {
    std::printf("   reusing the data directory %s (head block %s)\n", o.dir.c_str(),
                grouped(kept->height).c_str());
  } else {
    kept = build(o, plan, images);
    write_head(o.dir, *kept);
  }
  const Head want = *kept;
  if (want.height != blocks) die("the kept directory holds another dataset");

  double without_s = 0, without_cpu = 0;
  std::vector<double> walls, cpus;
  store::RecoveryReport a;
  for (unsigned i = 0; i < o.runs; ++i) {
    double s = 0, c = 0;
    a = restart(o, want, &s, &c, /*read_history=*/false);
    walls.push_back(s);
    cpus.push_back(c);
  }
  const std::optional<uint64_t> image_at =
      images.count > 0 ? std::optional<uint64_t>(images.last) : std::nullopt;
  if (a.image_block != image_at || a.replayed_blocks != blocks - images.last) {
    die("restart (a) did not start from the newest state image, at block " +
        std::to_string(images.last));
  }
  std::string each;
  for (unsigned i = 0; i < o.runs; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%.2f s (%.2f CPU-s)", i > 0 ? ", " : "", walls[i], cpus[i]);
    each += buf;
  }
  std::printf(
      "   (a) restart from the newest state image (trigger: %s blocks or %s transactions): "
      "median %.2f s (%.2f CPU-s) of %u [%s] — image at block %s restored, %s blocks before it "
      "left on disk (block index loaded; %s blocks re-indexed), %s blocks (%s transactions) "
      "replayed; peak RSS %.2f GiB\n",
      grouped(o.image_every).c_str(), grouped(o.image_every_tx).c_str(), median(walls),
      median(cpus), o.runs, each.c_str(), grouped(images.last).c_str(),
      grouped(a.loaded_blocks).c_str(), grouped(a.indexed_blocks).c_str(),
      grouped(a.replayed_blocks).c_str(), grouped(a.replayed_transactions).c_str(), peak_rss_gib());
  std::fflush(stdout);
  if (o.only_image) return 0;
  {
    double s2 = 0, c2 = 0;
    (void)restart(o, want, &s2, &c2, /*read_history=*/true);
  }

  const std::string image_dir = store::state_image_dir(o.dir);
  const std::string aside = image_dir + ".aside";
  fs::rename(image_dir, aside);
  const store::RecoveryReport b = restart(o, want, &without_s, &without_cpu);
  fs::rename(aside, image_dir);
  if (b.image_block.has_value() || b.replayed_blocks != blocks ||
      b.replayed_transactions != plan.transactions()) {
    die("restart (b) did not replay every block from genesis");
  }
  std::printf(
      "   (b) restart without a state image (full replay from genesis): %.2f s (%.2f CPU-s) "
      "— %s blocks, %s transactions: %.1f blocks/s, %.0f transactions/s\n",
      without_s, without_cpu, grouped(b.replayed_blocks).c_str(),
      grouped(b.replayed_transactions).c_str(), static_cast<double>(b.replayed_blocks) / without_s,
      static_cast<double>(b.replayed_transactions) / without_s);
  std::fflush(stdout);

  // What reading the whole journal costs (a start before the block index did both: a scan, then
  // every block decoded; `stoa export-blocks` still decodes every block).
  t = Clock::now();
  const store::ScanResult scan = store::scan_journal(store::posix_env(), o.dir, kChainId,
                                                     chain::Chain(config()).head().hash, false);
  const double scan_s = since(t);
  if (!scan.error.empty() || scan.head_number != want.height) die("scan: " + scan.error);
  t = Clock::now();
  uint64_t decoded = 0;
  if (auto e = store::read_blocks(store::posix_env(), o.dir, config(),
                                  [&](const chain::Block& blk) {
                                    decoded += blk.transactions.size();
                                    return true;
                                  });
      !e.empty()) {
    die("read_blocks: " + e);
  }
  const double decode_s = since(t);
  if (decoded != plan.transactions()) die("read_blocks saw another number of transactions");
  std::printf(
      "   parts: one scan of the journal (read, checksums, hash links) %.2f s (%.0f MiB/s); "
      "scan + decoding every block without executing it %.2f s (%.0f transactions/s)\n",
      scan_s, static_cast<double>(scan.bytes) / (1 << 20) / scan_s, decode_s,
      static_cast<double>(decoded) / decode_s);
  std::fflush(stdout);

  if (o.verify) {
    t = Clock::now();
    const store::VerifyReport v = store::verify_data_dir(store::posix_env(), o.dir, config());
    const double secs = since(t);
    if (!v.ok) die("verify: " + v.problem);
    if (v.head_hash != want.hash || v.blocks != want.height) die("verify: another head");
    std::printf(
        "   stoa verify (every signature recovered, full replay, state image compared): "
        "%.1f s, %.0f transactions/s\n",
        secs, static_cast<double>(v.transactions) / secs);
  }
  std::printf(
      "   checked: the writer and both restarts agree on block %s, hash %s, state root %s, "
      "content digest %s\n",
      grouped(want.height).c_str(), want.hash.hex().c_str(), want.state_root.hex().c_str(),
      want.content.hex().c_str());
  return 0;
}

}  // namespace
}  // namespace stoa

int main() {
  using namespace stoa;
  Options o;
  o.transfers = env_u64("STOA_RESTART_TXS", o.transfers);
  o.holders = env_u64("STOA_RESTART_HOLDERS", o.holders);
  o.per_block = env_u64("STOA_RESTART_BLOCK_TXS", o.per_block);
  o.image_every = env_u64("STOA_RESTART_IMAGE_EVERY", o.image_every);
  o.image_every_tx = env_u64("STOA_RESTART_IMAGE_EVERY_TX", o.image_every_tx);
  o.runs = static_cast<unsigned>(std::max<uint64_t>(1, env_u64("STOA_RESTART_RUNS", 1)));
  o.only_image = env_u64("STOA_RESTART_ONLY_IMAGE", 0) != 0;
  o.threads = static_cast<unsigned>(
      env_u64("STOA_RESTART_THREADS", std::max(1U, std::thread::hardware_concurrency())));
  o.keep = env_u64("STOA_RESTART_KEEP", 0) != 0;
  o.cold = env_u64("STOA_RESTART_COLD", 0) != 0;
  o.verify = env_u64("STOA_RESTART_VERIFY", 0) != 0;
  o.reuse = env_u64("STOA_RESTART_REUSE", 0) != 0;
  if (o.holders < 2 || o.per_block == 0 || o.transfers == 0 || o.threads == 0)
    die("need at least 2 holders, 1 transfer, 1 transaction per block and 1 thread");
  const char* env_dir = std::getenv("STOA_BENCH_DIR");
  const fs::path parent = env_dir ? fs::path(env_dir) : fs::temp_directory_path();
  o.dir = (parent / "stoa-restart-bench").string();
  if (!o.reuse) fs::remove_all(o.dir);
  fs::create_directories(o.dir);
  const int rc = run(o);
  if (o.keep || o.reuse) {
    std::printf("   kept: %s\n", o.dir.c_str());
  } else {
    fs::remove_all(o.dir);
  }
  return rc;
}
