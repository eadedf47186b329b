// A dividend round over many holders (issue 16; docs/dividends.md): STOA_DIVIDEND_HOLDERS holders
// (default 1,000,000) of one security, a payment token, a DividendDistributor; then per
// repetition (STOA_DIVIDEND_REPETITIONS, default 3) one round: snapshot, createDividend,
// pushPayments to every holder in batches of STOA_DIVIDEND_BATCH (default 5,000: the largest a
// call takes) through ABI calldata and the dispatcher, each batch metered within the block gas
// limit, then reclaim after the deadline. Checks every round: each holder paid once, paid +
// withheld + reclaimed = amount, the escrow empty. Prints each run and the medians.
// With STOA_DIVIDEND_PARTITION=1 every holder also holds shares of a class (partition "CLASS_B",
// 1 + i % 700 each) and the rounds alternate between a whole-security round and a round on that
// class (createDividendByPartition, rules V7), each kind with its own medians: the cost of a round
// by partition next to a whole one on the same holders.
// Then, unless STOA_DIVIDEND_CASH_IN_LIEU=0 (and not with STOA_DIVIDEND_PARTITION=1, whose classes
// change the balances' parity), a 3-for-2 split and its cash in lieu (docs/dividends.md, "Cash in
// lieu"): createCashInLieu, pushPayments to every holder in the same batches (half of them, the
// odd balances, are owed half a share), reclaim; checks each payment, paid + reclaimed = amount
// and the dust.
#include <algorithm>
#include <cstdio>
#include <string_view>
#include <vector>

