#pragma once
// The one writer: a thread that takes every queued job, runs them all in ONE store transaction
// (each inside its own savepoint), commits, and only then reports each job done. Many concurrent
// webhook requests so share one fsync (group commit), and state changes never race.
//
// Thread-safe: submit() from any thread. Completions run on the writer thread; callers post them
// back to their own executor.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "handlers/store.hpp"

namespace supplybot::bot {

struct WriterStats {
  std::uint64_t batches{0};
  std::uint64_t jobs{0};
  std::uint64_t failed_commits{0};
  // Histogram of batch sizes (1, 2-4, 5-16, 17-64, 65-256, >256) and commit latency sum.
  std::uint64_t batch_size_buckets[6]{};
  double commit_seconds_sum{0};
  std::uint64_t queue_depth{0};
};

class Writer {
 public:
  using Job = std::function<void(handlers::StoreTx&)>;
  // nullptr on success (committed); otherwise the job's own exception or the commit's StoreError.
  using Done = std::function<void(std::exception_ptr)>;

  // after_commit runs on the writer thread after each successful commit (e.g. wake the outbox).
  // after_rollback runs on the writer thread when a job's savepoint or a whole batch was rolled
  // back, so state kept beside the database (the engine's assignment state) is read again.
  Writer(handlers::Store& store, std::size_t batch_max, std::function<void()> after_commit = {},
         std::function<void()> after_rollback = {});
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // False when the writer is stopping (the caller answers 503).
  bool submit(Job job, Done done);
  // Finishes every queued job, then joins the thread. Idempotent.
  void stop();
  WriterStats stats() const;

 private:
  struct Entry {
    Job job;
    Done done;
  };
  void run();

  handlers::Store& store_;
  std::size_t batch_max_;
  std::function<void()> after_commit_;
  std::function<void()> after_rollback_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Entry> queue_;
  bool stopping_{false};
  WriterStats stats_;
  std::thread thread_;
};

}  // namespace supplybot::bot
