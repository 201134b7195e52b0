#pragma once
// The two Telegram decoders (simdjson with its nlohmann fallback, and nlohmann alone) must give
// the same result for every body: the fast path may only be faster. Shared by the libFuzzer
// target and the unit test of the inputs where the libraries are known to differ.

#include <string>
#include <string_view>

#include "bot/telegram/update_decoder.hpp"

namespace supplybot::testing {

// Empty when decode_update and decode_update_general agree on body; else what differs.
inline std::string decoder_disagreement(std::string_view body) {
  using namespace bot::telegram;
  auto fast = decode_update(body, 7);
  auto general = decode_update_general(body, 7);
  if (fast.index() != general.index()) {
    return "fast gives kind " + std::to_string(fast.index()) + ", general " + std::to_string(general.index());
  }
  if (auto* a = std::get_if<handlers::ChatMessage>(&fast)) {
    const auto& b = std::get<handlers::ChatMessage>(general);
    auto same = a->platform == b.platform && a->chat_id == b.chat_id && a->chat_kind == b.chat_kind &&
                a->thread_id == b.thread_id && a->sender_id == b.sender_id && a->sender_name == b.sender_name &&
                a->sender_username == b.sender_username && a->language_code == b.language_code &&
                a->message_id == b.message_id && a->update_key == b.update_key && a->text == b.text &&
                a->reply_to == b.reply_to && a->edited == b.edited && a->callback_data == b.callback_data &&
                a->callback_id == b.callback_id && a->time == b.time;
    return same ? "" : "messages differ (update " + a->update_key + " / " + b.update_key + ")";
  }
  if (auto* a = std::get_if<Ignored>(&fast)) {
    const auto& b = std::get<Ignored>(general);
    return a->update_key == b.update_key && a->reason == b.reason ? "" : "ignored for " + a->reason + " / " + b.reason;
  }
  const auto& a = std::get<DecodeError>(fast);
  const auto& b = std::get<DecodeError>(general);
  return a.message == b.message && a.update_key == b.update_key ? "" : "errors " + a.message + " / " + b.message;
}

}  // namespace supplybot::testing
