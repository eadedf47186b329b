// T-REX's proxy initializers on stoa's natively created contracts (issue 13, item 1; rules V6,
// rules::trex_proxy_parity). T-REX deploys each contract of a suite behind a proxy and calls its
// `init(...)` once (OpenZeppelin 4's Initializable, which emits Initialized(1)); stoa's factories
// create the contracts initialized. So, from V6, each answers its T-REX `init` selector as an
// initialized OpenZeppelin 4 proxy does — it reverts with Error("Initializable: contract is
// already initialized") — and emits Initialized(1) when a factory creates it.
#pragma once

#include <string_view>

#include "stoa/core/contract.h"

namespace stoa::core {

// The initializer a T-REX contract has.
enum class TrexInitializer : uint8_t {
  kToken,             // init(address,address,string,string,uint8,address)
  kIdentityRegistry,  // init(address,address,address)
  kPlain,             // init() (storage, registries, ModularCompliance)
};

// OpenZeppelin 4's Initializable refusal.
inline constexpr std::string_view kAlreadyInitialized =
    "Initializable: contract is already initialized";

// Adds the initializer (from rules V6) and the Initialized(uint8) event to `abi`.
void extend_with_trex_initializer(ContractAbi& abi, TrexInitializer which);

// Emits Initialized(1) from `created` under rules V6 (a factory just created it).
void emit_initialized(CallContext& ctx, const Contract& created);

}  // namespace stoa::core
