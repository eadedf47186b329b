// MultisigAdmin: docs/multisig.md.
#include "stoa/core/multisig_admin.h"

#include <algorithm>
#include <string>

#include "stoa/core/abi_registry.h"
#include "stoa/core/fields.h"
#include "stoa/core/state.h"

namespace stoa::core {

MultisigAdmin::MultisigAdmin(State& state, const Address& self) : Contract(state, self) {}

bool MultisigAdmin::is_owner(const Address& a) const {
  const auto& o = owners_.get();
  return std::find(o.begin(), o.end(), a) != o.end();
}

Status MultisigAdmin::only_owner(const CallContext& ctx) const {
  if (!is_owner(ctx.sender)) return make_revert(ErrorId::kNotMultisigOwner, {ctx.sender});
  return Status::Ok();
}

Status MultisigAdmin::only_wallet(const CallContext& ctx) const {
  if (ctx.sender != self_) return make_revert(ErrorId::kOnlyMultisigWallet, {ctx.sender});
  return Status::Ok();
}

Status MultisigAdmin::check_new_owner(const Address& owner) const {
  if (owner.is_zero() || owner == self_) {
    return make_revert(ErrorId::kMultisigInvalidOwner, {owner});
  }
  if (is_owner(owner)) return make_revert(ErrorId::kMultisigOwnerExists, {owner});
  return Status::Ok();
}

Status MultisigAdmin::init(CallContext& ctx, const std::vector<Address>& owners,
                           const U256& required) {
  if (owners.empty() || owners.size() > kMaxMultisigOwners || required.is_zero() ||
      required > U256(owners.size())) {
    return make_revert(ErrorId::kMultisigInvalidRequirement, {U256(owners.size()), required});
  }
  for (const Address& o : owners) {
    STOA_TRY(check_new_owner(o));
    std::vector<Address> next = owners_.get();
    next.push_back(o);
    owners_.set(std::move(next));
    emit(ctx, "OwnerAddition", {o});
  }
  set_required(ctx, required.low64());
  return Status::Ok();
}

void MultisigAdmin::set_required(CallContext& ctx, uint64_t required) {
  required_.set(required);
  emit(ctx, "RequirementChange", {U256(required)});
}

Result<MultisigTransaction> MultisigAdmin::transaction(const U256& id) const {
  const MultisigTransaction* t = id.fits_u64() ? transactions_.find(id.low64()) : nullptr;
  if (t == nullptr) return make_revert(ErrorId::kMultisigTransactionNotFound, {id});
  return *t;
}

Result<uint64_t> MultisigAdmin::pending(const U256& id) const {
  auto t = transaction(id);
  if (!t.ok()) return t.take_revert();
  if (t.value().executed) return make_revert(ErrorId::kMultisigAlreadyExecuted, {id});
  return id.low64();
}

std::vector<Address> MultisigAdmin::confirmations(uint64_t id) const {
  std::vector<Address> out;
  for (const Address& o : owners_.get()) {
    if (confirmed_by(id, o)) out.push_back(o);
  }
  return out;
}

uint64_t MultisigAdmin::confirmation_count(uint64_t id) const {
  return confirmations(id).size();
}

uint64_t MultisigAdmin::count_transactions(bool pending_too, bool executed_too) const {
  uint64_t n = 0;
  transactions_.for_each_sorted([&](uint64_t, const MultisigTransaction& t) {
    if ((pending_too && !t.executed) || (executed_too && t.executed)) ++n;
  });
  return n;
}

Result<U256> MultisigAdmin::submit(CallContext& ctx, const Address& destination,
                                   const Bytes& data) {
  STOA_TRY(only_owner(ctx));
  if (destination.is_zero()) return make_revert(ErrorId::kZeroAddress);
  if (data.size() > kMaxMultisigCallBytes) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("multisig calldata bytes"), U256(kMaxMultisigCallBytes)});
  }
  const uint64_t id = tx_count_.get();
  if (id >= kMaxMultisigTransactions) {
    return make_revert(ErrorId::kLimitExceeded,
                       {std::string("multisig transactions"), U256(kMaxMultisigTransactions)});
  }
  transactions_.set(id, MultisigTransaction{destination, data, false});
  tx_count_.set(id + 1);
  emit(ctx, "Submission", {U256(id)});
  confirmations_.set(TxOwner{id, ctx.sender}, true);
  emit(ctx, "Confirmation", {ctx.sender, U256(id)});
  return U256(id);
}

