// End to end through the real server on a loopback port, with a real local HTTP server standing
// in for the Telegram Bot API.

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "bot/service.hpp"
#include "config/config.hpp"
#include "tests/support/test_config.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::testing;
using nlohmann::json;

namespace {

const auto& k_headers = k_telegram_headers;

config::Config test_config(const TempDir& dir, const std::string& api_root) { return telegram_config(dir, api_root); }

std::string update(std::int64_t update_id, const std::string& text, std::int64_t message_id = 10,
                   std::int64_t chat_id = -100123, std::int64_t user_id = 777, const char* kind = "message") {
  json msg = {{"message_id", message_id},
              {"date", 1764300000},
              {"chat", {{"id", chat_id}, {"type", chat_id < 0 ? "supergroup" : "private"}, {"title", "3号楼"}}},
              {"from", {{"id", user_id}, {"is_bot", false}, {"first_name", "王"}, {"language_code", "zh-hans"}}},
              {"text", text}};
  return json{{"update_id", update_id}, {kind, msg}}.dump();
}

std::int64_t count(const std::filesystem::path& db, const std::string& sql) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  d.setBusyTimeout(5000);
  SQLite::Statement q(d, sql);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

std::string text_of(const RecordedCall& c) { return json::parse(c.body).value("text", ""); }

}  // namespace

TEST_CASE("server: health, metrics, 404 and 405") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(test_config(dir, api.api_root()));
  service.start();
  auto port = service.port();

  auto h = http_request(port, "GET", "/healthz");
  CHECK(h.status == 200);
  CHECK(json::parse(h.body)["status"] == "ok");

  auto nf = http_request(port, "GET", "/nope");
  CHECK(nf.status == 404);
  CHECK(json::parse(nf.body)["error"] == "not_found");

  auto na = http_request(port, "GET", "/telegram/webhook");
  CHECK(na.status == 405);
  CHECK(na.headers["allow"] == "POST");

  auto m = http_request(port, "GET", "/metrics");
  CHECK(m.status == 200);
  CHECK(m.body.find("supplybot_http_requests_total{route=\"/healthz\",status=\"200\"} 1") != std::string::npos);
  CHECK(m.body.find("supplybot_outbox_depth{state=\"pending\"}") != std::string::npos);
  CHECK(m.body.find("supplybot_http_request_duration_seconds_bucket") != std::string::npos);
  // The store's own counters: the server's store checkpoints on a thread of its own.
  CHECK(m.body.find("# TYPE supplybot_storage_checkpoints_total counter\nsupplybot_storage_checkpoints_total ") !=
        std::string::npos);
  CHECK(m.body.find("supplybot_storage_writer_checkpoints_total 0") != std::string::npos);
  service.stop();
}

TEST_CASE("telegram: /start is stored once and answered as a reply in the chat") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(test_config(dir, api.api_root()));
  service.start();

  auto r = http_request(service.port(), "POST", "/telegram/webhook", update(1, "/start@SupplyBot", 55), k_headers);
  CHECK(r.status == 200);
  REQUIRE(api.wait_for_calls(1, std::chrono::seconds(10)));
  auto call = api.calls().front();
  CHECK(call.method == "sendMessage");
  CHECK(call.token == "123:TEST");
  auto body = json::parse(call.body);
  CHECK(body["chat_id"] == -100123);
  CHECK(body["reply_parameters"]["message_id"] == 55);
  CHECK(text_of(call).find("您好") != std::string::npos);

  SUBCASE("a redelivered update changes nothing and still gets 200") {
    auto again = http_request(service.port(), "POST", "/telegram/webhook", update(1, "/start@SupplyBot", 55), k_headers);
    CHECK(again.status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(api.calls().size() == 1);
    CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 1);
  }
  SUBCASE("English help in English") {
    json u = json::parse(update(2, "/help", 56));
    u["message"]["from"]["language_code"] = "en";
    CHECK(http_request(service.port(), "POST", "/telegram/webhook", u.dump(), k_headers).status == 200);
    REQUIRE(api.wait_for_calls(2, std::chrono::seconds(10)));
    CHECK(text_of(api.calls()[1]).find("I collect grocery orders") != std::string::npos);
  }
  service.stop();
}

