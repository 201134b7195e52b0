#include "bot/writer.hpp"

#include <pthread.h>

#include <vector>

#include "bot/log.hpp"

namespace supplybot::bot {

Writer::Writer(handlers::Store& store, std::size_t batch_max, std::function<void()> after_commit,
               std::function<void()> after_rollback)
    : store_(store),
      batch_max_(batch_max == 0 ? 1 : batch_max),
      after_commit_(std::move(after_commit)),
      after_rollback_(std::move(after_rollback)) {
  // Named for top -H, perf and the load bench's per-thread figures.
  reporter_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "sb-sync");
    report();
  });
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "sb-writer");
    run();
  });
}

Writer::~Writer() { stop(); }

bool Writer::submit(Job job, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    queue_.push_back(Entry{std::move(job), std::move(done)});
  }
  cv_.notify_one();
  return true;
}

void Writer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mutex_);
    writer_done_ = true;
  }
  report_cv_.notify_one();
  if (reporter_.joinable()) reporter_.join();
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mutex_);
  auto s = stats_;
  s.queue_depth = queue_.size();
  return s;
}

void Writer::run() {
  std::vector<Entry> batch;
  std::vector<std::exception_ptr> results;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < batch_max_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    auto started = std::chrono::steady_clock::now();
    // First without a savepoint per job: a savepoint costs two statements and a copy of every page
    // a job changes (SQLite's statement journal), about a sixth of the writer's work per order.
    // Jobs fail only on bugs and bad data, rarely: then the whole transaction is rolled back and
    // the batch runs again, each job in its own savepoint, so only the failing one is lost. Jobs
    // must therefore be safe to run twice when the first run was rolled back (they write their
    // results, never append to them; state kept beside the database is reset by after_rollback).
    auto outcome = run_batch(batch, results, /*isolated=*/false);
    bool retried = outcome == BatchOutcome::job_failed;
    if (retried) outcome = run_batch(batch, results, /*isolated=*/true);
    const bool committed = outcome == BatchOutcome::committed;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    {
      std::lock_guard lock(mutex_);
      stats_.batches++;
      stats_.jobs += batch.size();
      if (!committed) stats_.failed_commits++;
      if (retried) stats_.isolated_retries++;
      auto n = batch.size();
      int bucket = n <= 1 ? 0 : n <= 4 ? 1 : n <= 16 ? 2 : n <= 64 ? 3 : n <= 256 ? 4 : 5;
      stats_.batch_size_buckets[bucket]++;
      stats_.commit_seconds_sum += secs;
    }
    Finished f;
    f.dones.reserve(batch.size());
    for (auto& e : batch) f.dones.push_back(std::move(e.done));
    f.results = std::move(results);
    f.committed = committed;
    {
      std::lock_guard lock(mutex_);
      finished_.push_back(std::move(f));
    }
    report_cv_.notify_one();
    batch.clear();
    results.clear();
  }
}

namespace {
// Thrown out of the transaction to roll it back when a job failed in a batch run without
// savepoints.
struct JobFailedInBatch {};
}  // namespace

Writer::BatchOutcome Writer::run_batch(std::vector<Entry>& batch, std::vector<std::exception_ptr>& results,
                                       bool isolated) {
  results.assign(batch.size(), nullptr);
  try {
    store_.write([&](handlers::StoreTx& tx) {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
          if (isolated) tx.savepoint([&] { batch[i].job(tx); });
          else batch[i].job(tx);
        } catch (const handlers::StoreError&) {
          throw;  // the database itself is failing: the whole batch must not be acknowledged
        } catch (...) {
          if (!isolated) throw JobFailedInBatch{};
          results[i] = std::current_exception();  // this job only; the rest of the batch goes on
          if (after_rollback_) after_rollback_();
        }
      }
    });
    return BatchOutcome::committed;
  } catch (const JobFailedInBatch&) {
    if (after_rollback_) after_rollback_();
    return BatchOutcome::job_failed;
  } catch (const std::exception& e) {
    log::error("writer", {{"event", "commit_failed"}, {"jobs", std::to_string(batch.size())}, {"error", e.what()}});
    auto failure = std::current_exception();
    for (auto& r : results) r = failure;
    if (after_rollback_) after_rollback_();
    return BatchOutcome::failed;
  }
}

void Writer::report() {
  std::vector<Finished> ready;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      report_cv_.wait(lock, [&] { return writer_done_ || !finished_.empty(); });
      if (finished_.empty() && writer_done_) return;
      while (!finished_.empty()) {
        ready.push_back(std::move(finished_.front()));
        finished_.pop_front();
      }
    }
    // One sync for every batch committed so far: they were all committed before it starts.
    bool any_committed = false;
    for (const auto& f : ready) any_committed = any_committed || f.committed;
    std::exception_ptr sync_failure;
    if (any_committed) {
      auto started = std::chrono::steady_clock::now();
      try {
        store_.sync();
      } catch (const std::exception& e) {
        log::error("writer", {{"event", "sync_failed"}, {"batches", std::to_string(ready.size())}, {"error", e.what()}});
        sync_failure = std::current_exception();
      }
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::lock_guard lock(mutex_);
      stats_.syncs++;
      if (sync_failure) stats_.failed_syncs++;
      stats_.sync_seconds_sum += secs;
    }
    bool wake = false;
    for (auto& f : ready) {
      // Committed but not known to be on disk: not acknowledged. The platform redelivers, and the
      // redelivery finds the update stored (dedup) once the disk works again.
      if (f.committed && sync_failure) {
        for (auto& r : f.results) r = sync_failure;
      }
      for (std::size_t i = 0; i < f.dones.size(); ++i) {
        if (f.dones[i]) f.dones[i](f.results[i]);
      }
      wake = wake || (f.committed && !sync_failure);
    }
    ready.clear();
    if (wake && after_commit_) after_commit_();
  }
}

}  // namespace supplybot::bot
