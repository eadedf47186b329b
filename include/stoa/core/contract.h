// The native contract model: a contract is a C++ object at an address, with a method table that
// carries its Solidity ABI (the same table dispatches calls and produces docs/abi/*.json), events
// encoded as Solidity emits them, and a canonical encoding of its storage for the state digest.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "stoa/abi/abi.h"
#include "stoa/common/address.h"
#include "stoa/common/keccak.h"
#include "stoa/common/u256.h"
#include "stoa/core/errors.h"
#include "stoa/core/result.h"
#include "stoa/core/rules.h"
#include "stoa/core/state_encoding.h"
#include "stoa/core/undo_log.h"

namespace stoa::core {

class State;
class Contract;
class AccessControl;

// Stable numbers: they are part of the state encoding.
enum class ContractKind : uint8_t {
  kFactory = 1,
  kSecurityToken = 2,
  kComplianceRegistry = 3,
  kWhitelistModule = 4,
  kLockupModule = 5,
  kJurisdictionModule = 6,
  kTransferRestriction = 7,
  kIdentity = 8,
  kIdentityFactory = 9,
  kClaimTopicsRegistry = 10,
  kTrustedIssuersRegistry = 11,
  kIdentityRegistryStorage = 12,
  kIdentityRegistry = 13,
  kKycEventLog = 14,
  kMulticall3 = 15,  // code only: never in a state encoding (multicall3.h)
  kPaymentToken = 16,
  kDividendDistributor = 17,
  kMultisigAdmin = 18,
};
// The highest number: a new kind goes after it and becomes the new last kind (with its entry in
// the registration table, src/core/contract_kinds.cc, which checks this at compile time).
inline constexpr ContractKind kLastContractKind = ContractKind::kMultisigAdmin;
std::string_view kind_name(ContractKind k);  // from the registration table; "Unknown" if none

struct Log {
  Address address;
  std::vector<Bytes32> topics;
  Bytes data;
  bool operator==(const Log&) const = default;
};

// Charges an event's gas (gas::kLog, kLogTopic per topic, kLogByte per data byte).
void charge_log(UndoLog& j, const Log& log);

// The hashes of past blocks, from the chain layer (Multicall3's getBlockHash, for eth_call).
class BlockHashes {
 public:
  virtual ~BlockHashes() = default;
  virtual std::optional<Bytes32> hash(uint64_t number) const = 0;  // nullopt if unknown
};

// Inputs from outside the core: the block being built (time is an input, never read).
struct BlockContext {
  uint64_t number = 0;
  uint64_t timestamp = 0;  // seconds since the Unix epoch
  // The rules the block runs under (rules.h): the chain sets it from the data directory's
  // schedule; elsewhere (tests, scenarios, the simulator) the latest.
  Rules rules = kLatestRules;
  // Past blocks' hashes: set by the chain for eth_call (nullptr: every hash reads as zero).
  const BlockHashes* hashes = nullptr;
};

struct CallContext {
  State& state;
  Address sender;
  BlockContext block;
  std::vector<Log>* logs = nullptr;
};

// The call has spent more gas than its budget (UndoLog::out_of_gas); loops whose length the
// caller chooses check it per step and stop with out_of_gas_revert().
bool out_of_gas(const CallContext& ctx);
Revert out_of_gas_revert();  // Error("out of gas"): State::call reports it as out_of_gas

enum class Mutability : uint8_t { kView, kNonPayable };

struct Param {
  std::string_view name;
  std::string_view type;
  bool indexed = false;  // events only
};

using Outputs = abi::ValueList;
using Handler = Result<Outputs> (*)(Contract& self, CallContext& ctx, const abi::ValueList& args);

struct MethodSpec {
  std::string_view name;
  std::vector<Param> inputs;
  std::vector<Param> outputs;
  Mutability mutability;
  Handler fn;
  std::string_view doc;
};

struct EventSpec {
  std::string_view name;
  std::vector<Param> params;
  std::string_view doc;
};

struct Method {
  MethodSpec spec;
  abi::Signature sig;
  uint32_t selector = 0;
  std::vector<abi::Type> outputs;
  // The rules version from which the method exists (rules.h): before it, its selector is unknown,
  // so blocks written before the method was added replay as they ran.
  Rules since = Rules::kV1;
};

struct Event {
  EventSpec spec;
  abi::Signature sig;
  Bytes32 topic0;
  std::vector<bool> indexed;
  std::vector<abi::Type> data_types;  // the non-indexed parameters
};

// One per contract kind, built once.
class ContractAbi {
 public:
  ContractAbi(std::string_view contract_name, std::vector<MethodSpec> methods,
              std::vector<EventSpec> events, std::vector<ErrorId> errors);
  std::string_view contract_name() const { return name_; }
  const Method* by_selector(uint32_t selector) const;
  const Method* by_name(std::string_view name) const;  // first with that name
  // Methods from index `first` on exist only from rules version `since` (rules.h).
  void introduce(size_t first, Rules since);
  // Appends methods that exist only from rules version `since`, with their events and errors.
  void extend(std::vector<MethodSpec> methods, std::vector<EventSpec> events,
              std::vector<ErrorId> errors, Rules since);
  // The event with this signature (for two events of one name), asserts it exists.
  const Event& event_by_signature(std::string_view canonical) const;
  const Event& event(std::string_view name) const;  // asserts it exists
  const std::vector<Method>& methods() const { return methods_; }
  const std::vector<Event>& events() const { return events_; }
  const std::vector<ErrorId>& errors() const { return errors_; }
  // ERC-165 interface id of a set of function signatures (XOR of selectors).
  static uint32_t interface_id(std::span<const std::string_view> signatures);

