#include "handlers/parse/numbers.hpp"

#include "handlers/parse/normalize.hpp"

namespace supplybot::handlers::detail {

int cn_digit(char32_t c) {
  switch (c) {
    case U'零': case U'〇': return 0;
    case U'一': case U'壹': return 1;
    case U'二': case U'两': case U'贰': case U'貳': return 2;
    case U'三': case U'叁': return 3;
    case U'四': case U'肆': return 4;
    case U'五': case U'伍': return 5;
    case U'六': case U'陆': case U'陸': return 6;
    case U'七': case U'柒': return 7;
    case U'八': case U'捌': return 8;
    case U'九': case U'玖': return 9;
    default: return -1;
  }
}

int cn_multiplier(char32_t c) {
  switch (c) {
    case U'十': case U'拾': return 10;
    case U'百': case U'佰': return 100;
    case U'千': case U'仟': return 1000;
    case U'万': return 10000;
    default: return 0;
  }
}

bool is_cn_numeral(char32_t c) { return cn_digit(c) >= 0 || cn_multiplier(c) > 0 || c == U'廿' || c == U'卅'; }

bool starts_with(Text t, std::size_t i, Text w) { return t.size() >= i + w.size() && t.substr(i, w.size()) == w; }

// Chinese numeral at i: 十五, 二十, 一百五, 两千, 三. Returns {length, value}; length 0 if none.
// A 两 after another digit is the weight unit (二两), not part of the number.
std::pair<std::size_t, double> cn_number(Text t, std::size_t i) {
  std::size_t n = 0;
  while (i + n < t.size() && n < 12 && is_cn_numeral(t[i + n])) {
    if (n > 0 && t[i + n] == U'两' && cn_multiplier(t[i + n - 1]) == 0) break;
    ++n;
  }
  if (n == 0) return {0, 0};
  // Ranges such as 三四个 / 两三斤: take the larger when a unit follows.
  if (n == 2 && cn_digit(t[i]) > 0 && cn_digit(t[i + 1]) > cn_digit(t[i])) {
    return {2, cn_digit(t[i + 1])};
  }
  // 一两个 (one or two) is a range; 一两花椒 is one liang.
  if (t[i] == U'一' && i + 2 < t.size() && t[i + 1] == U'两' &&
      Text(U"个只斤盒袋瓶把根颗棵条块片包箱份").find(t[i + 2]) != Text::npos) {
    return {2, 2};
  }
  double total = 0, section = 0, cur = 0;
  int last_mult = 0;
  bool cur_set = false;
  std::size_t used = 0;
  for (; used < n; ++used) {
    char32_t c = t[i + used];
    int d = cn_digit(c);
    if (d >= 0) {
      if (cur_set && d != 0) break;  // 一五: not a number
      if (d == 0) {
        last_mult = 0;
        continue;
      }
      cur = d;
      cur_set = true;
      continue;
    }
    if (c == U'廿' || c == U'卅') {
      section += c == U'廿' ? 20 : 30;
      cur = 0;
      cur_set = false;
      last_mult = 10;
      continue;
    }
    int m = cn_multiplier(c);
    if (m == 10000) {
      total = (section + cur) * 10000;
      section = 0;
    } else {
      section += (cur_set ? cur : 1) * m;
    }
    cur = 0;
    cur_set = false;
    last_mult = m;
  }
  if (cur_set && last_mult >= 100 && used >= 2 && cn_multiplier(t[i + used - 2]) == last_mult) {
    cur *= last_mult / 10;  // 一百五 = 150, 两千五 = 2500
  }
  return {used, total + section + cur};
}

bool protected_suffix(Text t, std::size_t i, bool arabic) {
  while (i < t.size() && is_space(t[i])) ++i;
  if (i >= t.size()) return false;
  static constexpr Text kSuffixes[] = {
      U"点钟", U"点半", U":", U"月", U"日", U"年", U"岁", U"度", U"°", U"℃", U"例", U"个人", U"口人",
      U"人", U"次", U"天", U"周", U"小时", U"分钟", U"分", U"元", U"块钱", U"块一", U"块/", U"毛", U"%",
      U"楼", U"层", U"栋", U"幢", U"单元", U"室", U"户", U"床", U"位", U"号楼", U"am", U"pm", U"yuan",
      U"rmb", U"year", U"day", U"hour", U"min", U"people", U"person", U"kid", U"adult",
      U"o'clock", U"号", U"届", U"期", U"级", U"楼层", U"块一", U"多人", U"多块", U"名", U"家", U"遍",
      U"秒", U"w", U"th", U"st", U"nd", U"rd", U"$", U"倍", U"折", U"米", U"dollar", U"buck", U"cent"};
  for (Text s : kSuffixes) {
    // The first letter rules out nearly all of them at once (this runs after every number).
    if (s.front() != t[i]) continue;
    if (starts_with(t, i, s)) {
      if (is_alpha(s.front())) {
        std::size_t e = i + s.size();
        // am/pm/st must end a word (allow plurals: days, hours, people's)
        while (e < t.size() && is_alpha(t[e]) && e < i + s.size() + 3) ++e;
        if (e < t.size() && is_alpha(t[e])) continue;
        if (s == U"w" || s == U"th" || s == U"st" || s == U"nd" || s == U"rd") {
          if (i + s.size() < t.size() && is_alpha(t[i + s.size()])) continue;
        }
      }
      return true;
    }
  }
  if (arabic && starts_with(t, i, U"点")) return true;
  return false;
}

}  // namespace supplybot::handlers::detail
