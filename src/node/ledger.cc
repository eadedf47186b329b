// The chain, its sequencer and the ledger's clock.
#include "stoa/node/ledger.h"

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
  sequencer_ = std::make_unique<chain::Sequencer>(*chain_, std::move(opts));
}

Ledger::~Ledger() {
  stop();
}

void Ledger::stop() {
  if (sequencer_) sequencer_->stop();
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
  return e;
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
  if (log_level() <= LogLevel::kDebug) {
    log_event(LogLevel::kDebug, "block_sealed",
              {{"number", block.header.number},
               {"hash", block.hash.hex()},
               {"transactions", block.transactions.size()},
               {"timestamp", block.header.timestamp}});
  }
}

}  // namespace stoa::node
