#include "bot/telegram/bot_api.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "bot/loopback_http.hpp"
#include "handlers/outbox_policy.hpp"

using namespace supplybot;
using namespace supplybot::bot::telegram;
using nlohmann::json;

TEST_CASE("bot api: sendMessage body replies in the thread") {
  handlers::OutgoingMessage m{.chat_id = "-1001234567890123", .thread_id = 7, .text = "好的", .reply_to = std::string("55")};
  auto j = json::parse(send_message_body(m));
  CHECK(j["chat_id"] == -1001234567890123LL);
  CHECK(j["text"] == "好的");
  CHECK(j["message_thread_id"] == 7);
  CHECK(j["reply_parameters"]["message_id"] == 55);
  CHECK(j["reply_parameters"]["allow_sending_without_reply"] == true);
  CHECK_FALSE(j.contains("reply_markup"));
}

TEST_CASE("bot api: responses are classified") {
  auto sent = interpret_response(200, R"({"ok":true,"result":{"message_id":99}})", "");
  CHECK(sent.outcome == SendOutcome::sent);
  CHECK(sent.message_id == "99");

  auto limited = interpret_response(429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":17}})", "");
  CHECK(limited.outcome == SendOutcome::rate_limited);
  CHECK(limited.retry_after_s == 17);
  CHECK(interpret_response(429, "", "5").retry_after_s == 5);

  auto refused = interpret_response(403, R"({"ok":false,"description":"Forbidden: bot was kicked"})", "");
  CHECK(refused.outcome == SendOutcome::refused);
  CHECK(refused.reason.find("bot was kicked") != std::string::npos);
  CHECK(interpret_response(400, "{}", "").outcome == SendOutcome::refused);

  CHECK(interpret_response(502, "<html>", "").outcome == SendOutcome::retry);
  CHECK(interpret_response(0, "", "", "connection refused").outcome == SendOutcome::retry);
  CHECK(interpret_response(200, "garbage", "").outcome == SendOutcome::retry);
}

