#include "bot/wechat/callback.hpp"

#include "bot/wechat/signature.hpp"

#include <doctest/doctest.h>

#include <pugixml.hpp>

#include <fstream>
#include <iterator>
#include <string>

using namespace supplybot::bot::wechat;
using supplybot::handlers::ChatKind;
using supplybot::handlers::Platform;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(WECHAT_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Tencent's WeCom WXBizMsgCrypt sample.
constexpr const char* kWecomToken = "QDG6eK";
constexpr const char* kWecomKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
constexpr const char* kWecomCorp = "wx5823bf96d3bd56c7";
constexpr const char* kWecomEncrypt =
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911"
    "L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLx"
    "AUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9"
    "nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/u"
    "h9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

// The openssl-built fixtures (tests/data/wechat/make_vectors.sh).
constexpr const char* kFixtureKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr const char* kFixtureAppId = "wxb11529c136998cb6";
constexpr const char* kToken = "supplybot1";
const Random16 kRandom{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

WechatConfig wecom_sample() { return {kWecomToken, kWecomKey, kWecomCorp}; }
WechatConfig oa_plain() { return {kToken, "", kFixtureAppId}; }
WechatConfig oa_safe() { return {kToken, kFixtureKey, kFixtureAppId}; }
WechatConfig robot() { return {kToken, kFixtureKey, ""}; }

QueryParams oa_plain_query(const std::string& token, const std::string& ts, const std::string& nonce) {
  return {{"signature", wechat_signature({token, ts, nonce})},
          {"timestamp", ts},
          {"nonce", nonce},
          {"openid", "oIaodvwZe03Amjb8_jQ0ZHGmr-4w"}};
}

// A safe-mode POST as WeChat sends it: the ciphertext in <Encrypt>, msg_signature over it, and
// for Official Accounts the plain `signature` as well.
struct Post {
  QueryParams query;
  std::string body;
};
Post safe_post(const WechatConfig& cfg, const std::string& encrypted, bool official_account,
               const std::string& ts = "1669600000", const std::string& nonce = "1320562132") {
  Post p;
  p.query = {{"msg_signature", wechat_signature({cfg.token, ts, nonce, encrypted})},
             {"timestamp", ts},
             {"nonce", nonce}};
  if (official_account) {
    p.query["signature"] = wechat_signature({cfg.token, ts, nonce});
    p.query["encrypt_type"] = "aes";
  }
  p.body = "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[" + encrypted +
           "]]></Encrypt></xml>";
  return p;
}

Post robot_post(const std::string& inner_xml, const std::string& ts = "1669600100") {
  auto crypto = WechatCrypto::create(kToken, kFixtureKey, "");
  REQUIRE(crypto.has_value());
  return safe_post(robot(), crypto->encrypt(inner_xml, kRandom), false, ts);
}

InboundMessage as_message(const InboundResult& r) {
  if (const auto* e = std::get_if<CallbackError>(&r)) {
    FAIL("expected a message, got error " << e->status << " " << e->code << ": " << e->message);
  }
  REQUIRE(std::holds_alternative<InboundMessage>(r));
  return std::get<InboundMessage>(r);
}

CallbackError as_error(const InboundResult& r) {
  REQUIRE(std::holds_alternative<CallbackError>(r));
  return std::get<CallbackError>(r);
}
CallbackError as_error(const VerifyResult& r) {
  REQUIRE(std::holds_alternative<CallbackError>(r));
  return std::get<CallbackError>(r);
}

struct Envelope {
  std::string encrypt, msg_signature, timestamp, nonce;
};
Envelope read_envelope(const std::string& xml) {
  pugi::xml_document doc;
  REQUIRE(doc.load_string(xml.c_str()));
  auto root = doc.child("xml");
  return {root.child_value("Encrypt"), root.child_value("MsgSignature"), root.child_value("TimeStamp"),
          root.child_value("Nonce")};
}

}  // namespace

TEST_CASE("callback: parse_query decodes percent escapes and keeps '+'") {
  auto q = parse_query("?msg_signature=abc&timestamp=1409659589&nonce=263014780"
                       "&echostr=P9nA%2Fq%2B%3D%3D+x&flag&=empty&timestamp=999&bad=%zz%4");
  CHECK(q["msg_signature"] == "abc");
  CHECK(q["timestamp"] == "1409659589");  // first occurrence wins
  CHECK(q["echostr"] == "P9nA/q+==+x");
  CHECK(q.count("flag") == 1);
  CHECK(q["bad"] == "%zz%4");
}

TEST_CASE("callback: validate names the broken keys") {
  CHECK(validate(oa_plain()).empty());
  CHECK(validate(oa_safe()).empty());
  auto errors = validate({"", "short", "x"});
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].rfind("wechat.token", 0) == 0);
  CHECK(errors[1].rfind("wechat.encoding_aes_key", 0) == 0);
  CHECK(validate({"bad token!", "", ""}).size() == 1);
}

