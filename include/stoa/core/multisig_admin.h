// MultisigAdmin: a native k-of-n account (issue 16, item 5; docs/multisig.md). Its owners submit
// a call (a target and calldata), confirm it, and once k of them have confirmed any owner executes
// it: the call runs with the multisig as msg.sender, so a security whose admin roles the multisig
// holds runs its corporate actions and dividend rounds only with k officers' approval. The ABI
// and events are Gnosis MultiSigWallet's (Submission, Confirmation, Revocation, Execution,
// OwnerAddition, OwnerRemoval, RequirementChange), so tooling for that wallet reads them; unlike
// it, confirming never executes (execution is its own step, as in Safe) and a call that fails
// reverts the execution with the target's error (the transaction stays pending; nothing is
// recorded). Owners and the requirement change only through a confirmed transaction of the
// wallet to itself. From rules version 6 (rules::multisig_admin).
#pragma once

#include <memory>
#include <vector>

#include "stoa/core/contract.h"

namespace stoa::core {

inline constexpr size_t kMaxMultisigOwners = 20;
inline constexpr size_t kMaxMultisigCallBytes = 16 * 1024;       // calldata of one transaction
inline constexpr uint64_t kMaxMultisigTransactions = 1'000'000;  // per wallet
// Executions inside executions (a wallet that owns a wallet): deeper nesting is refused.
inline constexpr uint32_t kMaxNestedCallDepth = 8;

struct MultisigTransaction {
  Address destination;
  Bytes data;
  bool executed = false;
  bool operator==(const MultisigTransaction&) const = default;
};
inline void delta_put(StateEncoder& e, const MultisigTransaction& t) {
  e.address(t.destination);
  e.bytes(t.data);
  e.u8(t.executed ? 1 : 0);
}
inline void state_get(StateDecoder& d, MultisigTransaction& t) {
  t.destination = d.address();
  t.data = d.bytes();
  t.executed = d.boolean();
}

// A (transaction, owner) pair: a confirmation.
struct TxOwner {
  uint64_t tx = 0;
  Address owner;
  auto operator<=>(const TxOwner&) const = default;
  bool operator==(const TxOwner&) const = default;
};
struct TxOwnerHash {
  size_t operator()(const TxOwner& k) const { return absl::HashOf(k.tx, k.owner.b); }
};
inline void delta_put(StateEncoder& e, const TxOwner& k) {
  e.u64(k.tx);
  e.address(k.owner);
}
inline void state_get(StateDecoder& d, TxOwner& k) {
  k.tx = d.u64();
  k.owner = d.address();
}

class MultisigAdmin final : public Contract {
 public:
  static constexpr ContractKind kKind = ContractKind::kMultisigAdmin;
  MultisigAdmin(State& state, const Address& self);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);

  // Set-up by the factory: 1 to kMaxMultisigOwners distinct owners (not zero, not the wallet),
  // 1 <= required <= owners.
  Status init(CallContext& ctx, const std::vector<Address>& owners, const U256& required);

  const std::vector<Address>& owners() const { return owners_.get(); }
  uint64_t required() const { return required_.get(); }
  uint64_t transaction_count() const { return tx_count_.get(); }
  bool is_owner(const Address& a) const;
  bool confirmed_by(uint64_t id, const Address& owner) const {
    return confirmations_.get(TxOwner{id, owner});
  }
  Result<MultisigTransaction> transaction(const U256& id) const;  // MultisigTransactionNotFound
  // Confirmations of current owners only (an owner removed no longer counts), in owner order.
  std::vector<Address> confirmations(uint64_t id) const;
  uint64_t confirmation_count(uint64_t id) const;
  uint64_t count_transactions(bool pending, bool executed) const;

  // An owner; the submission is its confirmation. Returns the transaction id (0, 1, ...).
  Result<U256> submit(CallContext& ctx, const Address& destination, const Bytes& data);
  Status confirm(CallContext& ctx, const U256& id);
  Status revoke(CallContext& ctx, const U256& id);
  // An owner, once `required` owners have confirmed: runs the call as the wallet. A failure
  // reverts with the target's revert data; the transaction stays pending.
  Status execute(CallContext& ctx, const U256& id);

  // The wallet itself only (a confirmed transaction to its own address).
  Status add_owner(CallContext& ctx, const Address& owner);
  Status remove_owner(CallContext& ctx, const Address& owner);
  Status replace_owner(CallContext& ctx, const Address& owner, const Address& new_owner);
  Status change_requirement(CallContext& ctx, const U256& required);

 private:
  Status only_wallet(const CallContext& ctx) const;
  Status only_owner(const CallContext& ctx) const;
  Result<uint64_t> pending(const U256& id) const;  // exists and not executed
  Status check_new_owner(const Address& owner) const;
  void set_required(CallContext& ctx, uint64_t required);
  static const auto& field_list();  // encoding order (multisig_admin.cc)

  // Storage, with stable slot numbers (docs/journal-format.md, "Versions").
  JValue<std::vector<Address>> owners_{undo_log(), Slot{0}};
  JValue<uint64_t> required_{undo_log(), Slot{1}};
  JValue<uint64_t> tx_count_{undo_log(), Slot{2}};
  JMap<uint64_t, MultisigTransaction> transactions_{undo_log(), Slot{3}};  // ids 0, 1, ...
  JMap<TxOwner, bool, TxOwnerHash> confirmations_{undo_log(), Slot{4}};
};

}  // namespace stoa::core
