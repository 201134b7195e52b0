#include "handlers/parse/parser.hpp"

#include "config/catalog_loader.hpp"
#include "handlers/parse/household.hpp"
#include "handlers/parse/normalize.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace supplybot::handlers;

namespace {

const Parser& parser() {
  static const Parser p = [] {
    auto loaded = supplybot::config::load_catalog(std::filesystem::path(SUPPLYBOT_SOURCE_DIR) / "config/catalog.toml");
    REQUIRE(loaded.ok());
    return Parser(std::move(loaded.catalog), "SupplyBot");
  }();
  return p;
}

void check_item(const ParsedItem& it, std::string_view name, double qty, std::string_view unit) {
  CHECK(it.name == name);
  CHECK(it.qty == doctest::Approx(qty));
  CHECK(it.unit == unit);
}

// One order item: name, quantity, unit.
void one_item(std::string_view text, std::string_view name, double qty, std::string_view unit) {
  CAPTURE(text);
  auto p = parser().parse(text);
  CHECK(p.intent == Intent::order);
  REQUIRE(p.items.size() == 1);
  check_item(p.items[0], name, qty, unit);
}

std::string household_of(std::string_view text) {
  auto p = parser().parse(text);
  return p.household.value_or("");
}

}  // namespace

TEST_CASE("parse: household, items after quantities and units") {
  auto p = parser().parse("3栋2单元502 要白菜2斤 鸡蛋一盒");
  CHECK(p.intent == Intent::order);
  REQUIRE(p.household);
  CHECK(*p.household == "3-2-502");
  REQUIRE(p.items.size() == 2);
  check_item(p.items[0], "白菜", 2, "斤");
  check_item(p.items[1], "鸡蛋", 1, "盒");
  CHECK(p.items[0].text == "白菜2斤");
  CHECK(p.items[0].in_catalog);
  CHECK(p.items[0].category == "vegetable");
  CHECK(p.confidence > 0.9);
}

TEST_CASE("parse: quantity before or after the item") {
  one_item("白菜2斤", "白菜", 2, "斤");
  one_item("要两斤白菜", "白菜", 2, "斤");
  one_item("2 loaves of bread", "面包", 2, "loaf");
  one_item("rice 5kg", "大米", 5, "kg");
  auto p = parser().parse("2斤白菜1盒鸡蛋");
  REQUIRE(p.items.size() == 2);
  check_item(p.items[0], "白菜", 2, "斤");
  check_item(p.items[1], "鸡蛋", 1, "盒");
}

TEST_CASE("parse: Chinese numerals, halves and 两") {
  SUBCASE("numbers") {
    one_item("鸡蛋十五个", "鸡蛋", 15, "个");
    one_item("大米二十斤", "大米", 20, "斤");
    one_item("饺子一百个", "饺子", 100, "个");
    one_item("鸡蛋廿个", "鸡蛋", 20, "个");
  }
  SUBCASE("halves") {
    one_item("西瓜一个半", "西瓜", 1.5, "个");
    one_item("半斤猪肉", "猪肉", 0.5, "斤");
    one_item("猪肉一斤半", "猪肉", 1.5, "斤");
    one_item("half a dozen eggs", "鸡蛋", 0.5, "dozen");
    one_item("½斤猪肉", "猪肉", 0.5, "斤");
    one_item("1/2 kg beef", "牛肉", 0.5, "kg");
  }
  SUBCASE("两 is two before a unit and the unit after a number") {
    one_item("两斤白菜", "白菜", 2, "斤");
    one_item("二两花椒", "花椒", 2, "两");
  }
  SUBCASE("units omitted and multipliers") {
    one_item("苹果5", "苹果", 5, "");
    one_item("牛奶x2", "牛奶", 2, "");
    one_item("牛奶*2", "牛奶", 2, "");
    one_item("牛奶×2", "牛奶", 2, "");
    one_item("牛奶1箱x2", "牛奶", 2, "箱");
  }
  SUBCASE("full-width digits and punctuation") {
    auto p = parser().parse("３栋２单元５０２　白菜２斤，鸡蛋１盒");
    CHECK(p.household.value_or("") == "3-2-502");
    REQUIRE(p.items.size() == 2);
    check_item(p.items[0], "白菜", 2, "斤");
  }
}

TEST_CASE("parse: 各 distributes one quantity over the items before it") {
  auto p = parser().parse("葱姜蒜各一把");
  REQUIRE(p.items.size() == 3);
  check_item(p.items[0], "小葱", 1, "把");
  check_item(p.items[1], "生姜", 1, "把");
  check_item(p.items[2], "大蒜", 1, "把");
  auto q = parser().parse("苹果、梨、香蕉各2斤");
  REQUIRE(q.items.size() == 3);
  check_item(q.items[1], "梨", 2, "斤");
}

