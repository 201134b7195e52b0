#pragma once
// SQLite implementation of the storage port. One write connection, used only inside write() by
// the engine's writer thread, and one read connection behind a mutex for everyone else. WAL mode,
// foreign keys on, synchronous=FULL by default so an acknowledged update survives power loss.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "handlers/store.hpp"
#include "storage/batched_index.hpp"

namespace SQLite {
class Database;
class Statement;
}

namespace supplybot::storage {

class Checkpointer;

struct SqliteOptions {
  std::filesystem::path path;         // ":memory:" for tests
  std::string synchronous{"FULL"};
  bool migrate{true};                 // apply pending migrations on open
  // With synchronous FULL: commit without waiting for the disk (SQLite's NORMAL) and make commits
  // durable in sync() instead, which fdatasyncs the WAL. For the server's Writer, whose reporting
  // thread calls sync() while the next batch is being written; a caller that never calls sync()
  // must leave this off. Ignored for ":memory:" and other synchronous settings.
  bool deferred_sync{false};
  // With deferred_sync: WAL pages written before the checkpoint thread copies them into the
  // database (storage/checkpointer.hpp). 1,000 measured best in bench/load: fewer pages per
  // checkpoint make shorter fsyncs of the database, which delay the WAL's fsyncs less.
  int checkpoint_frames{1000};
  // Rows inbound may be ahead of its batched index (message_rows) before the writer fills it
  // (storage/batched_index.hpp). Tests make it small.
  int index_batch_rows{k_default_index_batch_rows};
};

class SqliteStore final : public handlers::Store {
 public:
  explicit SqliteStore(const SqliteOptions& options);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void write(const std::function<void(handlers::StoreTx&)>& fn) override;
  void sync() override;

  std::vector<handlers::OutboxRow> due_outbox(handlers::UnixTime now, std::size_t limit) override;
  std::optional<handlers::UnixTime> next_outbox_due() override;
  std::vector<handlers::WaitingReply> waiting_replies(handlers::UnixTime now) override;
  // The checkpoint thread's counts (storage/checkpointer.hpp), when there is one.
  std::vector<Counter> counters() override;
  handlers::OutboxStats outbox_stats() override;
  std::vector<std::pair<std::string, std::int64_t>> orders_by_status() override;
  std::vector<handlers::Order> recent_orders(std::size_t limit) override;
  bool inbound_seen(handlers::Platform p, std::string_view update_key) override;
  bool healthy() override;

  int schema_version();
  // Consistent online copy (SQLite backup API) to file, while others keep writing.
  void backup_to(const std::filesystem::path& file);

 private:
  class Tx;
  class ReadStmt;
  SQLite::Database& reader();

  std::unique_ptr<SQLite::Database> writer_;
  std::unique_ptr<SQLite::Database> reader_;  // null for :memory: (reads use writer_)
  std::unique_ptr<Tx> tx_;
  std::mutex read_mutex_;
  // Statements of the read connection, prepared once (guarded by read_mutex_; see ReadStmt).
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> read_cache_;
  std::mutex write_mutex_;
  int index_batch_rows_{k_default_index_batch_rows};
  // For /metrics (counters()), read from other threads.
  std::atomic<std::uint64_t> index_batches_{0};
  std::atomic<std::uint64_t> index_batch_rows_added_{0};
  std::atomic<std::uint64_t> index_batch_us_{0};
  // Deferred sync: the WAL file, opened on the first sync after it exists (-1 until then).
  bool deferred_sync_{false};
  std::filesystem::path wal_path_;
  int wal_fd_{-1};
  unsigned long long wal_inode_{0};
  std::mutex sync_mutex_;
  // Deferred sync only: checkpoints on their own thread (declared last: stops first).
  std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace supplybot::storage
