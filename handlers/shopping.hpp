#pragma once
// A shopping list: what a set of orders needs, every item summed with its units kept apart
// (白菜 12斤 and 白菜 2棵 are two lines), grouped by category. Pure.

#include <string>
#include <vector>

#include "handlers/order.hpp"

namespace supplybot::handlers {

struct ShoppingTotal {
  std::string category;  // empty: not in the catalog
  std::string name;
  std::string unit;
  double qty{0};          // still to buy (lines not marked missing)
  double missing_qty{0};  // the volunteer could not buy it
  int orders{0};          // how many orders ask for it
  bool urgent{false};     // some urgent order asks for it
};

// Sorted by category (uncategorised last), then name, then unit.
std::vector<ShoppingTotal> shopping_totals(const std::vector<Order>& orders);

}  // namespace supplybot::handlers
