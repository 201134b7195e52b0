#pragma once
// Order and household records as the engine sees them: plain values read from and written to the
// store. Status moves only along the transitions in order_status.cpp.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/assign/ids.hpp"
#include "handlers/chat_message.hpp"

namespace supplybot::handlers {

struct HouseholdId {
  std::int64_t value{0};
  auto operator<=>(const HouseholdId&) const = default;
};

enum class OrderStatus { pending, assigned, purchased, delivered, cancelled };
std::string_view to_string(OrderStatus s);
std::optional<OrderStatus> order_status_from_string(std::string_view s);
// True while a resident may still change the order (nothing bought yet).
bool is_changeable(OrderStatus s);
bool is_open(OrderStatus s);

struct OrderLine {
  std::string name;
  double qty{1};
  std::string unit;
  std::string text;
  std::string category;
  std::string note;
  bool missing{false};  // the volunteer could not buy it
};

struct Order {
  OrderId no;
  HouseholdId household;
  std::string address;  // canonical household address ("3-2-502")
  OrderStatus status{OrderStatus::pending};
  Platform platform{Platform::telegram};
  std::string chat_id;
  std::string source_message_id;  // the resident's message
  std::string sender_id;
  std::string notes;
  bool urgent{false};
  std::vector<OrderLine> lines;
  UnixTime created_at{0};
  UnixTime updated_at{0};
  // Logistics (issue 5): who holds it and when it moved. 0 / empty: not yet.
  std::optional<VolunteerId> volunteer;
  std::string volunteer_name;
  std::int64_t round_id{0};  // 0: not collected in a round
  UnixTime assigned_at{0};
  UnixTime purchased_at{0};
  UnixTime delivered_at{0};
  UnixTime received_at{0};
  UnixTime escalated_at{0};
};

}  // namespace supplybot::handlers
