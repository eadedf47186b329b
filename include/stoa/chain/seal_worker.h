// A second thread for sealing. While Chain::seal_block executes a block's transactions on the
// state, the worker encodes the receipts already produced, computes their blooms and hashes the
// transactions' and receipts' trie leaves — the hashing that is most of a seal's cost when blocks
// carry batches of transfers. The chain itself creates no thread: the sequencer and recovery own a
// SealThread and pass it in, and a block sealed with or without one is the same block, byte for
// byte (tests/chain/chain_test.cc).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace stoa::chain {

class SealWorker {
 public:
  virtual ~SealWorker() = default;
  // Runs `job` on the worker; one job at a time (join() before the next start()).
  virtual void start(std::function<void()> job) = 0;
  // Waits until the job has returned.
  virtual void join() = 0;
};

class SealThread final : public SealWorker {
 public:
  SealThread();
  ~SealThread() override;
  SealThread(const SealThread&) = delete;
  SealThread& operator=(const SealThread&) = delete;

  void start(std::function<void()> job) override;
  void join() override;

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> job_;  // set: a job waits or runs
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace stoa::chain
