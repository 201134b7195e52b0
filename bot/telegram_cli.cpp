#include "bot/telegram_cli.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <ostream>

#include "bot/http_client.hpp"
#include "bot/telegram/setup.hpp"

namespace supplybot::bot {

namespace asio = boost::asio;

namespace {

struct Answer {
  bool ok{false};
  std::string body;
  std::string error;  // transport error or Telegram's description
};

asio::awaitable<void> post(HttpClient& client, Url url, std::string target, std::string body, Answer& out) {
  std::string content_type = "application/json";
  auto r = co_await client.post(url, std::move(target), std::move(content_type), std::move(body), std::chrono::seconds(15));
  out.body = r.body;
  if (r.status == 0) {
    out.error = r.error;
    co_return;
  }
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  out.ok = r.status == 200 && j.is_object() && j.value("ok", false);
  if (!out.ok) out.error = "HTTP " + std::to_string(r.status) + (j.is_object() ? ": " + j.value("description", "") : "");
}

// One Bot API call, synchronously. The token only travels in the request path.
Answer call(const config::TelegramConfig& t, const std::string& method, const std::string& body) {
  Answer out;
  auto url = parse_url(t.api_root);
  if (!url) {
    out.error = "telegram.api_root is not a URL";
    return out;
  }
  asio::io_context ioc;
  HttpClient client(ioc.get_executor(), t.ca_file);
  asio::co_spawn(ioc, post(client, *url, "/bot" + t.bot_token + "/" + method, body, out), asio::detached);
  ioc.run();
  return out;
}

bool configured(const config::Config& c, std::ostream& out) {
  if (c.telegram.bot_token.empty() || c.telegram.secret_token.empty()) {
    out << "Telegram is not configured: set telegram.bot_token and telegram.secret_token "
           "(SUPPLYBOT_TELEGRAM_BOT_TOKEN, SUPPLYBOT_TELEGRAM_SECRET_TOKEN).\n";
    return false;
  }
  return true;
}

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

int run_telegram_status(const config::Config& c, std::ostream& out) {
  if (!configured(c, out)) return 2;
  bool ok = true;
  auto me = call(c.telegram, "getMe", "{}");
  if (!me.ok) {
    out << "getMe failed: " << me.error << " (is the bot token right?)\n";
    return 1;
  }
  auto me_json = nlohmann::json::parse(me.body, nullptr, false);
  if (me_json.is_object() && me_json.contains("result") && me_json["result"].is_object())
    out << "Bot: @" << me_json["result"].value("username", "?") << "\n";
  if (auto privacy = telegram::describe_privacy(me.body); !privacy.empty()) {
    out << privacy << "\n";
    if (privacy.find("ON") != std::string::npos) ok = false;
  }
  auto info = call(c.telegram, "getWebhookInfo", "{}");
  auto report = telegram::describe_webhook_info(info.ok ? info.body : info.body.empty() ? "{}" : info.body, unix_now());
  for (const auto& line : report.lines) out << line << "\n";
  return ok && report.ok ? 0 : 1;
}

int run_telegram_setup(const config::Config& c, const std::string& url, std::ostream& out) {
  if (!configured(c, out)) return 2;
  if (url.rfind("https://", 0) != 0) out << "Note: Telegram only delivers webhooks to https:// URLs.\n";
  auto hook = call(c.telegram, "setWebhook", telegram::set_webhook_body(url, c.telegram.secret_token));
  if (!hook.ok) {
    out << "setWebhook failed: " << hook.error << "\n";
    return 1;
  }
  out << "Webhook set to " << url << " with the secret token.\n";
  int menus = 0;
  for (const auto& body : telegram::set_my_commands_bodies()) {
    auto r = call(c.telegram, "setMyCommands", body);
    if (r.ok) ++menus;
    else out << "setMyCommands failed: " << r.error << "\n";
  }
  out << "Command menus set: " << menus << " of 3 (default, Chinese, English).\n\n";
  int status = run_telegram_status(c, out);
  return menus == 3 ? status : 1;
}

}  // namespace supplybot::bot
