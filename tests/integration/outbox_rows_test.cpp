// The outbox's senders end to end: rows are written with the store (as the engine would), the
// real server's outbox sends them, and local HTTP servers standing in for the Telegram Bot API,
// a WeCom group robot and a bridge record what arrived.

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <thread>

#include "bot/service.hpp"
#include "config/config.hpp"
#include "handlers/outbox_policy.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/support/test_config.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::testing;
using nlohmann::json;

namespace {

config::Config make_config(const TempDir& dir, config::Environment extra) { return server_config(dir, extra); }

// Writes rows due now, before the server starts, and returns their ids in order.
std::vector<std::int64_t> enqueue(const TempDir& dir, const std::vector<handlers::OutgoingMessage>& rows) {
  storage::SqliteStore store({.path = dir.path() / "bot.db"});
  std::vector<std::int64_t> ids;
  store.write([&](handlers::StoreTx& tx) {
    for (const auto& m : rows) ids.push_back(tx.enqueue_outbox(m, 0, 1));
  });
  return ids;
}

std::string query_text(const std::filesystem::path& db, const std::string& sql) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  d.setBusyTimeout(5000);
  SQLite::Statement q(d, sql);
  if (!q.executeStep()) return "<no row>";
  return q.getColumn(0).isNull() ? "<null>" : q.getColumn(0).getString();
}

// Waits until the row's state is no longer pending (the outbox records outcomes in batches).
std::string state_of(const TempDir& dir, std::int64_t id, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto until = std::chrono::steady_clock::now() + timeout;
  std::string state;
  do {
    state = query_text(dir.path() / "bot.db", "SELECT state FROM outbox WHERE id = " + std::to_string(id));
    if (state != "pending") return state;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < until);
  return state;
}

std::string last_error(const TempDir& dir, std::int64_t id) {
  return query_text(dir.path() / "bot.db", "SELECT last_error FROM outbox WHERE id = " + std::to_string(id));
}

