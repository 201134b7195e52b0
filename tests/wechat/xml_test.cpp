#include "bot/wechat/xml.hpp"

#include <doctest/doctest.h>

#include <pugixml.hpp>

#include <fstream>
#include <iterator>
#include <string>

using namespace supplybot::bot::wechat;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(WECHAT_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

InboundXml parse_ok(std::string_view xml) {
  auto r = parse_inbound_xml(xml);
  REQUIRE_MESSAGE(r.has_value(), "parse failed: " << to_string(r.error()));
  return *r;
}

// Reads back what a WeChat server would see in a CDATA-bearing element we produced.
std::string read_back(const std::string& xml, const char* path) {
  pugi::xml_document doc;
  REQUIRE(doc.load_string(xml.c_str()));
  pugi::xml_node n = doc.first_element_by_path(path);
  REQUIRE(n);
  std::string out;
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) out += c.value();
  return out;
}

}  // namespace

TEST_CASE("xml: Official Account text message") {
  auto m = parse_ok(fixture("oa_text.xml"));
  CHECK(m.to_user_name == "gh_733c42e0aee9");
  CHECK(m.from_user_name == "oIaodvwZe03Amjb8_jQ0ZHGmr-4w");
  CHECK(m.create_time == "1468291653");
  CHECK(m.msg_type == "text");
  CHECK(m.content == "3栋2单元502 白菜2斤 鸡蛋一盒");
  CHECK(m.msg_id == "9223372036854775807");  // kept as text, beyond 2^53
  CHECK(m.encrypt.empty());
  CHECK(m.chat_id.empty());
}

TEST_CASE("xml: WeCom app text message carries AgentID") {
  auto m = parse_ok(fixture("wecom_app_text.xml"));
  CHECK(m.agent_id == "218");
  CHECK(m.from_user_name == "zhangsan");
  CHECK(m.content == "5号楼1101 牛奶2瓶");
}

TEST_CASE("xml: WeCom group robot message") {
  auto m = parse_ok(fixture("robot_group_text.xml"));
  CHECK(m.chat_id == "wrkSFfCgAALFgnrSsWU38puiv4yvExuw");
  CHECK(m.chat_type == "group");
  CHECK(m.from_user_id == "zhangsan");
  CHECK(m.from_name == "张三");
  CHECK(m.msg_type == "text");
  CHECK(m.msg_id == "CIGABBCOgP3qBRiR4vm7goCAAyAY");
  CHECK(m.content == "@团购助手 3栋2单元502 白菜2斤");
}

TEST_CASE("xml: robot mixed message keeps only its text parts") {
  auto m = parse_ok(fixture("robot_mixed.xml"));
  CHECK(m.msg_type == "mixed");
  CHECK(m.content == "@团购助手 7栋302 土豆3斤\n西红柿1斤");
  CHECK(m.msg_id == "CAEQi5HR8wUY/NGagIOAgAMgXQ==");
}

TEST_CASE("xml: events") {
  SUBCASE("Official Account <Event> text") {
    auto m = parse_ok(fixture("oa_event_subscribe.xml"));
    CHECK(m.msg_type == "event");
    CHECK(m.event == "subscribe");
  }
  SUBCASE("robot <Event><EventType>") {
    auto m = parse_ok(fixture("robot_event.xml"));
    CHECK(m.event == "add_to_chat");
  }
}

TEST_CASE("xml: encrypted incoming envelope") {
  auto m = parse_ok("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>"
                    "<Encrypt><![CDATA[abc+/=]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>");
  CHECK(m.encrypt == "abc+/=");
  CHECK(m.agent_id == "218");
}

TEST_CASE("xml: content keeps every CDATA and text piece, and entities") {
  auto m = parse_ok("<xml><Content>a &lt;b&gt; <![CDATA[c]]]]><![CDATA[>d]]></Content></xml>");
  CHECK(m.content == "a <b> c]]>d");
}