TEST_CASE("callback: Official Account URL verification echoes the plain echostr") {
  auto cfg = oa_plain();
  auto q = oa_plain_query(kToken, "1714037059", "486452656");
  q["echostr"] = "5837397520531646612";
  SUBCASE("good signature") {
    auto r = verify_url(cfg, q);
    REQUIRE(std::holds_alternative<UrlVerified>(r));
    CHECK(std::get<UrlVerified>(r).body == "5837397520531646612");
  }
  SUBCASE("also when safe mode is configured") {
    auto r = verify_url(oa_safe(), q);
    REQUIRE(std::holds_alternative<UrlVerified>(r));
  }
  SUBCASE("bad signature") {
    q["signature"][0] = q["signature"][0] == '0' ? '1' : '0';
    auto e = as_error(verify_url(cfg, q));
    CHECK(e.status == 401);
    CHECK(e.code == "bad_signature");
  }
  SUBCASE("wrong token") {
    CHECK(as_error(verify_url({"othertoken", "", ""}, q)).status == 401);
  }
  SUBCASE("missing parameters") {
    q.erase("echostr");
    CHECK(as_error(verify_url(cfg, q)).status == 400);
    CHECK(as_error(verify_url(cfg, {})).code == "missing_parameter");
  }
}

TEST_CASE("callback: WeCom URL verification decrypts the sample echostr") {
  QueryParams q{{"msg_signature", "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"},
                {"timestamp", "1409659589"},
                {"nonce", "263014780"},
                {"echostr",
                 "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="}};
  SUBCASE("good") {
    auto r = verify_url(wecom_sample(), q);
    REQUIRE(std::holds_alternative<UrlVerified>(r));
    CHECK(std::get<UrlVerified>(r).body == "1616140317555161061");
  }
  SUBCASE("'+' turned into ' ' by a form decoder still verifies") {
    std::string mangled = q["echostr"];
    std::replace(mangled.begin(), mangled.end(), '+', ' ');
    q["echostr"] = mangled;
    auto r = verify_url(wecom_sample(), q);
    REQUIRE(std::holds_alternative<UrlVerified>(r));
    CHECK(std::get<UrlVerified>(r).body == "1616140317555161061");
  }
  SUBCASE("bad msg_signature") {
    q["msg_signature"] = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd4";
    CHECK(as_error(verify_url(wecom_sample(), q)).code == "bad_signature");
  }
  SUBCASE("another CorpID") {
    auto cfg = wecom_sample();
    cfg.app_id = "ww0000000000000000";
    auto e = as_error(verify_url(cfg, q));
    CHECK(e.status == 401);
    CHECK(e.code == "wrong_app_id");
  }
  SUBCASE("no key configured") {
    CHECK(as_error(verify_url({kWecomToken, "", kWecomCorp}, q)).code == "encryption_not_configured");
  }
}

TEST_CASE("callback: WeCom sample message decodes into a ChatMessage") {
  QueryParams q{{"msg_signature", "477715d11cdb4164915debcba66cb864d751f3e6"},
                {"timestamp", "1409659813"},
                {"nonce", "1372623149"}};
  std::string body = std::string("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[") +
                     kWecomEncrypt + "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";
  const auto in = as_message(decode_post(wecom_sample(), q, body));
  CHECK(in.message.platform == Platform::wecom);
  CHECK(in.message.chat_id == "mycreate");
  CHECK(in.message.chat_kind == ChatKind::private_chat);
  CHECK(in.message.sender_id == "mycreate");
  CHECK(in.message.text == "hello");
  CHECK(in.message.message_id == "4561255354251345929");
  CHECK(in.message.update_key == "4561255354251345929");
  CHECK(in.message.time == 1409659813);
  CHECK(in.context.shape == ReplyShape::wecom_app);
  CHECK(in.context.encrypted);
  CHECK(in.context.reply_to_user == "mycreate");
  CHECK(in.context.reply_from_user == "wx5823bf96d3bd56c7");

  SUBCASE("tampered ciphertext with the old signature is refused before decryption") {
    std::string t = body;
    t[t.find("Ryp") + 5] = 'X';
    CHECK(as_error(decode_post(wecom_sample(), q, t)).code == "bad_signature");
  }
}

