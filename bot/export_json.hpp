#pragma once
// The JSON forms of `supplybot export` (the CSV forms and the rows are in handlers/export.hpp).
// Pure functions; safe from any thread.
//
// orders_json: an array of orders in row order, each
//   {"order": 12, "address": "3-2-502", "building": "3", "status": "assigned", "urgent": false,
//    "volunteer": "李志愿" | null, "round": 4 | null, "notes": "",
//    "created_at": "2024-04-05T09:30:00+08:00", "assigned_at": ... | null, "purchased_at", "delivered_at",
//    "received_at",
//    "items": [{"name": "白菜", "qty": 2, "unit": "斤" | null, "category": "蔬菜", "note": "", "missing": false}]}
// (times in the neighbourhood's offset, null = not yet; an order without items has "items": []).
// shopping_json: an array of {"category": "蔬菜" | "", "name", "qty", "unit" | null, "orders", "missing_qty"}
// in handlers::shopping_list order. Quantities are JSON numbers rounded to three decimals.

#include <nlohmann/json_fwd.hpp>

#include <vector>

#include "handlers/export.hpp"

namespace supplybot::bot {

nlohmann::ordered_json orders_json(const std::vector<handlers::ExportRow>& rows, int utc_offset_minutes);
nlohmann::ordered_json shopping_json(const std::vector<handlers::ShoppingLine>& lines);

}  // namespace supplybot::bot
