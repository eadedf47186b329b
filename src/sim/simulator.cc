#include "stoa/sim/simulator.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <variant>

#include "stoa/abi/abi.h"
#include "stoa/core/access_control.h"
#include "stoa/core/codes.h"
#include "stoa/core/dividend_distributor.h"
#include "stoa/core/errors.h"
#include "stoa/core/factory.h"
#include "stoa/core/modules.h"
#include "stoa/core/payment_token.h"
#include "stoa/core/presets.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"
#include "stoa/crypto/secp256k1.h"
#include "stoa/sim/invariants.h"
#include "stoa/sim/prng.h"

namespace stoa::sim {
namespace {
using core::ErrorId;
using core::make_revert;
namespace roles = core::roles;

constexpr uint64_t kDay = 24 * 3600;
constexpr uint64_t kGenesisTime = 1767225600;  // 2026-01-01T00:00:00Z
constexpr size_t kMaxAccounts = 200;

char g_context[768] = "simulator not running";

// Pool accounts are derived once per process (deterministic labels, independent of the seed).
const std::vector<Address>& account_pool() {
  static const std::vector<Address> pool = [] {
    std::vector<Address> v;
    v.reserve(kMaxAccounts);
    for (size_t i = 0; i < kMaxAccounts; ++i) {
      v.push_back(crypto::key_for_label("sim.account." + std::to_string(i)).address());
    }
    return v;
  }();
  return pool;
}
Address labelled(std::string_view label) {
  return crypto::key_for_label(label).address();
}

const abi::Signature& sig_of(std::string_view text) {
  static std::map<std::string, abi::Signature, std::less<>> cache;
  auto it = cache.find(text);
  if (it == cache.end()) {
    auto s = abi::parse_signature(text);
    STOA_ASSERT(s.has_value());
    it = cache.emplace(std::string(text), *s).first;
  }
  return it->second;
}

Bytes encode(std::string_view signature, const abi::ValueList& args) {
  auto data = abi::encode_call(sig_of(signature), args);
  STOA_ASSERT(data.index() == 0);
  return std::get<0>(std::move(data));
}

abi::Value b2(uint8_t a, uint8_t b) {
  return abi::Value(Bytes{a, b});
}
abi::Value b2(const char* j) {
  return b2(static_cast<uint8_t>(j[0]), static_cast<uint8_t>(j[1]));
}
const Bytes32& transfer_topic() {
  static const Bytes32 t = keccak256(std::string_view("Transfer(address,address,uint256)"));
  return t;
}

MovementFacts facts(const Address& from, const Address& to, const U256& amount,
                    const U256& from_balance = U256(0), uint8_t code = 0) {
  MovementFacts f;
  f.from = from;
  f.to = to;
  f.amount = amount;
  f.from_balance = from_balance;
  f.detect_code = code;
  return f;
}

// A hold the simulator placed and has not seen executed or released (docs/balance-model.md).
struct SimHold {
  Bytes32 id;
  Address holder;
  Address recipient;
  Address notary;
  Bytes32 partition;
  U256 amount;
  uint64_t expiration = 0;
};
// The register at a snapshot, as the model had it (replayed against balanceOfAt), and each
// holder's partition amounts then (replayed against balanceOfByPartitionAt; read from the token
// when the snapshot is taken, where they were checked to sum to the model's balances) with their
// Σ per partition (replayed against totalSupplyByPartitionAt).
struct SimSnapshot {
  std::map<Address, U256> balances;
  U256 supply;
  std::map<std::pair<Address, Bytes32>, U256> partitions;  // non-zero only
  std::map<Bytes32, U256> partition_supply;
};

// A dividend round as the model has it (docs/dividends.md).
struct SimRound {
  uint64_t id = 0;
  uint64_t checkpoint = 0;
  uint64_t deadline = 0;
  U256 amount;
  U256 eligible;
  Address escrow;
  U256 paid, withheld, reclaimed;
  std::set<Address> claimed;
  bool closed = false;
  std::optional<Bytes32> partition;  // a round by partition (rules V7), else the whole security
  uint64_t split = 0;                // cash in lieu of this split's fractions (0: a dividend round)
  U256 price;                        // per whole share
};

// A split as the model saw it: each holder's fraction (numerator over `d`) of a share it floored
// away, owed as cash in lieu (docs/dividends.md, "Cash in lieu").
struct SimSplit {
  uint64_t d = 1;
  std::map<Address, U256> fractions;  // non-zero only
  U256 total;                         // Σ fractions
  uint64_t round = 0;                 // its cash-in-lieu round (0: none yet)
};

struct Security {
  core::SecuritySet set;
  Address distributor;  // its DividendDistributor (rounds in the shared payment token)
  Address treasury;     // excluded from every round
  std::vector<SimRound> rounds;
  std::string label;  // "SIM0(reg-d-506b)"
  Address issuer;
  Address officer;
  uint8_t model_preset = 0;
  abi::Value home;                 // a jurisdiction the preset admits ("US" or "GB")
  std::vector<Address> onboarded;  // onboarded here by the simulator with the home jurisdiction
  TokenModel model;
  std::vector<SimHold> holds;
  std::vector<SimSnapshot> snapshots;  // by id - 1
  std::vector<SimSplit> splits;        // by id - 1
  uint64_t hold_seq = 0;
};

struct Outcome {
  bool success = false;
  Bytes data;  // output or revert data
  std::vector<core::Log> logs;
};

// What must be true of a call's outcome, known before it runs.
struct Expect {
  const Bytes32* role = nullptr;  // the call needs this role (token's role domain)
  bool role_first = true;         // the role is the first check: lacking it reverts exactly
  bool must_revert = false;
  std::optional<Bytes> exact;  // predicted result: empty = success, else the revert data
};

class Sim {
 public:
  explicit Sim(const SimOptions& o)
      : opt_(o),
        rng_(o.seed),
        operator_(labelled("sim.operator")),
        state_(core::GenesisConfig{1337, operator_, false}) {
    block_.timestamp = kGenesisTime;
    report_.seed = o.seed;
    state_.set_block_tracking(true);
    fingerprints_ = state_.container_fingerprints();
  }

  SimReport run() {
    setup();
    if (!failure_) setup_dividends();
    for (uint64_t s = 1; s <= opt_.steps && !failure_; ++s) {
      step_ = s;
      if (opt_.corrupt_model_at_step == s) {
        auto bumped = secs_[0].model.supply.checked_add(U256(1));
        if (bumped) secs_[0].model.supply = *bumped;
      }
      if (opt_.corrupt_snapshot_from_step != 0 && s >= opt_.corrupt_snapshot_from_step)
        corrupt_snapshot_record();
      ++block_.number;
      random_step();
      if (!failure_) check_all_tokens();
      if (!failure_) check_dividends();
      report_.steps = s;
      if (opt_.checkpoint_every != 0 && s % opt_.checkpoint_every == 0 && !failure_) {
        report_.checkpoints.push_back(digest());
        check_block_delta();
        check_every_snapshot();
      }
    }
    if (!failure_) check_block_delta();
    if (!failure_) check_every_snapshot();
    report_.final_digest = state_.digest();  // fresh, not cached
    if (!failure_) {
      // State images: the final state decodes from its canonical encoding to the same state.
      const std::string problem = core::check_state_image_round_trip(state_);
      if (!problem.empty()) {
        failure_ = SimFailure{report_.steps, "(final state)", "state-image-round-trip", problem};
      }
    }
    report_.securities = secs_.size();
    report_.accounts = pool_.size();
    report_.failure = failure_;
    return report_;
  }

 private:
  // ------------------------------------------------------------------ names and failure
  std::string name(const Address& a) const {
    auto it = names_.find(a);
    return it == names_.end() ? a.checksum_hex() : it->second;
  }
  std::string value_text(const abi::Value& v) const {
    if (auto* a = std::get_if<Address>(&v.v)) return name(*a);
    if (auto* u = std::get_if<U256>(&v.v)) return *u == U256::max() ? "2^256-1" : u->to_dec();
    if (auto* b = std::get_if<bool>(&v.v)) return *b ? "true" : "false";
    if (auto* by = std::get_if<Bytes>(&v.v)) return to_hex_prefixed(*by);
    if (auto* s = std::get_if<std::string>(&v.v)) return "\"" + *s + "\"";
    std::string out = "[";
    for (const auto& x : v.list())
      out += (out.size() > 1 ? ", " : "") + value_text(x);
    return out + "]";
  }
  void describe(const Address& sender, const Address& target, std::string_view signature,
                const abi::ValueList& args, bool native) {
    std::string s =
        name(target) + "." + std::string(signature.substr(0, signature.find('('))) + "(";
    for (size_t i = 0; i < args.size(); ++i)
      s += (i ? ", " : "") + value_text(args[i]);
    s += ") by " + name(sender) + (native ? " [native]" : " [abi]");
    desc_ = std::move(s);
    std::snprintf(g_context, sizeof g_context, "seed %" PRIu64 " step %" PRIu64 ": %s", opt_.seed,
                  step_, desc_.c_str());
  }
  void fail(std::string invariant, std::string detail) {
    if (failure_) return;
    failure_ = SimFailure{step_, desc_, std::move(invariant), std::move(detail)};
  }
  void check(const std::optional<Violation>& v) {
    if (v) fail(v->invariant, v->detail);
  }

  // ------------------------------------------------------------------ execution
  // Runs a state-changing call: ABI calldata through state.call, or `native` through
  // state.transact. Checks the revert invariant and the role expectations.
  Outcome exec(const Address& sender, const Address& target, std::string_view signature,
               const abi::ValueList& args, const Expect& ex,
               const std::function<core::Status(core::CallContext&)>& native = nullptr,
               const Bytes* raw = nullptr) {
    describe(sender, target, signature, args, native != nullptr);
    const Bytes32 before = digest();
    Outcome out;
    ++report_.calls;
    if (native) {
      ++report_.native_calls;
      core::Status st = state_.transact(sender, block_, &out.logs, native);
      out.success = st.ok();
      if (!st.ok()) out.data = st.take_revert().data;
    } else {
      ++report_.abi_calls;
      Bytes data = raw != nullptr ? *raw : encode(signature, args);
      core::CallResult r = state_.call(sender, target, data, block_);
      out.success = r.success;
      out.data = std::move(r.output);
      out.logs = std::move(r.logs);
    }
    auto& per = report_.calls_by_method[std::string(signature.substr(0, signature.find('(')))];
    ++per.first;
    if (out.success) {
      ++per.second;
      ++report_.succeeded;
      digest_.reset();
    } else {
      ++report_.reverted;
      ++report_.reverts_by_reason[revert_reason(out.data)];
      digest_ = state_.digest();  // always recomputed after a revert, never taken from the cache
      check(check_revert_unchanged(before, *digest_, out.logs.size()));
    }
    if (ex.must_revert && out.success) fail("must-revert", "the call succeeded");
    if (ex.role != nullptr) check_role_expectation(sender, *ex.role, ex.role_first, out);
    if (ex.exact.has_value()) {
      if (ex.exact->empty() && !out.success) {
        fail("predicted-outcome", "expected success, reverted " + core::describe_revert(out.data));
      } else if (!ex.exact->empty() && (out.success || out.data != *ex.exact)) {
        fail("predicted-outcome",
             "expected " + core::describe_revert(*ex.exact) + ", got " +
                 (out.success ? std::string("success") : core::describe_revert(out.data)));
      }
    }
    return out;
  }

  void check_role_expectation(const Address& sender, const Bytes32& role, bool role_first,
                              const Outcome& out) {
    const Security& s = *current_;
    const bool holds = s.model.has_role(role, sender);
    const Bytes unauthorized =
        make_revert(ErrorId::kAccessControlUnauthorizedAccount, {sender, abi::Value::bytes32(role)})
            .data;
    if (!holds) {
      if (out.success) {
        fail("role-enforced",
             name(sender) + " lacks " + role_name(role) + " but the call succeeded");
      } else if (role_first && out.data != unauthorized) {
        fail("role-enforced", name(sender) + " lacks " + role_name(role) + "; reverted " +
                                  core::describe_revert(out.data) +
                                  " instead of AccessControlUnauthorizedAccount");
      }
    } else if (!out.success && out.data == unauthorized) {
      fail("role-enforced",
           name(sender) + " holds " + role_name(role) + " but was refused as unauthorized");
    }
  }
  static std::string role_name(const Bytes32& role) {
    const core::RoleInfo* r = roles::find(role);
    return r == nullptr ? role.hex() : std::string(r->name);
  }

  // A view through eth_call semantics (state.simulate); asserts it succeeds and changes nothing.
  abi::ValueList view(const Address& target, std::string_view signature, const abi::ValueList& args,
                      std::string_view out_type) {
    ++report_.views;
    core::CallResult r = state_.simulate(Address{}, target, encode(signature, args), block_);
    if (!r.success) {
      fail("view-succeeds", std::string(signature) + ": " + core::describe_revert(r.output));
      return {};
    }
    auto t = abi::parse_type(out_type);
    auto v = abi::decode({*t}, r.output, /*strict_length=*/true);
    if (v.index() != 0) {
      fail("view-succeeds", std::string(signature) + ": undecodable output");
      return {};
    }
    return std::get<0>(v);
  }

  // The state digest, cached between calls: the state changes only through exec (a successful
  // call drops the cache) and every check that the state did not change recomputes it.
  // The steps since the last check are one block for the state root: its delta must name every
  // container they changed (docs/journal-format.md, "State root").
  void check_block_delta() {
    core::BlockDeltaInfo taken;
    (void)state_.take_block_delta_digest(&taken);
    core::ContainerFingerprints after = state_.container_fingerprints();
    const std::string p = core::State::check_block_delta_complete(fingerprints_, after, taken);
    if (!p.empty()) failure_ = SimFailure{step_, "(checkpoint)", "block-delta-complete", p};
    fingerprints_ = std::move(after);
  }

