// WeChat and WeCom callbacks through the real server: signed XML in, passive replies decrypted.

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "bot/service.hpp"
#include "bot/wechat/simulator.hpp"
#include "config/config.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::testing;
namespace wechat = supplybot::bot::wechat;

namespace {

constexpr const char* k_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr const char* k_app_id = "wx1234567890abcdef";

config::Config wechat_config(const TempDir& dir, bool safe_mode) {
  config::Environment env = {{"SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0"},
                             {"SUPPLYBOT_SERVER_THREADS", "2"},
                             {"SUPPLYBOT_STORAGE_PATH", (dir.path() / "bot.db").string()},
                             {"SUPPLYBOT_BOT_CATALOG", std::string(SUPPLYBOT_SOURCE_DIR) + "/config/catalog.toml"},
                             {"SUPPLYBOT_WECHAT_TOKEN", "wxtoken"},
                             {"SUPPLYBOT_WECHAT_APP_ID", k_app_id}};
  if (safe_mode) env["SUPPLYBOT_WECHAT_ENCODING_AES_KEY"] = k_aes_key;
  auto r = config::load({}, env);
  REQUIRE(r.ok());
  return r.config;
}

wechat::WechatConfig sim_config(bool safe_mode) {
  return wechat::WechatConfig{.token = "wxtoken", .encoding_aes_key = safe_mode ? k_aes_key : "", .app_id = k_app_id};
}

std::int64_t count(const std::filesystem::path& db, const std::string& sql) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(d, sql);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

const wechat::Random16 k_random{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

}  // namespace

TEST_CASE("wechat: URL verification answers the echostr, a bad signature gets 401") {
  TempDir dir;
  bot::Service service(wechat_config(dir, false));
  service.start();
  auto req = wechat::simulate_url_check(sim_config(false), wechat::Sender::official_account, "echo123", 1764300000, "n1", k_random);
  auto r = http_request(service.port(), "GET", "/wechat/callback?" + req.query_string);
  CHECK(r.status == 200);
  CHECK(r.body == "echo123");
  auto bad = http_request(service.port(), "GET", "/wechat/callback?signature=00&timestamp=1&nonce=2&echostr=x");
  CHECK(bad.status == 401);
  service.stop();
}

TEST_CASE("wechat: a safe-mode order is stored once and answered with an encrypted passive reply") {
  TempDir dir;
  bot::Service service(wechat_config(dir, true));
  service.start();
  auto xml = wechat::official_account_text_xml("oUser1", "gh_account", "3栋2单元502 白菜2斤 鸡蛋一盒", "24000000000000001234", 1764300000);
  auto req = wechat::simulate_post(sim_config(true), wechat::Sender::official_account, xml, 1764300000, "nonce1", k_random);
  auto r = http_request(service.port(), "POST", "/wechat/callback?" + req.query_string, req.body, {{"Content-Type", "text/xml"}});
  REQUIRE(r.status == 200);
  auto opened = wechat::open_reply(sim_config(true), r.body);
  REQUIRE(opened.has_value());
  CHECK(opened.value().find("3-2-502") != std::string::npos);
  CHECK(opened.value().find("白菜") != std::string::npos);

  // WeChat redelivers when it thinks it got no answer: still one order.
  auto again = http_request(service.port(), "POST", "/wechat/callback?" + req.query_string, req.body, {{"Content-Type", "text/xml"}});
  CHECK(again.status == 200);
  CHECK(again.body == "success");
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM orders") == 1);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 0);

  SUBCASE("tampered bodies are refused and store nothing") {
    auto tampered = req.body;
    auto pos = tampered.find("<Encrypt><![CDATA[") + 20;
    tampered[pos] = tampered[pos] == 'A' ? 'B' : 'A';
    auto t = http_request(service.port(), "POST", "/wechat/callback?" + req.query_string, tampered, {{"Content-Type", "text/xml"}});
    CHECK((t.status == 400 || t.status == 401));
    CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 1);
  }
  service.stop();
}

TEST_CASE("wecom: a group robot message becomes an order in that group") {
  TempDir dir;
  config::Environment env = {{"SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0"},
                             {"SUPPLYBOT_STORAGE_PATH", (dir.path() / "bot.db").string()},
                             {"SUPPLYBOT_BOT_CATALOG", std::string(SUPPLYBOT_SOURCE_DIR) + "/config/catalog.toml"},
                             {"SUPPLYBOT_WECHAT_TOKEN", "wxtoken"},
                             {"SUPPLYBOT_WECHAT_ENCODING_AES_KEY", k_aes_key}};
  auto cfg = config::load({}, env);
  REQUIRE(cfg.ok());
  bot::Service service(cfg.config);
  service.start();
  wechat::WechatConfig sim{.token = "wxtoken", .encoding_aes_key = k_aes_key, .app_id = ""};
  auto xml = wechat::wecom_robot_text_xml("wrkSFfCgAAxxxx", true, "zhangsan", "张三", "5-1101 大米10斤，食用油1桶", "msg-1");
  auto req = wechat::simulate_post(sim, wechat::Sender::wecom, xml, 1764300000, "n", k_random);
  auto r = http_request(service.port(), "POST", "/wechat/callback?" + req.query_string, req.body, {{"Content-Type", "text/xml"}});
  REQUIRE(r.status == 200);
  auto opened = wechat::open_reply(sim, r.body);
  REQUIRE(opened.has_value());
  CHECK(opened.value().find("5-1101") != std::string::npos);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM orders WHERE platform = 'wecom'") == 1);
  service.stop();
}
