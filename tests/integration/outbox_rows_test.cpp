// The outbox's senders end to end: rows are written with the store (as the engine would), the
// real server's outbox sends them, and local HTTP servers standing in for the Telegram Bot API,
// a WeCom group robot and a bridge record what arrived.

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "bot/service.hpp"
#include "config/config.hpp"
#include "handlers/outbox_policy.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::testing;
using nlohmann::json;

namespace {

config::Config make_config(const TempDir& dir, config::Environment extra) {
  config::Environment env = {{"SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0"},
                             {"SUPPLYBOT_SERVER_THREADS", "2"},
                             {"SUPPLYBOT_STORAGE_PATH", (dir.path() / "bot.db").string()},
                             {"SUPPLYBOT_BOT_CATALOG", std::string(SUPPLYBOT_SOURCE_DIR) + "/config/catalog.toml"}};
  for (auto& [k, v] : extra) env[k] = v;
  auto r = config::load({}, env);
  for (const auto& e : r.errors) MESSAGE(e);
  REQUIRE(r.ok());
  return r.config;
}

config::Config telegram_config(const TempDir& dir, const std::string& api_root, config::Environment extra = {}) {
  extra["SUPPLYBOT_TELEGRAM_BOT_TOKEN"] = "123:TEST";
  extra["SUPPLYBOT_TELEGRAM_SECRET_TOKEN"] = "s3cret-token";
  extra["SUPPLYBOT_TELEGRAM_API_ROOT"] = api_root;
  return make_config(dir, std::move(extra));
}

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
