#include "storage/migrations.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <stdexcept>
#include <string>

namespace supplybot::storage {
namespace {

constexpr std::string_view k_inbound_outbox = R"sql(
CREATE TABLE inbound (
  id          INTEGER PRIMARY KEY,
  platform    TEXT    NOT NULL,
  update_key  TEXT    NOT NULL,
  chat_id     TEXT    NOT NULL,
  sender_id   TEXT    NOT NULL,
  message_id  TEXT    NOT NULL,
  text        TEXT    NOT NULL,
  edited      INTEGER NOT NULL DEFAULT 0,
  sent_at     INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (platform, update_key)
);
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  platform        TEXT    NOT NULL,
  chat_id         TEXT    NOT NULL,
  thread_id       INTEGER,
  text            TEXT    NOT NULL,
  reply_to        TEXT,
  markup          TEXT    NOT NULL DEFAULT '',
  order_no        INTEGER NOT NULL DEFAULT 0,
  state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  due_at          INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  sent_message_id TEXT,
  last_error      TEXT
);
CREATE INDEX outbox_pending_due ON outbox (due_at) WHERE state = 'pending';
CREATE INDEX outbox_sent_message ON outbox (platform, chat_id, sent_message_id) WHERE sent_message_id IS NOT NULL;
)sql";

constexpr std::string_view k_households_orders = R"sql(
CREATE TABLE households (
  id             INTEGER PRIMARY KEY,
  address        TEXT    NOT NULL UNIQUE,
  building       TEXT    NOT NULL,
  isolated_from  INTEGER,
  isolated_until INTEGER,
  created_at     INTEGER NOT NULL
);
CREATE TABLE members (
  platform     TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  display_name TEXT    NOT NULL DEFAULT '',
  household_id INTEGER REFERENCES households (id),
  role         TEXT    NOT NULL DEFAULT 'resident' CHECK (role IN ('resident', 'volunteer', 'coordinator')),
  language     TEXT    NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (platform, user_id)
);
CREATE TABLE orders (
  id                INTEGER PRIMARY KEY,
  household_id      INTEGER NOT NULL REFERENCES households (id),
  status            TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'assigned', 'purchased', 'delivered', 'cancelled')),
  platform          TEXT    NOT NULL,
  chat_id           TEXT    NOT NULL,
  source_message_id TEXT    NOT NULL,
  sender_id         TEXT    NOT NULL,
  notes             TEXT    NOT NULL DEFAULT '',
  urgent            INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX orders_household ON orders (household_id, status);
CREATE INDEX orders_source ON orders (platform, chat_id, source_message_id);
CREATE INDEX orders_status ON orders (status);
CREATE TABLE order_items (
  id       INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name     TEXT    NOT NULL,
  qty      REAL    NOT NULL,
  unit     TEXT    NOT NULL DEFAULT '',
  text     TEXT    NOT NULL DEFAULT '',
  category TEXT    NOT NULL DEFAULT '',
  note     TEXT    NOT NULL DEFAULT '',
  missing  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX order_items_order ON order_items (order_id);
CREATE TABLE order_events (
  id          INTEGER PRIMARY KEY,
  order_id    INTEGER NOT NULL REFERENCES orders (id),
  at          INTEGER NOT NULL,
  actor       TEXT    NOT NULL,
  from_status TEXT,
  to_status   TEXT    NOT NULL,
  detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX order_events_order ON order_events (order_id);
)sql";

constexpr std::string_view k_jielong_held = R"sql(
CREATE TABLE jielong_entries (
  platform   TEXT    NOT NULL,
  chat_id    TEXT    NOT NULL,
  header     TEXT    NOT NULL,
  entry_key  TEXT    NOT NULL,
  text       TEXT    NOT NULL,
  order_id   INTEGER REFERENCES orders (id),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (platform, chat_id, header, entry_key)
);
CREATE TABLE held_orders (
  platform   TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  chat_id    TEXT    NOT NULL,
  thread_id  INTEGER,
  message_id TEXT    NOT NULL,
  text       TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (platform, user_id)
);
)sql";

