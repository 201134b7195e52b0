#include "bot/wechat/robot_webhook.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace supplybot;
using namespace supplybot::bot;
using namespace supplybot::bot::wechat;
using nlohmann::json;

TEST_CASE("wecom robot: the webhook body is a text message for the row's chat") {
  auto j = json::parse(robot_text_body("订单 #3 已送达", "wrkSFfCgAAtest"));
  CHECK(j["msgtype"] == "text");
  CHECK(j["text"]["content"] == "订单 #3 已送达");
  CHECK(j["chatid"] == "wrkSFfCgAAtest");
  CHECK_FALSE(json::parse(robot_text_body("hi", "")).contains("chatid"));
}

TEST_CASE("wecom robot: texts longer than 2048 bytes are posted in pieces, in order, at line ends") {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "3栋2单元" + std::to_string(i) + " 白菜2斤\n";  // ~4 KB
  handlers::OutgoingMessage m{.platform = handlers::Platform::wecom, .chat_id = "c", .text = text};
  auto pieces = robot_texts(m, "notice");
  REQUIRE(pieces.size() >= 2);
  std::string joined;
  for (const auto& p : pieces) {
    CHECK(p.size() <= k_robot_text_max_bytes);
    joined += p + "\n";
  }
  CHECK(joined == text);  // cut only at line ends, nothing lost or reordered

  SUBCASE("a short text is one post") {
    m.text = "好的";
    CHECK(robot_texts(m, "notice") == std::vector<std::string>{"好的"});
  }
  SUBCASE("never inside a character, even without a line end") {
    m.text.clear();
    for (int i = 0; i < 1000; ++i) m.text += "菜";  // 3000 bytes, no spaces
    auto parts = robot_texts(m, "notice");
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].size() == 2046);  // 682 characters
    CHECK(parts[0] + parts[1] == m.text);
  }
}

TEST_CASE("wecom robot: a file is never posted, only a notice naming it") {
  handlers::OutgoingMessage m{.platform = handlers::Platform::wecom, .chat_id = "c",
                              .text = "household,item,qty\n3-2-502,白菜,2\n", .document_name = "shopping-list.csv"};
  CHECK(robot_texts(m, "文件「shopping-list.csv」已生成") == std::vector<std::string>{"文件「shopping-list.csv」已生成"});
}

TEST_CASE("wecom robot: answers are classified by errcode") {
  auto ok = interpret_robot_response(200, R"({"errcode":0,"errmsg":"ok"})", "");
  CHECK(ok.outcome == SendOutcome::sent);
  CHECK(ok.reason.empty());

  auto limited = interpret_robot_response(200, R"({"errcode":45009,"errmsg":"api freq out of limit"})", "");
  CHECK(limited.outcome == SendOutcome::rate_limited);
  CHECK(limited.retry_after_s == k_robot_rate_limit_pause_s);
  CHECK(limited.reason.find("45009") != std::string::npos);

  auto refused = interpret_robot_response(200, R"({"errcode":93000,"errmsg":"invalid webhook url"})", "");
  CHECK(refused.outcome == SendOutcome::refused);
  CHECK(refused.reason == "errcode 93000: invalid webhook url");

  CHECK(interpret_robot_response(200, R"({"errcode":-1,"errmsg":"system busy"})", "").outcome == SendOutcome::retry);
  CHECK(interpret_robot_response(200, "<html>gateway</html>", "").outcome == SendOutcome::retry);
  CHECK(interpret_robot_response(200, R"({"errmsg":"ok"})", "").outcome == SendOutcome::retry);
  CHECK(interpret_robot_response(502, "", "").outcome == SendOutcome::retry);
  CHECK(interpret_robot_response(404, "", "").outcome == SendOutcome::refused);
  auto slow = interpret_robot_response(429, "", "7");
  CHECK(slow.outcome == SendOutcome::rate_limited);
  CHECK(slow.retry_after_s == 7);
  auto down = interpret_robot_response(0, "", "", "connect qyapi.weixin.qq.com: Connection refused");
  CHECK(down.outcome == SendOutcome::retry);
  CHECK(down.reason.find("Connection refused") != std::string::npos);
}
