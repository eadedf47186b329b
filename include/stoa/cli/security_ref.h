// A security named on the command line by its symbol (or token address), resolved through the
// factory's views securityBySymbol(string) and getSecurity(address) to its six contracts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "stoa/cli/rpc_client.h"

namespace stoa::cli {

struct SecurityRef {
  std::string symbol;
  Address token;
  Address registry;
  Address restriction;
  Address whitelist_module;
  Address lockup_module;
  Address jurisdiction_module;
  uint8_t preset = 0;
};

// Throws std::runtime_error("no security with symbol X") when the factory knows none.
SecurityRef resolve_security(RpcClient& rpc, std::string_view symbol_or_address);

}  // namespace stoa::cli
