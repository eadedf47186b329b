// LP-3100's TransferRestriction: a cap on distinct holders (32) and on the amount of one
// transfer (33). The holder count it reads is kept by the token in its balance-update path.
#pragma once

#include "stoa/core/security_part.h"

namespace stoa::core {

class TransferRestriction final : public SecurityPart {
 public:
  static constexpr ContractKind kKind = ContractKind::kTransferRestriction;
  TransferRestriction(State& state, const Address& self, const Address& security);
  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);

  void evaluate(const Movement& m, RuleSink& sink) const;
  // The holder count after `m`, given the token's facts in it.
  static uint64_t holders_after(const Movement& m);

  uint64_t max_holders() const { return max_holders_.get(); }
  const U256& max_transfer_amount() const { return max_amount_.get(); }
  Status set_max_holders(CallContext& ctx, const U256& n);               // RESTRICTION_ADMIN_ROLE
  Status set_max_transfer_amount(CallContext& ctx, const U256& amount);  // RESTRICTION_ADMIN_ROLE
  void init_max_holders(uint64_t n) { max_holders_.set(n); }
  // A split of the security rescales the per-transfer cap (the token's split(); emits
  // MaxTransferAmountSet like the admin's setter).
  void rescale_max_transfer_amount(CallContext& ctx, const U256& amount);

 private:
  static const auto& field_list();                     // encoding order (transfer_restriction.cc)
  JValue<uint64_t> max_holders_{undo_log(), Slot{0}};  // 0 = no cap
  JValue<U256> max_amount_{undo_log(), Slot{1}};       // 0 = no cap
};

}  // namespace stoa::core
