#pragma once
// A limit on JSON nesting, checked before a request body is parsed (issue 7). nlohmann::json
// parses without recursion, but it builds the whole document: a megabyte of '[' becomes a
// million nested arrays, about 80 MB, before the parse fails, and a few such requests at once
// would take the server's memory. No webhook payload nests more than about ten levels.
// Pure; safe from any thread.

#include <cstddef>
#include <string_view>

namespace supplybot::bot {

inline constexpr std::size_t k_max_json_depth = 64;

// True when no array or object in text is nested deeper than max_depth (a top-level object is
// depth 1). One pass over the bytes that skips strings and their escapes. On malformed input it
// can only be wrong past the point where a parser stops reading, so a text it accepts never makes
// a parser go deeper than max_depth.
bool json_depth_within(std::string_view text, std::size_t max_depth = k_max_json_depth);

}  // namespace supplybot::bot
