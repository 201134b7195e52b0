#pragma once
// Lexicon: the parser's fixed vocabulary (units, English number words, intent and chat cues,
// note starters, words that merely contain a catalog spelling such as 加油) in one table, indexed
// by a trie. Immutable after construction; thread-safe for concurrent reads.

#include "handlers/parse/trie.hpp"

#include <string_view>
#include <vector>

namespace supplybot::handlers {

enum class WordKind : unsigned char {
  unit,        // canonical unit in `canonical`; only counts right after a number
  number,      // English number word; value in `value`
  vague,       // 一点 / some: an unspecified small amount
  order_verb,  // 要 / 买 / need / buy
  polite,      // 请 / 麻烦 / pls (neutral)
  thanks,      // 谢谢 / thanks: chat when nothing else is there
  cancel,      // 取消 / 不要了 / cancel
  modify,      // 改成 / make it
  query,       // 到了吗 / has my: a question about one's order
  when,        // 什么时候 / when: a query only when the message is about one's order
  question,    // 吗 / 呢 / ?: a question unless quantities say otherwise
  notice,      // 通知 / 请大家 / 核酸: a broadcast, never an order
  received,    // 收到了 / received
  negation,    // 没有 / 不够: a statement about goods, not an order
  note,        // 不要 / 少 / no / low: starts a requirement, runs to the end of the segment
  size_mark,   // 装 / size / 码: the number next to it is a size, not a quantity
  each,        // 各 / each: the quantity applies to every item before it
  of,          // 的 / of
  conj,        // 和 / and / 还有: separates items like a comma
  urgent,      // 急 / urgent
  same_prev,   // 同上 / same as above
  same_yesterday,  // 同昨天 / same as yesterday
  time_word,   // 明天 / 下午 / tomorrow: numbers nearby are times, not quantities
  measure_ctx, // 体温 / 确诊 / 电话 / 第: the next number is a measurement, not a quantity
  purpose,     // 做 / 炖: "做咖喱用" names a dish, not goods to buy
  brand,       // 金龙鱼 / 鲁花: a note on the item it names
  stop,        // a word that only contains a catalog spelling (加油, 里面); ignored
};

struct LexEntry {
  WordKind kind;
  std::string_view canonical;  // units: canonical unit; others: the spelling itself
  double value = 0;            // number words
  char unit_class = 0;         // units: 'w' weight, 'v' volume, 'c' count/container
};

class Lexicon {
 public:
  Lexicon();
  const Trie& trie() const { return trie_; }
  const LexEntry& entry(std::int32_t i) const { return entries_[static_cast<std::size_t>(i)]; }
  // Canonical unit for a spelling ("公斤" -> "kg"), empty when it is not a unit.
  std::string_view unit(std::u32string_view spelling) const;

 private:
  std::vector<LexEntry> entries_;
  Trie trie_;
};

}  // namespace supplybot::handlers