TEST_CASE("telegram: bad secret, malformed JSON, wrong types and oversized bodies store nothing") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(test_config(dir, api.api_root()));
  service.start();
  auto port = service.port();

  auto bad = k_headers;
  bad["X-Telegram-Bot-Api-Secret-Token"] = "s3cret-tokeX";
  CHECK(http_request(port, "POST", "/telegram/webhook", update(1, "/start"), bad).status == 401);
  CHECK(http_request(port, "POST", "/telegram/webhook", update(1, "/start"), {{"Content-Type", "application/json"}}).status == 401);

  auto malformed = http_request(port, "POST", "/telegram/webhook", "{\"update_id\": 1, ", k_headers);
  CHECK(malformed.status == 400);
  CHECK(json::parse(malformed.body)["error"] == "bad_request");

  CHECK(http_request(port, "POST", "/telegram/webhook", R"({"update_id":"1","message":{}})", k_headers).status == 400);
  // An Update (integer update_id) whose message has an unexpected shape: acknowledged and not
  // stored (logged as unreadable_update); a 400 would hold back every later update of the bot.
  auto odd = http_request(port, "POST", "/telegram/webhook",
                          R"({"update_id":5,"message":{"message_id":1,"chat":{"id":"x","type":"group"},"text":"hi"}})",
                          k_headers);
  CHECK(odd.status == 200);
  CHECK(http_request(port, "GET", "/metrics", "", {}).body.find("supplybot_inbound_total{platform=\"telegram\",result=\"rejected\"} 3") != std::string::npos);
  CHECK(http_request(port, "POST", "/telegram/webhook", "[1,2]", k_headers).status == 400);

  std::string huge(2 * 1024 * 1024, 'x');
  auto big = http_request(port, "POST", "/telegram/webhook", huge, k_headers);
  CHECK(big.status == 413);
  CHECK(json::parse(big.body)["error"] == "payload_too_large");

  // Kinds we do not handle are acknowledged, or Telegram would stall the chat.
  CHECK(http_request(port, "POST", "/telegram/webhook", R"({"update_id":9,"channel_post":{"message_id":1}})", k_headers)
            .status == 200);
  CHECK(http_request(port, "POST", "/telegram/webhook",
                     R"({"update_id":10,"message":{"message_id":1,"chat":{"id":-5,"type":"group"},"sticker":{}}})", k_headers)
            .status == 200);

  service.stop();
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 0);
  CHECK(api.calls().empty());
}

TEST_CASE("telegram: an order becomes a stored order with a confirmation, and an edit changes it") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(test_config(dir, api.api_root()));
  service.start();
  auto port = service.port();

  CHECK(http_request(port, "POST", "/telegram/webhook", update(100, "3栋2单元502 白菜2斤 鸡蛋一盒", 70), k_headers).status == 200);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM orders") == 1);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM order_items") == 2);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM households WHERE address = '3-2-502'") == 1);
  REQUIRE(api.wait_for_calls(1, std::chrono::seconds(10)));
  auto confirm = text_of(api.calls()[0]);
  CHECK(confirm.find("3-2-502") != std::string::npos);
  CHECK(confirm.find("白菜 2斤") != std::string::npos);
  CHECK(confirm.find("#1") != std::string::npos);

  // The resident edits the message: same order, new items.
  CHECK(http_request(port, "POST", "/telegram/webhook", update(101, "3栋2单元502 白菜3斤 鸡蛋一盒", 70, -100123, 777, "edited_message"),
                     k_headers)
            .status == 200);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM orders") == 1);
  CHECK(count(dir.path() / "bot.db", "SELECT qty FROM order_items WHERE name = '白菜'") == 3);
  REQUIRE(api.wait_for_calls(2, std::chrono::seconds(10)));
  CHECK(text_of(api.calls()[1]).find("已更新") != std::string::npos);

  // Replying "取消" to the bot's confirmation cancels that order.
  json cancel = json::parse(update(102, "取消", 71));
  cancel["message"]["reply_to_message"] = {{"message_id", 1000}, {"chat", {{"id", -100123}, {"type", "supergroup"}}}, {"date", 1}};
  CHECK(http_request(port, "POST", "/telegram/webhook", cancel.dump(), k_headers).status == 200);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM orders WHERE status = 'cancelled'") == 1);
  service.stop();
}

TEST_CASE("outbox: a 429 is obeyed with retry_after, a 400 is failed for good, 5xx retried") {
  TempDir dir;
  FakeBotApi api;
  api.script({ScriptedAnswer{429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}})", "1"},
              ScriptedAnswer{200, ""},
              ScriptedAnswer{400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})", ""},
              ScriptedAnswer{502, "bad gateway", ""}});
  bot::Service service(test_config(dir, api.api_root()));
  service.start();
  auto port = service.port();
  auto t0 = std::chrono::steady_clock::now();
  CHECK(http_request(port, "POST", "/telegram/webhook", update(1, "/help", 1), k_headers).status == 200);
  REQUIRE(api.wait_for_calls(2, std::chrono::seconds(10)));
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(900));
  CHECK(api.calls()[0].body == api.calls()[1].body);

  CHECK(http_request(port, "POST", "/telegram/webhook", update(2, "/help", 2, -100999), k_headers).status == 200);
  REQUIRE(api.wait_for_calls(3, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'failed' AND last_error LIKE '400%chat not found%'") == 1);

  CHECK(http_request(port, "POST", "/telegram/webhook", update(3, "/help", 3, -100777), k_headers).status == 200);
  REQUIRE(api.wait_for_calls(5, std::chrono::seconds(15)));  // 502, then success after backoff
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 2);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 0);
  service.stop();
}

