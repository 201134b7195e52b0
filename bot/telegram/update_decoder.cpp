#include "bot/telegram/update_decoder.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <optional>
#include <string>

#include "bot/json_nesting.hpp"

// The decoding rules are written once (Decoder<Json>) over two JSON back ends. simdjson parses
// the webhook's bodies: the nlohmann DOM was ~50,000 instructions per update on the I/O threads
// (bench/README.md). nlohmann decodes whatever simdjson refuses, and re-decodes every body the
// fast path finds an error in, so refusals and their messages stay exactly what they were: the
// rare inputs where the two libraries differ (numbers past 64 bits, -0, a byte-order mark) all
// end up there. tests/telegram/telegram_fuzz.cpp checks that both give the same result.

namespace supplybot::bot::telegram {
namespace {

// nlohmann: a node is a pointer into the parsed document.
struct NlohmannJson {
  using Node = const nlohmann::json*;
  static std::optional<Node> field(Node obj, const char* key) {
    auto it = obj->find(key);
    if (it == obj->end()) return std::nullopt;
    return &*it;
  }
  static bool is_null(Node n) { return n->is_null(); }
  static bool is_object(Node n) { return n->is_object(); }
  static std::optional<std::int64_t> integer(Node n) {
    if (!n->is_number_integer()) return std::nullopt;
    return n->get<std::int64_t>();
  }
  static std::optional<std::string> string(Node n) {
    if (!n->is_string()) return std::nullopt;
    return n->get<std::string>();
  }
  static std::optional<bool> boolean(Node n) {
    if (!n->is_boolean()) return std::nullopt;
    return n->get<bool>();
  }
};

// simdjson: a node is an element of the parsed tape. Like nlohmann, the last of repeated keys
// counts (at_key would give the first), and a number above INT64_MAX is taken modulo 2^64.
struct SimdJson {
  using Node = simdjson::dom::element;
  static std::optional<Node> field(Node obj, const char* key) {
    std::optional<Node> found;
    std::string_view k(key);
    for (auto f : simdjson::dom::object(obj)) {
      if (f.key == k) found = f.value;
    }
    return found;
  }
  static bool is_null(Node n) { return n.is_null(); }
  static bool is_object(Node n) { return n.type() == simdjson::dom::element_type::OBJECT; }
  static std::optional<std::int64_t> integer(Node n) {
    switch (n.type()) {
      case simdjson::dom::element_type::INT64: return std::int64_t(n);
      case simdjson::dom::element_type::UINT64: return static_cast<std::int64_t>(std::uint64_t(n));
      default: return std::nullopt;
    }
  }
  static std::optional<std::string> string(Node n) {
    if (n.type() != simdjson::dom::element_type::STRING) return std::nullopt;
    return std::string(std::string_view(n));
  }
  static std::optional<bool> boolean(Node n) {
    if (n.type() != simdjson::dom::element_type::BOOL) return std::nullopt;
    return bool(n);
  }
};

// Type-checked field access: a present field of the wrong type is an error, not a default.
template <class Json>
struct Decoder {
  using Node = typename Json::Node;
  std::string error;

  std::optional<Node> present(Node parent, const char* key, bool required) {
    auto f = Json::field(parent, key);
    if (!f || Json::is_null(*f)) {
      if (required && error.empty()) error = std::string("missing field '") + key + "'";
      return std::nullopt;
    }
    return f;
  }

  std::optional<Node> obj(Node parent, const char* key, bool required) {
    auto f = present(parent, key, required);
    if (f && !Json::is_object(*f)) {
      if (error.empty()) error = std::string("field '") + key + "' must be an object";
      return std::nullopt;
    }
    return f;
  }

  std::optional<std::int64_t> integer(Node parent, const char* key, bool required) {
    auto f = present(parent, key, required);
    if (!f) return std::nullopt;
    auto v = Json::integer(*f);
    if (!v && error.empty()) error = std::string("field '") + key + "' must be an integer";
    return v;
  }

  std::optional<std::string> text(Node parent, const char* key) {
    auto f = present(parent, key, false);
    if (!f) return std::nullopt;
    auto v = Json::string(*f);
    if (!v && error.empty()) error = std::string("field '") + key + "' must be a string";
    return v;
  }

  std::optional<bool> boolean(Node parent, const char* key) {
    auto f = present(parent, key, false);
    if (!f) return std::nullopt;
    auto v = Json::boolean(*f);
    if (!v && error.empty()) error = std::string("field '") + key + "' must be a boolean";
    return v;
  }

  std::string display_name(Node user) {
    std::string name = text(user, "first_name").value_or("");
    auto last = text(user, "last_name");
    if (last && !last->empty()) name += name.empty() ? *last : " " + *last;
    if (name.empty()) name = text(user, "username").value_or("");
    return name;
  }

  void read_sender(Node from, handlers::ChatMessage& m) {
    if (auto id = integer(from, "id", true)) m.sender_id = std::to_string(*id);
    m.sender_name = display_name(from);
    m.sender_username = text(from, "username").value_or("");
    m.language_code = text(from, "language_code").value_or("");
  }

