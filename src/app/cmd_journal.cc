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
  cfg.rules = g->rules;  // as recorded: verify changes nothing, blocks replay under their own
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

// --expect-head N, 0xHASH or N:0xHASH.
store::HeadExpectation parse_expect_head(const std::string& s) {
  store::HeadExpectation e;
  const size_t colon = s.find(':');
  std::string num = s;
  std::string hash;
  if (colon != std::string::npos) {
    num = s.substr(0, colon);
    hash = s.substr(colon + 1);
  } else if (s.rfind("0x", 0) == 0 || s.size() == 64) {
    num.clear();
    hash = s;
  }
  if (!num.empty()) e.number = cli::parse_u64_arg(num, "--expect-head");
  if (!hash.empty() || colon != std::string::npos) {
    e.hash = Bytes32::from_hex(hash);
    if (!e.hash) throw cli::UsageError("--expect-head: expected N, 0xHASH or N:0xHASH, got " + s);
  }
  return e;
}

}  // namespace

int cmd_verify(const Args& args) {
  constexpr const char* kUsage =
      "usage: stoa verify --data DIR [--expect-head N|0xHASH|N:0xHASH]\n"
      "  --expect-head  the journal must hold this block (a head recorded earlier, e.g. the\n"
      "                 block of the last acknowledged transaction); a shorter journal fails\n";
  std::string dir;
  store::HeadExpectation expect;
  try {
    const cli::ParsedArgs a = cli::parse_args(args, {{"--data", "--expect-head"}, {"--help"}});
    if (a.flag("--help")) {
      std::printf("%s", kUsage);
      return 0;
    }
    if (!a.positional.empty()) throw cli::UsageError("unexpected argument " + a.positional[0]);
    dir = a.get_or("--data", "./stoa-data");
    if (auto h = a.get("--expect-head")) expect = parse_expect_head(*h);
  } catch (const cli::UsageError& e) {
    std::fprintf(stderr, "stoa verify: %s\n%s", e.what(), kUsage);
    return 2;
  }
  const chain::ChainConfig cfg = config_of(dir);
  const store::VerifyReport v = store::verify_data_dir(store::posix_env(), dir, cfg, expect);
  std::printf("data directory: %s (chain id %llu)\n", dir.c_str(),
              static_cast<unsigned long long>(cfg.genesis.chain_id));
  std::printf("journal: %llu segments, %llu bytes\n", static_cast<unsigned long long>(v.segments),
              static_cast<unsigned long long>(v.bytes));
  if (v.recorded_head) {
    std::printf("head file: block %llu %s\n",
                static_cast<unsigned long long>(v.recorded_head->number),
                hex0x(v.recorded_head->hash.view()).c_str());
  }
  for (const std::string& n : v.notes)
    std::printf("note: %s\n", n.c_str());
  if (!v.ok) {
    std::printf("FAILED: %s\n", v.problem.c_str());
    return 1;
  }
  std::printf(
      "checked: %llu blocks, %llu transactions (checksums, hash links, signatures, state roots "
      "by full replay), %llu state images\n",
      static_cast<unsigned long long>(v.blocks), static_cast<unsigned long long>(v.transactions),
      static_cast<unsigned long long>(v.images_checked));
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
