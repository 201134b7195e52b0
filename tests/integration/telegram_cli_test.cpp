// `supplybot telegram setup|status` against the local stand-in Bot API.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "bot/telegram_cli.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::testing;
using nlohmann::json;

TEST_CASE("telegram cli: setup sets the webhook with the secret, the menus, then reports status") {
  FakeBotApi api;
  api.script({ScriptedAnswer{200, R"({"ok":true,"result":true})"},                      // setWebhook
              ScriptedAnswer{200, R"({"ok":true,"result":true})"},                      // setMyCommands x3
              ScriptedAnswer{200, R"({"ok":true,"result":true})"},
              ScriptedAnswer{200, R"({"ok":true,"result":true})"},
              ScriptedAnswer{200, R"({"ok":true,"result":{"id":1,"is_bot":true,"username":"SupplyBot","can_read_all_group_messages":true}})"},
              ScriptedAnswer{200, R"({"ok":true,"result":{"url":"https://h/telegram/webhook","pending_update_count":0,"allowed_updates":["message","edited_message","callback_query"]}})"}});
  auto cfg = config::load({}, {{"SUPPLYBOT_TELEGRAM_BOT_TOKEN", "42:SECRETTOKEN"},
                               {"SUPPLYBOT_TELEGRAM_SECRET_TOKEN", "hook-secret"},
                               {"SUPPLYBOT_TELEGRAM_API_ROOT", api.api_root()}});
  REQUIRE(cfg.ok());
  std::ostringstream out;
  CHECK(bot::run_telegram_setup(cfg.config, "https://h/telegram/webhook", out) == 0);
  auto calls = api.calls();
  REQUIRE(calls.size() == 6);
  CHECK(calls[0].method == "setWebhook");
  CHECK(json::parse(calls[0].body)["secret_token"] == "hook-secret");
  CHECK(calls[1].method == "setMyCommands");
  CHECK(json::parse(calls[3].body)["language_code"] == "en");
  CHECK(calls[4].method == "getMe");
  CHECK(calls[5].method == "getWebhookInfo");
  auto text = out.str();
  CHECK(text.find("Webhook: https://h/telegram/webhook") != std::string::npos);
  CHECK(text.find("Privacy mode is off") != std::string::npos);
  CHECK(text.find("SECRETTOKEN") == std::string::npos);  // the token is never printed
}

TEST_CASE("telegram cli: status warns about privacy mode and a failing webhook") {
  FakeBotApi api;
  api.script({ScriptedAnswer{200, R"({"ok":true,"result":{"id":1,"is_bot":true,"username":"SupplyBot","can_read_all_group_messages":false}})"},
              ScriptedAnswer{200, R"({"ok":true,"result":{"url":"","pending_update_count":0}})"}});
  auto cfg = config::load({}, {{"SUPPLYBOT_TELEGRAM_BOT_TOKEN", "42:x"},
                               {"SUPPLYBOT_TELEGRAM_SECRET_TOKEN", "s"},
                               {"SUPPLYBOT_TELEGRAM_API_ROOT", api.api_root()}});
  REQUIRE(cfg.ok());
  std::ostringstream out;
  CHECK(bot::run_telegram_status(cfg.config, out) == 1);
  CHECK(out.str().find("Privacy mode is ON") != std::string::npos);
  CHECK(out.str().find("No webhook is set") != std::string::npos);
}
