#include "handlers/parse/parser.hpp"

#include "handlers/parse/commands.hpp"
#include "handlers/parse/household.hpp"
#include "handlers/parse/normalize.hpp"
#include "handlers/parse/numbers.hpp"
#include "handlers/parse/tokenizer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

namespace supplybot::handlers {

std::string_view to_string(Intent i) {
  switch (i) {
    case Intent::order: return "order";
    case Intent::cancel: return "cancel";
    case Intent::modify: return "modify";
    case Intent::query: return "query";
    case Intent::chat: return "chat";
    case Intent::command: return "command";
  }
  return "chat";
}

Parser::Parser(Catalog catalog, std::string bot_username)
    : catalog_(std::move(catalog)), bot_username_(std::move(bot_username)) {
  if (!bot_username_.empty() && bot_username_.front() == '@') bot_username_.erase(0, 1);
  for (auto& c : bot_username_) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  auto table = command_table();
  for (std::size_t i = 0; i < table.size(); ++i) {
    for (auto w : table[i].words) commands_.insert(normalize(w), static_cast<std::int32_t>(i));
  }
}

namespace {

using detail::T;
using detail::Text;
using detail::Token;
using detail::cn_number;
using detail::is_cn_numeral;
using detail::is_hard_sep_char;
using detail::starts_with;

struct Qty {
  std::size_t tb = 0, te = 0;  // token span [tb, te)
  double value = 1;
  std::string_view unit;
  char unit_class = 0;
  bool mult = false;
  bool vague = false;
  bool bound = false;
  std::size_t size_tb = 0;  // when set, tokens [size_tb, te) are the size of each ("2 x 1L")
};


bool note_swallows(std::string_view w) {
  for (std::string_view s : {"不要", "别", "不放", "少放", "多放", "不要太", "别太", "尽量", "最好", "有的话",
                             "如果有", "没有的话", "没有就", "no ", "without", "not too", "less",
                             "if possible", "if available", "leave at", "放门口", "放在门口", "挂门上",
                             "挂门把手", "送到门口"}) {
    if (w == s) return true;
  }
  return false;
}

// Text right after a number that makes it a time, date, price, age, count of people or floor.
}  // namespace

// One parse of one message: the normalised text, its tokens and what was found. Lives on the
// stack of Parser::parse, so a Parser stays immutable and concurrent calls share nothing.
// Share of unexplained characters above which a message without an order verb or a household is
// taken for a statement, not an order.
constexpr double kStatementResidue = 0.6;

struct ParseRun {
  const Parser& p;
  std::u32string text;
  std::vector<Token> toks;
  std::vector<Qty> qtys;
  std::optional<HouseholdMatch> household;
  Parsed out;

  explicit ParseRun(const Parser& parser) : p(parser) {}

  const LexEntry& lex(const Token& t) const { return p.lexicon_.entry(t.id); }
  std::string span(std::size_t b, std::size_t e) const {
    return e <= b ? std::string() : to_utf8(Text(text).substr(b, e - b));
  }

  bool word_is(const Token& t, WordKind k) const { return t.kind == T::word && t.wk == k; }

  // Goods whose name merely contains a catalog spelling are the resident's own goods: 卤蛋
  // (not 鸡蛋), 湿厕纸 (not 卫生纸), 牛肉面一箱 (not 牛肉). A one-character spelling glued to the
  // character before it, or any spelling glued to one more character and then a quantity.
  void compound_goods() {
    // English past tense ("dropped", "delivered") reports what happened; it does not ask for goods.
    std::int32_t past = p.lexicon_.trie().find(U"bought");
    for (auto& tk : toks) {
      if (tk.kind != T::ascii || tk.e - tk.b < 4 || past < 0) continue;
      if (text[tk.e - 2] == U'e' && text[tk.e - 1] == U'd') {
        tk.kind = T::word;
        tk.wk = WordKind::negation;
        tk.id = past;
      }
    }
    for (std::size_t k = 0; k < toks.size(); ++k) {
      if (toks[k].kind != T::item) continue;
      bool one_char = toks[k].e - toks[k].b == 1;
      bool han_before = k > 0 && toks[k - 1].kind == T::han && !toks[k].space;
      // Dishes and products named after an ingredient: 牛肉面, 土豆丝, 鸡蛋饼, 猪肉干.
      bool han_then_qty = k + 2 < toks.size() && toks[k + 1].kind == T::han && !toks[k + 1].space &&
                          Text(U"面丝片丁馅汤粉干酱饼糕球卷丸泥汁").find(text[toks[k + 1].b]) != Text::npos &&
                          (toks[k + 2].kind == T::number || toks[k + 2].kind == T::mult);
      if ((one_char && han_before) || han_then_qty) toks[k].kind = T::han;
    }
  }

  // ---- quantities ------------------------------------------------------------------------------

  bool unit_follows_english_number(std::size_t k) const {
    // "a"/"one" count only right before a unit, an item, "of" or another word that is an item name.
    if (k + 1 >= toks.size()) return false;
    const Token& n = toks[k + 1];
    if (n.kind == T::number && n.english && n.value == 0.5 && text[n.b] == U'a') return true;  // one and a half
    return n.kind == T::unit || n.kind == T::item || word_is(n, WordKind::of) ||
           (n.kind == T::ascii && toks[k].value != 1);
  }

