// The Solidity ABI JSON of every native contract, generated from the same method, event and
// error tables the dispatcher uses (docs/abi/<Contract>.json), so any Ethereum library can load
// them and they can never drift from what the node answers.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "stoa/core/contract.h"

namespace stoa::doc {

nlohmann::json abi_json(const core::ContractAbi& abi);

// Contract name -> ABI JSON, for every kind of native contract.
std::map<std::string, nlohmann::json> all_abi_documents();

// The file text written for a document (2-space indent, trailing newline).
std::string abi_file_text(const nlohmann::json& doc);

}  // namespace stoa::doc
