// `stoa register check` and `rebuild` (include/stoa/ta/register_check.h).
#include "stoa/ta/register_check.h"

#include <map>
#include <stdexcept>

#include "stoa/common/keccak.h"
#include "stoa/core/factory.h"
#include "stoa/core/security_token.h"
#include "stoa/core/state.h"
#include "stoa/node/node.h"
#include "stoa/store/store.h"
#include "stoa/ta/amount.h"
#include "stoa/ta/register.h"

namespace stoa::ta {
namespace {

constexpr size_t kMaxProblems = 50;

struct RegisterHolding {
  U256 balance;
  U256 frozen_amount;
  bool frozen = false;
};

void problem(RegisterCheckReport& r, std::string p) {
  if (r.problems.size() < kMaxProblems) r.problems.push_back(std::move(p));
}

// Compares one security of the ledger's state with the register.
void check_security(Db& db, const core::SecurityToken& t, RegisterCheckReport& r) {
  const std::string token = t.address().lower_hex();
  const std::string name = t.config().symbol + " (" + t.address().checksum_hex() + ")";
  if (!db.query_one("SELECT token FROM securities WHERE token = ?", {token})) {
    problem(r, name + ": not in the register");
    return;
  }
  std::map<std::string, RegisterHolding> reg;
  for (const DbRow& row :
       db.query("SELECT holder, balance, frozen_amount, frozen FROM balances WHERE security = ?",
                {token})) {
    reg[row.text(0)] = {*decode_amount(row.text(1)), *decode_amount(row.text(2)), row.i64(3) != 0};
  }
  U256 sum(0);
  size_t holders = 0;
  for (const auto& [holder, h] : reg) {
    if (h.balance.is_zero()) continue;
    sum = *sum.checked_add(h.balance);
    ++holders;
  }
  if (sum != t.total_supply()) {
    problem(r, name + ": the register's balances sum to " + sum.to_dec() +
                   ", the total supply is " + t.total_supply().to_dec());
  }
  if (holders != t.holder_count()) {
    problem(r, name + ": the register has " + std::to_string(holders) + " holders, the ledger " +
                   std::to_string(t.holder_count()));
  }
  for (const auto& [addr, balance] : t.holders()) {
    if (balance.is_zero()) continue;
    ++r.holders;
    const auto it = reg.find(addr.lower_hex());
    const U256 have = it == reg.end() ? U256(0) : it->second.balance;
    if (have != balance) {
      problem(r, name + ": " + addr.checksum_hex() + " holds " + balance.to_dec() +
                     ", the register says " + have.to_dec());
    }
  }
  for (const auto& [holder, h] : reg) {
    const Address a = *Address::parse(holder);
    if (h.frozen_amount != t.frozen_tokens(a)) {
      problem(r, name + ": " + a.checksum_hex() + " has " + t.frozen_tokens(a).to_dec() +
                     " frozen, the register says " + h.frozen_amount.to_dec());
    }
    if (h.frozen != t.is_frozen(a)) {
      problem(r, name + ": " + a.checksum_hex() + " frozen flag differs");
    }
  }
}

}  // namespace

chain::ChainConfig data_dir_config(const std::string& data_dir) {
  const auto g = node::read_genesis_file(data_dir);
  if (!g) throw std::runtime_error(data_dir + "/genesis.json does not exist: not a data directory");
  chain::ChainConfig cfg;
  cfg.genesis.chain_id = g->chain_id;
  cfg.genesis.operator_account = g->operator_account;
  cfg.genesis_timestamp = g->timestamp;
  cfg.rules = g->rules;
  return cfg;
}

RegisterCheckReport check_register(Db& db, const std::string& data_dir) {
  RegisterCheckReport r;
  const chain::ChainConfig cfg = data_dir_config(data_dir);
  Register reg(db);
  if (reg.next_block() == 0) {
    r.problems.push_back("the register is empty");
    return r;
  }
  r.block = reg.next_block() - 1;
  chain::Chain chain(cfg);
  chain.keep_recent_only();  // replay only
  std::string replay_error;
  const Bytes32 transfer = keccak256(std::string_view("Transfer(address,address,uint256)"));
  std::map<Address, uint64_t> transfer_logs;  // by emitting contract, in successful receipts
  const std::string e =
      store::read_blocks(store::posix_env(), data_dir, cfg, [&](const chain::Block& b) {
        r.journal_head = b.header.number;
        if (b.header.number > r.block) return true;  // counted, not replayed
        for (const chain::Receipt& rc : b.receipts) {
          for (const core::Log& l : rc.logs) {
            if (rc.success && !l.topics.empty() && l.topics[0] == transfer)
              ++transfer_logs[l.address];
          }
        }
        replay_error = chain.replay_block(b);
        return replay_error.empty();
      });
  if (!e.empty() || !replay_error.empty()) {
    r.problems.push_back("the journal: " + (e.empty() ? replay_error : e));
    return r;
  }
  if (chain.height() != r.block) {
    r.problems.push_back("the register is at block " + std::to_string(r.block) +
                         ", the journal ends at " + std::to_string(chain.height()));
    return r;
  }
  r.block_hash = "0x" + to_hex(chain.head().hash.view());
  if (r.block_hash != reg.last_hash()) {
    problem(r, "block " + std::to_string(r.block) + " is " + r.block_hash + " in the journal, " +
                   reg.last_hash() + " in the register");
  }
  if (r.journal_head > r.block) {
    r.notes.push_back("the register is " + std::to_string(r.journal_head - r.block) +
                      " blocks behind the journal (checked at its own block)");
  }
  const core::State& state = chain.state();
  uint64_t transfers = 0;
  for (const core::SecuritySet& s : state.factory().securities()) {
    const auto* t = state.contract_as<core::SecurityToken>(s.token);
    if (t == nullptr) continue;
    ++r.securities;
    transfers += transfer_logs[s.token];
    check_security(db, *t, r);
  }
  // Every Transfer event once: none lost, none projected twice.
  const auto movements = db.query_one("SELECT COUNT(*) FROM movements");
  r.movements = static_cast<uint64_t>(movements->i64(0));
  if (r.movements != transfers) {
    problem(r, "the register has " + std::to_string(r.movements) + " movements, the journal " +
                   std::to_string(transfers) + " Transfer events");
  }
  const auto count = db.query_one("SELECT COUNT(*) FROM securities");
  if (count && static_cast<size_t>(count->i64(0)) != r.securities) {
    problem(r, "the register knows " + std::to_string(count->i64(0)) + " securities, the ledger " +
                   std::to_string(r.securities));
  }
  r.ok = r.problems.empty();
  return r;
}

uint64_t rebuild_register(Db& db, const std::string& data_dir,
                          const std::function<void(uint64_t)>& progress) {
  const chain::ChainConfig cfg = data_dir_config(data_dir);
  Register reg(db);
  db.relax_commit_durability();  // a rebuild interrupted by a power cut is run again
  reg.reset();
  chain::Chain genesis(cfg);
  reg.apply(genesis.head());
  uint64_t n = 1;
  const std::string e =
      store::read_blocks(store::posix_env(), data_dir, cfg, [&](const chain::Block& b) {
        reg.apply(b);
        ++n;
        if (progress) progress(b.header.number);
        return true;
      });
  if (!e.empty()) throw std::runtime_error("the journal: " + e);
  return n;
}

}  // namespace stoa::ta
