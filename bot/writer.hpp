#pragma once
// The one writer: a thread that takes every queued job, runs them all in ONE store transaction,
// commits, and only then reports each job done. A job that throws costs only itself: the batch is
// then rolled back and run again with each job in its own savepoint (see run()), so jobs must be
// safe to run again after a rollback. Many concurrent
// webhook requests so share one fsync (group commit), and state changes never race.
//
// Reporting is a second stage on its own thread: after a commit the batch waits there for
// Store::sync() (the fsync of everything committed so far, for a store that defers it) while the
// writer already runs the next batch. A job is reported done only when its commit is durable, and
// one sync covers every batch committed before it started. For a store whose commit is durable by
// itself, sync() does nothing and the second stage only hands the reports on.
//
// Thread-safe: submit() from any thread. Completions run on the reporting thread; callers post
// them back to their own executor.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "handlers/store.hpp"

namespace supplybot::bot {

struct WriterStats {
  std::uint64_t batches{0};
  std::uint64_t jobs{0};
  std::uint64_t failed_commits{0};
  // Batches run again with a savepoint per job because one job failed in the first run.
  std::uint64_t isolated_retries{0};
  // Histogram of batch sizes (1, 2-4, 5-16, 17-64, 65-256, >256) and commit latency sum.
  std::uint64_t batch_size_buckets[6]{};
  double commit_seconds_sum{0};
  std::uint64_t syncs{0};           // Store::sync() calls (each covers one or more batches)
  std::uint64_t failed_syncs{0};
  double sync_seconds_sum{0};
  std::uint64_t queue_depth{0};
};

class Writer {
 public:
  using Job = std::function<void(handlers::StoreTx&)>;
  // nullptr on success (committed); otherwise the job's own exception or the commit's StoreError.
  using Done = std::function<void(std::exception_ptr)>;

  // after_commit runs after each successful commit once it is durable (e.g. wake the outbox), on
  // the reporting thread.
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
  // A batch that has been committed (or failed) and waits for its report.
  struct Finished {
    std::vector<Done> dones;
    std::vector<std::exception_ptr> results;
    bool committed{false};
  };
  enum class BatchOutcome {
    committed,
    job_failed,  // a job threw (not a storage failure): rolled back, nothing recorded
    failed,      // the store failed: every result holds the error
  };
  // One transaction for the batch. isolated: each job in its own savepoint, so a failing job is
  // recorded in results and the others commit; otherwise the first failing job rolls back all.
  BatchOutcome run_batch(std::vector<Entry>& batch, std::vector<std::exception_ptr>& results, bool isolated);
  void run();
  void report();

  handlers::Store& store_;
  std::size_t batch_max_;
  std::function<void()> after_commit_;
  std::function<void()> after_rollback_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Entry> queue_;
  bool stopping_{false};
  WriterStats stats_;
  // The reporting stage (guarded by mutex_ too).
  std::condition_variable report_cv_;
  std::deque<Finished> finished_;
  bool writer_done_{false};
  std::thread thread_;
  std::thread reporter_;
};

}  // namespace supplybot::bot
