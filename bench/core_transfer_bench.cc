// Compliance-checked transfers applied by the core (docs/PERFORMANCE.md, `make bench`).
//
// One security with every rule on: the registry's whitelist, jurisdiction and accreditation
// record for every holder (plus its sanctioned-jurisdiction block list and a required
// accreditation level), the WhitelistModule in the registry's chain with every holder listed, the
// LockupModule with a holding period (all lockups expired by the time transfers run), the
// JurisdictionModule requiring a jurisdiction and blocking a list, and the TransferRestriction
// with a holder cap and a per-transfer cap high enough to pass. STOA_BENCH_HOLDERS holders
// (default 1,000,000) each hold a minted balance.
//
// Every timed operation is a full transaction (journal begin/commit, logs collected). Each
// benchmark checks its own result against a shadow model of the balances: a wrong answer fails
// the run (SkipWithError, and a non-zero exit status).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "stoa/abi/abi.h"
#include "stoa/common/keccak.h"
#include "stoa/core/codes.h"
#include "stoa/core/factory.h"
#include "stoa/core/identity.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/state.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::bench {
namespace {

using core::BlockContext;
using core::CallContext;
using core::Status;

bool g_failed = false;

// Fails the benchmark run (and, at exit, the binary).
void fail(benchmark::State& st, const std::string& what) {
  g_failed = true;
  std::fprintf(stderr, "core_transfer_bench: CHECK FAILED: %s\n", what.c_str());
  st.SkipWithError(what.c_str());
}

// splitmix64: a deterministic PRNG (the same pairs on every run and machine).
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
};

size_t holders_from_env() {
  const char* v = std::getenv("STOA_BENCH_HOLDERS");
  if (v == nullptr || *v == '\0') return 1000000;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v, &end, 10);
  if (end == v || *end != '\0' || n < 16 || n > 100000000ULL) {
    std::fprintf(stderr, "STOA_BENCH_HOLDERS must be an integer from 16 to 100000000\n");
    std::exit(2);
  }
  return static_cast<size_t>(n);
}

