// The journal and recovery on the in-memory, fault-injecting Env: round trips, segment
// rollover, the torn tail, corruption in the middle, a missing segment, state images (and corrupt
// ones), disk full and failing fsync — each ending in the behaviour docs/journal-format.md
// documents, and never losing a block whose append returned ok (= acknowledged).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "chain/chain_test_util.h"
#include "stoa/core/bytes_sink.h"
#include "stoa/core/factory.h"
#include "stoa/core/security_token.h"
#include "stoa/store/block_codec.h"
#include "stoa/store/crc32c.h"
#include "stoa/store/store.h"

namespace stoa::store {
namespace {

using chain::testing::dev_key;
using chain::testing::kChainId;
using chain::testing::signed_call;

constexpr uint64_t kGenesisTime = 1767225600;
const std::string kDir = "/data";

chain::ChainConfig config() {
  chain::ChainConfig c;
  c.genesis = core::GenesisConfig{kChainId, dev_key(0).address(), false};
  c.genesis_timestamp = kGenesisTime;
  return c;
}

abi::Value b2(const char* j) {
  return abi::Value(Bytes{static_cast<uint8_t>(j[0]), static_cast<uint8_t>(j[1])});
}

// Signed transactions for block n (1-based) of a deterministic workload: a security, onboarding,
// issuance, then transfers back and forth (some refused: alice sends more than she has).
class Workload {
 public:
  std::vector<chain::SignedTransaction> block(uint64_t n) {
    const Address token = create_address(core::factory_address(), 0);
    const Address registry = create_address(core::factory_address(), 1);
    std::vector<chain::SignedTransaction> txs;
    if (n == 1) {
      txs.push_back(
          signed_call(op_, op_nonce_++, core::factory_address(),
                      "createSecurity(string,string,uint8,uint8,address,address)",
                      {"ACME Inc.", "ACME", 0, 5, issuer_.address(), officer_.address()}));
    } else if (n == 2) {
      txs.push_back(signed_call(officer_, officer_nonce_++, registry,
                                "onboard(address,bytes2,uint8,uint256)",
                                {alice_.address(), b2("US"), 1, 0}));
      txs.push_back(signed_call(officer_, officer_nonce_++, registry,
                                "onboard(address,bytes2,uint8,uint256)",
                                {bob_.address(), b2("US"), 1, 0}));
      txs.push_back(signed_call(issuer_, issuer_nonce_++, token, "mint(address,uint256)",
                                {alice_.address(), 1000000}));
    } else {
      txs.push_back(signed_call(alice_, alice_nonce_++, token, "transfer(address,uint256)",
                                {bob_.address(), n}));
      if (n % 3 == 0) {
        txs.push_back(signed_call(bob_, bob_nonce_++, token, "transfer(address,uint256)",
                                  {alice_.address(), 1}));
      }
      if (n % 5 == 0) {  // refused: more than alice holds
        txs.push_back(signed_call(alice_, alice_nonce_++, token, "transfer(address,uint256)",
                                  {bob_.address(), 999999999}));
      }
    }
    return txs;
  }

 private:
  crypto::PrivateKey op_ = dev_key(0), issuer_ = dev_key(1), officer_ = dev_key(2),
                     alice_ = dev_key(3), bob_ = dev_key(4);
  uint64_t op_nonce_ = 0, issuer_nonce_ = 0, officer_nonce_ = 0, alice_nonce_ = 0, bob_nonce_ = 0;
};

struct Opened {
  std::string error;
  std::unique_ptr<Store> store;
  std::unique_ptr<chain::Chain> chain;
  RecoveryReport report;
};

Opened open(Env* env, StoreOptions o = {}) {
  Opened r;
  r.error = Store::open(env, kDir, config(), o, &r.store, &r.chain, &r.report);
  return r;
}

// Seals `count` blocks of the workload on an opened store; returns the block hashes.
std::vector<Bytes32> seal(Opened& o, Workload& w, uint64_t count) {
  std::vector<Bytes32> hashes;
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t n = o.chain->height() + 1;
    const chain::Block& b = o.chain->seal_block(w.block(n), kGenesisTime + n);
    EXPECT_TRUE(o.store->on_sealed(b, o.chain->state()).ok());
    hashes.push_back(b.hash);
  }
  return hashes;
}

std::vector<std::string> segments(MemEnv& env) {
  std::vector<std::string> names;
  env.list(journal_dir(kDir), &names);
  std::sort(names.begin(), names.end());
  return names;
}

std::string seg_path(const std::string& name) {
  return join_path(journal_dir(kDir), name);
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(Crc32cTest, CheckValue) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32c("", 0), 0u);
  // Extending in pieces equals one pass.
  const std::string s = "the quick brown fox jumps over the lazy dog, twice over";
  EXPECT_EQ(crc32c_extend(crc32c(s.data(), 10), s.data() + 10, s.size() - 10),
            crc32c(s.data(), s.size()));
}

TEST(BlockCodecTest, RoundTripKeepsEveryField) {
  chain::Chain c(config());
  Workload w;
  for (uint64_t n = 1; n <= 5; ++n)
    c.seal_block(w.block(n), kGenesisTime + n);
  for (uint64_t n = 1; n <= 5; ++n) {
    const chain::Block& b = *c.block_by_number(n);
    Bytes payload;
    encode_block(b, payload);
    for (bool recover : {false, true}) {
      chain::Block d;
      ASSERT_EQ(decode_block(payload, kChainId, recover, &d), "");
      EXPECT_EQ(d.hash, b.hash);
      ASSERT_EQ(d.transactions.size(), b.transactions.size());
      for (size_t i = 0; i < d.transactions.size(); ++i) {
        EXPECT_EQ(d.transactions[i].raw, b.transactions[i].raw);
        EXPECT_EQ(d.transactions[i].sender, b.transactions[i].sender);
        EXPECT_EQ(d.transactions[i].hash, b.transactions[i].hash);
        EXPECT_EQ(chain::encode_receipt(d.receipts[i]), chain::encode_receipt(b.receipts[i]));
        EXPECT_EQ(d.receipts[i].revert_data, b.receipts[i].revert_data);
      }
    }
    // A wrong stored sender is caught when signatures are checked.
    Bytes bad = payload;
    if (!b.transactions.empty()) {
      const size_t sender_at =
          1 + 32 * 5 + 20 + 256 + 8 * 4 + 4 + b.header.extra_data.size() + 32 + 4;
      bad[sender_at] ^= 1;
      chain::Block d;
      EXPECT_TRUE(contains(decode_block(bad, kChainId, true, &d), "sender")) << n;
    }
  }
}

