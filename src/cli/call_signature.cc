// cast-style signatures: "name(inputs)(outputs)".
#include "stoa/cli/call_signature.h"

#include <stdexcept>

#include "stoa/cli/args.h"

namespace stoa::cli {

CallSignature parse_call_signature(std::string_view text) {
  // Find the ")" that closes the input list (parentheses nest for tuple types).
  const size_t open = text.find('(');
  if (open == std::string_view::npos || open == 0)
    throw UsageError("'" + std::string(text) + "' is not a function signature like name(type,...)");
  int depth = 0;
  size_t close = std::string_view::npos;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) {
      close = i;
      break;
    }
  }
  if (close == std::string_view::npos)
    throw UsageError("'" + std::string(text) + "': unbalanced parentheses");
  CallSignature out;
  auto fn = abi::parse_signature(text.substr(0, close + 1));
  if (!fn)
    throw UsageError("'" + std::string(text.substr(0, close + 1)) + "' is not a valid signature");
  out.function = std::move(*fn);
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty() && rest.front() == ' ')
    rest.remove_prefix(1);
  if (rest.empty()) return out;
  auto outs = abi::parse_signature("outputs" + std::string(rest));
  if (!outs || rest.front() != '(')
    throw UsageError("'" + std::string(rest) + "' is not a list of output types like (uint256)");
  out.outputs = std::move(outs->inputs);
  return out;
}

abi::ValueList parse_call_args(const CallSignature& sig, const std::vector<std::string>& args) {
  const auto& types = sig.function.inputs;
  if (args.size() != types.size())
    throw UsageError(sig.function.canonical() + " takes " + std::to_string(types.size()) +
                     " argument(s), " + std::to_string(args.size()) + " given");
  abi::ValueList values;
  for (size_t i = 0; i < args.size(); ++i) {
    auto v = abi::parse_value(types[i], args[i]);
    if (v.index() != 0)
      throw UsageError("argument " + std::to_string(i + 1) + " ('" + args[i] + "') is not a " +
                       types[i].canonical() + ": " + std::get<1>(v));
    values.push_back(std::move(std::get<0>(v)));
  }
  return values;
}

Bytes encode_call_data(const CallSignature& sig, const abi::ValueList& values) {
  auto data = abi::encode_call(sig.function, values);
  if (data.index() != 0)
    throw UsageError("cannot encode the arguments of " + sig.function.canonical() + ": " +
                     std::string(abi::to_string(std::get<1>(data))));
  return std::get<0>(std::move(data));
}

abi::ValueList decode_outputs(const CallSignature& sig, BytesView data) {
  auto values = abi::decode(sig.outputs, data);
  if (values.index() != 0)
    throw std::runtime_error("cannot decode the result as (" +
                             [&] {
                               std::string s;
                               for (size_t i = 0; i < sig.outputs.size(); ++i)
                                 s += (i ? "," : "") + sig.outputs[i].canonical();
                               return s;
                             }() +
                             "): " + std::string(abi::to_string(std::get<1>(values))) + " (data " +
                             to_hex_prefixed(data) + ")");
  return std::get<0>(std::move(values));
}

}  // namespace stoa::cli

#include "stoa/cli/rpc_client.h"

namespace stoa::cli {

abi::ValueList call_view(RpcClient& rpc, const Address& to, std::string_view signature,
                         const abi::ValueList& args) {
  const CallSignature sig = parse_call_signature(signature);
  const Bytes data = encode_call_data(sig, args);
  return decode_outputs(sig, rpc.eth_call(std::nullopt, to, data));
}

}  // namespace stoa::cli
