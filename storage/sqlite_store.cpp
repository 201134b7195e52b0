#include "storage/sqlite_store.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <unordered_map>

#include "storage/batched_index.hpp"
#include "storage/checkpointer.hpp"
#include "storage/export_query.hpp"
#include "storage/household_orders.hpp"
#include "storage/migrations.hpp"

namespace supplybot::storage {

using handlers::HouseholdId;
using handlers::Member;
using handlers::Order;
using handlers::OrderLine;
using handlers::OrderId;
using handlers::OrderStatus;
using handlers::Platform;
using handlers::UnixTime;

namespace sql {
// Columns read by read_order_row, in order.
#define ORDER_COLUMNS                                                                                         \
  "SELECT o.id, o.household_id, h.address, o.status, o.platform, o.chat_id, o.source_message_id, o.sender_id, " \
  "o.notes, o.urgent, o.created_at, o.updated_at, o.volunteer_id, COALESCE(v.display_name, ''), "            \
  "COALESCE(o.round_id, 0), COALESCE(o.assigned_at, 0), COALESCE(o.purchased_at, 0), "                       \
  "COALESCE(o.delivered_at, 0), COALESCE(o.received_at, 0), COALESCE(o.escalated_at, 0) "
constexpr const char* insert_inbound =
    "INSERT INTO inbound (platform, update_key, chat_id, sender_id, message_id, text, edited, sent_at, received_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, update_key) DO NOTHING";
constexpr const char* insert_outbox =
    "INSERT INTO outbox (platform, chat_id, thread_id, text, reply_to, markup, order_no, due_at, created_at, "
    "callback_id, document_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* outbox_sent =
    "UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, sent_message_id = ?, last_error = NULL "
    "WHERE id = ?";
constexpr const char* outbox_retry =
    "UPDATE outbox SET attempts = attempts + ?, due_at = ?, last_error = ? WHERE id = ? AND state = 'pending'";
constexpr const char* outbox_failed =
    "UPDATE outbox SET state = 'failed', attempts = attempts + 1, sent_at = ?, last_error = ? WHERE id = ?";
constexpr const char* due_outbox =
    "SELECT id, platform, chat_id, thread_id, text, reply_to, markup, order_no, attempts, due_at, created_at, "
    "callback_id, document_name FROM outbox WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?";
constexpr const char* health = "SELECT COUNT(*) FROM schema_version";
constexpr const char* inbound_seen = "SELECT 1 FROM inbound WHERE platform = ? AND update_key = ?";
// Through outbox_pending_due: only the rows due later are read.
constexpr const char* waiting_replies =
    "SELECT id, platform, chat_id, due_at FROM outbox WHERE state = 'pending' AND due_at > ? AND callback_id IS NULL";
constexpr const char* next_due = "SELECT MIN(due_at) FROM outbox WHERE state = 'pending'";
// Both use partial indexes: sent rows (the vast majority) are never scanned.
constexpr const char* outbox_pending_stats = "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE state = 'pending'";
constexpr const char* outbox_failed_count = "SELECT COUNT(*) FROM outbox WHERE state = 'failed'";
constexpr const char* orders_by_status = "SELECT status, COUNT(*) FROM orders GROUP BY status";
constexpr const char* select_household = "SELECT id FROM households WHERE address = ?";
constexpr const char* insert_household = "INSERT INTO households (address, building, created_at) VALUES (?, ?, ?)";
constexpr const char* household_address = "SELECT address FROM households WHERE id = ?";
constexpr const char* upsert_member =
    "INSERT INTO members (platform, user_id, display_name, household_id, language, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET "
    "display_name = excluded.display_name, household_id = COALESCE(excluded.household_id, members.household_id), "
    "language = CASE WHEN excluded.language = '' THEN members.language ELSE excluded.language END, "
    "updated_at = excluded.updated_at";
#define MEMBER_COLUMNS "SELECT user_id, display_name, household_id, language, role, username, private_chat_id FROM members "
constexpr const char* select_member = MEMBER_COLUMNS "WHERE platform = ? AND user_id = ?";
constexpr const char* select_member_by_username = MEMBER_COLUMNS "WHERE platform = ? AND username = ? COLLATE NOCASE";
constexpr const char* select_members_with_role = MEMBER_COLUMNS "WHERE role = ? ORDER BY platform, user_id";
constexpr const char* touch_member =
    "INSERT INTO members (platform, user_id, display_name, username, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) "
    "ON CONFLICT (platform, user_id) DO UPDATE SET "
    "display_name = CASE WHEN excluded.display_name = '' THEN members.display_name ELSE excluded.display_name END, "
    "username = CASE WHEN excluded.username = '' THEN members.username ELSE excluded.username END, "
    "updated_at = excluded.updated_at WHERE (excluded.display_name <> '' AND members.display_name <> excluded.display_name) "
    "OR (excluded.username <> '' AND members.username <> excluded.username)";
constexpr const char* set_private_chat =
    "INSERT INTO members (platform, user_id, private_chat_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) "
    "ON CONFLICT (platform, user_id) DO UPDATE SET private_chat_id = excluded.private_chat_id, updated_at = excluded.updated_at "
    "WHERE members.private_chat_id IS NOT excluded.private_chat_id";
constexpr const char* set_role =
    "INSERT INTO members (platform, user_id, role, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) "
    "ON CONFLICT (platform, user_id) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at";
#define VOLUNTEER_COLUMNS \
  "SELECT id, platform, user_id, display_name, zones, capacity, on_shift, active, last_assigned_at FROM volunteers "
constexpr const char* select_volunteer = VOLUNTEER_COLUMNS "WHERE id = ?";
constexpr const char* select_volunteer_by_user = VOLUNTEER_COLUMNS "WHERE platform = ? AND user_id = ?";
constexpr const char* active_volunteers = VOLUNTEER_COLUMNS "WHERE active = 1 ORDER BY id";
constexpr const char* upsert_volunteer =
    "INSERT INTO volunteers (platform, user_id, display_name, zones, capacity, added_by, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) ON CONFLICT (platform, user_id) DO UPDATE SET "
    "display_name = excluded.display_name, zones = excluded.zones, capacity = excluded.capacity, active = 1, "
    "updated_at = excluded.updated_at RETURNING id";
constexpr const char* set_volunteer_active =
    "UPDATE volunteers SET active = ?, on_shift = CASE WHEN ? = 0 THEN 0 ELSE on_shift END, updated_at = ? WHERE id = ?";
constexpr const char* set_on_shift = "UPDATE volunteers SET on_shift = ?, updated_at = ? WHERE id = ?";
constexpr const char* set_holder =
    "UPDATE orders SET volunteer_id = ?1, assigned_at = CASE WHEN ?1 IS NULL THEN NULL ELSE ?2 END, "
    "status = CASE WHEN status = 'purchased' THEN status WHEN ?1 IS NULL THEN 'pending' ELSE 'assigned' END, "
    "escalated_at = NULL, updated_at = ?2 WHERE id = ?3";
constexpr const char* touch_last_assigned = "UPDATE volunteers SET last_assigned_at = ? WHERE id = ?";
constexpr const char* assignable_orders =
    ORDER_COLUMNS "FROM orders o JOIN households h ON h.id = o.household_id LEFT JOIN volunteers v ON v.id = o.volunteer_id "
    "LEFT JOIN rounds r ON r.id = o.round_id WHERE o.status IN ('pending', 'assigned', 'purchased') "
    "AND (o.round_id IS NULL OR r.closed_at IS NOT NULL) ORDER BY o.id";
constexpr const char* orders_of_volunteer =
    ORDER_COLUMNS "FROM orders o JOIN households h ON h.id = o.household_id LEFT JOIN volunteers v ON v.id = o.volunteer_id "
    "WHERE o.volunteer_id = ? AND o.status IN ('assigned', 'purchased') ORDER BY o.id";
constexpr const char* open_orders =
    ORDER_COLUMNS "FROM orders o JOIN households h ON h.id = o.household_id LEFT JOIN volunteers v ON v.id = o.volunteer_id "
    "WHERE o.status IN ('pending', 'assigned', 'purchased') ORDER BY o.id";
constexpr const char* orders_of_round =
    ORDER_COLUMNS "FROM orders o JOIN households h ON h.id = o.household_id LEFT JOIN volunteers v ON v.id = o.volunteer_id "
    "WHERE o.round_id = ? AND o.status IN ('pending', 'assigned', 'purchased') ORDER BY o.id";
constexpr const char* delivered_unconfirmed =
    ORDER_COLUMNS "FROM orders o JOIN households h ON h.id = o.household_id LEFT JOIN volunteers v ON v.id = o.volunteer_id "
    "WHERE o.status = 'delivered' AND o.received_at IS NULL AND o.delivered_at <= ? ORDER BY o.delivered_at LIMIT ?";
constexpr const char* delivered_unconfirmed_of =
    ORDER_COLUMNS "FROM orders o JOIN households h ON h.id = o.household_id LEFT JOIN volunteers v ON v.id = o.volunteer_id "
    "WHERE o.id IN (" SUPPLYBOT_DELIVERED_ORDERS_OF ") AND o.received_at IS NULL ORDER BY o.id";
constexpr const char* set_received = "UPDATE orders SET received_at = ?, updated_at = ? WHERE id = ?";
constexpr const char* set_escalated = "UPDATE orders SET escalated_at = ? WHERE id = ?";
constexpr const char* households_delivered_since =
    "SELECT COUNT(DISTINCT household_id) FROM orders WHERE status = 'delivered' AND delivered_at >= ?";
#define ROUND_COLUMNS \
  "SELECT id, platform, chat_id, thread_id, language, opened_by, opened_at, closes_at, COALESCE(closed_at, 0) FROM rounds "
constexpr const char* insert_round =
    "INSERT INTO rounds (platform, chat_id, thread_id, language, opened_by, opened_at, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* open_round_of = ROUND_COLUMNS "WHERE platform = ? AND chat_id = ? AND closed_at IS NULL";
constexpr const char* latest_round_of = ROUND_COLUMNS "WHERE platform = ? AND chat_id = ? ORDER BY id DESC LIMIT 1";
constexpr const char* select_round = ROUND_COLUMNS "WHERE id = ?";
constexpr const char* rounds_due = ROUND_COLUMNS "WHERE closed_at IS NULL AND closes_at <= ? ORDER BY closes_at, id";
constexpr const char* close_round = "UPDATE rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL";
constexpr const char* insert_order =
    "INSERT INTO orders (household_id, platform, chat_id, source_message_id, sender_id, notes, urgent, created_at, updated_at, "
    "round_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* insert_item =
    "INSERT INTO order_items (order_id, position, name, qty, unit, text, category, note, missing) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* delete_items = "DELETE FROM order_items WHERE order_id = ?";
constexpr const char* insert_event =
    "INSERT INTO order_events (order_id, at, actor, from_status, to_status, detail) VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* select_order =
    ORDER_COLUMNS "FROM orders o JOIN households h ON h.id = o.household_id LEFT JOIN volunteers v ON v.id = o.volunteer_id "
    "WHERE o.id = ?";
// Finding a message's rows: message_rows_sql (storage/batched_index.hpp).
// The usual case, an order from the message just received: its row by rowid, no index walk.
constexpr const char* link_order_row = "UPDATE inbound SET order_id = ? WHERE id = ?";
constexpr const char* select_items =
    "SELECT name, qty, unit, text, category, note, missing FROM order_items WHERE order_id = ? ORDER BY position";
constexpr const char* update_order_notes = "UPDATE orders SET notes = ?, updated_at = ? WHERE id = ?";
constexpr const char* select_status = "SELECT status FROM orders WHERE id = ?";
// The time of each step is kept on the order for lists and exports (events keep the history).
constexpr const char* update_status =
    "UPDATE orders SET status = ?1, updated_at = ?2, "
    "purchased_at = CASE WHEN ?1 = 'purchased' THEN ?2 ELSE purchased_at END, "
    "delivered_at = CASE WHEN ?1 = 'delivered' THEN ?2 ELSE delivered_at END WHERE id = ?3";
// A household's orders: household_orders_sql (the writer's in-memory index, household_orders.hpp).
constexpr const char* order_for_bot_message =
    "SELECT order_no FROM outbox WHERE platform = ? AND chat_id = ? AND sent_message_id = ? AND order_no <> 0 LIMIT 1";
constexpr const char* set_isolation = "UPDATE households SET isolated_from = ?, isolated_until = ? WHERE id = ?";
constexpr const char* relink_member =
    "UPDATE members SET household_id = ?, updated_at = ? WHERE platform = ? AND user_id = ?";
constexpr const char* move_order = "UPDATE orders SET household_id = ?, updated_at = ? WHERE id = ?";
constexpr const char* recent_orders =
    ORDER_COLUMNS "FROM orders o JOIN households h ON h.id = o.household_id LEFT JOIN volunteers v ON v.id = o.volunteer_id "
    "ORDER BY o.id DESC LIMIT ?";
constexpr const char* select_jielong =
    "SELECT text, order_id FROM jielong_entries WHERE platform = ? AND chat_id = ? AND header = ? AND entry_key = ?";
constexpr const char* upsert_jielong =
    "INSERT INTO jielong_entries (platform, chat_id, header, entry_key, text, order_id, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, chat_id, header, entry_key) DO UPDATE SET "
    "text = excluded.text, order_id = COALESCE(excluded.order_id, jielong_entries.order_id), updated_at = excluded.updated_at";
constexpr const char* select_held =
    "SELECT chat_id, thread_id, message_id, text FROM held_orders WHERE platform = ? AND user_id = ?";
constexpr const char* upsert_held =
    "INSERT INTO held_orders (platform, user_id, chat_id, thread_id, message_id, text, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET chat_id = excluded.chat_id, "
    "thread_id = excluded.thread_id, message_id = excluded.message_id, text = excluded.text, created_at = excluded.created_at";
constexpr const char* delete_held = "DELETE FROM held_orders WHERE platform = ? AND user_id = ?";
}  // namespace sql

namespace {

std::string platform_text(Platform p) { return std::string(handlers::to_string(p)); }

void bind_opt_text(SQLite::Statement& s, int i, const std::optional<std::string>& v) {
  if (v) s.bind(i, *v); else s.bind(i);
}

// Binding text without copying it (SQLiteCpp's bind(std::string) copies every value: ~9 % of the
// writer's instructions on the order path). Only for text that stays alive and unchanged until
// the statement has run: the row being written, the caller's strings. The statement keeps the
// pointer afterwards but never reads it again: stmt() clears the bindings before the next use.
void bind_text(SQLite::Statement& s, int i, const std::string& v) { s.bindNoCopy(i, v); }
// A name from to_string(): a string literal, so static and NUL-terminated.
void bind_name(SQLite::Statement& s, int i, std::string_view literal) { s.bindNoCopy(i, literal.data()); }

// Process-wide SQLite settings, before the library initialises (sqlite3_config is refused once
// it has: then the defaults stay, which are only slower). Memory statistics off: with them on,
// every allocation SQLite makes takes a global mutex to count itself, and nothing here reads the
// counts.
void configure_library() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

// Each connection is used by one thread at a time (the writer's under write_mutex_, the reader's
// under read_mutex_), so SQLite's own per-call mutexes only cost time: ~6 % of the server's
// instructions under load.
const int k_no_mutex = SQLite::OPEN_NOMUTEX;

void configure(SQLite::Database& db, const std::string& synchronous, bool memory) {
  db.setBusyTimeout(5000);
  if (!memory) db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = " + synchronous);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA temp_store = MEMORY");
}

handlers::OutboxRow read_outbox_row(SQLite::Statement& q) {
  handlers::OutboxRow r;
  r.id = q.getColumn(0).getInt64();
  r.message.platform = handlers::platform_from_string(q.getColumn(1).getString()).value_or(Platform::telegram);
  r.message.chat_id = q.getColumn(2).getString();
  if (!q.getColumn(3).isNull()) r.message.thread_id = q.getColumn(3).getInt64();
  r.message.text = q.getColumn(4).getString();
  if (!q.getColumn(5).isNull()) r.message.reply_to = q.getColumn(5).getString();
  r.message.markup_json = q.getColumn(6).getString();
  r.message.order_no = q.getColumn(7).getInt64();
  r.attempts = q.getColumn(8).getInt();
  r.due_at = q.getColumn(9).getInt64();
  r.created_at = q.getColumn(10).getInt64();
  if (!q.getColumn(11).isNull()) r.message.callback_id = q.getColumn(11).getString();
  r.message.document_name = q.getColumn(12).getString();
  return r;
}

// Columns as in sql::select_order / sql::recent_orders.
Order read_order_row(SQLite::Statement& q) {
  Order o;
  o.no = OrderId{q.getColumn(0).getInt64()};
  o.household = HouseholdId{q.getColumn(1).getInt64()};
  o.address = q.getColumn(2).getString();
  o.status = handlers::order_status_from_string(q.getColumn(3).getString()).value_or(OrderStatus::pending);
  o.platform = handlers::platform_from_string(q.getColumn(4).getString()).value_or(Platform::telegram);
  o.chat_id = q.getColumn(5).getString();
  o.source_message_id = q.getColumn(6).getString();
  o.sender_id = q.getColumn(7).getString();
  o.notes = q.getColumn(8).getString();
  o.urgent = q.getColumn(9).getInt() != 0;
  o.created_at = q.getColumn(10).getInt64();
  o.updated_at = q.getColumn(11).getInt64();
  if (!q.getColumn(12).isNull()) o.volunteer = handlers::VolunteerId{q.getColumn(12).getInt64()};
  o.volunteer_name = q.getColumn(13).getString();
  o.round_id = q.getColumn(14).getInt64();
  o.assigned_at = q.getColumn(15).getInt64();
  o.purchased_at = q.getColumn(16).getInt64();
  o.delivered_at = q.getColumn(17).getInt64();
  o.received_at = q.getColumn(18).getInt64();
  o.escalated_at = q.getColumn(19).getInt64();
  return o;
}

// Columns as in MEMBER_COLUMNS.
Member read_member(SQLite::Statement& q, Platform p) {
  Member m{.platform = p, .user_id = q.getColumn(0).getString(), .display_name = q.getColumn(1).getString()};
  if (!q.getColumn(2).isNull()) m.household = HouseholdId{q.getColumn(2).getInt64()};
  m.language = q.getColumn(3).getString();
  auto role = q.getColumn(4).getString();
  m.role = role == "coordinator" ? handlers::Role::coordinator
           : role == "volunteer" ? handlers::Role::volunteer
                                 : handlers::Role::resident;
  m.username = q.getColumn(5).getString();
  if (!q.getColumn(6).isNull()) m.private_chat_id = q.getColumn(6).getString();
  return m;
}

std::vector<handlers::Building> split_zones(const std::string& text) {
  std::vector<handlers::Building> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string join_zones(const std::vector<handlers::Building>& zones) {
  std::string out;
  for (const auto& z : zones) out += (out.empty() ? "" : ",") + z;
  return out;
}

// Columns as in VOLUNTEER_COLUMNS.
handlers::VolunteerRecord read_volunteer(SQLite::Statement& q) {
  return handlers::VolunteerRecord{
      .id = handlers::VolunteerId{q.getColumn(0).getInt64()},
      .platform = handlers::platform_from_string(q.getColumn(1).getString()).value_or(Platform::telegram),
      .user_id = q.getColumn(2).getString(),
      .display_name = q.getColumn(3).getString(),
      .zones = split_zones(q.getColumn(4).getString()),
      .capacity = q.getColumn(5).getInt(),
      .on_shift = q.getColumn(6).getInt() != 0,
      .active = q.getColumn(7).getInt() != 0,
      .last_assigned = q.getColumn(8).getInt64()};
}

// Columns as in ROUND_COLUMNS.
handlers::Round read_round(SQLite::Statement& q) {
  handlers::Round r{.id = q.getColumn(0).getInt64(),
                    .platform = handlers::platform_from_string(q.getColumn(1).getString()).value_or(Platform::telegram),
                    .chat_id = q.getColumn(2).getString()};
  if (!q.getColumn(3).isNull()) r.thread_id = q.getColumn(3).getInt64();
  r.language = q.getColumn(4).getString();
  r.opened_by = q.getColumn(5).getString();
  r.opened_at = q.getColumn(6).getInt64();
  r.closes_at = q.getColumn(7).getInt64();
  r.closed_at = q.getColumn(8).getInt64();
  return r;
}

void read_lines(SQLite::Statement& q, Order& o) {
  while (q.executeStep()) {
    o.lines.push_back(OrderLine{.name = q.getColumn(0).getString(),
                                .qty = q.getColumn(1).getDouble(),
                                .unit = q.getColumn(2).getString(),
                                .text = q.getColumn(3).getString(),
                                .category = q.getColumn(4).getString(),
                                .note = q.getColumn(5).getString(),
                                .missing = q.getColumn(6).getInt() != 0});
  }
}

}  // namespace

// The transaction view handed to the engine. Statements are prepared once and reused: the
// engine's transaction is the hot path under load.
class SqliteStore::Tx final : public handlers::StoreTx {
 public:
  explicit Tx(SQLite::Database& db) : db_(db) {}

