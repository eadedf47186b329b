// LP-3100's SecurityToken: ERC-20 (with allowances and ERC-2612 permit), ERC-1404 restriction
// codes, ST-20 verifyTransfer, pause, AccessControl, issuer-only mint and burn. Every movement of
// balance goes through one path: `movement` gathers the facts, `evaluate` asks every rule (the
// same predicate detectTransferRestriction answers), and `apply` updates balances, the holder
// count and the modules' hooks, and emits Transfer.
#pragma once

#include <string>
#include <vector>

#include "stoa/core/access_control.h"
#include "stoa/core/compliance_registry.h"
#include "stoa/core/transfer_restriction.h"

namespace stoa::core {

class IdentityRegistry;

// Where a security's eligibility comes from (setEligibilityMode).
enum class Eligibility : uint8_t { kWhitelist = 0, kIdentity = 1, kBoth = 2 };

inline constexpr size_t kMaxNameBytes = 64;
inline constexpr size_t kMaxSymbolBytes = 11;
inline constexpr uint8_t kMaxDecimals = 18;
inline constexpr uint8_t kDefaultAmlThreshold = 70;  // AML risk scores above it freeze
inline constexpr uint8_t kMaxAmlScore = 100;

struct TokenConfig {
  std::string name;
  std::string symbol;
  uint8_t decimals = 0;
  uint8_t preset = 0;
};
inline void delta_put(StateEncoder& e, const TokenConfig& c) {
  e.str(c.name);
  e.str(c.symbol);
  e.u8(c.decimals);
  e.u8(c.preset);
}
inline void state_get(StateDecoder& d, TokenConfig& c) {
  c.name = d.str();
  c.symbol = d.str();
  c.decimals = d.u8();
  c.preset = d.u8();
}

class SecurityToken final : public Contract {
 public:
  // Starts loading every account entry a transfer from `from` to `to` reads, so that the cache
  // misses of several transfers overlap (batches prefetch a few legs ahead). A hint only: no
  // effect on state or on any result.
  void prefetch_transfer(const Address& from, const Address& to) const;
  static constexpr ContractKind kKind = ContractKind::kSecurityToken;
  SecurityToken(State& state, const Address& self, TokenConfig config);

  ContractKind kind() const override { return kKind; }
  const ContractAbi& abi() const override;
  void encode_state(StateEncoder& enc) const override;
  std::vector<FieldInfo> field_info() const override;
  static std::unique_ptr<Contract> decode_state(DecodeContext& ctx, const Address& self,
                                                StateDecoder& dec);
  AccessControl* access_control() const override { return &access_; }

  // Views.
  const TokenConfig& config() const { return config_; }
  const U256& total_supply() const { return total_supply_.get(); }
  U256 balance_of(const Address& a) const { return balances_.get(a); }
  U256 allowance(const Address& owner, const Address& spender) const {
    return allowances_.get(AddressPair{owner, spender});
  }
  uint64_t nonce(const Address& owner) const { return nonces_.get(owner); }
  uint64_t holder_count() const { return holder_count_.get(); }
  bool paused() const { return paused_.get(); }
  ComplianceRegistry* registry() const { return registry_.get(); }
  TransferRestriction* restriction() const { return restriction_.get(); }
  const Bytes32& domain_separator() const { return domain_separator_; }
  // T-REX controls.
  bool is_frozen(const Address& a) const { return frozen_.get(a); }
  U256 frozen_tokens(const Address& a) const { return frozen_tokens_.get(a); }
  // What `holder` may move: balance - frozen amount (- held, later per partition), never below
  // zero. The transfer path, detectTransferRestriction and explainTransfer all use it (through
  // spendable_amount, as Movement::from_spendable for the facts of a movement).
  U256 spendable(const Address& holder) const;
  const Address& onchain_id() const { return onchain_id_.get(); }
  IdentityRegistry* identity_registry() const { return identity_registry_.get(); }
  Eligibility eligibility() const { return static_cast<Eligibility>(eligibility_.get()); }
  // Investors (identities, or wallets without one) with a non-zero balance over their wallets.
  uint64_t investor_count() const { return investor_count_.get(); }
  // A rebuild of the investors for a new identity registry is under way (setIdentityRegistry on a
  // security with more than kRebuildStep holders and investors): balances do not move, and the
  // investor views read partial figures, until continueInvestorRebuild() calls have finished it.
  bool investor_rebuild_pending() const { return rebuild_phase_.get() != 0; }
  // Holders (or old investor entries) a rebuild step handles per call.
  static constexpr size_t kRebuildStep = 1000;
  Address investor_of(const Address& wallet) const;
  U256 investor_balance(const Address& investor) const;
  // Holders with their balances, ascending by address.
  std::vector<std::pair<Address, U256>> holders() const;

