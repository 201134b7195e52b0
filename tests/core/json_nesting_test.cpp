#include "bot/json_nesting.hpp"

#include <doctest/doctest.h>

#include <string>

using supplybot::bot::json_depth_within;
using supplybot::bot::k_max_json_depth;

namespace {
std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }
}  // namespace

TEST_CASE("json nesting: up to the limit passes, one more level does not") {
  CHECK(json_depth_within(nested(k_max_json_depth)));
  CHECK_FALSE(json_depth_within(nested(k_max_json_depth + 1)));
  CHECK(json_depth_within(R"({"a":{"b":[1,{"c":[]}]}})", 5));
  CHECK_FALSE(json_depth_within(R"({"a":{"b":[1,{"c":[]}]}})", 4));
  CHECK(json_depth_within("", 1));
  CHECK(json_depth_within("1", 0));
  SUBCASE("depth is the deepest point, not the number of brackets") {
    std::string wide;
    for (int i = 0; i < 10000; ++i) wide += "[[]],";
    CHECK(json_depth_within("[" + wide + "1]", 3));
  }
  SUBCASE("unclosed: a megabyte of '[' is refused at once") {
    CHECK_FALSE(json_depth_within(std::string(1 << 20, '[')));
    CHECK_FALSE(json_depth_within(std::string(1 << 20, '{')));
  }
}

TEST_CASE("json nesting: brackets inside strings do not count, escapes included") {
  CHECK(json_depth_within(R"({"text":")" + std::string(1000, '[') + R"("})", 1));
  CHECK(json_depth_within(R"(["a\"[[[[", "\\", "]]]]{{{"])", 1));
  // An escaped quote does not end the string; an escaped backslash before a quote does.
  CHECK_FALSE(json_depth_within(R"(["\\"[[[[]]]]])", 3));
  CHECK(json_depth_within(R"(["\"[[[[]]]]"])", 1));
  // Stray closers do not buy depth for later openers.
  CHECK_FALSE(json_depth_within("]]]]" + nested(3), 2));
}
