#include "bot/bridge/bridge_callback.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace supplybot;
using namespace supplybot::bot;
using namespace supplybot::bot::bridge;
using nlohmann::json;

TEST_CASE("bridge callback: the body names the row, the chat and what to say") {
  handlers::OutgoingMessage m{.platform = handlers::Platform::bridge, .chat_id = "wechat:room1", .thread_id = 3,
                              .text = "订单 #12 已送达", .reply_to = std::string("m1"), .order_no = 12};
  auto j = json::parse(callback_body(17, m));
  CHECK(j["id"] == 17);
  CHECK(j["platform"] == "bridge");
  CHECK(j["chat_id"] == "wechat:room1");
  CHECK(j["thread_id"] == 3);
  CHECK(j["text"] == "订单 #12 已送达");
  CHECK(j["reply_to"] == "m1");
  CHECK(j["order_no"] == 12);
  CHECK(j["document_name"].is_null());

  SUBCASE("absent parts are null, not left out") {
    handlers::OutgoingMessage plain{.platform = handlers::Platform::bridge, .chat_id = "room", .text = "a,b\n1,2\n",
                                    .document_name = "orders.csv"};
    auto p = json::parse(callback_body(1, plain));
    CHECK(p["thread_id"].is_null());
    CHECK(p["reply_to"].is_null());
    CHECK(p["order_no"].is_null());
    CHECK(p["document_name"] == "orders.csv");
    CHECK(p["text"] == "a,b\n1,2\n");
  }
}

TEST_CASE("bridge callback: answers are classified by status") {
  auto sent = interpret_callback_response(200, R"({"message_id":"wx-889"})", "");
  CHECK(sent.outcome == SendOutcome::sent);
  CHECK(sent.message_id == "wx-889");
  CHECK(interpret_callback_response(200, R"({"message_id":42})", "").message_id == "42");
  auto empty = interpret_callback_response(204, "", "");
  CHECK(empty.outcome == SendOutcome::sent);
  CHECK(empty.message_id.empty());
  CHECK(interpret_callback_response(202, "accepted", "").outcome == SendOutcome::sent);

  auto slow = interpret_callback_response(429, "", "12");
  CHECK(slow.outcome == SendOutcome::rate_limited);
  CHECK(slow.retry_after_s == 12);
  CHECK(interpret_callback_response(429, "", "").outcome == SendOutcome::retry);  // backoff
  CHECK(interpret_callback_response(503, "", "").outcome == SendOutcome::retry);
  CHECK(interpret_callback_response(408, "", "").outcome == SendOutcome::retry);
  CHECK(interpret_callback_response(0, "", "", "connect bridge: Connection refused").outcome == SendOutcome::retry);

  auto refused = interpret_callback_response(400, "unknown chat", "");
  CHECK(refused.outcome == SendOutcome::refused);
  CHECK(refused.reason.find("400") != std::string::npos);
  CHECK(interpret_callback_response(401, "", "").outcome == SendOutcome::refused);
  CHECK(interpret_callback_response(301, "", "").outcome == SendOutcome::refused);
}
