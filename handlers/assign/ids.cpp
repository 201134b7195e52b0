#include "handlers/assign/ids.hpp"

namespace supplybot::handlers {

Building building_of(std::string_view household) {
  const auto dash = household.find('-');
  return Building{dash == std::string_view::npos ? household : household.substr(0, dash)};
}

}  // namespace supplybot::handlers
