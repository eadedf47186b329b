// The native contract model: a contract is a C++ object at an address, with a method table that
// carries its Solidity ABI (the same table dispatches calls and produces docs/abi/*.json), events
// encoded as Solidity emits them, and a canonical encoding of its storage for the state digest.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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
#include "stoa/core/journal.h"
#include "stoa/core/result.h"
#include "stoa/core/state_encoding.h"

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
};
std::string_view kind_name(ContractKind k);

struct Log {
  Address address;
  std::vector<Bytes32> topics;
  Bytes data;
  bool operator==(const Log&) const = default;
};

// Charges an event's gas (gas::kLog, kLogTopic per topic, kLogByte per data byte).
void charge_log(Journal& j, const Log& log);

// Inputs from outside the core: the block being built (time is an input, never read).
struct BlockContext {
  uint64_t number = 0;
  uint64_t timestamp = 0;  // seconds since the Unix epoch
  // The rules of metered work (chain::ChainConfig::metering_from_block): O(holders) operations
  // run in resumable steps. False only to replay blocks written before metering.
  bool metered = true;
};

struct CallContext {
  State& state;
  Address sender;
  BlockContext block;
  std::vector<Log>* logs = nullptr;
};

// The call has spent more gas than its budget (Journal::out_of_gas); loops whose length the
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
  const Event& event(std::string_view name) const;     // asserts it exists
  const std::vector<Method>& methods() const { return methods_; }
  const std::vector<Event>& events() const { return events_; }
  const std::vector<ErrorId>& errors() const { return errors_; }
  // ERC-165 interface id of a set of function signatures (XOR of selectors).
  static uint32_t interface_id(std::span<const std::string_view> signatures);

 private:
  std::string name_;
  std::vector<Method> methods_;
  std::vector<Event> events_;
  std::vector<ErrorId> errors_;
  absl::flat_hash_map<uint32_t, size_t> by_selector_;
};

// Reads the canonical encoding back (snapshots). Errors are sticky: after the first failure every
// read returns a default value and ok() is false; error() says what and at which byte offset.
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
// Every ContractKind has one (src/core/state_decode.cc; a switch without default, so a kind
// without a decoder does not compile). Returns nullptr after dec.fail() on malformed input.
using ContractDecoder = std::unique_ptr<Contract> (*)(DecodeContext& ctx, const Address& self,
                                                      StateDecoder& dec);
ContractDecoder contract_decoder(ContractKind kind);  // nullptr for an unknown kind

// The kinds of balance movement that compliance rules and hooks see. Later kinds (forced,
// recovery, bridge) are added here so every module sees every movement.
// kForced (forcedTransfer) and kRecovery (recoveryAddress) are agent moves: no compliance rule
// refuses them, but every module's hook sees them.
enum class MovementKind : uint8_t {
  kTransfer = 0,
  kMint = 1,
  kBurn = 2,
  kForced = 3,
  kRecovery = 4
};

struct Movement {
  MovementKind kind = MovementKind::kTransfer;
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
};

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

class Contract {
 public:
  Contract(State& state, const Address& self) : state_(state), self_(self) {}
  virtual ~Contract() = default;
  Contract(const Contract&) = delete;
  Contract& operator=(const Contract&) = delete;

  virtual ContractKind kind() const = 0;
  virtual const ContractAbi& abi() const = 0;
  virtual void encode_state(StateEncoder& enc) const = 0;
  const Address& address() const { return self_; }
  // The role domain that guards this contract (its security's, or its own); nullptr if none.
  virtual AccessControl* access_control() const { return nullptr; }

  // Emits an event of this contract's ABI.
  void emit(CallContext& ctx, std::string_view event, const abi::ValueList& args) const;
  void emit(CallContext& ctx, const Event& event, const abi::ValueList& args) const;

 protected:
  Journal* journal() const;

  State& state_;
  Address self_;
};

}  // namespace stoa::core
