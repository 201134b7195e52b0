// handlers/export: the spreadsheets coordinators open, and the shopping list.

#include "handlers/export.hpp"
#include "handlers/shopping.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace supplybot::handlers;

namespace {

constexpr UnixTime k_t = 1712280600;  // 2024-04-05 01:30:00 UTC = 09:30 in Shanghai

ExportRow item(std::int64_t order, std::string name, double qty, std::string unit, std::string category = "蔬菜",
               OrderStatus status = OrderStatus::pending) {
  return ExportRow{.order_no = OrderId{order},
                   .address = "3-2-502",
                   .building = "3",
                   .status = status,
                   .item_name = std::move(name),
                   .qty = qty,
                   .unit = std::move(unit),
                   .category = std::move(category),
                   .created_at = k_t};
}

// Splits CSV text (after the BOM) into lines at CRLF; quoted newlines stay inside a line.
std::vector<std::string> csv_lines(const std::string& csv) {
  REQUIRE(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  std::vector<std::string> lines;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 3; i < csv.size(); ++i) {
    char c = csv[i];
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
      lines.push_back(cur);
      cur.clear();
      ++i;
      continue;
    }
    cur += c;
  }
  CHECK(cur.empty());  // the last line ends with CRLF too
  return lines;
}

}  // namespace

TEST_CASE("export: quantities have no trailing zeros") {
  CHECK(format_export_qty(2) == "2");
  CHECK(format_export_qty(0.5) == "0.5");
  CHECK(format_export_qty(12.0) == "12");
  CHECK(format_export_qty(0.1 + 0.2) == "0.3");
  CHECK(format_export_qty(1.25) == "1.25");
  CHECK(format_export_qty(1.0 / 3) == "0.333");
  CHECK(format_export_qty(-0.0) == "0");
  CHECK(format_export_qty(100000) == "100000");
}

TEST_CASE("export: times in the neighbourhood's offset") {
  CHECK(format_local_minute(k_t, 480) == "2024-04-05 09:30");
  CHECK(format_local_minute(k_t, 0) == "2024-04-05 01:30");
  CHECK(format_local_minute(k_t, -300) == "2024-04-04 20:30");  // the day before, west of UTC
  CHECK(format_local_minute(k_t, 330) == "2024-04-05 07:00");
  CHECK(format_local_minute(0, 480).empty());  // not yet
  CHECK(format_iso8601(k_t, 480) == "2024-04-05T09:30:00+08:00");
  CHECK(format_iso8601(k_t + 7, -330) == "2024-04-04T20:00:07-05:30");
  CHECK(format_iso8601(k_t, 0) == "2024-04-05T01:30:00+00:00");
  CHECK(format_iso8601(0, 480).empty());
  SUBCASE("a leap day and a year end") {
    CHECK(format_local_minute(1709225940, 480) == "2024-03-01 00:59");  // 2024-02-29 16:59 UTC
    CHECK(format_local_minute(1704067199, 480) == "2024-01-01 07:59");  // 2023-12-31 23:59:59 UTC
  }
}

TEST_CASE("export: orders csv has a BOM, a bilingual header, CRLF, one row per item") {
  auto a = item(7, "白菜", 2, "斤");
  a.volunteer = "李志愿";
  a.round_id = 3;
  a.status = OrderStatus::assigned;
  a.assigned_at = k_t + 600;
  auto b = item(7, "鸡蛋", 0.5, "盒", "蛋奶");
  b.status = OrderStatus::assigned;
  b.round_id = 3;
  b.missing = true;
  auto csv = orders_csv({a, b}, 480);
  auto lines = csv_lines(csv);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind("订单号 Order,地址 Address,楼栋 Building,状态 Status,", 0) == 0);
  CHECK(lines[0].find("签收时间 Received") != std::string::npos);
  CHECK(lines[1] == "7,3-2-502,3,已分配 assigned,,李志愿,3,白菜,2,斤,蔬菜,,,,2024-04-05 09:30,2024-04-05 09:40,,,");
  CHECK(lines[2] == "7,3-2-502,3,已分配 assigned,,,3,鸡蛋,0.5,盒,蛋奶,,是 yes,,2024-04-05 09:30,,,,");
  SUBCASE("every row has as many cells as the header") {
    auto cells = [](const std::string& l) { return std::count(l.begin(), l.end(), ','); };
    CHECK(cells(lines[1]) == cells(lines[0]));
    CHECK(cells(lines[2]) == cells(lines[0]));
  }
}

