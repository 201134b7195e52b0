#pragma once
// Household addresses inside a message: 3栋2单元502, 3号楼2单元502室, 3-2-502, 3幢502, 5号楼1101,
// 5-1101, Block 3 #05-12, Flat 12B, Rm 1203. Canonical form: building-unit-room ("3-2-502"),
// building-room ("5-1101"), or the flat's own label ("12B"). Pure; thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace supplybot::handlers {

struct HouseholdMatch {
  std::size_t begin = 0;  // code point offsets in the normalised text
  std::size_t end = 0;
  std::string canonical;
};

// The first household address in normalised text (see normalize.hpp), if any.
std::optional<HouseholdMatch> find_household(std::u32string_view text);

}  // namespace supplybot::handlers