TEST(JournalTest, EmptyDirectoryGivesGenesisAndBlocksSurviveReopen) {
  MemEnv env;
  Workload w;
  std::vector<Bytes32> hashes;
  Bytes32 digest;
  {
    Opened o = open(&env);
    ASSERT_EQ(o.error, "");
    EXPECT_EQ(o.chain->height(), 0u);
    hashes = seal(o, w, 12);
    digest = o.chain->state().digest();
  }
  env.crash();  // everything acknowledged was synced: nothing may be lost
  Opened o = open(&env);
  ASSERT_EQ(o.error, "");
  EXPECT_TRUE(o.report.warnings.empty());
  ASSERT_EQ(o.chain->height(), 12u);
  EXPECT_EQ(o.report.replayed_blocks, 12u);
  for (uint64_t n = 1; n <= 12; ++n)
    EXPECT_EQ(o.chain->block_by_number(n)->hash, hashes[n - 1]);
  EXPECT_EQ(o.chain->state().digest(), digest);
  // And the journal continues where it stopped.
  seal(o, w, 3);
  Opened again = open(&env);
  ASSERT_EQ(again.error, "");
  EXPECT_EQ(again.chain->height(), 15u);
}

TEST(JournalTest, EveryAppendIsSyncedAndNewSegmentsSyncTheirDirectory) {
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.segment_bytes = 1500;  // a few records per segment
  Opened o = open(&env, so);
  ASSERT_EQ(o.error, "");
  const uint64_t before = env.syncs();
  seal(o, w, 20);
  EXPECT_GE(env.syncs() - before, 20u);
  const auto segs = segments(env);
  EXPECT_GE(segs.size(), 3u);
  EXPECT_EQ(segs[0], segment_name(1));
  // A crash right after: every segment's directory entry survives (MemEnv drops unsynced ones).
  env.crash();
  EXPECT_EQ(segments(env), segs);
  Opened r = open(&env, so);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.chain->height(), 20u);
}

TEST(RecoveryTest, TornTailIsTruncatedAndReported) {
  MemEnv env;
  Workload w;
  Bytes32 digest_at_9;
  Bytes head_at_9;
  {
    Opened o = open(&env);
    seal(o, w, 9);
    digest_at_9 = o.chain->state().digest();
    head_at_9 = *env.contents(head_path(kDir));
    seal(o, w, 1);
  }
  // Cut the last record (block 10) in the middle, as a crash mid-write leaves it: before its
  // fsync returned, so before the head file recorded it.
  *env.contents(head_path(kDir)) = head_at_9;
  const auto segs = segments(env);
  Bytes* data = env.contents(seg_path(segs.back()));
  ASSERT_NE(data, nullptr);
  data->resize(data->size() - 40);
  Opened o = open(&env);
  ASSERT_EQ(o.error, "");
  ASSERT_EQ(o.report.warnings.size(), 1u);
  EXPECT_TRUE(contains(o.report.warnings[0], "the last record is damaged")) << o.report.warnings[0];
  EXPECT_TRUE(contains(o.report.warnings[0], "and was truncated; blocks after 9"))
      << o.report.warnings[0];
  EXPECT_TRUE(contains(o.report.warnings[0], "records block 9, so the damaged block was never"))
      << o.report.warnings[0];
  EXPECT_EQ(o.chain->height(), 9u);
  EXPECT_EQ(o.chain->state().digest(), digest_at_9);
  // Zeros at the end (a preallocated tail) are a torn tail too; the file was repaired already.
  env.contents(seg_path(segs.back()))->resize(env.contents(seg_path(segs.back()))->size() + 100, 0);
  Opened z = open(&env);
  ASSERT_EQ(z.error, "");
  EXPECT_EQ(z.chain->height(), 9u);
  // The next block goes where the torn one was; a reopen sees a clean journal.
  Workload w2;
  for (uint64_t n = 1; n <= 9; ++n)
    w2.block(n);  // advance the nonces
  seal(z, w2, 1);
  Opened r = open(&env);
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.report.warnings.empty());
  EXPECT_EQ(r.chain->height(), 10u);
}

TEST(RecoveryTest, FlippedBitInTheMiddleStopsWithItsLocation) {
  MemEnv env;
  Workload w;
  {
    Opened o = open(&env);
    seal(o, w, 8);
  }
  const auto segs = segments(env);
  ASSERT_EQ(segs.size(), 1u);
  Bytes* data = env.contents(seg_path(segs[0]));
  // Find block 3's record: walk the records from the header.
  size_t off = kSegmentHeaderBytes;
  for (int i = 0; i < 2; ++i) {
    const uint32_t len = (uint32_t{(*data)[off + 4]} << 24) | (uint32_t{(*data)[off + 5]} << 16) |
                         (uint32_t{(*data)[off + 6]} << 8) | (*data)[off + 7];
    off += kRecordHeaderBytes + len;
  }
  const size_t block3 = off;
  (*data)[block3 + kRecordHeaderBytes + 50] ^= 0x10;  // one bit of its payload
  Opened o = open(&env);
  EXPECT_TRUE(contains(o.error, "segment " + segs[0])) << o.error;
  EXPECT_TRUE(contains(o.error, "offset " + std::to_string(block3))) << o.error;
  EXPECT_TRUE(contains(o.error, "block 3")) << o.error;
  EXPECT_TRUE(contains(o.error, "checksum")) << o.error;
  EXPECT_EQ(o.chain, nullptr);  // nothing to serve
  // verify reports the same problem and fails.
  const VerifyReport v = verify_data_dir(&env, kDir, config());
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(contains(v.problem, "block 3")) << v.problem;
  // Nothing was truncated: the damage is still there for an operator to look at.
  EXPECT_EQ((*env.contents(seg_path(segs[0])))[block3 + kRecordHeaderBytes + 50] & 0x10,
            ((*data)[block3 + kRecordHeaderBytes + 50] & 0x10));
}

