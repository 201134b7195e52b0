// Conversations through the real engine: real parser and catalog, SQLite in memory.

#include "handlers/engine.hpp"

#include <doctest/doctest.h>

#include "tests/support/test_parser.hpp"
#include "storage/sqlite_store.hpp"

using namespace supplybot;
using namespace supplybot::handlers;

namespace {

const Parser& parser() { return testing::default_parser(); }

struct Chat {
  explicit Chat(EngineConfig config = {}) : engine(parser(), std::move(config)) {}
  storage::SqliteStore store{{.path = ":memory:"}};
  Engine engine;
  int next_update = 1;
  int next_message = 100;
  UnixTime now = 1'764'300'000;

  HandleResult say(const std::string& user, const std::string& text, std::optional<std::string> reply_to = {},
                   std::string chat = "-100", bool edited = false, std::string message_id = {}) {
    ChatMessage m{.platform = Platform::telegram,
                  .chat_id = chat,
                  .chat_kind = chat.front() == '-' ? ChatKind::group : ChatKind::private_chat,
                  .sender_id = user,
                  .sender_name = "user" + user,
                  .message_id = message_id.empty() ? std::to_string(next_message++) : message_id,
                  .update_key = std::to_string(next_update++),
                  .text = text,
                  .reply_to = std::move(reply_to),
                  .edited = edited,
                  .time = now};
    HandleResult r;
    store.write([&](StoreTx& tx) { r = engine.handle(tx, m, now); });
    return r;
  }

  std::optional<Order> order(std::int64_t id) {
    std::optional<Order> o;
    store.write([&](StoreTx& tx) { o = tx.order(OrderId{id}); });
    return o;
  }

  std::string reply_text(const HandleResult& r) { return r.replies.empty() ? "" : r.replies.front().text; }
};

}  // namespace

TEST_CASE("engine: an order with an address is stored, confirmed and links the sender") {
  Chat c;
  auto r = c.say("1", "3栋2单元502 白菜2斤 鸡蛋一盒");
  REQUIRE(r.orders_created.size() == 1);
  auto o = c.order(r.orders_created[0].value);
  REQUIRE(o);
  CHECK(o->address == "3-2-502");
  REQUIRE(o->lines.size() == 2);
  CHECK(o->lines[0].name == "白菜");
  CHECK(o->lines[0].qty == 2);
  CHECK(o->lines[0].unit == "斤");
  auto text = c.reply_text(r);
  CHECK(text.find("#1") != std::string::npos);
  CHECK(text.find("白菜 2斤") != std::string::npos);
  CHECK(text.find("鸡蛋 1盒") != std::string::npos);
  REQUIRE(r.replies.size() == 1);
  CHECK(*r.replies[0].reply_to == "100");
  CHECK(r.replies[0].order_no == 1);

  SUBCASE("the next order needs no address") {
    auto r2 = c.say("1", "再要苹果5个");
    REQUIRE(r2.orders_created.size() == 1);
    CHECK(c.order(r2.orders_created[0].value)->address == "3-2-502");
  }
  SUBCASE("a redelivered update changes nothing") {
    ChatMessage m{.chat_id = "-100", .sender_id = "1", .message_id = "100", .update_key = "1", .text = "3栋2单元502 白菜2斤 鸡蛋一盒"};
    HandleResult again;
    c.store.write([&](StoreTx& tx) { again = c.engine.handle(tx, m, c.now); });
    CHECK(again.duplicate);
    CHECK(again.replies.empty());
    CHECK_FALSE(c.order(2));
  }
}

TEST_CASE("engine: an order without an address from a stranger asks for it") {
  Chat c;
  auto r = c.say("9", "白菜2斤 鸡蛋一盒");
  CHECK(r.orders_created.empty());
  CHECK(r.outcome == "held");
  CHECK(c.reply_text(r).find("门牌号") != std::string::npos);
  auto reg = c.say("9", "/register 5-1101");
  CHECK(c.reply_text(reg).find("5-1101") != std::string::npos);
  CHECK(reg.orders_created.size() == 1);  // the held order
  auto r2 = c.say("9", "白菜2斤 鸡蛋一盒");
  REQUIRE(r2.orders_created.size() == 1);
  CHECK(c.order(r2.orders_created[0].value)->address == "5-1101");
}

