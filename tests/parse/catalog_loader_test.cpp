#include "config/catalog_loader.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <set>

using supplybot::config::load_catalog;
using supplybot::config::load_catalog_from_string;

TEST_CASE("catalog loader: the default catalog loads with 300+ goods in every category") {
  auto r = load_catalog(std::filesystem::path(SUPPLYBOT_SOURCE_DIR) / "config/catalog.toml");
  for (const auto& e : r.errors) MESSAGE(e);
  REQUIRE(r.ok());
  CHECK(r.catalog.size() >= 300);
  std::set<std::string> categories;
  for (const auto& e : r.catalog.entries()) categories.insert(e.category);
  for (const char* c : {"vegetable", "fruit", "meat", "eggs", "staple", "oil_seasoning", "dairy", "bakery", "baby",
                        "hygiene", "cleaning", "medicine", "pet"}) {
    CHECK_MESSAGE(categories.count(c) == 1, c);
  }
  SUBCASE("synonyms and English names map to the canonical name") {
    const auto& cat = r.catalog;
    auto name_of = [&](const char* s) {
      int i = cat.find(s);
      return i < 0 ? std::string() : cat.entries()[static_cast<std::size_t>(i)].name;
    };
    CHECK(name_of("西红柿") == "番茄");
    CHECK(name_of("马铃薯") == "土豆");
    CHECK(name_of("洋芋") == "土豆");
    CHECK(name_of("蛋") == "鸡蛋");
    CHECK(name_of("eggs") == "鸡蛋");
    CHECK(name_of("蘋果") == "苹果");
  }
  SUBCASE("medicine and infant formula are urgent") {
    auto i = r.catalog.find("布洛芬");
    REQUIRE(i >= 0);
    CHECK(r.catalog.entries()[static_cast<std::size_t>(i)].urgent);
    auto j = r.catalog.find("白菜");
    CHECK_FALSE(r.catalog.entries()[static_cast<std::size_t>(j)].urgent);
  }
}

TEST_CASE("catalog loader: errors name the file and the entry") {
  SUBCASE("missing name and duplicate") {
    auto r = load_catalog_from_string(R"(
[[goods]]
category = "veg"
items = [ { name = "白菜" }, { synonyms = ["x"] }, { name = "白菜" }, { name = "葱", synonyms = "葱花" } ]
)",
                                      "test.toml");
    REQUIRE(r.errors.size() == 3);
    CHECK(r.errors[0] == "test.toml: goods[0].items[1]: name is missing");
    CHECK(r.errors[1] == "test.toml: goods[0].items[2] (白菜): duplicate name");
    CHECK(r.errors[2] == "test.toml: goods[0].items[3] (葱): synonyms must be an array of strings");
  }
  SUBCASE("TOML syntax error") {
    auto r = load_catalog_from_string("[[goods]\n", "bad.toml");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].rfind("bad.toml:1:", 0) == 0);
  }
  SUBCASE("missing file") {
    auto r = load_catalog("/nonexistent/catalog.toml");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] == "/nonexistent/catalog.toml: cannot open the catalog file");
  }
  SUBCASE("no goods") {
    auto r = load_catalog_from_string("title = 1\n", "empty.toml");
    CHECK_FALSE(r.ok());
  }
}
