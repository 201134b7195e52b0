#include "handlers/chat_message.hpp"

namespace supplybot::handlers {

std::string_view to_string(Platform p) {
  switch (p) {
    case Platform::telegram: return "telegram";
    case Platform::wechat: return "wechat";
    case Platform::wecom: return "wecom";
    case Platform::bridge: return "bridge";
  }
  return "unknown";
}

std::optional<Platform> platform_from_string(std::string_view s) {
  if (s == "telegram") return Platform::telegram;
  if (s == "wechat") return Platform::wechat;
  if (s == "wecom") return Platform::wecom;
  if (s == "bridge") return Platform::bridge;
  return std::nullopt;
}

}  // namespace supplybot::handlers
