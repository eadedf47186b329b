// The registration table of contract kinds: one entry per ContractKind gives its name, its state
// decoder and, for compliance modules, the movement kinds it checks and tracks. kind_name,
// contract_decoder, ComplianceModule::is_module_kind and the registry's module checks all read
// this table, so a new kind (a new compliance module, say) is one enum value plus one entry in
// src/core/contract_kinds.cc.
#pragma once

#include <span>
#include <string_view>

#include "stoa/core/contract.h"

namespace stoa::core {

struct ContractKindInfo {
  ContractKind kind;
  std::string_view name;  // the ABI's contract name (docs/abi/<name>.json)
  ContractDecoder decode;
  bool compliance_module;  // may be added to a registry's chain (addModule)
  MovementKinds checks;    // modules: the kinds whose movements its evaluate() may refuse
  MovementKinds tracks;    // modules: the kinds whose movements its on_movement() hook sees
};

// Every kind, ascending by number (1, 2, ...: the numbers have no gaps).
std::span<const ContractKindInfo> contract_kinds();
// nullptr for a number no kind has.
const ContractKindInfo* find_contract_kind(ContractKind kind);

}  // namespace stoa::core