TEST_CASE("engine: edits, modifications and cancellations change the same order") {
  Chat c;
  auto r = c.say("1", "3栋2单元502 白菜2斤 鸡蛋一盒", {}, "-100", false, "500");
  REQUIRE(r.orders_created.size() == 1);
  auto id = r.orders_created[0];

  SUBCASE("an edited message updates the order") {
    auto e = c.say("1", "3栋2单元502 白菜3斤 鸡蛋一盒", {}, "-100", true, "500");
    CHECK(e.orders_created.empty());
    REQUIRE(e.orders_changed.size() == 1);
    CHECK(c.order(id.value)->lines[0].qty == 3);
  }
  SUBCASE("白菜改成3斤 changes only that item") {
    auto m = c.say("1", "白菜改成3斤");
    CHECK(m.outcome == "modified");
    auto o = c.order(id.value);
    REQUIRE(o->lines.size() == 2);
    CHECK(o->lines[0].qty == 3);
    CHECK(o->lines[1].name == "鸡蛋");
  }
  SUBCASE("取消 in reply to the confirmation cancels it") {
    c.store.write([&](StoreTx& tx) { tx.outbox_sent(r.reply_ids[0], "9001", c.now); });
    auto x = c.say("1", "取消", std::string("9001"));
    CHECK(x.outcome == "cancelled");
    CHECK(c.order(id.value)->status == OrderStatus::cancelled);
    auto again = c.say("1", "取消", std::string("9001"));
    CHECK(again.outcome == "cancel_refused");
  }
  SUBCASE("取消 #N from another household is refused") {
    c.say("2", "/register 4-1-101");
    auto x = c.say("2", "取消 #1");
    CHECK(x.outcome == "cancel_refused");
    CHECK(c.order(id.value)->status == OrderStatus::pending);
  }
  SUBCASE("after purchase a change is refused with the reason") {
    c.store.write([&](StoreTx& tx) { tx.set_status(id, OrderStatus::purchased, "v1", "", c.now); });
    auto m = c.say("1", "白菜改成3斤");
    CHECK(m.outcome == "modify_refused");
    CHECK(c.reply_text(m).find("已购买") != std::string::npos);
    CHECK(c.order(id.value)->lines[0].qty == 2);
  }
}

TEST_CASE("engine: /my and status questions list open orders") {
  Chat c;
  c.say("1", "3栋2单元502 白菜2斤");
  auto my = c.say("1", "/my");
  CHECK(my.outcome == "my_orders");
  CHECK(c.reply_text(my).find("#1") != std::string::npos);
  auto q = c.say("1", "我的菜什么时候到?");
  CHECK(q.outcome == "my_orders");
  auto none = c.say("5", "我的订单");
  CHECK(none.outcome == "no_household");
}

TEST_CASE("engine: chat in a group gets no answer; commands do") {
  Chat c;
  CHECK(c.say("1", "谢谢志愿者们辛苦了！").replies.empty());
  CHECK(c.say("1", "今天下午3点核酸检测，请大家下楼").replies.empty());
  CHECK_FALSE(c.say("1", "/help@SupplyBot").replies.empty());
  CHECK(c.say("1", "/help@OtherBot").replies.empty());
  auto unknown = c.say("1", "/frobnicate");
  CHECK(unknown.outcome == "unknown_command");
  SUBCASE("in private chat the bot explains itself") {
    auto r = c.say("1", "你好", {}, "42");
    CHECK_FALSE(r.replies.empty());
  }
}

TEST_CASE("engine: English orders get English answers") {
  Chat c;
  auto r = c.say("3", "Flat 12B, 2 loaves of bread and a dozen eggs pls");
  REQUIRE(r.orders_created.size() == 1);
  auto text = c.reply_text(r);
  CHECK(text.find("Order #1 for 12B received") != std::string::npos);
}

