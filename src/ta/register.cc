// The secondary register's projection (include/stoa/ta/register.h).
#include "stoa/ta/register.h"

#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "stoa/abi/abi.h"
#include "stoa/common/keccak.h"
#include "stoa/core/state.h"
#include "stoa/ta/amount.h"
#include "stoa/ta/schema.h"

namespace stoa::ta {
namespace {

struct Topics {
  Bytes32 transfer = keccak256(std::string_view("Transfer(address,address,uint256)"));
  Bytes32 address_frozen = keccak256(std::string_view("AddressFrozen(address,bool,address)"));
  Bytes32 tokens_frozen = keccak256(std::string_view("TokensFrozen(address,uint256)"));
  Bytes32 tokens_unfrozen = keccak256(std::string_view("TokensUnfrozen(address,uint256)"));
  Bytes32 forced =
      keccak256(std::string_view("ForcedTransfer(address,address,uint256,string,bytes32)"));
  Bytes32 recovery = keccak256(std::string_view("RecoverySuccess(address,address,address)"));
  Bytes32 created = keccak256(std::string_view(
      "SecurityCreated(address,address,uint8,address,address,address,address,address)"));
  Bytes32 updated =
      keccak256(std::string_view("UpdatedTokenInformation(string,string,uint8,string,address)"));
  // Dividends (docs/dividends.md, "Events: what the transfer agent reads").
  Bytes32 payment_token_created =
      keccak256(std::string_view("PaymentTokenCreated(address,address,string,string,uint8)"));
  Bytes32 distributor_created =
      keccak256(std::string_view("DividendDistributorCreated(address,address,address)"));
  Bytes32 dividend_created = keccak256(std::string_view(
      "DividendCreated(uint256,address,address,address,uint256,uint256,uint256,uint256,uint256,"
      "bytes32)"));
  Bytes32 dividend_paid = keccak256(std::string_view(
      "DividendPaid(uint256,address,address,uint256,uint256,uint256,uint256,uint256,uint256,bytes2,"
      "uint256,address,address)"));
  // Corporate actions (docs/corporate-actions.md).
  Bytes32 controller_transfer = keccak256(
      std::string_view("ControllerTransfer(address,address,address,uint256,bytes,bytes)"));
  Bytes32 controller_redemption =
      keccak256(std::string_view("ControllerRedemption(address,address,uint256,bytes,bytes)"));
  Bytes32 corporate_action =
      keccak256(std::string_view("CorporateAction(bytes32,address,string,bytes32)"));
  Bytes32 conversion_started =
      keccak256(std::string_view("ConversionStarted(address,uint256,uint256)"));
  // Partitions (docs/balance-model.md, "Partitions").
  Bytes32 transfer_by_partition = keccak256(
      std::string_view("TransferByPartition(bytes32,address,address,address,uint256,bytes,bytes)"));
  Bytes32 changed_partition =
      keccak256(std::string_view("ChangedPartition(bytes32,bytes32,uint256)"));
  Bytes32 issued_by_partition =
      keccak256(std::string_view("IssuedByPartition(bytes32,address,uint256,bytes)"));
  Bytes32 redeemed_by_partition = keccak256(
      std::string_view("RedeemedByPartition(bytes32,address,address,uint256,bytes,bytes)"));
  Bytes32 dividend_reclaimed = keccak256(std::string_view(
      "DividendReclaimed(uint256,address,address,uint256,uint256,uint256,uint256)"));
  Bytes32 dividend_partition_created =
      keccak256(std::string_view("DividendPartitionCreated(uint256,bytes32)"));
  // Splits (docs/balance-model.md, "Splits"): no Transfer; every holder rescaled.
  Bytes32 split = keccak256(std::string_view("Split(uint256,uint256,uint256,uint256,uint256)"));
};
const Topics& topics() {
  static const Topics kTopics;
  return kTopics;
}

std::vector<abi::Type> types(std::initializer_list<const char*> names) {
  std::vector<abi::Type> out;
  for (const char* n : names)
    out.push_back(*abi::parse_type(n));
  return out;
}

std::string hex0x(BytesView b) {
  return "0x" + to_hex(b);
}

U256 word(const core::Log& log, size_t i) {
  if (log.data.size() < 32 * (i + 1)) throw RegisterError("a log's data is too short");
  return U256::from_be(BytesView(log.data.data() + 32 * i, 32));
}

std::string topic_address(const core::Log& log, size_t i) {
  if (log.topics.size() <= i) throw RegisterError("a log has too few topics");
  return Address::from_word(log.topics[i]).lower_hex();
}

struct Holding {
  U256 start;  // the balance before the block
  U256 balance;
  U256 frozen_amount;
  bool frozen = false;
  bool balance_changed = false;
  bool changed = false;
};

struct MovementRow {
  int64_t log_index = 0;
  size_t receipt = 0;
  std::string tx_hash, security, kind, from, to;
  U256 amount;
  std::string reason, document;
  std::string action;  // the corporate action that made it ("" for none)
};

struct ActionRow {
  int64_t log_index = 0;
  size_t receipt = 0;
  std::string tx_hash, security, action, op, reason, document, target;
};

// The ASCII name of a CorporateAction's bytes32 action (right-padded with zeros).
std::string action_name(const Bytes32& b) {
  std::string out;
  for (uint8_t c : b.b) {
    if (c == 0) break;
    out += (c > 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  return out;
}

struct FreezeRow {
  int64_t log_index = 0;
  std::string tx_hash, security, holder, kind;
  U256 amount;
};

// A bytes2 jurisdiction as the register keeps it: "US" for two printable ASCII characters (the
// ComplianceRegistry's ISO 3166-1 alpha-2 codes), "" for none (0x0000), else 0x + 4 hex digits.
std::string jurisdiction_text(const U256& w) {
  const Bytes32 be = w.to_bytes32();
  const uint8_t a = be.b[0];
  const uint8_t b = be.b[1];
  if (a == 0 && b == 0) return "";
  if (a > 0x20 && a < 0x7f && b > 0x20 && b < 0x7f) return std::string{char(a), char(b)};
  return "0x" + to_hex(BytesView(be.b.data(), 2));
}

// A partition leg of a movement (TransferByPartition, IssuedByPartition, RedeemedByPartition;
// ChangedPartition sets its destination). Partitions as 0x + 64 hex digits; the default one is
// all zeros.
struct PartitionLeg {
  size_t receipt = 0;
  std::string security, from, to, from_part, to_part;
  U256 amount;
  bool used = false;
};

const std::string& default_partition() {
  static const std::string kDefault = "0x" + std::string(64, '0');
  return kDefault;
}

using Running = std::map<std::pair<std::string, std::string>, U256>;

struct PaymentTokenRow {
  std::string token, symbol, name;
  int64_t decimals = 0;
};

struct DistributorRow {
  std::string distributor, security, withholding_account;
};

struct RoundRow {
  std::string distributor, payment_token, funder, reference, tx_hash;
  std::string partition;  // '' for a whole-security round (DividendPartitionCreated)
  int64_t round_id = 0, checkpoint = 0, claim_deadline = 0;
  U256 amount, eligible_supply, excluded;
};

struct ReclaimRow {
  std::string distributor;
  int64_t round_id = 0;
  U256 reclaimed;
};

struct PaymentRow {
  int64_t log_index = 0, round_id = 0, checkpoint = 0, rate_bps = 0;
  std::string tx_hash, distributor, holder, payment_token, jurisdiction, withholding_account,
      paid_by;
  U256 shares, eligible_supply, gross, withheld, net;
};

// A Split of a known security, and each holder's position at it.
struct SplitRow {
  int64_t log_index = 0, split_id = 0, holders = 0;
  std::string tx_hash, security;
  U256 numerator, denominator, supply_before, supply_after;
};

struct SplitPosition {
  int64_t log_index = 0, split_id = 0;
  std::string security, holder;
  U256 before, after, fraction;  // fraction: over the split's denominator
};

struct SecurityRow {
  std::string token, symbol, name, issuer;
  int64_t decimals = 0, preset = 0;
  bool is_new = false;
};

// The work of one block: decode its logs, then write the rows.
class BlockProjection {
 public:
  BlockProjection(Db& db, const chain::Block& b, const std::set<std::string>& known,
                  const std::map<std::string, std::string>& distributors)
      : db_(db), block_(b), known_(known), distributors_(distributors) {}

  void decode() {
    int64_t index = 0;  // log index: position in the block, across receipts
    for (size_t r = 0; r < block_.receipts.size(); ++r) {
      const chain::Receipt& rc = block_.receipts[r];
      for (const core::Log& log : rc.logs) {
        if (rc.success && !log.topics.empty()) on_log(log, r, index);
        ++index;
      }
    }
    label_conversions();
    project_partitions();
  }
  void write();
  std::vector<std::string> new_tokens() const {
    std::vector<std::string> out;
    for (const auto& [t, s] : securities_) {
      if (s.is_new) out.push_back(t);
    }
    return out;
  }
  const std::vector<DistributorRow>& new_distributors() const { return new_distributors_; }

 private:
  bool known(const std::string& token) const {
    return known_.contains(token) || securities_.contains(token);
  }
  Holding& holding(const std::string& security, const std::string& holder);
  void on_log(const core::Log& log, size_t receipt, int64_t index);
  void on_transfer(const core::Log& log, size_t receipt, int64_t index);
  void on_freeze(const core::Log& log, size_t receipt, int64_t index);
  void on_split(const core::Log& log, size_t receipt, int64_t index);
  void split_partitions(const SplitRow& s, Running& running);
  void write_splits();
  void mark_last(size_t receipt, const std::string& from, const std::string& to,
                 std::optional<U256> amount, const std::string& kind, const std::string& reason,
                 const std::string& document, const std::string& action);
  void on_controller(const core::Log& log, size_t receipt, int64_t index);
  void on_corporate_action(const core::Log& log, size_t receipt, int64_t index);
  void label_conversions();
  void write_actions();
  void on_partition_log(const core::Log& log, size_t receipt);
  void project_partitions();
  void move_partitions(const MovementRow& m, Running& running);
  void burn_partitions(const MovementRow& m, Running& running, U256 left);
  void add_partition(const std::string& security, const std::string& who, const std::string& p,
                     const U256& v, bool plus);
  U256& partition_amount(const std::string& security, const std::string& holder,
                         const std::string& partition);
  U256& running_balance(Running& running, const std::string& security, const std::string& who);
  void write_partitions();
  void on_created(const core::Log& log, size_t receipt);
  void on_updated(const core::Log& log);
  void on_factory_log(const core::Log& log, size_t receipt);
  void on_distributor_log(const core::Log& log, size_t receipt, int64_t index);
  void write_dividends();
  // The security a distributor pays for ("" for an unknown address).
  std::string distributor_security(const std::string& d) const {
    if (auto it = distributors_.find(d); it != distributors_.end()) return it->second;
    for (const DistributorRow& r : new_distributors_) {
      if (r.distributor == d) return r.security;
    }
    return "";
  }
  std::string tx_hash(size_t receipt) const {
    return hex0x(block_.receipts[receipt].transaction_hash.view());
  }

  Db& db_;
  const chain::Block& block_;
  const std::set<std::string>& known_;
  const std::map<std::string, std::string>& distributors_;
  std::vector<PaymentTokenRow> payment_tokens_;
  std::vector<DistributorRow> new_distributors_;
  std::vector<RoundRow> rounds_;
  std::vector<ReclaimRow> reclaims_;
  std::vector<PaymentRow> payments_;
  std::vector<ActionRow> actions_;
  std::vector<PartitionLeg> legs_;
  // Named partitions' amounts (security, holder, partition) -> amount, and which changed.
  std::map<std::tuple<std::string, std::string, std::string>, U256> parts_;
  std::set<std::tuple<std::string, std::string, std::string>> parts_changed_;
  std::set<std::pair<std::string, std::string>> parts_loaded_;  // every partition of a holder
  std::map<std::pair<std::string, std::string>, Holding> holdings_;
  std::vector<MovementRow> movements_;
  std::vector<FreezeRow> freezes_;
  std::vector<SplitRow> splits_;
  std::vector<SplitPosition> positions_;
  std::map<std::string, SecurityRow> securities_;  // created or updated in this block
};

Holding& BlockProjection::holding(const std::string& security, const std::string& holder) {
  auto key = std::make_pair(security, holder);
  if (auto it = holdings_.find(key); it != holdings_.end()) return it->second;
  Holding h;
  if (auto row = db_.query_one(
          "SELECT balance, frozen_amount, frozen FROM balances WHERE security = ? AND holder = ?",
          {security, holder})) {
    h.balance = *decode_amount(row->text(0));
    h.frozen_amount = *decode_amount(row->text(1));
    h.frozen = row->i64(2) != 0;
    h.start = h.balance;
  }
  return holdings_.emplace(std::move(key), h).first->second;
}

void BlockProjection::on_log(const core::Log& log, size_t receipt, int64_t index) {
  const Topics& t = topics();
  const Bytes32& t0 = log.topics[0];
  if (log.address == core::factory_address()) {
    on_factory_log(log, receipt);
    return;
  }
  const std::string token = log.address.lower_hex();
  if (!distributor_security(token).empty()) {
    on_distributor_log(log, receipt, index);
    return;
  }
  if (!known(token)) return;
  if (t0 == t.transfer) {
    on_transfer(log, receipt, index);
  } else if (t0 == t.address_frozen || t0 == t.tokens_frozen || t0 == t.tokens_unfrozen) {
    on_freeze(log, receipt, index);
  } else if (t0 == t.forced) {
    const auto v = abi::decode(types({"uint256", "string", "bytes32"}), log.data);
    if (!std::holds_alternative<abi::ValueList>(v)) throw RegisterError("a bad ForcedTransfer");
    const auto& vals = std::get<abi::ValueList>(v);
    mark_last(receipt, topic_address(log, 1), topic_address(log, 2), vals[0].u256(), "forced",
              vals[1].str(), hex0x(vals[2].bytes()), "FORCED-TRANSFER");
    actions_.push_back({index, receipt, tx_hash(receipt), token, "FORCED-TRANSFER",
                        block_.transactions.at(receipt).sender.lower_hex(), vals[1].str(),
                        hex0x(vals[2].bytes()), ""});
  } else if (t0 == t.recovery) {
    mark_last(receipt, topic_address(log, 1), topic_address(log, 2), std::nullopt, "recovery", "",
              "", "");
  } else if (t0 == t.transfer_by_partition || t0 == t.changed_partition ||
             t0 == t.issued_by_partition || t0 == t.redeemed_by_partition) {
    on_partition_log(log, receipt);
  } else if (t0 == t.controller_transfer || t0 == t.controller_redemption) {
    on_controller(log, receipt, index);
  } else if (t0 == t.corporate_action) {
    on_corporate_action(log, receipt, index);
  } else if (t0 == t.split) {
    on_split(log, receipt, index);
  } else if (t0 == t.conversion_started) {
    for (auto it = actions_.rbegin(); it != actions_.rend(); ++it) {
      if (it->security == token && it->action == "CONVERSION") {
        it->target = topic_address(log, 1);
        break;
      }
    }
  } else if (t0 == t.updated) {
    on_updated(log);
  }
}

void BlockProjection::on_factory_log(const core::Log& log, size_t receipt) {
  const Topics& t = topics();
  const Bytes32& t0 = log.topics[0];
  if (t0 == t.created) {
    on_created(log, receipt);
  } else if (t0 == t.payment_token_created) {
    const auto v = abi::decode(types({"string", "string", "uint8"}), log.data);
    const auto* vals = std::get_if<abi::ValueList>(&v);
    if (vals == nullptr) throw RegisterError("a bad PaymentTokenCreated");
    payment_tokens_.push_back({topic_address(log, 1), (*vals)[1].str(), (*vals)[0].str(),
                               static_cast<int64_t>((*vals)[2].u256().low64())});
  } else if (t0 == t.distributor_created) {
    new_distributors_.push_back({topic_address(log, 1), topic_address(log, 2),
                                 Address::from_word(word(log, 0).to_bytes32()).lower_hex()});
  }
}

// DividendCreated, DividendPaid and DividendReclaimed of a known distributor.
void BlockProjection::on_distributor_log(const core::Log& log, size_t receipt, int64_t index) {
  const Topics& t = topics();
  const Bytes32& t0 = log.topics[0];
  const std::string distributor = log.address.lower_hex();
  auto address_word = [&](size_t i) {
    return Address::from_word(word(log, i).to_bytes32()).lower_hex();
  };
  if (t0 == t.dividend_partition_created && log.topics.size() == 3) {
    // Emitted right after the round's DividendCreated, in the same transaction.
    const auto id = static_cast<int64_t>(U256::from_be(log.topics[1].view()).low64());
    for (RoundRow& r : rounds_) {
      if (r.distributor == distributor && r.round_id == id)
        r.partition = hex0x(log.topics[2].view());
    }
    return;
  }
  if (log.topics.size() < 4) return;  // the other events have fewer topics
  const auto round_id = static_cast<int64_t>(U256::from_be(log.topics[1].view()).low64());
  if (t0 == t.dividend_paid) {
    PaymentRow p;
    p.log_index = index;
    p.round_id = round_id;
    p.tx_hash = tx_hash(receipt);
    p.distributor = distributor;
    p.holder = topic_address(log, 2);
    p.payment_token = topic_address(log, 3);
    p.checkpoint = static_cast<int64_t>(word(log, 0).low64());
    p.shares = word(log, 1);
    p.eligible_supply = word(log, 2);
    p.gross = word(log, 3);
    p.withheld = word(log, 4);
    p.net = word(log, 5);
    p.jurisdiction = jurisdiction_text(word(log, 6));
    p.rate_bps = static_cast<int64_t>(word(log, 7).low64());
    p.withholding_account = address_word(8);
    p.paid_by = address_word(9);
    payments_.push_back(std::move(p));
  } else if (t0 == t.dividend_created) {
    RoundRow r;
    r.distributor = distributor;
    r.round_id = round_id;
    r.payment_token = topic_address(log, 2);
    r.funder = topic_address(log, 3);
    r.amount = word(log, 1);
    r.checkpoint = static_cast<int64_t>(word(log, 2).low64());
    r.eligible_supply = word(log, 3);
    r.excluded = word(log, 4);
    r.claim_deadline = static_cast<int64_t>(word(log, 5).low64());
    r.reference = hex0x(word(log, 6).to_bytes32().view());
    r.tx_hash = tx_hash(receipt);
    rounds_.push_back(std::move(r));
  } else if (t0 == t.dividend_reclaimed) {
    reclaims_.push_back({distributor, round_id, word(log, 0)});
  }
}

void BlockProjection::on_transfer(const core::Log& log, size_t receipt, int64_t index) {
  const std::string security = log.address.lower_hex();
  const std::string from = topic_address(log, 1);
  const std::string to = topic_address(log, 2);
  const U256 amount = word(log, 0);
  const std::string zero = Address{}.lower_hex();
  const std::string kind = from == zero ? "mint" : to == zero ? "burn" : "transfer";
  if (from != zero && from != to) {
    Holding& h = holding(security, from);
    const auto left = h.balance.checked_sub(amount);
    if (!left) {
      throw RegisterError("block " + std::to_string(block_.header.number) + ": " + from +
                          " transfers " + amount.to_dec() + " of " + security + " but holds " +
                          h.balance.to_dec());
    }
    h.balance = *left;
    h.balance_changed = h.changed = true;
  }
  if (to != zero && from != to) {
    Holding& h = holding(security, to);
    const auto now = h.balance.checked_add(amount);
    if (!now) throw RegisterError("a balance overflows");
    h.balance = *now;
    h.balance_changed = h.changed = true;
  }
  movements_.push_back(
      {index, receipt, tx_hash(receipt), security, kind, from, to, amount, "", "", ""});
}

void BlockProjection::on_freeze(const core::Log& log, size_t receipt, int64_t index) {
  const std::string security = log.address.lower_hex();
  const std::string holder = topic_address(log, 1);
  Holding& h = holding(security, holder);
  FreezeRow row{index, tx_hash(receipt), security, holder, "", U256(0)};
  if (log.topics[0] == topics().address_frozen) {
    if (log.topics.size() < 3) throw RegisterError("a bad AddressFrozen");
    h.frozen = !log.topics[2].is_zero();
    row.kind = h.frozen ? "address-frozen" : "address-unfrozen";
  } else if (log.topics[0] == topics().tokens_frozen) {
    row.amount = word(log, 0);
    const auto v = h.frozen_amount.checked_add(row.amount);
    if (!v) throw RegisterError("a frozen amount overflows");
    h.frozen_amount = *v;
    row.kind = "tokens-frozen";
  } else {
    row.amount = word(log, 0);
    const auto v = h.frozen_amount.checked_sub(row.amount);
    if (!v) throw RegisterError("more tokens unfrozen than frozen for " + holder);
    h.frozen_amount = *v;
    row.kind = "tokens-unfrozen";
  }
  h.changed = true;
  freezes_.push_back(std::move(row));
}

// Split(splitId, numerator, denominator, supplyBefore, supplyAfter): every holder of the
// security (in the register, and as this block's movements left it) is rescaled as the ledger
// does (docs/balance-model.md, "The rounding rule"): balance' = floor(balance × n / d), the
// fraction lost (balance × n mod d, over d) recorded; a partial freeze floored. The holders'
// post-split balances must sum to the event's supplyAfter, else the block is refused.
void BlockProjection::on_split(const core::Log& log, size_t receipt, int64_t index) {
  if (log.topics.size() < 2) throw RegisterError("a bad Split");
  SplitRow s;
  s.log_index = index;
  s.split_id = static_cast<int64_t>(U256::from_be(log.topics[1].view()).low64());
  s.tx_hash = tx_hash(receipt);
  s.security = log.address.lower_hex();
  s.numerator = word(log, 0);
  s.denominator = word(log, 1);
  s.supply_before = word(log, 2);
  s.supply_after = word(log, 3);
  if (s.denominator.is_zero()) throw RegisterError("a Split with a zero denominator");
  // Every holder: one read of the register's balances (a holding of this block keeps its own).
  for (const DbRow& r : db_.query(
           "SELECT holder, balance, frozen_amount, frozen FROM balances WHERE security = ? AND "
           "balance <> ?",
           {s.security, encode_amount(U256(0))})) {
    Holding h;
    h.balance = h.start = *decode_amount(r.text(1));
    h.frozen_amount = *decode_amount(r.text(2));
    h.frozen = r.i64(3) != 0;
    holdings_.emplace(std::make_pair(s.security, r.text(0)), h);
  }
  U256 sum;
  for (auto it = holdings_.lower_bound({s.security, ""});
       it != holdings_.end() && it->first.first == s.security; ++it) {
    const std::string& who = it->first.second;
    Holding& h = it->second;
    if (h.balance.is_zero()) continue;
    const auto product = h.balance.checked_mul(s.numerator);
    if (!product) throw RegisterError("a Split overflows a balance of " + who);
    SplitPosition p{index,
                    s.split_id,
                    s.security,
                    who,
                    h.balance,
                    *product->checked_div(s.denominator),
                    *product->checked_mod(s.denominator)};
    if (p.after != p.before) {
      h.balance = p.after;
      h.balance_changed = true;
    }
    h.frozen_amount = *h.frozen_amount.mul_div_floor(s.numerator, s.denominator);
    h.changed = true;
    sum = *sum.checked_add(p.after);
    ++s.holders;
    positions_.push_back(std::move(p));
  }
  if (sum != s.supply_after) {
    throw RegisterError("block " + std::to_string(block_.header.number) + ": split " +
                        std::to_string(s.split_id) + " of " + s.security + " leaves " +
                        sum.to_dec() + " in the register, the ledger says " +
                        s.supply_after.to_dec());
  }
  splits_.push_back(std::move(s));
}

// A split's named partitions: each floored (the default partition, balance less the named ones,
// absorbs the rest); the running balances become the post-split ones.
void BlockProjection::split_partitions(const SplitRow& s, Running& running) {
  // Every named partition of the security: one read (an amount of this block keeps its own).
  for (const DbRow& r :
       db_.query("SELECT holder, partition_id, balance FROM partition_balances WHERE security = ?",
                 {s.security})) {
    parts_.emplace(std::make_tuple(s.security, r.text(0), r.text(1)), *decode_amount(r.text(2)));
  }
  for (const SplitPosition& p : positions_) {
    if (p.log_index != s.log_index) continue;
    running[{p.security, p.holder}] = p.after;
    parts_loaded_.insert({p.security, p.holder});
  }
  for (auto it = parts_.lower_bound(std::make_tuple(s.security, std::string(), std::string()));
       it != parts_.end() && std::get<0>(it->first) == s.security; ++it) {
    const U256 now = *it->second.mul_div_floor(s.numerator, s.denominator);
    if (now == it->second) continue;
    it->second = now;
    parts_changed_.insert(it->first);
  }
}

void BlockProjection::write_splits() {
  const auto number = static_cast<int64_t>(block_.header.number);
  for (const SplitRow& s : splits_) {
    db_.exec(
        "INSERT INTO splits (security, split_id, block, log_index, tx_hash, numerator, "
        "denominator, supply_before, supply_after, holders) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {s.security, s.split_id, number, s.log_index, s.tx_hash, encode_amount(s.numerator),
         encode_amount(s.denominator), encode_amount(s.supply_before),
         encode_amount(s.supply_after), s.holders});
  }
  for (const SplitPosition& p : positions_) {
    db_.exec(
        "INSERT INTO split_positions (security, split_id, holder, block, log_index, "
        "balance_before, balance_after, fraction) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {p.security, p.split_id, p.holder, number, p.log_index, encode_amount(p.before),
         encode_amount(p.after), encode_amount(p.fraction)});
  }
}

// The movement a ForcedTransfer or RecoverySuccess explains: the last one of its receipt between
// the same wallets (and of the same amount, when the event names it).
void BlockProjection::mark_last(size_t receipt, const std::string& from, const std::string& to,
                                std::optional<U256> amount, const std::string& kind,
                                const std::string& reason, const std::string& document,
                                const std::string& action) {
  for (auto it = movements_.rbegin(); it != movements_.rend() && it->receipt == receipt; ++it) {
    if (it->from == from && it->to == to && (!amount || it->amount == *amount) &&
        (it->kind == "transfer" || (kind == "burn" && it->kind == "burn" && it->action.empty()))) {
      it->kind = kind;
      it->reason = reason;
      it->document = document;
      it->action = action;
      return;
    }
  }
}

// ERC-1644: `_data` is the document hash, `_operatorData` the reason (docs/corporate-actions.md).
void BlockProjection::on_controller(const core::Log& log, size_t receipt, int64_t index) {
  const auto v = abi::decode(types({"address", "uint256", "bytes", "bytes"}), log.data);
  const auto* vals = std::get_if<abi::ValueList>(&v);
  if (vals == nullptr) throw RegisterError("a bad ControllerTransfer or ControllerRedemption");
  const std::string token = log.address.lower_hex();
  const bool transfer = log.topics[0] == topics().controller_transfer;
  const Bytes& data = (*vals)[2].bytes();
  const Bytes& op_data = (*vals)[3].bytes();
  const std::string reason(op_data.begin(), op_data.end());
  const std::string document = hex0x(data);
  const std::string action = transfer ? "CONTROLLER-TRANSFER" : "CONTROLLER-REDEMPTION";
  const std::string zero = Address{}.lower_hex();
  mark_last(receipt, topic_address(log, 1), transfer ? topic_address(log, 2) : zero,
            (*vals)[1].u256(), transfer ? "forced" : "burn", reason, document, action);
  actions_.push_back({index, receipt, tx_hash(receipt), token, action,
                      (*vals)[0].address().lower_hex(), reason, document, ""});
}

// CorporateAction(action, operator, reason, documentRef): the movements of its receipt on the
// security that it explains: SEIZURE the forced move before it, REDEMPTION every burn,
// DISTRIBUTION every issuance; CONVERSION's burns and issuances come after it (and in later
// continueConversion() calls): label_conversions().
void BlockProjection::on_corporate_action(const core::Log& log, size_t receipt, int64_t index) {
  const auto v = abi::decode(types({"string", "bytes32"}), log.data);
  const auto* vals = std::get_if<abi::ValueList>(&v);
  if (vals == nullptr || log.topics.size() < 3) throw RegisterError("a bad CorporateAction");
  const std::string token = log.address.lower_hex();
  ActionRow a{index,
              receipt,
              tx_hash(receipt),
              token,
              action_name(log.topics[1]),
              topic_address(log, 2),
              (*vals)[0].str(),
              hex0x((*vals)[1].bytes()),
              ""};
  for (auto it = movements_.rbegin(); it != movements_.rend() && it->receipt == receipt; ++it) {
    if (it->security != token || !it->action.empty()) continue;
    const bool seizure = a.action == "SEIZURE" && it->kind == "transfer";
    if (seizure || (a.action == "REDEMPTION" && it->kind == "burn") ||
        (a.action == "DISTRIBUTION" && it->kind == "mint")) {
      if (seizure) it->kind = "forced";
      it->action = a.action;
      it->reason = a.reason;
      it->document = a.document;
      if (seizure) break;
    }
  }
  actions_.push_back(std::move(a));
}

// A conversion's movements: in a transaction calling startConversion or continueConversion() on
// security A, A's burns and the target's issuances, with the reason and document of A's
// CONVERSION (of this block, else the last one in the register).
void BlockProjection::label_conversions() {
  static const Bytes32 start =
      keccak256(std::string_view("startConversion(address,uint256,uint256,string,bytes32)"));
  static const Bytes32 cont = keccak256(std::string_view("continueConversion()"));
  for (size_t r = 0; r < block_.receipts.size(); ++r) {
    const chain::Transaction& tx = block_.transactions.at(r).tx;
    if (!block_.receipts[r].success || !tx.to || tx.data.size() < 4) continue;
    if (!std::equal(tx.data.begin(), tx.data.begin() + 4, start.b.begin()) &&
        !std::equal(tx.data.begin(), tx.data.begin() + 4, cont.b.begin())) {
      continue;
    }
    const std::string a = tx.to->lower_hex();
    std::optional<ActionRow> conv;
    for (const ActionRow& row : actions_) {
      if (row.security == a && row.action == "CONVERSION") conv = row;
    }
    if (!conv) {
      const auto row = db_.query_one(
          "SELECT reason, document, target FROM corporate_actions WHERE security = ? AND "
          "action = 'CONVERSION' ORDER BY block DESC, log_index DESC LIMIT 1",
          {a});
      if (!row) continue;
      conv = ActionRow{0, r, "", a, "CONVERSION", "", row->text(0), row->text(1), row->text(2)};
    }
    for (MovementRow& m : movements_) {
      if (m.receipt != r || !m.action.empty()) continue;
      if ((m.security == a && m.kind == "burn") ||
          (m.security == conv->target && m.kind == "mint")) {
        m.action = "CONVERSION";
        m.reason = conv->reason;
        m.document = conv->document;
      }
    }
  }
}

void BlockProjection::on_created(const core::Log& log, size_t receipt) {
  SecurityRow s;
  s.token = topic_address(log, 1);
  s.issuer = topic_address(log, 2);  // the admin the factory made the issuer
  s.preset = static_cast<int64_t>(word(log, 0).low64());
  s.is_new = true;
  // Name, symbol and decimals: the createSecurity call of the transaction, when it is one.
  const chain::Transaction& tx = block_.transactions.at(receipt).tx;
  const Bytes32 sel =
      keccak256(std::string_view("createSecurity(string,string,uint8,uint8,address,address)"));
  if (tx.to == core::factory_address() && tx.data.size() >= 4 &&
      std::equal(tx.data.begin(), tx.data.begin() + 4, sel.b.begin())) {
    const auto v = abi::decode(types({"string", "string", "uint8", "uint8", "address", "address"}),
                               BytesView(tx.data.data() + 4, tx.data.size() - 4));
    if (const auto* vals = std::get_if<abi::ValueList>(&v)) {
      s.name = (*vals)[0].str();
      s.symbol = (*vals)[1].str();
      s.decimals = static_cast<int64_t>((*vals)[2].u256().low64());
    }
  }
  securities_[s.token] = std::move(s);
}

void BlockProjection::on_updated(const core::Log& log) {
  const auto v = abi::decode(types({"string", "string", "uint8", "string"}), log.data);
  const auto* vals = std::get_if<abi::ValueList>(&v);
  if (vals == nullptr) throw RegisterError("a bad UpdatedTokenInformation");
  const std::string token = log.address.lower_hex();
  SecurityRow& s = securities_[token];
  s.token = token;
  s.name = (*vals)[0].str();
  s.symbol = (*vals)[1].str();
  s.decimals = static_cast<int64_t>((*vals)[2].u256().low64());
}

void BlockProjection::write_dividends() {
  const auto number = static_cast<int64_t>(block_.header.number);
  for (const PaymentTokenRow& p : payment_tokens_) {
    db_.exec(
        "INSERT INTO payment_tokens (token, symbol, name, decimals, created_block) "
        "VALUES (?, ?, ?, ?, ?)",
        {p.token, p.symbol, p.name, p.decimals, number});
  }
  for (const DistributorRow& d : new_distributors_) {
    db_.exec(
        "INSERT INTO dividend_distributors (distributor, security, withholding_account, "
        "created_block) VALUES (?, ?, ?, ?)",
        {d.distributor, d.security, d.withholding_account, number});
  }
  for (const RoundRow& r : rounds_) {
    db_.exec(
        "INSERT INTO dividend_rounds (distributor, round_id, security, payment_token, funder, "
        "amount, checkpoint, eligible_supply, excluded, claim_deadline, reference, created_block, "
        "tx_hash, partition_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {r.distributor, r.round_id, distributor_security(r.distributor), r.payment_token, r.funder,
         encode_amount(r.amount), r.checkpoint, encode_amount(r.eligible_supply),
         encode_amount(r.excluded), r.claim_deadline, r.reference, number, r.tx_hash, r.partition});
  }
  for (const ReclaimRow& r : reclaims_) {
    db_.exec(
        "UPDATE dividend_rounds SET reclaimed = ?, closed_block = ? "
        "WHERE distributor = ? AND round_id = ?",
        {encode_amount(r.reclaimed), number, r.distributor, r.round_id});
  }
  for (const PaymentRow& p : payments_) {
    db_.exec(
        "INSERT INTO dividend_payments (block, log_index, tx_hash, distributor, security, "
        "round_id, holder, payment_token, checkpoint, shares, eligible_supply, gross, withheld, "
        "net, jurisdiction, rate_bps, withholding_account, paid_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {number, p.log_index, p.tx_hash, p.distributor, distributor_security(p.distributor),
         p.round_id, p.holder, p.payment_token, p.checkpoint, encode_amount(p.shares),
         encode_amount(p.eligible_supply), encode_amount(p.gross), encode_amount(p.withheld),
         encode_amount(p.net), p.jurisdiction, p.rate_bps, p.withholding_account, p.paid_by});
  }
}

