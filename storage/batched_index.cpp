#include "storage/batched_index.hpp"

namespace supplybot::storage {

// The inbound rows of one message (platform P, chat C, message M: SQL parameters): its entries in
// message_rows and the rows newer than the last batch. The `+` keeps SQLite off the
// (platform, update_key) index, whose first column matches nearly every row, so the newer rows
// are read by rowid (tests/core/batched_index_test.cpp checks the plans).
#define MESSAGE_INBOUND_IDS(P, C, M)                                                                        \
  "SELECT inbound_id AS id FROM message_rows WHERE platform = " P " AND chat_id = " C " AND message_id = " M \
  " UNION ALL SELECT id FROM inbound WHERE id > (SELECT upto FROM batched_indexes WHERE name = 'message_rows')" \
  " AND +platform = " P " AND chat_id = " C " AND message_id = " M

namespace message_rows_sql {
const char* const behind =
    "SELECT upto, (SELECT COALESCE(MAX(id), 0) FROM inbound) FROM batched_indexes WHERE name = 'message_rows'";
const char* const fill =
    "INSERT INTO message_rows (platform, chat_id, message_id, inbound_id) "
    "SELECT platform, chat_id, message_id, id FROM inbound WHERE id > ?1 AND id <= ?2 "
    "ORDER BY platform, chat_id, message_id, id";
const char* const set_upto = "UPDATE batched_indexes SET upto = ?1 WHERE name = 'message_rows'";
const char* const order_by_source =
    "SELECT MAX(order_id) FROM inbound WHERE id IN (" MESSAGE_INBOUND_IDS("?1", "?2", "?3") ")";
const char* const link_order = "UPDATE inbound SET order_id = ?1 WHERE id IN (" MESSAGE_INBOUND_IDS("?2", "?3", "?4") ")";
const char* const sender_of_message =
    "SELECT sender_id FROM inbound WHERE id = (SELECT MIN(id) FROM (" MESSAGE_INBOUND_IDS("?1", "?2", "?3") "))";
}  // namespace message_rows_sql

}  // namespace supplybot::storage
