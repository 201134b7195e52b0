#include "bot/json_nesting.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

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

namespace {
// The byte-at-a-time scanner json_depth_within replaced (it skips strings with memchr now): the
// two must agree on every input.
bool reference_depth_within(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}
}  // namespace

TEST_CASE("json nesting: agrees with a byte-at-a-time scanner on random texts of quotes, backslashes and brackets") {
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state >> 33);
  };
  const char alphabet[] = {'"', '\\', '[', ']', '{', '}', 'a', ',', ':', '\xe7'};
  for (int i = 0; i < 20000; ++i) {
    std::string text(next() % 40, ' ');
    for (char& c : text) c = alphabet[next() % sizeof alphabet];
    const std::size_t max_depth = next() % 5;
    INFO(text);
    REQUIRE(json_depth_within(text, max_depth) == reference_depth_within(text, max_depth));
  }
}
