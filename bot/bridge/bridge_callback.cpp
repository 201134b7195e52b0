#include "bot/bridge/bridge_callback.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

namespace supplybot::bot::bridge {

using nlohmann::json;

std::string callback_body(std::int64_t outbox_id, const handlers::OutgoingMessage& m) {
  json j = {{"id", outbox_id},
            {"platform", std::string(handlers::to_string(m.platform))},
            {"chat_id", m.chat_id},
            {"thread_id", m.thread_id ? json(*m.thread_id) : json(nullptr)},
            {"text", m.text},
            {"reply_to", m.reply_to ? json(*m.reply_to) : json(nullptr)},
            {"order_no", m.order_no != 0 ? json(m.order_no) : json(nullptr)},
            {"document_name", m.document_name.empty() ? json(nullptr) : json(m.document_name)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

SendResult interpret_callback_response(int status, std::string_view body, std::string_view retry_after_header,
                                       std::string_view transport_error) {
  SendResult r;
  if (status == 0) {
    r.outcome = SendOutcome::retry;
    r.reason = transport_error.empty() ? "no answer from the bridge callback" : std::string(transport_error);
    return r;
  }
  if (status >= 200 && status < 300) {
    r.outcome = SendOutcome::sent;
    json j = json::parse(body, nullptr, false);
    if (j.is_object()) {
      if (auto mid = j.find("message_id"); mid != j.end()) {
        if (mid->is_string()) r.message_id = mid->get<std::string>();
        else if (mid->is_number_integer()) r.message_id = std::to_string(mid->get<std::int64_t>());
      }
    }
    return r;
  }
  r.reason = "HTTP " + std::to_string(status) + " from the bridge callback";
  if (status == 429) {
    int after = 0;
    std::from_chars(retry_after_header.data(), retry_after_header.data() + retry_after_header.size(), after);
    if (after > 0) {
      r.outcome = SendOutcome::rate_limited;
      r.retry_after_s = after;
      return r;
    }
    r.outcome = SendOutcome::retry;
    return r;
  }
  r.outcome = (status >= 500 || status == 408) ? SendOutcome::retry : SendOutcome::refused;
  return r;
}

}  // namespace supplybot::bot::bridge
