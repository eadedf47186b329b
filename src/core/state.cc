#include "stoa/core/state.h"

#include <algorithm>
#include <cstdio>

#include "stoa/core/factory.h"
#include "stoa/core/identity.h"

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
    if (s_.journal_.open()) created_.push_back(a);
  }
  void rollback() override {
    for (const Address& a : created_)
      s_.contracts_.erase(a);
    created_.clear();
  }
  void forget() override { created_.clear(); }

 private:
  State& s_;
  std::vector<Address> created_;
};

State::State(const GenesisConfig& genesis)
    : genesis_(genesis),
      creations_(std::make_unique<Creations>(*this)),
      create_nonces_(&journal_),
      account_nonces_(&journal_) {
  auto f = std::make_unique<Factory>(*this, factory_address());
  factory_ = f.get();
  contracts_.emplace(factory_address(), std::move(f));
  auto idf = std::make_unique<IdentityFactory>(*this, identity_factory_address());
  IdentityFactory* idf_ptr = idf.get();
  contracts_.emplace(identity_factory_address(), std::move(idf));
  if (!genesis.operator_account.is_zero()) {
    factory_->grant_operator(genesis.operator_account);
    idf_ptr->grant_operator(genesis.operator_account);
  }
}

State::~State() = default;

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
  contracts_.emplace(a, std::move(c));
  creations_->record(a);
}

CallResult State::dispatch(const Address& sender, const Address& to, BytesView calldata,
                           const BlockContext& block) {
  CallResult r;
  Contract* c = contract(to);
  if (c == nullptr) {
    r.output = revert_message("no contract at " + to.checksum_hex()).data;
    return r;
  }
  if (calldata.size() < 4) {
    r.output = revert_message("calldata is shorter than a 4-byte function selector").data;
    return r;
  }
  uint32_t sel = (uint32_t{calldata[0]} << 24) | (uint32_t{calldata[1]} << 16) |
                 (uint32_t{calldata[2]} << 8) | uint32_t{calldata[3]};
  const Method* m = c->abi().by_selector(sel);
  if (m == nullptr) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", sel);
    r.output = revert_message(std::string("unknown function selector ") + buf + " for " +
                              std::string(c->abi().contract_name()) + " at " + to.checksum_hex())
                   .data;
    return r;
  }
  auto args = abi::decode(m->sig.inputs, calldata.subspan(4), /*strict_length=*/true);
  if (args.index() != 0) {
    r.output = revert_message("malformed arguments for " + m->sig.canonical() + ": " +
                              std::string(abi::to_string(std::get<1>(args))))
                   .data;
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

CallResult State::call(const Address& sender, const Address& to, BytesView calldata,
                       const BlockContext& block) {
  journal_.begin();
  journal_.touch(creations_.get());
  CallResult r = dispatch(sender, to, calldata, block);
  if (r.success) {
    journal_.commit();
  } else {
    journal_.rollback();
  }
  return r;
}

CallResult State::simulate(const Address& sender, const Address& to, BytesView calldata,
                           const BlockContext& block) {
  journal_.begin();
  journal_.touch(creations_.get());
  CallResult r = dispatch(sender, to, calldata, block);
  journal_.rollback();
  return r;
}

Status State::transact(const Address& sender, const BlockContext& block, std::vector<Log>* logs,
                       const std::function<Status(CallContext&)>& fn) {
  journal_.begin();
  journal_.touch(creations_.get());
  size_t mark = logs ? logs->size() : 0;
  CallContext ctx{*this, sender, block, logs};
  Status s = fn(ctx);
  if (s.ok()) {
    journal_.commit();
  } else {
    journal_.rollback();
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

}  // namespace stoa::core
