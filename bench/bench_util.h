// What the command-style benches share (journal_bench, pipeline_bench, restart_bench): the chain's
// constants, wall-clock timing, failing loudly (a wrong answer fails the bench), and signed calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "stoa/abi/abi.h"
#include "stoa/chain/transaction.h"

namespace stoa::bench {

using Clock = std::chrono::steady_clock;
inline constexpr uint64_t kChainId = 1337;
inline constexpr uint64_t kT0 = 1767225600;  // genesis: 2026-01-01T00:00:00Z

inline double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Prints "<program>: <what>" and exits 1.
[[noreturn]] inline void die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

// A whole decimal number from the environment, or `fallback` when unset or empty; anything else
// stops the bench with the variable's name. `min` is the least value that makes sense.
inline uint64_t env_u64(const char* name, uint64_t fallback, uint64_t min = 0) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (*end != '\0' || *v == '-') die(std::string(name) + " is not a whole number: " + v);
  if (n < min) die(std::string(name) + " must be at least " + std::to_string(min));
  return n;
}

inline Bytes calldata(std::string_view signature, const abi::ValueList& args) {
  auto sig = abi::parse_signature(signature);
  if (!sig) die("bad signature " + std::string(signature));
  auto data = abi::encode_call(*sig, args);
  if (data.index() != 0) die("cannot encode a call to " + std::string(signature));
  return std::get<Bytes>(std::move(data));
}

// A signed EIP-1559 call on kChainId; `sender` is the key's (cached) address.
inline chain::SignedTransaction signed_tx(const crypto::PrivateKey& key, const Address& sender,
                                          uint64_t nonce, const Address& to, Bytes data,
                                          uint64_t gas_limit = 1'000'000) {
  chain::Transaction t;
  t.chain_id = kChainId;
  t.nonce = nonce;
  t.gas_limit = gas_limit;
  t.to = to;
  t.data = std::move(data);
  return chain::sign_transaction(t, key, sender);
}

}  // namespace stoa::bench
