#include "bot/telegram/update_decoder.hpp"

#include <doctest/doctest.h>

#include "tests/telegram/decoder_agreement.hpp"

using namespace supplybot;
using namespace supplybot::bot::telegram;

namespace {
handlers::ChatMessage ok(const DecodeResult& r) {
  REQUIRE(std::holds_alternative<handlers::ChatMessage>(r));
  return std::get<handlers::ChatMessage>(r);
}
}  // namespace

TEST_CASE("telegram decode: group message with text") {
  auto m = ok(decode_update(R"({"update_id":9007199254740993,"message":{"message_id":12,"date":1700000000,
    "chat":{"id":-1001234567890123,"type":"supergroup","title":"3栋"},
    "from":{"id":5123456789,"is_bot":false,"first_name":"秀英","last_name":"王","username":"wxy","language_code":"zh-hans"},
    "text":"3栋2单元502 白菜2斤"}})", 1));
  CHECK(m.update_key == "9007199254740993");
  CHECK(m.chat_id == "-1001234567890123");
  CHECK(m.sender_id == "5123456789");
  CHECK(m.sender_name == "秀英 王");
  CHECK(m.sender_username == "wxy");
  CHECK(m.chat_kind == handlers::ChatKind::group);
  CHECK(m.message_id == "12");
  CHECK(m.text == "3栋2单元502 白菜2斤");
  CHECK(m.time == 1700000000);
  CHECK_FALSE(m.edited);
  CHECK_FALSE(m.thread_id);
}

TEST_CASE("telegram decode: forum topic, caption, reply and private chat") {
  SUBCASE("topic") {
    auto m = ok(decode_update(R"({"update_id":1,"message":{"message_id":3,"message_thread_id":77,"is_topic_message":true,
      "chat":{"id":-100,"type":"supergroup"},"from":{"id":1,"first_name":"a"},"text":"hi"}})", 5));
    REQUIRE(m.thread_id);
    CHECK(*m.thread_id == 77);
    CHECK(m.time == 5);
  }
  SUBCASE("caption") {
    auto m = ok(decode_update(R"({"update_id":1,"message":{"message_id":3,"chat":{"id":-1,"type":"group"},
      "from":{"id":1,"first_name":"a"},"photo":[],"caption":"鸡蛋一盒"}})", 5));
    CHECK(m.text == "鸡蛋一盒");
  }
  SUBCASE("reply") {
    auto m = ok(decode_update(R"({"update_id":1,"message":{"message_id":3,"chat":{"id":42,"type":"private"},
      "from":{"id":42,"first_name":"a"},"text":"取消","reply_to_message":{"message_id":2,"chat":{"id":42,"type":"private"},"date":1}}})", 5));
    CHECK(m.chat_kind == handlers::ChatKind::private_chat);
    REQUIRE(m.reply_to);
    CHECK(*m.reply_to == "2");
  }
}

TEST_CASE("telegram decode: edited message and callback query") {
  auto e = ok(decode_update(R"({"update_id":2,"edited_message":{"message_id":3,"date":1,"edit_date":9,
    "chat":{"id":-1,"type":"group"},"from":{"id":1,"first_name":"a"},"text":"白菜3斤"}})", 5));
  CHECK(e.edited);
  CHECK(e.time == 9);
  auto c = ok(decode_update(R"({"update_id":3,"callback_query":{"id":"abc","from":{"id":1,"first_name":"a"},
    "message":{"message_id":50,"chat":{"id":-7,"type":"group"},"date":1},"data":"cancel:12"}})", 5));
  REQUIRE(c.callback_data);
  CHECK(*c.callback_data == "cancel:12");
  CHECK(*c.callback_id == "abc");
  CHECK(c.chat_id == "-7");
  CHECK(*c.reply_to == "50");
}

TEST_CASE("telegram decode: other kinds and text-less messages are ignored, not errors") {
  CHECK(std::holds_alternative<Ignored>(decode_update(R"({"update_id":1,"channel_post":{"message_id":1}})", 0)));
  CHECK(std::holds_alternative<Ignored>(decode_update(R"({"update_id":1,"my_chat_member":{}})", 0)));
  CHECK(std::holds_alternative<Ignored>(decode_update(R"({"update_id":1})", 0)));
  CHECK(std::holds_alternative<Ignored>(decode_update(
      R"({"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"sticker":{}}})", 0)));
}