  void find_quantities() {
    for (std::size_t k = 0; k < toks.size(); ++k) {
      Token& tok = toks[k];
      Qty q;
      if (tok.kind == T::number) {
        if (tok.english && !unit_follows_english_number(k)) continue;
        q.tb = k;
        q.value = tok.value;
        std::size_t j = k + 1;
        if (j < toks.size() && toks[j].kind == T::unit) {
          const auto& le = lex(toks[j]);
          q.unit = le.canonical;
          q.unit_class = le.unit_class;
          ++j;
          if (j < toks.size() && toks[j].kind == T::number && toks[j].half && !toks[j].space) {
            q.value += 0.5;  // 一个半, 一斤半
            ++j;
          }
        } else if (j < toks.size() && toks[j].kind == T::number && toks[j].english && toks[j].value == 0.5 &&
                   text[toks[j].b] == U'a' && text[toks[j].b + 1] == U'n') {
          q.value += 0.5;  // one and a half kg
          ++j;
          if (j < toks.size() && toks[j].kind == T::unit) {
            q.unit = lex(toks[j]).canonical;
            q.unit_class = lex(toks[j]).unit_class;
            ++j;
          }
        } else if (tok.half && j < toks.size() && toks[j].kind == T::number && !toks[j].half) {
          continue;
        }
        q.te = j;
        // "2 x 1L milk": a count, then the size of each.
        if (q.unit.empty() && j + 2 < toks.size() && toks[j].kind == T::mult && toks[j + 1].kind == T::number &&
            toks[j + 2].kind == T::unit && lex(toks[j + 2]).unit_class != 'c') {
          q.size_tb = j + 1;
          q.te = j + 3;
        }
      } else if (tok.kind == T::mult && k + 1 < toks.size() && toks[k + 1].kind == T::number) {
        q.tb = k;
        q.value = toks[k + 1].value;
        q.mult = true;
        std::size_t j = k + 2;
        if (j < toks.size() && toks[j].kind == T::unit) {
          q.unit = lex(toks[j]).canonical;
          q.unit_class = lex(toks[j]).unit_class;
          ++j;
        }
        q.te = j;
      } else if (word_is(tok, WordKind::vague)) {
        q.tb = k;
        q.te = k + 1;
        q.vague = true;
        if (k + 1 < toks.size() && toks[k + 1].kind == T::unit) {
          q.unit = lex(toks[k + 1]).canonical;
          q.te = k + 2;
        }
      } else {
        continue;
      }
      if (q.value <= 0 || !std::isfinite(q.value)) continue;
      qtys.push_back(q);
      k = q.te - 1;
    }
  }

  // Quantity starting at token k / ending at token k, or -1.
  int qty_starting(std::size_t k) const {
    for (std::size_t i = 0; i < qtys.size(); ++i) {
      if (qtys[i].tb == k && !qtys[i].bound) return static_cast<int>(i);
    }
    return -1;
  }
  int qty_ending(std::size_t k) const {
    for (std::size_t i = 0; i < qtys.size(); ++i) {
      if (qtys[i].te == k && !qtys[i].bound) return static_cast<int>(i);
    }
    return -1;
  }

  // Size written next to an item: 5L装, 10斤装, size 4, 42码, 4号. Marks tokens used; returns the note.
  std::string take_size(std::size_t item_tok) {
    std::string note;
    auto mark_qty_used = [&](std::size_t tb, std::size_t te) {
      for (std::size_t j = tb; j < te; ++j) toks[j].used = true;
      for (auto& q : qtys) {
        if (q.tb == tb) q.bound = true;
      }
    };
    // <qty> 装 before or after the item.
    for (auto& q : qtys) {
      if (q.bound || q.te >= toks.size()) continue;
      const Token& after = toks[q.te];
      if (!(after.kind == T::word && after.wk == WordKind::size_mark && text[after.b] == U'装')) continue;
      bool near = q.te + 1 == item_tok || q.tb == item_tok + 1 ||
                  (q.te + 1 < item_tok && item_tok - (q.te + 1) <= 3);
      if (!near) continue;
      note = span(toks[q.tb].b, after.e);
      mark_qty_used(q.tb, q.te + 1);
      break;
    }
    // 拉拉裤XL: a clothing size right after the item.
    if (item_tok + 1 < toks.size() && toks[item_tok + 1].kind == T::ascii) {
      std::string w = span(toks[item_tok + 1].b, toks[item_tok + 1].e);
      for (std::string_view sz : {"xs", "s", "m", "l", "xl", "xxl", "xxxl", "nb"}) {
        if (w == sz) {
          note = w;
          for (auto& ch : note) ch = static_cast<char>(ch - 32);
          toks[item_tok + 1].used = true;
          break;
        }
      }
    }
    // size 4 / 4号 / 42码 after the item.
    for (std::size_t j = item_tok + 1; j < toks.size() && j <= item_tok + 4; ++j) {
      const Token& tk = toks[j];
      if (tk.kind == T::sep) break;
      if (word_is(tk, WordKind::size_mark) && text[tk.b] != U'装' && j + 1 < toks.size() &&
          (toks[j + 1].kind == T::number || toks[j + 1].kind == T::ascii)) {
        if (!note.empty()) note += " ";
        note += span(tk.b, toks[j + 1].e);
        toks[j].used = true;
        toks[j + 1].used = true;
        if (toks[j + 1].kind == T::number) mark_qty_used(j + 1, j + 2);
        break;
      }
      if ((tk.kind == T::number || tk.kind == T::ascii) && j + 1 < toks.size() &&
          word_is(toks[j + 1], WordKind::size_mark) && text[toks[j + 1].b] != U'装') {
        if (!note.empty()) note += " ";
        note += span(tk.b, toks[j + 1].e);
        toks[j].used = true;
        toks[j + 1].used = true;
        if (tk.kind == T::number) mark_qty_used(j, j + 1);
        break;
      }
    }
    return note;
  }

  bool is_barrier(const Token& t) const {
    return (t.kind == T::sep && t.sep != ':') || t.kind == T::item;
  }

  ParsedItem make_item(std::int32_t entry, std::size_t b, std::size_t e) const {
    ParsedItem it;
    const auto& ce = p.catalog_.entries()[static_cast<std::size_t>(entry)];
    it.name = ce.name;
    it.category = ce.category;
    it.in_catalog = true;
    it.text = span(b, e);
    return it;
  }

  void apply_qty(ParsedItem& it, Qty& q, bool& explicit_qty) {
    q.bound = true;
    for (std::size_t j = q.tb; j < q.te; ++j) toks[j].used = true;
    if (q.size_tb > 0) {
      std::string sz = span(toks[q.size_tb].b, toks[q.te - 1].e);
      it.note = it.note.empty() ? sz : sz + " " + it.note;
    }
    if (q.vague) {
      it.qty = 1;
      it.unit = std::string(q.unit);
      if (!it.note.empty()) it.note += " ";
      it.note += span(toks[q.tb].b, toks[q.tb].e);
      vague_ = true;
      explicit_qty = true;
      return;
    }
    if (q.mult && explicit_qty) {
      it.qty *= q.value;
    } else {
      it.qty = q.value;
      it.unit = std::string(q.unit);
    }
    if (q.mult && !q.unit.empty()) it.unit = std::string(q.unit);
    explicit_qty = true;
  }

  struct Found {
    ParsedItem item;
    std::size_t tok;  // first token of the item name
    bool explicit_qty = false;
    std::int32_t entry = -1;  // catalog entry, -1 when unknown
  };
  std::vector<Found> found;
  bool vague_ = false;