  Bytes32 digest() {
    if (!digest_) digest_ = state_.digest();
    return *digest_;
  }

  core::SecurityToken& token(const Security& s) const {
    return *state_.contract_as<core::SecurityToken>(s.set.token);
  }

  // ------------------------------------------------------------------ set-up
  void setup() {
    names_[operator_] = "operator";
    names_[Address{}] = "zero";
    const size_t n = rng_.range(20, kMaxAccounts);
    for (size_t i = 0; i < n; ++i) {
      pool_.push_back(account_pool()[i]);
      names_[pool_.back()] = "acct" + std::to_string(i);
      // About one in eight accounts is never onboarded by any registry writer.
      if (rng_.chance(1, 8)) {
        never_.push_back(pool_.back());
      } else {
        onboardable_.push_back(pool_.back());
      }
    }
    if (onboardable_.empty()) onboardable_.push_back(pool_.front());
    // 1-3 securities, each with a different preset.
    std::vector<uint8_t> presets;
    for (const auto& p : core::all_presets())
      presets.push_back(static_cast<uint8_t>(p.id));
    const size_t k = rng_.range(1, 3);
    for (size_t i = 0; i < k; ++i) {
      const size_t at = rng_.below(presets.size());
      const uint8_t preset = presets[at];
      presets.erase(presets.begin() + static_cast<std::ptrdiff_t>(at));
      Security s;
      s.issuer = labelled("sim.issuer." + std::to_string(i));
      s.officer = labelled("sim.officer." + std::to_string(i));
      names_[s.issuer] = "issuer" + std::to_string(i);
      names_[s.officer] = "officer" + std::to_string(i);
      const std::string symbol = "SIM" + std::to_string(i);
      Expect ex;
      Outcome o = exec(operator_, core::factory_address(),
                       "createSecurity(string,string,uint8,uint8,address,address)",
                       {symbol + " Holdings", symbol, static_cast<int>(rng_.below(19)),
                        static_cast<int>(preset), s.issuer, s.officer},
                       ex);
      if (!o.success) {
        fail("setup", "createSecurity refused: " + core::describe_revert(o.data));
        return;
      }
      const core::SecuritySet* set = state_.factory().find_by_symbol(symbol);
      STOA_ASSERT(set != nullptr);
      s.set = *set;
      s.label = symbol;
      s.model_preset = preset;
      std::string token_name = symbol;
      token_name.append("(").append(core::find_preset(preset)->key).append(")");
      names_[set->token] = std::move(token_name);
      names_[set->registry] = symbol + ".registry";
      names_[set->restriction] = symbol + ".restriction";
      names_[set->whitelist_module] = symbol + ".whitelistModule";
      names_[set->lockup_module] = symbol + ".lockupModule";
      names_[set->jurisdiction_module] = symbol + ".jurisdictionModule";
      for (const Bytes32* r : {&roles::default_admin(), &roles::minter(), &roles::pauser(),
                               &roles::restriction_admin()}) {
        s.model.roles.insert({*r, s.issuer});
      }
      for (const Bytes32* r : {&roles::compliance(), &roles::pauser()}) {
        s.model.roles.insert({*r, s.officer});
      }
      s.home = (preset == static_cast<uint8_t>(core::Preset::kRegS) ||
                (preset >= static_cast<uint8_t>(core::Preset::kRegAPlus) && rng_.coin()))
                   ? b2("GB")
                   : b2("US");
      secs_.push_back(std::move(s));
    }
    // A first offering per security: onboard a batch of investors and issue to some of them,
    // then let the holding periods pass, so the random stream starts from a live register.
    for (Security& s : secs_) {
      current_ = &s;
      abi::ValueList accounts, js, accs, locks;
      const size_t investors = std::min<size_t>(rng_.range(8, 30), onboardable_.size());
      for (size_t i = 0; i < investors; ++i) {
        const Address a = rng_.pick(onboardable_);
        if (std::find(s.onboarded.begin(), s.onboarded.end(), a) != s.onboarded.end()) continue;
        s.onboarded.push_back(a);
        accounts.emplace_back(a);
        js.emplace_back(s.home);
        accs.emplace_back(U256(2));
        locks.emplace_back(U256(0));
      }
      Expect ok;
      ok.exact = Bytes{};
      exec(s.officer, s.set.registry, "batchOnboard(address[],bytes2[],uint8[],uint256[])",
           {accounts, js, accs, locks}, ok);
      for (size_t i = 0; i < s.onboarded.size() && !failure_; ++i) {
        if (!rng_.chance(2, 3)) continue;
        const U256 amount(rng_.range(1, 1000000));
        Outcome o =
            exec(s.issuer, s.set.token, "mint(address,uint256)", {s.onboarded[i], amount}, ok);
        if (o.success) s.model.mint(s.onboarded[i], amount);
      }
      if (failure_) return;
    }
    block_.timestamp += 400 * kDay;
    for (Security& s : secs_) {
      current_ = &s;
      check_roles_of(s, s.issuer);
      check_roles_of(s, s.officer);
    }
    check_all_tokens();
  }

  void check_roles_of(const Security& s, const Address& a) {
    const core::AccessControl* ac = token(s).access_control();
    for (const core::RoleInfo& r : roles::all()) {
      if (ac->has_role(r.id, a) != s.model.has_role(r.id, a)) {
        fail("model-roles", name(a) + " " + std::string(r.name) + ": token says " +
                                (ac->has_role(r.id, a) ? "held" : "not held"));
        return;
      }
    }
    if (!ac->allow_role_overlap() && ac->has_role(roles::minter(), a) &&
        ac->has_role(roles::compliance(), a)) {
      fail("role-separation", name(a) + " holds both MINTER_ROLE and COMPLIANCE_ROLE");
    }
  }

  void check_all_tokens() {
    for (const Security& s : secs_) {
      auto v = check_token(token(s), s.model);
      if (!v) v = check_holds_and_snapshots(s);
      if (!v) v = check_lots(s);
      if (!v) v = check_partition_supply(s);
      if (v) {
        fail(v->invariant, s.label + ": " + v->detail);
        return;
      }
    }
  }

  // The model's open holds are the token's held amounts; one snapshot (chosen by the step number,
  // so no random draw) answers the model's register at its date for every account.
  std::optional<Violation> check_holds_and_snapshots(const Security& s) {
    const core::SecurityToken& t = token(s);
    std::map<Address, U256> held;
    for (const SimHold& h : s.holds)
      held[h.holder] = *held[h.holder].checked_add(h.amount);
    for (const auto& [a, b] : t.holders()) {
      if (t.balance_on_hold(a) != held[a]) {
        return Violation{"model-holds", name(a) + " has " + t.balance_on_hold(a).to_dec() +
                                            " on hold, the model " + held[a].to_dec()};
      }
    }
    if (s.snapshots.empty()) return std::nullopt;
    return check_snapshot(s, step_ % s.snapshots.size());
  }

  // ------------------------------------------------------------------ random choices
  Security& pick_security() { return secs_[rng_.below(secs_.size())]; }
  Address any_account() {
    const uint64_t x = rng_.below(100);
    if (x < 84) return rng_.pick(pool_);
    if (x < 92) {
      const Security& s = rng_.pick(secs_);
      return rng_.coin() ? s.issuer : s.officer;
    }
    if (x < 96) return Address{};
    const Security& s = rng_.pick(secs_);
    return rng_.coin() ? s.set.token : s.set.registry;
  }
  Address holder_or_any(const Security& s) {
    if (!s.model.balances.empty() && rng_.chance(7, 10)) {
      auto it = s.model.balances.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(rng_.below(s.model.balances.size())));
      return it->first;
    }
    return any_account();
  }
  Address receiver(const Security& s) {
    const uint64_t x = rng_.below(10);
    if (x < 5 && !s.onboarded.empty()) return rng_.pick(s.onboarded);
    if (x < 8) return rng_.pick(onboardable_);
    return any_account();
  }
  Address onboarded_or_any(const Security& s) {
    if (!s.onboarded.empty() && rng_.chance(3, 5)) return rng_.pick(s.onboarded);
    return rng_.pick(onboardable_);
  }
  abi::Value friendly_or_any_jurisdiction(const Security& s) {
    return rng_.chance(3, 5) ? s.home : jurisdiction_value();
  }
  // Usually an account that holds `role` in the model, sometimes anyone.
  Address role_sender(const Security& s, const Bytes32& role) {
    if (rng_.chance(4, 5)) {
      std::vector<Address> holders;
      for (const auto& [r, a] : s.model.roles) {
        if (r == role) holders.push_back(a);
      }
      if (!holders.empty()) return rng_.pick(holders);
    }
    return any_account();
  }
  abi::Value jurisdiction_value() {
    static const char* const kValid[] = {"GB", "DE", "SG", "CA", "JP", "BR", "FR", "CH"};
    static const char* const kSanctioned[] = {"CU", "XC", "IR", "KP", "SY", "XD", "XL"};
    const uint64_t x = rng_.below(100);
    if (x < 40) return b2("US");
    if (x < 70) return b2(kValid[rng_.below(8)]);
    if (x < 82) return b2(kSanctioned[rng_.below(7)]);
    if (x < 92) return b2(0, 0);  // unset
    static const char* const kInvalid[] = {"us", "1A", "U_", "\xff\xff"};
    return b2(kInvalid[rng_.below(4)]);
  }
  U256 huge() {
    switch (rng_.below(5)) {
      case 0:
        return U256::max();
      case 1:
        return *U256::max().checked_sub(U256(1));
      case 2:
        return U256::from_words(0, 0, 0, 1ULL << 63);  // 2^255
      case 3:
        return U256::from_words(0, 0, 1, 0);  // 2^128
      default:
        return U256::from_words(rng_.next(), rng_.next(), rng_.next(), rng_.next());
    }
  }
  U256 amount_for(const Security& s, const U256& balance) {
    const uint64_t x = rng_.below(100);
    if (x < 30 && !balance.is_zero()) {
      const uint64_t top = balance.fits_u64() ? std::min<uint64_t>(balance.low64(), 1000) : 1000;
      return U256(rng_.range(1, top));
    }
    if (x < 45) return balance;
    if (x < 52) return balance.checked_add(U256(1)).value_or(U256::max());
    if (x < 58) return U256(0);
    if (x < 68) return U256(rng_.range(1, 1000000));
    if (x < 73) return huge();
    if (x < 83) {
      const U256 cap =
          state_.contract_as<core::TransferRestriction>(s.set.restriction)->max_transfer_amount();
      if (!cap.is_zero()) return rng_.coin() ? cap : cap.checked_add(U256(1)).value_or(cap);
    }
    return U256(rng_.range(1, 100));
  }
  U256 timestamp_value() {
    const uint64_t x = rng_.below(100);
    if (x < 35) return U256(0);
    if (x < 55) return U256(block_.timestamp + rng_.range(1, 400) * kDay);
    if (x < 75) return U256(block_.timestamp - rng_.range(0, 30) * kDay);
    if (x < 85) return U256(block_.timestamp + rng_.range(1, 3600));
    if (x < 92) return U256(UINT64_MAX);
    return huge();
  }

  // ------------------------------------------------------------------ the step
  void random_step() {
    Security& s = pick_security();
    current_ = &s;
    enum Action {
      kTransfer,
      kTransferFrom,
      kApprove,
      kBatch,
      kMint,
      kBurn,
      kOnboard,
      kRegistryWrite,
      kRegistryAdmin,
      kModules,
      kWhitelistModule,
      kLockupModule,
      kJurisdictionModule,
      kRestriction,
      kRoles,
      kPause,
      kTime,
      kGarbage,
      kViews,
      kRewire,
      kFactory,
      kCount
    };
    static const std::vector<uint32_t> kWeights = {220, 70, 50, 40, 100, 30, 80, 60, 5, 10, 30,
                                                   20,  15, 25, 35, 40,  40, 30, 20, 5, 5};
    static_assert(kCount == 21);
    switch (static_cast<Action>(rng_.weighted(kWeights))) {
      case kTransfer:  // one in two: partitions, holds, checkpoints, lots (balance-model.md)
        return rng_.coin() ? act_balance_model(s) : act_transfer(s);
      case kTransferFrom:
        return act_transfer_from(s);
      case kApprove:
        return act_approve(s);
      case kBatch:
        return act_batch(s);
      case kMint:
        return act_mint(s);
      case kBurn:  // one in two: the controller's and corporate actions' moves
        return rng_.coin() ? act_corporate(s) : act_burn(s);
      case kOnboard:
        return act_onboard(s);
      case kRegistryWrite:
        return act_registry_write(s);
      case kRegistryAdmin:
        return act_registry_admin(s);
      case kModules:
        return act_modules(s);
      case kWhitelistModule:
        return act_whitelist_module(s);
      case kLockupModule:
        return act_lockup_module(s);
      case kJurisdictionModule:
        return act_jurisdiction_module(s);
      case kRestriction:
        return act_restriction(s);
      case kRoles:
        return act_roles(s);
      case kPause:
        return act_pause(s);
      case kTime:
        return act_time();
      case kGarbage:
        return act_garbage(s);
      case kViews:
        return act_views(s);
      case kRewire:
        return act_rewire(s);
      case kFactory:
        return act_factory();
      case kCount:
        break;
    }
  }