TEST_CASE("parse: sizes and brands are notes, not quantities") {
  auto p = parser().parse("5L装花生油1桶");
  REQUIRE(p.items.size() == 1);
  check_item(p.items[0], "花生油", 1, "桶");
  CHECK(p.items[0].note == "5l装");
  auto q = parser().parse("金龙鱼调和油5L一桶");
  REQUIRE(q.items.size() == 1);
  check_item(q.items[0], "食用油", 1, "桶");
  CHECK(q.items[0].note.find("金龙鱼") != std::string::npos);
  auto d = parser().parse("need 1 pack of diapers size 4");
  REQUIRE(d.items.size() == 1);
  check_item(d.items[0], "纸尿裤", 1, "pack");
  CHECK(d.items[0].note == "size 4");
  CHECK_FALSE(d.urgent);  // only medicine and infant formula are urgent by themselves
}

TEST_CASE("parse: separators, emoji and noise") {
  for (const char* text : {"白菜2斤、土豆3斤", "白菜2斤，土豆3斤", "白菜2斤\n土豆3斤", "🥬白菜2斤🥔土豆3斤🙏",
                           "白菜2斤 土豆3斤", "白菜2斤;土豆3斤"}) {
    CAPTURE(text);
    auto p = parser().parse(text);
    REQUIRE(p.items.size() == 2);
    check_item(p.items[0], "白菜", 2, "斤");
    check_item(p.items[1], "土豆", 3, "斤");
  }
}

TEST_CASE("parse: English orders") {
  auto p = parser().parse("Flat 12B, 2 loaves of bread and a dozen eggs pls");
  CHECK(p.intent == Intent::order);
  CHECK(p.household.value_or("") == "12B");
  REQUIRE(p.items.size() == 2);
  check_item(p.items[0], "面包", 2, "loaf");
  check_item(p.items[1], "鸡蛋", 1, "dozen");
  auto q = parser().parse("rice 5kg, milk x2");
  REQUIRE(q.items.size() == 2);
  check_item(q.items[1], "牛奶", 2, "");
  one_item("an onion please", "洋葱", 1, "");
  one_item("2 cases of water", "矿泉水", 2, "case");
}

TEST_CASE("parse: unknown goods keep the resident's words") {
  auto p = parser().parse("麻烦帮买螺蛳粉两包，谢谢");
  REQUIRE(p.items.size() == 1);
  check_item(p.items[0], "螺蛳粉", 2, "包");
  CHECK_FALSE(p.items[0].in_catalog);
  CHECK(p.items[0].category.empty());
  CHECK(p.confidence < parser().parse("白菜2斤").confidence);
}

TEST_CASE("parse: traditional Chinese") {
  one_item("蘋果 6個", "苹果", 6, "个");
  one_item("雞蛋兩盒", "鸡蛋", 2, "盒");
  CHECK(to_simplified(U'滷') == U'卤');  // the last pair of the table: the table is aligned
  CHECK(to_simplified(U'蘋') == U'苹');
}

TEST_CASE("parse: households in every common form") {
  CHECK(household_of("3栋2单元502 白菜2斤") == "3-2-502");
  CHECK(household_of("3号楼2单元502室 白菜2斤") == "3-2-502");
  CHECK(household_of("3-2-502 白菜2斤") == "3-2-502");
  CHECK(household_of("3幢502 白菜2斤") == "3-502");
  CHECK(household_of("5号楼1101 白菜2斤") == "5-1101");
  CHECK(household_of("5-1101 白菜2斤") == "5-1101");
  CHECK(household_of("Block 3 #05-12 eggs x2") == "3-05-12");
  CHECK(household_of("Flat 12B eggs x2") == "12B");
  CHECK(household_of("Rm 1203 eggs x2") == "1203");
  CHECK(household_of("A座1203 鸡蛋一盒") == "A-1203");
  CHECK(household_of("3#502 白菜2斤") == "3-502");
  CHECK(household_of("三栋502 白菜2斤") == "3-502");
  CHECK(household_of("3栋二单元502 白菜2斤") == "3-2-502");
  CHECK(household_of("12栋1门502 白菜2斤") == "12-1-502");
  CHECK(household_of("3號樓2單元502 白菜2斤") == "3-2-502");
  SUBCASE("not households") {
    CHECK(household_of("13812345678 白菜2斤") == "");
    CHECK(household_of("2022-11-28 白菜2斤") == "");
    CHECK(household_of("3栋2斤白菜") == "");
  }
}

