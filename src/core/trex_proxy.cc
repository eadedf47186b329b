// T-REX's proxy initializers (include/stoa/core/trex_proxy.h).
#include "stoa/core/trex_proxy.h"

#include <string>
#include <vector>

#include "stoa/core/abi_registry.h"

namespace stoa::core {
namespace {

constexpr std::string_view kInitDoc =
    "T-REX proxy initializer (rules V6): stoa's factory created this contract initialized, so "
    "this reverts as an initialized OpenZeppelin 4 proxy does: Error(\"Initializable: contract "
    "is already initialized\").";

Status already_initialized() {
  return revert_message(kAlreadyInitialized);
}

std::vector<MethodSpec> initializer_methods(TrexInitializer which) {
  AbiRegistry<Contract> reg;
  switch (which) {
    case TrexInitializer::kToken:
      reg.call("init",
               {"_identityRegistry", "_compliance", "_name", "_symbol", "_decimals", "_onchainID"},
               kInitDoc,
               [](Contract&, const Address&, const Address&, const std::string&, const std::string&,
                  uint8_t, const Address&) { return already_initialized(); });
      break;
    case TrexInitializer::kIdentityRegistry:
      reg.call("init", {"_trustedIssuersRegistry", "_claimTopicsRegistry", "_identityStorage"},
               kInitDoc, [](Contract&, const Address&, const Address&, const Address&) {
                 return already_initialized();
               });
      break;
    case TrexInitializer::kPlain:
      reg.call("init", {}, kInitDoc, [](Contract&) { return already_initialized(); });
      break;
  }
  return reg.take();
}

}  // namespace

void extend_with_trex_initializer(ContractAbi& abi, TrexInitializer which) {
  abi.extend(initializer_methods(which),
             {{"Initialized",
               {{"version", "uint8"}},
               "OpenZeppelin 4 Initializable: emitted once, with 1, when a factory creates the "
               "contract (rules V6)."}},
             {}, Rules::kV6);
}

void emit_initialized(CallContext& ctx, const Contract& created) {
  if (rules::trex_proxy_parity(ctx.block.rules)) created.emit(ctx, "Initialized", {U256(1)});
}

}  // namespace stoa::core