  // The one compliance predicate.
  Movement movement(MovementKind kind, const Address& from, const Address& to, const U256& amount,
                    uint64_t timestamp) const;
  void evaluate(const Movement& m, RuleSink& sink) const;
  uint8_t detect(const Address& from, const Address& to, const U256& amount,
                 uint64_t timestamp) const;
  struct Explanation {
    uint8_t code = 0;
    Address rule;
    U256 max_amount;  // largest amount that passes every rule for this sender and receiver
  };
  Explanation explain(const Address& from, const Address& to, const U256& amount,
                      uint64_t timestamp) const;
  std::vector<RuleSink::Finding> failing_rules(const Address& from, const Address& to,
                                               const U256& amount, uint64_t timestamp) const;

  // State changes (the caller is ctx.sender).
  Status transfer(CallContext& ctx, const Address& to, const U256& amount);
  Status transfer_from(CallContext& ctx, const Address& from, const Address& to,
                       const U256& amount);
  Status approve(CallContext& ctx, const Address& spender, const U256& amount);
  Status permit(CallContext& ctx, const Address& owner, const Address& spender, const U256& value,
                const U256& deadline, uint8_t v, const Bytes32& r, const Bytes32& s);
  Status mint(CallContext& ctx, const Address& to, const U256& amount);    // MINTER_ROLE
  Status burn(CallContext& ctx, const Address& from, const U256& amount);  // MINTER_ROLE
  Status set_paused(CallContext& ctx, bool paused);                        // PAUSER_ROLE
  Status set_registry(CallContext& ctx, const Address& registry);          // DEFAULT_ADMIN_ROLE
  Status set_restriction(CallContext& ctx, const Address& restriction);    // DEFAULT_ADMIN_ROLE
  // ERC-3643 agent functions. Freezes: COMPLIANCE_ROLE; forced transfer and recovery:
  // CORPORATE_ACTION_ROLE (docs/identity.md).
  Status set_address_frozen(CallContext& ctx, const Address& a, bool frozen);
  Status freeze_partial(CallContext& ctx, const Address& a, const U256& amount);
  Status unfreeze_partial(CallContext& ctx, const Address& a, const U256& amount);
  Status forced_transfer(CallContext& ctx, const Address& from, const Address& to,
                         const U256& amount, const std::string& reason, const Bytes32& doc);
  Status recovery_address(CallContext& ctx, const Address& lost, const Address& fresh,
                          const Address& identity);
  Status set_onchain_id(CallContext& ctx, const Address& id);               // DEFAULT_ADMIN_ROLE
  Status set_identity_registry(CallContext& ctx, const Address& registry);  // DEFAULT_ADMIN_ROLE
  Status set_eligibility(CallContext& ctx, uint8_t mode);                   // DEFAULT_ADMIN_ROLE
  Status add_agent(CallContext& ctx, const Address& agent);  // grants COMPLIANCE+CORPORATE_ACTION
  Status remove_agent(CallContext& ctx, const Address& agent);  // revokes both
  bool is_agent(const Address& a) const {
    return access_.has_role(roles::compliance(), a) &&
           access_.has_role(roles::corporate_action(), a);
  }
  // Freezes a wallet on behalf of the node's AML intake (COMPLIANCE_ROLE), recording why; the
  // score (0-100) must be above the security's AML threshold.
  Status aml_freeze(CallContext& ctx, const Address& a, const U256& score,
                    const std::string& provider_ref);
  // Risk scores above the threshold freeze (0-100, default kDefaultAmlThreshold; 100 = never).
  uint8_t aml_threshold() const { return aml_threshold_.get(); }
  Status set_aml_threshold(CallContext& ctx, const U256& threshold);  // DEFAULT_ADMIN_ROLE

