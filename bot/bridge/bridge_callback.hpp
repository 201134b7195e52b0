#pragma once
// Later replies to the generic bridge (bridge.callback_url), as a pure request builder and
// response interpreter. The contract (docs/bridge.md): supplybot POSTs one JSON object per
// outbox row with `Authorization: Bearer <bridge.token>`:
//   {"id": 17, "platform": "bridge", "chat_id": "wechat:room1", "thread_id": null,
//    "text": "...", "reply_to": "m1" | null, "order_no": 12 | null, "document_name": "x.csv" | null}
// `id` is the same on every retry of the row (a bridge drops repeats by it); chat_id is written
// as in the replies of POST /api/v1/messages. Any 2xx is delivered (an optional
// {"message_id": ...} in the answer is kept, so a resident's reply to that message finds its
// order); 429, 408 and 5xx are retried with backoff (429 waits Retry-After when given); other
// answers are refused for good.

#include <cstdint>
#include <string>
#include <string_view>

#include "bot/send_result.hpp"
#include "handlers/chat_message.hpp"

namespace supplybot::bot::bridge {

std::string callback_body(std::int64_t outbox_id, const handlers::OutgoingMessage& m);

// status 0 means no HTTP answer (transport_error says why).
SendResult interpret_callback_response(int status, std::string_view body, std::string_view retry_after_header,
                                       std::string_view transport_error = {});

}  // namespace supplybot::bot::bridge