  // Members and households as last read or written by this connection, so the messages of a
  // sender already seen cost no statement for recording the sender (touch_member), finding their
  // household (member) or naming an address (upsert_household): about 15 % of the writer's work
  // per order. Every write to those tables here drops or refreshes its entry; a rolled-back
  // savepoint or transaction drops everything, and so does a commit by another connection
  // (PRAGMA data_version, checked at the start of every transaction).
  // The households' orders (household_orders.hpp) are indexed in memory too, and rebuilt here
  // when another connection has changed the database.
  void begin() {
    rebuilt_ = false;
    auto version = read_data_version();
    if (version != data_version_) {
      forget();
      if (has_household_orders_) {
        db_.exec(household_orders_sql::rebuild);
        rebuilt_ = true;
      }
    }
    data_version_ = version;
  }
  // The transaction begin() opened was rolled back. The in-memory index went back with it, which
  // is right unless that undid a rebuild: then the next transaction rebuilds it again.
  void rolled_back() {
    forget();
    if (rebuilt_) data_version_ = -1;
    rebuilt_ = false;
  }
  // Once, when the store opens (after the migrations): the in-memory index of households' orders,
  // empty. The first write transaction fills it (data_version_ is -1 until then), under the
  // write lock, so no other connection can commit between the fill and the version it goes with;
  // and a store that never writes (backup, a second connection in the demo) never reads orders.
  void open() {
    has_household_orders_ = db_.tableExists("orders");
    if (has_household_orders_) db_.exec(household_orders_sql::create);
    data_version_ = -1;
  }
  std::int64_t read_data_version() {
    auto& q = stmt("PRAGMA data_version");
    std::int64_t version = q.executeStep() ? q.getColumn(0).getInt64() : -1;
    q.reset();
    return version;
  }
  void forget() {
    last_inbound_ = {};
    members_.clear();
    household_ids_.clear();
    household_addresses_.clear();
  }

