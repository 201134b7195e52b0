// Round trips through the query string, as an HTTP test would do them: simulate what WeChat /
// WeCom send, decode it with the callback core, answer, and open the answer as they would.
#include "bot/wechat/simulator.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace supplybot::bot::wechat;
using supplybot::handlers::ChatKind;
using supplybot::handlers::Platform;

namespace {

constexpr const char* kKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const Random16 kRandom{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};

InboundMessage decode(const WechatConfig& cfg, const SimulatedRequest& r) {
  auto result = decode_post(cfg, parse_query(r.query_string), r.body);
  if (const auto* e = std::get_if<CallbackError>(&result)) {
    FAIL("decode_post: " << e->status << " " << e->code << " " << e->message);
  }
  REQUIRE(std::holds_alternative<InboundMessage>(result));
  return std::get<InboundMessage>(result);
}

std::string reply_content(const WechatConfig& cfg, const std::string& body) {
  auto opened = open_reply(cfg, body);
  REQUIRE_MESSAGE(opened.has_value(), opened.error());
  auto xml = parse_inbound_xml(*opened);
  REQUIRE(xml.has_value());
  return xml->content;
}

}  // namespace

TEST_CASE("simulator: encode_query and parse_query are inverse") {
  QueryParams q{{"echostr", "a+b/c==d 中"}, {"nonce", "12"}, {"k&=", "v%"}};
  CHECK(encode_query(q) == "echostr=a%2Bb%2Fc%3D%3Dd%20%E4%B8%AD&k%26%3D=v%25&nonce=12");
  CHECK(parse_query(encode_query(q)) == q);
}

TEST_CASE("simulator: URL checks pass verify_url") {
  SUBCASE("Official Account, plain echostr") {
    WechatConfig cfg{"tok123", kKey, "wxb11529c136998cb6"};
    auto r = simulate_url_check(cfg, Sender::official_account, "5837397520531646612", 1700000000, "42", kRandom);
    auto v = verify_url(cfg, parse_query(r.query_string));
    REQUIRE(std::holds_alternative<UrlVerified>(v));
    CHECK(std::get<UrlVerified>(v).body == "5837397520531646612");
  }
  SUBCASE("WeCom, encrypted echostr") {
    WechatConfig cfg{"tok123", kKey, "ww1234567890abcdef"};
    auto r = simulate_url_check(cfg, Sender::wecom, "8412873648172", 1700000000, "42", kRandom);
    CHECK(r.query.count("signature") == 0);
    auto v = verify_url(cfg, parse_query(r.query_string));
    REQUIRE(std::holds_alternative<UrlVerified>(v));
    CHECK(std::get<UrlVerified>(v).body == "8412873648172");
  }
}

TEST_CASE("simulator: Official Account round trip, plain and safe") {
  for (std::string key : {std::string(), std::string(kKey)}) {
    CAPTURE(key.empty());
    WechatConfig cfg{"tok123", key, "wxb11529c136998cb6"};
    auto xml = official_account_text_xml("oFollower1", "gh_account", "12B 鸡蛋一盒", "6306264631030309910", 1700000000);
    auto in = decode(cfg, simulate_post(cfg, Sender::official_account, xml, 1700000001, "77", kRandom));
    CHECK(in.message.platform == Platform::wechat);
    CHECK(in.message.text == "12B 鸡蛋一盒");
    CHECK(in.message.update_key == "6306264631030309910");
    CHECK(in.context.encrypted == !key.empty());
    auto body = encode_reply(cfg, in.context, "已登记 12B：鸡蛋1盒", 1700000002, "78", kRandom);
    CHECK(reply_content(cfg, body) == "已登记 12B：鸡蛋1盒");
  }
}

TEST_CASE("simulator: WeCom app and group robot round trips") {
  SUBCASE("app") {
    WechatConfig cfg{"tok123", kKey, "ww1234567890abcdef"};
    auto xml = wecom_app_text_xml("ww1234567890abcdef", "lisi", "5-1101 牛奶2瓶", "4561255354251345929", 1700000000, "1000002");
    auto in = decode(cfg, simulate_post(cfg, Sender::wecom, xml, 1700000001, "77", kRandom));
    CHECK(in.message.platform == Platform::wecom);
    CHECK(in.message.sender_id == "lisi");
    CHECK(in.context.shape == ReplyShape::wecom_app);
    CHECK(reply_content(cfg, encode_reply(cfg, in.context, "好的", 1700000002, "78", kRandom)) == "好的");
  }
  SUBCASE("robot in a group") {
    WechatConfig cfg{"tok123", kKey, ""};
    auto xml = wecom_robot_text_xml("wrkChat1", true, "lisi", "李四", "@团购 5-1101 牛奶2瓶", "CIGABBCOgP3q");
    auto in = decode(cfg, simulate_post(cfg, Sender::wecom, xml, 1700000001, "77", kRandom));
    CHECK(in.message.chat_id == "wrkChat1");
    CHECK(in.message.chat_kind == ChatKind::group);
    CHECK(in.message.sender_name == "李四");
    CHECK(in.message.text == "5-1101 牛奶2瓶");
    auto body = encode_reply(cfg, in.context, "好的", 1700000002, "78", kRandom);
    auto opened = open_reply(cfg, body);
    REQUIRE(opened.has_value());
    CHECK(opened->find("<Item><![CDATA[lisi]]></Item>") != std::string::npos);
  }
}

TEST_CASE("simulator: open_reply refuses what WeChat would refuse") {
  WechatConfig cfg{"tok123", kKey, "wxb11529c136998cb6"};
  InboundContext ctx{ReplyShape::official_account, true, "oFollower1", "gh_account", ""};
  std::string body = encode_reply(cfg, ctx, "x", 1700000002, "78", kRandom);
  SUBCASE("success passes through") { CHECK(*open_reply(cfg, "success") == "success"); }
  SUBCASE("tampered signature") {
    std::string bad = body;
    auto at = bad.find("<MsgSignature><![CDATA[") + 23;
    bad[at] = bad[at] == 'a' ? 'b' : 'a';
    CHECK_FALSE(open_reply(cfg, bad).has_value());
  }
  SUBCASE("another AppID") {
    WechatConfig other = cfg;
    other.app_id = "wx0000000000000000";
    auto r = open_reply(other, body);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().find("wrong_app_id") != std::string::npos);
  }
}
