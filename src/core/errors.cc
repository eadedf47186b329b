#include "stoa/core/errors.h"

#include <array>
#include <vector>

#include "stoa/common/assert.h"

namespace stoa::core {
namespace {
constexpr std::array kErrors = {
    ErrorSpec{ErrorId::kERC20InsufficientBalance,
              "ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
              "The sender's balance is lower than the amount."},
    ErrorSpec{ErrorId::kERC20InvalidSender, "ERC20InvalidSender(address sender)",
              "The sender is the zero address."},
    ErrorSpec{ErrorId::kERC20InvalidReceiver, "ERC20InvalidReceiver(address receiver)",
              "The receiver is the zero address."},
    ErrorSpec{ErrorId::kERC20InsufficientAllowance,
              "ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
              "transferFrom beyond the allowance."},
    ErrorSpec{ErrorId::kERC20InvalidApprover, "ERC20InvalidApprover(address approver)",
              "The approver is the zero address."},
    ErrorSpec{ErrorId::kERC20InvalidSpender, "ERC20InvalidSpender(address spender)",
              "The spender is the zero address."},
    ErrorSpec{ErrorId::kAccessControlUnauthorizedAccount,
              "AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
              "The caller lacks the role the function requires."},
    ErrorSpec{ErrorId::kAccessControlBadConfirmation, "AccessControlBadConfirmation()",
              "renounceRole called for another account."},
    ErrorSpec{ErrorId::kEnforcedPause, "EnforcedPause()", "The token is paused."},
    ErrorSpec{ErrorId::kExpectedPause, "ExpectedPause()", "unpause called on a running token."},
    ErrorSpec{ErrorId::kERC2612ExpiredSignature, "ERC2612ExpiredSignature(uint256 deadline)",
              "The permit's deadline is before the block timestamp."},
    ErrorSpec{ErrorId::kERC2612InvalidSigner, "ERC2612InvalidSigner(address signer, address owner)",
              "The permit was not signed by the owner."},
    ErrorSpec{ErrorId::kTransferRestricted, "TransferRestricted(uint8 code)",
              "Compliance refused the movement; the code is in docs/restriction-codes.md."},
    ErrorSpec{ErrorId::kZeroAddress, "ZeroAddress()", "An address argument is zero."},
    ErrorSpec{ErrorId::kEmptyBatch, "EmptyBatch()", "A batch call with no entries."},
    ErrorSpec{ErrorId::kBatchLengthMismatch,
              "BatchLengthMismatch(uint256 expected, uint256 actual)",
              "The arrays of a batch call differ in length."},
    ErrorSpec{ErrorId::kBatchTooLarge, "BatchTooLarge(uint256 length, uint256 max)",
              "A batch longer than the limit."},
    ErrorSpec{ErrorId::kUnknownRole, "UnknownRole(bytes32 role)",
              "The role is not one of the role matrix."},
    ErrorSpec{ErrorId::kRoleSeparationViolation,
              "RoleSeparationViolation(address account, bytes32 heldRole, bytes32 requestedRole)",
              "One account may not hold both MINTER_ROLE and COMPLIANCE_ROLE."},
    ErrorSpec{ErrorId::kUnknownRestrictionCode, "UnknownRestrictionCode(uint8 code)",
              "messageForTransferRestriction of a code not in the table."},
    ErrorSpec{ErrorId::kAmountOverflow, "AmountOverflow(uint256 current, uint256 added)",
              "The result would not be representable (supply or balance above 2^256-1)."},
    ErrorSpec{ErrorId::kInvalidJurisdiction, "InvalidJurisdiction(bytes2 jurisdiction)",
              "Not two upper-case ASCII letters (ISO 3166-1 alpha-2 or a documented user code)."},
    ErrorSpec{ErrorId::kInvalidAccreditationStatus, "InvalidAccreditationStatus(uint8 status)",
              "Accreditation status other than 0 (none), 1 (accredited) or 2 (QIB)."},
    ErrorSpec{ErrorId::kModuleAlreadyAdded, "ModuleAlreadyAdded(address module)",
              "The module is already in the chain."},
    ErrorSpec{ErrorId::kModuleNotFound, "ModuleNotFound(address module)",
              "The module is not in the chain."},
    ErrorSpec{ErrorId::kNotAComplianceModule, "NotAComplianceModule(address account)",
              "The address is not a compliance module contract."},
    ErrorSpec{ErrorId::kNotAComplianceRegistry, "NotAComplianceRegistry(address account)",
              "The address is not a ComplianceRegistry contract."},
    ErrorSpec{ErrorId::kTooManyModules, "TooManyModules(uint256 max)", "The module chain is full."},
    ErrorSpec{ErrorId::kUnknownPreset, "UnknownPreset(uint8 preset)",
              "Offering preset number not in docs/presets.md."},
    ErrorSpec{ErrorId::kInvalidTokenMetadata, "InvalidTokenMetadata(string reason)",
              "Name, symbol or decimals out of their limits."},
    ErrorSpec{ErrorId::kSymbolTaken, "SymbolTaken(string symbol)",
              "A security with that symbol exists."},
    ErrorSpec{ErrorId::kUnknownSecurity, "UnknownSecurity(address token)",
              "The address is not a security created by this factory."},
    ErrorSpec{ErrorId::kNotATransferRestriction, "NotATransferRestriction(address account)",
              "The address is not a TransferRestriction contract of this security."},
    ErrorSpec{ErrorId::kInvalidSignature, "InvalidSignature()",
              "A signature that is malformed, has a high s, or does not recover."},
    ErrorSpec{ErrorId::kLimitExceeded, "LimitExceeded(string what, uint256 max)",
              "A value above a documented limit."},
    ErrorSpec{ErrorId::kForeignModule, "ForeignModule(address module)",
              "The module belongs to another security (or reads another registry's records)."},
    ErrorSpec{ErrorId::kNotAnIdentity, "NotAnIdentity(address account)",
              "The address is not an Identity (ERC-734/735) contract."},
    ErrorSpec{
        ErrorId::kRecoveryWalletNotManagementKey,
        "RecoveryWalletNotManagementKey(address identity, address wallet)",
        "recoveryAddress: the new wallet is not a management key of the investor's identity."},
    ErrorSpec{ErrorId::kIdentityMismatch, "IdentityMismatch(address wallet, address identity)",
              "The wallet is registered to another identity than the one given."},
    ErrorSpec{ErrorId::kFreezeExceedsBalance,
              "FreezeExceedsBalance(address account, uint256 balance, uint256 frozen)",
              "freezePartialTokens would freeze more than the balance."},
    ErrorSpec{ErrorId::kUnfreezeExceedsFrozen,
              "UnfreezeExceedsFrozen(address account, uint256 frozen, uint256 amount)",
              "unfreezePartialTokens of more than is frozen."},
    ErrorSpec{ErrorId::kReasonRequired, "ReasonRequired()",
              "A forced transfer needs a reason and a document reference (PRODUCT.md §5)."},
    ErrorSpec{ErrorId::kIdentityUnauthorized,
              "IdentityUnauthorized(address sender, uint256 purpose)",
              "The caller's key lacks the purpose the identity function requires (1 management, 3 "
              "claim)."},
    ErrorSpec{ErrorId::kKeyAlreadyHasPurpose, "KeyAlreadyHasPurpose(bytes32 key, uint256 purpose)",
              "addKey of a purpose the key already has."},
    ErrorSpec{ErrorId::kKeyDoesNotHavePurpose,
              "KeyDoesNotHavePurpose(bytes32 key, uint256 purpose)",
              "removeKey of a purpose the key does not have."},
    ErrorSpec{ErrorId::kInvalidKeyPurpose, "InvalidKeyPurpose(uint256 purpose)",
              "Key purposes are 1 to 31 (1 management, 2 action, 3 claim, 4 encryption)."},
    ErrorSpec{ErrorId::kClaimNotFound, "ClaimNotFound(bytes32 claimId)",
              "No claim with this id on the identity."},
    ErrorSpec{ErrorId::kClaimSignerNotClaimKey,
              "ClaimSignerNotClaimKey(address issuer, address signer)",
              "The claim's signature recovers to a key without claim purpose (3) on the issuer's "
              "identity: wrong signer, or signed for another identity, topic or data."},
    ErrorSpec{ErrorId::kClaimRevoked, "ClaimRevoked(address issuer, bytes32 claimId)",
              "The issuer revoked this claim, or the key that signed it."},
    ErrorSpec{ErrorId::kClaimExpired,
              "ClaimExpired(uint256 validUntil, uint256 issuedAt, uint256 now)",
              "A typed claim outside its validity window (issuedAt <= now < validUntil)."},
    ErrorSpec{ErrorId::kUnsupportedClaimScheme, "UnsupportedClaimScheme(uint256 scheme)",
              "Claim schemes are 1 (ECDSA, ONCHAINID form) and 712 (EIP-712 typed)."},
    ErrorSpec{ErrorId::kMalformedClaimData, "MalformedClaimData()",
              "Typed claim data must be abi.encode(uint256 issuedAt, uint256 validUntil, bytes32 "
              "payload)."},
    ErrorSpec{ErrorId::kIdentityAlreadyExists,
              "IdentityAlreadyExists(address wallet, address identity)",
              "The wallet already has an identity from the factory."},
    ErrorSpec{ErrorId::kIdentityNotRegistered, "IdentityNotRegistered(address wallet)",
              "The wallet has no identity in the registry."},
    ErrorSpec{ErrorId::kIdentityAlreadyRegistered, "IdentityAlreadyRegistered(address wallet)",
              "The wallet is already registered; use updateIdentity."},
    ErrorSpec{ErrorId::kClaimTopicAlreadyRequired, "ClaimTopicAlreadyRequired(uint256 topic)",
              "addClaimTopic of a required topic."},
    ErrorSpec{ErrorId::kClaimTopicNotRequired, "ClaimTopicNotRequired(uint256 topic)",
              "removeClaimTopic of a topic that is not required."},
    ErrorSpec{ErrorId::kIssuerAlreadyTrusted, "IssuerAlreadyTrusted(address issuer)",
              "addTrustedIssuer of a trusted issuer."},
    ErrorSpec{ErrorId::kIssuerNotTrusted, "IssuerNotTrusted(address issuer)",
              "The issuer is not in the TrustedIssuersRegistry."},
    ErrorSpec{ErrorId::kInvalidClaimTopics, "InvalidClaimTopics()",
              "A trusted issuer needs 1 to 15 distinct claim topics."},
    ErrorSpec{ErrorId::kNotAnIdentityRegistry, "NotAnIdentityRegistry(address account)",
              "The address is not an IdentityRegistry (or storage) of this issuer's securities."},
    ErrorSpec{ErrorId::kSignerKeyRevoked, "SignerKeyRevoked(bytes32 key)",
              "The signing key was revoked by the issuer; claims it signed are invalid."},
    ErrorSpec{ErrorId::kUnknownEligibilityMode, "UnknownEligibilityMode(uint8 mode)",
              "Eligibility modes are 0 whitelist, 1 identity, 2 both."},
    ErrorSpec{ErrorId::kAmlScoreOutOfRange, "AmlScoreOutOfRange(uint256 value)",
              "AML risk scores and thresholds are 0 to 100."},
    ErrorSpec{ErrorId::kAmlScoreNotAboveThreshold,
              "AmlScoreNotAboveThreshold(uint256 score, uint256 threshold)",
              "amlFreeze needs a risk score above the security's AML threshold (setAddressFrozen "
              "freezes without one)."},
    ErrorSpec{ErrorId::kClaimIssuerNotApproved,
              "ClaimIssuerNotApproved(address identity, address issuer)",
              "A claim key of the issuer adds the issuer's claims only to identities that approved "
              "it: a management key of the identity calls addKey(keccak256(abi.encode(issuer)), "
              "3, 1) (docs/identity.md)."},
    ErrorSpec{ErrorId::kKycEventAlreadyApplied,
              "KycEventAlreadyApplied(address issuer, bytes32 eventKey, bytes32 requestHash)",
              "applyKycEvent of an event the issuer already applied (requestHash: the body "
              "recorded then)."},
    ErrorSpec{ErrorId::kInvestorRebuildPending, "InvestorRebuildPending()",
              "The security's investors are being rebuilt for a new identity registry: balances "
              "do not move until continueInvestorRebuild() has finished it."},
    ErrorSpec{ErrorId::kNotOperator,
              "NotOperator(address operator, address holder, bytes32 partition)",
              "The caller is neither the holder, nor its operator, nor its operator for the "
              "partition (ERC-1410)."},
    ErrorSpec{ErrorId::kHoldIdTaken, "HoldIdTaken(bytes32 holdId)",
              "A hold with this id exists or existed: ids are never reused."},
    ErrorSpec{ErrorId::kHoldNotOrdered, "HoldNotOrdered(bytes32 holdId, uint8 status)",
              "The hold does not exist (status 0) or was already executed or released."},
    ErrorSpec{ErrorId::kNotHoldNotary, "NotHoldNotary(bytes32 holdId, address caller)",
              "Only the hold's notary executes it, or releases it before its expiry."},
    ErrorSpec{ErrorId::kHoldExpired, "HoldExpired(bytes32 holdId, uint256 expiration)",
              "The hold expired: it can only be released."},
    ErrorSpec{ErrorId::kHoldNotExpired, "HoldNotExpired(bytes32 holdId, uint256 expiration)",
              "The holder releases its own hold only after its expiry."},
    ErrorSpec{ErrorId::kInsufficientFreeBalance,
              "InsufficientFreeBalance(address holder, bytes32 partition, uint256 free, uint256 "
              "needed)",
              "The holder's balance in the partition less frozen and held amounts is lower than "
              "the amount."},
    ErrorSpec{ErrorId::kHoldsOutstanding, "HoldsOutstanding(address holder, uint256 held)",
              "The move would take shares on hold: release or execute the holds first."},
    ErrorSpec{ErrorId::kZeroAmount, "ZeroAmount()", "The amount must not be zero."},
    ErrorSpec{ErrorId::kSnapshotIdInvalid, "SnapshotIdInvalid(uint256 id, uint256 current)",
              "Snapshot ids start at 1 and go up to the current one (ERC20Snapshot)."},
    ErrorSpec{ErrorId::kInvalidPartitionRule, "InvalidPartitionRule(bytes32 partition)",
              "A blocked jurisdiction needs an end time and an end time needs a jurisdiction; "
              "the jurisdiction must be two upper-case letters."},
    ErrorSpec{ErrorId::kRegistryPartFixed, "RegistryPartFixed(address current, address requested)",
              "A security's registries are linked when it is created: the T-REX setter accepts "
              "only the part already linked (docs/erc3643-compatibility.md)."},
    ErrorSpec{ErrorId::kNotBoundToken, "NotBoundToken(address token)",
              "A ComplianceRegistry serves the one security it was created for (ModularCompliance "
              "bindToken/unbindToken)."},
    ErrorSpec{ErrorId::kOnlyBoundToken, "OnlyBoundToken(address caller)",
              "transferred/created/destroyed are called by the bound token only; stoa's token "
              "runs these hooks itself."},
    ErrorSpec{ErrorId::kNotAPaymentToken, "NotAPaymentToken(address account)",
              "The address is not a PaymentToken created by the factory."},
    ErrorSpec{ErrorId::kUnknownDividendRound, "UnknownDividendRound(uint256 roundId)",
              "No dividend round has this id (ids start at 1)."},
    ErrorSpec{ErrorId::kDividendAlreadyClaimed,
              "DividendAlreadyClaimed(uint256 roundId, address holder)",
              "The holder's share of the round was already paid."},
    ErrorSpec{ErrorId::kDividendRoundClosed, "DividendRoundClosed(uint256 roundId)",
              "The round was reclaimed: nothing more is paid from it."},
    ErrorSpec{ErrorId::kDividendClaimWindowClosed,
              "DividendClaimWindowClosed(uint256 roundId, uint256 claimDeadline)",
              "The round's claim deadline has passed: only reclaim remains."},
    ErrorSpec{ErrorId::kDividendClaimWindowOpen,
              "DividendClaimWindowOpen(uint256 roundId, uint256 claimDeadline)",
              "A round is reclaimed only after its claim deadline."},
    ErrorSpec{ErrorId::kDividendHolderExcluded,
              "DividendHolderExcluded(uint256 roundId, address holder)",
              "The account was excluded from the round when it was created (issuer treasury)."},
    ErrorSpec{ErrorId::kNothingToClaim, "NothingToClaim(uint256 roundId, address holder)",
              "The holder had no shares at the round's checkpoint (or its share floors to zero)."},
    ErrorSpec{ErrorId::kInvalidClaimDeadline,
              "InvalidClaimDeadline(uint256 claimDeadline, uint256 now)",
              "The claim deadline must be after the current block time."},
    ErrorSpec{ErrorId::kNoEligibleShares, "NoEligibleShares(uint256 checkpointId)",
              "No shares outside the excluded accounts existed at the checkpoint."},
    ErrorSpec{ErrorId::kInvalidWithholdingRate, "InvalidWithholdingRate(uint256 bps)",
              "A withholding rate is in basis points, at most 10000."},
    ErrorSpec{ErrorId::kDocumentNameRequired, "DocumentNameRequired()",
              "A document's name is a non-zero bytes32 (ERC-1643)."},
    ErrorSpec{ErrorId::kDocumentNotFound, "DocumentNotFound(bytes32 name)",
              "No live document of that name (never set, or removed)."},
    ErrorSpec{ErrorId::kDocumentUriRequired, "DocumentUriRequired()",
              "setDocument needs a URI (at most 2,048 bytes)."},
    ErrorSpec{ErrorId::kConversionPending, "ConversionPending()",
              "The security is being converted: balances do not move until continueConversion() "
              "has finished it."},
    ErrorSpec{ErrorId::kSecurityRetired, "SecurityRetired()",
              "A conversion retired the security: it has no holders and issues nothing more."},
    ErrorSpec{ErrorId::kInvalidConversionTarget, "InvalidConversionTarget(address target)",
              "The target is not another, unretired security whose CORPORATE_ACTION_ROLE the "
              "caller holds."},
    ErrorSpec{ErrorId::kInvalidRatio, "InvalidRatio(uint256 numerator, uint256 denominator)",
              "Both terms are non-zero and the converted supply fits in a uint256."},
    ErrorSpec{ErrorId::kNotMultisigOwner, "NotMultisigOwner(address account)",
              "Only an owner of the multisig may submit, confirm, revoke or execute."},
    ErrorSpec{ErrorId::kOnlyMultisigWallet, "OnlyMultisigWallet(address caller)",
              "Owners and the requirement change only through a confirmed transaction of the "
              "multisig to itself."},
    ErrorSpec{ErrorId::kMultisigTransactionNotFound,
              "MultisigTransactionNotFound(uint256 transactionId)",
              "No transaction with this id was submitted."},
    ErrorSpec{ErrorId::kMultisigAlreadyConfirmed,
              "MultisigAlreadyConfirmed(uint256 transactionId, address owner)",
              "The owner has already confirmed this transaction."},
    ErrorSpec{ErrorId::kMultisigNotConfirmed,
              "MultisigNotConfirmed(uint256 transactionId, address owner)",
              "The owner has not confirmed this transaction (nothing to revoke)."},
    ErrorSpec{ErrorId::kMultisigAlreadyExecuted, "MultisigAlreadyExecuted(uint256 transactionId)",
              "The transaction has been executed; it never runs twice."},
    ErrorSpec{ErrorId::kMultisigThresholdNotReached,
              "MultisigThresholdNotReached(uint256 transactionId, uint256 confirmations, "
              "uint256 required)",
              "Fewer owners have confirmed than the multisig requires."},
    ErrorSpec{ErrorId::kMultisigInvalidRequirement,
              "MultisigInvalidRequirement(uint256 ownerCount, uint256 required)",
              "A multisig has 1 to 20 owners and requires 1 to all of them."},
    ErrorSpec{ErrorId::kMultisigOwnerExists, "MultisigOwnerExists(address owner)",
              "The account is already an owner."},
    ErrorSpec{ErrorId::kMultisigInvalidOwner, "MultisigInvalidOwner(address owner)",
              "Not an owner (removal, replacement), or not a possible owner (zero, the multisig "
              "itself)."},
    ErrorSpec{ErrorId::kNotAMultisig, "NotAMultisig(address account)",
              "The account is not a MultisigAdmin the factory created."},
    ErrorSpec{ErrorId::kExecutionNotFound, "ExecutionNotFound(uint256 executionId)",
              "No execution request of that id (ONCHAINID: \"Cannot approve a non-existing "
              "execution\")."},
    ErrorSpec{ErrorId::kExecutionClosed, "ExecutionClosed(uint256 executionId)",
              "The execution request was executed or rejected (ONCHAINID: \"Request already "
              "executed\")."},
    ErrorSpec{ErrorId::kExecutionValueNotZero, "ExecutionValueNotZero(uint256 value)",
              "An execution's value must be 0: stoa has no native coin."},
    ErrorSpec{ErrorId::kExecutionInProgress, "ExecutionInProgress(uint256 executionId)",
              "The execution request is running (a call it makes cannot approve it again)."},
    ErrorSpec{ErrorId::kCallDepthExceeded, "CallDepthExceeded(uint256 maxDepth)",
              "Nested calls (execute, callModuleFunction) go at most this deep."},
    ErrorSpec{ErrorId::kSplitRatioInvalid,
              "SplitRatioInvalid(uint256 numerator, uint256 denominator)",
              "A split's ratio is two non-zero, different terms with no common factor (reduced), "
              "each below 2^64."},
    ErrorSpec{ErrorId::kSplitOverflow, "SplitOverflow(uint256 supply, uint256 numerator)",
              "The split's amounts would not fit in a uint256 (supply x numerator overflows)."},
    ErrorSpec{ErrorId::kTooManySplits, "TooManySplits(uint256 limit)",
              "A security takes at most this many splits (SecurityToken::kMaxSplits)."},
    ErrorSpec{ErrorId::kSplitNotFound, "SplitNotFound(uint256 splitId)",
              "Split ids run from 1 to splitCount()."},
    ErrorSpec{ErrorId::kCashInLieuExists, "CashInLieuExists(uint256 splitId, uint256 roundId)",
              "A split's cash in lieu is paid by one round: this one was created already."},
    ErrorSpec{ErrorId::kCashInLieuNothingDue,
              "CashInLieuNothingDue(uint256 splitId, uint256 pricePerShare)",
              "The split left no fractional shares, or at this price they are worth less than one "
              "base unit of the payment token in all: there is nothing to fund."},
    ErrorSpec{ErrorId::kCashInLieuOverflow,
              "CashInLieuOverflow(uint256 splitId, uint256 pricePerShare)",
              "pricePerShare times the split's fractional shares does not fit in 256 bits."},
    ErrorSpec{ErrorId::kPartitionSupplyNotRecorded,
              "PartitionSupplyNotRecorded(bytes32 partition, uint256 checkpointId)",
              "The checkpoint was taken before partition supplies were recorded (the first "
              "snapshot under rules version 6): a round by partition needs a later one."},
    ErrorSpec{ErrorId::kNoEligiblePartitionShares,
              "NoEligiblePartitionShares(bytes32 partition, uint256 checkpointId)",
              "No shares of the partition outside the excluded accounts existed at the "
              "checkpoint."},
};

struct Cache {
  std::vector<abi::Signature> sigs;
  Cache() {
    for (const ErrorSpec& e : kErrors) {
      auto s = abi::parse_signature(e.signature);
      STOA_ASSERT(s.has_value());
      sigs.push_back(*s);
    }
  }
};
const Cache& cache() {
  static const Cache c;
  return c;
}
size_t index_of(ErrorId id) {
  for (size_t i = 0; i < kErrors.size(); ++i) {
    if (kErrors[i].id == id) return i;
  }
  STOA_ASSERT(false);
  return 0;
}
}  // namespace

std::span<const ErrorSpec> all_errors() {
  return kErrors;
}
const ErrorSpec& error_spec(ErrorId id) {
  return kErrors[index_of(id)];
}
const abi::Signature& error_signature(ErrorId id) {
  return cache().sigs[index_of(id)];
}

Revert make_revert(ErrorId id, const abi::ValueList& args) {
  return Revert{abi::encode_error(error_signature(id), args)};
}

Revert revert_message(std::string_view message) {
  static const abi::Signature kErrorString = *abi::parse_signature("Error(string)");
  return Revert{abi::encode_error(kErrorString, {abi::Value(std::string(message))})};
}

std::string describe_revert(BytesView data) {
  if (data.size() < 4) return data.empty() ? "revert (no data)" : "revert " + to_hex_prefixed(data);
  uint32_t sel = (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) | (uint32_t{data[2]} << 8) |
                 uint32_t{data[3]};
  auto describe = [&](const abi::Signature& sig) -> std::string {
    auto values = abi::decode(sig.inputs, data.subspan(4));
    if (values.index() != 0) return sig.name + "(<undecodable>)";
    const auto& list = std::get<0>(values);
    std::string out = sig.name + "(";
    for (size_t i = 0; i < list.size(); ++i) {
      if (i) out += ", ";
      out += abi::format_value(sig.inputs[i], list[i]);
    }
    return out + ")";
  };
  static const abi::Signature kErrorString = *abi::parse_signature("Error(string)");
  if (sel == abi::selector(kErrorString)) return describe(kErrorString);
  for (size_t i = 0; i < kErrors.size(); ++i) {
    if (abi::selector(cache().sigs[i]) == sel) return describe(cache().sigs[i]);
  }
  return "revert " + to_hex_prefixed(data);
}

}  // namespace stoa::core
