#include "bot/export_json.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <unordered_map>

namespace supplybot::bot {
namespace {

// Keys in the order a reader expects (order, address, ... items), not alphabetical.
using json = nlohmann::ordered_json;

// 2 stays an integer ("2", not "2.0"); 0.1 + 0.2 is 0.3.
json qty_json(double qty) {
  if (!std::isfinite(qty)) return nullptr;
  double r = std::round(qty * 1000) / 1000;
  if (r == std::trunc(r) && std::fabs(r) < 9e15) return static_cast<std::int64_t>(r);
  return r;
}

json time_json(handlers::UnixTime t, int utc_offset_minutes) {
  if (t == 0) return nullptr;
  return handlers::format_iso8601(t, utc_offset_minutes);
}

json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

json orders_json(const std::vector<handlers::ExportRow>& rows, int utc_offset_minutes) {
  json orders = json::array();
  std::unordered_map<handlers::OrderId, std::size_t> index;
  for (const auto& r : rows) {
    auto [it, added] = index.try_emplace(r.order_no, orders.size());
    if (added) {
      orders.push_back(json{{"order", r.order_no.value},
                            {"address", r.address},
                            {"building", r.building},
                            {"status", handlers::to_string(r.status)},
                            {"urgent", r.urgent},
                            {"volunteer", text_or_null(r.volunteer)},
                            {"round", r.round_id ? json(r.round_id) : json(nullptr)},
                            {"notes", r.notes},
                            {"created_at", time_json(r.created_at, utc_offset_minutes)},
                            {"assigned_at", time_json(r.assigned_at, utc_offset_minutes)},
                            {"purchased_at", time_json(r.purchased_at, utc_offset_minutes)},
                            {"delivered_at", time_json(r.delivered_at, utc_offset_minutes)},
                            {"received_at", time_json(r.received_at, utc_offset_minutes)},
                            {"items", json::array()}});
    }
    if (r.item_name.empty()) continue;
    orders[it->second]["items"].push_back(json{{"name", r.item_name},
                                               {"qty", qty_json(r.qty)},
                                               {"unit", text_or_null(r.unit)},
                                               {"category", r.category},
                                               {"note", r.item_note},
                                               {"missing", r.missing}});
  }
  return orders;
}

json shopping_json(const std::vector<handlers::ShoppingLine>& lines) {
  json out = json::array();
  for (const auto& l : lines) {
    out.push_back(json{{"category", l.category},
                       {"name", l.name},
                       {"qty", qty_json(l.qty)},
                       {"unit", text_or_null(l.unit)},
                       {"orders", l.orders},
                       {"missing_qty", qty_json(l.missing_qty)}});
  }
  return out;
}

}  // namespace supplybot::bot