  void bind_items() {
    // 各 / each first: 葱姜蒜各一把, one of each.
    for (std::size_t k = 0; k < toks.size(); ++k) {
      if (!word_is(toks[k], WordKind::each)) continue;
      std::size_t after_each = k + 1;  // 各买一瓶, 各来一份
      while (after_each < toks.size() && word_is(toks[after_each], WordKind::order_verb)) ++after_each;
      int qi = qty_starting(after_each);
      bool before = false;
      if (qi < 0 && k > 0) {
        qi = qty_ending(k);
        before = true;
      }
      if (qi < 0) continue;
      std::size_t start = before ? qtys[static_cast<std::size_t>(qi)].tb : k;
      std::vector<std::size_t> group;
      for (std::size_t j = start; j-- > 0;) {
        const Token& tk = toks[j];
        if (tk.kind == T::item) {
          group.push_back(j);
        } else if ((tk.kind == T::sep && (tk.sep == 'd' || tk.sep == ',')) || word_is(tk, WordKind::conj) ||
                   word_is(tk, WordKind::of) || tk.kind == T::other || word_is(tk, WordKind::stop) ||
                   word_is(tk, WordKind::negation) || word_is(tk, WordKind::polite)) {
          continue;
        } else {
          break;
        }
      }
      // "2 each of apples and pears": the goods follow.
      if (before && k + 1 < toks.size() && word_is(toks[k + 1], WordKind::of)) {
        group.clear();
        for (std::size_t j = k + 2; j < toks.size(); ++j) {
          const Token& tk = toks[j];
          if (tk.kind == T::item) {
            group.insert(group.begin(), j);  // the loop below walks the group backwards
          } else if (!((tk.kind == T::sep && (tk.sep == 'd' || tk.sep == ',')) || word_is(tk, WordKind::conj))) {
            break;
          }
        }
      }
      if (group.empty()) continue;
      Qty& q = qtys[static_cast<std::size_t>(qi)];
      toks[k].used = true;
      for (auto it = group.rbegin(); it != group.rend(); ++it) {
        Found f{make_item(toks[*it].id, toks[*it].b, toks[*it].e), *it, false, toks[*it].id};
        q.bound = false;
        apply_qty(f.item, q, f.explicit_qty);
        if (*it < k) f.item.text = span(toks[*it].b, toks[std::max(q.te, k + 1) - 1].e);
        toks[*it].used = true;
        found.push_back(std::move(f));
      }
      q.bound = true;
    }

    for (std::size_t k = 0; k < toks.size(); ++k) {
      if (toks[k].kind != T::item || toks[k].used) continue;
      if (in_note_[k]) continue;
      // 做咖喱用, 炖梨水: after a cooking word, goods without a quantity name the dish.
      std::size_t pk = k;
      while (pk > 0 && toks[pk - 1].kind == T::item) --pk;
      if (pk > 0 && word_is(toks[pk - 1], WordKind::purpose) && qty_starting(k + 1) < 0) {
        toks[k].used = true;
        toks[pk - 1].used = true;
        continue;
      }
      Found f{make_item(toks[k].id, toks[k].b, toks[k].e), k, false, toks[k].id};
      toks[k].used = true;
      std::string size = take_size(k);
      // Pre quantity: "2斤白菜", "2 loaves of bread", "一桶金龙鱼花生油" (brand words between).
      int pre = -1;
      std::size_t brand_b = k, brand_e = k;  // modifier words between the quantity and the item
      {
        std::size_t j = k;
        if (j > 0 && word_is(toks[j - 1], WordKind::of)) --j;
        std::size_t run_e = j;
        std::size_t steps = 0;
        while (j > 0 && steps < 4 && (toks[j - 1].kind == T::han || toks[j - 1].kind == T::ascii) &&
               !toks[j - 1].used) {
          --j;
          ++steps;
        }
        std::size_t run_b = j;
        if (steps > 0 && j > 0 && word_is(toks[j - 1], WordKind::of)) --j;  // 1 carton of almond milk
        pre = qty_ending(j);
        if (pre < 0 && steps > 0) {
          j = k;
          if (j > 0 && word_is(toks[j - 1], WordKind::of)) --j;
          pre = qty_ending(j);
        } else if (pre >= 0 && steps > 0) {
          brand_b = run_b;
          brand_e = run_e;
        }
      }
      // Post quantity: "白菜2斤", "milk x2", "鸡蛋: 2盒", "白菜要2斤".
      int post = -1;
      {
        std::size_t j = k + 1;
        while (j < toks.size() && (toks[j].used || (toks[j].kind == T::sep && (toks[j].sep == ':' || toks[j].sep == '(')) ||
                                   word_is(toks[j], WordKind::order_verb) || word_is(toks[j], WordKind::polite) ||
                                   word_is(toks[j], WordKind::modify) || word_is(toks[j], WordKind::stop))) {
          if (toks[j].kind == T::sep && toks[j].sep != ':' && toks[j].sep != '(') break;
          ++j;
        }
        post = qty_starting(j);
      }
      Qty* qp = pre >= 0 ? &qtys[static_cast<std::size_t>(pre)] : nullptr;
      Qty* qn = post >= 0 ? &qtys[static_cast<std::size_t>(post)] : nullptr;
      auto next_item_wants = [&](const Qty& q) {
        // The quantity is glued to the next item and that item has none of its own after it.
        if (q.te >= toks.size()) return false;
        std::size_t j = q.te;
        if (j < toks.size() && word_is(toks[j], WordKind::of)) ++j;
        if (j >= toks.size() || toks[j].kind != T::item) return false;
        int own = qty_starting(j + 1);
        if (own >= 0) return false;
        return true;
      };
      if (qp && qn && qp->unit.empty() && !qp->mult && !qn->unit.empty() && !next_item_wants(*qn)) {
        qp = nullptr;  // "502 白菜2斤": the bare number before is a label, the quantity comes after
      }
      if (qp && qn) {
        if (qn->mult) {
          apply_qty(f.item, *qp, f.explicit_qty);
          apply_qty(f.item, *qn, f.explicit_qty);
        } else if ((qp->unit_class == 'v' || qp->unit_class == 'w') && qn->unit_class == 'c' &&
                   !next_item_wants(*qn)) {
          size = span(toks[qp->tb].b, toks[qp->te - 1].e);  // 5L花生油1桶: 5L is the size
          qp->bound = true;
          for (std::size_t j = qp->tb; j < qp->te; ++j) toks[j].used = true;
          apply_qty(f.item, *qn, f.explicit_qty);
          qp = nullptr;
        } else {
          apply_qty(f.item, *qp, f.explicit_qty);
          qn = nullptr;
        }
      } else if (qp) {
        apply_qty(f.item, *qp, f.explicit_qty);
      } else if (qn && (qn->unit_class == 'v' || qn->unit_class == 'w') && qty_starting(qn->te) >= 0 &&
                 qtys[static_cast<std::size_t>(qty_starting(qn->te))].unit_class == 'c') {
        // 调和油5L一桶: the first quantity is the size, the second the amount.
        Qty& count = qtys[static_cast<std::size_t>(qty_starting(qn->te))];
        size = span(toks[qn->tb].b, toks[qn->te - 1].e);
        qn->bound = true;
        for (std::size_t j = qn->tb; j < qn->te; ++j) toks[j].used = true;
        apply_qty(f.item, count, f.explicit_qty);
        qn = &count;
      } else if (qn) {
        bool give_away = next_item_wants(*qn) && toks[qn->tb].space && !toks[qn->te].space;
        if (!give_away) apply_qty(f.item, *qn, f.explicit_qty);
        else qn = nullptr;
      }
      // A second multiplier after the quantity: 牛奶1箱x2.
      // After a size (牛奶250ml×12, milk 1L x2) the multiplier is the count and the size a note.
      Qty* first = qn ? qn : qp;
      if (first && first->te < toks.size()) {
        int m = qty_starting(first->te);
        if (m >= 0 && qtys[static_cast<std::size_t>(m)].mult) {
          Qty& mq = qtys[static_cast<std::size_t>(m)];
          if ((first->unit_class == 'v' || (first->unit_class == 'w' && first->unit != "斤" && first->unit != "两"))) {
            size = span(toks[first->tb].b, toks[first->te - 1].e);
            f.item.qty = mq.value;
            f.item.unit = std::string(mq.unit);
            mq.bound = true;
            for (std::size_t j = mq.tb; j < mq.te; ++j) toks[j].used = true;
          } else {
            apply_qty(f.item, mq, f.explicit_qty);
          }
          if (first == qn || !qn) qn = &mq;
        }
      }
      std::size_t b = qp ? toks[qp->tb].b : toks[k].b;
      std::size_t e = toks[k].e;
      if (qn) e = toks[qn->te - 1].e;
      for (std::size_t j = k + 1; j < toks.size() && toks[j].used && toks[j].kind != T::item && !in_note_[j]; ++j) {
        e = std::max<std::size_t>(e, toks[j].e);
      }
      if (qp && brand_b < brand_e) {
        // Brand or kind words between the quantity and the item: "1 carton of almond milk".
        std::string brand = span(toks[brand_b].b, toks[brand_e - 1].e);
        for (std::size_t j = brand_b; j < brand_e; ++j) toks[j].used = true;
        size = size.empty() ? brand : brand + " " + size;
      } else if (!qp) {
        // Brand or size written before the item with nothing else: 金龙鱼花生油, 5L装花生油.
        std::size_t j = k;
        std::size_t steps = 0;
        while (j > 0 && steps < 4 && toks[j - 1].kind == T::han && !toks[j - 1].used && !toks[j - 1].space &&
               !toks[j].space) {
          --j;
          ++steps;
        }
        if (steps >= 2) {
          std::string brand = span(toks[j].b, toks[k - 1].e);
          for (std::size_t x = j; x < k; ++x) toks[x].used = true;
          size = size.empty() ? brand : brand + " " + size;
          b = std::min<std::size_t>(b, toks[j].b);
        }
      }
      if (k > 0 && toks[k - 1].used && word_is(toks[k - 1], WordKind::size_mark) && toks[k - 1].b < b) {
        b = toks[k - 1].b;
      }
      if (!size.empty()) {
        f.item.note = f.item.note.empty() ? size : size + " " + f.item.note;
        for (auto& q : qtys) {
          if (q.bound && q.tb < k && toks[q.tb].b < b && span(toks[q.tb].b, toks[q.tb].e).size() > 0 &&
              size.find(span(toks[q.tb].b, toks[q.tb].e)) == 0) {
            b = toks[q.tb].b;
          }
        }
      }
      f.item.text = span(b, std::max(e, b));
      found.push_back(std::move(f));
    }
  }

