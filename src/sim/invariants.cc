#include "stoa/sim/invariants.h"

#include <string>
#include <variant>

#include "stoa/core/codes.h"
#include "stoa/core/errors.h"

namespace stoa::sim {
namespace {
std::string amount_text(const U256& v) {
  return v.to_dec();
}
std::string addr_text(const Address& a) {
  return a.checksum_hex();
}
}  // namespace

U256 TokenModel::balance(const Address& a) const {
  auto it = balances.find(a);
  return it == balances.end() ? U256(0) : it->second;
}

U256 TokenModel::allowance(const Address& owner, const Address& spender) const {
  auto it = allowances.find({owner, spender});
  return it == allowances.end() ? U256(0) : it->second;
}

void TokenModel::mint(const Address& to, const U256& amount) {
  auto s = supply.checked_add(amount);
  STOA_ASSERT(s.has_value());
  supply = *s;
  auto b = balance(to).checked_add(amount);
  STOA_ASSERT(b.has_value());
  if (b->is_zero()) {
    balances.erase(to);
  } else {
    balances[to] = *b;
  }
}

void TokenModel::burn(const Address& from, const U256& amount) {
  auto s = supply.checked_sub(amount);
  STOA_ASSERT(s.has_value());
  supply = *s;
  auto b = balance(from).checked_sub(amount);
  STOA_ASSERT(b.has_value());
  if (b->is_zero()) {
    balances.erase(from);
  } else {
    balances[from] = *b;
  }
}

void TokenModel::move(const Address& from, const Address& to, const U256& amount) {
  if (from == to) return;
  auto f = balance(from).checked_sub(amount);
  STOA_ASSERT(f.has_value());
  auto t = balance(to).checked_add(amount);
  STOA_ASSERT(t.has_value());
  if (f->is_zero()) {
    balances.erase(from);
  } else {
    balances[from] = *f;
  }
  if (t->is_zero()) {
    balances.erase(to);
  } else {
    balances[to] = *t;
  }
}

void TokenModel::set_allowance(const Address& owner, const Address& spender, const U256& amount) {
  if (amount.is_zero()) {
    allowances.erase({owner, spender});
  } else {
    allowances[{owner, spender}] = amount;
  }
}

std::optional<Violation> check_token(const core::SecurityToken& token, const TokenModel& model) {
  const auto holders = token.holders();
  U256 sum;
  for (const auto& [a, b] : holders) {
    if (b.is_zero()) {
      return Violation{"balances-canonical", "zero balance stored for " + addr_text(a)};
    }
    auto s = sum.checked_add(b);
    if (!s) return Violation{"supply-equals-sum-of-balances", "sum of balances overflows 2^256"};
    sum = *s;
  }
  if (sum != token.total_supply()) {
    return Violation{"supply-equals-sum-of-balances",
                     "totalSupply " + amount_text(token.total_supply()) + " != sum of balances " +
                         amount_text(sum)};
  }
  for (const auto& [a, b] : holders) {  // docs/balance-model.md
    U256 parts;
    U256 held;
    for (const Bytes32& p : token.partitions_of(a)) {
      const U256 amount = token.balance_of_by_partition(p, a);
      const U256 on_hold = token.balance_on_hold_by_partition(p, a);
      if (on_hold > amount) {
        return Violation{"holds-within-partitions",
                         addr_text(a) + " holds " + amount_text(on_hold) + " of a partition of " +
                             amount_text(amount)};
      }
      parts = parts.checked_add(amount).value_or(U256::max());
      held = held.checked_add(on_hold).value_or(U256::max());
    }
    if (parts != b) {
      return Violation{"partitions-sum-to-balance", addr_text(a) + " balance " + amount_text(b) +
                                                        " != sum of partitions " +
                                                        amount_text(parts)};
    }
    if (held != token.balance_on_hold(a) || held > b) {
      return Violation{"holds-within-balance", addr_text(a) + " held " +
                                                   amount_text(token.balance_on_hold(a)) +
                                                   ", by partition " + amount_text(held)};
    }
  }
  if (token.holder_count() != holders.size()) {
    return Violation{"holder-count", "holderCount " + std::to_string(token.holder_count()) +
                                         " != non-zero balances " + std::to_string(holders.size())};
  }
  if (model.supply != token.total_supply()) {
    return Violation{"model-supply", "token supply " + amount_text(token.total_supply()) +
                                         " != model supply " + amount_text(model.supply)};
  }
  if (model.balances.size() != holders.size()) {
    return Violation{"model-balances", "token has " + std::to_string(holders.size()) +
                                           " holders, model " +
                                           std::to_string(model.balances.size())};
  }
  auto it = model.balances.begin();
  for (const auto& [a, b] : holders) {  // both ascending by address
    if (it->first != a || it->second != b) {
      return Violation{"model-balances", "token " + addr_text(a) + "=" + amount_text(b) +
                                             ", model " + addr_text(it->first) + "=" +
                                             amount_text(it->second)};
    }
    ++it;
  }
  if (model.paused != token.paused()) {
    return Violation{"model-paused", std::string("token paused=") +
                                         (token.paused() ? "true" : "false") + ", model " +
                                         (model.paused ? "true" : "false")};
  }
  return std::nullopt;
}

std::optional<Violation> check_revert_unchanged(const Bytes32& before, const Bytes32& after,
                                                size_t logs_kept) {
  if (before != after) {
    return Violation{"revert-leaves-state-unchanged",
                     "digest before " + before.hex() + " != after " + after.hex()};
  }
  if (logs_kept != 0) {
    return Violation{"revert-leaves-state-unchanged",
                     std::to_string(logs_kept) + " log(s) kept by a reverted call"};
  }
  return std::nullopt;
}

Bytes expected_movement_revert(const MovementFacts& f) {
  using core::ErrorId;
  using core::make_revert;
  if (f.allowance_checked && f.allowance != U256::max() && f.allowance < f.amount) {
    return make_revert(ErrorId::kERC20InsufficientAllowance, {f.spender, f.allowance, f.amount})
        .data;
  }
  if (f.from.is_zero()) return make_revert(ErrorId::kERC20InvalidSender, {f.from}).data;
  if (f.to.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {f.to}).data;
  if (f.detect_code == core::code::kSuccess) return {};
  if (f.detect_code == core::code::kInsufficientBalance) {
    return make_revert(ErrorId::kERC20InsufficientBalance, {f.from, f.from_balance, f.amount}).data;
  }
  return make_revert(ErrorId::kTransferRestricted, {U256(f.detect_code)}).data;
}

std::optional<Violation> check_movement(const MovementFacts& f, const MovementOutcome& out) {
  const Bytes expected = expected_movement_revert(f);
  const std::string what = addr_text(f.from) + " -> " + addr_text(f.to) + " amount " +
                           amount_text(f.amount) + ", detect=" + std::to_string(f.detect_code);
  if (expected.empty()) {
    if (!out.success) {
      return Violation{"detect-agrees-with-transfer", what + " but the movement reverted " +
                                                          core::describe_revert(out.revert_data)};
    }
    return std::nullopt;
  }
  if (out.success) {
    return Violation{
        "detect-agrees-with-transfer",
        what + " but the movement succeeded; expected " + core::describe_revert(expected)};
  }
  if (out.revert_data != expected) {
    return Violation{"detect-agrees-with-transfer",
                     what + ": reverted " + core::describe_revert(out.revert_data) + ", expected " +
                         core::describe_revert(expected)};
  }
  return std::nullopt;
}

std::string revert_reason(BytesView data) {
  if (data.size() < 4) return data.empty() ? "empty-revert" : "short-revert";
  static const Bytes kRestricted =
      core::make_revert(core::ErrorId::kTransferRestricted, {U256(0)}).data;
  if (std::equal(kRestricted.begin(), kRestricted.begin() + 4, data.begin())) {
    if (data.size() == 36) return "TransferRestricted(" + std::to_string(data[35]) + ")";
    return "TransferRestricted(?)";
  }
  std::string d = core::describe_revert(data);
  if (d.rfind("Error(", 0) == 0) {
    for (const char* key : {"unknown function selector", "malformed arguments", "no contract",
                            "shorter than a 4-byte"}) {
      if (d.find(key) != std::string::npos) return std::string("Error(") + key + ")";
    }
    return "Error(other)";
  }
  auto p = d.find('(');
  return p == std::string::npos ? d : d.substr(0, p);
}

}  // namespace stoa::sim