TEST_CASE("engine: a held order becomes real when the sender answers with the address, asked once") {
  Chat c;
  auto first = c.say("9", "白菜2斤 鸡蛋一盒");
  CHECK(first.outcome == "held");
  CHECK(first.replies.size() == 1);
  auto second = c.say("9", "再要苹果5个");
  CHECK(second.outcome == "held");
  CHECK(second.replies.empty());  // asked once only
  auto answer = c.say("9", "3栋2单元502");
  REQUIRE(answer.orders_created.size() == 1);
  auto o = c.order(answer.orders_created[0].value);
  CHECK(o->address == "3-2-502");
  CHECK(o->lines.size() == 3);
  // Nothing is held any more.
  CHECK(c.say("9", "3栋2单元502").orders_created.empty());
}

TEST_CASE("engine: /register releases a held order") {
  Chat c;
  c.say("9", "大米10斤");
  auto reg = c.say("9", "登记 5-1101");
  CHECK(reg.outcome == "order");
  REQUIRE(reg.orders_created.size() == 1);
  CHECK(c.order(reg.orders_created[0].value)->address == "5-1101");
}

TEST_CASE("engine: 同昨天 repeats the household's last order, confirmed in full") {
  Chat c;
  c.say("1", "3栋2单元502 白菜2斤 鸡蛋一盒");
  auto again = c.say("1", "同昨天");
  REQUIRE(again.orders_created.size() == 1);
  auto o = c.order(again.orders_created[0].value);
  REQUIRE(o->lines.size() == 2);
  CHECK(c.reply_text(again).find("白菜 2斤") != std::string::npos);
  CHECK(c.say("7", "同昨天").outcome == "no_previous_order");
}

TEST_CASE("engine: 收到 confirms orders on the way") {
  Chat c;
  auto r = c.say("1", "3栋2单元502 白菜2斤");
  CHECK(c.say("1", "收到").outcome == "nothing_to_receive");
  c.store.write([&](StoreTx& tx) { tx.set_status(r.orders_created[0], OrderStatus::purchased, "v", "", c.now); });
  auto got = c.say("1", "收到");
  CHECK(got.outcome == "received");
  CHECK(c.order(r.orders_created[0].value)->status == OrderStatus::delivered);
}

TEST_CASE("engine: a 接龙 chain growing over ten messages makes one order per entry") {
  Chat c;
  std::string list = "#接龙 明天蔬菜包\n";
  const char* entries[] = {"3-2-502 白菜2斤", "5-1101 鸡蛋一盒", "4栋1单元301 土豆3斤", "2-1-101 大米10斤",
                           "6-2-602 苹果5个", "7-1-701 牛奶2箱", "8-3-803 西红柿2斤", "9-1-901 面条2包",
                           "10-2-1002 食用油1桶", "11-1-1101 香蕉3斤"};
  int created = 0;
  for (int i = 0; i < 10; ++i) {
    list += std::to_string(i + 1) + ". " + entries[i] + "\n";
    auto r = c.say(std::to_string(100 + i), list);
    CAPTURE(i);
    CHECK(r.orders_created.size() == 1);  // only the new entry
    created += static_cast<int>(r.orders_created.size());
  }
  CHECK(created == 10);
  SUBCASE("a re-posted copy changes nothing") {
    auto r = c.say("200", list);
    CHECK(r.orders_created.empty());
    CHECK(r.orders_changed.empty());
    CHECK(r.replies.empty());
  }
  SUBCASE("a changed entry modifies its order") {
    std::string changed = list;
    auto pos = changed.find("白菜2斤");
    changed.replace(pos, std::string("白菜2斤").size(), "白菜4斤");
    auto r = c.say("100", changed);
    CHECK(r.orders_created.empty());
    REQUIRE(r.orders_changed.size() == 1);
    CHECK(c.order(r.orders_changed[0].value)->lines[0].qty == 4);
  }
}

TEST_CASE("engine: nobody changes another household's order by replying to it") {
  Chat c;
  auto r = c.say("1", "3栋2单元502 白菜2斤 鸡蛋一盒", {}, "-100", false, "700");
  c.store.write([&](StoreTx& tx) { tx.outbox_sent(r.reply_ids[0], "9100", c.now); });
  SUBCASE("a stranger replying 取消 to the confirmation") {
    auto x = c.say("2", "取消", std::string("9100"));
    CHECK(x.outcome == "cancel_refused");
    CHECK(c.order(1)->status == OrderStatus::pending);
  }
  SUBCASE("another household replying to the order message itself") {
    c.say("3", "/register 4-1-101");
    auto x = c.say("3", "白菜改成5斤", std::string("700"));
    CHECK(x.outcome == "modify_refused");
    CHECK(c.order(1)->lines[0].qty == 2);
  }
  SUBCASE("the household itself may") {
    CHECK(c.say("1", "取消", std::string("9100")).outcome == "cancelled");
  }
}