  // Goods that are not in the catalog, recognised by a quantity with a unit next to words:
  // 猫砂2袋, 两袋猫砂, 3 packs of AAA batteries.
  void bind_unknown(bool order_context) {
    for (auto& q : qtys) {
      if (q.bound || q.vague) continue;
      if (q.unit.empty() && !q.mult && !order_context) continue;
      auto run_after = [&](std::size_t j, std::size_t& e) {
        if (j < toks.size() && word_is(toks[j], WordKind::of)) ++j;
        std::size_t s = j;
        std::size_t han = 0;
        while (j < toks.size() && !toks[j].used && (toks[j].kind == T::han || toks[j].kind == T::ascii) &&
               han < 8 && (j == s || !toks[j].space || toks[j].kind == T::ascii)) {
          ++han;
          ++j;
        }
        e = j;
        return s;
      };
      auto run_before = [&](std::size_t j, std::size_t& b) {
        std::size_t e = j;
        std::size_t han = 0;
        while (j > 0 && !toks[j - 1].used && (toks[j - 1].kind == T::han || toks[j - 1].kind == T::ascii) &&
               han < 8 && (j == e || !toks[j].space || toks[j].kind == T::ascii)) {
          --j;
          ++han;
        }
        b = j;
        return e;
      };
      std::size_t ae = 0, bb = 0;
      std::size_t as = run_after(q.te, ae);
      std::size_t be = run_before(q.tb, bb);
      std::size_t nb, ne;
      bool pre_style;
      if (ae > as && (be == bb || q.tb == 0 || toks[q.tb - 1].kind == T::word || toks[q.tb - 1].kind == T::sep)) {
        nb = as;
        ne = ae;
        pre_style = true;
      } else if (be > bb) {
        nb = bb;
        ne = be;
        pre_style = false;
      } else {
        attach_elliptic(q);
        continue;
      }
      // Letters-only names must be at least two letters; a lone Han character is too vague.
      std::size_t cps = toks[ne - 1].e - toks[nb].b;
      if (cps < 2) continue;
      std::string name = span(toks[nb].b, toks[ne - 1].e);
      ParsedItem it;
      it.name = name;
      it.in_catalog = false;
      bool explicit_qty = false;
      apply_qty(it, q, explicit_qty);
      std::size_t b = pre_style ? toks[q.tb].b : toks[nb].b;
      std::size_t e = pre_style ? toks[ne - 1].e : toks[q.te - 1].e;
      it.text = span(b, e);
      for (std::size_t j = nb; j < ne; ++j) toks[j].used = true;
      found.push_back(Found{std::move(it), nb, true});
    }
  }

