// The one table of contract kinds (include/stoa/core/contract_kinds.h).
#include "stoa/core/contract_kinds.h"

#include <array>
#include <type_traits>

#include "stoa/core/dividend_distributor.h"
#include "stoa/core/factory.h"
#include "stoa/core/identity.h"
#include "stoa/core/identity_registry.h"
#include "stoa/core/kyc_events.h"
#include "stoa/core/modules.h"
#include "stoa/core/multicall3.h"
#include "stoa/core/multisig_admin.h"
#include "stoa/core/payment_token.h"
#include "stoa/core/security_token.h"
#include "stoa/core/transfer_restriction.h"

namespace stoa::core {
namespace {

// An entry from the class: its kind and decoder, and for a compliance module the movement kinds
// it declares (T::kChecks, T::kTracks).
template <typename T>
constexpr ContractKindInfo entry(std::string_view name) {
  if constexpr (std::is_base_of_v<ComplianceModule, T>) {
    return {T::kKind, name, &T::decode_state, true, T::kChecks, T::kTracks};
  } else {
    return {T::kKind, name, &T::decode_state, false, {}, {}};
  }
}

constexpr std::array kKinds = {
    entry<Factory>("SecurityFactory"),
    entry<SecurityToken>("SecurityToken"),
    entry<ComplianceRegistry>("ComplianceRegistry"),
    entry<WhitelistModule>("WhitelistModule"),
    entry<LockupModule>("LockupModule"),
    entry<JurisdictionModule>("JurisdictionModule"),
    entry<TransferRestriction>("TransferRestriction"),
    entry<Identity>("Identity"),
    entry<IdentityFactory>("IdentityFactory"),
    entry<ClaimTopicsRegistry>("ClaimTopicsRegistry"),
    entry<TrustedIssuersRegistry>("TrustedIssuersRegistry"),
    entry<IdentityRegistryStorage>("IdentityRegistryStorage"),
    entry<IdentityRegistry>("IdentityRegistry"),
    entry<KycEventLog>("KycEventLog"),
    entry<Multicall3>("Multicall3"),
    entry<PaymentToken>("PaymentToken"),
    entry<DividendDistributor>("DividendDistributor"),
    entry<MultisigAdmin>("MultisigAdmin"),
};

// Entry i is kind i + 1, so the lookup is an index; the enum's last kind must have its entry.
constexpr bool dense() {
  for (size_t i = 0; i < kKinds.size(); ++i) {
    if (static_cast<size_t>(kKinds[i].kind) != i + 1) return false;
  }
  return static_cast<size_t>(kLastContractKind) == kKinds.size();
}
static_assert(dense(), "contract_kinds.cc: one entry per ContractKind, in number order");

}  // namespace

std::span<const ContractKindInfo> contract_kinds() {
  return kKinds;
}

const ContractKindInfo* find_contract_kind(ContractKind kind) {
  const auto n = static_cast<size_t>(kind);
  if (n == 0 || n > kKinds.size()) return nullptr;
  return &kKinds[n - 1];
}

std::string_view kind_name(ContractKind k) {
  const ContractKindInfo* info = find_contract_kind(k);
  return info == nullptr ? "Unknown" : info->name;
}

ContractDecoder contract_decoder(ContractKind kind) {
  const ContractKindInfo* info = find_contract_kind(kind);
  return info == nullptr ? nullptr : info->decode;
}

}  // namespace stoa::core

namespace stoa::core {

bool ComplianceModule::is_module_kind(ContractKind k) {
  const ContractKindInfo* info = find_contract_kind(k);
  return info != nullptr && info->compliance_module;
}

}  // namespace stoa::core