TEST_CASE("parse: phone numbers, dates, times, temperatures and case counts are not quantities") {
  for (const char* text : {"今天确诊3例", "体温36.5", "13812345678", "明天8点核酸", "下午3点半到", "11月28日",
                           "我家3个人", "12:30送到吗", "花了200块", "Call me at 13812345678"}) {
    CAPTURE(text);
    auto p = parser().parse(text);
    CHECK(p.intent != Intent::order);
    CHECK(p.items.empty());
  }
  auto p = parser().parse("我电话13812345678 白菜2斤");
  REQUIRE(p.items.size() == 1);
  check_item(p.items[0], "白菜", 2, "斤");
}

TEST_CASE("parse: chat and notices never become orders") {
  for (const char* text :
       {"谢谢志愿者", "今天下午3点核酸检测，请大家下楼", "通知：明天发放蔬菜包，每户一份", "团购：鸡蛋30元一盒，需要的接龙",
        "大家加油！", "今天的白菜很新鲜", "谢谢志愿者！鸡蛋收到了", "Thank you so much for the delivery!",
        "Reminder: covid testing at 3pm today, everyone please come down", "有人有多余的退烧药吗", "👍"}) {
    CAPTURE(text);
    auto p = parser().parse(text);
    CHECK(p.intent == Intent::chat);
  }
}

TEST_CASE("parse: cancel, modify and query") {
  SUBCASE("cancel") {
    auto a = parser().parse("取消刚才的鸡蛋");
    CHECK(a.intent == Intent::cancel);
    REQUIRE(a.items.size() == 1);
    CHECK(a.items[0].name == "鸡蛋");
    CHECK(parser().parse("不要了").intent == Intent::cancel);
    CHECK(parser().parse("不要了").items.empty());
    CHECK(parser().parse("cancel my order").intent == Intent::cancel);
    auto b = parser().parse("鸡蛋不要了");
    CHECK(b.intent == Intent::cancel);
    REQUIRE(b.items.size() == 1);
  }
  SUBCASE("不要 + a flavour is a requirement, not a cancel") {
    auto p = parser().parse("猪肉2斤，不要辣");
    CHECK(p.intent == Intent::order);
    CHECK(p.notes.value_or("") == "不要辣");
    auto q = parser().parse("1 bottle of soy sauce, low-salt");
    CHECK(q.notes.value_or("") == "low-salt");
    auto r = parser().parse("白菜2斤 不要辣");
    REQUIRE(r.items.size() == 1);
    CHECK(r.items[0].text == "白菜2斤");
    auto c = parser().parse("鸡蛋一盒，没有的话就不要了");
    CHECK(c.intent == Intent::order);
    CHECK(c.notes.value_or("") == "没有的话就不要了");
  }
  SUBCASE("modify") {
    auto p = parser().parse("白菜改成3斤");
    CHECK(p.intent == Intent::modify);
    REQUIRE(p.items.size() == 1);
    check_item(p.items[0], "白菜", 3, "斤");
    auto q = parser().parse("make it 3 milk");
    CHECK(q.intent == Intent::modify);
    REQUIRE(q.items.size() == 1);
    check_item(q.items[0], "牛奶", 3, "");
  }
  SUBCASE("query") {
    CHECK(parser().parse("我的菜什么时候到?").intent == Intent::query);
    CHECK(parser().parse("has my order been delivered?").intent == Intent::query);
  }
}

TEST_CASE("parse: commands") {
  SUBCASE("slash commands") {
    auto p = parser().parse("/tasks");
    CHECK(p.intent == Intent::command);
    CHECK(p.command == "tasks");
    CHECK(p.known_command);
    auto q = parser().parse("/claim@SupplyBot 12");
    CHECK(q.command == "claim");
    REQUIRE(q.args.size() == 1);
    CHECK(q.args[0] == "12");
    CHECK(parser().parse("/tasks@OtherBot").intent == Intent::chat);
    auto u = parser().parse("/frobnicate");
    CHECK(u.intent == Intent::command);
    CHECK_FALSE(u.known_command);
  }
  SUBCASE("words at the start") {
    CHECK(parser().parse("我的任务").command == "tasks");
    CHECK(parser().parse("收到").command == "received");
    CHECK(parser().parse("收到，谢谢").command == "received");
    CHECK(parser().parse("received").command == "received");
    auto d = parser().parse("已送达 12");
    CHECK(d.command == "delivered");
    CHECK(d.args == std::vector<std::string>{"12"});
    CHECK(parser().parse("隔离名单").command == "isolated");
    CHECK(parser().parse("登记 3栋2单元502").command == "register");
  }
  SUBCASE("取消 + an order ref is the cancel command; 取消 + goods is intent cancel") {
    auto c = parser().parse("取消 #123");
    CHECK(c.intent == Intent::command);
    CHECK(c.command == "cancel");
    CHECK(c.order_ref.value_or("") == "123");
    CHECK(parser().parse("取消刚才的鸡蛋").intent == Intent::cancel);
  }
  SUBCASE("words that only start like a command") {
    CHECK(parser().parse("help me buy 2 bottles of milk").intent == Intent::order);
    CHECK(parser().parse("统计一下大家要多少").intent != Intent::command);
  }
}