void BlockProjection::write_actions() {
  const auto number = static_cast<int64_t>(block_.header.number);
  for (const ActionRow& a : actions_) {
    db_.exec(
        "INSERT INTO corporate_actions (block, log_index, tx_hash, security, action, operator, "
        "reason, document, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {number, a.log_index, a.tx_hash, a.security, a.action, a.op, a.reason, a.document,
         a.target});
  }
}

void BlockProjection::on_partition_log(const core::Log& log, size_t receipt) {
  const Topics& t = topics();
  const Bytes32& t0 = log.topics[0];
  const std::string token = log.address.lower_hex();
  if (log.topics.size() < 3) throw RegisterError("a bad partition event");
  const std::string p = hex0x(log.topics[1].view());
  const std::string zero = Address{}.lower_hex();
  if (t0 == t.transfer_by_partition) {
    legs_.push_back(
        {receipt, token, topic_address(log, 2), topic_address(log, 3), p, p, word(log, 1)});
  } else if (t0 == t.issued_by_partition) {
    legs_.push_back({receipt, token, zero, topic_address(log, 2), p, p, word(log, 0)});
  } else if (t0 == t.redeemed_by_partition) {
    legs_.push_back({receipt, token, topic_address(log, 3), zero, p, p, word(log, 0)});
  } else {  // ChangedPartition: the destination of the last leg of the receipt from `p`
    const U256 v = word(log, 0);
    for (auto it = legs_.rbegin(); it != legs_.rend() && it->receipt == receipt; ++it) {
      if (it->security == token && it->from_part == p && it->amount == v) {
        it->to_part = hex0x(log.topics[2].view());
        break;
      }
    }
  }
}

