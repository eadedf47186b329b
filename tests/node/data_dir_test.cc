// The data directory at the node level: genesis.json is written as durably as the journal
// (power loss simulated with store::MemEnv), is never rewritten once the directory holds
// blocks, and a directory the node cannot write is reported as such, not as damage.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "node/test_util.h"
#include "stoa/node/node.h"
#include "stoa/store/env.h"

namespace stoa::node {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// The error a start of the node gives ("" if it starts).
std::string start_error(const NodeOptions& o) {
  try {
    Node n(o);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DataDirTest, GenesisFileIsLostInAPowerCutAfterTheFirstStart) {
  // Defect: genesis.json was written without fsync (of the file or its directory): a power cut
  // in the first seconds left it empty or absent, and the node never started again.
  store::MemEnv env;
  NodeOptions o;
  o.data_dir = "/stoa/data";
  o.dev = true;
  o.env = &env;
  const GenesisFile g = load_or_create_genesis(o, 1234);
  env.crash();
  const auto again = read_genesis_file(o.data_dir, &env);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->timestamp, 1234u);
  EXPECT_EQ(again->chain_id, g.chain_id);
  EXPECT_EQ(again->operator_account, g.operator_account);
  // A node that sealed blocks, then lost power: it starts again with all of them.
  store::MemEnv env2;
  o.env = &env2;
  uint64_t mined = 0;
  Bytes32 head;
  {
    Node n(o);
    n.ledger().mine();
    mined = n.ledger().mine();
    head = n.ledger().chain().head().hash;
  }
  env2.crash();
  Node n(o);
  EXPECT_EQ(n.recovery().head, mined);
  EXPECT_EQ(n.ledger().chain().head().hash, head);
}

TEST(DataDirTest, MissingGenesisFileIsRewrittenWithANewTimestamp) {
  // Defect: with genesis.json gone but the journal there, the node wrote a new genesis.json
  // (a new timestamp, so a new genesis hash) and then failed with "hash chain broken at
  // block 1". It must refuse, change nothing, and say how to restore the file.
  NodeOptions o;
  o.data_dir = testing::temp_dir("stoa-data-dir-test");
  o.dev = true;
  o.port = 0;
  {
    Node n(o);
    n.ledger().mine();
  }
  const std::string path = o.data_dir + "/genesis.json";
  const std::string original = read_text(path);
  const GenesisFile g = *read_genesis_file(o.data_dir);
  fs::remove(path);
  std::string err = start_error(o);
  EXPECT_TRUE(contains(err, path + " does not exist")) << err;
  EXPECT_TRUE(contains(err, "Restore genesis.json from a backup")) << err;
  EXPECT_TRUE(contains(err, "\"timestamp\":" + std::to_string(g.timestamp))) << err;
  EXPECT_FALSE(contains(err, "hash chain broken")) << err;
  EXPECT_FALSE(fs::exists(path));  // never written
  // `stoa verify` reads it the same way (read_genesis_file refuses too).
  EXPECT_THROW(read_genesis_file(o.data_dir), std::runtime_error);
  // Empty (as a power cut left it under the old code) or corrupt: refused, left as it is.
  for (const std::string& bad : {std::string(), std::string("{\"chainId\": 13")}) {
    std::ofstream(path) << bad;
    err = start_error(o);
    EXPECT_TRUE(contains(err, bad.empty() ? "is empty" : "is damaged")) << err;
    EXPECT_TRUE(contains(err, "Restore genesis.json")) << err;
    EXPECT_EQ(read_text(path), bad);
  }
  // Restored from a backup: the node starts with its block.
  std::ofstream(path) << original;
  {
    Node n(o);
    EXPECT_EQ(n.recovery().head, 1u);
  }
  fs::remove_all(o.data_dir);
}

TEST(DataDirTest, ReadOnlyDataDirectoryIsReportedAsADamagedJournal) {
  // Defect: a read-only (or not writable) data directory was reported as "the journal in DIR is
  // damaged". Root ignores file modes, so the read-only filesystem is MemEnv's.
  store::MemEnv env;
  NodeOptions o;
  o.data_dir = "/ro";
  o.dev = true;
  o.env = &env;
  {
    Node n(o);
    n.ledger().mine();
  }
  for (const char* why : {"Read-only file system", "Permission denied"}) {
    env.set_read_only(why);
    const std::string err = start_error(o);
    EXPECT_TRUE(contains(err, "cannot write /ro/")) << err;
    EXPECT_TRUE(contains(err, why)) << err;
    EXPECT_TRUE(contains(err, "read-only filesystem")) << err;
    EXPECT_FALSE(contains(err, "damaged")) << err;
  }
  // A first start in a read-only place fails on genesis.json the same way.
  store::MemEnv empty;
  empty.set_read_only("Read-only file system");
  o.env = &empty;
  const std::string err = start_error(o);
  EXPECT_TRUE(contains(err, "cannot write /ro/genesis.json")) << err;
}

}  // namespace
}  // namespace stoa::node
