#include "stoa/core/state.h"

#include <algorithm>
#include <cstdio>

#include "stoa/core/factory.h"
#include "stoa/core/identity.h"
#include "stoa/core/multicall3.h"

namespace stoa::core {

Address factory_address() {
  Address a;
  a.b[0] = 0x57;
  a.b[1] = 0x04;
  a.b[19] = 0x01;
  return a;
}

// Contracts created in the current call; erased if it reverts. Touched first in every call so
// that, rolled back last, the created contracts outlive the rollback of their own storage.
class State::Creations final : public Undoable {
 public:
  explicit Creations(State& s) : s_(s) {}
  void record(const Address& a) {
    if (s_.undo_log_.open()) created_.push_back(a);
  }
  void rollback() override {
    for (const Address& a : created_)
      s_.contracts_.erase(a);
    created_.clear();
  }
  void forget() override {
    if (s_.undo_log_.block_tracking()) {
      s_.block_created_.insert(s_.block_created_.end(), created_.begin(), created_.end());
    }
    if (s_.undo_log_.block_undo()) {
      block_undo_.insert(block_undo_.end(), created_.begin(), created_.end());
    }
    created_.clear();
  }
  void encode_block_delta(StateEncoder& /*enc*/) override {}
  void discard_block_delta() override {}
  void encode_content(StateEncoder& /*enc*/) const override {}
  std::unique_ptr<BlockUndo> take_block_undo() override {
    if (block_undo_.empty()) return nullptr;
    auto u = std::make_unique<Undo>(s_, std::move(block_undo_));
    block_undo_.clear();
    return u;
  }
  bool block_undo_empty() const { return block_undo_.empty(); }

 private:
  // The contracts a block created: unwinding takes them out of the state (kept here, their
  // storage intact), rewinding puts them back.
  class Undo final : public BlockUndo {
   public:
    Undo(State& s, std::vector<Address> created) : s_(s), created_(std::move(created)) {}
    void unwind() override {
      STOA_ASSERT(parked_.empty());
      for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
        auto c = s_.contracts_.find(*it);
        STOA_ASSERT(c != s_.contracts_.end());
        parked_.push_back(std::move(c->second));
        s_.contracts_.erase(c);
      }
    }
    void rewind() override {
      STOA_ASSERT(parked_.size() == created_.size());
      for (size_t i = 0; i < created_.size(); ++i)
        s_.contracts_.emplace(created_[i], std::move(parked_[created_.size() - 1 - i]));
      parked_.clear();
    }
    size_t bytes() const override { return sizeof(*this) + created_.capacity() * sizeof(Address); }

   private:
    State& s_;
    std::vector<Address> created_;
    std::vector<std::unique_ptr<Contract>> parked_;  // while unwound
  };

  State& s_;
  std::vector<Address> created_;
  std::vector<Address> block_undo_;  // block undo: the contracts this block created
};

State::State(const GenesisConfig& genesis)
    : genesis_(genesis),
      creations_(std::make_unique<Creations>(*this)),
      create_nonces_(&undo_log_, Slot{0}),
      account_nonces_(&undo_log_, Slot{1}) {
  undo_log_.pop_owner();  // the State's own containers are built; contracts own the rest
  std::unique_ptr<Factory> f;
  {
    OwnerScope scope(undo_log_, factory_address());
    f = std::make_unique<Factory>(*this, factory_address());
  }
  factory_ = f.get();
  contracts_.emplace(factory_address(), std::move(f));
  multicall3_ = std::make_unique<Multicall3>(*this);
  std::unique_ptr<IdentityFactory> idf;
  {
    OwnerScope scope(undo_log_, identity_factory_address());
    idf = std::make_unique<IdentityFactory>(*this, identity_factory_address());
  }
  IdentityFactory* idf_ptr = idf.get();
  contracts_.emplace(identity_factory_address(), std::move(idf));
  if (!genesis.operator_account.is_zero()) {
    factory_->grant_operator(genesis.operator_account);
    idf_ptr->grant_operator(genesis.operator_account);
  }
}

State::~State() {
  STOA_ASSERT(unwound_ == 0);
  discard_block_delta();  // the containers it lists are about to go
  clear_past();
}

void State::set_past_window(size_t blocks, size_t max_bytes) {
  STOA_ASSERT(unwound_ == 0);
  past_window_ = blocks;
  past_max_bytes_ = max_bytes;
  undo_log_.set_block_undo(blocks > 0);
  if (blocks == 0) clear_past();
  trim_past();
}

