#include "storage/export_query.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace supplybot::storage {
namespace sql {
// ?1: the round, or NULL for all orders. Item position keeps the resident's order (unique per
// order since migration 12, which also dropped the items' rowid).
constexpr const char* export_rows =
    "SELECT o.id, h.address, h.building, o.status, o.urgent, "
    "CASE WHEN v.id IS NULL THEN '' "
    "ELSE COALESCE(NULLIF(v.display_name, ''), NULLIF(m.display_name, ''), '@' || NULLIF(m.username, ''), "
    "v.platform || ':' || v.user_id) END, "
    "COALESCE(o.round_id, 0), i.name, i.qty, i.unit, i.category, i.note, i.missing, o.notes, o.created_at, "
    "COALESCE(o.assigned_at, 0), COALESCE(o.purchased_at, 0), COALESCE(o.delivered_at, 0), "
    "COALESCE(o.received_at, 0) "
    "FROM orders o JOIN households h ON h.id = o.household_id "
    "LEFT JOIN order_items i ON i.order_id = o.id "
    "LEFT JOIN volunteers v ON v.id = o.volunteer_id "
    "LEFT JOIN members m ON m.platform = v.platform AND m.user_id = v.user_id "
    "WHERE ?1 IS NULL OR o.round_id = ?1 "
    "ORDER BY o.id, i.position";
constexpr const char* has_schema_table =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
constexpr const char* schema_version = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
constexpr const char* round_exists = "SELECT COUNT(*) FROM rounds WHERE id = ?";
}  // namespace sql

std::vector<handlers::ExportRow> query_export_rows(SQLite::Database& db, std::optional<std::int64_t> round_id) {
  SQLite::Statement q(db, sql::export_rows);
  if (round_id) q.bind(1, *round_id); else q.bind(1);
  std::vector<handlers::ExportRow> rows;
  while (q.executeStep()) {
    handlers::ExportRow r;
    r.order_no = handlers::OrderId{q.getColumn(0).getInt64()};
    r.address = q.getColumn(1).getString();
    r.building = q.getColumn(2).getString();
    // The CHECK constraint on orders.status allows nothing else.
    r.status = handlers::order_status_from_string(q.getColumn(3).getString()).value_or(handlers::OrderStatus::pending);
    r.urgent = q.getColumn(4).getInt() != 0;
    r.volunteer = q.getColumn(5).getString();
    r.round_id = q.getColumn(6).getInt64();
    if (!q.getColumn(7).isNull()) {
      r.item_name = q.getColumn(7).getString();
      r.qty = q.getColumn(8).getDouble();
      r.unit = q.getColumn(9).getString();
      r.category = q.getColumn(10).getString();
      r.item_note = q.getColumn(11).getString();
      r.missing = q.getColumn(12).getInt() != 0;
    }
    r.notes = q.getColumn(13).getString();
    r.created_at = q.getColumn(14).getInt64();
    r.assigned_at = q.getColumn(15).getInt64();
    r.purchased_at = q.getColumn(16).getInt64();
    r.delivered_at = q.getColumn(17).getInt64();
    r.received_at = q.getColumn(18).getInt64();
    rows.push_back(std::move(r));
  }
  return rows;
}

int read_schema_version(SQLite::Database& db) {
  SQLite::Statement has(db, sql::has_schema_table);
  has.executeStep();
  if (has.getColumn(0).getInt() == 0) return 0;
  SQLite::Statement q(db, sql::schema_version);
  q.executeStep();
  return q.getColumn(0).getInt();
}

bool round_exists(SQLite::Database& db, std::int64_t round_id) {
  SQLite::Statement q(db, sql::round_exists);
  q.bind(1, round_id);
  q.executeStep();
  return q.getColumn(0).getInt() != 0;
}

}  // namespace supplybot::storage
