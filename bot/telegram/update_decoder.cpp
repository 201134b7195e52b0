#include "bot/telegram/update_decoder.hpp"

#include <nlohmann/json.hpp>

#include <string>

#include "bot/json_nesting.hpp"

namespace supplybot::bot::telegram {
namespace {

using nlohmann::json;

// Type-checked field access: a present field of the wrong type is an error, not a default.
struct Reader {
  std::string error;

  const json* obj(const json& parent, const char* key, bool required) {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
      if (required && error.empty()) error = std::string("missing field '") + key + "'";
      return nullptr;
    }
    if (!it->is_object()) {
      if (error.empty()) error = std::string("field '") + key + "' must be an object";
      return nullptr;
    }
    return &*it;
  }

  std::optional<std::int64_t> integer(const json& parent, const char* key, bool required) {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
      if (required && error.empty()) error = std::string("missing field '") + key + "'";
      return std::nullopt;
    }
    if (!it->is_number_integer()) {
      if (error.empty()) error = std::string("field '") + key + "' must be an integer";
      return std::nullopt;
    }
    return it->get<std::int64_t>();
  }

  std::optional<std::string> text(const json& parent, const char* key) {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
      if (error.empty()) error = std::string("field '") + key + "' must be a string";
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  std::optional<bool> boolean(const json& parent, const char* key) {
    auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean()) {
      if (error.empty()) error = std::string("field '") + key + "' must be a boolean";
      return std::nullopt;
    }
    return it->get<bool>();
  }
};

std::string display_name(Reader& r, const json& user) {
  std::string name = r.text(user, "first_name").value_or("");
  auto last = r.text(user, "last_name");
  if (last && !last->empty()) name += name.empty() ? *last : " " + *last;
  if (name.empty()) name = r.text(user, "username").value_or("");
  return name;
}

void read_sender(Reader& r, const json& from, handlers::ChatMessage& m) {
  if (auto id = r.integer(from, "id", true)) m.sender_id = std::to_string(*id);
  m.sender_name = display_name(r, from);
  m.sender_username = r.text(from, "username").value_or("");
  m.language_code = r.text(from, "language_code").value_or("");
}

// Fills chat, message id, thread, text and reply target from a Message object.
void read_message(Reader& r, const json& msg, handlers::ChatMessage& m, handlers::UnixTime now) {
  if (auto id = r.integer(msg, "message_id", true)) m.message_id = std::to_string(*id);
  if (const json* chat = r.obj(msg, "chat", true)) {
    if (auto id = r.integer(*chat, "id", true)) m.chat_id = std::to_string(*id);
    auto type = r.text(*chat, "type").value_or("");
    m.chat_kind = type == "private" ? handlers::ChatKind::private_chat : handlers::ChatKind::group;
  }
  if (const json* from = r.obj(msg, "from", false)) read_sender(r, *from, m);
  if (auto t = r.integer(msg, "message_thread_id", false); t && r.boolean(msg, "is_topic_message").value_or(false))
    m.thread_id = *t;
  m.time = r.integer(msg, "date", false).value_or(now);
  auto text = r.text(msg, "text");
  if (!text) text = r.text(msg, "caption");
  m.text = text.value_or("");
  if (const json* reply = r.obj(msg, "reply_to_message", false)) {
    if (auto id = r.integer(*reply, "message_id", false)) m.reply_to = std::to_string(*id);
  }
}

}  // namespace

DecodeResult decode_update(std::string_view body, handlers::UnixTime now) {
  if (!json_depth_within(body))
    return DecodeError{"JSON nested deeper than " + std::to_string(k_max_json_depth) + " levels"};
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return DecodeError{"body is not valid JSON"};
  if (!j.is_object()) return DecodeError{"an Update must be a JSON object"};
  Reader r;
  auto update_id = r.integer(j, "update_id", true);
  if (!update_id) return DecodeError{r.error};

  handlers::ChatMessage m;
  m.platform = handlers::Platform::telegram;
  m.update_key = std::to_string(*update_id);

  if (const json* msg = r.obj(j, "message", false)) {
    read_message(r, *msg, m, now);
  } else if (const json* edited = r.obj(j, "edited_message", false)) {
    read_message(r, *edited, m, now);
    m.edited = true;
    if (auto d = r.integer(*edited, "edit_date", false)) m.time = *d;
  } else if (const json* cb = r.obj(j, "callback_query", false)) {
    auto id = r.text(*cb, "id");
    if (!id && r.error.empty()) r.error = "missing field 'id' in callback_query";
    m.callback_id = id;
    if (const json* from = r.obj(*cb, "from", true)) read_sender(r, *from, m);
    m.callback_data = r.text(*cb, "data").value_or("");
    if (const json* button_msg = r.obj(*cb, "message", false)) {
      // The message the button was on: the chat to answer in.
      if (auto mid = r.integer(*button_msg, "message_id", false)) m.reply_to = std::to_string(*mid);
      if (const json* chat = r.obj(*button_msg, "chat", false)) {
        if (auto cid = r.integer(*chat, "id", true)) m.chat_id = std::to_string(*cid);
        m.chat_kind = r.text(*chat, "type").value_or("") == "private" ? handlers::ChatKind::private_chat
                                                                        : handlers::ChatKind::group;
      }
    }
    if (m.chat_id.empty()) {
      m.chat_id = m.sender_id;  // inline-mode buttons have no message: answer privately
      m.chat_kind = handlers::ChatKind::private_chat;
    }
    m.message_id = "cb:" + id.value_or("");
    m.time = now;
  } else {
    if (!r.error.empty()) return DecodeError{r.error, m.update_key};
    for (const char* kind : {"channel_post", "edited_channel_post", "inline_query", "chosen_inline_result",
                             "shipping_query", "pre_checkout_query", "poll", "poll_answer", "my_chat_member",
                             "chat_member", "chat_join_request", "message_reaction", "message_reaction_count",
                             "chat_boost", "removed_chat_boost"}) {
      if (j.contains(kind)) return Ignored{m.update_key, kind};
    }
    return Ignored{m.update_key, "unknown update kind"};
  }
  if (!r.error.empty()) return DecodeError{r.error, m.update_key};
  if (m.text.empty() && !m.callback_data) return Ignored{m.update_key, "no text"};
  return m;
}

}  // namespace supplybot::bot::telegram