U256& BlockProjection::partition_amount(const std::string& security, const std::string& holder,
                                        const std::string& partition) {
  const auto key = std::make_tuple(security, holder, partition);
  if (auto it = parts_.find(key); it != parts_.end()) return it->second;
  U256 v;
  if (const auto row = db_.query_one(
          "SELECT balance FROM partition_balances WHERE security = ? AND holder = ? AND "
          "partition_id = ?",
          {security, holder, partition})) {
    v = *decode_amount(row->text(0));
  }
  return parts_.emplace(key, v).first->second;
}

U256& BlockProjection::running_balance(Running& running, const std::string& security,
                                       const std::string& who) {
  const auto key = std::make_pair(security, who);
  if (auto it = running.find(key); it != running.end()) return it->second;
  return running.emplace(key, holding(security, who).start).first->second;
}

void BlockProjection::add_partition(const std::string& security, const std::string& who,
                                    const std::string& p, const U256& v, bool plus) {
  if (who == Address{}.lower_hex() || p == default_partition() || v.is_zero()) return;
  U256& a = partition_amount(security, who, p);
  const auto r = plus ? a.checked_add(v) : a.checked_sub(v);
  if (!r) throw RegisterError("partition " + p + " of " + who + " would go below zero");
  a = *r;
  parts_changed_.insert({security, who, p});
}

