#include "stoa/core/security_token.h"

#include <algorithm>

#include "stoa/core/abi_registry.h"
#include "stoa/core/codes.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/state.h"
#include "stoa/crypto/eip712.h"
#include "stoa/crypto/secp256k1.h"

namespace stoa::core {
namespace {

const Bytes32& transfer_topic() {
  static const Bytes32 t = keccak256(std::string_view("Transfer(address,address,uint256)"));
  return t;
}
const Bytes32& permit_typehash() {
  static const Bytes32 t = keccak256(std::string_view(
      "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"));
  return t;
}

// ERC-165 interface ids, computed from the signatures they are defined by.
uint32_t iface(std::initializer_list<std::string_view> sigs) {
  return ContractAbi::interface_id(std::span<const std::string_view>(sigs.begin(), sigs.size()));
}
bool supports(uint32_t id) {
  static const uint32_t kIds[] = {
      iface({"supportsInterface(bytes4)"}),
      iface({"totalSupply()", "balanceOf(address)", "transfer(address,uint256)",
             "allowance(address,address)", "approve(address,uint256)",
             "transferFrom(address,address,uint256)"}),
      iface({"name()", "symbol()", "decimals()"}),  // IERC20Metadata
      iface({"detectTransferRestriction(address,address,uint256)",
             "messageForTransferRestriction(uint8)"}),
      iface({"hasRole(bytes32,address)", "getRoleAdmin(bytes32)", "grantRole(bytes32,address)",
             "revokeRole(bytes32,address)", "renounceRole(bytes32,address)"}),
      iface({"permit(address,address,uint256,uint256,uint8,bytes32,bytes32)", "nonces(address)",
             "DOMAIN_SEPARATOR()"}),
      iface({"eip712Domain()"}),
      iface({"verifyTransfer(address,address,uint256,bytes)"}),
  };
  if (id == 0xffffffffu) return false;
  return std::find(std::begin(kIds), std::end(kIds), id) != std::end(kIds);
}
}  // namespace

SecurityToken::SecurityToken(State& state, const Address& self, TokenConfig config)
    : Contract(state, self), config_(undo_log(), Slot{95}, std::move(config)) {}

Bytes32 SecurityToken::domain_separator() const {
  return crypto::eip712_domain_separator(config_.get().name, "1", state_.chain_id(), self_);
}

Address SecurityToken::investor_of(const Address& wallet) const {
  if (const IdentityRegistry* ir = identity_registry_.get()) {
    const Address id = ir->identity_of(wallet);
    if (!id.is_zero()) return id;
  }
  return wallet;
}

U256 SecurityToken::investor_balance(const Address& investor) const {
  if (const U256* b = investor_balances_.find(investor)) return *b;
  return balance_of(investor);
}

void SecurityToken::add_to_investor(const Address& wallet, const Address& investor,
                                    const U256& before, const U256& amount, bool add) {
  if (amount.is_zero()) return;
  std::optional<U256> after = add ? before.checked_add(amount) : before.checked_sub(amount);
  STOA_ASSERT(after.has_value());
  if (investor != wallet) investor_balances_.set(investor, *after);
  if (before.is_zero() && !after->is_zero()) investor_count_.set(investor_count_.get() + 1);
  if (!before.is_zero() && after->is_zero()) investor_count_.set(investor_count_.get() - 1);
}

void SecurityToken::rekey_investor(const Address& wallet, const Address& before,
                                   const Address& after) {
  if (before == after) return;
  // During a rebuild only the holders already summed (phase 2, at or below the cursor) are
  // counted under an investor; the others are summed with their new identity when reached.
  if (rebuild_phase_.get() == 1) return;
  if (rebuild_phase_.get() == 2 && AddressLess{}(rebuild_cursor_.get(), wallet)) return;
  const U256 bal = balance_of(wallet);
  if (bal.is_zero()) return;
  const Address from = before.is_zero() ? wallet : before;
  const Address to = after.is_zero() ? wallet : after;
  // The wallet's balance is already counted under `from`; move it to `to`.
  add_to_investor(wallet, from, from == wallet ? bal : investor_balances_.get(from), bal, false);
  add_to_investor(wallet, to, to == wallet ? U256(0) : investor_balances_.get(to), bal, true);
}

std::vector<std::pair<Address, U256>> SecurityToken::holders() const {
  std::vector<std::pair<Address, U256>> out;
  balances_.for_each_sorted([&](const Address& a, const U256& b) {
    const U256 now = now_of(a, b);  // a reverse split can leave a holder not yet rewritten at 0
    if (!now.is_zero()) out.emplace_back(a, now);
  });
  return out;
}

Movement SecurityToken::movement(MovementKind kind, const Address& from, const Address& to,
                                 const U256& amount, uint64_t timestamp) const {
  Movement m;
  m.kind = kind;
  m.from = from;
  m.to = to;
  m.amount = amount;
  m.timestamp = timestamp;
  m.token = self_;
  if (!from.is_zero()) {
    if (const U256* b = balances_.find(from)) m.from_balance = now_of(from, *b);
  }
  if (!to.is_zero()) {
    if (const U256* b = balances_.find(to)) m.to_balance = now_of(to, *b);
  }
  m.holder_count = holder_count_.get();
  m.investor_count = investor_count_.get();
  const IdentityRegistry* ir = identity_registry_.get();
  auto investor = [&](const Address& w, const U256& bal, Address& inv, U256& inv_bal) {
    const Address id = ir == nullptr ? Address{} : ir->identity_of(w);
    inv = id.is_zero() ? w : id;
    inv_bal = id.is_zero() ? bal : investor_balances_.get(id);
  };
  if (!from.is_zero()) {
    investor(from, m.from_balance, m.from_investor, m.from_investor_balance);
    if (frozen_.size() != 0) m.from_frozen = frozen_.get(from);
    if (frozen_tokens_.size() != 0) m.from_frozen_amount = frozen_tokens_.get(from);
    if (held_total_.size() != 0) m.from_held = held_total_.get(from);
  }
  if (!to.is_zero()) {
    investor(to, m.to_balance, m.to_investor, m.to_investor_balance);
    if (frozen_.size() != 0) m.to_frozen = frozen_.get(to);
  }
  const Eligibility elig = eligibility();
  // Identity facts: the sender's for the kinds checked on the sender's side; the receiver's for
  // every kind with a receiver (the rules check deliveries; the 506(b) tracker counts every
  // receiver, the agent's moves included).
  const bool sender_checked = movement_kinds::kSenderChecked.has(kind);
  if (ir != nullptr && elig != Eligibility::kWhitelist && (sender_checked || !to.is_zero())) {
    m.identity_mode = elig == Eligibility::kIdentity;
    if (sender_checked) m.from_verified = ir->is_verified(from, timestamp);
    if (!to.is_zero()) {
      m.to_verified = ir->is_verified(to, timestamp);
      const ComplianceRegistry* r = registry_.get();
      m.to_accreditation_claims =
          ir->accreditation(to, timestamp, r != nullptr && r->accept_self_certified());
    }
  }
  if (partitions_in_use()) partition_facts(m);
  return m;
}

U256 SecurityToken::spendable(const Address& holder) const {
  const U256* frozen = frozen_tokens_.size() == 0 ? nullptr : frozen_tokens_.find(holder);
  U256 locked = frozen == nullptr ? U256(0) : *frozen;
  if (held_total_.size() != 0) {
    locked = locked.checked_add(held_total_.get(holder)).value_or(U256::max());
  }
  return spendable_amount(balance_of(holder), locked);
}

// Precedence (docs/restriction-codes.md): pause (8) first, so a paused token answers 8 whatever
// else is wrong; then the registry's core checks (1-7) and its modules in order (16-22, and
// later module codes); then TransferRestriction (32, 33); then the sender's balance (14).
// Sender-side conditions apply to a holder's own moves (transfer, transferFrom, bridge out),
// receiver-side ones to deliveries (those and issuance, bridge in); burns and the agent's moves
// (forced, recovery, corporate actions) meet no rule (movement_kinds in contract.h).
void SecurityToken::evaluate(const Movement& m, RuleSink& sink) const {
  const bool transfer = m.sender_checked();
  const bool receive = m.receiver_checked();
  if (!transfer && !receive) return;
  if (transfer && paused_.get() && sink.fail(code::kTokenPaused, self_)) return;
  if (transfer && m.from_frozen && sink.fail(code::kSenderFrozen, self_)) return;
  if (receive && m.to_frozen && sink.fail(code::kReceiverFrozen, self_)) return;
  if (transfer && !m.from_verified && sink.fail(code::kSenderNotVerified, self_)) return;
  if (receive && !m.to_verified && sink.fail(code::kReceiverNotVerified, self_)) return;
  if (const ComplianceRegistry* r = registry_.get()) {
    r->evaluate(m, sink);
    if (sink.stopped()) return;
  }
  if (const TransferRestriction* t = restriction_.get()) {
    t->evaluate(m, sink);
    if (sink.stopped()) return;
  }
  if (transfer && m.from_balance < m.amount) {
    sink.fail(code::kInsufficientBalance, self_);
  } else if (transfer && spendable_amount(m.from_balance, m.from_frozen_amount) < m.amount) {
    sink.fail(code::kFrozenAmount, self_);
  } else if (transfer && m.from_spendable() < m.amount) {
    sink.fail(code::kAmountOnHold, self_);
  } else if (m.partition_code != 0) {
    sink.fail(m.partition_code, self_);
  }
}

// Issues the loads of every account entry a transfer reads (balances, registry records, module
// lists) before reading any of them, so their cache misses overlap instead of queueing one after
// another. A hint only: no effect on state or on any result.
void SecurityToken::prefetch_transfer(const Address& from, const Address& to) const {
  balances_.prefetch(from);
  balances_.prefetch(to);
  if (const ComplianceRegistry* r = registry_.get()) {
    r->prefetch(MovementKind::kTransfer, from, to);
  }
}

uint8_t SecurityToken::detect(const Address& from, const Address& to, const U256& amount,
                              uint64_t timestamp) const {
  prefetch_transfer(from, to);
  RuleSink sink;
  evaluate(movement(MovementKind::kTransfer, from, to, amount, timestamp), sink);
  return sink.first_code();
}

SecurityToken::Explanation SecurityToken::explain(const Address& from, const Address& to,
                                                  const U256& amount, uint64_t timestamp) const {
  Explanation e;
  RuleSink sink;
  evaluate(movement(MovementKind::kTransfer, from, to, amount, timestamp), sink);
  e.code = sink.first_code();
  e.rule = sink.first_rule();
  // Largest passing amount: what the sender may move (spendable: balance less frozen), capped by
  // the per-transfer maximum. Every other amount-dependent rule passes a larger amount whenever
  // it passes a smaller one, except the holder cap, where sending everything can pass (the
  // sender leaves) while less cannot; so that one candidate decides, and otherwise it is 0.
  U256 candidate = std::min(spendable(from), plain_drawable(from, to, timestamp));
  if (const TransferRestriction* t = restriction_.get()) {
    const U256& max = t->max_transfer_amount();
    if (!max.is_zero() && max < candidate) candidate = max;
  }
  if (detect(from, to, candidate, timestamp) == 0) {
    e.max_amount = candidate;
  } else if (const U256 unlocked = lot_unlocked(from, timestamp); unlocked < candidate) {
    // Lots under a holding period (rules version 5) lock part of the balance: what is left.
    if (detect(from, to, unlocked, timestamp) == 0) e.max_amount = unlocked;
  }
  return e;
}

std::vector<RuleSink::Finding> SecurityToken::failing_rules(const Address& from, const Address& to,
                                                            const U256& amount,
                                                            uint64_t timestamp) const {
  RuleSink sink(/*collect_all=*/true);
  evaluate(movement(MovementKind::kTransfer, from, to, amount, timestamp), sink);
  return sink.findings();
}

void SecurityToken::emit_transfer(CallContext& ctx, const Address& from, const Address& to,
                                  const U256& amount) const {
  if (ctx.logs == nullptr) return;
  Log log;
  log.address = self_;
  log.topics = {transfer_topic(), from.to_word(), to.to_word()};
  log.data.resize(32);
  amount.to_be(log.data.data());
  charge_log(*undo_log(), log);
  ctx.logs->push_back(std::move(log));
}

void SecurityToken::apply(CallContext& ctx, const Movement& m) {
  if (snapshot_id_.get() != 0) checkpoint_movement(m);
  if (splits_.size() != 0) {  // bring both holders to the current split epoch before any write
    if (!m.from.is_zero()) normalize(m.from);
    if (!m.to.is_zero()) normalize(m.to);
  }
  if (rules::lots_and_splits(ctx.block.rules)) apply_lots(ctx, m);  // reads partition amounts
  apply_partitions(ctx, m);  // before the balances: its draw plan reads them
  if (m.from != m.to) {
    uint64_t holders = holder_count_.get();
    if (!m.from.is_zero()) {
      auto left = m.from_balance.checked_sub(m.amount);
      STOA_ASSERT(left.has_value());  // evaluated: balance >= amount
      balances_.set(m.from, *left);
      if (!m.from_balance.is_zero() && left->is_zero()) --holders;
    }
    if (!m.to.is_zero()) {
      auto now = m.to_balance.checked_add(m.amount);
      STOA_ASSERT(now.has_value());  // a balance never exceeds the total supply
      balances_.set(m.to, *now);
      if (m.to_balance.is_zero() && !now->is_zero()) ++holders;
    }
    if (holders != holder_count_.get()) holder_count_.set(holders);
    const bool same_investor =
        !m.from.is_zero() && !m.to.is_zero() && m.from_investor == m.to_investor;
    if (!same_investor) {
      if (!m.from.is_zero()) {
        add_to_investor(m.from, m.from_investor, m.from_investor_balance, m.amount, false);
      }
      if (!m.to.is_zero()) {
        add_to_investor(m.to, m.to_investor, m.to_investor_balance, m.amount, true);
      }
    }
  }
  if (m.kind == MovementKind::kMint) {
    total_supply_.set(*total_supply_.get().checked_add(m.amount));
  } else if (m.kind == MovementKind::kBurn) {
    total_supply_.set(*total_supply_.get().checked_sub(m.amount));
  }
  if (ComplianceRegistry* r = registry_.get()) r->on_movement(ctx, m);
  emit_transfer(ctx, m.from, m.to, m.amount);
}

Status SecurityToken::move(CallContext& ctx, MovementKind kind, const Address& from,
                           const Address& to, const U256& amount) {
  if (from.is_zero()) return make_revert(ErrorId::kERC20InvalidSender, {from});
  if (to.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {to});
  STOA_TRY(require_investors_ready());
  prefetch_transfer(from, to);
  Movement m = movement(kind, from, to, amount, ctx.block.timestamp);
  RuleSink sink;
  evaluate(m, sink);
  if (sink.first_code() == code::kInsufficientBalance) {
    return make_revert(ErrorId::kERC20InsufficientBalance, {from, m.from_balance, amount});
  }
  if (sink.first_code() != 0) {
    return make_revert(ErrorId::kTransferRestricted, {U256(sink.first_code())});
  }
  apply(ctx, m);
  return Status::Ok();
}

Status SecurityToken::transfer(CallContext& ctx, const Address& to, const U256& amount) {
  return move(ctx, MovementKind::kTransfer, ctx.sender, to, amount);
}

Status SecurityToken::transfer_from(CallContext& ctx, const Address& from, const Address& to,
                                    const U256& amount) {
  const U256 current = allowance(from, ctx.sender);
  if (current != U256::max()) {  // an unlimited allowance is not spent (OpenZeppelin)
    auto left = current.checked_sub(amount);
    if (!left) {
      return make_revert(ErrorId::kERC20InsufficientAllowance, {ctx.sender, current, amount});
    }
    allowances_.set(AddressPair{from, ctx.sender}, *left);
  }
  return move(ctx, MovementKind::kTransferFrom, from, to, amount);
}

void SecurityToken::set_allowance(CallContext& ctx, const Address& owner, const Address& spender,
                                  const U256& amount) {
  allowances_.set(AddressPair{owner, spender}, amount);
  emit(ctx, "Approval", {owner, spender, amount});
}

Status SecurityToken::approve(CallContext& ctx, const Address& spender, const U256& amount) {
  if (spender.is_zero()) return make_revert(ErrorId::kERC20InvalidSpender, {spender});
  set_allowance(ctx, ctx.sender, spender, amount);
  return Status::Ok();
}

Status SecurityToken::permit(CallContext& ctx, const Address& owner, const Address& spender,
                             const U256& value, const U256& deadline, uint8_t v, const Bytes32& r,
                             const Bytes32& s) {
  if (U256(ctx.block.timestamp) > deadline) {
    return make_revert(ErrorId::kERC2612ExpiredSignature, {deadline});
  }
  if (owner.is_zero()) return make_revert(ErrorId::kERC20InvalidApprover, {owner});
  if (spender.is_zero()) return make_revert(ErrorId::kERC20InvalidSpender, {spender});
  if ((v != 27 && v != 28) || !crypto::is_low_s(s)) return make_revert(ErrorId::kInvalidSignature);
  const uint64_t nonce = nonces_.get(owner);
  Bytes enc;
  enc.reserve(6 * 32);
  auto word = [&](const Bytes32& w) { enc.insert(enc.end(), w.b.begin(), w.b.end()); };
  word(permit_typehash());
  word(owner.to_word());
  word(spender.to_word());
  word(value.to_bytes32());
  word(U256(nonce).to_bytes32());
  word(deadline.to_bytes32());
  undo_log()->charge(gas::keccak(enc.size()) + gas::keccak(66) + gas::kEcrecover);
  const Bytes32 digest = crypto::eip712_digest(domain_separator(), keccak256(BytesView(enc)));
  auto signer =
      crypto::recover_address(digest, crypto::Signature{r, s, static_cast<uint8_t>(v - 27)});
  if (!signer) return make_revert(ErrorId::kInvalidSignature);
  if (*signer != owner) return make_revert(ErrorId::kERC2612InvalidSigner, {*signer, owner});
  nonces_.set(owner, nonce + 1);
  set_allowance(ctx, owner, spender, value);
  return Status::Ok();
}

Status SecurityToken::mint(CallContext& ctx, const Address& to, const U256& amount) {
  STOA_TRY(access_.require(roles::minter(), ctx.sender));
  STOA_TRY(require_investors_ready());
  if (to.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {to});
  if (!total_supply_.get().checked_add(amount)) {
    return make_revert(ErrorId::kAmountOverflow, {total_supply_.get(), amount});
  }
  Movement m = movement(MovementKind::kMint, Address{}, to, amount, ctx.block.timestamp);
  RuleSink sink;
  evaluate(m, sink);
  if (sink.first_code() != 0) {
    return make_revert(ErrorId::kTransferRestricted, {U256(sink.first_code())});
  }
  apply(ctx, m);
  return Status::Ok();
}

Status SecurityToken::burn(CallContext& ctx, const Address& from, const U256& amount) {
  STOA_TRY(access_.require(roles::minter(), ctx.sender));
  STOA_TRY(require_investors_ready());
  if (from.is_zero()) return make_revert(ErrorId::kERC20InvalidSender, {from});
  Movement m = movement(MovementKind::kBurn, from, Address{}, amount, ctx.block.timestamp);
  if (m.from_balance < amount) {
    return make_revert(ErrorId::kERC20InsufficientBalance, {from, m.from_balance, amount});
  }
  STOA_TRY(require_unheld(from, m.from_balance, amount));
  unfreeze_shortfall(ctx, from, m.from_balance, amount);
  apply(ctx, m);
  return Status::Ok();
}

// ERC-3643: a burn or forced transfer of more than the free balance unfreezes only the shortfall.
void SecurityToken::unfreeze_shortfall(CallContext& ctx, const Address& a, const U256& balance,
                                       const U256& amount) {
  const U256 frozen = frozen_tokens_.get(a);
  if (frozen.is_zero()) return;
  const U256 free = spendable_amount(balance, frozen);
  if (amount <= free) return;
  const U256 shortfall = *amount.checked_sub(free);
  frozen_tokens_.set(a, *frozen.checked_sub(shortfall));
  emit(ctx, "TokensUnfrozen", {a, shortfall});
}

Status SecurityToken::set_address_frozen(CallContext& ctx, const Address& a, bool f) {
  STOA_TRY(access_.require(roles::compliance(), ctx.sender));
  if (a.is_zero()) return make_revert(ErrorId::kZeroAddress);
  frozen_.set(a, f);
  emit(ctx, "AddressFrozen", {a, f, ctx.sender});
  return Status::Ok();
}

Status SecurityToken::aml_freeze(CallContext& ctx, const Address& a, const U256& score,
                                 const std::string& provider_ref) {
  STOA_TRY(access_.require(roles::compliance(), ctx.sender));
  if (score > U256(kMaxAmlScore)) return make_revert(ErrorId::kAmlScoreOutOfRange, {score});
  if (score <= U256(aml_threshold_.get())) {
    return make_revert(ErrorId::kAmlScoreNotAboveThreshold, {score, U256(aml_threshold_.get())});
  }
  STOA_TRY(set_address_frozen(ctx, a, true));
  emit(ctx, "AmlFreeze", {a, score, provider_ref});
  return Status::Ok();
}

Status SecurityToken::set_aml_threshold(CallContext& ctx, const U256& threshold) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  if (threshold > U256(kMaxAmlScore)) {
    return make_revert(ErrorId::kAmlScoreOutOfRange, {threshold});
  }
  aml_threshold_.set(static_cast<uint8_t>(threshold.low64()));
  emit(ctx, "AmlThresholdSet", {threshold});
  return Status::Ok();
}

