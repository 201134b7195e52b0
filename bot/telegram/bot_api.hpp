#pragma once
// The Bot API calls the outbox makes, as pure request builders and response interpreters, so
// the retry rules are tested without a network.

#include <optional>
#include <string>
#include <string_view>

#include "bot/send_result.hpp"
#include "handlers/chat_message.hpp"

namespace supplybot::bot::telegram {

// JSON body for sendMessage: chat_id, text, reply_parameters (allow_sending_without_reply, so a
// deleted order message does not block the answer), message_thread_id, reply_markup.
std::string send_message_body(const handlers::OutgoingMessage& m);

// Telegram shows at most 200 characters of a button press's notice.
inline constexpr std::size_t k_callback_text_max = 200;

// JSON body for answerCallbackQuery. text is cut to k_callback_text_max UTF-16 units between two
// characters (ending in "…" when cut); empty text sends no notice.
std::string answer_callback_body(std::string_view callback_query_id, std::string_view text);

// A multipart/form-data request body and the Content-Type header that names its boundary.
struct MultipartBody {
  std::string content_type;
  std::string body;
};

// sendDocument for a row with a document_name: form fields chat_id, message_thread_id,
// reply_parameters (JSON) and reply_markup when the row has them, then the `document` part named
// document_name whose bytes are the row's text (text/csv for a .csv name, else
// application/octet-stream). No caption. The boundary never occurs in the contents.
MultipartBody send_document_body(const handlers::OutgoingMessage& m);

using SendOutcome = bot::SendOutcome;
using SendResult = bot::SendResult;

// status 0 means the request never got an HTTP answer (connection failed, timeout).
SendResult interpret_response(int status, std::string_view body, std::string_view retry_after_header,
                              std::string_view transport_error = {});

}  // namespace supplybot::bot::telegram