TEST_CASE("export: RFC 4180 quoting of commas, quotes and newlines") {
  auto r = item(1, "大米", 10, "斤", "粮油");
  r.item_note = "要\"东北\"的, 不要散装";
  r.notes = "放门口\n谢谢";
  r.urgent = true;
  auto lines = csv_lines(orders_csv({r}, 480));
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] ==
        "1,3-2-502,3,待分配 pending,是 yes,,,大米,10,斤,粮油,\"要\"\"东北\"\"的, 不要散装\",,\"放门口\n谢谢\","
        "2024-04-05 09:30,,,,");
}

TEST_CASE("export: text that looks like a formula is kept as text") {
  auto r = item(1, "=HYPERLINK(\"http://x\")", 1, "");
  r.notes = "-不要辣";
  r.volunteer = "@lee";
  auto lines = csv_lines(orders_csv({r}, 480));
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].find(",\"'=HYPERLINK(\"\"http://x\"\")\",") != std::string::npos);
  CHECK(lines[1].find(",'-不要辣,") != std::string::npos);
  CHECK(lines[1].find(",'@lee,") != std::string::npos);
}

TEST_CASE("export: an order without items still gets one row") {
  ExportRow r{.order_no = OrderId{9}, .address = "12B", .building = "12B", .status = OrderStatus::cancelled,
              .notes = "whatever is fresh", .created_at = k_t};
  auto lines = csv_lines(orders_csv({r}, 480));
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] == "9,12B,12B,已取消 cancelled,,,,,,,,,,whatever is fresh,2024-04-05 09:30,,,,");
  CHECK(csv_lines(orders_csv({}, 480)).size() == 1);  // only the header
}

TEST_CASE("export: rows of an order the engine holds") {
  Order o{.no = OrderId{4}, .address = "3-2-502", .notes = "n", .urgent = true,
          .lines = {OrderLine{.name = "白菜", .qty = 2, .unit = "斤", .category = "蔬菜"},
                    OrderLine{.name = "鸡蛋", .qty = 1, .unit = "盒", .missing = true}},
          .created_at = k_t, .volunteer_name = "李志愿", .round_id = 5, .assigned_at = k_t + 60,
          .received_at = k_t + 3600};
  auto rows = export_rows(o);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].building == "3");
  CHECK(rows[0].urgent);
  CHECK(rows[1].volunteer == "李志愿");
  CHECK(rows[1].round_id == 5);
  CHECK(rows[1].assigned_at == k_t + 60);
  CHECK(rows[1].purchased_at == 0);
  CHECK(rows[1].received_at == k_t + 3600);
  CHECK(rows[1].item_name == "鸡蛋");
  CHECK(rows[1].missing);
  o.lines.clear();
  REQUIRE(export_rows(o).size() == 1);
  CHECK(export_rows(o)[0].item_name.empty());
}

TEST_CASE("shopping list: sums per item and unit, units kept apart") {
  std::vector<ExportRow> rows = {item(1, "白菜", 2, "斤"),  item(2, "白菜", 10, "斤"), item(2, "白菜", 2, "棵"),
                                 item(3, "鸡蛋", 1, "盒", "蛋奶"), item(3, "白菜", 0.5, "斤")};
  auto list = shopping_list(rows);
  REQUIRE(list.size() == 3);
  CHECK(list[0].category == "蔬菜");
  CHECK(list[0].name == "白菜");
  CHECK(list[0].unit == "斤");
  CHECK(list[0].qty == doctest::Approx(12.5));
  CHECK(list[0].orders == 3);
  CHECK(list[1].unit == "棵");
  CHECK(list[1].qty == doctest::Approx(2));
  CHECK(list[1].orders == 1);
  CHECK(list[2].name == "鸡蛋");  // category 蛋奶 after 蔬菜 (categories compare by code point: 蔬 U+852C < 蛋 U+86CB)
}

TEST_CASE("shopping list: only what still has to be bought or is on its way") {
  std::vector<ExportRow> rows = {item(1, "白菜", 1, "斤", "蔬菜", OrderStatus::pending),
                                 item(2, "白菜", 2, "斤", "蔬菜", OrderStatus::assigned),
                                 item(3, "白菜", 4, "斤", "蔬菜", OrderStatus::purchased),
                                 item(4, "白菜", 8, "斤", "蔬菜", OrderStatus::delivered),
                                 item(5, "白菜", 16, "斤", "蔬菜", OrderStatus::cancelled)};
  auto list = shopping_list(rows);
  REQUIRE(list.size() == 1);
  CHECK(list[0].qty == doctest::Approx(7));
  CHECK(list[0].orders == 3);
}

