#include "handlers/shopping.hpp"

#include <algorithm>
#include <string_view>
#include <tuple>

namespace supplybot::handlers {

void ShoppingTally::add(std::int64_t order_no, bool urgent, const std::string& category, const std::string& name,
                        const std::string& unit, double qty, bool missing) {
  auto [it, added] = index_.try_emplace({name, unit}, lines_.size());
  if (added) {
    lines_.push_back(ShoppingTotal{.category = category, .name = name, .unit = unit});
    orders_of_.emplace_back();
  }
  auto& line = lines_[it->second];
  if (line.category.empty()) line.category = category;
  (missing ? line.missing_qty : line.qty) += qty;
  line.urgent = line.urgent || urgent;
  auto& orders = orders_of_[it->second];
  if (std::find(orders.begin(), orders.end(), order_no) == orders.end()) orders.push_back(order_no);
}

std::vector<ShoppingTotal> ShoppingTally::totals() const {
  auto out = lines_;
  for (std::size_t i = 0; i < out.size(); ++i) out[i].orders = static_cast<int>(orders_of_[i].size());
  std::sort(out.begin(), out.end(), [](const ShoppingTotal& a, const ShoppingTotal& b) {
    return std::tuple(a.category.empty(), std::string_view(a.category), std::string_view(a.name), std::string_view(a.unit)) <
           std::tuple(b.category.empty(), std::string_view(b.category), std::string_view(b.name), std::string_view(b.unit));
  });
  return out;
}

std::vector<ShoppingTotal> shopping_totals(const std::vector<Order>& orders) {
  ShoppingTally tally;
  for (const auto& o : orders) {
    for (const auto& l : o.lines) tally.add(o.no.value, o.urgent, l.category, l.name, l.unit, l.qty, l.missing);
  }
  return tally.totals();
}

}  // namespace supplybot::handlers
