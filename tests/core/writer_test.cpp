// The writer's two stages: batches are committed on the writer thread, and each job is reported
// done only after Store::sync() returned for its batch (tests/core, no sockets; a real SQLite
// store behind a wrapper that controls sync()).
#include "bot/writer.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>

#include "storage/sqlite_store.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace std::chrono_literals;

namespace {

// A real store whose sync() the test can hold, count and make fail.
class GatedStore final : public handlers::Store {
 public:
  explicit GatedStore(handlers::Store& inner) : inner_(inner) {}

  void write(const std::function<void(handlers::StoreTx&)>& fn) override { inner_.write(fn); }
  void sync() override {
    std::unique_lock lock(m_);
    ++syncs_started;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    if (fail_next_) {
      fail_next_ = false;
      throw handlers::StoreError("fdatasync failed: Input/output error");
    }
  }
  void hold() {
    std::lock_guard lock(m_);
    open_ = false;
  }
  void release() {
    {
      std::lock_guard lock(m_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void fail_next() {
    std::lock_guard lock(m_);
    fail_next_ = true;
  }
  bool wait_syncs_started(int n) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, 5s, [&] { return syncs_started >= n; });
  }
  int started() {
    std::lock_guard lock(m_);
    return syncs_started;
  }

  std::vector<handlers::OutboxRow> due_outbox(handlers::UnixTime now, std::size_t limit) override {
    return inner_.due_outbox(now, limit);
  }
  std::optional<handlers::UnixTime> next_outbox_due() override { return inner_.next_outbox_due(); }
  std::vector<handlers::WaitingReply> waiting_replies(handlers::UnixTime now) override {
    return inner_.waiting_replies(now);
  }
  handlers::OutboxStats outbox_stats() override { return inner_.outbox_stats(); }
  std::vector<std::pair<std::string, std::int64_t>> orders_by_status() override { return inner_.orders_by_status(); }
  std::vector<handlers::Order> recent_orders(std::size_t limit) override { return inner_.recent_orders(limit); }
  bool inbound_seen(handlers::Platform p, std::string_view update_key) override {
    return inner_.inbound_seen(p, update_key);
  }
  bool healthy() override { return inner_.healthy(); }

 private:
  handlers::Store& inner_;
  std::mutex m_;
  std::condition_variable cv_;
  bool open_{true};
  bool fail_next_{false};
  int syncs_started{0};
};

handlers::ChatMessage message(std::string key) {
  return handlers::ChatMessage{.platform = handlers::Platform::telegram, .chat_id = "-1", .sender_id = "7",
                               .message_id = key, .update_key = key, .text = "hi", .time = 1};
}

// Submits one job storing an inbound row; the future holds what the writer reported.
std::future<std::exception_ptr> store_inbound(bot::Writer& w, std::string key) {
  auto promise = std::make_shared<std::promise<std::exception_ptr>>();
  auto f = promise->get_future();
  bool accepted = w.submit([key](handlers::StoreTx& tx) { tx.insert_inbound(message(key), 1); },
                           [promise](std::exception_ptr e) { promise->set_value(e); });
  REQUIRE(accepted);
  return f;
}

// after_commit runs just after the batch's reports, on the reporting thread.
bool eventually(const std::atomic<int>& n, int at_least) {
  for (int i = 0; i < 500 && n < at_least; ++i) std::this_thread::sleep_for(10ms);
  return n >= at_least;
}

}  // namespace

TEST_CASE("writer: a job is reported only after the sync that covers its commit") {
  storage::SqliteStore inner({.path = ":memory:"});
  GatedStore store(inner);
  std::atomic<int> woken{0};
  bot::Writer writer(store, 64, [&] { ++woken; });

  store.hold();
  auto first = store_inbound(writer, "1");
  REQUIRE(store.wait_syncs_started(1));
  // Committed (the read connection sees it) but not yet durable: not reported, outbox not woken.
  CHECK(inner.inbound_seen(handlers::Platform::telegram, "1"));
  CHECK(first.wait_for(100ms) == std::future_status::timeout);
  CHECK(woken == 0);

  // Meanwhile the writer goes on committing the next batches.
  auto second = store_inbound(writer, "2");
  auto third = store_inbound(writer, "3");
  for (int i = 0; i < 100 && !inner.inbound_seen(handlers::Platform::telegram, "3"); ++i) std::this_thread::sleep_for(10ms);
  CHECK(inner.inbound_seen(handlers::Platform::telegram, "3"));
  CHECK(second.wait_for(50ms) == std::future_status::timeout);

  store.release();
  REQUIRE(first.wait_for(5s) == std::future_status::ready);
  CHECK(first.get() == nullptr);
  REQUIRE(second.wait_for(5s) == std::future_status::ready);
  REQUIRE(third.wait_for(5s) == std::future_status::ready);
  CHECK(second.get() == nullptr);
  CHECK(third.get() == nullptr);
  // Batches 2 and 3 committed while the first sync was held: one more sync covered both.
  auto st = writer.stats();
  CHECK(st.batches >= 2);
  CHECK(st.syncs <= st.batches);
  CHECK(store.started() == static_cast<int>(st.syncs));
  CHECK(eventually(woken, 1));
}

TEST_CASE("writer: a failed sync fails its jobs, and the next sync serves the next ones") {
  storage::SqliteStore inner({.path = ":memory:"});
  GatedStore store(inner);
  std::atomic<int> woken{0};
  bot::Writer writer(store, 64, [&] { ++woken; });

  store.fail_next();
  auto lost = store_inbound(writer, "1");
  REQUIRE(lost.wait_for(5s) == std::future_status::ready);
  auto e = lost.get();
  REQUIRE(e != nullptr);
  CHECK_THROWS_AS(std::rethrow_exception(e), handlers::StoreError);
  CHECK(woken == 0);
  CHECK(writer.stats().failed_syncs == 1);

  auto ok = store_inbound(writer, "2");
  REQUIRE(ok.wait_for(5s) == std::future_status::ready);
  CHECK(ok.get() == nullptr);
  CHECK(eventually(woken, 1));
  CHECK(woken == 1);
}

TEST_CASE("writer: a failing job costs only itself; the batch runs again with a savepoint per job") {
  storage::SqliteStore inner({.path = ":memory:"});
  GatedStore store(inner);
  std::atomic<int> rollbacks{0};
  bot::Writer writer(store, 64, {}, [&] { ++rollbacks; });

  // The first job holds the writer until the others are queued, so they make one batch.
  std::promise<void> gate;
  auto gate_future = gate.get_future().share();
  auto gate_done = std::make_shared<std::promise<std::exception_ptr>>();
  auto first = gate_done->get_future();
  REQUIRE(writer.submit([gate_future](handlers::StoreTx& tx) {
    gate_future.wait();
    tx.insert_inbound(message("gate"), 1);
  }, [gate_done](std::exception_ptr e) { gate_done->set_value(e); }));

  std::atomic<int> runs_a{0}, runs_c{0};
  auto submit = [&](bot::Writer::Job job) {
    auto p = std::make_shared<std::promise<std::exception_ptr>>();
    auto f = p->get_future();
    REQUIRE(writer.submit(std::move(job), [p](std::exception_ptr e) { p->set_value(e); }));
    return f;
  };
  auto a = submit([&](handlers::StoreTx& tx) { ++runs_a; tx.insert_inbound(message("a"), 1); });
  auto b = submit([](handlers::StoreTx& tx) {
    tx.insert_inbound(message("b"), 1);
    throw std::runtime_error("a bug in handling b");
  });
  auto c = submit([&](handlers::StoreTx& tx) { ++runs_c; tx.insert_inbound(message("c"), 1); });
  gate.set_value();

  for (auto* f : {&first, &a, &c}) {
    REQUIRE(f->wait_for(5s) == std::future_status::ready);
    CHECK(f->get() == nullptr);
  }
  REQUIRE(b.wait_for(5s) == std::future_status::ready);
  auto e = b.get();
  REQUIRE(e != nullptr);
  CHECK_THROWS_WITH_AS(std::rethrow_exception(e), "a bug in handling b", std::runtime_error);
  // b's own write is undone; the others are stored once.
  CHECK(inner.inbound_seen(handlers::Platform::telegram, "a"));
  CHECK_FALSE(inner.inbound_seen(handlers::Platform::telegram, "b"));
  CHECK(inner.inbound_seen(handlers::Platform::telegram, "c"));
  auto st = writer.stats();
  CHECK(st.isolated_retries == 1);
  CHECK(st.failed_commits == 0);
  // a and c ran in the rolled-back first run and again (c never got to run the first time).
  CHECK(runs_a == 2);
  CHECK(runs_c == 1);
  // The first run's rollback and b's savepoint: state kept beside the database is read again.
  CHECK(rollbacks == 2);
}

TEST_CASE("writer: a batch without failures runs each job once, without retries") {
  storage::SqliteStore inner({.path = ":memory:"});
  GatedStore store(inner);
  std::atomic<int> rollbacks{0};
  bot::Writer writer(store, 64, {}, [&] { ++rollbacks; });
  std::atomic<int> runs{0};
  std::vector<std::future<std::exception_ptr>> done;
  for (int i = 0; i < 30; ++i) {
    auto p = std::make_shared<std::promise<std::exception_ptr>>();
    done.push_back(p->get_future());
    REQUIRE(writer.submit([&runs, i](handlers::StoreTx& tx) { ++runs; tx.insert_inbound(message(std::to_string(i)), 1); },
                          [p](std::exception_ptr e) { p->set_value(e); }));
  }
  for (auto& f : done) {
    REQUIRE(f.wait_for(5s) == std::future_status::ready);
    CHECK(f.get() == nullptr);
  }
  CHECK(runs == 30);
  CHECK(rollbacks == 0);
  CHECK(writer.stats().isolated_retries == 0);
}

TEST_CASE("writer: stop reports every job, after their sync") {
  storage::SqliteStore inner({.path = ":memory:"});
  GatedStore store(inner);
  bot::Writer writer(store, 4);
  std::vector<std::future<std::exception_ptr>> done;
  for (int i = 0; i < 20; ++i) done.push_back(store_inbound(writer, std::to_string(i)));
  writer.stop();
  for (auto& f : done) {
    REQUIRE(f.wait_for(0s) == std::future_status::ready);
    CHECK(f.get() == nullptr);
  }
  CHECK(writer.stats().jobs == 20);
  CHECK_FALSE(writer.submit([](handlers::StoreTx&) {}, nullptr));
}

TEST_CASE("storage: deferred sync fsyncs the WAL, and commits stay readable before it") {
  testing::TempDir dir;
  auto path = dir.path() / "deferred.db";
  storage::SqliteStore store({.path = path, .deferred_sync = true});
  store.sync();  // nothing written yet: nothing to do, no error
  store.write([](handlers::StoreTx& tx) { tx.insert_inbound(message("1"), 1); });
  CHECK(std::filesystem::exists(path.string() + "-wal"));
  CHECK(store.inbound_seen(handlers::Platform::telegram, "1"));
  store.sync();
  store.write([](handlers::StoreTx& tx) { tx.insert_inbound(message("2"), 1); });
  store.sync();
  SQLite::Database check(path.string(), SQLite::OPEN_READONLY);
  CHECK(check.execAndGet("SELECT COUNT(*) FROM inbound").getInt() == 2);
}