  SQLite::Statement& stmt(const char* text) {
    auto it = cache_.find(text);
    if (it == cache_.end()) it = cache_.emplace(text, std::make_unique<SQLite::Statement>(db_, text)).first;
    auto& s = *it->second;
    s.reset();
    s.clearBindings();
    return s;
  }

  // Resets every prepared statement (a few dozen; resetting an idle one costs nothing). A SELECT left on a row keeps its read snapshot
  // after COMMIT; once another connection (a `supplybot migrate`, an operator's sqlite3) commits,
  // this connection could then never write again (SQLITE_BUSY_SNAPSHOT: "database is locked").
  void finish() {
    for (auto& [text, s] : cache_) {
      try {
        s->reset();
      } catch (...) {  // the statement's last error again; it has been reported
      }
    }
  }

  // Adds inbound's newer rows to message_rows once there are min_rows or more of them
  // (storage/batched_index.hpp). Runs at the end of the writer's transaction, so a batch commits
  // with the rows it covers. Returns the rows added.
  std::int64_t fill_message_rows(std::int64_t min_rows) {
    std::int64_t upto = 0;
    std::int64_t newest = 0;
    {
      auto& q = stmt(message_rows_sql::behind);
      if (!q.executeStep()) return 0;
      upto = q.getColumn(0).getInt64();
      newest = q.getColumn(1).getInt64();
    }
    if (newest - upto < min_rows) return 0;
    auto& f = stmt(message_rows_sql::fill);
    f.bind(1, upto);
    f.bind(2, newest);
    auto added = f.exec();
    auto& u = stmt(message_rows_sql::set_upto);
    u.bind(1, newest);
    u.exec();
    return added;
  }

