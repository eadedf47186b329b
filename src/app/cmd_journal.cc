// `stoa verify` and `stoa export-blocks`: the auditor's view of a data directory (src/store).
// Neither changes anything in the directory; both work while the node is stopped or running
// (a record being written at that moment reads as a torn tail and is left out).
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "stoa/cli/args.h"
#include "stoa/node/node.h"
#include "stoa/store/store.h"

namespace stoa::app {
namespace {

using json = nlohmann::json;

chain::ChainConfig config_of(const std::string& dir) {
  const auto g = node::read_genesis_file(dir);
  if (!g) throw std::runtime_error(dir + "/genesis.json does not exist: not a data directory");
  chain::ChainConfig cfg;
  cfg.genesis.chain_id = g->chain_id;
  cfg.genesis.operator_account = g->operator_account;
  cfg.genesis_timestamp = g->timestamp;
  cfg.metering_from_block = g->metering_from_block;
  return cfg;
}

std::string hex0x(BytesView b) {
  return "0x" + to_hex(b);
}

json block_json(const chain::Block& b) {
  const chain::BlockHeader& h = b.header;
  json txs = json::array();
  for (const chain::SignedTransaction& t : b.transactions) {
    txs.push_back({{"hash", hex0x(t.hash.view())},
                   {"from", t.sender.checksum_hex()},
                   {"to", t.tx.to ? json(t.tx.to->checksum_hex()) : json()},
                   {"nonce", t.tx.nonce},
                   {"input", hex0x(t.tx.data)},
                   {"raw", hex0x(t.raw)}});
  }
  json receipts = json::array();
  for (const chain::Receipt& r : b.receipts) {
    json logs = json::array();
    for (const core::Log& l : r.logs) {
      json topics = json::array();
      for (const Bytes32& t : l.topics)
        topics.push_back(hex0x(t.view()));
      logs.push_back(
          {{"address", l.address.checksum_hex()}, {"topics", topics}, {"data", hex0x(l.data)}});
    }
    json rj = {{"transactionHash", hex0x(r.transaction_hash.view())},
               {"status", r.success ? 1 : 0},
               {"gasUsed", r.gas_used},
               {"logs", logs}};
    if (!r.success) rj["revertData"] = hex0x(r.revert_data);
    receipts.push_back(rj);
  }
  return {{"number", h.number},
          {"hash", hex0x(b.hash.view())},
          {"parentHash", hex0x(h.parent_hash.view())},
          {"timestamp", h.timestamp},
          {"stateRoot", hex0x(h.state_root.view())},
          {"transactionsRoot", hex0x(h.transactions_root.view())},
          {"receiptsRoot", hex0x(h.receipts_root.view())},
          {"transactions", txs},
          {"receipts", receipts}};
}

}  // namespace

int cmd_verify(const Args& args) {
  std::string dir;
  try {
    const cli::ParsedArgs a = cli::parse_args(args, {{"--data"}, {"--help"}});
    if (a.flag("--help")) {
      std::printf("usage: stoa verify --data DIR\n");
      return 0;
    }
    if (!a.positional.empty()) throw cli::UsageError("unexpected argument " + a.positional[0]);
    dir = a.get_or("--data", "./stoa-data");
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa verify: %s\nusage: stoa verify --data DIR\n", e.what());
    return 2;
  }
  const chain::ChainConfig cfg = config_of(dir);
  const store::VerifyReport v = store::verify_data_dir(store::posix_env(), dir, cfg);
  std::printf("data directory: %s (chain id %llu)\n", dir.c_str(),
              static_cast<unsigned long long>(cfg.genesis.chain_id));
  std::printf("journal: %llu segments, %llu bytes\n", static_cast<unsigned long long>(v.segments),
              static_cast<unsigned long long>(v.bytes));
  for (const std::string& n : v.notes)
    std::printf("note: %s\n", n.c_str());
  if (!v.ok) {
    std::printf("FAILED: %s\n", v.problem.c_str());
    return 1;
  }
  std::printf(
      "checked: %llu blocks, %llu transactions (checksums, hash links, signatures, state roots "
      "by full replay), %llu snapshots\n",
      static_cast<unsigned long long>(v.blocks), static_cast<unsigned long long>(v.transactions),
      static_cast<unsigned long long>(v.snapshots_checked));
  std::printf("head: block %llu %s\nstate root: %s\nstate content digest: %s\nOK\n",
              static_cast<unsigned long long>(v.blocks), hex0x(v.head_hash.view()).c_str(),
              hex0x(v.state_root.view()).c_str(), hex0x(v.state_digest.view()).c_str());
  return 0;
}

int cmd_export_blocks(const Args& args) {
  std::string dir;
  uint64_t from = 0;
  uint64_t to = UINT64_MAX;
  constexpr const char* kUsage = "usage: stoa export-blocks --data DIR [--from N] [--to M]\n";
  try {
    const cli::ParsedArgs a = cli::parse_args(args, {{"--data", "--from", "--to"}, {"--help"}});
    if (a.flag("--help")) {
      std::printf("%s", kUsage);
      return 0;
    }
    if (!a.positional.empty()) throw cli::UsageError("unexpected argument " + a.positional[0]);
    dir = a.get_or("--data", "./stoa-data");
    from = a.get_u64("--from").value_or(0);
    to = a.get_u64("--to").value_or(UINT64_MAX);
    if (from > to) throw cli::UsageError("--from is after --to");
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa export-blocks: %s\n%s", e.what(), kUsage);
    return 2;
  }
  const chain::ChainConfig cfg = config_of(dir);
  if (from == 0) {
    chain::Chain genesis(cfg);
    std::printf("%s\n", block_json(genesis.head()).dump().c_str());
  }
  const std::string e =
      store::read_blocks(store::posix_env(), dir, cfg, [&](const chain::Block& b) {
        if (b.header.number > to) return false;
        if (b.header.number >= from) std::printf("%s\n", block_json(b).dump().c_str());
        return true;
      });
  std::fflush(stdout);
  if (!e.empty()) {
    std::fprintf(stderr, "stoa export-blocks: %s\n", e.c_str());
    return 1;
  }
  return 0;
}

}  // namespace stoa::app
