#pragma once
// `supplybot telegram setup --url URL` and `supplybot telegram status`: connect the configured bot
// to this server (setWebhook with the secret token, the command menu in Chinese and English) and
// report what Telegram says about it, in plain words. The token is never printed.

#include <iosfwd>
#include <string>

#include "config/config.hpp"

namespace supplybot::bot {

int run_telegram_setup(const config::Config& config, const std::string& url, std::ostream& out);
int run_telegram_status(const config::Config& config, std::ostream& out);

}  // namespace supplybot::bot
