#include "stoa/doc/abi_json.h"

#include <string_view>

#include "stoa/core/factory.h"
#include "stoa/core/identity.h"
#include "stoa/core/kyc_events.h"
#include "stoa/core/multicall3.h"
#include "stoa/core/state.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::doc {
namespace {
using nlohmann::json;

json param_json(std::string_view name, const abi::Type& t, std::optional<bool> indexed) {
  json p;
  p["name"] = std::string(name);
  std::string type = t.canonical();
  const abi::Type* tuple = &t;
  std::string suffix;
  while (tuple->kind == abi::Type::Kind::Array || tuple->kind == abi::Type::Kind::FixedArray) {
    std::string dims = tuple->kind == abi::Type::Kind::Array
                           ? std::string("[]")
                           : "[" + std::to_string(tuple->length) + "]";
    dims += suffix;
    suffix = std::move(dims);
    tuple = &tuple->components[0];
  }
  if (tuple->kind == abi::Type::Kind::Tuple) {
    p["type"] = "tuple" + suffix;
    json comps = json::array();
    for (const abi::Type& c : tuple->components)
      comps.push_back(param_json("", c, std::nullopt));
    p["components"] = comps;
  } else {
    p["type"] = type;
  }
  if (indexed) p["indexed"] = *indexed;
  return p;
}

json params_json(const std::vector<core::Param>& params, bool event) {
  json out = json::array();
  for (const core::Param& p : params) {
    auto t = abi::parse_type(p.type);
    STOA_ASSERT(t.has_value());
    out.push_back(param_json(p.name, *t, event ? std::optional<bool>(p.indexed) : std::nullopt));
  }
  return out;
}

// "Name(type a, type b)" -> names and types.
json error_inputs(std::string_view signature) {
  json out = json::array();
  const size_t open = signature.find('(');
  std::string_view inner = signature.substr(open + 1, signature.size() - open - 2);
  while (!inner.empty()) {
    size_t comma = inner.find(',');
    std::string_view part = inner.substr(0, comma);
    while (!part.empty() && part.front() == ' ')
      part.remove_prefix(1);
    const size_t space = part.find(' ');
    std::string_view type = part.substr(0, space);
    std::string_view name = space == std::string_view::npos ? "" : part.substr(space + 1);
    auto t = abi::parse_type(type);
    STOA_ASSERT(t.has_value());
    out.push_back(param_json(name, *t, std::nullopt));
    if (comma == std::string_view::npos) break;
    inner.remove_prefix(comma + 1);
  }
  return out;
}
}  // namespace

json abi_json(const core::ContractAbi& abi) {
  json out = json::array();
  for (const core::Method& m : abi.methods()) {
    json f;
    f["type"] = "function";
    f["name"] = std::string(m.spec.name);
    f["inputs"] = params_json(m.spec.inputs, false);
    f["outputs"] = params_json(m.spec.outputs, false);
    f["stateMutability"] = m.spec.mutability == core::Mutability::kView ? "view" : "nonpayable";
    out.push_back(f);
  }
  for (const core::Event& e : abi.events()) {
    json ev;
    ev["type"] = "event";
    ev["name"] = std::string(e.spec.name);
    ev["inputs"] = params_json(e.spec.params, true);
    ev["anonymous"] = false;
    out.push_back(ev);
  }
  for (core::ErrorId id : abi.errors()) {
    const core::ErrorSpec& spec = core::error_spec(id);
    json er;
    er["type"] = "error";
    er["name"] = core::error_signature(id).name;
    er["inputs"] = error_inputs(spec.signature);
    out.push_back(er);
  }
  return out;
}

