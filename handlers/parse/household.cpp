#include "handlers/parse/household.hpp"

#include "handlers/parse/normalize.hpp"

#include <tuple>
#include <utility>

namespace supplybot::handlers {
namespace {

using Text = std::u32string_view;

// Reads a run of ASCII digits at i; returns its length (0 when none).
std::size_t digits_at(Text t, std::size_t i) {
  std::size_t n = 0;
  while (i + n < t.size() && is_digit(t[i + n])) ++n;
  return n;
}

bool starts_with(Text t, std::size_t i, Text word) {
  return t.size() >= i + word.size() && t.substr(i, word.size()) == word;
}

std::size_t skip_spaces(Text t, std::size_t i) {
  while (i < t.size() && (is_space(t[i]) || t[i] == U'-' || t[i] == U'_')) ++i;
  return i;
}

std::string ascii(Text t) {
  std::string s;
  for (char32_t c : t) s.push_back(static_cast<char>(c));
  return s;
}

std::string upper(Text t) {
  std::string s;
  for (char32_t c : t) s.push_back(static_cast<char>(is_alpha(c) ? c - 32 : c));
  return s;
}

// A small Chinese numeral (三, 十二, 二十一) as used for buildings and units: {length, value}.
std::pair<std::size_t, int> cn_small(Text t, std::size_t i) {
  auto digit = [](char32_t c) {
    std::size_t k = Text(U"一二三四五六七八九").find(c);
    return k == Text::npos ? (c == U'两' ? 2 : -1) : static_cast<int>(k) + 1;
  };
  std::size_t n = 0;
  int value = 0;
  int d0 = i < t.size() ? digit(t[i]) : -1;
  if (d0 > 0) {
    value = d0;
    n = 1;
  }
  if (i + n < t.size() && t[i + n] == U'十') {
    value = (n == 0 ? 1 : value) * 10;
    ++n;
    int d1 = i + n < t.size() ? digit(t[i + n]) : -1;
    if (d1 > 0) {
      value += d1;
      ++n;
    }
  }
  return {n, value};
}

// A quantity unit right after a number means the number was a quantity, not a room.
bool is_unit_char(char32_t c) {
  return Text(U"斤个盒袋瓶箱把包桶根颗棵条块片只份两克公千升提罐支串扎双套张盘粒枚杯件打元块").find(c) !=
         Text::npos;
}

// Building marker after the building number: returns its length, 0 when none.
std::size_t building_marker(Text t, std::size_t i) {
  for (Text m : {Text(U"号楼"), Text(U"#楼"), Text(U"栋"), Text(U"幢"), Text(U"座"), Text(U"号"), Text(U"#"),
                 Text(U"楼")}) {
    if (starts_with(t, i, m)) return m.size();
  }
  return 0;
}

std::size_t room_suffix(Text t, std::size_t i) {
  for (Text m : {Text(U"室"), Text(U"号"), Text(U"房")}) {
    if (starts_with(t, i, m)) return m.size();
  }
  return 0;
}

// Chinese style: <building><marker>[<unit>单元][-]<room>[室]. Building is digits or one letter.
std::optional<HouseholdMatch> chinese_at(Text t, std::size_t i) {
  std::size_t b = digits_at(t, i);
  std::string building;
  if (b == 0 && i < t.size() && is_alpha(t[i]) && (i + 1 >= t.size() || !is_alpha(t[i + 1]))) b = 1;
  if (b == 0) {
    auto [len, v] = cn_small(t, i);  // 三栋, 十二号楼
    if (len == 0) return std::nullopt;
    b = len;
    building = std::to_string(v);
  }
  if (b > 3) return std::nullopt;
  if (building.empty()) building = upper(t.substr(i, b));
  std::size_t j = i + b;
  std::size_t m = building_marker(t, j);
  if (m == 0) return std::nullopt;
  j = skip_spaces(t, j + m);
  std::string unit;
  std::size_t u = digits_at(t, j);
  std::size_t ucn = 0;
  int ucn_value = 0;
  if (u == 0) std::tie(ucn, ucn_value) = cn_small(t, j);
  if (u > 0 && u <= 2 && (starts_with(t, j + u, U"单元") || starts_with(t, j + u, U"门"))) {
    unit = ascii(t.substr(j, u));
    j = skip_spaces(t, j + u + (t[j + u] == U'门' ? 1 : 2));
  } else if (ucn > 0 && starts_with(t, j + ucn, U"单元")) {
    unit = std::to_string(ucn_value);  // 二单元
    j = skip_spaces(t, j + ucn + 2);
  } else if (u > 0 && u <= 2 && j + u < t.size() && t[j + u] == U'-' && digits_at(t, j + u + 1) >= 3) {
    unit = ascii(t.substr(j, u));  // 3栋2-502
    j = j + u + 1;
  }
  std::size_t r = digits_at(t, j);
  if (r < 2 || r > 5) return std::nullopt;
  std::size_t end = j + r;
  if (end < t.size() && (t[end] == U'.' || is_unit_char(t[end]))) return std::nullopt;
  std::string room = ascii(t.substr(j, r));
  end += room_suffix(t, end);
  HouseholdMatch hm{i, end, building + "-" + (unit.empty() ? "" : unit + "-") + room};
  return hm;
}

// Dash style: B-U-R or B-R, with room 3-4 digits.
std::optional<HouseholdMatch> dash_at(Text t, std::size_t i) {
  if (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == U'-' || t[i - 1] == U'.' || t[i - 1] == U':' ||
                t[i - 1] == U'/')) {
    return std::nullopt;
  }
  std::size_t b = digits_at(t, i);
  if (b == 0 || b > 3) return std::nullopt;
  std::size_t j = i + b;
  if (j >= t.size() || (t[j] != U'-' && t[j] != U'/')) return std::nullopt;
  char32_t sep = t[j];  // 3-2-502 or 3/2/502 (the same separator twice)
  std::size_t u = digits_at(t, j + 1);
  if (u == 0) return std::nullopt;
  std::size_t k = j + 1 + u;
  if (k < t.size() && t[k] == sep) {
    std::size_t r = digits_at(t, k + 1);
    std::size_t end = k + 1 + r;
    if (u > 2 || r < 3 || r > 4) return std::nullopt;
    if (end < t.size() && (is_alnum(t[end]) || t[end] == U'-' || t[end] == U'.' || is_unit_char(t[end]))) {
      return std::nullopt;
    }
    end += room_suffix(t, end);
    return HouseholdMatch{i, end, ascii(t.substr(i, b)) + "-" + ascii(t.substr(j + 1, u)) + "-" +
                                      ascii(t.substr(k + 1, r))};
  }
  if (u < 3 || u > 4 || sep == U'/') return std::nullopt;
  if (k < t.size() && (is_alnum(t[k]) || t[k] == U'.' || t[k] == U':' || t[k] == U'/' || is_unit_char(t[k]))) {
    return std::nullopt;
  }
  std::size_t end = k + room_suffix(t, k);
  return HouseholdMatch{i, end, ascii(t.substr(i, b)) + "-" + ascii(t.substr(j + 1, u))};
}

// English style: block 3 #05-12, flat 12b, rm 1203, room 1203, apt 5c, unit 7a.
std::optional<HouseholdMatch> english_at(Text t, std::size_t i) {
  if (i > 0 && is_alpha(t[i - 1])) return std::nullopt;
  for (Text kw : {Text(U"block"), Text(U"blk")}) {
    if (!starts_with(t, i, kw)) continue;
    std::size_t j = i + kw.size();
    while (j < t.size() && (is_space(t[j]) || t[j] == U'.')) ++j;
    std::size_t b = digits_at(t, j);
    if (b == 0 || b > 4) return std::nullopt;
    std::size_t bstart = j;
    j += b;
    if (j < t.size() && is_alpha(t[j]) && (j + 1 >= t.size() || !is_alpha(t[j + 1]))) ++j;  // block 3a
    std::string building = upper(t.substr(bstart, j - bstart));
    std::size_t k = j;
    while (k < t.size() && (is_space(t[k]) || t[k] == U',')) ++k;
    if (k < t.size() && t[k] == U'#') {
      std::size_t f = digits_at(t, k + 1);
      if (f > 0 && k + 1 + f < t.size() && t[k + 1 + f] == U'-') {
        std::size_t r = digits_at(t, k + 2 + f);
        if (r > 0) {
          std::size_t end = k + 2 + f + r;
          return HouseholdMatch{i, end, building + "-" + ascii(t.substr(k + 1, f)) + "-" +
                                            ascii(t.substr(k + 2 + f, r))};
        }
      }
    }
    return std::nullopt;
  }
  for (Text kw : {Text(U"flat"), Text(U"apartment"), Text(U"apt"), Text(U"room"), Text(U"rm"),
                  Text(U"unit"), Text(U"house")}) {
    if (!starts_with(t, i, kw)) continue;
    std::size_t j = i + kw.size();
    if (j < t.size() && is_alpha(t[j])) continue;
    while (j < t.size() && (is_space(t[j]) || t[j] == U'.' || t[j] == U'#' || t[j] == U':')) ++j;
    std::size_t s = j;
    while (j < t.size() && (is_alnum(t[j]) || (t[j] == U'-' && j + 1 < t.size() && is_alnum(t[j + 1])))) ++j;
    if (j == s || j - s > 8 || (digits_at(t, s) == 0 && !(is_alpha(t[s]) && s + 1 < j && is_digit(t[s + 1])))) {
      return std::nullopt;
    }
    return HouseholdMatch{i, j, upper(t.substr(s, j - s))};
  }
  return std::nullopt;
}

}  // namespace

