// The logistics team end to end: real server on loopback, local stand-in Bot API. A coordinator
// adds a volunteer, an order reaches the volunteer's private chat with buttons, a button press is
// answered (answerCallbackQuery) and tells the household, and /export arrives as a file.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>

#include "bot/service.hpp"
#include "config/config.hpp"
#include "tests/support/test_config.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::testing;
using nlohmann::json;

namespace {

const auto& k_headers = k_telegram_headers;
constexpr std::int64_t k_group = -100123;

config::Config team_config(const TempDir& dir, const std::string& api_root, const std::string& tick_seconds = "30") {
  return telegram_config(dir, api_root,
                         {{"SUPPLYBOT_LOGISTICS_TICK_SECONDS", tick_seconds}, {"SUPPLYBOT_ROLES_COORDINATORS", "telegram:900"}});
}

json from(std::int64_t user, const std::string& username) {
  return {{"id", user}, {"is_bot", false}, {"first_name", "u" + std::to_string(user)}, {"username", username},
          {"language_code", "zh-hans"}};
}

std::string message(std::int64_t update_id, std::int64_t chat, std::int64_t user, const std::string& username,
                    const std::string& text) {
  json msg = {{"message_id", update_id + 1000},
              {"date", 1764300000},
              {"chat", {{"id", chat}, {"type", chat < 0 ? "supergroup" : "private"}}},
              {"from", from(user, username)},
              {"text", text}};
  return json{{"update_id", update_id}, {"message", msg}}.dump();
}

std::string button(std::int64_t update_id, std::int64_t chat, std::int64_t user, const std::string& data) {
  json q = {{"id", "cbq" + std::to_string(update_id)},
            {"from", from(user, "")},
            {"chat_instance", "1"},
            {"data", data},
            {"message", {{"message_id", 5000}, {"date", 1764300000}, {"chat", {{"id", chat}, {"type", "private"}}}, {"text", "card"}}}};
  return json{{"update_id", update_id}, {"callback_query", q}}.dump();
}

struct Run {
  FakeBotApi& api;
  std::uint16_t port;
  std::int64_t next = 1;
  void post(const std::string& body) {
    auto r = http_request(port, "POST", "/telegram/webhook", body, k_headers);
    REQUIRE(r.status == 200);
  }
  void say(std::int64_t chat, std::int64_t user, const std::string& username, const std::string& text) {
    post(message(next, chat, user, username, text));
    ++next;
  }
  // The first recorded call matching pred, waiting for it.
  std::optional<RecordedCall> find(const std::function<bool(const RecordedCall&)>& pred) {
    for (int i = 0; i < 100; ++i) {
      auto calls = api.calls();
      auto it = std::find_if(calls.begin(), calls.end(), pred);
      if (it != calls.end()) return *it;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }
};

bool to_chat_with(const RecordedCall& c, std::int64_t chat, const std::string& part) {
  if (c.method != "sendMessage") return false;
  auto b = json::parse(c.body);
  return b["chat_id"] == chat && b.value("text", "").find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("logistics end to end: volunteer added, task with buttons, a press answered, the household told, export") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(team_config(dir, api.api_root()));
  service.start();
  Run run{api, service.port()};

  run.say(k_group, 701, "xiaoli", "大家好，我来帮忙");
  run.say(701, 701, "xiaoli", "/start");  // the volunteer's private chat with the bot
  run.say(k_group, 900, "boss", "/volunteer add @xiaoli zones=3 capacity=5");
  REQUIRE(run.find([](const RecordedCall& c) { return to_chat_with(c, k_group, "已添加志愿者 u701"); }));
  run.say(k_group, 701, "xiaoli", "/on");
  run.say(k_group, 1, "wang", "3栋2单元502 白菜2斤 鸡蛋一盒");

  auto confirmation = run.find([](const RecordedCall& c) { return to_chat_with(c, k_group, "已安排志愿者 u701"); });
  REQUIRE(confirmation);
  CHECK(json::parse(confirmation->body)["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "cancel:1");
  auto card = run.find([](const RecordedCall& c) { return to_chat_with(c, 701, "新任务"); });
  REQUIRE(card);
  CHECK(json::parse(card->body)["text"].get<std::string>().find("3-2-502") != std::string::npos);
  CHECK(json::parse(card->body)["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "bought:1");

  // A stranger's press is refused on their screen; the holder's press marks it bought.
  run.post(button(run.next++, 701, 55, "bought:1"));
  auto refused = run.find([](const RecordedCall& c) {
    return c.method == "answerCallbackQuery" && json::parse(c.body).value("text", "").find("志愿者") != std::string::npos;
  });
  REQUIRE(refused);
  run.post(button(run.next++, 701, 701, "bought:1"));
  auto answered = run.find([](const RecordedCall& c) {
    return c.method == "answerCallbackQuery" && json::parse(c.body).value("text", "").find("已标记为已购") != std::string::npos;
  });
  REQUIRE(answered);
  CHECK(run.find([](const RecordedCall& c) { return to_chat_with(c, k_group, "已买好，正在配送"); }));

  // The coordinator's export arrives in their private chat as a CSV file.
  run.say(900, 900, "boss", "/export");
  auto file = run.find([](const RecordedCall& c) { return c.method == "sendDocument"; });
  REQUIRE(file);
  CHECK(file->form["chat_id"] == "900");
  CHECK(file->file_name.rfind("orders-", 0) == 0);
  CHECK(file->file_contents.find("3-2-502") != std::string::npos);
  CHECK(file->file_contents.find("u701") != std::string::npos);
  service.stop();
}

// The service's own timer runs the engine's tick: a round whose cut-off has passed is closed and
// split without anyone writing. The cut-off is moved into the past from outside (another
// connection, as an operator's sqlite3 would), which the server must also notice.
TEST_CASE("logistics end to end: the tick timer closes a round at its cut-off") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(team_config(dir, api.api_root(), "1"));
  service.start();
  Run run{api, service.port()};

  run.say(701, 701, "xiaoli", "/start");
  run.say(k_group, 900, "boss", "/volunteer add @xiaoli zones=3 capacity=5");
  run.say(k_group, 701, "xiaoli", "/on");
  run.say(k_group, 900, "boss", "/round open 23:59");
  REQUIRE(run.find([](const RecordedCall& c) { return to_chat_with(c, k_group, "23:59 截止"); }));
  run.say(k_group, 1, "wang", "3栋2单元502 白菜2斤");
  REQUIRE(run.find([](const RecordedCall& c) { return to_chat_with(c, k_group, "#1"); }));
  {
    SQLite::Database db((dir.path() / "bot.db").string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM rounds WHERE closed_at IS NULL").getInt() == 1);
    db.exec("UPDATE rounds SET closes_at = 1 WHERE closed_at IS NULL");
  }
  // No message is sent meanwhile: only the timer can do this.
  auto summary = run.find([](const RecordedCall& c) { return to_chat_with(c, k_group, "已截止，共 1 单"); });
  REQUIRE(summary);
  CHECK(run.find([](const RecordedCall& c) { return to_chat_with(c, 701, "3-2-502"); }));
  service.stop();
  SQLite::Database db((dir.path() / "bot.db").string(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM rounds WHERE closed_at IS NOT NULL").getInt() == 1);
  CHECK(db.execAndGet("SELECT status FROM orders WHERE id = 1").getString() == "assigned");
}
