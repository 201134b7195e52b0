#include "bot/wechat/callback.hpp"

#include "bot/wechat/signature.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace supplybot::bot::wechat {

namespace {

using handlers::ChatKind;
using handlers::Platform;

// Every error body this module produces, in one place.
CallbackError missing(std::string_view what) {
  return {400, "missing_parameter", "query parameter " + std::string(what) + " is required"};
}
CallbackError bad_signature(std::string_view which) {
  return {401, "bad_signature", std::string(which) + " does not match"};
}
CallbackError not_configured() {
  return {404, "not_configured", "WeChat callbacks are not configured on this server"};
}
CallbackError too_large() { return {413, "too_large", "request body is too large"}; }
CallbackError from_xml(XmlError e) {
  switch (e) {
    case XmlError::too_large: return too_large();
    case XmlError::doctype: return {400, "forbidden_doctype", "DOCTYPE is not accepted"};
    case XmlError::too_complex:
      return {400, "xml_too_complex", "elements nested deeper than " + std::to_string(kMaxXmlDepth) +
                                          " levels or more than " + std::to_string(kMaxXmlNodes) + " nodes"};
    case XmlError::malformed: break;
  }
  return {400, "malformed_xml", "body is not a WeChat XML message"};
}
CallbackError from_crypto(CryptoError e) {
  std::string code(to_string(e));
  switch (e) {
    case CryptoError::wrong_app_id:
      return {401, code, "message was encrypted for another AppID / CorpID"};
    case CryptoError::bad_base64: return {400, code, "ciphertext is not valid base64"};
    case CryptoError::bad_length: return {400, code, "ciphertext is not a whole number of blocks"};
    case CryptoError::bad_padding: return {400, code, "ciphertext padding is invalid"};
    case CryptoError::bad_inner_length: return {400, code, "decrypted length field is invalid"};
    case CryptoError::cipher_failure: break;
  }
  return {400, "cipher_failure", "ciphertext could not be decrypted"};
}

const std::string* find(const QueryParams& q, std::string_view key) {
  auto it = q.find(key);
  return it == q.end() ? nullptr : &it->second;
}

// Some HTTP stacks decode '+' in a query as a space (HTML form rules); base64 has no spaces,
// so turning them back is always right and saves a failed URL check.
std::string restore_plus(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), ' ', '+');
  return out;
}

std::optional<handlers::UnixTime> parse_seconds(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  handlers::UnixTime v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

bool is_text_like(const InboundXml& m) {
  // A robot "mixed" message (text and pictures) counts when it has text.
  return m.msg_type == "text" || (m.msg_type == "mixed" && !m.content.empty());
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Length of the mention separator at `s[i]`: ASCII blanks, and the U+2005 (four-per-em space),
// U+3000 and U+00A0 that WeChat / WeCom clients put after an @name.
std::size_t mention_gap(std::string_view s, std::size_t i) {
  if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') return 1;
  if (s.compare(i, 3, "\xE2\x80\x85") == 0 || s.compare(i, 3, "\xE3\x80\x80") == 0) return 3;
  if (s.compare(i, 2, "\xC2\xA0") == 0) return 2;
  return 0;
}

// A group robot only hears messages that @-mention it, and the mention comes first
// ("@团购助手 3栋2单元502 白菜2斤"). Leading mentions are dropped so the parser sees the order
// (and a leading "/command") as a Telegram message would show it.
std::string strip_leading_mentions(std::string_view s) {
  std::size_t i = 0;
  while (true) {
    while (i < s.size() && mention_gap(s, i) > 0) i += mention_gap(s, i);
    if (i >= s.size() || s[i] != '@') break;
    std::size_t j = i;
    while (j < s.size() && mention_gap(s, j) == 0) ++j;
    if (j >= s.size()) return {};  // nothing but mentions
    i = j;
  }
  return std::string(s.substr(i));
}

// msg_type and event come from the sender: keep them short and inert before they reach a log.
std::string log_token(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 32)) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              c == '-';
    out.push_back(ok ? c : '?');
  }
  return out.empty() ? "none" : out;
}

bool nonce_ok(std::string_view n) {
  if (n.empty() || n.size() > 32) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

std::string nonce_from(const Random16& r) {
  // Ten digits like WeChat's own nonces, taken from bytes the caller already made random.
  std::string out;
  for (std::size_t i = 0; i < 10; ++i) out.push_back(static_cast<char>('0' + r[i] % 10));
  return out;
}

}  // namespace

