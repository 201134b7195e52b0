#include "handlers/shopping.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace supplybot::handlers {

std::vector<ShoppingTotal> shopping_totals(const std::vector<Order>& orders) {
  // Key (category sort key, name, unit); an empty category sorts after every named one.
  std::map<std::tuple<int, std::string, std::string, std::string>, ShoppingTotal> sums;
  for (const auto& o : orders) {
    for (const auto& l : o.lines) {
      auto key = std::make_tuple(l.category.empty() ? 1 : 0, l.category, l.name, l.unit);
      auto& t = sums[key];
      if (t.orders == 0 && t.qty == 0 && t.missing_qty == 0) {
        t.category = l.category;
        t.name = l.name;
        t.unit = l.unit;
      }
      (l.missing ? t.missing_qty : t.qty) += l.qty;
      t.orders += 1;
      t.urgent = t.urgent || o.urgent;
    }
  }
  std::vector<ShoppingTotal> out;
  out.reserve(sums.size());
  for (auto& [k, v] : sums) out.push_back(std::move(v));
  return out;
}

}  // namespace supplybot::handlers