TEST_CASE("callback: Official Account plain mode") {
  auto cfg = oa_plain();
  auto q = oa_plain_query(kToken, "1468291653", "1246275812");
  SUBCASE("text message, MsgId beyond 2^53 kept as text") {
    const auto in = as_message(decode_post(cfg, q, fixture("oa_text.xml")));
    CHECK(in.message.platform == Platform::wechat);
    CHECK(in.message.chat_id == "oIaodvwZe03Amjb8_jQ0ZHGmr-4w");
    CHECK(in.message.chat_kind == ChatKind::private_chat);
    CHECK(in.message.text == "3栋2单元502 白菜2斤 鸡蛋一盒");
    CHECK(in.message.update_key == "9223372036854775807");
    CHECK(in.message.time == 1468291653);
    CHECK(in.context.shape == ReplyShape::official_account);
    CHECK_FALSE(in.context.encrypted);
  }
  SUBCASE("image and events are acknowledged and ignored") {
    auto r = decode_post(cfg, q, fixture("oa_image.xml"));
    REQUIRE(std::holds_alternative<InboundIgnored>(r));
    CHECK(std::get<InboundIgnored>(r).reason == "msg_type=image");
    auto e = decode_post(cfg, q, fixture("oa_event_subscribe.xml"));
    REQUIRE(std::holds_alternative<InboundIgnored>(e));
    CHECK(std::get<InboundIgnored>(e).reason == "msg_type=event event=subscribe");
  }
  SUBCASE("the ignore reason is safe to log") {
    auto r = decode_post(cfg, q, "<xml><MsgType>evil\nline" + std::string(100, 'x') + "</MsgType></xml>");
    REQUIRE(std::holds_alternative<InboundIgnored>(r));
    CHECK(std::get<InboundIgnored>(r).reason == "msg_type=evil?line" + std::string(23, 'x'));
    auto none = decode_post(cfg, q, "<xml/>");
    CHECK(std::get<InboundIgnored>(none).reason == "msg_type=none");
  }
  SUBCASE("blank text is ignored") {
    auto r = decode_post(cfg, q, "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType>"
                                 "<Content>  </Content><MsgId>1</MsgId></xml>");
    CHECK(std::holds_alternative<InboundIgnored>(r));
  }
  SUBCASE("bad signature") {
    auto bad = oa_plain_query("wrongtoken", "1468291653", "1246275812");
    auto e = as_error(decode_post(cfg, bad, fixture("oa_text.xml")));
    CHECK(e.status == 401);
    CHECK(e.code == "bad_signature");
  }
  SUBCASE("missing timestamp") {
    q.erase("timestamp");
    CHECK(as_error(decode_post(cfg, q, fixture("oa_text.xml"))).status == 400);
  }
  SUBCASE("oversize body") {
    cfg.max_body_bytes = 1024;
    std::string big = "<xml><Content>" + std::string(2000, 'a') + "</Content></xml>";
    auto e = as_error(decode_post(cfg, q, big));
    CHECK(e.status == 413);
    CHECK(e.code == "too_large");
  }
  SUBCASE("malformed XML and DOCTYPE") {
    CHECK(as_error(decode_post(cfg, q, "<xml><MsgType>text")).code == "malformed_xml");
    CHECK(as_error(decode_post(cfg, q, "<!DOCTYPE xml><xml/>")).code == "forbidden_doctype");
  }
  SUBCASE("WeCom-style request while no key is configured") {
    QueryParams wq{{"msg_signature", "abc"}, {"timestamp", "1"}, {"nonce", "2"}};
    CHECK(as_error(decode_post(cfg, wq, fixture("oa_text.xml"))).code == "encryption_not_configured");
  }
  SUBCASE("message without MsgId falls back to FromUserName + CreateTime") {
    auto r = decode_post(cfg, q, "<xml><FromUserName>u1</FromUserName><CreateTime>1468291653</CreateTime>"
                                 "<MsgType>text</MsgType><Content>白菜</Content></xml>");
    CHECK(as_message(r).message.update_key == "u1:1468291653");
  }
}