  void savepoint(const std::function<void()>& fn) override {
    // The whole batch must fail (and no request be acknowledged) when the database itself failed:
    // SQLite may then have rolled the transaction back on its own, and going on would commit
    // later messages one by one outside it.
    if (sqlite3_get_autocommit(db_.getHandle())) throw handlers::StoreError("no transaction is open");
    // Prepared once (stmt caches them): exec() would parse the SQL again for every message.
    stmt("SAVEPOINT msg").exec();
    try {
      fn();
    } catch (const SQLite::Exception& e) {
      rollback_savepoint();
      if (is_storage_failure(e.getErrorCode())) throw handlers::StoreError(e.what());
      throw;
    } catch (...) {
      rollback_savepoint();
      throw;
    }
    stmt("RELEASE msg").exec();
  }

  static bool is_storage_failure(int code) {
    switch (code & 0xff) {
      case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_NOMEM: case SQLITE_READONLY: case SQLITE_IOERR:
      case SQLITE_CORRUPT: case SQLITE_FULL: case SQLITE_CANTOPEN: case SQLITE_NOTADB:
        return true;
      default:
        return false;
    }
  }

  void rollback_savepoint() {
    forget();
    try {
      db_.exec("ROLLBACK TO msg");
      db_.exec("RELEASE msg");
    } catch (const SQLite::Exception& e) {
      throw handlers::StoreError(std::string("cannot roll back a failed message: ") + e.what());
    }
    if (sqlite3_get_autocommit(db_.getHandle())) throw handlers::StoreError("the transaction was rolled back");
  }

  bool insert_inbound(const handlers::ChatMessage& m, UnixTime now) override {
    auto& s = stmt(sql::insert_inbound);
    bind_name(s, 1, handlers::to_string(m.platform));
    bind_text(s, 2, m.update_key);
    bind_text(s, 3, m.chat_id);
    bind_text(s, 4, m.sender_id);
    bind_text(s, 5, m.message_id);
    if (m.callback_data) s.bind(6, "[button] " + *m.callback_data); else bind_text(s, 6, m.text);
    s.bind(7, m.edited ? 1 : 0);
    s.bind(8, static_cast<std::int64_t>(m.time));
    s.bind(9, static_cast<std::int64_t>(now));
    if (s.exec() != 1) return false;
    last_inbound_ = {db_.getLastInsertRowid(), m.platform, m.chat_id, m.message_id};
    return true;
  }

  std::int64_t enqueue_outbox(const handlers::OutgoingMessage& m, UnixTime due, UnixTime now) override {
    auto& s = stmt(sql::insert_outbox);
    bind_name(s, 1, handlers::to_string(m.platform));
    bind_text(s, 2, m.chat_id);
    if (m.thread_id) s.bind(3, *m.thread_id); else s.bind(3);
    bind_text(s, 4, m.text);
    bind_opt_text(s, 5, m.reply_to);
    bind_text(s, 6, m.markup_json);
    s.bind(7, m.order_no);
    s.bind(8, static_cast<std::int64_t>(due));
    s.bind(9, static_cast<std::int64_t>(now));
    bind_opt_text(s, 10, m.callback_id);
    bind_text(s, 11, m.document_name);
    s.exec();
    return db_.getLastInsertRowid();
  }

  void outbox_sent(std::int64_t id, std::string_view sent_message_id, UnixTime now) override {
    auto& s = stmt(sql::outbox_sent);
    s.bind(1, static_cast<std::int64_t>(now));
    if (sent_message_id.empty()) s.bind(2); else s.bind(2, std::string(sent_message_id));
    s.bind(3, id);
    s.exec();
  }

  void outbox_retry(std::int64_t id, UnixTime due, std::string_view error, bool count_attempt) override {
    auto& s = stmt(sql::outbox_retry);
    s.bind(1, count_attempt ? 1 : 0);
    s.bind(2, static_cast<std::int64_t>(due));
    s.bind(3, std::string(error));
    s.bind(4, id);
    s.exec();
  }

  void outbox_failed(std::int64_t id, std::string_view reason, UnixTime now) override {
    auto& s = stmt(sql::outbox_failed);
    s.bind(1, static_cast<std::int64_t>(now));
    s.bind(2, std::string(reason));
    s.bind(3, id);
    s.exec();
  }

  HouseholdId upsert_household(std::string_view address, std::string_view building, UnixTime now) override {
    std::string key(address);
    if (auto it = household_ids_.find(key); it != household_ids_.end()) return it->second;
    HouseholdId id{0};
    {
      auto& q = stmt(sql::select_household);
      bind_text(q, 1, key);
      if (q.executeStep()) id = HouseholdId{q.getColumn(0).getInt64()};
    }
    if (id.value == 0) {
      auto& s = stmt(sql::insert_household);
      bind_text(s, 1, key);
      s.bind(2, std::string(building));
      s.bind(3, static_cast<std::int64_t>(now));
      s.exec();
      id = HouseholdId{db_.getLastInsertRowid()};
    }
    remember_household(id, std::move(key));
    return id;
  }

  std::optional<std::string> household_address(HouseholdId h) override {
    if (auto it = household_addresses_.find(h.value); it != household_addresses_.end()) return it->second;
    auto& q = stmt(sql::household_address);
    q.bind(1, h.value);
    if (!q.executeStep()) return std::nullopt;
    auto address = q.getColumn(0).getString();
    remember_household(h, address);
    return address;
  }

  void upsert_member(const Member& m, UnixTime now) override {
    members_.erase(member_key(m.platform, m.user_id));
    auto& s = stmt(sql::upsert_member);
    s.bind(1, platform_text(m.platform));
    s.bind(2, m.user_id);
    s.bind(3, m.display_name);
    if (m.household) s.bind(4, m.household->value); else s.bind(4);
    s.bind(5, m.language);
    s.bind(6, static_cast<std::int64_t>(now));
    s.bind(7, static_cast<std::int64_t>(now));
    s.exec();
  }

  std::optional<Member> member(Platform p, std::string_view user_id) override {
    auto key = member_key(p, user_id);
    if (auto it = members_.find(key); it != members_.end()) return it->second;
    auto& q = stmt(sql::select_member);
    bind_name(q, 1, handlers::to_string(p));
    q.bind(2, std::string(user_id));
    if (!q.executeStep()) return std::nullopt;
    auto m = read_member(q, p);
    if (members_.size() >= k_cached_rows) members_.clear();
    members_.emplace(std::move(key), m);
    return m;
  }

  void set_isolation(HouseholdId h, UnixTime from, UnixTime until) override {
    auto& s = stmt(sql::set_isolation);
    s.bind(1, static_cast<std::int64_t>(from));
    s.bind(2, static_cast<std::int64_t>(until));
    s.bind(3, h.value);
    s.exec();
  }

  std::vector<handlers::IsolatedHousehold> isolated_households(UnixTime now) override {
    auto& q = stmt(household_orders_sql::isolated_households);
    q.bind(1, static_cast<std::int64_t>(now));
    q.bind(2, static_cast<std::int64_t>(now));
    std::vector<handlers::IsolatedHousehold> out;
    while (q.executeStep()) {
      out.push_back(handlers::IsolatedHousehold{
          .address = q.getColumn(0).getString(),
          .from = q.getColumn(1).isNull() ? 0 : q.getColumn(1).getInt64(),
          .until = q.getColumn(2).getInt64(),
          .last_order_at = q.getColumn(3).isNull() ? 0 : q.getColumn(3).getInt64()});
    }
    return out;
  }

  void relink_member(Platform p, std::string_view user_id, HouseholdId h, UnixTime now) override {
    members_.erase(member_key(p, user_id));
    auto& s = stmt(sql::relink_member);
    s.bind(1, h.value);
    s.bind(2, static_cast<std::int64_t>(now));
    s.bind(3, platform_text(p));
    s.bind(4, std::string(user_id));
    s.exec();
  }

  void move_order(OrderId no, HouseholdId to, std::string_view actor, UnixTime now) override {
    auto& s = stmt(sql::move_order);
    s.bind(1, to.value);
    s.bind(2, static_cast<std::int64_t>(now));
    s.bind(3, no.value);
    s.exec();
    auto status = current_status(no).value_or(OrderStatus::pending);
    insert_event(no, actor, status, status, "moved to household " + std::to_string(to.value), now);
  }