  // ------------------------------------------------------------------ movements
  // detectTransferRestriction through eth_call, cross-checked with the native predicate and the
  // explanation views; the state must not change.
  uint8_t detect(const Security& s, const Address& from, const Address& to, const U256& amount) {
    const Bytes32 before = digest();
    auto out = view(s.set.token, "detectTransferRestriction(address,address,uint256)",
                    {from, to, amount}, "uint8");
    if (failure_ || out.empty()) return 0;
    const uint8_t code = static_cast<uint8_t>(out[0].u256().low64());
    const core::SecurityToken& t = token(s);
    if (t.detect(from, to, amount, block_.timestamp) != code) {
      fail("detect-native-equals-abi", "native detect differs from the ABI answer");
    }
    const core::SecurityToken::Explanation e = t.explain(from, to, amount, block_.timestamp);
    if (e.code != code) {
      fail("explain-agrees-with-detect", "explainTransfer code differs from detect");
    }
    // The largest passing amount passes, never exceeds what the sender may move, and is at least
    // any positive amount that passes.
    if (!e.max_amount.is_zero() && (e.max_amount > t.spendable(from) ||
                                    t.detect(from, to, e.max_amount, block_.timestamp) != 0)) {
      fail("explain-max-amount", "explainTransfer's largest amount " + e.max_amount.to_dec() +
                                     " does not pass, or exceeds the spendable balance");
    }
    if (code == 0 && !amount.is_zero() && e.max_amount < amount) {
      fail("explain-max-amount", "an amount of " + amount.to_dec() +
                                     " passes but explainTransfer's largest amount is " +
                                     e.max_amount.to_dec());
    }
    auto rules = t.failing_rules(from, to, amount, block_.timestamp);
    if ((code == 0) != rules.empty() || (!rules.empty() && rules.front().code != code)) {
      fail("failing-rules-agree-with-detect",
           "detect " + std::to_string(code) + ", failingRules " + std::to_string(rules.size()) +
               " finding(s)" +
               (rules.empty() ? "" : ", first " + std::to_string(rules.front().code)));
    }
    if (s.model.paused && code != core::code::kTokenPaused) {
      fail("pause-precedence", "paused token answered " + std::to_string(code));
    }
    // Recomputed for one detect in four (the others trust the journal's rollback, which every
    // reverted call checks anyway).
    if (++detects_ % 4 == 0) {
      digest_ = state_.digest();
      if (*digest_ != before) fail("views-change-nothing", "detect changed the state digest");
    }
    return code;
  }

  void check_transfer_logs(const Outcome& o, const std::vector<MovementFacts>& legs,
                           const Address& token_addr) {
    size_t n = 0;
    for (const core::Log& l : o.logs) {
      if (l.address != token_addr || l.topics.empty() || l.topics[0] != transfer_topic()) continue;
      if (n >= legs.size()) {
        fail("transfer-events", "more Transfer events than movements");
        return;
      }
      const MovementFacts& f = legs[n++];
      if (l.topics.size() != 3 || l.topics[1] != f.from.to_word() ||
          l.topics[2] != f.to.to_word() || l.data.size() != 32 ||
          U256::from_be(l.data) != f.amount) {
        fail("transfer-events", "Transfer event does not match the movement");
        return;
      }
    }
    if (n != legs.size()) fail("transfer-events", "missing Transfer event");
  }

  void act_transfer(Security& s) {
    const Address from = rng_.chance(1, 50) ? Address{} : holder_or_any(s);
    const Address to = rng_.chance(1, 25) ? from : receiver(s);
    const U256 amount = amount_for(s, s.model.balance(from));
    MovementFacts f = facts(from, to, amount, s.model.balance(from), detect(s, from, to, amount));
    if (failure_) return;
    const bool native = rng_.chance(1, 5);
    Outcome o =
        exec(from, s.set.token, "transfer(address,uint256)", {to, amount}, {},
             native ? std::function<core::Status(core::CallContext&)>([&](core::CallContext& ctx) {
               return token(s).transfer(ctx, to, amount);
             })
                    : nullptr);
    check(check_movement(f, {o.success, o.data}));
    if (o.success && !failure_) {
      s.model.move(from, to, amount);
      check_transfer_logs(o, {f}, s.set.token);
    }
  }

  void act_transfer_from(Security& s) {
    Address owner, spender;
    if (!s.model.allowances.empty() && rng_.chance(3, 4)) {
      auto it = s.model.allowances.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(rng_.below(s.model.allowances.size())));
      owner = it->first.first;
      spender = it->first.second;
    } else {
      owner = rng_.chance(1, 40) ? Address{} : holder_or_any(s);
      spender = any_account();
    }
    const Address to = receiver(s);
    U256 amount = amount_for(s, s.model.balance(owner));
    if (rng_.chance(1, 5)) amount = s.model.allowance(owner, spender);
    const U256 allowance = s.model.allowance(owner, spender);
    if (token(s).allowance(owner, spender) != allowance) {
      fail("model-allowances", "allowance differs before transferFrom");
      return;
    }
    MovementFacts f{owner, to,      amount,   s.model.balance(owner), detect(s, owner, to, amount),
                    true,  spender, allowance};
    if (failure_) return;
    const bool native = rng_.chance(1, 5);
    Outcome o =
        exec(spender, s.set.token, "transferFrom(address,address,uint256)", {owner, to, amount}, {},
             native ? std::function<core::Status(core::CallContext&)>([&](core::CallContext& ctx) {
               return token(s).transfer_from(ctx, owner, to, amount);
             })
                    : nullptr);
    check(check_movement(f, {o.success, o.data}));
    if (o.success && !failure_) {
      s.model.move(owner, to, amount);
      if (allowance != U256::max())
        s.model.set_allowance(owner, spender, *allowance.checked_sub(amount));
      check_transfer_logs(o, {f}, s.set.token);
    }
    if (token(s).allowance(owner, spender) != s.model.allowance(owner, spender)) {
      fail("model-allowances", "allowance differs after transferFrom");
    }
  }

  void act_approve(Security& s) {
    const Address owner = any_account();
    const Address spender = rng_.chance(1, 20) ? Address{} : any_account();
    U256 amount;
    const uint64_t x = rng_.below(10);
    if (x < 2) {
      amount = U256::max();
    } else if (x < 3) {
      amount = U256(0);
    } else if (x < 5) {
      amount = s.model.balance(owner);
    } else {
      amount = U256(rng_.range(1, 100000));
    }
    Expect ex;
    ex.exact =
        spender.is_zero() ? make_revert(ErrorId::kERC20InvalidSpender, {spender}).data : Bytes{};
    const bool native = rng_.chance(1, 5);
    Outcome o =
        exec(owner, s.set.token, "approve(address,uint256)", {spender, amount}, ex,
             native ? std::function<core::Status(core::CallContext&)>([&](core::CallContext& ctx) {
               return token(s).approve(ctx, spender, amount);
             })
                    : nullptr);
    if (o.success) s.model.set_allowance(owner, spender, amount);
    if (token(s).allowance(owner, spender) != s.model.allowance(owner, spender)) {
      fail("model-allowances", "allowance differs after approve");
    }
  }

  // A batch: dry-run natively leg by leg (detect, then transfer, each checked), undo it, then
  // run the batch through the ABI; it must succeed iff every leg did, and otherwise revert with
  // the first failing leg's error.
  void act_batch(Security& s) {
    const Address sender = holder_or_any(s);
    size_t legs = rng_.range(1, 5);
    if (rng_.chance(1, 20)) legs = 0;
    abi::ValueList tos, amounts;
    std::vector<MovementFacts> legs_done;
    U256 running = s.model.balance(sender);
    for (size_t i = 0; i < legs; ++i) {
      const Address to = receiver(s);
      const U256 amount = rng_.chance(1, 2) ? U256(rng_.range(0, 50)) : amount_for(s, running);
      tos.emplace_back(to);
      amounts.emplace_back(amount);
    }
    const bool mismatch = legs > 0 && rng_.chance(1, 20);
    if (mismatch) amounts.pop_back();

    std::optional<Bytes> expected;
    if (legs == 0) {
      expected = make_revert(ErrorId::kEmptyBatch).data;
    } else if (mismatch) {
      expected = make_revert(ErrorId::kBatchLengthMismatch, {U256(legs), U256(legs - 1)}).data;
    } else {
      describe(sender, s.set.token, "batchTransfer(address[],uint256[])", {tos, amounts}, true);
      const Bytes32 before = digest();
      Bytes first_revert;
      core::Status dry = state_.transact(sender, block_, nullptr, [&](core::CallContext& ctx) {
        core::SecurityToken& t = token(s);
        for (size_t i = 0; i < legs && !failure_; ++i) {
          const Address to = tos[i].address();
          const U256 amount = amounts[i].u256();
          MovementFacts f = facts(sender, to, amount, t.balance_of(sender),
                                  t.detect(sender, to, amount, block_.timestamp));
          core::Status st = t.transfer(ctx, to, amount);
          MovementOutcome mo{st.ok(), st.ok() ? Bytes{} : st.revert().data};
          check(check_movement(f, mo));
          legs_done.push_back(f);
          if (!st.ok()) {
            first_revert = mo.revert_data;
            break;
          }
        }
        return core::Status(core::revert_message("simulator dry run"));
      });
      (void)dry;
      if (failure_) return;
      digest_ = state_.digest();
      if (*digest_ != before) {
        fail("revert-leaves-state-unchanged", "the undone dry run of a batch changed the state");
        return;
      }
      expected = first_revert;
    }
    Expect ex;
    ex.exact = expected;
    Outcome o = exec(sender, s.set.token, "batchTransfer(address[],uint256[])", {tos, amounts}, ex);
    if (o.success && !failure_) {
      for (const MovementFacts& f : legs_done)
        s.model.move(f.from, f.to, f.amount);
      check_transfer_logs(o, legs_done, s.set.token);
    }
  }

  void act_mint(Security& s) {
    const Address sender = role_sender(s, roles::minter());
    const Address to = rng_.chance(1, 30) ? Address{} : receiver(s);
    U256 amount;
    const uint64_t x = rng_.below(100);
    const U256 room = *U256::max().checked_sub(s.model.supply);
    if (x < 88) {
      amount = U256(rng_.range(1, 1000000));
    } else if (x < 93) {
      amount = U256(0);
    } else if (x < 95) {
      amount = room;
    } else if (x < 97) {
      amount = room.checked_add(U256(1)).value_or(U256::max());
    } else {
      amount = huge();
    }
    Expect ex;
    ex.role = &roles::minter();
    if (s.model.has_role(roles::minter(), sender)) {
      if (to.is_zero()) {
        ex.exact = make_revert(ErrorId::kERC20InvalidReceiver, {to}).data;
      } else if (!s.model.supply.checked_add(amount)) {
        ex.exact = make_revert(ErrorId::kAmountOverflow, {s.model.supply, amount}).data;
      }
    }
    const bool native = rng_.chance(1, 5);
    Outcome o =
        exec(sender, s.set.token, "mint(address,uint256)", {to, amount}, ex,
             native ? std::function<core::Status(core::CallContext&)>(
                          [&](core::CallContext& ctx) { return token(s).mint(ctx, to, amount); })
                    : nullptr);
    if (failure_) return;
    if (o.success) {
      s.model.mint(to, amount);
      check_transfer_logs(o, {facts(Address{}, to, amount)}, s.set.token);
    } else if (revert_reason(o.data).rfind("TransferRestricted(", 0) == 0) {
      // Issuance is checked on the receiver's side only (PRODUCT.md §5): sender-side, pause and
      // balance codes never refuse a mint.
      const uint8_t c = o.data.size() == 36 ? o.data[35] : 0;
      using namespace core::code;
      for (uint8_t bad :
           {kSenderNotWhitelisted, kSenderBlacklisted, kSenderLocked, kTokenPaused,
            kInsufficientBalance, kModuleSenderNotOnWhitelist, kSenderLockupActive,
            kSenderJurisdictionBlocked, kSenderJurisdictionUnset, kTransferAmountExceeded}) {
        if (c == bad)
          fail("mint-refusal-is-receiver-side", "mint refused with code " + std::to_string(c));
      }
    }
  }

  void act_burn(Security& s) {
    const Address sender = role_sender(s, roles::minter());
    const Address from = rng_.chance(1, 30) ? Address{} : holder_or_any(s);
    const U256 bal = s.model.balance(from);
    U256 amount;
    const uint64_t x = rng_.below(10);
    if (x < 4 && !bal.is_zero()) {
      amount =
          U256(rng_.range(1, bal.fits_u64() ? std::min<uint64_t>(bal.low64(), 1000000) : 1000000));
    } else if (x < 7) {
      amount = bal;
    } else if (x < 9) {
      amount = bal.checked_add(U256(1)).value_or(U256::max());
    } else {
      amount = huge();
    }
    Expect ex;
    ex.role = &roles::minter();
    if (s.model.has_role(roles::minter(), sender)) {
      if (from.is_zero()) {
        ex.exact = make_revert(ErrorId::kERC20InvalidSender, {from}).data;
      } else if (bal < amount) {
        ex.exact = make_revert(ErrorId::kERC20InsufficientBalance, {from, bal, amount}).data;
      } else if (const U256 held = model_held(s, from); amount > *bal.checked_sub(held)) {
        ex.exact = make_revert(ErrorId::kHoldsOutstanding, {from, held}).data;
      } else {
        ex.exact = Bytes{};
      }
    }
    const bool native = rng_.chance(1, 5);
    Outcome o =
        exec(sender, s.set.token, "burn(address,uint256)", {from, amount}, ex,
             native ? std::function<core::Status(core::CallContext&)>(
                          [&](core::CallContext& ctx) { return token(s).burn(ctx, from, amount); })
                    : nullptr);
    if (o.success && !failure_) {
      s.model.burn(from, amount);
      check_transfer_logs(o, {facts(from, Address{}, amount)}, s.set.token);
    }
  }

