#pragma once
// The pure core of the two WeChat / WeCom callback routes. The HTTP layer parses the query,
// hands over the body and writes back what these functions return; it holds no protocol logic.
//
//   GET  /wechat/callback  -> verify_url()   -> echo body, or an error
//   POST /wechat/callback  -> decode_post()  -> a ChatMessage for the engine, "ignore" (answer
//                                               kAckBody), or an error
//                          -> encode_reply() -> the passive reply body once the engine answered
//
// Which platform sent a request is read from the request itself, so one config serves all:
//   * `signature` in the query          -> WeChat Official Account (platform "wechat"). Plain
//                                          mode has only this; safe mode adds msg_signature.
//   * only `msg_signature` in the query -> WeCom (platform "wecom"): an app (1:1 chats) or, when
//                                          the message carries <ChatId>/<From>, a group robot.
// Safe mode is on when wechat.encoding_aes_key is set; then every POST must be encrypted.
//
// All functions are pure (no clock, no I/O, randomness injectable) and thread-safe.

#include "bot/wechat/crypto.hpp"
#include "bot/wechat/xml.hpp"
#include "handlers/chat_message.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace supplybot::bot::wechat {

// Body that stops WeChat redelivering without showing anything to the user.
inline constexpr std::string_view kAckBody = "success";
// WeChat gives up after 5 s and retries (three times in all). Answer by this point, with the
// passive reply if the engine has one, else kAckBody (and send the reply through the outbox).
inline constexpr std::chrono::milliseconds kReplyDeadline{4500};
// WeCom robot text is limited to 2048 bytes; supplybot keeps every passive reply under that and
// sends longer ones through the outbox. encode_reply() itself does not cut.
inline constexpr std::size_t kMaxPassiveReplyBytes = 2048;
// Content types for the bodies returned below.
inline constexpr std::string_view kTextContentType = "text/plain; charset=utf-8";
inline constexpr std::string_view kXmlContentType = "application/xml; charset=utf-8";

// `wechat.*` config. Plain value, copied into the route at startup.
struct WechatConfig {
  std::string token;             // wechat.token: the Token typed into the WeChat / WeCom console
  std::string encoding_aes_key;  // wechat.encoding_aes_key: 43 chars; empty = plain mode
  std::string app_id;            // wechat.app_id: OA AppID or WeCom CorpID; empty for a
                                 // WeCom group robot (its ciphertexts carry an empty id)
  std::size_t max_body_bytes{kDefaultMaxBodyBytes};
};

// Config problems, each naming its key; empty when the config is usable.
std::vector<std::string> validate(const WechatConfig& config);

// Query parameters, percent-decoded. '+' stays '+' (RFC 3986), so base64 survives.
using QueryParams = std::map<std::string, std::string, std::less<>>;
QueryParams parse_query(std::string_view raw_query);

// What to answer instead of a success: status plus code and message for the JSON error body
// ({"error": code, "message": message}). Messages never contain secrets or message text.
struct CallbackError {
  int status{400};
  std::string code;
  std::string message;
};

// GET: the body to answer with kTextContentType (exactly this, no quotes or newline).
struct UrlVerified {
  std::string body;
};
using VerifyResult = std::variant<UrlVerified, CallbackError>;

VerifyResult verify_url(const WechatConfig& config, const QueryParams& query);

// How a passive reply to this request must look.
enum class ReplyShape { official_account, wecom_app, wecom_robot };

// What encode_reply() needs to know about the request it answers. Plain value.
struct InboundContext {
  ReplyShape shape{ReplyShape::official_account};
  bool encrypted{false};        // request came encrypted: the reply must be encrypted too
  std::string reply_to_user;    // request FromUserName (OA / WeCom app)
  std::string reply_from_user;  // request ToUserName (OA / WeCom app)
  std::string mention_user_id;  // robot group chats: the sender, @-mentioned in the reply
};

// POST outcomes.
struct InboundMessage {  // hand to the engine; answer with encode_reply() or kAckBody
  handlers::ChatMessage message;
  InboundContext context;
};
struct InboundIgnored {  // authentic but nothing to do (image, voice, event, ...): answer 200
  std::string reason;    // kAckBody. `reason` is for logs ("msg_type=image").
};
using InboundResult = std::variant<InboundMessage, InboundIgnored, CallbackError>;

// Checks size, signature(s), decrypts (safe mode) and reads the message. Nothing is returned
// for the engine unless every check passed.
InboundResult decode_post(const WechatConfig& config, const QueryParams& query,
                          std::string_view body);

// Passive reply body (kXmlContentType) carrying `reply_text`: plain XML, or in safe mode the
// encrypted envelope signed with `timestamp` and `nonce` (ASCII letters and digits; anything
// else, or empty, is replaced by digits derived from `random`). Deterministic for given inputs.
// Throws std::invalid_argument if called for an encrypted context with a config that has no
// valid key (decode_post would not have produced such a context).
std::string encode_reply(const WechatConfig& config, const InboundContext& context,
                         std::string_view reply_text, handlers::UnixTime timestamp,
                         std::string_view nonce, const Random16& random);
// Same with a fresh nonce and random prefix from OpenSSL.
std::string encode_reply(const WechatConfig& config, const InboundContext& context,
                         std::string_view reply_text, handlers::UnixTime timestamp);

}  // namespace supplybot::bot::wechat