TEST(RecoveryTest, BrokenHashChainWithAValidChecksumIsFound) {
  // A record rewritten with a correct checksum but another predecessor (a spliced journal).
  MemEnv env;
  Workload w;
  {
    Opened o = open(&env);
    seal(o, w, 4);
  }
  const auto segs = segments(env);
  Bytes* data = env.contents(seg_path(segs[0]));
  size_t off = kSegmentHeaderBytes;
  const uint32_t len = (uint32_t{(*data)[off + 4]} << 24) | (uint32_t{(*data)[off + 5]} << 16) |
                       (uint32_t{(*data)[off + 6]} << 8) | (*data)[off + 7];
  off += kRecordHeaderBytes + len;  // block 2
  (*data)[off + 16] ^= 1;           // its predecessor hash
  uint32_t crc = crc32c(data->data() + off, 80);
  const uint32_t len2 = (uint32_t{(*data)[off + 4]} << 24) | (uint32_t{(*data)[off + 5]} << 16) |
                        (uint32_t{(*data)[off + 6]} << 8) | (*data)[off + 7];
  crc = crc32c_extend(crc, data->data() + off + kRecordHeaderBytes, len2);
  for (int i = 0; i < 4; ++i)
    (*data)[off + 80 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
  Opened o = open(&env);
  EXPECT_TRUE(contains(o.error, "hash chain broken")) << o.error;
  EXPECT_TRUE(contains(o.error, "block 2")) << o.error;
}

TEST(RecoveryTest, MissingSegmentStopsTheNode) {
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.segment_bytes = 1500;
  so.image_every = 0;
  {
    Opened o = open(&env, so);
    seal(o, w, 20);
  }
  const auto segs = segments(env);
  ASSERT_GE(segs.size(), 3u);
  env.remove(seg_path(segs[1]));
  Opened o = open(&env, so);
  EXPECT_TRUE(contains(o.error, "a segment is missing")) << o.error;
  EXPECT_TRUE(contains(o.error, segs[2])) << o.error;
  EXPECT_FALSE(verify_data_dir(&env, kDir, config()).ok);
}

TEST(RecoveryTest, MissingLastSegmentIsFoundThroughTheImage) {
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.segment_bytes = 1500;
  so.image_every = 20;  // in the last segment: its loss leaves a state image beyond the journal
  {
    Opened o = open(&env, so);
    seal(o, w, 20);
  }
  const auto segs = segments(env);
  ASSERT_GE(segs.size(), 2u);
  env.remove(seg_path(segs.back()));
  Opened o = open(&env, so);
  EXPECT_TRUE(contains(o.error, "records block 20")) << o.error;  // the head file's check
  // Without the head file (a directory from before it), the state image still shows the gap.
  env.remove(head_path(kDir));
  o = open(&env, so);
  EXPECT_TRUE(contains(o.error, "journal segments are missing")) << o.error;
}

TEST(StateImageTest, StartUpLoadsTheNewestAndReplaysTheRest) {
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.image_every = 5;
  Bytes32 digest;
  Bytes32 head;
  {
    Opened o = open(&env, so);
    seal(o, w, 13);
    EXPECT_EQ(o.store->images_written(), 2u);
    digest = o.chain->state().digest();
    head = o.chain->head().hash;
  }
  std::vector<std::string> snaps;
  list_state_images(&env, kDir, &snaps);
  ASSERT_EQ(snaps.size(), 2u);
  EXPECT_EQ(snaps[0], state_image_name(10));
  env.crash();
  Opened o = open(&env, so);
  ASSERT_EQ(o.error, "");
  ASSERT_TRUE(o.report.image_block.has_value());
  EXPECT_EQ(*o.report.image_block, 10u);
  EXPECT_EQ(o.report.loaded_blocks, 10u);
  EXPECT_EQ(o.report.replayed_blocks, 3u);
  EXPECT_EQ(o.chain->state().digest(), digest);
  EXPECT_EQ(o.chain->head().hash, head);
  // Blocks before the state image are served too (read, not executed).
  EXPECT_EQ(o.chain->block_by_number(2)->transactions.size(), 3u);
  // Only kStateImagesKept are kept.
  seal(o, w, 12);
  list_state_images(&env, kDir, &snaps);
  EXPECT_EQ(snaps.size(), kStateImagesKept);
  EXPECT_EQ(snaps[0], state_image_name(25));
  const VerifyReport v = verify_data_dir(&env, kDir, config());
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.images_checked, 2u);
  EXPECT_EQ(v.blocks, 25u);
}

TEST(StateImageTest, CorruptImageIsSkippedWithAWarning) {
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.image_every = 5;
  Bytes32 digest;
  {
    Opened o = open(&env, so);
    seal(o, w, 12);
    digest = o.chain->state().digest();
  }
  const std::string newest = join_path(state_image_dir(kDir), state_image_name(10));
  (*env.contents(newest))[kStateImageHeaderBytes + 30] ^= 0x01;
  Opened o = open(&env, so);
  ASSERT_EQ(o.error, "");
  ASSERT_EQ(o.report.warnings.size(), 1u);
  EXPECT_TRUE(contains(o.report.warnings[0], "state image " + state_image_name(10) + " skipped"))
      << o.report.warnings[0];
  EXPECT_TRUE(contains(o.report.warnings[0], "checksum")) << o.report.warnings[0];
  ASSERT_TRUE(o.report.image_block.has_value());
  EXPECT_EQ(*o.report.image_block, 5u);
  EXPECT_EQ(o.chain->state().digest(), digest);
  // verify fails on the corrupt state image (an auditor must hear of it).
  const VerifyReport v = verify_data_dir(&env, kDir, config());
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(contains(v.problem, state_image_name(10))) << v.problem;
  // Both corrupt (or a state image whose content is wrong with a valid checksum): from genesis.
  const std::string older = join_path(state_image_dir(kDir), state_image_name(5));
  (*env.contents(older))[kStateImageHeaderBytes + 3] ^= 0x01;
  Opened g = open(&env, so);
  ASSERT_EQ(g.error, "");
  EXPECT_EQ(g.report.warnings.size(), 2u);
  EXPECT_FALSE(g.report.image_block.has_value());
  EXPECT_EQ(g.report.replayed_blocks, 12u);
  EXPECT_EQ(g.chain->state().digest(), digest);
}

// Seals blocks on an opened store, one per entry of `with_txs`: the workload's next block, or an
// empty one; returns the numbers of the blocks that took a state image.
std::vector<uint64_t> seal_pattern(Opened& o, Workload& w, const std::vector<bool>& with_txs) {
  std::vector<uint64_t> imaged;
  for (const bool txs : with_txs) {
    const uint64_t n = o.chain->height() + 1;
    const uint64_t before = o.store->images_written();
    std::vector<chain::SignedTransaction> block;
    if (txs) block = w.block(n);
    const chain::Block& b = o.chain->seal_block(std::move(block), kGenesisTime + n);
    EXPECT_TRUE(o.store->on_sealed(b, o.chain->state()).ok());
    if (o.store->images_written() != before) imaged.push_back(n);
  }
  return imaged;
}