Status MultisigAdmin::confirm(CallContext& ctx, const U256& id) {
  STOA_TRY(only_owner(ctx));
  auto n = pending(id);
  if (!n.ok()) return n.take_revert();
  if (confirmed_by(n.value(), ctx.sender)) {
    return make_revert(ErrorId::kMultisigAlreadyConfirmed, {id, ctx.sender});
  }
  confirmations_.set(TxOwner{n.value(), ctx.sender}, true);
  emit(ctx, "Confirmation", {ctx.sender, id});
  return Status::Ok();
}

Status MultisigAdmin::revoke(CallContext& ctx, const U256& id) {
  STOA_TRY(only_owner(ctx));
  auto n = pending(id);
  if (!n.ok()) return n.take_revert();
  if (!confirmed_by(n.value(), ctx.sender)) {
    return make_revert(ErrorId::kMultisigNotConfirmed, {id, ctx.sender});
  }
  confirmations_.set(TxOwner{n.value(), ctx.sender}, false);
  emit(ctx, "Revocation", {ctx.sender, id});
  return Status::Ok();
}

Status MultisigAdmin::execute(CallContext& ctx, const U256& id) {
  STOA_TRY(only_owner(ctx));
  auto n = pending(id);
  if (!n.ok()) return n.take_revert();
  const uint64_t count = confirmation_count(n.value());
  if (count < required_.get()) {
    return make_revert(ErrorId::kMultisigThresholdNotReached,
                       {id, U256(count), U256(required_.get())});
  }
  // Marked executed before the call: a call that reaches this wallet again cannot run it twice.
  MultisigTransaction t = *transactions_.find(n.value());
  t.executed = true;
  transactions_.set(n.value(), t);
  CallResult r = state_.nested_call(self_, t.destination, t.data, ctx.block);
  if (!r.success) return Revert{std::move(r.output)};  // the target's error; all undone
  if (ctx.logs != nullptr) {
    for (Log& l : r.logs)
      ctx.logs->push_back(std::move(l));
  }
  emit(ctx, "Execution", {id});
  return Status::Ok();
}

Status MultisigAdmin::add_owner(CallContext& ctx, const Address& owner) {
  STOA_TRY(only_wallet(ctx));
  STOA_TRY(check_new_owner(owner));
  if (owners_.get().size() >= kMaxMultisigOwners) {
    return make_revert(ErrorId::kMultisigInvalidRequirement,
                       {U256(owners_.get().size() + 1), U256(required_.get())});
  }
  std::vector<Address> next = owners_.get();
  next.push_back(owner);
  owners_.set(std::move(next));
  emit(ctx, "OwnerAddition", {owner});
  return Status::Ok();
}

Status MultisigAdmin::remove_owner(CallContext& ctx, const Address& owner) {
  STOA_TRY(only_wallet(ctx));
  if (!is_owner(owner)) return make_revert(ErrorId::kMultisigInvalidOwner, {owner});
  std::vector<Address> next = owners_.get();
  if (next.size() == 1) {
    return make_revert(ErrorId::kMultisigInvalidRequirement, {U256(0), U256(required_.get())});
  }
  // Gnosis's order: the last owner takes the removed one's place.
  auto it = std::find(next.begin(), next.end(), owner);
  *it = next.back();
  next.pop_back();
  const uint64_t left = next.size();
  owners_.set(std::move(next));
  emit(ctx, "OwnerRemoval", {owner});
  if (required_.get() > left) set_required(ctx, left);
  return Status::Ok();
}

Status MultisigAdmin::replace_owner(CallContext& ctx, const Address& owner,
                                    const Address& new_owner) {
  STOA_TRY(only_wallet(ctx));
  if (!is_owner(owner)) return make_revert(ErrorId::kMultisigInvalidOwner, {owner});
  STOA_TRY(check_new_owner(new_owner));
  std::vector<Address> next = owners_.get();
  *std::find(next.begin(), next.end(), owner) = new_owner;
  owners_.set(std::move(next));
  emit(ctx, "OwnerRemoval", {owner});
  emit(ctx, "OwnerAddition", {new_owner});
  return Status::Ok();
}

