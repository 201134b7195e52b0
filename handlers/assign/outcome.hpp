#pragma once
// The values the Assigner hands back to the engine: what changed (to persist and announce) or
// why nothing changed (a user's mistake, answered politely). Plain values; safe to copy.

#include "handlers/assign/ids.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace supplybot::handlers {

// Why a request changed nothing. Never thrown; the engine turns it into a polite reply.
enum class Refusal {
  order_not_found,      // no open order with that id (unknown, completed or cancelled)
  order_exists,         // add_order / restore_order with an id already open
  volunteer_not_found,  // no volunteer with that id (upsert_volunteer first)
  invalid_capacity,     // capacity below zero
  not_in_queue,         // claim: the order is already assigned
  not_assigned,         // complete / mark_purchased: the order is still waiting in the queue
  not_yours,            // release: the order is held by someone else (or nobody)
  already_yours,        // force_assign to the volunteer who already holds it
  already_purchased,    // release / mark_purchased of a purchased order
  zone_not_covered,     // claim: the volunteer does not cover the order's building
  at_capacity,          // claim: the volunteer already carries `capacity` open orders
  off_shift,            // claim while off shift (/on first)
};

// Stable code for logs and for the engine's wording table (not user-facing text).
std::string_view to_string(Refusal r);

// How an order came to its volunteer.
enum class AssignReason {
  new_order,    // add_order found a candidate at once
  from_queue,   // a volunteer came on shift or freed capacity and took a waiting order
  reassigned,   // handed back by /off or /release and given to another volunteer
  claimed,      // the volunteer ran /claim
  coordinator,  // /assign by a coordinator (force_assign)
  round,        // split_round at a round's cut-off
};

std::string_view to_string(AssignReason r);

struct Assignment {
  OrderId order;
  VolunteerId volunteer;
  AssignReason reason{AssignReason::new_order};
  std::optional<VolunteerId> from;  // previous holder when an order moves between volunteers
  bool urgent{false};
};

// force_assign always obeys the coordinator; these say which rules it overrode.
struct ForceWarnings {
  bool over_capacity{false};     // the volunteer now carries more than their capacity
  bool zone_not_covered{false};  // the order's building is outside the volunteer's zones
  bool off_shift{false};         // the volunteer is off shift
  bool any() const { return over_capacity || zone_not_covered || off_shift; }
};

// The result of every mutating call. When `refusal` is set nothing changed and the lists are
// empty. Otherwise the lists say, in decision order, what the engine must persist and announce.
struct Outcome {
  std::optional<Refusal> refusal;
  std::vector<Assignment> assigned;  // orders given to a volunteer by this call
  std::vector<OrderId> queued;       // orders that entered the waiting queue: tell coordinators
  std::vector<OrderId> kept;         // /off only: purchased orders the volunteer still delivers
  ForceWarnings warnings;            // force_assign only
  bool ok() const { return !refusal.has_value(); }
};

}  // namespace supplybot::handlers