// The transaction trigger: an image once image_every_tx transactions have been sealed since the
// last one, counted across a restart (the transactions replayed after the image it started from).
TEST(StateImageTest, TransactionTriggerTakesAnImageAfterEnoughTransactions) {
  MemEnv env;
  Workload w;  // transactions per block: 1, 3, then 1 + (n % 3 == 0) + (n % 5 == 0)
  StoreOptions so;
  so.image_every = 0;  // blocks: off
  so.image_every_tx = 6;
  Bytes32 head;
  Bytes32 root;
  {
    Opened o = open(&env, so);
    // Running totals: 1, 4, 6 -> block 3; 1, 3, 5, 6 -> 7; 1, 3, 5, 6 -> 11; 2, 3, 4, 7 -> 15;
    // 1, 2, 4, 5, 7 -> 20; then 2, 3 (blocks 21, 22: not yet).
    EXPECT_EQ(seal_pattern(o, w, std::vector<bool>(22, true)),
              (std::vector<uint64_t>{3, 7, 11, 15, 20}));
    head = o.chain->head().hash;
    root = o.chain->head().header.state_root;
  }
  env.crash();
  Opened o = open(&env, so);
  ASSERT_EQ(o.error, "");
  ASSERT_TRUE(o.report.image_block.has_value());
  EXPECT_EQ(*o.report.image_block, 20u);
  EXPECT_EQ(o.report.replayed_blocks, 2u);
  EXPECT_EQ(o.report.replayed_transactions, 3u);
  EXPECT_EQ(o.chain->head().hash, head);
  EXPECT_EQ(o.chain->head().header.state_root, root);
  // The count goes on from the 3 replayed: block 23 (1) makes 4, block 24 (2) makes 6. A count
  // restarted at zero would put it at block 26.
  EXPECT_EQ(seal_pattern(o, w, {true, true, true}), (std::vector<uint64_t>{24}));
  const VerifyReport v = verify_data_dir(&env, kDir, config());
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.images_checked, 2u);
}

// Both triggers: whichever is reached first, each counted from the last image; images change no
// block (the same blocks without any image have the same hashes and roots); a restart from the
// newest image reaches the writer's head hash, state root and content.
TEST(StateImageTest, BlockOrTransactionTriggerWhicheverFirstChangesNoBlock) {
  const std::vector<bool> pattern = {true, true, true, false, false, false, false,
                                     true, true, true, false, true,  false, false};
  MemEnv plain_env;
  Workload plain_w;
  StoreOptions none;
  none.image_every = 0;
  none.image_every_tx = 0;
  Opened plain = open(&plain_env, none);
  EXPECT_TRUE(seal_pattern(plain, plain_w, pattern).empty());

  MemEnv env;
  Workload w;
  StoreOptions so;
  so.image_every = 4;
  so.image_every_tx = 5;
  Bytes32 digest;
  {
    Opened o = open(&env, so);
    // Blocks 1-3 hold 1 + 3 + 2 transactions: 6 >= 5 at block 3 (3 blocks). 4-7 are empty: 4
    // blocks at 7. 8-10 hold 1 + 2 + 2: 5 at block 10 (3 blocks). 11 empty, 12 holds 2, 13
    // empty: 4 blocks at 14 (2 transactions).
    EXPECT_EQ(seal_pattern(o, w, pattern), (std::vector<uint64_t>{3, 7, 10, 14}));
    for (uint64_t n = 1; n <= o.chain->height(); ++n) {
      ASSERT_EQ(o.chain->block_by_number(n)->hash, plain.chain->block_by_number(n)->hash) << n;
    }
    EXPECT_EQ(o.chain->head().header.state_root, plain.chain->head().header.state_root);
    digest = o.chain->state().digest();
  }
  env.crash();
  Opened o = open(&env, so);
  ASSERT_EQ(o.error, "");
  ASSERT_TRUE(o.report.image_block.has_value());
  EXPECT_EQ(*o.report.image_block, 14u);
  EXPECT_EQ(o.chain->head().hash, plain.chain->head().hash);
  EXPECT_EQ(o.chain->head().header.state_root, plain.chain->head().header.state_root);
  EXPECT_EQ(o.chain->state().digest(), digest);
  const VerifyReport v = verify_data_dir(&env, kDir, config());
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.images_checked, 2u);
}

// Rewrites state image `n` with its state changed by `change` (checksum recomputed, block hash and
// state root kept): a state image that is wrong but looks valid.
void tamper_image(MemEnv& env, uint64_t n, const std::function<void(core::State&)>& change) {
  StateImage s;
  ASSERT_EQ(read_state_image(&env, kDir, state_image_name(n), kChainId, &s), "");
  core::State state(config().genesis);
  std::string error;
  ASSERT_TRUE(state.restore(s.state, &error)) << error;
  change(state);
  core::BytesSink sink;
  state.encode(sink);
  ASSERT_NE(sink.out, s.state);
  s.state = std::move(sink.out);
  ASSERT_TRUE(write_state_image(&env, kDir, s).ok());
}

void mint_one_to(core::State& state, const Address& to) {
  auto* token = state.contract_as<core::SecurityToken>(create_address(core::factory_address(), 0));
  ASSERT_NE(token, nullptr);
  ASSERT_TRUE(state
                  .transact(dev_key(1).address(), {5, kGenesisTime + 5}, nullptr,
                            [&](core::CallContext& ctx) { return token->mint(ctx, to, U256(1)); })
                  .ok());
}

// A state image whose state the journal contradicts: alice holds one unit more in it, and block 6
// (alice sends) then gives another state root than the journal's. It is skipped with a warning
// and the state comes from genesis.
TEST(StateImageTest, ImageTheJournalContradictsIsSkipped) {
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.image_every = 5;
  Bytes32 digest;
  {
    Opened o = open(&env, so);
    seal(o, w, 7);
    digest = o.chain->state().digest();
  }
  tamper_image(env, 5, [](core::State& s) { mint_one_to(s, dev_key(3).address()); });  // alice
  Opened o = open(&env, so);
  ASSERT_EQ(o.error, "");
  ASSERT_EQ(o.report.warnings.size(), 1u);
  EXPECT_TRUE(contains(o.report.warnings[0], "skipped")) << o.report.warnings[0];
  EXPECT_TRUE(contains(o.report.warnings[0], "state digest mismatch")) << o.report.warnings[0];
  EXPECT_FALSE(o.report.image_block.has_value());
  EXPECT_EQ(o.chain->state().digest(), digest);
}

