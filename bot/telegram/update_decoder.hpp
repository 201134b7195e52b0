#pragma once
// Telegram Update JSON → ChatMessage. Pure: no I/O. Decodes `message`, `edited_message` and
// `callback_query`; anything else is Ignored (still answered 200, or Telegram stalls the chat).
// Malformed JSON or wrong types is a DecodeError (answered 400, nothing stored).

#include <string>
#include <string_view>
#include <variant>

#include "handlers/chat_message.hpp"

namespace supplybot::bot::telegram {

struct Ignored {
  std::string update_key;  // may be empty when the update had no usable id
  std::string reason;      // "edited_channel_post", "no text", ...
};

struct DecodeError {
  std::string message;
  // The update's id when the body is an Update with an integer update_id that could not be read
  // further (an unexpected shape of a message): Telegram sent it, so it must not be refused.
  std::string update_key;
};

using DecodeResult = std::variant<handlers::ChatMessage, Ignored, DecodeError>;

// now: the receive time, used when the update carries no date. Parses with simdjson; whatever
// it refuses or finds an error in is decoded again by decode_update_general, so both always
// give the same result (tests/telegram/telegram_fuzz.cpp checks it).
DecodeResult decode_update(std::string_view body, handlers::UnixTime now);

// The same rules over nlohmann::json: slower (it builds a full DOM), exact for every input JSON
// allows, numbers of any size included.
DecodeResult decode_update_general(std::string_view body, handlers::UnixTime now);

}  // namespace supplybot::bot::telegram
