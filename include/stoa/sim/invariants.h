// The simulator's reference model and its invariant checks. The model is deliberately simple:
// balances, supply, allowances, the pause flag and role membership of one security, updated only
// when a call succeeds, and compared with the token after every call. Each check returns the
// violated invariant (name and detail) or nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "stoa/common/address.h"
#include "stoa/common/bytes.h"
#include "stoa/common/u256.h"
#include "stoa/core/security_token.h"

namespace stoa::sim {

struct Violation {
  std::string invariant;  // short stable name, e.g. "supply-equals-sum-of-balances"
  std::string detail;
};

// What the simulator believes one security's token holds.
struct TokenModel {
  std::map<Address, U256> balances;  // non-zero entries only
  U256 supply;
  std::map<std::pair<Address, Address>, U256> allowances;  // (owner, spender), non-zero only
  bool paused = false;
  std::set<std::pair<Bytes32, Address>> roles;  // (role, account)

  U256 balance(const Address& a) const;
  U256 allowance(const Address& owner, const Address& spender) const;
  bool has_role(const Bytes32& role, const Address& a) const { return roles.contains({role, a}); }
  // Model updates for successful movements (assert the arithmetic the core must also have done).
  void mint(const Address& to, const U256& amount);
  void burn(const Address& from, const U256& amount);
  void move(const Address& from, const Address& to, const U256& amount);
  void set_allowance(const Address& owner, const Address& spender, const U256& amount);
};

// total supply = Σ balances; holder count = number of non-zero balances; every balance entry is
// non-zero; and the token agrees with the model (balances, supply, paused).
std::optional<Violation> check_token(const core::SecurityToken& token, const TokenModel& model);

// A refused call changes nothing: the digest after equals the digest before, and no log is kept.
std::optional<Violation> check_revert_unchanged(const Bytes32& before, const Bytes32& after,
                                                size_t logs_kept);

// The outcome of one transfer-like movement (a transfer, a transferFrom, or one leg of a batch).
struct MovementOutcome {
  bool success = false;
  Bytes revert_data;  // when !success
};

// What detectTransferRestriction (and the allowance and zero-address checks that precede it)
// says must happen to a movement.
struct MovementFacts {
  Address from;
  Address to;
  U256 amount;
  U256 from_balance;               // before the call
  uint8_t detect_code = 0;         // detectTransferRestriction(from, to, amount) before the call
  bool allowance_checked = false;  // a transferFrom: the allowance is checked first
  Address spender;
  U256 allowance;  // before the call (transferFrom)
};

// The expected revert data for a movement (empty = success).
Bytes expected_movement_revert(const MovementFacts& f);
// detectTransferRestriction agrees with the outcome: 0 iff the movement succeeds; otherwise it
// reverts TransferRestricted(code) with the same code, except 14 which reverts
// ERC20InsufficientBalance(from, balance, amount). Allowance and zero-address refusals come
// first, as the token checks them before the compliance predicate.
std::optional<Violation> check_movement(const MovementFacts& f, const MovementOutcome& out);

// A short, stable reason for a revert ("TransferRestricted(6)", "AccessControlUnauthorizedAccount",
// "Error(unknown selector)") used to count reverts by reason.
std::string revert_reason(BytesView revert_data);

}  // namespace stoa::sim