  OrderId insert_order(const handlers::NewOrder& o, UnixTime now) override {
    auto& s = stmt(sql::insert_order);
    s.bind(1, o.household.value);
    bind_name(s, 2, handlers::to_string(o.platform));
    bind_text(s, 3, o.chat_id);
    bind_text(s, 4, o.source_message_id);
    bind_text(s, 5, o.sender_id);
    bind_text(s, 6, o.notes);
    s.bind(7, o.urgent ? 1 : 0);
    s.bind(8, static_cast<std::int64_t>(now));
    s.bind(9, static_cast<std::int64_t>(now));
    if (o.round_id != 0) s.bind(10, o.round_id); else s.bind(10);
    s.exec();
    OrderId no{db_.getLastInsertRowid()};
    const auto& last = last_inbound_;
    bool linked = false;
    if (last.id != 0 && last.platform == o.platform && last.chat_id == o.chat_id &&
        last.message_id == o.source_message_id) {
      auto& l = stmt(sql::link_order_row);
      l.bind(1, no.value);
      l.bind(2, last.id);
      linked = l.exec() == 1;  // 0: that row was rolled back since; the general statement finds the rest
    }
    if (!linked) {
      auto& l = stmt(message_rows_sql::link_order);
      l.bind(1, no.value);
      bind_name(l, 2, handlers::to_string(o.platform));
      bind_text(l, 3, o.chat_id);
      bind_text(l, 4, o.source_message_id);
      l.exec();
    }
    insert_lines(no, o.lines);
    insert_event(no, o.sender_id, std::nullopt, OrderStatus::pending, "created", now);
    return no;
  }

  std::optional<Order> order(OrderId no) override {
    Order o;
    {
      auto& q = stmt(sql::select_order);
      q.bind(1, no.value);
      if (!q.executeStep()) return std::nullopt;
      o = read_order_row(q);
    }
    auto& q = stmt(sql::select_items);
    q.bind(1, no.value);
    read_lines(q, o);
    return o;
  }

  std::optional<Order> order_by_source(Platform p, std::string_view chat_id, std::string_view message_id) override {
    std::int64_t id = 0;
    {
      auto& q = stmt(message_rows_sql::order_by_source);
      q.bind(1, platform_text(p));
      q.bind(2, std::string(chat_id));
      q.bind(3, std::string(message_id));
      if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
      id = q.getColumn(0).getInt64();
    }
    return order(OrderId{id});
  }

  void replace_lines(OrderId no, const std::vector<OrderLine>& lines, std::string_view notes, UnixTime now) override {
    auto& d = stmt(sql::delete_items);
    d.bind(1, no.value);
    d.exec();
    insert_lines(no, lines);
    auto& u = stmt(sql::update_order_notes);
    u.bind(1, std::string(notes));
    u.bind(2, static_cast<std::int64_t>(now));
    u.bind(3, no.value);
    u.exec();
    auto status = current_status(no);
    insert_event(no, "", status, status.value_or(OrderStatus::pending), "items changed", now);
  }

  void set_status(OrderId no, OrderStatus to, std::string_view actor, std::string_view detail, UnixTime now) override {
    auto from = current_status(no);
    auto& u = stmt(sql::update_status);
    u.bind(1, std::string(handlers::to_string(to)));
    u.bind(2, static_cast<std::int64_t>(now));
    u.bind(3, no.value);
    u.exec();
    insert_event(no, actor, from, to, detail, now);
  }

  std::vector<Order> open_orders_of(HouseholdId h) override {
    std::vector<std::int64_t> ids;
    {
      auto& q = stmt(household_orders_sql::open_orders_of);
      q.bind(1, h.value);
      while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    }
    std::vector<Order> out;
    for (auto id : ids)
      if (auto o = order(OrderId{id})) out.push_back(std::move(*o));
    return out;
  }

  std::optional<OrderId> order_for_bot_message(Platform p, std::string_view chat_id, std::string_view bot_message_id) override {
    auto& q = stmt(sql::order_for_bot_message);
    q.bind(1, platform_text(p));
    q.bind(2, std::string(chat_id));
    q.bind(3, std::string(bot_message_id));
    if (q.executeStep()) return OrderId{q.getColumn(0).getInt64()};
    return std::nullopt;
  }

  std::optional<Order> last_order_of(HouseholdId h) override {
    std::int64_t id = 0;
    {
      auto& q = stmt(household_orders_sql::last_order_of);
      q.bind(1, h.value);
      if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
      id = q.getColumn(0).getInt64();
    }
    return order(OrderId{id});
  }

  std::optional<handlers::JielongSeen> jielong_entry(Platform p, std::string_view chat_id, std::string_view header,
                                                     std::string_view entry_key) override {
    auto& q = stmt(sql::select_jielong);
    q.bind(1, platform_text(p));
    q.bind(2, std::string(chat_id));
    q.bind(3, std::string(header));
    q.bind(4, std::string(entry_key));
    if (!q.executeStep()) return std::nullopt;
    handlers::JielongSeen seen{.text = q.getColumn(0).getString()};
    if (!q.getColumn(1).isNull()) seen.order = OrderId{q.getColumn(1).getInt64()};
    return seen;
  }

  void put_jielong_entry(Platform p, std::string_view chat_id, std::string_view header, std::string_view entry_key,
                         std::string_view text, std::optional<OrderId> order, UnixTime now) override {
    auto& s = stmt(sql::upsert_jielong);
    s.bind(1, platform_text(p));
    s.bind(2, std::string(chat_id));
    s.bind(3, std::string(header));
    s.bind(4, std::string(entry_key));
    s.bind(5, std::string(text));
    if (order) s.bind(6, order->value); else s.bind(6);
    s.bind(7, static_cast<std::int64_t>(now));
    s.exec();
  }

  std::optional<handlers::HeldOrder> held_order(Platform p, std::string_view user_id) override {
    auto& q = stmt(sql::select_held);
    q.bind(1, platform_text(p));
    q.bind(2, std::string(user_id));
    if (!q.executeStep()) return std::nullopt;
    handlers::HeldOrder h{.platform = p, .user_id = std::string(user_id), .chat_id = q.getColumn(0).getString()};
    if (!q.getColumn(1).isNull()) h.thread_id = q.getColumn(1).getInt64();
    h.message_id = q.getColumn(2).getString();
    h.text = q.getColumn(3).getString();
    return h;
  }

  void put_held_order(const handlers::HeldOrder& h, UnixTime now) override {
    auto& s = stmt(sql::upsert_held);
    s.bind(1, platform_text(h.platform));
    s.bind(2, h.user_id);
    s.bind(3, h.chat_id);
    if (h.thread_id) s.bind(4, *h.thread_id); else s.bind(4);
    s.bind(5, h.message_id);
    s.bind(6, h.text);
    s.bind(7, static_cast<std::int64_t>(now));
    s.exec();
  }

  void drop_held_order(Platform p, std::string_view user_id) override {
    auto& s = stmt(sql::delete_held);
    s.bind(1, platform_text(p));
    s.bind(2, std::string(user_id));
    s.exec();
  }

  // --- members -------------------------------------------------------------------------------
  void touch_member(Platform p, std::string_view user_id, std::string_view display_name, std::string_view username,
                    UnixTime now) override {
    // Known, and nothing new to record: the statement would change nothing.
    auto key = member_key(p, user_id);
    if (auto it = members_.find(key); it != members_.end()) {
      const auto& known = it->second;
      if ((display_name.empty() || display_name == known.display_name) &&
          (username.empty() || username == known.username))
        return;
      members_.erase(it);
    }
    auto& s = stmt(sql::touch_member);
    bind_name(s, 1, handlers::to_string(p));
    s.bind(2, std::string(user_id));
    s.bind(3, std::string(display_name));
    s.bind(4, std::string(username));
    s.bind(5, static_cast<std::int64_t>(now));
    s.exec();
  }

  void set_private_chat(Platform p, std::string_view user_id, std::string_view chat_id, UnixTime now) override {
    members_.erase(member_key(p, user_id));
    auto& s = stmt(sql::set_private_chat);
    s.bind(1, platform_text(p));
    s.bind(2, std::string(user_id));
    s.bind(3, std::string(chat_id));
    s.bind(4, static_cast<std::int64_t>(now));
    s.exec();
  }

