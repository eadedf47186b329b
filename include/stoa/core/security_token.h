// LP-3100's SecurityToken: ERC-20 (with allowances and ERC-2612 permit), ERC-1404 restriction
// codes, ST-20 verifyTransfer, pause, AccessControl, issuer-only mint and burn. Every movement of
// balance goes through one path: `movement` gathers the facts, `evaluate` asks every rule (the
// same predicate detectTransferRestriction answers), and `apply` updates balances, the holder
// count and the modules' hooks, and emits Transfer.
#pragma once

#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "stoa/core/access_control.h"
#include "stoa/core/balance_model.h"
#include "stoa/core/compliance_registry.h"
#include "stoa/core/corporate_actions.h"
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
  const TokenConfig& config() const { return config_.get(); }
  const U256& total_supply() const { return total_supply_.get(); }
  U256 balance_of(const Address& a) const { return now_of(a, balances_.get(a)); }
  U256 allowance(const Address& owner, const Address& spender) const {
    return allowances_.get(AddressPair{owner, spender});
  }
  uint64_t nonce(const Address& owner) const { return nonces_.get(owner); }
  uint64_t holder_count() const { return holder_count_.get(); }
  bool paused() const { return paused_.get(); }
  ComplianceRegistry* registry() const { return registry_.get(); }
  TransferRestriction* restriction() const { return restriction_.get(); }
  // EIP-712's domain of permit: name (the current one: setName changes the domain), version "1",
  // chain id, this token.
  Bytes32 domain_separator() const;
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
  // From rules V5 an agent also pauses (PAUSER_ROLE) and, where roles may overlap, mints and
  // burns (MINTER_ROLE) as ERC-3643's agent does (security_trex.cc; docs/identity.md).
  Status grant_trex_agent_roles(CallContext& ctx, const Address& agent, bool grant);
  // UpdatedTokenInformation as emitted under `rules`: T-REX's indexing from V5 (name, symbol and
  // onchainID indexed), only onchainID indexed before.
  const Event& token_information_event(Rules rules) const;
  // T-REX's setName / setSymbol (rules::trex_proxy_parity), DEFAULT_ADMIN_ROLE (T-REX's owner):
  // emit UpdatedTokenInformation with every field. A new name is a new EIP-712 domain (permits
  // signed for the old name no longer verify); a new symbol moves the factory's securityBySymbol
  // entry and is refused if another security has it.
  Status set_name(CallContext& ctx, const std::string& name);
  Status set_symbol(CallContext& ctx, const std::string& symbol);
  // ERC-20's allowance helpers of T-REX (rules V5).
  Status increase_allowance(CallContext& ctx, const Address& spender, const U256& added);
  Status decrease_allowance(CallContext& ctx, const Address& spender, const U256& subtracted);
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

  // --- The balance model (docs/balance-model.md): partitions, holds, checkpoints.
  // Partitions (ERC-1410/1594; src/core/security_partitions.cc).
  U256 balance_of_by_partition(const Bytes32& partition, const Address& holder) const;
  std::vector<Bytes32> partitions_of(const Address& holder) const;  // default first, then ascending
  U256 total_supply_by_partition(const Bytes32& partition) const;
  bool is_operator(const Address& op, const Address& holder) const;
  bool is_operator_for_partition(const Bytes32& partition, const Address& op,
                                 const Address& holder) const;
  Status authorize_operator(CallContext& ctx, const Address& op, bool authorize);
  Status authorize_operator_by_partition(CallContext& ctx, const Bytes32& partition,
                                         const Address& op, bool authorize);
  // The destination partition (the source one unless a corporate action changes it).
  Result<Bytes32> transfer_by_partition(CallContext& ctx, const Bytes32& partition,
                                        const Address& to, const U256& value, const Bytes& data);
  Result<Bytes32> operator_transfer_by_partition(CallContext& ctx, const Bytes32& partition,
                                                 const Address& from, const Address& to,
                                                 const U256& value, const Bytes& data,
                                                 const Bytes& operator_data);
  Status issue_by_partition(CallContext& ctx, const Bytes32& partition, const Address& to,
                            const U256& value, const Bytes& data);  // MINTER_ROLE
  Status redeem_by_partition(CallContext& ctx, const Bytes32& partition, const Address& from,
                             const U256& value, const Bytes& data,
                             const Bytes& operator_data);  // MINTER_ROLE
  struct PartitionCheck {
    uint8_t code = 0;  // a restriction code (0: permitted)
    Bytes32 destination;
  };
  PartitionCheck can_transfer_by_partition(const Address& from, const Address& to,
                                           const Bytes32& partition, const U256& value,
                                           const Bytes& data, uint64_t timestamp) const;
  PartitionRule partition_rule(const Bytes32& partition) const {
    return partition_rules_.get(partition);
  }
  Status set_partition_rule(CallContext& ctx, const Bytes32& partition,
                            const PartitionRule& rule);  // RESTRICTION_ADMIN_ROLE
  // Holds (ERC-1996-like; src/core/security_holds.cc).
  Status hold(CallContext& ctx, const Bytes32& id, const Address& recipient, const Address& notary,
              const Bytes32& partition, const U256& amount, uint64_t expiration);
  Status release_hold(CallContext& ctx, const Bytes32& id);
  Status execute_hold(CallContext& ctx, const Bytes32& id);
  Hold hold_data(const Bytes32& id) const { return holds_.get(id); }
  U256 balance_on_hold(const Address& holder) const { return held_total_.get(holder); }
  U256 balance_on_hold_by_partition(const Bytes32& partition, const Address& holder) const {
    return held_.get(HolderPartition{holder, partition});
  }
  // Checkpoints (ERC20Snapshot-like; src/core/security_checkpoints.cc).
  Result<uint64_t> snapshot(CallContext& ctx);  // CORPORATE_ACTION_ROLE or DIVIDEND_ADMIN_ROLE
  uint64_t current_snapshot_id() const { return snapshot_id_.get(); }
  uint64_t snapshot_time(uint64_t id) const { return snapshot_times_.get(id); }
  Result<U256> balance_of_at(const Address& holder, const U256& id) const;
  Result<U256> total_supply_at(const U256& id) const;
  Result<U256> balance_of_by_partition_at(const Bytes32& partition, const Address& holder,
                                          const U256& id) const;
  // A partition's total supply at the snapshot (rules::partition_supply_at): SnapshotIdInvalid
  // also for a snapshot taken before partition supplies were recorded.
  Result<U256> total_supply_by_partition_at(const Bytes32& partition, const U256& id) const;

  // --- Documents (ERC-1643; src/core/security_documents.cc; docs/documents.md).
  Status set_document(CallContext& ctx, const Bytes32& name, const std::string& uri,
                      const Bytes32& hash);                       // DOCUMENT_ADMIN_ROLE
  Status remove_document(CallContext& ctx, const Bytes32& name);  // DOCUMENT_ADMIN_ROLE
  // The latest live version's (uri, hash, timestamp); empty values if none or removed.
  std::tuple<std::string, Bytes32, U256> get_document(const Bytes32& name) const;
  std::vector<Bytes32> all_documents() const;  // live names, ascending
  uint64_t document_version_count(const Bytes32& name) const {
    return documents_.get(name).versions;
  }
  Result<DocumentVersion> document_version(const Bytes32& name, uint64_t index) const;
  // The documents the security's offering preset needs (presets.h) that are not live.
  std::vector<Bytes32> missing_documents() const;

  // --- The controller (ERC-1644) and corporate actions (src/core/security_corporate.cc;
  // docs/corporate-actions.md). All CORPORATE_ACTION_ROLE; every one takes a reason and a
  // document hash.
  Status controller_transfer(CallContext& ctx, const Address& from, const Address& to,
                             const U256& value, const Bytes& data, const Bytes& operator_data);
  Status controller_redeem(CallContext& ctx, const Address& holder, const U256& value,
                           const Bytes& data, const Bytes& operator_data);
  Status seize(CallContext& ctx, const Address& from, const Address& custodian, const U256& amount,
               const std::string& reason, const Bytes32& doc);
  Status redeem_holders(CallContext& ctx, const std::vector<Address>& holders,
                        const std::vector<U256>& amounts, const std::string& reason,
                        const Bytes32& doc);
  // Redemption paid in a PaymentToken (rules V6; docs/corporate-actions.md): the caller funds an
  // escrow with exactly Σ amounts × price (its allowance to this token) and each holder is paid
  // amount × price in the same call as its burn. No rounding: price is per smallest unit.
  Status redeem_holders_for_payment(CallContext& ctx, const std::vector<Address>& holders,
                                    const std::vector<U256>& amounts, const Address& payment_token,
                                    const U256& price, const std::string& reason,
                                    const Bytes32& doc);
  Status distribute_in_kind(CallContext& ctx, const std::vector<Address>& holders,
                            const std::vector<U256>& amounts, const std::string& reason,
                            const Bytes32& doc);
  // Converts every holder into `target` (another security) at numerator/denominator; runs the
  // first kConversionStep holders and returns whether it finished (else continueConversion).
  Result<bool> start_conversion(CallContext& ctx, const Address& target, const U256& numerator,
                                const U256& denominator, const std::string& reason,
                                const Bytes32& doc);
  Result<bool> continue_conversion(CallContext& ctx);
  static constexpr size_t kConversionStep = 1000;
  bool conversion_pending() const { return !conversion_.get().target.is_zero(); }
  const Conversion& conversion() const { return conversion_.get(); }
  bool retired() const { return retired_.get(); }
  // A conversion's issuance of this security (no rules: an agent's move; events from this token).
  void mint_by_action(CallContext& ctx, const Address& to, const U256& amount);

  // Acquisition lots (docs/balance-model.md; src/core/security_lots.cc; rules::lots_and_splits).
  struct LotView {
    Bytes32 partition;
    uint64_t acquired = 0;  // block time (0: unrecorded, before lots were recorded)
    uint8_t kind = 0;       // LotKind
    uint8_t origin = 0;     // LotKind of the first acquisition (tacking carries it)
    Address source;
    U256 quantity;
  };
  // A holder's lots, partition by partition (the default one first), each in FIFO order, with
  // the shares held before lots were recorded as one kUnrecorded lot per partition first; they
  // sum to balanceOf. `start` and `count` page through them (at most kMaxLotsPage).
  std::vector<LotView> lots_of(const Address& holder, uint64_t start, uint64_t count) const;
  static constexpr uint64_t kMaxLotsPage = 500;
  // Σ of the holder's issued lots (origin kIssuance) still within `period` of their acquisition
  // at `now` (in one partition, or all); LockupModule refuses the holder's moves of them.
  U256 locked_by_holding_period(const Address& holder, const Bytes32* partition, uint64_t now,
                                uint64_t period) const;
  // The holder's balance less those lots under the longest holding period of the security's
  // LockupModules (U256 max when no lot is recorded).
  U256 lot_unlocked(const Address& holder, uint64_t now) const;
  bool has_lots() const { return !lots_.empty(); }
  // The latest acquisition time of a lot with origin kIssuance (0: none).
  uint64_t last_issued(const Address& holder) const;
  // A holder's own transfer as a gift (V5): checked as a transfer; the receiver's lots carry the
  // giver's acquisition dates (docs/balance-model.md, "Tacking").
  Status gift(CallContext& ctx, const Address& to, const U256& amount);

  // --- Splits and reverse splits (docs/balance-model.md, "Splits"; src/core/security_splits.cc;
  // rules::splits). CORPORATE_ACTION_ROLE; numerator/denominator reduced, both non-zero, different
  // and below 2^64; returns the split id (1, 2, ...). Every holder is rescaled lazily: its stored
  // amounts are brought to the current split epoch when it is next written, and every view
  // converts them on the fly, so the split writes O(1) values per holder-independent record.
  Result<uint64_t> split(CallContext& ctx, const U256& numerator, const U256& denominator,
                         const std::string& reason, const Bytes32& doc);
  uint64_t split_count() const { return splits_.size(); }
  Result<Split> split_at(const U256& id) const;  // id 1 .. split_count()
  // The fraction of a share the holder's balance lost at split `id`: numerator / denominator
  // (the split's denominator), owed as cash in lieu (issue 16).
  Result<std::pair<U256, U256>> fractional_shares_of(const Address& holder, const U256& id) const;
  static constexpr uint64_t kMaxSplits = 64;  // splits per security, over its life
  // Gas per entry (holder balance or holder-partition amount) the split's read pass visits.
  static constexpr uint64_t kSplitScanGas = 20;

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

  // The balance model's internals (security_partitions.cc, security_holds.cc,
  // security_checkpoints.cc).
  bool partitions_in_use() const {
    return !partitioned_supply_.get().is_zero() || partition_rules_.size() != 0;
  }
  void partition_facts(Movement& m) const;
  uint8_t partition_rule_code(const Bytes32& partition, const Movement& m) const;
  U256 free_in_partition(const Address& holder, const Bytes32& partition) const;
  U256 default_amount(const Address& holder) const;
  std::vector<std::pair<Bytes32, U256>> draw_plan(const Movement& m, U256* drawable,
                                                  uint8_t* first_refusal) const;
  U256 plain_drawable(const Address& from, const Address& to, uint64_t timestamp) const;
  void apply_partitions(CallContext& ctx, const Movement& m);
  void set_partition_amount(const Address& holder, const Bytes32& partition, const U256& v);
  void add_partition_supply(const Bytes32& partition, const U256& amount, bool add);
  Result<Bytes32> move_by_partition(CallContext& ctx, MovementKind kind, const Address& from,
                                    const Address& to, const Bytes32& partition,
                                    const Bytes32& destination, const U256& value,
                                    const Bytes& data, const Bytes& operator_data);
  Status forced_move(CallContext& ctx, const Address& from, const Address& to, const U256& amount,
                     bool receiver_verified);
  Status action_burn(CallContext& ctx, const Address& holder, const U256& amount);
  bool conversion_step(CallContext& ctx);  // true when finished
  bool corporate_empty() const;
  void encode_corporate(StateEncoder& enc) const;
  void decode_corporate(StateDecoder& dec);
  void describe_corporate(std::vector<FieldInfo>& out) const;
  Status require_unheld(const Address& holder, const U256& balance, const U256& amount) const;
  void change_held(const Hold& h, bool add);
  void checkpoint_movement(const Movement& m);
  void checkpoint_holder(const Address& holder);
  void checkpoint_partition(const Address& holder, const Bytes32& partition);
  void checkpoint_partition_supply(const Bytes32& partition);  // rules::partition_supply_at
  Result<uint64_t> checked_snapshot_id(const U256& id) const;
  bool balance_model_empty() const;
  void encode_balance_model(StateEncoder& enc) const;
  void decode_balance_model(StateDecoder& dec);
  void describe_balance_model(std::vector<FieldInfo>& out) const;
  // Lots (security_lots.cc).
  struct LotPiece {
    uint64_t acquired = 0;
    uint8_t kind = 0;
    uint8_t origin = 0;
    Address source;
    U256 amount;
  };
  void apply_lots(CallContext& ctx, const Movement& m);
  std::vector<LotPiece> debit_lots(const Address& holder, const Bytes32& partition,
                                   const U256& amount, uint64_t now, uint64_t period);
  void credit_lots(const Address& holder, const Bytes32& partition, const Movement& m,
                   const Address& sender, const std::vector<LotPiece>& pieces, const U256& amount);
  void add_lot(const LotKey& key, const U256& amount);
  uint64_t lot_holding_period() const;
  bool lots_empty() const { return lots_.empty() && lotted_.size() == 0; }
  // Splits (security_splits.cc): a holder's split epoch (how many splits its stored amounts
  // include), the conversion of a stored amount from one epoch to another (sequential floors),
  // and the normalization that rewrites a holder's stored amounts at the current epoch.
  uint64_t epoch_of(const Address& holder) const;
  U256 convert(const U256& x, uint64_t from, uint64_t to) const;
  U256 now_of(const Address& holder, const U256& stored) const {
    return splits_.size() == 0 ? stored : convert(stored, epoch_of(holder), splits_.size());
  }
  U256 named_now(const Address& holder, const Bytes32& partition) const;
  U256 raw_default_amount(const Address& holder) const;
  void normalize(const Address& holder);
  void normalize_partitions(const Address& holder, uint64_t from, uint64_t to);
  void normalize_lots(const Address& holder, uint64_t from, uint64_t to);
  struct SplitTotals;
  void split_pass(const Split& s, SplitTotals& t) const;
  void split_investors(SplitTotals& t) const;
  void write_split_totals(const SplitTotals& t);
  void split_holds(const Split& s);
  void split_frozen(const Split& s);
  void split_caps(CallContext& ctx, const Split& s);
  uint64_t snapshot_epoch(uint64_t id) const;
  U256 default_at(const Address& holder, uint64_t id) const;
  void tag_checkpoint(const Address& holder, const Bytes32* partition, uint64_t id);
  bool splits_empty() const;
  void encode_splits(StateEncoder& enc) const;
  void decode_splits(StateDecoder& dec);
  void describe_splits(std::vector<FieldInfo>& out) const;
  void encode_lots(StateEncoder& enc) const;
  void decode_lots(StateDecoder& dec);

  static const auto& field_list();  // encoding order (security_token.cc)
  // The eligibility byte and a pending rebuild (fields.h, Custom).
  void encode_eligibility(StateEncoder& enc) const;
  void decode_eligibility(StateDecoder& dec);
  void describe_eligibility(std::vector<FieldInfo>& out) const;

  // Storage. Slot numbers are stable (docs/journal-format.md, "Versions"): a new member takes the
  // next free number; a number is never reused.
  // Name, symbol, decimals, preset: encoded first, as when it was a plain member (name and
  // symbol change from rules V6: setName, setSymbol).
  JValue<TokenConfig> config_;                                                        // slot 95
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
  // The balance model (docs/balance-model.md): encoded after the eligibility byte when any of
  // them holds anything (its 0x40 bit), so a security that never used them encodes as before.
  // Partitions other than the default one: amounts per (holder, partition), their sum per holder
  // (the default partition's amount is the balance less it), supplies and their sum, rules.
  JOrderedMap<HolderPartition, U256> partition_balances_{undo_log(), Slot{20}};
  JMap<Address, U256, AddressHash> partitioned_{undo_log(), Slot{21}};
  JMap<Bytes32, U256, Bytes32Hash> partition_supply_{undo_log(), Slot{22}};
  JValue<U256> partitioned_supply_{undo_log(), Slot{23}};
  JMap<Bytes32, PartitionRule, Bytes32Hash> partition_rules_{undo_log(), Slot{24}};
  JMap<AddressPair, bool, AddressPairHash> operators_{undo_log(), Slot{25}};  // (holder, operator)
  JMap<PartitionOperator, bool, PartitionOperatorHash> partition_operators_{undo_log(), Slot{26}};
  // Holds by id, held amounts per (holder, partition) (the default one included) and per holder.
  JMap<Bytes32, Hold, Bytes32Hash> holds_{undo_log(), Slot{27}};
  JMap<HolderPartition, U256, HolderPartitionHash> held_{undo_log(), Slot{28}};
  JMap<Address, U256, AddressHash> held_total_{undo_log(), Slot{29}};
  // Checkpoints: the current snapshot id, each snapshot's block time, and the values recorded
  // before their first change after a snapshot (balances, partition amounts, the total supply).
  JValue<uint64_t> snapshot_id_{undo_log(), Slot{30}};
  JMap<uint64_t, uint64_t> snapshot_times_{undo_log(), Slot{31}};
  JOrderedMap<HolderCheckpoint, Recorded> balance_checkpoints_{undo_log(), Slot{32}};
  JOrderedMap<PartitionCheckpoint, Recorded> partition_checkpoints_{undo_log(), Slot{33}};
  JOrderedMap<uint64_t, Recorded> supply_checkpoints_{undo_log(), Slot{34}};
  // Documents and corporate actions (docs/documents.md, docs/corporate-actions.md): encoded
  // after the balance model when any holds anything (the eligibility byte's 0x20 bit). Per name
  // its version count and liveness, every version; a conversion in progress (or the last one);
  // whether the security was retired by a conversion.
  JMap<Bytes32, DocumentHead, Bytes32Hash> documents_{undo_log(), Slot{70}};
  JMap<DocumentKey, DocumentVersion, DocumentKeyHash> document_versions_{undo_log(), Slot{71}};
  JValue<Conversion> conversion_{undo_log(), Slot{72}};
  JValue<bool> retired_{undo_log(), Slot{73}};

  // Acquisition lots (rules::lots_and_splits): quantity per lot, and per (holder, partition) the
  // Σ of its lots; the rest of the partition's amount is unrecorded (held before version 5).
  // Encoded after the balance model when either holds anything (the eligibility byte's 0x10 bit).
  JOrderedMap<LotKey, U256> lots_{undo_log(), Slot{35}};
  JMap<HolderPartition, U256, HolderPartitionHash> lotted_{undo_log(), Slot{36}};

  // Splits (rules::splits; docs/balance-model.md, "Splits"): encoded after the lots when a split
  // exists (the eligibility byte's 0x08 bit); nothing is written for a security that never split.
  // The splits by epoch (split id - 1); each holder's epoch (absent: 0); the epoch of each
  // recorded checkpoint value and of each snapshot (absent: 0); the fractional shares recorded
  // when a holder's amounts were brought past a split (numerators over the split's denominator).
  JMap<uint64_t, Split> splits_{undo_log(), Slot{80}};
  JMap<Address, uint64_t, AddressHash> holder_epochs_{undo_log(), Slot{81}};
  JOrderedMap<HolderCheckpoint, uint64_t> balance_checkpoint_epochs_{undo_log(), Slot{82}};
  JOrderedMap<PartitionCheckpoint, uint64_t> partition_checkpoint_epochs_{undo_log(), Slot{83}};
  JMap<uint64_t, uint64_t> snapshot_epochs_{undo_log(), Slot{84}};
  JOrderedMap<HolderSplit, U256> fractions_{undo_log(), Slot{85}};
};

