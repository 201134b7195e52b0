#include "handlers/parse/lexicon.hpp"

#include "handlers/parse/english.hpp"
#include "handlers/parse/normalize.hpp"

#include <array>

namespace supplybot::handlers {
namespace {

struct Row {
  std::string_view spelling;
  WordKind kind;
  std::string_view canonical = {};
  double value = 0;
  char unit_class = 0;
};

using K = WordKind;

// Units: spelling -> canonical unit. English units get their plurals derived automatically.
constexpr Row kUnits[] = {
    {"斤", K::unit, "斤", 0, 'w'}, {"市斤", K::unit, "斤", 0, 'w'}, {"两", K::unit, "两", 0, 'w'},
    {"公斤", K::unit, "kg", 0, 'w'}, {"千克", K::unit, "kg", 0, 'w'}, {"kg", K::unit, "kg", 0, 'w'},
    {"kgs", K::unit, "kg", 0, 'w'}, {"kilo", K::unit, "kg", 0, 'w'}, {"kilogram", K::unit, "kg", 0, 'w'},
    {"克", K::unit, "g", 0, 'w'}, {"g", K::unit, "g", 0, 'w'}, {"gram", K::unit, "g", 0, 'w'},
    {"gramme", K::unit, "g", 0, 'w'}, {"lb", K::unit, "lb", 0, 'w'}, {"lbs", K::unit, "lb", 0, 'w'},
    {"pound", K::unit, "lb", 0, 'w'}, {"升", K::unit, "L", 0, 'v'}, {"l", K::unit, "L", 0, 'v'},
    {"litre", K::unit, "L", 0, 'v'}, {"liter", K::unit, "L", 0, 'v'}, {"毫升", K::unit, "ml", 0, 'v'},
    {"ml", K::unit, "ml", 0, 'v'},
    {"个", K::unit, "个", 0, 'c'}, {"盒", K::unit, "盒", 0, 'c'}, {"袋", K::unit, "袋", 0, 'c'},
    {"瓶", K::unit, "瓶", 0, 'c'}, {"箱", K::unit, "箱", 0, 'c'}, {"把", K::unit, "把", 0, 'c'},
    {"包", K::unit, "包", 0, 'c'}, {"桶", K::unit, "桶", 0, 'c'}, {"根", K::unit, "根", 0, 'c'},
    {"颗", K::unit, "颗", 0, 'c'}, {"棵", K::unit, "棵", 0, 'c'}, {"头", K::unit, "头", 0, 'c'},
    {"条", K::unit, "条", 0, 'c'}, {"块", K::unit, "块", 0, 'c'}, {"片", K::unit, "片", 0, 'c'},
    {"只", K::unit, "只", 0, 'c'}, {"份", K::unit, "份", 0, 'c'}, {"提", K::unit, "提", 0, 'c'},
    {"听", K::unit, "听", 0, 'c'}, {"罐", K::unit, "罐", 0, 'c'}, {"板", K::unit, "板", 0, 'c'},
    {"支", K::unit, "支", 0, 'c'}, {"串", K::unit, "串", 0, 'c'}, {"扎", K::unit, "扎", 0, 'c'},
    {"捆", K::unit, "捆", 0, 'c'}, {"卷", K::unit, "卷", 0, 'c'}, {"双", K::unit, "双", 0, 'c'},
    {"套", K::unit, "套", 0, 'c'}, {"张", K::unit, "张", 0, 'c'}, {"盘", K::unit, "盘", 0, 'c'},
    {"排", K::unit, "排", 0, 'c'}, {"粒", K::unit, "粒", 0, 'c'}, {"枚", K::unit, "枚", 0, 'c'},
    {"杯", K::unit, "杯", 0, 'c'}, {"碗", K::unit, "碗", 0, 'c'}, {"件", K::unit, "件", 0, 'c'},
    {"打", K::unit, "dozen", 0, 'c'}, {"筒", K::unit, "筒", 0, 'c'}, {"节", K::unit, "节", 0, 'c'},
    {"壶", K::unit, "壶", 0, 'c'}, {"兜", K::unit, "兜", 0, 'c'}, {"瓣", K::unit, "瓣", 0, 'c'},
    {"听装", K::unit, "听", 0, 'c'}, {"斤装", K::unit, "斤", 0, 'w'}, {"大袋", K::unit, "袋", 0, 'c'},
    {"小袋", K::unit, "袋", 0, 'c'}, {"大瓶", K::unit, "瓶", 0, 'c'}, {"小瓶", K::unit, "瓶", 0, 'c'},
    {"大盒", K::unit, "盒", 0, 'c'}, {"小盒", K::unit, "盒", 0, 'c'}, {"大包", K::unit, "包", 0, 'c'},
    {"小包", K::unit, "包", 0, 'c'}, {"大桶", K::unit, "桶", 0, 'c'}, {"小桶", K::unit, "桶", 0, 'c'},
    {"大箱", K::unit, "箱", 0, 'c'}, {"小箱", K::unit, "箱", 0, 'c'}, {"大把", K::unit, "把", 0, 'c'},
    {"小把", K::unit, "把", 0, 'c'}, {"大个", K::unit, "个", 0, 'c'}, {"小个", K::unit, "个", 0, 'c'},
    {"dozen", K::unit, "dozen", 0, 'c'}, {"doz", K::unit, "dozen", 0, 'c'},
    {"pack", K::unit, "pack", 0, 'c'}, {"packet", K::unit, "pack", 0, 'c'}, {"pk", K::unit, "pack", 0, 'c'},
    {"bag", K::unit, "bag", 0, 'c'}, {"bottle", K::unit, "bottle", 0, 'c'}, {"box", K::unit, "box", 0, 'c'},
    {"carton", K::unit, "carton", 0, 'c'}, {"can", K::unit, "can", 0, 'c'}, {"tin", K::unit, "can", 0, 'c'},
    {"loaf", K::unit, "loaf", 0, 'c'}, {"bunch", K::unit, "bunch", 0, 'c'}, {"piece", K::unit, "piece", 0, 'c'},
    {"pc", K::unit, "piece", 0, 'c'}, {"pcs", K::unit, "piece", 0, 'c'}, {"bar", K::unit, "bar", 0, 'c'},
    {"roll", K::unit, "roll", 0, 'c'}, {"jar", K::unit, "jar", 0, 'c'}, {"tray", K::unit, "tray", 0, 'c'},
    {"head", K::unit, "head", 0, 'c'}, {"bundle", K::unit, "bundle", 0, 'c'}, {"sack", K::unit, "bag", 0, 'c'},
    {"tub", K::unit, "tub", 0, 'c'}, {"block", K::unit, "block", 0, 'c'}, {"cup", K::unit, "cup", 0, 'c'}, {"case", K::unit, "case", 0, 'c'},
    {"crate", K::unit, "case", 0, 'c'}, {"slab", K::unit, "slab", 0, 'c'}, {"tube", K::unit, "tube", 0, 'c'},
    {"portion", K::unit, "portion", 0, 'c'}, {"serving", K::unit, "portion", 0, 'c'},
    {"sachet", K::unit, "pack", 0, 'c'}, {"punnet", K::unit, "box", 0, 'c'}, {"stick", K::unit, "stick", 0, 'c'},
};

constexpr Row kWords[] = {
    // English number words.
    {"a", K::number, {}, 1}, {"an", K::number, {}, 1}, {"one", K::number, {}, 1}, {"two", K::number, {}, 2},
    {"three", K::number, {}, 3}, {"four", K::number, {}, 4}, {"five", K::number, {}, 5},
    {"six", K::number, {}, 6}, {"seven", K::number, {}, 7}, {"eight", K::number, {}, 8},
    {"nine", K::number, {}, 9}, {"ten", K::number, {}, 10}, {"eleven", K::number, {}, 11},
    {"twelve", K::number, {}, 12}, {"fifteen", K::number, {}, 15}, {"twenty", K::number, {}, 20},
    {"thirty", K::number, {}, 30}, {"half", K::number, {}, 0.5}, {"half a", K::number, {}, 0.5},
    {"half an", K::number, {}, 0.5}, {"a couple of", K::number, {}, 2}, {"couple of", K::number, {}, 2},
    {"a pair of", K::number, {}, 2}, {"and a half", K::number, {}, 0.5},
    // Vague amounts.
    {"一点", K::vague}, {"一点点", K::vague}, {"一些", K::vague}, {"少许", K::vague}, {"点儿", K::vague},
    {"一点儿", K::vague}, {"来点", K::vague}, {"要点", K::vague}, {"买点", K::vague}, {"弄点", K::vague},
    {"带点", K::vague}, {"some", K::vague}, {"a few", K::vague}, {"a little", K::vague},
    {"a bit of", K::vague}, {"几个", K::vague}, {"若干", K::vague},
    // Order verbs.
    {"要", K::order_verb}, {"买", K::order_verb}, {"帮买", K::order_verb}, {"帮忙买", K::order_verb},
    {"代买", K::order_verb}, {"来", K::order_verb}, {"需要", K::order_verb}, {"想要", K::order_verb},
    {"订", K::order_verb}, {"预订", K::order_verb}, {"求", K::order_verb}, {"我要", K::order_verb},
    {"再要", K::order_verb}, {"再来", K::order_verb}, {"帮我", K::order_verb}, {"给我", K::order_verb},
    {"帮我买", K::order_verb}, {"帮带", K::order_verb}, {"带", K::order_verb}, {"购买", K::order_verb},
    {"需", K::order_verb}, {"想买", K::order_verb}, {"订购", K::order_verb}, {"拿", K::order_verb},
    {"need", K::order_verb}, {"needs", K::order_verb}, {"want", K::order_verb}, {"buy", K::order_verb},
    {"get", K::order_verb}, {"order", K::order_verb}, {"i'd like", K::order_verb},
    {"would like", K::order_verb}, {"i want", K::order_verb}, {"i need", K::order_verb},
    {"we need", K::order_verb}, {"please get", K::order_verb}, {"can i get", K::order_verb},
    {"can i have", K::order_verb}, {"requesting", K::order_verb}, {"request", K::order_verb},
    {"add", K::order_verb}, {"plus", K::conj},
    // Polite, neutral.
    {"请", K::polite}, {"麻烦", K::polite}, {"您好", K::polite}, {"你好", K::polite}, {"好的", K::polite},
    {"pls", K::polite}, {"plz", K::polite}, {"please", K::polite}, {"hi", K::polite}, {"hello", K::polite},
    {"帮忙", K::polite}, {"劳驾", K::polite}, {"拜托", K::polite}, {"麻烦您", K::polite},
    {"麻烦你", K::polite}, {"志愿者您好", K::polite}, {"哈", K::polite}, {"呀", K::polite},
    {"啊", K::polite}, {"哦", K::polite}, {"啦", K::polite}, {"吧", K::polite}, {"哈哈", K::polite},
    {"一下", K::stop}, {"谢", K::thanks}, {"~", K::polite},
    // Thanks.
    {"谢谢", K::thanks}, {"感谢", K::thanks}, {"多谢", K::thanks}, {"辛苦", K::thanks},
    {"辛苦了", K::thanks}, {"谢啦", K::thanks}, {"thanks", K::thanks}, {"thank you", K::thanks},
    {"thx", K::thanks}, {"ty", K::thanks}, {"cheers", K::thanks}, {"感恩", K::thanks},
    {"太感谢", K::thanks}, {"👍", K::thanks}, {"赞", K::thanks},
    // Cancel.
    {"取消", K::cancel}, {"不要了", K::cancel}, {"不用了", K::cancel}, {"不需要了", K::cancel},
    {"算了", K::cancel}, {"撤销", K::cancel}, {"退掉", K::cancel}, {"别买了", K::cancel},
    {"不买了", K::cancel}, {"不用买了", K::cancel}, {"不用买", K::cancel},
    {"不需要买", K::cancel}, {"不要买了", K::cancel}, {"删掉", K::cancel}, {"删除", K::cancel}, {"去掉", K::cancel},
    {"不要", K::note}, {"cancel", K::cancel}, {"don't need", K::cancel}, {"dont need", K::cancel},
    {"do not need", K::cancel}, {"no longer need", K::cancel}, {"remove", K::cancel},
    {"never mind", K::cancel}, {"nevermind", K::cancel}, {"scratch that", K::cancel},
    // Modify.
    {"改成", K::modify}, {"改为", K::modify}, {"换成", K::modify}, {"改一下", K::modify}, {"改到", K::modify},
    {"更改", K::modify}, {"修改", K::modify}, {"变成", K::modify}, {"改", K::modify},
    {"make it", K::modify}, {"make that", K::modify}, {"change to", K::modify}, {"change it to", K::modify},
    {"change", K::modify}, {"instead", K::modify}, {"update", K::modify}, {"改要", K::modify},
    // Queries.
    {"什么时候", K::when}, {"啥时候", K::when}, {"几点到", K::query}, {"到了吗", K::query},
    {"到了没", K::query}, {"到哪了", K::query}, {"怎么还没", K::query}, {"还没到", K::query},
    {"还没送", K::query}, {"送了吗", K::query}, {"多久", K::when}, {"进度", K::when},
    {"有没有送", K::query}, {"到没到", K::query}, {"几时", K::when}, {"什么情况", K::query},
    {"怎么样了", K::query}, {"买到了吗", K::query}, {"发货", K::query}, {"状态", K::when},
    {"能送吗", K::query}, {"送到了吗", K::query}, {"还有吗", K::question}, {"有吗", K::question},
    {"多少钱", K::question}, {"怎么", K::when}, {"为什么", K::when}, {"几点", K::when},
    {"when", K::when}, {"where is", K::query}, {"where's", K::query}, {"has my", K::query},
    {"have my", K::query}, {"status", K::when}, {"eta", K::when}, {"how long", K::when},
    {"any update", K::query}, {"is my", K::query}, {"did my", K::query}, {"how much", K::question},
    {"what time", K::when}, {"is there", K::query}, {"are there", K::query}, {"do you have", K::query},
    {"吗", K::question}, {"么", K::question}, {"呢", K::question}, {"?", K::question}, {"没有?", K::question},
    // Notices and chat about the epidemic: a broadcast, not an order.
    {"通知", K::notice}, {"请大家", K::notice}, {"各位", K::notice}, {"大家好", K::notice},
    {"温馨提示", K::notice}, {"公告", K::notice}, {"提醒", K::notice}, {"注意", K::notice},
    {"核酸", K::notice}, {"抗原", K::notice}, {"排队", K::notice}, {"下楼", K::notice},
    {"团购", K::notice}, {"物资", K::notice}, {"发放", K::notice}, {"领取", K::notice},
    {"每户", K::notice}, {"确诊", K::notice}, {"阳性", K::notice}, {"阴性", K::notice},
    {"封控", K::notice}, {"解封", K::notice}, {"防疫", K::notice}, {"消杀", K::notice},
    {"大家", K::notice}, {"居民", K::notice}, {"业主", K::notice}, {"邻居们", K::notice},
    {"notice", K::notice}, {"reminder", K::notice}, {"everyone", K::notice}, {"all residents", K::notice},
    {"testing", K::notice}, {"covid", K::notice}, {"lockdown", K::notice}, {"quarantine", K::notice},
    {"announcement", K::notice}, {"attention", K::notice}, {"residents", K::notice},
    {"检测", K::notice}, {"疫苗", K::notice}, {"接种", K::notice}, {"转运", K::notice},
    {"志愿者招募", K::notice}, {"报名", K::notice}, {"截止", K::notice}, {"统一", K::notice},
    {"新增", K::notice}, {"病例", K::notice}, {"无症状", K::notice}, {"感染", K::notice},
    {"早安", K::thanks}, {"晚安", K::thanks}, {"早上好", K::thanks}, {"good morning", K::thanks},
    // Received.
    {"收到了", K::received}, {"已收到", K::received}, {"拿到了", K::received}, {"到了", K::received},
    {"收到", K::received}, {"received", K::received}, {"got it", K::received}, {"got the", K::received},
    {"arrived", K::received}, {"已经送到", K::received}, {"送到了", K::received}, {"已送到", K::received},
    {"delivered", K::received},
    // Statements about goods.
    {"没有", K::negation}, {"不够", K::negation}, {"没了", K::negation}, {"吃完", K::negation},
    {"真好", K::negation}, {"很好", K::negation}, {"新鲜", K::negation}, {"好吃", K::negation},
    {"太贵", K::negation}, {"贵", K::negation}, {"便宜", K::negation}, {"坏了", K::negation},
    {"烂了", K::negation}, {"少了", K::negation}, {"多了", K::negation}, {"漏了", K::negation},
    {"有人", K::negation}, {"谁家", K::negation}, {"谁有", K::negation}, {"分享", K::negation},
    {"多余", K::negation}, {"送你", K::negation}, {"免费", K::negation}, {"价格", K::negation},
    {"is great", K::negation}, {"was great", K::negation},
    {"was missing", K::negation}, {"missing", K::negation}, {"broken", K::negation},
    {"spare", K::negation}, {"anyone", K::negation}, {"free", K::negation}, {"元", K::negation},
    // Requirements (notes).
    {"不辣", K::note}, {"少辣", K::note}, {"微辣", K::note}, {"少盐", K::note}, {"低盐", K::note},
    {"无糖", K::note}, {"低糖", K::note}, {"低脂", K::note}, {"脱脂", K::note}, {"全脂", K::note},
    {"不要太", K::note}, {"别太", K::note}, {"尽量", K::note}, {"最好", K::note}, {"要新鲜", K::note},
    {"新鲜的", K::note}, {"放门口", K::note}, {"挂门上", K::note}, {"挂门把手", K::note},
    {"放在门口", K::note}, {"送到门口", K::note}, {"别", K::note}, {"不放", K::note}, {"少放", K::note},
    {"多放", K::note}, {"要嫩", K::note}, {"要瘦", K::note}, {"瘦一点", K::note}, {"肥一点", K::note},
    {"大一点", K::note}, {"小一点", K::note}, {"有的话", K::note}, {"如果有", K::note},
    {"没有的话", K::note}, {"没有就", K::note}, {"low-salt", K::note}, {"low salt", K::note},
    {"low-fat", K::note}, {"low fat", K::note}, {"no ", K::note}, {"without", K::note},
    {"sugar-free", K::note}, {"sugar free", K::note}, {"less", K::note}, {"not too", K::note},
    {"fresh", K::note}, {"if possible", K::note}, {"if available", K::note}, {"leave at", K::note},
    {"organic", K::note}, {"skimmed", K::note}, {"whole milk", K::stop}, {"full-fat", K::note},
    {"full fat", K::note}, {"unsalted", K::note}, {"spicy", K::note}, {"not spicy", K::note},
    {"无添加", K::note}, {"要甜的", K::note}, {"甜一点", K::note}, {"要熟的", K::note}, {"熟一点", K::note},
    {"要活的", K::note}, {"无籽", K::note}, {"要嫩的", K::note}, {"肥瘦相间", K::note}, {"剁好", K::note},
    {"切好", K::note}, {"切片", K::note}, {"切丝", K::note}, {"杀好", K::note}, {"去皮", K::note},
    {"日用", K::note}, {"夜用", K::note}, {"要软的", K::note}, {"不要太细", K::note}, {"要大的", K::note}, {"要小的", K::note},
    // Brands: a note on the item they name, never an item of their own.
    {"金龙鱼", K::brand}, {"鲁花", K::brand}, {"福临门", K::brand}, {"海天", K::brand}, {"李锦记", K::brand},
    {"伊利", K::brand}, {"蒙牛", K::brand}, {"光明", K::brand}, {"安慕希", K::brand}, {"维达", K::brand},
    {"清风", K::brand}, {"心相印", K::brand}, {"舒肤佳", K::brand}, {"蓝月亮", K::brand}, {"立白", K::brand},
    {"奥妙", K::brand}, {"飘柔", K::brand}, {"海飞丝", K::brand}, {"高露洁", K::brand}, {"佳洁士", K::brand},
    {"帮宝适", K::brand}, {"好奇", K::brand}, {"花王", K::brand}, {"美赞臣", K::brand}, {"飞鹤", K::brand},
    {"雀巢", K::brand}, {"思念", K::brand}, {"三全", K::brand}, {"湾仔码头", K::brand}, {"双汇", K::brand},
    {"雨润", K::brand}, {"金锣", K::brand}, {"十月稻田", K::brand}, {"太太乐", K::brand}, {"王守义", K::brand},
    {"六必居", K::brand}, {"恒顺", K::brand}, {"千禾", K::brand}, {"厨邦", K::brand}, {"欣和", K::brand},
    {"康师傅", K::brand}, {"今麦郎", K::brand}, {"白象", K::brand}, {"农夫", K::brand},
    {"北大荒", K::brand}, {"五常", K::brand}, {"君乐宝", K::brand}, {"三元", K::brand}, {"旺旺", K::brand},
    {"达利园", K::brand}, {"桃李", K::brand}, {"盼盼", K::brand}, {"洽洽", K::brand}, {"良品铺子", K::brand},
    {"三只松鼠", K::brand}, {"皇家", K::brand}, {"伟嘉", K::brand}, {"宝路", K::brand},
    {"有机", K::brand},
    // Sizes.
    {"装", K::size_mark}, {"size", K::size_mark}, {"码", K::size_mark}, {"规格", K::size_mark},
    {"尺码", K::size_mark}, {"号", K::size_mark},
    // Distribution, joining words.
    {"各", K::each}, {"每样", K::each}, {"各来", K::each}, {"各要", K::each}, {"each", K::each},
    {"of each", K::each}, {"的", K::of}, {"of", K::of}, {"和", K::conj}, {"跟", K::conj},
    {"还有", K::conj}, {"以及", K::conj}, {"外加", K::conj}, {"加上", K::conj}, {"and", K::conj},
    {"&", K::conj}, {"+", K::conj}, {"另外", K::conj}, {"再", K::conj}, {"还要", K::order_verb},
    {"with", K::conj}, {"also", K::conj}, {"然后", K::conj}, {"以下", K::polite}, {"如下", K::polite},
    // Urgency.
    {"急", K::urgent}, {"急需", K::urgent}, {"紧急", K::urgent}, {"加急", K::urgent}, {"尽快", K::urgent},
    {"urgent", K::urgent}, {"urgently", K::urgent}, {"asap", K::urgent}, {"马上", K::urgent},
    {"着急", K::urgent}, {"emergency", K::urgent},
    // Same as before.
    {"同上", K::same_prev}, {"同前", K::same_prev}, {"和上次一样", K::same_prev}, {"跟上次一样", K::same_prev},
    {"同上次", K::same_prev}, {"照旧", K::same_prev}, {"老样子", K::same_prev},
    {"same as above", K::same_prev}, {"same as before", K::same_prev}, {"same as last time", K::same_prev},
    {"同昨天", K::same_yesterday}, {"和昨天一样", K::same_yesterday}, {"跟昨天一样", K::same_yesterday},
    {"同昨日", K::same_yesterday}, {"same as yesterday", K::same_yesterday},
    // Time words.
    {"今天", K::time_word}, {"明天", K::time_word}, {"后天", K::time_word}, {"昨天", K::time_word},
    {"早上", K::time_word}, {"上午", K::time_word}, {"中午", K::time_word}, {"下午", K::time_word},
    {"晚上", K::time_word}, {"今晚", K::time_word}, {"明早", K::time_word}, {"凌晨", K::time_word},
    {"傍晚", K::time_word}, {"今日", K::time_word}, {"明日", K::time_word}, {"周", K::time_word},
    {"星期", K::time_word}, {"礼拜", K::time_word}, {"today", K::time_word}, {"tomorrow", K::time_word},
    {"tonight", K::time_word}, {"morning", K::time_word}, {"afternoon", K::time_word},
    {"evening", K::time_word}, {"yesterday", K::time_word}, {"at", K::time_word}, {"by", K::time_word},
    // The next number measures something else.
    {"体温", K::measure_ctx}, {"温度", K::measure_ctx}, {"电话", K::measure_ctx}, {"手机", K::measure_ctx},
    {"手机号", K::measure_ctx}, {"联系", K::measure_ctx}, {"第", K::measure_ctx}, {"编号", K::measure_ctx},
    {"tel", K::measure_ctx}, {"phone", K::measure_ctx}, {"mobile", K::measure_ctx}, {"temp", K::measure_ctx},
    {"temperature", K::measure_ctx},
    {"room", K::measure_ctx}, {"floor", K::measure_ctx}, {"楼层", K::measure_ctx}, {"共", K::measure_ctx},
    {"一共", K::measure_ctx}, {"总共", K::measure_ctx}, {"合计", K::measure_ctx}, {"total", K::measure_ctx},
    {"人", K::stop}, {"口人", K::stop},
    // Words that merely contain a catalog spelling or a numeral.
    {"加油", K::stop}, {"里面", K::stop}, {"外面", K::stop}, {"上面", K::stop}, {"前面", K::stop},
    {"后面", K::stop}, {"见面", K::stop}, {"方面", K::stop}, {"面前", K::stop}, {"对面", K::stop},
    {"全面", K::stop}, {"蛋白质", K::stop}, {"厘米", K::stop}, {"毫米", K::stop}, {"一起", K::stop},
    {"一直", K::stop}, {"一定", K::stop}, {"一样", K::stop}, {"一般", K::stop}, {"一切", K::stop},
    {"万一", K::stop}, {"十分", K::stop}, {"一会", K::stop}, {"一会儿", K::stop}, {"一次", K::negation},
    {"一天", K::negation}, {"一周", K::negation}, {"一家", K::stop}, {"一户", K::stop}, {"两天", K::stop},
    {"三天", K::stop}, {"几天", K::stop}, {"一楼", K::stop}, {"二楼", K::stop}, {"一遍", K::stop},
    {"一趟", K::stop}, {"一声", K::stop}, {"一句", K::stop}, {"一直", K::stop}, {"一人", K::stop},
    {"每人", K::stop}, {"一次性", K::stop}, {"面子", K::stop}, {"面积", K::stop}, {"油门", K::stop},
    {"石油", K::stop}, {"鸡汤", K::stop}, {"一个人", K::stop}, {"两个人", K::stop}, {"三个人", K::stop},
    {"一点点", K::vague}, {"点赞", K::stop}, {"a lot", K::stop}, {"thanks a lot", K::thanks},
    {"one more", K::number, {}, 1}, {"i", K::stop}, {"me", K::stop}, {"my", K::stop}, {"for", K::stop},
    {"the", K::stop}, {"we", K::stop}, {"us", K::stop}, {"to", K::stop}, {"some more", K::vague},
    {"我", K::stop}, {"我家", K::stop}, {"我们", K::stop}, {"家里", K::stop}, {"我们家", K::stop},
    {"需求", K::order_verb}, {"老人", K::stop}, {"小孩", K::stop}, {"孩子", K::stop}, {"宝宝", K::stop},
    {"给", K::stop}, {"用", K::stop}, {"吃", K::stop}, {"就行", K::polite}, {"就好", K::polite},
    {"即可", K::polite}, {"可以", K::polite}, {"能", K::polite}, {"吗?", K::question},
    {"是", K::stop}, {"了", K::polite}, {"也", K::stop}, {"都", K::stop},
    {"可乐鸡翅", K::stop}, {"到哪里了", K::query}, {"在哪里", K::question}, {"到哪儿了", K::query}, {"蒸", K::purpose}, {"烤", K::purpose}, {"煎", K::purpose}, {"拌", K::purpose},
    {"烙", K::purpose}, {"腌", K::purpose}, {"凉拌", K::purpose}, {"红烧", K::purpose}, {"ran out", K::order_verb}, {"run out", K::order_verb}, {"out of", K::order_verb},
    {"there is no", K::order_verb}, {"there's no", K::order_verb}, {"we have no", K::order_verb}, {"只剩", K::negation}, {"只有", K::negation}, {"每家", K::negation},
    {"还剩下", K::negation}, {"下面", K::stop}, {"这面", K::stop}, {"那面", K::stop}, {"一面", K::stop},
    {"表面", K::stop}, {"面对", K::stop}, {"面膜", K::stop}, {"面试", K::stop}, {"面具", K::stop},
    {"当面", K::stop}, {"地面", K::stop}, {"路面", K::stop}, {"面积", K::stop}, {"见面", K::stop}, {"作废", K::cancel}, {"no need", K::cancel}, {"no need for", K::cancel},
    {"don't want", K::cancel}, {"dont want", K::cancel}, {"从", K::stop}, {"单元", K::stop}, {"号楼", K::stop}, {"寄来", K::negation}, {"寄了", K::negation}, {"带来", K::negation},
    {"每周", K::negation}, {"每月", K::negation}, {"每次", K::negation}, {"made", K::negation},
    {"found", K::negation}, {"had", K::negation}, {"lost", K::negation}, {"ate", K::negation},
    {"took", K::negation}, {"usually", K::negation}, {"谁需要", K::negation}, {"谁要", K::negation}, {"有需要的", K::notice},
    {"需要的话", K::negation}, {"可以拿", K::negation}, {"自取", K::notice}, {"分给", K::negation},
    {"一顿", K::negation}, {"能吃", K::negation}, {"放不下", K::negation}, {"团了", K::negation},
    {"限购", K::notice}, {"每人限", K::notice}, {"限", K::negation}, {"卖完", K::negation},
    {"没货", K::negation}, {"吃了一半", K::negation}, {"掉了", K::negation}, {"多买了", K::negation},
    {"anyone want", K::negation}, {"who wants", K::negation}, {"free to take", K::negation},
    {"ordered", K::negation}, {"bought", K::negation}, {"dropped", K::negation}, {"came", K::negation},
    {"eat", K::negation}, {"eats", K::negation}, {"per", K::negation}, {"a day", K::negation},
    {"a week", K::negation}, {"limit", K::notice}, {"yuan", K::negation}, {"rmb", K::negation},
    {"dollars", K::negation}, {"last week", K::negation}, {"someone", K::negation}, {"明天再买", K::negation}, {"下次再买", K::negation}, {"以后再买", K::negation},
    {"回头再买", K::negation}, {"自己买", K::negation}, {"我去买", K::negation}, {"只要", K::modify},
    {"there are", K::negation}, {"there is", K::negation}, {"there's", K::negation},
    {"whose", K::negation}, {"left", K::negation}, {"by mistake", K::negation}, {"mistake", K::negation},
    {"wrong", K::negation}, {"downstairs", K::negation}, {"delivered my", K::query}, {"yet", K::when},
    {"has anyone", K::query}, {"每天", K::negation}, {"够吃", K::negation}, {"要吃", K::negation}, {"要喝", K::negation}, {"够用", K::negation},
    {"够了", K::negation}, {"就够了", K::polite}, {"就够", K::polite}, {"包饺子", K::stop}, {"煲汤", K::stop}, {"gave", K::negation},
    {"brought", K::negation}, {"sent", K::negation}, {"haven't arrived", K::query},
    {"hasn't arrived", K::query}, {"not arrived", K::query}, {"still waiting", K::query},
    {"not here yet", K::query}, {"still not", K::query}, {"接龙", K::notice}, {"not", K::stop}, {"actually", K::modify},
    {"meant", K::modify}, {"i meant", K::modify}, {"打错了", K::modify}, {"写错了", K::modify},
    {"应该是", K::modify}, {"更正", K::modify}, {"多加", K::order_verb}, {"去了", K::negation}, {"送错", K::negation},
    {"拿错", K::negation}, {"放错", K::negation}, {"内容", K::notice}, {"清单", K::notice},
    {"包括", K::notice}, {"包含", K::notice}, {"expired", K::negation}, {"has", K::negation},
    {"have", K::negation}, {"were", K::negation}, {"was", K::negation}, {"bruised", K::negation},
    {"rotten", K::negation}, {"damaged", K::negation}, {"selling", K::negation}, {"sells", K::negation},
    {"过期", K::negation}, {"开门", K::negation}, {"营业", K::negation}, {"关门", K::negation}, {"两条杠", K::notice}, {"一条杠", K::notice}, {"两道杠", K::notice},
    {"一道杠", K::notice}, {"阳了", K::notice}, {"转阴", K::notice}, {"追加", K::order_verb}, {"加", K::order_verb}, {"添", K::order_verb},
    {"补", K::order_verb}, {"报纸", K::stop}, {"纸箱", K::stop}, {"纸条", K::stop}, {"有", K::negation}, {"里有", K::negation}, {"家还有", K::negation},
    {"家里还有", K::negation}, {"我家还有", K::negation}, {"我们还有", K::negation},
    {"家里有", K::negation}, {"到了没有", K::query}, {"送了没", K::query}, {"送了没有", K::query},
    {"送没送", K::query}, {"到没", K::query}, {"买了没", K::query}, {"买了吗", K::query}, {"还没有到", K::query}, {"还没有送", K::query}, {"我还有", K::negation}, {"还剩", K::negation}, {"剩下", K::negation},
    {"送了", K::negation}, {"送来", K::negation}, {"送来的", K::negation}, {"给了", K::negation},
    {"吃了", K::negation}, {"用了", K::negation}, {"破的", K::negation}, {"破了", K::negation},
    {"坏的", K::negation}, {"烂", K::negation}, {"有点", K::negation}, {"今天的", K::negation},
    {"昨天的", K::negation}, {"这次的", K::negation}, {"上次的", K::negation}, {"你们家", K::negation},
    {"你家", K::negation}, {"他家", K::negation}, {"她家", K::negation}, {"i have", K::negation},
    {"we have", K::negation}, {"i've got", K::negation}, {"extra", K::negation},
    {"if anyone", K::negation}, {"anyone needs", K::negation}, {"需要的", K::notice},
    {"感动", K::thanks}, {"got", K::received}, {"买的", K::negation}, {"哪里", K::negation},
    {"哪儿", K::negation}, {"在哪", K::question}, {"谁", K::question}, {"停水", K::notice}, {"漏水", K::negation}, {"热水", K::stop}, {"开水", K::stop},
    {"水费", K::stop}, {"水电", K::stop}, {"口水", K::stop}, {"水平", K::stop}, {"水果店", K::stop},
    {"喝水", K::stop}, {"水管", K::stop}, {"下水道", K::stop}, {"水龙头", K::stop}, {"洪水", K::stop}, {"买了", K::negation}, {"买到了", K::negation}, {"已经买了", K::negation},
    {"做", K::purpose}, {"煮", K::purpose}, {"炒", K::purpose}, {"炖", K::purpose}, {"熬", K::purpose},
    {"to make", K::purpose}, {"血压", K::measure_ctx}, {"血糖", K::measure_ctx}, {"心率", K::measure_ctx},
    {"年龄", K::measure_ctx}, {"多要", K::order_verb}, {"再多要", K::order_verb}, {"买菜", K::stop}, {"花了", K::stop}, {"你们", K::stop}, {"您", K::stop},
    {"其他", K::stop}, {"其它", K::stop}, {"别的", K::stop}, {"其余", K::stop}, {"刚才", K::stop}, {"刚刚", K::stop}, {"之前", K::stop}, {"上面的", K::stop},
    {"奶奶", K::stop}, {"爷爷", K::stop}, {"完蛋", K::stop}, {"糖尿病", K::stop}, {"那个", K::stop},
    {"这个", K::stop}, {"订单", K::stop}, {"那", K::stop}, {"这", K::stop}, {"just", K::stop}, {"地址", K::stop}, {"室", K::stop}, {"房", K::stop},
};

}  // namespace

Lexicon::Lexicon() {
  entries_.reserve(std::size(kUnits) + std::size(kWords));
  auto add = [&](const Row& r) {
    auto idx = static_cast<std::int32_t>(entries_.size());
    entries_.push_back(LexEntry{r.kind, r.canonical.empty() ? r.spelling : r.canonical, r.value, r.unit_class});
    auto key = normalize(r.spelling);
    trie_.insert(key, idx);
    if (r.kind == K::unit && is_alpha(key.back()) && key.size() > 1) {
      for (const auto& p : english_plurals(key)) trie_.insert(p, idx);
    }
  };
  for (const auto& r : kUnits) add(r);
  for (const auto& r : kWords) add(r);
}

std::string_view Lexicon::unit(std::u32string_view spelling) const {
  auto v = trie_.find(spelling);
  if (v < 0 || entries_[static_cast<std::size_t>(v)].kind != WordKind::unit) return {};
  return entries_[static_cast<std::size_t>(v)].canonical;
}

}  // namespace supplybot::handlers