TEST_CASE("outbox: unsent rows are sent after a restart") {
  TempDir dir;
  {
    // The Bot API is unreachable: replies wait in the outbox.
    bot::Service service(test_config(dir, "http://127.0.0.1:1"));
    service.start();
    CHECK(http_request(service.port(), "POST", "/telegram/webhook", update(1, "/start", 1), k_headers).status == 200);
    CHECK(http_request(service.port(), "POST", "/telegram/webhook", update(2, "/help", 2), k_headers).status == 200);
    service.stop();
  }
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 2);
  // Make them due now (the failed attempts pushed them back by the backoff).
  {
    SQLite::Database d((dir.path() / "bot.db").string(), SQLite::OPEN_READWRITE);
    d.exec("UPDATE outbox SET due_at = 0");
  }
  FakeBotApi api;
  bot::Service service(test_config(dir, api.api_root()));
  service.start();
  REQUIRE(api.wait_for_calls(2, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 2);
  service.stop();
}

TEST_CASE("bridge: replies come back in the response body and are not sent twice") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(test_config(dir, api.api_root()));
  service.start();
  auto port = service.port();
  json msg = {{"platform", "wechat"}, {"chat_id", "room1"}, {"chat_type", "group"}, {"sender_id", "wxid_a"},
              {"sender_name", "李阿姨"}, {"message_id", "m1"}, {"text", "5-1101 大米10斤，食用油1桶"}};
  std::map<std::string, std::string> auth = {{"Authorization", "Bearer bridge-token"}, {"Content-Type", "application/json"}};
  auto r = http_request(port, "POST", "/api/v1/messages", msg.dump(), auth);
  REQUIRE(r.status == 200);
  auto body = json::parse(r.body);
  REQUIRE(body["replies"].size() == 1);
  CHECK(body["replies"][0]["text"].get<std::string>().find("5-1101") != std::string::npos);
  CHECK(body["replies"][0]["reply_to"] == "m1");

  auto dup = json::parse(http_request(port, "POST", "/api/v1/messages", msg.dump(), auth).body);
  CHECK(dup["replies"].empty());
  CHECK(dup["duplicate"] == true);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM orders") == 1);

  CHECK(http_request(port, "POST", "/api/v1/messages", msg.dump(), {{"Authorization", "Bearer nope"}}).status == 401);
  CHECK(http_request(port, "POST", "/api/v1/messages", R"({"chat_id":"x"})", auth).status == 400);
  service.stop();
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 0);
  CHECK(api.calls().empty());
}

TEST_CASE("outbox: https Bot API with a verified certificate; an untrusted one is refused") {
  TempDir dir;
  auto tls = make_self_signed(dir.path());
  FakeBotApi api(tls);
  SUBCASE("trusted through telegram.ca_file") {
    auto cfg = test_config(dir, api.api_root());
    cfg.telegram.ca_file = tls.cert.string();
    bot::Service service(cfg);
    service.start();
    CHECK(http_request(service.port(), "POST", "/telegram/webhook", update(1, "/help", 1), k_headers).status == 200);
    REQUIRE(api.wait_for_calls(1, std::chrono::seconds(10)));
    CHECK(api.calls()[0].method == "sendMessage");
    service.stop();
  }
  SUBCASE("not trusted: nothing is sent, the row waits for a retry") {
    bot::Service service(test_config(dir, api.api_root()));
    service.start();
    CHECK(http_request(service.port(), "POST", "/telegram/webhook", update(1, "/help", 1), k_headers).status == 200);
    CHECK_FALSE(api.wait_for_calls(1, std::chrono::milliseconds(1500)));
    service.stop();
    CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND last_error LIKE '%certificate%'") == 1);
  }
}

TEST_CASE("outbox: a reply waiting for a retry is not overtaken by a later one in the same chat") {
  TempDir dir;
  FakeBotApi api;
  api.script({ScriptedAnswer{502, "bad gateway", ""}});
  bot::Service service(test_config(dir, api.api_root()));
  service.start();
  CHECK(http_request(service.port(), "POST", "/telegram/webhook", update(1, "/help", 1), k_headers).status == 200);
  REQUIRE(api.wait_for_calls(1, std::chrono::seconds(10)));
  CHECK(http_request(service.port(), "POST", "/telegram/webhook", update(2, "/start", 2), k_headers).status == 200);
  REQUIRE(api.wait_for_calls(3, std::chrono::seconds(15)));
  auto calls = api.calls();
  CHECK(calls[1].body == calls[0].body);                          // the retry of the first reply
  CHECK(text_of(calls[2]).find("您好") != std::string::npos);     // then the /start answer
  service.stop();
}