// /metrics counts failed replies; without this index that is a scan of every reply ever sent.
constexpr std::string_view k_outbox_failed_index = R"sql(
CREATE INDEX outbox_failed ON outbox (id) WHERE state = 'failed';
)sql";

// Kept each chat's replies in order (a per-send query), until migration 9.
constexpr std::string_view k_outbox_chat_index = R"sql(
CREATE INDEX outbox_pending_chat ON outbox (platform, chat_id, id) WHERE state = 'pending';
)sql";

// Issue 5: the logistics team. Volunteers and their shifts, who holds each order, ordering
// rounds per chat, and what a member needs to be found (@username) and written to privately.
// Outbox rows may also answer a button press (callback_id) or carry a file (document_name; the
// text column then holds the file's contents).
constexpr std::string_view k_logistics = R"sql(
CREATE TABLE volunteers (
  id               INTEGER PRIMARY KEY,
  platform         TEXT    NOT NULL,
  user_id          TEXT    NOT NULL,
  display_name     TEXT    NOT NULL DEFAULT '',
  zones            TEXT    NOT NULL DEFAULT '',
  capacity         INTEGER NOT NULL DEFAULT 10 CHECK (capacity >= 0),
  on_shift         INTEGER NOT NULL DEFAULT 0,
  active           INTEGER NOT NULL DEFAULT 1,
  last_assigned_at INTEGER NOT NULL DEFAULT 0,
  added_by         TEXT    NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (platform, user_id)
);
CREATE TABLE rounds (
  id         INTEGER PRIMARY KEY,
  platform   TEXT    NOT NULL,
  chat_id    TEXT    NOT NULL,
  thread_id  INTEGER,
  language   TEXT    NOT NULL DEFAULT 'zh',
  opened_by  TEXT    NOT NULL,
  opened_at  INTEGER NOT NULL,
  closes_at  INTEGER NOT NULL,
  closed_at  INTEGER
);
CREATE UNIQUE INDEX rounds_open_chat ON rounds (platform, chat_id) WHERE closed_at IS NULL;
CREATE INDEX rounds_due ON rounds (closes_at) WHERE closed_at IS NULL;
ALTER TABLE members ADD COLUMN username TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN private_chat_id TEXT;
CREATE INDEX members_username ON members (platform, username) WHERE username <> '';
ALTER TABLE orders ADD COLUMN volunteer_id INTEGER REFERENCES volunteers (id);
ALTER TABLE orders ADD COLUMN round_id INTEGER REFERENCES rounds (id);
ALTER TABLE orders ADD COLUMN assigned_at INTEGER;
ALTER TABLE orders ADD COLUMN purchased_at INTEGER;
ALTER TABLE orders ADD COLUMN delivered_at INTEGER;
ALTER TABLE orders ADD COLUMN received_at INTEGER;
ALTER TABLE orders ADD COLUMN escalated_at INTEGER;
CREATE INDEX orders_volunteer ON orders (volunteer_id, status) WHERE volunteer_id IS NOT NULL;
CREATE INDEX orders_round ON orders (round_id) WHERE round_id IS NOT NULL;
CREATE INDEX orders_awaiting_receipt ON orders (delivered_at) WHERE status = 'delivered' AND received_at IS NULL;
CREATE INDEX inbound_message ON inbound (platform, chat_id, message_id);
ALTER TABLE outbox ADD COLUMN callback_id TEXT;
ALTER TABLE outbox ADD COLUMN document_name TEXT NOT NULL DEFAULT '';
)sql";

