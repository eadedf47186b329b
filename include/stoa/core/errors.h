// Every custom error a native contract reverts with: one table, stable ids never reused.
// The table also produces the ABI "error" entries of docs/abi/*.json.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "stoa/abi/abi.h"
#include "stoa/core/result.h"

namespace stoa::core {

enum class ErrorId : uint16_t {
  // ERC-6093 / OpenZeppelin v5 errors, so standard tooling decodes them.
  kERC20InsufficientBalance = 1,          // (address sender, uint256 balance, uint256 needed)
  kERC20InvalidSender = 2,                // (address sender)
  kERC20InvalidReceiver = 3,              // (address receiver)
  kERC20InsufficientAllowance = 4,        // (address spender, uint256 allowance, uint256 needed)
  kERC20InvalidApprover = 5,              // (address approver)
  kERC20InvalidSpender = 6,               // (address spender)
  kAccessControlUnauthorizedAccount = 7,  // (address account, bytes32 neededRole)
  kAccessControlBadConfirmation = 8,      // ()
  kEnforcedPause = 9,                     // ()
  kExpectedPause = 10,                    // ()
  kERC2612ExpiredSignature = 11,          // (uint256 deadline)
  kERC2612InvalidSigner = 12,             // (address signer, address owner)
  // stoa's own.
  kTransferRestricted = 20,          // (uint8 code)  ERC-1404 refusal of a movement
  kZeroAddress = 21,                 // ()
  kEmptyBatch = 22,                  // ()
  kBatchLengthMismatch = 23,         // (uint256 expected, uint256 actual)
  kBatchTooLarge = 24,               // (uint256 length, uint256 max)
  kUnknownRole = 25,                 // (bytes32 role)
  kRoleSeparationViolation = 26,     // (address account, bytes32 heldRole, bytes32 requestedRole)
  kUnknownRestrictionCode = 27,      // (uint8 code)
  kAmountOverflow = 28,              // (uint256 current, uint256 added)  unrepresentable result
  kInvalidJurisdiction = 29,         // (bytes2 jurisdiction)
  kInvalidAccreditationStatus = 30,  // (uint8 status)
  kModuleAlreadyAdded = 31,          // (address module)
  kModuleNotFound = 32,              // (address module)
  kNotAComplianceModule = 33,        // (address account)
  kNotAComplianceRegistry = 34,      // (address account)
  kTooManyModules = 35,              // (uint256 max)
  kUnknownPreset = 36,               // (uint8 preset)
  kInvalidTokenMetadata = 37,        // (string reason)
  kSymbolTaken = 38,                 // (string symbol)
  kUnknownSecurity = 39,             // (address token)
  kNotATransferRestriction = 40,     // (address account)
  kInvalidSignature = 41,            // ()  malformed or high-s signature
  kLimitExceeded = 42,               // (string what, uint256 max)
  kForeignModule = 43,               // (address module)  a module of another security
  // Identity (ERC-734/735, ERC-3643) and T-REX token controls.
  kNotAnIdentity = 44,                   // (address account)
  kRecoveryWalletNotManagementKey = 45,  // (address identity, address wallet)
  kIdentityMismatch = 46,                // (address wallet, address identity)
  kFreezeExceedsBalance = 47,            // (address account, uint256 balance, uint256 frozen)
  kUnfreezeExceedsFrozen = 48,           // (address account, uint256 frozen, uint256 amount)
  kReasonRequired = 49,                  // ()
  kIdentityUnauthorized = 50,            // (address sender, uint256 purpose)
  kKeyAlreadyHasPurpose = 51,            // (bytes32 key, uint256 purpose)
  kKeyDoesNotHavePurpose = 52,           // (bytes32 key, uint256 purpose)
  kInvalidKeyPurpose = 53,               // (uint256 purpose)
  kClaimNotFound = 54,                   // (bytes32 claimId)
  kClaimSignerNotClaimKey = 55,          // (address issuer, address signer)
  kClaimRevoked = 56,                    // (address issuer, bytes32 claimId)
  kClaimExpired = 57,                    // (uint256 validUntil, uint256 issuedAt, uint256 now)
  kUnsupportedClaimScheme = 58,          // (uint256 scheme)
  kMalformedClaimData = 59,              // ()
  kIdentityAlreadyExists = 60,           // (address wallet, address identity)
  kIdentityNotRegistered = 61,           // (address wallet)
  kIdentityAlreadyRegistered = 62,       // (address wallet)
  kClaimTopicAlreadyRequired = 63,       // (uint256 topic)
  kClaimTopicNotRequired = 64,           // (uint256 topic)
  kIssuerAlreadyTrusted = 65,            // (address issuer)
  kIssuerNotTrusted = 66,                // (address issuer)
  kInvalidClaimTopics = 67,              // ()
  kNotAnIdentityRegistry = 68,           // (address account)
  kSignerKeyRevoked = 69,                // (bytes32 key)
  kUnknownEligibilityMode = 70,          // (uint8 mode)
  kAmlScoreOutOfRange = 71,              // (uint256 value)
  kAmlScoreNotAboveThreshold = 72,       // (uint256 score, uint256 threshold)
  kClaimIssuerNotApproved = 73,          // (address identity, address issuer)
  kKycEventAlreadyApplied = 74,          // (address issuer, bytes32 eventKey, bytes32 requestHash)
  kInvestorRebuildPending = 75,          // ()  balances frozen until continueInvestorRebuild ends
  // The balance model (docs/balance-model.md).
  kNotOperator = 76,     // (address operator, address holder, bytes32 partition)
  kHoldIdTaken = 77,     // (bytes32 holdId)
  kHoldNotOrdered = 78,  // (bytes32 holdId, uint8 status)
  kNotHoldNotary = 79,   // (bytes32 holdId, address caller)
  kHoldExpired = 80,     // (bytes32 holdId, uint256 expiration)
  kHoldNotExpired = 81,  // (bytes32 holdId, uint256 expiration)
  kInsufficientFreeBalance =
      82,                      // (address holder, bytes32 partition, uint256 free, uint256 needed)
  kHoldsOutstanding = 83,      // (address holder, uint256 held)
  kZeroAmount = 84,            // ()
  kSnapshotIdInvalid = 85,     // (uint256 id, uint256 current)
  kInvalidPartitionRule = 86,  // (bytes32 partition)
  // ERC-3643 parity (issue 13; ids 100-119).
  kRegistryPartFixed = 100,  // (address current, address requested)
  kNotBoundToken = 101,      // (address token)
  kOnlyBoundToken = 102,     // (address caller)
  // The lifecycle: payment token and dividends (issue 16; ids 120-139).
  kNotAPaymentToken = 120,           // (address account)
  kUnknownDividendRound = 121,       // (uint256 roundId)
  kDividendAlreadyClaimed = 122,     // (uint256 roundId, address holder)
  kDividendRoundClosed = 123,        // (uint256 roundId)
  kDividendClaimWindowClosed = 124,  // (uint256 roundId, uint256 claimDeadline)
  kDividendClaimWindowOpen = 125,    // (uint256 roundId, uint256 claimDeadline)
  kDividendHolderExcluded = 126,     // (uint256 roundId, address holder)
  kNothingToClaim = 127,             // (uint256 roundId, address holder)
  kInvalidClaimDeadline = 128,       // (uint256 claimDeadline, uint256 now)
  kNoEligibleShares = 129,           // (uint256 checkpointId)
  kInvalidWithholdingRate = 130,     // (uint256 bps)
  // Documents and corporate actions (issue 16; docs/documents.md, docs/corporate-actions.md).
  kDocumentNameRequired = 140,     // ()
  kDocumentNotFound = 141,         // (bytes32 name)
  kDocumentUriRequired = 142,      // ()
  kConversionPending = 143,        // ()
  kSecurityRetired = 144,          // ()
  kInvalidConversionTarget = 145,  // (address target)
  kInvalidRatio = 146,             // (uint256 numerator, uint256 denominator)
  // The multisig admin (issue 16 item 5; docs/multisig.md; ids 147-159).
  kNotMultisigOwner = 147,             // (address account)
  kOnlyMultisigWallet = 148,           // (address caller)
  kMultisigTransactionNotFound = 149,  // (uint256 transactionId)
  kMultisigAlreadyConfirmed = 150,     // (uint256 transactionId, address owner)
  kMultisigNotConfirmed = 151,         // (uint256 transactionId, address owner)
  kMultisigAlreadyExecuted = 152,      // (uint256 transactionId)
  kMultisigThresholdNotReached =
      153,                            // (uint256 transactionId, uint256 confirmations, uint256 req)
  kMultisigInvalidRequirement = 154,  // (uint256 ownerCount, uint256 required)
  kMultisigOwnerExists = 155,         // (address owner)
  kMultisigInvalidOwner = 156,        // (address owner)
  // 157 is not used (CallDepthExceeded is 164).
  kNotAMultisig = 158,  // (address account)
  // ONCHAINID execution requests and nested calls (issue 13; ids 160-169).
  kExecutionNotFound = 160,      // (uint256 executionId)
  kExecutionClosed = 161,        // (uint256 executionId)  executed or rejected
  kExecutionValueNotZero = 162,  // (uint256 value)  stoa has no native coin
  kExecutionInProgress = 163,    // (uint256 executionId)
  kCallDepthExceeded = 164,      // (uint256 maxDepth)
  // Splits (issue 15 item 5; docs/balance-model.md, "Splits"; ids 170-189).
  kSplitRatioInvalid = 170,  // (uint256 numerator, uint256 denominator)
  kSplitOverflow = 171,      // (uint256 supply, uint256 numerator)
  kTooManySplits = 172,      // (uint256 limit)
  kSplitNotFound = 173,      // (uint256 splitId)
  // Cash in lieu of split fractions (issue 16 item 3; docs/dividends.md, "Cash in lieu"; 190-194).
  kCashInLieuExists = 190,      // (uint256 splitId, uint256 roundId)
  kCashInLieuNothingDue = 191,  // (uint256 splitId, uint256 pricePerShare)
  kCashInLieuOverflow = 192,    // (uint256 splitId, uint256 pricePerShare)
  // Dividends by partition (issue 16, item 2; docs/dividends.md; ids 195-199).
  kPartitionSupplyNotRecorded = 195,  // (bytes32 partition, uint256 checkpointId)
  kNoEligiblePartitionShares = 196,   // (bytes32 partition, uint256 checkpointId)
};

struct ErrorSpec {
  ErrorId id;
  std::string_view signature;  // Solidity form with parameter names, for ABI documents
  std::string_view doc;
};

std::span<const ErrorSpec> all_errors();
const ErrorSpec& error_spec(ErrorId id);
const abi::Signature& error_signature(ErrorId id);  // parsed, cached

// Builds revert data for a custom error (asserts the arguments match the signature).
Revert make_revert(ErrorId id, const abi::ValueList& args = {});
// Solidity's Error(string): for dispatcher-level failures (unknown selector, bad calldata).
Revert revert_message(std::string_view message);
// Decodes revert data to a readable line ("TransferRestricted(2)", "Error: ...").
std::string describe_revert(BytesView data);

}  // namespace stoa::core
