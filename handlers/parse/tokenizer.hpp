#pragma once
// Tokenizer: normalised text -> tokens (catalog goods, numbers, units, multipliers, lexicon words,
// separators, unknown characters), with numbers that are times, dates, prices or counts of people
// marked protected. Internal to the parser. A Tokenizer is used once, on one thread.

#include "handlers/parse/catalog.hpp"
#include "handlers/parse/lexicon.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace supplybot::handlers::detail {

using Text = std::u32string_view;

enum class T : unsigned char { item, number, unit, mult, word, sep, han, ascii, other, prot, ref };

struct Token {
  T kind;
  WordKind wk = WordKind::stop;  // for T::word
  char sep = 0;                  // for T::sep: ',' hard, 'd' 、, 'n' newline, ':' colon
  bool space = false;            // whitespace before this token
  bool used = false;             // consumed by an item, a note or a size
  bool half = false;             // T::number spelled 半
  bool english = false;          // T::number spelled as an English word
  std::uint32_t b = 0, e = 0;    // code point span
  std::int32_t id = -1;          // catalog entry / lexicon entry
  double value = 0;              // T::number
};

bool is_hard_sep_char(char32_t c);

class Tokenizer {
 public:
  // household: the code point span of the household address, emitted as one separator.
  Tokenizer(Text text, const Catalog& catalog, const Lexicon& lexicon,
            std::optional<std::pair<std::size_t, std::size_t>> household);
  std::vector<Token> run();

 private:
  void tokenize();
  void protect_numbers();
  const LexEntry& lex(const Token& t) const { return lexicon_.entry(t.id); }

  Text text_;
  const Catalog& catalog_;
  const Lexicon& lexicon_;
  std::optional<std::pair<std::size_t, std::size_t>> household_;
  std::vector<Token> toks_;
};

}  // namespace supplybot::handlers::detail
