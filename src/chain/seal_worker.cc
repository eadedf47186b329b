#include "stoa/chain/seal_worker.h"

#include <utility>

#include "stoa/common/assert.h"

namespace stoa::chain {

SealThread::SealThread() : thread_([this] { run(); }) {}

SealThread::~SealThread() {
  {
    std::lock_guard lock(mu_);
    STOA_ASSERT(!job_);  // joined
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SealThread::start(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    STOA_ASSERT(!job_);
    job_ = std::move(job);
  }
  cv_.notify_all();
}

void SealThread::join() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !job_; });
}

void SealThread::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || job_; });
    if (!job_) return;  // stopping
    lock.unlock();
    job_();
    lock.lock();
    job_ = nullptr;
    cv_.notify_all();
  }
}

}  // namespace stoa::chain