Status SecurityToken::freeze_partial(CallContext& ctx, const Address& a, const U256& amount) {
  STOA_TRY(access_.require(roles::compliance(), ctx.sender));
  if (a.is_zero()) return make_revert(ErrorId::kZeroAddress);
  const U256 bal = balance_of(a);
  const std::optional<U256> after = frozen_tokens_.get(a).checked_add(amount);
  if (!after || *after > bal) {
    return make_revert(ErrorId::kFreezeExceedsBalance, {a, bal, after.value_or(U256::max())});
  }
  frozen_tokens_.set(a, *after);
  emit(ctx, "TokensFrozen", {a, amount});
  return Status::Ok();
}

Status SecurityToken::unfreeze_partial(CallContext& ctx, const Address& a, const U256& amount) {
  STOA_TRY(access_.require(roles::compliance(), ctx.sender));
  if (a.is_zero()) return make_revert(ErrorId::kZeroAddress);
  const U256 frozen = frozen_tokens_.get(a);
  const std::optional<U256> after = frozen.checked_sub(amount);
  if (!after) return make_revert(ErrorId::kUnfreezeExceedsFrozen, {a, frozen, amount});
  frozen_tokens_.set(a, *after);
  emit(ctx, "TokensUnfrozen", {a, amount});
  return Status::Ok();
}

