// Offering presets: the rules a security starts with, per regulatory regime (docs/presets.md).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "stoa/core/compliance_registry.h"

namespace stoa::core {

enum class Preset : uint8_t {
  kRegD506b = 0,
  kRegD506c = 1,
  kRegS = 2,
  kRegAPlus = 3,
  kRegCF = 4,
  kGlobal = 5,
};

struct PresetRules {
  Preset id;
  std::string_view key;   // "reg-d-506b"
  std::string_view name;  // "Reg D 506(b)"
  // JurisdictionModule: allow-list (only these) or block-list (all but these).
  std::vector<Jurisdiction> allowed;  // non-empty => allow-list mode
  std::vector<Jurisdiction> blocked;
  bool require_jurisdiction;
  uint8_t required_accreditation;   // registry, code 7
  uint64_t max_holders;             // TransferRestriction, code 32 (0 = none)
  uint64_t holding_period_seconds;  // LockupModule, code 18, from each issuance
  std::string_view rationale;
};

// Sanctioned jurisdictions blocked in the registry (code 6) for every preset: OFAC's
// comprehensive programmes CU, IR, KP, SY, and the sub-jurisdictions of Ukraine under
// comprehensive sanctions, recorded with ISO 3166 user-assigned codes (docs/presets.md):
// XC = Crimea and Sevastopol (UA-43, UA-40), XD = so-called DNR (UA-14), XL = so-called LNR
// (UA-09).
std::span<const Jurisdiction> sanctioned_jurisdictions();

// Rule 506(b)(2)(i): at most 35 non-accredited purchasers (ComplianceRegistry, code 7).
inline constexpr uint64_t kRegD506bMaxNonAccredited = 35;

// The documents an offering under the preset needs on file (ERC-1643 names, docs/documents.md):
// ASCII names right-padded to bytes32 (Solidity's bytes32("OFFERING_MEMORANDUM")).
std::span<const std::string_view> required_documents(uint8_t preset);
Bytes32 document_name(std::string_view ascii);    // at most 32 characters
std::string document_label(const Bytes32& name);  // the ASCII text up to the first zero byte

std::span<const PresetRules> all_presets();
const PresetRules* find_preset(uint8_t id);
const PresetRules* find_preset_by_key(std::string_view key);

}  // namespace stoa::core
