// The sequencer: admission (nonce replay, gaps, duplicates, stop), group commit on its thread,
// the durability hook before publication, and pending nonces consistent with the chain.
#include <atomic>
#include <thread>

#include "chain_test_util.h"
#include "stoa/chain/sequencer.h"

namespace stoa::chain::testing {
namespace {

using std::chrono::milliseconds;
constexpr uint64_t kTime = 1767225600;

ChainConfig config() {
  ChainConfig c;
  c.genesis = core::GenesisConfig{kChainId, dev_key(0).address(), false};
  c.genesis_timestamp = kTime;
  return c;
}

// A call that reverts harmlessly (a view through a transaction): enough to sequence.
SignedTransaction tx_from(const crypto::PrivateKey& key, uint64_t nonce, uint8_t salt = 0) {
  Bytes data = calldata("securityCount()", {});
  data.push_back(salt);  // trailing bytes are allowed by the ABI; they make hashes differ
  return sign_transaction(make_tx(nonce, core::factory_address(), data), key);
}

SequencerOptions options(std::atomic<int>* sealed = nullptr, milliseconds delay = milliseconds(1)) {
  SequencerOptions o;
  o.max_batch_delay = delay;
  o.clock = [] { return kTime + 1; };
  if (sealed != nullptr) {
    o.make_durable = [sealed](const Block&, const core::State*) { sealed->fetch_add(1); };
  }
  return o;
}

TEST(SequencerTest, AdmitsInNonceOrderAndRefusesReplaysAndGaps) {
  Chain chain(config());
  std::atomic<int> sealed{0};
  Sequencer seq(chain, options(&sealed));
  const crypto::PrivateKey k = dev_key(3);
  EXPECT_EQ(seq.pending_nonce(k.address()), 0u);

  std::string detail;
  EXPECT_EQ(seq.submit(tx_from(k, 1), &detail), AdmitError::kNonceTooHigh);
  EXPECT_NE(detail.find("nonce 1 too high"), std::string::npos) << detail;
  const SignedTransaction t0 = tx_from(k, 0);
  EXPECT_EQ(seq.submit(t0, &detail), AdmitError::kOk);
  EXPECT_EQ(seq.pending_nonce(k.address()), 1u);
  // The same transaction again: already known (queued or included, whichever it is by now).
  EXPECT_EQ(seq.submit(t0, &detail), AdmitError::kAlreadyKnown);
  // Another transaction with a used nonce: a replay.
  EXPECT_EQ(seq.submit(tx_from(k, 0, 1), &detail), AdmitError::kNonceTooLow);
  EXPECT_NE(detail.find("too low"), std::string::npos) << detail;
  EXPECT_EQ(seq.submit(tx_from(k, 2), &detail), AdmitError::kNonceTooHigh);
  const SignedTransaction t1 = tx_from(k, 1);
  EXPECT_EQ(seq.submit(t1), AdmitError::kOk);
  EXPECT_EQ(seq.pending_nonce(k.address()), 2u);

  auto loc1 = seq.wait_for(t1.hash, milliseconds(5000));
  ASSERT_TRUE(loc1.has_value());
  auto loc0 = seq.wait_for(t0.hash, milliseconds(5000));
  ASSERT_TRUE(loc0.has_value());
  {
    std::shared_lock lock = seq.read_lock();
    EXPECT_EQ(chain.state().account_nonce(k.address()), 2u);
    const std::shared_ptr<const Receipt> r = chain.receipt(*loc1);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->transaction_hash, t1.hash);
    EXPECT_GE(loc1->block_number, loc0->block_number);
    EXPECT_EQ(chain.head().header.timestamp, kTime + 1);
  }
  // After inclusion: the same bytes are known, the same nonce is too low, the next one is fine.
  EXPECT_EQ(seq.submit(t0), AdmitError::kAlreadyKnown);
  EXPECT_EQ(seq.submit(tx_from(k, 1, 7)), AdmitError::kNonceTooLow);
  EXPECT_EQ(seq.pending_nonce(k.address()), 2u);
  EXPECT_EQ(seq.queued(), 0u);
  EXPECT_GE(sealed.load(), 1);
  // An unknown hash: not found, without waiting for the timeout.
  EXPECT_FALSE(seq.wait_for(Bytes32{}, milliseconds(10)).has_value());
}

TEST(SequencerTest, ConcurrentSendersAllLandWithConsistentNonces) {
  Chain chain(config());
  std::atomic<int> sealed{0};
  Sequencer seq(chain, options(&sealed, milliseconds(2)));
  constexpr int kSenders = 4;
  constexpr int kPerSender = 50;
  std::vector<std::vector<Bytes32>> hashes(kSenders);
  std::vector<std::thread> threads;
  for (int s = 0; s < kSenders; ++s) {
    threads.emplace_back([&, s] {
      const crypto::PrivateKey k = dev_key(10 + s);
      for (int i = 0; i < kPerSender; ++i) {
        const uint64_t nonce = seq.pending_nonce(k.address());
        SignedTransaction tx = tx_from(k, nonce);
        hashes[s].push_back(tx.hash);
        EXPECT_EQ(seq.submit(std::move(tx)), AdmitError::kOk);
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (int s = 0; s < kSenders; ++s) {
    for (const Bytes32& h : hashes[s])
      ASSERT_TRUE(seq.wait_for(h, milliseconds(10000)).has_value());
  }
  std::shared_lock lock = seq.read_lock();
  for (int s = 0; s < kSenders; ++s) {
    EXPECT_EQ(chain.state().account_nonce(dev_key(10 + s).address()), uint64_t{kPerSender});
  }
  size_t total = 0;
  for (uint64_t n = 1; n <= chain.height(); ++n) {
    const Block& b = *chain.block_by_number(n);
    total += b.transactions.size();
    EXPECT_LE(b.transactions.size(), kMaxTransactionsPerBlock);
    EXPECT_EQ(b.header.parent_hash, chain.block_by_number(n - 1)->hash);
  }
  EXPECT_EQ(total, size_t{kSenders * kPerSender});
  EXPECT_EQ(static_cast<uint64_t>(sealed.load()), chain.height());
}

TEST(SequencerTest, DurabilityHookRunsBeforeWaitersSeeTheBlock) {
  Chain chain(config());
  std::atomic<bool> durable{false};
  std::atomic<bool> published_before_durable{false};
  SequencerOptions o = options();
  o.make_durable = [&](const Block&, const core::State*) {
    std::this_thread::sleep_for(milliseconds(50));
    durable = true;
  };
  Sequencer seq(chain, o);
  SignedTransaction tx = tx_from(dev_key(3), 0);
  const Bytes32 h = tx.hash;
  ASSERT_EQ(seq.submit(std::move(tx)), AdmitError::kOk);
  auto loc = seq.wait_for(h, milliseconds(5000));
  if (!durable) published_before_durable = true;
  EXPECT_TRUE(loc.has_value());
  EXPECT_FALSE(published_before_durable);
}

// Block N is written while N+1 executes, and the journal still sees blocks in order; a block whose
// hook needs the state (a state image) gets it as of that block, with nothing executed after it.
TEST(SequencerTest, WritesOverlapExecutionInOrderAndImagesSeeTheirBlock) {
  Chain chain(config());
  const crypto::PrivateKey k = dev_key(3);
  std::atomic<bool> writing{false};
  std::atomic<int> overlapped{0};
  std::vector<uint64_t> written;  // by the hook, one block at a time
  uint64_t nonce_after = 0;       // the sender's nonce after the blocks written so far
  std::atomic<int> images{0};
  SequencerOptions o = options();
  o.needs_state = [&](const Block& b) {
    if (writing) ++overlapped;  // sealed while the previous block was being written
    return b.header.number % 3 == 0;
  };
  o.make_durable = [&](const Block& b, const core::State* state) {
    writing = true;
    written.push_back(b.header.number);
    nonce_after += b.transactions.size();
    EXPECT_EQ(state != nullptr, b.header.number % 3 == 0) << b.header.number;
    if (state != nullptr) {
      EXPECT_EQ(state->account_nonce(k.address()), nonce_after) << b.header.number;
      ++images;
    }
    std::this_thread::sleep_for(milliseconds(15));  // the "fsync"
    writing = false;
  };
  Sequencer seq(chain, o);
  Bytes32 last;
  // Fifteen waves of 20, each made durable before the next (at least 15 blocks, so some are
  // image blocks whatever the machine's load); within a wave the second half is submitted while
  // the first half's block is being written, so a block executes during a write.
  for (uint64_t i = 0; i < 300; ++i) {
    SignedTransaction tx = tx_from(k, i);
    last = tx.hash;
    ASSERT_EQ(seq.submit(std::move(tx)), AdmitError::kOk);
    if (i % 20 == 9) {
      for (int spin = 0; spin < 2000 && !writing; ++spin)
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    if (i % 20 == 19) {
      ASSERT_TRUE(seq.wait_for(last, milliseconds(20000)).has_value());
    }
  }
  ASSERT_TRUE(seq.wait_for(last, milliseconds(20000)).has_value());
  seq.stop();
  ASSERT_FALSE(written.empty());
  for (size_t i = 0; i < written.size(); ++i)
    EXPECT_EQ(written[i], i + 1);
  EXPECT_EQ(written.size(), chain.height());
  EXPECT_EQ(nonce_after, 300u);
  EXPECT_GT(overlapped.load(), 0) << "no block executed while the previous one was written";
  EXPECT_GT(images.load(), 0);
}

TEST(SequencerTest, StopDrainsTheQueueThenRefuses) {
  Chain chain(config());
  std::atomic<int> sealed{0};
  // A long batch delay: without the drain nothing would be sealed before stop().
  Sequencer seq(chain, options(&sealed, milliseconds(60000)));
  const crypto::PrivateKey k = dev_key(3);
  std::vector<Bytes32> hashes;
  for (uint64_t i = 0; i < 20; ++i) {
    SignedTransaction tx = tx_from(k, i);
    hashes.push_back(tx.hash);
    ASSERT_EQ(seq.submit(std::move(tx)), AdmitError::kOk);
  }
  seq.stop();
  EXPECT_EQ(seq.queued(), 0u);
  for (const Bytes32& h : hashes)
    EXPECT_TRUE(seq.wait_for(h, milliseconds(0)).has_value());
  EXPECT_EQ(chain.state().account_nonce(k.address()), 20u);
  std::string detail;
  EXPECT_EQ(seq.submit(tx_from(k, 20), &detail), AdmitError::kStopped);
  EXPECT_NE(detail.find("shutting down"), std::string::npos);
  seq.stop();  // idempotent
}

// Metered, a transaction's gas limit bounds the work it may do, so the limits (not the intrinsic
// gas of the data) are what a block's gas limit caps, as on Ethereum.
TEST(SequencerTest, BlockHoldsGasLimitsUpToTheBlockGasLimit) {
  Chain chain(config());
  Sequencer seq(chain, options(nullptr, milliseconds(60000)));
  const crypto::PrivateKey k = dev_key(3);
  for (uint64_t i = 0; i < 4; ++i) {
    Transaction t = make_tx(i, core::factory_address(), calldata("securityCount()", {}));
    t.gas_limit = kMeteredBlockGasLimit / 2;
    ASSERT_EQ(seq.submit(sign_transaction(t, k)), AdmitError::kOk);
  }
  seq.stop();
  ASSERT_EQ(chain.height(), 2u);
  for (uint64_t n = 1; n <= 2; ++n) {
    EXPECT_EQ(chain.block_by_number(n)->transactions.size(), 2u);
    EXPECT_EQ(chain.block_by_number(n)->header.gas_limit, kMeteredBlockGasLimit);
  }
}

TEST(SequencerTest, PendingNonceFollowsBlocksSealedBeforeTheSequencer) {
  Chain chain(config());
  const crypto::PrivateKey k = dev_key(3);
  chain.seal_block({tx_from(k, 0), tx_from(k, 1)}, kTime);
  Sequencer seq(chain, options());
  EXPECT_EQ(seq.pending_nonce(k.address()), 2u);
  EXPECT_EQ(seq.submit(tx_from(k, 1, 9)), AdmitError::kNonceTooLow);
  EXPECT_EQ(seq.submit(tx_from(k, 2)), AdmitError::kOk);
}

// Issue 12 item 12: with zero fees one sender could fill the whole queue, and the queue was
// bounded in count only (100,000 transactions of up to 128 KiB: 12.5 GiB). Blocks are held back
// here (the first block's durability waits) so that transactions accumulate.
TEST(SequencerTest, FreeJunkOneSenderGetsAQueueShareAndTheQueueIsBoundedInBytes) {
  Chain chain(config());
  std::atomic<bool> release{false};
  SequencerOptions o = options();
  o.make_durable = [&](const Block&, const core::State*) {
    while (!release)
      std::this_thread::sleep_for(milliseconds(1));
  };
  Sequencer seq(chain, o);
  struct Release {  // before the sequencer stops, even if an assertion returns early
    std::atomic<bool>& r;
    ~Release() { r = true; }
  } releaser{release};
  const crypto::PrivateKey k = dev_key(3);
  std::string detail;
  uint64_t n = 0;
  AdmitError e = AdmitError::kOk;
  for (; n < 3 * kMaxPendingPerSender && e == AdmitError::kOk; ++n)
    e = seq.submit(tx_from(k, n), &detail);
  EXPECT_EQ(e, AdmitError::kSenderQueueFull) << detail;
  EXPECT_NE(detail.find("per sender"), std::string::npos) << detail;
  EXPECT_EQ(seq.pending_nonce(k.address()) - chain.state().account_nonce(k.address()),
            kMaxPendingPerSender);
  // Another sender still gets in; large transactions stop at kMaxQueuedBytes.
  const crypto::PrivateKey big = dev_key(4);
  uint64_t bytes = 0;
  e = AdmitError::kOk;
  for (uint64_t i = 0; e == AdmitError::kOk; ++i) {
    Bytes data = calldata("securityCount()", {});
    data.resize(kMaxRawTransactionBytes - 200, 0x5a);
    SignedTransaction t = sign_transaction(make_tx(i, core::factory_address(), data), big);
    const size_t size = t.raw.size();
    e = seq.submit(std::move(t), &detail);
    if (e == AdmitError::kOk) bytes += size;
    ASSERT_LT(bytes, 2 * kMaxQueuedBytes);
  }
  EXPECT_EQ(e, AdmitError::kQueueFull) << detail;
  EXPECT_NE(detail.find("bytes"), std::string::npos) << detail;
  EXPECT_GE(bytes + kMaxRawTransactionBytes, kMaxQueuedBytes - kMaxPendingPerSender * 200);
}

TEST(SequencerTest, ErrorsHaveNames) {
  for (int e = 0; e <= static_cast<int>(AdmitError::kUnexecutable); ++e)
    EXPECT_NE(to_string(static_cast<AdmitError>(e)), "unknown");
}

}  // namespace
}  // namespace stoa::chain::testing