TEST_CASE("bot api: sendMessage carries an inline keyboard as reply_markup") {
  handlers::OutgoingMessage m{.chat_id = "-100123", .text = "选一个",
                              .markup_json = R"({"inline_keyboard":[[{"text":"✅ 收到","callback_data":"recv:12"}]]})"};
  auto j = json::parse(send_message_body(m));
  REQUIRE(j.contains("reply_markup"));
  CHECK(j["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "recv:12");
  CHECK(j["reply_markup"]["inline_keyboard"][0][0]["text"] == "✅ 收到");

  SUBCASE("markup that is not JSON is left out rather than sent broken") {
    m.markup_json = "{not json";
    CHECK_FALSE(json::parse(send_message_body(m)).contains("reply_markup"));
  }
}

TEST_CASE("bot api: answerCallbackQuery body") {
  auto j = json::parse(answer_callback_body("4382bfdwdsb323b2d9", "已标记为收到"));
  CHECK(j["callback_query_id"] == "4382bfdwdsb323b2d9");
  CHECK(j["text"] == "已标记为收到");

  SUBCASE("no text, no notice") { CHECK_FALSE(json::parse(answer_callback_body("q", "")).contains("text")); }

  SUBCASE("a long notice is cut to 200 characters between two characters") {
    std::string long_text;
    for (int i = 0; i < 300; ++i) long_text += "菜";
    auto text = json::parse(answer_callback_body("q", long_text))["text"].get<std::string>();
    CHECK(handlers::utf16_length(text) == 200);
    CHECK(text.rfind("菜菜", 0) == 0);
    CHECK(text.substr(text.size() - 3) == "…");
  }
  SUBCASE("never inside an emoji (two UTF-16 units)") {
    std::string long_text = "a";
    for (int i = 0; i < 150; ++i) long_text += "😀";
    auto text = json::parse(answer_callback_body("q", long_text))["text"].get<std::string>();
    CHECK(handlers::utf16_length(text) <= 200);
    CHECK(text == "a" + [] { std::string s; for (int i = 0; i < 99; ++i) s += "😀"; return s; }() + "…");
  }
  SUBCASE("exactly 200 characters are kept whole") {
    std::string t(200, 'x');
    CHECK(json::parse(answer_callback_body("q", t))["text"] == t);
  }
}

TEST_CASE("bot api: sendDocument is multipart/form-data with the file and where it goes") {
  handlers::OutgoingMessage m{.chat_id = "-1001234567890123", .thread_id = 7,
                              .text = "household,item,qty\r\n3-2-502,白菜,2\n", .reply_to = std::string("55"),
                              .document_name = "shopping-list.csv"};
  auto form = send_document_body(m);
  REQUIRE(form.content_type.rfind("multipart/form-data; boundary=", 0) == 0);
  bot::loopback::RecordedCall call;
  REQUIRE(bot::loopback::parse_multipart(form.content_type, form.body, call));
  CHECK(call.form["chat_id"] == "-1001234567890123");
  CHECK(call.form["message_thread_id"] == "7");
  auto reply = json::parse(call.form["reply_parameters"]);
  CHECK(reply["message_id"] == 55);
  CHECK(reply["allow_sending_without_reply"] == true);
  CHECK_FALSE(call.form.contains("caption"));
  CHECK(call.file_field == "document");
  CHECK(call.file_name == "shopping-list.csv");
  CHECK(call.file_content_type == "text/csv");
  CHECK(call.file_contents == m.text);  // byte for byte, line endings included

  SUBCASE("only what the row has") {
    handlers::OutgoingMessage plain{.chat_id = "42", .text = "x", .document_name = "orders.json"};
    bot::loopback::RecordedCall c;
    auto f = send_document_body(plain);
    REQUIRE(bot::loopback::parse_multipart(f.content_type, f.body, c));
    CHECK(c.form.size() == 1);
    CHECK(c.form["chat_id"] == "42");
    CHECK(c.file_content_type == "application/octet-stream");
  }
  SUBCASE("an upper-case .CSV is still CSV") {
    m.document_name = "ORDERS.CSV";
    bot::loopback::RecordedCall c;
    auto f = send_document_body(m);
    REQUIRE(bot::loopback::parse_multipart(f.content_type, f.body, c));
    CHECK(c.file_content_type == "text/csv");
  }
  SUBCASE("the boundary never occurs in the contents") {
    m.text = "--supplybot-boundary-0\r\n--supplybot-boundary-1--\r\n";
    auto f = send_document_body(m);
    auto boundary = f.content_type.substr(f.content_type.find('=') + 1);
    CHECK(m.text.find(boundary) == std::string::npos);
    bot::loopback::RecordedCall c;
    REQUIRE(bot::loopback::parse_multipart(f.content_type, f.body, c));
    CHECK(c.file_contents == m.text);
  }
  SUBCASE("a file name cannot break out of its header") {
    m.document_name = "a\"b\r\nX-Evil: 1.csv";
    bot::loopback::RecordedCall c;
    auto f = send_document_body(m);
    REQUIRE(bot::loopback::parse_multipart(f.content_type, f.body, c));
    CHECK(c.file_name == "a_b__X-Evil: 1.csv");
  }
  SUBCASE("a Chinese file name is sent as UTF-8") {
    m.document_name = "购物清单.csv";
    bot::loopback::RecordedCall c;
    auto f = send_document_body(m);
    REQUIRE(bot::loopback::parse_multipart(f.content_type, f.body, c));
    CHECK(c.file_name == "购物清单.csv");
  }
}

TEST_CASE("bot api: answers to answerCallbackQuery and sendDocument") {
  CHECK(interpret_response(200, R"({"ok":true,"result":true})", "").outcome == SendOutcome::sent);
  auto old = interpret_response(400, R"({"ok":false,"error_code":400,"description":"Bad Request: query is too old and response timeout expired or query ID is invalid"})", "");
  CHECK(old.outcome == SendOutcome::refused);
  CHECK(old.reason.find("query is too old") != std::string::npos);
  auto doc = interpret_response(200, R"({"ok":true,"result":{"message_id":7,"document":{"file_name":"a.csv"}}})", "");
  CHECK(doc.outcome == SendOutcome::sent);
  CHECK(doc.message_id == "7");
}