TEST_CASE("engine: cancelling an item the order does not have cancels nothing") {
  Chat c;
  c.say("1", "3栋2单元502 白菜2斤 土豆3斤");
  auto x = c.say("1", "取消鸡蛋");
  CHECK(c.order(1)->status == OrderStatus::pending);
  CHECK(c.order(1)->lines.size() == 2);
  CHECK(x.orders_changed.empty());
}

TEST_CASE("engine: a stale copy of a 接龙 list does not undo a household's change") {
  Chat c;
  std::string v1 = "#接龙 明天蔬菜包\n1. 3-2-502 白菜2斤\n";
  c.say("1", v1);
  std::string v2 = "#接龙 明天蔬菜包\n1. 3-2-502 白菜4斤\n";
  auto changed = c.say("1", v2);
  REQUIRE(changed.orders_changed.size() == 1);
  CHECK(c.order(1)->lines[0].qty == 4);
  // Someone else copies the old list and adds their entry.
  auto other = c.say("2", v1 + "2. 5-1101 鸡蛋一盒\n");
  CHECK(other.orders_created.size() == 1);
  CHECK(other.orders_changed.empty());
  CHECK(c.order(1)->lines[0].qty == 4);
}

TEST_CASE("engine: a 接龙 entry without an address from a stranger is held and asked about") {
  Chat c;
  std::string list = "#接龙 明天蔬菜包\n1. 3-2-502 白菜2斤\n";
  c.say("1", list);
  auto r = c.say("9", list + "2. 土豆3斤\n");
  CHECK(r.orders_created.empty());
  CHECK(c.reply_text(r).find("门牌号") != std::string::npos);
  auto answer = c.say("9", "5号楼1101");
  REQUIRE(answer.orders_created.size() == 1);
  CHECK(c.order(answer.orders_created[0].value)->address == "5-1101");
}

TEST_CASE("engine: editing the address moves the order and the link made from the typo") {
  Chat c;
  auto r = c.say("1", "3栋2单元503 白菜2斤", {}, "-100", false, "800");
  REQUIRE(r.orders_created.size() == 1);
  auto e = c.say("1", "3栋2单元502 白菜2斤", {}, "-100", true, "800");
  CHECK(e.outcome == "modified");
  CHECK(c.order(1)->address == "3-2-502");
  auto next = c.say("1", "再要苹果5个");
  REQUIRE(next.orders_created.size() == 1);
  CHECK(c.order(next.orders_created[0].value)->address == "3-2-502");
}

TEST_CASE("engine: coordinators mark households isolated and see who has not ordered") {
  Chat c(EngineConfig{.coordinators = {"telegram:99"}});
  auto refused = c.say("1", "/isolate 3-2-502 14");
  CHECK(refused.outcome == "refused_not_coordinator");
  CHECK(c.say("99", "/isolate 3-2-502 14").outcome == "isolated");
  CHECK(c.say("99", "隔离 5号楼1101 7").outcome == "isolated");
  CHECK(c.say("99", "/isolate nowhere").outcome == "isolate_usage");
  c.say("1", "3栋2单元502 白菜2斤");
  auto list = c.say("99", "隔离名单");
  CHECK(list.outcome == "isolated_list");
  auto text = c.reply_text(list);
  // A slash command says nothing about the sender's language: the default (Chinese) answers.
  CHECK(c.reply_text(c.say("99", "/isolated")).find("5-1101，还剩 7 天，从未下单") != std::string::npos);
  CHECK(text.find("3-2-502") != std::string::npos);
  CHECK(text.find("5-1101，还剩 7 天，从未下单  ← 请电话联系") != std::string::npos);
  CHECK(text.find("其中 1 户") != std::string::npos);
  CHECK(c.say("99", "/isolate 5-1101 0").outcome == "isolation_ended");
  CHECK(c.reply_text(c.say("99", "/isolated")).find("5-1101") == std::string::npos);
}
