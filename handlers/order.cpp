#include "handlers/order.hpp"

namespace supplybot::handlers {

std::string_view to_string(OrderStatus s) {
  switch (s) {
    case OrderStatus::pending: return "pending";
    case OrderStatus::assigned: return "assigned";
    case OrderStatus::purchased: return "purchased";
    case OrderStatus::delivered: return "delivered";
    case OrderStatus::cancelled: return "cancelled";
  }
  return "pending";
}

std::optional<OrderStatus> order_status_from_string(std::string_view s) {
  for (auto st : {OrderStatus::pending, OrderStatus::assigned, OrderStatus::purchased,
                  OrderStatus::delivered, OrderStatus::cancelled})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

bool is_changeable(OrderStatus s) { return s == OrderStatus::pending || s == OrderStatus::assigned; }
bool is_open(OrderStatus s) { return s != OrderStatus::delivered && s != OrderStatus::cancelled; }

}  // namespace supplybot::handlers
