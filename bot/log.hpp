#pragma once
// The logging facade: one line per event, key=value fields, at the edges only. Callers never
// pass tokens, secrets, full addresses or phone numbers. Backed by spdlog; thread-safe.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace supplybot::bot::log {

using Field = std::pair<std::string_view, std::string>;

enum class Level { debug, info, warn, error };

void set_level(Level level);
void write(Level level, std::string_view component, std::initializer_list<Field> fields);

inline void debug(std::string_view c, std::initializer_list<Field> f) { write(Level::debug, c, f); }
inline void info(std::string_view c, std::initializer_list<Field> f) { write(Level::info, c, f); }
inline void warn(std::string_view c, std::initializer_list<Field> f) { write(Level::warn, c, f); }
inline void error(std::string_view c, std::initializer_list<Field> f) { write(Level::error, c, f); }

}  // namespace supplybot::bot::log
