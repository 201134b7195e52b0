#include "storage/sqlite_store.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <random>

#include "storage/migrations.hpp"

using namespace supplybot;
using namespace supplybot::handlers;

namespace {
ChatMessage msg(std::string key, std::string text = "hi") {
  return ChatMessage{.platform = Platform::telegram, .chat_id = "-1", .sender_id = "7", .message_id = "1",
                     .update_key = std::move(key), .text = std::move(text), .time = 1};
}
}  // namespace

TEST_CASE("storage: migrations run once and record the version") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  CHECK(storage::schema_version(db) == 0);
  CHECK(storage::migrate(db) == static_cast<int>(storage::migrations().size()));
  CHECK(storage::schema_version(db) == storage::migrations().back().version);
  CHECK(storage::migrate(db) == 0);
  SUBCASE("a newer database is refused") {
    db.exec("INSERT INTO schema_version (version) VALUES (999)");
    CHECK_THROWS(storage::migrate(db));
  }
}

TEST_CASE("storage: inbound dedup by platform and update key") {
  storage::SqliteStore store({.path = ":memory:"});
  store.write([](StoreTx& tx) {
    CHECK(tx.insert_inbound(msg("1"), 10));
    CHECK_FALSE(tx.insert_inbound(msg("1"), 11));
    CHECK(tx.insert_inbound(msg("2"), 11));
    auto other = msg("1");
    other.platform = Platform::wecom;
    CHECK(tx.insert_inbound(other, 12));
  });
}

TEST_CASE("storage: inbound_seen tells a stored update from a new one, outside the writer") {
  storage::SqliteStore store({.path = ":memory:"});
  CHECK_FALSE(store.inbound_seen(Platform::telegram, "1"));
  store.write([](StoreTx& tx) { tx.insert_inbound(msg("1"), 10); });
  CHECK(store.inbound_seen(Platform::telegram, "1"));
  CHECK_FALSE(store.inbound_seen(Platform::telegram, "2"));
  CHECK_FALSE(store.inbound_seen(Platform::bridge, "1"));
}

TEST_CASE("storage: a failed transaction leaves nothing behind") {
  storage::SqliteStore store({.path = ":memory:"});
  CHECK_THROWS(store.write([](StoreTx& tx) {
    tx.insert_inbound(msg("1"), 10);
    throw std::runtime_error("boom");
  }));
  store.write([](StoreTx& tx) { CHECK(tx.insert_inbound(msg("1"), 10)); });
}

TEST_CASE("storage: a savepoint undoes only its own writes") {
  storage::SqliteStore store({.path = ":memory:"});
  store.write([](StoreTx& tx) {
    tx.savepoint([&] { tx.insert_inbound(msg("a"), 1); });
    CHECK_THROWS(tx.savepoint([&] {
      tx.insert_inbound(msg("b"), 1);
      throw std::runtime_error("bad message");
    }));
    CHECK_FALSE(tx.insert_inbound(msg("a"), 1));
    CHECK(tx.insert_inbound(msg("b"), 1));
  });
}

TEST_CASE("storage: outbox rows come due in order and change state") {
  storage::SqliteStore store({.path = ":memory:"});
  std::int64_t a = 0, b = 0, c = 0;
  store.write([&](StoreTx& tx) {
    a = tx.enqueue_outbox(OutgoingMessage{.chat_id = "-1", .text = "a", .reply_to = std::string("5"), .order_no = 3}, 100, 100);
    b = tx.enqueue_outbox(OutgoingMessage{.chat_id = "-1", .thread_id = 9, .text = "b"}, 50, 100);
    c = tx.enqueue_outbox(OutgoingMessage{.chat_id = "-2", .text = "c"}, 500, 100);
  });
  auto due = store.due_outbox(100, 10);
  REQUIRE(due.size() == 2);
  CHECK(due[0].id == b);
  CHECK(*due[0].message.thread_id == 9);
  CHECK(due[1].message.text == "a");
  CHECK(*due[1].message.reply_to == "5");
  CHECK(due[1].message.order_no == 3);
  CHECK(*store.next_outbox_due() == 50);

  store.write([&](StoreTx& tx) {
    tx.outbox_sent(a, "777", 101);
    tx.outbox_retry(b, 200, "502", true);
    tx.outbox_failed(c, "403: kicked", 101);
    CHECK(*tx.order_for_bot_message(Platform::telegram, "-1", "777") == OrderId{3});
    CHECK_FALSE(tx.order_for_bot_message(Platform::telegram, "-2", "777"));
  });
  CHECK(store.due_outbox(150, 10).empty());
  auto later = store.due_outbox(200, 10);
  REQUIRE(later.size() == 1);
  CHECK(later[0].attempts == 1);
  auto st = store.outbox_stats();
  CHECK(st.pending == 1);
  CHECK(st.oldest_pending_created == 100);
  CHECK(st.failed == 1);
}

