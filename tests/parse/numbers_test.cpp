#include "handlers/parse/numbers.hpp"

#include <doctest/doctest.h>

using namespace supplybot::handlers::detail;

namespace {
double cn(std::u32string_view s) { return cn_number(s, 0).second; }
std::size_t cn_len(std::u32string_view s) { return cn_number(s, 0).first; }
}  // namespace

TEST_CASE("numbers: Chinese numerals") {
  CHECK(cn(U"三") == 3);
  CHECK(cn(U"十五") == 15);
  CHECK(cn(U"二十") == 20);
  CHECK(cn(U"一百零五") == 105);
  CHECK(cn(U"一百五") == 150);
  CHECK(cn(U"两千五") == 2500);
  CHECK(cn(U"廿") == 20);
  CHECK(cn(U"叁") == 3);
  SUBCASE("两 after a digit is the unit") {
    CHECK(cn_len(U"二两") == 1);
    CHECK(cn(U"二两") == 2);
  }
  SUBCASE("ranges take the larger value") {
    CHECK(cn(U"三四个") == 4);
    CHECK(cn(U"一两个") == 2);
  }
  CHECK(cn_len(U"白菜") == 0);
}

TEST_CASE("numbers: words after a number that make it something else than a quantity") {
  CHECK(protected_suffix(U"8点", 1, true));
  CHECK(protected_suffix(U"3例", 1, false));
  CHECK(protected_suffix(U"30元", 2, true));
  CHECK(protected_suffix(U"3个人", 1, true));
  CHECK(protected_suffix(U"3pm", 1, true));
  CHECK_FALSE(protected_suffix(U"2斤", 1, true));
  CHECK_FALSE(protected_suffix(U"3个", 1, true));
  CHECK_FALSE(protected_suffix(U"2 packs", 1, true));
}