TEST_CASE("callback: Official Account safe mode with openssl-built ciphertexts") {
  auto cfg = oa_safe();
  SUBCASE("Chinese text") {
    auto p = safe_post(cfg, fixture("chinese.b64"), true);
    const auto in = as_message(decode_post(cfg, p.query, p.body));
    CHECK(in.message.platform == Platform::wechat);
    CHECK(in.message.text == "3栋2单元502 白菜2斤 鸡蛋一盒");
    CHECK(in.message.update_key == "7172351234567890001");
    CHECK(in.message.chat_id == "oia2TjjewbmiOUlr6X-1crbLOvLw");
    CHECK(in.context.encrypted);
    CHECK(in.context.reply_from_user == "gh_7f083739789a");
  }
  SUBCASE("multi-kilobyte 接龙 list") {
    auto p = safe_post(cfg, fixture("large.b64"), true);
    const auto in = as_message(decode_post(cfg, p.query, p.body));
    CHECK(in.message.text.size() > 6000);
    CHECK(in.message.text.rfind("#接龙 今日团购\n1. 2栋2单元101", 0) == 0);
    CHECK(in.message.update_key == "7172351234567890002");
  }
  SUBCASE("plain body refused when safe mode is configured") {
    auto q = oa_plain_query(kToken, "1468291653", "1246275812");
    q["msg_signature"] = "x";
    CHECK(as_error(decode_post(cfg, q, fixture("oa_text.xml"))).code == "encryption_required");
  }
  SUBCASE("wrong AppID") {
    auto p = safe_post(cfg, fixture("wrong_app_id.b64"), true);
    auto e = as_error(decode_post(cfg, p.query, p.body));
    CHECK(e.status == 401);
    CHECK(e.code == "wrong_app_id");
  }
  SUBCASE("bad padding") {
    auto p = safe_post(cfg, fixture("bad_padding.b64"), true);
    auto e = as_error(decode_post(cfg, p.query, p.body));
    CHECK(e.status == 400);
    CHECK(e.code == "bad_padding");
  }
  SUBCASE("bad inner length") {
    auto p = safe_post(cfg, fixture("bad_inner_length.b64"), true);
    CHECK(as_error(decode_post(cfg, p.query, p.body)).code == "bad_inner_length");
  }
  SUBCASE("truncated base64, correctly signed") {
    std::string b64 = fixture("chinese.b64");
    auto p = safe_post(cfg, b64.substr(0, b64.size() - 3), true);
    CHECK(as_error(decode_post(cfg, p.query, p.body)).code == "bad_base64");
  }
  SUBCASE("bad msg_signature") {
    auto p = safe_post(cfg, fixture("chinese.b64"), true);
    p.query["msg_signature"] = wechat_signature({"x", "y"});
    CHECK(as_error(decode_post(cfg, p.query, p.body)).status == 401);
  }
  SUBCASE("good msg_signature but bad signature") {
    auto p = safe_post(cfg, fixture("chinese.b64"), true);
    p.query["signature"] = wechat_signature({"x", "y"});
    CHECK(as_error(decode_post(cfg, p.query, p.body)).code == "bad_signature");
  }
  SUBCASE("msg_signature missing") {
    auto p = safe_post(cfg, fixture("chinese.b64"), true);
    p.query.erase("msg_signature");
    CHECK(as_error(decode_post(cfg, p.query, p.body)).code == "missing_parameter");
  }
}

TEST_CASE("callback: a redelivered message keeps its dedup key") {
  // WeChat retries with a new timestamp and nonce; the MsgId inside stays the same.
  auto cfg = oa_safe();
  auto first = safe_post(cfg, fixture("chinese.b64"), true, "1669600000", "111");
  auto retry = safe_post(cfg, fixture("chinese.b64"), true, "1669600005", "222");
  const auto a = as_message(decode_post(cfg, first.query, first.body));
  const auto b = as_message(decode_post(cfg, retry.query, retry.body));
  CHECK(a.message.update_key == b.message.update_key);
  CHECK(a.message.platform == b.message.platform);
}

