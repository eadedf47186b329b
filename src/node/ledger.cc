// The chain, its sequencer and the ledger's clock.
#include "stoa/node/ledger.h"

#include <algorithm>
#include <exception>
#include <utility>
#include <vector>

#include "stoa/core/errors.h"
#include "stoa/core/standing.h"
#include "stoa/node/log.h"

namespace stoa::node {
namespace {

uint64_t wall_seconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

Ledger::Ledger(const chain::ChainConfig& config, Metrics& metrics,
               std::chrono::milliseconds max_batch_delay)
    : Ledger(std::make_unique<chain::Chain>(config), metrics, max_batch_delay, {}) {}

Ledger::Ledger(std::unique_ptr<chain::Chain> chain, Metrics& metrics,
               std::chrono::milliseconds max_batch_delay, Durability durability)
    : metrics_(metrics), chain_(std::move(chain)) {
  chain::SequencerOptions opts;
  opts.max_batch_delay = max_batch_delay;
  opts.clock = [this] { return now(); };
  opts.make_durable = std::move(durability.make_durable);
  opts.needs_state = std::move(durability.needs_state);
  opts.on_durable = [this](const chain::Block& b) { on_durable(b); };
  opts.admit = [this](const core::State& st, const chain::SignedTransaction& tx,
                      std::string* detail, Bytes* revert) { return admit(st, tx, detail, revert); };
  stream_durable_ = chain_->height();
  sequencer_ = std::make_unique<chain::Sequencer>(*chain_, std::move(opts));
}

Ledger::~Ledger() {
  stop();
}

void Ledger::stop() {
  if (sequencer_) sequencer_->stop();
  {
    std::lock_guard lock(stream_mu_);
    stream_stopped_ = true;
  }
  stream_cv_.notify_all();
}

std::unique_ptr<BlockSubscription> Ledger::subscribe(
    uint64_t cursor, std::function<bool(const chain::Block&)> deliver) {
  std::unique_ptr<BlockSubscription> s(new BlockSubscription(*this, cursor, std::move(deliver)));
  s->thread_ = std::thread([p = s.get()] { p->run(); });
  return s;
}

BlockSubscription::BlockSubscription(Ledger& ledger, uint64_t cursor,
                                     std::function<bool(const chain::Block&)> deliver)
    : ledger_(ledger), cursor_(cursor), deliver_(std::move(deliver)) {}

BlockSubscription::~BlockSubscription() {
  stop();
}

void BlockSubscription::stop() {
  {
    // Under the ledger's stream lock, so that a subscription about to wait sees the flag.
    std::lock_guard lock(ledger_.stream_mu_);
    stop_ = true;
  }
  ledger_.stream_cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::string BlockSubscription::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void BlockSubscription::run() {
  while (!stop_) {
    const uint64_t n = cursor_.load();
    std::shared_ptr<const chain::Block> block;
    try {
      std::shared_lock lock = ledger_.read_lock();  // every sealed block durable
      if (n <= ledger_.chain().height()) block = ledger_.chain().block_by_number(n);
    } catch (const std::exception& e) {
      std::lock_guard lock(mu_);
      error_ = "block " + std::to_string(n) + ": " + e.what();
      return;
    }
    if (block == nullptr) {
      std::unique_lock lock(ledger_.stream_mu_);
      ledger_.stream_cv_.wait(
          lock, [&] { return stop_ || ledger_.stream_stopped_ || ledger_.stream_durable_ >= n; });
      if (ledger_.stream_durable_ < n) return;  // stopped
      continue;
    }
    const bool more = deliver_(*block);
    cursor_.store(n + 1);
    if (!more) return;
  }
}

uint64_t Ledger::now() const {
  const int64_t t = static_cast<int64_t>(wall_seconds()) + offset_.load();
  return t < 0 ? 0 : static_cast<uint64_t>(t);
}

int64_t Ledger::increase_time(int64_t seconds) {
  return offset_.fetch_add(seconds) + seconds;
}

uint64_t Ledger::mine() {
  return sequencer_->seal_now(now());
}

core::CallResult Ledger::call(const Address& from, const Address& to, BytesView data) {
  std::unique_lock lock = sequencer_->exclusive_lock();
  return chain_->call(from, to, data, now());
}

Ledger::PastRead Ledger::at_block(uint64_t number, const std::function<void(chain::Chain&)>& fn,
                                  PastWindow* window) {
  std::unique_lock lock = sequencer_->exclusive_lock();
  *window = PastWindow{chain_->oldest_readable(), chain_->height(), chain_->past_window()};
  if (number > window->head) return PastRead::kFuture;
  if (number < window->oldest) return PastRead::kBeyondWindow;
  fn(*chain_);
  return PastRead::kOk;
}

chain::GasEstimate Ledger::estimate_gas(const Address& from, const Address& to, BytesView data) {
  std::unique_lock lock = sequencer_->exclusive_lock();
  return chain_->estimate_gas(from, to, data, now());
}

chain::AdmitError Ledger::admit(const core::State& state, const chain::SignedTransaction& tx,
                                std::string* detail, Bytes* revert) const {
  if (!admission_.enabled) return chain::AdmitError::kOk;
  if (!admission_.allow.contains(tx.sender) && !core::has_standing(state, tx.sender)) {
    if (detail != nullptr) {
      *detail = "account " + tx.sender.checksum_hex() +
                " has no standing on this ledger: it holds no role, is not registered with any "
                "security and has no identity, and is not on the operator's allow-list (stoa "
                "serve --allow); ask the compliance officer or the operator to register it";
    }
    return chain::AdmitError::kNoStanding;
  }
  // Decoding guarantees a recipient (contract creation is refused there).
  if (std::optional<core::Revert> r = state.check_call_shape(*tx.tx.to, tx.tx.data)) {
    if (detail != nullptr) *detail = core::describe_revert(r->data);
    if (revert != nullptr) *revert = std::move(r->data);
    return chain::AdmitError::kUnexecutable;
  }
  return chain::AdmitError::kOk;
}

chain::AdmitError Ledger::submit(chain::SignedTransaction tx, std::string* detail, Bytes* revert) {
  const Bytes32 hash = tx.hash;
  bool inserted = false;
  {
    std::lock_guard lock(pending_mu_);
    inserted = pending_.emplace(hash, tx).second;
  }
  const chain::AdmitError e = sequencer_->submit(std::move(tx), detail, revert);
  if (e != chain::AdmitError::kOk && inserted) {
    std::lock_guard lock(pending_mu_);
    pending_.erase(hash);
  }
  if (e == chain::AdmitError::kOk && inserted) {
    std::lock_guard lock(listener_mu_);
    if (pending_listener_) pending_listener_(hash);
  }
  return e;
}

void Ledger::set_pending_listener(std::function<void(const Bytes32&)> listener) {
  std::lock_guard lock(listener_mu_);
  pending_listener_ = std::move(listener);
}

std::optional<chain::SignedTransaction> Ledger::pending(const Bytes32& hash) const {
  std::lock_guard lock(pending_mu_);
  auto it = pending_.find(hash);
  if (it == pending_.end()) return std::nullopt;
  return it->second;
}

void Ledger::set_block_listener(std::function<void(const chain::Block&)> listener) {
  std::lock_guard lock(listener_mu_);
  listener_ = std::move(listener);
}

// On the sequencer's durability thread (or under the exclusive lock): reads only the block.
void Ledger::on_durable(const chain::Block& block) {
  {
    std::lock_guard lock(pending_mu_);
    for (const chain::SignedTransaction& tx : block.transactions)
      pending_.erase(tx.hash);
  }
  metrics_.on_block(block);
  {
    std::lock_guard lock(listener_mu_);
    if (listener_) listener_(block);
  }
  {
    std::lock_guard lock(stream_mu_);
    stream_durable_ = std::max(stream_durable_, block.header.number);
  }
  stream_cv_.notify_all();
  if (log_level() <= LogLevel::kDebug) {
    log_event(LogLevel::kDebug, "block_sealed",
              {{"number", block.header.number},
               {"hash", block.hash.hex()},
               {"transactions", block.transactions.size()},
               {"timestamp", block.header.timestamp}});
  }
}

}  // namespace stoa::node