// A wrong value no later block reads cannot be seen by replaying the tail (state roots chain
// deltas; docs/journal-format.md, "State images"): `stoa verify` compares every state image with
// the replayed state at its block and names it.
TEST(StateImageTest, VerifyNamesAnImageWhoseStateIsWrong) {
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.image_every = 5;
  {
    Opened o = open(&env, so);
    seal(o, w, 7);
  }
  const VerifyReport before = verify_data_dir(&env, kDir, config());
  ASSERT_TRUE(before.ok) << before.problem;
  // An account that never transacts gets a nonce it never used.
  tamper_image(env, 5, [](core::State& s) { s.increment_account_nonce(dev_key(9).address()); });
  const VerifyReport v = verify_data_dir(&env, kDir, config());
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(contains(v.problem, state_image_name(5))) << v.problem;
  EXPECT_TRUE(contains(v.problem, "differs from the replayed state")) << v.problem;
}

TEST(FaultTest, DiskFullFailsTheAppendAndLosesNothingAcknowledged) {
  for (uint64_t budget : {0u, 10u, 90u, 200u, 600u}) {
    MemEnv env;
    Workload w;
    std::vector<Bytes32> acknowledged;
    {
      Opened o = open(&env);
      acknowledged = seal(o, w, 6);
      env.set_write_budget(budget);
      bool failed = false;
      for (int i = 0; i < 5 && !failed; ++i) {
        const uint64_t n = o.chain->height() + 1;
        const chain::Block& b = o.chain->seal_block(w.block(n), kGenesisTime + n);
        const IoStatus s = o.store->on_sealed(b, o.chain->state());
        if (s.ok()) {
          acknowledged.push_back(b.hash);
        } else {
          failed = true;
          EXPECT_TRUE(contains(s.error, "No space left")) << s.error;
          // The writer refuses everything after a failure (the node stops).
          env.set_write_budget(std::nullopt);
          EXPECT_FALSE(o.store->on_sealed(b, o.chain->state()).ok());
        }
      }
      EXPECT_TRUE(failed) << budget;
    }
    env.crash(/*keep_unsynced=*/1 << 20);  // the partial record reached the disk
    Opened o = open(&env);
    ASSERT_EQ(o.error, "") << budget;
    ASSERT_EQ(o.chain->height(), acknowledged.size()) << budget;
    for (size_t i = 0; i < acknowledged.size(); ++i)
      EXPECT_EQ(o.chain->block_by_number(i + 1)->hash, acknowledged[i]);
    EXPECT_TRUE(verify_data_dir(&env, kDir, config()).ok);
  }
}

TEST(FaultTest, FailedSyncIsFatalForTheWriter) {
  MemEnv env;
  Workload w;
  Opened o = open(&env);
  seal(o, w, 3);
  env.set_fail_sync(true);
  const chain::Block& b = o.chain->seal_block(w.block(4), kGenesisTime + 4);
  const IoStatus s = o.store->on_sealed(b, o.chain->state());
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.error, "fdatasync")) << s.error;
  env.set_fail_sync(false);
  EXPECT_FALSE(o.store->on_sealed(b, o.chain->state()).ok());
  env.crash();  // the unsynced record is lost: block 4 was never acknowledged
  Opened r = open(&env);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.chain->height(), 3u);
}

TEST(FaultTest, CrashAtEveryByteOfAnAppendRecovers) {
  // Power loss with any prefix of the last record on disk: recovery gives the previous head or,
  // with the whole record there, the new one — never an error.
  MemEnv base;
  Workload w;
  Bytes32 h5;
  {
    Opened o = open(&base);
    seal(o, w, 5);
    h5 = o.chain->head().hash;
  }
  Bytes full;
  {
    MemEnv env = base;
    Workload w2;
    for (uint64_t n = 1; n <= 5; ++n)
      w2.block(n);
    Opened o = open(&env);
    seal(o, w2, 1);
    full = *env.contents(seg_path(segments(env).back()));
  }
  const size_t start = base.contents(seg_path(segments(base).back()))->size();
  for (size_t cut = start; cut <= full.size(); cut += 13) {
    MemEnv env = base;
    *env.contents(seg_path(segments(env).back())) =
        Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
    Opened o = open(&env);
    ASSERT_EQ(o.error, "") << cut;
    EXPECT_EQ(o.chain->height(), cut == full.size() ? 6u : 5u) << cut;
    if (cut < full.size()) {
      EXPECT_EQ(o.chain->head().hash, h5);
    }
  }
}

TEST(VerifyTest, CleanDirectoryPassesAndCountsWhatItChecked) {
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.segment_bytes = 2000;
  so.image_every = 4;
  Bytes32 digest;
  {
    Opened o = open(&env, so);
    seal(o, w, 10);
    digest = o.chain->state().digest();
  }
  const VerifyReport v = verify_data_dir(&env, kDir, config());
  ASSERT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.blocks, 10u);
  EXPECT_GE(v.segments, 2u);
  EXPECT_EQ(v.images_checked, 2u);
  EXPECT_EQ(v.state_digest, digest);
  uint64_t txs = 0;
  Workload w2;
  for (uint64_t n = 1; n <= 10; ++n)
    txs += w2.block(n).size();
  EXPECT_EQ(v.transactions, txs);
  // read_blocks sees every block in order.
  uint64_t next = 1;
  EXPECT_EQ(read_blocks(&env, kDir, config(),
                        [&](const chain::Block& b) {
                          EXPECT_EQ(b.header.number, next++);
                          return true;
                        }),
            "");
  EXPECT_EQ(next, 11u);
}

// --- The head file (docs/journal-format.md, "The head file") and the start-up checks. ---

// The journal's last segment cut to `blocks` records (at a record boundary, as a truncation
// that leaves no torn record does).
void cut_at_record_boundary(MemEnv& env, uint64_t keep_blocks) {
  Bytes* data = env.contents(seg_path(segments(env).back()));
  ASSERT_NE(data, nullptr);
  uint64_t off = kSegmentHeaderBytes;
  ScanResult scan = scan_journal(&env, kDir, kChainId, chain::Chain(config()).head().hash, false,
                                 [&](const JournalRecord& r) -> std::string {
                                   if (r.number <= keep_blocks)
                                     off = r.offset + kRecordHeaderBytes + r.payload.size();
                                   return "";
                                 });
  ASSERT_EQ(scan.error, "");
  data->resize(off);
}

