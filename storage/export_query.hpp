#pragma once
// Reads orders for `supplybot export` (and anything else that wants them flat): one
// handlers::ExportRow per order item, straight from the tables, on a connection the caller owns
// (typically read-only, beside a running server). Nothing here writes. Not thread-safe beyond
// what the connection is: use one connection per thread.

#include <cstdint>
#include <optional>
#include <vector>

#include "handlers/export.hpp"

namespace SQLite {
class Database;
}

namespace supplybot::storage {

// Every order (or those of one round), joined with its household, its items (an order without
// items gives one row with an empty item_name) and its volunteer, ordered by order number then
// item position. The volunteer's name falls back to the member's name, @username, then
// "platform:user_id", so an assigned order never looks unassigned.
std::vector<handlers::ExportRow> query_export_rows(SQLite::Database& db, std::optional<std::int64_t> round_id);

// The schema version recorded in the database, without creating or changing anything (unlike
// storage::schema_version): 0 for a database supplybot never migrated.
int read_schema_version(SQLite::Database& db);

// The first schema version that has everything query_export_rows reads.
inline constexpr int k_export_schema_version = 6;

bool round_exists(SQLite::Database& db, std::int64_t round_id);

}  // namespace supplybot::storage
