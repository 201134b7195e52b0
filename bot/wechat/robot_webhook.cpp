#include "bot/wechat/robot_webhook.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "handlers/outbox_policy.hpp"

namespace supplybot::bot::wechat {

using nlohmann::json;

namespace {

constexpr int k_errcode_ok = 0;
constexpr int k_errcode_busy = -1;            // 系统繁忙: try again
constexpr int k_errcode_rate_limited = 45009;  // api freq out of limit

}  // namespace

std::vector<std::string> robot_texts(const handlers::OutgoingMessage& m, std::string_view file_notice) {
  return handlers::split_message_bytes(m.document_name.empty() ? std::string_view(m.text) : file_notice,
                                       k_robot_text_max_bytes);
}

std::string robot_text_body(std::string_view content, std::string_view chat_id) {
  json j = {{"msgtype", "text"}, {"text", {{"content", std::string(content)}}}};
  if (!chat_id.empty()) j["chatid"] = std::string(chat_id);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

SendResult interpret_robot_response(int status, std::string_view body, std::string_view retry_after_header,
                                    std::string_view transport_error) {
  SendResult r;
  if (status == 0) {
    r.outcome = SendOutcome::retry;
    r.reason = transport_error.empty() ? "no answer from the WeCom robot webhook" : std::string(transport_error);
    return r;
  }
  if (status == 429) {
    int after = 0;
    std::from_chars(retry_after_header.data(), retry_after_header.data() + retry_after_header.size(), after);
    r.outcome = SendOutcome::rate_limited;
    r.retry_after_s = after > 0 ? after : k_robot_rate_limit_pause_s;
    r.reason = "429 Too Many Requests";
    return r;
  }
  if (status != 200) {
    r.outcome = status >= 500 ? SendOutcome::retry : SendOutcome::refused;
    r.reason = "HTTP " + std::to_string(status);
    return r;
  }
  json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("errcode") || !j["errcode"].is_number_integer()) {
    r.outcome = SendOutcome::retry;
    r.reason = "unreadable answer from the WeCom robot webhook";
    return r;
  }
  auto code = j["errcode"].get<std::int64_t>();
  std::string msg = j.contains("errmsg") && j["errmsg"].is_string() ? j["errmsg"].get<std::string>() : "";
  r.reason = "errcode " + std::to_string(code) + (msg.empty() ? "" : ": " + msg);
  if (code == k_errcode_ok) {
    r.outcome = SendOutcome::sent;
    r.reason.clear();
  } else if (code == k_errcode_rate_limited) {
    r.outcome = SendOutcome::rate_limited;
    r.retry_after_s = k_robot_rate_limit_pause_s;
  } else if (code == k_errcode_busy) {
    r.outcome = SendOutcome::retry;
  } else {
    r.outcome = SendOutcome::refused;
  }
  return r;
}

}  // namespace supplybot::bot::wechat