// The named partitions of each movement: its legs (in its receipt, between the same wallets),
// else the default partition; a burn without legs draws as the token does (docs/balance-model.md,
// "Default partition order"): the default partition first, then the named ones in ascending
// order. Shares on hold are not projected, so before rules version 7 a burn from a holder with
// holds may have drawn otherwise; from V7 the token emits a RedeemedByPartition leg per partition
// a plain burn draws (rules::burn_partition_events), and those legs are used instead.
void BlockProjection::project_partitions() {
  Running running;  // balances as the block's movements (and splits) apply
  size_t next_split = 0;
  for (const MovementRow& m : movements_) {
    for (; next_split < splits_.size() && splits_[next_split].log_index < m.log_index; ++next_split)
      split_partitions(splits_[next_split], running);
    move_partitions(m, running);
  }
  for (; next_split < splits_.size(); ++next_split)
    split_partitions(splits_[next_split], running);
}

void BlockProjection::move_partitions(const MovementRow& m, Running& running) {
  const std::string zero = Address{}.lower_hex();
  U256 left = m.amount;
  for (PartitionLeg& l : legs_) {
    if (l.used || l.receipt != m.receipt || l.security != m.security || l.from != m.from ||
        l.to != m.to || left < l.amount) {
      continue;
    }
    l.used = true;
    left = *left.checked_sub(l.amount);
    add_partition(m.security, m.from, l.from_part, l.amount, false);
    add_partition(m.security, m.to, l.to_part, l.amount, true);
    if (left.is_zero()) break;
  }
  if (!left.is_zero() && m.from != zero && m.to == zero) burn_partitions(m, running, left);
  if (m.from != zero) {
    U256& b = running_balance(running, m.security, m.from);
    b = b.checked_sub(m.amount).value_or(U256(0));
  }
  if (m.to != zero) {
    U256& b = running_balance(running, m.security, m.to);
    b = *b.checked_add(m.amount);
  }
}

