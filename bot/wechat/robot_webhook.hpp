#pragma once
// Later replies into WeCom through a group robot's webhook (wechat.outbound_url), as pure request
// builders and a response interpreter, like bot/telegram/bot_api. The robot answers HTTP 200 with
// {"errcode": N, "errmsg": "..."}: 0 sent, 45009 too many requests, anything else refused.
// A robot takes at most 20 messages a minute and 2048 bytes of text per message.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bot/send_result.hpp"
#include "handlers/chat_message.hpp"

namespace supplybot::bot::wechat {

inline constexpr std::size_t k_robot_text_max_bytes = 2048;
inline constexpr unsigned k_robot_messages_per_minute = 20;
// How long to hold back after errcode 45009 (the robot's limit is per minute).
inline constexpr int k_robot_rate_limit_pause_s = 60;

// The texts to post for one outbox row, in order, each at most k_robot_text_max_bytes: the row's
// text cut at line (or space) boundaries between characters. A file row (document_name) is never
// posted: exports hold residents' addresses, and if WeCom ignored `chatid` a robot would put the
// file into its group, whoever asked for it. It becomes `file_notice` instead.
std::vector<std::string> robot_texts(const handlers::OutgoingMessage& m, std::string_view file_notice);

// {"msgtype":"text","text":{"content":...},"chatid":...}: chatid names the chat (group or single
// chat) the row is for, as the robot's callback reported it; empty chat_id leaves it out, and the
// robot posts into its own group.
std::string robot_text_body(std::string_view content, std::string_view chat_id);

// status 0 means no HTTP answer (transport_error says why).
SendResult interpret_robot_response(int status, std::string_view body, std::string_view retry_after_header,
                                    std::string_view transport_error = {});

}  // namespace supplybot::bot::wechat
