#pragma once
// Batched indexes: lookup tables the writer fills with a table's new rows in sorted batches,
// instead of an SQLite index that takes one entry (and, under load, one more page in the WAL) per
// row the moment it is written. Keyed by chat, an ordinary index puts each new row on another
// leaf page; a batch of a thousand rows sorted by key puts a chat's new entries on one or two.
// See migration 10 and docs/decisions.md.
//
// Each has a row in batched_indexes: `upto` is the newest rowid of its table it covers. Rows above
// it are found by scanning the table's rowids from there, so every lookup reads the batched table
// AND that tail (at most about one batch of rows); the SQL of the lookups in sqlite_store.cpp does
// both. Filling runs at the end of the writer's transaction, so a batch is in the database exactly
// when the rows it covers are.

#include <array>

namespace supplybot::storage {

struct BatchedIndex {
  const char* name;
  // One row: upto, and the newest rowid of the table.
  const char* behind;
  // Copies the table's rows with ?1 < rowid <= ?2, in key order.
  const char* fill;
};

// message_rows: (platform, chat_id, message_id) -> inbound row, for replies, edits and held orders.
const std::array<BatchedIndex, 1>& batched_indexes();

// The statements that read message_rows (and the inbound rows newer than it).
namespace message_rows_sql {
// ?1 platform, ?2 chat, ?3 message: the latest order made from the message (an edit is a row of
// its own, a 接龙 list makes several orders; see migration 8).
extern const char* const order_by_source;
// ?1 order, ?2 platform, ?3 chat, ?4 message: links every row of the message to the order.
extern const char* const link_order;
// ?1 platform, ?2 chat, ?3 message: who wrote it (its first row).
extern const char* const sender_of_message;
}  // namespace message_rows_sql

// Sets a batched index's upto (?1 name, ?2 rowid).
inline constexpr const char* k_set_batched_upto = "UPDATE batched_indexes SET upto = ?2 WHERE name = ?1";

// Rows a table may be ahead of its batched index before the writer fills it (SqliteOptions can
// change it). Bigger batches put more entries on each page written, but the transaction that
// fills one takes longer (about 4.5 ms for 1,000 under load: bench/README.md) and every lookup
// scans up to this many of the newest rows.
inline constexpr int k_default_index_batch_rows = 1000;

}  // namespace supplybot::storage