// A burn without partition legs: the default partition first, then the named ones ascending.
void BlockProjection::burn_partitions(const MovementRow& m, Running& running, U256 left) {
  if (parts_loaded_.insert({m.security, m.from}).second) {
    for (const DbRow& r :
         db_.query("SELECT partition_id FROM partition_balances WHERE security = ? AND holder = ?",
                   {m.security, m.from}))
      partition_amount(m.security, m.from, r.text(0));
  }
  U256 named;
  for (const auto& [key, v] : parts_) {
    if (std::get<0>(key) == m.security && std::get<1>(key) == m.from) named = *named.checked_add(v);
  }
  const U256 in_default =
      running_balance(running, m.security, m.from).checked_sub(named).value_or(U256(0));
  left = left.checked_sub(std::min(left, in_default)).value_or(U256(0));
  std::vector<std::pair<std::string, U256>> take;
  for (const auto& [key, v] : parts_) {
    if (left.is_zero()) break;
    if (std::get<0>(key) != m.security || std::get<1>(key) != m.from || v.is_zero()) continue;
    const U256 x = std::min(left, v);
    take.emplace_back(std::get<2>(key), x);
    left = *left.checked_sub(x);
  }
  for (const auto& [p, x] : take)
    add_partition(m.security, m.from, p, x, false);
}