const RecordedCall* find_call(const std::vector<RecordedCall>& calls, const std::string& method) {
  for (const auto& c : calls)
    if (c.method == method) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("outbox/telegram: a button answer, a file and a message with a keyboard") {
  TempDir dir;
  FakeBotApi api;
  std::string long_notice;
  for (int i = 0; i < 250; ++i) long_notice += "好";
  std::string csv = "household,item,qty\n3-2-502,白菜,2\n5-1101,大米,10\n";
  auto ids = enqueue(dir, {
      handlers::OutgoingMessage{.chat_id = "-100123", .text = long_notice, .callback_id = std::string("cbq-1")},
      handlers::OutgoingMessage{.chat_id = "-100123", .thread_id = 4, .text = csv, .reply_to = std::string("70"),
                                .document_name = "shopping-list.csv"},
      handlers::OutgoingMessage{.chat_id = "-100123", .text = "订单 #1",
                                .markup_json = R"({"inline_keyboard":[[{"text":"收到","callback_data":"recv:1"}]]})",
                                .order_no = 1},
  });
  bot::Service service(telegram_config(dir, api.api_root()));
  service.start();
  REQUIRE(api.wait_for_calls(3, std::chrono::seconds(10)));
  auto calls = api.calls();

  const auto* answer = find_call(calls, "answerCallbackQuery");
  REQUIRE(answer);
  auto a = json::parse(answer->body);
  CHECK(a["callback_query_id"] == "cbq-1");
  CHECK(handlers::utf16_length(a["text"].get<std::string>()) == 200);

  const auto* doc = find_call(calls, "sendDocument");
  REQUIRE(doc);
  CHECK(doc->token == "123:TEST");
  CHECK(doc->content_type.rfind("multipart/form-data; boundary=", 0) == 0);
  CHECK(doc->form.at("chat_id") == "-100123");
  CHECK(doc->form.at("message_thread_id") == "4");
  CHECK(json::parse(doc->form.at("reply_parameters"))["message_id"] == 70);
  CHECK(doc->file_name == "shopping-list.csv");
  CHECK(doc->file_content_type == "text/csv");
  CHECK(doc->file_contents == csv);

  const auto* msg = find_call(calls, "sendMessage");
  REQUIRE(msg);
  CHECK(json::parse(msg->body)["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "recv:1");

  for (auto id : ids) CHECK(state_of(dir, id) == "sent");
  // The file and the message got the Bot API's message ids; the button answer has none.
  CHECK(query_text(dir.path() / "bot.db", "SELECT sent_message_id FROM outbox WHERE id = " + std::to_string(ids[1])) != "<null>");
  service.stop();
}

// A reply put off before a restart (a retry due later) still goes before the newer replies of its
// chat: the outbox reads the waiting rows when it starts. Other chats are not held up.
TEST_CASE("outbox: after a restart, a reply waiting for a retry is not overtaken in its chat") {
  TempDir dir;
  FakeBotApi api;
  std::vector<std::int64_t> ids;
  auto now = static_cast<handlers::UnixTime>(std::time(nullptr));
  {
    storage::SqliteStore store({.path = dir.path() / "bot.db"});
    store.write([&](handlers::StoreTx& tx) {
      ids.push_back(tx.enqueue_outbox(handlers::OutgoingMessage{.chat_id = "-1", .text = "first"}, now, now));
      tx.outbox_retry(ids[0], now + 3, "502 bad gateway", true);  // the retry the last run scheduled
      ids.push_back(tx.enqueue_outbox(handlers::OutgoingMessage{.chat_id = "-1", .text = "second"}, now, now));
      ids.push_back(tx.enqueue_outbox(handlers::OutgoingMessage{.chat_id = "-2", .text = "other chat"}, now, now));
      ids.push_back(tx.enqueue_outbox(
          handlers::OutgoingMessage{.chat_id = "-1", .text = "button", .callback_id = std::string("cbq-9")}, now, now));
    });
  }
  bot::Service service(telegram_config(dir, api.api_root()));
  service.start();
  REQUIRE(api.wait_for_calls(2, std::chrono::seconds(10)));
  CHECK(state_of(dir, ids[2]) == "sent");  // another chat: at once
  CHECK(state_of(dir, ids[3]) == "sent");  // a button answer neither waits nor holds back
  CHECK(query_text(dir.path() / "bot.db", "SELECT state FROM outbox WHERE id = " + std::to_string(ids[1])) == "pending");
  REQUIRE(api.wait_for_calls(4, std::chrono::seconds(15)));
  auto calls = api.calls();
  CHECK(json::parse(calls[2].body)["text"] == "first");
  CHECK(json::parse(calls[3].body)["text"] == "second");
  CHECK(state_of(dir, ids[1]) == "sent");
  service.stop();
}

TEST_CASE("outbox/telegram: button answers do not count against a group's per-minute limit") {
  TempDir dir;
  FakeBotApi api;
  // One message a minute to a group: a second chat message would wait a minute.
  auto ids = enqueue(dir, {
      handlers::OutgoingMessage{.chat_id = "-100123", .text = "first message"},
      handlers::OutgoingMessage{.chat_id = "-100123", .text = "好的", .callback_id = std::string("cbq-1")},
      handlers::OutgoingMessage{.chat_id = "-100123", .text = "已取消", .callback_id = std::string("cbq-2")},
      handlers::OutgoingMessage{.chat_id = "-100123", .text = "second message"},
  });
  bot::Service service(telegram_config(dir, api.api_root(), {{"SUPPLYBOT_TELEGRAM_PER_CHAT_PER_MINUTE", "1"}}));
  service.start();
  REQUIRE(api.wait_for_calls(3, std::chrono::seconds(5)));
  CHECK(state_of(dir, ids[1]) == "sent");
  CHECK(state_of(dir, ids[2]) == "sent");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto calls = api.calls();
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].method == "sendMessage");
  CHECK(calls[1].method == "answerCallbackQuery");
  CHECK(calls[2].method == "answerCallbackQuery");
  // The second chat message waits for the group's minute.
  CHECK(query_text(dir.path() / "bot.db", "SELECT state FROM outbox WHERE id = " + std::to_string(ids[3])) == "pending");
  service.stop();
}

TEST_CASE("outbox/telegram: a button answer Telegram refuses (query too old) is failed with the reason") {
  TempDir dir;
  FakeBotApi api;
  api.script({ScriptedAnswer{400, R"({"ok":false,"error_code":400,"description":"Bad Request: query is too old and response timeout expired or query ID is invalid"})", ""}});
  auto ids = enqueue(dir, {handlers::OutgoingMessage{.chat_id = "-100123", .text = "好的", .callback_id = std::string("old")}});
  bot::Service service(telegram_config(dir, api.api_root()));
  service.start();
  REQUIRE(api.wait_for_calls(1, std::chrono::seconds(10)));
  CHECK(state_of(dir, ids[0]) == "failed");
  CHECK(last_error(dir, ids[0]).find("query is too old") != std::string::npos);
  service.stop();
}

TEST_CASE("outbox/wecom: rows go to the group robot's webhook, long ones in pieces, files only named") {
  TempDir dir;
  FakeHttpServer robot(ScriptedAnswer{200, R"({"errcode":0,"errmsg":"ok"})", ""});
  std::string long_text;
  for (int i = 0; i < 150; ++i) long_text += "3栋2单元" + std::to_string(500 + i) + " 的订单已送达\n";  // > 2048 bytes
  auto ids = enqueue(dir, {
      handlers::OutgoingMessage{.platform = handlers::Platform::wecom, .chat_id = "wrkGroup1", .text = "订单 #1 已确认"},
      handlers::OutgoingMessage{.platform = handlers::Platform::wecom, .chat_id = "wrkGroup1", .text = long_text},
      handlers::OutgoingMessage{.platform = handlers::Platform::wecom, .chat_id = "wrkGroup1",
                                .text = "household,item,qty\n3-2-502,白菜,2\n", .document_name = "shopping-list.csv"},
  });
  bot::Service service(make_config(dir, {{"SUPPLYBOT_WECHAT_OUTBOUND_URL", robot.url("/cgi-bin/webhook/send?key=k-123")}}));
  service.start();
  for (auto id : ids) CHECK(state_of(dir, id) == "sent");
  auto calls = robot.calls();
  REQUIRE(calls.size() >= 4);
  for (const auto& c : calls) {
    CHECK(c.method == "POST");
    CHECK(c.target == "/cgi-bin/webhook/send?key=k-123");
    CHECK(c.headers.at("content-type") == "application/json");
    auto j = json::parse(c.body);
    CHECK(j["msgtype"] == "text");
    CHECK(j["chatid"] == "wrkGroup1");
    CHECK(j["text"]["content"].get<std::string>().size() <= 2048);
  }
  CHECK(json::parse(calls[0].body)["text"]["content"] == "订单 #1 已确认");
  std::string rebuilt;
  for (std::size_t i = 1; i + 1 < calls.size(); ++i) rebuilt += json::parse(calls[i].body)["text"]["content"].get<std::string>() + "\n";
  CHECK(rebuilt == long_text);  // every piece, in order
  // A file is not posted (it holds addresses); the chat is told where to get it.
  auto notice = json::parse(calls.back().body)["text"]["content"].get<std::string>();
  CHECK(notice.find("shopping-list.csv") != std::string::npos);
  CHECK(notice.find("supplybot export") != std::string::npos);
  CHECK(notice.find("3-2-502") == std::string::npos);
  service.stop();
}

TEST_CASE("outbox/wecom: a piece that must be retried does not repeat the pieces already posted") {
  TempDir dir;
  FakeHttpServer robot(ScriptedAnswer{200, R"({"errcode":0,"errmsg":"ok"})", ""});
  robot.script({ScriptedAnswer{200, R"({"errcode":0,"errmsg":"ok"})", ""},
                ScriptedAnswer{200, R"({"errcode":-1,"errmsg":"system busy"})", ""}});
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "菜";  // two pieces
  auto ids = enqueue(dir, {handlers::OutgoingMessage{.platform = handlers::Platform::wecom, .chat_id = "wrkGroup1", .text = text}});
  bot::Service service(make_config(dir, {{"SUPPLYBOT_WECHAT_OUTBOUND_URL", robot.url("/send?key=k")}}));
  service.start();
  REQUIRE(robot.wait_for_calls(3, std::chrono::seconds(15)));
  CHECK(state_of(dir, ids[0]) == "sent");
  auto calls = robot.calls();
  REQUIRE(calls.size() == 3);
  CHECK(calls[1].body == calls[2].body);  // the busy piece again, not the first one
  CHECK(calls[0].body != calls[1].body);
  service.stop();
}

TEST_CASE("outbox/wecom: a refusal fails the row with the robot's errcode") {
  TempDir dir;
  FakeHttpServer robot(ScriptedAnswer{200, R"({"errcode":93000,"errmsg":"invalid webhook url, hint: [x]"})", ""});
  auto ids = enqueue(dir, {handlers::OutgoingMessage{.platform = handlers::Platform::wecom, .chat_id = "g", .text = "hi"}});
  bot::Service service(make_config(dir, {{"SUPPLYBOT_WECHAT_OUTBOUND_URL", robot.url("/send?key=wrong")}}));
  service.start();
  CHECK(state_of(dir, ids[0]) == "failed");
  CHECK(last_error(dir, ids[0]).find("errcode 93000") != std::string::npos);
  service.stop();
}

TEST_CASE("outbox/bridge: rows are posted to the callback URL with the bearer token") {
  TempDir dir;
  FakeHttpServer bridge(ScriptedAnswer{200, R"({"message_id":"wx-1"})", ""});
  bridge.script({ScriptedAnswer{503, "busy", ""}});
  auto ids = enqueue(dir, {
      handlers::OutgoingMessage{.platform = handlers::Platform::bridge, .chat_id = "wechat:room1", .text = "订单 #5 已送达",
                                .reply_to = std::string("m9"), .order_no = 5},
      handlers::OutgoingMessage{.platform = handlers::Platform::bridge, .chat_id = "wechat:room1",
                                .text = "a,b\n1,2\n", .document_name = "orders.csv"},
      handlers::OutgoingMessage{.platform = handlers::Platform::bridge, .chat_id = "wechat:room1", .text = "好的",
                                .callback_id = std::string("cb")},
  });
  bot::Service service(make_config(dir, {{"SUPPLYBOT_BRIDGE_TOKEN", "bridge-token"},
                                         {"SUPPLYBOT_BRIDGE_CALLBACK_URL", bridge.url("/supplybot/replies")}}));
  service.start();
  CHECK(state_of(dir, ids[0], std::chrono::seconds(15)) == "sent");
  CHECK(state_of(dir, ids[1], std::chrono::seconds(15)) == "sent");
  CHECK(state_of(dir, ids[2]) == "sent");  // a button answer: nothing to answer on a bridge
  auto calls = bridge.calls();
  REQUIRE(calls.size() == 3);  // 503, its retry, then the file; no call for the button answer
  for (const auto& c : calls) {
    CHECK(c.target == "/supplybot/replies");
    CHECK(c.headers.at("authorization") == "Bearer bridge-token");
    CHECK(c.headers.at("content-type") == "application/json");
  }
  CHECK(calls[0].body == calls[1].body);
  auto first = json::parse(calls[1].body);
  CHECK(first["id"] == ids[0]);
  CHECK(first["platform"] == "bridge");
  CHECK(first["chat_id"] == "wechat:room1");
  CHECK(first["text"] == "订单 #5 已送达");
  CHECK(first["reply_to"] == "m9");
  CHECK(first["order_no"] == 5);
  auto file = json::parse(calls[2].body);
  CHECK(file["document_name"] == "orders.csv");
  CHECK(file["text"] == "a,b\n1,2\n");
  // The bridge's id for the message is kept, so a reply to it finds order #5.
  CHECK(query_text(dir.path() / "bot.db", "SELECT sent_message_id FROM outbox WHERE id = " + std::to_string(ids[0])) == "wx-1");
  service.stop();
}

TEST_CASE("outbox/bridge: a 4xx fails the row") {
  TempDir dir;
  FakeHttpServer bridge(ScriptedAnswer{404, "no such chat", ""});
  auto ids = enqueue(dir, {handlers::OutgoingMessage{.platform = handlers::Platform::bridge, .chat_id = "x", .text = "hi"}});
  bot::Service service(make_config(dir, {{"SUPPLYBOT_BRIDGE_TOKEN", "t"}, {"SUPPLYBOT_BRIDGE_CALLBACK_URL", bridge.url("/cb")}}));
  service.start();
  CHECK(state_of(dir, ids[0]) == "failed");
  CHECK(last_error(dir, ids[0]).find("HTTP 404") != std::string::npos);
  service.stop();
}

TEST_CASE("outbox: rows for a platform without a sender are failed, saying why") {
  TempDir dir;
  FakeHttpServer robot(ScriptedAnswer{200, R"({"errcode":0,"errmsg":"ok"})", ""});
  auto ids = enqueue(dir, {
      handlers::OutgoingMessage{.platform = handlers::Platform::bridge, .chat_id = "room", .text = "no callback_url"},
      handlers::OutgoingMessage{.platform = handlers::Platform::wechat, .chat_id = "oFollower", .text = "Official Account"},
      handlers::OutgoingMessage{.platform = handlers::Platform::telegram, .chat_id = "-1", .text = "no bot token"},
  });
  bot::Service service(make_config(dir, {{"SUPPLYBOT_WECHAT_OUTBOUND_URL", robot.url("/send?key=k")}}));
  service.start();
  CHECK(state_of(dir, ids[0]) == "failed");
  CHECK(last_error(dir, ids[0]).find("bridge.callback_url is not set") != std::string::npos);
  CHECK(state_of(dir, ids[1]) == "failed");
  CHECK(last_error(dir, ids[1]).find("Official Account") != std::string::npos);
  CHECK(state_of(dir, ids[2]) == "failed");
  CHECK(last_error(dir, ids[2]).find("telegram is not configured") != std::string::npos);
  CHECK(robot.calls().empty());  // an Official Account follower is never written to through the robot
  service.stop();
}
