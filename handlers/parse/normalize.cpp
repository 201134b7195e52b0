#include "handlers/parse/normalize.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <utility>

namespace supplybot::handlers {
namespace {

// Traditional -> simplified pairs for the characters residents actually type in orders, chats
// and addresses: goods, units, numbers, verbs, building words, common chat. Written as one string
// of (traditional, simplified) pairs so a new pair is one edit; sorted at compile time.
constexpr std::u32string_view kTradSimpPairs =
    U"蘋苹個个箇个雞鸡蔥葱薑姜蘿萝蔔卜麵面麪面麫面魚鱼豬猪鴨鸭鵝鹅鴿鸽蝦虾醬酱鹽盐塩盐餅饼乾干衛卫"
    U"紙纸條条兩两顆颗頭头隻只塊块層层髮发發发買买賣卖謝谢請请幫帮煩烦單单樓楼號号棟栋門门開开"
    U"關关東东車车電电話话時时間间點点們们來来這这還还沒没過过對对說说見见給给會会問问題题體体"
    U"溫温確确診诊檢检測测醫医藥药嬰婴兒儿濕湿溼湿廁厕潔洁淨净劑剂鮮鲜筍笋黃黄綠绿紅红馬马鈴铃"
    U"羅罗檸柠鳳凤糧粮麥麦餃饺飩饨餛馄湯汤圓圆糰团饅馒燒烧蠔蚝鹹咸雜杂貨货寵宠貓猫飼饲褲裤膠胶"
    U"沖冲貼贴創创計计針针線线燈灯鍋锅壺壶熱热凍冻貝贝蠣蛎魷鱿帶带鰱鲢鯽鲫鯉鲤鱸鲈鱈鳕蘆芦蓮莲"
    U"萵莴蠶蚕藍蓝莧苋棗枣龍龙櫻樱獼猕蘭兰葉叶穀谷護护簽签廚厨捲卷盤盘裝装聽听紮扎綑捆雙双張张"
    U"嗎吗麼么經经達达訂订換换變变減减後后鐘钟週周禮礼幾几誰谁為为樣样讓让從从與与並并較较萬万"
    U"億亿總总數数價价錢钱費费團团購购採采運运遞递領领區区戶户鄰邻業业願愿協协調调員员離离陽阳"
    U"陰阴報报務务認认釋释統统匯汇導导輪轮婦妇殘残處处場场農农貿贸廳厅飯饭館馆漿浆腦脑絲丝銀银"
    U"鮑鲍參参澱淀蘇苏優优飲饮礦矿純纯樂乐雲云鬆松餵喂滷卤鹵卤臘腊腸肠燻熏鮭鲑鯛鲷鰻鳗鱔鳝貢贡"
    U"憂忧擔担託托囉啰嘆叹歡欢辦办讀读寫写學学習习孫孙爺爷媽妈舊旧壞坏爛烂軟软輕轻長长氣气廢废"
    U"剛刚纔才種种類类選选擇择標标準准質质筆笔視视機机網网絡络訊讯碼码帳账郵邮狀状態态備备預预"
    U"約约啟启動动幣币現现極极歲岁樹树噴喷霧雾膚肤鈣钙鐵铁鋅锌維维薈荟蕎荞韮韭薺荠萊莱鯖鲭煉炼"
    U"醃腌漬渍豐丰滿满鬧闹頓顿夠够盡尽項项須须證证據据廣广麗丽親亲愛爱戲戏閒闲閑闲驗验篩筛將将"
    U"遠远邊边裡里裏里臥卧臺台檯台颱台暫暂嚴严聯联繫系係系傳传術术錯错誤误勞劳雖虽喫吃餓饿飽饱"
    U"鑵罐壜坛盃杯磚砖櫃柜錶表鏡镜鑰钥鉛铅襪袜襯衬內内產产療疗嚨咙暈晕瀉泻膽胆壓压脈脉蟲虫滅灭"
    U"殺杀鳥鸟龜龟噸吨釐厘記记紀纪識识訴诉議议論论設设語语許许該该詢询試试誠诚課课談谈諸诸謹谨"
    U"讚赞貴贵賬账資资賀贺贈赠賺赚財财責责負负圍围國国園园圖图囑嘱夥伙實实寬宽屬属歸归島岛幹干"
    U"廠厂彎弯復复複复懷怀應应戰战擁拥擾扰攤摊攜携斷断無无書书楊杨權权歷历漢汉濃浓灣湾爐炉爭争"
    U"獨独獲获環环畫画當当疊叠盜盗監监眾众禮礼稱称穩稳窮穷競竞節节範范築筑簡简籃篮級级納纳紐纽"
    U"細细終终組组結结絕绝綁绑緊紧編编緩缓縣县績绩繩绳織织繼继續续罰罚聞闻聲声職职腫肿臉脸臨临"
    U"興兴舉举藝艺葷荤虛虚補补製制規规覺觉觀观討讨訓训講讲譯译貧贫販贩貫贯賓宾趕赶躍跃軍军載载"
    U"輔辅輛辆輸输進进遊游違违適适遺遗鄉乡鈔钞銷销鋪铺錄录鍵键鎖锁閃闪閉闭閱阅闆板陣阵陳陈陸陆"
    U"險险隊队階阶際际隨随隱隐難难靈灵靜静響响頁页頂顶順顺頻频額额顏颜顧顾顯显風风飛飞飾饰養养"
    U"餘余饞馋駕驾髒脏鳴鸣黨党齊齐齒齿齡龄異异槤莲絞绞餡馅掛挂鵪鹌鶉鹑欖榄連连鱒鳟鯧鲳蜆蚬餚肴"
    U"鉀钾鎂镁餑饽蔴麻菓果荳豆濾滤瀝沥潤润澀涩汙污洩泄潑泼灑洒淚泪鴿鸽黴霉麼么甚甚囉啰嚮向邊边"
    U"幾几鬚须鬍胡檯台蒞莅蘊蕴闊阔癢痒瘡疮傷伤腎肾膿脓緒绪綫线壩坝燉炖煨煨醱酦釀酿滷卤";

static_assert(kTradSimpPairs.size() % 2 == 0, "traditional/simplified pairs must be complete");

constexpr std::size_t kPairCount = kTradSimpPairs.size() / 2;

constexpr auto kTradSimp = [] {
  std::array<std::pair<char32_t, char32_t>, kPairCount> table{};
  for (std::size_t i = 0; i < kPairCount; ++i) {
    table[i] = {kTradSimpPairs[2 * i], kTradSimpPairs[2 * i + 1]};
  }
  std::sort(table.begin(), table.end());
  return table;
}();

// Decodes one code point; returns 0xFFFFFFFF on malformed input (caller skips one byte).
constexpr char32_t kBad = 0xFFFFFFFF;

char32_t decode(std::string_view s, std::size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1Fu;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0Fu;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07u;
    min = 0x10000;
  } else {
    ++i;
    return kBad;
  }
  if (i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return kBad;
  }
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kBad;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kBad;
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

void push_folded(std::u32string& out, char32_t c) {
  if (c >= U'A' && c <= U'Z') c += 32;
  if (c == U'\t' || c == U'\r' || c == 0x3000 || c == 0xA0) c = U' ';
  if (c < 0x20 && c != U'\n') c = U' ';
  out.push_back(c);
}

}  // namespace

char32_t to_simplified(char32_t c) {
  auto it = std::lower_bound(kTradSimp.begin(), kTradSimp.end(), c,
                             [](const auto& p, char32_t v) { return p.first < v; });
  return (it != kTradSimp.end() && it->first == c) ? it->second : c;
}

void normalize_append(std::string_view utf8, std::u32string& out) {
  std::size_t i = 0;
  while (i < utf8.size()) {
    char32_t c = decode(utf8, i);
    if (c == kBad || c == 0xFFFD) {
      out.push_back(U' ');
      continue;
    }
    if (c < 0x80) {
      push_folded(out, c);
    } else if (is_han(c)) {
      out.push_back(to_simplified(c));
    } else if (c >= 0xFF01 && c <= 0xFF5E) {
      push_folded(out, c - 0xFEE0);  // full-width ASCII, the common NFKC case, without a lookup
    } else if (c == 0x3001 || c == 0x3002 || c == 0xD7) {
      out.push_back(c);  // 、 。 × stay themselves
    } else if (c >= 0x2460 && c <= 0x2473) {
      // Circled numbers (①) number list entries: "1." keeps them apart from the text after them.
      auto n = c - 0x2460 + 1;
      if (n >= 10) out.push_back(U'0' + n / 10);
      out.push_back(U'0' + n % 10);
      out.push_back(U'.');
    } else if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212) {
      out.push_back(U'-');  // hyphens, en and em dashes, minus: 3—2—502
    } else if (c == 0x2716 || c == 0x2715 || c == 0x2A2F) {
      out.push_back(0xD7);  // ✖ ✕ ⨯: multiplication signs as ×
    } else {
      // Everything else goes through utf8proc's NFKC decomposition with case folding, one code
      // point at a time into a stack buffer (no allocation); combining marks are dropped.
      utf8proc_int32_t buf[18];
      int last_boundclass = 0;
      auto n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), buf, 18,
                                       static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD),
                                       &last_boundclass);
      if (n <= 0 || n > 18) {
        out.push_back(U' ');
        continue;
      }
      for (utf8proc_ssize_t k = 0; k < n; ++k) {
        auto d = static_cast<char32_t>(buf[k]);
        const auto* prop = utf8proc_get_property(buf[k]);
        if (prop->category == UTF8PROC_CATEGORY_MN || prop->category == UTF8PROC_CATEGORY_ME) continue;
        if (d == 0x2044) d = U'/';  // fraction slash (½ -> 1/2)
        if (d >= 0x80 && is_han(d)) d = to_simplified(d);
        push_folded(out, d);
      }
    }
  }
}

std::u32string normalize(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  normalize_append(utf8, out);
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

}  // namespace supplybot::handlers