Status SecurityToken::forced_transfer(CallContext& ctx, const Address& from, const Address& to,
                                      const U256& amount, const std::string& reason,
                                      const Bytes32& doc) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  STOA_TRY(require_investors_ready());
  if (reason.empty() || reason.size() > 256 || doc.is_zero()) {
    return make_revert(ErrorId::kReasonRequired);
  }
  STOA_TRY(forced_move(ctx, from, to, amount, /*receiver_verified=*/true));
  emit(ctx, "ForcedTransfer", {from, to, amount, reason, abi::Value::bytes32(doc)});
  return Status::Ok();
}

// The native move of forcedTransfer, controllerTransfer and seize: no holder approval, and
// pause, freezes, the registry and the modules do not apply; only the shortfall of the free
// balance is unfrozen. With `receiver_verified`, a security taking eligibility from identities
// delivers only to a verified investor (ERC-3643).
Status SecurityToken::forced_move(CallContext& ctx, const Address& from, const Address& to,
                                  const U256& amount, bool receiver_verified) {
  if (from.is_zero()) return make_revert(ErrorId::kERC20InvalidSender, {from});
  if (to.is_zero()) return make_revert(ErrorId::kERC20InvalidReceiver, {to});
  Movement m = movement(MovementKind::kForced, from, to, amount, ctx.block.timestamp);
  if (m.from_balance < amount) {
    return make_revert(ErrorId::kERC20InsufficientBalance, {from, m.from_balance, amount});
  }
  STOA_TRY(require_unheld(from, m.from_balance, amount));
  // The receiver must still be an investor the security knows when it takes eligibility from
  // identities (ERC-3643); pause, freezes, the registry and the modules do not apply.
  const IdentityRegistry* ir = identity_registry_.get();
  if (receiver_verified && ir != nullptr && eligibility() != Eligibility::kWhitelist &&
      !ir->is_verified(to, ctx.block.timestamp)) {
    return make_revert(ErrorId::kTransferRestricted, {U256(code::kReceiverNotVerified)});
  }
  unfreeze_shortfall(ctx, from, m.from_balance, amount);
  apply(ctx, m);
  return Status::Ok();
}

