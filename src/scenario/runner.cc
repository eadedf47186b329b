// The scenario runner: executes the steps of a parsed scenario on a fresh core::State.
//
// After every call that reverts it checks that the state digest is unchanged and that no event
// was kept (a refused call changes nothing); after every view that the digest is unchanged; and
// after every successful call that each security's holder count and total supply agree with its
// balances. A scenario fails at its first unmet expectation.
#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "stoa/abi/abi.h"
#include "stoa/common/assert.h"
#include "stoa/common/keccak.h"
#include "stoa/core/access_control.h"
#include "stoa/core/codes.h"
#include "stoa/core/dividend_distributor.h"
#include "stoa/core/errors.h"
#include "stoa/core/factory.h"
#include "stoa/core/identity.h"
#include "stoa/core/payment_token.h"
#include "stoa/core/presets.h"
#include "stoa/core/state.h"
#include "stoa/crypto/secp256k1.h"
#include "stoa/scenario/scenario.h"
#include "text.h"

namespace stoa::scenario {
namespace {

using internal::split_top;
using internal::trim;

constexpr uint64_t kDefaultStart = 1767225600;  // 2026-01-01T00:00:00Z

// An expectation that did not hold (turned into a Failure by run()).
struct Mismatch {
  std::string message;
  std::string expected;
  std::string actual;
};

// A value error while resolving an argument (wrapped with the argument's context).
struct ValueError {
  std::string message;
};

constexpr std::array<std::pair<std::string_view, size_t>, 6> kParts = {{
    {"token", 0},
    {"registry", 1},
    {"restriction", 2},
    {"whitelist", 3},
    {"lockup", 4},
    {"jurisdiction", 5},
}};

constexpr std::array<std::pair<std::string_view, size_t>, 4> kIdentityParts = {{
    {"identityRegistry", 0},
    {"identityStorage", 1},
    {"claimTopics", 2},
    {"trustedIssuers", 3},
}};

Address identity_part(const core::IdentitySet& s, size_t i) {
  switch (i) {
    case 0:
      return s.identity_registry;
    case 1:
      return s.storage;
    case 2:
      return s.claim_topics;
    default:
      return s.trusted_issuers;
  }
}

Address part_address(const core::SecuritySet& s, size_t i) {
  switch (i) {
    case 0:
      return s.token;
    case 1:
      return s.registry;
    case 2:
      return s.restriction;
    case 3:
      return s.whitelist_module;
    case 4:
      return s.lockup_module;
    default:
      return s.jurisdiction_module;
  }
}

std::string params_text(const std::vector<core::Param>& ps) {
  std::string out;
  for (const auto& p : ps) {
    if (!out.empty()) out += ", ";
    out += std::string(p.type);
    if (!p.name.empty()) out += " " + std::string(p.name);
  }
  return out;
}

std::string percent_of(const U256& part, const U256& whole) {
  if (whole.is_zero()) return "0.00%";
  // Basis points of a percent (1/100 of 1%), rounded half up.
  auto twice = part.mul_div_floor(U256(20000), whole);
  U256 q = twice ? *twice : U256(0);
  q = *(*q.checked_add(U256(1))).checked_div(U256(2));
  const uint64_t v = q.low64();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%02llu%%", static_cast<unsigned long long>(v / 100),
                static_cast<unsigned long long>(v % 100));
  return buf;
}

class Runner {
 public:
  explicit Runner(const Scenario& sc) : sc_(sc) {
    report_.file = sc.file;
    report_.title = sc.title;
  }

  Report run() {
    try {
      for (const Step& st : sc_.steps) {
        step_ = &st;
        execute(st);
        check_block_delta();
        ++report_.steps;
      }
      ensure_state();
      // State images: the final state decodes from its canonical encoding to the same state.
      step_ = nullptr;
      if (const std::string p = core::check_state_image_round_trip(*state_); !p.empty()) {
        error("state image round trip of the final state failed: " + p);
      }
      report_.passed = true;
    } catch (const ScenarioError& e) {
      Failure f;
      f.scenario_error = true;
      f.file = e.file();
      f.line = e.line();
      f.source = step_ ? step_->source : "";
      f.message = e.message();
      report_.failure = std::move(f);
    } catch (const Mismatch& m) {
      Failure f;
      f.file = sc_.file;
      f.line = step_->line;
      f.source = step_->source;
      f.message = m.message;
      f.expected = m.expected;
      f.actual = m.actual;
      report_.failure = std::move(f);
    }
    finish_report();
    return std::move(report_);
  }

 private:
  [[noreturn]] void error(const std::string& msg) const {
    throw ScenarioError(sc_.file, step_ ? step_->line : 0, msg);
  }

  // ------------------------------------------------------------------------- set-up

  void ensure_state() {
    if (state_) return;
    genesis_.operator_account = crypto::key_for_label("operator").address();
    state_ = std::make_unique<core::State>(genesis_);
    state_->set_block_tracking(true);
    fingerprints_ = state_->container_fingerprints();
    name(genesis_.operator_account, "operator");
    name(core::factory_address(), "factory");
  }

  // Each step is a block for the state root: its delta must name every container the step
  // changed (docs/journal-format.md, "State root").
  void check_block_delta() {
    if (!state_) return;
    core::BlockDeltaInfo taken;
    (void)state_->take_block_delta_digest(&taken);
    core::ContainerFingerprints after = state_->container_fingerprints();
    const std::string p = core::State::check_block_delta_complete(fingerprints_, after, taken);
    if (!p.empty()) error("the block delta is incomplete: " + p);
    fingerprints_ = std::move(after);
  }

  void name(const Address& a, const std::string& n) {
    if (!names_.contains(a)) names_[a] = n;
  }

  void execute(const Step& st) {
    switch (st.kind) {
      case Step::Kind::kGenesis:
        genesis_.chain_id = st.chain_id;
        genesis_.allow_role_overlap = st.allow_role_overlap;
        return;
      case Step::Kind::kAccounts:
        ensure_state();
        for (const std::string& n : st.names) {
          if (accounts_.contains(n)) error("account '" + n + "' is declared twice");
          const Address a = crypto::key_for_label(n).address();
          accounts_[n] = a;
          names_[a] = n;
        }
        return;
      case Step::Kind::kTime:
        ensure_state();
        if (st.timestamp < now_) {
          error("time goes backwards: " + format_time(st.timestamp) + " is before the current " +
                format_time(now_));
        }
        now_ = st.timestamp;
        return;
      case Step::Kind::kAdvance:
        ensure_state();
        if (now_ > UINT64_MAX - st.seconds) error("time overflows");
        now_ += st.seconds;
        return;
      case Step::Kind::kSecurity:
        ensure_state();
        security(st);
        return;
      case Step::Kind::kCall:
        ensure_state();
        call(st);
        return;
      case Step::Kind::kExpect:
        ensure_state();
        expect(st);
        return;
      case Step::Kind::kEmits:
        ensure_state();
        emits(st);
        return;
    }
  }

  // ------------------------------------------------------------------------- names

  std::vector<std::string> account_names() const {
    std::vector<std::string> out;
    for (const auto& [n, a] : accounts_)
      out.push_back(n);
    out.emplace_back("operator");
    return out;
  }