TEST(HeadFileTest, CutAtARecordBoundaryLosesAcknowledgedBlocksSilently) {
  // Defect: the last two acknowledged blocks cut away at a record boundary were not noticed:
  // the node started at block 8 and `stoa verify` said OK.
  MemEnv env;
  Workload w;
  std::vector<Bytes32> hashes;
  {
    Opened o = open(&env);
    hashes = seal(o, w, 10);
  }
  cut_at_record_boundary(env, 8);
  const Bytes before = *env.contents(seg_path(segments(env).back()));
  Opened o = open(&env);
  EXPECT_EQ(o.report.failure, OpenFailure::kTruncated);
  EXPECT_TRUE(contains(o.error, "the journal ends at block 8")) << o.error;
  EXPECT_TRUE(contains(o.error, "records block 10")) << o.error;
  EXPECT_TRUE(contains(o.error, "2 blocks (9..10)")) << o.error;
  EXPECT_TRUE(contains(o.error, "--accept-truncation")) << o.error;
  EXPECT_EQ(o.store, nullptr);
  EXPECT_EQ(*env.contents(seg_path(segments(env).back())), before);  // nothing changed
  VerifyReport v = verify_data_dir(&env, kDir, config());
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(contains(v.problem, "blocks 9..10 are not in the journal")) << v.problem;
  ASSERT_TRUE(v.recorded_head.has_value());
  EXPECT_EQ(v.recorded_head->number, 10u);
  EXPECT_EQ(v.recorded_head->hash, hashes[9]);
  // An operator who accepts the loss starts from block 8; the head file then records 8.
  StoreOptions accept;
  accept.accept_truncation = true;
  Opened a = open(&env, accept);
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.chain->height(), 8u);
  ASSERT_EQ(a.report.warnings.size(), 1u);
  EXPECT_TRUE(contains(a.report.warnings[0], "accepted")) << a.report.warnings[0];
  a = Opened{};
  Opened again = open(&env);
  ASSERT_EQ(again.error, "");
  EXPECT_TRUE(verify_data_dir(&env, kDir, config()).ok);
}

TEST(HeadFileTest, DeletedLastSegmentLosesAcknowledgedBlocksSilently) {
  // Defect: with the last segment deleted (and no state image after it) the node started at the
  // end of the previous segment and `stoa verify` said OK.
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.segment_bytes = 1500;
  so.image_every = 0;
  {
    Opened o = open(&env, so);
    seal(o, w, 20);
  }
  const auto segs = segments(env);
  ASSERT_GE(segs.size(), 3u);
  env.remove(seg_path(segs.back()));
  Opened o = open(&env, so);
  EXPECT_EQ(o.report.failure, OpenFailure::kTruncated);
  EXPECT_TRUE(contains(o.error, "records block 20")) << o.error;
  EXPECT_FALSE(verify_data_dir(&env, kDir, config()).ok);
}

TEST(HeadFileTest, DamagedLastRecordIsCalledNeverAcknowledgedThoughItWas) {
  // Defect: damage inside the last record was reported as "block N was never acknowledged",
  // and the block dropped, though its append had returned ok.
  MemEnv env;
  Workload w;
  {
    Opened o = open(&env);
    seal(o, w, 10);
  }
  Bytes* data = env.contents(seg_path(segments(env).back()));
  (*data)[data->size() - 5] ^= 0x40;  // a flipped bit in block 10's payload
  Opened o = open(&env);
  EXPECT_EQ(o.report.failure, OpenFailure::kTruncated);
  EXPECT_FALSE(contains(o.error, "never acknowledged")) << o.error;
  EXPECT_TRUE(contains(o.error, "the last record is damaged")) << o.error;
  EXPECT_TRUE(contains(o.error, "records block 10")) << o.error;
  const VerifyReport v = verify_data_dir(&env, kDir, config());
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(contains(v.problem, "the last record is damaged")) << v.problem;
  // A record torn by a crash before the head file recorded it is truncated, and said to be
  // unacknowledged because the head file shows it.
  MemEnv env2;
  Workload w2;
  {
    Opened o2 = open(&env2);
    seal(o2, w2, 9);
  }
  Bytes rec9;
  {
    MemEnv copy = env2;
    Workload w3;
    for (uint64_t n = 1; n <= 9; ++n)
      w3.block(n);
    Opened o3 = open(&copy);
    const chain::Block& b = o3.chain->seal_block(w3.block(10), kGenesisTime + 10);
    ASSERT_TRUE(o3.store->append(b).ok());
    rec9 = *copy.contents(seg_path(segments(copy).back()));
  }
  Bytes* d2 = env2.contents(seg_path(segments(env2).back()));
  const size_t at9 = d2->size();
  *d2 = Bytes(rec9.begin(), rec9.begin() + static_cast<std::ptrdiff_t>(at9 + 50));
  Opened t = open(&env2);
  ASSERT_EQ(t.error, "");
  ASSERT_EQ(t.report.warnings.size(), 1u);
  EXPECT_TRUE(contains(t.report.warnings[0],
                       "records block 9, so the damaged block was never "
                       "acknowledged"))
      << t.report.warnings[0];
  EXPECT_EQ(t.chain->height(), 9u);
}

TEST(HeadFileTest, ExpectHeadFailsOnAShorterChainOrAnotherHash) {
  MemEnv env;
  Workload w;
  std::vector<Bytes32> hashes;
  {
    Opened o = open(&env);
    hashes = seal(o, w, 6);
  }
  HeadExpectation e;
  e.number = 6;
  e.hash = hashes[5];
  EXPECT_TRUE(verify_data_dir(&env, kDir, config(), e).ok);
  e.number = 7;
  e.hash.reset();
  VerifyReport v = verify_data_dir(&env, kDir, config(), e);
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(contains(v.problem, "--expect-head names block 7")) << v.problem;
  e.number = 5;
  e.hash = hashes[5];
  v = verify_data_dir(&env, kDir, config(), e);
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(contains(v.problem, "block 5 has hash")) << v.problem;
  e.number.reset();
  EXPECT_TRUE(verify_data_dir(&env, kDir, config(), e).ok);  // block 6's hash is in the chain
  e.hash = Bytes32{};
  EXPECT_FALSE(verify_data_dir(&env, kDir, config(), e).ok);
  // Without a head file (a directory from before it existed), verify says it cannot tell.
  env.remove(head_path(kDir));
  v = verify_data_dir(&env, kDir, config());
  EXPECT_TRUE(v.ok);
  ASSERT_FALSE(v.notes.empty());
  EXPECT_TRUE(contains(v.notes[0], "cannot be checked")) << v.notes[0];
  // The node recreates it (with a warning) and checks against it from then on.
  Opened o = open(&env);
  ASSERT_EQ(o.error, "");
  ASSERT_EQ(o.report.warnings.size(), 1u);
  EXPECT_TRUE(contains(o.report.warnings[0], "does not exist")) << o.report.warnings[0];
  EXPECT_TRUE(verify_data_dir(&env, kDir, config()).recorded_head.has_value());
}

