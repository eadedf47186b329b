// T-REX v4 parity of SecurityToken (issue 13, item 1; rules V5, and V6 for setName / setSymbol
// and the proxy initializer): the functions of ERC-3643's IToken and Token that stoa's richer
// variants did not already answer with T-REX's selector.
// docs/erc3643-compatibility.md lists every T-REX selector and how stoa answers it.
#include <string>

#include "stoa/core/abi_registry.h"
#include "stoa/core/factory.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"
#include "stoa/core/trex_proxy.h"

namespace stoa::core {
namespace {

// T-REX's forcedTransfer carries no reason or document: stoa records these.
constexpr std::string_view kTrexForcedReason = "ERC-3643 forcedTransfer (no reason given)";
const Bytes32& trex_forced_document() {
  static const Bytes32 d = keccak256(std::string_view("stoa:erc3643:forcedTransfer"));
  return d;
}

void trex_agent_methods(AbiRegistry<SecurityToken>& reg) {
  reg.call_true("forcedTransfer", {"_from", "_to", "_amount"},
                "ERC-3643, CORPORATE_ACTION_ROLE: forcedTransfer(from, to, amount, reason, "
                "documentRef) with the reason \"ERC-3643 forcedTransfer (no reason given)\" and "
                "the document reference keccak256(\"stoa:erc3643:forcedTransfer\").",
                [](SecurityToken& c, CallContext& ctx, const Address& from, const Address& to,
                   const U256& amount) {
                  return c.forced_transfer(ctx, from, to, amount, std::string(kTrexForcedReason),
                                           trex_forced_document());
                });
  reg.call("batchForcedTransfer", {"_fromList", "_toList", "_amounts"},
           "ERC-3643, CORPORATE_ACTION_ROLE: all or nothing; as forcedTransfer(from, to, amount).",
           [](SecurityToken& c, CallContext& ctx, const std::vector<Address>& from,
              const std::vector<Address>& to, const std::vector<U256>& amounts) {
             return for_each_leg(ctx, {from.size(), to.size(), amounts.size()}, [&](size_t i) {
               return c.forced_transfer(ctx, from[i], to[i], amounts[i],
                                        std::string(kTrexForcedReason), trex_forced_document());
             });
           });
  reg.view("compliance", {},
           "ERC-3643: the security's ComplianceRegistry, which also answers T-REX's "
           "ModularCompliance functions (canTransfer, getModules, isModuleBound, ...).",
           [](SecurityToken& c) -> Address {
             return c.registry() == nullptr ? Address{} : c.registry()->address();
           });
  reg.call("setCompliance", {"_compliance"},
           "ERC-3643, DEFAULT_ADMIN_ROLE: setComplianceRegistry; emits ComplianceAdded.",
           [](SecurityToken& c, CallContext& ctx, const Address& compliance) -> Status {
             STOA_TRY(c.set_registry(ctx, compliance));
             c.emit(ctx, "ComplianceAdded", {compliance});
             return Status::Ok();
           });
  reg.call_true<&SecurityToken::increase_allowance>(
      "increaseAllowance", {"spender", "addedValue"},
      "T-REX: raises the caller's allowance for `spender` (Approval).");
  reg.call_true<&SecurityToken::decrease_allowance>(
      "decreaseAllowance", {"spender", "subtractedValue"},
      "T-REX: lowers it; ERC20InsufficientAllowance below zero.");
}

// setName / setSymbol (rules V6).
std::vector<MethodSpec> token_information_methods() {
  AbiRegistry<SecurityToken> reg;
  reg.call<&SecurityToken::set_name>(
      "setName", {"_name"},
      "T-REX, DEFAULT_ADMIN_ROLE (T-REX's owner): 1 to 64 bytes without control characters; "
      "emits UpdatedTokenInformation. The name is part of permit's EIP-712 domain: permits "
      "signed for the old name no longer verify (as OpenZeppelin's ERC20Permit after a rename).");
  reg.call<&SecurityToken::set_symbol>(
      "setSymbol", {"_symbol"},
      "T-REX, DEFAULT_ADMIN_ROLE: 1 to 11 of A-Z 0-9 . -, not another security's "
      "(SymbolTaken); the factory's securityBySymbol follows. Emits UpdatedTokenInformation.");
  return reg.take();
}

}  // namespace

Status SecurityToken::set_name(CallContext& ctx, const std::string& name) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  if (!valid_token_name(name)) {
    return make_revert(ErrorId::kInvalidTokenMetadata,
                       {std::string("name must be 1 to 64 bytes without control characters")});
  }
  TokenConfig c = config();
  c.name = name;
  config_.set(std::move(c));
  emit(ctx, token_information_event(ctx.block.rules),
       {config().name, config().symbol, U256(config().decimals), std::string("1"),
        onchain_id_.get()});
  return Status::Ok();
}

