// The logistics team through the real engine (issue 5): roles, shifts, assignment, tasks and
// shopping lists, bought / delivered with the household told, rounds, buttons, the tick.

#include <doctest/doctest.h>

#include <algorithm>

#include "handlers/engine.hpp"
#include "storage/sqlite_store.hpp"
#include "tests/support/test_parser.hpp"

using namespace supplybot;
using namespace supplybot::handlers;

namespace {

const Parser& parser() { return testing::default_parser(); }

EngineConfig team_config() {
  EngineConfig c;
  c.coordinators = {"telegram:900"};
  c.escalate_after_s = 3600;
  c.auto_receipt_s = 6 * 3600;
  return c;
}

constexpr const char* kGroup = "-100";

struct Team {
  explicit Team(EngineConfig config = team_config()) : engine(parser(), std::move(config)) {}
  storage::SqliteStore store{{.path = ":memory:"}};
  Engine engine;
  int next_update = 1;
  int next_message = 100;
  UnixTime now = 1'764'300'000;  // 2025-11-28 03:20 UTC, 11:20 in China

  HandleResult say(const std::string& user, const std::string& text, std::string chat = kGroup,
                   std::optional<std::string> reply_to = {}, std::string username = {}) {
    ChatMessage m{.platform = Platform::telegram,
                  .chat_id = chat,
                  .chat_kind = chat.front() == '-' ? ChatKind::group : ChatKind::private_chat,
                  .sender_id = user,
                  .sender_name = "name" + user,
                  .sender_username = username,
                  .message_id = std::to_string(next_message++),
                  .update_key = std::to_string(next_update++),
                  .text = text,
                  .reply_to = std::move(reply_to),
                  .time = now};
    HandleResult r;
    store.write([&](StoreTx& tx) { r = engine.handle(tx, m, now); });
    return r;
  }

  HandleResult press(const std::string& user, const std::string& data, std::string chat = kGroup) {
    ChatMessage m{.platform = Platform::telegram,
                  .chat_id = chat,
                  .chat_kind = chat.front() == '-' ? ChatKind::group : ChatKind::private_chat,
                  .sender_id = user,
                  .sender_name = "name" + user,
                  .message_id = std::to_string(next_message++),
                  .update_key = std::to_string(next_update++),
                  .callback_data = data,
                  .callback_id = "cb" + std::to_string(next_update),
                  .time = now};
    HandleResult r;
    store.write([&](StoreTx& tx) { r = engine.handle(tx, m, now); });
    return r;
  }

  HandleResult tick() {
    HandleResult r;
    store.write([&](StoreTx& tx) { r = engine.tick(tx, now); });
    return r;
  }

  std::optional<Order> order(std::int64_t id) {
    std::optional<Order> o;
    store.write([&](StoreTx& tx) { o = tx.order(OrderId{id}); });
    return o;
  }