void BlockProjection::write_partitions() {
  const auto number = static_cast<int64_t>(block_.header.number);
  for (const auto& key : parts_changed_) {
    const auto& [security, holder, partition] = key;
    const std::string v = encode_amount(parts_.at(key));
    db_.exec(
        "INSERT INTO partition_balances (security, holder, partition_id, balance) VALUES (?, ?, ?, "
        "?) "
        "ON CONFLICT (security, holder, partition_id) DO UPDATE SET balance = excluded.balance",
        {security, holder, partition, v});
    db_.exec(
        "INSERT INTO partition_history (security, holder, partition_id, block, balance) "
        "VALUES (?, ?, ?, ?, ?)",
        {security, holder, partition, number, v});
  }
}

void BlockProjection::write() {
  write_splits();
  write_dividends();
  write_actions();
  write_partitions();
  const auto number = static_cast<int64_t>(block_.header.number);
  for (const auto& [token, s] : securities_) {
    if (s.is_new) {
      db_.exec(
          "INSERT INTO securities (token, symbol, name, decimals, preset, created_block, issuer) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
          {s.token, s.symbol, s.name, s.decimals, s.preset, number, s.issuer});
    } else {
      db_.exec("UPDATE securities SET symbol = ?, name = ?, decimals = ? WHERE token = ?",
               {s.symbol, s.name, s.decimals, s.token});
    }
  }
  for (const MovementRow& m : movements_) {
    db_.exec(
        "INSERT INTO movements (block, log_index, tx_hash, security, kind, from_addr, to_addr, "
        "amount, reason, document, action) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {number, m.log_index, m.tx_hash, m.security, m.kind, m.from, m.to, encode_amount(m.amount),
         m.reason, m.document, m.action});
  }
  for (const FreezeRow& f : freezes_) {
    db_.exec(
        "INSERT INTO freeze_events (block, log_index, tx_hash, security, holder, kind, amount) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {number, f.log_index, f.tx_hash, f.security, f.holder, f.kind, encode_amount(f.amount)});
  }
  for (const auto& [key, h] : holdings_) {
    if (!h.changed) continue;
    db_.exec(
        "INSERT INTO balances (security, holder, balance, frozen_amount, frozen) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (security, holder) DO UPDATE SET "
        "balance = excluded.balance, frozen_amount = excluded.frozen_amount, "
        "frozen = excluded.frozen",
        {key.first, key.second, encode_amount(h.balance), encode_amount(h.frozen_amount),
         int64_t{h.frozen ? 1 : 0}});
    if (h.balance_changed) {
      db_.exec("INSERT INTO balance_history (security, holder, block, balance) VALUES (?, ?, ?, ?)",
               {key.first, key.second, number, encode_amount(h.balance)});
    }
  }
}

}  // namespace

