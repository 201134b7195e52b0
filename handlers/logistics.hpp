#pragma once
// Internal to handlers/: the logistics side of the engine (issue 5). Volunteer and coordinator
// commands, what a resident's order change means for its volunteer, and the periodic tick.

#include <optional>

#include "handlers/parse/parser.hpp"
#include "handlers/turn.hpp"

namespace supplybot::handlers {

// Volunteer commands: /on /off /tasks /list /bought /delivered /claim /release /queue.
// False when the command is not one of them.
bool handle_volunteer_command(Turn& t, const Parsed& p, const Parser& parser);
// Coordinator commands: /volunteer /coordinator /assign /round /summary /shopping /export.
bool handle_coordinator_command(Turn& t, const Parsed& p);
// A button press ("bought:12"): runs the command it stands for.
void handle_button(Turn& t, const Parser& parser);

// A new order was stored: the assignment rules place it (or its round keeps it). Returns the
// volunteer's name when it was assigned at once (the confirmation says so); the rest of the
// decision is announced when the turn ends (Turn::finish).
void place_new_order(Turn& t, Order& o);
// A resident cancelled an order / changed its items or urgency / moved it to another flat.
void order_cancelled(Turn& t, const Order& before);
void order_changed(Turn& t, const Order& before, const Order& after);
// The household confirmed receipt (收到) of these orders (purchased or delivered).
void orders_received(Turn& t, const std::vector<Order>& orders);

// Closes a round now: its orders are split among volunteers, each gets their list.
void close_round(Turn& t, const Round& r);
// Rounds that reached their cut-off, overdue purchases, automatic receipts.
void run_tick(Turn& t);

// Order ids written "12", "#12", "＃12"; nullopt otherwise.
std::optional<OrderId> parse_order_no(std::string_view s);

}  // namespace supplybot::handlers