Status SecurityToken::recovery_address(CallContext& ctx, const Address& lost, const Address& fresh,
                                       const Address& identity) {
  STOA_TRY(access_.require(roles::corporate_action(), ctx.sender));
  STOA_TRY(require_investors_ready());
  if (lost.is_zero() || fresh.is_zero() || lost == fresh) return make_revert(ErrorId::kZeroAddress);
  const auto* id = state_.contract_as<Identity>(identity);
  if (id == nullptr) return make_revert(ErrorId::kNotAnIdentity, {identity});
  if (!id->wallet_has_purpose(fresh, purpose::kManagement)) {
    return make_revert(ErrorId::kRecoveryWalletNotManagementKey, {identity, fresh});
  }
  IdentityRegistry* ir = identity_registry_.get();
  uint16_t country = 0;
  if (ir != nullptr) {
    const StoredIdentity* e = ir->storage().find(lost);
    if (e == nullptr) return make_revert(ErrorId::kIdentityNotRegistered, {lost});
    if (e->identity != identity) return make_revert(ErrorId::kIdentityMismatch, {lost, identity});
    const StoredIdentity* n = ir->storage().find(fresh);
    if (n != nullptr && n->identity != identity) {
      return make_revert(ErrorId::kIdentityMismatch, {fresh, n->identity});
    }
    country = e->country;
    if (n == nullptr) STOA_TRY(ir->register_unchecked(ctx, fresh, identity, country));
  }
  normalize(lost);  // at the current split epoch (no-op without splits)
  const U256 bal = balances_.get(lost);
  const U256 frozen = frozen_tokens_.get(lost);
  STOA_TRY(require_unheld(lost, bal, bal));
  if (!bal.is_zero()) {
    Movement m = movement(MovementKind::kRecovery, lost, fresh, bal, ctx.block.timestamp);
    apply(ctx, m);
  }
  if (!frozen.is_zero()) {
    frozen_tokens_.set(lost, U256(0));
    frozen_tokens_.set(fresh, *frozen_tokens_.get(fresh).checked_add(frozen));
    emit(ctx, "TokensUnfrozen", {lost, frozen});
    emit(ctx, "TokensFrozen", {fresh, frozen});
  }
  if (frozen_.get(lost)) {
    frozen_.set(lost, false);
    frozen_.set(fresh, true);
    emit(ctx, "AddressFrozen", {lost, false, ctx.sender});
    emit(ctx, "AddressFrozen", {fresh, true, ctx.sender});
  }
  if (ir != nullptr) ir->delete_unchecked(ctx, lost);
  // Every other per-wallet fact follows the wallet (rules V5): the registry's record and the
  // modules' state (ComplianceRegistry::on_recovery, the hook for lots and per-lot lockups).
  if (rules::trex_parity(ctx.block.rules) && registry_.get() != nullptr) {
    registry_.get()->on_recovery(ctx, lost, fresh);
  }
  emit(ctx, "RecoverySuccess", {lost, fresh, identity});
  return Status::Ok();
}

Status SecurityToken::set_onchain_id(CallContext& ctx, const Address& a) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  if (!a.is_zero() && state_.contract_as<Identity>(a) == nullptr) {
    return make_revert(ErrorId::kNotAnIdentity, {a});
  }
  onchain_id_.set(a);
  emit(ctx, token_information_event(ctx.block.rules),
       {config().name, config().symbol, U256(config().decimals), std::string("1"), a});
  return Status::Ok();
}

Status SecurityToken::set_identity_registry(CallContext& ctx, const Address& a) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  IdentityRegistry* r = nullptr;
  if (!a.is_zero()) {
    r = state_.contract_as<IdentityRegistry>(a);
    if (r == nullptr || r->security() != self_) {
      return make_revert(ErrorId::kNotAnIdentityRegistry, {a});
    }
  }
  // Investors are keyed by the registry's identities: rebuild them for the new registry. Before
  // metering, at once (O(holders) in one call); since, in steps of kRebuildStep holders: this
  // call runs the first, continueInvestorRebuild() the rest (docs/NODE.md, "Gas schedule").
  if (!rules::metered(ctx.block.rules)) {
    if (r != identity_registry_.get()) rebuild_investors(r);
    identity_registry_.set(r);
  } else if (r != identity_registry_.get() || investor_rebuild_pending()) {
    identity_registry_.set(r);
    rebuild_phase_.set(1);
    rebuild_cursor_.set(Address{});
    investor_count_.set(0);
    if (!rebuild_step(ctx)) emit(ctx, "InvestorRebuildStarted", {a});
  }
  if (r == nullptr && eligibility() != Eligibility::kWhitelist) eligibility_.set(0);
  emit(ctx, "IdentityRegistryAdded", {a});
  return Status::Ok();
}

Status SecurityToken::require_investors_ready() const {
  if (investor_rebuild_pending()) return make_revert(ErrorId::kInvestorRebuildPending);
  if (conversion_pending()) return make_revert(ErrorId::kConversionPending);  // rules V5 only
  if (retired_.get()) return make_revert(ErrorId::kSecurityRetired);
  return Status::Ok();
}

bool SecurityToken::rebuild_step(CallContext& ctx) {
  size_t budget = kRebuildStep;
  if (rebuild_phase_.get() == 1) {
    // Erase the old investor entries, smallest first (any order would do: all go).
    const std::vector<Address> old = investor_balances_.smallest_keys_after(Address{}, budget);
    for (const Address& k : old)
      investor_balances_.set(k, U256(0));
    budget -= old.size();
    if (budget == 0) return false;
    rebuild_phase_.set(2);
  }
  // Sum the holders above the cursor, ascending, into their investors (a holder without an
  // identity is an investor of its own, counted but not stored).
  const IdentityRegistry* r = identity_registry_.get();
  const std::vector<Address> wallets = balances_.smallest_keys_after(rebuild_cursor_.get(), budget);
  uint64_t count = investor_count_.get();
  for (const Address& w : wallets) {
    const U256 b = balance_of(w);
    if (b.is_zero()) continue;  // a holder a reverse split left at 0, not yet rewritten
    const Address id = r == nullptr ? Address{} : r->identity_of(w);
    if (id.is_zero()) {
      ++count;
      continue;
    }
    const U256 before = investor_balances_.get(id);
    if (before.is_zero()) ++count;
    investor_balances_.set(id, *before.checked_add(b));
  }
  investor_count_.set(count);
  if (wallets.size() == budget) {
    rebuild_cursor_.set(wallets.back());
    return false;
  }
  rebuild_phase_.set(0);
  rebuild_cursor_.set(Address{});
  emit(ctx, "InvestorRebuildFinished", {U256(count)});
  return true;
}

Result<bool> SecurityToken::continue_investor_rebuild(CallContext& ctx) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  if (!investor_rebuild_pending()) return true;
  return rebuild_step(ctx);
}

void SecurityToken::rebuild_investors(const IdentityRegistry* r) {
  for (const Address& k : investor_balances_.sorted_keys())
    investor_balances_.set(k, U256(0));
  uint64_t count = 0;
  absl::flat_hash_map<Address, U256, AddressHash> sums;
  balances_.for_each_sorted([&](const Address& w, const U256& stored) {
    const U256 b = now_of(w, stored);
    if (b.is_zero()) return;
    const Address id = r == nullptr ? Address{} : r->identity_of(w);
    if (id.is_zero()) {
      ++count;
      return;
    }
    U256& s = sums[id];
    if (s.is_zero()) ++count;
    s = *s.checked_add(b);
  });
  for (const auto& [id, b] : sums)
    investor_balances_.set(id, b);
  investor_count_.set(count);
}