void State::trim_past() {
  while (past_.size() > past_window_ || (past_bytes_ > past_max_bytes_ && !past_.empty())) {
    past_bytes_ -= past_.front().bytes;
    past_.pop_front();
  }
}

void State::seal_block_undo() {
  STOA_ASSERT(!undo_log_.open() && unwound_ == 0);
  if (past_window_ == 0) return;
  PastBlock b;
  b.undo = undo_log_.take_block_undo();
  if (std::unique_ptr<BlockUndo> c = creations_->take_block_undo()) b.undo.push_back(std::move(c));
  for (const auto& u : b.undo)
    b.bytes += u->bytes();
  b.bytes += sizeof(PastBlock) + b.undo.capacity() * sizeof(b.undo[0]);
  past_bytes_ += b.bytes;
  past_.push_back(std::move(b));
  trim_past();
}

void State::clear_past() {
  STOA_ASSERT(unwound_ == 0);
  undo_log_.take_block_undo();  // the block being built's, if any
  creations_->take_block_undo();
  past_.clear();
  past_bytes_ = 0;
}

void State::unwind_past(size_t k) {
  STOA_ASSERT(!undo_log_.open() && unwound_ == 0 && k <= past_.size());
  // Between blocks: nothing written since the last seal (the sequencer seals under the lock).
  STOA_ASSERT(undo_log_.block_undo_empty() && creations_->block_undo_empty());
  for (size_t i = 0; i < k; ++i) {
    PastBlock& b = past_[past_.size() - 1 - i];
    for (auto it = b.undo.rbegin(); it != b.undo.rend(); ++it)
      (*it)->unwind();
  }
  unwound_ = k;
}

void State::rewind_past() {
  STOA_ASSERT(!undo_log_.open());
  for (size_t i = unwound_; i > 0; --i) {
    PastBlock& b = past_[past_.size() - i];
    for (auto& u : b.undo)
      u->rewind();
  }
  unwound_ = 0;
}

Contract* State::contract(const Address& a) const {
  auto it = contracts_.find(a);
  return it == contracts_.end() ? nullptr : it->second.get();
}

std::vector<Address> State::contract_addresses() const {
  std::vector<Address> out;
  out.reserve(contracts_.size());
  for (const auto& kv : contracts_)
    out.push_back(kv.first);
  std::sort(out.begin(), out.end());
  return out;
}

Address State::next_address(const Address& creator) {
  uint64_t nonce = create_nonces_.get(creator);
  create_nonces_.set(creator, nonce + 1);
  return create_address(creator, nonce);
}

void State::install(const Address& a, std::unique_ptr<Contract> c) {
  STOA_ASSERT(!contracts_.contains(a));
  undo_log_.charge(gas::kCreate);
  contracts_.emplace(a, std::move(c));
  creations_->record(a);
}

namespace {
// The refusals before any contract code runs; eth_call and admission give the same ones.
Revert no_contract(const Address& to) {
  return revert_message("no contract at " + to.checksum_hex());
}
Revert short_calldata() {
  return revert_message("calldata is shorter than a 4-byte function selector");
}
uint32_t selector_of(BytesView calldata) {
  return (uint32_t{calldata[0]} << 24) | (uint32_t{calldata[1]} << 16) |
         (uint32_t{calldata[2]} << 8) | uint32_t{calldata[3]};
}
Revert unknown_selector(uint32_t sel, const Contract& c, const Address& to) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", sel);
  return revert_message(std::string("unknown function selector ") + buf + " for " +
                        std::string(c.abi().contract_name()) + " at " + to.checksum_hex());
}
Revert malformed_arguments(const Method& m, abi::DecodeError e) {
  return revert_message("malformed arguments for " + m.sig.canonical() + ": " +
                        std::string(abi::to_string(e)));
}
}  // namespace

Contract* State::callee(const Address& to) const {
  Contract* c = contract(to);
  if (c == nullptr && simulating_ && to == multicall3_address()) return multicall3_.get();
  return c;
}

