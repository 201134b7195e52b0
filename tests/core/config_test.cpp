#include "config/config.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace supplybot::config;

namespace {
bool mentions(const LoadResult& r, std::string_view key) {
  return std::any_of(r.errors.begin(), r.errors.end(), [&](const std::string& e) { return e.find(key) != std::string::npos; });
}
}  // namespace

TEST_CASE("config: defaults without a file") {
  auto r = load({}, {});
  REQUIRE(r.ok());
  CHECK(r.config.server.host == "127.0.0.1");
  CHECK(r.config.server.port == 8080);
  CHECK(r.config.storage.path == "var/supplybot.db");
  CHECK(r.config.storage.synchronous == "FULL");
  CHECK(r.config.telegram.api_root == "https://api.telegram.org");
  CHECK(r.config.server.body_limit == 1024 * 1024);
}

TEST_CASE("config: TOML values are read") {
  auto r = load_from_string(R"(
[server]
listen = "0.0.0.0:9000"
threads = 3
[telegram]
bot_token = "123:abc"
secret_token = "s3cret-_X"
api_root = "http://127.0.0.1:9999/"
bot_username = "@MyBot"
[roles]
coordinators = ["telegram:1", "wecom:zhang"]
)", {});
  REQUIRE(r.ok());
  CHECK(r.config.server.host == "0.0.0.0");
  CHECK(r.config.server.port == 9000);
  CHECK(r.config.server.threads == 3);
  CHECK(r.config.telegram.api_root == "http://127.0.0.1:9999");
  CHECK(r.config.telegram.bot_username == "MyBot");
  CHECK(r.config.roles.coordinators == std::vector<std::string>{"telegram:1", "wecom:zhang"});
}

TEST_CASE("config: environment overrides the file") {
  auto r = load_from_string("[server]\nlisten = \"127.0.0.1:8080\"\n",
                            {{"SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0"},
                             {"SUPPLYBOT_ROLES_COORDINATORS", "telegram:5, telegram:6"},
                             {"SUPPLYBOT_STORAGE_PATH", "/tmp/x.db"}});
  REQUIRE(r.ok());
  CHECK(r.config.server.port == 0);
  CHECK(r.config.storage.path == "/tmp/x.db");
  CHECK(r.config.roles.coordinators.size() == 2);
  CHECK(r.config.roles.coordinators[1] == "telegram:6");
}

TEST_CASE("config: every bad value is reported, naming its key") {
  auto r = load_from_string(R"(
[server]
listen = "nonsense"
threads = -1
[storage]
synchronous = "sometimes"
[telegram]
bot_token = "123:abc"
api_root = "ftp://x"
[bogus]
key = 1
)", {{"SUPPLYBOT_SERVER_BODY_LIMIT", "lots"}});
  CHECK_FALSE(r.ok());
  CHECK(mentions(r, "server.listen"));
  CHECK(mentions(r, "server.threads"));
  CHECK(mentions(r, "storage.synchronous"));
  CHECK(mentions(r, "telegram.api_root"));
  CHECK(mentions(r, "telegram.secret_token"));  // required with a bot token
  CHECK(mentions(r, "bogus.key"));
  CHECK(mentions(r, "SUPPLYBOT_SERVER_BODY_LIMIT"));
}

TEST_CASE("config: TOML syntax errors name the line") {
  auto r = load_from_string("[server\nlisten=1", {});
  CHECK_FALSE(r.ok());
  CHECK(mentions(r, "line 1"));
}

TEST_CASE("config: a missing file is an error") {
  auto r = load("/nonexistent/supplybot.toml", {});
  CHECK_FALSE(r.ok());
}

TEST_CASE("config: the example config is valid") {
  auto r = load(std::string(SUPPLYBOT_SOURCE_DIR) + "/config/supplybot.example.toml", {});
  for (const auto& e : r.errors) MESSAGE(e);
  CHECK(r.ok());
}

TEST_CASE("config: outbound URLs for WeCom and the bridge are http(s) URLs") {
  auto ok = load({}, {{"SUPPLYBOT_WECHAT_OUTBOUND_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123"},
                      {"SUPPLYBOT_BRIDGE_TOKEN", "t"},
                      {"SUPPLYBOT_BRIDGE_CALLBACK_URL", "http://10.0.0.5:8090/supplybot/replies"}});
  REQUIRE(ok.ok());
  CHECK(ok.config.wechat.outbound_url == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123");
  CHECK(ok.config.bridge.callback_url == "http://10.0.0.5:8090/supplybot/replies");

  SUBCASE("anything else is refused, without repeating the value (a webhook URL holds its key)") {
    for (std::string bad : {"ftp://host/x?key=SECRETKEY", "qyapi.weixin.qq.com/send?key=SECRETKEY", "https://?key=SECRETKEY",
                            "https://user:SECRETKEY@host/x", "https://host/a b?key=SECRETKEY"}) {
      CAPTURE(bad);
      auto r = load({}, {{"SUPPLYBOT_WECHAT_OUTBOUND_URL", bad}});
      CHECK(mentions(r, "wechat.outbound_url"));
      for (const auto& e : r.errors) CHECK(e.find("SECRETKEY") == std::string::npos);
    }
    CHECK(mentions(load({}, {{"SUPPLYBOT_BRIDGE_TOKEN", "t"}, {"SUPPLYBOT_BRIDGE_CALLBACK_URL", "localhost:9000"}}),
                   "bridge.callback_url"));
  }
  SUBCASE("the bridge callback is sent with the bridge token, so it needs one") {
    CHECK(mentions(load({}, {{"SUPPLYBOT_BRIDGE_CALLBACK_URL", "http://127.0.0.1:9/cb"}}), "bridge.callback_url"));
  }
  SUBCASE("a robot webhook is refused beside an Official Account or WeCom app id") {
    auto r = load({}, {{"SUPPLYBOT_WECHAT_OUTBOUND_URL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
                       {"SUPPLYBOT_WECHAT_APP_ID", "wx5823bf96d3bd56c7"}});
    CHECK(mentions(r, "wechat.outbound_url"));
  }
}

TEST_CASE("config: inbound limits and the connection cap, with defaults real neighbourhoods never reach") {
  auto d = load({}, {});
  REQUIRE(d.ok());
  CHECK(d.config.limits.sender_per_minute == 20);
  CHECK(d.config.limits.sender_burst == 20);
  CHECK(d.config.limits.chat_per_minute == 300);
  CHECK(d.config.limits.chat_burst == 100);
  CHECK(d.config.server.max_connections == 10000);

  auto r = load_from_string("[limits]\nsender_per_minute = 0\nchat_burst = 7\n[server]\nmax_connections = 50\n",
                            {{"SUPPLYBOT_LIMITS_CHAT_PER_MINUTE", "60"}});
  REQUIRE(r.ok());
  CHECK(r.config.limits.sender_per_minute == 0);  // off
  CHECK(r.config.limits.chat_burst == 7);
  CHECK(r.config.limits.chat_per_minute == 60);
  CHECK(r.config.server.max_connections == 50);

  auto bad = load_from_string("[limits]\nsender_burst = 0\ntracked_keys = 5\n[server]\nmax_connections = 0\n", {});
  CHECK_FALSE(bad.ok());
  CHECK(mentions(bad, "limits.sender_burst"));
  CHECK(mentions(bad, "limits.tracked_keys"));
  CHECK(mentions(bad, "server.max_connections"));
}
