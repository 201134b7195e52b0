#pragma once
// Strong ids and the building key used by the order assignment rules (issue 5).
// Plain values; safe to copy between threads.

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace supplybot::handlers {

// Seconds since the Unix epoch (same alias as in chat_message.hpp). Always injected.
using UnixTime = std::int64_t;

struct OrderId {
  std::int64_t value{0};
  auto operator<=>(const OrderId&) const = default;
};

struct VolunteerId {
  std::int64_t value{0};
  auto operator<=>(const VolunteerId&) const = default;
};

// A building key: the part of a canonical household label before the first '-'
// ("3-2-502" -> "3", "5-1101" -> "5"); a label without '-' ("12B") is its own building.
using Building = std::string;

Building building_of(std::string_view household);

}  // namespace supplybot::handlers

template <>
struct std::hash<supplybot::handlers::OrderId> {
  std::size_t operator()(const supplybot::handlers::OrderId& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};

template <>
struct std::hash<supplybot::handlers::VolunteerId> {
  std::size_t operator()(const supplybot::handlers::VolunteerId& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};
