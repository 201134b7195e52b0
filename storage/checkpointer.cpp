#include "storage/checkpointer.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <pthread.h>

namespace supplybot::storage {

Checkpointer::Checkpointer(const std::filesystem::path& db_path, int soft_frames, int hard_frames)
    : soft_frames_(soft_frames < 1 ? 1 : soft_frames),
      hard_frames_(hard_frames < 1 ? 1 : hard_frames),
      // Used by this thread only. Its synchronous setting (FULL, SQLite's default) makes every
      // checkpoint fsync the WAL before copying and the database after.
      db_(std::make_unique<SQLite::Database>(db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX)) {
  // A connection that has never read the database has not opened its WAL: a checkpoint through it
  // "succeeds" having done nothing, reporting -1 frames. One read opens the WAL for good.
  db_->execAndGet("SELECT COUNT(*) FROM sqlite_master");
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "sb-checkpoint");
    run();
  });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::attach(sqlite3* writer) { sqlite3_wal_hook(writer, &Checkpointer::on_commit, this); }

CheckpointStats Checkpointer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

// Called by SQLite on the writer thread after each commit, with the WAL's size in frames.
int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto& c = *static_cast<Checkpointer*>(self);
  c.wal_frames_.store(frames, std::memory_order_relaxed);
  int done = c.backfilled_.load(std::memory_order_relaxed);
  if (frames < done) {  // the WAL was started again from its beginning
    done = 0;
    c.backfilled_.store(0, std::memory_order_relaxed);
  }
  const int behind = frames - done;
  if (behind >= c.hard_frames_) {
    // Fallen behind (starved of CPU, or a reader held the copy back): the writer does it, which
    // also lets the next write start the WAL again.
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    std::lock_guard lock(c.mutex_);
    if (rc == SQLITE_OK) {
      c.backfilled_.store(copied, std::memory_order_relaxed);
      c.stats_.writer_checkpoints++;
      c.stats_.frames_copied += static_cast<std::uint64_t>(copied > done ? copied - done : 0);
    } else {
      c.stats_.failed++;
    }
  } else if (behind >= c.soft_frames_) {
    std::lock_guard lock(c.mutex_);
    if (!c.wanted_) {
      c.wanted_ = true;
      c.stats_.wakeups++;
      c.cv_.notify_one();
    }
  }
  return SQLITE_OK;  // an error here would be reported as the COMMIT's; the commit is done
}

void Checkpointer::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return wanted_ || stopping_; });
      if (stopping_) return;
    }
    int before = backfilled_.load(std::memory_order_relaxed);
    int log = 0, copied = 0;
    // PASSIVE: copies what no reader still needs, without waiting for or blocking anyone.
    int rc = sqlite3_wal_checkpoint_v2(db_->getHandle(), "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    std::unique_lock lock(mutex_);
    // Commits made while it ran found it wanted already: if they left enough behind, again.
    wanted_ = false;
    if (rc == SQLITE_OK && copied >= 0) {  // -1: not in WAL mode after all, nothing was copied
      backfilled_.store(copied, std::memory_order_relaxed);
      stats_.checkpoints++;
      stats_.frames_copied += static_cast<std::uint64_t>(copied > before ? copied - before : copied);
      // Only after progress: a reader holding old pages back would otherwise make this spin. A
      // WAL started again since has fewer frames than were copied: nothing is behind then.
      wanted_ = copied > before && wal_frames_.load(std::memory_order_relaxed) - copied >= soft_frames_;
    } else if (rc == SQLITE_BUSY) {  // the writer's own checkpoint was running
      stats_.busy++;
    } else {
      stats_.failed++;
      // A failing disk (or no WAL): not again at every commit.
      cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stopping_; });
    }
  }
}

}  // namespace supplybot::storage