TEST_CASE("telegram decode: malformed JSON and wrong types are errors") {
  for (const char* body : {"", "{", "null", "[]", R"({"update_id":"1"})", R"({"update_id":1.5})",
                           R"({"update_id":1,"message":"x"})", R"({"update_id":1,"message":{"message_id":1,"chat":{"id":"1"}}})",
                           R"({"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"group"},"text":5}})",
                           R"({"update_id":1,"message":{"chat":{"id":1,"type":"group"},"text":"x"}})",
                           "{\"update_id\":1,\"message\":{\"message_id\":1,\"chat\":{\"id\":1},\"text\":\"\xff\xfe\"}}"}) {
    CAPTURE(body);
    auto r = decode_update(body, 0);
    REQUIRE(std::holds_alternative<DecodeError>(r));
    // The update id is known (and the route acknowledges it) only for an Update with an integer id.
    std::string b(body);
    bool is_update = b.rfind("{\"update_id\":1,", 0) == 0 && b.find('\xff') == std::string::npos;  // valid JSON
    CHECK(std::get<DecodeError>(r).update_key == (is_update ? "1" : ""));
  }
}

TEST_CASE("telegram decode: JSON nested deeper than 64 levels is an error before it is parsed") {
  std::string deep = R"({"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"group"},"text":"x","e":)" +
                     std::string(62, '[') + std::string(62, ']') + "}}";
  CHECK(std::holds_alternative<handlers::ChatMessage>(decode_update(deep, 0)));  // 64 levels
  deep.insert(deep.find('['), "[");
  deep.insert(deep.find(']'), "]");
  auto r = decode_update(deep, 0);
  REQUIRE(std::holds_alternative<DecodeError>(r));
  CHECK(std::get<DecodeError>(r).message == "JSON nested deeper than 64 levels");
  CHECK(std::holds_alternative<DecodeError>(decode_update(std::string(1 << 20, '['), 0)));
}

// decode_update parses with simdjson, decode_update_general with nlohmann; these are the inputs
// where the two libraries differ (or could), and the result must not.
TEST_CASE("telegram decode: the simdjson path and the nlohmann path agree where the libraries differ") {
  const char* msg = R"("message":{"message_id":1,"chat":{"id":-5,"type":"group"},"from":{"id":2,"first_name":"a"},"text":"x"})";
  for (std::string body : {
           std::string(R"({"update_id":1,)") + msg + "}",
           std::string("\xEF\xBB\xBF") + R"({"update_id":1,)" + msg + "}",            // byte-order mark
           std::string(R"({"update_id":-0,)") + msg + "}",                               // -0: a double to simdjson
           std::string(R"({"update_id":18446744073709551615,)") + msg + "}",             // above INT64_MAX
           std::string(R"({"update_id":18446744073709551616,)") + msg + "}",             // above 64 bits
           std::string(R"({"update_id":1.0,)") + msg + "}",
           std::string(R"({"update_id":1e2,)") + msg + "}",
           std::string(R"({"update_id":1,"update_id":2,)") + msg + "}",                  // repeated key: the last
           std::string(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":-5,"type":"group"},"text":"a","text":"b"}})"),
           std::string(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":-5,"type":"group"},"text":"\ud800"}})"),
           std::string(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":-5,"type":"group"},"text":"\u0000a"}})"),
           std::string(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":-5,"type":"group"},"text":")") + "\xff\"}}",
           std::string(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":-5,"type":"group"},"text":"\x"}})"),
           std::string(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":-5,"type":"group"},"text":"x"}} trailing)"),
           std::string(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":-5,"type":"group"},"date":-9223372036854775808,"text":"x"}})"),
           std::string(R"({"update_id":1,"message":{"message_id":1,"chat":{"id":-5,"type":"group"},"date":-9223372036854775809,"text":"x"}})"),
           std::string(R"({"update_id":7,"message":{"message_id":"1","chat":{"id":-5}}})"),     // an error with the key
           std::string(R"({"update_id":7,"poll":null})"),
           std::string(R"(  {"update_id":7}  )"),
           std::string(R"([{"update_id":7}])"),
       }) {
    CAPTURE(body);
    CHECK(testing::decoder_disagreement(body) == "");
  }
}

// Bodies above 64 KB get a parser of their own (the kept one stays small); both sizes decode.
TEST_CASE("telegram decode: a large update decodes like a small one") {
  for (std::size_t n : {10u, 70'000u, 900'000u}) {
    std::string text(n, 'a');
    auto body = R"({"update_id":5,"message":{"message_id":1,"chat":{"id":-5,"type":"group"},"text":")" + text + "\"}}";
    CAPTURE(n);
    auto m = ok(decode_update(body, 1));
    CHECK(m.text.size() == n);
    CHECK(testing::decoder_disagreement(body) == "");
  }
  CHECK(ok(decode_update(R"({"update_id":6,"message":{"message_id":1,"chat":{"id":-5},"text":"x"}})", 1)).text == "x");
}