  // ------------------------------------------------------------------ corporate actions
  // The controller and corporate actions (docs/corporate-actions.md): controllerRedeem,
  // seizure and distributions in kind by CORPORATE_ACTION_ROLE, with no approval of the holder
  // and no transfer rule; predicted exactly and kept in the model, so the supply and every
  // balance are conserved across them (checked after every call).
  void act_corporate(Security& s) {
    if (!s.model.has_role(roles::corporate_action(), s.issuer) && rng_.chance(3, 4)) {
      Outcome g = exec(s.issuer, s.set.token, "grantRole(bytes32,address)",
                       {abi::Value::bytes32(roles::corporate_action()), s.issuer}, {});
      if (g.success) s.model.roles.insert({roles::corporate_action(), s.issuer});
    }
    const Address sender = role_sender(s, roles::corporate_action());
    const bool allowed = s.model.has_role(roles::corporate_action(), sender);
    const Bytes32 doc = keccak256(std::string_view("sim corporate action"));
    const std::string reason = "sim";
    const Address from = rng_.chance(1, 30) ? Address{} : holder_or_any(s);
    const U256 bal = s.model.balance(from);
    const U256 amount = rng_.chance(3, 4) && bal.fits_u64() && !bal.is_zero()
                            ? U256(rng_.range(1, bal.low64()))
                            : (rng_.coin() ? bal : bal.checked_add(U256(1)).value_or(bal));
    Expect ex;
    ex.role = &roles::corporate_action();
    auto debit_check = [&](const Address& to, bool need_to) {
      if (from.is_zero()) return make_revert(ErrorId::kERC20InvalidSender, {from}).data;
      if (need_to && to.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {to}).data;
      if (bal < amount) {
        return make_revert(ErrorId::kERC20InsufficientBalance, {from, bal, amount}).data;
      }
      if (const U256 held = model_held(s, from); amount > *bal.checked_sub(held)) {
        return make_revert(ErrorId::kHoldsOutstanding, {from, held}).data;
      }
      return Bytes{};
    };
    switch (rng_.below(3)) {
      case 0: {  // ERC-1644 controllerRedeem: a burn
        if (allowed) ex.exact = debit_check(Address{}, false);
        Bytes data(doc.b.begin(), doc.b.end());
        Outcome o = exec(sender, s.set.token, "controllerRedeem(address,uint256,bytes,bytes)",
                         {from, amount, data, Bytes{'s', 'i', 'm'}}, ex);
        if (o.success && !failure_) {
          s.model.burn(from, amount);
          check_transfer_logs(o, {facts(from, Address{}, amount)}, s.set.token);
        }
        return;
      }
      case 1: {  // seizure to a custodian
        const Address custodian = rng_.chance(1, 30) ? Address{} : receiver(s);
        if (allowed) ex.exact = debit_check(custodian, true);
        Outcome o = exec(sender, s.set.token, "seize(address,address,uint256,string,bytes32)",
                         {from, custodian, amount, reason, abi::Value::bytes32(doc)}, ex);
        if (o.success && !failure_) {
          s.model.move(from, custodian, amount);
          check_transfer_logs(o, {facts(from, custodian, amount)}, s.set.token);
        }
        return;
      }
      default:  // one in three: a split or reverse split
        return rng_.chance(1, 3) ? act_split(s, sender, allowed)
                                 : act_distribute(s, sender, allowed);
    }
  }

  // A split or reverse split (docs/balance-model.md, "Splits"; rules V6): the model floors every
  // balance and open hold; check_all_tokens then checks Σ balances = supply, Σ partitions =
  // balance and the holds against the model, as after every step, and the holder count here.
  void act_split(Security& s, const Address& sender, bool allowed) {
    static const std::vector<std::pair<uint64_t, uint64_t>> kRatios = {
        {3, 2}, {2, 1}, {1, 2}, {1, 10}, {5, 4}, {2, 3}, {7, 3}, {4, 2}, {0, 1}, {1, 1}};
    const auto [n, d] = rng_.pick(kRatios);
    Expect ex;
    ex.role = &roles::corporate_action();
    const core::SecurityToken& t = token(s);
    if (allowed) {
      if (n == 0 || d == 0 || n == d || std::gcd(n, d) != 1) {
        ex.exact = make_revert(ErrorId::kSplitRatioInvalid, {U256(n), U256(d)}).data;
      } else if (t.split_count() >= core::SecurityToken::kMaxSplits) {
        ex.exact =
            make_revert(ErrorId::kTooManySplits, {U256(core::SecurityToken::kMaxSplits)}).data;
      } else if (!s.model.supply.checked_mul(U256(n))) {
        ex.exact = make_revert(ErrorId::kSplitOverflow, {s.model.supply, U256(n)}).data;
      } else {
        ex.exact = Bytes{};
      }
    }
    const Bytes32 doc = keccak256(std::string_view("sim split"));
    Outcome o = exec(sender, s.set.token, "split(uint256,uint256,string,bytes32)",
                     {U256(n), U256(d), std::string("sim"), abi::Value::bytes32(doc)}, ex);
    if (!o.success || failure_) return;
    model_split_fractions(s, n, d);
    U256 supply;
    uint64_t holders = 0;
    for (auto it = s.model.balances.begin(); it != s.model.balances.end();) {
      const U256 now = *it->second.mul_div_floor(U256(n), U256(d));
      supply = *supply.checked_add(now);
      if (now.is_zero()) {
        it = s.model.balances.erase(it);
      } else {
        it->second = now;
        ++holders;
        ++it;
      }
    }
    s.model.supply = supply;
    for (SimHold& h : s.holds)
      h.amount = *h.amount.mul_div_floor(U256(n), U256(d));
    if (t.holder_count() != holders) {
      fail("split-holder-count", "holderCount " + std::to_string(t.holder_count()) +
                                     " after a split, the model " + std::to_string(holders));
    }
  }

  // A distribution in kind to one receiver.
  void act_distribute(Security& s, const Address& sender, bool allowed) {
    Expect ex;
    ex.role = &roles::corporate_action();
    const Bytes32 doc = keccak256(std::string_view("sim corporate action"));
    const Address to = rng_.chance(1, 30) ? Address{} : receiver(s);
    const U256 more = rng_.chance(1, 20) ? huge() : U256(rng_.range(0, 100000));
    if (allowed) {
      if (to.is_zero()) {
        ex.exact = make_revert(ErrorId::kERC20InvalidReceiver, {to}).data;
      } else if (!s.model.supply.checked_add(more)) {
        ex.exact = make_revert(ErrorId::kAmountOverflow, {s.model.supply, more}).data;
      } else {
        ex.exact = Bytes{};
      }
    }
    Outcome o = exec(
        sender, s.set.token, "distributeInKind(address[],uint256[],string,bytes32)",
        {abi::ValueList{to}, abi::ValueList{more}, std::string("sim"), abi::Value::bytes32(doc)},
        ex);
    if (o.success && !failure_) {
      s.model.mint(to, more);
      check_transfer_logs(o, {facts(Address{}, to, more)}, s.set.token);
    }
  }

  // ------------------------------------------------------------------ the balance model
  static Bytes32 partition_named(std::string_view n) {
    Bytes32 b;
    std::copy(n.begin(), n.end(), b.b.begin());
    return b;
  }
  Bytes32 pick_partition() {
    const uint64_t x = rng_.below(3);
    return x == 0 ? Bytes32{} : partition_named(x == 1 ? "SIM_A" : "SIM_B");
  }
  U256 model_held(const Security& s, const Address& a) const {
    U256 held;
    for (const SimHold& h : s.holds) {
      if (h.holder == a) held = *held.checked_add(h.amount);
    }
    return held;
  }

  // Partitions, holds, checkpoints and the dividends paid from them.
  void act_balance_model(Security& s) {
    switch (rng_.below(16)) {
      case 0:
        return act_issue_by_partition(s);
      case 1:
      case 2:
      case 13:
        return act_transfer_by_partition(s);
      case 3:
      case 11:
        return act_hold(s);
      case 4:
      case 12:
        return act_settle_hold(s);
      case 5:
        return act_snapshot(s);
      case 9:
      case 10:
      case 14:
      case 15:
        return act_lot_traffic(s);
      default:
        return act_dividend(s);
    }
  }

  void act_issue_by_partition(Security& s) {
    const Address sender = role_sender(s, roles::minter());
    const Address to = rng_.chance(1, 30) ? Address{} : receiver(s);
    const Bytes32 p = pick_partition();
    const U256 amount(rng_.range(0, 100000));
    Expect ex;
    ex.role = &roles::minter();
    Outcome o = exec(sender, s.set.token, "issueByPartition(bytes32,address,uint256,bytes)",
                     {abi::Value::bytes32(p), to, amount, Bytes{}}, ex);
    if (o.success && !failure_) {
      s.model.mint(to, amount);
      check_transfer_logs(o, {facts(Address{}, to, amount)}, s.set.token);
    }
  }

  // transferByPartition: canTransferByPartition's code must be the outcome, as detect's is for
  // transfer.
  void act_transfer_by_partition(Security& s) {
    const Address from = rng_.chance(1, 50) ? Address{} : holder_or_any(s);
    const Address to = rng_.chance(1, 25) ? from : receiver(s);
    const std::vector<Bytes32> parts = token(s).partitions_of(from);
    const Bytes32 p = parts.empty() || rng_.chance(1, 5) ? pick_partition() : rng_.pick(parts);
    const U256 amount = amount_for(s, token(s).balance_of_by_partition(p, from));
    const uint8_t code =
        token(s).can_transfer_by_partition(from, to, p, amount, {}, block_.timestamp).code;
    MovementFacts f = facts(from, to, amount, s.model.balance(from), code);
    Outcome o = exec(from, s.set.token, "transferByPartition(bytes32,address,uint256,bytes)",
                     {abi::Value::bytes32(p), to, amount, Bytes{}}, {});
    check(check_movement(f, {o.success, o.data}));
    if (o.success && !failure_) {
      s.model.move(from, to, amount);
      check_transfer_logs(o, {f}, s.set.token);
      ++report_.balance_model["partition-moves"];
    }
  }

  void act_hold(Security& s) {
    const Address holder = holder_or_any(s);
    const std::vector<Bytes32> parts = token(s).partitions_of(holder);
    const Bytes32 p = parts.empty() || rng_.chance(1, 5) ? pick_partition() : rng_.pick(parts);
    SimHold h{keccak256(std::string_view(s.label + ".hold." + std::to_string(s.hold_seq++))),
              holder,
              !s.onboarded.empty() && rng_.chance(3, 4) ? rng_.pick(s.onboarded) : receiver(s),
              any_account(),
              p,
              amount_for(s, token(s).balance_of_by_partition(p, holder)),
              rng_.coin() ? 0 : block_.timestamp + rng_.range(1, 20) * kDay};
    Outcome o = exec(holder, s.set.token,
                     "holdByPartition(bytes32,bytes32,address,address,uint256,uint256)",
                     {abi::Value::bytes32(h.id), abi::Value::bytes32(p), h.recipient, h.notary,
                      h.amount, U256(h.expiration)},
                     {});
    if (o.success && !failure_) {
      s.holds.push_back(h);
      ++report_.balance_model["holds-placed"];
    }
  }

  // The notary executes or releases, the holder releases, or a stranger tries: each predicted.
  void act_settle_hold(Security& s) {
    if (s.holds.empty()) return act_hold(s);
    const size_t i = rng_.below(s.holds.size());
    const SimHold h = s.holds[i];
    const bool expired = h.expiration != 0 && block_.timestamp >= h.expiration;
    const uint64_t x = rng_.below(5);
    const Address sender = x <= 2 ? h.notary : x == 3 ? h.holder : any_account();
    const bool execute = x <= 1 || x == 4;
    Expect ex;
    const abi::Value id = abi::Value::bytes32(h.id);
    if (sender != h.notary && (execute || sender != h.holder)) {
      ex.exact = make_revert(ErrorId::kNotHoldNotary, {id, sender}).data;
    } else if (execute && expired) {
      ex.exact = make_revert(ErrorId::kHoldExpired, {id, U256(h.expiration)}).data;
    } else if (!execute && sender != h.notary && !expired) {
      ex.exact = make_revert(ErrorId::kHoldNotExpired, {id, U256(h.expiration)}).data;
    } else if (!execute) {
      ex.exact = Bytes{};
    }
    Outcome o = exec(sender, s.set.token, execute ? "executeHold(bytes32)" : "releaseHold(bytes32)",
                     {id}, ex);
    if (!o.success || failure_) return;
    s.holds.erase(s.holds.begin() + static_cast<std::ptrdiff_t>(i));
    ++report_.balance_model[execute   ? "holds-executed"
                            : expired ? "holds-expired-released"
                                      : "holds-released"];
    if (execute) {
      s.model.move(h.holder, h.recipient, h.amount);
      check_transfer_logs(o, {facts(h.holder, h.recipient, h.amount)}, s.set.token);
    }
  }

  // snapshot() by the issuer, after granting itself DIVIDEND_ADMIN_ROLE if it can.
  void act_snapshot(Security& s) {
    auto allowed = [&] {
      return s.model.has_role(roles::dividend_admin(), s.issuer) ||
             s.model.has_role(roles::corporate_action(), s.issuer);
    };
    if (!allowed() && rng_.chance(3, 4)) {
      Outcome g = exec(s.issuer, s.set.token, "grantRole(bytes32,address)",
                       {abi::Value::bytes32(roles::dividend_admin()), s.issuer}, {});
      if (g.success) s.model.roles.insert({roles::dividend_admin(), s.issuer});
    }
    Expect ex;
    if (allowed()) {
      ex.exact = Bytes{};
    } else {
      ex.must_revert = true;
    }
    Outcome o = exec(s.issuer, s.set.token, "snapshot()", {}, ex);
    if (o.success && !failure_) s.snapshots.push_back(record_snapshot(s));
  }

