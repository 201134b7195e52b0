#pragma once
// The outbox worker: sends due outbox rows to their platform (Telegram sendMessage, sendDocument
// and answerCallbackQuery; a WeCom group robot's webhook; the bridge's callback URL), within each
// platform's rate limits, retrying network errors and 5xx with backoff, obeying "slow down"
// answers, and marking permanently refused messages failed with the reason. A row for a platform
// with no configured sender is marked failed saying so. Rows stay in the database until their
// state is written, so a restart resumes whatever was not sent.
// Runs as one coroutine on a single-threaded io_context; wake() and stop() may be called from any
// thread.

#include <atomic>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "bot/metrics.hpp"
#include "bot/writer.hpp"
#include "config/config.hpp"
#include "handlers/outbox_policy.hpp"
#include "handlers/store.hpp"

namespace supplybot::bot {

struct OutboxOptions {
  config::TelegramConfig telegram;  // its ca_file is trusted for every outbound HTTPS call
  config::WechatConfig wechat;      // outbound_url: a WeCom group robot webhook
  config::BridgeConfig bridge;      // callback_url and the token sent with it
  std::string language{"zh"};       // for the few words the outbox itself writes (bot.language)
  handlers::RetryPolicy retry;
  std::chrono::milliseconds send_timeout{10'000};
};

class Outbox {
 public:
  Outbox(boost::asio::io_context& ioc, handlers::Store& store, Writer& writer, OutboxOptions options, Metrics& metrics);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  void start();
  // New rows were committed: look now instead of at the next poll.
  void wake();
  // Finishes the send in progress (its result is recorded), then stops; done runs afterwards.
  void stop(std::function<void()> done);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace supplybot::bot
