#include "storage/sqlite_store.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <random>

#include "storage/migrations.hpp"
#include "tests/support/old_schema.hpp"
#include "tests/support/test_http.hpp"

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

// A database made by an older supplybot (schema 6) with rows in every rebuilt table: migration 7
// keeps every row and reference, the checks still refuse bad values, and deletes still cascade.
TEST_CASE("storage: migration 7 rebuilds outbox, members and orders without losing rows") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA foreign_keys = ON");
  testing::migrate_to(db, 6);
  db.exec(R"sql(
    INSERT INTO households (id, address, building, created_at) VALUES (1, '3-2-502', '3', 1);
    INSERT INTO volunteers (id, platform, user_id, created_at, updated_at) VALUES (4, 'telegram', '9', 1, 1);
    INSERT INTO rounds (id, platform, chat_id, opened_by, opened_at, closes_at) VALUES (2, 'telegram', '-1', '9', 1, 5);
    INSERT INTO members (platform, user_id, display_name, household_id, role, created_at, updated_at, username, private_chat_id)
      VALUES ('telegram', '7', '王阿姨', 1, 'coordinator', 1, 2, 'wang', '7');
    INSERT INTO orders (id, household_id, status, platform, chat_id, source_message_id, sender_id, notes, urgent,
                        created_at, updated_at, volunteer_id, round_id, assigned_at, purchased_at)
      VALUES (10, 1, 'purchased', 'telegram', '-1', '55', '7', '放门口', 1, 1, 3, 4, 2, 2, 3);
    INSERT INTO order_items (order_id, position, name, qty, unit) VALUES (10, 0, '白菜', 2, '斤'), (10, 1, '鸡蛋', 1, '盒');
    INSERT INTO order_events (order_id, at, actor, to_status) VALUES (10, 1, '7', 'pending');
    INSERT INTO outbox (id, platform, chat_id, text, state, due_at, created_at, sent_message_id, callback_id, document_name)
      VALUES (20, 'telegram', '-1', '已收到', 'sent', 1, 1, '99', 'cb', 'orders.csv');
  )sql");
  CHECK(storage::migrate(db) == static_cast<int>(storage::migrations().size()) - 6);
  CHECK(storage::schema_version(db) == storage::migrations().back().version);
  CHECK(db.execAndGet("PRAGMA foreign_keys").getInt() == 1);  // restored
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK(db.execAndGet("SELECT group_concat(status || volunteer_id || round_id || notes || urgent || purchased_at) "
                      "FROM orders WHERE id = 10").getString() == "purchased42放门口13");
  CHECK(db.execAndGet("SELECT role || username || private_chat_id || household_id FROM members").getString() ==
        "coordinatorwang71");
  CHECK(db.execAndGet("SELECT state || sent_message_id || callback_id || document_name FROM outbox WHERE id = 20")
            .getString() == "sent99cborders.csv");
  // No IN list is left in a CHECK, and every index is back.
  CHECK(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND sql LIKE '%CHECK (% IN (%'")
            .getInt() == 0);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('orders', 'outbox', "
                      "'members') AND sql IS NOT NULL").getInt() == 8);  // less orders_source, outbox_pending_chat, orders_household (8, 9, 11)
  // The checks still hold, and references still point at the rebuilt tables.
  CHECK_THROWS(db.exec("UPDATE orders SET status = 'lost' WHERE id = 10"));
  CHECK_THROWS(db.exec("UPDATE outbox SET state = 'gone' WHERE id = 20"));
  CHECK_THROWS(db.exec("UPDATE members SET role = 'admin'"));
  CHECK_THROWS(db.exec("INSERT INTO order_items (order_id, position, name, qty) VALUES (99, 0, 'x', 1)"));
  db.exec("DELETE FROM order_events WHERE order_id = 10");
  db.exec("DELETE FROM orders WHERE id = 10");
  CHECK(db.execAndGet("SELECT COUNT(*) FROM order_items").getInt() == 0);  // ON DELETE CASCADE
}

