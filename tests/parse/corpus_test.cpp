// Item-level precision and recall of the parser over the labelled corpus in
// tests/data/parse_corpus.jsonl (one JSON object a line: id, text, intent, household,
// items [{name, qty, unit}], tricky). An item counts as right only when name, quantity and unit
// all match. Prints the figures and the misses; fails under the thresholds below.

#include "handlers/parse/parser.hpp"

#include "config/catalog_loader.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace supplybot::handlers;

namespace {

constexpr double kMinPrecision = 0.97;
constexpr double kMinRecall = 0.95;
constexpr double kMinIntentAccuracy = 0.95;

struct Expected {
  std::string name;
  double qty;
  std::string unit;
};

bool same(const ParsedItem& got, const Expected& want) {
  return got.name == want.name && std::fabs(got.qty - want.qty) < 1e-6 && got.unit == want.unit;
}

}  // namespace

TEST_CASE("parse corpus: item precision and recall, no chat taken for an order") {
  auto root = std::filesystem::path(SUPPLYBOT_SOURCE_DIR);
  auto loaded = supplybot::config::load_catalog(root / "config/catalog.toml");
  REQUIRE(loaded.ok());
  Parser parser(std::move(loaded.catalog), "SupplyBot");

  std::ifstream in(root / "tests/data/parse_corpus.jsonl");
  REQUIRE(in);
  std::size_t messages = 0, intent_ok = 0, household_ok = 0, tricky = 0, tricky_ok = 0;
  std::size_t expected_items = 0, predicted_items = 0, correct_items = 0, chat_as_order = 0;
  std::string line;
  std::vector<std::string> misses;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    ++messages;
    std::string text = j["text"];
    std::string want_intent = j["intent"];
    auto got = parser.parse(text);
    std::string got_intent(to_string(got.intent));
    bool ok_intent = got_intent == want_intent;
    intent_ok += ok_intent;
    if (want_intent == "chat" && got.intent == Intent::order) ++chat_as_order;
    std::string want_hh = j["household"].is_null() ? "" : j["household"].get<std::string>();
    bool ok_hh = want_hh == got.household.value_or("");
    household_ok += ok_hh;

    std::vector<Expected> want;
    for (const auto& it : j["items"]) {
      want.push_back({it["name"], it["qty"].get<double>(), it["unit"].is_null() ? "" : it["unit"].get<std::string>()});
    }
    // Items only count where the message is about goods (order / modify / cancel).
    std::vector<ParsedItem> items = got.items;
    expected_items += want.size();
    predicted_items += items.size();
    std::vector<bool> used(items.size(), false);
    std::size_t correct_here = 0;
    for (const auto& w : want) {
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (!used[i] && same(items[i], w)) {
          used[i] = true;
          ++correct_here;
          break;
        }
      }
    }
    correct_items += correct_here;
    bool all_ok = ok_intent && ok_hh && correct_here == want.size() && items.size() == want.size();
    if (j.value("tricky", false)) {
      ++tricky;
      tricky_ok += all_ok;
    }
    if (!all_ok) {
      std::string m = j["id"].get<std::string>() + " " + text + "\n    want " + want_intent + " " + want_hh + " [";
      for (const auto& w : want) m += w.name + " " + std::to_string(w.qty) + " " + w.unit + "; ";
      m += "]\n    got  " + got_intent + " " + got.household.value_or("") + " [";
      for (const auto& it : items) m += it.name + " " + std::to_string(it.qty) + " " + it.unit + "; ";
      m += "] conf " + std::to_string(got.confidence);
      misses.push_back(m);
    }
  }
  REQUIRE(messages >= 300);
  double precision = predicted_items ? static_cast<double>(correct_items) / static_cast<double>(predicted_items) : 1;
  double recall = expected_items ? static_cast<double>(correct_items) / static_cast<double>(expected_items) : 1;
  double intent_acc = static_cast<double>(intent_ok) / static_cast<double>(messages);
  for (const auto& m : misses) std::cout << "miss " << m << "\n";
  std::printf(
      "parse corpus: %zu messages (%zu tricky, %zu fully right), intent %.3f, household %.3f, items: "
      "precision %.3f recall %.3f (%zu right / %zu predicted / %zu expected), chat taken as order: %zu\n",
      messages, tricky, tricky_ok, intent_acc, static_cast<double>(household_ok) / static_cast<double>(messages),
      precision, recall, correct_items, predicted_items, expected_items, chat_as_order);
  CHECK(precision >= kMinPrecision);
  CHECK(recall >= kMinRecall);
  CHECK(intent_acc >= kMinIntentAccuracy);
  CHECK(chat_as_order == 0);
}
