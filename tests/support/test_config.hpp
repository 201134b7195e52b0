#pragma once
// The configuration the integration tests start the real server with, in one place: loopback on
// a free port, two I/O threads, a database in the test's own folder, the default catalog; with
// Telegram on when a test talks to the webhook. A test adds or overrides keys with `extra`.

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "config/config.hpp"
#include "tests/support/test_http.hpp"

namespace supplybot::testing {

// What the Telegram tests send with every update: the webhook secret of telegram_config.
inline const std::map<std::string, std::string> k_telegram_headers = {
    {"X-Telegram-Bot-Api-Secret-Token", "s3cret-token"}, {"Content-Type", "application/json"}};

inline config::Config server_config(const TempDir& dir, const config::Environment& extra = {}) {
  config::Environment env = {{"SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0"},
                             {"SUPPLYBOT_SERVER_THREADS", "2"},
                             {"SUPPLYBOT_STORAGE_PATH", (dir.path() / "bot.db").string()},
                             {"SUPPLYBOT_BOT_CATALOG", std::string(SUPPLYBOT_SOURCE_DIR) + "/config/catalog.toml"}};
  for (const auto& [k, v] : extra) env[k] = v;
  auto r = config::load({}, env);
  for (const auto& e : r.errors) MESSAGE(e);
  REQUIRE(r.ok());
  return r.config;
}

// Telegram as @SupplyBot (token 123:TEST, the secret of k_telegram_headers) against the given
// Bot API root, and the bridge with token "bridge-token".
inline config::Config telegram_config(const TempDir& dir, const std::string& api_root,
                                      const config::Environment& extra = {}) {
  config::Environment env = {{"SUPPLYBOT_TELEGRAM_BOT_TOKEN", "123:TEST"},
                             {"SUPPLYBOT_TELEGRAM_SECRET_TOKEN", "s3cret-token"},
                             {"SUPPLYBOT_TELEGRAM_API_ROOT", api_root},
                             {"SUPPLYBOT_TELEGRAM_BOT_USERNAME", "SupplyBot"},
                             {"SUPPLYBOT_BRIDGE_TOKEN", "bridge-token"}};
  for (const auto& [k, v] : extra) env[k] = v;
  return server_config(dir, env);
}

}  // namespace supplybot::testing
