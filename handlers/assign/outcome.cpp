#include "handlers/assign/outcome.hpp"

namespace supplybot::handlers {

std::string_view to_string(Refusal r) {
  switch (r) {
    case Refusal::order_not_found: return "order_not_found";
    case Refusal::order_exists: return "order_exists";
    case Refusal::volunteer_not_found: return "volunteer_not_found";
    case Refusal::invalid_capacity: return "invalid_capacity";
    case Refusal::not_in_queue: return "not_in_queue";
    case Refusal::not_assigned: return "not_assigned";
    case Refusal::not_yours: return "not_yours";
    case Refusal::already_yours: return "already_yours";
    case Refusal::already_purchased: return "already_purchased";
    case Refusal::zone_not_covered: return "zone_not_covered";
    case Refusal::at_capacity: return "at_capacity";
    case Refusal::off_shift: return "off_shift";
  }
  return "unknown";
}

std::string_view to_string(AssignReason r) {
  switch (r) {
    case AssignReason::new_order: return "new_order";
    case AssignReason::from_queue: return "from_queue";
    case AssignReason::reassigned: return "reassigned";
    case AssignReason::claimed: return "claimed";
    case AssignReason::coordinator: return "coordinator";
    case AssignReason::round: return "round";
  }
  return "unknown";
}

}  // namespace supplybot::handlers
