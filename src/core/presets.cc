#include "stoa/core/presets.h"

#include <array>
#include <string>

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

namespace {
constexpr std::string_view kMemorandum = "OFFERING_MEMORANDUM";
constexpr std::string_view kSubscription = "SUBSCRIPTION_AGREEMENT";
constexpr std::string_view kBylaws = "BYLAWS";
constexpr std::string_view kLegend = "TRANSFER_RESTRICTION_LEGEND";
constexpr std::string_view kFinancials = "FINANCIAL_REPORTS";
}  // namespace

// Reg D: a private placement memorandum, subscription agreements, the issuer's bylaws, the
// restricted-securities legend (Rule 144 holding period) and financial statements (506(b)
// owes them to non-accredited purchasers, Rule 502(b); 506(c) issuers provide them in practice).
// Reg S: the offering memorandum, subscriptions, bylaws and the Category 1 legend. Reg A+: the
// offering circular (Form 1-A), subscriptions, bylaws and audited financials; freely tradable, no
// legend. Reg CF: Form C, subscriptions, bylaws, the one-year resale legend and the financial
// statements of Rule 201(t). Global: the memorandum, subscriptions and bylaws.
std::span<const std::string_view> required_documents(uint8_t preset) {
  static constexpr std::array<std::string_view, 5> kRegD = {kMemorandum, kSubscription, kBylaws,
                                                            kLegend, kFinancials};
  static constexpr std::array<std::string_view, 4> kRegS = {kMemorandum, kSubscription, kBylaws,
                                                            kLegend};
  static constexpr std::array<std::string_view, 4> kRegA = {kMemorandum, kSubscription, kBylaws,
                                                            kFinancials};
  static constexpr std::array<std::string_view, 3> kGlobal = {kMemorandum, kSubscription, kBylaws};
  switch (static_cast<Preset>(preset)) {
    case Preset::kRegD506b:
    case Preset::kRegD506c:
    case Preset::kRegCF:
      return kRegD;
    case Preset::kRegS:
      return kRegS;
    case Preset::kRegAPlus:
      return kRegA;
    case Preset::kGlobal:
      return kGlobal;
  }
  return {};
}

Bytes32 document_name(std::string_view ascii) {
  Bytes32 b;
  for (size_t i = 0; i < ascii.size() && i < b.b.size(); ++i)
    b.b[i] = static_cast<uint8_t>(ascii[i]);
  return b;
}

std::string document_label(const Bytes32& name) {
  std::string s;
  for (uint8_t c : name.b) {
    if (c == 0) break;
    s.push_back(static_cast<char>(c));
  }
  return s;
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