Status SecurityToken::set_eligibility(CallContext& ctx, uint8_t mode) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  if (mode > 2) return make_revert(ErrorId::kUnknownEligibilityMode, {U256(mode)});
  if (mode != 0 && identity_registry_.get() == nullptr) {
    return make_revert(ErrorId::kNotAnIdentityRegistry, {Address{}});
  }
  eligibility_.set(mode);
  emit(ctx, "EligibilityModeSet", {U256(mode)});
  return Status::Ok();
}

Status SecurityToken::add_agent(CallContext& ctx, const Address& agent) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  if (is_agent(agent)) return Status::Ok();
  STOA_TRY(access_.grant(ctx, *this, roles::compliance(), agent));
  STOA_TRY(access_.grant(ctx, *this, roles::corporate_action(), agent));
  if (rules::trex_parity(ctx.block.rules)) STOA_TRY(grant_trex_agent_roles(ctx, agent, true));
  emit(ctx, "AgentAdded", {agent});
  return Status::Ok();
}

Status SecurityToken::remove_agent(CallContext& ctx, const Address& agent) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  if (!access_.has_role(roles::compliance(), agent) &&
      !access_.has_role(roles::corporate_action(), agent)) {
    return Status::Ok();
  }
  STOA_TRY(access_.revoke(ctx, *this, roles::compliance(), agent));
  STOA_TRY(access_.revoke(ctx, *this, roles::corporate_action(), agent));
  if (rules::trex_parity(ctx.block.rules)) STOA_TRY(grant_trex_agent_roles(ctx, agent, false));
  emit(ctx, "AgentRemoved", {agent});
  return Status::Ok();
}

Status SecurityToken::set_paused(CallContext& ctx, bool p) {
  STOA_TRY(access_.require(roles::pauser(), ctx.sender));
  if (p && paused_.get()) return make_revert(ErrorId::kEnforcedPause);
  if (!p && !paused_.get()) return make_revert(ErrorId::kExpectedPause);
  paused_.set(p);
  emit(ctx, p ? "Paused" : "Unpaused", {ctx.sender});
  return Status::Ok();
}

Status SecurityToken::set_registry(CallContext& ctx, const Address& a) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  auto* r = state_.contract_as<ComplianceRegistry>(a);
  if (r == nullptr) return make_revert(ErrorId::kNotAComplianceRegistry, {a});
  registry_.set(r);
  emit(ctx, "ComplianceRegistryUpdated", {a});
  return Status::Ok();
}

Status SecurityToken::set_restriction(CallContext& ctx, const Address& a) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  TransferRestriction* t = nullptr;
  if (!a.is_zero()) {
    t = state_.contract_as<TransferRestriction>(a);
    if (t == nullptr || t->security() != self_) {
      return make_revert(ErrorId::kNotATransferRestriction, {a});
    }
  }
  restriction_.set(t);
  emit(ctx, "TransferRestrictionUpdated", {a});
  return Status::Ok();
}

const auto& SecurityToken::field_list() {
  static constexpr auto kFields = std::make_tuple(
      field(&SecurityToken::config_, "config"), field(&SecurityToken::paused_, "paused"),
      field(&SecurityToken::total_supply_, "total_supply"),
      field(&SecurityToken::holder_count_, "holder_count"),
      field(&SecurityToken::registry_, "registry"),
      field(&SecurityToken::restriction_, "restriction"), sub(&SecurityToken::access_, "access"),
      field(&SecurityToken::balances_, "balances"),
      field(&SecurityToken::allowances_, "allowances"), field(&SecurityToken::nonces_, "nonces"),
      // The T-REX controls and the AML threshold.
      key_set(&SecurityToken::frozen_, "frozen"),
      field(&SecurityToken::frozen_tokens_, "frozen_tokens"),
      field(&SecurityToken::onchain_id_, "onchain_id"),
      field(&SecurityToken::identity_registry_, "identity_registry"),
      custom(&SecurityToken::encode_eligibility, &SecurityToken::decode_eligibility,
             &SecurityToken::describe_eligibility, "eligibility"),
      field(&SecurityToken::investor_balances_, "investor_balances"),
      field(&SecurityToken::investor_count_, "investor_count"),
      field(&SecurityToken::aml_threshold_, "aml_threshold"));
  return kFields;
}
STOA_DEFINE_FIELDS(SecurityToken)

namespace {
constexpr uint8_t kRebuildFlag = 0x80;       // in the encoded eligibility byte: a rebuild follows
constexpr uint8_t kBalanceModelFlag = 0x40;  // ... then the balance model (balance-model.md)
constexpr uint8_t kCorporateFlag = 0x20;     // ... then documents and corporate actions (rules V5)
constexpr uint8_t kLotsFlag = 0x10;          // ... then the acquisition lots (rules V5)
constexpr uint8_t kSplitsFlag = 0x08;        // ... then the splits (rules V6)
}  // namespace

// A pending investor rebuild sets the eligibility byte's high bit and follows it with its phase
// and cursor: without one the encoding is what it was before metering (old journals' roots).
void SecurityToken::encode_eligibility(StateEncoder& enc) const {
  const bool model = !balance_model_empty();
  const bool corporate = !corporate_empty();
  const bool lots = !lots_empty();
  const bool splits = !splits_empty();
  const uint8_t flags = (model ? kBalanceModelFlag : 0) | (corporate ? kCorporateFlag : 0) |
                        (lots ? kLotsFlag : 0) | (splits ? kSplitsFlag : 0);
  if (investor_rebuild_pending()) {
    enc.u8(eligibility_.get() | kRebuildFlag | flags);
    enc.u8(rebuild_phase_.get());
    enc.address(rebuild_cursor_.get());
  } else {
    enc.u8(eligibility_.get() | flags);
  }
  if (model) encode_balance_model(enc);
  if (corporate) encode_corporate(enc);
  if (lots) encode_lots(enc);
  if (splits) encode_splits(enc);
}

void SecurityToken::decode_eligibility(StateDecoder& dec) {
  uint8_t eligibility = dec.u8();
  const bool model = (eligibility & kBalanceModelFlag) != 0;
  const bool corporate = (eligibility & kCorporateFlag) != 0;
  const bool lots = (eligibility & kLotsFlag) != 0;
  const bool splits = (eligibility & kSplitsFlag) != 0;
  eligibility &= ~(kBalanceModelFlag | kCorporateFlag | kLotsFlag | kSplitsFlag);
  if ((eligibility & kRebuildFlag) != 0) {
    eligibility &= ~kRebuildFlag;
    const uint8_t phase = dec.u8();
    if (phase != 1 && phase != 2) dec.fail("investor rebuild phase " + std::to_string(phase));
    rebuild_phase_.set(phase);
    rebuild_cursor_.set(dec.address());
  }
  eligibility_.set(eligibility);
  if (model && dec.ok()) decode_balance_model(dec);
  if (corporate && dec.ok()) decode_corporate(dec);
  if (lots && dec.ok()) decode_lots(dec);
  if (splits && dec.ok()) decode_splits(dec);
}

void SecurityToken::describe_eligibility(std::vector<FieldInfo>& out) const {
  out.push_back(FieldInfo{"eligibility", &eligibility_, false});
  out.push_back(FieldInfo{"rebuild_phase", &rebuild_phase_, false});
  out.push_back(FieldInfo{"rebuild_cursor", &rebuild_cursor_, false});
  describe_balance_model(out);
  describe_corporate(out);
  out.push_back(FieldInfo{"lots", &lots_, false});
  out.push_back(FieldInfo{"lotted", &lotted_, false});
  describe_splits(out);
}

namespace {
std::string rule_name(const State& s, const Address& a) {
  const Contract* c = s.contract(a);
  return c == nullptr ? "" : std::string(kind_name(c->kind()));
}
std::string code_message(uint8_t c) {
  const CodeInfo* info = find_code(c);
  return info == nullptr ? "" : std::string(info->message);
}
}  // namespace