TEST_CASE("callback: WeCom group robot") {
  SUBCASE("group text maps chat, member and name") {
    auto p = robot_post(fixture("robot_group_text.xml"));
    const auto in = as_message(decode_post(robot(), p.query, p.body));
    CHECK(in.message.platform == Platform::wecom);
    CHECK(in.message.chat_id == "wrkSFfCgAALFgnrSsWU38puiv4yvExuw");
    CHECK(in.message.chat_kind == ChatKind::group);
    CHECK(in.message.sender_id == "zhangsan");
    CHECK(in.message.sender_name == "张三");
    CHECK(in.message.update_key == "CIGABBCOgP3qBRiR4vm7goCAAyAY");
    CHECK(in.message.time == 1669600100);  // no CreateTime: the signed query timestamp
    CHECK(in.message.text == "3栋2单元502 白菜2斤");  // leading @robot mention dropped
    CHECK(in.context.shape == ReplyShape::wecom_robot);
    CHECK(in.context.mention_user_id == "zhangsan");
  }
  SUBCASE("mixed text and picture") {
    auto p = robot_post(fixture("robot_mixed.xml"));
    const auto in = as_message(decode_post(robot(), p.query, p.body));
    CHECK(in.message.text == "7栋302 土豆3斤\n西红柿1斤");
    CHECK(in.message.sender_id == "T434200000");
  }
  SUBCASE("single chat with the robot is private") {
    std::string xml = fixture("robot_group_text.xml");
    xml.replace(xml.find("<ChatType>group"), 15, "<ChatType>single");
    auto p = robot_post(xml);
    const auto in = as_message(decode_post(robot(), p.query, p.body));
    CHECK(in.message.chat_kind == ChatKind::private_chat);
    CHECK(in.context.mention_user_id.empty());
  }
  SUBCASE("leading mentions, with the separators WeCom clients use") {
    auto text_of = [](const std::string& content) {
      std::string xml = fixture("robot_group_text.xml");
      auto at = xml.find("@团购助手 3栋2单元502 白菜2斤");
      xml.replace(at, std::string("@团购助手 3栋2单元502 白菜2斤").size(), content);
      auto p = robot_post(xml);
      return decode_post(robot(), p.query, p.body);
    };
    CHECK(as_message(text_of("@团购助手\u2005/cancel 3")).message.text == "/cancel 3");
    CHECK(as_message(text_of("@张三 @团购助手\u3000白菜2斤")).message.text == "白菜2斤");
    CHECK(as_message(text_of("白菜2斤 @团购助手")).message.text == "白菜2斤 @团购助手");
    CHECK(as_message(text_of("  @团购助手\u00a0 5-1101 牛奶")).message.text == "5-1101 牛奶");
    CHECK(std::holds_alternative<InboundIgnored>(text_of("@团购助手")));
    CHECK(std::holds_alternative<InboundIgnored>(text_of("@团购助手 \u2005 ")));
  }
  SUBCASE("added to a group: ignored") {
    auto p = robot_post(fixture("robot_event.xml"));
    auto r = decode_post(robot(), p.query, p.body);
    REQUIRE(std::holds_alternative<InboundIgnored>(r));
    CHECK(std::get<InboundIgnored>(r).reason == "msg_type=event event=add_to_chat");
  }
  SUBCASE("robot ciphertext refused by an app config expecting a CorpID") {
    auto p = robot_post(fixture("robot_group_text.xml"));
    WechatConfig app{kToken, kFixtureKey, "ww1234567890abcdef"};
    CHECK(as_error(decode_post(app, p.query, p.body)).code == "wrong_app_id");
  }
  SUBCASE("DOCTYPE inside the decrypted payload") {
    auto p = robot_post("<!DOCTYPE xml [<!ENTITY a \"b\">]><xml><MsgType>text</MsgType></xml>");
    CHECK(as_error(decode_post(robot(), p.query, p.body)).code == "forbidden_doctype");
  }
}

