// Plain-text scenarios (.scn, docs/scenarios.md): a genesis, named accounts, securities created
// with an offering preset, a list of calls with their sender and block time, and what each must
// give (return values, a revert with its error, events) plus views that must answer given values.
// The runner executes them on a fresh core::State and returns a structured report: pass/fail with
// file:line, and per security the cap table and every refused call with its reason.
//
// Errors in the scenario file itself (unknown account, unknown function, bad argument) are
// reported as ScenarioError with file:line; failed expectations as a Failure in the report.
// Exceptions are used here (an edge of the system), never in the core.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "stoa/common/address.h"
#include "stoa/common/u256.h"

namespace stoa::scenario {

// A mistake in a scenario file: what() is "file:line: message".
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string file, int line, const std::string& message);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_;
  std::string message_;
};

// ----------------------------------------------------------------------------- parsed form

// `target.function(arg, arg, ...)` as written; arguments are kept as text and resolved against
// the method's declared input types when the step runs (names are bound at run time).
struct CallExpr {
  std::string target;    // "ACME.token", "factory", "0x…"
  std::string function;  // "transfer"
  std::vector<std::string> args;
  std::string text;  // the whole expression as written
};

// What a call (or a view) must give.
struct Outcome {
  enum class Kind : uint8_t {
    kSucceed,        // no arrow: the call must succeed
    kReturns,        // -> returns v1, v2   (or == v1, v2 for expect)
    kRevertAny,      // -> revert
    kRevertError,    // -> revert Name  /  -> revert Name(a, b)
    kRevertMessage,  // -> revert "substring"   (Error(string))
  };
  Kind kind = Kind::kSucceed;
  std::string error_name;
  bool error_has_args = false;      // Name(…) rather than bare Name
  std::vector<std::string> values;  // return values, or the error's arguments
  std::string message;
  std::string text;  // as written, for messages
};

struct SecurityDecl {
  std::string symbol;
  std::string preset;  // key, e.g. "reg-d-506c"
  std::string admin;
  std::string compliance;
  std::string name;  // defaults to the symbol
  uint64_t decimals = 0;
};

struct Step {
  enum class Kind : uint8_t {
    kGenesis,   // genesis chain-id N [allow-role-overlap]
    kAccounts,  // accounts a b c
    kTime,      // time 2026-01-01[T09:30:00Z]
    kAdvance,   // advance N seconds|minutes|hours|days|weeks
    kSecurity,  // security SYM preset KEY admin A compliance B [name "…"] [decimals N] [-> …]
    kCall,      // sender target.fn(args) [-> …]
    kExpect,    // expect target.view(args) == v1, v2   |   expect target.view(args) -> revert …
    kEmits,     // emits target.Event(args)   (after a call)
  };
  Kind kind = Kind::kCall;
  int line = 0;
  std::string source;  // the line as written (continuations joined)

  std::vector<std::string> names;   // kAccounts
  uint64_t chain_id = 1337;         // kGenesis
  bool allow_role_overlap = false;  // kGenesis
  uint64_t timestamp = 0;           // kTime: seconds since the epoch
  uint64_t seconds = 0;             // kAdvance
  SecurityDecl security;            // kSecurity
  std::string sender;               // kCall
  CallExpr call;                    // kCall, kExpect, kEmits
  Outcome outcome;                  // kCall, kExpect, kSecurity
};

struct Scenario {
  std::string file;
  std::string title;
  std::vector<Step> steps;
};

// Parses a scenario; throws ScenarioError (file:line) on a malformed line.
Scenario parse(std::string_view text, const std::string& file);

// "2026-01-01", "2026-01-01T09:30:00Z", "2026-01-01 09:30", "@1767225600" -> Unix seconds.
std::optional<uint64_t> parse_time(std::string_view text);
std::string format_time(uint64_t unix_seconds);  // "2026-01-01T00:00:00Z"

// ----------------------------------------------------------------------------- report

struct Failure {
  bool scenario_error = false;  // the file is wrong (vs. an expectation that did not hold)
  std::string file;
  int line = 0;
  std::string source;  // the line
  std::string message;
  std::string expected;  // empty when not applicable
  std::string actual;
};