std::optional<Revert> State::check_call_shape(const Address& to, BytesView calldata) const {
  if (to == multicall3_address()) {
    return revert_message("Multicall3 at " + to.checksum_hex() +
                          " answers eth_call only: send its calls as transactions of their own");
  }
  const Contract* c = contract(to);
  if (c == nullptr) return no_contract(to);
  if (calldata.size() < 4) return short_calldata();
  const uint32_t sel = selector_of(calldata);
  const Method* m = c->abi().by_selector(sel);
  if (m == nullptr) return unknown_selector(sel, *c, to);
  auto args = abi::decode(m->sig.inputs, calldata.subspan(4), /*strict_length=*/true);
  if (args.index() != 0) return malformed_arguments(*m, std::get<1>(args));
  return std::nullopt;
}

CallResult State::dispatch(const Address& sender, const Address& to, BytesView calldata,
                           const BlockContext& block, bool views_only) {
  CallResult r;
  Contract* c = callee(to);
  if (c == nullptr) {
    r.output = no_contract(to).data;
    return r;
  }
  if (calldata.size() < 4) {
    r.output = short_calldata().data;
    return r;
  }
  const uint32_t sel = selector_of(calldata);
  const Method* m = c->abi().by_selector(sel);
  if (m == nullptr || block.rules < m->since) {  // not yet a method under this block's rules
    r.output = unknown_selector(sel, *c, to).data;
    return r;
  }
  if (views_only && m->spec.mutability != Mutability::kView) {
    r.output =
        revert_message("Multicall3 on stoa batches view functions only, not " + m->sig.canonical())
            .data;
    return r;
  }
  auto args = abi::decode(m->sig.inputs, calldata.subspan(4), /*strict_length=*/true);
  if (args.index() != 0) {
    r.output = malformed_arguments(*m, std::get<1>(args)).data;
    return r;
  }
  CallContext ctx{*this, sender, block, &r.logs};
  Result<Outputs> out = m->spec.fn(*c, ctx, std::get<0>(args));
  if (!out.ok()) {
    r.output = out.take_revert().data;
    r.logs.clear();
    return r;
  }
  auto encoded = abi::encode(m->outputs, out.value());
  STOA_ASSERT(encoded.index() == 0);  // handlers return values of their declared types
  r.success = true;
  r.output = std::move(std::get<0>(encoded));
  return r;
}

// Ends a metered call: a call past its budget is refused (its effects are rolled back by the
// caller) with Error("out of gas") and charged its whole limit, as on Ethereum.
static void settle_gas(const UndoLog& j, CallResult& r) {
  if (j.out_of_gas()) {
    r.success = false;
    r.out_of_gas = true;
    r.output = revert_message("out of gas").data;
    r.logs.clear();
    r.gas_used = j.gas_limit();
  } else {
    r.gas_used = j.gas_used();
  }
}

CallResult State::call(const Address& sender, const Address& to, BytesView calldata,
                       const BlockContext& block, uint64_t gas_limit) {
  undo_log_.begin(gas_limit);
  undo_log_.touch(creations_.get());
  CallResult r = dispatch(sender, to, calldata, block);
  settle_gas(undo_log_, r);
  if (r.success) {
    undo_log_.commit();
  } else {
    undo_log_.rollback();
  }
  return r;
}

CallResult State::simulate(const Address& sender, const Address& to, BytesView calldata,
                           const BlockContext& block, uint64_t gas_limit) {
  undo_log_.begin(gas_limit);
  undo_log_.touch(creations_.get());
  simulating_ = true;
  CallResult r = dispatch(sender, to, calldata, block);
  simulating_ = false;
  settle_gas(undo_log_, r);
  undo_log_.rollback();
  return r;
}

CallResult State::view_call(const Address& sender, const Address& to, BytesView calldata,
                            const BlockContext& block) {
  STOA_ASSERT(undo_log_.open());
  CallResult r = dispatch(sender, to, calldata, block, /*views_only=*/true);
  r.logs.clear();  // views emit nothing; a sub-call's logs are not the batch's
  return r;
}

CallResult State::inner_call(const Address& sender, const Address& to, BytesView calldata,
                             const BlockContext& block) {
  STOA_ASSERT(undo_log_.open());
  if (inner_depth_ >= kMaxInnerCallDepth) {
    CallResult r;
    r.output = make_revert(ErrorId::kCallDepthExceeded, {U256(kMaxInnerCallDepth)}).data;
    return r;
  }
  ++inner_depth_;
  CallResult r = dispatch(sender, to, calldata, block);
  --inner_depth_;
  return r;
}