  // ------------------------------------------------------------------ checkpoints and lots
  // The test hook (SimOptions::corrupt_snapshot_from_step), applied once.
  void corrupt_snapshot_record() {
    if (snapshot_corrupted_) return;
    for (SimSnapshot& snap : secs_[0].snapshots) {
      if (snap.partitions.empty()) continue;
      U256& v = snap.partitions.begin()->second;
      v = *v.checked_add(U256(1));
      snapshot_corrupted_ = true;
      return;
    }
  }
  // The register when a snapshot is taken: the model's balances and supply, and each holder's
  // partition amounts (checked, at this step, to sum to the model's balance) summed per partition.
  SimSnapshot record_snapshot(const Security& s) {
    SimSnapshot snap{s.model.balances, s.model.supply, {}, {}};
    const core::SecurityToken& t = token(s);
    for (const auto& [a, b] : t.holders()) {
      for (const Bytes32& p : t.partitions_of(a)) {
        const U256 amount = t.balance_of_by_partition(p, a);
        if (amount.is_zero()) continue;
        snap.partitions[{a, p}] = amount;
        snap.partition_supply[p] = *snap.partition_supply[p].checked_add(amount);
      }
    }
    ++report_.balance_model["snapshots"];
    return snap;
  }
  // The partitions a check covers: the simulator's three, and any a snapshot recorded.
  static std::set<Bytes32> partitions_to_check(const std::map<Bytes32, U256>& supplies) {
    std::set<Bytes32> out{Bytes32{}, partition_named("SIM_A"), partition_named("SIM_B")};
    for (const auto& [p, v] : supplies)
      out.insert(p);
    return out;
  }
  // Snapshot k (0-based) replayed: totalSupplyAt, totalSupplyByPartitionAt, and for every account
  // the model or the token knows, balanceOfAt and balanceOfByPartitionAt, against the record.
  std::optional<Violation> check_snapshot(const Security& s, size_t k) {
    const core::SecurityToken& t = token(s);
    const SimSnapshot& snap = s.snapshots[k];
    const U256 id(k + 1);
    const std::string at = ", " + id.to_dec() + ")";
    if (t.total_supply_at(id).value() != snap.supply) {
      return Violation{"checkpoint-equals-replay", "totalSupplyAt(" + id.to_dec() + ")"};
    }
    const std::set<Bytes32> parts = partitions_to_check(snap.partition_supply);
    for (const Bytes32& p : parts) {
      const auto it = snap.partition_supply.find(p);
      const U256 want = it == snap.partition_supply.end() ? U256(0) : it->second;
      const core::Result<U256> got = t.total_supply_by_partition_at(p, id);
      if (!got.ok() || got.value() != want) {
        return Violation{"checkpoint-equals-replay",
                         "totalSupplyByPartitionAt(" + p.hex() + at + " = " +
                             (got.ok() ? got.value().to_dec() : "revert") + ", replay " +
                             want.to_dec()};
      }
    }
    std::set<Address> accounts(pool_.begin(), pool_.end());
    for (const auto& [a, b] : snap.balances)
      accounts.insert(a);
    for (const auto& [a, b] : t.holders())
      accounts.insert(a);
    for (const Address& a : accounts) {
      const auto it = snap.balances.find(a);
      const U256 want = it == snap.balances.end() ? U256(0) : it->second;
      if (t.balance_of_at(a, id).value() != want) {
        return Violation{"checkpoint-equals-replay", "balanceOfAt(" + name(a) + at + " = " +
                                                         t.balance_of_at(a, id).value().to_dec() +
                                                         ", replay " + want.to_dec()};
      }
      for (const Bytes32& p : parts) {
        const auto pit = snap.partitions.find({a, p});
        const U256 pwant = pit == snap.partitions.end() ? U256(0) : pit->second;
        const U256 got = t.balance_of_by_partition_at(p, a, id).value();
        if (got != pwant) {
          return Violation{"checkpoint-equals-replay", "balanceOfByPartitionAt(" + p.hex() + ", " +
                                                           name(a) + at + " = " + got.to_dec() +
                                                           ", replay " + pwant.to_dec()};
        }
      }
    }
    report_.balance_model["checkpoint-values-checked"] += 1 + parts.size() * (1 + accounts.size());
    return std::nullopt;
  }
  // Every snapshot of every security (at each digest checkpoint and at the end).
  void check_every_snapshot() {
    for (const Security& s : secs_) {
      for (size_t k = 0; k < s.snapshots.size() && !failure_; ++k) {
        if (auto v = check_snapshot(s, k)) fail(v->invariant, s.label + ": " + v->detail);
      }
    }
  }

  // Every holder's lots, partition by partition, sum to its amount in that partition (so to its
  // balance); every lot is non-empty; an account without shares has no lot.
  std::optional<Violation> check_lots(const Security& s) {
    const core::SecurityToken& t = token(s);
    for (const auto& [a, b] : t.holders()) {
      std::map<Bytes32, U256> sums;
      for (uint64_t start = 0;; start += core::SecurityToken::kMaxLotsPage) {
        const auto page = t.lots_of(a, start, core::SecurityToken::kMaxLotsPage);
        for (const core::SecurityToken::LotView& l : page) {
          if (l.quantity.is_zero()) {
            return Violation{"lots-sum-to-balance", name(a) + " has an empty lot"};
          }
          sums[l.partition] = *sums[l.partition].checked_add(l.quantity);
        }
        report_.balance_model["lots-checked"] += page.size();
        if (page.size() < core::SecurityToken::kMaxLotsPage) break;
      }
      U256 total;
      for (const Bytes32& p : t.partitions_of(a)) {
        if (sums[p] != t.balance_of_by_partition(p, a)) {
          return Violation{"lots-sum-to-balance", name(a) + " partition " + p.hex() + ": lots " +
                                                      sums[p].to_dec() + " != amount " +
                                                      t.balance_of_by_partition(p, a).to_dec()};
        }
      }
      for (const auto& [p, q] : sums)
        total = *total.checked_add(q);
      if (total != b) {
        return Violation{"lots-sum-to-balance",
                         name(a) + ": lots " + total.to_dec() + " != balance " + b.to_dec()};
      }
    }
    const Address a = any_account_at(step_);
    if (t.balance_of(a).is_zero() && !t.lots_of(a, 0, 1).empty()) {
      return Violation{"lots-sum-to-balance", name(a) + " has lots but no shares"};
    }
    return std::nullopt;
  }
  Address any_account_at(uint64_t k) const { return pool_[k % pool_.size()]; }

  // Each partition's supply is the Σ of the holders' amounts in it.
  std::optional<Violation> check_partition_supply(const Security& s) const {
    const core::SecurityToken& t = token(s);
    std::map<Bytes32, U256> sums;
    for (const auto& [a, b] : t.holders()) {
      for (const Bytes32& p : t.partitions_of(a))
        sums[p] = *sums[p].checked_add(t.balance_of_by_partition(p, a));
    }
    for (const Bytes32& p : partitions_to_check(sums)) {
      if (t.total_supply_by_partition(p) != sums[p]) {
        return Violation{"partition-supply-equals-sum",
                         "totalSupplyByPartition(" + p.hex() +
                             ") = " + t.total_supply_by_partition(p).to_dec() + ", Σ holders " +
                             sums[p].to_dec()};
      }
    }
    return std::nullopt;
  }

  // Traffic that creates lots of other kinds: gifts (checked as transfers: detect agrees) and
  // forced transfers (CORPORATE_ACTION_ROLE; the debit predicted as for a seizure).
  void act_lot_traffic(Security& s) {
    if (rng_.coin()) return act_forced_transfer(s);
    const Address from = holder_or_any(s);
    const Address to = rng_.chance(1, 25) ? Address{} : receiver(s);
    const U256 amount = amount_for(s, s.model.balance(from));
    MovementFacts f = facts(from, to, amount, s.model.balance(from), detect(s, from, to, amount));
    if (failure_) return;
    Outcome o = exec(from, s.set.token, "gift(address,uint256)", {to, amount}, {});
    check(check_movement(f, {o.success, o.data}));
    if (o.success && !failure_) {
      s.model.move(from, to, amount);
      check_transfer_logs(o, {f}, s.set.token);
      ++report_.balance_model["gifts"];
    }
  }
  void act_forced_transfer(Security& s) {
    if (!s.model.has_role(roles::corporate_action(), s.issuer) && rng_.chance(3, 4)) {
      Outcome g = exec(s.issuer, s.set.token, "grantRole(bytes32,address)",
                       {abi::Value::bytes32(roles::corporate_action()), s.issuer}, {});
      if (g.success) s.model.roles.insert({roles::corporate_action(), s.issuer});
    }
    const Address sender = role_sender(s, roles::corporate_action());
    const Address from = holder_or_any(s);
    const Address to = rng_.chance(1, 30) ? Address{} : receiver(s);
    const U256 bal = s.model.balance(from);
    const U256 amount = amount_for(s, bal.checked_sub(model_held(s, from)).value_or(U256(0)));
    Expect ex;
    ex.role = &roles::corporate_action();
    if (s.model.has_role(roles::corporate_action(), sender)) {
      if (from.is_zero()) {
        ex.exact = make_revert(ErrorId::kERC20InvalidSender, {from}).data;
      } else if (to.is_zero()) {
        ex.exact = make_revert(ErrorId::kERC20InvalidReceiver, {to}).data;
      } else if (bal < amount) {
        ex.exact = make_revert(ErrorId::kERC20InsufficientBalance, {from, bal, amount}).data;
      } else if (amount > *bal.checked_sub(model_held(s, from))) {
        ex.exact = make_revert(ErrorId::kHoldsOutstanding, {from, model_held(s, from)}).data;
      }
    }
    const Bytes32 doc = keccak256(std::string_view("sim forced transfer"));
    Outcome o = exec(sender, s.set.token, "forcedTransfer(address,address,uint256,string,bytes32)",
                     {from, to, amount, std::string("sim"), abi::Value::bytes32(doc)}, ex);
    if (o.success && !failure_) {
      s.model.move(from, to, amount);
      check_transfer_logs(o, {facts(from, to, amount)}, s.set.token);
      ++report_.balance_model["forced-transfers"];
    }
  }

  void act_pause(Security& s) {
    const Address sender = role_sender(s, roles::pauser());
    const bool pause = s.model.paused ? rng_.chance(1, 10) : rng_.chance(1, 12);
    Expect ex;
    ex.role = &roles::pauser();
    if (s.model.has_role(roles::pauser(), sender)) {
      if (pause && s.model.paused) {
        ex.exact = make_revert(ErrorId::kEnforcedPause).data;
      } else if (!pause && !s.model.paused) {
        ex.exact = make_revert(ErrorId::kExpectedPause).data;
      } else {
        ex.exact = Bytes{};
      }
    }
    const bool native = rng_.chance(1, 5);
    Outcome o =
        exec(sender, s.set.token, pause ? "pause()" : "unpause()", {}, ex,
             native ? std::function<core::Status(core::CallContext&)>(
                          [&](core::CallContext& ctx) { return token(s).set_paused(ctx, pause); })
                    : nullptr);
    if (o.success) s.model.paused = pause;
  }

  // ------------------------------------------------------------------ registry
  void act_onboard(Security& s) {
    const Address sender = role_sender(s, roles::compliance());
    const Address who = rng_.chance(1, 30) ? Address{} : rng_.pick(onboardable_);
    const abi::Value j = friendly_or_any_jurisdiction(s);
    const uint64_t acc = rng_.chance(1, 20) ? rng_.range(3, 255) : rng_.range(0, 2);
    const U256 lockup = rng_.chance(7, 10) ? U256(0) : timestamp_value();
    Expect ex;
    ex.role = &roles::compliance();
    const bool native = rng_.chance(1, 5);
    core::ComplianceRegistry* reg = state_.contract_as<core::ComplianceRegistry>(s.set.registry);
    const core::AccountRecord before = reg->get(who);
    const core::Jurisdiction jv =
        static_cast<core::Jurisdiction>((j.bytes()[0] << 8) | j.bytes()[1]);
    Outcome o = exec(
        sender, s.set.registry, "onboard(address,bytes2,uint8,uint256)", {who, j, acc, lockup}, ex,
        native ? std::function<core::Status(core::CallContext&)>([&](core::CallContext& ctx) {
          return reg->onboard(ctx, who, jv, static_cast<uint8_t>(acc), lockup);
        })
               : nullptr);
    if (o.success && !failure_) {
      const core::AccountRecord r = reg->get(who);
      const core::AccountRecord want{true, before.blacklisted, static_cast<uint8_t>(acc), jv,
                                     lockup.low64()};
      if (!(r == want)) fail("registry-write-effect", "onboard did not write the record asked");
      if (j == s.home &&
          std::find(s.onboarded.begin(), s.onboarded.end(), who) == s.onboarded.end()) {
        s.onboarded.push_back(who);
      }
    }
  }

