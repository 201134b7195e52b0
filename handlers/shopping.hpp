#pragma once
// A shopping list: what a set of orders needs, every item summed with its units kept apart
// (白菜 12斤 and 白菜 2棵 are two lines), grouped by category. The chat's lists (/list, /shopping,
// a round's split) and the exported files (export.hpp) are both summed here, so a coordinator
// reads the same numbers in the chat and in the spreadsheet. Pure.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "handlers/order.hpp"

namespace supplybot::handlers {

struct ShoppingTotal {
  std::string category;   // empty: not in the catalog (sorted last)
  std::string name;
  std::string unit;       // lines with different units are never added together
  double qty{0};          // still to buy, or bought and on its way (lines not marked missing)
  int orders{0};          // how many orders ask for it (missing or not), each counted once
  double missing_qty{0};  // the volunteer could not buy it
  bool urgent{false};     // some urgent order asks for it
};

// Adds item lines up. One line per (name, unit); its category is the first non-empty one seen
// (the catalog may have gained a category since an older order was written).
class ShoppingTally {
 public:
  void add(std::int64_t order_no, bool urgent, const std::string& category, const std::string& name,
           const std::string& unit, double qty, bool missing);
  // Sorted by category (uncategorised last), then name, then unit.
  std::vector<ShoppingTotal> totals() const;

 private:
  std::map<std::pair<std::string, std::string>, std::size_t> index_;  // (name, unit) -> line
  std::vector<ShoppingTotal> lines_;
  std::vector<std::vector<std::int64_t>> orders_of_;
};

// Every line of the given orders, whatever their status (the caller picks the orders).
std::vector<ShoppingTotal> shopping_totals(const std::vector<Order>& orders);

}  // namespace supplybot::handlers