// CHECK (x IN ('a', 'b', 'c')) makes SQLite build a temporary table of the list on every
// insert or update of the row (3.40 codes IN lists of 3 or more values that way): measured at
// ~3 us per statement and ~10 % of the server's instructions under load, most of it zeroing
// pages. The same checks written with OR cost nothing. SQLite cannot change a CHECK in place, so
// the three tables are rebuilt (the documented create-copy-drop-rename, with foreign keys off
// around it: see migrate()), with their columns in the same order and their indexes.
constexpr std::string_view k_checks_without_in_lists = R"sql(
CREATE TABLE outbox_v7 (
  id              INTEGER PRIMARY KEY,
  platform        TEXT    NOT NULL,
  chat_id         TEXT    NOT NULL,
  thread_id       INTEGER,
  text            TEXT    NOT NULL,
  reply_to        TEXT,
  markup          TEXT    NOT NULL DEFAULT '',
  order_no        INTEGER NOT NULL DEFAULT 0,
  state           TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (state = 'pending' OR state = 'sent' OR state = 'failed'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  due_at          INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  sent_message_id TEXT,
  last_error      TEXT,
  callback_id     TEXT,
  document_name   TEXT    NOT NULL DEFAULT ''
);
INSERT INTO outbox_v7 (id, platform, chat_id, thread_id, text, reply_to, markup, order_no, state, attempts, due_at,
                       created_at, sent_at, sent_message_id, last_error, callback_id, document_name)
  SELECT id, platform, chat_id, thread_id, text, reply_to, markup, order_no, state, attempts, due_at,
         created_at, sent_at, sent_message_id, last_error, callback_id, document_name FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v7 RENAME TO outbox;
CREATE INDEX outbox_pending_due ON outbox (due_at) WHERE state = 'pending';
CREATE INDEX outbox_sent_message ON outbox (platform, chat_id, sent_message_id) WHERE sent_message_id IS NOT NULL;
CREATE INDEX outbox_failed ON outbox (id) WHERE state = 'failed';
CREATE INDEX outbox_pending_chat ON outbox (platform, chat_id, id) WHERE state = 'pending';

CREATE TABLE members_v7 (
  platform        TEXT    NOT NULL,
  user_id         TEXT    NOT NULL,
  display_name    TEXT    NOT NULL DEFAULT '',
  household_id    INTEGER REFERENCES households (id),
  role            TEXT    NOT NULL DEFAULT 'resident'
                  CHECK (role = 'resident' OR role = 'volunteer' OR role = 'coordinator'),
  language        TEXT    NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  username        TEXT    NOT NULL DEFAULT '',
  private_chat_id TEXT,
  PRIMARY KEY (platform, user_id)
);
INSERT INTO members_v7 (platform, user_id, display_name, household_id, role, language, created_at, updated_at,
                        username, private_chat_id)
  SELECT platform, user_id, display_name, household_id, role, language, created_at, updated_at,
         username, private_chat_id FROM members;
DROP TABLE members;
ALTER TABLE members_v7 RENAME TO members;
CREATE INDEX members_username ON members (platform, username) WHERE username <> '';

CREATE TABLE orders_v7 (
  id                INTEGER PRIMARY KEY,
  household_id      INTEGER NOT NULL REFERENCES households (id),
  status            TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status = 'pending' OR status = 'assigned' OR status = 'purchased' OR
                           status = 'delivered' OR status = 'cancelled'),
  platform          TEXT    NOT NULL,
  chat_id           TEXT    NOT NULL,
  source_message_id TEXT    NOT NULL,
  sender_id         TEXT    NOT NULL,
  notes             TEXT    NOT NULL DEFAULT '',
  urgent            INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  volunteer_id      INTEGER REFERENCES volunteers (id),
  round_id          INTEGER REFERENCES rounds (id),
  assigned_at       INTEGER,
  purchased_at      INTEGER,
  delivered_at      INTEGER,
  received_at       INTEGER,
  escalated_at      INTEGER
);
INSERT INTO orders_v7 (id, household_id, status, platform, chat_id, source_message_id, sender_id, notes, urgent,
                       created_at, updated_at, volunteer_id, round_id, assigned_at, purchased_at, delivered_at,
                       received_at, escalated_at)
  SELECT id, household_id, status, platform, chat_id, source_message_id, sender_id, notes, urgent,
         created_at, updated_at, volunteer_id, round_id, assigned_at, purchased_at, delivered_at,
         received_at, escalated_at FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v7 RENAME TO orders;
CREATE INDEX orders_household ON orders (household_id, status);
CREATE INDEX orders_source ON orders (platform, chat_id, source_message_id);
CREATE INDEX orders_status ON orders (status);
CREATE INDEX orders_volunteer ON orders (volunteer_id, status) WHERE volunteer_id IS NOT NULL;
CREATE INDEX orders_round ON orders (round_id) WHERE round_id IS NOT NULL;
CREATE INDEX orders_awaiting_receipt ON orders (delivered_at) WHERE status = 'delivered' AND received_at IS NULL;
)sql";

