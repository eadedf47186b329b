// A seeded simulator in the style of TigerBeetle's VOPR: a seed picks a world (1-3 securities
// with different presets, 20-200 accounts) and a stream of random calls against the core — most
// through ABI calldata and the dispatcher, some natively — with invariants checked after every
// call against a simple reference model. The same seed always gives the same stream and the same
// state digests; a failure names its seed, step, call and violated invariant (docs/simulator.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stoa/common/bytes.h"

namespace stoa::sim {

struct SimOptions {
  uint64_t seed = 1;
  uint64_t steps = 2000;            // random steps after the set-up calls
  uint64_t checkpoint_every = 100;  // steps between recorded state digests
  bool replay = true;               // run_seed: replay in a fresh State and compare digests
  // Test hook: before this step (1-based) the model of the first security is made inconsistent
  // with the token (its supply is raised by one), so the checker must report that step. 0 = off.
  uint64_t corrupt_model_at_step = 0;
  // Test hook: from this step (1-based) on, at the first step where a snapshot of the first
  // security recorded a partition amount, that amount is raised by one in the model's record, so
  // the checkpoint replay must report it. 0 = off.
  uint64_t corrupt_snapshot_from_step = 0;
};

struct SimFailure {
  uint64_t step = 0;      // 0 = set-up
  std::string call;       // the call being checked, readable
  std::string invariant;  // e.g. "detect-agrees-with-transfer"
  std::string detail;
};

struct SimReport {
  uint64_t seed = 0;
  uint64_t steps = 0;  // steps executed
  uint64_t calls = 0;  // state-changing calls executed (ABI and native)
  uint64_t abi_calls = 0;
  uint64_t native_calls = 0;
  uint64_t succeeded = 0;
  uint64_t reverted = 0;
  uint64_t views = 0;  // simulate() / view calls made to check agreement
  std::map<std::string, uint64_t> reverts_by_reason;
  std::map<std::string, std::pair<uint64_t, uint64_t>> calls_by_method;  // (calls, succeeded)
  // The balance model's traffic and checks: successful snapshots, partition moves, holds placed,
  // executed, released and released after expiry, gifts, forced transfers; checkpoint values
  // and lots compared (docs/simulator.md).
  std::map<std::string, uint64_t> balance_model;
  size_t securities = 0;
  size_t accounts = 0;
  Bytes32 final_digest;
  std::vector<Bytes32> checkpoints;  // digest after every checkpoint_every steps
  std::optional<SimFailure> failure;
  bool ok() const { return !failure.has_value(); }
};

// One pass of a seed's stream.
SimReport run_once(const SimOptions& options);
// One pass, then (if options.replay) a second pass in a fresh State whose checkpoint and final
// digests must equal the first's ("replay-same-digest").
SimReport run_seed(const SimOptions& options);

// "seed 7: 2000 steps, 2031 calls (...), reverts [...], digest 0x..."
std::string summary_line(const SimReport& report);
// Several lines: seed, step, call, invariant and detail, and the command that reproduces it.
std::string failure_text(const SimReport& report, const SimOptions& options);

// The seed, step and call being executed (updated before every call), for crash handlers: a
// core assertion aborts the process, and the handler prints this so the seed is never lost.
const char* current_call_context();

}  // namespace stoa::sim
