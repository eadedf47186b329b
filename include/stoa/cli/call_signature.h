// Function signatures as `cast` takes them: "balanceOf(address)(uint256)" — the inputs, then
// optionally the output types — plus the text arguments parsed with abi::parse_value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stoa/abi/abi.h"

namespace stoa::cli {

struct CallSignature {
  abi::Signature function;         // name and input types
  std::vector<abi::Type> outputs;  // empty when the signature gives none
};

// Throws UsageError on a malformed signature.
CallSignature parse_call_signature(std::string_view text);

// Parses each argument against its input type; throws UsageError naming the argument (1-based)
// and its type, or when the count differs.
abi::ValueList parse_call_args(const CallSignature& sig, const std::vector<std::string>& args);

// Calldata for the parsed values; throws UsageError if a value does not fit.
Bytes encode_call_data(const CallSignature& sig, const abi::ValueList& values);

// Decodes return data with the output types; throws std::runtime_error if it does not decode.
abi::ValueList decode_outputs(const CallSignature& sig, BytesView data);

}  // namespace stoa::cli

namespace stoa::cli {

class RpcClient;

// eth_call of `signature` ("balanceOf(address)(uint256)") on `to` with values already parsed;
// returns the decoded outputs. Reverts throw RpcError.
abi::ValueList call_view(RpcClient& rpc, const Address& to, std::string_view signature,
                         const abi::ValueList& args);

}  // namespace stoa::cli