TEST(HeadFileTest, APowerCutDuringTheHeadWriteKeepsTheOtherSlot) {
  // Power loss after block 7's journal fsync, with any prefix of the head slot's rewrite on
  // disk: the other slot (block 6) is read, the journal holds more, and the start goes on.
  MemEnv base;
  Workload w;
  {
    Opened o = open(&base);
    seal(o, w, 6);
  }
  for (uint64_t keep = 0; keep <= kHeadSlotBytes; keep += 16) {
    MemEnv env = base;
    Workload w2;
    for (uint64_t n = 1; n <= 6; ++n)
      w2.block(n);
    {
      Opened o = open(&env);
      ASSERT_EQ(o.error, "");
      seal(o, w2, 1);
    }
    // Undo the head file's last sync: its rewrite becomes a torn in-place write.
    Bytes* head = env.contents(head_path(kDir));
    ASSERT_NE(head, nullptr);
    Bytes torn = *base.contents(head_path(kDir));
    std::copy(head->begin() + kHeadSlotBytes,
              head->begin() + kHeadSlotBytes + static_cast<std::ptrdiff_t>(keep),
              torn.begin() + kHeadSlotBytes);  // block 7 goes to slot 1
    *head = torn;
    Opened o = open(&env);
    ASSERT_EQ(o.error, "") << keep;
    EXPECT_EQ(o.chain->height(), 7u) << keep;
    HeadRecord r;
    std::string problem;
    ASSERT_EQ(read_head(&env, kDir, &r, &problem), HeadRead::kOk);
    EXPECT_EQ(r.number, 7u);
  }
  // Both slots unreadable: the start is refused (it cannot tell what is missing).
  MemEnv env = base;
  (*env.contents(head_path(kDir)))[3] ^= 1;
  (*env.contents(head_path(kDir)))[kHeadSlotBytes + 3] ^= 1;
  Opened o = open(&env);
  EXPECT_EQ(o.report.failure, OpenFailure::kTruncated);
  EXPECT_TRUE(contains(o.error, "is damaged")) << o.error;
}

TEST(HeadFileTest, EveryAcknowledgedBlockSurvivesAPowerCutWithTheHeadFileAgreeing) {
  MemEnv env;
  Workload w;
  std::vector<Bytes32> hashes;
  {
    Opened o = open(&env);
    hashes = seal(o, w, 7);
  }
  env.crash(/*keep_unsynced=*/0);
  HeadRecord r;
  std::string problem;
  ASSERT_EQ(read_head(&env, kDir, &r, &problem), HeadRead::kOk) << problem;
  EXPECT_EQ(r.number, 7u);
  EXPECT_EQ(r.hash, hashes[6]);
  EXPECT_EQ(r.chain_id, kChainId);
  EXPECT_EQ(r.operator_account, dev_key(0).address());
  EXPECT_EQ(r.genesis_timestamp, kGenesisTime);
  Opened o = open(&env);
  ASSERT_EQ(o.error, "");
  EXPECT_EQ(o.chain->height(), 7u);
  // The head file belongs to its genesis: another genesis.json is refused.
  chain::ChainConfig other = config();
  other.genesis_timestamp += 1;
  Opened x;
  x.error = Store::open(&env, kDir, other, {}, &x.store, &x.chain, &x.report);
  EXPECT_EQ(x.report.failure, OpenFailure::kDamaged);
  EXPECT_TRUE(contains(x.error, "another genesis")) << x.error;
}

TEST(StartupTest, LeftoverSnapTmpFilesAreNeverRemoved) {
  // Defect: a state image write interrupted by a crash left NAME.snap.tmp behind for good.
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.image_every = 4;
  {
    Opened o = open(&env, so);
    seal(o, w, 5);
  }
  const std::string tmp = join_path(state_image_dir(kDir), state_image_name(8) + ".tmp");
  std::unique_ptr<WritableFile> f;
  ASSERT_TRUE(env.open_append(tmp, &f).ok());
  ASSERT_TRUE(f->append(Bytes(100, 7)).ok());
  Opened o = open(&env, so);
  ASSERT_EQ(o.error, "");
  EXPECT_FALSE(env.exists(tmp));
  ASSERT_EQ(o.report.warnings.size(), 1u);
  EXPECT_TRUE(contains(o.report.warnings[0], "removed " + tmp)) << o.report.warnings[0];
  EXPECT_TRUE(env.exists(join_path(state_image_dir(kDir), state_image_name(4))));
}

TEST(StartupTest, ReadOnlyDataDirectoryIsReportedAsADamagedJournal) {
  // Defect: a data directory that cannot be written was reported as "the journal is damaged".
  for (const char* err : {"Read-only file system", "Permission denied"}) {
    MemEnv env;
    Workload w;
    {
      Opened o = open(&env);
      seal(o, w, 3);
    }
    env.set_read_only(err);
    Opened o = open(&env);
    EXPECT_EQ(o.report.failure, OpenFailure::kIo) << o.error;
    EXPECT_TRUE(contains(o.error, "cannot write " + kDir + "/")) << o.error;
    EXPECT_TRUE(contains(o.error, err)) << o.error;
    // Verification only reads: it works on a read-only directory.
    const VerifyReport v = verify_data_dir(&env, kDir, config());
    EXPECT_TRUE(v.ok) << v.problem;
    EXPECT_EQ(v.blocks, 3u);
  }
}

}  // namespace
}  // namespace stoa::store

