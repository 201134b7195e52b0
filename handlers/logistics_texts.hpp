#pragma once
// The logistics team's words (issue 5), in Chinese and English. Pure functions. Group messages
// name order numbers and buildings only; full addresses and lists go to private chats.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "handlers/assign/assigner.hpp"
#include "handlers/shopping.hpp"
#include "handlers/store.hpp"
#include "handlers/texts.hpp"

namespace supplybot::handlers::texts {

// "20:00" on the neighbourhood's clock (rounds close within a day of opening).
std::string clock(UnixTime at, int utc_offset_minutes);

// Residents.
std::string assigned_line(Lang l, std::string_view volunteer);
std::string round_line(Lang l, const Round& r, int utc_offset_minutes);
std::string assigned_to_household(Lang l, const Order& o, std::string_view volunteer);
std::string bought_household(Lang l, const Order& o, const std::vector<std::string>& missing);
std::string delivered_household(Lang l, const Order& o);

// Volunteers.
std::string volunteers_only(Lang l);
std::string new_task(Lang l, const Order& o, std::string_view volunteer, AssignReason why, bool full);
std::string task_moved_away(Lang l, const Order& o, std::string_view from, std::string_view to);
std::string cancelled_to_volunteer(Lang l, const Order& o);
// full: with address and items (private chat); otherwise number, building and items only.
std::string changed_to_volunteer(Lang l, const Order& o, bool full);
std::string received_to_volunteer(Lang l, const Order& o);
std::string shift_on(Lang l, const VolunteerRecord& v, const std::vector<OrderId>& taken, std::int32_t load);
std::string shift_off(Lang l, std::size_t handed_back, const std::vector<Order>& kept);
std::string no_tasks(Lang l, bool on_shift);
// full: addresses and items (private chat); otherwise numbers and buildings only.
std::string tasks_list(Lang l, const std::vector<Order>& orders, bool full);
std::string nothing_to_buy(Lang l);
std::string shopping_list_text(Lang l, const std::vector<ShoppingTotal>& totals, std::size_t orders,
                               std::string_view scope = {});
std::string sent_privately(Lang l);
std::string private_hint(Lang l);
std::string order_usage(Lang l, std::string_view command);
std::string refusal(Lang l, Refusal r, std::int64_t order_no);
std::string transition_refused(Lang l, const Order& o, OrderStatus to);
std::string bought_done(Lang l, const Order& o, const std::vector<std::string>& missing);
std::string bought_all(Lang l, const std::vector<OrderId>& done);
std::string delivered_done(Lang l, const Order& o);
std::string in_open_round(Lang l, const Order& o);
std::string claimed(Lang l, const Order& o);
std::string released(Lang l, const Order& o);
std::string queue_list(Lang l, const std::vector<OrderView>& queue);
std::string stale_button(Lang l);

// Coordinators.
std::string queued_notice(Lang l, const std::vector<Order>& orders);
std::string overdue_notice(Lang l, const std::vector<Order>& orders, UnixTime now);
std::string volunteer_usage(Lang l);
std::string volunteer_list(Lang l, const std::vector<std::pair<VolunteerRecord, std::int32_t>>& loads);
std::string volunteer_added(Lang l, const VolunteerRecord& v, bool updated);
std::string volunteer_removed(Lang l, std::string_view name, std::size_t still_to_deliver);
std::string unknown_member(Lang l, std::string_view name);
std::string not_a_volunteer(Lang l, std::string_view name);
std::string coordinator_usage(Lang l);
std::string coordinator_added(Lang l, std::string_view name);
std::string coordinator_removed(Lang l, std::string_view name);
std::string assign_usage(Lang l);
std::string assigned_by_coordinator(Lang l, const Order& o, std::string_view volunteer, const ForceWarnings& w);
std::string export_private_only(Lang l);
std::string round_usage(Lang l);
std::string round_opened(Lang l, const Round& r, int utc_offset_minutes);
std::string round_already_open(Lang l, const Round& r, int utc_offset_minutes);
std::string no_open_round(Lang l);
std::string round_status(Lang l, const Round& r, std::size_t orders, int utc_offset_minutes);

struct RoundShare {
  std::string volunteer;
  std::vector<Order> orders;
};
std::string round_closed(Lang l, const Round& r, std::size_t orders, const std::vector<RoundShare>& shares,
                         const std::vector<Order>& waiting);
std::string round_list_private(Lang l, const Round& r, const std::vector<Order>& orders,
                               const std::vector<ShoppingTotal>& totals);

struct Summary {
  std::vector<std::pair<OrderStatus, std::int64_t>> by_status;
  std::int64_t households_served_today{0};
  std::vector<OrderView> queue;
  std::vector<std::pair<VolunteerRecord, std::int32_t>> volunteers;  // with their load
};
std::string summary(Lang l, const Summary& s);

}  // namespace supplybot::handlers::texts
