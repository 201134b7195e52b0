// The batched index of messages (storage/batched_index.hpp, migration 10): a message's rows are
// found whether they are older than the last batch, newer, or both; batches are filled at the end
// of the writer's transaction; the lookups read the newest rows by rowid, never the whole table.
#include "storage/batched_index.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>

#include "storage/migrations.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/support/old_schema.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::handlers;

namespace {

ChatMessage message(std::string update, std::string chat, std::string id, std::string sender = "7") {
  return ChatMessage{.platform = Platform::telegram, .chat_id = std::move(chat), .sender_id = std::move(sender),
                     .message_id = std::move(id), .update_key = std::move(update), .text = "白菜2斤", .time = 1};
}

std::uint64_t counter(storage::SqliteStore& store, const std::string& name) {
  for (const auto& c : store.counters())
    if (c.name == name) return c.value;
  FAIL("no counter " << name);
  return 0;
}

std::int64_t scalar(const std::filesystem::path& path, const std::string& sql) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

OrderId order_from(StoreTx& tx, HouseholdId h, const std::string& chat, const std::string& message_id) {
  return tx.insert_order(NewOrder{.household = h, .chat_id = chat, .source_message_id = message_id, .sender_id = "7",
                                  .lines = {{.name = "米", .qty = 1}}},
                         2);
}

}  // namespace

TEST_CASE("batched index: a message's rows are found before, after and across a batch") {
  testing::TempDir dir;
  auto path = dir.path() / "bot.db";
  storage::SqliteStore store({.path = path, .index_batch_rows = 4});
  HouseholdId h{0};
  OrderId first{0};
  store.write([&](StoreTx& tx) {
    h = tx.upsert_household("3-2-502", "3", 1);
    REQUIRE(tx.insert_inbound(message("1", "-1", "10"), 1));
    REQUIRE(tx.insert_inbound(message("2", "-2", "10"), 1));  // the same message id in another chat
    REQUIRE(tx.insert_inbound(message("3", "-1", "11", "8"), 1));
    first = order_from(tx, h, "-1", "10");  // not the row just written: linked through the lookup
    // Three rows, fewer than a batch: all found among the newest rows.
    REQUIRE(tx.order_by_source(Platform::telegram, "-1", "10"));
    CHECK(tx.order_by_source(Platform::telegram, "-1", "10")->no == first);
    CHECK_FALSE(tx.order_by_source(Platform::telegram, "-2", "10"));
    CHECK(tx.sender_of_message(Platform::telegram, "-1", "11") == "8");
  });
  CHECK(scalar(path, "SELECT COUNT(*) FROM message_rows") == 0);
  CHECK(counter(store, "index_batches") == 0);

  OrderId second{0};
  store.write([&](StoreTx& tx) {
    // The fourth row fills the batch when this transaction ends.
    REQUIRE(tx.insert_inbound(message("4", "-1", "12"), 2));
    second = order_from(tx, h, "-1", "12");
  });
  CHECK(scalar(path, "SELECT COUNT(*) FROM message_rows") == 4);
  CHECK(scalar(path, "SELECT upto FROM batched_indexes WHERE name = 'message_rows'") == 4);
  CHECK(counter(store, "index_batches") == 1);
  CHECK(counter(store, "index_batch_rows") == 4);

  store.write([&](StoreTx& tx) {
    // Found in the batch now.
    CHECK(tx.order_by_source(Platform::telegram, "-1", "10")->no == first);
    CHECK(tx.order_by_source(Platform::telegram, "-1", "12")->no == second);
    CHECK(tx.sender_of_message(Platform::telegram, "-1", "11") == "8");
    // An edit of message 11 by someone else: a newer row; the sender is still the first row's.
    auto edit = message("5", "-1", "11", "9");
    edit.edited = true;
    REQUIRE(tx.insert_inbound(edit, 3));
    CHECK(tx.sender_of_message(Platform::telegram, "-1", "11") == "8");
    // An order from message 11, written after another message: the link goes through the
    // lookup, to the row in the batch and the newer one alike.
    REQUIRE(tx.insert_inbound(message("6", "-1", "13"), 3));
    auto third = order_from(tx, h, "-1", "11");
    CHECK(tx.order_by_source(Platform::telegram, "-1", "11")->no == third);
    CHECK_FALSE(tx.order_by_source(Platform::telegram, "-1", "13"));
    CHECK_FALSE(tx.order_by_source(Platform::telegram, "-1", "14"));
  });
  CHECK(scalar(path, "SELECT COUNT(*) FROM inbound WHERE message_id = '11' AND order_id IS NOT NULL") == 2);
}

