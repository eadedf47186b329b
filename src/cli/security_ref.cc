// Symbol -> the security's contracts, through the factory's views.
#include "stoa/cli/security_ref.h"

#include <stdexcept>

#include "stoa/cli/call_signature.h"
#include "stoa/core/state.h"

namespace stoa::cli {

SecurityRef resolve_security(RpcClient& rpc, std::string_view symbol_or_address) {
  const Address factory = core::factory_address();
  SecurityRef ref;
  Address token;
  if (auto a = Address::parse(symbol_or_address)) {
    token = *a;
  } else {
    abi::ValueList r;
    try {
      r = call_view(rpc, factory, "securityBySymbol(string)(address)",
                    {abi::Value(std::string(symbol_or_address))});
    } catch (const RpcError& e) {
      if (!e.is_revert()) throw;
      throw std::runtime_error("no security with symbol " + std::string(symbol_or_address) + " (" +
                               e.reason() + ")");
    }
    token = r.at(0).address();
    if (token.is_zero())
      throw std::runtime_error("no security with symbol " + std::string(symbol_or_address) +
                               " (stoa security list shows them)");
  }
  abi::ValueList set;
  try {
    set = call_view(rpc, factory,
                    "getSecurity(address)(address,address,address,address,address,address,uint8)",
                    {abi::Value(token)});
  } catch (const RpcError& e) {
    if (!e.is_revert()) throw;
    throw std::runtime_error(std::string(symbol_or_address) +
                             " is not a security of the factory (" + e.reason() + ")");
  }
  ref.token = set[0].address();
  ref.registry = set[1].address();
  ref.restriction = set[2].address();
  ref.whitelist_module = set[3].address();
  ref.lockup_module = set[4].address();
  ref.jurisdiction_module = set[5].address();
  ref.preset = static_cast<uint8_t>(set[6].u256().low64());
  ref.symbol = call_view(rpc, ref.token, "symbol()(string)", {}).at(0).str();
  return ref;
}

}  // namespace stoa::cli
