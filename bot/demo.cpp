#include "bot/demo.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <ostream>
#include <random>
#include <thread>

#include "bot/loopback_http.hpp"
#include "bot/service.hpp"
#include "config/config.hpp"
#include "handlers/texts.hpp"
#include "storage/sqlite_store.hpp"

namespace supplybot::bot {

using nlohmann::json;

namespace {

constexpr std::int64_t k_group = -1001000000003;  // 3号楼 residents' group
constexpr const char* k_secret = "demo-secret";

struct Person {
  std::int64_t id;
  const char* name;
  const char* language;
};

const Person k_wang{5001, "王阿姨", "zh-hans"};
const Person k_tan{5002, "Mr Tan", "en"};
const Person k_li{5003, "李叔", "zh-hans"};
const Person k_zhao{5004, "赵姐", "zh-hans"};
const Person k_sun{5005, "孙哥", "zh-hans"};

// One scripted message and what the bot must do with it.
struct Step {
  const Person& who;
  std::string text;
  int replies;                 // bot messages expected in answer
  std::string expect;          // a phrase the (first) reply must contain; empty: none
  std::int64_t message_id{0};  // 0: a new message id
  bool edited{false};
  int reply_to_step{-1};       // answer to the bot's reply of that step (e.g. "取消")
  std::string caption;         // narration printed before the message
};

class Demo {
 public:
  Demo(std::ostream& out, loopback::FakeBotApi& api, std::uint16_t port) : out_(out), api_(api), port_(port) {}

  bool run(const std::vector<Step>& steps) {
    bool ok = true;
    for (std::size_t i = 0; i < steps.size(); ++i) ok = play(i, steps[i]) && ok;
    return ok;
  }