Status MultisigAdmin::change_requirement(CallContext& ctx, const U256& required) {
  STOA_TRY(only_wallet(ctx));
  const size_t n = owners_.get().size();
  if (required.is_zero() || required > U256(n)) {
    return make_revert(ErrorId::kMultisigInvalidRequirement, {U256(n), required});
  }
  set_required(ctx, required.low64());
  return Status::Ok();
}

const auto& MultisigAdmin::field_list() {
  static constexpr auto kFields = std::make_tuple(
      field(&MultisigAdmin::owners_, "owners"), field(&MultisigAdmin::required_, "required"),
      field(&MultisigAdmin::tx_count_, "transaction_count"),
      field(&MultisigAdmin::transactions_, "transactions"),
      key_set(&MultisigAdmin::confirmations_, "confirmations"));
  return kFields;
}
STOA_DEFINE_FIELDS(MultisigAdmin)

std::unique_ptr<Contract> MultisigAdmin::decode_state(DecodeContext& ctx, const Address& self,
                                                      StateDecoder& dec) {
  auto m = std::make_unique<MultisigAdmin>(ctx.state, self);
  if (!decode_fields(*m, field_list(), ctx, dec)) return nullptr;
  const size_t n = m->owners_.get().size();
  if (n == 0 || n > kMaxMultisigOwners || m->required_.get() == 0 || m->required_.get() > n) {
    dec.fail("multisig owners and requirement out of range");
    return nullptr;
  }
  return m;
}