// Migration 8: orders made before it are still found from their message (and its edits), through
// the inbound rows it links them to; orders_source is gone.
TEST_CASE("storage: migration 8 links existing orders to their messages") {
  testing::TempDir dir;
  auto path = dir.path() / "bot.db";
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    testing::migrate_to(db, 7);
    db.exec(R"sql(
      INSERT INTO households (id, address, building, created_at) VALUES (1, '3-2-502', '3', 1);
      INSERT INTO inbound (platform, update_key, chat_id, sender_id, message_id, text, edited, sent_at, received_at)
        VALUES ('telegram', '1', '-1', '7', '55', '白菜2斤', 0, 1, 1),
               ('telegram', '2', '-1', '7', '55', '白菜3斤', 1, 2, 2),
               ('telegram', '3', '-1', '7', '56', '谢谢', 0, 3, 3),
               ('telegram', '4', '-2', '7', '55', 'other chat', 0, 3, 3);
      INSERT INTO orders (id, household_id, platform, chat_id, source_message_id, sender_id, created_at, updated_at)
        VALUES (10, 1, 'telegram', '-1', '55', '7', 1, 1), (11, 1, 'telegram', '-1', '55', '7', 2, 2);
    )sql");
  }
  storage::SqliteStore store({.path = path});
  store.write([](StoreTx& tx) {
    REQUIRE(tx.order_by_source(Platform::telegram, "-1", "55"));
    CHECK(tx.order_by_source(Platform::telegram, "-1", "55")->no.value == 11);  // the latest of the two
    CHECK_FALSE(tx.order_by_source(Platform::telegram, "-1", "56"));
    CHECK_FALSE(tx.order_by_source(Platform::telegram, "-2", "55"));
  });
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT group_concat(COALESCE(order_id, 0), ',') FROM (SELECT order_id FROM inbound ORDER BY id)")
            .getString() == "11,11,0,0");
  CHECK(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE name = 'orders_source'").getInt() == 0);
}

TEST_CASE("storage: migration 12 keys items by (order, position) and keeps every item in order") {
  testing::TempDir dir;
  auto path = dir.path() / "bot.db";
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    testing::migrate_to(db, 11);
    // Order 11's rows were written by hand with a repeated position: both survive, in id order.
    db.exec(R"sql(
      INSERT INTO households (id, address, building, created_at) VALUES (1, '3-2-502', '3', 1);
      INSERT INTO orders (id, household_id, platform, chat_id, source_message_id, sender_id, created_at, updated_at)
        VALUES (10, 1, 'telegram', '-1', '55', '7', 1, 1), (11, 1, 'telegram', '-1', '56', '7', 2, 2);
      INSERT INTO order_items (id, order_id, position, name, qty, unit, text, category, note, missing) VALUES
        (1, 10, 1, '鸡蛋', 1, '盒', '鸡蛋一盒', 'eggs', '', 0),
        (2, 10, 0, '白菜', 2, '斤', '白菜2斤', 'veg', '要新鲜', 0),
        (3, 11, 0, '大米', 10, '斤', '', '', '', 1),
        (4, 11, 0, '食用油', 1, '桶', '', '', '', 0);
    )sql");
  }
  storage::SqliteStore store({.path = path});
  store.write([](StoreTx& tx) {
    auto ten = tx.order(OrderId{10});
    REQUIRE(ten);
    REQUIRE(ten->lines.size() == 2);
    CHECK(ten->lines[0].name == "白菜");
    CHECK(ten->lines[0].note == "要新鲜");
    CHECK(ten->lines[1].name == "鸡蛋");
    CHECK(ten->lines[1].text == "鸡蛋一盒");
    auto eleven = tx.order(OrderId{11});
    REQUIRE(eleven);
    REQUIRE(eleven->lines.size() == 2);
    CHECK(eleven->lines[0].name == "大米");
    CHECK(eleven->lines[0].missing);
    CHECK(eleven->lines[1].name == "食用油");
    // Replacing an order's items still works with the new key.
    tx.replace_lines(OrderId{11}, {OrderLine{.name = "面条", .qty = 2, .unit = "包"}}, "", 3);
  });
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
  db.exec("PRAGMA foreign_keys = ON");
  CHECK(db.execAndGet("SELECT group_concat(order_id || ':' || position || name, ',') FROM order_items")
            .getString() == "10:0白菜,10:1鸡蛋,11:0面条");
  CHECK(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE name = 'order_items' AND sql LIKE '%WITHOUT ROWID%'")
            .getInt() == 1);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE name = 'order_items_order'").getInt() == 0);
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK_THROWS(db.exec("INSERT INTO order_items (order_id, position, name, qty) VALUES (10, 0, 'x', 1)"));  // the key
  CHECK_THROWS(db.exec("INSERT INTO order_items (order_id, position, name, qty) VALUES (99, 0, 'x', 1)"));  // the order
  db.exec("DELETE FROM orders WHERE id = 10");
  CHECK(db.execAndGet("SELECT COUNT(*) FROM order_items WHERE order_id = 10").getInt() == 0);  // ON DELETE CASCADE
}