  const core::IdentityFactory& identity_factory() const {
    const auto* f = state_->contract_as<core::IdentityFactory>(core::identity_factory_address());
    STOA_ASSERT(f != nullptr);
    return *f;
  }

  // Signs a claim with an account's key: claim-sig(SIGNER, IDENTITY, TOPIC, DATA) in the classic
  // form, typed-claim-sig(SIGNER, IDENTITY, TOPIC, ISSUED, UNTIL, PAYLOAD) in the EIP-712 form.
  Bytes claim_signature(const std::string& inner, bool typed, bool high_s) const {
    std::string err;
    auto parts = split_top(inner, ',', &err);
    const size_t want = typed ? 6 : 4;
    if (!parts || parts->size() != want) {
      throw ValueError{typed ? "typed-claim-sig(SIGNER, IDENTITY, TOPIC, ISSUED, UNTIL, PAYLOAD)"
                             : "claim-sig(SIGNER, IDENTITY, TOPIC, DATA)"};
    }
    const std::string signer(trim((*parts)[0]));
    if (!accounts_.contains(signer)) throw ValueError{"unknown signer account '" + signer + "'"};
    const abi::Type addr_t = *abi::parse_type("address");
    const abi::Type uint_t = *abi::parse_type("uint256");
    const Address identity = value(addr_t, (*parts)[1], false)->address();
    const U256 topic = value(uint_t, (*parts)[2], false)->u256();
    Bytes32 digest;
    if (typed) {
      core::TypedClaimData d;
      d.issued_at = value(uint_t, (*parts)[3], false)->u256().low64();
      d.valid_until = value(uint_t, (*parts)[4], false)->u256().low64();
      d.payload = value(*abi::parse_type("bytes32"), (*parts)[5], false)->as_bytes32();
      digest = core::typed_claim_digest(genesis_.chain_id, identity, topic, d);
    } else {
      const Bytes data = value(*abi::parse_type("bytes"), (*parts)[3], false)->bytes();
      digest = core::classic_claim_digest(identity, topic, data);
    }
    crypto::Signature sig = crypto::sign(crypto::key_for_label(signer), digest);
    if (high_s) {
      // The malleated twin (n - s, flipped parity): valid for ecrecover, refused as high-s.
      static const U256 kN =
          *U256::from_hex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
      sig.s = kN.checked_sub(U256::from_bytes32(sig.s))->to_bytes32();
      sig.recovery_id ^= 1;
    }
    Bytes out(65);
    std::copy(sig.r.b.begin(), sig.r.b.end(), out.begin());
    std::copy(sig.s.b.begin(), sig.s.b.end(), out.begin() + 32);
    out[64] = static_cast<uint8_t>(27 + sig.recovery_id);
    return out;
  }

  Address account(const std::string& n) const {
    if (n == "operator") return genesis_.operator_account;
    auto it = accounts_.find(n);
    if (it != accounts_.end()) return it->second;
    if (n.rfind("0x", 0) == 0) {
      if (auto a = Address::parse(n)) return *a;
      error("invalid address '" + n + "'");
    }
    if (by_symbol_.contains(n)) {
      error("'" + n + "' is a security, not an account; senders are accounts");
    }
    error("unknown account '" + n + "'" + internal::suggest(n, account_names()) +
          "; declare it with an accounts line");
  }

  // Contract references: factory, SYM (the token), SYM.token/.registry/.restriction/.whitelist/
  // .lockup/.jurisdiction. nullopt if `t` is not of that form.
  std::optional<Address> contract_ref(std::string_view t) const {
    if (t == "factory") return core::factory_address();
    if (auto n = named_.find(std::string(t)); n != named_.end()) return n->second;
    if (t == "identityFactory") return core::identity_factory_address();
    const size_t dot = t.rfind('.');
    std::string sym(dot == std::string_view::npos ? t : t.substr(0, dot));
    if (dot != std::string_view::npos && t.substr(dot + 1) == "identity" &&
        (accounts_.contains(sym) || sym == "operator")) {
      // NAME.identity: the identity the IdentityFactory created for the account.
      const Address id = identity_factory().identity_of(account(sym));
      if (id.is_zero()) {
        error("account '" + sym + "' has no identity yet (identityFactory.createIdentity(" + sym +
              "))");
      }
      return id;
    }
    auto it = by_symbol_.find(sym);
    if (it != by_symbol_.end() && dot != std::string_view::npos) {
      std::string_view part = t.substr(dot + 1);
      const core::IdentitySet* st = identity_factory().stack(securities_[it->second].token);
      for (const auto& [pname, idx] : kIdentityParts) {
        if (pname != part) continue;
        if (st == nullptr) {
          std::string msg = "security " + sym + " has no identity registry yet ";
          msg += "(identityFactory.createIdentityRegistry(" + sym + ", zero))";
          error(msg);
        }
        return identity_part(*st, idx);
      }
    }
    if (it == by_symbol_.end()) {
      // A symbol may itself contain dots (BRK.A): try the whole text as a symbol.
      auto whole = by_symbol_.find(std::string(t));
      if (whole != by_symbol_.end()) return securities_[whole->second].token;
      return std::nullopt;
    }
    if (dot == std::string_view::npos) return securities_[it->second].token;
    std::string_view part = t.substr(dot + 1);
    for (const auto& [pname, idx] : kParts) {
      if (pname == part) return part_address(securities_[it->second], idx);
    }
    std::string list;
    for (const auto& [pname, idx] : kParts)
      list += (list.empty() ? "" : ", ") + std::string(pname);
    error("'" + std::string(part) + "' is not a part of security " + sym + " (parts: " + list +
          ")");
  }

  const core::Contract& target(const std::string& t, Address& addr) const {
    if (t.rfind("0x", 0) == 0) {
      auto a = Address::parse(t);
      if (!a) error("invalid address '" + t + "'");
      addr = *a;
    } else if (auto ref = contract_ref(t)) {
      addr = *ref;
    } else {
      const size_t dot = t.find('.');
      const std::string sym = t.substr(0, dot);
      if (accounts_.contains(t) || t == "operator") {
        error("'" + t + "' is an account, not a contract; targets are factory or SYM.token, " +
              "SYM.registry, SYM.restriction, SYM.whitelist, SYM.lockup, SYM.jurisdiction");
      }
      std::vector<std::string> syms;
      for (const auto& [s, i] : by_symbol_)
        syms.push_back(s);
      error("unknown security '" + sym + "'" + internal::suggest(sym, syms) +
            " (create it first with a security line)");
    }
    const core::Contract* c = state_->contract(addr);
    if (c == nullptr) error("no contract at " + addr.checksum_hex());
    return *c;
  }

  const core::Method& method(const core::Contract& c, const CallExpr& call) const {
    const core::Method* m = c.abi().by_name(call.function);
    if (m == nullptr) {
      std::vector<std::string> names;
      for (const auto& x : c.abi().methods())
        names.emplace_back(x.spec.name);
      error(std::string(c.abi().contract_name()) + " has no function '" + call.function + "'" +
            internal::suggest(call.function, names));
    }
    if (m->spec.inputs.size() != call.args.size()) {
      error(call.function + " takes " + std::to_string(m->spec.inputs.size()) + " argument" +
            (m->spec.inputs.size() == 1 ? "" : "s") + " (" + params_text(m->spec.inputs) +
            "), got " + std::to_string(call.args.size()));
    }
    return *m;
  }

