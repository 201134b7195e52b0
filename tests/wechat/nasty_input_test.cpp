// Hostile inputs through the whole callback core, via the same harness the fuzzer uses plus
// direct checks of the outcome. Nothing here may crash, hang or expand; see wechat_fuzz.cpp for
// the open-ended version.
#include "tests/wechat/fuzz_harness.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace supplybot::bot::wechat;

namespace {

void feed_all_modes(const std::string& input) {
  for (std::uint8_t mode = 0; mode < static_cast<std::uint8_t>(fuzz::Mode::count); ++mode) {
    std::string data(1, static_cast<char>(mode));
    data += input;
    fuzz::run_one(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  }
}

InboundResult plain_post(const std::string& body, std::size_t max_body = kDefaultMaxBodyBytes) {
  WechatConfig cfg{fuzz::kToken, "", fuzz::kAppId, max_body};
  QueryParams q{{"signature", wechat_signature({fuzz::kToken, "1", "2"})}, {"timestamp", "1"}, {"nonce", "2"}};
  return decode_post(cfg, q, body);
}

std::string text_message(const std::string& content) {
  return "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>" + content +
         "</Content><MsgId>1</MsgId></xml>";
}

bool valid_utf8(std::string_view s) { return sanitize_xml_text(s) == s; }

}  // namespace

TEST_CASE("nasty: deep nesting does not exhaust the stack, and is refused before parsing") {
  std::string deep;
  constexpr int kDepth = 200000;
  for (int i = 0; i < kDepth; ++i) deep += "<a>";
  for (int i = 0; i < kDepth; ++i) deep += "</a>";
  std::string body = "<xml>" + deep + "</xml>";
  CHECK(body.size() > kDefaultMaxBodyBytes);  // refused by size long before parsing
  auto big = plain_post(body);
  REQUIRE(std::holds_alternative<CallbackError>(big));
  CHECK(std::get<CallbackError>(big).status == 413);
  // Under the size limit it is refused by its shape, before pugixml builds anything (pugixml
  // would parse it without recursion, but into some twenty times its size in nodes).
  auto r = plain_post(body, body.size());
  REQUIRE(std::holds_alternative<CallbackError>(r));
  CHECK(std::get<CallbackError>(r).status == 400);
  CHECK(std::get<CallbackError>(r).code == "xml_too_complex");
  feed_all_modes(std::string(20000, '<'));
  feed_all_modes("<xml>" + deep.substr(0, 30000) + "</xml>");
}

TEST_CASE("nasty: huge CDATA up to the limit is fine, over it is 413") {
  std::string content(kDefaultMaxBodyBytes - 200, 'x');
  auto ok = plain_post(text_message("<![CDATA[" + content + "]]>"));
  REQUIRE(std::holds_alternative<InboundMessage>(ok));
  CHECK(std::get<InboundMessage>(ok).message.text.size() == content.size());
  auto big = plain_post(text_message("<![CDATA[" + content + content + "]]>"));
  REQUIRE(std::holds_alternative<CallbackError>(big));
  CHECK(std::get<CallbackError>(big).status == 413);
}

TEST_CASE("nasty: invalid UTF-8 becomes U+FFFD, never reaches the engine raw") {
  for (std::string bad : {"\xff\xfe", "\xc3", "\xe7\x99", "\xf0\x9f\x8d", "\xc0\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "a\x01" "b\x7f"}) {
    CAPTURE(bad.size());
    auto r = plain_post(text_message("<![CDATA[白菜" + bad + "2斤]]>"));
    REQUIRE(std::holds_alternative<InboundMessage>(r));
    const auto& text = std::get<InboundMessage>(r).message.text;
    CHECK(valid_utf8(text));
    CHECK(text.rfind("白菜", 0) == 0);
    feed_all_modes(text_message(bad));
  }
}

TEST_CASE("nasty: entity bombs and external entities are refused") {
  const std::string billion_laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
      "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>";
  const std::string external =
      "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>";
  for (const auto& body : {billion_laughs, external}) {
    auto r = plain_post(body);
    REQUIRE(std::holds_alternative<CallbackError>(r));
    CHECK(std::get<CallbackError>(r).code == "forbidden_doctype");
    feed_all_modes(body);
  }
  SUBCASE("an undeclared entity reference stays literal text") {
    auto r = plain_post(text_message("&lol3;&#x767d;"));
    REQUIRE(std::holds_alternative<InboundMessage>(r));
    CHECK(std::get<InboundMessage>(r).message.text == "&lol3;白");
  }
}

TEST_CASE("nasty: odd shapes") {
  for (std::string body : {std::string(), std::string("\xef\xbb\xbf<xml/>"), std::string("<xml></xml><xml></xml>"),
                           std::string("<?xml version=\"1.0\" encoding=\"UTF-16\"?><xml/>"),
                           std::string("<xml><Encrypt>") + std::string(5000, '=') + "</Encrypt></xml>",
                           std::string("<xml><Content a='") + std::string(10000, 'b') + "'/></xml>",
                           std::string("<xml>\0</xml>", 13), std::string(1000, '\0')}) {
    feed_all_modes(body);
    auto r = plain_post(body);
    CHECK_FALSE(std::holds_alternative<InboundMessage>(r));
  }
  // Ciphertext of every small length, including ones that are not whole blocks.
  for (std::size_t n = 0; n < 100; ++n) {
    std::string bytes(n + 1, '\x20');
    bytes[0] = '\x03';
    feed_all_modes(bytes);
  }
}
