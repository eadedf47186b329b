// T-REX v4 parity of SecurityToken (issue 13, item 1; rules V5): the functions of ERC-3643's
// IToken and Token that stoa's richer variants did not already answer with T-REX's selector.
// docs/erc3643-compatibility.md lists every T-REX selector and how stoa answers it.
#include <string>

#include "stoa/core/abi_registry.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"

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

}  // namespace

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
}

}  // namespace stoa::core