  // ------------------------------------------------------------------------- values

  // The balance model's value forms (docs/scenarios.md): partition("NAME") is Solidity's
  // bytes32("NAME") (ASCII, right-padded with zeros), default-partition is bytes32 zero, and
  // change-partition(P) the bytes of a change of partition (32 bytes of 0xff, then P).
  std::optional<abi::Value> balance_model_value(const abi::Type& t, std::string_view text) const {
    const std::string s(text);
    using K = abi::Type::Kind;
    if (t.kind == K::FixedBytes && t.bits == 32) {
      if (s == "default-partition") return abi::Value::bytes32(Bytes32{});
      if (auto inner = call_form(s, "partition")) {
        auto str = internal::unquote(*inner);
        if (!str || str->size() > 32) throw ValueError{"partition takes one \"NAME\" (<= 32)"};
        Bytes32 b;
        std::copy(str->begin(), str->end(), b.b.begin());
        return abi::Value::bytes32(b);
      }
    }
    if (t.kind == K::Bytes) {
      if (auto inner = call_form(s, "calldata")) return abi::Value(encoded_call(*inner));
      if (auto inner = call_form(s, "change-partition")) {
        Bytes b(32, 0xff);
        const Bytes32 dest = value(*abi::parse_type("bytes32"), *inner, false)->as_bytes32();
        b.insert(b.end(), dest.b.begin(), dest.b.end());
        return abi::Value(std::move(b));
      }
    }
    return std::nullopt;
  }

  // calldata(TARGET.function(args)): the encoded call (a multisig transaction's data; the
  // function is looked up in TARGET's ABI, the arguments resolved as a call line's).
  Bytes encoded_call(const std::string& text) const {
    const size_t open = text.find('(');
    const std::string head(trim(std::string_view(text).substr(0, open)));
    const size_t dot = head.rfind('.');
    if (open == std::string::npos || text.back() != ')' || dot == std::string::npos) {
      throw ValueError{"calldata takes one TARGET.function(arguments)"};
    }
    CallExpr call;
    call.target = head.substr(0, dot);
    call.function = head.substr(dot + 1);
    call.text = text;
    const std::string_view args =
        trim(std::string_view(text).substr(open + 1, text.size() - open - 2));
    if (!args.empty()) {
      std::string err;
      auto parts = split_top(args, ',', &err);
      if (!parts) throw ValueError{err};
      call.args = *parts;
    }
    Address to;
    const core::Contract& c = target(call.target, to);
    const core::Method& m = method(c, call);
    auto data = abi::encode_call(m.sig, arguments(m, call));
    if (data.index() != 0) throw ValueError{"arguments do not fit " + m.sig.canonical()};
    return std::get<0>(data);
  }

