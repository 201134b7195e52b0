// bot/export_json: the JSON forms of `supplybot export`.

#include "bot/export_json.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace supplybot;
using namespace supplybot::handlers;
using nlohmann::json;

namespace {
constexpr UnixTime k_t = 1712280600;  // 2024-04-05 09:30 in Shanghai
}

TEST_CASE("export json: orders with their items, times in the offset, null when not yet") {
  std::vector<ExportRow> rows = {
      ExportRow{.order_no = OrderId{7}, .address = "3-2-502", .building = "3", .status = OrderStatus::assigned,
                .urgent = true, .volunteer = "李志愿", .round_id = 3, .item_name = "白菜", .qty = 2, .unit = "斤",
                .category = "蔬菜", .created_at = k_t, .assigned_at = k_t + 60},
      ExportRow{.order_no = OrderId{7}, .address = "3-2-502", .building = "3", .status = OrderStatus::assigned,
                .item_name = "鸡蛋", .qty = 0.5, .missing = true, .created_at = k_t},
      ExportRow{.order_no = OrderId{9}, .address = "12B", .building = "12B", .status = OrderStatus::pending,
                .notes = "fresh", .created_at = k_t},
  };
  auto j = bot::orders_json(rows, 480);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2);
  CHECK(j[0].begin().key() == "order");  // keys in reading order, not alphabetical
  CHECK(j[0]["order"] == 7);
  CHECK(j[0]["status"] == "assigned");
  CHECK(j[0]["urgent"] == true);
  CHECK(j[0]["volunteer"] == "李志愿");
  CHECK(j[0]["round"] == 3);
  CHECK(j[0]["created_at"] == "2024-04-05T09:30:00+08:00");
  CHECK(j[0]["assigned_at"] == "2024-04-05T09:31:00+08:00");
  CHECK(j[0]["delivered_at"].is_null());
  REQUIRE(j[0]["items"].size() == 2);
  CHECK(j[0]["items"][0]["qty"].is_number_integer());
  CHECK(j[0]["items"][0]["qty"] == 2);
  CHECK(j[0]["items"][1]["qty"] == 0.5);
  CHECK(j[0]["items"][1]["unit"].is_null());
  CHECK(j[0]["items"][1]["missing"] == true);
  CHECK(j[1]["volunteer"].is_null());
  CHECK(j[1]["round"].is_null());
  CHECK(j[1]["items"].empty());
  CHECK(j[0].dump().find("2.0") == std::string::npos);
}

TEST_CASE("export json: shopping lines") {
  std::vector<ShoppingLine> lines = {{.category = "蔬菜", .name = "白菜", .unit = "斤", .qty = 0.1 + 0.2, .orders = 2},
                                     {.name = "Bread", .qty = 2, .orders = 1, .missing_qty = 1}};
  auto j = bot::shopping_json(lines);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["qty"] == 0.3);
  CHECK(j[0]["orders"] == 2);
  CHECK(j[1]["category"] == "");
  CHECK(j[1]["unit"].is_null());
  CHECK(j[1]["missing_qty"] == 1);
}
