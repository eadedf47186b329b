// The one restriction-code table (PRODUCT.md §5, docs/restriction-codes.md): LP-3100's codes
// 0-7, 16-22, 32, 33 with their names; token-level conditions in the reserved 8-15 range; new
// module codes from 23 and 34 upward. Numbers are stable and never reused.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace stoa::core {

namespace code {
inline constexpr uint8_t kSuccess = 0;
inline constexpr uint8_t kSenderNotWhitelisted = 1;
inline constexpr uint8_t kReceiverNotWhitelisted = 2;
inline constexpr uint8_t kSenderBlacklisted = 3;
inline constexpr uint8_t kReceiverBlacklisted = 4;
inline constexpr uint8_t kSenderLocked = 5;
inline constexpr uint8_t kJurisdictionBlocked = 6;
inline constexpr uint8_t kAccreditationRequired = 7;
inline constexpr uint8_t kTokenPaused = 8;
inline constexpr uint8_t kSenderFrozen = 9;
inline constexpr uint8_t kReceiverFrozen = 10;
inline constexpr uint8_t kFrozenAmount = 11;
inline constexpr uint8_t kReceiverNotVerified = 12;
inline constexpr uint8_t kSenderNotVerified = 13;
inline constexpr uint8_t kInsufficientBalance = 14;
inline constexpr uint8_t kAmountOnHold = 15;  // docs/balance-model.md, "Holds"
inline constexpr uint8_t kModuleSenderNotOnWhitelist = 16;
inline constexpr uint8_t kModuleReceiverNotOnWhitelist = 17;
inline constexpr uint8_t kSenderLockupActive = 18;
inline constexpr uint8_t kSenderJurisdictionBlocked = 19;
inline constexpr uint8_t kReceiverJurisdictionBlocked = 20;
inline constexpr uint8_t kSenderJurisdictionUnset = 21;
inline constexpr uint8_t kReceiverJurisdictionUnset = 22;
// Partition rules and balances (docs/balance-model.md, "Partitions").
inline constexpr uint8_t kPartitionLocked = 23;
inline constexpr uint8_t kPartitionJurisdictionBlocked = 24;
inline constexpr uint8_t kPartitionBalance = 25;
inline constexpr uint8_t kMaxHoldersReached = 32;
inline constexpr uint8_t kTransferAmountExceeded = 33;
}  // namespace code

struct CodeInfo {
  uint8_t code;
  std::string_view constant;  // LP-3100 constant name
  std::string_view message;   // messageForTransferRestriction
  uint8_t erc1066;            // ERC-1066 status byte as ERC-1400 assigns it to transfers
  std::string_view source;    // which contract produces it
  bool amount_rule;           // the refusal depends on the amount
};

std::span<const CodeInfo> all_codes();
// nullptr for a code that is not in the table.
const CodeInfo* find_code(uint8_t code);

}  // namespace stoa::core
