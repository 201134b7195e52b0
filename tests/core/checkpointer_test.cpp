// The checkpoint thread (storage/checkpointer.hpp): it copies the WAL into the database off the
// writer, the writer takes over when it falls behind, and nothing written is lost either way.
#include "storage/checkpointer.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "storage/sqlite_store.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace std::chrono_literals;

namespace {

// A WAL database as the server's writer has it: commits without fsync, no automatic checkpoint.
std::unique_ptr<SQLite::Database> open_writer(const std::filesystem::path& path) {
  auto db = std::make_unique<SQLite::Database>(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db->exec("PRAGMA journal_mode = WAL");
  db->exec("PRAGMA synchronous = NORMAL");
  db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  return db;
}

// One transaction per row, each a page or two of WAL.
void insert_rows(SQLite::Database& db, int from, int count) {
  SQLite::Statement insert(db, "INSERT INTO t (id, body) VALUES (?, ?)");
  const std::string body(3000, 'x');
  for (int i = from; i < from + count; ++i) {
    insert.bind(1, i);
    insert.bind(2, body);
    insert.exec();
    insert.reset();
  }
}

void check_rows(const std::filesystem::path& path, int expected) {
  SQLite::Database check(path.string(), SQLite::OPEN_READONLY);
  CHECK(check.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK(check.execAndGet("SELECT COUNT(*) FROM t").getInt() == expected);
}

std::uintmax_t wal_frames(const std::filesystem::path& path) {
  auto size = std::filesystem::file_size(path.string() + "-wal");
  return size <= 32 ? 0 : (size - 32) / (4096 + 24);  // WAL header, then (frame header + page) each
}

}  // namespace

TEST_CASE("checkpointer: the thread copies the WAL into the database, the writer does not") {
  testing::TempDir dir;
  auto path = dir.path() / "ckpt.db";
  auto db = open_writer(path);
  storage::Checkpointer ckpt(path, 20, 1'000'000);
  ckpt.attach(db->getHandle());
  insert_rows(*db, 0, 400);
  // The thread runs when the scheduler lets it: wait for it, within reason.
  for (int i = 0; i < 500 && ckpt.stats().checkpoints == 0; ++i) std::this_thread::sleep_for(10ms);
  auto st = ckpt.stats();
  CHECK(st.checkpoints > 0);
  CHECK(st.frames_copied > 0);
  // No more than were written (it once counted -1 as copied): each commit writes at most three
  // pages, the row's own (3,000 bytes), the table's root and page 1 (the database size), and
  // the CREATE TABLE before them two (page 1 and the new root), still in the WAL when the
  // thread starts (seen: 1,201 copied).
  CHECK(st.frames_copied <= 3 * 400 + 2);
  CHECK(st.writer_checkpoints == 0);
  CHECK(st.failed == 0);
  // The rows are in the database file itself now, not only in the WAL (before the fix the
  // thread's connection had no WAL open and its checkpoints copied nothing).
  // All but the last few (fewer than the 20 that wake the thread): a row per page.
  const std::uintmax_t most = 370 * 4096;
  for (int i = 0; i < 500 && std::filesystem::file_size(path) < most; ++i) std::this_thread::sleep_for(10ms);
  CHECK(std::filesystem::file_size(path) >= most);
  check_rows(path, 400);
}

TEST_CASE("checkpointer: past the hard limit the writer checkpoints itself, and the WAL stays small") {
  testing::TempDir dir;
  auto path = dir.path() / "ckpt.db";
  auto db = open_writer(path);
  // Soft limit never reached: as if the thread were starved. Every 20 frames the writer copies
  // the WAL, and the next commit starts it again from its beginning.
  storage::Checkpointer ckpt(path, 1'000'000, 20);
  ckpt.attach(db->getHandle());
  insert_rows(*db, 0, 400);
  auto st = ckpt.stats();
  CHECK(st.checkpoints == 0);
  CHECK(st.writer_checkpoints >= 10);
  CHECK(st.failed == 0);
  CHECK(wal_frames(path) < 40);  // 400 commits of a page or more each, in a WAL of 20-odd frames
  check_rows(path, 400);
}

TEST_CASE("checkpointer: without one, the WAL only grows (what the limits above prevent)") {
  testing::TempDir dir;
  auto path = dir.path() / "ckpt.db";
  auto db = open_writer(path);
  db->exec("PRAGMA wal_autocheckpoint = 0");
  insert_rows(*db, 0, 400);
  CHECK(wal_frames(path) >= 400);
}

TEST_CASE("checkpointer: a deferred-sync store checkpoints in the background and loses nothing") {
  testing::TempDir dir;
  auto path = dir.path() / "store.db";
  {
    storage::SqliteStore store({.path = path, .deferred_sync = true, .checkpoint_frames = 8});
    for (int i = 0; i < 300; ++i) {
      store.write([i](handlers::StoreTx& tx) {
        tx.insert_inbound(handlers::ChatMessage{.platform = handlers::Platform::telegram, .chat_id = "-1",
                                                .sender_id = "7", .message_id = std::to_string(i),
                                                .update_key = std::to_string(i), .text = "白菜2斤", .time = 1},
                          1);
      });
      store.sync();
    }
  }  // the destructor stops the thread, a checkpoint in progress included
  SQLite::Database check(path.string(), SQLite::OPEN_READONLY);
  CHECK(check.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK(check.execAndGet("SELECT COUNT(*) FROM inbound").getInt() == 300);
}
