#include "stoa/core/contract.h"

#include <algorithm>

#include "stoa/common/assert.h"
#include "stoa/core/state.h"

namespace stoa::core {

std::string_view movement_kind_name(MovementKind k) {
  switch (k) {
    case MovementKind::kTransfer:
      return "transfer";
    case MovementKind::kMint:
      return "mint";
    case MovementKind::kBurn:
      return "burn";
    case MovementKind::kForced:
      return "forced";
    case MovementKind::kRecovery:
      return "recovery";
    case MovementKind::kTransferFrom:
      return "transferFrom";
    case MovementKind::kBridgeIn:
      return "bridgeIn";
    case MovementKind::kBridgeOut:
      return "bridgeOut";
    case MovementKind::kCorporateAction:
      return "corporateAction";
  }
  return "unknown";
}

U256 spendable_amount(const U256& balance, const U256& frozen) {
  if (frozen.is_zero()) return balance;
  return balance.checked_sub(frozen).value_or(U256(0));
}

U256 Movement::from_spendable() const {
  if (from_held.is_zero()) return spendable_amount(from_balance, from_frozen_amount);
  return spendable_amount(from_balance,
                          from_frozen_amount.checked_add(from_held).value_or(U256::max()));
}

namespace {
std::string signature_text(std::string_view name, const std::vector<Param>& params) {
  std::string s(name);
  s += "(";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) s += ",";
    s += params[i].type;
  }
  return s + ")";
}
}  // namespace

void ContractAbi::introduce(size_t first, Rules since) {
  for (size_t i = first; i < methods_.size(); ++i)
    methods_[i].since = since;
}

ContractAbi::ContractAbi(std::string_view contract_name, std::vector<MethodSpec> methods,
                         std::vector<EventSpec> events, std::vector<ErrorId> errors)
    : name_(contract_name), errors_(std::move(errors)) {
  for (MethodSpec& spec : methods)
    add_method(std::move(spec));
  for (EventSpec& spec : events)
    add_event(std::move(spec));
}

void ContractAbi::add_method(MethodSpec spec) {
  Method m;
  auto sig = abi::parse_signature(signature_text(spec.name, spec.inputs));
  STOA_ASSERT(sig.has_value());
  m.sig = *sig;
  m.selector = abi::selector(m.sig);
  for (const Param& p : spec.outputs) {
    auto t = abi::parse_type(p.type);
    STOA_ASSERT(t.has_value());
    m.outputs.push_back(*t);
  }
  m.spec = std::move(spec);
  STOA_ASSERT(!by_selector_.contains(m.selector));  // no selector clash within a contract
  by_selector_.emplace(m.selector, methods_.size());
  methods_.push_back(std::move(m));
}

void ContractAbi::add_event(EventSpec spec) {
  Event e;
  auto sig = abi::parse_signature(signature_text(spec.name, spec.params));
  STOA_ASSERT(sig.has_value());
  e.sig = *sig;
  e.topic0 = keccak256(e.sig.canonical());
  for (size_t i = 0; i < spec.params.size(); ++i) {
    e.indexed.push_back(spec.params[i].indexed);
    if (!spec.params[i].indexed) e.data_types.push_back(e.sig.inputs[i]);
  }
  e.spec = std::move(spec);
  events_.push_back(std::move(e));
}

void ContractAbi::extend(std::vector<MethodSpec> methods, std::vector<EventSpec> events,
                         std::vector<ErrorId> errors, Rules since) {
  const size_t first = methods_.size();
  for (MethodSpec& spec : methods)
    add_method(std::move(spec));
  introduce(first, since);
  for (EventSpec& spec : events) {
    const bool known = std::any_of(events_.begin(), events_.end(), [&](const Event& e) {
      return signature_text(e.spec.name, e.spec.params) == signature_text(spec.name, spec.params);
    });
    if (!known) add_event(std::move(spec));  // shared groups may bring an event twice
  }
  std::erase_if(errors, [&](ErrorId id) {  // those the contract already lists
    return std::find(errors_.begin(), errors_.end(), id) != errors_.end();
  });
  for (ErrorId id : errors) {
    if (std::find(errors_.begin(), errors_.end(), id) == errors_.end()) errors_.push_back(id);
  }
}