namespace {
void erc20_methods(AbiRegistry<SecurityToken>& reg) {
  reg.view("name", {}, "ERC-20.", [](SecurityToken& c) -> std::string { return c.config().name; });
  reg.view("symbol", {}, "ERC-20.",
           [](SecurityToken& c) -> std::string { return c.config().symbol; });
  reg.view("decimals", {}, {{"", "uint8"}}, "ERC-20.",
           [](SecurityToken& c) -> U256 { return U256(c.config().decimals); });
  reg.view<&SecurityToken::total_supply>("totalSupply", {}, "ERC-20: shares outstanding.");
  reg.view<&SecurityToken::balance_of>("balanceOf", {"account"},
                                       "ERC-20: the register's entry for the account.");
  reg.view<&SecurityToken::allowance>("allowance", {"owner", "spender"}, "ERC-20.");
  reg.call_true<&SecurityToken::transfer>(
      "transfer", {"to", "value"},
      "ERC-20, compliance-checked; reverts TransferRestricted(code) when refused.");
  reg.call_true<&SecurityToken::transfer_from>("transferFrom", {"from", "to", "value"},
                                               "ERC-20, compliance-checked on `from` and `to`.");
  reg.call_true<&SecurityToken::approve>("approve", {"spender", "value"}, "ERC-20.");
  reg.call("batchTransfer", {"toList", "amounts"},
           "Several transfers from the caller, all or nothing; one Transfer event per leg.",
           [](SecurityToken& c, CallContext& ctx, const std::vector<Address>& to,
              const std::vector<U256>& amounts) {
             constexpr size_t kAhead = 4;  // legs whose accounts load while this one executes
             return for_each_leg(ctx, {to.size(), amounts.size()}, [&](size_t i) {
               if (i + kAhead < to.size()) c.prefetch_transfer(ctx.sender, to[i + kAhead]);
               return c.transfer(ctx, to[i], amounts[i]);
             });
           });
}

void restriction_check_methods(AbiRegistry<SecurityToken>& reg) {
  reg.view("detectTransferRestriction", {"from", "to", "value"}, {{"", "uint8"}},
           "ERC-1404: exactly the predicate transfer applies; 0 = permitted.",
           [](SecurityToken& c, CallContext& ctx, const Address& from, const Address& to,
              const U256& value) -> U256 {
             return U256(c.detect(from, to, value, ctx.block.timestamp));
           });
  reg.view("messageForTransferRestriction", {"restrictionCode"},
           "ERC-1404: the message of a code; unknown codes revert UnknownRestrictionCode.",
           [](SecurityToken& /*c*/, uint8_t restrictionCode) -> Result<std::string> {
             const CodeInfo* info = find_code(restrictionCode);
             if (info == nullptr)
               return make_revert(ErrorId::kUnknownRestrictionCode, {U256(restrictionCode)});
             return std::string(info->message);
           });
  reg.view("verifyTransfer", {"from", "to", "value", "data"},
           "ST-20: whether the transfer would succeed (the data argument is not used).",
           [](SecurityToken& c, CallContext& ctx, const Address& from, const Address& to,
              const U256& value, const Bytes& /*data*/) -> bool {
             return c.detect(from, to, value, ctx.block.timestamp) == 0;
           });
  reg.view("explainTransfer", {"from", "to", "value"},
           {{"code", "uint8"}, {"status", "bytes1"}, "rule", "ruleName", "message", "maxAmount"},
           "The first refusal with its ERC-1066 status, the refusing contract and its name, the "
           "message, and the largest amount that would pass (0 if none).",
           [](SecurityToken& c, CallContext& ctx, const Address& from, const Address& to,
              const U256& value)
               -> std::tuple<U256, abi::Value, Address, std::string, std::string, U256> {
             auto e = c.explain(from, to, value, ctx.block.timestamp);
             const CodeInfo* info = find_code(e.code);
             return std::tuple<U256, abi::Value, Address, std::string, std::string, U256>{
                 U256(e.code),
                 abi::Value(Bytes{info->erc1066}),
                 e.rule,
                 rule_name(ctx.state, e.rule),
                 code_message(e.code),
                 e.max_amount};
           });
  reg.view("failingRules", {"from", "to", "value"},
           {{"failures", "(uint8,address,string,string)[]"}},
           "Every rule that refuses the transfer, in evaluation order: (code, rule, ruleName, "
           "message).",
           [](SecurityToken& c, CallContext& ctx, const Address& from, const Address& to,
              const U256& value) -> abi::Value {
             abi::ValueList out;
             for (const auto& f : c.failing_rules(from, to, value, ctx.block.timestamp)) {
               out.emplace_back(abi::ValueList{U256(f.code), f.rule, rule_name(ctx.state, f.rule),
                                               code_message(f.code)});
             }
             return abi::Value(std::move(out));
           });
}

void pause_and_issuance_methods(AbiRegistry<SecurityToken>& reg) {
  reg.view<&SecurityToken::paused>("paused", {}, "Whether transfers are paused.");
  reg.call("pause", {}, "PAUSER_ROLE: halt all transfers (code 8).",
           [](SecurityToken& c, CallContext& ctx) { return c.set_paused(ctx, true); });
  reg.call("unpause", {}, "PAUSER_ROLE.",
           [](SecurityToken& c, CallContext& ctx) { return c.set_paused(ctx, false); });
  reg.call<&SecurityToken::mint>(
      "mint", {"to", "amount"},
      "MINTER_ROLE: issue to an eligible receiver (receiver-side rules and holder cap).");
  reg.call<&SecurityToken::burn>(
      "burn", {"from", "amount"},
      "MINTER_ROLE: redeem from a holder. Holders cannot burn on their own.");
}

void freeze_methods(AbiRegistry<SecurityToken>& reg) {
  reg.view<&SecurityToken::is_frozen>(
      "isFrozen", {"userAddress"},
      "ERC-3643: whether the wallet is frozen (it can neither send nor receive; codes 9, 10).");
  reg.view<&SecurityToken::frozen_tokens>(
      "getFrozenTokens", {"userAddress"},
      "ERC-3643: the part of the balance that may not be transferred (code 11).");
  reg.call<&SecurityToken::set_address_frozen>(
      "setAddressFrozen", {"userAddress", "freeze"},
      "ERC-3643, COMPLIANCE_ROLE: freeze or unfreeze a wallet.");
  reg.call<&SecurityToken::aml_freeze>(
      "amlFreeze", {"userAddress", "score", "providerRef"},
      "COMPLIANCE_ROLE (the node's AML intake): freeze a wallet whose AML risk score (0-100) is "
      "above amlThreshold(), recording the score and the provider's reference (AmlFreeze).");
  reg.view("amlThreshold", {}, {{"", "uint8"}},
           "AML risk scores above this (0-100, default 70) freeze the wallet on intake.",
           [](SecurityToken& c) -> U256 { return U256(c.aml_threshold()); });
  reg.call("setAmlThreshold", {{"threshold", "uint8"}},
           "DEFAULT_ADMIN_ROLE: the AML threshold, 0-100 (100: intake never freezes). Not the "
           "compliance agent's: the agent that freezes does not set its own trigger.",
           [](SecurityToken& c, CallContext& ctx, const U256& threshold) {
             return c.set_aml_threshold(ctx, threshold);
           });
  reg.call<&SecurityToken::freeze_partial>(
      "freezePartialTokens", {"userAddress", "amount"},
      "ERC-3643, COMPLIANCE_ROLE: freeze part of a balance (frozen never exceeds the balance).");
  reg.call<&SecurityToken::unfreeze_partial>("unfreezePartialTokens", {"userAddress", "amount"},
                                             "ERC-3643, COMPLIANCE_ROLE.");
}

void forced_methods(AbiRegistry<SecurityToken>& reg) {
  reg.call_true(
      "forcedTransfer", {"from", "to", "amount", "reason", "documentRef"},
      "ERC-3643, CORPORATE_ACTION_ROLE: a native move that bypasses pause, freezes, the "
      "registry and the modules (the receiver must be verified in identity mode); a reason and "
      "a document reference are required; only the shortfall of the free balance is "
      "unfrozen.",
      [](SecurityToken& c, CallContext& ctx, const Address& from, const Address& to,
         const U256& amount, const std::string& reason, const Bytes32& documentRef) {
        return c.forced_transfer(ctx, from, to, amount, reason, documentRef);
      });
  reg.call_true<&SecurityToken::recovery_address>(
      "recoveryAddress", {"lostWallet", "newWallet", "investorOnchainID"},
      "ERC-3643, CORPORATE_ACTION_ROLE: the new wallet must be a management key of the "
      "investor's identity; balance, frozen tokens, the frozen flag and the registration move "
      "to it.");
}

void agent_batch_methods(AbiRegistry<SecurityToken>& reg) {
  reg.call("batchMint", {"toList", "amounts"},
           "ERC-3643, MINTER_ROLE: all or nothing; one Transfer per leg.",
           [](SecurityToken& c, CallContext& ctx, const std::vector<Address>& to,
              const std::vector<U256>& amounts) {
             return for_each_leg(ctx, {to.size(), amounts.size()},
                                 [&](size_t i) { return c.mint(ctx, to[i], amounts[i]); });
           });
  reg.call("batchBurn", {"userAddresses", "amounts"},
           "ERC-3643, MINTER_ROLE: all or nothing; one Transfer per leg.",
           [](SecurityToken& c, CallContext& ctx, const std::vector<Address>& from,
              const std::vector<U256>& amounts) {
             return for_each_leg(ctx, {from.size(), amounts.size()},
                                 [&](size_t i) { return c.burn(ctx, from[i], amounts[i]); });
           });
  reg.call("batchForcedTransfer", {"fromList", "toList", "amounts", "reason", "documentRef"},
           "ERC-3643, CORPORATE_ACTION_ROLE: all or nothing; one ForcedTransfer per leg.",
           [](SecurityToken& c, CallContext& ctx, const std::vector<Address>& from,
              const std::vector<Address>& to, const std::vector<U256>& amounts,
              const std::string& reason, const Bytes32& document) {
             return for_each_leg(ctx, {from.size(), to.size(), amounts.size()}, [&](size_t i) {
               return c.forced_transfer(ctx, from[i], to[i], amounts[i], reason, document);
             });
           });
  reg.call("batchSetAddressFrozen", {"userAddresses", "freeze"},
           "ERC-3643, COMPLIANCE_ROLE: one AddressFrozen per leg.",
           [](SecurityToken& c, CallContext& ctx, const std::vector<Address>& wallets,
              const std::vector<bool>& freeze) {
             return for_each_leg(ctx, {wallets.size(), freeze.size()}, [&](size_t i) {
               return c.set_address_frozen(ctx, wallets[i], freeze[i]);
             });
           });
  reg.call("batchFreezePartialTokens", {"userAddresses", "amounts"},
           "ERC-3643, COMPLIANCE_ROLE: one TokensFrozen per leg.",
           [](SecurityToken& c, CallContext& ctx, const std::vector<Address>& wallets,
              const std::vector<U256>& amounts) {
             return for_each_leg(ctx, {wallets.size(), amounts.size()}, [&](size_t i) {
               return c.freeze_partial(ctx, wallets[i], amounts[i]);
             });
           });
  reg.call("batchUnfreezePartialTokens", {"userAddresses", "amounts"},
           "ERC-3643, COMPLIANCE_ROLE: one TokensUnfrozen per leg.",
           [](SecurityToken& c, CallContext& ctx, const std::vector<Address>& wallets,
              const std::vector<U256>& amounts) {
             return for_each_leg(ctx, {wallets.size(), amounts.size()}, [&](size_t i) {
               return c.unfreeze_partial(ctx, wallets[i], amounts[i]);
             });
           });
}

void identity_methods(AbiRegistry<SecurityToken>& reg) {
  reg.view<&SecurityToken::onchain_id>("onchainID", {},
                                       "ERC-3643: the token's own identity (zero if none).");
  reg.call<&SecurityToken::set_onchain_id>(
      "setOnchainID", {"onchainID"},
      "ERC-3643, DEFAULT_ADMIN_ROLE: an Identity contract, or zero.");
  reg.view("version", {}, "ERC-3643: the token's version.",
           [](SecurityToken& /*c*/) -> std::string { return std::string("1"); });
  reg.view("identityRegistry", {}, "ERC-3643: the IdentityRegistry (zero if none).",
           [](SecurityToken& c) -> Address {
             auto* r = c.identity_registry();
             return r ? r->address() : Address{};
           });
  reg.call<&SecurityToken::set_identity_registry>(
      "setIdentityRegistry", {"identityRegistry"},
      "ERC-3643, DEFAULT_ADMIN_ROLE: an IdentityRegistry of this security, or zero (back to "
      "the whitelist).");
  reg.call("continueInvestorRebuild", {}, {"finished"},
           "DEFAULT_ADMIN_ROLE: runs the next step (up to 1,000 holders) of the investor rebuild "
           "setIdentityRegistry started; true once it is finished (or none is pending).",
           [](SecurityToken& c, CallContext& ctx) -> Result<bool> {
             Result<bool> done = c.continue_investor_rebuild(ctx);
             if (!done.ok()) return done.take_revert();
             return done.value();
           });
  reg.view<&SecurityToken::investor_rebuild_pending>(
      "investorRebuildPending", {},
      "True while an investor rebuild is under way: transfers, mints, burns, forced transfers "
      "and recoveries revert with InvestorRebuildPending, investor views read partial figures.");
  reg.view("eligibilityMode", {}, {{"", "uint8"}},
           "0 = the registry's whitelist (codes 1, 2), 1 = identity verification instead (12, 13), "
           "2 = both.",
           [](SecurityToken& c) -> U256 { return U256(static_cast<uint8_t>(c.eligibility())); });
  reg.call("setEligibilityMode", {{"mode", "uint8"}},
           "DEFAULT_ADMIN_ROLE; modes 1 and 2 need an identity registry.",
           [](SecurityToken& c, CallContext& ctx, const U256& mode) -> Status {
             const U256 v = mode;
             STOA_TRY(c.set_eligibility(ctx, static_cast<uint8_t>(v.low64())));
             return {};
           });
}

void agent_and_investor_methods(AbiRegistry<SecurityToken>& reg) {
  reg.call<&SecurityToken::add_agent>(
      "addAgent", {"agent"},
      "ERC-3643, DEFAULT_ADMIN_ROLE: grants COMPLIANCE_ROLE and CORPORATE_ACTION_ROLE (role "
      "separation applies).");
  reg.call<&SecurityToken::remove_agent>("removeAgent", {"agent"},
                                         "ERC-3643, DEFAULT_ADMIN_ROLE: revokes both agent roles.");
  reg.view<&SecurityToken::is_agent>(
      "isAgent", {"agent"}, "ERC-3643: holds both COMPLIANCE_ROLE and CORPORATE_ACTION_ROLE.");
  reg.view("investorCount", {},
           "Investors with a balance: an identity's wallets count once (what holder caps count).",
           [](SecurityToken& c) -> U256 { return U256(c.investor_count()); });
  reg.view<&SecurityToken::investor_of>(
      "investorOf", {"wallet"},
      "The wallet's identity in the identity registry, or the wallet itself.");
  reg.view<&SecurityToken::investor_balance>("investorBalance", {"investor"},
                                             "The sum of the balances of an investor's wallets.");
  reg.view("holderCount", {}, "Distinct accounts with a non-zero balance.",
           [](SecurityToken& c) -> U256 { return U256(c.holder_count()); });
}

void wiring_methods(AbiRegistry<SecurityToken>& reg) {
  reg.view("complianceRegistry", {}, "The registry every movement is checked against.",
           [](SecurityToken& c) -> Address {
             auto* r = c.registry();
             return r ? r->address() : Address{};
           });
  reg.call<&SecurityToken::set_registry>(
      "setComplianceRegistry", {"registry"},
      "DEFAULT_ADMIN_ROLE; the address must be a ComplianceRegistry.");
  reg.view("transferRestriction", {}, "The holder/amount cap engine (zero if none).",
           [](SecurityToken& c) -> Address {
             auto* r = c.restriction();
             return r ? r->address() : Address{};
           });
  reg.call<&SecurityToken::set_restriction>("setTransferRestriction", {"restriction"},
                                            "DEFAULT_ADMIN_ROLE; zero removes the engine.");
  reg.view("offeringPreset", {}, {{"", "uint8"}},
           "The offering preset the security was created with (docs/presets.md).",
           [](SecurityToken& c) -> U256 { return U256(c.config().preset); });
  reg.view("supportsInterface", {{"interfaceId", "bytes4"}},
           "ERC-165: ERC-20, IERC20Metadata, ERC-1404, ST-20, AccessControl, ERC-2612, "
           "ERC-5267.",
           [](SecurityToken& /*c*/, const Bytes& interfaceId) -> bool {
             const Bytes& b = interfaceId;
             uint32_t id = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) |
                           uint32_t{b[3]};
             return supports(id);
           });
}