namespace {
// The lifecycle contracts of a security (a payment token, its dividend distributor) and a
// multisig admin (docs/dividends.md, docs/multisig.md).
std::vector<Address> lifecycle_contracts(core::State& state, const Address& op,
                                         const Address& issuer, const Address& token) {
  Address payment_token;
  Address distributor;
  core::Status created = state.transact(op, {}, nullptr, [&](core::CallContext& ctx) {
    auto t = state.factory().create_payment_token(ctx, "Doc Dollar", "DUSD", 2, issuer);
    if (!t.ok()) return core::Status(t.take_revert());
    payment_token = t.value();
    auto d = state.factory().create_dividend_distributor(ctx, token, issuer);
    if (!d.ok()) return core::Status(d.take_revert());
    distributor = d.value();
    return core::Status::Ok();
  });
  STOA_ASSERT(created.ok());
  // A multisig admin (docs/multisig.md).
  Address multisig;
  created = state.transact(op, {}, nullptr, [&](core::CallContext& ctx) {
    auto m = state.factory().create_multisig(ctx, {issuer}, U256(1));
    if (!m.ok()) return core::Status(m.take_revert());
    multisig = m.value();
    return core::Status::Ok();
  });
  STOA_ASSERT(created.ok());
  return {payment_token, distributor, multisig};
}
}  // namespace

std::map<std::string, json> all_abi_documents() {
  // One instance of every contract kind: a state with one security.
  const Address op = crypto::key_for_label("operator").address();
  core::State state(core::GenesisConfig{1, op, false});
  const core::CreateSecurityArgs args{"Doc",
                                      "DOC",
                                      0,
                                      0,
                                      crypto::key_for_label("issuer").address(),
                                      crypto::key_for_label("officer").address()};
  core::SecuritySet set;
  core::Status created = state.transact(op, {}, nullptr, [&](core::CallContext& ctx) {
    auto r = state.factory().create_security(ctx, args);
    if (!r.ok()) return core::Status(r.take_revert());
    set = r.value();
    return core::Status::Ok();
  });
  STOA_ASSERT(created.ok());
  // The identity stack of that security and one identity.
  const Address issuer = crypto::key_for_label("issuer").address();
  core::IdentitySet ids;
  Address identity;
  created = state.transact(issuer, {}, nullptr, [&](core::CallContext& ctx) {
    auto& f = *state.contract_as<core::IdentityFactory>(core::identity_factory_address());
    auto r = f.create_identity_registry(ctx, set.token, Address{});
    if (!r.ok()) return core::Status(r.take_revert());
    ids = r.value();
    auto i = f.create_identity(ctx, issuer);
    if (!i.ok()) return core::Status(i.take_revert());
    identity = i.value();
    // A KYC event of that identity as an issuer: its KycEventLog.
    core::KycEvent ev;
    ev.issuer = identity;
    ev.token = set.token;
    ev.wallet = crypto::key_for_label("investor").address();
    auto k = f.apply_kyc_event(ctx, ev);
    if (!k.ok()) return core::Status(k.take_revert());
    return core::Status::Ok();
  });
  STOA_ASSERT(created.ok());
  std::map<std::string, json> docs;
  for (const Address& a : lifecycle_contracts(state, op, issuer, set.token)) {
    const core::ContractAbi& abi = state.contract(a)->abi();
    docs[std::string(abi.contract_name())] = abi_json(abi);
  }
  for (const Address& a :
       {core::factory_address(), set.token, set.registry, set.restriction, set.whitelist_module,
        set.lockup_module, set.jurisdiction_module, core::identity_factory_address(), identity,
        ids.identity_registry, ids.storage, ids.claim_topics, ids.trusted_issuers,
        core::kyc_event_log_address(identity)}) {
    const core::ContractAbi& abi = state.contract(a)->abi();
    docs[std::string(abi.contract_name())] = abi_json(abi);
  }
  // Code without state, at its canonical address on every chain (core/multicall3.h).
  const core::Multicall3 multicall(state);
  docs["Multicall3"] = abi_json(multicall.abi());
  return docs;
}

std::string abi_file_text(const json& doc) {
  return doc.dump(2) + "\n";
}

}  // namespace stoa::doc