const Event& ContractAbi::event_by_signature(std::string_view canonical) const {
  for (const Event& e : events_) {
    if (e.sig.canonical() == canonical) return e;
  }
  STOA_ASSERT(false && "event not in the contract's ABI");
  return events_.front();
}

const Method* ContractAbi::by_selector(uint32_t selector) const {
  auto it = by_selector_.find(selector);
  return it == by_selector_.end() ? nullptr : &methods_[it->second];
}

const Method* ContractAbi::by_name(std::string_view name) const {
  for (const Method& m : methods_) {
    if (m.spec.name == name) return &m;
  }
  return nullptr;
}

const Event& ContractAbi::event(std::string_view name) const {
  for (const Event& e : events_) {
    if (e.spec.name == name) return e;
  }
  STOA_ASSERT(false && "event not in the contract's ABI");
  return events_.front();
}

uint32_t ContractAbi::interface_id(std::span<const std::string_view> signatures) {
  uint32_t id = 0;
  for (std::string_view s : signatures)
    id ^= selector_of(s);
  return id;
}

void StateEncoder::u64(uint64_t v) {
  uint8_t b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<uint8_t>(v & 0xff);
    v >>= 8;
  }
  sink_.write(b, 8);
}

void StateEncoder::u256(const U256& v) {
  uint8_t b[32];
  v.to_be(b);
  sink_.write(b, 32);
}

void StateEncoder::bytes(BytesView b) {
  u64(b.size());
  sink_.write(b.data(), b.size());
}

void StateEncoder::str(std::string_view s) {
  u64(s.size());
  sink_.write(s.data(), s.size());
}

bool out_of_gas(const CallContext& ctx) {
  return ctx.state.undo_log()->out_of_gas();
}

Revert out_of_gas_revert() {
  return revert_message("out of gas");
}

void charge_log(UndoLog& j, const Log& log) {
  j.charge(gas::kLog + gas::kLogTopic * log.topics.size() + gas::kLogByte * log.data.size());
}

UndoLog* Contract::undo_log() const {
  return state_.undo_log();
}

bool Contract::genesis_allows_role_overlap() const {
  return state_.genesis().allow_role_overlap;
}

void Contract::emit(CallContext& ctx, std::string_view event, const abi::ValueList& args) const {
  emit(ctx, abi().event(event), args);
}

void Contract::emit(CallContext& ctx, const Event& ev, const abi::ValueList& args) const {
  if (ctx.logs == nullptr) return;
  STOA_ASSERT(args.size() == ev.indexed.size());
  Log log;
  log.address = self_;
  log.topics.push_back(ev.topic0);
  abi::ValueList data;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!ev.indexed[i]) {
      data.push_back(args[i]);
      continue;
    }
    const abi::Type& t = ev.sig.inputs[i];
    if (t.is_dynamic() || t.kind == abi::Type::Kind::Tuple ||
        t.kind == abi::Type::Kind::FixedArray) {
      abi::EncodedLog one = abi::encode_event(ev.sig, ev.indexed, args);
      log.topics = std::move(one.topics);
      log.data = std::move(one.data);
      charge_log(*undo_log(), log);
      ctx.logs->push_back(std::move(log));
      return;
    }
    auto word = abi::encode({t}, {args[i]});
    STOA_ASSERT(word.index() == 0 && std::get<0>(word).size() == 32);
    log.topics.push_back(Bytes32::from_view(std::get<0>(word)));
  }
  auto encoded = abi::encode(ev.data_types, data);
  STOA_ASSERT(encoded.index() == 0);
  log.data = std::move(std::get<0>(encoded));
  charge_log(*undo_log(), log);
  ctx.logs->push_back(std::move(log));
}

}  // namespace stoa::core
