#include "handlers/limit_texts.hpp"

namespace supplybot::handlers::texts {

std::string sending_too_fast(Lang l) {
  if (l == Lang::en)
    return "You are sending messages too fast; please wait a minute. Your last messages were not recorded: "
           "send your order again after that.";
  return "您发送得太快了，请稍后再发。刚才的消息没有登记，请过一分钟再发送订单。";
}

std::string chat_too_busy(Lang l) {
  if (l == Lang::en)
    return "This chat is sending more messages than I can take right now; please wait a minute. Your last "
           "message was not recorded: send your order again after that.";
  return "群里的消息太多了，请稍后再发。您刚才的消息没有登记，请过一分钟再发送订单。";
}

}  // namespace supplybot::handlers::texts