  // A brand names the next item in its segment: 金龙鱼调和油, 海天酱油1瓶.
  void attach_brands() {
    for (std::size_t k = 0; k < toks.size(); ++k) {
      if (!word_is(toks[k], WordKind::brand) || toks[k].used) continue;
      for (auto& f : found) {
        if (f.tok <= k) continue;
        bool blocked = false;
        for (std::size_t j = k + 1; j < f.tok; ++j) blocked = blocked || (toks[j].kind == T::sep && toks[j].sep != ':');
        if (blocked) break;
        std::string brand = span(toks[k].b, toks[k].e);
        f.item.note = f.item.note.empty() ? brand : brand + " " + f.item.note;
        toks[k].used = true;
        break;
      }
    }
  }

  // The same goods named twice, once with a quantity: "鸡蛋两盒（土鸡蛋）", "康师傅方便面5包".
  void merge_repeats() {
    std::vector<bool> drop(found.size(), false);
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (found[i].explicit_qty || !found[i].item.in_catalog) continue;
      // "猪肉白菜馅的", "草莓味": goods naming a filling or flavour describe another item.
      for (std::size_t j = found[i].tok + 1; j < toks.size(); ++j) {
        if (toks[j].kind == T::item) continue;
        if (toks[j].kind == T::han && (text[toks[j].b] == U'馅' || text[toks[j].b] == U'味')) drop[i] = true;
        break;
      }
      if (drop[i]) continue;
      for (std::size_t j = 0; j < found.size(); ++j) {
        if (j != i && found[j].explicit_qty && found[j].item.name == found[i].item.name) drop[i] = true;
      }
    }
    std::vector<Found> kept;
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (!drop[i]) kept.push_back(std::move(found[i]));
    }
    found = std::move(kept);
  }

  // "鸡蛋有吗？要两盒", "尿不湿没了，要两包": a quantity after 要/来 with no goods of its own
  // belongs to the goods named just before that have no quantity yet.
  void attach_elliptic(Qty& q) {
    if (q.unit.empty() || q.tb == 0) return;
    const Token& before = toks[q.tb - 1];
    if (!(word_is(before, WordKind::order_verb) || before.kind == T::sep)) return;
    for (auto it = found.rbegin(); it != found.rend(); ++it) {
      if (it->tok > q.tb) continue;
      if (it->explicit_qty) return;
      apply_qty(it->item, q, it->explicit_qty);
      return;
    }
  }

  bool statement_near_goods() const {
    std::vector<std::uint32_t> seg(toks.size(), 0);
    std::uint32_t cur = 0;
    for (std::size_t k = 0; k < toks.size(); ++k) {
      if (toks[k].kind == T::sep && toks[k].sep != ':' && toks[k].sep != '(') ++cur;
      seg[k] = cur;
    }
    std::vector<bool> has_goods(cur + 1, false), has_statement(cur + 1, false);
    for (const auto& f : found) has_goods[seg[f.tok]] = true;
    for (const auto& q : qtys) has_goods[seg[q.tb]] = true;
    for (std::size_t k = 0; k < toks.size(); ++k) {
      if (toks[k].kind == T::item) has_goods[seg[k]] = true;
      if (word_is(toks[k], WordKind::negation) || word_is(toks[k], WordKind::received)) has_statement[seg[k]] = true;
    }
    for (std::size_t i = 0; i <= cur; ++i) {
      if (has_goods[i] && has_statement[i]) return true;
    }
    return false;
  }

  // ---- notes -------------------------------------------------------------------------------------

  std::vector<bool> in_note_;
  std::vector<std::string> notes_;
  std::vector<std::size_t> cancel_in_note_;  // items inside "不要X了"
  bool note_cancel_ = false;

  void find_notes() {
    in_note_.assign(toks.size(), false);
    for (std::size_t k = 0; k < toks.size(); ++k) {
      if (!word_is(toks[k], WordKind::note)) continue;
      std::string_view w = lex(toks[k]).canonical;
      std::size_t e = k + 1;
      if (note_swallows(w)) {
        while (e < toks.size() && !(toks[e].kind == T::sep) && !word_is(toks[e], WordKind::polite) &&
               !word_is(toks[e], WordKind::thanks) && !word_is(toks[e], WordKind::conj) &&
               !(toks[e].kind == T::number && e > k + 1)) {
          ++e;
        }
        // "不要鸡蛋了": a cancel, not a requirement.
        bool ends_le = e < toks.size() && word_is(toks[e], WordKind::polite) && text[toks[e].b] == U'了';
        if (w == "不要" && (ends_le || e == k + 1 || (e < toks.size() && word_is(toks[e], WordKind::cancel)))) {
          note_cancel_ = true;
          for (std::size_t j = k + 1; j < e; ++j) {
            if (toks[j].kind == T::item) cancel_in_note_.push_back(j);
          }
          toks[k].used = true;
          continue;
        }
      } else {
        // An adjective note sticks to the item right after it: "low-salt soy sauce".
      }
      std::size_t last = e - 1;
      for (std::size_t j = k; j < e; ++j) {
        in_note_[j] = true;
        toks[j].used = true;
      }
      if (e > k + 1 && toks[e - 1].kind == T::number) last = e - 1;
      notes_.push_back(span(toks[k].b, toks[last].e));
    }
  }

  // ---- commands ----------------------------------------------------------------------------------

  static bool looks_like_ref(std::string_view a) {
    if (!a.empty() && a.front() == '#') a.remove_prefix(1);
    if (a.empty() || a.size() > 9) return false;
    return std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; });
  }

  static std::vector<std::string> split_args(std::string_view rest) {
    std::vector<std::string> args;
    std::size_t i = 0;
    while (i < rest.size()) {
      while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\n' || rest[i] == ',')) ++i;
      std::size_t s = i;
      while (i < rest.size() && rest[i] != ' ' && rest[i] != '\n' && rest[i] != ',') ++i;
      if (i > s) args.emplace_back(rest.substr(s, i - s));
    }
    return args;
  }

  bool only_thanks(Text rest) const {
    std::size_t i = 0;
    while (i < rest.size()) {
      char32_t c = rest[i];
      if (is_space(c) || c == U'\n' || is_hard_sep_char(c) || c == U'.' || c == U'?' || c == U'!' ||
          (!is_han(c) && !is_alnum(c))) {
        ++i;
        continue;
      }
      auto m = p.lexicon_.trie().longest(rest, i);
      if (m.length == 0) return false;
      auto k = p.lexicon_.entry(m.value).kind;
      if (k != WordKind::thanks && k != WordKind::polite && k != WordKind::stop && k != WordKind::received &&
          k != WordKind::conj) {
        return false;
      }
      i += m.length;
    }
    return true;
  }

  bool try_command() {
    Text t = text;
    std::size_t s = 0;
    while (s < t.size() && (is_space(t[s]) || t[s] == U'\n')) ++s;
    if (s >= t.size()) return false;
    if (t[s] == U'/') {
      std::size_t j = s + 1;
      while (j < t.size() && (is_alnum(t[j]) || t[j] == U'_' || is_han(t[j]))) ++j;
      if (j == s + 1) return false;
      std::string name = span(s + 1, j);
      if (j < t.size() && t[j] == U'@') {
        std::size_t k = j + 1;
        while (k < t.size() && (is_alnum(t[k]) || t[k] == U'_')) ++k;
        std::string bot = span(j + 1, k);
        j = k;
        if (!p.bot_username_.empty() && bot != p.bot_username_) {
          out.intent = Intent::chat;  // a command for another bot
          out.confidence = 0.95;
          return true;
        }
      }
      auto canon = find_command(name);
      out.intent = Intent::command;
      out.command = canon.empty() ? name : std::string(canon);
      out.known_command = !canon.empty();
      out.args = split_args(span(j, t.size()));
      out.confidence = canon.empty() ? 0.6 : 1.0;
      if (out.command == "cancel" && !out.args.empty() && looks_like_ref(out.args.front())) {
        out.order_ref = out.args.front().front() == '#' ? out.args.front().substr(1) : out.args.front();
      }
      return true;
    }
    // A command word at the start of the message: 我的任务, 已送达 12, help, claim 12.
    auto m = p.commands_.longest(t, s, [&t](std::size_t e, std::int32_t) {
      return !(is_alpha(t[e - 1]) && e < t.size() && is_alpha(t[e]));
    });
    if (m.length == 0) return false;
    std::size_t best_len = m.length;
    const CommandSpec* best = &command_table()[static_cast<std::size_t>(m.value)];
    std::size_t e = s + best_len;
    Text rest = t.substr(e);
    std::size_t r = 0;
    while (r < rest.size() && (is_space(rest[r]) || rest[r] == U':' || rest[r] == U',')) ++r;
    Text args_text = rest.substr(r);
    std::string args_utf8 = to_utf8(args_text);
    auto args = split_args(args_utf8);
    bool ok = false;
    if (best->name == "cancel") {
      std::string a = args.empty() ? std::string() : args.front();
      if (a.rfind("订单", 0) == 0) a = a.substr(std::string_view("订单").size());
      ok = looks_like_ref(a) && args.size() <= 2;
      if (ok) {
        out.order_ref = a.front() == '#' ? a.substr(1) : a;
        args.front() = "#" + *out.order_ref;
      }
    } else if (args_text.empty() || only_thanks(rest)) {
      ok = true;
      args.clear();
    } else if (best->free_args && (r > 0 || is_digit(rest.front()))) {
      ok = true;
    } else {
      bool separated = r > 0 || is_digit(rest.front()) || rest.front() == U'#' || rest.front() == U'@';
      // Arguments look like arguments: 12, #12, @li, 3-2-502, zones=1,2 / 楼栋=1-5, a verb of the
      // logistics commands (志愿者 添加, 轮次 开始 20:00); not "今天送了鸡蛋40盒". "已购 12 缺 鸡蛋":
      // what follows 缺 / missing is free text.
      auto checked_end = args.end();
      if (best->name == "bought" && args.size() >= 2) {
        checked_end = std::find_if(args.begin() + 1, args.end(), [](const std::string& a) {
          return a == "缺" || a == "缺货" || a == "没买到" || a == "missing";
        });
      }
      static constexpr std::string_view kVerbs[] = {"添加", "删除", "移除", "列表", "名单", "开始", "截止", "结束",
                                                    "状态", "add", "remove", "list", "open", "close", "status", "all",
                                                    "全部"};
      ok = separated && !args.empty() && std::all_of(args.begin(), checked_end, [](const std::string& a) {
             if (a.front() == '@') return true;
             if (a.find('=') != std::string::npos || a.find("：") != std::string::npos) return true;
             if (std::find(std::begin(kVerbs), std::end(kVerbs), a) != std::end(kVerbs)) return true;
             bool has_digit = a.find_first_of("0123456789") != std::string::npos;
             bool ascii = std::all_of(a.begin(), a.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '#' || c == '-' || c == '_';
             });
             return has_digit && ascii;
           });
    }
    if (!ok) return false;
    out.intent = Intent::command;
    out.command = std::string(best->name);
    out.known_command = true;
    out.args = std::move(args);
    out.confidence = 0.95;
    return true;
  }

  // ---- decision ----------------------------------------------------------------------------------

  void run() {
    if (try_command()) return;
    household = find_household(text);
    std::optional<std::pair<std::size_t, std::size_t>> hh_span;
    if (household) hh_span = std::make_pair(household->begin, household->end);
    toks = detail::Tokenizer(text, p.catalog_, p.lexicon_, hh_span).run();
    compound_goods();
    find_quantities();
    find_notes();

    bool has_household = household.has_value();
    bool has_verb = false, has_cancel = false, has_modify = false, has_query = false, has_question = false;
    bool has_when = false;
    bool has_notice = false, has_thanks = false, has_received = false, has_negation = false;
    bool has_urgent = false, same_prev = false, same_yesterday = false;
    for (std::size_t k = 0; k < toks.size(); ++k) {
      const Token& tk = toks[k];
      if (tk.kind == T::ref && !out.order_ref) out.order_ref = span(tk.b + 1, tk.e);
      if (tk.kind != T::word) continue;
      // "没有的话就不要了" is a requirement, not a cancel.
      if (in_note_[k] && (tk.wk == WordKind::cancel || tk.wk == WordKind::modify)) continue;
      switch (tk.wk) {
        case WordKind::order_verb: has_verb = true; break;
        case WordKind::cancel: has_cancel = true; break;
        case WordKind::modify: has_modify = true; break;
        case WordKind::query: has_query = true; break;
        case WordKind::when: has_when = true; break;
        case WordKind::question: has_question = true; break;
        case WordKind::notice: has_notice = true; break;
        case WordKind::thanks: has_thanks = true; break;
        case WordKind::received: has_received = true; break;
        case WordKind::negation: has_negation = true; break;
        case WordKind::urgent: has_urgent = true; break;
        case WordKind::same_prev: same_prev = true; break;
        case WordKind::same_yesterday: same_yesterday = true; break;
        default: break;
      }
    }
    if (note_cancel_) has_cancel = true;
    if (has_household) out.household = household->canonical;

    bind_items();
    bool order_context = has_verb || has_household || !found.empty();
    bind_unknown(order_context);
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.tok < b.tok; });
    attach_brands();
    merge_repeats();

    std::size_t with_qty = 0;
    for (const auto& f : found) {
      if (f.explicit_qty) ++with_qty;
    }
    // Residue: what no rule explained.
    std::size_t content = 0, residue = 0;
    std::string unclear;
    for (std::size_t k = 0; k < toks.size(); ++k) {
      const Token& tk = toks[k];
      std::size_t len = tk.e - tk.b;
      if (tk.kind == T::sep) continue;
      content += len;
      bool leftover = !tk.used && (tk.kind == T::han || tk.kind == T::ascii ||
                                   (tk.kind == T::number && !tk.english) || tk.kind == T::unit);
      if (leftover) {
        residue += len;
        if (unclear.size() < 200) {
          if (!unclear.empty() && (k == 0 || toks[k - 1].used || toks[k - 1].kind == T::sep || tk.space)) unclear += " ";
          unclear += span(tk.b, tk.e);
        }
      }
    }
    double residue_ratio = content == 0 ? 0 : static_cast<double>(residue) / static_cast<double>(content);

    for (const auto& f : found) {
      if (f.entry >= 0 && p.catalog_.entries()[static_cast<std::size_t>(f.entry)].urgent) has_urgent = true;
    }
    out.urgent = has_urgent;
    if (!notes_.empty()) {
      std::string n;
      for (const auto& s : notes_) {
        if (!n.empty()) n += "; ";
        n += s;
      }
      out.notes = n;
    }

    auto take_items = [&] {
      for (auto& f : found) out.items.push_back(std::move(f.item));
    };
    auto conf = [&](double base) {
      double c = base * (1.0 - 0.7 * residue_ratio);
      return std::clamp(c, 0.05, 1.0);
    };

    // Statements about goods already received, missing or bought: "收到2盒鸡蛋", "鸡蛋少了2个",
    // "谢谢你们送的两盒鸡蛋", "Thanks for the 2 bags of rice".
    Text tv = text;
    bool thanks_for = has_thanks && (tv.find(U"for the") != Text::npos || tv.find(U"for my") != Text::npos ||
                                     tv.find(U"送的") != Text::npos || tv.find(U"给的") != Text::npos ||
                                     tv.find(U"带的") != Text::npos || tv.find(U"买的") != Text::npos);
    // A statement word only counts when it shares a segment with goods or a quantity
    // ("连花清瘟2盒、布洛芬1盒，家里有人发烧" is still an order), or anywhere when a quantity is
    // left over that no goods took ("鸡蛋一盒30个，够吃一周了").
    bool stray_qty = std::any_of(qtys.begin(), qtys.end(),
                                 [](const Qty& q) { return !q.bound && !q.vague && !q.unit.empty(); });
    if ((has_received || has_negation) && !statement_near_goods() && !stray_qty) {
      has_received = has_negation = false;
    }
    // "还有6个鸡蛋" says what is left; "还有鸡蛋一盒" adds goods to an order.
    for (std::size_t k = 0; k + 1 < toks.size(); ++k) {
      if (word_is(toks[k], WordKind::conj) && text[toks[k].b] == U'还' && toks[k].e - toks[k].b == 2 &&
          toks[k + 1].kind == T::number && !has_verb) {
        // Unless it continues a list: "白菜2斤，还有3个土豆".
        bool continues = std::any_of(found.begin(), found.end(),
                                     [k](const Found& f) { return f.tok < k && f.explicit_qty; });
        if (!continues) has_negation = true;
      }
    }
    // A quantity right after a verb with 了 happened already: "帮我扛了两袋米", "领了2盒口罩".
    std::size_t past_qtys = 0, bound_qtys = 0;
    for (const auto& q : qtys) {
      if (!q.bound || q.vague) continue;
      ++bound_qtys;
      if (q.tb >= 2 && word_is(toks[q.tb - 1], WordKind::polite) && text[toks[q.tb - 1].b] == U'了' &&
          (toks[q.tb - 2].kind == T::han || toks[q.tb - 2].kind == T::word)) {
        has_negation = true;
        ++past_qtys;
      }
    }
    // Every quantity is something that already happened, whatever verbs the sentence has.
    bool all_past = bound_qtys > 0 && past_qtys == bound_qtys;
    bool statement = ((has_received || has_negation) && !has_verb && !has_household) || all_past;
    // Broadcasts and notices are never orders, whatever goods they mention.
    if (has_notice && !(has_household && with_qty > 0)) {
      out.household.reset();
      out.intent = Intent::chat;
      out.confidence = 0.9;
      return;
    }
    if (has_cancel && !has_modify) {
      out.intent = Intent::cancel;
      for (auto& f : found) out.items.push_back(std::move(f.item));
      auto listed = [&](std::int32_t id) {
        const auto& name = p.catalog_.entries()[static_cast<std::size_t>(id)].name;
        return std::any_of(out.items.begin(), out.items.end(), [&](const ParsedItem& it) { return it.name == name; });
      };
      for (std::size_t j : cancel_in_note_) {
        if (!listed(toks[j].id)) out.items.push_back(make_item(toks[j].id, toks[j].b, toks[j].e));
      }
      // "no eggs please, cancel them": goods inside a requirement are what to cancel.
      for (std::size_t j = 0; j < toks.size(); ++j) {
        if (toks[j].kind == T::item && in_note_[j] && !listed(toks[j].id)) {
          out.items.push_back(make_item(toks[j].id, toks[j].b, toks[j].e));
        }
      }
      out.notes.reset();
      out.confidence = conf(0.9);
      return;
    }
    if (same_prev || same_yesterday) {
      out.intent = Intent::order;
      out.same_as_previous = same_prev;
      out.same_as_yesterday = same_yesterday;
      take_items();
      out.confidence = conf(0.9);
      out.unclear = unclear;
      return;
    }
    if (has_modify && !statement && (!found.empty() || !qtys.empty())) {
      out.intent = Intent::modify;
      // "鸡蛋再多要一盒，改成3盒": the quantity after 改成 is the new value.
      std::size_t mk = toks.size();
      for (std::size_t k = 0; k < toks.size(); ++k) {
        // "instead of 2" names the old value, not the new one.
        bool instead_of = text[toks[k].b] == U'i' && k + 1 < toks.size() && word_is(toks[k + 1], WordKind::of);
        if (word_is(toks[k], WordKind::modify) && !instead_of) mk = k;
      }
      if (found.size() == 1 && mk < toks.size()) {
        for (auto& q : qtys) {
          if (q.tb <= mk || q.vague) continue;
          if (q.bound && found[0].tok > mk) break;  // already the item's own quantity
          found[0].item.qty = q.value;
          found[0].item.unit = std::string(q.unit);
          found[0].explicit_qty = true;
          break;
        }
      }
      take_items();
      if (out.items.empty()) {
        for (auto& q : qtys) {
          if (q.bound || q.vague) continue;
          ParsedItem it;
          it.qty = q.value;
          it.unit = std::string(q.unit);
          it.text = span(toks[q.tb].b, toks[q.te - 1].e);
          out.items.push_back(std::move(it));
          break;
        }
      }
      out.confidence = conf(0.85);
      return;
    }
    if (has_query || ((has_question || has_when) && with_qty == 0)) {
      // A question about one's own order is a query; "有鸡蛋吗?" / "anyone out of rice?" is chat.
      Text tv = text;
      bool own = tv.find(U"我的") != Text::npos || tv.find(U"我家") != Text::npos ||
                 tv.find(U"订单") != Text::npos || tv.find(U"order") != Text::npos ||
                 tv.find(U"my ") != Text::npos || tv.find(U"送") != Text::npos || tv.find(U"到") != Text::npos ||
                 tv.find(U"菜") != Text::npos || tv.find(U"东西") != Text::npos || tv.find(U"deliver") != Text::npos ||
                 tv.find(U"arrive") != Text::npos || tv.find(U"grocer") != Text::npos || out.order_ref.has_value();
      bool others = tv.find(U"你家") != Text::npos || tv.find(U"你们家") != Text::npos ||
                    tv.find(U"他家") != Text::npos || tv.find(U"她家") != Text::npos;
      if (!others && (has_query || ((has_question || has_when) && own && !has_negation))) {
        out.intent = Intent::query;
        out.confidence = conf(0.85);
      } else {
        out.intent = Intent::chat;
        out.confidence = 0.7;
      }
      if (with_qty > 0 && has_verb) {
        // "能帮我买两盒鸡蛋吗?": a request phrased as a question.
        out.intent = Intent::order;
        take_items();
        out.confidence = conf(0.75);
      }
      return;
    }
    if (statement ||
        ((has_received || has_negation) && with_qty == 0) || (thanks_for && !has_verb)) {
      out.intent = Intent::chat;
      out.confidence = 0.85;
      return;
    }
    bool order = false;
    if (with_qty > 0) {
      // Quantities inside a sentence nobody asked to buy anything in ("冰箱放不下2个西瓜"): when
      // most of the words are not part of any item, it is a statement.
      order = has_verb || has_household || residue_ratio <= kStatementResidue;
    } else if (!found.empty()) {
      // Goods named without quantities: an order only when the message is about ordering.
      order = has_verb || has_household || residue_ratio < 0.15;
      if (has_thanks && !has_verb && !has_household) order = false;
    }
    if (!order) {
      out.intent = Intent::chat;
      out.confidence = found.empty() ? 0.9 : 0.6;
      return;
    }
    out.intent = Intent::order;
    double base = 0.98;
    for (const auto& f : found) {
      if (!f.item.in_catalog) base *= 0.88;
      if (!f.explicit_qty) base *= 0.9;
    }
    if (vague_) base *= 0.85;
    if (has_question) base *= 0.8;
    out.confidence = conf(base);
    out.unclear = unclear;
    take_items();
  }
};

