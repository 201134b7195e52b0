#pragma once
// Copies the WAL into the database file (an SQLite checkpoint) on a thread of its own, so the
// server's one writer never does it inside a COMMIT. A checkpoint reads thousands of pages from
// the WAL, writes them into the database and fsyncs both files: done by the writer, it stopped
// every waiting request for tens of milliseconds (the load bench's p99) and took a fifth of its
// CPU; here it runs on the other core while the writer goes on.
//
// The write connection reports each commit's WAL size (attach(), an sqlite3_wal_hook); once
// `soft_frames` pages have been written since the last checkpoint, this thread runs a PASSIVE
// checkpoint on its own connection (it never blocks the writer or readers). SQLite starts the
// WAL again from the beginning at the next write once every frame has been copied. Should this
// thread fall behind by `hard_frames`, the writer checkpoints itself, as SQLite's automatic
// checkpoint would, so the WAL cannot grow without bound.
//
// Durability is unchanged: a checkpoint fsyncs the WAL before copying it and the database after,
// and SqliteStore::sync() still makes each commit durable before it is acknowledged.

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

namespace SQLite {
class Database;
}

namespace supplybot::storage {

struct CheckpointStats {
  std::uint64_t checkpoints{0};         // by this thread
  std::uint64_t writer_checkpoints{0};  // by the writer, because this thread fell behind
  std::uint64_t failed{0};
  std::uint64_t busy{0};                // found another checkpoint running: nothing done
  std::uint64_t wakeups{0};             // times a commit woke the thread
  std::uint64_t frames_copied{0};
};

class Checkpointer {
 public:
  // hard_frames <= soft_frames leaves every checkpoint to the writer (the tests use that).
  Checkpointer(const std::filesystem::path& db_path, int soft_frames, int hard_frames);
  ~Checkpointer();  // finishes the checkpoint in progress, then joins
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Installs the WAL hook on the write connection (replaces SQLite's automatic checkpoint).
  void attach(sqlite3* writer);
  CheckpointStats stats() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
  void run();

  int soft_frames_;
  int hard_frames_;
  std::unique_ptr<SQLite::Database> db_;
  // Frames of the current WAL copied into the database by the last checkpoint.
  std::atomic<int> backfilled_{0};
  std::atomic<int> wal_frames_{0};  // the WAL's size at the last commit
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool wanted_{false};
  bool stopping_{false};
  CheckpointStats stats_;
  std::thread thread_;
};

}  // namespace supplybot::storage