TEST_CASE("storage: orders with items, status events and household lookups") {
  storage::SqliteStore store({.path = ":memory:"});
  store.write([](StoreTx& tx) {
    auto h = tx.upsert_household("3-2-502", "3", 1);
    CHECK(tx.upsert_household("3-2-502", "3", 2) == h);
    tx.upsert_member(Member{.platform = Platform::telegram, .user_id = "7", .display_name = "王", .household = h}, 1);
    auto m = tx.member(Platform::telegram, "7");
    REQUIRE(m);
    CHECK(*m->household == h);
    // Updating the name without a household keeps the link.
    tx.upsert_member(Member{.platform = Platform::telegram, .user_id = "7", .display_name = "王阿姨"}, 2);
    CHECK(*tx.member(Platform::telegram, "7")->household == h);

    auto id = tx.insert_order(NewOrder{.household = h, .chat_id = "-1", .source_message_id = "10", .sender_id = "7",
                                       .lines = {{.name = "白菜", .qty = 2, .unit = "斤"}, {.name = "鸡蛋", .qty = 1, .unit = "盒"}}},
                              3);
    auto o = tx.order(id);
    REQUIRE(o);
    CHECK(o->address == "3-2-502");
    CHECK(o->status == OrderStatus::pending);
    REQUIRE(o->lines.size() == 2);
    CHECK(o->lines[1].name == "鸡蛋");
    CHECK(tx.order_by_source(Platform::telegram, "-1", "10")->no == id);

    tx.replace_lines(id, {{.name = "白菜", .qty = 3, .unit = "斤"}}, "不要辣", 4);
    o = tx.order(id);
    CHECK(o->lines.size() == 1);
    CHECK(o->lines[0].qty == 3);
    CHECK(o->notes == "不要辣");
    CHECK(tx.open_orders_of(h).size() == 1);
    tx.set_status(id, OrderStatus::cancelled, "7", "by resident", 5);
    CHECK(tx.open_orders_of(h).empty());
  });
  auto by = store.orders_by_status();
  REQUIRE(by.size() == 1);
  CHECK(by[0].first == "cancelled");
}

TEST_CASE("storage: file database in WAL mode, with backup") {
  auto dir = std::filesystem::temp_directory_path() / ("supplybot-storage-" + std::to_string(std::random_device{}()));
  {
    storage::SqliteStore store({.path = dir / "sub" / "x.db"});
    store.write([](StoreTx& tx) { tx.insert_inbound(msg("1"), 1); });
    CHECK(store.healthy());
    store.backup_to(dir / "copy.db");
  }
  SQLite::Database copy((dir / "copy.db").string());
  SQLite::Statement q(copy, "SELECT COUNT(*) FROM inbound");
  q.executeStep();
  CHECK(q.getColumn(0).getInt() == 1);
  SQLite::Database orig((dir / "sub" / "x.db").string());
  SQLite::Statement j(orig, "PRAGMA journal_mode");
  j.executeStep();
  CHECK(j.getColumn(0).getString() == "wal");
  std::filesystem::remove_all(dir);
}