Register::Register(Db& db) : db_(db) {
  migrate(db_);
  if (auto row = db_.query_one("SELECT next_block, last_hash FROM register_cursor WHERE id = 1")) {
    next_ = static_cast<uint64_t>(row->i64(0));
    last_hash_ = row->text(1);
  }
  for (const DbRow& r : db_.query("SELECT token FROM securities", {}))
    tokens_.insert(r.text(0));
  for (const DbRow& r : db_.query("SELECT distributor, security FROM dividend_distributors", {}))
    distributors_[r.text(0)] = r.text(1);
}

void Register::apply(const chain::Block& block) {
  const uint64_t n = block.header.number;
  if (n != next_) {
    throw RegisterError("the register expects block " + std::to_string(next_) + ", got " +
                        std::to_string(n));
  }
  if (n > 0 && hex0x(block.header.parent_hash.view()) != last_hash_) {
    throw RegisterError("block " + std::to_string(n) + " does not follow the register's block " +
                        std::to_string(n - 1) + " " + last_hash_ + " (another chain?)");
  }
  BlockProjection p(db_, block, tokens_, distributors_);
  p.decode();
  const std::string hash = hex0x(block.hash.view());
  DbTransaction tx(db_);
  db_.exec("INSERT INTO register_blocks (number, hash, timestamp) VALUES (?, ?, ?)",
           {static_cast<int64_t>(n), hash, static_cast<int64_t>(block.header.timestamp)});
  p.write();
  db_.exec(
      "INSERT INTO register_cursor (id, next_block, last_hash) VALUES (1, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET next_block = excluded.next_block, "
      "last_hash = excluded.last_hash",
      {static_cast<int64_t>(n + 1), hash});
  tx.commit();
  next_ = n + 1;
  last_hash_ = hash;
  for (const std::string& t : p.new_tokens())
    tokens_.insert(t);
  for (const DistributorRow& d : p.new_distributors())
    distributors_[d.distributor] = d.security;
}

void Register::reset() {
  DbTransaction tx(db_);
  for (const char* t :
       {"register_cursor", "register_blocks", "securities", "movements", "balances",
        "balance_history", "freeze_events", "payment_tokens", "dividend_distributors",
        "dividend_rounds", "dividend_payments", "corporate_actions", "partition_balances",
        "partition_history", "splits", "split_positions"}) {
    db_.exec(std::string("DELETE FROM ") + t);
  }
  tx.commit();
  next_ = 0;
  last_hash_.clear();
  tokens_.clear();
  distributors_.clear();
}

}  // namespace stoa::ta
