#include "handlers/parse/parser.hpp"

#include "config/catalog_loader.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace supplybot::handlers;

namespace {

const Parser& parser() {
  static const Parser p = [] {
    auto loaded = supplybot::config::load_catalog(std::filesystem::path(SUPPLYBOT_SOURCE_DIR) / "config/catalog.toml");
    REQUIRE(loaded.ok());
    return Parser(std::move(loaded.catalog), "SupplyBot");
  }();
  return p;
}

void check_item(const ParsedItem& it, std::string_view name, double qty, std::string_view unit) {
  CHECK(it.name == name);
  CHECK(it.qty == doctest::Approx(qty));
  CHECK(it.unit == unit);
}

}  // namespace

TEST_CASE("parse: household, items after quantities and units") {
  auto p = parser().parse("3栋2单元502 要白菜2斤 鸡蛋一盒");
  CHECK(p.intent == Intent::order);
  REQUIRE(p.household);
  CHECK(*p.household == "3-2-502");
  REQUIRE(p.items.size() == 2);
  check_item(p.items[0], "白菜", 2, "斤");
  check_item(p.items[1], "鸡蛋", 1, "盒");
  CHECK(p.items[0].text == "白菜2斤");
  CHECK(p.confidence > 0.9);
}

TEST_CASE("parse: a notice is chat") {
  auto p = parser().parse("今天下午3点核酸检测，请大家下楼");
  CHECK(p.intent == Intent::chat);
  CHECK(p.items.empty());
}
