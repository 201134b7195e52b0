#include "bot/telegram/setup.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace supplybot::bot::telegram;
using nlohmann::json;

TEST_CASE("telegram setup: setWebhook carries the secret and our update kinds") {
  auto j = json::parse(set_webhook_body("https://x.example/telegram/webhook", "s3"));
  CHECK(j["url"] == "https://x.example/telegram/webhook");
  CHECK(j["secret_token"] == "s3");
  CHECK(j["allowed_updates"] == json({"message", "edited_message", "callback_query"}));
}

TEST_CASE("telegram setup: command menus in Chinese and English") {
  auto bodies = set_my_commands_bodies();
  REQUIRE(bodies.size() == 3);
  auto zh = json::parse(bodies[1]);
  auto en = json::parse(bodies[2]);
  CHECK(zh["language_code"] == "zh");
  CHECK(en["language_code"] == "en");
  CHECK(zh["commands"][0]["command"] == "start");
  CHECK(en["commands"][2]["description"] == "My open orders and their status");
}

TEST_CASE("telegram status: plain words for the webhook state") {
  auto good = describe_webhook_info(R"({"ok":true,"result":{"url":"https://h/telegram/webhook","pending_update_count":0,"allowed_updates":["message"]}})", 1000);
  CHECK(good.ok);
  CHECK(good.lines[0] == "Webhook: https://h/telegram/webhook");
  auto none = describe_webhook_info(R"({"ok":true,"result":{"url":"","pending_update_count":0}})", 1000);
  CHECK_FALSE(none.ok);
  auto failing = describe_webhook_info(
      R"({"ok":true,"result":{"url":"https://h/x","pending_update_count":250,"last_error_date":900,"last_error_message":"Connection refused"}})", 1000);
  CHECK_FALSE(failing.ok);
  bool mentions = false;
  for (const auto& l : failing.lines) mentions = mentions || l.find("Connection refused") != std::string::npos;
  CHECK(mentions);
  CHECK_FALSE(describe_webhook_info("garbage", 0).ok);
}

TEST_CASE("telegram status: privacy mode") {
  CHECK(describe_privacy(R"({"ok":true,"result":{"can_read_all_group_messages":true}})").find("off") != std::string::npos);
  CHECK(describe_privacy(R"({"ok":true,"result":{"can_read_all_group_messages":false}})").find("ON") != std::string::npos);
  CHECK(describe_privacy("{}").empty());
}
