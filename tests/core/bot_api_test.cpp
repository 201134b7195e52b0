#include "bot/telegram/bot_api.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace supplybot;
using namespace supplybot::bot::telegram;
using nlohmann::json;

TEST_CASE("bot api: sendMessage body replies in the thread") {
  handlers::OutgoingMessage m{.chat_id = "-1001234567890123", .thread_id = 7, .text = "好的", .reply_to = std::string("55")};
  auto j = json::parse(send_message_body(m));
  CHECK(j["chat_id"] == -1001234567890123LL);
  CHECK(j["text"] == "好的");
  CHECK(j["message_thread_id"] == 7);
  CHECK(j["reply_parameters"]["message_id"] == 55);
  CHECK(j["reply_parameters"]["allow_sending_without_reply"] == true);
  CHECK_FALSE(j.contains("reply_markup"));
}

TEST_CASE("bot api: responses are classified") {
  auto sent = interpret_response(200, R"({"ok":true,"result":{"message_id":99}})", "");
  CHECK(sent.outcome == SendOutcome::sent);
  CHECK(sent.message_id == "99");

  auto limited = interpret_response(429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":17}})", "");
  CHECK(limited.outcome == SendOutcome::rate_limited);
  CHECK(limited.retry_after_s == 17);
  CHECK(interpret_response(429, "", "5").retry_after_s == 5);

  auto refused = interpret_response(403, R"({"ok":false,"description":"Forbidden: bot was kicked"})", "");
  CHECK(refused.outcome == SendOutcome::refused);
  CHECK(refused.reason.find("bot was kicked") != std::string::npos);
  CHECK(interpret_response(400, "{}", "").outcome == SendOutcome::refused);

  CHECK(interpret_response(502, "<html>", "").outcome == SendOutcome::retry);
  CHECK(interpret_response(0, "", "", "connection refused").outcome == SendOutcome::retry);
  CHECK(interpret_response(200, "garbage", "").outcome == SendOutcome::retry);
}
