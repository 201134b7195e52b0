#include "bot/bridge/bridge_message.hpp"

#include <nlohmann/json.hpp>

#include <string>

#include "bot/json_nesting.hpp"

namespace supplybot::bot::bridge {

using nlohmann::json;

namespace {

// Ids may come as strings or integers (WeChat ids are strings, some bridges send numbers).
bool read_id(const json& j, const char* key, bool required, std::string& out, std::string& error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) error = std::string("missing field '") + key + "'";
    return !required;
  }
  if (it->is_string()) out = it->get<std::string>();
  else if (it->is_number_integer()) out = std::to_string(it->get<std::int64_t>());
  else {
    error = std::string("field '") + key + "' must be a string or an integer";
    return false;
  }
  if (required && out.empty()) {
    error = std::string("field '") + key + "' must not be empty";
    return false;
  }
  return true;
}

}  // namespace

std::variant<handlers::ChatMessage, DecodeError> decode_message(std::string_view body, handlers::UnixTime now) {
  if (!json_depth_within(body))
    return DecodeError{"JSON nested deeper than " + std::to_string(k_max_json_depth) + " levels"};
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return DecodeError{"body is not valid JSON"};
  if (!j.is_object()) return DecodeError{"expected a JSON object"};
  handlers::ChatMessage m;
  m.platform = handlers::Platform::bridge;
  std::string error, platform, chat_type, reply_to;
  if (!read_id(j, "platform", false, platform, error) || !read_id(j, "chat_id", true, m.chat_id, error) ||
      !read_id(j, "chat_type", false, chat_type, error) || !read_id(j, "sender_id", true, m.sender_id, error) ||
      !read_id(j, "sender_name", false, m.sender_name, error) ||
      !read_id(j, "message_id", true, m.message_id, error) || !read_id(j, "reply_to", false, reply_to, error))
    return DecodeError{error};
  auto text = j.find("text");
  if (text == j.end() || !text->is_string()) return DecodeError{"field 'text' must be a string"};
  m.text = text->get<std::string>();
  if (!reply_to.empty()) m.reply_to = reply_to;
  if (!chat_type.empty() && chat_type != "group" && chat_type != "private")
    return DecodeError{"field 'chat_type' must be \"group\" or \"private\""};
  m.chat_kind = chat_type == "private" ? handlers::ChatKind::private_chat : handlers::ChatKind::group;
  // A bridge relays one network's chats; its own platform name keeps ids of two networks apart.
  std::string prefix = platform.empty() ? "" : platform + ":";
  m.chat_id = prefix + m.chat_id;
  m.sender_id = prefix + m.sender_id;
  m.update_key = m.chat_id + "#" + m.message_id;
  m.time = now;
  return m;
}

std::string encode_replies(const std::vector<handlers::OutgoingMessage>& replies, bool duplicate) {
  json arr = json::array();
  for (const auto& r : replies) {
    json o = {{"chat_id", r.chat_id}, {"text", r.text}};
    o["reply_to"] = r.reply_to ? json(*r.reply_to) : json(nullptr);
    arr.push_back(std::move(o));
  }
  json out = {{"replies", std::move(arr)}};
  if (duplicate) out["duplicate"] = true;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace supplybot::bot::bridge