  // A volunteer "7xx" covering buildings, on shift, known to the bot by a message.
  void add_volunteer(const std::string& user, const std::string& zones, int capacity = 10, bool on = true) {
    say(user, "大家好", kGroup, std::nullopt, "vol" + user);
    auto r = say("900", "/volunteer add @vol" + user + " zones=" + zones + " capacity=" + std::to_string(capacity));
    REQUIRE(r.outcome == "volunteer_added");
    if (on) REQUIRE(say(user, "上班").outcome == "on_shift");
  }
};

const OutgoingMessage* to_chat(const HandleResult& r, const std::string& chat) {
  for (const auto& m : r.replies)
    if (m.chat_id == chat && !m.callback_id) return &m;
  return nullptr;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("logistics: only coordinators add volunteers; residents get a polite refusal") {
  Team t;
  auto r = t.say("1", "/volunteer add @someone zones=1");
  CHECK(r.outcome == "refused_not_coordinator");
  CHECK(has(r.replies.at(0).text, "协调员"));
  r = t.say("1", "/on");
  CHECK(r.outcome == "refused_not_volunteer");
  CHECK(has(r.replies.at(0).text, "志愿者"));
  // Command words without a slash from residents in a group are chat ("志愿者辛苦了", "上班").
  CHECK(t.say("1", "上班").outcome == "chat");
  CHECK(t.say("1", "志愿者辛苦了").replies.empty());
  CHECK(t.say("1", "已买好").replies.empty());
  CHECK(t.say("1", "送达").replies.empty());
  CHECK(t.say("1", "上班", "1").outcome == "refused_not_volunteer");  // in private it is answered

  SUBCASE("by replying to the member's message") {
    auto hello = t.say("701", "我可以帮忙送菜");
    (void)hello;
    r = t.say("900", "志愿者 添加 楼栋=3,5 容量=12", kGroup, std::to_string(t.next_message - 1));
    CHECK(r.outcome == "volunteer_added");
    CHECK(has(r.replies.at(0).text, "name701"));
    CHECK(has(r.replies.at(0).text, "3,5 栋"));
    CHECK(has(r.replies.at(0).text, "12 单"));
  }
  SUBCASE("by @username, with a range of buildings") {
    t.say("701", "hi", kGroup, std::nullopt, "xiaoli");
    r = t.say("900", "/volunteer add @xiaoli zones=1-3");
    CHECK(r.outcome == "volunteer_added");
    CHECK(has(r.replies.at(0).text, "1,2,3"));
    CHECK(has(r.replies.at(0).text, "最多 10 单"));  // default capacity
  }
  SUBCASE("an unknown handle is explained") {
    r = t.say("900", "/volunteer add @ghost zones=1");
    CHECK(r.outcome == "usage");
    CHECK(has(r.replies.at(0).text, "@ghost"));
  }
  SUBCASE("a coordinator named by a coordinator can add volunteers") {
    t.say("901", "hello", kGroup, std::nullopt, "coord2");
    CHECK(t.say("900", "/coordinator add @coord2").outcome == "coordinator_added");
    t.say("702", "hi", kGroup, std::nullopt, "v2");
    CHECK(t.say("901", "/volunteer add @v2 zones=2").outcome == "volunteer_added");
  }
}

TEST_CASE("logistics: an order goes to the on-shift volunteer of its building, who buys and delivers it") {
  Team t;
  t.add_volunteer("701", "3");
  auto r = t.say("1", "3栋2单元502 白菜2斤 鸡蛋一盒");
  REQUIRE(r.orders_created.size() == 1);
  auto id = r.orders_created[0].value;
  // The resident's confirmation names the volunteer and comes first; the card follows.
  REQUIRE(r.replies.size() == 2);
  CHECK(has(r.replies[0].text, "已安排志愿者 name701"));
  CHECK(has(r.replies[0].markup_json, "cancel:" + std::to_string(id)));
  CHECK(has(r.replies[1].text, "新任务"));
  CHECK(has(r.replies[1].text, "3栋"));
  CHECK_FALSE(has(r.replies[1].text, "3-2-502"));  // no full address in the group
  CHECK(has(r.replies[1].markup_json, "bought:" + std::to_string(id)));
  auto o = t.order(id);
  CHECK(o->status == OrderStatus::assigned);
  CHECK(o->volunteer_name == "name701");

  // /tasks in the group: numbers and buildings only, with a hint.
  r = t.say("701", "我的任务");
  CHECK(r.outcome == "tasks");
  CHECK(has(r.replies[0].text, "#1 3栋"));
  CHECK_FALSE(has(r.replies[0].text, "502"));
  // After opening a private chat the full list goes there.
  t.say("701", "/start", "701");
  r = t.say("701", "/tasks");
  const auto* priv = to_chat(r, "701");
  REQUIRE(priv);
  CHECK(has(priv->text, "3-2-502"));
  CHECK(has(priv->text, "白菜 2斤"));
  CHECK(has(to_chat(r, kGroup)->text, "私信"));

  // A resident cannot mark it bought; the volunteer can, with what was missing.
  CHECK(t.say("1", "/bought 1").outcome == "refused_not_volunteer");
  r = t.say("701", "已购 1 缺 鸡蛋");
  CHECK(r.outcome == "bought");
  const auto* household = to_chat(r, kGroup);
  REQUIRE(household);
  CHECK(has(household->text, "已买好"));
  CHECK(has(household->text, "鸡蛋"));
  o = t.order(id);
  CHECK(o->status == OrderStatus::purchased);
  CHECK(o->purchased_at == t.now);
  CHECK(o->lines[1].missing);
  CHECK_FALSE(o->lines[0].missing);
  // The resident can no longer change it.
  CHECK(t.say("1", "取消 #1").outcome == "cancel_refused");

  r = t.say("701", "/delivered 1");
  CHECK(r.outcome == "delivered");
  CHECK(has(r.replies[0].text, "已送到门口"));
  CHECK(t.order(id)->status == OrderStatus::delivered);
  // Delivering again is refused with the reason.
  r = t.say("701", "/delivered 1");
  CHECK(r.outcome == "refused");
  CHECK(has(r.replies[0].text, "已经送达"));
  // The household confirms; the receipt is recorded.
  r = t.say("1", "收到");
  CHECK(r.outcome == "received");
  CHECK(t.order(id)->received_at == t.now);
}

TEST_CASE("logistics: wrong transitions are refused with the reason") {
  Team t;
  t.add_volunteer("701", "3");
  t.say("1", "3-2-502 白菜2斤");
  CHECK(t.say("1", "取消").outcome == "cancelled");
  auto r = t.say("701", "/delivered 1");
  CHECK(r.outcome == "refused");
  CHECK(has(r.replies[0].text, "已被住户取消"));
  r = t.say("701", "/bought");
  CHECK(r.outcome == "usage");
  r = t.say("701", "/bought 99");
  CHECK(r.outcome == "order_not_found");
}

TEST_CASE("logistics: a cancellation reaches the volunteer, and frees their capacity for the queue") {
  Team t;
  t.add_volunteer("701", "3", 1);
  t.say("1", "3-2-502 白菜2斤");
  auto r = t.say("2", "3-1-101 鸡蛋1盒");
  CHECK(t.order(2)->status == OrderStatus::pending);  // at capacity: queued
  r = t.say("1", "取消");
  CHECK(r.outcome == "cancelled");
  bool told = std::any_of(r.replies.begin(), r.replies.end(), [](const OutgoingMessage& m) { return has(m.text, "无需采购"); });
  CHECK(told);
  CHECK(t.order(2)->status == OrderStatus::assigned);
}

TEST_CASE("logistics: no candidate, the queue, coordinators told, /claim, /release and /off") {
  Team t;
  t.add_volunteer("701", "3");
  t.add_volunteer("702", "3", 10, false);  // off shift
  t.say("900", "/start", "900");           // the coordinator's private chat
  auto r = t.say("1", "5-1-101 大米10斤");  // building 5: nobody covers it
  CHECK(t.order(1)->status == OrderStatus::pending);
  const auto* note = to_chat(r, "900");
  REQUIRE(note);
  CHECK(has(note->text, "#1"));
  CHECK(has(note->markup_json, "claim:1"));
  r = t.say("701", "认领 1");
  CHECK(r.outcome == "refused");
  CHECK(has(r.replies[0].text, "不在您负责的楼栋"));
  CHECK(has(t.say("900", "/queue").replies[0].text, "#1 5栋"));

  // A coordinator assigns it anyway, told which rules were bent.
  r = t.say("900", "/assign 1 @vol702");
  CHECK(r.outcome == "assigned");
  CHECK(has(r.replies[0].text, "不在其负责楼栋"));
  CHECK(has(r.replies[0].text, "下班"));
  CHECK(t.order(1)->volunteer_name == "name702");

  // /off hands unbought orders back to the team.
  t.say("2", "3-2-201 鸡蛋1盒");
  CHECK(t.order(2)->volunteer_name == "name701");
  CHECK(t.say("702", "上班").outcome == "on_shift");
  r = t.say("701", "下班");
  CHECK(r.outcome == "off_shift");
  CHECK(has(r.replies[0].text, "1 单未购买"));
  CHECK(t.order(2)->volunteer_name == "name702");
  // /release: 702 hands order 2 back; nobody else is on shift for building 3, so it waits.
  r = t.say("702", "/release 2");
  CHECK(r.outcome == "released");
  CHECK(t.order(2)->status == OrderStatus::pending);
  CHECK_FALSE(t.order(2)->volunteer);
  r = t.say("701", "/claim 2");
  CHECK(r.outcome == "refused");  // off shift
  CHECK(has(r.replies[0].text, "上班"));
  t.say("701", "上班");
  CHECK(t.order(2)->volunteer_name == "name701");  // came on shift: took the waiting order
}

TEST_CASE("logistics: my shopping list sums items with units kept apart") {
  Team t;
  t.add_volunteer("701", "3");
  t.say("1", "3-2-502 白菜2斤 鸡蛋1盒");
  t.say("2", "3-1-101 白菜3斤 鸡蛋2盒 白菜1棵");
  auto r = t.say("701", "购物清单");
  CHECK(r.outcome == "list");
  auto text = r.replies.at(0).text;
  CHECK(has(text, "白菜 5斤"));
  CHECK(has(text, "白菜 1棵"));
  CHECK(has(text, "鸡蛋 3盒"));
  CHECK(has(text, "共 2 单"));
  // With a private chat the list goes there.
  t.say("701", "/start", "701");
  r = t.say("701", "/list");
  REQUIRE(to_chat(r, "701"));
  CHECK(has(to_chat(r, "701")->text, "白菜 5斤"));
  CHECK(has(to_chat(r, kGroup)->text, "私信"));
  // Bought orders leave the list.
  t.say("701", "/bought all");
  CHECK(t.say("701", "/list").replies.back().text == "目前没有需要采购的物品。");
}

TEST_CASE("logistics: buttons run their command twins and answer the press") {
  Team t;
  t.add_volunteer("701", "3");
  t.say("1", "3-2-502 白菜2斤");
  auto r = t.press("2", "bought:1");  // someone else's task
  REQUIRE(r.replies.size() == 1);
  CHECK(r.replies[0].callback_id);
  CHECK(has(r.replies[0].text, "志愿者"));
  CHECK(t.order(1)->status == OrderStatus::assigned);
  r = t.press("701", "bought:1");
  CHECK(t.order(1)->status == OrderStatus::purchased);
  auto answer = std::find_if(r.replies.begin(), r.replies.end(), [](const OutgoingMessage& m) { return m.callback_id.has_value(); });
  REQUIRE(answer != r.replies.end());
  CHECK(has(answer->text, "已购"));
  // The resident's cancel button on a bought order: refused politely.
  r = t.press("1", "cancel:1");
  CHECK(has(r.replies.back().text, "无法再修改"));
  // Stale data.
  r = t.press("701", "frobnicate:1");
  CHECK(has(r.replies.back().text, "失效"));
}

TEST_CASE("logistics: a round collects orders until the cut-off, then splits them by building") {
  Team t;
  t.add_volunteer("701", "3");
  t.add_volunteer("702", "5");
  t.say("701", "/start", "701");
  auto r = t.say("900", "/round open 20:00");
  CHECK(r.outcome == "round_opened");
  CHECK(has(r.replies[0].text, "20:00 截止"));
  r = t.say("1", "3-2-502 白菜2斤");
  CHECK(has(r.replies[0].text, "20:00 截止"));
  CHECK(t.order(1)->status == OrderStatus::pending);
  t.say("2", "5-1-101 鸡蛋1盒");
  t.say("3", "3-1-301 大米10斤");
  CHECK(t.say("701", "/claim 1").outcome == "refused");  // still collecting
  CHECK(t.tick().replies.empty());                          // before the cut-off nothing happens
  // 20:00 in China is 12:00 UTC; now is 03:20 UTC.
  t.now += 9 * 3600;
  r = t.tick();
  CHECK(t.order(1)->volunteer_name == "name701");
  CHECK(t.order(3)->volunteer_name == "name701");
  CHECK(t.order(2)->volunteer_name == "name702");
  const auto* list = to_chat(r, "701");
  REQUIRE(list);
  CHECK(has(list->text, "3-2-502"));
  CHECK(has(list->text, "大米 10斤"));
  const auto* summary = to_chat(r, kGroup);
  REQUIRE(summary);
  CHECK(has(summary->text, "已截止，共 3 单"));
  CHECK_FALSE(has(summary->text, "502"));
  // A new order after the cut-off is assigned at once again.
  r = t.say("4", "3-3-303 牛奶1箱");
  CHECK(t.order(4)->status == OrderStatus::assigned);
}

TEST_CASE("logistics: the tick escalates purchases left too long and confirms receipts nobody answered") {
  Team t;
  t.add_volunteer("701", "3");
  t.say("1", "3-2-502 白菜2斤");
  t.say("2", "3-1-101 鸡蛋1盒");
  t.say("701", "/delivered 2");
  t.now += 3601;
  auto r = t.tick();
  REQUIRE(r.replies.size() == 1);
  CHECK(has(r.replies[0].text, "#1"));
  CHECK(has(r.replies[0].text, "name701"));
  CHECK(t.tick().replies.empty());  // told once
  t.now += 6 * 3600;
  t.tick();
  CHECK(t.order(2)->received_at == t.now);
}

TEST_CASE("logistics: /summary and /shopping for coordinators") {
  Team t;
  t.add_volunteer("701", "3");
  t.say("1", "3-2-502 白菜2斤");
  t.say("2", "5-1-101 白菜1斤 牛奶1箱");
  t.say("701", "/delivered 1");
  auto r = t.say("900", "统计");
  auto text = r.replies.at(0).text;
  CHECK(has(text, "已送达：1"));
  CHECK(has(text, "今日已送达住户：1 户"));
  CHECK(has(text, "#2 5栋"));
  CHECK(has(text, "name701"));
  r = t.say("900", "/shopping");
  CHECK(has(r.replies.at(0).text, "白菜 1斤"));
  CHECK(has(r.replies.at(0).text, "牛奶 1箱"));
  CHECK(t.say("1", "/summary").outcome == "refused_not_coordinator");
}

TEST_CASE("logistics: the assignment state is rebuilt from the store after a rollback") {
  Team t;
  t.add_volunteer("701", "3", 1);
  t.say("1", "3-2-502 白菜2斤");
  // A message whose transaction is rolled back after the engine assigned its order.
  ChatMessage m{.platform = Platform::telegram, .chat_id = kGroup, .chat_kind = ChatKind::group, .sender_id = "2",
                .sender_name = "two", .message_id = "9999", .update_key = "u9999", .text = "3-1-101 鸡蛋1盒", .time = t.now};
  CHECK_THROWS(t.store.write([&](StoreTx& tx) {
    t.engine.handle(tx, m, t.now);
    throw std::runtime_error("disk trouble");
  }));
  t.engine.invalidate();
  // Capacity 1 is still taken by order 1 only: delivering it frees it for the next order.
  t.say("701", "/delivered 1");
  auto r = t.say("3", "3-3-303 牛奶1箱");
  auto o = t.order(r.orders_created.at(0).value);
  CHECK(o->status == OrderStatus::assigned);
}

TEST_CASE("logistics: /export sends the orders spreadsheet privately, never in the group") {
  Team t;
  t.add_volunteer("701", "3");
  t.say("1", "3-2-502 白菜2斤 鸡蛋1盒");
  auto r = t.say("900", "/export");
  CHECK(r.outcome == "export_private_only");
  CHECK(r.replies.size() == 1);
  CHECK(r.replies[0].document_name.empty());
  t.say("900", "/start", "900");
  r = t.say("900", "导出");
  CHECK(r.outcome == "export");
  auto file = std::find_if(r.replies.begin(), r.replies.end(), [](const OutgoingMessage& m) { return !m.document_name.empty(); });
  REQUIRE(file != r.replies.end());
  CHECK(file->chat_id == "900");
  CHECK(file->document_name.rfind("orders-", 0) == 0);
  CHECK(file->text.rfind("\xEF\xBB\xBF", 0) == 0);  // BOM
  CHECK(has(file->text, "3-2-502"));
  CHECK(has(file->text, "name701"));
  CHECK(has(file->text, "鸡蛋"));
  CHECK(t.say("1", "/export", "1").outcome == "refused_not_coordinator");
}

TEST_CASE("residents: a long /my list goes to the private chat once there is one") {
  Team t;
  for (int i = 0; i < 9; ++i) t.say("1", "3-2-502 白菜" + std::to_string(i + 1) + "斤");
  auto r = t.say("1", "我的订单");
  REQUIRE(r.replies.size() == 1);
  CHECK(r.replies[0].chat_id == kGroup);  // no private chat yet: in the group
  CHECK(has(r.replies[0].text, "#9"));
  t.say("1", "/start", "1");
  r = t.say("1", "我的订单");
  REQUIRE(r.replies.size() == 2);
  CHECK(to_chat(r, "1"));
  CHECK(has(to_chat(r, "1")->text, "#9"));
  CHECK(has(to_chat(r, kGroup)->text, "私信"));
  // A short list stays in the group.
  for (int i = 1; i <= 8; ++i) t.say("1", "取消 #" + std::to_string(i));
  r = t.say("1", "我的订单");
  REQUIRE(r.replies.size() == 1);
  CHECK(r.replies[0].chat_id == kGroup);
}

TEST_CASE("logistics: the rest of the coordinator and volunteer commands, and their refusals") {
  Team t;
  t.add_volunteer("701", "3", 1);
  t.add_volunteer("702", "3");
  t.say("1", "3-2-502 白菜2斤");  // to 701 (tie: lowest id); 701 is now full
  t.say("2", "3-1-101 鸡蛋1盒");  // to 702
  CHECK(t.order(1)->volunteer_name == "name701");
  CHECK(t.order(2)->volunteer_name == "name702");

  // Releasing someone else's order, claiming an assigned one, claiming at capacity.
  auto r = t.say("701", "/release 2");
  CHECK(r.outcome == "refused");
  CHECK(has(r.replies[0].text, "不是您的任务"));
  r = t.say("702", "/claim 1");
  CHECK(r.outcome == "refused");
  CHECK(has(r.replies[0].text, "当前状态"));
  t.say("702", "/release 2");  // back to the queue, and 701 is full: it waits
  r = t.say("701", "/claim 2");
  CHECK(r.outcome == "refused");
  CHECK(has(r.replies[0].text, "任务已满"));

  // The volunteer list shows loads; removing a volunteer hands their unbought orders on.
  r = t.say("900", "/volunteer list");
  CHECK(has(r.replies[0].text, "name701 — 在岗, 1/1"));
  r = t.say("900", "/volunteer remove @vol701");
  CHECK(r.outcome == "volunteer_removed");
  CHECK(t.order(1)->volunteer_name == "name702");
  CHECK(t.say("701", "/tasks").outcome == "refused_not_volunteer");
  CHECK(t.say("900", "/volunteer remove @vol701").outcome == "usage");
  CHECK(t.say("900", "/volunteer frobnicate").outcome == "usage");
  CHECK(t.say("900", "/volunteer add @vol702 capacity=lots").outcome == "usage");

  // Coordinators added in the chat can be removed again; config coordinators cannot lose it.
  t.say("901", "hi", kGroup, std::nullopt, "c2");
  CHECK(t.say("900", "/coordinator add @c2").outcome == "coordinator_added");
  CHECK(t.say("901", "/summary").outcome == "summary");
  CHECK(t.say("900", "/coordinator remove @c2").outcome == "coordinator_removed");
  CHECK(t.say("901", "/summary").outcome == "refused_not_coordinator");
  CHECK(t.say("900", "/coordinator").outcome == "usage");
  CHECK(t.say("900", "/assign 1").outcome == "usage");
  CHECK(t.say("900", "/assign 77 @vol702").outcome == "order_not_found");
  CHECK(t.say("900", "/assign 1 @vol702").outcome == "refused");  // already theirs

  // Rounds: one per chat, status, closing by hand, and usage.
  CHECK(t.say("900", "/round").outcome == "round_status");
  CHECK(t.say("900", "/round close").outcome == "refused");
  CHECK(t.say("900", "/round open 25:00").outcome == "usage");
  CHECK(t.say("900", "轮次 开始 21:30").outcome == "round_opened");
  r = t.say("900", "/round open 22:00");
  CHECK(r.outcome == "refused");
  CHECK(has(r.replies[0].text, "21:30"));
  t.say("3", "3-3-303 牛奶1箱");
  r = t.say("900", "/round");
  CHECK(has(r.replies[0].text, "已收到 1 单"));
  r = t.say("900", "轮次 截止");
  CHECK(r.outcome == "round_closed");
  CHECK(t.order(3)->volunteer_name == "name702");
  CHECK(has(r.replies[0].text, "共 1 单"));
}

TEST_CASE("logistics: shopping lists group items under readable category names") {
  Team t;
  t.say("1", "3-2-502 白菜2斤 鸡蛋1盒 苹果3个");
  auto text = t.say("900", "采购汇总").replies.at(0).text;
  CHECK(has(text, "【蔬菜】\n• 白菜 2斤"));
  CHECK(has(text, "【蛋类】"));
  CHECK(has(text, "【水果】"));
  CHECK_FALSE(has(text, "vegetable"));
}

TEST_CASE("logistics: lettered zones, edits told without the flat in a group, receipts reach the volunteer") {
  Team t;
  t.say("702", "hi", kGroup, std::nullopt, "zhou");
  auto r = t.say("900", "/volunteer add @zhou zones=6,12B capacity=3");
  CHECK(has(r.replies.at(0).text, "12B,6"));
  t.say("702", "/on");
  r = t.say("5", "Flat 12B: 2 loaves of bread");
  CHECK(t.order(1)->volunteer_name == "name702");
  const auto* card = to_chat(r, kGroup);
  REQUIRE(card);
  // The household's own edit: the volunteer hears of it, in the group without the flat.
  r = t.say("5", "/my");
  r = t.say("5", "make it 3 loaves of bread", kGroup, std::to_string(t.next_message - 2));
  bool told = false;
  for (const auto& m : r.replies)
    if (has(m.text, "changed by the household") || has(m.text, "住户有修改")) {
      told = true;
      CHECK_FALSE(has(m.text, "Flat"));
      CHECK(has(m.text, "#1 12B"));
    }
  CHECK(told);
  t.say("702", "/delivered 1");
  r = t.say("5", "received");
  CHECK(r.outcome == "received");
  bool thanked = std::any_of(r.replies.begin(), r.replies.end(), [](const OutgoingMessage& m) { return has(m.text, "住户已确认收到"); });
  CHECK(thanked);
}
