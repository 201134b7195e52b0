#pragma once
// supplybot's runtime configuration: a TOML file overridden key by key by SUPPLYBOT_<SECTION>_<KEY>
// environment variables. Loading collects every problem and reports them together, each naming
// its key, so an operator fixes a config in one round. Plain value; copy freely.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace supplybot::config {

struct ServerConfig {
  std::string host{"127.0.0.1"};
  std::uint16_t port{8080};  // 0 = pick one and log it
  unsigned threads{0};       // 0 = number of cores
  std::size_t body_limit{1024 * 1024};
  unsigned read_timeout_s{15};
  unsigned idle_timeout_s{60};
  // Open connections at most; beyond it a new connection is answered 503 and closed at once.
  // Also kept below the process's open-file limit (see bot/http_server.hpp).
  unsigned max_connections{10000};
  std::string log_level{"info"};  // debug, info, warn, error
};

struct StorageConfig {
  std::filesystem::path path{"var/supplybot.db"};
  std::string synchronous{"FULL"};  // FULL or NORMAL; FULL keeps acknowledged updates through power loss
  unsigned batch_max{512};          // most messages one transaction takes (group commit)
};

struct TelegramConfig {
  std::string bot_token;     // empty: Telegram off
  std::string secret_token;  // required when bot_token is set
  std::string api_root{"https://api.telegram.org"};
  std::string bot_username;
  double global_rate{30.0};       // messages per second, all chats together
  unsigned per_chat_per_minute{20};
  std::string ca_file;  // extra CA bundle for TLS (tests, private proxies); empty = system store
};

struct WechatConfig {
  std::string token;             // empty: WeChat off
  std::string encoding_aes_key;  // empty: plain mode
  std::string app_id;
  std::string outbound_url;      // WeCom group robot webhook or bridge URL for later replies
};

struct BridgeConfig {
  std::string token;         // empty: bridge off
  std::string callback_url;  // optional, for replies that come later (status changes)
};

struct BotConfig {
  std::string language{"zh"};  // default reply language: zh or en
  std::filesystem::path catalog{"config/catalog.toml"};
  // The neighbourhood's clock, as a fixed offset from UTC in minutes (China: +480). Round
  // cut-offs ("/round open 20:00") and the times in lists and exports are read in it.
  int utc_offset_minutes{480};
};

struct LogisticsConfig {
  unsigned default_capacity{10};     // open orders a new volunteer carries unless told otherwise
  unsigned escalate_after_minutes{120};  // assigned and not bought for this long: coordinators are told
  unsigned auto_receipt_hours{24};   // delivered and not confirmed (收到) for this long: confirmed
  unsigned tick_seconds{30};         // how often rounds, escalations and receipts are checked
};

// Limits on accepted inbound messages (handlers/inbound_limiter.hpp): token buckets per sender
// and per chat. A per-minute rate of 0 switches that limit off.
struct LimitsConfig {
  unsigned sender_per_minute{20};
  unsigned sender_burst{20};
  unsigned chat_per_minute{300};
  unsigned chat_burst{100};
  unsigned tracked_keys{100000};  // senders (and chats) remembered at most, each
};

struct RolesConfig {
  std::vector<std::string> coordinators;  // "telegram:123456"
};

struct Config {
  ServerConfig server;
  StorageConfig storage;
  TelegramConfig telegram;
  WechatConfig wechat;
  BridgeConfig bridge;
  BotConfig bot;
  LogisticsConfig logistics;
  LimitsConfig limits;
  RolesConfig roles;
  std::filesystem::path source;  // the file it came from, empty when none
};

using Environment = std::map<std::string, std::string>;

// Reads the process environment's SUPPLYBOT_* variables.
Environment process_environment();

struct LoadResult {
  Config config;
  std::vector<std::string> errors;  // each names its key; empty = valid
  bool ok() const { return errors.empty(); }
};

// file may be empty (defaults + environment only). A missing file is an error.
LoadResult load(const std::filesystem::path& file, const Environment& env);
// Same, from TOML text (for tests).
LoadResult load_from_string(std::string_view toml_text, const Environment& env);

}  // namespace supplybot::config
