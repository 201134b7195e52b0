#include "bot/demo.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
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
constexpr const char* k_group_title = "3号楼居民群";
constexpr const char* k_secret = "demo-secret";
constexpr std::int64_t k_first_date = 1764286200;  // 2025-11-28 07:30 in China; a minute a step
// The stand-in answers every call with a fresh message id counting from 1000, in the order it
// records them: call k of its record is bot message 1000 + k.
constexpr std::int64_t k_first_bot_message = 1000;
constexpr const char* k_button_answer = "answer";  // where key of answerCallbackQuery calls

struct Person {
  std::int64_t id;  // Telegram user id; also the id of their private chat with the bot
  const char* name;
  const char* language;
  const char* username;  // @handle without the @ ("": none); coordinators name volunteers by it
};

const Person k_wang{5001, "王阿姨", "zh-hans", ""};
const Person k_tan{5002, "Mr Tan", "en", ""};
const Person k_li{5003, "李叔", "zh-hans", ""};
const Person k_zhao{5004, "赵姐", "zh-hans", ""};
const Person k_sun{5005, "孙哥", "zh-hans", ""};
const Person k_xiaoli{6001, "小李", "zh-hans", "xiaoli_sh"};    // volunteer
const Person k_xiaozhou{6002, "小周", "zh-hans", "zhou_helps"};  // volunteer
const Person k_chen{7001, "陈主任", "zh-hans", "chen_3bldg"};    // coordinator (roles.coordinators)

const Person* const k_people[] = {&k_wang, &k_tan, &k_li, &k_zhao, &k_sun, &k_xiaoli, &k_xiaozhou, &k_chen};

// A message the bot must also send somewhere else than where the step was written.
struct Also {
  const Person* to;    // their private chat; nullptr: the group
  std::string phrase;  // some message sent there must contain it
};

// One scripted action and what the bot must do with it.
struct Step {
  const Person& who;
  std::string text;         // what they write; for a button press, the button's callback data
  int replies;              // bot calls expected in all (messages to any chat, button answers)
  std::string expect;       // a message in the chat written in (a press: the button's answer) must contain it
  std::vector<Also> also{};
  std::string scene{};      // a heading printed before the step: a new part of the day
  std::string caption{};    // narration printed before the step
  std::string label{};      // names this step, for a later edit or reply
  std::string edits{};      // label of this author's earlier message that this edits
  std::string reply_to{};   // label of a step whose bot answer this message replies to
  bool in_private{false};   // written in the author's private chat with the bot
  bool press{false};        // a button press on the latest bot message in that chat showing it
  int clip{0};              // print at most this many lines of each bot message (0: all)
};

// What the stand-in recorded, in the demo's terms.
struct BotCall {
  std::int64_t message_id{0};
  std::string where;  // chat id, or k_button_answer
  std::string text;
  json buttons;       // inline keyboard rows, or null
};

std::string id_text(const json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  return v.is_string() ? v.get<std::string>() : std::string();
}

BotCall read_call(const loopback::RecordedCall& c, std::size_t index) {
  BotCall out{.message_id = k_first_bot_message + static_cast<std::int64_t>(index)};
  if (!c.form.empty() || !c.file_name.empty()) {  // sendDocument
    auto it = c.form.find("chat_id");
    out.where = it == c.form.end() ? "" : it->second;
    out.text = "(a file: " + c.file_name + ")";
    return out;
  }
  auto body = json::parse(c.body, nullptr, false);
  if (!body.is_object()) return out;
  out.text = body.value("text", "");
  if (c.method == "answerCallbackQuery") {
    out.where = k_button_answer;
    return out;
  }
  if (auto it = body.find("chat_id"); it != body.end()) out.where = id_text(*it);
  if (auto it = body.find("reply_markup"); it != body.end() && it->is_object() && it->contains("inline_keyboard"))
    out.buttons = (*it)["inline_keyboard"];
  return out;
}

// Columns a terminal gives to UTF-8 text: CJK two, the rest one.
std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    w += (len == 3 && c >= 0xE3) || len == 4 ? 2 : 1;
    i += len;
  }
  return w;
}