std::vector<std::string> validate(const WechatConfig& config) {
  std::vector<std::string> errors;
  if (config.token.empty()) {
    errors.emplace_back("wechat.token: required when WeChat is on");
  } else if (config.token.size() < 3 || config.token.size() > 32 ||
             !std::all_of(config.token.begin(), config.token.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
             })) {
    errors.emplace_back("wechat.token: must be 3 to 32 ASCII letters or digits");
  }
  if (!config.encoding_aes_key.empty()) {
    auto key = decode_encoding_aes_key(config.encoding_aes_key);
    if (!key) errors.push_back("wechat.encoding_aes_key: " + key.error());
  }
  if (config.max_body_bytes < 1024) {
    errors.emplace_back("wechat.max_body_bytes: must be at least 1024");
  }
  return errors;
}

QueryParams parse_query(std::string_view raw) {
  QueryParams q;
  if (!raw.empty() && raw.front() == '?') raw.remove_prefix(1);
  while (!raw.empty()) {
    std::size_t amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
    q.emplace(std::move(key), std::move(value));  // first occurrence wins
  }
  return q;
}

VerifyResult verify_url(const WechatConfig& config, const QueryParams& query) {
  if (config.token.empty()) return not_configured();
  const std::string* timestamp = find(query, "timestamp");
  const std::string* nonce = find(query, "nonce");
  const std::string* echostr = find(query, "echostr");
  if (!timestamp) return missing("timestamp");
  if (!nonce) return missing("nonce");
  if (!echostr) return missing("echostr");

  if (const std::string* msg_sig = find(query, "msg_signature")) {
    // WeCom: echostr is encrypted and covered by msg_signature.
    if (config.encoding_aes_key.empty()) {
      return CallbackError{400, "encryption_not_configured",
                           "msg_signature received but wechat.encoding_aes_key is not set"};
    }
    auto crypto = WechatCrypto::create(config.token, config.encoding_aes_key, config.app_id);
    if (!crypto) return not_configured();
    std::string echo = restore_plus(*echostr);
    if (!signature_equal(crypto->sign(*timestamp, *nonce, echo), *msg_sig)) {
      return bad_signature("msg_signature");
    }
    auto plain = crypto->decrypt(echo);
    if (!plain) return from_crypto(plain.error());
    return UrlVerified{std::move(*plain)};
  }
  if (const std::string* sig = find(query, "signature")) {
    // Official Account, in every mode: the plain echostr comes back as it is.
    if (!signature_equal(wechat_signature({config.token, *timestamp, *nonce}), *sig)) {
      return bad_signature("signature");
    }
    return UrlVerified{*echostr};
  }
  return missing("signature or msg_signature");
}