// Each order's source message is found through the message's inbound row (inbound_message, which
// replies and edits use anyway) instead of an index of its own. orders_source was keyed by chat:
// every new order dirtied a page of it wherever its chat's entries were, and under load each such
// page costs a 4 KB WAL frame per commit (the load bench: ~6 KB of disk writes and ~14 % of the
// throughput per order). inbound.order_id is set on the row just written, whose page is dirty
// anyway. No REFERENCES: a message may outlive a deleted order, and the link is only a lookup.
constexpr std::string_view k_order_source_on_inbound = R"sql(
ALTER TABLE inbound ADD COLUMN order_id INTEGER;
UPDATE inbound SET order_id = (
  SELECT MAX(o.id) FROM orders o
  WHERE o.platform = inbound.platform AND o.chat_id = inbound.chat_id AND o.source_message_id = inbound.message_id)
WHERE EXISTS (
  SELECT 1 FROM orders o
  WHERE o.platform = inbound.platform AND o.chat_id = inbound.chat_id AND o.source_message_id = inbound.message_id);
DROP INDEX orders_source;
)sql";

// The outbox keeps each chat's replies in order from what it knows (it read the chats waiting for
// a retry once at start: Store::waiting_replies) instead of asking this index before every send.
// Keyed by chat, the index took a page write per new reply wherever that chat's entries were; a
// backlog (Telegram down, or the load bench, whose API port is closed) made it large.
constexpr std::string_view k_no_pending_chat_index = R"sql(
DROP INDEX outbox_pending_chat;
)sql";

// The lookup of a message's inbound rows (replies, edits, held orders) becomes a batched index
// (storage/batched_index.hpp): a table the writer fills with new rows in sorted batches instead
// of an index taking one entry per row as it is written. Keyed by chat, inbound_message put each
// new row on another leaf page: under load (50 chats) 21 of the ~63 WAL pages each commit wrote.
// A batch of a thousand rows sorted by chat puts a chat's new entries on one or two pages.
// Rows newer than the batches (`upto` in batched_indexes) are found by a scan of the newest
// rowids, at most about one batch. The app never deletes inbound rows (an operator might): the
// trigger drops the entry, and pulls `upto` back when the newest row goes, since SQLite would
// then hand that rowid out again.
// Batching did not suit orders_household: its insertion points are households, and with
// thousands of them a batch of a thousand orders touched nearly every page of it anyway (see 11).
constexpr std::string_view k_batched_indexes = R"sql(
CREATE TABLE batched_indexes (
  name TEXT    PRIMARY KEY,
  upto INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE message_rows (
  platform   TEXT    NOT NULL,
  chat_id    TEXT    NOT NULL,
  message_id TEXT    NOT NULL,
  inbound_id INTEGER NOT NULL,
  PRIMARY KEY (platform, chat_id, message_id, inbound_id)
) WITHOUT ROWID;
INSERT INTO message_rows (platform, chat_id, message_id, inbound_id)
  SELECT platform, chat_id, message_id, id FROM inbound ORDER BY platform, chat_id, message_id, id;
INSERT INTO batched_indexes (name, upto) VALUES
  ('message_rows', (SELECT COALESCE(MAX(id), 0) FROM inbound));
DROP INDEX inbound_message;
CREATE TRIGGER message_rows_forget AFTER DELETE ON inbound
BEGIN
  DELETE FROM message_rows
  WHERE platform = old.platform AND chat_id = old.chat_id AND message_id = old.message_id AND inbound_id = old.id;
  UPDATE batched_indexes SET upto = (SELECT COALESCE(MAX(id), 0) FROM inbound)
  WHERE name = 'message_rows' AND upto > (SELECT COALESCE(MAX(id), 0) FROM inbound);
END;
)sql";

// The writer keeps each household's orders in an in-memory index instead
// (storage/household_orders.hpp): keyed by household, this one put each new order on another of
// its pages, ~13 of the ~60 WAL pages a commit wrote under load.
constexpr std::string_view k_no_household_index = R"sql(
DROP INDEX orders_household;
)sql";