 private:
  bool play(std::size_t index, const Step& s) {
    if (!s.caption.empty()) out_ << "\n  — " << s.caption << " —\n";
    std::int64_t message_id = s.message_id ? s.message_id : next_message_id_++;
    json msg = {{"message_id", message_id},
                {"date", 1764306000 + static_cast<std::int64_t>(index) * 60},
                {"chat", {{"id", k_group}, {"type", "supergroup"}, {"title", "3号楼居民群"}}},
                {"from", {{"id", s.who.id}, {"is_bot", false}, {"first_name", s.who.name}, {"language_code", s.who.language}}},
                {"text", s.text}};
    if (s.edited) msg["edit_date"] = 1764306000 + static_cast<std::int64_t>(index) * 60 + 30;
    if (s.reply_to_step >= 0) {
      msg["reply_to_message"] = {{"message_id", bot_message_of_step_.at(static_cast<std::size_t>(s.reply_to_step))},
                                 {"date", 1764306000},
                                 {"chat", {{"id", k_group}, {"type", "supergroup"}}}};
    }
    json update = {{"update_id", next_update_id_++}, {s.edited ? "edited_message" : "message", msg}};
    step_message_ids_.push_back(message_id);

    std::string who = std::string(s.who.name) + (s.edited ? " (edited)" : "");
    out_ << who << ": " << indent(s.text, who.size() + 2) << "\n";
    auto before = api_.calls().size();
    auto res = loopback::http_request(port_, "POST", "/telegram/webhook", update.dump(),
                                      {{"X-Telegram-Bot-Api-Secret-Token", k_secret}, {"Content-Type", "application/json"}});
    bool ok = res.status == 200;
    if (!ok) out_ << "  !! the webhook answered " << res.status << ": " << res.body << "\n";
    if (s.replies > 0) {
      ok = api_.wait_for_calls(before + static_cast<std::size_t>(s.replies), std::chrono::seconds(10)) && ok;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    auto calls = api_.calls();
    std::string first;
    for (std::size_t k = before; k < calls.size(); ++k) {
      auto body = json::parse(calls[k].body, nullptr, false);
      std::string text = body.is_object() ? body.value("text", "") : "";
      if (k == before) {
        first = text;
        bot_message_of_step_[index] = 1000 + static_cast<std::int64_t>(k);  // the stand-in numbers them
      }
      out_ << "  supplybot ↩ " << indent(text, 14) << "\n";
    }
    if (static_cast<int>(calls.size() - before) != s.replies) {
      out_ << "  !! expected " << s.replies << " bot message(s), got " << (calls.size() - before) << "\n";
      ok = false;
    }
    if (s.replies == 0 && calls.size() == before) out_ << "  (supplybot stays quiet: this is not for it)\n";
    if (!s.expect.empty() && first.find(s.expect) == std::string::npos) {
      out_ << "  !! expected the answer to mention \"" << s.expect << "\"\n";
      ok = false;
    }
    return ok;
  }

  static std::string indent(const std::string& text, std::size_t width) {
    std::string out;
    for (char c : text) {
      out += c;
      if (c == '\n') out += std::string(width, ' ');
    }
    return out;
  }

  std::ostream& out_;
  loopback::FakeBotApi& api_;
  std::uint16_t port_;
  std::int64_t next_update_id_{900001};
  std::int64_t next_message_id_{101};
  std::vector<std::int64_t> step_message_ids_;
  std::map<std::size_t, std::int64_t> bot_message_of_step_;
};

std::vector<Step> scenario() {
  std::string jielong = "#接龙 明天蔬菜包\n1. 3-2-502 土豆3斤\n2. 4栋1单元301 西红柿2斤";
  std::vector<Step> s;
  s.push_back({k_wang, "3栋2单元502 白菜2斤 鸡蛋一盒", 1, "3-2-502", 0, false, -1, "morning: residents order in their own words"});
  s.push_back({k_tan, "Flat 12B, 2 loaves of bread and a dozen eggs pls", 1, "12B"});
  s.push_back({k_li, "大米10斤，食用油1桶", 1, "门牌号", 0, false, -1, "an order without an address is held, and the bot asks once"});
  s.push_back({k_li, "5号楼1101", 1, "5-1101"});
  s.push_back({k_wang, "3栋2单元502 白菜3斤 鸡蛋一盒", 1, "已更新", 101, true, -1, "王阿姨 edits her message: the same order changes"});
  s.push_back({k_zhao, jielong, 1, "3-2-502", 0, false, -1, "a 接龙 list: each new entry becomes an order"});
  s.push_back({k_sun, jielong + "\n3. 6-2-602 苹果5个", 1, "6-2-602"});
  s.push_back({k_zhao, jielong + "\n3. 6-2-602 苹果5个", 0, "", 0, false, -1, "a re-posted copy of the list changes nothing"});
  s.push_back({k_li, "取消", 1, "已取消", 0, false, 3, "李叔 replies 取消 to his confirmation"});
  s.push_back({k_sun, "6-2-602 老样子来点吃的", 1, "没看懂", 0, false, -1, "an unclear order: the bot asks instead of guessing"});
  s.push_back({k_wang, "谢谢志愿者们辛苦了！", 0, "", 0, false, -1, "thanks and notices are not for the bot"});
  s.push_back({k_wang, "我的菜什么时候到?", 1, "3-2-502", 0, false, -1, "questions about an order get its status"});
  s.push_back({k_tan, "/my", 1, "12B"});
  return s;
}

void print_state(std::ostream& out, handlers::Store& store, std::size_t sent) {
  out << "\n=== Orders after the morning ===\n";
  for (const auto& [status, n] : store.orders_by_status()) out << "  " << status << ": " << n << "\n";
  auto orders = store.recent_orders(100);
  std::reverse(orders.begin(), orders.end());
  for (const auto& o : orders) {
    out << "  #" << o.no.value << " " << o.address << " [" << handlers::texts::status_name(handlers::Lang::en, o.status)
        << "]";
    for (const auto& l : o.lines) out << "  " << handlers::texts::line_text(l);
    out << "\n";
  }
  auto st = store.outbox_stats();
  out << "  replies: " << sent << " sent, " << st.pending << " pending, " << st.failed << " failed\n";
}

}  // namespace

int run_demo(const DemoOptions& options, std::ostream& out) {
  auto dir = std::filesystem::temp_directory_path() / ("supplybot-demo-" + std::to_string(std::random_device{}()));
  auto database = options.database.empty() ? dir / "demo.db" : options.database;
  loopback::FakeBotApi api;
  auto loaded = config::load({}, {{"SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0"},
                                  {"SUPPLYBOT_SERVER_THREADS", "2"},
                                  {"SUPPLYBOT_STORAGE_PATH", database.string()},
                                  {"SUPPLYBOT_TELEGRAM_BOT_TOKEN", "0:DEMO"},
                                  {"SUPPLYBOT_TELEGRAM_SECRET_TOKEN", k_secret},
                                  {"SUPPLYBOT_TELEGRAM_API_ROOT", api.api_root()},
                                  {"SUPPLYBOT_TELEGRAM_BOT_USERNAME", "SupplyDemoBot"},
                                  {"SUPPLYBOT_BOT_CATALOG", options.catalog.string()}});
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) out << "demo: " << e << "\n";
    return 2;
  }
  bool ok = false;
  {
    Service service(loaded.config);
    service.start();
    out << "supplybot demo: the real server on 127.0.0.1:" << service.port() << ", a fresh database, and a local\n"
        << "stand-in for the Telegram Bot API that records what the bot sends.\n\n"
        << "=== 3号楼居民群 (Telegram group) ===\n";
    Demo demo(out, api, service.port());
    ok = demo.run(scenario());
    service.stop();
  }
  {
    storage::SqliteStore store({.path = database, .migrate = false});
    print_state(out, store, api.calls().size());
  }
  out << "\nVolunteers' commands (claim, bought, delivered, shopping lists) are not in this version yet.\n";
  out << (ok ? "\nDemo finished: every step happened as scripted.\n" : "\nDemo FAILED: see the lines marked !!\n");
  if (options.database.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return ok ? 0 : 1;
}

}  // namespace supplybot::bot