TEST_CASE("batched index: a batch rolled back with its transaction is filled again") {
  storage::SqliteStore store({.path = ":memory:", .index_batch_rows = 2});
  CHECK_THROWS(store.write([](StoreTx& tx) {
    REQUIRE(tx.insert_inbound(message("1", "-1", "10"), 1));
    REQUIRE(tx.insert_inbound(message("2", "-1", "11"), 1));
    throw std::runtime_error("the batch fails");
  }));
  store.write([](StoreTx& tx) {
    REQUIRE(tx.insert_inbound(message("1", "-1", "10"), 1));
    REQUIRE(tx.insert_inbound(message("2", "-1", "11"), 1));
  });
  CHECK(counter(store, "index_batches") == 1);
  CHECK(counter(store, "index_batch_rows") == 2);
  store.write([](StoreTx& tx) { CHECK(tx.sender_of_message(Platform::telegram, "-1", "11") == "7"); });
}

// Without the `+` on platform SQLite reads the newest rows through the (platform, update_key)
// index, i.e. every row of the platform: the lookups would scan the whole inbound table.
TEST_CASE("batched index: the lookups read message_rows by key and the newest rows by rowid") {
  testing::TempDir dir;
  auto path = dir.path() / "bot.db";
  { storage::SqliteStore store({.path = path}); }
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
  for (const char* sql : {storage::message_rows_sql::order_by_source, storage::message_rows_sql::link_order,
                          storage::message_rows_sql::sender_of_message}) {
    CAPTURE(sql);
    SQLite::Statement plan(db, std::string("EXPLAIN QUERY PLAN ") + sql);
    std::string steps;
    while (plan.executeStep()) steps += plan.getColumn(3).getString() + "\n";
    CAPTURE(steps);
    CHECK(steps.find("SEARCH message_rows USING PRIMARY KEY (platform=? AND chat_id=? AND message_id=?)") !=
          std::string::npos);
    CHECK(steps.find("SEARCH inbound USING INTEGER PRIMARY KEY (rowid>?)") != std::string::npos);
    CHECK(steps.find("SCAN") == std::string::npos);
    CHECK(steps.find("sqlite_autoindex_inbound") == std::string::npos);
  }
}

TEST_CASE("batched index: migration 10 puts the rows there are into the index") {
  testing::TempDir dir;
  auto path = dir.path() / "bot.db";
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    testing::migrate_to(db, 9);
    db.exec(R"sql(
      INSERT INTO households (id, address, building, created_at) VALUES (1, '3-2-502', '3', 1);
      INSERT INTO orders (id, household_id, platform, chat_id, source_message_id, sender_id, created_at, updated_at)
        VALUES (10, 1, 'telegram', '-1', '55', '7', 1, 1);
      INSERT INTO inbound (platform, update_key, chat_id, sender_id, message_id, text, edited, sent_at, received_at, order_id)
        VALUES ('telegram', '1', '-1', '7', '55', '白菜2斤', 0, 1, 1, 10),
               ('telegram', '2', '-1', '8', '55', '白菜3斤', 1, 2, 2, 10),
               ('telegram', '3', '-2', '9', '56', '谢谢', 0, 3, 3, NULL);
    )sql");
  }
  storage::SqliteStore store({.path = path});
  CHECK(store.schema_version() >= 10);
  CHECK(scalar(path, "SELECT COUNT(*) FROM message_rows") == 3);
  CHECK(scalar(path, "SELECT upto FROM batched_indexes WHERE name = 'message_rows'") == 3);
  CHECK(scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'inbound_message'") == 0);
  store.write([](StoreTx& tx) {
    REQUIRE(tx.order_by_source(Platform::telegram, "-1", "55"));
    CHECK(tx.order_by_source(Platform::telegram, "-1", "55")->no.value == 10);
    CHECK(tx.sender_of_message(Platform::telegram, "-1", "55") == "7");
    CHECK(tx.sender_of_message(Platform::telegram, "-2", "56") == "9");
  });
}

// The app deletes no inbound rows; an operator with sqlite3 might. Their entries go, and when
// the newest row goes SQLite gives its rowid out again: upto comes back so that row is found.
TEST_CASE("batched index: deleting rows drops their entries and keeps reused rowids findable") {
  testing::TempDir dir;
  auto path = dir.path() / "bot.db";
  storage::SqliteStore store({.path = path, .index_batch_rows = 3});
  store.write([](StoreTx& tx) {
    for (int i = 1; i <= 3; ++i) REQUIRE(tx.insert_inbound(message(std::to_string(i), "-1", std::to_string(i)), 1));
  });
  REQUIRE(scalar(path, "SELECT upto FROM batched_indexes WHERE name = 'message_rows'") == 3);
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM inbound WHERE id IN (2, 3)");
  }
  CHECK(scalar(path, "SELECT COUNT(*) FROM message_rows") == 1);
  CHECK(scalar(path, "SELECT upto FROM batched_indexes WHERE name = 'message_rows'") == 1);
  store.write([](StoreTx& tx) {
    REQUIRE(tx.insert_inbound(message("9", "-1", "99", "5"), 2));  // takes rowid 2 again
    CHECK(tx.sender_of_message(Platform::telegram, "-1", "99") == "5");
    CHECK_FALSE(tx.sender_of_message(Platform::telegram, "-1", "2"));
  });
}
