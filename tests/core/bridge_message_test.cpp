#include "bot/bridge/bridge_message.hpp"

#include <doctest/doctest.h>

using namespace supplybot;
using namespace supplybot::bot::bridge;

TEST_CASE("bridge: a message decodes with a dedup key per chat and message") {
  auto r = decode_message(R"({"platform":"wechat","chat_id":"room@chatroom","chat_type":"group","sender_id":"wxid_1",
    "sender_name":"张","message_id":123,"text":"白菜2斤","reply_to":"9"})", 7);
  REQUIRE(std::holds_alternative<handlers::ChatMessage>(r));
  auto m = std::get<handlers::ChatMessage>(r);
  CHECK(m.platform == handlers::Platform::bridge);
  CHECK(m.chat_id == "wechat:room@chatroom");
  CHECK(m.sender_id == "wechat:wxid_1");
  CHECK(m.message_id == "123");
  CHECK(m.update_key == "wechat:room@chatroom#123");
  CHECK(*m.reply_to == "9");
  CHECK(m.time == 7);
}

TEST_CASE("bridge: missing or mistyped fields are errors") {
  for (const char* body : {"{", "[]", R"({"chat_id":"a","sender_id":"b","message_id":"c"})",
                           R"({"chat_id":"a","sender_id":"b","text":"x"})", R"({"chat_id":1.5,"sender_id":"b","message_id":"c","text":"x"})",
                           R"({"chat_id":"a","sender_id":"b","message_id":"c","text":"x","chat_type":"channel"})"}) {
    CAPTURE(body);
    CHECK(std::holds_alternative<DecodeError>(decode_message(body, 0)));
  }
}

TEST_CASE("bridge: replies encode") {
  handlers::OutgoingMessage m{.chat_id = "c", .text = "好", .reply_to = std::string("m1")};
  CHECK(encode_replies({m}, false) == R"({"replies":[{"chat_id":"c","reply_to":"m1","text":"好"}]})");
  CHECK(encode_replies({}, true) == R"({"duplicate":true,"replies":[]})");
}

TEST_CASE("bridge: JSON nested deeper than 64 levels is an error before it is parsed") {
  std::string body = R"({"chat_id":"a","sender_id":"b","message_id":"c","text":"x","extra":)" + std::string(100, '[') +
                     std::string(100, ']') + "}";
  auto r = decode_message(body, 0);
  REQUIRE(std::holds_alternative<DecodeError>(r));
  CHECK(std::get<DecodeError>(r).message == "JSON nested deeper than 64 levels");
}