  void set_role(Platform p, std::string_view user_id, handlers::Role role, UnixTime now) override {
    members_.erase(member_key(p, user_id));
    auto& s = stmt(sql::set_role);
    s.bind(1, platform_text(p));
    s.bind(2, std::string(user_id));
    s.bind(3, std::string(handlers::to_string(role)));
    s.bind(4, static_cast<std::int64_t>(now));
    s.exec();
  }

  std::optional<Member> member_by_username(Platform p, std::string_view username) override {
    auto& q = stmt(sql::select_member_by_username);
    q.bind(1, platform_text(p));
    q.bind(2, std::string(username));
    if (!q.executeStep()) return std::nullopt;
    return read_member(q, p);
  }

  std::vector<Member> members_with_role(handlers::Role role) override {
    // Platform is not a column of MEMBER_COLUMNS; read it separately.
    std::vector<std::pair<std::string, std::string>> keys;
    {
      auto& q = stmt("SELECT platform, user_id FROM members WHERE role = ? ORDER BY platform, user_id");
      q.bind(1, std::string(handlers::to_string(role)));
      while (q.executeStep()) keys.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
    }
    std::vector<Member> out;
    for (const auto& [platform, user] : keys) {
      auto p = handlers::platform_from_string(platform);
      if (!p) continue;
      if (auto m = member(*p, user)) out.push_back(std::move(*m));
    }
    return out;
  }

  std::optional<std::string> sender_of_message(Platform p, std::string_view chat_id, std::string_view message_id) override {
    auto& q = stmt(message_rows_sql::sender_of_message);
    q.bind(1, platform_text(p));
    q.bind(2, std::string(chat_id));
    q.bind(3, std::string(message_id));
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
  }

  // --- volunteers ----------------------------------------------------------------------------
  handlers::VolunteerId upsert_volunteer(const handlers::VolunteerRecord& v, std::string_view added_by,
                                         UnixTime now) override {
    auto& s = stmt(sql::upsert_volunteer);
    s.bind(1, platform_text(v.platform));
    s.bind(2, v.user_id);
    s.bind(3, v.display_name);
    s.bind(4, join_zones(v.zones));
    s.bind(5, v.capacity);
    s.bind(6, std::string(added_by));
    s.bind(7, static_cast<std::int64_t>(now));
    if (!s.executeStep()) throw std::runtime_error("volunteer upsert returned no id");
    handlers::VolunteerId id{s.getColumn(0).getInt64()};
    s.reset();
    return id;
  }

  std::optional<handlers::VolunteerRecord> volunteer(handlers::VolunteerId id) override {
    auto& q = stmt(sql::select_volunteer);
    q.bind(1, id.value);
    if (!q.executeStep()) return std::nullopt;
    return read_volunteer(q);
  }

  std::optional<handlers::VolunteerRecord> volunteer_by_user(Platform p, std::string_view user_id) override {
    auto& q = stmt(sql::select_volunteer_by_user);
    q.bind(1, platform_text(p));
    q.bind(2, std::string(user_id));
    if (!q.executeStep()) return std::nullopt;
    return read_volunteer(q);
  }

  std::vector<handlers::VolunteerRecord> active_volunteers() override {
    auto& q = stmt(sql::active_volunteers);
    std::vector<handlers::VolunteerRecord> out;
    while (q.executeStep()) out.push_back(read_volunteer(q));
    return out;
  }

  void set_volunteer_active(handlers::VolunteerId id, bool active, UnixTime now) override {
    auto& s = stmt(sql::set_volunteer_active);
    s.bind(1, active ? 1 : 0);
    s.bind(2, active ? 1 : 0);
    s.bind(3, static_cast<std::int64_t>(now));
    s.bind(4, id.value);
    s.exec();
  }

  void set_on_shift(handlers::VolunteerId id, bool on, UnixTime now) override {
    auto& s = stmt(sql::set_on_shift);
    s.bind(1, on ? 1 : 0);
    s.bind(2, static_cast<std::int64_t>(now));
    s.bind(3, id.value);
    s.exec();
  }

  // --- order logistics -----------------------------------------------------------------------
  void set_holder(OrderId no, std::optional<handlers::VolunteerId> v, std::string_view actor, std::string_view detail,
                  UnixTime now) override {
    auto from = current_status(no);
    auto& s = stmt(sql::set_holder);
    if (v) s.bind(1, v->value); else s.bind(1);
    s.bind(2, static_cast<std::int64_t>(now));
    s.bind(3, no.value);
    s.exec();
    if (v) {
      auto& t = stmt(sql::touch_last_assigned);
      t.bind(1, static_cast<std::int64_t>(now));
      t.bind(2, v->value);
      t.exec();
    }
    auto to = current_status(no).value_or(OrderStatus::pending);
    insert_event(no, actor, from, to, detail, now);
  }

  std::vector<Order> assignable_orders() override { return orders_with_lines(stmt(sql::assignable_orders)); }

  std::vector<Order> orders_of_volunteer(handlers::VolunteerId v) override {
    auto& q = stmt(sql::orders_of_volunteer);
    q.bind(1, v.value);
    return orders_with_lines(q);
  }

  std::vector<Order> open_orders() override { return orders_with_lines(stmt(sql::open_orders)); }

  void set_received(OrderId no, std::string_view actor, UnixTime now) override {
    auto& s = stmt(sql::set_received);
    s.bind(1, static_cast<std::int64_t>(now));
    s.bind(2, static_cast<std::int64_t>(now));
    s.bind(3, no.value);
    s.exec();
    insert_event(no, actor, OrderStatus::delivered, OrderStatus::delivered, "receipt confirmed", now);
  }

  void set_escalated(OrderId no, UnixTime now) override {
    auto& s = stmt(sql::set_escalated);
    s.bind(1, static_cast<std::int64_t>(now));
    s.bind(2, no.value);
    s.exec();
  }

  std::vector<Order> delivered_unconfirmed(UnixTime before, std::size_t limit) override {
    auto& q = stmt(sql::delivered_unconfirmed);
    q.bind(1, static_cast<std::int64_t>(before));
    q.bind(2, static_cast<std::int64_t>(limit));
    return orders_with_lines(q);
  }

  std::vector<Order> delivered_unconfirmed_of(HouseholdId h) override {
    auto& q = stmt(sql::delivered_unconfirmed_of);
    q.bind(1, h.value);
    return orders_with_lines(q);
  }

  std::vector<std::pair<OrderStatus, std::int64_t>> status_counts() override {
    auto& q = stmt(sql::orders_by_status);
    std::vector<std::pair<OrderStatus, std::int64_t>> out;
    while (q.executeStep()) {
      if (auto st = handlers::order_status_from_string(q.getColumn(0).getString()))
        out.emplace_back(*st, q.getColumn(1).getInt64());
    }
    return out;
  }

  std::int64_t households_delivered_since(UnixTime since) override {
    auto& q = stmt(sql::households_delivered_since);
    q.bind(1, static_cast<std::int64_t>(since));
    q.executeStep();
    return q.getColumn(0).getInt64();
  }

  // --- rounds --------------------------------------------------------------------------------
  std::int64_t open_round(const handlers::Round& r) override {
    auto& s = stmt(sql::insert_round);
    s.bind(1, platform_text(r.platform));
    s.bind(2, r.chat_id);
    if (r.thread_id) s.bind(3, *r.thread_id); else s.bind(3);
    s.bind(4, r.language);
    s.bind(5, r.opened_by);
    s.bind(6, static_cast<std::int64_t>(r.opened_at));
    s.bind(7, static_cast<std::int64_t>(r.closes_at));
    s.exec();
    return db_.getLastInsertRowid();
  }

  std::optional<handlers::Round> open_round_of(Platform p, std::string_view chat_id) override {
    auto& q = stmt(sql::open_round_of);
    bind_name(q, 1, handlers::to_string(p));
    q.bind(2, std::string(chat_id));
    if (!q.executeStep()) return std::nullopt;
    return read_round(q);
  }

