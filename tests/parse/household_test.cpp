#include "handlers/parse/household.hpp"

#include "handlers/parse/normalize.hpp"

#include <doctest/doctest.h>

using namespace supplybot::handlers;

namespace {
std::string hh(const char* s) {
  auto m = find_household(normalize(s));
  return m ? m->canonical : std::string();
}
}  // namespace

TEST_CASE("household: canonical forms") {
  CHECK(hh("3栋2单元502") == "3-2-502");
  CHECK(hh("3号楼2单元502室") == "3-2-502");
  CHECK(hh("3-2-502") == "3-2-502");
  CHECK(hh("3幢502") == "3-502");
  CHECK(hh("5号楼1101") == "5-1101");
  CHECK(hh("5-1101") == "5-1101");
  CHECK(hh("Block 3 #05-12") == "3-05-12");
  CHECK(hh("Flat 12B") == "12B");
  CHECK(hh("Rm 1203") == "1203");
  CHECK(hh("12B: 6 eggs") == "12B");
  CHECK(hh("3/2/502") == "3-2-502");
  CHECK(hh("#3-2-502") == "3-2-502");
  CHECK(hh("3—2—502") == "3-2-502");
}

TEST_CASE("household: numbers that are not addresses") {
  CHECK(hh("13812345678") == "");
  CHECK(hh("2022-11-28") == "");
  CHECK(hh("138-1234-5678") == "");
  CHECK(hh("3栋2斤白菜") == "");
  CHECK(hh("12:30") == "");
  CHECK(hh("11/28") == "");
  CHECK(hh("2022/11/28") == "");
  CHECK(hh("白菜2斤") == "");
}

TEST_CASE("household: span covers the address") {
  auto t = normalize("要白菜 3栋2单元502室 谢谢");
  auto m = find_household(t);
  REQUIRE(m);
  CHECK(to_utf8(std::u32string_view(t).substr(m->begin, m->end - m->begin)) == "3栋2单元502室");
}
