// Dividend rounds by partition (rules V7, rules::partition_dividends; docs/dividends.md, "Rounds by
// partition"). In stoa a share class is a partition (docs/balance-model.md): a round by partition
// pays the holders of that partition at the record checkpoint, pro rata to
// balanceOfByPartitionAt(partition, holder, checkpoint) over totalSupplyByPartitionAt(partition,
// checkpoint) less the excluded accounts' partition balances at the checkpoint. Funding (the
// round's own escrow), claims, pushes, withholding, DividendPaid and reclaim are the whole-security
// round's (dividend_distributor.cc); only the basis of the share differs.
#include "stoa/core/abi_registry.h"
#include "stoa/core/dividend_distributor.h"
#include "stoa/core/security_token.h"

namespace stoa::core {

Result<U256> DividendDistributor::supply_at(const std::optional<Bytes32>& partition,
                                            const U256& checkpoint) const {
  // The whole supply first: an unknown checkpoint is SnapshotIdInvalid for both kinds of round.
  Result<U256> total = token().total_supply_at(checkpoint);
  if (!partition || !total.ok()) return total;
  // A known checkpoint the partition query refuses was taken before partition supplies were
  // recorded (the first snapshot under rules version 6).
  Result<U256> supply = token().total_supply_by_partition_at(*partition, checkpoint);
  if (!supply.ok()) {
    return make_revert(ErrorId::kPartitionSupplyNotRecorded,
                       {abi::Value::bytes32(*partition), checkpoint});
  }
  return supply;
}

U256 DividendDistributor::shares_at(const std::optional<Bytes32>& partition, const Address& holder,
                                    const U256& checkpoint) const {
  // The checkpoint was checked when the round was created.
  if (!partition) return token().balance_of_at(holder, checkpoint).value();
  return token().balance_of_by_partition_at(*partition, holder, checkpoint).value();
}

Result<uint64_t> DividendDistributor::create_dividend_by_partition(
    CallContext& ctx, const Bytes32& partition, const Address& payment_token, const U256& amount,
    const U256& checkpoint, const U256& claim_deadline, const Bytes32& reference) {
  return create_round(ctx, partition, payment_token, amount, checkpoint, claim_deadline, reference);
}

void extend_with_partition_dividend_abi(ContractAbi& abi) {
  AbiRegistry<DividendDistributor> reg;
  reg.call(
      "createDividendByPartition",
      {"partition", "paymentToken", "amount", "checkpointId", "claimDeadline", "reference"},
      {"roundId"},
      "DIVIDEND_ADMIN_ROLE: a round paying `amount` of `paymentToken` to the holders of one "
      "partition (share class) pro rata to balanceOfByPartitionAt at checkpoint `checkpointId`, "
      "over totalSupplyByPartitionAt less the excluded accounts' partition balances; funded, "
      "claimed, pushed and reclaimed as createDividend's rounds. The checkpoint must have been "
      "taken under rules version 6 or later (PartitionSupplyNotRecorded).",
      [](DividendDistributor& c, CallContext& ctx, const Bytes32& partition, const Address& token,
         const U256& amount, const U256& checkpoint, const U256& deadline,
         const Bytes32& reference) -> Result<U256> {
        Result<uint64_t> id = c.create_dividend_by_partition(ctx, partition, token, amount,
                                                             checkpoint, deadline, reference);
        if (!id.ok()) return id.take_revert();
        return U256(id.value());
      });
  reg.view("dividendPartition", {"roundId"}, {"byPartition", "partition"},
           "Whether the round pays one partition, and which (false and zero for a "
           "whole-security round; the default partition is also zero).",
           [](const DividendDistributor& c, const U256& id) -> Result<std::tuple<bool, Bytes32>> {
             Result<DividendRound> r = c.round(id);
             if (!r.ok()) return r.take_revert();
             return std::tuple<bool, Bytes32>{r.value().by_partition, r.value().partition};
           });
  abi.extend(reg.take(),
             {{"DividendPartitionCreated",
               {{"roundId", "uint256", true}, {"partition", "bytes32", true}},
               "The round created with it (DividendCreated, same transaction) pays one partition: "
               "its eligibleSupply and excludedShares are the partition's."}},
             {ErrorId::kPartitionSupplyNotRecorded, ErrorId::kNoEligiblePartitionShares},
             Rules::kV7);
}

}  // namespace stoa::core
