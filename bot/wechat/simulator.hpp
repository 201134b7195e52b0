#pragma once
// Plays the WeChat / WeCom server side of the callback protocol: builds the signed requests
// their servers send and opens the passive replies they would receive. For integration tests,
// the demo and manual debugging (`curl`); the server itself never calls this.
// Pure functions; safe from any thread.

#include "bot/wechat/callback.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace supplybot::bot::wechat {

enum class Sender { official_account, wecom };

struct SimulatedRequest {
  QueryParams query;
  std::string query_string;  // percent-encoded, append after "?" to the callback URL
  std::string body;          // empty for the GET URL check
};

// Percent-encodes everything but RFC 3986 unreserved characters; keys in map order.
std::string encode_query(const QueryParams& query);

// The POST a sender makes for `message_xml` (a full <xml>…</xml> message). With a key in
// `config` it is encrypted as in safe mode (Official Accounts: both signatures and
// encrypt_type=aes; WeCom: msg_signature only); without one, a plain Official Account post.
SimulatedRequest simulate_post(const WechatConfig& config, Sender sender,
                               std::string_view message_xml, std::int64_t timestamp,
                               std::string_view nonce, const Random16& random);

// The GET URL check: Official Accounts send a plain echostr with `signature`; WeCom an encrypted
// one with `msg_signature`. `echo` is the plaintext the server must answer.
SimulatedRequest simulate_url_check(const WechatConfig& config, Sender sender,
                                    std::string_view echo, std::int64_t timestamp,
                                    std::string_view nonce, const Random16& random);

// Message XML as the platforms write it, for tests.
std::string official_account_text_xml(std::string_view open_id, std::string_view account_id,
                                      std::string_view content, std::string_view msg_id,
                                      std::int64_t create_time);
std::string wecom_app_text_xml(std::string_view corp_id, std::string_view user_id,
                               std::string_view content, std::string_view msg_id,
                               std::int64_t create_time, std::string_view agent_id);
std::string wecom_robot_text_xml(std::string_view chat_id, bool group, std::string_view user_id,
                                 std::string_view user_name, std::string_view content,
                                 std::string_view msg_id);

// Opens a passive reply as the platform would: `success` / empty stay as they are, plain XML is
// returned as is, an encrypted envelope must carry a valid MsgSignature and decrypt with the
// configured key and id. The error says which check failed.
Expected<std::string, std::string> open_reply(const WechatConfig& config, std::string_view body);

}  // namespace supplybot::bot::wechat
