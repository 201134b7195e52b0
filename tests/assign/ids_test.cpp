#include "handlers/assign/ids.hpp"

#include <doctest/doctest.h>

using supplybot::handlers::building_of;

TEST_CASE("building_of: the part before the first dash") {
  SUBCASE("building-unit-room") { CHECK(building_of("3-2-502") == "3"); }
  SUBCASE("building-room") { CHECK(building_of("5-1101") == "5"); }
  SUBCASE("a flat's own label") { CHECK(building_of("12B") == "12B"); }
  SUBCASE("empty") { CHECK(building_of("") == ""); }
  SUBCASE("leading dash") { CHECK(building_of("-7") == ""); }
}