#include "bench_util.h"
#include "stoa/chain/transaction.h"
#include "stoa/common/keccak.h"
#include "stoa/core/dividend_distributor.h"
#include "stoa/core/factory.h"
#include "stoa/core/payment_token.h"
#include "stoa/core/state.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::bench {
namespace {

using core::CallContext;
using core::Status;

Address account(uint64_t i) {
  Bytes32 w;
  for (int k = 0; k < 8; ++k)
    w.b[24 + k] = static_cast<uint8_t>(i >> (8 * (7 - k)));
  w.b[12] = 0xd1;  // away from the precompiles and the system contracts
  return Address::from_word(w);
}

struct Run {
  double create_s = 0;
  double push_s = 0;
  double reclaim_s = 0;
  uint64_t batches = 0;
  uint64_t max_batch_gas = 0;
};

class World {
 public:
  World(uint64_t holders, uint64_t batch, bool classes)
      : holders_(holders), batch_(batch), classes_(classes) {
    for (uint64_t i = 0; i < holders_; ++i)
      accounts_.push_back(account(i));
    tx(op_, [&](CallContext& ctx) -> Status {
      auto r = state_.factory().create_security(
          ctx,
          core::CreateSecurityArgs{"Dividend Shares", "DIVB", 0,
                                   static_cast<uint8_t>(core::Preset::kGlobal), issuer_, officer_});
      if (!r.ok()) return r.take_revert();
      set_ = r.value();
      auto t = state_.factory().create_payment_token(ctx, "Bench Dollar", "BUSD", 2, issuer_);
      if (!t.ok()) return t.take_revert();
      usd_ = t.value();
      auto d = state_.factory().create_dividend_distributor(ctx, set_.token, tax_);
      if (!d.ok()) return d.take_revert();
      dist_ = d.value();
      return Status::Ok();
    });
    token_ = state_.contract_as<core::SecurityToken>(set_.token);
    auto* reg = state_.contract_as<core::ComplianceRegistry>(set_.registry);
    auto* pt = state_.contract_as<core::PaymentToken>(usd_);
    tx(issuer_, [&](CallContext& ctx) -> Status {
      STOA_TRY(
          token_->access_control()->grant(ctx, *token_, core::roles::dividend_admin(), issuer_));
      STOA_TRY(
          token_->access_control()->grant(ctx, *token_, core::roles::corporate_action(), issuer_));
      STOA_TRY(pt->mint(ctx, issuer_, U256(1'000'000'000'000'000ULL)));
      return pt->approve(ctx, dist_, U256::max());
    });
    constexpr uint64_t kStep = 4096;
    const core::Jurisdiction de = core::jurisdiction('D', 'E');
    for (uint64_t b = 0; b < holders_; b += kStep) {
      const uint64_t e = std::min(holders_, b + kStep);
      tx(officer_, [&](CallContext& ctx) -> Status {
        for (uint64_t i = b; i < e; ++i)
          STOA_TRY(reg->onboard(ctx, accounts_[i], i % 4 == 0 ? de : core::jurisdiction('U', 'S'),
                                0, U256(0)));
        return Status::Ok();
      });
      tx(issuer_, [&](CallContext& ctx) -> Status {
        for (uint64_t i = b; i < e; ++i) {
          STOA_TRY(token_->mint(ctx, accounts_[i], U256(1 + i % 1000)));
          if (classes_) {
            STOA_TRY(token_->issue_by_partition(ctx, class_b(), accounts_[i], U256(1 + i % 700),
                                                Bytes{}));
          }
        }
        return Status::Ok();
      });
    }
    call(issuer_, dist_, "setWithholdingRate(bytes2,uint256)", {abi::Value(Bytes{'D', 'E'}), 2638});
  }

  static Bytes32 class_b() {
    Bytes32 p;
    const std::string_view name = "CLASS_B";
    std::copy(name.begin(), name.end(), p.b.begin());
    return p;
  }

  // A 3-for-2 split, then round `n` paying its cash in lieu at $10.01 a share: holders with an odd
  // balance (1 + i % 1000, so even i) are owed half a share, floor(1001 / 2) = 500 cents each.
  Run cash_in_lieu(uint64_t n, double* split_s) {
    Run run;
    auto t = Clock::now();
    call(issuer_, set_.token, "split(uint256,uint256,string,bytes32)",
         {3, 2, std::string("bench"), abi::Value::bytes32(keccak256(std::string_view("board")))});
    *split_s = since(t);
    const uint64_t split = token_->split_count();
    t = Clock::now();
    call(issuer_, dist_, "createCashInLieu(uint256,address,uint256,uint256,bytes32)",
         {split, usd_, 1001, block_.timestamp + 86400, abi::Value::bytes32(Bytes32{})});
    run.create_s = since(t);
    t = Clock::now();
    uint64_t owed = 0;
    for (uint64_t b = 0; b < holders_; b += batch_) {
      abi::ValueList list;
      uint64_t odd = 0;
      for (uint64_t i = b; i < std::min(holders_, b + batch_); ++i) {
        list.emplace_back(accounts_[i]);
        odd += i % 2 == 0 ? 1 : 0;
      }
      core::CallResult r =
          call_raw(issuer_, dist_, "pushPayments(uint256,address[])", {n, abi::Value(list)});
      if (U256::from_be(r.output) != U256(odd)) die("a batch did not pay every fraction");
      owed += odd;
      run.max_batch_gas = std::max(run.max_batch_gas, r.gas_used);
      ++run.batches;
    }
    run.push_s = since(t);
    block_.timestamp += 86401;
    t = Clock::now();
    call(issuer_, dist_, "reclaim(uint256)", {n});
    run.reclaim_s = since(t);
    const auto* d = state_.contract_as<core::DividendDistributor>(dist_);
    const core::DividendRound r = d->round(U256(n)).value();
    const U256 amount = U256(1001 * owed / 2);  // floor(1001 × owed halves / 2)
    if (r.amount != amount || r.paid != U256(500 * owed) || r.payments != owed ||
        *r.paid.checked_add(r.reclaimed) != r.amount || !r.withheld.is_zero() || !r.closed) {
      die("the cash-in-lieu round does not balance");
    }
    if (!state_.contract_as<core::PaymentToken>(usd_)->balance_of(r.escrow).is_zero()) {
      die("the cash-in-lieu escrow is not empty after reclaim");
    }
    return run;
  }

  Run round(uint64_t n, bool by_partition) {
    Run run;
    const U256 amount(1'000'000'007ULL);
    const uint64_t checkpoint = U256::from_be(call(issuer_, set_.token, "snapshot()", {})).low64();
    auto t = Clock::now();
    if (by_partition) {
      call(issuer_, dist_,
           "createDividendByPartition(bytes32,address,uint256,uint256,uint256,bytes32)",
           {abi::Value::bytes32(class_b()), usd_, amount, checkpoint, block_.timestamp + 86400,
            abi::Value::bytes32(Bytes32{})});
    } else {
      call(issuer_, dist_, "createDividend(address,uint256,uint256,uint256,bytes32)",
           {usd_, amount, checkpoint, block_.timestamp + 86400, abi::Value::bytes32(Bytes32{})});
    }
    run.create_s = since(t);
    t = Clock::now();
    for (uint64_t b = 0; b < holders_; b += batch_) {
      abi::ValueList list;
      for (uint64_t i = b; i < std::min(holders_, b + batch_); ++i)
        list.emplace_back(accounts_[i]);
      const uint64_t size = list.size();
      core::CallResult r =
          call_raw(issuer_, dist_, "pushPayments(uint256,address[])", {n, abi::Value(list)});
      if (U256::from_be(r.output) != U256(size)) die("a batch did not pay every holder");
      run.max_batch_gas = std::max(run.max_batch_gas, r.gas_used);
      ++run.batches;
    }
    run.push_s = since(t);
    block_.timestamp += 86401;
    t = Clock::now();
    call(issuer_, dist_, "reclaim(uint256)", {n});
    run.reclaim_s = since(t);
    check(n, amount);
    return run;
  }

 private:
  void check(uint64_t n, const U256& amount) {
    const auto* d = state_.contract_as<core::DividendDistributor>(dist_);
    const core::DividendRound r = d->round(U256(n)).value();
    const U256 out = *(*r.paid.checked_add(r.withheld)).checked_add(r.reclaimed);
    if (out != amount || !r.closed || r.payments != holders_) die("the round does not balance");
    if (!state_.contract_as<core::PaymentToken>(usd_)->balance_of(r.escrow).is_zero()) {
      die("the escrow is not empty after reclaim");
    }
  }
  void tx(const Address& sender, const std::function<Status(CallContext&)>& fn) {
    ++block_.number;
    Status s = state_.transact(sender, block_, nullptr, fn);
    if (!s.ok()) die("set-up refused: " + core::describe_revert(s.take_revert().data));
  }
  core::CallResult call_raw(const Address& sender, const Address& to, std::string_view sig,
                            const abi::ValueList& args) {
    ++block_.number;
    core::CallResult r =
        state_.call(sender, to, calldata(sig, args), block_, chain::kMeteredBlockGasLimit);
    if (!r.success) die(std::string(sig) + " refused: " + core::describe_revert(r.output));
    return r;
  }
  Bytes call(const Address& sender, const Address& to, std::string_view sig,
             const abi::ValueList& args) {
    return call_raw(sender, to, sig, args).output;
  }

  uint64_t holders_;
  uint64_t batch_;
  bool classes_;
  Address op_ = crypto::key_for_label("operator").address();
  Address issuer_ = account(~0ULL);
  Address officer_ = account(~1ULL);
  Address tax_ = account(~2ULL);
  std::vector<Address> accounts_;
  core::State state_{core::GenesisConfig{kChainId, op_, false}};
  core::BlockContext block_{0, kT0};
  core::SecuritySet set_;
  Address usd_, dist_;
  core::SecurityToken* token_ = nullptr;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace
}  // namespace stoa::bench

int main() {
  using namespace stoa::bench;
  const uint64_t holders = env_u64("STOA_DIVIDEND_HOLDERS", 1'000'000, 1);
  const uint64_t batch = env_u64("STOA_DIVIDEND_BATCH", 5000, 1);
  const uint64_t reps = env_u64("STOA_DIVIDEND_REPETITIONS", 3, 0);
  const bool classes = env_u64("STOA_DIVIDEND_PARTITION", 0, 0) != 0;
  const uint64_t cil = classes ? 0 : env_u64("STOA_DIVIDEND_CASH_IN_LIEU", 1, 0);
  auto t = Clock::now();
  World w(holders, batch, classes);
  std::printf("set-up: %llu holders onboarded and issued in %.1f s\n",
              static_cast<unsigned long long>(holders), since(t));
  // Index 0: whole-security rounds, 1: rounds by partition.
  std::vector<double> create[2], push[2], reclaim[2];
  for (uint64_t n = 1; n <= (classes ? 2 * reps : reps); ++n) {
    const bool by_partition = classes && n % 2 == 0;
    const Run r = w.round(n, by_partition);
    const size_t kind = by_partition ? 1 : 0;
    create[kind].push_back(r.create_s);
    push[kind].push_back(r.push_s);
    reclaim[kind].push_back(r.reclaim_s);
    std::printf(
        "round %llu: %s %.3f ms, pushPayments %.2f s (%llu batches, at most "
        "%llu gas each), reclaim %.3f ms\n",
        static_cast<unsigned long long>(n),
        by_partition ? "createDividendByPartition" : "createDividend", r.create_s * 1e3, r.push_s,
        static_cast<unsigned long long>(r.batches),
        static_cast<unsigned long long>(r.max_batch_gas), r.reclaim_s * 1e3);
  }
  for (int k = 0; reps > 0 && k < (classes ? 2 : 1); ++k) {
    const double p = median(push[k]);
    std::printf(
        "median of %llu %s rounds over %llu holders: create %.3f ms, push-pay all %.2f s "
        "(%.2f µs per holder, %.0f payments/s), reclaim %.3f ms\n",
        static_cast<unsigned long long>(reps), k == 0 ? "whole-security" : "by-partition",
        static_cast<unsigned long long>(holders), median(create[k]) * 1e3, p,
        p * 1e6 / static_cast<double>(holders), static_cast<double>(holders) / p,
        median(reclaim[k]) * 1e3);
  }
  if (cil != 0) {
    double split_s = 0;
    const Run r = w.cash_in_lieu(reps + 1, &split_s);  // cil: no classes, so rounds 1..reps
    const double paid = static_cast<double>((holders + 1) / 2);
    std::printf(
        "cash in lieu over %llu holders: split 3-for-2 %.2f s, createCashInLieu %.3f ms, "
        "push-pay all %.2f s (%llu batches, at most %llu gas each; %.0f payments, %.2f µs per "
        "holder listed), reclaim %.3f ms\n",
        static_cast<unsigned long long>(holders), split_s, r.create_s * 1e3, r.push_s,
        static_cast<unsigned long long>(r.batches),
        static_cast<unsigned long long>(r.max_batch_gas), paid,
        r.push_s * 1e6 / static_cast<double>(holders), r.reclaim_s * 1e3);
  }
  return 0;
}