Status State::transact(const Address& sender, const BlockContext& block, std::vector<Log>* logs,
                       const std::function<Status(CallContext&)>& fn) {
  undo_log_.begin();
  undo_log_.touch(creations_.get());
  size_t mark = logs ? logs->size() : 0;
  CallContext ctx{*this, sender, block, logs};
  Status s = fn(ctx);
  if (s.ok()) {
    undo_log_.commit();
  } else {
    undo_log_.rollback();
    if (logs) logs->resize(mark);
  }
  return s;
}

void State::encode(StateSink& sink) const {
  StateEncoder enc(sink);
  enc.str("stoa.state.v1");
  enc.u64(genesis_.chain_id);
  enc.address(genesis_.operator_account);
  enc.u8(genesis_.allow_role_overlap ? 1 : 0);
  enc.u64(create_nonces_.size());
  create_nonces_.for_each_sorted([&](const Address& a, uint64_t n) {
    enc.address(a);
    enc.u64(n);
  });
  enc.u64(account_nonces_.size());
  account_nonces_.for_each_sorted([&](const Address& a, uint64_t n) {
    enc.address(a);
    enc.u64(n);
  });
  std::vector<Address> addrs = contract_addresses();
  enc.u64(addrs.size());
  for (const Address& a : addrs) {
    const Contract* c = contract(a);
    enc.address(a);
    enc.u8(static_cast<uint8_t>(c->kind()));
    c->encode_state(enc);
  }
}

Bytes32 State::digest() const {
  KeccakSink sink;
  encode(sink);
  return sink.finish();
}

BlockDeltaInfo State::take_block_delta(StateSink& sink) {
  STOA_ASSERT(!undo_log_.open());
  BlockDeltaInfo info;
  StateEncoder enc(sink);
  enc.str("stoa.delta.v1");
  std::sort(block_created_.begin(), block_created_.end());
  block_created_.erase(std::unique(block_created_.begin(), block_created_.end()),
                       block_created_.end());
  enc.u64(block_created_.size());
  for (const Address& a : block_created_) {
    const Contract* c = contract(a);
    STOA_ASSERT(c != nullptr);  // a committed creation is never undone
    enc.address(a);
    enc.u8(static_cast<uint8_t>(c->kind()));
    c->encode_state(enc);
  }
  info.created = std::move(block_created_);
  block_created_.clear();
  const std::vector<Undoable*> written = undo_log_.take_block_written();
  enc.u64(written.size());
  info.written.reserve(written.size());
  for (Undoable* u : written) {
    enc.address(u->slot().owner);
    enc.u64(u->slot().ordinal);
    u->encode_block_delta(enc);
    info.written.push_back(u->slot());
  }
  return info;
}

Bytes32 State::take_block_delta_digest(BlockDeltaInfo* info) {
  KeccakSink sink;
  BlockDeltaInfo taken = take_block_delta(sink);
  if (info != nullptr) *info = std::move(taken);
  return sink.finish();
}

ContainerFingerprints State::container_fingerprints() const {
  ContainerFingerprints out;
  out.reserve(undo_log_.live().size());
  for (const Undoable* u : undo_log_.live()) {
    // A contract an unwound block created is out of the state (reads at past blocks).
    if (!u->slot().owner.is_zero() && !contracts_.contains(u->slot().owner)) continue;
    KeccakSink sink;
    StateEncoder enc(sink);
    u->encode_content(enc);
    out.emplace_back(u->slot(), sink.finish());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::string State::check_block_delta_complete(const ContainerFingerprints& before,
                                              const ContainerFingerprints& after,
                                              const BlockDeltaInfo& taken) {
  std::vector<SlotId> written = taken.written;
  std::sort(written.begin(), written.end());
  std::vector<Address> created = taken.created;
  std::sort(created.begin(), created.end());
  size_t i = 0;
  for (const auto& [slot, fp] : after) {
    while (i < before.size() && before[i].first < slot)
      ++i;
    const bool changed = i == before.size() || before[i].first != slot || before[i].second != fp;
    if (!changed) continue;
    if (std::binary_search(written.begin(), written.end(), slot)) continue;
    if (std::binary_search(created.begin(), created.end(), slot.owner)) continue;
    return "container " + std::to_string(slot.ordinal) + " of " +
           (slot.owner.is_zero() ? std::string("the state") : slot.owner.checksum_hex()) +
           " changed but the block delta does not name it";
  }
  return "";
}

void State::discard_block_delta() {
  for (Undoable* u : undo_log_.take_block_written())
    u->discard_block_delta();
  block_created_.clear();
}

}  // namespace stoa::core
