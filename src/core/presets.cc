#include "stoa/core/presets.h"

#include <array>

namespace stoa::core {
namespace {
constexpr uint64_t kDay = 24 * 3600;
constexpr Jurisdiction kUS = jurisdiction('U', 'S');

const std::vector<PresetRules>& table() {
  static const std::vector<PresetRules> t = {
      {Preset::kRegD506b,
       "reg-d-506b",
       "Reg D 506(b)",
       {kUS},
       {},
       true,
       0,
       2000,
       365 * kDay,
       "US purchasers; accredited investors plus up to 35 non-accredited purchasers, so "
       "accreditation is not required of every receiver (the 35-purchaser count is a category "
       "cap for the module library); 2,000 holders of record (Exchange Act 12(g)); Rule 144 "
       "holding period of 12 months from issuance."},
      {Preset::kRegD506c,
       "reg-d-506c",
       "Reg D 506(c)",
       {kUS},
       {},
       true,
       1,
       2000,
       365 * kDay,
       "US accredited investors only (verified); general solicitation allowed; 2,000 holders of "
       "record; 12-month Rule 144 holding period."},
      {Preset::kRegS,
       "reg-s",
       "Reg S",
       {},
       {kUS},
       true,
       0,
       0,
       40 * kDay,
       "Non-US purchasers only; 40-day distribution compliance period (Category 1) from "
       "issuance."},
      {Preset::kRegAPlus,
       "reg-a-plus",
       "Reg A+",
       {},
       {},
       true,
       0,
       0,
       0,
       "US and international purchasers, sanctioned jurisdictions blocked; freely tradable."},
      {Preset::kRegCF,
       "reg-cf",
       "Reg CF",
       {},
       {},
       true,
       0,
       0,
       365 * kDay,
       "Crowdfunding: any purchaser outside sanctioned jurisdictions; one-year resale restriction "
       "(Reg CF Rule 501) from issuance."},
      {Preset::kGlobal,
       "global",
       "Global STO",
       {},
       {},
       true,
       0,
       0,
       0,
       "Per-token configuration: sanctioned jurisdictions blocked, everything else set by the "
       "issuer."},
  };
  return t;
}
}  // namespace

std::span<const Jurisdiction> sanctioned_jurisdictions() {
  static constexpr std::array<Jurisdiction, 7> kSanctioned = {
      jurisdiction('C', 'U'), jurisdiction('I', 'R'), jurisdiction('K', 'P'),
      jurisdiction('S', 'Y'), jurisdiction('X', 'C'), jurisdiction('X', 'D'),
      jurisdiction('X', 'L')};
  return kSanctioned;
}

std::span<const PresetRules> all_presets() {
  return table();
}

const PresetRules* find_preset(uint8_t id) {
  for (const PresetRules& p : table()) {
    if (static_cast<uint8_t>(p.id) == id) return &p;
  }
  return nullptr;
}

const PresetRules* find_preset_by_key(std::string_view key) {
  for (const PresetRules& p : table()) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

}  // namespace stoa::core
