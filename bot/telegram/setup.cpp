#include "bot/telegram/setup.hpp"

#include <nlohmann/json.hpp>

namespace supplybot::bot::telegram {

using nlohmann::json;

std::string set_webhook_body(std::string_view url, std::string_view secret_token) {
  json j = {{"url", std::string(url)},
            {"secret_token", std::string(secret_token)},
            {"allowed_updates", {"message", "edited_message", "callback_query"}},
            {"max_connections", 40}};
  return j.dump();
}

std::vector<std::string> set_my_commands_bodies() {
  struct Command {
    const char* name;
    const char* zh;
    const char* en;
  };
  static const Command commands[] = {
      {"start", "开始使用", "Start"},
      {"help", "怎么下单、修改和取消", "How to order, change and cancel"},
      {"my", "我的订单和进度", "My open orders and their status"},
      {"register", "登记门牌号，如 /register 3-2-502", "Link your flat, e.g. /register 3-2-502"},
      {"cancel", "取消订单，如 /cancel 12", "Cancel an order, e.g. /cancel 12"},
      {"received", "确认收到", "Confirm delivery"},
      // The logistics team's; residents who try them get a polite refusal.
      {"tasks", "志愿者：我的任务", "Volunteers: my tasks"},
      {"list", "志愿者：我的购物清单", "Volunteers: my shopping list"},
      {"bought", "志愿者：已购，如 /bought 12", "Volunteers: bought, e.g. /bought 12"},
      {"delivered", "志愿者：已送达，如 /delivered 12", "Volunteers: delivered, e.g. /delivered 12"},
      {"claim", "志愿者：认领等待中的订单", "Volunteers: claim a waiting order"},
      {"on", "志愿者：上班", "Volunteers: on shift"},
      {"off", "志愿者：下班", "Volunteers: off shift"},
      {"summary", "协调员：统计", "Coordinators: summary"},
  };
  json zh = json::array(), en = json::array();
  for (const auto& c : commands) {
    zh.push_back({{"command", c.name}, {"description", c.zh}});
    en.push_back({{"command", c.name}, {"description", c.en}});
  }
  return {json{{"commands", zh}}.dump(), json{{"commands", zh}, {"language_code", "zh"}}.dump(),
          json{{"commands", en}, {"language_code", "en"}}.dump()};
}

StatusReport describe_webhook_info(std::string_view reply, long long now) {
  StatusReport r;
  json j = json::parse(reply, nullptr, false);
  if (!j.is_object() || !j.value("ok", false) || !j.contains("result") || !j["result"].is_object()) {
    std::string why = j.is_object() ? j.value("description", "") : "";
    r.lines.push_back("Telegram did not answer getWebhookInfo" + (why.empty() ? std::string(".") : ": " + why));
    return r;
  }
  const auto& info = j["result"];
  auto url = info.value("url", "");
  auto pending = info.value("pending_update_count", 0LL);
  r.ok = !url.empty();
  if (url.empty()) {
    r.lines.push_back("No webhook is set: run `supplybot telegram setup --url https://HOST/telegram/webhook`.");
  } else {
    r.lines.push_back("Webhook: " + url);
  }
  r.lines.push_back("Updates waiting at Telegram: " + std::to_string(pending) +
                    (pending > 100 ? " (many: is the server reachable?)" : ""));
  if (pending > 100) r.ok = false;
  if (info.contains("last_error_date") && info["last_error_date"].is_number_integer()) {
    auto ago = now - info["last_error_date"].get<long long>();
    r.lines.push_back("Last delivery error " + std::to_string(ago / 60) + " min ago: " +
                      info.value("last_error_message", "(no message)"));
    if (ago < 3600) r.ok = false;
  } else if (!url.empty()) {
    r.lines.push_back("No delivery errors reported.");
  }
  if (info.contains("allowed_updates") && info["allowed_updates"].is_array()) {
    std::string kinds;
    for (const auto& k : info["allowed_updates"])
      if (k.is_string()) kinds += (kinds.empty() ? "" : ", ") + k.get<std::string>();
    r.lines.push_back("Update kinds: " + kinds);
  }
  return r;
}

std::string describe_privacy(std::string_view get_me_reply) {
  json j = json::parse(get_me_reply, nullptr, false);
  if (!j.is_object() || !j.contains("result") || !j["result"].is_object()) return {};
  const auto& me = j["result"];
  if (!me.contains("can_read_all_group_messages")) return {};
  if (me["can_read_all_group_messages"] == true) return "Privacy mode is off: the bot reads residents' group messages.";
  return "Privacy mode is ON: in groups the bot only sees commands and replies, not orders. Turn it off with "
         "@BotFather (/setprivacy → Disable, then re-add the bot to the groups) or make the bot a group admin.";
}

}  // namespace supplybot::bot::telegram