struct Refusal {
  int line = 0;
  std::string sender;  // account name (or address)
  std::string call;    // the call as written
  std::string
      revert;  // e.g. "TransferRestricted(2)", "AccessControlUnauthorizedAccount(bob, MINTER_ROLE)"
  std::optional<uint8_t> code;  // for TransferRestricted(code)
  std::string code_constant;    // e.g. RECEIVER_NOT_WHITELISTED
  std::string code_message;     // messageForTransferRestriction(code)
  bool expected = false;        // the scenario said it would revert
};

struct Holding {
  std::string holder;  // account name, or the address if it has none
  Address address;
  U256 balance;
  std::string percent;  // of total supply, two decimals, e.g. "12.50%"
};

// A dividend round of a security's distributor (docs/dividends.md).
struct DividendRoundReport {
  std::string distributor;  // SYM.dividends
  uint64_t round = 0;
  std::string payment_token;  // its symbol
  uint8_t decimals = 0;       // the payment token's
  U256 amount;
  uint64_t checkpoint = 0;
  U256 paid;  // net to holders
  U256 withheld;
  U256 reclaimed;
  uint64_t payments = 0;
  bool closed = false;
  std::optional<Bytes32> partition;  // a round by partition (rules V7)
  uint64_t split = 0;  // cash in lieu of this split's fractions (rules V7); 0: a dividend
};

// A split or reverse split of a security (docs/balance-model.md, "Splits").
struct SplitReport {
  uint64_t id = 0;
  U256 numerator;  // 3-for-2: 3 / 2
  U256 denominator;
  uint64_t timestamp = 0;
  U256 supply_before;
  U256 supply_after;
  // Shares the per-holder flooring took away, in the token's smallest unit, as a fraction over
  // the denominator: supply_before × numerator − supply_after × denominator (owed as cash).
  U256 fraction_numerator;
  uint64_t cash_in_lieu_round = 0;  // of the security's distributor SYM.dividends (0: none)
};

struct SecurityReport {
  std::string symbol;
  std::string name;
  std::string preset_key;
  std::string preset_name;
  Address token;
  uint8_t decimals = 0;
  U256 total_supply;
  uint64_t holder_count = 0;
  bool paused = false;
  std::vector<Holding> cap_table;              // descending by balance, then by name
  std::vector<Refusal> refusals;               // calls to this security's contracts that reverted
  std::vector<DividendRoundReport> dividends;  // of its distributor SYM.dividends, by round
  std::vector<SplitReport> splits;             // by split id
};

struct Report {
  std::string file;
  std::string title;
  bool passed = false;
  size_t steps = 0;  // steps executed
  std::optional<Failure> failure;
  std::vector<SecurityReport> securities;  // in creation order
  std::vector<Refusal> other_refusals;     // reverted calls to the factory or other contracts
  uint64_t final_timestamp = 0;
};

// Runs a parsed scenario on a fresh state. Never throws for the scenario's own problems: they
// come back as report.failure (scenario_error set for mistakes in the file).
Report run(const Scenario& scenario);
// Parses then runs; a parse error comes back as report.failure.
Report run_text(std::string_view text, const std::string& file);
// Reads a file then runs it; an unreadable file comes back as report.failure.
Report run_file(const std::string& path);

// "FAIL file:line: message\n  line: …\n  expected: …\n  actual:   …"
std::string format_failure(const Failure& f);
// Cap tables and refusals, for a person.
std::string format_report(const Report& r);
// 1234567 with `decimals` → "1,234,567" / "12,345.67".
std::string format_amount(const U256& v, uint8_t decimals);
// "round 1: 1,000.00 USD to the holders of record at checkpoint 1 — 3 payments, net …".
std::string format_dividend_round(const DividendRoundReport& d);
// "split 1: 3-for-2 on 2027-02-05 — supply 850,000 → 1,274,999; 1 share in fractions".
std::string format_split(const SplitReport& s, uint8_t decimals);

}  // namespace stoa::scenario