TEST_CASE("xml: refused inputs") {
  SUBCASE("DOCTYPE with an entity") {
    auto r = parse_inbound_xml(
        "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        "<xml><Content>&x;</Content></xml>");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == XmlError::doctype);
  }
  SUBCASE("a DOCTYPE-like text inside CDATA is only text") {
    auto m = parse_ok("<xml><Content><![CDATA[<!DOCTYPE x>]]></Content></xml>");
    CHECK(m.content == "<!DOCTYPE x>");
  }
  SUBCASE("over the size limit") {
    auto r = parse_inbound_xml("<xml><Content>0123456789</Content></xml>", 16);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == XmlError::too_large);
  }
  SUBCASE("not well-formed") {
    CHECK(parse_inbound_xml("<xml><Content>abc</xml>").error() == XmlError::malformed);
    CHECK(parse_inbound_xml("").error() == XmlError::malformed);
    CHECK(parse_inbound_xml("success").error() == XmlError::malformed);
  }
  SUBCASE("root other than <xml>") {
    CHECK(parse_inbound_xml("<html><Content>x</Content></html>").error() == XmlError::malformed);
  }
  SUBCASE("embedded NUL") {
    CHECK(parse_inbound_xml(std::string("<xml><Content>a\0b</Content></xml>", 34)).error() ==
          XmlError::malformed);
  }
}

TEST_CASE("xml: shape limits: depth and nodes counted before parsing") {
  auto nest = [](std::size_t depth) {
    std::string x;
    for (std::size_t i = 0; i < depth; ++i) x += "<a>";
    for (std::size_t i = 0; i < depth; ++i) x += "</a>";
    return x;
  };
  SUBCASE("real messages are well inside") {
    CHECK_FALSE(check_xml_shape(
        "<?xml version=\"1.0\"?><xml><WebhookUrl><![CDATA[u]]></WebhookUrl><From><UserId>u</UserId></From>"
        "<MsgType>mixed</MsgType><MixedMessage><MsgItem><MsgType>text</MsgType><Text><Content><![CDATA[1. 3-2-502 "
        "<白菜>]]></Content></Text></MsgItem></MixedMessage><!-- a note --></xml>"));
  }
  SUBCASE("depth") {
    CHECK_FALSE(check_xml_shape("<xml>" + nest(31) + "</xml>"));
    CHECK(check_xml_shape("<xml>" + nest(32) + "</xml>") == XmlError::too_complex);
    std::string unclosed;
    for (int i = 0; i < 40; ++i) unclosed += "<a>";
    CHECK(check_xml_shape(unclosed) == XmlError::too_complex);
    // Siblings and self-closing elements do not add depth; end tags take it back.
    std::string wide = "<xml>";
    for (int i = 0; i < 300; ++i) wide += "<a/><b x='1'/><c></c>";
    CHECK_FALSE(check_xml_shape(wide + "</xml>"));
    CHECK_FALSE(check_xml_shape("<xml><a b=\"/\" c='>'/>" + nest(30) + "</xml>"));
  }
  SUBCASE("nodes: elements, attributes, CDATA sections, comments all count") {
    std::string elements = "<xml>", attributes = "<xml", cdatas = "<xml>", comments = "<xml>";
    for (int i = 0; i < 5000; ++i) {
      elements += "<a/>";
      attributes += " a" + std::to_string(i) + "=''";
      cdatas += "<![CDATA[x]]>";
      comments += "x<!---->";
    }
    attributes += "/>";
    for (const auto& x : {elements, attributes, cdatas, comments}) CHECK(check_xml_shape(x) == XmlError::too_complex);
    CHECK(check_xml_shape(elements, 32, 10000) == std::nullopt);
  }
  SUBCASE("markup inside CDATA, comments, quoted values and processing instructions is not markup") {
    std::string inert = "<xml><Content><![CDATA[" + nest(100) + "]]></Content><!--" + nest(100) + "--><?pi " +
                        nest(100) + "?><a v='" + nest(100) + "'/></xml>";
    CHECK_FALSE(check_xml_shape(inert));
  }
  SUBCASE("a DOCTYPE is refused as one, wherever it is") {
    CHECK(check_xml_shape("<!DOCTYPE x [<!ENTITY a 'b'>]><xml/>") == XmlError::doctype);
    CHECK(check_xml_shape("<xml>" + nest(10) + "<!DOCTYPE x></xml>") == XmlError::doctype);
    CHECK_FALSE(check_xml_shape("<xml><![CDATA[<!DOCTYPE x>]]></xml>"));
  }
  SUBCASE("through parse_inbound_xml") {
    auto r = parse_inbound_xml("<xml>" + nest(40) + "</xml>");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == XmlError::too_complex);
    CHECK(to_string(XmlError::too_complex) == "too_complex");
  }
}