InboundResult decode_post(const WechatConfig& config, const QueryParams& query,
                          std::string_view body) {
  if (config.token.empty()) return not_configured();
  if (body.size() > config.max_body_bytes) return too_large();
  const std::string* timestamp = find(query, "timestamp");
  const std::string* nonce = find(query, "nonce");
  const std::string* sig = find(query, "signature");
  const std::string* msg_sig = find(query, "msg_signature");
  if (!timestamp) return missing("timestamp");
  if (!nonce) return missing("nonce");
  if (!sig && !msg_sig) return missing("signature or msg_signature");

  // Cheap checks first: the plain signature needs no parsing.
  if (sig && !signature_equal(wechat_signature({config.token, *timestamp, *nonce}), *sig)) {
    return bad_signature("signature");
  }

  auto outer = parse_inbound_xml(body, config.max_body_bytes);
  if (!outer) return from_xml(outer.error());

  const bool safe = !config.encoding_aes_key.empty();
  InboundXml m;
  if (safe) {
    // A plain body would let anyone who saw one signed URL post arbitrary text: refuse it.
    if (outer->encrypt.empty()) {
      return CallbackError{400, "encryption_required",
                           "safe mode is configured but the message is not encrypted"};
    }
    if (!msg_sig) return missing("msg_signature");
    auto crypto = WechatCrypto::create(config.token, config.encoding_aes_key, config.app_id);
    if (!crypto) return not_configured();
    // Signature before decryption: an unauthenticated sender learns nothing about padding.
    if (!signature_equal(crypto->sign(*timestamp, *nonce, outer->encrypt), *msg_sig)) {
      return bad_signature("msg_signature");
    }
    auto plain = crypto->decrypt(outer->encrypt);
    if (!plain) return from_crypto(plain.error());
    auto inner = parse_inbound_xml(*plain, config.max_body_bytes);
    if (!inner) return from_xml(inner.error());
    m = std::move(*inner);
  } else {
    if (!sig) {
      // WeCom always encrypts; without a key there is nothing we could check.
      return CallbackError{400, "encryption_not_configured",
                           "msg_signature received but wechat.encoding_aes_key is not set"};
    }
    if (outer->msg_type.empty() && !outer->encrypt.empty()) {
      return CallbackError{400, "encryption_not_configured",
                           "message is encrypted but wechat.encoding_aes_key is not set"};
    }
    m = std::move(*outer);
  }

  const Platform platform = sig ? Platform::wechat : Platform::wecom;
  const bool robot = platform == Platform::wecom && (!m.chat_id.empty() || !m.from_user_id.empty());

  if (!is_text_like(m)) {
    std::string reason = "msg_type=" + log_token(m.msg_type);
    if (!m.event.empty()) reason += " event=" + log_token(m.event);
    return InboundIgnored{std::move(reason)};
  }
  if (robot) m.content = strip_leading_mentions(m.content);
  if (blank(m.content)) return InboundIgnored{"empty text"};

  handlers::ChatMessage msg;
  msg.platform = platform;
  InboundContext ctx;
  ctx.encrypted = safe;
  if (robot) {
    if (m.chat_id.empty() || m.from_user_id.empty()) {
      return CallbackError{400, "malformed_xml", "robot message without ChatId or From/UserId"};
    }
    msg.chat_id = m.chat_id;
    // Group posts and the group's bulletin board (小黑板) are all the building's group.
    msg.chat_kind = m.chat_type == "single" ? ChatKind::private_chat : ChatKind::group;
    msg.sender_id = m.from_user_id;
    msg.sender_name = m.from_name;
    ctx.shape = ReplyShape::wecom_robot;
    if (msg.chat_kind == ChatKind::group) ctx.mention_user_id = m.from_user_id;
  } else {
    if (m.from_user_name.empty()) {
      return CallbackError{400, "malformed_xml", "message without FromUserName"};
    }
    // Official Accounts and WeCom apps only ever talk 1:1: the chat is the sender.
    msg.chat_id = m.from_user_name;
    msg.chat_kind = ChatKind::private_chat;
    msg.sender_id = m.from_user_name;
    ctx.shape = platform == Platform::wechat ? ReplyShape::official_account : ReplyShape::wecom_app;
    ctx.reply_to_user = m.from_user_name;
    ctx.reply_from_user = m.to_user_name;
  }
  msg.message_id = m.msg_id;
  // MsgId is the dedup key WeChat recommends; without one, FromUserName + CreateTime.
  if (!m.msg_id.empty()) {
    msg.update_key = m.msg_id;
  } else if (!m.create_time.empty()) {
    msg.update_key = msg.sender_id + ":" + m.create_time;
  } else {
    return CallbackError{400, "malformed_xml", "message without MsgId or CreateTime"};
  }
  msg.text = std::move(m.content);
  // Robot messages carry no CreateTime; the signed query timestamp is the next best thing.
  auto t = parse_seconds(m.create_time);
  if (!t) t = parse_seconds(*timestamp);
  msg.time = t.value_or(0);
  return InboundMessage{std::move(msg), std::move(ctx)};
}

std::string encode_reply(const WechatConfig& config, const InboundContext& context,
                         std::string_view reply_text, handlers::UnixTime timestamp,
                         std::string_view nonce, const Random16& random) {
  std::string plain;
  if (context.shape == ReplyShape::wecom_robot) {
    std::vector<std::string> mentioned;
    if (!context.mention_user_id.empty()) mentioned.push_back(context.mention_user_id);
    plain = build_robot_text_reply(reply_text, mentioned);
  } else {
    plain = build_text_reply(context.reply_to_user, context.reply_from_user, timestamp, reply_text);
  }
  if (!context.encrypted) return plain;

  auto crypto = WechatCrypto::create(config.token, config.encoding_aes_key, config.app_id);
  if (!crypto) throw std::invalid_argument("wechat: encrypted reply without a valid encoding_aes_key");
  std::string n = nonce_ok(nonce) ? std::string(nonce) : nonce_from(random);
  std::string ts = std::to_string(timestamp);
  std::string encrypted = crypto->encrypt(plain, random);
  std::string signature = crypto->sign(ts, n, encrypted);
  return build_encrypted_envelope(encrypted, signature, timestamp, n);
}

std::string encode_reply(const WechatConfig& config, const InboundContext& context,
                         std::string_view reply_text, handlers::UnixTime timestamp) {
  // Separate draws for the nonce and the AES prefix, so the nonce says nothing about the prefix.
  Random16 random{};
  Random16 for_nonce{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1 ||
      RAND_bytes(for_nonce.data(), static_cast<int>(for_nonce.size())) != 1) {
    throw std::runtime_error("wechat: RAND_bytes failed");
  }
  return encode_reply(config, context, reply_text, timestamp, nonce_from(for_nonce), random);
}

}  // namespace supplybot::bot::wechat