TEST_CASE("parse: same as before") {
  auto p = parser().parse("同上");
  CHECK(p.intent == Intent::order);
  CHECK(p.same_as_previous);
  auto q = parser().parse("same as yesterday");
  CHECK(q.same_as_yesterday);
}

TEST_CASE("parse: urgency") {
  CHECK(parser().parse("急！鸡蛋一盒").urgent);
  CHECK(parser().parse("布洛芬1盒").urgent);
  CHECK(parser().parse("宝宝奶粉一罐").urgent);
  CHECK_FALSE(parser().parse("白菜2斤").urgent);
}

TEST_CASE("parse: 接龙") {
  const char* text = "#接龙 明天蔬菜包\n1. 3-2-502 蔬菜包1份\n2. 5-1101 蔬菜包2份 鸡蛋1盒";
  auto j = parse_jielong(parser(), text);
  REQUIRE(j);
  CHECK(j->header == "接龙 明天蔬菜包");
  REQUIRE(j->entries.size() == 2);
  CHECK(j->entries[0].number == 1);
  CHECK(j->entries[0].parsed.household.value_or("") == "3-2-502");
  CHECK(j->entries[1].parsed.items.size() == 2);
  auto last = parser().parse(text);
  CHECK(last.intent == Intent::order);
  CHECK(last.household.value_or("") == "5-1101");
  REQUIRE(last.items.size() == 2);
  check_item(last.items[0], "蔬菜包", 2, "份");
  CHECK_FALSE(parse_jielong(parser(), "3-2-502 白菜2斤"));
  SUBCASE("a header alone is chat") {
    CHECK(parser().parse("#接龙 明天蔬菜包 68元一份").intent == Intent::chat);
  }
}

TEST_CASE("parse: 接龙 entries that leave the goods to the header") {
  auto j = parse_jielong(parser(), "#接龙\n明天团购鸡蛋，每户限2盒\n\n1. 3-1-101 鸡蛋2盒\n2. 王 7-2-302 2盒\n3. 5-1101 +1");
  REQUIRE(j);
  REQUIRE(j->entries.size() == 3);
  REQUIRE(j->entries[1].parsed.items.size() == 1);
  check_item(j->entries[1].parsed.items[0], "鸡蛋", 2, "盒");
  CHECK(j->entries[1].parsed.household.value_or("") == "7-2-302");
  REQUIRE(j->entries[2].parsed.items.size() == 1);
  check_item(j->entries[2].parsed.items[0], "鸡蛋", 1, "");
}

TEST_CASE("parse: 接龙 changes between two versions of the list") {
  auto v1 = parse_jielong(parser(), "#接龙 明天蔬菜包\n1. 3-2-502 蔬菜包1份\n2. 5-1101 蔬菜包2份");
  auto v2 = parse_jielong(parser(),
                          "#接龙 明天蔬菜包\n1. 3-2-502 蔬菜包1份\n2. 5-1101 蔬菜包3份\n3. 6-1-602 蔬菜包1份 鸡蛋1盒");
  REQUIRE(v1);
  REQUIRE(v2);
  auto changes = jielong_changes(*v1, *v2);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].modified);
  CHECK(changes[0].entry.parsed.household.value_or("") == "5-1101");
  REQUIRE(changes[0].entry.parsed.items.size() == 1);
  CHECK(changes[0].entry.parsed.items[0].qty == 3);
  CHECK_FALSE(changes[1].modified);
  CHECK(changes[1].entry.parsed.household.value_or("") == "6-1-602");
  CHECK(jielong_changes(*v2, *v2).empty());
  CHECK(jielong_changes(Jielong{}, *v1).size() == 2);
}

TEST_CASE("parse: low confidence is visible") {
  auto clear = parser().parse("白菜2斤");
  auto vague = parser().parse("白菜 那个 就是 上次 说的 弄一点");
  CHECK(clear.confidence > 0.9);
  CHECK(vague.confidence < 0.8);
}
