#include "handlers/parse/normalize.hpp"

#include <doctest/doctest.h>

using namespace supplybot::handlers;

TEST_CASE("normalize: full-width forms, case and spaces fold to ASCII") {
  CHECK(to_utf8(normalize("３栋２单元５０２　白菜２斤，ＡＢＣ")) == "3栋2单元502 白菜2斤,abc");
  CHECK(to_utf8(normalize("Milk\tX2\r\n")) == "milk x2 \n");
  CHECK(to_utf8(normalize("① ⑫")) == "1. 12.");
  CHECK(to_utf8(normalize("鸡蛋✖️2")) == "鸡蛋×2");
  CHECK(to_utf8(normalize("½斤 1㎏ 3—2—502 café")) == "1/2斤 1kg 3-2-502 cafe");
}

TEST_CASE("normalize: traditional characters become simplified") {
  CHECK(to_utf8(normalize("蘋果 6個 雞蛋兩盒 3號樓2單元")) == "苹果 6个 鸡蛋两盒 3号楼2单元");
}

TEST_CASE("normalize: malformed UTF-8 becomes spaces") {
  CHECK(to_utf8(normalize(std::string("a\xff" "b\xc3", 4))) == "a b ");
  CHECK(to_utf8(normalize("\xed\xa0\x80")) == "   ");  // a UTF-16 surrogate is not a code point
}