  void act_registry_write(Security& s) {
    const Address sender = role_sender(s, roles::compliance());
    const Address who = rng_.chance(1, 30) ? Address{} : onboarded_or_any(s);
    Expect ex;
    ex.role = &roles::compliance();
    const Address reg = s.set.registry;
    switch (rng_.below(14)) {
      case 0:
        exec(sender, reg, "whitelistAdd(address)", {who}, ex);
        break;
      case 1:
        exec(sender, reg, "whitelistRemove(address)", {who}, ex);
        break;
      case 2:
        exec(sender, reg, "blacklistAdd(address)", {who}, ex);
        break;
      case 3:
        exec(sender, reg, "blacklistRemove(address)", {who}, ex);
        break;
      case 4:
        exec(sender, reg, "setLockupExpiry(address,uint256)", {who, timestamp_value()}, ex);
        break;
      case 5:
        exec(sender, reg, "setJurisdiction(address,bytes2)", {who, friendly_or_any_jurisdiction(s)},
             ex);
        break;
      case 6: {
        const uint64_t st = rng_.chance(1, 15) ? rng_.range(3, 255) : rng_.range(0, 2);
        exec(sender, reg, "setAccreditationStatus(address,uint8)", {who, st}, ex);
        break;
      }
      case 7:
        exec(sender, reg,
             rng_.chance(1, 3) ? "blockJurisdiction(bytes2)" : "unblockJurisdiction(bytes2)",
             {jurisdiction_value()}, ex);
        break;
      case 8: {  // partial freezes (the token's, COMPLIANCE_ROLE): up to the balance and past it
        const U256 bal = s.model.balance(who);
        const U256 amount =
            rng_.chance(1, 8)
                ? bal.checked_add(U256(1)).value_or(bal)
                : U256(rng_.range(
                      0, bal.fits_u64() ? std::min<uint64_t>(bal.low64(), 1000000) : 1000000));
        exec(sender, s.set.token, "freezePartialTokens(address,uint256)", {who, amount}, ex);
        break;
      }
      case 9: {
        const U256 frozen = token(s).frozen_tokens(who);
        const U256 amount =
            rng_.chance(1, 8) ? frozen.checked_add(U256(1)).value_or(frozen) : frozen;
        exec(sender, s.set.token, "unfreezePartialTokens(address,uint256)", {who, amount}, ex);
        break;
      }
      default: {  // batches (the role check follows the batch-shape check)
        ex.role_first = false;
        abi::ValueList accounts, values;
        const size_t n = rng_.chance(1, 15) ? 0 : rng_.range(1, 6);
        for (size_t i = 0; i < n; ++i)
          accounts.emplace_back(rng_.pick(onboardable_));
        const uint64_t kind = rng_.below(4);
        if (kind == 0) {
          exec(sender, reg, "batchWhitelistAdd(address[])", {abi::Value(accounts)}, ex);
        } else if (kind == 1) {
          exec(sender, reg, "batchBlacklistRemove(address[])", {abi::Value(accounts)}, ex);
        } else if (kind == 2) {
          for (size_t i = 0; i < n; ++i)
            values.emplace_back(jurisdiction_value());
          exec(sender, reg, "batchSetJurisdiction(address[],bytes2[])", {accounts, values}, ex);
        } else {
          abi::ValueList js, accs, locks;
          for (size_t i = 0; i < n; ++i) {
            js.emplace_back(jurisdiction_value());
            accs.emplace_back(U256(rng_.range(0, 2)));
            locks.emplace_back(rng_.chance(4, 5) ? U256(0) : timestamp_value());
          }
          exec(sender, reg, "batchOnboard(address[],bytes2[],uint8[],uint256[])",
               {accounts, js, accs, locks}, ex);
        }
        break;
      }
    }
  }

  void act_registry_admin(Security& s) {
    const Address sender = role_sender(s, roles::default_admin());
    Expect ex;
    ex.role = &roles::default_admin();
    const uint64_t level = rng_.chance(1, 10)  ? rng_.range(3, 255)
                           : rng_.chance(1, 2) ? 0
                                               : rng_.range(0, 2);
    exec(sender, s.set.registry, "setRequiredAccreditation(uint8)", {level}, ex);
  }

  void act_modules(Security& s) {
    const Address sender = role_sender(s, roles::default_admin());
    Expect ex;
    ex.role = &roles::default_admin();
    const Security& other = rng_.pick(secs_);
    Address module;
    const uint64_t x = rng_.below(10);
    if (x < 5) {
      module = s.set.whitelist_module;
    } else if (x < 7) {
      module = rng_.coin() ? s.set.lockup_module : s.set.jurisdiction_module;
    } else if (x < 8) {
      module = rng_.coin() ? other.set.whitelist_module : other.set.jurisdiction_module;
    } else if (x < 9) {
      module = s.set.token;  // not a module
    } else {
      module = Address{};
    }
    const bool add = rng_.chance(2, 5);
    if (!add && rng_.chance(3, 4)) module = s.set.whitelist_module;
    exec(sender, s.set.registry, add ? "addModule(address)" : "removeModule(address)", {module},
         ex);
  }

  void act_whitelist_module(Security& s) {
    const Address sender = role_sender(s, roles::compliance());
    Expect ex;
    ex.role = &roles::compliance();
    const Address who = rng_.chance(1, 30) ? Address{} : onboarded_or_any(s);
    const uint64_t x = rng_.below(10);
    if (x < 6) {
      exec(sender, s.set.whitelist_module, "addToWhitelist(address)", {who}, ex);
    } else if (x < 8) {
      exec(sender, s.set.whitelist_module, "removeFromWhitelist(address)", {who}, ex);
    } else {
      ex.role_first = false;
      abi::ValueList accounts;
      const size_t n = rng_.range(0, 8);
      for (size_t i = 0; i < n; ++i)
        accounts.emplace_back(onboarded_or_any(s));
      exec(sender, s.set.whitelist_module, "batchAddToWhitelist(address[])", {abi::Value(accounts)},
           ex);
    }
  }

  void act_lockup_module(Security& s) {
    if (rng_.chance(2, 3)) {
      const Address sender = role_sender(s, roles::compliance());
      Expect ex;
      ex.role = &roles::compliance();
      const Address who = rng_.chance(1, 30) ? Address{} : holder_or_any(s);
      exec(sender, s.set.lockup_module, "setLockup(address,uint256)", {who, timestamp_value()}, ex);
    } else {
      const Address sender = role_sender(s, roles::default_admin());
      Expect ex;
      ex.role = &roles::default_admin();
      static const uint64_t kPeriods[] = {0,
                                          3600,
                                          40 * kDay,
                                          365 * kDay,
                                          core::kMaxHoldingPeriodSeconds,
                                          core::kMaxHoldingPeriodSeconds + 1};
      const U256 p = rng_.chance(1, 12) ? huge() : U256(kPeriods[rng_.below(6)]);
      exec(sender, s.set.lockup_module, "setHoldingPeriod(uint256)", {p}, ex);
    }
  }

  void act_jurisdiction_module(Security& s) {
    const Address jm = s.set.jurisdiction_module;
    const uint64_t x = rng_.below(10);
    if (x < 7) {
      const Address sender = role_sender(s, roles::compliance());
      Expect ex;
      ex.role = &roles::compliance();
      static const char* const kSigs[] = {
          "blockJurisdiction(bytes2)", "unblockJurisdiction(bytes2)", "allowJurisdiction(bytes2)",
          "disallowJurisdiction(bytes2)"};
      if (x < 5) {
        static const std::vector<uint32_t> kSigWeights = {1, 2, 2, 1};
        exec(sender, jm, kSigs[rng_.weighted(kSigWeights)], {jurisdiction_value()}, ex);
      } else {
        const Address who = rng_.chance(1, 30) ? Address{} : rng_.pick(onboardable_);
        exec(sender, jm, "setJurisdiction(address,bytes2)", {who, jurisdiction_value()}, ex);
      }
    } else {
      const Address sender = role_sender(s, roles::default_admin());
      Expect ex;
      ex.role = &roles::default_admin();
      const core::PresetRules* p = core::find_preset(s.model_preset);
      if (rng_.coin()) {
        const bool def = !p->allowed.empty();
        exec(sender, jm, "setAllowListMode(bool)", {rng_.chance(3, 4) ? def : !def}, ex);
      } else {
        const bool def = p->require_jurisdiction;
        exec(sender, jm, "setRequireJurisdiction(bool)", {rng_.chance(3, 4) ? def : !def}, ex);
      }
    }
  }

  void act_restriction(Security& s) {
    const Address sender = role_sender(s, roles::restriction_admin());
    Expect ex;
    ex.role = &roles::restriction_admin();
    const uint64_t holders = s.model.balances.size();
    if (rng_.coin()) {
      U256 n;
      const uint64_t x = rng_.below(10);
      if (x < 2) {
        n = U256(0);
      } else if (x < 4) {
        n = U256(holders);
      } else if (x < 6) {
        n = U256(holders + 1);
      } else if (x < 9) {
        n = U256(rng_.range(1, 50));
      } else {
        n = huge();
      }
      exec(sender, s.set.restriction, "setMaxHolders(uint256)", {n}, ex);
    } else {
      const uint64_t x = rng_.below(10);
      U256 a = x < 3 ? U256(0) : x < 9 ? U256(rng_.range(1, 2000)) : huge();
      exec(sender, s.set.restriction, "setMaxTransferAmount(uint256)", {a}, ex);
    }
  }

  void act_roles(Security& s) {
    const auto all = roles::all();
    Bytes32 role = all[rng_.below(all.size())].id;
    const bool unknown = rng_.chance(1, 20);
    if (unknown) role = keccak256(std::string_view("NOT_A_ROLE"));
    // The role domain is the token's, reached through the token or any part of its set.
    const Address targets[] = {s.set.token, s.set.registry, s.set.restriction,
                               s.set.whitelist_module};
    const Address target = targets[rng_.below(4)];
    const uint64_t x = rng_.below(10);
    if (x < 8) {
      const bool grant = x < 5;
      const Address sender = role_sender(s, roles::default_admin());
      Address account = rng_.chance(1, 25) ? Address{} : any_account();
      if (grant && !unknown && rng_.chance(2, 5)) {
        // Restore one of the set-up roles (streams stay administered and issuing).
        static const Bytes32* const kIssuer[] = {&roles::default_admin(), &roles::minter(),
                                                 &roles::pauser(), &roles::restriction_admin()};
        static const Bytes32* const kOfficer[] = {&roles::compliance(), &roles::pauser()};
        if (rng_.coin()) {
          account = s.issuer;
          role = *kIssuer[rng_.below(4)];
        } else {
          account = s.officer;
          role = *kOfficer[rng_.below(2)];
        }
      }
      if (!grant && rng_.chance(1, 3)) account = rng_.coin() ? s.issuer : s.officer;
      if (!grant && (account == s.issuer || account == s.officer) &&
          s.model.has_role(role, account) && rng_.chance(4, 5)) {
        role = roles::document_admin();  // mostly revoke what the set-up did not grant
      }
      Expect ex;
      ex.role = &roles::default_admin();
      if (s.model.has_role(roles::default_admin(), sender)) {
        if (unknown) {
          ex.exact = make_revert(ErrorId::kUnknownRole, {abi::Value::bytes32(role)}).data;
        } else if (grant && account.is_zero()) {
          ex.exact = make_revert(ErrorId::kZeroAddress).data;
        } else if (grant && role == roles::minter() &&
                   s.model.has_role(roles::compliance(), account)) {
          ex.exact = make_revert(ErrorId::kRoleSeparationViolation,
                                 {account, abi::Value::bytes32(roles::compliance()),
                                  abi::Value::bytes32(role)})
                         .data;
        } else if (grant && role == roles::compliance() &&
                   s.model.has_role(roles::minter(), account)) {
          ex.exact = make_revert(
                         ErrorId::kRoleSeparationViolation,
                         {account, abi::Value::bytes32(roles::minter()), abi::Value::bytes32(role)})
                         .data;
        } else {
          ex.exact = Bytes{};
        }
      }
      const bool native = target == s.set.token && rng_.chance(1, 4);
      core::SecurityToken& t = token(s);
      Outcome o = exec(
          sender, target, grant ? "grantRole(bytes32,address)" : "revokeRole(bytes32,address)",
          {abi::Value::bytes32(role), account}, ex,
          native ? std::function<core::Status(core::CallContext&)>([&](core::CallContext& ctx) {
            return grant ? t.access_control()->grant(ctx, t, role, account)
                         : t.access_control()->revoke(ctx, t, role, account);
          })
                 : nullptr);
      if (o.success) {
        if (grant) {
          s.model.roles.insert({role, account});
        } else {
          s.model.roles.erase({role, account});
        }
      }
      if (!failure_) check_roles_of(s, account);
      if (!failure_) check_roles_of(s, sender);
    } else {
      // renounceRole: the caller gives up a role it may hold; a wrong confirmation is refused.
      std::vector<std::pair<Bytes32, Address>> held(s.model.roles.begin(), s.model.roles.end());
      Address sender = held.empty() || rng_.chance(1, 5) ? any_account() : rng_.pick(held).second;
      if (!unknown && !held.empty() && rng_.chance(1, 2)) {
        for (const auto& [r, a] : held) {
          if (a == sender) role = r;
        }
      }
      if (role == roles::default_admin() && sender == s.issuer && rng_.chance(9, 10)) {
        role = roles::document_admin();
      }
      const Address confirmation = rng_.chance(5, 6) ? sender : any_account();
      Expect ex;
      if (confirmation != sender) {
        ex.exact = make_revert(ErrorId::kAccessControlBadConfirmation).data;
      } else if (unknown) {
        ex.exact = make_revert(ErrorId::kUnknownRole, {abi::Value::bytes32(role)}).data;
      } else {
        ex.exact = Bytes{};
      }
      Outcome o = exec(sender, target, "renounceRole(bytes32,address)",
                       {abi::Value::bytes32(role), confirmation}, ex);
      if (o.success) s.model.roles.erase({role, sender});
      if (!failure_) check_roles_of(s, sender);
    }
  }

  // ------------------------------------------------------------------ time, garbage, views
  void act_time() {
    const uint64_t x = rng_.below(10);
    uint64_t dt;
    if (x < 5) {
      dt = rng_.range(1, 3600);
    } else if (x < 8) {
      dt = rng_.range(1, 40) * kDay;
    } else {
      dt = rng_.range(300, 400) * kDay;
    }
    block_.timestamp += dt;
    desc_ = "advance time by " + std::to_string(dt) + " s";
  }