namespace stoa::store {
namespace {

// Restart from a state image reads the block index and the blocks after the state image, not the
// journal before it: older blocks, receipts and transaction lookups come from the segments on
// demand, checked as they are read (a record damaged there is found when read, and by verify).
TEST(HistoryTest, StartFromAnImageReadsOnlyTheTailAndServesOldBlocksOnDemand) {
  MemEnv env;
  Workload w;
  StoreOptions so;
  so.image_every = 10;
  std::vector<chain::Block> sealed;
  {
    Opened o = open(&env, so);
    for (uint64_t i = 0; i < 23; ++i) {
      const uint64_t n = o.chain->height() + 1;
      const chain::Block& b = o.chain->seal_block(w.block(n), kGenesisTime + n);
      ASSERT_TRUE(o.store->on_sealed(b, o.chain->state()).ok());
      sealed.push_back(b);
    }
  }
  {
    Opened o = open(&env, so);
    ASSERT_EQ(o.error, "");
    EXPECT_EQ(o.report.indexed_blocks, 0u);  // the index was complete
    ASSERT_TRUE(o.report.image_block.has_value());
    EXPECT_EQ(*o.report.image_block, 20u);
    EXPECT_EQ(o.report.replayed_blocks, 3u);
    const DiskHistory& h = *o.store->history();
    EXPECT_EQ(h.height(), 23u);
    const uint64_t reads_at_start = h.disk_reads();
    EXPECT_EQ(reads_at_start, 4u);  // the state image's block and the three replayed
    for (uint64_t n : {2U, 7U, 15U}) {
      const auto b = o.chain->block_by_number(n);
      ASSERT_NE(b, nullptr);
      EXPECT_EQ(b->hash, sealed[n - 1].hash);
      EXPECT_EQ(b->receipts.size(), sealed[n - 1].receipts.size());
      EXPECT_EQ(o.chain->block_by_hash(sealed[n - 1].hash)->header.number, n);
      const chain::SignedTransaction& tx = sealed[n - 1].transactions.back();
      const auto loc = o.chain->find_transaction(tx.hash);
      ASSERT_TRUE(loc.has_value());
      EXPECT_EQ(loc->block_number, n);
      EXPECT_EQ(loc->index, sealed[n - 1].transactions.size() - 1);
      EXPECT_EQ(o.chain->receipt(*loc)->transaction_hash, tx.hash);
    }
    EXPECT_GT(h.disk_reads(), reads_at_start);
    EXPECT_FALSE(o.chain->find_transaction(Bytes32{}).has_value());
    // The chain keeps only its recent window; a second read of an old block is the cache's.
    const uint64_t reads = h.disk_reads();
    EXPECT_EQ(o.chain->block_by_number(7)->hash, sealed[6].hash);
    EXPECT_EQ(h.disk_reads(), reads);
  }
  // Damage inside block 3's record: a start from the state image does not read it...
  const auto segs = segments(env);
  ASSERT_EQ(segs.size(), 1u);
  Bytes* data = env.contents(seg_path(segs[0]));
  size_t off = kSegmentHeaderBytes;
  for (int i = 0; i < 2; ++i) {
    const uint32_t len = (uint32_t{(*data)[off + 4]} << 24) | (uint32_t{(*data)[off + 5]} << 16) |
                         (uint32_t{(*data)[off + 6]} << 8) | (*data)[off + 7];
    off += kRecordHeaderBytes + len;
  }
  (*data)[off + kRecordHeaderBytes + 50] ^= 0x10;
  Opened o = open(&env, so);
  ASSERT_EQ(o.error, "");
  // ...reading block 3 finds it, with its location...
  try {
    (void)o.chain->block_by_number(3);
    ADD_FAILURE() << "a damaged block was served";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "offset " + std::to_string(off))) << e.what();
    EXPECT_TRUE(contains(e.what(), "block 3")) << e.what();
    EXPECT_TRUE(contains(e.what(), "checksum")) << e.what();
  }
  // ...and so does verify, which reads everything.
  const VerifyReport v = verify_data_dir(&env, kDir, config());
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(contains(v.problem, "block 3")) << v.problem;
}

// The index is a cache of the journal: missing (a directory from before it existed, or a crash
// before the index file's entry was synced), cut short or damaged, it is rebuilt from the
// journal on start, and lookups give the same answers.
TEST(HistoryTest, MissingShortOrDamagedIndexIsRebuiltFromTheJournal) {
  MemEnv env;
  Workload w;
  std::vector<Bytes32> hashes;
  Bytes32 tx5;
  {
    Opened o = open(&env);
    hashes = seal(o, w, 12);
    tx5 = o.chain->block_by_number(5)->transactions[0].hash;
  }
  const std::string idx = join_path(index_dir(kDir), index_name(1));
  ASSERT_NE(env.contents(idx), nullptr);
  const Bytes whole = *env.contents(idx);
  auto check = [&](uint64_t indexed) {
    Opened o = open(&env);
    ASSERT_EQ(o.error, "");
    EXPECT_EQ(o.report.indexed_blocks, indexed);
    EXPECT_EQ(o.chain->height(), 12u);
    for (uint64_t n = 1; n <= 12; ++n)
      EXPECT_EQ(o.chain->block_by_number(n)->hash, hashes[n - 1]) << n;
    const auto loc = o.chain->find_transaction(tx5);
    ASSERT_TRUE(loc.has_value());
    EXPECT_EQ(loc->block_number, 5u);
    EXPECT_EQ(*env.contents(idx), whole);  // rewritten as it was
  };
  env.remove(idx);
  check(12);
  env.contents(idx)->resize(whole.size() - 10);  // the last entry cut short
  check(1);
  (*env.contents(idx))[kIndexHeaderBytes + 30] ^= 1;  // the first entry damaged
  check(12);
  // An index that disagrees with the journal (a valid entry for another journal) is not used.
  {
    Opened o = open(&env);
    ASSERT_EQ(o.error, "");
  }
  Bytes* seg = env.contents(seg_path(segments(env)[0]));
  ASSERT_NE(seg, nullptr);
  (*seg)[kSegmentHeaderBytes + 48] ^= 1;  // block 1's recorded hash: the journal is damaged
  Opened o = open(&env);
  EXPECT_TRUE(contains(o.error, "block 1")) << o.error;
}

}  // namespace
}  // namespace stoa::store

namespace stoa::store {
namespace {

// On the real file system, a first start creates the data directory (the block index lives in
// it): Store::open on a directory that does not exist yet gives the genesis chain.
TEST(HistoryTest, FirstStartCreatesTheDataDirectoryOnDisk) {
  const std::string dir =
      ::testing::TempDir() + "stoa-history-first-start-" + std::to_string(::getpid());
  std::unique_ptr<Store> st;
  std::unique_ptr<chain::Chain> c;
  RecoveryReport r;
  const std::string e = Store::open(posix_env(), dir, config(), {}, &st, &c, &r);
  EXPECT_EQ(e, "");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->height(), 0u);
  EXPECT_TRUE(posix_env()->exists(index_dir(dir)));
  st.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace stoa::store