// Continuation lines under a prefix; at most `clip` lines when clip > 0.
std::string indent(const std::string& text, std::size_t width, int clip = 0) {
  std::string out;
  int lines = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      if (clip > 0 && lines == clip) {
        auto rest = std::count(text.begin() + static_cast<std::ptrdiff_t>(i), text.end(), '\n');
        return out + "\n" + std::string(width, ' ') + "… (" + std::to_string(rest) + " more lines)";
      }
      ++lines;
      out += '\n';
      out += std::string(width, ' ');
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string button_labels(const json& rows) {
  std::string s;
  if (!rows.is_array()) return s;
  for (const auto& row : rows)
    for (const auto& b : row)
      if (b.is_object()) s += (s.empty() ? "" : " ") + ("[" + b.value("text", "") + "]");
  return s;
}

// The label of the button carrying `data` in rows, or "".
std::string button_with(const json& rows, const std::string& data) {
  if (!rows.is_array()) return {};
  for (const auto& row : rows)
    for (const auto& b : row)
      if (b.is_object() && b.value("callback_data", "") == data) return b.value("text", "");
  return {};
}

std::int64_t pending_replies(const std::string& metrics) {
  const std::string key = "supplybot_outbox_depth{state=\"pending\"} ";
  auto at = metrics.find(key);
  if (at == std::string::npos) return -1;
  std::int64_t n = -1;
  const char* first = metrics.data() + at + key.size();
  std::from_chars(first, metrics.data() + metrics.size(), n);
  return n;
}

class Demo {
 public:
  Demo(std::ostream& out, loopback::FakeBotApi& api, std::uint16_t port) : out_(out), api_(api), port_(port) {}

  bool run(const std::vector<Step>& steps) {
    bool ok = true;
    for (const auto& s : steps) ok = play(s) && ok;
    return ok;
  }

 private:
  static std::string private_chat(const Person& p) { return std::to_string(p.id); }
  std::string chat_of(const Step& s) const { return s.in_private ? private_chat(s.who) : std::to_string(k_group); }

  static std::string chat_name(const std::string& where) {
    if (where == std::to_string(k_group)) return k_group_title;
    for (const auto* p : k_people)
      if (private_chat(*p) == where) return std::string(p->name) + " (private chat)";
    return "chat " + where;
  }

  json sender(const Person& p) const {
    json from = {{"id", p.id}, {"is_bot", false}, {"first_name", p.name}, {"language_code", p.language}};
    if (*p.username) from["username"] = p.username;
    return from;
  }

  json chat(const Step& s) const {
    if (s.in_private) return {{"id", s.who.id}, {"type", "private"}, {"first_name", s.who.name}};
    return {{"id", k_group}, {"type", "supergroup"}, {"title", k_group_title}};
  }

  // The update for a written (or edited) message; null, with problem_ set, when it cannot be built.
  json message_update(const Step& s, std::int64_t date) {
    std::int64_t message_id = next_message_id_++;
    if (!s.edits.empty()) {
      auto it = labels_.find(s.edits);
      if (it == labels_.end()) return cannot("no earlier step is labelled " + s.edits);
      message_id = it->second.message_id;
    }
    json msg = {{"message_id", message_id}, {"date", date}, {"chat", chat(s)}, {"from", sender(s.who)},
                {"text", s.text}};
    if (!s.edits.empty()) msg["edit_date"] = date + 30;
    if (!s.reply_to.empty()) {
      auto it = labels_.find(s.reply_to);
      if (it == labels_.end() || !it->second.bot_answer)
        return cannot("the step " + s.reply_to + " got no answer to reply to");
      msg["reply_to_message"] = {{"message_id", it->second.bot_answer}, {"date", date - 60}, {"chat", chat(s)}};
    }
    if (!s.label.empty()) labels_[s.label].message_id = message_id;
    return {{"update_id", next_update_id_++}, {s.edits.empty() ? "message" : "edited_message", msg}};
  }

  // A press on the latest message in the step's chat that shows a button with the step's data;
  // label gets the button's text.
  json press_update(const Step& s, std::int64_t date, std::string& label) {
    auto where = chat_of(s);
    for (auto it = seen_.rbegin(); it != seen_.rend(); ++it) {
      if (it->where != where) continue;
      label = button_with(it->buttons, s.text);
      if (label.empty()) continue;
      json message = {{"message_id", it->message_id}, {"date", date - 60}, {"chat", chat(s)}};
      json query = {{"id", "demo-press-" + std::to_string(next_update_id_)},
                    {"from", sender(s.who)},
                    {"chat_instance", "demo"},
                    {"data", s.text},
                    {"message", message}};
      return {{"update_id", next_update_id_++}, {"callback_query", query}};
    }
    return cannot("no message in " + chat_name(where) + " shows a button \"" + s.text + "\"");
  }

  json cannot(std::string why) {
    problem_ = std::move(why);
    return nullptr;
  }

  // Waits until every reply the bot queued has reached the stand-in (the webhook answers after
  // COMMIT, so whatever the step caused is queued by then); false after 10 s.
  bool settle() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      auto res = loopback::http_request(port_, "GET", "/metrics");
      if (res.status == 200 && pending_replies(res.body) == 0) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void print_call(const Step& s, const BotCall& c) {
    std::string prefix;
    if (c.where == k_button_answer) prefix = "  supplybot ⓘ notice on " + std::string(s.who.name) + "'s screen: ";
    else if (c.where == chat_of(s)) prefix = "  supplybot ↩ ";
    else prefix = "  supplybot → " + chat_name(c.where) + ": ";
    auto width = display_width(prefix);
    out_ << prefix << indent(c.text, width, s.clip) << "\n";
    auto labels = button_labels(c.buttons);
    if (!labels.empty()) out_ << std::string(width, ' ') << labels << "\n";
  }

  bool play(const Step& s) {
    if (!s.scene.empty()) out_ << "\n── " << s.scene << " ──\n";
    if (!s.caption.empty()) out_ << "\n  — " << s.caption << " —\n";
    auto date = k_first_date + 60 * step_++;
    std::string button;
    problem_.clear();
    json update = s.press ? press_update(s, date, button) : message_update(s, date);
    std::string who =
        std::string(s.who.name) + (s.in_private ? " (private chat)" : "") + (s.edits.empty() ? "" : " (edited)");
    if (s.press) out_ << who << " presses [" << (button.empty() ? s.text : button) << "]\n";
    else out_ << who << ": " << indent(s.text, display_width(who) + 2) << "\n";
    if (update.is_null()) {
      out_ << "  !! " << problem_ << "\n";
      return false;
    }

    auto before = api_.calls().size();
    auto res = loopback::http_request(port_, "POST", "/telegram/webhook", update.dump(),
                                      {{"X-Telegram-Bot-Api-Secret-Token", k_secret}, {"Content-Type", "application/json"}});
    bool ok = res.status == 200;
    if (!ok) out_ << "  !! the webhook answered " << res.status << ": " << res.body << "\n";
    if (!settle()) {
      out_ << "  !! replies still unsent after 10 s\n";
      ok = false;
    }
    auto recorded = api_.calls();
    std::vector<BotCall> got;
    for (auto k = before; k < recorded.size(); ++k) got.push_back(read_call(recorded[k], k));
    seen_.insert(seen_.end(), got.begin(), got.end());

    // Messages in the chat written in first, then the button's notice, then other chats; each
    // chat's messages in the order they were sent.
    const std::string here = chat_of(s);
    auto rank = [&](const BotCall& c) { return c.where == here ? 0 : c.where == k_button_answer ? 1 : 2; };
    auto shown = got;
    std::stable_sort(shown.begin(), shown.end(), [&](const BotCall& a, const BotCall& b) { return rank(a) < rank(b); });
    for (const auto& c : shown) print_call(s, c);
    if (got.empty()) out_ << "  (supplybot stays quiet: this is not for it)\n";
    if (!s.label.empty()) {
      auto first = std::find_if(got.begin(), got.end(), [&](const BotCall& c) { return c.where == here; });
      if (first != got.end()) labels_[s.label].bot_answer = first->message_id;
    }
    return check(s, got) && ok;
  }

  bool check(const Step& s, const std::vector<BotCall>& got) {
    bool ok = true;
    if (static_cast<int>(got.size()) != s.replies) {
      out_ << "  !! expected " << s.replies << " bot message(s), got " << got.size() << "\n";
      ok = false;
    }
    auto said = [&](const std::string& where, const std::string& phrase) {
      return std::any_of(got.begin(), got.end(), [&](const BotCall& c) {
        return c.where == where && c.text.find(phrase) != std::string::npos;
      });
    };
    if (!s.expect.empty() && !said(s.press ? std::string(k_button_answer) : chat_of(s), s.expect)) {
      out_ << "  !! expected " << (s.press ? "the button's notice" : "the answer") << " to mention \"" << s.expect
           << "\"\n";
      ok = false;
    }
    for (const auto& a : s.also) {
      auto where = a.to ? private_chat(*a.to) : std::to_string(k_group);
      if (!said(where, a.phrase)) {
        out_ << "  !! expected a message to " << chat_name(where) << " mentioning \"" << a.phrase << "\"\n";
        ok = false;
      }
    }
    return ok;
  }

  struct Labelled {
    std::int64_t message_id{0};
    std::int64_t bot_answer{0};  // the bot's first message in the same chat
  };

  std::ostream& out_;
  loopback::FakeBotApi& api_;
  std::uint16_t port_;
  std::int64_t next_update_id_{900001};
  std::int64_t next_message_id_{101};
  std::int64_t step_{0};
  std::map<std::string, Labelled> labels_;
  std::vector<BotCall> seen_;  // every bot call so far, for finding the message a button is on
  std::string problem_;        // why the current step's update could not be built
};

// The scripted day. Order numbers follow from the script: #1 王阿姨, #2 Mr Tan, #3 李叔 (cancelled),
// #4 and #5 the 接龙 list, #6 孙哥's entry.
std::vector<Step> the_day() {
  const std::string jielong = "#接龙 明天蔬菜包\n1. 3-2-502 土豆3斤\n2. 4栋1单元301 西红柿2斤";
  const std::string jielong_sun = jielong + "\n3. 6-2-602 苹果5个";
  std::vector<Step> s;

  s.push_back({.who = k_xiaoli, .text = "早上好，今天我来帮大家跑腿", .replies = 0, .expect = "",
               .scene = "7:30 · the team gets ready",
               .caption = "two neighbours offer to help; the bot keeps quiet, but now knows their @usernames"});
  s.push_back({.who = k_xiaozhou, .text = "我也可以帮忙，上午有空", .replies = 0, .expect = ""});
  s.push_back({.who = k_chen, .text = "/volunteer add @xiaoli_sh zones=3,4,5,6 capacity=10", .replies = 1,
               .expect = "已添加志愿者 小李：负责 3,4,5,6 栋",
               .caption = "陈主任, a coordinator named in the config, makes them volunteers for some buildings"});
  s.push_back({.who = k_chen, .text = "/volunteer add @zhou_helps zones=6 capacity=8", .replies = 1,
               .expect = "已添加志愿者 小周：负责 6 栋"});
  s.push_back({.who = k_xiaoli, .text = "上班", .replies = 1, .expect = "已上班", .caption = "they go on shift"});
  s.push_back({.who = k_xiaozhou, .text = "上班", .replies = 1, .expect = "已上班"});

  s.push_back({.who = k_wang, .text = "3栋2单元502 白菜2斤 鸡蛋一盒", .replies = 2, .expect = "已安排志愿者 小李",
               .also = {{nullptr, "新任务（小李）：#1 3栋"}}, .scene = "8:00 · the residents' morning",
               .caption = "residents order in their own words; a volunteer on shift for the building gets it at once",
               .label = "wang-order"});
  s.push_back({.who = k_tan, .text = "Flat 12B, 2 loaves of bread and a dozen eggs pls", .replies = 2, .expect = "12B",
               .also = {{nullptr, "排队等待：#2"}},
               .caption = "nobody covers flat 12B: the order waits in the queue, and the coordinators are told"});
  s.push_back({.who = k_chen, .text = "/assign 2 @zhou_helps", .replies = 3, .expect = "已分配给 小周",
               .also = {{nullptr, "volunteer 小周 will buy"}, {nullptr, "新任务（小周）：#2"}},
               .caption = "陈主任 gives it to 小周 by hand; Mr Tan is told in English"});
  s.push_back({.who = k_li, .text = "大米10斤，食用油1桶", .replies = 1, .expect = "门牌号",
               .caption = "an order without an address is held, and the bot asks once"});
  s.push_back({.who = k_li, .text = "5号楼1101", .replies = 2, .expect = "5-1101",
               .also = {{nullptr, "新任务（小李）：#3"}}, .label = "li-order"});
  s.push_back({.who = k_wang, .text = "3栋2单元502 白菜3斤 鸡蛋一盒", .replies = 2, .expect = "已更新",
               .also = {{nullptr, "住户有修改"}},
               .caption = "王阿姨 edits her message: the same order changes, and its volunteer is told",
               .edits = "wang-order"});
  s.push_back({.who = k_zhao, .text = jielong, .replies = 3, .expect = "3-2-502",
               .also = {{nullptr, "新任务（小李）：#4"}, {nullptr, "新任务（小李）：#5"}},
               .caption = "a 接龙 list: each new entry becomes an order"});
  s.push_back({.who = k_sun, .text = jielong_sun, .replies = 2, .expect = "6-2-602",
               .also = {{nullptr, "新任务（小周）：#6"}}});
  s.push_back({.who = k_zhao, .text = jielong_sun, .replies = 0, .expect = "",
               .caption = "a re-posted copy of the list changes nothing"});
  s.push_back({.who = k_li, .text = "取消", .replies = 2, .expect = "已取消", .also = {{nullptr, "#3（5栋）已取消，无需采购"}},
               .caption = "李叔 replies 取消 to his confirmation; his volunteer is told not to buy it",
               .reply_to = "li-order"});
  s.push_back({.who = k_sun, .text = "6-2-602 老样子来点吃的", .replies = 1, .expect = "没看懂",
               .caption = "an unclear order: the bot asks instead of guessing"});
  s.push_back({.who = k_wang, .text = "谢谢志愿者们辛苦了！", .replies = 0, .expect = "",
               .caption = "thanks and notices are not for the bot"});
  s.push_back({.who = k_wang, .text = "我的菜什么时候到?", .replies = 1, .expect = "3-2-502",
               .caption = "questions about an order get its status"});
  s.push_back({.who = k_tan, .text = "/my", .replies = 1, .expect = "12B"});

  s.push_back({.who = k_xiaoli, .text = "/start", .replies = 1, .expect = "您好",
               .scene = "9:00 · a private chat for addresses and lists",
               .caption = "小李 opens a private chat with the bot: addresses, cards and lists go there from now on",
               .in_private = true, .clip = 3});
  s.push_back({.who = k_xiaoli, .text = "我的任务", .replies = 2, .expect = "已私信",
               .also = {{&k_xiaoli, "#1 3-2-502：白菜 3斤"}},
               .caption = "asked in the group, the task list comes privately, with addresses"});
  s.push_back({.who = k_xiaoli, .text = "购物清单", .replies = 1, .expect = "白菜 3斤",
               .caption = "what to buy, summed over 小李's orders", .in_private = true});

  s.push_back({.who = k_xiaoli, .text = "bought:5", .replies = 2, .expect = "已购",
               .also = {{nullptr, "订单 #5 已买好"}}, .scene = "10:00 · shopping and delivering",
               .caption = "小李 presses 已购 under the card of #5 in the group; the household is told", .press = true});
  s.push_back({.who = k_xiaoli, .text = "已购 1 缺 鸡蛋", .replies = 2, .expect = "缺货：鸡蛋（已告知住户）",
               .also = {{nullptr, "没有买到：鸡蛋"}},
               .caption = "the eggs were sold out: 小李 says so (commands work in the group too), 王阿姨 is told"});
  s.push_back({.who = k_xiaoli, .text = "已送达 1", .replies = 2, .expect = "已标记送达",
               .also = {{nullptr, "订单 #1 已送到门口"}}});
  s.push_back({.who = k_wang, .text = "收到", .replies = 2, .expect = "订单 #1 已标记为收到",
               .also = {{&k_xiaoli, "住户已确认收到订单 #1"}},
               .caption = "王阿姨 confirms she has it; 小李 hears so privately"});

  s.push_back({.who = k_xiaozhou, .text = "已送达 2", .replies = 2, .expect = "已标记送达",
               .also = {{nullptr, "Order #2 has been delivered"}}, .scene = "noon · a change of shift",
               .caption = "小周 brings Mr Tan his bread (bought and delivered in one go)"});
  s.push_back({.who = k_xiaozhou, .text = "下班", .replies = 4, .expect = "1 单未购买",
               .also = {{nullptr, "订单 #6 已安排志愿者 小李"},
                        {nullptr, "订单 #6 已改由 小李 负责"},
                        {&k_xiaoli, "新任务（小李）：#6 6-2-602"}},
               .caption = "小周 goes off shift: his unbought order goes to 小李, whose card now comes privately"});
  s.push_back({.who = k_xiaoli, .text = "bought:6", .replies = 2, .expect = "已购",
               .also = {{nullptr, "订单 #6 已买好"}},
               .caption = "小李 presses 已购 on that card in the private chat", .in_private = true, .press = true});
  return s;
}

// After the day: what the team sees, asked through the bot like any other step.
std::vector<Step> the_evening() {
  std::vector<Step> s;
  s.push_back({.who = k_xiaoli, .text = "我的任务", .replies = 1, .expect = "我的任务（3 单）",
               .caption = "小李's tasks and shopping list", .in_private = true});
  s.push_back({.who = k_xiaoli, .text = "购物清单", .replies = 1, .expect = "土豆 3斤", .in_private = true});
  s.push_back({.who = k_xiaozhou, .text = "我的任务", .replies = 1, .expect = "没有待办任务",
               .caption = "小周's: off shift, nothing left"});
  s.push_back({.who = k_xiaozhou, .text = "购物清单", .replies = 1, .expect = "没有需要采购"});
  s.push_back({.who = k_chen, .text = "统计", .replies = 1, .expect = "已送达：2",
               .caption = "陈主任's summary (统计, /summary)"});
  return s;
}

void print_orders(std::ostream& out, handlers::Store& store) {
  out << "Orders by status:";
  for (const auto& [status, n] : store.orders_by_status()) out << "  " << status << " " << n;
  out << "\n";
  auto orders = store.recent_orders(100);
  std::reverse(orders.begin(), orders.end());
  for (const auto& o : orders) {
    out << "  #" << o.no.value << " " << o.address << " [" << handlers::texts::status_name(handlers::Lang::en, o.status)
        << (o.volunteer_name.empty() ? "" : ", " + o.volunteer_name) << "]";
    for (const auto& l : o.lines) out << "  " << handlers::texts::line_text(l) << (l.missing ? " (missing)" : "");
    out << "\n";
  }
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
                                  // The stand-in has no send limits; Telegram's 20 a minute per
                                  // group would stretch the scripted day over minutes.
                                  {"SUPPLYBOT_TELEGRAM_PER_CHAT_PER_MINUTE", "1000"},
                                  {"SUPPLYBOT_TELEGRAM_GLOBAL_RATE", "1000"},
                                  // No periodic work (escalations, automatic receipts) mid-script.
                                  {"SUPPLYBOT_LOGISTICS_TICK_SECONDS", "3600"},
                                  {"SUPPLYBOT_ROLES_COORDINATORS", "telegram:" + std::to_string(k_chen.id)},
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
        << "stand-in for the Telegram Bot API that records what the bot sends. A day in 3号楼: a coordinator\n"
        << "names two volunteers, residents order, volunteers buy and deliver, and everyone is kept told.\n"
        << "Lines \"supplybot ↩\" answer in the same chat, \"supplybot →\" go to another chat, \"ⓘ\" is the\n"
        << "short notice Telegram shows on a button press; [..] are buttons under a message.\n\n"
        << "=== " << k_group_title << " (Telegram group) and the volunteers' private chats ===\n";
    Demo demo(out, api, service.port());
    ok = demo.run(the_day());
    out << "\n=== The state at the end of the day ===\n";
    {
      // A second connection beside the running server, as `supplybot export` does.
      storage::SqliteStore store({.path = database, .migrate = false});
      print_orders(out, store);
    }
    ok = demo.run(the_evening()) && ok;
    service.stop();
  }
  {
    storage::SqliteStore store({.path = database, .migrate = false});
    auto st = store.outbox_stats();
    out << "\nBot messages: " << api.calls().size() << " sent, " << st.pending << " pending, " << st.failed
        << " failed\n";
  }
  out << (ok ? "\nDemo finished: every step happened as scripted.\n" : "\nDemo FAILED: see the lines marked !!\n");
  if (options.database.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return ok ? 0 : 1;
}

}  // namespace supplybot::bot