TEST_CASE("storage: waiting replies are the pending chat messages due later") {
  storage::SqliteStore store({.path = ":memory:"});
  std::vector<std::int64_t> ids;
  store.write([&](StoreTx& tx) {
    ids.push_back(tx.enqueue_outbox(OutgoingMessage{.chat_id = "-1", .text = "due now"}, 100, 100));
    ids.push_back(tx.enqueue_outbox(OutgoingMessage{.chat_id = "-1", .text = "retry"}, 100, 100));
    tx.outbox_retry(ids[1], 160, "502", true);
    ids.push_back(tx.enqueue_outbox(OutgoingMessage{.platform = Platform::wecom, .chat_id = "g", .text = "later"}, 200, 100));
    ids.push_back(tx.enqueue_outbox(OutgoingMessage{.chat_id = "-1", .text = "b", .callback_id = std::string("q")}, 200, 100));
    ids.push_back(tx.enqueue_outbox(OutgoingMessage{.chat_id = "-1", .text = "failed"}, 200, 100));
    tx.outbox_failed(ids[4], "refused", 100);
  });
  auto w = store.waiting_replies(150);
  std::sort(w.begin(), w.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  REQUIRE(w.size() == 2);
  CHECK(w[0].id == ids[1]);
  CHECK(w[0].chat_id == "-1");
  CHECK(w[0].due_at == 160);
  CHECK(w[1].id == ids[2]);
  CHECK(w[1].platform == Platform::wecom);
  CHECK(store.waiting_replies(160).size() == 1);  // due at 160 is not later than 160
}

// An order is found from its message whether it was made from the message just received (linked
// by rowid) or from an earlier one (an order held until the sender named the address).
TEST_CASE("storage: orders are found from their source message, the latest first") {
  storage::SqliteStore store({.path = ":memory:"});
  store.write([](StoreTx& tx) {
    auto h = tx.upsert_household("3-2-502", "3", 1);
    auto held = msg("u10");
    held.message_id = "10";
    auto address = msg("u11");
    address.message_id = "11";
    REQUIRE(tx.insert_inbound(held, 1));
    REQUIRE(tx.insert_inbound(address, 2));
    auto from_held = tx.insert_order(NewOrder{.household = h, .chat_id = "-1", .source_message_id = "10",
                                              .sender_id = "7", .lines = {{.name = "米", .qty = 1}}}, 2);
    auto from_last = tx.insert_order(NewOrder{.household = h, .chat_id = "-1", .source_message_id = "11",
                                              .sender_id = "7", .lines = {{.name = "面", .qty = 1}}}, 2);
    REQUIRE(tx.order_by_source(Platform::telegram, "-1", "10"));
    CHECK(tx.order_by_source(Platform::telegram, "-1", "10")->no == from_held);
    CHECK(tx.order_by_source(Platform::telegram, "-1", "11")->no == from_last);
    // An edit is a row of its own; a second order from the same message is the one found.
    auto edit = msg("u12");
    edit.message_id = "11";
    edit.edited = true;
    REQUIRE(tx.insert_inbound(edit, 3));
    CHECK(tx.order_by_source(Platform::telegram, "-1", "11")->no == from_last);
    auto again = tx.insert_order(NewOrder{.household = h, .chat_id = "-1", .source_message_id = "11",
                                          .sender_id = "7", .lines = {{.name = "油", .qty = 1}}}, 3);
    CHECK(tx.order_by_source(Platform::telegram, "-1", "11")->no == again);
    CHECK(tx.order_by_source(Platform::telegram, "-1", "10")->no == from_held);
  });
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

    auto source = msg("u10");
    source.message_id = "10";
    CHECK_FALSE(tx.order_by_source(Platform::telegram, "-1", "10"));
    REQUIRE(tx.insert_inbound(source, 3));
    CHECK_FALSE(tx.order_by_source(Platform::telegram, "-1", "10"));  // a message, not (yet) an order
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

// The write connection remembers members and households between statements and transactions;
// what it remembers must never outlive the rows it stands for.
TEST_CASE("storage: remembered members and households follow rollbacks and other connections") {
  auto dir = std::filesystem::temp_directory_path() / ("supplybot-cache-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  auto path = dir / "c.db";
  {
    storage::SqliteStore store({.path = path});
    HouseholdId h{0};
    store.write([&](StoreTx& tx) {
      h = tx.upsert_household("3-2-502", "3", 1);
      tx.touch_member(Platform::telegram, "7", "王", "wang", 1);
      tx.upsert_member(Member{.platform = Platform::telegram, .user_id = "7", .display_name = "王", .household = h}, 1);
      REQUIRE(tx.member(Platform::telegram, "7"));
      CHECK(tx.member(Platform::telegram, "7")->role == Role::resident);
    });

    SUBCASE("a household made in a rolled-back savepoint is made again, not remembered") {
      HouseholdId gone{0};
      store.write([&](StoreTx& tx) {
        CHECK_THROWS(tx.savepoint([&] {
          gone = tx.upsert_household("9-9-909", "9", 2);
          throw std::runtime_error("this message fails");
        }));
        auto again = tx.upsert_household("9-9-909", "9", 2);
        CHECK(tx.household_address(again) == "9-9-909");
      });
      SQLite::Database check(path.string(), SQLite::OPEN_READONLY);
      CHECK(check.execAndGet("SELECT COUNT(*) FROM households WHERE address = '9-9-909'").getInt() == 1);
    }
    SUBCASE("a failed transaction forgets what it learnt") {
      CHECK_THROWS(store.write([&](StoreTx& tx) {
        tx.set_role(Platform::telegram, "7", Role::coordinator, 2);
        CHECK(tx.member(Platform::telegram, "7")->role == Role::coordinator);
        throw std::runtime_error("the batch fails");
      }));
      store.write([&](StoreTx& tx) { CHECK(tx.member(Platform::telegram, "7")->role == Role::resident); });
    }
    SUBCASE("a change committed by another connection is seen") {
      {
        SQLite::Database other(path.string(), SQLite::OPEN_READWRITE);
        other.setBusyTimeout(2000);
        CHECK_NOTHROW(other.execAndGet("SELECT COUNT(*) FROM members"));
        CHECK_NOTHROW(other.exec("UPDATE members SET role = 'volunteer', display_name = '王师傅' WHERE user_id = '7'"));
        CHECK_NOTHROW(other.exec("UPDATE households SET address = '3-2-503' WHERE address = '3-2-502'"));
      }
      // Before, a SELECT left on its row after COMMIT kept an old snapshot: this write failed.
      store.write([&](StoreTx& tx) {
        CHECK(tx.member(Platform::telegram, "7")->role == Role::volunteer);
        CHECK(tx.household_address(h) == "3-2-503");
      });
    }
    SUBCASE("a new name is still recorded, an unchanged one costs nothing") {
      store.write([&](StoreTx& tx) {
        tx.touch_member(Platform::telegram, "7", "王", "", 3);  // unchanged: skipped
        tx.touch_member(Platform::telegram, "7", "王阿姨", "", 4);
        CHECK(tx.member(Platform::telegram, "7")->display_name == "王阿姨");
      });
      SQLite::Database check(path.string(), SQLite::OPEN_READONLY);
      CHECK(check.execAndGet("SELECT display_name || updated_at FROM members WHERE user_id = '7'").getString() ==
            "王阿姨4");
    }
  }
  std::filesystem::remove_all(dir);
}