std::optional<HouseholdMatch> find_household(std::u32string_view text) {
  // "12B: 6 eggs", "502: 白菜2斤": a flat label alone at the start, before a colon.
  {
    std::size_t s = 0;
    while (s < text.size() && is_space(text[s])) ++s;
    std::size_t d = digits_at(text, s);
    std::size_t e = s + d;
    if (e < text.size() && is_alpha(text[e]) && !(e + 1 < text.size() && is_alpha(text[e + 1]))) ++e;
    if (d > 0 && d <= 4 && (d >= 3 || e > s + d) && e < text.size() && text[e] == U':') {
      return HouseholdMatch{s, e + 1, upper(text.substr(s, e - s))};
    }
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    char32_t c = text[i];
    if (is_digit(c)) {
      if (i > 0 && (is_digit(text[i - 1]) || text[i - 1] == U'.')) continue;
      if (auto m = chinese_at(text, i)) return m;
      if (auto m = dash_at(text, i)) return m;
      // 502室: a room alone.
      std::size_t r = digits_at(text, i);
      if (r >= 3 && r <= 4 && i + r < text.size() && text[i + r] == U'室') {
        return HouseholdMatch{i, i + r + 1, ascii(text.substr(i, r))};
      }
    } else if (c == U'一' || c == U'二' || c == U'三' || c == U'四' || c == U'五' || c == U'六' || c == U'七' ||
               c == U'八' || c == U'九' || c == U'十') {
      if (i > 0 && is_han(text[i - 1]) && text[i - 1] != U'是' && text[i - 1] != U'住') continue;
      if (auto m = chinese_at(text, i)) return m;
    } else if (is_alpha(c)) {
      if (auto m = english_at(text, i)) return m;
      if ((i == 0 || !is_alpha(text[i - 1]))) {
        if (auto m = chinese_at(text, i)) return m;  // A座1203
      }
    }
  }
  return std::nullopt;
}

}  // namespace supplybot::handlers
