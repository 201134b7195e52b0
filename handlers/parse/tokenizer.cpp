#include "handlers/parse/tokenizer.hpp"

#include "handlers/parse/normalize.hpp"
#include "handlers/parse/numbers.hpp"

namespace supplybot::handlers::detail {

bool is_hard_sep_char(char32_t c) {
  return c == U',' || c == U';' || c == U'。' || c == U'!' || c == U'|' || c == U'\n' || c == U'、' ||
         c == U':' || c == U'(' || c == U')' || c == U'[' || c == U']' || c == U'【' || c == U'】' ||
         c == U'~' || c == U'/' || c == U'…' || c == U'"' || c == U'“' || c == U'”' || c == U'「' ||
         c == U'」' || c == U'=' || c == U'>' || c == U'<' || c == U'_' || c == U'\'';
}

// Notes that run to the end of their segment ("不要香菜" is a requirement, not an order of 香菜).
Tokenizer::Tokenizer(Text text, const Catalog& catalog, const Lexicon& lexicon,
                     std::optional<std::pair<std::size_t, std::size_t>> household)
    : text_(text), catalog_(catalog), lexicon_(lexicon), household_(household) {}

std::vector<Token> Tokenizer::run() {
  tokenize();
  protect_numbers();
  return std::move(toks_);
}

void Tokenizer::tokenize() {
  Text t = text_;
  std::size_t i = 0;
  bool space = false;
  auto push = [&](Token tok) {
    tok.space = space;
    space = false;
    toks_.push_back(tok);
  };
  // An English spelling must end a word: "egg" does not match inside "eggplant".
  auto word_end_ok = [&t](std::size_t e, std::int32_t) {
    return !(is_alpha(t[e - 1]) && e < t.size() && is_alpha(t[e]));
  };
  while (i < t.size()) {
    if (household_ && i == household_->first) {
      push(Token{.kind = T::sep, .sep = 'h', .b = static_cast<std::uint32_t>(i),
                 .e = static_cast<std::uint32_t>(household_->second)});
      i = household_->second;
      continue;
    }
    char32_t c = t[i];
    auto b32 = static_cast<std::uint32_t>(i);
    if (is_space(c)) {
      space = true;
      ++i;
      continue;
    }
    bool word_start = !(is_alpha(c) && i > 0 && is_alpha(t[i - 1]));
    // A unit directly after a number (or after 来/要: 来个西瓜).
    if (!toks_.empty() && word_start) {
      const Token& prev = toks_.back();
      bool after_number = prev.kind == T::number &&
                          (!space || is_alpha(c) || prev.english || is_digit(text_[prev.e - 1]) ||
                           is_cn_numeral(text_[prev.e - 1]));
      bool after_verb = prev.kind == T::word && prev.wk == WordKind::order_verb && !space && !is_alpha(c);
      if (after_number || after_verb) {
        auto m = lexicon_.trie().longest(t, i, [&](std::size_t e, std::int32_t v) {
          if (lexicon_.entry(v).kind != WordKind::unit) return false;
          return !(is_alpha(t[e - 1]) && e < t.size() && is_alpha(t[e]));
        });
        if (m.length > 0) {
          bool ok = after_number;
          if (after_verb) {
            auto u = lexicon_.entry(m.value).canonical;
            ok = u == "个" || u == "盒" || u == "袋" || u == "瓶" || u == "箱" || u == "包" || u == "桶" ||
                 u == "份" || u == "只" || u == "条";
            // 来个 only when a catalog item or more text follows, never at the end.
            ok = ok && i + m.length < t.size() && !is_hard_sep_char(t[i + m.length]);
            if (ok) push(Token{.kind = T::number, .b = b32, .e = b32, .value = 1});
          }
          if (ok) {
            push(Token{.kind = T::unit, .b = b32, .e = static_cast<std::uint32_t>(i + m.length), .id = m.value});
            i += m.length;
            continue;
          }
        }
      }
    }
    // "dozen eggs", "bag of rice": an English unit with no number before it means one.
    bool list_start = toks_.empty() || toks_.back().kind == T::sep ||
                      (toks_.back().kind == T::word &&
                       (toks_.back().wk == WordKind::order_verb || toks_.back().wk == WordKind::polite ||
                        toks_.back().wk == WordKind::conj));
    if (is_alpha(c) && word_start && list_start) {
      auto m = lexicon_.trie().longest(t, i, [&](std::size_t e, std::int32_t v) {
        if (lexicon_.entry(v).kind != WordKind::unit) return false;
        return !(e < t.size() && is_alpha(t[e]));
      });
      if (m.length > 1) {
        std::size_t n = i + m.length;
        while (n < t.size() && is_space(t[n])) ++n;
        bool goods_follow = n > i + m.length &&
                            ((t.substr(n, 3) == U"of ") || catalog_.trie().longest(t, n, word_end_ok).length > 0);
        if (goods_follow) {
          push(Token{.kind = T::number, .english = true, .b = b32, .e = b32, .value = 1});
          push(Token{.kind = T::unit, .b = b32, .e = static_cast<std::uint32_t>(i + m.length), .id = m.value});
          i += m.length;
          continue;
        }
      }
    }
    if (c == U'\n') {
      push(Token{.kind = T::sep, .sep = 'n', .b = b32, .e = b32 + 1});
      ++i;
      continue;
    }
    if (is_digit(c) && word_start) {
      // 84消毒液, 5号电池: a catalog name that starts with digits.
      std::size_t run = 0;
      while (i + run < t.size() && is_digit(t[i + run])) ++run;
      auto cm = catalog_.trie().longest(t, i, word_end_ok);
      if (cm.length > run) {
        push(Token{.kind = T::item, .b = b32, .e = static_cast<std::uint32_t>(i + cm.length), .id = cm.value});
        i += cm.length;
        continue;
      }
    }
    if (is_digit(c)) {
      std::size_t j = i;
      while (j < t.size() && is_digit(t[j])) ++j;
      std::size_t int_end = j;
      if (j + 1 < t.size() && t[j] == U'.' && is_digit(t[j + 1])) {
        ++j;
        while (j < t.size() && is_digit(t[j])) ++j;
      }
      Token tok{.kind = T::number, .b = b32, .e = static_cast<std::uint32_t>(j)};
      if (int_end - i >= 6) {
        tok.kind = T::prot;  // phone numbers, ids, a 10,000-digit line
      } else {
        double v = 0;
        for (std::size_t k = i; k < int_end; ++k) v = v * 10 + (t[k] - U'0');
        double frac = 0.1;
        for (std::size_t k = int_end + 1; k < j; ++k, frac /= 10) v += (t[k] - U'0') * frac;
        tok.value = v;
        // A simple fraction before a unit or goods: 1/2 kg, ½ 斤 (NFKC gives 1/2).
        if (j == int_end && j + 1 < t.size() && t[j] == U'/' && is_digit(t[j + 1]) &&
            (j + 2 >= t.size() || !is_digit(t[j + 2]))) {
          double den = t[j + 1] - U'0';
          std::size_t after = j + 2;
          while (after < t.size() && is_space(t[after])) ++after;
          bool unit_or_goods = after < t.size() && !is_digit(t[after]) && !is_space(t[after]) &&
                               t[after] != U'/' && t[after] != U'-' && t[after] != U'.';
          if (v >= 1 && v < den && unit_or_goods) {
            tok.value = v / den;
            tok.e = static_cast<std::uint32_t>(j + 2);
            j += 2;
          }
        }
      }
      push(tok);
      i = j;
      continue;
    }
    if (c == U'#' && i + 1 < t.size() && is_digit(t[i + 1])) {
      std::size_t j = i + 1;
      while (j < t.size() && is_digit(t[j])) ++j;
      push(Token{.kind = T::ref, .b = b32, .e = static_cast<std::uint32_t>(j)});
      i = j;
      continue;
    }
    if ((c == U'x' || c == U'*' || c == U'×') && word_start) {
      std::size_t j = i + 1;
      while (j < t.size() && is_space(t[j])) ++j;
      bool next_num = j < t.size() && (is_digit(t[j]) || is_cn_numeral(t[j]));
      bool next_letter = c == U'x' && i + 1 < t.size() && is_alpha(t[i + 1]);
      if (next_num && !next_letter) {
        push(Token{.kind = T::mult, .b = b32, .e = b32 + 1});
        i += 1;
        continue;
      }
      if (!toks_.empty() && toks_.back().kind == T::number && !space && !next_letter) {
        ++i;  // "2x milk": the x only repeats the number
        continue;
      }
    }
    // Catalog vs lexicon: the longer match wins; a tie goes to the catalog unless the lexicon
    // says the word only contains a catalog spelling.
    Trie::Match cm, lm;
    if (word_start) {
      cm = catalog_.trie().longest(t, i, word_end_ok);
      lm = lexicon_.trie().longest(t, i, [&](std::size_t e, std::int32_t v) {
        if (lexicon_.entry(v).kind == WordKind::unit) return false;
        return !(is_alpha(t[e - 1]) && e < t.size() && is_alpha(t[e]));
      });
    }
    if (lm.length > 0 && is_cn_numeral(c) && lm.length < 2) lm = {};
    // 一点五 is a number, not 一点.
    if (lm.length > 0 && lexicon_.entry(lm.value).kind == WordKind::vague && is_cn_numeral(c) &&
        i + lm.length < t.size() && is_cn_numeral(t[i + lm.length])) {
      lm = {};
    }
    if (cm.length > 0 && (cm.length > lm.length ||
                          (cm.length == lm.length && lexicon_.entry(lm.value).kind != WordKind::stop))) {
      push(Token{.kind = T::item, .b = b32, .e = static_cast<std::uint32_t>(i + cm.length), .id = cm.value});
      i += cm.length;
      continue;
    }
    if (lm.length > 0) {
      const auto& le = lexicon_.entry(lm.value);
      if (le.kind == WordKind::number) {
        push(Token{.kind = T::number, .english = true, .b = b32, .e = static_cast<std::uint32_t>(i + lm.length),
                   .value = le.value});
      } else {
        push(Token{.kind = T::word, .wk = le.kind, .b = b32, .e = static_cast<std::uint32_t>(i + lm.length),
                   .id = lm.value});
      }
      i += lm.length;
      continue;
    }
    if (c == U'半') {
      push(Token{.kind = T::number, .half = true, .b = b32, .e = b32 + 1, .value = 0.5});
      ++i;
      continue;
    }
    if (is_cn_numeral(c)) {
      auto [len, v] = cn_number(t, i);
      if (len > 0) {
        push(Token{.kind = T::number, .b = b32, .e = static_cast<std::uint32_t>(i + len), .value = v});
        i += len;
        continue;
      }
    }
    if (is_hard_sep_char(c) || c == U'.' || c == U'-' || c == U'—') {
      char s = c == U'、' ? 'd' : (c == U':' || c == U'-' || c == U'—') ? ':' : (c == U'(' || c == U'[') ? '(' : ',';
      push(Token{.kind = T::sep, .sep = s, .b = b32, .e = b32 + 1});
      ++i;
      continue;
    }
    if (is_alpha(c)) {
      std::size_t j = i;
      while (j < t.size() && (is_alpha(t[j]) || (t[j] == U'\'' && j + 1 < t.size() && is_alpha(t[j + 1])))) ++j;
      push(Token{.kind = T::ascii, .b = b32, .e = static_cast<std::uint32_t>(j)});
      i = j;
      continue;
    }
    if (is_han(c)) {
      push(Token{.kind = T::han, .b = b32, .e = b32 + 1});
      ++i;
      continue;
    }
    push(Token{.kind = T::other, .b = b32, .e = b32 + 1});
    ++i;
  }
}

// Numbers that are times, dates, prices, temperatures, counts of people: not quantities.
void Tokenizer::protect_numbers() {
  Text t = text_;
  for (std::size_t k = 0; k < toks_.size(); ++k) {
    Token& tok = toks_[k];
    bool is_num = tok.kind == T::number && tok.e > tok.b;
    bool is_vague_yidian = tok.kind == T::word && tok.wk == WordKind::vague && t[tok.b] == U'一';
    if (!is_num && !is_vague_yidian) continue;
    const Token* prev = k > 0 ? &toks_[k - 1] : nullptr;
    bool protect = false;
    if (prev && prev->kind == T::word &&
        (prev->wk == WordKind::measure_ctx || (prev->wk == WordKind::time_word && !tok.english))) {
      protect = !(k + 1 < toks_.size() && toks_[k + 1].kind == T::unit) || prev->wk == WordKind::measure_ctx;
    }
    if (prev && prev->kind == T::other && (t[prev->b] == U'¥' || t[prev->b] == U'$' || t[prev->b] == U'￥')) {
      protect = true;
    }
    if (is_num && tok.value >= 20 && starts_with(t, tok.e, U"块")) protect = true;  // 花了200块
    if (is_num && !tok.english && protected_suffix(t, tok.e, is_digit(t[tok.b]))) {
      // 纸尿裤4号: a size, kept as a note of the item.
      bool size_hao = t[tok.e] == U'号' && prev && prev->kind == T::item;
      if (!size_hao) protect = true;
    }
    if (is_vague_yidian) {
      std::size_t e = tok.e;
      protect = protect || starts_with(t, e, U"钟") || starts_with(t, e, U"半") || starts_with(t, e, U"前") ||
                starts_with(t, e, U"后") || starts_with(t, e, U"左右") || starts_with(t, e, U"到") ||
                starts_with(t, e, U"送");
    }
    // Ranges and dates: 11-28, 3/4; a number glued to letters (b2, 5g network) is a label.
    if (is_num && !tok.english) {
      if (tok.e + 1 < t.size() && (t[tok.e] == U'-' || t[tok.e] == U'/') && is_digit(t[tok.e + 1])) {
        // 1-2斤: keep the upper bound as the quantity.
        std::size_t j = tok.e + 1;
        while (j < t.size() && (is_digit(t[j]) || t[j] == U'.')) ++j;
        if (t[tok.e] == U'-' && j < t.size() && !is_digit(t[j]) && !is_space(t[j]) && k + 2 < toks_.size() &&
            toks_[k + 2].kind == T::number && toks_[k + 3 < toks_.size() ? k + 3 : k + 2].kind == T::unit) {
          tok.kind = T::prot;
          continue;
        }
        protect = true;
      }
      if (tok.b > 0 && (t[tok.b - 1] == U'-' || t[tok.b - 1] == U'/' || t[tok.b - 1] == U':') && tok.b >= 2 &&
          is_digit(t[tok.b - 2])) {
        protect = protect || !(k + 1 < toks_.size() && toks_[k + 1].kind == T::unit && t[tok.b - 1] == U'-');
      }
      if (tok.b > 0 && is_alpha(t[tok.b - 1]) && t[tok.b - 1] != U'x' && is_digit(t[tok.b])) protect = true;
      if (tok.value > 9999) protect = true;
    }
    if (protect) {
      tok.kind = T::prot;
      if (k + 1 < toks_.size() && toks_[k + 1].kind == T::unit) toks_[k + 1].kind = T::prot;
      // 30元一盒 / 5块一斤: the unit price that follows is not a quantity either.
      std::size_t j = k + 1;
      while (j < toks_.size() && (toks_[j].kind == T::han || toks_[j].kind == T::word) && j < k + 3) {
        if (toks_[j].kind == T::word && toks_[j].wk != WordKind::negation) break;
        ++j;
      }
      if (j < toks_.size() && j > k + 1 && toks_[j].kind == T::number && toks_[j].value == 1 && j + 1 < toks_.size() &&
          toks_[j + 1].kind == T::unit) {
        toks_[j].kind = T::prot;
        toks_[j + 1].kind = T::prot;
      }
    }
  }
}

}  // namespace supplybot::handlers::detail
