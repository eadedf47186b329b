// Event logs from receipts and eth_getLogs, decoded with the events of every native contract's
// ABI (docs/abi/*.json, the same tables the dispatcher uses) so a person reads
// "Transfer(from=0x…, to=0x…, value=100)" instead of topics and hex.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "stoa/abi/abi.h"

namespace stoa::cli {

struct DecodedLog {
  Address address;
  std::string event;  // "" when the event is not one stoa knows (raw topics/data kept)
  std::vector<std::string> names;
  std::vector<abi::Type> types;
  abi::ValueList values;
  std::vector<Bytes32> topics;
  Bytes data;
};

// Decodes one log object of Ethereum's JSON form ({address, topics, data, ...}). Throws
// std::runtime_error if the object itself is malformed; an unknown event is returned undecoded.
DecodedLog decode_log(const nlohmann::json& log);

// "Transfer(from=0x…, to=0x…, value=100)" or "log 0x… topics=[…] data=0x…".
std::string format_log(const DecodedLog& log);
// {"address", "event", "args": {name: formatted value}} (or raw topics/data).
nlohmann::json log_json(const DecodedLog& log);

// topic0 of an event signature, e.g. "Transfer(address,address,uint256)".
Bytes32 event_topic(std::string_view signature);

}  // namespace stoa::cli
