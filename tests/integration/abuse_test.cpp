// Bad input and abuse (issue 7) through the real server on a loopback port: flooding senders and
// chats, too many connections and slow clients, deeply nested JSON.

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

#include "bot/service.hpp"
#include "bot/wechat/simulator.hpp"
#include "config/config.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::testing;
using nlohmann::json;
namespace wechat = supplybot::bot::wechat;

namespace {

const std::map<std::string, std::string> k_tg = {{"X-Telegram-Bot-Api-Secret-Token", "s3cret-token"},
                                                 {"Content-Type", "application/json"}};
const std::map<std::string, std::string> k_bridge = {{"Authorization", "Bearer bridge-token"},
                                                     {"Content-Type", "application/json"}};

config::Config abuse_config(const TempDir& dir, const std::string& api_root, config::Environment extra = {}) {
  config::Environment env = {{"SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0"},
                             {"SUPPLYBOT_SERVER_THREADS", "2"},
                             {"SUPPLYBOT_STORAGE_PATH", (dir.path() / "bot.db").string()},
                             {"SUPPLYBOT_TELEGRAM_BOT_TOKEN", "123:TEST"},
                             {"SUPPLYBOT_TELEGRAM_SECRET_TOKEN", "s3cret-token"},
                             {"SUPPLYBOT_TELEGRAM_API_ROOT", api_root},
                             {"SUPPLYBOT_TELEGRAM_BOT_USERNAME", "SupplyBot"},
                             {"SUPPLYBOT_TELEGRAM_PER_CHAT_PER_MINUTE", "1000"},
                             {"SUPPLYBOT_BOT_CATALOG", std::string(SUPPLYBOT_SOURCE_DIR) + "/config/catalog.toml"},
                             {"SUPPLYBOT_BRIDGE_TOKEN", "bridge-token"}};
  for (auto& [k, v] : extra) env[k] = v;
  auto r = config::load({}, env);
  for (const auto& e : r.errors) MESSAGE(e);
  REQUIRE(r.ok());
  return r.config;
}

std::string tg_update(std::int64_t update_id, const std::string& text, std::int64_t user_id = 777,
                      std::int64_t chat_id = -100123, const char* language = "zh-hans") {
  json msg = {{"message_id", update_id + 1000},
              {"date", 1764300000},
              {"chat", {{"id", chat_id}, {"type", "supergroup"}, {"title", "3号楼"}}},
              {"from", {{"id", user_id}, {"is_bot", false}, {"first_name", "王"}, {"language_code", language}}},
              {"text", text}};
  return json{{"update_id", update_id}, {"message", msg}}.dump();
}

std::string bridge_message(const std::string& message_id, const std::string& sender = "wang",
                           const std::string& chat = "room1") {
  return json{{"platform", "wechat"}, {"chat_id", chat}, {"chat_type", "group"}, {"sender_id", sender},
              {"sender_name", "王阿姨"}, {"message_id", message_id}, {"text", "3栋2单元502 白菜2斤"}}
      .dump();
}

std::int64_t count(const std::filesystem::path& db, const std::string& sql) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  d.setBusyTimeout(5000);
  SQLite::Statement q(d, sql);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

std::string metrics(std::uint16_t port) { return http_request(port, "GET", "/metrics").body; }

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

std::size_t calls_with(const FakeBotApi& api, const std::string& needle) {
  auto calls = api.calls();
  return static_cast<std::size_t>(std::count_if(calls.begin(), calls.end(), [&](const RecordedCall& c) {
    return c.body.find(needle) != std::string::npos;
  }));
}

}  // namespace

TEST_CASE("limits/telegram: a flooding sender gets 200 and nothing stored, one notice; neighbours keep ordering") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(),
                                    {{"SUPPLYBOT_LIMITS_SENDER_PER_MINUTE", "1"}, {"SUPPLYBOT_LIMITS_SENDER_BURST", "3"}}));
  service.start();
  auto port = service.port();
  auto db = dir.path() / "bot.db";

  // Redeliveries of a stored update are not new messages: they cost the sender nothing.
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(1, "3栋2单元502 白菜2斤"), k_tg).status == 200);
  for (int i = 0; i < 3; ++i)
    CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(1, "3栋2单元502 白菜2斤"), k_tg).status == 200);
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(2, "3栋2单元503 鸡蛋一盒"), k_tg).status == 200);
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(3, "3栋2单元504 大米10斤"), k_tg).status == 200);
  CHECK(count(db, "SELECT COUNT(*) FROM inbound") == 3);

  // The fourth to eighth new messages within the minute: acknowledged, not stored.
  for (int id = 4; id <= 8; ++id)
    CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(id, "3栋2单元505 苹果" + std::to_string(id) + "个"), k_tg)
              .status == 200);
  CHECK(count(db, "SELECT COUNT(*) FROM inbound") == 3);
  CHECK(count(db, "SELECT COUNT(*) FROM orders") == 3);

  // Three confirmations and one notice, replying to the first refused message, in Chinese.
  REQUIRE(api.wait_for_calls(4, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(api.calls().size() == 4);
  CHECK(calls_with(api, "您发送得太快了，请稍后再发。") == 1);
  for (const auto& c : api.calls())
    if (c.body.find("您发送得太快了") != std::string::npos) {
      auto body = json::parse(c.body);
      CHECK(body["chat_id"] == -100123);
      CHECK(body["reply_parameters"]["message_id"] == 1004);
    }

  // A redelivery of a stored update while the sender is over the limit is still a duplicate.
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(2, "3栋2单元503 鸡蛋一盒"), k_tg).status == 200);

  // A neighbour in the same chat is not held back by the flood.
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(9, "Flat 12B 2 loaves of bread", 888, -100123, "en"), k_tg)
            .status == 200);
  CHECK(count(db, "SELECT COUNT(*) FROM inbound") == 4);
  CHECK(count(db, "SELECT COUNT(*) FROM orders") == 4);

  auto m = metrics(port);
  CHECK(has_line(m, "supplybot_inbound_limited_total{platform=\"telegram\",scope=\"sender\"} 5"));
  CHECK(has_line(m, "supplybot_inbound_total{platform=\"telegram\",result=\"stored\"} 4"));
  CHECK(has_line(m, "supplybot_inbound_total{platform=\"telegram\",result=\"duplicate\"} 4"));
  service.stop();
}