// Resident memory after glibc has returned the heap memory it holds free (malloc_trim): without
// it, where the allocator happens to place the large tables decides whether ~20 MiB of freed
// space stays resident, and allocations made before the measurement (a library's static set-up)
// moved the per-holder figure by ±20 B with the ledger's own memory unchanged.
size_t rss_bytes() {
  malloc_trim(0);
  std::ifstream f("/proc/self/statm");
  size_t pages_total = 0;
  size_t pages_resident = 0;
  f >> pages_total >> pages_resident;
  return pages_resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

Address account(uint64_t index) {
  uint8_t buf[16] = {'s', 't', 'o', 'a', '.', 'b', 'e', 'n'};
  for (int i = 0; i < 8; ++i)
    buf[8 + i] = static_cast<uint8_t>(index >> (8 * i));
  return Address::from_word(keccak256(BytesView(buf, sizeof buf)));
}

constexpr uint64_t kT0 = 1767225600;  // issuance: 2026-01-01T00:00:00Z
constexpr uint64_t kDay = 24 * 3600;
constexpr uint64_t kHoldingPeriod = 90 * kDay;        // LockupModule, from each issuance
constexpr uint64_t kTransferTime = kT0 + 365 * kDay;  // every holding period has run
constexpr uint64_t kInitialBalance = 1000000;
constexpr uint64_t kMaxTransfer = 1000000;  // TransferRestriction cap (code 33 above it)
constexpr uint32_t kMaxAmount = 1000;       // transfers move 1..kMaxAmount
constexpr size_t kRefusedPerKind = 64;

core::Jurisdiction juris(const char* j) {
  return core::jurisdiction(j[0], j[1]);
}
const char* const kCountries[] = {"US", "GB", "DE", "FR", "JP", "SG", "CH", "CA"};

// The ways a transfer in the mixed workload is refused, each with its exact code.
enum Kind : uint8_t {
  kPass = 0,
  kNotOnboarded,        // receiver not in the registry: 2
  kBlacklisted,         // receiver blacklisted: 4
  kNotAccredited,       // receiver below the required accreditation: 7
  kModuleNotListed,     // receiver not on the WhitelistModule's list: 17
  kModuleJurisdiction,  // receiver's jurisdiction blocked by the JurisdictionModule: 20
  kSenderLocked,        // sender's LockupModule lockup still running: 18
  kTooLarge,            // amount above maxTransferAmount: 33
  kKinds
};
constexpr uint8_t kKindCode[kKinds] = {0, 2, 4, 7, 17, 20, 18, 33};

struct Pair {
  uint32_t from;  // index into World::accounts
  uint32_t to;
  uint32_t amount;
  uint8_t kind;
};

struct Pool {
  std::vector<Pair> pairs;
  std::vector<uint8_t> calldata;  // 68 bytes per pair (transfer(address,uint256)), if encoded
  size_t cursor = 0;
};

class World {
 public:
  explicit World(size_t n) : n_(n), state_(core::GenesisConfig{1337, op_, false}) {
    // Accounts: 0..n-1 holders; then the refused-receiver kinds; then locked senders.
    const size_t extra = kRefusedPerKind * 6;
    accounts_.reserve(n + extra);
    for (size_t i = 0; i < n + extra; ++i)
      accounts_.push_back(account(i));
    for (size_t k = 0; k < 5; ++k)
      refused_base_[k] = n + k * kRefusedPerKind;
    locked_base_ = n + 5 * kRefusedPerKind;

    create_security();
    rss_before_ = rss_bytes();
    onboard_holders();
    rss_after_ = rss_bytes();
    add_refused_accounts();

    expected_.assign(accounts_.size(), 0);
    for (size_t i = 0; i < n; ++i)
      expected_[i] = kInitialBalance;
    for (size_t i = 0; i < kRefusedPerKind; ++i)
      expected_[locked_base_ + i] = kInitialBalance;
    holders_ = n + kRefusedPerKind;
    supply_ = holders_ * kInitialBalance;
    if (token_->total_supply() != U256(supply_) || token_->holder_count() != holders_) {
      std::fprintf(stderr, "set-up produced the wrong supply or holder count\n");
      std::abort();
    }

    Rng rng{0x5704'0001};
    // Pools of pre-generated pairs: large enough that the accounts they touch are spread over
    // the whole ledger (no cache reuse a real workload would not have).
    const size_t pool = std::clamp<size_t>(4 * n, 4096, size_t{1} << 22);
    plain_.pairs = make_pairs(rng, pool, /*refuse_one_in=*/0);
    abi_.pairs = make_pairs(rng, std::min<size_t>(pool, size_t{1} << 20), 0);
    mixed_.pairs = make_pairs(rng, pool, /*refuse_one_in=*/10);
    encode_calldata(abi_);
    for (int k = 0; k < kKinds; ++k) {
      expected_revert_[k] =
          core::make_revert(core::ErrorId::kTransferRestricted, {U256(kKindCode[k])}).data;
    }
  }

  size_t n() const { return n_; }
  core::State& state() { return state_; }
  core::SecurityToken* token() const { return token_; }
  const Address& at(uint32_t i) const { return accounts_[i]; }
  Pool& plain() { return plain_; }
  Pool& abi_pool() { return abi_; }
  Pool& mixed() { return mixed_; }
  size_t rss_before() const { return rss_before_; }
  size_t rss_after() const { return rss_after_; }
  const Bytes& expected_revert(uint8_t kind) const { return expected_revert_[kind]; }
  uint64_t next_block() { return ++block_; }

  // Applies pairs [begin, begin+count) of `pool` (cyclically) to the shadow balances and checks
  // the ledger against it: total supply, holder count, and the balances of a sample (the last
  // pairs' accounts and a pseudo-random spread). Returns an empty string when consistent.
  std::string replay_and_check(const Pool& pool, size_t begin, size_t count) {
    const size_t p = pool.pairs.size();
    for (size_t i = 0; i < count; ++i) {
      const Pair& x = pool.pairs[(begin + i) % p];
      if (x.kind != kPass) continue;
      expected_[x.from] -= x.amount;
      expected_[x.to] += x.amount;
    }
    if (token_->total_supply() != U256(supply_)) return "total supply changed";
    if (token_->holder_count() != holders_) return "holder count changed";
    const size_t tail = std::min<size_t>(count, 512);
    for (size_t i = count - tail; i < count; ++i) {
      const Pair& x = pool.pairs[(begin + i) % p];
      if (std::string e = check_balance(x.from); !e.empty()) return e;
      if (std::string e = check_balance(x.to); !e.empty()) return e;
    }
    Rng rng{begin * 31 + count};
    for (int i = 0; i < 1024; ++i) {
      if (std::string e = check_balance(rng.below(static_cast<uint32_t>(accounts_.size())));
          !e.empty()) {
        return e;
      }
    }
    return {};
  }

  // Every account's balance against the shadow, and Σ balances = total supply.
  std::string check_all() {
    U256 sum;
    for (uint32_t i = 0; i < accounts_.size(); ++i) {
      if (std::string e = check_balance(i); !e.empty()) return e;
      sum = *sum.checked_add(token_->balance_of(accounts_[i]));
    }
    if (sum != token_->total_supply()) return "sum of balances differs from total supply";
    return {};
  }

 private:
  std::string check_balance(uint32_t i) const {
    const U256 b = token_->balance_of(accounts_[i]);
    if (b == U256(expected_[i])) return {};
    return "balance of account " + std::to_string(i) + " is " + b.to_dec() + ", expected " +
           std::to_string(expected_[i]);
  }

  void must(const Status& s, const char* what) {
    if (!s.ok()) {
      std::fprintf(stderr, "set-up step failed: %s: %s\n", what,
                   core::describe_revert(s.revert().data).c_str());
      std::abort();
    }
  }
  // One transaction of set-up calls as `sender` at issuance time.
  template <typename F>
  void tx(const Address& sender, const char* what, F&& f) {
    must(state_.transact(sender, BlockContext{next_block(), kT0}, nullptr, f), what);
  }

  void create_security() {
    tx(op_, "createSecurity", [&](CallContext& ctx) -> Status {
      auto r = state_.factory().create_security(
          ctx,
          core::CreateSecurityArgs{"Bench Shares", "BENCH", 0,
                                   static_cast<uint8_t>(core::Preset::kGlobal), issuer_, officer_});
      if (!r.ok()) return r.take_revert();
      set_ = r.value();
      return Status::Ok();
    });
    token_ = state_.contract_as<core::SecurityToken>(set_.token);
    registry_ = state_.contract_as<core::ComplianceRegistry>(set_.registry);
    whitelist_ = state_.contract_as<core::WhitelistModule>(set_.whitelist_module);
    lockup_ = state_.contract_as<core::LockupModule>(set_.lockup_module);
    jmod_ = state_.contract_as<core::JurisdictionModule>(set_.jurisdiction_module);
    restriction_ = state_.contract_as<core::TransferRestriction>(set_.restriction);
    tx(issuer_, "admin settings", [&](CallContext& ctx) -> Status {
      STOA_TRY(registry_->add_module(ctx, set_.whitelist_module));
      STOA_TRY(registry_->set_required_accreditation(ctx, 1));
      STOA_TRY(jmod_->set_require_jurisdiction(ctx, true));
      STOA_TRY(lockup_->set_holding_period(ctx, U256(kHoldingPeriod)));
      STOA_TRY(restriction_->set_max_holders(ctx, U256(2 * accounts_.size())));
      STOA_TRY(restriction_->set_max_transfer_amount(ctx, U256(kMaxTransfer)));
      return Status::Ok();
    });
    tx(officer_, "jurisdiction block list", [&](CallContext& ctx) -> Status {
      for (const char* j : {"RU", "BY", "VE", "MM"}) {
        STOA_TRY(jmod_->set_blocked(ctx, juris(j), true));
      }
      return Status::Ok();
    });
  }

  // Registry record (whitelisted, jurisdiction, accreditation, an expired lockup), the module's
  // list, an expired module lockup; then the issuance (which starts the holding period).
  Status onboard(CallContext& ctx, uint32_t i, core::Jurisdiction j, uint8_t accreditation,
                 bool module_listed) {
    const Address& a = accounts_[i];
    STOA_TRY(registry_->onboard(ctx, a, j, accreditation, U256(kT0 - 30 * kDay)));
    if (module_listed) STOA_TRY(whitelist_->set_listed(ctx, a, true));
    return lockup_->set_lockup(ctx, a, U256(kT0 - 30 * kDay));
  }

  void onboard_holders() {
    constexpr size_t kBatch = 4096;
    for (size_t b = 0; b < n_; b += kBatch) {
      const size_t e = std::min(n_, b + kBatch);
      tx(officer_, "onboard holders", [&](CallContext& ctx) -> Status {
        for (size_t i = b; i < e; ++i) {
          STOA_TRY(onboard(ctx, static_cast<uint32_t>(i), juris(kCountries[i % 8]),
                           static_cast<uint8_t>(1 + i % 2), true));
        }
        return Status::Ok();
      });
      tx(issuer_, "mint", [&](CallContext& ctx) -> Status {
        for (size_t i = b; i < e; ++i) {
          STOA_TRY(token_->mint(ctx, accounts_[i], U256(kInitialBalance)));
        }
        return Status::Ok();
      });
    }
  }

  void add_refused_accounts() {
    tx(officer_, "refused accounts", [&](CallContext& ctx) -> Status {
      for (uint32_t i = 0; i < kRefusedPerKind; ++i) {
        // kNotOnboarded: nothing at all.
        const uint32_t bl = static_cast<uint32_t>(refused_base_[1] + i);
        STOA_TRY(onboard(ctx, bl, juris("US"), 1, true));
        STOA_TRY(registry_->set_blacklisted(ctx, accounts_[bl], true));
        STOA_TRY(onboard(ctx, static_cast<uint32_t>(refused_base_[2] + i), juris("GB"), 0, true));
        STOA_TRY(onboard(ctx, static_cast<uint32_t>(refused_base_[3] + i), juris("DE"), 1, false));
        STOA_TRY(onboard(ctx, static_cast<uint32_t>(refused_base_[4] + i), juris("RU"), 1, true));
        STOA_TRY(onboard(ctx, static_cast<uint32_t>(locked_base_ + i), juris("FR"), 1, true));
      }
      return Status::Ok();
    });
    tx(issuer_, "mint to locked senders", [&](CallContext& ctx) -> Status {
      for (uint32_t i = 0; i < kRefusedPerKind; ++i) {
        STOA_TRY(token_->mint(ctx, accounts_[locked_base_ + i], U256(kInitialBalance)));
      }
      return Status::Ok();
    });
    tx(officer_, "lock senders", [&](CallContext& ctx) -> Status {
      for (uint32_t i = 0; i < kRefusedPerKind; ++i) {
        STOA_TRY(lockup_->set_lockup(ctx, accounts_[locked_base_ + i],
                                     U256(kTransferTime + 3650 * kDay)));
      }
      return Status::Ok();
    });
  }

  // Random distinct holders, amounts 1..kMaxAmount; with refuse_one_in > 0, about one pair in
  // that many is refused for one of the kinds above. The second half of the pool mirrors the
  // first (each permitted transfer sent back, each refused one repeated), so a pass over the
  // whole pool leaves every balance where it was and the pool can be cycled indefinitely.
  std::vector<Pair> make_pairs(Rng& rng, size_t count, uint32_t refuse_one_in) {
    const size_t half = count / 2;
    std::vector<Pair> out(2 * half);
    const uint32_t n = static_cast<uint32_t>(n_);
    for (size_t i = 0; i < half; ++i) {
      Pair& p = out[i];
      p.from = rng.below(n);
      do {
        p.to = rng.below(n);
      } while (p.to == p.from);
      p.amount = 1 + rng.below(kMaxAmount);
      p.kind = kPass;
      if (refuse_one_in != 0 && rng.below(refuse_one_in) == 0) {
        p.kind = static_cast<uint8_t>(1 + rng.below(kKinds - 1));
        const uint32_t r = rng.below(kRefusedPerKind);
        switch (p.kind) {
          case kNotOnboarded:
          case kBlacklisted:
          case kNotAccredited:
          case kModuleNotListed:
          case kModuleJurisdiction:
            p.to = static_cast<uint32_t>(refused_base_[p.kind - 1] + r);
            break;
          case kSenderLocked:
            p.from = static_cast<uint32_t>(locked_base_ + r);
            break;
          case kTooLarge:
            p.amount = kMaxTransfer + 1;
            break;
          default:
            break;
        }
      }
      Pair& m = out[half + i];
      m = p;
      if (p.kind == kPass) std::swap(m.from, m.to);
    }
    return out;
  }

  void encode_calldata(Pool& pool) {
    auto sig = abi::parse_signature("transfer(address,uint256)");
    pool.calldata.reserve(pool.pairs.size() * 68);
    for (const Pair& p : pool.pairs) {
      auto data = abi::encode_call(*sig, {accounts_[p.to], U256(p.amount)});
      const Bytes& b = std::get<0>(data);
      if (b.size() != 68) std::abort();
      pool.calldata.insert(pool.calldata.end(), b.begin(), b.end());
    }
  }

  size_t n_;
  Address op_ = account(~0ULL);
  Address issuer_ = account(~0ULL - 1);
  Address officer_ = account(~0ULL - 2);
  core::State state_;
  core::SecuritySet set_;
  core::SecurityToken* token_ = nullptr;
  core::ComplianceRegistry* registry_ = nullptr;
  core::WhitelistModule* whitelist_ = nullptr;
  core::LockupModule* lockup_ = nullptr;
  core::JurisdictionModule* jmod_ = nullptr;
  core::TransferRestriction* restriction_ = nullptr;
  std::vector<Address> accounts_;
  size_t refused_base_[5] = {};
  size_t locked_base_ = 0;
  std::vector<uint64_t> expected_;
  uint64_t holders_ = 0;
  uint64_t supply_ = 0;
  size_t rss_before_ = 0;
  size_t rss_after_ = 0;
  uint64_t block_ = 0;
  Pool plain_;
  Pool abi_;
  Pool mixed_;
  Bytes expected_revert_[kKinds];
};

World& world() {
  static World* w = new World(holders_from_env());  // built once, outside every timing
  return *w;
}

// ------------------------------------------------------------------ identity verification
// Two Global-preset securities over the same STOA_BENCH_ID_HOLDERS holders (default 20,000:
// each holder has an identity with two signed claims, so the set-up signs and verifies 2 claims
// per holder): FLAT takes eligibility from the registry's whitelist (mode 0), IDN from identities
// (mode 1: sender and receiver must be verified). IDN requires 2 claim topics (KYC 1, AML 2) and
// trusts 3 issuers for both; holder i's claims are typed (EIP-712) claims of issuer i % 3, valid
// until a year after the transfer time. Same pairs, same amounts for both.
size_t id_holders_from_env() {
  const char* v = std::getenv("STOA_BENCH_ID_HOLDERS");
  if (v == nullptr || *v == '\0') return 20000;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v, &end, 10);
  if (end == v || *end != '\0' || n < 16 || n > 10000000ULL) {
    std::fprintf(stderr, "STOA_BENCH_ID_HOLDERS must be an integer from 16 to 10000000\n");
    std::exit(2);
  }
  return static_cast<size_t>(n);
}

class IdWorld {
 public:
  explicit IdWorld(size_t n) : n_(n), state_(core::GenesisConfig{1337, op_, false}) {
    for (size_t i = 0; i < n; ++i)
      holders_.push_back(account(0x1d000000ULL + i));
    flat_ = make_security("FLAT");
    idn_ = make_security("IDN");
    identity_stack();
    onboard();
    expected_.assign(n, kInitialBalance);
    Rng rng{0x5704'0002};
    const size_t half = std::clamp<size_t>(2 * n, 2048, size_t{1} << 21);
    pairs_.resize(2 * half);
    for (size_t i = 0; i < half; ++i) {
      Pair& p = pairs_[i];
      p.from = rng.below(static_cast<uint32_t>(n));
      do {
        p.to = rng.below(static_cast<uint32_t>(n));
      } while (p.to == p.from);
      p.amount = 1 + rng.below(kMaxAmount);
      p.kind = kPass;
      pairs_[half + i] = p;
      std::swap(pairs_[half + i].from, pairs_[half + i].to);
    }
  }

  core::State& state() { return state_; }
  core::SecurityToken* flat() const { return flat_; }
  core::SecurityToken* idn() const { return idn_; }
  const std::vector<Pair>& pairs() const { return pairs_; }
  const Address& at(uint32_t i) const { return holders_[i]; }
  size_t& cursor(core::SecurityToken* t) { return t == flat_ ? flat_cursor_ : idn_cursor_; }

  // Replays `count` pairs from `begin` on the shadow of `t` and checks supply, verification and
  // a sample of balances (each token has its own shadow: both start from the same balances).
  std::string replay_and_check(core::SecurityToken* t, size_t begin, size_t count) {
    std::vector<uint64_t>& e = t == flat_ ? expected_flat_ : expected_;
    if (e.empty()) e.assign(n_, kInitialBalance);
    const size_t p = pairs_.size();
    for (size_t i = 0; i < count; ++i) {
      const Pair& x = pairs_[(begin + i) % p];
      e[x.from] -= x.amount;
      e[x.to] += x.amount;
    }
    if (t->total_supply() != U256(n_ * kInitialBalance)) return "total supply changed";
    Rng rng{begin * 17 + count};
    for (int i = 0; i < 1024; ++i) {
      const uint32_t k = rng.below(static_cast<uint32_t>(n_));
      if (t->balance_of(holders_[k]) != U256(e[k])) {
        return "balance of holder " + std::to_string(k) + " differs from the shadow";
      }
    }
    if (t == idn_ && !idn_->identity_registry()->is_verified(holders_[0], kTransferTime)) {
      return "holder 0 is no longer verified";
    }
    return {};
  }

 private:
  void must(const Status& s, const char* what) {
    if (!s.ok()) {
      std::fprintf(stderr, "identity set-up step failed: %s: %s\n", what,
                   core::describe_revert(s.revert().data).c_str());
      std::abort();
    }
  }
  template <typename F>
  void tx(const Address& sender, const char* what, F&& f) {
    must(state_.transact(sender, BlockContext{++block_, kT0}, nullptr, f), what);
  }

  core::SecurityToken* make_security(const char* symbol) {
    core::SecuritySet set;
    tx(op_, "createSecurity", [&](CallContext& ctx) -> Status {
      auto r = state_.factory().create_security(
          ctx,
          core::CreateSecurityArgs{std::string(symbol) + " Shares", symbol, 0,
                                   static_cast<uint8_t>(core::Preset::kGlobal), issuer_, officer_});
      if (!r.ok()) return r.take_revert();
      set = r.value();
      return Status::Ok();
    });
    sets_.push_back(set);
    return state_.contract_as<core::SecurityToken>(set.token);
  }

  void identity_stack() {
    auto* idf = state_.contract_as<core::IdentityFactory>(core::identity_factory_address());
    tx(issuer_, "createIdentityRegistry", [&](CallContext& ctx) -> Status {
      auto r = idf->create_identity_registry(ctx, idn_->address(), Address{});
      if (!r.ok()) return r.take_revert();
      return Status::Ok();
    });
    for (int i = 0; i < 3; ++i) {
      signers_.push_back(crypto::key_for_label("bench.kyc." + std::to_string(i)));
      tx(op_, "issuer identity", [&](CallContext& ctx) -> Status {
        auto r = idf->create_identity(ctx, signers_.back().address());
        if (!r.ok()) return r.take_revert();
        issuers_.push_back(r.value());
        return Status::Ok();
      });
      tx(issuer_, "trust issuer", [&](CallContext& ctx) -> Status {
        return idn_->identity_registry()->issuers().add_issuer(
            ctx, issuers_.back(), {U256(core::topic::kKyc), U256(core::topic::kAml)});
      });
    }
    tx(issuer_, "identity mode", [&](CallContext& ctx) { return idn_->set_eligibility(ctx, 1); });
  }

  void onboard() {
    auto* idf = state_.contract_as<core::IdentityFactory>(core::identity_factory_address());
    core::IdentityRegistry* ir = idn_->identity_registry();
    constexpr size_t kBatch = 1024;
    for (size_t b = 0; b < n_; b += kBatch) {
      const size_t e = std::min(n_, b + kBatch);
      std::vector<Address> ids;
      tx(op_, "identities", [&](CallContext& ctx) -> Status {
        for (size_t i = b; i < e; ++i) {
          auto r = idf->create_identity(ctx, holders_[i]);
          if (!r.ok()) return r.take_revert();
          ids.push_back(r.value());
        }
        return Status::Ok();
      });
      tx(officer_, "register", [&](CallContext& ctx) -> Status {
        for (size_t i = b; i < e; ++i) {
          const core::Jurisdiction j = juris(kCountries[i % 8]);
          for (const core::SecuritySet& s : sets_) {
            auto* reg = state_.contract_as<core::ComplianceRegistry>(s.registry);
            STOA_TRY(reg->onboard(ctx, holders_[i], j, 0, U256(kT0 - 30 * kDay)));
          }
          STOA_TRY(ir->register_identity(ctx, holders_[i], ids[i - b], 840));
        }
        return Status::Ok();
      });
      for (size_t i = b; i < e; ++i) {
        const size_t k = i % 3;
        // The holder approves its KYC provider (the provider's identity becomes a claim key).
        tx(holders_[i], "approve issuer", [&](CallContext& ctx) -> Status {
          auto* id = state_.contract_as<core::Identity>(ids[i - b]);
          return id->add_key(ctx, core::key_of(issuers_[k]), U256(core::purpose::kClaim), U256(1));
        });
        tx(signers_[k].address(), "claims", [&](CallContext& ctx) -> Status {
          auto* id = state_.contract_as<core::Identity>(ids[i - b]);
          for (uint64_t t : {core::topic::kKyc, core::topic::kAml}) {
            const core::TypedClaimData d{kT0 - kDay, kTransferTime + 365 * kDay,
                                         keccak256(std::string_view("bench claim"))};
            const crypto::Signature sig =
                crypto::sign(signers_[k], core::typed_claim_digest(1337, ids[i - b], U256(t), d));
            Bytes sb(65);
            std::copy(sig.r.b.begin(), sig.r.b.end(), sb.begin());
            std::copy(sig.s.b.begin(), sig.s.b.end(), sb.begin() + 32);
            sb[64] = static_cast<uint8_t>(27 + sig.recovery_id);
            auto r = id->add_claim(ctx, core::Claim{U256(t), U256(core::kSchemeTyped), issuers_[k],
                                                    sb, core::encode_typed_claim_data(d), ""});
            if (!r.ok()) return r.take_revert();
          }
          return Status::Ok();
        });
      }
      tx(issuer_, "mint", [&](CallContext& ctx) -> Status {
        for (size_t i = b; i < e; ++i) {
          STOA_TRY(flat_->mint(ctx, holders_[i], U256(kInitialBalance)));
          STOA_TRY(idn_->mint(ctx, holders_[i], U256(kInitialBalance)));
        }
        return Status::Ok();
      });
    }
  }

  size_t n_;
  Address op_ = account(~0ULL);
  Address issuer_ = account(~0ULL - 1);
  Address officer_ = account(~0ULL - 2);
  core::State state_;
  std::vector<Address> holders_;
  std::vector<core::SecuritySet> sets_;
  core::SecurityToken* flat_ = nullptr;
  core::SecurityToken* idn_ = nullptr;
  std::vector<crypto::PrivateKey> signers_;
  std::vector<Address> issuers_;
  std::vector<Pair> pairs_;
  std::vector<uint64_t> expected_;
  std::vector<uint64_t> expected_flat_;
  size_t flat_cursor_ = 0;
  size_t idn_cursor_ = 0;
  uint64_t block_ = 0;
};

IdWorld& id_world() {
  static IdWorld* w = new IdWorld(id_holders_from_env());
  return *w;
}

// Transfers of one of IdWorld's tokens, each its own transaction; all must pass.
void id_transfers(benchmark::State& st, bool identity) {
  IdWorld& w = id_world();
  core::SecurityToken* token = identity ? w.idn() : w.flat();
  size_t& cursor = w.cursor(token);
  const size_t begin = cursor;
  const size_t p = w.pairs().size();
  std::vector<core::Log> logs;
  size_t i = begin, failed = 0, emitted = 0;
  for (auto _ : st) {
    const Pair& x = w.pairs()[i % p];
    const Address& to = w.at(x.to);
    const U256 amount(x.amount);
    Status r =
        w.state().transact(w.at(x.from), BlockContext{i / 1000, kTransferTime}, &logs,
                           [&](CallContext& ctx) { return token->transfer(ctx, to, amount); });
    failed += r.ok() ? 0 : 1;
    if (logs.size() >= 4096) {
      emitted += logs.size();
      logs.clear();
    }
    ++i;
  }
  emitted += logs.size();
  cursor = i % p;
  const size_t count = i - begin;
  st.SetItemsProcessed(static_cast<int64_t>(count));
  if (failed != 0) return fail(st, std::to_string(failed) + " transfers were refused");
  if (emitted != count) return fail(st, "expected one Transfer log per transfer");
  if (std::string e = w.replay_and_check(token, begin, count); !e.empty()) return fail(st, e);
}

// Flat whitelist (mode 0) on IdWorld's holders: the baseline of the identity figure.
void BM_TransferFlatWhitelist(benchmark::State& st) {
  id_transfers(st, false);
}
// Identity verification (mode 1): 2 required topics, 3 trusted issuers, sender and receiver.
void BM_TransferIdentity(benchmark::State& st) {
  id_transfers(st, true);
}

constexpr size_t kLogFlush = 4096;  // the collected logs are cleared this often

// The timed loop of the native-transfer benchmarks: each pair of `pool` (from its cursor on) as
// its own transaction, `on_result(pair, status)` told of each outcome. Returns how many ran and
// how many logs they emitted; the pool's cursor moves on.
struct LoopResult {
  size_t begin = 0;
  size_t count = 0;
  size_t logs = 0;
};
template <typename OnResult>
LoopResult run_transfers(benchmark::State& st, World& w, Pool& pool, OnResult&& on_result) {
  core::State& s = w.state();
  core::SecurityToken* token = w.token();
  const size_t begin = pool.cursor;
  const size_t p = pool.pairs.size();
  std::vector<core::Log> logs;
  logs.reserve(kLogFlush + 8);
  size_t i = begin;
  size_t emitted = 0;
  for (auto _ : st) {
    const Pair& x = pool.pairs[i % p];
    const Address& to = w.at(x.to);
    const U256 amount(x.amount);
    Status r = s.transact(w.at(x.from), BlockContext{i / 1000, kTransferTime}, &logs,
                          [&](CallContext& ctx) { return token->transfer(ctx, to, amount); });
    on_result(x, r);
    if (logs.size() >= kLogFlush) {
      emitted += logs.size();
      logs.clear();
    }
    ++i;
  }
  emitted += logs.size();
  pool.cursor = i % p;
  st.SetItemsProcessed(static_cast<int64_t>(i - begin));
  return {begin, i - begin, emitted};
}

// Native transfers, each its own transaction.
void BM_Transfer(benchmark::State& st) {
  World& w = world();
  Pool& pool = w.plain();
  size_t failed = 0;
  const LoopResult r =
      run_transfers(st, w, pool, [&](const Pair&, const Status& s) { failed += s.ok() ? 0 : 1; });
  if (failed != 0) return fail(st, std::to_string(failed) + " transfers were refused");
  if (r.logs != r.count) return fail(st, "expected one Transfer log per transfer");
  if (std::string e = w.replay_and_check(pool, r.begin, r.count); !e.empty()) return fail(st, e);
}

// The same transfers through the ABI: state.call with pre-encoded calldata.
void BM_TransferAbi(benchmark::State& st) {
  World& w = world();
  core::State& s = w.state();
  const Address token = w.token()->address();
  Pool& pool = w.abi_pool();
  const size_t begin = pool.cursor;
  const size_t p = pool.pairs.size();
  size_t i = begin;
  size_t failed = 0;
  size_t logs = 0;
  for (auto _ : st) {
    const size_t k = i % p;
    core::CallResult r =
        s.call(w.at(pool.pairs[k].from), token, BytesView(pool.calldata.data() + 68 * k, 68),
               BlockContext{i / 1000, kTransferTime});
    failed += r.success ? 0 : 1;
    logs += r.logs.size();
    ++i;
  }
  const size_t count = i - begin;
  pool.cursor = i % p;
  st.SetItemsProcessed(static_cast<int64_t>(count));
  if (failed != 0) return fail(st, std::to_string(failed) + " ABI transfers failed");
  if (logs != count) return fail(st, "expected one Transfer log per transfer");
  if (std::string e = w.replay_and_check(pool, begin, count); !e.empty()) return fail(st, e);
}

// detectTransferRestriction alone (the predicate, no state change).
void BM_DetectTransferRestriction(benchmark::State& st) {
  World& w = world();
  core::SecurityToken* token = w.token();
  Pool& pool = w.plain();
  const size_t p = pool.pairs.size();
  size_t i = pool.cursor;
  uint64_t nonzero = 0;
  for (auto _ : st) {
    const Pair& x = pool.pairs[i % p];
    nonzero += token->detect(w.at(x.from), w.at(x.to), U256(x.amount), kTransferTime) != 0;
    ++i;
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations()));
  if (nonzero != 0)
    return fail(st, std::to_string(nonzero) + " permitted transfers detected as refused");
}

// About 10% of the transfers are refused by a rule; the refused count and each refusal's
// revert data (TransferRestricted(code)) must be exactly as expected.
void BM_TransferMixedRefusals(benchmark::State& st) {
  World& w = world();
  Pool& pool = w.mixed();
  size_t refused = 0;
  size_t wrong = 0;
  const LoopResult r = run_transfers(st, w, pool, [&](const Pair& x, const Status& s) {
    if (!s.ok()) {
      ++refused;
      wrong += s.revert().data != w.expected_revert(x.kind);
    } else {
      wrong += x.kind != kPass;
    }
  });
  const size_t p = pool.pairs.size();
  size_t expected_refused = 0;
  for (size_t k = 0; k < r.count; ++k)
    expected_refused += pool.pairs[(r.begin + k) % p].kind != kPass;
  st.counters["refused_pct"] =
      benchmark::Counter(r.count ? 100.0 * static_cast<double>(refused) / r.count : 0.0);
  if (refused != expected_refused) {
    return fail(st, "refused " + std::to_string(refused) + ", expected " +
                        std::to_string(expected_refused));
  }
  if (wrong != 0) return fail(st, std::to_string(wrong) + " outcomes with the wrong code");
  if (std::string e = w.replay_and_check(pool, r.begin, r.count); !e.empty()) return fail(st, e);
}

// Resident memory of the ledger per holder (RSS growth while onboarding and minting every
// holder: registry record, module list entry, lockup entry, balance); also checks every
// balance against the shadow model and Σ balances = total supply.
void BM_MemoryPerHolder(benchmark::State& st) {
  World& w = world();
  for (auto _ : st) {
    benchmark::DoNotOptimize(w.rss_after());
  }
  const double delta = static_cast<double>(w.rss_after()) - static_cast<double>(w.rss_before());
  st.counters["bytes_per_holder"] = benchmark::Counter(delta / static_cast<double>(w.n()));
  st.counters["holders"] = benchmark::Counter(static_cast<double>(w.n()));
  st.counters["rss_MiB"] = benchmark::Counter(static_cast<double>(w.rss_after()) / (1 << 20));
  if (std::string e = w.check_all(); !e.empty()) return fail(st, e);
}

// Min and max over repetitions, so the aggregates-only report carries the spread.
double min_of(const std::vector<double>& v) {
  return *std::min_element(v.begin(), v.end());
}
double max_of(const std::vector<double>& v) {
  return *std::max_element(v.begin(), v.end());
}

BENCHMARK(BM_Transfer)->ComputeStatistics("min", min_of)->ComputeStatistics("max", max_of);
BENCHMARK(BM_TransferAbi)->ComputeStatistics("min", min_of)->ComputeStatistics("max", max_of);
BENCHMARK(BM_DetectTransferRestriction)
    ->ComputeStatistics("min", min_of)
    ->ComputeStatistics("max", max_of);
BENCHMARK(BM_TransferMixedRefusals)
    ->ComputeStatistics("min", min_of)
    ->ComputeStatistics("max", max_of);
BENCHMARK(BM_TransferFlatWhitelist)
    ->ComputeStatistics("min", min_of)
    ->ComputeStatistics("max", max_of);
BENCHMARK(BM_TransferIdentity)->ComputeStatistics("min", min_of)->ComputeStatistics("max", max_of);
BENCHMARK(BM_MemoryPerHolder)
    ->Iterations(1)
    ->ComputeStatistics("min", min_of)
    ->ComputeStatistics("max", max_of);

}  // namespace
}  // namespace stoa::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return stoa::bench::g_failed ? 1 : 0;
}
