#include "handlers/parse/normalize.hpp"
#include "handlers/parse/parser.hpp"

namespace supplybot::handlers {
namespace {

// "12. text", "3、text", "4) text", "5 text": returns the number and where the text starts.
bool numbered_line(std::u32string_view line, int& number, std::size_t& text_begin) {
  std::size_t i = 0;
  while (i < line.size() && is_space(line[i])) ++i;
  std::size_t d = i;
  while (i < line.size() && is_digit(line[i]) && i - d < 4) ++i;
  if (i == d || i - d > 3) return false;
  std::size_t after = i;
  if (i < line.size() && (line[i] == U'.' || line[i] == U'、' || line[i] == U')' || line[i] == U':' ||
                          line[i] == U',')) {
    ++i;
  } else if (!(i < line.size() && is_space(line[i]))) {
    return false;
  }
  // "3-2-502" and "5.5斤" are not list numbers.
  if (i < line.size() && line[after] == U'.' && is_digit(line[i])) return false;
  while (i < line.size() && is_space(line[i])) ++i;
  number = 0;
  for (std::size_t k = d; k < after; ++k) number = number * 10 + static_cast<int>(line[k] - U'0');
  text_begin = i;
  return true;
}

// The one catalog item a 接龙 header is about (明天团购鸡蛋), or empty.
std::string single_goods(const Parser& parser, const std::string& header) {
  std::u32string t = normalize(header);
  const Catalog& catalog = parser.catalog();
  std::string name;
  for (std::size_t i = 0; i < t.size();) {
    auto m = catalog.trie().longest(t, i);
    if (m.length == 0) {
      ++i;
      continue;
    }
    const auto& entry = catalog.entries()[static_cast<std::size_t>(m.value)];
    if (!name.empty() && name != entry.name) return {};
    name = entry.name;
    i += m.length;
  }
  return name;
}

// One entry; "7-2-302 2盒" or "5-1101 +1" under a header about one item orders that item.
Parsed parse_entry(const Parser& parser, const std::string& entry, const std::string& header_goods) {
  Parsed p = detail::parse_single(parser, entry);
  if (!p.items.empty() || header_goods.empty() || p.intent == Intent::command || p.intent == Intent::cancel ||
      p.intent == Intent::query) {
    return p;
  }
  Parsed with_goods = detail::parse_single(parser, entry + " " + header_goods);
  if (with_goods.items.size() == 1 && with_goods.intent == Intent::order) {
    with_goods.items.front().text = entry;
    return with_goods;
  }
  return p;
}

}  // namespace

std::optional<Jielong> parse_jielong(const Parser& parser, std::string_view text) {
  if (text.size() > Parser::kMaxOrderBytes) return std::nullopt;
  std::u32string norm = normalize(text);
  std::u32string_view all = norm;
  Jielong j;
  bool header_seen = false;
  std::string header_text;
  std::string header_goods;
  bool goods_known = false;
  std::size_t pos = 0;
  while (pos <= all.size()) {
    std::size_t nl = all.find(U'\n', pos);
    if (nl == std::u32string_view::npos) nl = all.size();
    std::u32string_view line = all.substr(pos, nl - pos);
    pos = nl + 1;
    int number = 0;
    std::size_t tb = 0;
    if (header_seen && numbered_line(line, number, tb)) {
      std::string entry = to_utf8(line.substr(tb));
      if (!goods_known) {
        header_goods = single_goods(parser, header_text);
        goods_known = true;
      }
      j.entries.push_back(JielongEntry{number, entry, parse_entry(parser, entry, header_goods)});
      continue;
    }
    if (!header_seen && line.find(U"接龙") != std::u32string_view::npos) {
      header_seen = true;
      std::size_t b = 0;
      while (b < line.size() && (is_space(line[b]) || line[b] == U'#')) ++b;
      j.header = to_utf8(line.substr(b));
      header_text = j.header;
      continue;
    }
    if (header_seen && j.entries.empty() && !line.empty()) {
      // Description lines under the header belong to it; examples (例: 3-2-502 白菜1份) do not
      // name the goods of the list.
      if (line.find(U"例") == std::u32string_view::npos) header_text += "\n" + to_utf8(line);
      continue;
    }
  }
  if (!header_seen) return std::nullopt;
  return j;
}

namespace {

std::string entry_key(const JielongEntry& e) {
  std::string k;
  for (char c : e.text) {
    if (c != ' ' && c != '\t' && c != '\r') k.push_back(c);
  }
  return k;
}

}  // namespace

std::vector<JielongChange> jielong_changes(const Jielong& seen, const Jielong& current) {
  std::vector<JielongChange> out;
  for (const auto& e : current.entries) {
    std::string key = entry_key(e);
    bool same_text = false, same_household = false;
    for (const auto& old : seen.entries) {
      if (entry_key(old) == key) {
        same_text = true;
        break;
      }
      if (e.parsed.household && old.parsed.household == e.parsed.household) same_household = true;
    }
    if (same_text) continue;
    // A household appearing twice in the new list: only the first occurrence is compared.
    out.push_back(JielongChange{same_household, e});
  }
  return out;
}

}  // namespace supplybot::handlers
