#pragma once
// The Bot API calls the outbox makes, as pure request builders and response interpreters, so
// the retry rules are tested without a network.

#include <optional>
#include <string>
#include <string_view>

#include "handlers/chat_message.hpp"

namespace supplybot::bot::telegram {

// JSON body for sendMessage: chat_id, text, reply_parameters (allow_sending_without_reply, so a
// deleted order message does not block the answer), message_thread_id, reply_markup.
std::string send_message_body(const handlers::OutgoingMessage& m);

// JSON body for answerCallbackQuery.
std::string answer_callback_body(std::string_view callback_query_id, std::string_view text);

enum class SendOutcome {
  sent,       // ok: true
  retry,      // network error, 5xx, or an answer we could not read: try again later
  rate_limited,  // 429: wait retry_after seconds
  refused,    // 400/403/404...: permanent, never retried
};

struct SendResult {
  SendOutcome outcome{SendOutcome::retry};
  std::string message_id;     // of the sent message, when sent
  int retry_after_s{0};       // when rate_limited
  std::string reason;         // human text for the log and the outbox row
};

// status 0 means the request never got an HTTP answer (connection failed, timeout).
SendResult interpret_response(int status, std::string_view body, std::string_view retry_after_header,
                              std::string_view transport_error = {});

}  // namespace supplybot::bot::telegram