// SecurityToken's ABI: its own table with the balance model's methods, events and errors appended.
ContractAbi with_balance_model_abi(std::string_view name, std::vector<MethodSpec> methods,
                                   std::vector<EventSpec> events, std::vector<ErrorId> errors);
std::vector<MethodSpec> hold_methods();                      // security_holds.cc
std::vector<MethodSpec> hold_views();                        // security_holds.cc
std::vector<EventSpec> hold_events();                        // security_holds.cc
std::vector<MethodSpec> checkpoint_methods();                // security_checkpoints.cc
std::vector<EventSpec> checkpoint_events();                  // security_checkpoints.cc
void extend_with_partition_supply_at_abi(ContractAbi& abi);  // security_checkpoints.cc (V6)
std::vector<MethodSpec> document_methods();                  // security_documents.cc (rules V5)
std::vector<EventSpec> document_events();                    // security_documents.cc
std::vector<MethodSpec> corporate_methods();                 // security_corporate.cc (rules V5)
std::vector<EventSpec> corporate_events();                   // security_corporate.cc
// T-REX v4 parity (rules V5; security_trex.cc): 3-argument forcedTransfer, compliance(), Ownable,
// role enumeration, increase/decreaseAllowance.
void extend_with_trex_abi(ContractAbi& abi);
// Redemption against payment (rules V6; security_corporate.cc).
void extend_with_redemption_payment_abi(ContractAbi& abi);
std::vector<MethodSpec> lot_methods();    // security_lots.cc (rules version 5)
std::vector<EventSpec> lot_events();      // security_lots.cc
std::vector<MethodSpec> split_methods();  // security_splits.cc (rules version 6)
std::vector<EventSpec> split_events();    // security_splits.cc

}  // namespace stoa::core