  // Resolves the text of one value of type `t`: account names, contract references, role
  // names, restriction-code constants, dates and `now`, `max`, `zero`, then abi::parse_value.
  // nullopt for the wildcard `_` when allowed.
  std::optional<abi::Value> value(const abi::Type& t, std::string_view text, bool wildcard) const {
    if (auto v = balance_model_value(t, text = trim(text))) return v;
    if (text == "_") {
      if (wildcard) return std::nullopt;
      throw ValueError{
          "the wildcard _ stands for a whole expected value, not part of one or an argument"};
    }
    using K = abi::Type::Kind;
    switch (t.kind) {
      case K::Array:
      case K::FixedArray:
      case K::Tuple: {
        const bool tuple = t.kind == K::Tuple;
        const char open = tuple ? '(' : '[';
        const char close = tuple ? ')' : ']';
        if (text.size() < 2 || text.front() != open || text.back() != close) {
          throw ValueError{std::string("expected ") + open + "…" + close + " for " + t.canonical()};
        }
        std::string_view inner = trim(text.substr(1, text.size() - 2));
        abi::ValueList items;
        if (!inner.empty()) {
          std::string err;
          auto parts = split_top(inner, ',', &err);
          if (!parts) throw ValueError{err};
          if (tuple && parts->size() != t.components.size()) {
            throw ValueError{"expected " + std::to_string(t.components.size()) + " members for " +
                             t.canonical() + ", got " + std::to_string(parts->size())};
          }
          for (size_t i = 0; i < parts->size(); ++i) {
            const abi::Type& et = tuple ? t.components[i] : t.components[0];
            auto v = value(et, (*parts)[i], false);
            items.push_back(std::move(*v));
          }
        } else if (tuple && !t.components.empty()) {
          throw ValueError{"expected " + std::to_string(t.components.size()) + " members for " +
                           t.canonical()};
        }
        if (t.kind == K::FixedArray && items.size() != t.length) {
          throw ValueError{"expected " + std::to_string(t.length) + " elements for " +
                           t.canonical() + ", got " + std::to_string(items.size())};
        }
        return abi::Value(std::move(items));
      }
      case K::Address: {
        const std::string s(text);
        if (s == "zero") return abi::Value(Address{});
        if (s == "operator") return abi::Value(genesis_.operator_account);
        auto it = accounts_.find(s);
        if (it != accounts_.end()) return abi::Value(it->second);
        if (auto ref = contract_ref(s)) return abi::Value(*ref);
        if (internal::is_identifier(s) || s.find('.') != std::string::npos) {
          std::vector<std::string> cands = account_names();
          for (const auto& [sym, i] : by_symbol_)
            cands.push_back(sym);
          throw ValueError{"unknown account or contract '" + s + "'" + internal::suggest(s, cands)};
        }
        break;
      }
      case K::Uint: {
        const std::string s(text);
        if (s == "max") {
          U256 v = U256::max();
          if (t.bits < 256) {
            uint64_t w[4] = {0, 0, 0, 0};
            for (unsigned b = 0; b < t.bits; ++b)
              w[b / 64] |= 1ULL << (b % 64);
            v = U256::from_words(w[0], w[1], w[2], w[3]);
          }
          return abi::Value(v);
        }
        if (auto n = time_value(s)) return abi::Value(U256(*n));
        if (auto d = duration_value(s)) return abi::Value(U256(*d));
        for (const core::CodeInfo& c : core::all_codes()) {
          if (c.constant == s) return abi::Value(U256(c.code));
        }
        if (const core::PresetRules* p = core::find_preset_by_key(s)) {
          return abi::Value(U256(static_cast<uint64_t>(p->id)));
        }
        if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0])) &&
            s.find('_') != std::string::npos) {
          std::string digits;
          for (char c : s) {
            if (c != '_') digits.push_back(c);
          }
          return parsed(t, digits);
        }
        break;
      }
      case K::FixedBytes: {
        const std::string s(text);
        if (t.bits == 32) {
          if (const core::RoleInfo* r = core::roles::find_by_name(s)) {
            return abi::Value::bytes32(r->id);
          }
          if (s.size() > 5 && s.substr(s.size() - 5) == "_ROLE") {
            throw ValueError{"unknown role '" + s + "' (roles: " + role_list() +
                             "; use keccak(\"NAME\") for any other bytes32)"};
          }
          if (auto inner = call_form(s, "keccak")) {
            auto str = internal::unquote(*inner);
            if (!str) throw ValueError{"keccak takes one \"quoted string\""};
            return abi::Value::bytes32(keccak256(std::string_view(*str)));
          }
        }
        if (t.bits == 4) {
          const bool iface = call_form(s, "interfaceId").has_value();
          if (auto inner = iface ? call_form(s, "interfaceId") : call_form(s, "selector")) {
            std::string err;
            auto parts = split_top(*inner, ',', &err);
            if (!parts || parts->empty()) throw ValueError{"expected \"signature\", …"};
            uint32_t id = 0;
            for (const std::string& p : *parts) {
              auto sig_text = internal::unquote(p);
              auto sig = sig_text ? abi::parse_signature(*sig_text) : std::nullopt;
              if (!sig) throw ValueError{"invalid function signature " + p};
              id ^= abi::selector(*sig);
            }
            if (!iface && parts->size() != 1) throw ValueError{"selector takes one signature"};
            return abi::Value(Bytes{static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(id >> 16),
                                    static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id)});
          }
        }
        if (t.bits == 32) {
          if (auto inner = call_form(s, "claim-id")) {
            // claim-id(ISSUER, TOPIC): ONCHAINID's keccak256(abi.encode(issuer, topic)).
            std::string err;
            auto parts = split_top(*inner, ',', &err);
            if (!parts || parts->size() != 2) throw ValueError{"claim-id(ISSUER, TOPIC)"};
            return abi::Value::bytes32(
                core::claim_id(value(*abi::parse_type("address"), (*parts)[0], false)->address(),
                               value(*abi::parse_type("uint256"), (*parts)[1], false)->u256()));
          }
          if (auto inner = call_form(s, "key")) {
            // key(NAME): an ECDSA key as ERC-734 stores it, keccak256(abi.encode(address)).
            return abi::Value::bytes32(
                core::key_of(value(*abi::parse_type("address"), *inner, false)->address()));
          }
        }
        // Bare upper-case letters for short byte strings: jurisdictions as US, DE, …
        if (t.bits < 32 && !s.empty() && s.size() <= t.bits &&
            std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
          Bytes b(s.begin(), s.end());
          b.resize(t.bits, 0);
          return abi::Value(std::move(b));
        }
        break;
      }
      case K::Bytes: {
        const std::string s(text);
        if (auto inner = call_form(s, "claim-sig"))
          return abi::Value(claim_signature(*inner, false, false));
        if (auto inner = call_form(s, "claim-sig-high-s")) {
          return abi::Value(claim_signature(*inner, false, true));
        }
        if (auto inner = call_form(s, "typed-claim-sig")) {
          return abi::Value(claim_signature(*inner, true, false));
        }
        if (auto inner = call_form(s, "typed-claim-data")) {
          std::string err;
          auto parts = split_top(*inner, ',', &err);
          if (!parts || parts->size() != 3) {
            throw ValueError{"typed-claim-data(ISSUED, UNTIL, PAYLOAD)"};
          }
          const abi::Type uint_t = *abi::parse_type("uint256");
          core::TypedClaimData d;
          d.issued_at = value(uint_t, (*parts)[0], false)->u256().low64();
          d.valid_until = value(uint_t, (*parts)[1], false)->u256().low64();
          d.payload = value(*abi::parse_type("bytes32"), (*parts)[2], false)->as_bytes32();
          return abi::Value(core::encode_typed_claim_data(d));
        }
        break;
      }
      default:
        break;
    }
    return parsed(t, text);
  }

  static abi::Value parsed(const abi::Type& t, std::string_view text) {
    auto r = abi::parse_value(t, text);
    if (r.index() != 0) throw ValueError{std::get<1>(r)};
    return std::move(std::get<0>(r));
  }

  static std::optional<std::string> call_form(const std::string& s, std::string_view fn) {
    if (s.size() < fn.size() + 2 || s.compare(0, fn.size(), fn) != 0) return std::nullopt;
    std::string_view rest = trim(std::string_view(s).substr(fn.size()));
    if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') return std::nullopt;
    return std::string(rest.substr(1, rest.size() - 2));
  }

  static std::string role_list() {
    std::string out;
    for (const auto& r : core::roles::all())
      out += (out.empty() ? "" : ", ") + std::string(r.name);
    return out;
  }

  // A duration in seconds: "30 days", "1 week", "90 minutes".
  static std::optional<uint64_t> duration_value(const std::string& s) {
    const size_t sp = s.find(' ');
    if (sp == std::string::npos || sp == 0 || sp > 19) return std::nullopt;
    for (size_t i = 0; i < sp; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    }
    auto unit = internal::unit_seconds(trim(std::string_view(s).substr(sp)));
    if (!unit) return std::nullopt;
    const uint64_t n = std::stoull(s.substr(0, sp));
    if (n > UINT64_MAX / *unit) throw ValueError{"duration too large"};
    return n * *unit;
  }

  // `now`, `now + 30 days`, `now - 1 second`, or a date: Unix seconds.
  std::optional<uint64_t> time_value(const std::string& s) const {
    if (s.size() >= 10 && std::isdigit(static_cast<unsigned char>(s[0])) && s[4] == '-') {
      auto t = parse_time(s);
      if (!t) throw ValueError{"invalid date '" + s + "'"};
      return t;
    }
    if (s.rfind("now", 0) != 0 ||
        (s.size() > 3 && std::isalnum(static_cast<unsigned char>(s[3])))) {
      return std::nullopt;
    }
    std::string_view rest = trim(std::string_view(s).substr(3));
    if (rest.empty()) return now_;
    const char op = rest[0];
    if (op != '+' && op != '-') throw ValueError{"expected now + N unit or now - N unit"};
    std::istringstream in{std::string(rest.substr(1))};
    uint64_t n = 0;
    std::string unit, extra;
    if (!(in >> n >> unit) || (in >> extra)) {
      throw ValueError{"expected now " + std::string(1, op) +
                       " N seconds|minutes|hours|days|weeks"};
    }
    auto secs = internal::unit_seconds(unit);
    if (!secs) throw ValueError{"unknown unit '" + unit + "'"};
    const U256 delta = *U256(n).checked_mul(U256(*secs));
    if (op == '+') {
      auto v = U256(now_).checked_add(delta);
      if (!v || !v->fits_u64()) throw ValueError{"time out of range"};
      return v->low64();
    }
    if (delta > U256(now_)) throw ValueError{"time before 1970"};
    return now_ - delta.low64();
  }

  // Resolves the arguments of a call against the method's inputs.
  abi::ValueList arguments(const core::Method& m, const CallExpr& call) const {
    abi::ValueList out;
    for (size_t i = 0; i < call.args.size(); ++i) {
      try {
        out.push_back(*value(m.sig.inputs[i], call.args[i], false));
      } catch (const ValueError& e) {
        const core::Param& p = m.spec.inputs[i];
        error("argument " + std::to_string(i + 1) + " (" + std::string(p.type) +
              (p.name.empty() ? "" : " " + std::string(p.name)) + ") of " + call.function + ": " +
              e.message);
      }
    }
    return out;
  }

  std::vector<std::optional<abi::Value>> expected_values(const std::vector<abi::Type>& types,
                                                         const std::vector<std::string>& texts,
                                                         const std::string& what) const {
    if (types.size() != texts.size()) {
      std::string list;
      for (const auto& t : types)
        list += (list.empty() ? "" : ", ") + t.canonical();
      error(what + " has " + std::to_string(types.size()) + " value" +
            (types.size() == 1 ? "" : "s") + " (" + list + "), " + std::to_string(texts.size()) +
            " given");
    }
    std::vector<std::optional<abi::Value>> out;
    for (size_t i = 0; i < texts.size(); ++i) {
      try {
        out.push_back(value(types[i], texts[i], true));
      } catch (const ValueError& e) {
        error("value " + std::to_string(i + 1) + " (" + types[i].canonical() + ") of " + what +
              ": " + e.message);
      }
    }
    return out;
  }

  // A value as people read it: names for known addresses and roles, "US" for jurisdictions.
  std::string show(const abi::Type& t, const abi::Value& v) const {
    using K = abi::Type::Kind;
    switch (t.kind) {
      case K::Address: {
        if (v.address().is_zero()) return "zero";
        auto it = names_.find(v.address());
        return it != names_.end() ? it->second : v.address().checksum_hex();
      }
      case K::FixedBytes: {
        const Bytes& b = v.bytes();
        if (t.bits == 32) {
          Bytes32 id;
          std::copy(b.begin(), b.end(), id.b.begin());
          if (const core::RoleInfo* r = core::roles::find(id)) return std::string(r->name);
        }
        if (t.bits == 2 &&
            std::all_of(b.begin(), b.end(), [](uint8_t c) { return c >= 'A' && c <= 'Z'; })) {
          return "\"" + std::string(b.begin(), b.end()) + "\"";
        }
        return abi::format_value(t, v);
      }
      case K::Array:
      case K::FixedArray:
      case K::Tuple: {
        const bool tuple = t.kind == K::Tuple;
        std::string out(1, tuple ? '(' : '[');
        const auto& l = v.list();
        for (size_t i = 0; i < l.size(); ++i) {
          if (i) out += ", ";
          out += show(tuple ? t.components[i] : t.components[0], l[i]);
        }
        return out + (tuple ? ')' : ']');
      }
      default:
        return abi::format_value(t, v);
    }
  }

  std::string show_list(const std::vector<abi::Type>& types, const abi::ValueList& vs) const {
    std::string out;
    for (size_t i = 0; i < vs.size() && i < types.size(); ++i) {
      if (i) out += ", ";
      out += show(types[i], vs[i]);
    }
    return out;
  }

  std::string show_expected(const std::vector<abi::Type>& types,
                            const std::vector<std::optional<abi::Value>>& vs) const {
    std::string out;
    for (size_t i = 0; i < vs.size(); ++i) {
      if (i) out += ", ";
      out += vs[i] ? show(types[i], *vs[i]) : "_";
    }
    return out;
  }

  static bool matches(const std::vector<std::optional<abi::Value>>& expected,
                      const abi::ValueList& actual) {
    if (expected.size() != actual.size()) return false;
    for (size_t i = 0; i < expected.size(); ++i) {
      if (expected[i] && !(*expected[i] == actual[i])) return false;
    }
    return true;
  }

  // ------------------------------------------------------------------------- reverts

  struct Decoded {
    const abi::Signature* sig = nullptr;
    abi::ValueList args;
  };

  static const abi::Signature& error_string_sig() {
    static const abi::Signature s = *abi::parse_signature("Error(string)");
    return s;
  }

  static const abi::Signature* error_by_name(const std::string& n) {
    if (n == "Error") return &error_string_sig();
    for (const core::ErrorSpec& e : core::all_errors()) {
      const abi::Signature& s = core::error_signature(e.id);
      if (s.name == n) return &s;
    }
    return nullptr;
  }

  static std::optional<Decoded> decode_revert(const Bytes& data) {
    if (data.size() < 4) return std::nullopt;
    const uint32_t sel = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) |
                         (uint32_t{data[2]} << 8) | uint32_t{data[3]};
    const abi::Signature* sig = nullptr;
    if (abi::selector(error_string_sig()) == sel) sig = &error_string_sig();
    for (const core::ErrorSpec& e : core::all_errors()) {
      if (sig) break;
      if (abi::selector(core::error_signature(e.id)) == sel) sig = &core::error_signature(e.id);
    }
    if (!sig) return std::nullopt;
    auto vals = abi::decode(sig->inputs, BytesView(data).subspan(4));
    if (vals.index() != 0) return std::nullopt;
    return Decoded{sig, std::move(std::get<0>(vals))};
  }

  std::string describe(const Bytes& data) const {
    auto d = decode_revert(data);
    if (!d) return core::describe_revert(data);
    return d->sig->name + "(" + show_list(d->sig->inputs, d->args) + ")";
  }

  // Compares a result with the outcome the scenario wrote; throws Mismatch.
  void check_outcome(const Outcome& o, const core::CallResult& r, const core::Method* m,
                     const std::string& what) const {
    const std::string got = r.success
                                ? (m && !m->outputs.empty() ? "success, returns " + returned(*m, r)
                                                            : std::string("success"))
                                : "revert " + describe(r.output);
    switch (o.kind) {
      case Outcome::Kind::kSucceed:
        if (!r.success) throw Mismatch{what + " was refused", "success", got};
        return;
      case Outcome::Kind::kReturns: {
        STOA_ASSERT(m != nullptr);
        auto expected = expected_values(m->outputs, o.values, std::string(m->spec.name));
        if (!r.success)
          throw Mismatch{what + " was refused", show_expected(m->outputs, expected), got};
        auto actual = abi::decode(m->outputs, r.output);
        if (actual.index() != 0) throw Mismatch{"the return data does not decode", "", got};
        if (!matches(expected, std::get<0>(actual))) {
          throw Mismatch{what + " returned other values", show_expected(m->outputs, expected),
                         show_list(m->outputs, std::get<0>(actual))};
        }
        return;
      }
      case Outcome::Kind::kRevertAny:
        if (r.success) throw Mismatch{what + " succeeded", "revert", got};
        return;
      case Outcome::Kind::kRevertMessage: {
        const std::string text = core::describe_revert(r.output);
        if (r.success || text.find(o.message) == std::string::npos) {
          throw Mismatch{what + " did not revert with that message", "revert \"" + o.message + "\"",
                         got};
        }
        return;
      }
      case Outcome::Kind::kRevertError: {
        const abi::Signature* sig = error_by_name(o.error_name);
        if (sig == nullptr) {
          std::vector<std::string> names{"Error"};
          for (const core::ErrorSpec& e : core::all_errors()) {
            names.push_back(core::error_signature(e.id).name);
          }
          error("unknown error '" + o.error_name + "'" + internal::suggest(o.error_name, names) +
                " (errors are listed in docs/abi and include/stoa/core/errors.h)");
        }
        std::vector<std::optional<abi::Value>> expected;
        if (o.error_has_args) expected = expected_values(sig->inputs, o.values, sig->name);
        const std::string want =
            "revert " + sig->name +
            (o.error_has_args ? "(" + show_expected(sig->inputs, expected) + ")" : "");
        if (r.success) throw Mismatch{what + " succeeded", want, got};
        auto d = decode_revert(r.output);
        if (!d || d->sig->name != sig->name || (o.error_has_args && !matches(expected, d->args))) {
          throw Mismatch{what + " reverted differently", want, got};
        }
        return;
      }
    }
  }

  std::string returned(const core::Method& m, const core::CallResult& r) const {
    auto v = abi::decode(m.outputs, r.output);
    if (v.index() != 0) return "(undecodable)";
    return show_list(m.outputs, std::get<0>(v));
  }

  // ------------------------------------------------------------------------- steps

  core::BlockContext next_block() { return core::BlockContext{++block_number_, now_}; }

  // Executes a state-changing call with the mandatory checks; records refusals.
  core::CallResult transact(const Address& sender, const Address& to, const Bytes& calldata,
                            const std::string& sender_name, const std::string& call_text,
                            bool expect_refusal) {
    const Bytes32 before = state_->digest();
    core::CallResult r = state_->call(sender, to, calldata, next_block());
    if (!r.success) {
      const Bytes32 after = state_->digest();
      if (after != before) {
        throw Mismatch{"a refused call changed the state (a revert must change nothing)",
                       "digest " + before.hex(), "digest " + after.hex()};
      }
      if (!r.logs.empty()) {
        throw Mismatch{"a refused call kept " + std::to_string(r.logs.size()) + " event(s)",
                       "no events", std::to_string(r.logs.size()) + " events"};
      }
      record_refusal(to, sender_name, call_text, r.output, expect_refusal);
    } else {
      check_invariants();
    }
    last_ = r;
    have_last_ = true;
    return r;
  }

  void record_refusal(const Address& to, const std::string& sender, const std::string& call_text,
                      const Bytes& data, bool expected) {
    Refusal ref;
    ref.line = step_->line;
    ref.sender = sender;
    ref.call = call_text;
    ref.revert = describe(data);
    ref.expected = expected;
    if (auto d = decode_revert(data); d && d->sig->name == "TransferRestricted") {
      const uint8_t code = static_cast<uint8_t>(d->args[0].u256().low64());
      ref.code = code;
      if (const core::CodeInfo* info = core::find_code(code)) {
        ref.code_constant = std::string(info->constant);
        ref.code_message = std::string(info->message);
      }
    }
    auto it = owner_.find(to);
    if (it != owner_.end()) {
      pending_refusals_[it->second].push_back(std::move(ref));
    } else {
      report_.other_refusals.push_back(std::move(ref));
    }
  }

  // Holder count and total supply agree with the balances, for every security.
  void check_invariants() const {
    for (const core::SecuritySet& s : securities_) {
      const auto* tok = state_->contract_as<core::SecurityToken>(s.token);
      uint64_t holders = 0;
      U256 sum;
      for (const auto& [a, b] : tok->holders()) {
        if (b.is_zero()) continue;
        ++holders;
        auto next = sum.checked_add(b);
        if (!next) throw Mismatch{"balances of " + tok->config().symbol + " overflow", "", ""};
        sum = *next;
      }
      if (holders != tok->holder_count()) {
        throw Mismatch{"invariant broken after this call: " + tok->config().symbol +
                           " holderCount() disagrees with the accounts holding a balance",
                       std::to_string(holders) + " holders",
                       "holderCount() = " + std::to_string(tok->holder_count())};
      }
      if (sum != tok->total_supply()) {
        throw Mismatch{"invariant broken after this call: " + tok->config().symbol +
                           " totalSupply() is not the sum of the balances",
                       sum.to_dec(), tok->total_supply().to_dec()};
      }
      check_partitions(*tok);
    }
  }

  // Every holder's partitions sum to its balance, and its holds are within its partitions
  // (docs/balance-model.md).
  static void check_partitions(const core::SecurityToken& tok) {
    for (const auto& [a, b] : tok.holders()) {
      U256 sum;
      U256 held;
      for (const Bytes32& p : tok.partitions_of(a)) {
        const U256 amount = tok.balance_of_by_partition(p, a);
        const U256 on_hold = tok.balance_on_hold_by_partition(p, a);
        if (on_hold > amount) {
          throw Mismatch{"invariant broken after this call: " + tok.config().symbol + " " +
                             a.checksum_hex() + " holds more of a partition than it has",
                         amount.to_dec(), on_hold.to_dec()};
        }
        sum = sum.checked_add(amount).value_or(U256::max());
        held = held.checked_add(on_hold).value_or(U256::max());
      }
      U256 lotted;  // the lots (docs/balance-model.md, "Acquisition lots") sum to the balance
      for (uint64_t start = 0;; start += core::SecurityToken::kMaxLotsPage) {
        const auto page = tok.lots_of(a, start, core::SecurityToken::kMaxLotsPage);
        for (const auto& l : page)
          lotted = lotted.checked_add(l.quantity).value_or(U256::max());
        if (page.size() < core::SecurityToken::kMaxLotsPage) break;
      }
      if (lotted != b) {
        throw Mismatch{"invariant broken after this call: " + tok.config().symbol + " " +
                           a.checksum_hex() + "'s lots do not sum to its balance",
                       b.to_dec(), lotted.to_dec()};
      }
      if (sum != b || held != tok.balance_on_hold(a)) {
        throw Mismatch{"invariant broken after this call: " + tok.config().symbol + " " +
                           a.checksum_hex() +
                           "'s partitions do not sum to its balance (or its holds to its held "
                           "amount)",
                       b.to_dec() + " / " + tok.balance_on_hold(a).to_dec(),
                       sum.to_dec() + " / " + held.to_dec()};
      }
    }
  }

  void bind_new_securities() {
    for (const core::SecuritySet& s : state_->factory().securities()) {
      if (owner_.contains(s.token)) continue;
      const auto* tok = state_->contract_as<core::SecurityToken>(s.token);
      const std::string sym = tok->config().symbol;
      const size_t idx = securities_.size();
      securities_.push_back(s);
      pending_refusals_.emplace_back();
      by_symbol_[sym] = idx;
      for (const auto& [pname, i] : kParts) {
        const Address a = part_address(s, i);
        owner_[a] = idx;
        name(a, sym + "." + std::string(pname));
      }
    }
  }

  // The lifecycle contracts a factory call created (from its events): a payment token under its
  // symbol (`USD`), a security's dividend distributor as `SYM.dividends` (the latest one).
  void bind_lifecycle(const core::CallResult& r) {
    const core::ContractAbi& fabi = state_->factory().abi();
    const Bytes32 token_created = fabi.event("PaymentTokenCreated").topic0;
    const Bytes32 dist_created = fabi.event("DividendDistributorCreated").topic0;
    const Bytes32 multisig_created = fabi.event("MultisigCreated").topic0;
    for (const core::Log& log : r.logs) {
      if (log.address != core::factory_address() || log.topics.size() < 3) continue;
      const Address a = Address::from_word(log.topics[1]);
      if (log.topics[0] == token_created) {
        const auto* t = state_->contract_as<core::PaymentToken>(a);
        if (t == nullptr) continue;
        named_[t->config().symbol] = a;
        name(a, t->config().symbol);
      } else if (log.topics[0] == multisig_created) {
        // multisig1, multisig2, ... in creation order.
        const std::string n = "multisig" + std::to_string(++multisigs_);
        named_[n] = a;
        names_[a] = n;
      } else if (log.topics[0] == dist_created) {
        const Address sec = Address::from_word(log.topics[2]);
        const auto* tok = state_->contract_as<core::SecurityToken>(sec);
        if (tok == nullptr) continue;
        const std::string n = tok->config().symbol + ".dividends";
        named_[n] = a;
        names_[a] = n;
      }
    }
  }

  void security(const Step& st) {
    const SecurityDecl& d = st.security;
    const core::PresetRules* p = core::find_preset_by_key(d.preset);
    STOA_ASSERT(p != nullptr);  // checked by the parser
    if (d.decimals > 255) error("decimals must fit uint8");
    const Address admin = account(d.admin);
    const Address officer = account(d.compliance);
    Address fac;
    const core::Contract& c = target("factory", fac);
    const core::Method* m = c.abi().by_name("createSecurity");
    STOA_ASSERT(m != nullptr);
    abi::ValueList args = {d.name, d.symbol, U256(d.decimals), U256(static_cast<uint64_t>(p->id)),
                           admin,  officer};
    auto data = abi::encode_call(m->sig, args);
    STOA_ASSERT(data.index() == 0);
    const bool refusal =
        st.outcome.kind != Outcome::Kind::kSucceed && st.outcome.kind != Outcome::Kind::kReturns;
    core::CallResult r = transact(genesis_.operator_account, fac, std::get<0>(data), "operator",
                                  st.call.text, refusal);
    last_target_ = fac;
    if (r.success) bind_new_securities();
    check_outcome(st.outcome, r, m, "security " + d.symbol);
  }

  void call(const Step& st) {
    const Address sender = account(st.sender);
    Address to;
    const core::Contract& c = target(st.call.target, to);
    const core::Method& m = method(c, st.call);
    abi::ValueList args = arguments(m, st.call);
    auto data = abi::encode_call(m.sig, args);
    if (data.index() != 0) {
      error("arguments do not fit " + m.sig.canonical() + ": " +
            std::string(abi::to_string(std::get<1>(data))));
    }
    const bool refusal =
        st.outcome.kind != Outcome::Kind::kSucceed && st.outcome.kind != Outcome::Kind::kReturns;
    core::CallResult r = transact(sender, to, std::get<0>(data), st.sender, st.call.text, refusal);
    last_target_ = to;
    if (r.success && to == core::factory_address()) {
      bind_new_securities();
      bind_lifecycle(r);
    }
    check_outcome(st.outcome, r, &m, st.call.text);
  }

  void expect(const Step& st) {
    Address to;
    const core::Contract& c = target(st.call.target, to);
    const core::Method& m = method(c, st.call);
    if (m.spec.mutability != core::Mutability::kView) {
      error("expect is for views; " + st.call.function +
            " changes state — write it as a call line with a sender");
    }
    abi::ValueList args = arguments(m, st.call);
    auto data = abi::encode_call(m.sig, args);
    if (data.index() != 0) error("arguments do not fit " + m.sig.canonical());
    const Bytes32 before = state_->digest();
    core::CallResult r = state_->simulate(Address{}, to, std::get<0>(data),
                                          core::BlockContext{block_number_ + 1, now_});
    if (state_->digest() != before) {
      throw Mismatch{"a view changed the state", "digest " + before.hex(),
                     "digest " + state_->digest().hex()};
    }
    check_outcome(st.outcome, r, &m, st.call.text);
  }

  void emits(const Step& st) {
    if (!have_last_) error("emits must follow a call");
    Address to;
    const core::Contract& c = target(st.call.target, to);
    const core::Event* ev = nullptr;
    for (const core::Event& e : c.abi().events()) {
      // Two events of one name (ONCHAINID's ClaimRevoked(bytes) next to stoa's): the one with
      // as many parameters as the step gives.
      if (e.spec.name == st.call.function &&
          (ev == nullptr || e.spec.params.size() == st.call.args.size())) {
        ev = &e;
      }
    }
    if (ev == nullptr) {
      std::vector<std::string> names;
      std::string list;
      for (const core::Event& e : c.abi().events()) {
        names.emplace_back(e.spec.name);
        list += (list.empty() ? "" : ", ") + std::string(e.spec.name);
      }
      error(std::string(c.abi().contract_name()) + " has no event '" + st.call.function + "'" +
            internal::suggest(st.call.function, names) + " (events: " + list + ")");
    }
    auto expected = expected_values(ev->sig.inputs, st.call.args, std::string(ev->spec.name));
    for (const core::Log& log : last_.logs) {
      if (log.address != to || log.topics.empty() || log.topics[0] != ev->topic0) continue;
      auto actual = decode_log(*ev, log);
      if (!actual) continue;
      bool ok = true;
      for (size_t i = 0; i < expected.size() && ok; ++i) {
        if (!expected[i]) continue;
        if ((*actual)[i]) {
          ok = *expected[i] == *(*actual)[i];
        } else {
          // An indexed dynamic value: compare its topic.
          abi::Signature one{"x", {ev->sig.inputs[i]}};
          auto enc = abi::encode_event(one, {true}, {*expected[i]});
          ok = topic_of(*ev, log, i) == enc.topics[1];
        }
      }
      if (ok) return;
    }
    std::string got;
    for (const core::Log& log : last_.logs)
      got += (got.empty() ? "" : "; ") + describe_log(log);
    throw Mismatch{"the call did not emit this event",
                   st.call.target + "." + std::string(ev->spec.name) + "(" +
                       show_expected(ev->sig.inputs, expected) + ")",
                   got.empty() ? "no events" : got};
  }

  static Bytes32 topic_of(const core::Event& ev, const core::Log& log, size_t param) {
    size_t t = 1;
    for (size_t i = 0; i < param; ++i)
      t += ev.indexed[i] ? 1 : 0;
    return t < log.topics.size() ? log.topics[t] : Bytes32{};
  }

  // Each parameter's value; nullopt for an indexed dynamic one (only its hash is in the log).
  static std::optional<std::vector<std::optional<abi::Value>>> decode_log(const core::Event& ev,
                                                                          const core::Log& log) {
    auto data = abi::decode(ev.data_types, log.data);
    if (data.index() != 0) return std::nullopt;
    const auto& dv = std::get<0>(data);
    std::vector<std::optional<abi::Value>> out;
    size_t topic = 1, d = 0;
    for (size_t i = 0; i < ev.sig.inputs.size(); ++i) {
      const abi::Type& t = ev.sig.inputs[i];
      if (ev.indexed[i]) {
        if (topic >= log.topics.size()) return std::nullopt;
        const Bytes32& w = log.topics[topic++];
        if (t.is_dynamic() || t.kind == abi::Type::Kind::Tuple ||
            t.kind == abi::Type::Kind::FixedArray) {
          out.emplace_back(std::nullopt);
          continue;
        }
        auto v = abi::decode({t}, w.view());
        if (v.index() != 0) return std::nullopt;
        out.emplace_back(std::get<0>(v)[0]);
      } else {
        if (d >= dv.size()) return std::nullopt;
        out.emplace_back(dv[d++]);
      }
    }
    return out;
  }

  std::string describe_log(const core::Log& log) const {
    std::string where =
        names_.contains(log.address) ? names_.at(log.address) : log.address.checksum_hex();
    const core::Contract* c = state_->contract(log.address);
    if (c != nullptr && !log.topics.empty()) {
      for (const core::Event& e : c->abi().events()) {
        if (e.topic0 != log.topics[0]) continue;
        auto v = decode_log(e, log);
        if (!v) break;
        return where + "." + std::string(e.spec.name) + "(" + show_expected(e.sig.inputs, *v) + ")";
      }
    }
    return where + ".<unknown event>";
  }

  // ------------------------------------------------------------------------- report

  std::vector<DividendRoundReport> dividend_rounds(const std::string& name) const {
    std::vector<DividendRoundReport> out;
    auto it = named_.find(name);
    if (it == named_.end()) return out;
    const auto* d = state_->contract_as<core::DividendDistributor>(it->second);
    if (d == nullptr) return out;
    for (uint64_t id = 1; id <= d->round_count(); ++id) {
      const core::DividendRound r = d->round(U256(id)).value();
      const auto* pt = state_->contract_as<core::PaymentToken>(r.payment_token);
      DividendRoundReport x;
      x.distributor = name;
      x.round = id;
      x.payment_token = pt ? pt->config().symbol : r.payment_token.checksum_hex();
      x.decimals = pt ? pt->config().decimals : 0;
      x.amount = r.amount;
      x.checkpoint = r.checkpoint;
      x.paid = r.paid;
      x.withheld = r.withheld;
      x.reclaimed = r.reclaimed;
      x.payments = r.payments;
      x.closed = r.closed;
      x.split = r.split_id;
      if (r.by_partition) x.partition = r.partition;
      out.push_back(std::move(x));
    }
    return out;
  }

  static std::vector<SplitReport> splits_of(const core::SecurityToken& tok) {
    std::vector<SplitReport> out;
    for (uint64_t id = 1; id <= tok.split_count(); ++id) {
      const core::Split x = tok.split_at(U256(id)).value();
      SplitReport r;
      r.id = id;
      r.numerator = x.numerator;
      r.denominator = x.denominator;
      r.timestamp = x.timestamp;
      r.supply_before = x.supply_before;
      r.supply_after = x.supply_after;
      // Σ floor(bᵢ·n/d) = supply_after, so the floors took supply_before·n − supply_after·d over d.
      // Cannot overflow: split() refuses a supply whose product with the numerator does not fit.
      r.fraction_numerator = x.supply_before.checked_mul(x.numerator)
                                 .value()
                                 .checked_sub(x.supply_after.checked_mul(x.denominator).value())
                                 .value();
      out.push_back(r);
    }
    return out;
  }

  void finish_report() {
    report_.final_timestamp = now_;
    if (!state_) return;
    for (size_t i = 0; i < securities_.size(); ++i) {
      const core::SecuritySet& s = securities_[i];
      const auto* tok = state_->contract_as<core::SecurityToken>(s.token);
      SecurityReport sr;
      sr.symbol = tok->config().symbol;
      sr.name = tok->config().name;
      if (const core::PresetRules* p = core::find_preset(s.preset)) {
        sr.preset_key = std::string(p->key);
        sr.preset_name = std::string(p->name);
      }
      sr.token = s.token;
      sr.decimals = tok->config().decimals;
      sr.total_supply = tok->total_supply();
      sr.holder_count = tok->holder_count();
      sr.paused = tok->paused();
      for (const auto& [a, b] : tok->holders()) {
        if (b.is_zero()) continue;
        Holding h;
        h.address = a;
        h.holder = names_.contains(a) ? names_.at(a) : a.checksum_hex();
        h.balance = b;
        h.percent = percent_of(b, sr.total_supply);
        sr.cap_table.push_back(std::move(h));
      }
      std::stable_sort(sr.cap_table.begin(), sr.cap_table.end(),
                       [](const Holding& x, const Holding& y) {
                         if (x.balance != y.balance) return x.balance > y.balance;
                         return x.holder < y.holder;
                       });
      sr.refusals = std::move(pending_refusals_[i]);
      sr.dividends = dividend_rounds(sr.symbol + ".dividends");
      sr.splits = splits_of(*tok);
      if (auto it = named_.find(sr.symbol + ".dividends"); it != named_.end()) {
        if (const auto* d = state_->contract_as<core::DividendDistributor>(it->second)) {
          for (SplitReport& x : sr.splits)
            x.cash_in_lieu_round = d->cash_in_lieu_round(U256(x.id));
        }
      }
      report_.securities.push_back(std::move(sr));
    }
  }

  const Scenario& sc_;
  const Step* step_ = nullptr;
  Report report_;
  core::GenesisConfig genesis_;
  std::unique_ptr<core::State> state_;
  core::ContainerFingerprints fingerprints_;  // at the last check_block_delta
  uint64_t block_number_ = 0;
  uint64_t now_ = kDefaultStart;
  std::map<std::string, Address> accounts_;
  std::map<Address, std::string> names_;
  std::vector<core::SecuritySet> securities_;
  std::vector<std::vector<Refusal>> pending_refusals_;
  std::map<std::string, size_t> by_symbol_;
  std::map<std::string, Address> named_;  // payment tokens, SYM.dividends (bind_lifecycle)
  size_t multisigs_ = 0;                  // multisigs created (their names: bind_lifecycle)
  std::map<Address, size_t> owner_;
  core::CallResult last_;
  Address last_target_;
  bool have_last_ = false;
};

}  // namespace

Report run(const Scenario& scenario) {
  return Runner(scenario).run();
}

Report run_text(std::string_view text, const std::string& file) {
  try {
    return run(parse(text, file));
  } catch (const ScenarioError& e) {
    Report r;
    r.file = file;
    Failure f;
    f.scenario_error = true;
    f.file = e.file();
    f.line = e.line();
    f.message = e.message();
    // The offending line, for the message.
    size_t pos = 0;
    for (int n = 1; n < e.line() && pos != std::string_view::npos; ++n) {
      pos = text.find('\n', pos);
      if (pos != std::string_view::npos) ++pos;
    }
    if (pos != std::string_view::npos && pos <= text.size()) {
      size_t end = text.find('\n', pos);
      f.source =
          std::string(trim(text.substr(pos, end == std::string_view::npos ? end : end - pos)));
    }
    r.failure = std::move(f);
    return r;
  }
}

Report run_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Report r;
    r.file = path;
    Failure f;
    f.scenario_error = true;
    f.file = path;
    f.message = "cannot read the file";
    r.failure = std::move(f);
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return run_text(ss.str(), path);
}

}  // namespace stoa::scenario
