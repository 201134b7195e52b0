#pragma once
// The platform-neutral shapes that cross the boundary between adapters (bot/platforms) and the
// engine: a ChatMessage in, OutgoingMessage rows out. The engine never sees Telegram or WeChat
// payloads. Plain values; safe to copy between threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace supplybot::handlers {

enum class Platform { telegram, wechat, wecom, bridge };

std::string_view to_string(Platform p);
std::optional<Platform> platform_from_string(std::string_view s);

enum class ChatKind { private_chat, group };

// Seconds since the Unix epoch. Time is always injected, never read inside handlers/.
using UnixTime = std::int64_t;

struct ChatMessage {
  Platform platform{Platform::telegram};
  std::string chat_id;        // text form of the platform chat id (Telegram: 64-bit integer)
  ChatKind chat_kind{ChatKind::group};
  std::optional<std::int64_t> thread_id;  // Telegram forum topic (message_thread_id)
  std::string sender_id;
  std::string sender_name;    // display name, for replies and volunteer lists
  std::string sender_username;  // @handle without '@', may be empty
  std::string language_code;  // sender's client language if the platform says ("zh-hans", "en")
  std::string message_id;     // platform message id in the chat
  std::string update_key;     // dedup key, unique per platform (Telegram: update_id)
  std::string text;           // text or caption
  std::optional<std::string> reply_to;  // message id this one replies to
  bool edited{false};
  // A button press (Telegram callback_query) carries its data here; text is empty then.
  std::optional<std::string> callback_data;
  std::optional<std::string> callback_id;
  UnixTime time{0};
};

// One reply the engine wants sent. Stored in the outbox in the same transaction as the state
// change that caused it, and sent later by bot/outbox.
struct OutgoingMessage {
  Platform platform{Platform::telegram};
  std::string chat_id;
  std::optional<std::int64_t> thread_id;
  std::string text;
  std::optional<std::string> reply_to;  // message id to reply to, if any
  std::string markup_json;  // platform reply markup (Telegram inline keyboard), empty for none
  // The order this message is about (0: none). Once sent, the platform's id for the bot's message
  // is stored with it, so a resident replying "取消" to a confirmation finds the order.
  std::int64_t order_no{0};
  // Set: this row answers a button press (Telegram answerCallbackQuery with `text` as the short
  // notice), it is not a chat message. chat_id still names the chat, for per-chat ordering.
  std::optional<std::string> callback_id;
  // Non-empty: the row is a file (Telegram sendDocument) named so, whose contents are `text`.
  std::string document_name;
};

}  // namespace supplybot::handlers
