#include "bot/parse_command.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

using supplybot::bot::ParseOptions;
using supplybot::bot::run_parse;

namespace {

std::vector<nlohmann::ordered_json> run_jsonl(const std::string& input, int expected_rc = 0) {
  std::istringstream in(input);
  std::ostringstream out, err;
  ParseOptions opts;
  opts.jsonl = true;
  CHECK(run_parse(opts, in, out, err) == expected_rc);
  std::vector<nlohmann::ordered_json> lines;
  std::istringstream o(out.str());
  for (std::string line; std::getline(o, line);) lines.push_back(nlohmann::ordered_json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("parse command: --jsonl writes the DESIGN.md shape, one line per input line") {
  auto lines = run_jsonl(R"({"id": "a1", "text": "3栋2单元502 白菜2斤 鸡蛋一盒"})"
                         "\n"
                         R"({"id": 7, "text": "谢谢志愿者"})"
                         "\n");
  REQUIRE(lines.size() == 2);
  const auto& a = lines[0];
  CHECK(a["id"] == "a1");
  CHECK(a["intent"] == "order");
  CHECK(a["household"] == "3-2-502");
  REQUIRE(a["items"].size() == 2);
  CHECK(a["items"][0]["name"] == "白菜");
  CHECK(a["items"][0]["qty"] == 2);
  CHECK(a["items"][0]["unit"] == "斤");
  CHECK(a["items"][0]["text"] == "白菜2斤");
  CHECK(a["items"][1]["name"] == "鸡蛋");
  CHECK(a["items"][1]["unit"] == "盒");
  CHECK(a["notes"].is_null());
  CHECK(a["confidence"].get<double>() > 0.9);
  std::vector<std::string> keys;
  for (auto it = a.begin(); it != a.end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"id", "intent", "household", "items", "notes", "confidence"});
  std::vector<std::string> item_keys;
  for (auto it = a["items"][0].begin(); it != a["items"][0].end(); ++it) item_keys.push_back(it.key());
  CHECK(item_keys == std::vector<std::string>{"name", "qty", "unit", "text"});
  const auto& b = lines[1];
  CHECK(b["id"] == 7);
  CHECK(b["intent"] == "chat");
  CHECK(b["household"].is_null());
  CHECK(b["items"].empty());
}

TEST_CASE("parse command: a bad line gets an error line and the rest still runs") {
  auto lines = run_jsonl("not json\n"
                         R"({"id": "x"})"
                         "\n"
                         R"({"id": "y", "text": 5})"
                         "\n"
                         R"({"id": "z", "text": "半斤猪肉"})"
                         "\n");
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].contains("error"));
  CHECK(lines[1]["id"] == "x");
  CHECK(lines[1].contains("error"));
  CHECK(lines[2]["id"] == "y");
  CHECK(lines[2].contains("error"));
  CHECK(lines[3]["id"] == "z");
  CHECK(lines[3]["items"][0]["qty"] == 0.5);
}

TEST_CASE("parse command: TEXT prints a readable answer") {
  std::istringstream in;
  std::ostringstream out, err;
  ParseOptions opts;
  opts.text = "5-1101 大米10斤，食用油1桶";
  REQUIRE(run_parse(opts, in, out, err) == 0);
  auto s = out.str();
  CHECK(s.find("intent: order") != std::string::npos);
  CHECK(s.find("household: 5-1101") != std::string::npos);
  CHECK(s.find("大米 10 斤") != std::string::npos);
  CHECK(s.find("食用油 1 桶") != std::string::npos);
}

TEST_CASE("parse command: a missing catalog is reported, exit code 1") {
  std::istringstream in;
  std::ostringstream out, err;
  ParseOptions opts;
  opts.text = "白菜2斤";
  opts.catalog = "/nonexistent/catalog.toml";
  CHECK(run_parse(opts, in, out, err) == 1);
  CHECK(err.str().find("/nonexistent/catalog.toml") != std::string::npos);
}
