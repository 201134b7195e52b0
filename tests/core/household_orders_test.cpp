// The writer's in-memory index of households' orders (storage/household_orders.hpp, migration
// 11): a household's orders are found through every change the store makes, a rollback, another
// connection's commit and a restart, and the index is never on disk.
#include "storage/household_orders.hpp"

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "storage/sqlite_store.hpp"
#include "tests/support/old_schema.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::handlers;

namespace {

OrderId new_order(StoreTx& tx, HouseholdId h, UnixTime now = 10) {
  return tx.insert_order(NewOrder{.household = h, .chat_id = "-1", .source_message_id = "1", .sender_id = "7",
                                  .lines = {{.name = "米", .qty = 1}}},
                         now);
}

std::vector<std::int64_t> open_ids(StoreTx& tx, HouseholdId h) {
  std::vector<std::int64_t> ids;
  for (const auto& o : tx.open_orders_of(h)) ids.push_back(o.no.value);
  return ids;
}

}  // namespace

TEST_CASE("household orders: found through new orders, status changes, moves and rollbacks") {
  storage::SqliteStore store({.path = ":memory:"});
  HouseholdId a{0}, b{0};
  OrderId o1{0}, o2{0}, o3{0};
  store.write([&](StoreTx& tx) {
    a = tx.upsert_household("3-2-502", "3", 1);
    b = tx.upsert_household("5-1-101", "5", 1);
    CHECK(open_ids(tx, a).empty());
    CHECK_FALSE(tx.last_order_of(a));
    o1 = new_order(tx, a, 10);
    o2 = new_order(tx, a, 20);
    o3 = new_order(tx, b, 30);
    CHECK(open_ids(tx, a) == std::vector<std::int64_t>{o1.value, o2.value});
    CHECK(tx.last_order_of(a)->no == o2);
  });
  store.write([&](StoreTx& tx) {
    tx.set_status(o2, OrderStatus::cancelled, "7", "", 40);
    CHECK(open_ids(tx, a) == std::vector<std::int64_t>{o1.value});
    CHECK(tx.last_order_of(a)->no == o1);  // a cancelled order is not "the last order"
    tx.set_status(o1, OrderStatus::delivered, "v", "", 41);
    CHECK(open_ids(tx, a).empty());
    CHECK(tx.last_order_of(a)->no == o1);
    REQUIRE(tx.delivered_unconfirmed_of(a).size() == 1);
    CHECK(tx.delivered_unconfirmed_of(a)[0].no == o1);
    CHECK(tx.delivered_unconfirmed_of(b).empty());
    tx.set_received(o1, "7", 42);
    CHECK(tx.delivered_unconfirmed_of(a).empty());
    // The address was a typo: the order moves.
    tx.move_order(o3, a, "7", 43);
    CHECK(open_ids(tx, a) == std::vector<std::int64_t>{o3.value});
    CHECK(open_ids(tx, b).empty());
    CHECK_FALSE(tx.last_order_of(b));
  });
  // A failed transaction takes its changes to the index with it.
  CHECK_THROWS(store.write([&](StoreTx& tx) {
    new_order(tx, b);
    tx.set_status(o3, OrderStatus::cancelled, "7", "", 50);
    throw std::runtime_error("the batch fails");
  }));
  store.write([&](StoreTx& tx) {
    CHECK(open_ids(tx, b).empty());
    CHECK(open_ids(tx, a) == std::vector<std::int64_t>{o3.value});
    // So does a rolled-back savepoint (one message of a batch).
    CHECK_THROWS(tx.savepoint([&] {
      new_order(tx, a);
      throw std::runtime_error("this message fails");
    }));
    CHECK(open_ids(tx, a) == std::vector<std::int64_t>{o3.value});
  });
}

TEST_CASE("household orders: isolated households show their last order") {
  storage::SqliteStore store({.path = ":memory:"});
  store.write([&](StoreTx& tx) {
    auto a = tx.upsert_household("3-2-502", "3", 1);
    auto b = tx.upsert_household("5-1-101", "5", 1);
    tx.set_isolation(a, 0, 1000);
    tx.set_isolation(b, 0, 1000);
    new_order(tx, a, 100);
    auto later = new_order(tx, a, 200);
    tx.set_status(later, OrderStatus::cancelled, "7", "", 201);
    auto rows = tx.isolated_households(50);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].address == "3-2-502");
    CHECK(rows[0].last_order_at == 100);
    CHECK(rows[1].last_order_at == 0);
  });
}

