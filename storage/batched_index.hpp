#pragma once
// Batched indexes: lookup tables the writer fills with a table's new rows in sorted batches,
// instead of an SQLite index that takes one entry (and, under load, one more page in the WAL) per
// row the moment it is written. Keyed by chat, an ordinary index puts each new row on another
// leaf page; a batch of a thousand rows sorted by key puts a chat's new entries on one or two.
// See migration 10 and docs/decisions.md.
//
// message_rows maps (platform, chat_id, message_id) to the inbound rows of a message, for
// replies, edits and held orders. Its row in batched_indexes holds `upto`, the newest inbound
// rowid it covers. Rows above it are found by scanning inbound's rowids from there, so every
// lookup below reads message_rows AND that tail (at most about one batch of rows). Filling runs
// at the end of the writer's transaction (SqliteStore::Tx::fill_message_rows), so a batch is in
// the database exactly when the rows it covers are.

namespace supplybot::storage {

namespace message_rows_sql {
// One row: upto, and inbound's newest rowid.
extern const char* const behind;
// ?1 upto, ?2 newest: copies the inbound rows with ?1 < rowid <= ?2, in key order.
extern const char* const fill;
// ?1 newest: the new upto.
extern const char* const set_upto;
// ?1 platform, ?2 chat, ?3 message: the latest order made from the message (an edit is a row of
// its own, a 接龙 list makes several orders; see migration 8).
extern const char* const order_by_source;
// ?1 order, ?2 platform, ?3 chat, ?4 message: links every row of the message to the order.
extern const char* const link_order;
// ?1 platform, ?2 chat, ?3 message: who wrote it (its first row).
extern const char* const sender_of_message;
}  // namespace message_rows_sql

// Rows inbound may be ahead of message_rows before the writer fills it (SqliteOptions can
// change it). Bigger batches put more entries on each page written, but the transaction that
// fills one takes longer (about 4.5 ms for 1,000 under load: bench/README.md) and every lookup
// scans up to this many of the newest rows.
inline constexpr int k_default_index_batch_rows = 1000;

}  // namespace supplybot::storage