 private:
  std::string name_;
  std::vector<Method> methods_;
  std::vector<Event> events_;
  void add_method(MethodSpec spec);
  void add_event(EventSpec spec);
  std::vector<ErrorId> errors_;
  absl::flat_hash_map<uint32_t, size_t> by_selector_;
};

// Reads the canonical encoding back (state images). Errors are sticky: after the first failure
// every read returns a default value and ok() is false; error() says what and at which byte offset.
class StateDecoder {
 public:
  explicit StateDecoder(BytesView in) : in_(in) {}
  uint8_t u8();
  uint64_t u64();
  U256 u256();
  Address address();
  Bytes32 b32();
  Bytes bytes();
  std::string str();
  bool boolean();  // a u8 that must be 0 or 1
  // A count of entries each at least `min_entry_bytes` long (refuses counts the input cannot hold).
  uint64_t count(size_t min_entry_bytes);
  void fail(std::string what);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t offset() const { return pos_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  const uint8_t* take(size_t n);
  BytesView in_;
  size_t pos_ = 0;
  std::string error_;
};

// What a contract decoder may need beyond its own bytes: the state it is decoded into, and
// fix-ups run once every contract exists (pointers between contracts of one security).
struct DecodeContext {
  State& state;
  std::vector<std::function<bool(std::string* error)>> fixups;
};
// Every ContractKind has one (the registration table, src/core/contract_kinds.cc, which does not
// compile without an entry for every kind). Returns nullptr after dec.fail() on malformed input.
using ContractDecoder = std::unique_ptr<Contract> (*)(DecodeContext& ctx, const Address& self,
                                                      StateDecoder& dec);
ContractDecoder contract_decoder(ContractKind kind);  // nullptr for an unknown kind

// Every balance movement of a security, by kind (docs/ARCHITECTURE.md, "Movement kinds"). The
// token runs each through one path (SecurityToken::movement, evaluate, apply) and passes the kind
// to every rule and hook. The numbers are stable and never reused; new kinds take the next free
// number.
enum class MovementKind : uint8_t {
  kTransfer = 0,         // transfer, batchTransfer: the holder moves its own tokens
  kMint = 1,             // issuance by MINTER_ROLE (no sender)
  kBurn = 2,             // redemption by MINTER_ROLE (no receiver)
  kForced = 3,           // forcedTransfer by CORPORATE_ACTION_ROLE
  kRecovery = 4,         // recoveryAddress: a lost wallet's tokens to the investor's new wallet
  kTransferFrom = 5,     // transferFrom: a spender moves the holder's tokens on an allowance
  kBridgeIn = 6,         // tokens arriving from another ledger (no sender; not yet produced)
  kBridgeOut = 7,        // tokens leaving for another ledger (no receiver; not yet produced)
  kCorporateAction = 8,  // splits, consolidations, distributions in kind (not yet produced)
};
inline constexpr uint8_t kMovementKindCount = 9;  // one more than the highest number

// A set of movement kinds (a bit per kind).
class MovementKinds {
 public:
  constexpr MovementKinds() = default;
  constexpr MovementKinds(std::initializer_list<MovementKind> kinds) {
    for (MovementKind k : kinds)
      bits_ = static_cast<uint16_t>(bits_ | bit(k));
  }
  constexpr bool has(MovementKind k) const { return (bits_ & bit(k)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr MovementKinds operator|(MovementKinds o) const { return from_bits(bits_ | o.bits_); }
  constexpr bool operator==(const MovementKinds&) const = default;
  static constexpr MovementKinds all() { return from_bits((1U << kMovementKindCount) - 1); }

 private:
  static constexpr uint16_t bit(MovementKind k) {
    return static_cast<uint16_t>(1U << static_cast<unsigned>(k));
  }
  static constexpr MovementKinds from_bits(unsigned b) {
    MovementKinds s;
    s.bits_ = static_cast<uint16_t>(b);
    return s;
  }
  uint16_t bits_ = 0;
};
static_assert(kMovementKindCount <= 16);

// Which side of a movement the rules look at, by kind. A holder's own moves (transfer,
// transferFrom, bridge out) are checked on the sender's side; moves that deliver tokens to
// someone who asked for them (transfer, transferFrom, issuance, bridge in) on the receiver's.
// Burns and the agent's moves (forced, recovery, corporate actions) are checked by no rule;
// every tracker still sees them (ComplianceModule::tracks()).
namespace movement_kinds {
inline constexpr MovementKinds kSenderChecked = {
    MovementKind::kTransfer, MovementKind::kTransferFrom, MovementKind::kBridgeOut};
inline constexpr MovementKinds kReceiverChecked = {MovementKind::kTransfer,
                                                   MovementKind::kTransferFrom, MovementKind::kMint,
                                                   MovementKind::kBridgeIn};
inline constexpr MovementKinds kChecked = kSenderChecked | kReceiverChecked;
inline constexpr MovementKinds kAll = MovementKinds::all();
}  // namespace movement_kinds
std::string_view movement_kind_name(MovementKind k);

struct Movement {
  MovementKind kind = MovementKind::kTransfer;
  bool sender_checked() const { return movement_kinds::kSenderChecked.has(kind); }
  bool receiver_checked() const { return movement_kinds::kReceiverChecked.has(kind); }
  Address from;  // zero for a mint
  Address to;    // zero for a burn
  U256 amount;
  uint64_t timestamp = 0;
  // Facts of the token the rules read, filled in by the token before evaluation.
  Address token;
  U256 from_balance;
  U256 to_balance;
  uint64_t holder_count = 0;
  // Investor facts: an investor is the identity a wallet is registered to in the token's
  // IdentityRegistry, or the wallet itself if it has none. Caps count investors and see the sum
  // of an investor's balances over all its wallets.
  Address from_investor;
  Address to_investor;
  U256 from_investor_balance;
  U256 to_investor_balance;
  uint64_t investor_count = 0;
  // Identity verification (filled when the token takes eligibility from identities).
  bool identity_mode = false;  // the registry skips its whitelist checks (1, 2)
  bool from_verified = true;
  bool to_verified = true;
  uint8_t to_accreditation_claims = 0;  // 0 none, 1 accredited, 2 QIB (from claims)
  // Token-level facts.
  bool from_frozen = false;
  bool to_frozen = false;
  U256 from_frozen_amount;
  U256 from_held;  // the sender's amounts on hold (docs/balance-model.md, "Holds")
  // What the sender may move: balance - frozen amount - held (SecurityToken::spendable).
  U256 from_spendable() const;
  // Partitions (docs/balance-model.md): a movement of one partition (transferByPartition and
  // the like) names it and its destination; a plain movement draws from the default partition
  // order. `partition_code` is the refusal of the partition checks (23-25), 0 if none.
  bool by_partition = false;
  Bytes32 partition;
  Bytes32 dest_partition;
  uint8_t partition_code = 0;
  bool gift = false;  // SecurityToken::gift: the receiver's lots tack (docs/balance-model.md)
};

// balance - locked (frozen + held), never below zero: what a holder may move. The one definition
// the transfer path, detectTransferRestriction and explainTransfer all use.
U256 spendable_amount(const U256& balance, const U256& frozen);

// Collects refusals from the rules. In first-failure mode (the transfer path and
// detectTransferRestriction) evaluation stops at the first; in all-failures mode (the
// explanation views) every failing rule is recorded. Both modes run the same rule code, so the
// views can never disagree with the transfer path.
class RuleSink {
 public:
  struct Finding {
    uint8_t code;
    Address rule;  // the contract whose rule refused
  };
  explicit RuleSink(bool collect_all = false) : collect_all_(collect_all) {}
  // Records a refusal; returns true when evaluation should stop.
  bool fail(uint8_t code, const Address& rule) {
    if (first_code_ == 0) {
      first_code_ = code;
      first_rule_ = rule;
    }
    if (collect_all_) findings_.push_back({code, rule});
    return !collect_all_;
  }
  bool stopped() const { return !collect_all_ && first_code_ != 0; }
  uint8_t first_code() const { return first_code_; }
  const Address& first_rule() const { return first_rule_; }
  const std::vector<Finding>& findings() const { return findings_; }

 private:
  bool collect_all_;
  uint8_t first_code_ = 0;
  Address first_rule_;
  std::vector<Finding> findings_;
};

// One entry of a contract's field list (include/stoa/core/fields.h): its name and, for a
// journaled container, the container (whose slot() is its stable number).
struct FieldInfo {
  std::string_view name;
  const Undoable* container = nullptr;  // nullptr: a plain member, fixed when the contract is made
  bool derived = false;                 // rebuilt from other fields; not in the encoding
};

class Contract {
 public:
  Contract(State& state, const Address& self) : state_(state), self_(self) {}
  virtual ~Contract() = default;
  Contract(const Contract&) = delete;
  Contract& operator=(const Contract&) = delete;

  virtual ContractKind kind() const = 0;
  virtual const ContractAbi& abi() const = 0;
  // The canonical encoding of the contract's storage, from its field list (fields.h).
  virtual void encode_state(StateEncoder& enc) const = 0;
  // Its field list, in encoding order (tests: every container is listed, slots are unique).
  virtual std::vector<FieldInfo> field_info() const = 0;
  const Address& address() const { return self_; }
  // The role domain that guards this contract (its security's, or its own); nullptr if none.
  virtual AccessControl* access_control() const { return nullptr; }
  // The contract that holds access_control() and emits its role events (itself, or the token of
  // a security's part).
  virtual const Contract& roles_contract() const { return *this; }

  // Emits an event of this contract's ABI.
  void emit(CallContext& ctx, std::string_view event, const abi::ValueList& args) const;
  void emit(CallContext& ctx, const Event& event, const abi::ValueList& args) const;

 protected:
  UndoLog* undo_log() const;
  bool genesis_allows_role_overlap() const;  // for the AccessControl members

  State& state_;
  Address self_;
};

}  // namespace stoa::core