void permit_methods(AbiRegistry<SecurityToken>& reg) {
  reg.call(
      "permit", {"owner", "spender", "value", "deadline", "v", "r", "s"},
      "ERC-2612: approval by the owner's EIP-712 signature (domain: name, version 1, chain id, "
      "token address).",
      [](SecurityToken& c, CallContext& ctx, const Address& owner, const Address& spender,
         const U256& value, const U256& deadline, uint8_t v, const Bytes32& r,
         const Bytes32& s) { return c.permit(ctx, owner, spender, value, deadline, v, r, s); });
  reg.view("nonces", {"owner"}, "ERC-2612.",
           [](SecurityToken& c, const Address& owner) -> U256 { return U256(c.nonce(owner)); });
  reg.view<&SecurityToken::domain_separator>("DOMAIN_SEPARATOR", {}, "ERC-2612 / EIP-712.");
  reg.view(
      "eip712Domain", {},
      {{"fields", "bytes1"},
       "name",
       "version",
       "chainId",
       "verifyingContract",
       "salt",
       {"extensions", "uint256[]"}},
      "ERC-5267.",
      [](SecurityToken& c, CallContext& ctx)
          -> std::tuple<abi::Value, std::string, std::string, U256, Address, Bytes32, abi::Value> {
        return std::tuple<abi::Value, std::string, std::string, U256, Address, Bytes32, abi::Value>{
            abi::Value(Bytes{0x0f}),     c.config().name, "1",
            U256(ctx.state.chain_id()),  c.address(),     Bytes32{},
            abi::Value(abi::ValueList{})};
      });
}