namespace detail {

// Parser::parse without the 接龙 check: one resident's own words.
Parsed parse_single(const Parser& parser, std::string_view text) {
  ParseRun run(parser);
  if (text.size() > Parser::kMaxOrderBytes) {
    run.out.intent = Intent::chat;
    run.out.confidence = 0.1;
    run.out.unclear = "message too long";
    return run.out;
  }
  run.text.reserve(text.size());
  normalize_append(text, run.text);
  // No real order is this long; parsing only the start keeps every step bounded.
  bool truncated = run.text.size() > Parser::kMaxOrderCodePoints;
  if (truncated) run.text.resize(Parser::kMaxOrderCodePoints);
  run.run();
  if (truncated) {
    run.out.confidence = std::min(run.out.confidence, 0.3);
    run.out.unclear = run.out.unclear.empty() ? "message truncated" : run.out.unclear + " (message truncated)";
  }
  return std::move(run.out);
}

}  // namespace detail

Parsed Parser::parse(std::string_view text) const {
  Parsed p = parse_any(text);
  // A household only matters for messages about an order; chat that names one is not from it.
  if (p.intent == Intent::chat) p.household.reset();
  return p;
}

Parsed Parser::parse_any(std::string_view text) const {
  // A 接龙 list: from one message alone, the last entry is the new order. A header alone is a
  // notice (接龙 is a notice word), unless it is a command such as 接龙轮次.
  if (text.size() <= kMaxOrderBytes && (text.find("接龙") != std::string_view::npos ||
                                        text.find("接龍") != std::string_view::npos)) {
    if (auto j = parse_jielong(*this, text); j && !j->entries.empty()) return j->entries.back().parsed;
  }
  return detail::parse_single(*this, text);
}

}  // namespace supplybot::handlers