  std::optional<handlers::Round> latest_round_of(Platform p, std::string_view chat_id) override {
    auto& q = stmt(sql::latest_round_of);
    q.bind(1, platform_text(p));
    q.bind(2, std::string(chat_id));
    if (!q.executeStep()) return std::nullopt;
    return read_round(q);
  }

  std::optional<handlers::Round> round(std::int64_t id) override {
    auto& q = stmt(sql::select_round);
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_round(q);
  }

  std::vector<handlers::Round> rounds_due(UnixTime now) override {
    auto& q = stmt(sql::rounds_due);
    q.bind(1, static_cast<std::int64_t>(now));
    std::vector<handlers::Round> out;
    while (q.executeStep()) out.push_back(read_round(q));
    return out;
  }

  void close_round(std::int64_t id, UnixTime now) override {
    auto& s = stmt(sql::close_round);
    s.bind(1, static_cast<std::int64_t>(now));
    s.bind(2, id);
    s.exec();
  }

  std::vector<handlers::ExportRow> export_rows(std::optional<std::int64_t> round_id) override {
    return query_export_rows(db_, round_id);
  }

  std::vector<Order> orders_of_round(std::int64_t id) override {
    auto& q = stmt(sql::orders_of_round);
    q.bind(1, id);
    return orders_with_lines(q);
  }

 private:
  // Reads every row of q (ORDER_COLUMNS), then each order's items.
  std::vector<Order> orders_with_lines(SQLite::Statement& q) {
    std::vector<Order> out;
    while (q.executeStep()) out.push_back(read_order_row(q));
    for (auto& o : out) {
      auto& items = stmt(sql::select_items);
      items.bind(1, o.no.value);
      read_lines(items, o);
    }
    return out;
  }

  std::optional<OrderStatus> current_status(OrderId no) {
    auto& q = stmt(sql::select_status);
    q.bind(1, no.value);
    if (!q.executeStep()) return std::nullopt;
    return handlers::order_status_from_string(q.getColumn(0).getString());
  }

  void insert_lines(OrderId no, const std::vector<OrderLine>& lines) {
    int pos = 0;
    for (const auto& l : lines) {
      auto& s = stmt(sql::insert_item);
      s.bind(1, no.value);
      s.bind(2, pos++);
      bind_text(s, 3, l.name);
      s.bind(4, l.qty);
      bind_text(s, 5, l.unit);
      bind_text(s, 6, l.text);
      bind_text(s, 7, l.category);
      bind_text(s, 8, l.note);
      s.bind(9, l.missing ? 1 : 0);
      s.exec();
    }
  }

  void insert_event(OrderId no, std::string_view actor, std::optional<OrderStatus> from, OrderStatus to,
                    std::string_view detail, UnixTime now) {
    auto& s = stmt(sql::insert_event);
    s.bind(1, no.value);
    s.bind(2, static_cast<std::int64_t>(now));
    s.bind(3, std::string(actor));
    if (from) bind_name(s, 4, handlers::to_string(*from)); else s.bind(4);
    bind_name(s, 5, handlers::to_string(to));
    s.bind(6, std::string(detail));
    s.exec();
  }

  static std::string member_key(Platform p, std::string_view user_id) {
    std::string key(handlers::to_string(p));
    key += '\x1f';
    key += user_id;
    return key;
  }

  void remember_household(HouseholdId id, std::string address) {
    if (household_ids_.size() >= k_cached_rows) {
      household_ids_.clear();
      household_addresses_.clear();
    }
    household_addresses_[id.value] = address;
    household_ids_[std::move(address)] = id;
  }

  // Beyond this many entries a cache starts again (a neighbourhood has a few thousand).
  static constexpr std::size_t k_cached_rows = 50'000;