TEST_CASE("limits/telegram: a busy chat is limited as a whole, and told once a minute in English when written in English") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(),
                                    {{"SUPPLYBOT_LIMITS_CHAT_PER_MINUTE", "1"}, {"SUPPLYBOT_LIMITS_CHAT_BURST", "2"}}));
  service.start();
  auto port = service.port();
  for (int i = 1; i <= 6; ++i)
    CHECK(http_request(port, "POST", "/telegram/webhook",
                       tg_update(i, "Flat 1" + std::to_string(i) + "B 2 loaves of bread", 500 + i, -100555, "en"), k_tg)
              .status == 200);
  // Another chat is apart.
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(7, "/help", 600, -100666), k_tg).status == 200);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 3);
  REQUIRE(api.wait_for_calls(4, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(calls_with(api, "This chat is sending more messages than I can take right now") == 1);
  CHECK(has_line(metrics(port), "supplybot_inbound_limited_total{platform=\"telegram\",scope=\"chat\"} 4"));
  service.stop();
}

TEST_CASE("limits/bridge: 429 with Retry-After and a JSON error; a stored message sent again is a duplicate") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(),
                                    {{"SUPPLYBOT_LIMITS_SENDER_PER_MINUTE", "30"}, {"SUPPLYBOT_LIMITS_SENDER_BURST", "2"}}));
  service.start();
  auto port = service.port();
  CHECK(http_request(port, "POST", "/api/v1/messages", bridge_message("m1"), k_bridge).status == 200);
  CHECK(http_request(port, "POST", "/api/v1/messages", bridge_message("m2"), k_bridge).status == 200);
  auto refused = http_request(port, "POST", "/api/v1/messages", bridge_message("m3"), k_bridge);
  CHECK(refused.status == 429);
  CHECK(refused.headers["retry-after"] == "2");  // 30 a minute
  CHECK(json::parse(refused.body)["error"] == "too_many_requests");
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 2);

  // The bridge lost our answer to m2 and sends it again: never refused.
  auto again = http_request(port, "POST", "/api/v1/messages", bridge_message("m2"), k_bridge);
  CHECK(again.status == 200);
  CHECK(json::parse(again.body)["duplicate"] == true);

  // Another sender of the same chat, and the same sender name on another bridged network, pass.
  CHECK(http_request(port, "POST", "/api/v1/messages", bridge_message("m4", "li"), k_bridge).status == 200);
  CHECK(has_line(metrics(port), "supplybot_inbound_limited_total{platform=\"bridge\",scope=\"sender\"} 1"));
  service.stop();
}

TEST_CASE("limits/wechat: a flooding follower gets \"success\" and nothing is stored") {
  TempDir dir;
  config::Environment env = {{"SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0"},
                             {"SUPPLYBOT_STORAGE_PATH", (dir.path() / "bot.db").string()},
                             {"SUPPLYBOT_BOT_CATALOG", std::string(SUPPLYBOT_SOURCE_DIR) + "/config/catalog.toml"},
                             {"SUPPLYBOT_WECHAT_TOKEN", "wxtoken"},
                             {"SUPPLYBOT_WECHAT_APP_ID", "wx1234567890abcdef"},
                             {"SUPPLYBOT_LIMITS_SENDER_PER_MINUTE", "1"},
                             {"SUPPLYBOT_LIMITS_SENDER_BURST", "1"}};
  auto cfg = config::load({}, env);
  REQUIRE(cfg.ok());
  bot::Service service(cfg.config);
  service.start();
  wechat::WechatConfig sim{.token = "wxtoken", .encoding_aes_key = "", .app_id = "wx1234567890abcdef"};
  const wechat::Random16 random{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  auto post = [&](const std::string& msg_id, const std::string& text) {
    auto xml = wechat::official_account_text_xml("oUser1", "gh_account", text, msg_id, 1764300000);
    auto req = wechat::simulate_post(sim, wechat::Sender::official_account, xml, 1764300000, "n" + msg_id, random);
    return http_request(service.port(), "POST", "/wechat/callback?" + req.query_string, req.body, {{"Content-Type", "text/xml"}});
  };
  auto first = post("1001", "3栋2单元502 白菜2斤");
  CHECK(first.status == 200);
  CHECK(first.body.find("3-2-502") != std::string::npos);  // the passive reply
  auto second = post("1002", "3栋2单元502 鸡蛋一盒");
  CHECK(second.status == 200);
  CHECK(second.body == "success");
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 1);
  CHECK(has_line(metrics(service.port()), "supplybot_inbound_limited_total{platform=\"wechat\",scope=\"sender\"} 1"));
  service.stop();
}
