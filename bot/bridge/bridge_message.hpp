#pragma once
// The generic bridge's JSON (DESIGN.md, POST /api/v1/messages) in and out. Pure.
// In:  {platform, chat_id, chat_type, sender_id, sender_name, message_id, text, reply_to?}
// Out: {"replies": [{"chat_id", "text", "reply_to"}]}

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "handlers/chat_message.hpp"

namespace supplybot::bot::bridge {

struct DecodeError {
  std::string message;
};

std::variant<handlers::ChatMessage, DecodeError> decode_message(std::string_view body, handlers::UnixTime now);

std::string encode_replies(const std::vector<handlers::OutgoingMessage>& replies, bool duplicate);

}  // namespace supplybot::bot::bridge
