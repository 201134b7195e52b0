#pragma once
// What one outbound call to a platform came to, in the terms the outbox acts on. Every platform's
// response interpreter (bot/telegram/bot_api, bot/wechat/robot_webhook, bot/bridge/bridge_callback)
// returns one, so the outbox's retry, rate-limit and failure handling is shared. Plain value.

#include <string>

namespace supplybot::bot {

enum class SendOutcome {
  sent,          // delivered
  retry,         // network error, 5xx, or an answer we could not read: try again later
  rate_limited,  // the platform asked us to slow down: wait retry_after_s seconds
  refused,       // permanent (bad request, bot removed, ...): never retried
};

struct SendResult {
  SendOutcome outcome{SendOutcome::retry};
  std::string message_id;  // the platform's id of the sent message, when it tells
  int retry_after_s{0};    // when rate_limited
  std::string reason;      // human text for the log and the outbox row
};

}  // namespace supplybot::bot