TEST_CASE("xml: sanitize_xml_text repairs UTF-8 and drops control characters") {
  CHECK(sanitize_xml_text("白菜2斤") == "白菜2斤");
  CHECK(sanitize_xml_text("a\x01\x1f" "b\tc\n") == "ab\tc\n");
  CHECK(sanitize_xml_text("\xff") == "\xEF\xBF\xBD");
  CHECK(sanitize_xml_text("\xE7\x99") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated 白
  CHECK(sanitize_xml_text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  CHECK(sanitize_xml_text("\xED\xA0\x80") == "\xEF\xBF\xBD");          // UTF-16 surrogate
  CHECK(sanitize_xml_text("\xF0\x9F\x8D\x85") == "\xF0\x9F\x8D\x85");  // 🍅 survives
}

TEST_CASE("xml: cdata keeps ]]> intact") {
  CHECK(cdata("plain") == "<![CDATA[plain]]>");
  for (std::string s : {"]]>", "a]]>b", "]]>]]>", "]]]>>", "x]]", "]"}) {
    CAPTURE(s);
    std::string xml = "<xml><C>" + cdata(s) + "</C></xml>";
    CHECK(read_back(xml, "/xml/C") == s);
  }
}

TEST_CASE("xml: passive text reply") {
  auto xml = build_text_reply("oIaodvwZe03Amjb8_jQ0ZHGmr-4w", "gh_733c42e0aee9", 1468291660,
                              "已收到：白菜2斤 ]]> <b>");
  CHECK(xml.rfind("<xml><ToUserName><![CDATA[oIaodvwZe03Amjb8_jQ0ZHGmr-4w]]></ToUserName>", 0) == 0);
  CHECK(xml.find("<CreateTime>1468291660</CreateTime>") != std::string::npos);
  CHECK(xml.find("<MsgType><![CDATA[text]]></MsgType>") != std::string::npos);
  CHECK(read_back(xml, "/xml/Content") == "已收到：白菜2斤 ]]> <b>");
  CHECK(read_back(xml, "/xml/FromUserName") == "gh_733c42e0aee9");
}

TEST_CASE("xml: robot text reply mentions the sender") {
  auto xml = build_robot_text_reply("收到", {"zhangsan"});
  CHECK(read_back(xml, "/xml/MsgType") == "text");
  CHECK(read_back(xml, "/xml/Text/Content") == "收到");
  CHECK(read_back(xml, "/xml/Text/MentionedList/Item") == "zhangsan");
  CHECK(build_robot_text_reply("x", {}).find("MentionedList") == std::string::npos);
}

TEST_CASE("xml: encrypted reply envelope layout") {
  auto xml = build_encrypted_envelope("abc+/=", "0123abcd", 1409659813, "1372623149");
  CHECK(xml ==
        "<xml><Encrypt><![CDATA[abc+/=]]></Encrypt><MsgSignature><![CDATA[0123abcd]]></MsgSignature>"
        "<TimeStamp>1409659813</TimeStamp><Nonce><![CDATA[1372623149]]></Nonce></xml>");
}