TEST_CASE("callback: encode_reply") {
  SUBCASE("plain Official Account reply swaps the users") {
    auto q = oa_plain_query(kToken, "1468291653", "1246275812");
    const auto in = as_message(decode_post(oa_plain(), q, fixture("oa_text.xml")));
    auto xml = encode_reply(oa_plain(), in.context, "已登记：3-2-502 白菜2斤", 1468291660, "", kRandom);
    auto m = parse_inbound_xml(xml);
    REQUIRE(m.has_value());
    CHECK(m->to_user_name == "oIaodvwZe03Amjb8_jQ0ZHGmr-4w");
    CHECK(m->from_user_name == "gh_733c42e0aee9");
    CHECK(m->msg_type == "text");
    CHECK(m->create_time == "1468291660");
    CHECK(m->content == "已登记：3-2-502 白菜2斤");
  }
  SUBCASE("safe mode reply is encrypted, signed and decrypts to the reply XML") {
    auto cfg = oa_safe();
    auto p = safe_post(cfg, fixture("chinese.b64"), true);
    const auto in = as_message(decode_post(cfg, p.query, p.body));
    const std::string text = "已登记 ]]> <订单> & 🍅";
    auto xml = encode_reply(cfg, in.context, text, 1669600003, "1320562132", kRandom);
    auto env = read_envelope(xml);
    CHECK(env.timestamp == "1669600003");
    CHECK(env.nonce == "1320562132");
    CHECK(env.msg_signature == wechat_signature({kToken, "1669600003", "1320562132", env.encrypt}));
    auto crypto = WechatCrypto::create(kToken, kFixtureKey, kFixtureAppId);
    auto plain = crypto->decrypt(env.encrypt);
    REQUIRE(plain.has_value());
    auto m = parse_inbound_xml(*plain);
    REQUIRE(m.has_value());
    CHECK(m->content == text);
    CHECK(m->to_user_name == "oia2TjjewbmiOUlr6X-1crbLOvLw");
    // Deterministic for fixed inputs.
    CHECK(xml == encode_reply(cfg, in.context, text, 1669600003, "1320562132", kRandom));
    // The envelope follows the same rules as an incoming one: decode_post reads it back.
    QueryParams back{{"msg_signature", env.msg_signature}, {"timestamp", env.timestamp}, {"nonce", env.nonce}};
    CHECK(as_message(decode_post(cfg, back, xml)).message.text == text);
  }
  SUBCASE("WeCom sample: reply to the sample message") {
    QueryParams q{{"msg_signature", "477715d11cdb4164915debcba66cb864d751f3e6"},
                  {"timestamp", "1409659813"},
                  {"nonce", "1372623149"}};
    std::string body = std::string("<xml><Encrypt><![CDATA[") + kWecomEncrypt + "]]></Encrypt></xml>";
    const auto in = as_message(decode_post(wecom_sample(), q, body));
    auto env = read_envelope(encode_reply(wecom_sample(), in.context, "hello back", 1409659813, "1372623149", kRandom));
    auto crypto = WechatCrypto::create(kWecomToken, kWecomKey, kWecomCorp);
    auto plain = crypto->decrypt(env.encrypt);
    REQUIRE(plain.has_value());
    CHECK(plain->find("<ToUserName><![CDATA[mycreate]]></ToUserName>") != std::string::npos);
    CHECK(plain->find("<FromUserName><![CDATA[wx5823bf96d3bd56c7]]></FromUserName>") != std::string::npos);
  }
  SUBCASE("robot group reply mentions the sender") {
    auto p = robot_post(fixture("robot_group_text.xml"));
    const auto in = as_message(decode_post(robot(), p.query, p.body));
    auto env = read_envelope(encode_reply(robot(), in.context, "收到", 1669600101, "abc123", kRandom));
    auto crypto = WechatCrypto::create(kToken, kFixtureKey, "");
    auto plain = crypto->decrypt(env.encrypt);
    REQUIRE(plain.has_value());
    CHECK(*plain ==
          "<xml><MsgType>text</MsgType><Text><Content><![CDATA[收到]]></Content><MentionedList>"
          "<Item><![CDATA[zhangsan]]></Item></MentionedList></Text></xml>");
  }
  SUBCASE("an unusable nonce is replaced by digits") {
    auto p = safe_post(oa_safe(), fixture("chinese.b64"), true);
    const auto in = as_message(decode_post(oa_safe(), p.query, p.body));
    auto env = read_envelope(encode_reply(oa_safe(), in.context, "x", 1, "]]><bad", kRandom));
    CHECK(env.nonce == "0123456789");
    auto fresh = read_envelope(encode_reply(oa_safe(), in.context, "x", 1));
    CHECK(fresh.nonce.size() == 10);
    CHECK(fresh.msg_signature == wechat_signature({kToken, "1", fresh.nonce, fresh.encrypt}));
  }
}