namespace {
using TxTuple = std::tuple<Address, U256, Bytes, bool>;

void multisig_views(AbiRegistry<MultisigAdmin>& reg) {
  reg.view<&MultisigAdmin::owners>("getOwners", {}, "The owners, in order.");
  reg.view("required", {}, "Confirmations a transaction needs (k of the n owners).",
           [](const MultisigAdmin& m) -> U256 { return U256(m.required()); });
  reg.view("getThreshold", {}, "Safe's name for required().",
           [](const MultisigAdmin& m) -> U256 { return U256(m.required()); });
  reg.view<&MultisigAdmin::is_owner>("isOwner", {"owner"}, "Whether the account is an owner.");
  reg.view("transactionCount", {}, "Transactions submitted (ids 0 to transactionCount - 1).",
           [](const MultisigAdmin& m) -> U256 { return U256(m.transaction_count()); });
  reg.view("getTransactionCount", {"pending", "executed"},
           "Transactions submitted that are pending and/or executed, as the flags select.",
           [](const MultisigAdmin& m, bool p, bool e) -> U256 {
             return U256(m.count_transactions(p, e));
           });
  reg.view("transactions", {"transactionId"}, {"destination", "value", "data", "executed"},
           "A transaction (value is always 0: there is no native coin).",
           [](const MultisigAdmin& m, const U256& id) -> Result<TxTuple> {
             auto t = m.transaction(id);
             if (!t.ok()) return t.take_revert();
             return TxTuple{t.value().destination, U256(), t.value().data, t.value().executed};
           });
  reg.view("confirmations", {"transactionId", "owner"},
           "Whether `owner` has confirmed the transaction (and not revoked).",
           [](const MultisigAdmin& m, const U256& id, const Address& owner) -> bool {
             return id.fits_u64() && m.confirmed_by(id.low64(), owner);
           });
  reg.view("getConfirmationCount", {"transactionId"},
           "Confirmations by current owners (a removed owner's no longer count).",
           [](const MultisigAdmin& m, const U256& id) -> U256 {
             return id.fits_u64() ? U256(m.confirmation_count(id.low64())) : U256();
           });
  reg.view("getConfirmations", {"transactionId"}, {"owners"},
           "The current owners who have confirmed, in owner order.",
           [](const MultisigAdmin& m, const U256& id) -> std::vector<Address> {
             return id.fits_u64() ? m.confirmations(id.low64()) : std::vector<Address>{};
           });
  reg.view("isConfirmed", {"transactionId"}, "Whether `required` current owners have confirmed.",
           [](const MultisigAdmin& m, const U256& id) -> bool {
             return id.fits_u64() && m.confirmation_count(id.low64()) >= m.required();
           });
}

void multisig_calls(AbiRegistry<MultisigAdmin>& reg) {
  reg.call<&MultisigAdmin::submit>(
      "submitTransaction", {"destination", "data"}, {"transactionId"},
      "An owner: records a call of `destination` with `data`, confirmed by the submitter.");
  reg.call("submitTransaction", {"destination", "value", "data"}, {"transactionId"},
           "Gnosis MultiSigWallet's form: `value` must be 0 (there is no native coin).",
           [](MultisigAdmin& m, CallContext& ctx, const Address& destination, const U256& value,
              const Bytes& data) -> Result<U256> {
             if (!value.is_zero()) {
               return revert_message("MultisigAdmin: value must be 0 (there is no native coin)");
             }
             return m.submit(ctx, destination, data);
           });
  reg.call<&MultisigAdmin::confirm>("confirmTransaction", {"transactionId"},
                                    "An owner: confirms a pending transaction (never executes).");
  reg.call<&MultisigAdmin::revoke>(
      "revokeConfirmation", {"transactionId"},
      "An owner: withdraws its confirmation of a pending transaction.");
  reg.call<&MultisigAdmin::execute>(
      "executeTransaction", {"transactionId"},
      "An owner, once `required` owners have confirmed: runs the call with the multisig as "
      "msg.sender, once. A failed call reverts with the target's error (still pending).");
  reg.call<&MultisigAdmin::add_owner>("addOwner", {"owner"},
                                      "The multisig itself (a confirmed transaction): adds an "
                                      "owner.");
  reg.call<&MultisigAdmin::remove_owner>(
      "removeOwner", {"owner"},
      "The multisig itself: removes an owner (required drops to the owner count if above it).");
  reg.call<&MultisigAdmin::replace_owner>("replaceOwner", {"owner", "newOwner"},
                                          "The multisig itself: replaces an owner.");
  reg.call<&MultisigAdmin::change_requirement>("changeRequirement", {"_required"},
                                               "The multisig itself: sets required (1 to n).");
}

std::vector<EventSpec> multisig_events() {
  return {
      {"Confirmation",
       {{"sender", "address", true}, {"transactionId", "uint256", true}},
       "An owner confirmed a transaction."},
      {"Revocation",
       {{"sender", "address", true}, {"transactionId", "uint256", true}},
       "An owner revoked its confirmation."},
      {"Submission", {{"transactionId", "uint256", true}}, "A transaction was submitted."},
      {"Execution", {{"transactionId", "uint256", true}}, "A transaction was executed."},
      {"OwnerAddition", {{"owner", "address", true}}, "An owner was added."},
      {"OwnerRemoval", {{"owner", "address", true}}, "An owner was removed."},
      {"RequirementChange", {{"required", "uint256"}}, "The requirement was set."},
  };
}
}  // namespace

const ContractAbi& MultisigAdmin::abi() const {
  static const ContractAbi kAbi = [] {
    AbiRegistry<MultisigAdmin> reg;
    multisig_views(reg);
    multisig_calls(reg);
    ContractAbi abi("MultisigAdmin", reg.take(), multisig_events(),
                    {ErrorId::kNotMultisigOwner, ErrorId::kOnlyMultisigWallet,
                     ErrorId::kMultisigTransactionNotFound, ErrorId::kMultisigAlreadyConfirmed,
                     ErrorId::kMultisigNotConfirmed, ErrorId::kMultisigAlreadyExecuted,
                     ErrorId::kMultisigThresholdNotReached, ErrorId::kMultisigInvalidRequirement,
                     ErrorId::kMultisigOwnerExists, ErrorId::kMultisigInvalidOwner,
                     ErrorId::kCallDepthExceeded, ErrorId::kZeroAddress, ErrorId::kLimitExceeded});
    abi.introduce(0, Rules::kV6);  // rules::multisig_admin
    return abi;
  }();
  return kAbi;
}

}  // namespace stoa::core
