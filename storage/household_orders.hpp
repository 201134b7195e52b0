#pragma once
// The writer's index of each household's orders: a TEMP table of (household, status, order) on
// the write connection, kept by TEMP triggers on orders and built from the orders table when the
// connection opens (and again whenever another connection has committed, see SqliteStore::Tx).
// It replaces orders_household (migration 11): keyed by household, that index put each new order
// on another page of it, which the WAL then wrote whole at every commit: under load (14,000
// households) 13 of the ~60 pages each commit wrote. TEMP tables live in memory here
// (temp_store = MEMORY): never written to disk, rolled back with the transaction or savepoint
// like any table, gone with the connection. Memory: ~40 bytes per order ever made (1 MB for a
// year of a 100-household community). See docs/decisions.md.

namespace supplybot::storage::household_orders_sql {

// Creates the table and its triggers (empty); needs the orders table.
extern const char* const create;
// Empties it and fills it from orders again.
extern const char* const rebuild;

}  // namespace supplybot::storage::household_orders_sql