  void act_garbage(Security& s) {
    const Address targets[] = {s.set.token,
                               s.set.registry,
                               s.set.restriction,
                               s.set.whitelist_module,
                               s.set.lockup_module,
                               s.set.jurisdiction_module,
                               core::factory_address()};
    Address target = targets[rng_.below(7)];
    const Address sender = rng_.chance(1, 2) ? s.issuer : any_account();
    Bytes data;
    Expect ex;
    ex.must_revert = true;
    std::string what;
    switch (rng_.below(6)) {
      case 0: {  // random bytes
        data.resize(rng_.below(100));
        for (auto& b : data)
          b = static_cast<uint8_t>(rng_.next());
        const core::Contract* c = state_.contract(target);
        if (data.size() >= 4) {
          const uint32_t sel = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) |
                               (uint32_t{data[2]} << 8) | data[3];
          if (c->abi().by_selector(sel) != nullptr) ex.must_revert = false;  // a rare hit
        }
        what = "random calldata";
        break;
      }
      case 1: {  // a known function with truncated arguments
        data = encode("transfer(address,uint256)", {s.issuer, U256(1)});
        data.resize(4 + rng_.below(64));
        target = s.set.token;
        what = "truncated transfer calldata";
        break;
      }
      case 2: {  // dirty high bits in an address word
        data = encode("transfer(address,uint256)", {rng_.pick(pool_), U256(1)});
        data[4 + rng_.below(12)] = static_cast<uint8_t>(rng_.range(1, 255));
        target = s.set.token;
        what = "transfer with a dirty address word";
        break;
      }
      case 3: {  // trailing bytes (strict length)
        data = encode("approve(address,uint256)", {rng_.pick(pool_), U256(1)});
        data.push_back(0);
        target = s.set.token;
        what = "approve with a trailing byte";
        break;
      }
      case 4: {  // no contract at the target
        data = encode("transfer(address,uint256)", {rng_.pick(pool_), U256(1)});
        target = rng_.coin() ? Address{} : rng_.pick(pool_);
        what = "call to an address without a contract";
        break;
      }
      default: {  // a selector the contract does not have
        data = encode("frobnicate(uint256)", {U256(rng_.next())});
        what = "unknown selector";
        break;
      }
    }
    exec(sender, target, what, {}, ex, nullptr, &data);
  }

  void act_views(Security& s) {
    desc_ = s.label + " views";
    const Address who = holder_or_any(s);
    auto supply = view(s.set.token, "totalSupply()", {}, "uint256");
    auto bal = view(s.set.token, "balanceOf(address)", {who}, "uint256");
    auto holders = view(s.set.token, "holderCount()", {}, "uint256");
    auto paused = view(s.set.token, "paused()", {}, "bool");
    if (failure_) return;
    if (supply[0].u256() != s.model.supply || bal[0].u256() != s.model.balance(who) ||
        holders[0].u256() != U256(s.model.balances.size()) ||
        paused[0].boolean() != s.model.paused) {
      fail("views-agree-with-model", "totalSupply/balanceOf/holderCount/paused differ");
    }
  }

  void act_rewire(Security& s) {
    const Address sender = role_sender(s, roles::default_admin());
    Expect ex;
    ex.role = &roles::default_admin();
    const Security& other = rng_.pick(secs_);
    if (rng_.coin()) {
      const uint64_t x = rng_.below(4);
      const Address a = x == 0   ? Address{}
                        : x == 1 ? other.set.restriction
                        : x == 2 ? s.set.token
                                 : s.set.restriction;
      exec(sender, s.set.token, "setTransferRestriction(address)", {a}, ex);
    } else {
      // Mostly its own registry back; sometimes another security's, or something that is none.
      const uint64_t x = rng_.below(6);
      const Address a = x < 4 ? s.set.registry : x == 4 ? other.set.registry : s.set.token;
      exec(sender, s.set.token, "setComplianceRegistry(address)", {a}, ex);
    }
  }

  void act_factory() {
    // Refused creations: an unauthorized caller, a taken symbol, an unknown preset, bad names.
    const uint64_t x = rng_.below(4);
    const Address sender = x == 0 ? any_account() : operator_;
    const std::string symbol = x == 1 ? secs_[0].label : x == 3 ? "bad symbol" : "SIMX";
    const int preset = x == 2 ? 9 : 0;
    Expect ex;
    ex.must_revert = true;
    exec(sender, core::factory_address(),
         "createSecurity(string,string,uint8,uint8,address,address)",
         {std::string("Refused Co"), symbol, 0, preset, secs_[0].issuer, secs_[0].officer}, ex);
  }

  // ------------------------------------------------------------------ dividends
  // One payment token for every security (SUSD, funded to a funder holding DIVIDEND_ADMIN_ROLE on
  // each), a distributor per security with its first onboarded investor excluded as a treasury and
  // a 30% withholding rate for US holders. The model tracks every payment-token balance, so the
  // checker proves conservation across rounds and escrows after every step (docs/dividends.md).
  static Address address_out(const Outcome& o) {
    return o.success && o.data.size() == 32 ? Address::from_word(Bytes32::from_view(o.data))
                                            : Address{};
  }
  void setup_dividends() {
    funder_ = labelled("sim.funder");
    taxman_ = labelled("sim.taxman");
    names_[funder_] = "funder";
    names_[taxman_] = "taxman";
    Expect ok;
    ok.exact = Bytes{};
    usd_ = address_out(exec(operator_, core::factory_address(),
                            "createPaymentToken(string,string,uint8,address)",
                            {std::string("Sim Dollar"), std::string("SUSD"), 2, funder_}, ok));
    names_[usd_] = "SUSD";
    const U256 minted = U256(1'000'000'000'000'000ULL);
    exec(funder_, usd_, "mint(address,uint256)", {funder_, minted}, ok);
    usd_model_[funder_] = minted;
    usd_model_[taxman_] = U256(0);
    for (Security& s : secs_) {
      current_ = &s;
      exec(s.issuer, s.set.token, "grantRole(bytes32,address)",
           {abi::Value::bytes32(roles::dividend_admin()), funder_}, ok);
      s.model.roles.insert({roles::dividend_admin(), funder_});
      s.distributor = address_out(exec(s.issuer, core::factory_address(),
                                       "createDividendDistributor(address,address)",
                                       {s.set.token, taxman_}, ok));
      names_[s.distributor] = s.label + ".dividends";
      exec(funder_, usd_, "approve(address,uint256)", {s.distributor, U256::max()}, ok);
      // The funder also funds the cash legs of splits (createCashInLieu: CORPORATE_ACTION_ROLE).
      exec(s.issuer, s.set.token, "grantRole(bytes32,address)",
           {abi::Value::bytes32(roles::corporate_action()), funder_}, ok);
      s.model.roles.insert({roles::corporate_action(), funder_});
      s.treasury = s.onboarded.empty() ? pool_.front() : s.onboarded.front();
      exec(funder_, s.distributor, "setExcluded(address,bool)", {s.treasury, true}, ok);
      exec(funder_, s.distributor, "setWithholdingRate(bytes2,uint256)", {b2("US"), 3000}, ok);
      if (failure_) return;
    }
  }

  // `b` unless the funder has lost DIVIDEND_ADMIN_ROLE (the role check comes first).
  Bytes as_agent(const Security& s, Bytes b) const {
    if (s.model.has_role(roles::dividend_admin(), funder_)) return b;
    return make_revert(ErrorId::kAccessControlUnauthorizedAccount,
                       {funder_, abi::Value::bytes32(roles::dividend_admin())})
        .data;
  }

  void act_dividend(Security& s) {
    if (s.distributor.is_zero()) return;
    const uint64_t x = rng_.below(20);
    if (x >= 4 && x < 6 && !s.splits.empty()) return act_create_cash_in_lieu(s);
    if (x < 6 || s.rounds.empty()) return act_create_dividend(s);
    SimRound& r = s.rounds[rng_.below(s.rounds.size())];
    if (x < 13) return act_claim_dividend(s, r);
    if (x < 17) return act_push_dividend(s, r);
    act_reclaim_dividend(s, r);
  }

  void act_create_dividend(Security& s) {
    if (s.snapshots.empty() && rng_.chance(3, 4)) return act_snapshot(s);  // a record date first
    const uint64_t checkpoint = s.snapshots.empty() ? 1 : rng_.range(1, s.snapshots.size());
    const U256 amount(rng_.range(0, 1'000'000'000));
    const uint64_t deadline = block_.timestamp + rng_.range(1, 800) * kDay;
    Expect ex;
    ex.role = &roles::dividend_admin();
    SimRound r;
    if (amount.is_zero()) {
      ex.exact = make_revert(ErrorId::kZeroAmount).data;
    } else if (s.snapshots.empty()) {
      ex.exact = make_revert(ErrorId::kSnapshotIdInvalid, {U256(checkpoint), 0}).data;
    } else {
      const SimSnapshot& snap = s.snapshots[checkpoint - 1];
      r.partition = dividend_partition();
      r.eligible = *snapshot_supply(snap, r.partition)
                        .checked_sub(snapshot_shares(snap, r.partition, s.treasury));
      ex.exact = r.eligible.is_zero() ? no_eligible_shares(r.partition, checkpoint) : Bytes{};
    }
    ex.exact = as_agent(s, *ex.exact);
    Outcome o =
        r.partition
            ? exec(funder_, s.distributor,
                   "createDividendByPartition(bytes32,address,uint256,uint256,uint256,bytes32)",
                   {abi::Value::bytes32(*r.partition), usd_, amount, checkpoint, deadline,
                    abi::Value::bytes32(Bytes32{})},
                   ex)
            : exec(funder_, s.distributor,
                   "createDividend(address,uint256,uint256,uint256,bytes32)",
                   {usd_, amount, checkpoint, deadline, abi::Value::bytes32(Bytes32{})}, ex);
    if (!o.success || failure_) return;
    const auto* d = state_.contract_as<core::DividendDistributor>(s.distributor);
    r.id = s.rounds.size() + 1;
    r.checkpoint = checkpoint;
    r.deadline = deadline;
    r.amount = amount;
    r.escrow = d->escrow_of(r.id);
    names_[r.escrow] = s.label + ".escrow" + std::to_string(r.id);
    usd_model_[funder_] = *usd_model_[funder_].checked_sub(amount);
    usd_model_[r.escrow] = amount;
    if (r.partition) ++report_.balance_model["dividend-rounds-by-partition"];
    s.rounds.push_back(std::move(r));
  }

  // Rounds by partition (rules V7, docs/dividends.md): one round in three pays one of the
  // simulator's partitions (the default one included); created only when nothing drew earlier.
  std::optional<Bytes32> dividend_partition() {
    if (!rng_.chance(1, 3)) return std::nullopt;
    const Bytes32 parts[] = {Bytes32{}, partition_named("SIM_A"), partition_named("SIM_B")};
    return parts[rng_.below(3)];
  }
  static U256 snapshot_supply(const SimSnapshot& snap, const std::optional<Bytes32>& p) {
    if (!p) return snap.supply;
    const auto it = snap.partition_supply.find(*p);
    return it == snap.partition_supply.end() ? U256(0) : it->second;
  }
  static U256 snapshot_shares(const SimSnapshot& snap, const std::optional<Bytes32>& p,
                              const Address& holder) {
    if (!p) {
      const auto it = snap.balances.find(holder);
      return it == snap.balances.end() ? U256(0) : it->second;
    }
    const auto it = snap.partitions.find({holder, *p});
    return it == snap.partitions.end() ? U256(0) : it->second;
  }
  static Bytes no_eligible_shares(const std::optional<Bytes32>& p, uint64_t checkpoint) {
    if (!p) return make_revert(ErrorId::kNoEligibleShares, {U256(checkpoint)}).data;
    return make_revert(ErrorId::kNoEligiblePartitionShares,
                       {abi::Value::bytes32(*p), U256(checkpoint)})
        .data;
  }

  // The revert a claim of `holder` in round `r` must give, or empty if it pays; sets gross and
  // withheld for a payment.
  Bytes predict_claim(const Security& s, const SimRound& r, const Address& holder, U256& gross,
                      U256& withheld) const {
    const U256 id(r.id);
    if (r.closed) return make_revert(ErrorId::kDividendRoundClosed, {id}).data;
    if (block_.timestamp > r.deadline) {
      return make_revert(ErrorId::kDividendClaimWindowClosed, {id, U256(r.deadline)}).data;
    }
    if (r.claimed.contains(holder)) {
      return make_revert(ErrorId::kDividendAlreadyClaimed, {id, holder}).data;
    }
    if (r.split != 0) return predict_cash_in_lieu(s, r, holder, gross, withheld);
    if (holder == s.treasury) {
      return make_revert(ErrorId::kDividendHolderExcluded, {id, holder}).data;
    }
    const SimSnapshot& snap = s.snapshots[r.checkpoint - 1];
    const U256 shares = snapshot_shares(snap, r.partition, holder);
    gross = *r.amount.mul_div_floor(shares, r.eligible);
    if (gross.is_zero()) return make_revert(ErrorId::kNothingToClaim, {id, holder}).data;
    const core::ComplianceRegistry* reg = token(s).registry();
    const bool us = reg != nullptr && reg->get(holder).jurisdiction == core::jurisdiction('U', 'S');
    withheld = *gross.mul_div_floor(U256(us ? 3000 : 0), U256(10000));
    return {};
  }

  void model_payment(SimRound& r, const Address& holder, const U256& gross, const U256& withheld) {
    const U256 net = *gross.checked_sub(withheld);
    if (r.partition) ++report_.balance_model["dividend-payments-by-partition"];
    if (r.split != 0) ++report_.balance_model["cash-in-lieu-payments"];
    r.claimed.insert(holder);
    r.paid = *r.paid.checked_add(net);
    r.withheld = *r.withheld.checked_add(withheld);
    usd_model_[r.escrow] = *usd_model_[r.escrow].checked_sub(gross);
    usd_model_[holder] = *usd_model_[holder].checked_add(net);
    usd_model_[taxman_] = *usd_model_[taxman_].checked_add(withheld);
  }

  Address dividend_holder(const Security& s, const SimRound& r) {
    if (r.split != 0) return cash_in_lieu_holder(s, r);
    const SimSnapshot& snap = s.snapshots[r.checkpoint - 1];
    if (snap.balances.empty() || rng_.chance(1, 5)) return any_account();
    auto it = snap.balances.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(rng_.below(snap.balances.size())));
    return it->first;
  }

  void act_claim_dividend(Security& s, SimRound& r) {
    const Address holder = dividend_holder(s, r);
    const bool agent = rng_.chance(1, 3);
    U256 gross, withheld;
    Expect ex;
    ex.exact = predict_claim(s, r, holder, gross, withheld);
    if (agent) ex.exact = as_agent(s, *ex.exact);
    Outcome o = agent
                    ? exec(funder_, s.distributor, "claimFor(uint256,address)", {r.id, holder}, ex)
                    : exec(holder, s.distributor, "claim(uint256)", {r.id}, ex);
    if (o.success && !failure_) model_payment(r, holder, gross, withheld);
  }

  void act_push_dividend(Security& s, SimRound& r) {
    std::vector<Address> list;
    const size_t n = rng_.range(1, 8);
    for (size_t i = 0; i < n; ++i)
      list.push_back(dividend_holder(s, r));
    U256 gross, withheld;
    Expect ex;
    ex.exact = predict_claim(s, r, Address{}, gross, withheld);  // the round's own refusals
    const bool round_refused =
        r.closed || block_.timestamp > r.deadline;  // else a zero-share claim refusal: ignore
    if (!round_refused) ex.exact = Bytes{};
    ex.exact = as_agent(s, *ex.exact);
    abi::ValueList args;
    for (const Address& a : list)
      args.emplace_back(a);
    Outcome o = exec(funder_, s.distributor, "pushPayments(uint256,address[])",
                     {r.id, abi::Value(std::move(args))}, ex);
    if (!o.success || failure_) return;
    uint64_t paid = 0;
    for (const Address& a : list) {
      if (predict_claim(s, r, a, gross, withheld).empty()) {
        model_payment(r, a, gross, withheld);
        ++paid;
      }
    }
    if (U256::from_be(o.data) != U256(paid)) {
      fail("dividend-push-count",
           "paid " + U256::from_be(o.data).to_dec() + ", model " + std::to_string(paid));
    }
  }

  void act_reclaim_dividend(Security& s, SimRound& r) {
    Expect ex;
    ex.role = &roles::dividend_admin();
    const U256 left = *r.amount.checked_sub(*r.paid.checked_add(r.withheld));
    if (r.closed) {
      ex.exact = make_revert(ErrorId::kDividendRoundClosed, {U256(r.id)}).data;
    } else if (block_.timestamp <= r.deadline) {
      ex.exact =
          make_revert(ErrorId::kDividendClaimWindowOpen, {U256(r.id), U256(r.deadline)}).data;
    } else {
      ex.exact = Bytes{};
    }
    ex.exact = as_agent(s, *ex.exact);
    Outcome o = exec(funder_, s.distributor, "reclaim(uint256)", {r.id}, ex);
    if (!o.success || failure_) return;
    r.closed = true;
    r.reclaimed = left;
    usd_model_[r.escrow] = U256(0);
    usd_model_[funder_] = *usd_model_[funder_].checked_add(left);
  }

  // ------------------------------------------------------------------ cash in lieu
  static U256 pow10(uint64_t n) {
    U256 v(1);
    for (uint64_t i = 0; i < n; ++i)
      v = *v.checked_mul(U256(10));
    return v;
  }
  // Each split's fractions as the model floors them (before the model's balances are rescaled);
  // Σ fractions must be supplyBefore × n − supplyAfter × d, what createCashInLieu funds from.
  void model_split_fractions(Security& s, uint64_t n, uint64_t d) {
    SimSplit sp;
    sp.d = d;
    for (const auto& [holder, balance] : s.model.balances) {
      const U256 f = *balance.checked_mul(U256(n))->checked_mod(U256(d));
      if (f.is_zero()) continue;
      sp.fractions[holder] = f;
      sp.total = *sp.total.checked_add(f);
    }
    const core::Split t = token(s).split_at(U256(s.splits.size() + 1)).value();
    const U256 total = *t.supply_before.checked_mul(t.numerator)
                            ->checked_sub(*t.supply_after.checked_mul(t.denominator));
    if (total != sp.total) {
      fail("cash-in-lieu-fractions", "the model's fractions sum to " + sp.total.to_dec() +
                                         ", the split's supplies give " + total.to_dec());
    }
    s.splits.push_back(std::move(sp));
  }

  // createCashInLieu for a known split (sometimes one past the last, or a zero price): funded
  // floor(price × Σ fractions / (d × 10^decimals)) from the funder; the price per whole share is
  // scaled by up to 10^decimals so that most rounds pay something.
  void act_create_cash_in_lieu(Security& s) {
    const uint64_t split = rng_.range(1, s.splits.size() + (rng_.chance(1, 10) ? 1 : 0));
    const uint8_t decimals = token(s).config().decimals;
    const U256 price =
        rng_.chance(1, 20)
            ? U256(0)
            : *U256(rng_.range(1, 100'000)).checked_mul(pow10(rng_.below(decimals + 1)));
    const uint64_t deadline = block_.timestamp + rng_.range(1, 800) * kDay;
    Expect ex;
    ex.role = &roles::corporate_action();
    U256 amount;
    if (price.is_zero()) {
      ex.exact = make_revert(ErrorId::kZeroAmount).data;
    } else if (split > s.splits.size()) {
      ex.exact = make_revert(ErrorId::kSplitNotFound, {U256(split)}).data;
    } else if (const SimSplit& sp = s.splits[split - 1]; sp.round != 0) {
      ex.exact = make_revert(ErrorId::kCashInLieuExists, {U256(split), U256(sp.round)}).data;
    } else {
      amount = *price.mul_div_floor(sp.total, *U256(sp.d).checked_mul(pow10(decimals)));
      ex.exact = amount.is_zero()
                     ? make_revert(ErrorId::kCashInLieuNothingDue, {U256(split), price}).data
                     : Bytes{};
    }
    if (!s.model.has_role(roles::corporate_action(), funder_)) {
      ex.exact = make_revert(ErrorId::kAccessControlUnauthorizedAccount,
                             {funder_, abi::Value::bytes32(roles::corporate_action())})
                     .data;
    }
    Outcome o =
        exec(funder_, s.distributor, "createCashInLieu(uint256,address,uint256,uint256,bytes32)",
             {U256(split), usd_, price, deadline, abi::Value::bytes32(Bytes32{})}, ex);
    if (!o.success || failure_) return;
    const auto* d = state_.contract_as<core::DividendDistributor>(s.distributor);
    SimRound r;
    r.id = s.rounds.size() + 1;
    r.deadline = deadline;
    r.amount = amount;
    r.split = split;
    r.price = price;
    r.escrow = d->escrow_of(r.id);
    names_[r.escrow] = s.label + ".escrow" + std::to_string(r.id) + "(cash in lieu)";
    usd_model_[funder_] = *usd_model_[funder_].checked_sub(amount);
    usd_model_[r.escrow] = amount;
    s.splits[split - 1].round = r.id;
    s.rounds.push_back(std::move(r));
    ++report_.balance_model["cash-in-lieu-rounds"];
  }

  // A cash-in-lieu claim the round is open for and the holder has not been paid: floor(price ×
  // fraction / d), nothing withheld, the treasury paid like anyone (it is no dividend).
  Bytes predict_cash_in_lieu(const Security& s, const SimRound& r, const Address& holder,
                             U256& gross, U256& withheld) const {
    const SimSplit& sp = s.splits[r.split - 1];
    auto it = sp.fractions.find(holder);
    const U256 f = it == sp.fractions.end() ? U256(0) : it->second;
    const U256 unit = *U256(sp.d).checked_mul(pow10(token(s).config().decimals));
    gross = *r.price.mul_div_floor(f, unit);
    withheld = U256(0);
    if (gross.is_zero()) return make_revert(ErrorId::kNothingToClaim, {U256(r.id), holder}).data;
    return {};
  }

  Address cash_in_lieu_holder(const Security& s, const SimRound& r) {
    const SimSplit& sp = s.splits[r.split - 1];
    if (sp.fractions.empty() || rng_.chance(1, 5)) return any_account();
    auto it = sp.fractions.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(rng_.below(sp.fractions.size())));
    return it->first;
  }

  // Conservation of the payment token: every balance the model knows (funder, escrows, holders,
  // the tax account) is the token's, they sum to its supply, and each round's escrow holds its
  // amount less what it paid, withheld and returned (all of it accounted for once closed).
  void check_dividends() {
    if (usd_.is_zero()) return;
    const auto* pt = state_.contract_as<core::PaymentToken>(usd_);
    U256 sum;
    for (const auto& [a, b] : usd_model_) {
      if (pt->balance_of(a) != b) {
        return fail("dividend-conservation", name(a) + " holds " + pt->balance_of(a).to_dec() +
                                                 " SUSD, model " + b.to_dec());
      }
      sum = *sum.checked_add(b);
    }
    if (sum != pt->total_supply()) {
      return fail("dividend-conservation",
                  "balances sum to " + sum.to_dec() + ", supply " + pt->total_supply().to_dec());
    }
    for (const Security& s : secs_) {
      for (const SimRound& r : s.rounds) {
        const U256 out = *(*r.paid.checked_add(r.withheld)).checked_add(r.reclaimed);
        if (out > r.amount || (r.closed && out != r.amount) ||
            pt->balance_of(r.escrow) != *r.amount.checked_sub(out)) {
          return fail("dividend-conservation", s.label + " round " + std::to_string(r.id) +
                                                   ": paid + withheld + "
                                                   "reclaimed " +
                                                   out.to_dec() + " of " + r.amount.to_dec());
        }
      }
    }
  }

  SimOptions opt_;
  Prng rng_;
  Address operator_;
  core::State state_;
  core::ContainerFingerprints fingerprints_;  // at the last block-delta check
  core::BlockContext block_;
  std::vector<Security> secs_;
  Security* current_ = nullptr;
  std::vector<Address> pool_, onboardable_, never_;
  std::map<Address, std::string> names_;
  uint64_t step_ = 0;
  std::string desc_ = "set-up";
  std::optional<SimFailure> failure_;
  SimReport report_;
  std::optional<Bytes32> digest_;
  uint64_t detects_ = 0;
  bool snapshot_corrupted_ = false;
  // Dividends: the shared payment token, its funder and tax account, and every SUSD balance.
  Address usd_, funder_, taxman_;
  std::map<Address, U256> usd_model_;
};

std::string short_hex(const Bytes32& d) {
  return d.hex().substr(0, 18);
}
}  // namespace

SimReport run_once(const SimOptions& options) {
  Sim sim(options);
  return sim.run();
}

SimReport run_seed(const SimOptions& options) {
  SimReport first = run_once(options);
  if (!first.ok() || !options.replay) return first;
  SimOptions again = options;
  again.corrupt_model_at_step = 0;
  SimReport second = run_once(again);
  if (!second.ok()) {
    first.failure = second.failure;
    first.failure->invariant = "replay-same-outcome: " + first.failure->invariant;
    return first;
  }
  for (size_t i = 0; i < first.checkpoints.size(); ++i) {
    if (i >= second.checkpoints.size() || first.checkpoints[i] != second.checkpoints[i]) {
      first.failure =
          SimFailure{(i + 1) * options.checkpoint_every, "(checkpoint)", "replay-same-digest",
                     "checkpoint " + std::to_string(i + 1) + " differs on replay"};
      return first;
    }
  }
  if (first.final_digest != second.final_digest || first.calls != second.calls) {
    first.failure = SimFailure{
        first.steps, "(end)", "replay-same-digest",
        "final digest " + first.final_digest.hex() + " != replay " + second.final_digest.hex()};
  }
  return first;
}

std::string summary_line(const SimReport& r) {
  std::string s = "seed " + std::to_string(r.seed) + ": " + std::to_string(r.steps) + " steps, " +
                  std::to_string(r.securities) + " securities, " + std::to_string(r.accounts) +
                  " accounts, " + std::to_string(r.calls) + " calls (" +
                  std::to_string(r.abi_calls) + " abi, " + std::to_string(r.native_calls) +
                  " native), " + std::to_string(r.succeeded) + " ok, " +
                  std::to_string(r.reverted) + " reverted [";
  // Most frequent reasons first, ties by name; the rest summed.
  std::vector<std::pair<uint64_t, std::string>> by;
  for (const auto& [k, v] : r.reverts_by_reason)
    by.emplace_back(v, k);
  std::sort(by.begin(), by.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  uint64_t rest = 0;
  for (size_t i = 0; i < by.size(); ++i) {
    if (i < 8) {
      s += (i ? " " : "") + by[i].second + "=" + std::to_string(by[i].first);
    } else {
      rest += by[i].first;
    }
  }
  if (rest != 0) s += " other=" + std::to_string(rest);
  s += "], balance model [";
  for (const auto& [k, v] : r.balance_model)
    s += (s.back() == '[' ? "" : " ") + k + "=" + std::to_string(v);
  s += "], digest " + short_hex(r.final_digest) + (r.ok() ? " ok" : " FAILED");
  return s;
}

std::string failure_text(const SimReport& r, const SimOptions& o) {
  if (r.ok()) return "";
  const SimFailure& f = *r.failure;
  return "FAILURE seed " + std::to_string(r.seed) + " step " + std::to_string(f.step) +
         "\n  call:      " + f.call + "\n  invariant: " + f.invariant +
         "\n  detail:    " + f.detail + "\n  reproduce: stoa simulate --seed " +
         std::to_string(r.seed) + " --steps " + std::to_string(o.steps) + "\n";
}

const char* current_call_context() {
  return g_context;
}

}  // namespace stoa::sim
