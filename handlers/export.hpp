#pragma once
// Issue 5: what coordinators take into a spreadsheet. Orders flattened to one row per item
// (ExportRow), the CSV they open in Excel / WPS / LibreOffice, and the shopping list (what is
// still to buy, summed per item and unit). Pure functions of their arguments: no I/O, no clock;
// the neighbourhood's UTC offset is passed in. The JSON forms live in bot/export_json.hpp
// (handlers/ does not use a JSON library). Plain values; safe to use from any thread.

#include <string>
#include <string_view>
#include <vector>

#include "handlers/assign/ids.hpp"
#include "handlers/order.hpp"
#include "handlers/shopping.hpp"

namespace supplybot::handlers {

// One item of one order, with the order's facts repeated. An order without items is one row
// whose item_name is empty (its qty, unit, category, item_note and missing are then ignored).
struct ExportRow {
  OrderId order_no;
  std::string address;   // canonical household ("3-2-502")
  std::string building;  // "3"
  OrderStatus status{OrderStatus::pending};
  bool urgent{false};
  std::string volunteer;   // display name of who holds it; empty if nobody
  std::int64_t round_id{0};  // 0: in no round
  std::string item_name;
  double qty{0};
  std::string unit;      // may be empty ("2 个" vs "2")
  std::string category;  // catalog category; may be empty
  std::string item_note;
  bool missing{false};   // the volunteer could not buy it
  std::string notes;     // the order's notes
  UnixTime created_at{0};
  UnixTime assigned_at{0};  // 0 for all four: not yet
  UnixTime purchased_at{0};
  UnixTime delivered_at{0};
  UnixTime received_at{0};
};

// The rows of one order as the engine holds it (one per line, or one empty row), with its
// volunteer's name, round and times as far as the Order carries them.
std::vector<ExportRow> export_rows(const Order& order);

// The orders spreadsheet: UTF-8 with a byte-order mark (so Excel reads the Chinese right), a
// header row in Chinese and English, one row per item, RFC 4180 quoting, CRLF line ends. Times are
// "YYYY-MM-DD HH:MM" in the neighbourhood's clock (utc_offset_minutes east of UTC), empty when not
// yet; quantities have no trailing zeros ("2", "0.5"). Text a resident wrote that starts like a
// formula (= + - @) is prefixed with ' so a spreadsheet shows it instead of running it.
std::string orders_csv(const std::vector<ExportRow>& rows, int utc_offset_minutes);

// One line of the shopping list: how much of one item, in one unit, is wanted. The same sums as
// the chat's lists (handlers/shopping.hpp).
using ShoppingLine = ShoppingTotal;

// What the label of an empty category says in exports.
inline constexpr std::string_view k_other_category = "其他 Other";

// Sums the items of orders that still have to be bought or were bought for delivery: pending,
// assigned and purchased. Delivered and cancelled orders are left out (nothing more to buy for
// them). One line per (name, unit), sorted by category (empty last), then name, then unit.
std::vector<ShoppingLine> shopping_list(const std::vector<ExportRow>& rows);

// The shopping list as a spreadsheet, same conventions as orders_csv.
std::string shopping_csv(const std::vector<ShoppingLine>& lines);

// Shared by the formatters and by chat replies that quote the same numbers.
// A quantity with at most three decimals and no trailing zeros: 2 -> "2", 0.5 -> "0.5".
std::string format_export_qty(double qty);
// "2024-04-05 09:30" in the given offset; "" for 0.
std::string format_local_minute(UnixTime t, int utc_offset_minutes);
// "2024-04-05T09:30:00+08:00"; "" for 0.
std::string format_iso8601(UnixTime t, int utc_offset_minutes);

}  // namespace supplybot::handlers