// An order's items are only ever read, replaced and exported together, by order: kept in
// (order, position) order as the table's own key, an item is one B-tree insert instead of two
// (the row by rowid, then order_items_order), ~2.4 per order under load. Positions are renumbered
// 0.. per order in their old order, so rows written by hand with repeated positions survive.
constexpr std::string_view k_items_by_order = R"sql(
CREATE TABLE order_items_by_order (
  order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name     TEXT    NOT NULL,
  qty      REAL    NOT NULL,
  unit     TEXT    NOT NULL DEFAULT '',
  text     TEXT    NOT NULL DEFAULT '',
  category TEXT    NOT NULL DEFAULT '',
  note     TEXT    NOT NULL DEFAULT '',
  missing  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (order_id, position)
) WITHOUT ROWID;
INSERT INTO order_items_by_order (order_id, position, name, qty, unit, text, category, note, missing)
  SELECT order_id, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY position, id) - 1,
         name, qty, unit, text, category, note, missing
  FROM order_items;
DROP TABLE order_items;
ALTER TABLE order_items_by_order RENAME TO order_items;
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "inbound updates and outbox", k_inbound_outbox},
      {2, "households, members, orders", k_households_orders},
      {3, "接龙 chains and orders held for an address", k_jielong_held},
      {4, "index of failed outbox rows", k_outbox_failed_index},
      {5, "index of pending outbox rows by chat", k_outbox_chat_index},
      {6, "volunteers, rounds, order assignment, button answers and files", k_logistics},
      {7, "CHECK constraints without IN lists (outbox, members, orders rebuilt)", k_checks_without_in_lists},
      {8, "an order's source message found through inbound (orders_source dropped)", k_order_source_on_inbound},
      {9, "no index of pending outbox rows by chat (the outbox keeps the order itself)", k_no_pending_chat_index},
      {10, "a message's inbound rows found through a batched index (inbound_message dropped)", k_batched_indexes},
      {11, "households' orders indexed in the writer's memory (orders_household dropped)", k_no_household_index},
      {12, "an order's items keyed by (order, position), without a rowid or a second index", k_items_by_order},
  };
  return all;
}

int schema_version(SQLite::Database& db) {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  SQLite::Statement q(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  q.executeStep();
  return q.getColumn(0).getInt();
}

int migrate(SQLite::Database& db) {
  int current = schema_version(db);
  int newest = migrations().empty() ? 0 : migrations().back().version;
  if (current > newest) {
    throw std::runtime_error("database schema version " + std::to_string(current) +
                             " is newer than this supplybot knows (" + std::to_string(newest) +
                             "); upgrade supplybot instead");
  }
  if (current == newest) return 0;
  // Foreign keys off while migrating (it can only change outside a transaction): a table rebuild
  // drops the old table, and with them on that would delete (ON DELETE CASCADE) the rows that
  // refer to it. Each migration checks every reference itself before it commits.
  const bool foreign_keys = db.execAndGet("PRAGMA foreign_keys").getInt() != 0;
  if (foreign_keys) db.exec("PRAGMA foreign_keys = OFF");
  struct Restore {
    SQLite::Database& db;
    bool on;
    ~Restore() {
      if (on) db.exec("PRAGMA foreign_keys = ON");
    }
  } restore{db, foreign_keys};
  int applied = 0;
  for (const auto& m : migrations()) {
    if (m.version <= current) continue;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Another process (a `migrate` beside a running server) may have applied it meanwhile.
    if (schema_version(db) >= m.version) continue;
    db.exec(std::string(m.sql));
    {
      SQLite::Statement broken(db, "PRAGMA foreign_key_check");
      if (broken.executeStep()) {
        throw std::runtime_error("migration " + std::to_string(m.version) + " would leave a row of " +
                                 broken.getColumn(0).getString() + " referring to a missing " +
                                 broken.getColumn(2).getString() + "; nothing was changed");
      }
    }
    SQLite::Statement ins(db, "INSERT INTO schema_version (version) VALUES (?)");
    ins.bind(1, m.version);
    ins.exec();
    tx.commit();
    ++applied;
  }
  return applied;
}

}  // namespace supplybot::storage
