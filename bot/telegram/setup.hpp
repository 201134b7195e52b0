#pragma once
// `supplybot telegram setup|status`: the Bot API calls that connect a bot to this server, as pure
// request builders and answer readers (the CLI in bot/telegram_cli.cpp does the I/O).

#include <string>
#include <string_view>
#include <vector>

namespace supplybot::bot::telegram {

// setWebhook with the secret token and the update kinds supplybot handles.
std::string set_webhook_body(std::string_view url, std::string_view secret_token);

// setMyCommands bodies: the command menu in Chinese (default and zh) and in English (en).
std::vector<std::string> set_my_commands_bodies();

// Plain words for an operator from a getWebhookInfo answer (the whole JSON reply).
// ok is false when the answer shows a problem (no webhook, recent error, many pending updates).
struct StatusReport {
  bool ok{false};
  std::vector<std::string> lines;
};
StatusReport describe_webhook_info(std::string_view get_webhook_info_reply, long long now);

// From a getMe answer: whether the bot can read ordinary group messages (privacy mode off).
// Empty when the answer does not say.
std::string describe_privacy(std::string_view get_me_reply);

}  // namespace supplybot::bot::telegram