TEST_CASE("shopping list: missing items are counted apart") {
  auto a = item(1, "牛奶", 2, "瓶", "蛋奶");
  auto b = item(2, "牛奶", 3, "瓶", "蛋奶");
  b.missing = true;
  auto list = shopping_list({a, b});
  REQUIRE(list.size() == 1);
  CHECK(list[0].qty == doctest::Approx(2));
  CHECK(list[0].missing_qty == doctest::Approx(3));
  CHECK(list[0].orders == 2);
}

TEST_CASE("shopping list: no category sorts last as Other, orders without items are skipped") {
  ExportRow empty{.order_no = OrderId{8}, .address = "1-1-101", .building = "1"};
  auto list = shopping_list({item(1, "电池", 4, "节", ""), item(2, "苹果", 3, "斤", "水果"), empty,
                             item(3, "Bread", 2, "", "")});
  REQUIRE(list.size() == 3);
  CHECK(list[0].name == "苹果");
  CHECK(list[1].name == "Bread");  // by name among the uncategorised
  CHECK(list[2].name == "电池");
  auto lines = csv_lines(shopping_csv(list));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "类别 Category,物品 Item,数量 Qty,单位 Unit,订单数 Orders,缺货数量 Missing qty");
  CHECK(lines[1] == "水果,苹果,3,斤,1,0");
  CHECK(lines[2] == "其他 Other,Bread,2,,1,0");
  CHECK(lines[3] == "其他 Other,电池,4,节,1,0");
}

TEST_CASE("shopping list: a category learned later fills an older empty one") {
  auto list = shopping_list({item(1, "番茄", 1, "斤", ""), item(2, "番茄", 2, "斤", "蔬菜")});
  REQUIRE(list.size() == 1);
  CHECK(list[0].category == "蔬菜");
  CHECK(list[0].qty == doctest::Approx(3));
}

// The chat's lists and the exported file add up the same way: a coordinator must read the same
// numbers in both. An item named twice in one order is one order; an older line without a
// category joins the categorised one.
TEST_CASE("shopping list: the chat's totals and the export's are the same sums") {
  Order a{.no = OrderId{1}, .household = HouseholdId{1}, .address = "3-2-502", .urgent = true,
          .lines = {{.name = "白菜", .qty = 2, .unit = "斤", .category = "蔬菜"},
                    {.name = "白菜", .qty = 1, .unit = "斤", .category = "蔬菜"},
                    {.name = "鸡蛋", .qty = 1, .unit = "盒", .missing = true}}};
  Order b{.no = OrderId{2}, .household = HouseholdId{2}, .address = "5-1-101",
          .lines = {{.name = "鸡蛋", .qty = 2, .unit = "盒", .category = "蛋奶"}, {.name = "白菜", .qty = 3, .unit = "棵", .category = "蔬菜"}}};
  auto chat = shopping_totals({a, b});
  std::vector<ExportRow> rows;
  for (const auto& o : {a, b}) {
    auto r = export_rows(o);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  auto file = shopping_list(rows);
  REQUIRE(chat.size() == 3);
  REQUIRE(file.size() == chat.size());
  for (std::size_t i = 0; i < chat.size(); ++i) {
    CAPTURE(chat[i].name);
    CHECK(file[i].name == chat[i].name);
    CHECK(file[i].unit == chat[i].unit);
    CHECK(file[i].category == chat[i].category);
    CHECK(file[i].qty == chat[i].qty);
    CHECK(file[i].missing_qty == chat[i].missing_qty);
    CHECK(file[i].orders == chat[i].orders);
  }
  auto line = [&](const std::string& name, const std::string& unit) {
    auto it = std::find_if(chat.begin(), chat.end(), [&](const ShoppingTotal& t) { return t.name == name && t.unit == unit; });
    REQUIRE(it != chat.end());
    return *it;
  };
  auto eggs = line("鸡蛋", "盒");
  CHECK(eggs.category == "蛋奶");
  CHECK(eggs.qty == 2);
  CHECK(eggs.missing_qty == 1);
  CHECK(eggs.orders == 2);
  CHECK(eggs.urgent);
  auto cabbage = line("白菜", "斤");
  CHECK(cabbage.qty == 3);
  CHECK(cabbage.orders == 1);
  CHECK(line("白菜", "棵").qty == 3);
}