TEST_CASE("household orders: rebuilt after a restart and after another connection's commit") {
  testing::TempDir dir;
  auto path = dir.path() / "bot.db";
  HouseholdId a{0};
  OrderId first{0};
  {
    storage::SqliteStore store({.path = path});
    store.write([&](StoreTx& tx) {
      a = tx.upsert_household("3-2-502", "3", 1);
      first = new_order(tx, a);
    });
  }
  storage::SqliteStore store({.path = path});
  store.write([&](StoreTx& tx) { CHECK(open_ids(tx, a) == std::vector<std::int64_t>{first.value}); });
  // An operator's sqlite3 (or another supplybot process) adds an order and cancels the first.
  std::int64_t other = 0;
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO orders (household_id, platform, chat_id, source_message_id, sender_id, created_at, updated_at) "
            "VALUES (" + std::to_string(a.value) + ", 'telegram', '-1', '9', '7', 5, 5)");
    other = db.getLastInsertRowid();
    db.exec("UPDATE orders SET status = 'cancelled' WHERE id = " + std::to_string(first.value));
  }
  // The first transaction after it rebuilds the index but fails: the rebuild is rolled back with
  // it, so the next one must rebuild again.
  CHECK_THROWS(store.write([&](StoreTx&) { throw std::runtime_error("the batch fails"); }));
  store.write([&](StoreTx& tx) {
    CHECK(open_ids(tx, a) == std::vector<std::int64_t>{other});
    CHECK(tx.last_order_of(a)->no.value == other);
  });
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('household_orders', 'orders_household')")
            .getInt() == 0);
}

TEST_CASE("household orders: migration 11 drops orders_household and the orders are found") {
  testing::TempDir dir;
  auto path = dir.path() / "bot.db";
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    testing::migrate_to(db, 10);
    db.exec(R"sql(
      INSERT INTO households (id, address, building, created_at) VALUES (1, '3-2-502', '3', 1);
      INSERT INTO orders (id, household_id, status, platform, chat_id, source_message_id, sender_id, created_at, updated_at)
        VALUES (10, 1, 'pending', 'telegram', '-1', '55', '7', 1, 1),
               (11, 1, 'delivered', 'telegram', '-1', '56', '7', 2, 2);
    )sql");
  }
  storage::SqliteStore store({.path = path});
  CHECK(store.schema_version() >= 11);
  store.write([](StoreTx& tx) {
    CHECK(open_ids(tx, HouseholdId{1}) == std::vector<std::int64_t>{10});
    CHECK(tx.last_order_of(HouseholdId{1})->no.value == 11);
  });
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE name = 'orders_household'").getInt() == 0);
}

// A commit by another connection after the store opened and before its first write is in the
// index. The store fills it in its first write transaction, under the write lock, so no commit
// can fall between the fill and the data_version read with it (a first version filled it at
// open and read the version afterwards: a commit in between went unseen; that window is gone by
// construction, this test covers the path that replaced it).
TEST_CASE("household orders: a commit between opening the store and its first write is seen") {
  testing::TempDir dir;
  auto path = dir.path() / "bot.db";
  HouseholdId a{0};
  {
    storage::SqliteStore store({.path = path});
    store.write([&](StoreTx& tx) { a = tx.upsert_household("3-2-502", "3", 1); });
  }
  storage::SqliteStore store({.path = path});
  std::int64_t other = 0;
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO orders (household_id, platform, chat_id, source_message_id, sender_id, created_at, updated_at) "
            "VALUES (" + std::to_string(a.value) + ", 'telegram', '-1', '9', '7', 5, 5)");
    other = db.getLastInsertRowid();
  }
  store.write([&](StoreTx& tx) { CHECK(open_ids(tx, a) == std::vector<std::int64_t>{other}); });
}

// Each lookup reads the index by its key: a rewrite that went back to orders (no index on the
// household any more) would scan every order ever made.
TEST_CASE("household orders: the lookups search the index, never scan orders") {
  testing::TempDir dir;
  auto path = dir.path() / "bot.db";
  { storage::SqliteStore store({.path = path}); }
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
  db.exec(storage::household_orders_sql::create);
  const std::string delivered =
      "SELECT id FROM orders WHERE id IN (" SUPPLYBOT_DELIVERED_ORDERS_OF ") AND received_at IS NULL";
  for (const std::string sql : {std::string(storage::household_orders_sql::open_orders_of),
                                std::string(storage::household_orders_sql::last_order_of), delivered,
                                std::string(storage::household_orders_sql::isolated_households)}) {
    CAPTURE(sql);
    SQLite::Statement plan(db, "EXPLAIN QUERY PLAN " + sql);
    std::string steps;
    while (plan.executeStep()) steps += plan.getColumn(3).getString() + "\n";
    CAPTURE(steps);
    CHECK(steps.find("USING PRIMARY KEY (household_id=?") != std::string::npos);
    // The only scan allowed: the isolated households' list reads the households table.
    for (std::size_t at = steps.find("SCAN"); at != std::string::npos; at = steps.find("SCAN", at + 1))
      CHECK(steps.compare(at, 7, "SCAN h ") == 0);
  }
}