  // Called by the IdentityRegistryStorage when `wallet` moves from investor `before` to `after`
  // (zero = the wallet is its own investor).
  void rekey_investor(const Address& wallet, const Address& before, const Address& after);
  // Set-up by the IdentityFactory.
  void init_identity_registry(IdentityRegistry* r) { identity_registry_.set(r); }

  // Set-up by the factory.
  void init_parts(ComplianceRegistry* registry, TransferRestriction* restriction) {
    registry_.set(registry);
    restriction_.set(restriction);
  }

 private:
  Status move(CallContext& ctx, MovementKind kind, const Address& from, const Address& to,
              const U256& amount);
  void apply(CallContext& ctx, const Movement& m);
  void unfreeze_shortfall(CallContext& ctx, const Address& a, const U256& balance,
                          const U256& amount);
  void rebuild_investors(const IdentityRegistry* r);  // at once: the rules before metering
  Status require_investors_ready() const;

 public:
  // Runs up to kRebuildStep holders of a pending investor rebuild (DEFAULT_ADMIN_ROLE); returns
  // whether it is now finished.
  Result<bool> continue_investor_rebuild(CallContext& ctx);

 private:
  bool rebuild_step(CallContext& ctx);  // the work of one call; true when finished
  void add_to_investor(const Address& wallet, const Address& investor, const U256& before,
                       const U256& amount, bool add);
  void emit_transfer(CallContext& ctx, const Address& from, const Address& to,
                     const U256& amount) const;
  void set_allowance(CallContext& ctx, const Address& owner, const Address& spender,
                     const U256& amount);

  static const auto& field_list();  // encoding order (security_token.cc)
  // The eligibility byte and a pending rebuild (fields.h, Custom).
  void encode_eligibility(StateEncoder& enc) const;
  void decode_eligibility(StateDecoder& dec);
  void describe_eligibility(std::vector<FieldInfo>& out) const;

  // Storage. Slot numbers are stable (docs/journal-format.md, "Versions"): a new member takes the
  // next free number; a number is never reused.
  TokenConfig config_;
  Bytes32 domain_separator_;
  mutable AccessControl access_{undo_log(), Slot{0}, genesis_allows_role_overlap()};  // 0, 1
  JMap<Address, U256, AddressHash> balances_{undo_log(), Slot{2}};
  JMap<AddressPair, U256, AddressPairHash> allowances_{undo_log(), Slot{3}};
  JMap<Address, uint64_t, AddressHash> nonces_{undo_log(), Slot{4}};
  JValue<U256> total_supply_{undo_log(), Slot{5}};
  JValue<uint64_t> holder_count_{undo_log(), Slot{6}};
  JValue<bool> paused_{undo_log(), Slot{7}};
  JValue<ComplianceRegistry*> registry_{undo_log(), Slot{8}, nullptr};
  JValue<TransferRestriction*> restriction_{undo_log(), Slot{9}, nullptr};
  JMap<Address, bool, AddressHash> frozen_{undo_log(), Slot{10}};
  JMap<Address, U256, AddressHash> frozen_tokens_{undo_log(), Slot{11}};
  JValue<Address> onchain_id_{undo_log(), Slot{12}};
  JValue<IdentityRegistry*> identity_registry_{undo_log(), Slot{13}, nullptr};
  JValue<uint8_t> eligibility_{undo_log(), Slot{14}};
  // identities only (see investor_of)
  JMap<Address, U256, AddressHash> investor_balances_{undo_log(), Slot{15}};
  JValue<uint64_t> investor_count_{undo_log(), Slot{16}};
  JValue<uint8_t> aml_threshold_{undo_log(), Slot{17}, kDefaultAmlThreshold};
  // A resumable investor rebuild: phase 0 none, 1 erasing the old investor entries, 2 summing
  // holders above the cursor into investors. Encoded with the eligibility byte (its high bit).
  JValue<uint8_t> rebuild_phase_{undo_log(), Slot{18}};
  JValue<Address> rebuild_cursor_{undo_log(), Slot{19}};
};

}  // namespace stoa::core
