#include "stoa/core/codes.h"

#include <array>

namespace stoa::core {
namespace {
// In evaluation order within each source; the token evaluates sources in the order
// token (8; frozen 9, 10; identity 13, 12) -> registry (1-7) -> modules in chain order (16-22) ->
// TransferRestriction (32, 33)
// -> token balance (14) -> unfrozen balance (11) -> balance not on hold (15) -> partition rules
// and balances (23, 24, 25).
constexpr std::array kCodes = {
    CodeInfo{0, "SUCCESS", "Transfer permitted", 0x51, "-", false},
    CodeInfo{1, "SENDER_NOT_WHITELISTED", "Sender is not on the KYC whitelist", 0x56,
             "ComplianceRegistry", false},
    CodeInfo{2, "RECEIVER_NOT_WHITELISTED", "Receiver is not on the KYC whitelist", 0x57,
             "ComplianceRegistry", false},
    CodeInfo{3, "SENDER_BLACKLISTED", "Sender is on the sanctions list (blacklisted)", 0x56,
             "ComplianceRegistry", false},
    CodeInfo{4, "RECEIVER_BLACKLISTED", "Receiver is on the sanctions list (blacklisted)", 0x57,
             "ComplianceRegistry", false},
    CodeInfo{5, "SENDER_LOCKED", "Sender is in a lockup period", 0x55, "ComplianceRegistry", false},
    CodeInfo{6, "JURISDICTION_BLOCKED",
             "Sender or receiver is in a blocked jurisdiction (sanctions)", 0x50,
             "ComplianceRegistry", false},
    CodeInfo{7, "ACCREDITATION_REQUIRED",
             "Receiver does not have the accreditation this offering requires", 0x57,
             "ComplianceRegistry", false},
    CodeInfo{8, "TOKEN_PAUSED", "Transfers of this security are paused", 0x54, "SecurityToken",
             false},
    CodeInfo{9, "SENDER_FROZEN", "Sender's wallet is frozen", 0x56, "SecurityToken", false},
    CodeInfo{10, "RECEIVER_FROZEN", "Receiver's wallet is frozen", 0x57, "SecurityToken", false},
    CodeInfo{
        13, "SENDER_NOT_VERIFIED",
        "Sender's identity is not verified (no registered identity with valid required claims)",
        0x56, "SecurityToken", false},
    CodeInfo{12, "RECEIVER_NOT_VERIFIED",
             "Receiver's identity is not verified (no registered identity with valid required "
             "claims)",
             0x57, "SecurityToken", false},
    CodeInfo{14, "INSUFFICIENT_BALANCE", "Sender's balance is lower than the amount", 0x52,
             "SecurityToken", true},
    CodeInfo{16, "SENDER_NOT_ON_WHITELIST", "Sender is not on the module whitelist", 0x56,
             "WhitelistModule", false},
    CodeInfo{17, "RECEIVER_NOT_ON_WHITELIST", "Receiver is not on the module whitelist", 0x57,
             "WhitelistModule", false},
    CodeInfo{18, "SENDER_LOCKUP_ACTIVE", "Sender's Rule 144 holding period has not ended", 0x55,
             "LockupModule", false},
    CodeInfo{19, "SENDER_JURISDICTION_BLOCKED",
             "Sender's jurisdiction is not permitted for this offering", 0x56, "JurisdictionModule",
             false},
    CodeInfo{20, "RECEIVER_JURISDICTION_BLOCKED",
             "Receiver's jurisdiction is not permitted for this offering", 0x57,
             "JurisdictionModule", false},
    CodeInfo{21, "SENDER_JURISDICTION_UNSET", "Sender has no jurisdiction on record", 0x56,
             "JurisdictionModule", false},
    CodeInfo{22, "RECEIVER_JURISDICTION_UNSET", "Receiver has no jurisdiction on record", 0x57,
             "JurisdictionModule", false},
    CodeInfo{32, "MAX_HOLDERS_REACHED", "The security has reached its maximum number of holders",
             0x57, "TransferRestriction", false},
    CodeInfo{33, "TRANSFER_AMOUNT_EXCEEDED",
             "The amount exceeds the maximum allowed in one transfer", 0x50, "TransferRestriction",
             true},
    CodeInfo{11, "FROZEN_AMOUNT", "The amount exceeds the sender's unfrozen balance", 0x55,
             "SecurityToken", true},
    CodeInfo{15, "AMOUNT_ON_HOLD", "The amount exceeds the sender's balance not on hold", 0x55,
             "SecurityToken", true},
    CodeInfo{23, "PARTITION_LOCKED", "The partition is in its lockup period", 0x55, "SecurityToken",
             false},
    CodeInfo{24, "PARTITION_JURISDICTION_BLOCKED",
             "The partition may not be delivered to the receiver's jurisdiction yet", 0x57,
             "SecurityToken", false},
    CodeInfo{25, "PARTITION_BALANCE_INSUFFICIENT",
             "The sender's free balance in the partitions this transfer may draw from is lower "
             "than the amount",
             0x52, "SecurityToken", true},
};
}  // namespace

std::span<const CodeInfo> all_codes() {
  return kCodes;
}

const CodeInfo* find_code(uint8_t c) {
  for (const CodeInfo& info : kCodes) {
    if (info.code == c) return &info;
  }
  return nullptr;
}

}  // namespace stoa::core
