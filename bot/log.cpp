#include "bot/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace supplybot::bot::log {
namespace {

spdlog::logger& logger() {
  static auto l = [] {
    auto lg = spdlog::stderr_logger_mt("supplybot");
    lg->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z level=%l %v");
    lg->set_level(spdlog::level::info);
    return lg;
  }();
  return *l;
}

// Values with spaces or quotes are quoted so each line stays machine-readable.
void append_value(std::string& out, std::string_view v) {
  bool quote = v.empty() || v.find_first_of(" \t\"=\n") != std::string_view::npos;
  if (!quote) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
}

}  // namespace

void set_level(Level level) {
  switch (level) {
    case Level::debug: logger().set_level(spdlog::level::debug); break;
    case Level::info: logger().set_level(spdlog::level::info); break;
    case Level::warn: logger().set_level(spdlog::level::warn); break;
    case Level::error: logger().set_level(spdlog::level::err); break;
  }
}

void write(Level level, std::string_view component, std::initializer_list<Field> fields) {
  auto lvl = level == Level::debug  ? spdlog::level::debug
             : level == Level::info ? spdlog::level::info
             : level == Level::warn ? spdlog::level::warn
                                    : spdlog::level::err;
  auto& lg = logger();
  if (!lg.should_log(lvl)) return;
  std::string line = "component=";
  line += component;
  for (const auto& [k, v] : fields) {
    line += ' ';
    line += k;
    line += '=';
    append_value(line, v);
  }
  lg.log(lvl, "{}", line);
  if (lvl >= spdlog::level::warn) lg.flush();
}

}  // namespace supplybot::bot::log