std::vector<EventSpec> security_token_events() {
  return {
      {"Transfer",
       {{"from", "address", true}, {"to", "address", true}, {"value", "uint256"}},
       "ERC-20; from = 0 for issuance, to = 0 for redemption."},
      {"Approval",
       {{"owner", "address", true}, {"spender", "address", true}, {"value", "uint256"}},
       "ERC-20."},
      {"Paused", {{"account", "address"}}, ""},
      {"Unpaused", {{"account", "address"}}, ""},
      {"ComplianceRegistryUpdated", {{"registry", "address"}}, ""},
      {"TransferRestrictionUpdated", {{"restriction", "address"}}, ""},
      {"AddressFrozen",
       {{"userAddress", "address", true}, {"isFrozen", "bool", true}, {"owner", "address", true}},
       "ERC-3643."},
      {"TokensFrozen", {{"userAddress", "address", true}, {"amount", "uint256"}}, "ERC-3643."},
      {"TokensUnfrozen", {{"userAddress", "address", true}, {"amount", "uint256"}}, "ERC-3643."},
      {"RecoverySuccess",
       {{"lostWallet", "address", true},
        {"newWallet", "address", true},
        {"investorOnchainID", "address", true}},
       "ERC-3643."},
      {"ForcedTransfer",
       {{"from", "address", true},
        {"to", "address", true},
        {"amount", "uint256"},
        {"reason", "string"},
        {"documentRef", "bytes32"}},
       "A forced transfer with its reason and document reference (next to its Transfer)."},
      {"UpdatedTokenInformation",
       {{"newName", "string", true},
        {"newSymbol", "string", true},
        {"newDecimals", "uint8"},
        {"newVersion", "string"},
        {"newOnchainID", "address", true}},
       "ERC-3643."},
      {"IdentityRegistryAdded", {{"identityRegistry", "address", true}}, "ERC-3643."},
      {"InvestorRebuildStarted",
       {{"identityRegistry", "address", true}},
       "setIdentityRegistry left an investor rebuild pending: continueInvestorRebuild() until "
       "it returns true."},
      {"InvestorRebuildFinished",
       {{"investors", "uint256", false}},
       "The investors are rebuilt for the identity registry; balances move again."},
      {"EligibilityModeSet", {{"mode", "uint8"}}, ""},
      {"AgentAdded", {{"agent", "address", true}}, "ERC-3643."},
      {"AgentRemoved", {{"agent", "address", true}}, "ERC-3643."},
      {"AmlFreeze",
       {{"wallet", "address", true}, {"score", "uint256"}, {"providerRef", "string"}},
       "The node's AML intake froze the wallet: the provider's risk score and reference."},
      {"AmlThresholdSet", {{"threshold", "uint256"}}, ""},
  };
}

std::vector<ErrorId> security_token_errors() {
  return {ErrorId::kERC20InsufficientBalance,
          ErrorId::kERC20InvalidSender,
          ErrorId::kERC20InvalidReceiver,
          ErrorId::kERC20InsufficientAllowance,
          ErrorId::kERC20InvalidApprover,
          ErrorId::kERC20InvalidSpender,
          ErrorId::kEnforcedPause,
          ErrorId::kExpectedPause,
          ErrorId::kERC2612ExpiredSignature,
          ErrorId::kERC2612InvalidSigner,
          ErrorId::kTransferRestricted,
          ErrorId::kUnknownRestrictionCode,
          ErrorId::kAmountOverflow,
          ErrorId::kNotAComplianceRegistry,
          ErrorId::kNotATransferRestriction,
          ErrorId::kInvalidSignature,
          ErrorId::kEmptyBatch,
          ErrorId::kBatchLengthMismatch,
          ErrorId::kBatchTooLarge,
          ErrorId::kZeroAddress,
          ErrorId::kNotAnIdentity,
          ErrorId::kRecoveryWalletNotManagementKey,
          ErrorId::kIdentityMismatch,
          ErrorId::kIdentityNotRegistered,
          ErrorId::kFreezeExceedsBalance,
          ErrorId::kUnfreezeExceedsFrozen,
          ErrorId::kReasonRequired,
          ErrorId::kNotAnIdentityRegistry,
          ErrorId::kUnknownEligibilityMode,
          ErrorId::kAmlScoreOutOfRange,
          ErrorId::kAmlScoreNotAboveThreshold,
          ErrorId::kInvestorRebuildPending};
}
}  // namespace

const ContractAbi& SecurityToken::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<SecurityToken> reg;
    erc20_methods(reg);
    restriction_check_methods(reg);
    pause_and_issuance_methods(reg);
    freeze_methods(reg);
    forced_methods(reg);
    agent_batch_methods(reg);
    identity_methods(reg);
    agent_and_investor_methods(reg);
    wiring_methods(reg);
    permit_methods(reg);
    std::vector<MethodSpec> m = reg.take();
    for (auto& x : access_control_methods())
      m.push_back(std::move(x));
    std::vector<EventSpec> e = security_token_events();
    for (auto& x : access_control_events())
      e.push_back(std::move(x));
    std::vector<ErrorId> errs = security_token_errors();
    for (auto x : access_control_errors())
      errs.push_back(x);
    ContractAbi abi =
        with_balance_model_abi("SecurityToken", std::move(m), std::move(e), std::move(errs));
    extend_with_trex_abi(abi);                 // rules V5 (security_trex.cc)
    extend_with_partition_supply_at_abi(abi);  // rules V6 (security_checkpoints.cc)
    extend_with_redemption_payment_abi(abi);   // rules V6 (security_corporate.cc)
    return abi;
  }();
  return kAbi;
}

}  // namespace stoa::core

namespace stoa::core {

std::unique_ptr<Contract> SecurityToken::decode_state(DecodeContext& ctx, const Address& self,
                                                      StateDecoder& dec) {
  auto t = std::make_unique<SecurityToken>(ctx.state, self, TokenConfig{});
  if (!decode_fields(*t, field_list(), ctx, dec)) return nullptr;
  if (t->eligibility_.get() > 2) {
    dec.fail("eligibility mode " + std::to_string(t->eligibility_.get()) + " > 2");
    return nullptr;
  }
  return t;
}

}  // namespace stoa::core
