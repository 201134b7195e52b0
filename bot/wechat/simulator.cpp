#include "bot/wechat/simulator.hpp"

#include "bot/wechat/signature.hpp"
#include "bot/wechat/xml.hpp"

#include <pugixml.hpp>

#include <stdexcept>

namespace supplybot::bot::wechat {

namespace {

WechatCrypto crypto_for(const WechatConfig& config) {
  auto c = WechatCrypto::create(config.token, config.encoding_aes_key, config.app_id);
  if (!c) throw std::invalid_argument("wechat simulator: " + c.error());
  return *c;
}

}  // namespace

std::string encode_query(const QueryParams& query) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto encode = [](std::string_view s, std::string& out) {
    for (char ch : s) {
      auto c = static_cast<unsigned char>(ch);
      bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '_' || c == '.' || c == '~';
      if (unreserved) {
        out.push_back(ch);
      } else {
        out.push_back('%');
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0x0f]);
      }
    }
  };
  std::string out;
  for (const auto& [k, v] : query) {
    if (!out.empty()) out.push_back('&');
    encode(k, out);
    out.push_back('=');
    encode(v, out);
  }
  return out;
}

SimulatedRequest simulate_post(const WechatConfig& config, Sender sender,
                               std::string_view message_xml, std::int64_t timestamp,
                               std::string_view nonce, const Random16& random) {
  const std::string ts = std::to_string(timestamp);
  const std::string n(nonce);
  SimulatedRequest r;
  r.query["timestamp"] = ts;
  r.query["nonce"] = n;
  if (sender == Sender::official_account) {
    r.query["signature"] = wechat_signature({config.token, ts, n});
  }
  if (config.encoding_aes_key.empty()) {
    r.body = std::string(message_xml);
  } else {
    auto crypto = crypto_for(config);
    std::string encrypted = crypto.encrypt(message_xml, random);
    r.query["msg_signature"] = crypto.sign(ts, n, encrypted);
    if (sender == Sender::official_account) r.query["encrypt_type"] = "aes";
    r.body = "<xml><ToUserName>" + cdata(config.app_id) + "</ToUserName><Encrypt>" + cdata(encrypted) +
             "</Encrypt></xml>";
  }
  r.query_string = encode_query(r.query);
  return r;
}

SimulatedRequest simulate_url_check(const WechatConfig& config, Sender sender,
                                    std::string_view echo, std::int64_t timestamp,
                                    std::string_view nonce, const Random16& random) {
  const std::string ts = std::to_string(timestamp);
  const std::string n(nonce);
  SimulatedRequest r;
  r.query["timestamp"] = ts;
  r.query["nonce"] = n;
  if (sender == Sender::official_account) {
    r.query["signature"] = wechat_signature({config.token, ts, n});
    r.query["echostr"] = std::string(echo);
  } else {
    auto crypto = crypto_for(config);
    std::string encrypted = crypto.encrypt(echo, random);
    r.query["msg_signature"] = crypto.sign(ts, n, encrypted);
    r.query["echostr"] = encrypted;
  }
  r.query_string = encode_query(r.query);
  return r;
}

std::string official_account_text_xml(std::string_view open_id, std::string_view account_id,
                                      std::string_view content, std::string_view msg_id,
                                      std::int64_t create_time) {
  return "<xml><ToUserName>" + cdata(account_id) + "</ToUserName><FromUserName>" + cdata(open_id) +
         "</FromUserName><CreateTime>" + std::to_string(create_time) +
         "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>" + cdata(content) +
         "</Content><MsgId>" + std::string(msg_id) + "</MsgId></xml>";
}

std::string wecom_app_text_xml(std::string_view corp_id, std::string_view user_id,
                               std::string_view content, std::string_view msg_id,
                               std::int64_t create_time, std::string_view agent_id) {
  return "<xml><ToUserName>" + cdata(corp_id) + "</ToUserName><FromUserName>" + cdata(user_id) +
         "</FromUserName><CreateTime>" + std::to_string(create_time) +
         "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>" + cdata(content) +
         "</Content><MsgId>" + std::string(msg_id) + "</MsgId><AgentID>" + std::string(agent_id) +
         "</AgentID></xml>";
}

std::string wecom_robot_text_xml(std::string_view chat_id, bool group, std::string_view user_id,
                                 std::string_view user_name, std::string_view content,
                                 std::string_view msg_id) {
  return "<xml><WebhookUrl><![CDATA[http://in.qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY]]>"
         "</WebhookUrl><MsgId>" + cdata(msg_id) + "</MsgId><ChatId>" + cdata(chat_id) +
         "</ChatId><ChatType>" + std::string(group ? "group" : "single") + "</ChatType><From><UserId>" +
         cdata(user_id) + "</UserId><Name>" + cdata(user_name) +
         "</Name></From><MsgType>text</MsgType><Text><Content>" + cdata(content) +
         "</Content></Text></xml>";
}

Expected<std::string, std::string> open_reply(const WechatConfig& config, std::string_view body) {
  if (body.empty() || body == kAckBody) return std::string(body);
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return unexpected(std::string("reply is not XML"));
  pugi::xml_node root = doc.child("xml");
  if (!root) return unexpected(std::string("reply root is not <xml>"));
  if (!root.child("Encrypt")) return std::string(body);

  if (config.encoding_aes_key.empty()) {
    return unexpected(std::string("encrypted reply but no key configured"));
  }
  auto crypto = crypto_for(config);
  const std::string encrypted = root.child_value("Encrypt");
  const std::string signature = root.child_value("MsgSignature");
  const std::string timestamp = root.child_value("TimeStamp");
  const std::string nonce = root.child_value("Nonce");
  if (!signature_equal(crypto.sign(timestamp, nonce, encrypted), signature)) {
    return unexpected(std::string("reply MsgSignature does not match"));
  }
  auto plain = crypto.decrypt(encrypted);
  if (!plain) return unexpected("reply does not decrypt: " + std::string(to_string(plain.error())));
  return std::move(*plain);
}

}  // namespace supplybot::bot::wechat
