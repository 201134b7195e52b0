// Hostile and broken input: every call returns a clean result quickly, whatever it is given.

#include "handlers/parse/parser.hpp"

#include "config/catalog_loader.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

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

// Parses `text` and checks it took less than `limit_ms`.
Parsed timed_parse(const std::string& text, double limit_ms) {
  const Parser& parse = parser();  // built outside the timed part
  auto t0 = std::chrono::steady_clock::now();
  Parsed p = parse.parse(text);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  CHECK(ms < limit_ms);
  CHECK(p.confidence >= 0.0);
  CHECK(p.confidence <= 1.0);
  return p;
}

}  // namespace

TEST_CASE("parse robustness: malformed UTF-8 is read as spaces") {
  SUBCASE("stray continuation and truncated sequences") {
    auto p = timed_parse(std::string("\x80\xbf 白菜2斤 \xe7\x99", 16), 50);
    REQUIRE(p.items.size() == 1);
    CHECK(p.items[0].name == "白菜");
  }
  SUBCASE("overlong encodings and surrogates") {
    timed_parse("\xc0\xaf\xe0\x80\xaf\xed\xa0\x80\xf4\x90\x80\x80", 50);
  }
  SUBCASE("embedded NUL bytes") {
    std::string s("鸡蛋\0一盒", 11);
    auto p = timed_parse(s, 50);
    CHECK(p.intent == Intent::order);
  }
  SUBCASE("all byte values") {
    std::string s;
    for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
    timed_parse(s, 50);
  }
}

TEST_CASE("parse robustness: a 1 MB message is answered at once") {
  std::string big;
  while (big.size() < (1u << 20)) big += "白菜2斤 鸡蛋一盒 ";
  auto p = timed_parse(big, 200);
  CHECK(p.intent == Intent::chat);
  CHECK(p.confidence <= 0.3);
}

TEST_CASE("parse robustness: long messages under the limit stay linear") {
  SUBCASE("repeated orders") {
    std::string s;
    while (s.size() < Parser::kMaxOrderBytes - 64) s += "白菜2斤鸡蛋一盒";
    timed_parse(s, 500);
  }
  SUBCASE("repeated numerals and units") {
    std::string s;
    while (s.size() < Parser::kMaxOrderBytes - 64) s += "一二三四五六七八九十斤两个";
    timed_parse(s, 500);
  }
  SUBCASE("ten thousand digits") {
    auto p = timed_parse(std::string(10000, '9'), 200);
    CHECK(p.intent == Intent::chat);
    CHECK(p.items.empty());
  }
  SUBCASE("ten thousand digits after an item") {
    auto p = timed_parse("白菜" + std::string(10000, '1'), 200);
    for (const auto& it : p.items) CHECK(it.qty < 1e6);
  }
  SUBCASE("a 接龙 with a thousand entries") {
    std::string s = "#接龙 明天蔬菜包\n";
    for (int i = 1; i <= 1000; ++i) s += std::to_string(i) + ". 3-2-" + std::to_string(100 + i) + " 蔬菜包1份\n";
    auto p = timed_parse(s, 2000);
    CHECK(p.intent == Intent::order);
  }
}

TEST_CASE("parse robustness: empty and blank input") {
  for (const char* s : {"", " ", "\n\n\n", "\t", "。。。", "???", "/", "@", "#", "x", "*", "×"}) {
    auto p = timed_parse(s, 50);
    CHECK(p.intent != Intent::order);
  }
}

TEST_CASE("parse robustness: one Parser shared by several threads gives the same answers") {
  const Parser& shared = parser();
  std::vector<std::string> texts = {"3栋2单元502 要白菜2斤 鸡蛋一盒", "Flat 12B, 2 loaves of bread and a dozen eggs pls",
                                    "今天下午3点核酸检测，请大家下楼", "葱姜蒜各一把", "/tasks@SupplyBot", "取消 #123",
                                    "#接龙 明天蔬菜包\n1. 3-2-502 蔬菜包1份\n2. 5-1101 蔬菜包2份"};
  std::vector<std::string> expected;
  for (const auto& t : texts) {
    auto p = shared.parse(t);
    std::string s(to_string(p.intent));
    for (const auto& it : p.items) s += "|" + it.name + std::to_string(it.qty) + it.unit;
    expected.push_back(s);
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int round = 0; round < 500; ++round) {
        for (std::size_t i = 0; i < texts.size(); ++i) {
          auto p = shared.parse(texts[i]);
          std::string s(to_string(p.intent));
          for (const auto& it : p.items) s += "|" + it.name + std::to_string(it.qty) + it.unit;
          if (s != expected[i]) ++mismatches[static_cast<std::size_t>(w)];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int m : mismatches) CHECK(m == 0);
}