  // Fills chat, message id, thread, text and reply target from a Message object.
  void read_message(Node msg, handlers::ChatMessage& m, handlers::UnixTime now) {
    if (auto id = integer(msg, "message_id", true)) m.message_id = std::to_string(*id);
    if (auto chat = obj(msg, "chat", true)) {
      if (auto id = integer(*chat, "id", true)) m.chat_id = std::to_string(*id);
      auto type = text(*chat, "type").value_or("");
      m.chat_kind = type == "private" ? handlers::ChatKind::private_chat : handlers::ChatKind::group;
    }
    if (auto from = obj(msg, "from", false)) read_sender(*from, m);
    if (auto t = integer(msg, "message_thread_id", false); t && boolean(msg, "is_topic_message").value_or(false))
      m.thread_id = *t;
    m.time = integer(msg, "date", false).value_or(now);
    auto t = text(msg, "text");
    if (!t) t = text(msg, "caption");
    m.text = t.value_or("");
    if (auto reply = obj(msg, "reply_to_message", false)) {
      if (auto id = integer(*reply, "message_id", false)) m.reply_to = std::to_string(*id);
    }
  }

  // root: the parsed body, an object.
  DecodeResult decode(Node root, handlers::UnixTime now) {
    auto update_id = integer(root, "update_id", true);
    if (!update_id) return DecodeError{error};

    handlers::ChatMessage m;
    m.platform = handlers::Platform::telegram;
    m.update_key = std::to_string(*update_id);

    if (auto msg = obj(root, "message", false)) {
      read_message(*msg, m, now);
    } else if (auto edited = obj(root, "edited_message", false)) {
      read_message(*edited, m, now);
      m.edited = true;
      if (auto d = integer(*edited, "edit_date", false)) m.time = *d;
    } else if (auto cb = obj(root, "callback_query", false)) {
      auto id = text(*cb, "id");
      if (!id && error.empty()) error = "missing field 'id' in callback_query";
      m.callback_id = id;
      if (auto from = obj(*cb, "from", true)) read_sender(*from, m);
      m.callback_data = text(*cb, "data").value_or("");
      if (auto button_msg = obj(*cb, "message", false)) {
        // The message the button was on: the chat to answer in.
        if (auto mid = integer(*button_msg, "message_id", false)) m.reply_to = std::to_string(*mid);
        if (auto chat = obj(*button_msg, "chat", false)) {
          if (auto cid = integer(*chat, "id", true)) m.chat_id = std::to_string(*cid);
          m.chat_kind = text(*chat, "type").value_or("") == "private" ? handlers::ChatKind::private_chat
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
      if (!error.empty()) return DecodeError{error, m.update_key};
      for (const char* kind : {"channel_post", "edited_channel_post", "inline_query", "chosen_inline_result",
                               "shipping_query", "pre_checkout_query", "poll", "poll_answer", "my_chat_member",
                               "chat_member", "chat_join_request", "message_reaction", "message_reaction_count",
                               "chat_boost", "removed_chat_boost"}) {
        if (Json::field(root, kind)) return Ignored{m.update_key, kind};
      }
      return Ignored{m.update_key, "unknown update kind"};
    }
    if (!error.empty()) return DecodeError{error, m.update_key};
    if (m.text.empty() && !m.callback_data) return Ignored{m.update_key, "no text"};
    return m;
  }
};

DecodeError too_deep() { return DecodeError{"JSON nested deeper than " + std::to_string(k_max_json_depth) + " levels"}; }

// For a body whose nesting was checked already.
DecodeResult decode_with_nlohmann(std::string_view body, handlers::UnixTime now) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return DecodeError{"body is not valid JSON"};
  if (!j.is_object()) return DecodeError{"an Update must be a JSON object"};
  return Decoder<NlohmannJson>{}.decode(&j, now);
}

}  // namespace

DecodeResult decode_update_general(std::string_view body, handlers::UnixTime now) {
  if (!json_depth_within(body)) return too_deep();
  return decode_with_nlohmann(body, now);
}

DecodeResult decode_update(std::string_view body, handlers::UnixTime now) {
  if (!json_depth_within(body)) return too_deep();
  // One parser per thread for updates of ordinary size: it keeps its buffers between updates.
  // A parser's buffers grow to the largest body it has seen (about ten times its size) and stay;
  // a body near the 1 MB limit gets a parser of its own, freed with it, so a few large requests
  // cannot leave every I/O thread holding ~10 MB.
  constexpr std::size_t k_kept_parser_bytes = 64 * 1024;
  thread_local simdjson::dom::parser kept(k_kept_parser_bytes);
  std::optional<simdjson::dom::parser> one_off;
  auto& parser = body.size() <= k_kept_parser_bytes ? kept : one_off.emplace();
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) == simdjson::SUCCESS &&
      root.type() == simdjson::dom::element_type::OBJECT) {
    auto r = Decoder<SimdJson>{}.decode(root, now);
    if (!std::holds_alternative<DecodeError>(r)) return r;
  }
  return decode_with_nlohmann(body, now);
}

}  // namespace supplybot::bot::telegram