Status SecurityToken::set_symbol(CallContext& ctx, const std::string& symbol) {
  STOA_TRY(access_.require(roles::default_admin(), ctx.sender));
  if (!valid_token_symbol(symbol)) {
    return make_revert(ErrorId::kInvalidTokenMetadata,
                       {std::string("symbol must be 1 to 11 of A-Z 0-9 . -")});
  }
  STOA_TRY(state_.factory().move_symbol(self_, config().symbol, symbol));
  TokenConfig c = config();
  c.symbol = symbol;
  config_.set(std::move(c));
  emit(ctx, token_information_event(ctx.block.rules),
       {config().name, config().symbol, U256(config().decimals), std::string("1"),
        onchain_id_.get()});
  return Status::Ok();
}

Status SecurityToken::grant_trex_agent_roles(CallContext& ctx, const Address& agent, bool grant) {
  std::vector<const Bytes32*> roles_of_agent = {&roles::pauser()};
  // Minting needs MINTER_ROLE, which the role-separation policy keeps from a COMPLIANCE_ROLE
  // holder unless the deployment allows overlap: only then is an agent also a minter.
  if (access_.allow_role_overlap()) roles_of_agent.push_back(&roles::minter());
  for (const Bytes32* r : roles_of_agent) {
    if (grant) {
      STOA_TRY(access_.grant(ctx, *this, *r, agent));
    } else {
      STOA_TRY(access_.revoke(ctx, *this, *r, agent));
    }
  }
  return Status::Ok();
}

const Event& SecurityToken::token_information_event(Rules rules) const {
  if (rules::trex_parity(rules)) return abi().event("UpdatedTokenInformation");
  // Before V5 only onchainID was indexed: old blocks replay with their logs unchanged.
  static const ContractAbi kLegacy("SecurityToken (rules V1-V4)", {},
                                   {{"UpdatedTokenInformation",
                                     {{"newName", "string"},
                                      {"newSymbol", "string"},
                                      {"newDecimals", "uint8"},
                                      {"newVersion", "string"},
                                      {"newOnchainID", "address", true}},
                                     ""}},
                                   {});
  return kLegacy.event("UpdatedTokenInformation");
}

Status SecurityToken::increase_allowance(CallContext& ctx, const Address& spender,
                                         const U256& added) {
  const U256 current = allowance(ctx.sender, spender);
  const auto sum = current.checked_add(added);
  if (!sum) return make_revert(ErrorId::kAmountOverflow, {current, added});
  return approve(ctx, spender, *sum);
}

Status SecurityToken::decrease_allowance(CallContext& ctx, const Address& spender,
                                         const U256& subtracted) {
  const U256 current = allowance(ctx.sender, spender);
  if (current < subtracted) {
    return make_revert(ErrorId::kERC20InsufficientAllowance, {spender, current, subtracted});
  }
  return approve(ctx, spender, *current.checked_sub(subtracted));
}

void extend_with_trex_abi(ContractAbi& abi) {
  AbiRegistry<SecurityToken> reg;
  trex_agent_methods(reg);
  std::vector<MethodSpec> m = reg.take();
  for (auto* list : {&role_enumeration_methods, &ownable_methods}) {
    for (auto& x : (*list)())
      m.push_back(std::move(x));
  }
  std::vector<EventSpec> e = ownable_events();
  e.push_back({"ComplianceAdded", {{"_compliance", "address", true}}, "ERC-3643: setCompliance."});
  abi.extend(std::move(m), std::move(e),
             {ErrorId::kAmountOverflow, ErrorId::kERC20InsufficientAllowance}, Rules::kV5);
  // Rules V6 (rules::trex_proxy_parity): setName, setSymbol, the proxy initializer.
  abi.extend(token_information_methods(), {},
             {ErrorId::kInvalidTokenMetadata, ErrorId::kSymbolTaken}, Rules::kV6);
  extend_with_trex_initializer(abi, TrexInitializer::kToken);
}

}  // namespace stoa::core