  SQLite::Database& db_;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> cache_;
  std::int64_t data_version_{-1};
  bool has_household_orders_{false};
  bool rebuilt_{false};  // begin() rebuilt the households' orders in this transaction
  std::unordered_map<std::string, Member> members_;
  std::unordered_map<std::string, HouseholdId> household_ids_;
  std::unordered_map<std::int64_t, std::string> household_addresses_;
  // The inbound row this connection inserted last, for insert_order's link to it.
  struct LastInbound {
    std::int64_t id{0};
    Platform platform{Platform::telegram};
    std::string chat_id;
    std::string message_id;
  } last_inbound_;
};

SqliteStore::SqliteStore(const SqliteOptions& options) {
  const bool memory = options.path == ":memory:";
  try {
    if (!memory && options.path.has_parent_path()) std::filesystem::create_directories(options.path.parent_path());
    configure_library();
    writer_ = std::make_unique<SQLite::Database>(options.path.string(),
                                                 SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | k_no_mutex);
    deferred_sync_ = options.deferred_sync && !memory && options.synchronous == "FULL";
    index_batch_rows_ = std::max(1, options.index_batch_rows);
    // Deferred: the commit writes the WAL without fsync (NORMAL) and sync() fsyncs it. Migrations
    // run before that, still with FULL.
    configure(*writer_, options.synchronous, memory);
    if (options.migrate) migrate(*writer_);
    if (deferred_sync_) {
      writer_->exec("PRAGMA synchronous = NORMAL");
      wal_path_ = options.path.string() + "-wal";
      // Checkpoints (copying the WAL into the database, with two fsyncs) run on their own thread
      // instead of inside the writer's COMMIT (storage/checkpointer.hpp), every 1,000 pages
      // (4 MB of WAL): the writer falls back to doing it itself only 10,000 pages behind.
      // After the WAL starts again, its file is cut back to 64 MB.
      writer_->exec("PRAGMA journal_size_limit = 67108864");
      checkpointer_ = std::make_unique<Checkpointer>(options.path, options.checkpoint_frames,
                                                     options.checkpoint_frames * 10);
      checkpointer_->attach(writer_->getHandle());
    }
    if (!memory) {
      reader_ = std::make_unique<SQLite::Database>(options.path.string(), SQLite::OPEN_READONLY | k_no_mutex);
      reader_->setBusyTimeout(5000);
    }
    tx_ = std::make_unique<Tx>(*writer_);
    tx_->open();
  } catch (const SQLite::Exception& e) {
    throw handlers::StoreError("cannot open database " + options.path.string() + ": " + e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    throw handlers::StoreError("cannot create the database folder: " + std::string(e.what()));
  }
}

SqliteStore::~SqliteStore() {
  if (checkpointer_ && writer_) sqlite3_wal_hook(writer_->getHandle(), nullptr, nullptr);
  checkpointer_.reset();
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

// fdatasync of the WAL, which holds every transaction committed since the last checkpoint (a
// checkpoint syncs the WAL and the database itself, also in NORMAL). On Linux an fsync through
// any descriptor of the file covers what the write connection wrote, so this can run beside
// write(): it makes durable at least everything committed before it started.
void SqliteStore::sync() {
  if (!deferred_sync_) return;
  std::lock_guard lock(sync_mutex_);
  struct stat st {};
  if (::stat(wal_path_.c_str(), &st) != 0) {
    if (errno == ENOENT) return;  // nothing committed in WAL mode yet
    throw handlers::StoreError("cannot stat " + wal_path_.string() + ": " + std::strerror(errno));
  }
  if (wal_fd_ < 0 || wal_inode_ != static_cast<unsigned long long>(st.st_ino)) {
    if (wal_fd_ >= 0) ::close(wal_fd_);
    wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (wal_fd_ < 0) throw handlers::StoreError("cannot open " + wal_path_.string() + ": " + std::strerror(errno));
    wal_inode_ = static_cast<unsigned long long>(st.st_ino);
    // A new WAL file: its directory entry must reach the disk too (SQLite does the same for a WAL
    // it creates with FULL).
    auto dir = wal_path_.has_parent_path() ? wal_path_.parent_path() : std::filesystem::path(".");
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  if (::fdatasync(wal_fd_) != 0)
    throw handlers::StoreError("fdatasync " + wal_path_.string() + " failed: " + std::strerror(errno));
}

SQLite::Database& SqliteStore::reader() { return reader_ ? *reader_ : *writer_; }

// A statement of the read connection, prepared on first use and kept (the outbox reads due rows
// often: preparing a statement each time was 6 % of the server's instructions under load). Use
// only while holding read_mutex_. Reset when the guard goes, so no read snapshot stays open
// between calls (an open one would hold back WAL checkpoints).
class SqliteStore::ReadStmt {
 public:
  ReadStmt(SqliteStore& store, const char* text) : q_(prepared(store, text)) {}
  ~ReadStmt() {
    try {
      q_.reset();
    } catch (...) {  // reset reports the last step's error again; it was already thrown
    }
    q_.clearBindings();
  }
  ReadStmt(const ReadStmt&) = delete;
  ReadStmt& operator=(const ReadStmt&) = delete;
  SQLite::Statement& operator*() { return q_; }
  SQLite::Statement* operator->() { return &q_; }

 private:
  static SQLite::Statement& prepared(SqliteStore& store, const char* text) {
    auto it = store.read_cache_.find(text);
    if (it == store.read_cache_.end())
      it = store.read_cache_.emplace(text, std::make_unique<SQLite::Statement>(store.reader(), text)).first;
    return *it->second;
  }
  SQLite::Statement& q_;
};

void SqliteStore::write(const std::function<void(handlers::StoreTx&)>& fn) {
  std::unique_lock write_lock(write_mutex_);
  // In :memory: mode the readers share the write connection.
  std::unique_lock<std::mutex> read_lock;
  if (!reader_) read_lock = std::unique_lock(read_mutex_);
  try {
    SQLite::Transaction tx(*writer_, SQLite::TransactionBehavior::IMMEDIATE);
    tx_->begin();
    try {
      fn(*tx_);
      auto fill_start = std::chrono::steady_clock::now();
      auto added = tx_->fill_message_rows(index_batch_rows_);
      auto fill_time = std::chrono::steady_clock::now() - fill_start;
      tx_->finish();
      tx.commit();
      if (added > 0) {
        index_batches_.fetch_add(1, std::memory_order_relaxed);
        index_batch_rows_added_.fetch_add(static_cast<std::uint64_t>(added), std::memory_order_relaxed);
        index_batch_us_.fetch_add(
            static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(fill_time).count()),
            std::memory_order_relaxed);
      }
    } catch (...) {
      tx_->finish();
      tx_->rolled_back();  // what the caches learnt in it may not be in the database
      throw;
    }
  } catch (const SQLite::Exception& e) {
    throw handlers::StoreError(e.what());
  }
}

std::vector<handlers::OutboxRow> SqliteStore::due_outbox(UnixTime now, std::size_t limit) {
  std::lock_guard lock(read_mutex_);
  try {
    ReadStmt q(*this, sql::due_outbox);
    q->bind(1, static_cast<std::int64_t>(now));
    q->bind(2, static_cast<std::int64_t>(limit));
    std::vector<handlers::OutboxRow> rows;
    while (q->executeStep()) rows.push_back(read_outbox_row(*q));
    return rows;
  } catch (const SQLite::Exception& e) {
    throw handlers::StoreError(e.what());
  }
}

std::optional<UnixTime> SqliteStore::next_outbox_due() {
  std::lock_guard lock(read_mutex_);
  try {
    ReadStmt q(*this, sql::next_due);
    if (q->executeStep() && !q->getColumn(0).isNull()) return q->getColumn(0).getInt64();
    return std::nullopt;
  } catch (const SQLite::Exception& e) {
    throw handlers::StoreError(e.what());
  }
}

std::vector<handlers::Store::Counter> SqliteStore::counters() {
  std::vector<handlers::Store::Counter> out = {
      {"index_batches", "Batches of new rows added to the batched indexes (a message's inbound rows).",
       index_batches_.load(std::memory_order_relaxed)},
      {"index_batch_rows", "Rows added to the batched indexes.", index_batch_rows_added_.load(std::memory_order_relaxed)},
      {"index_batch_microseconds", "Time the writer spent adding them, in microseconds.",
       index_batch_us_.load(std::memory_order_relaxed)},
  };
  if (!checkpointer_) return out;
  auto st = checkpointer_->stats();
  std::vector<handlers::Store::Counter> checkpoints = {
      {"checkpoints", "WAL checkpoints by the checkpoint thread.", st.checkpoints},
      {"writer_checkpoints", "WAL checkpoints the writer made itself because the thread fell behind.",
       st.writer_checkpoints},
      {"checkpoint_failures", "WAL checkpoints that failed.", st.failed},
      {"checkpoint_busy", "Checkpoints not made because another was running.", st.busy},
      {"checkpoint_wakeups", "Times a commit woke the checkpoint thread.", st.wakeups},
      {"checkpoint_frames", "WAL frames copied into the database.", st.frames_copied},
  };
  out.insert(out.end(), checkpoints.begin(), checkpoints.end());
  return out;
}

std::vector<handlers::WaitingReply> SqliteStore::waiting_replies(UnixTime now) {
  std::lock_guard lock(read_mutex_);
  try {
    ReadStmt q(*this, sql::waiting_replies);
    q->bind(1, static_cast<std::int64_t>(now));
    std::vector<handlers::WaitingReply> rows;
    while (q->executeStep()) {
      auto platform = handlers::platform_from_string(q->getColumn(1).getString());
      if (!platform) continue;  // written by a newer supplybot: not ours to send either
      rows.push_back(handlers::WaitingReply{.id = q->getColumn(0).getInt64(), .platform = *platform,
                                            .chat_id = q->getColumn(2).getString(), .due_at = q->getColumn(3).getInt64()});
    }
    return rows;
  } catch (const SQLite::Exception& e) {
    throw handlers::StoreError(e.what());
  }
}

handlers::OutboxStats SqliteStore::outbox_stats() {
  std::lock_guard lock(read_mutex_);
  handlers::OutboxStats st;
  try {
    {
      ReadStmt pending(*this, sql::outbox_pending_stats);
      if (pending->executeStep()) {
        st.pending = pending->getColumn(0).getInt64();
        if (!pending->getColumn(1).isNull()) st.oldest_pending_created = pending->getColumn(1).getInt64();
      }
    }
    ReadStmt failed(*this, sql::outbox_failed_count);
    if (failed->executeStep()) st.failed = failed->getColumn(0).getInt64();
  } catch (const SQLite::Exception& e) {
    throw handlers::StoreError(e.what());
  }
  return st;
}

std::vector<std::pair<std::string, std::int64_t>> SqliteStore::orders_by_status() {
  std::lock_guard lock(read_mutex_);
  std::vector<std::pair<std::string, std::int64_t>> out;
  try {
    SQLite::Statement q(reader(), sql::orders_by_status);
    while (q.executeStep()) out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt64());
  } catch (const SQLite::Exception& e) {
    throw handlers::StoreError(e.what());
  }
  return out;
}

std::vector<handlers::Order> SqliteStore::recent_orders(std::size_t limit) {
  std::lock_guard lock(read_mutex_);
  std::vector<Order> out;
  try {
    SQLite::Statement q(reader(), sql::recent_orders);
    q.bind(1, static_cast<std::int64_t>(limit));
    while (q.executeStep()) out.push_back(read_order_row(q));
    SQLite::Statement items(reader(), sql::select_items);
    for (auto& o : out) {
      items.reset();
      items.bind(1, o.no.value);
      read_lines(items, o);
    }
  } catch (const SQLite::Exception& e) {
    throw handlers::StoreError(e.what());
  }
  return out;
}

bool SqliteStore::inbound_seen(Platform p, std::string_view update_key) {
  std::lock_guard lock(read_mutex_);
  try {
    ReadStmt q(*this, sql::inbound_seen);
    q->bind(1, platform_text(p));
    q->bind(2, std::string(update_key));
    return q->executeStep();
  } catch (const SQLite::Exception& e) {
    throw handlers::StoreError(e.what());
  }
}

bool SqliteStore::healthy() {
  std::lock_guard lock(read_mutex_);
  try {
    SQLite::Statement q(reader(), sql::health);
    return q.executeStep();
  } catch (const SQLite::Exception&) {
    return false;
  }
}

int SqliteStore::schema_version() {
  std::lock_guard lock(read_mutex_);
  return storage::schema_version(reader());
}

void SqliteStore::backup_to(const std::filesystem::path& file) {
  std::lock_guard lock(read_mutex_);
  try {
    SQLite::Database dest(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup backup(dest, reader());
    backup.executeStep(-1);
  } catch (const SQLite::Exception& e) {
    throw handlers::StoreError("backup to " + file.string() + " failed: " + e.what());
  }
}

}  // namespace supplybot::storage
