// A conversion (merger) of security A into security B over STOA_BENCH_CONVERSION_HOLDERS holders
// (default 1,000,000; docs/corporate-actions.md, docs/PERFORMANCE.md): the holders are created
// by distributions in kind of 5,000 each, then startConversion and continueConversion run the
// metered steps of 1,000 holders until it finishes. Prints the wall time of the conversion, its
// steps and the largest step's gas; checks the result (A retired with no holder, B's supply the
// sum of floor(balance × n / d), the fractions) and exits non-zero on a wrong answer.
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
  b[0] = 0x5a;
  for (int k = 0; k < 8; ++k)
    b[19 - k] = static_cast<uint8_t>(i >> (8 * k));
  return Address::from_view(b);
}

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

Address create(Ledger& l, const Address& issuer, const std::string& symbol) {
  l.call(crypto::key_for_label("operator").address(), core::factory_address(),
         "createSecurity(string,string,uint8,uint8,address,address)",
         {symbol, symbol, 0, 5, issuer, crypto::key_for_label("officer").address()});
  const core::SecuritySet* s = l.state.factory().find_by_symbol(symbol);
  if (s == nullptr) die("no security " + symbol);
  return s->token;
}

int run() {
  const uint64_t n = env_u64("STOA_BENCH_CONVERSION_HOLDERS", 1'000'000, 1);
  Ledger l;
  const Address issuer = crypto::key_for_label("issuer").address();
  const Address agent = crypto::key_for_label("agent").address();
  const Address a = create(l, issuer, "OLD");
  const Address b = create(l, issuer, "NEW");
  for (const Address& t : {a, b}) {
    l.call(issuer, t, "grantRole(bytes32,address)",
           {abi::Value::bytes32(core::roles::corporate_action()), agent});
  }
  const Bytes32 doc = keccak256(std::string_view("merger agreement"));
  const auto setup = Clock::now();
  for (uint64_t first = 0; first < n; first += core::kMaxBatchLength) {
    abi::ValueList to;
    abi::ValueList amounts;
    for (uint64_t i = first; i < n && i < first + core::kMaxBatchLength; ++i) {
      to.emplace_back(holder(i));
      amounts.emplace_back(U256(1000 + i % 7));
    }
    l.call(agent, a, "distributeInKind(address[],uint256[],string,bytes32)",
           {to, amounts, std::string("setup"), abi::Value::bytes32(doc)});
  }
  const double setup_s = since(setup);
  const auto* ta = l.state.contract_as<core::SecurityToken>(a);
  const auto* tb = l.state.contract_as<core::SecurityToken>(b);
  if (ta->holder_count() != n) die("holders of A: " + std::to_string(ta->holder_count()));

  const auto t0 = Clock::now();
  uint64_t steps = 1;
  uint64_t max_gas = 0;
  CallResult r = l.call(agent, a, "startConversion(address,uint256,uint256,string,bytes32)",
                        {b, U256(3), U256(2), std::string("merger"), abi::Value::bytes32(doc)});
  max_gas = r.gas_used;
  while (U256::from_be(r.output) != U256(1)) {
    r = l.call(agent, a, "continueConversion()", {});
    ++steps;
    if (r.gas_used > max_gas) max_gas = r.gas_used;
  }
  const double secs = since(t0);

  U256 expected;
  U256 fractions;
  for (uint64_t i = 0; i < n; ++i) {
    const U256 bal(1000 + i % 7);
    const U256 got = tb->balance_of(holder(i));
    if (got != *bal.mul_div_floor(U256(3), U256(2))) die("holder " + std::to_string(i));
    expected = *expected.checked_add(got);
    fractions = *fractions.checked_add(*bal.checked_mul(U256(3))->checked_mod(U256(2)));
  }
  if (!ta->retired() || ta->holder_count() != 0 || !ta->total_supply().is_zero()) {
    die("A is not retired with no holder");
  }
  if (tb->total_supply() != expected || tb->holder_count() != n) die("B's supply or holders");
  std::printf(
      "conversion: %llu holders in %.2f s (%.0f holders/s), %llu steps of %zu, largest step "
      "%llu gas; setup (distributions in kind) %.2f s; fractions owed %s/2 shares\n",
      static_cast<unsigned long long>(n), secs, static_cast<double>(n) / secs,
      static_cast<unsigned long long>(steps), core::SecurityToken::kConversionStep,
      static_cast<unsigned long long>(max_gas), setup_s, fractions.to_dec().c_str());
  return 0;
}

}  // namespace
}  // namespace stoa::bench

int main() {
  return stoa::bench::run();
}
