#pragma once
// The writer's index of each household's orders: a TEMP table of (household, status, order) on
// the write connection, kept by TEMP triggers on orders and filled from the orders table by the
// first write transaction (and again after another connection has committed, see SqliteStore::Tx).
// It replaces orders_household (migration 11): keyed by household, that index put each new order
// on another page of it, which the WAL then wrote whole at every commit: under load (14,000
// households) 13 of the ~60 pages each commit wrote. TEMP tables live in memory here
// (temp_store = MEMORY): never written to disk, rolled back with the transaction or savepoint
// like any table, gone with the connection. Memory: ~40 bytes per order ever made (1 MB for a
// year of a 100-household community). See docs/decisions.md.

namespace supplybot::storage::household_orders_sql {

// Creates the table and its triggers (empty); needs the orders table. Status is in the key, so
// "open orders of a household" reads no delivered ones. The triggers name main.orders, and
// their table is found in temp first (its name exists nowhere else).
inline constexpr const char* create = R"sql(
CREATE TEMP TABLE IF NOT EXISTS household_orders (
  household_id INTEGER NOT NULL,
  status       TEXT    NOT NULL,
  order_id     INTEGER NOT NULL,
  PRIMARY KEY (household_id, status, order_id)
) WITHOUT ROWID;
CREATE TEMP TRIGGER IF NOT EXISTS household_orders_add AFTER INSERT ON main.orders
BEGIN
  INSERT INTO household_orders (household_id, status, order_id) VALUES (new.household_id, new.status, new.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS household_orders_change AFTER UPDATE OF household_id, status ON main.orders
WHEN old.household_id IS NOT new.household_id OR old.status IS NOT new.status
BEGIN
  UPDATE household_orders SET household_id = new.household_id, status = new.status
  WHERE household_id = old.household_id AND status = old.status AND order_id = old.id;
END;
CREATE TEMP TRIGGER IF NOT EXISTS household_orders_drop AFTER DELETE ON main.orders
BEGIN
  DELETE FROM household_orders WHERE household_id = old.household_id AND status = old.status AND order_id = old.id;
END;
)sql";

// Empties it and fills it from orders again.
inline constexpr const char* rebuild = R"sql(
DELETE FROM temp.household_orders;
INSERT INTO temp.household_orders (household_id, status, order_id)
  SELECT household_id, status, id FROM main.orders ORDER BY household_id, status, id;
)sql";

// The lookups through it (tests/core/household_orders_test.cpp checks their plans).
// ?1 household: its orders not yet delivered or cancelled, oldest first.
inline constexpr const char* open_orders_of =
    "SELECT order_id FROM temp.household_orders WHERE household_id = ?1 AND status NOT IN ('delivered', 'cancelled') "
    "ORDER BY order_id";
// ?1 household: its latest order not cancelled (NULL: none).
inline constexpr const char* last_order_of =
    "SELECT MAX(order_id) FROM temp.household_orders WHERE household_id = ?1 AND status <> 'cancelled'";
// ?1 household: its delivered orders (a part of sqlite_store.cpp's delivered_unconfirmed_of).
#define SUPPLYBOT_DELIVERED_ORDERS_OF \
  "SELECT order_id FROM temp.household_orders WHERE household_id = ?1 AND status = 'delivered'"
// ?1, ?2 now: the isolated households, with the time of each one's last order not cancelled.
inline constexpr const char* isolated_households =
    "SELECT h.address, h.isolated_from, h.isolated_until, "
    "(SELECT MAX(o.created_at) FROM temp.household_orders ho JOIN orders o ON o.id = ho.order_id "
    "WHERE ho.household_id = h.id AND ho.status <> 'cancelled') "
    "FROM households h WHERE h.isolated_until > ?1 AND (h.isolated_from IS NULL OR h.isolated_from <= ?2) "
    "ORDER BY h.address";

}  // namespace supplybot::storage::household_orders_sql
