// A 3-for-2 split over STOA_BENCH_SPLIT_HOLDERS holders (default 1,000,000; docs/balance-model.md,
// "Splits"; docs/PERFORMANCE.md), then a reverse 1-for-10. The holders are created by
// distributions in kind of 5,000 each (a tenth of them also hold a named partition); then each
// split is one metered call. Prints the wall time and gas of each split and the bytes of its block
// delta (what the journal records for the block: the containers the split wrote), then the cost of
// the first transfer of a holder afterwards (its rewrite at the new epoch). Checks every balance,
// Σ balances = supply and the holder count, and exits non-zero on a wrong answer.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_util.h"
#include "stoa/core/access_control.h"
#include "stoa/core/factory.h"
#include "stoa/core/security_part.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::bench {
namespace {

using core::CallResult;
using core::State;

Address holder(uint64_t i) {
  Bytes b(20, 0);
  b[0] = 0x5b;
  for (int k = 0; k < 8; ++k)
    b[19 - k] = static_cast<uint8_t>(i >> (8 * k));
  return Address::from_view(b);
}

uint64_t balance(uint64_t i) {
  return 1000 + i % 7;
}

class CountingSink final : public core::StateSink {
 public:
  void write(const void* /*data*/, size_t n) override { bytes += n; }
  uint64_t bytes = 0;
};

struct Ledger {
  State state{core::GenesisConfig{kChainId, crypto::key_for_label("operator").address(), false}};
  core::BlockContext block{0, kT0};
  CallResult call(const Address& from, const Address& to, std::string_view sig,
                  const abi::ValueList& args) {
    ++block.number;
    CallResult r = state.call(from, to, calldata(sig, args), block, chain::kMeteredBlockGasLimit);
    if (!r.success) die(std::string(sig) + " refused: " + core::describe_revert(r.output));
    return r;
  }
};

Address setup(Ledger& l, uint64_t n, const Address& agent, const Bytes32& doc) {
  const Address issuer = crypto::key_for_label("issuer").address();
  l.call(crypto::key_for_label("operator").address(), core::factory_address(),
         "createSecurity(string,string,uint8,uint8,address,address)",
         {std::string("SPLIT"), std::string("SPLIT"), 0, 5, issuer,
          crypto::key_for_label("officer").address()});
  const Address t = l.state.factory().find_by_symbol("SPLIT")->token;
  l.call(issuer, t, "grantRole(bytes32,address)",
         {abi::Value::bytes32(core::roles::corporate_action()), agent});
  for (uint64_t first = 0; first < n; first += core::kMaxBatchLength) {
    abi::ValueList to;
    abi::ValueList amounts;
    for (uint64_t i = first; i < n && i < first + core::kMaxBatchLength; ++i) {
      to.emplace_back(holder(i));
      amounts.emplace_back(U256(balance(i)));
    }
    l.call(agent, t, "distributeInKind(address[],uint256[],string,bytes32)",
           {to, amounts, std::string("setup"), abi::Value::bytes32(doc)});
  }
  return t;
}

struct Measured {
  double secs = 0;
  uint64_t gas = 0;
  uint64_t delta_bytes = 0;
};

Measured timed_split(Ledger& l, const Address& t, const Address& agent, const Bytes32& doc,
                     uint64_t num, uint64_t den) {
  CountingSink before;
  l.state.take_block_delta(before);  // the setup's writes: not this block's
  Measured m;
  const auto t0 = Clock::now();
  const CallResult r =
      l.call(agent, t, "split(uint256,uint256,string,bytes32)",
             {U256(num), U256(den), std::string("board"), abi::Value::bytes32(doc)});
  m.secs = since(t0);
  m.gas = r.gas_used;
  CountingSink sink;
  l.state.take_block_delta(sink);
  m.delta_bytes = sink.bytes;
  return m;
}

// Every balance the sequential floors of `ratios`, Σ = supply, the holder count.
void check(const core::SecurityToken& t, uint64_t n,
           const std::vector<std::pair<uint64_t, uint64_t>>& ratios) {
  U256 sum;
  uint64_t holders = 0;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t b = balance(i);
    for (const auto& [num, den] : ratios)
      b = b * num / den;
    const U256 got = t.balance_of(holder(i));
    if (got != U256(b)) die("holder " + std::to_string(i) + ": " + got.to_dec());
    sum = *sum.checked_add(got);
    if (b != 0) ++holders;
  }
  if (sum != t.total_supply()) die("Σ balances " + sum.to_dec() + " != supply");
  if (holders != t.holder_count()) die("holder count " + std::to_string(t.holder_count()));
}

int run() {
  const uint64_t n = env_u64("STOA_BENCH_SPLIT_HOLDERS", 1'000'000, 2);
  Ledger l;
  l.state.set_block_tracking(true);
  const Address agent = crypto::key_for_label("agent").address();
  const Bytes32 doc = keccak256(std::string_view("board resolution"));
  const auto s0 = Clock::now();
  const Address t = setup(l, n, agent, doc);
  const double setup_s = since(s0);
  const auto* token = l.state.contract_as<core::SecurityToken>(t);
  if (token->holder_count() != n) die("holders: " + std::to_string(token->holder_count()));

  const Measured fwd = timed_split(l, t, agent, doc, 3, 2);
  check(*token, n, {{3, 2}});
  // The first transfer of a holder after the split rewrites it at the new epoch.
  const auto t1 = Clock::now();
  const CallResult tr =
      l.call(agent, t, "forcedTransfer(address,address,uint256)", {holder(0), holder(1), U256(1)});
  const double first_s = since(t1);
  const Measured rev = timed_split(l, t, agent, doc, 1, 10);
  if (token->total_supply().is_zero()) die("no supply left");
  std::printf(
      "split: %llu holders; 3-for-2 in %.3f s, %llu gas, block delta %llu bytes; reverse "
      "1-for-10 in %.3f s, %llu gas, block delta %llu bytes; first transfer after a split %.6f "
      "s, %llu gas; setup %.2f s; supply %s, holders %llu\n",
      static_cast<unsigned long long>(n), fwd.secs, static_cast<unsigned long long>(fwd.gas),
      static_cast<unsigned long long>(fwd.delta_bytes), rev.secs,
      static_cast<unsigned long long>(rev.gas), static_cast<unsigned long long>(rev.delta_bytes),
      first_s, static_cast<unsigned long long>(tr.gas_used), setup_s,
      token->total_supply().to_dec().c_str(),
      static_cast<unsigned long long>(token->holder_count()));
  return 0;
}

}  // namespace
}  // namespace stoa::bench

int main() {
  return stoa::bench::run();
}
