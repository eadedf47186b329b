// The secondary register's projection (include/stoa/ta/register.h).
#include "stoa/ta/register.h"

#include <map>
#include <optional>
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
};

struct FreezeRow {
  int64_t log_index = 0;
  std::string tx_hash, security, holder, kind;
  U256 amount;
};

struct SecurityRow {
  std::string token, symbol, name, issuer;
  int64_t decimals = 0, preset = 0;
  bool is_new = false;
};

// The work of one block: decode its logs, then write the rows.
class BlockProjection {
 public:
  BlockProjection(Db& db, const chain::Block& b, const std::set<std::string>& known)
      : db_(db), block_(b), known_(known) {}

  void decode() {
    int64_t index = 0;  // log index: position in the block, across receipts
    for (size_t r = 0; r < block_.receipts.size(); ++r) {
      const chain::Receipt& rc = block_.receipts[r];
      for (const core::Log& log : rc.logs) {
        if (rc.success && !log.topics.empty()) on_log(log, r, index);
        ++index;
      }
    }
  }
  void write();
  std::vector<std::string> new_tokens() const {
    std::vector<std::string> out;
    for (const auto& [t, s] : securities_) {
      if (s.is_new) out.push_back(t);
    }
    return out;
  }

 private:
  bool known(const std::string& token) const {
    return known_.contains(token) || securities_.contains(token);
  }
  Holding& holding(const std::string& security, const std::string& holder);
  void on_log(const core::Log& log, size_t receipt, int64_t index);
  void on_transfer(const core::Log& log, size_t receipt, int64_t index);
  void on_freeze(const core::Log& log, size_t receipt, int64_t index);
  void mark_last(size_t receipt, const std::string& from, const std::string& to,
                 std::optional<U256> amount, const std::string& kind, const std::string& reason,
                 const std::string& document);
  void on_created(const core::Log& log, size_t receipt);
  void on_updated(const core::Log& log);
  std::string tx_hash(size_t receipt) const {
    return hex0x(block_.receipts[receipt].transaction_hash.view());
  }

  Db& db_;
  const chain::Block& block_;
  const std::set<std::string>& known_;
  std::map<std::pair<std::string, std::string>, Holding> holdings_;
  std::vector<MovementRow> movements_;
  std::vector<FreezeRow> freezes_;
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
  }
  return holdings_.emplace(std::move(key), h).first->second;
}

void BlockProjection::on_log(const core::Log& log, size_t receipt, int64_t index) {
  const Topics& t = topics();
  const Bytes32& t0 = log.topics[0];
  if (log.address == core::factory_address()) {
    if (t0 == t.created) on_created(log, receipt);
    return;
  }
  const std::string token = log.address.lower_hex();
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
              vals[1].str(), hex0x(vals[2].bytes()));
  } else if (t0 == t.recovery) {
    mark_last(receipt, topic_address(log, 1), topic_address(log, 2), std::nullopt, "recovery", "",
              "");
  } else if (t0 == t.updated) {
    on_updated(log);
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
      {index, receipt, tx_hash(receipt), security, kind, from, to, amount, "", ""});
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

// The movement a ForcedTransfer or RecoverySuccess explains: the last one of its receipt between
// the same wallets (and of the same amount, when the event names it).
void BlockProjection::mark_last(size_t receipt, const std::string& from, const std::string& to,
                                std::optional<U256> amount, const std::string& kind,
                                const std::string& reason, const std::string& document) {
  for (auto it = movements_.rbegin(); it != movements_.rend() && it->receipt == receipt; ++it) {
    if (it->from == from && it->to == to && (!amount || it->amount == *amount) &&
        it->kind == "transfer") {
      it->kind = kind;
      it->reason = reason;
      it->document = document;
      return;
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

void BlockProjection::write() {
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
        "amount, reason, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {number, m.log_index, m.tx_hash, m.security, m.kind, m.from, m.to, encode_amount(m.amount),
         m.reason, m.document});
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
  BlockProjection p(db_, block, tokens_);
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
}

void Register::reset() {
  DbTransaction tx(db_);
  for (const char* t : {"register_cursor", "register_blocks", "securities", "movements", "balances",
                        "balance_history", "freeze_events"}) {
    db_.exec(std::string("DELETE FROM ") + t);
  }
  tx.commit();
  next_ = 0;
  last_hash_.clear();
  tokens_.clear();
}

}  // namespace stoa::ta
