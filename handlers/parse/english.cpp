#include "handlers/parse/english.hpp"

#include "handlers/parse/normalize.hpp"

namespace supplybot::handlers {

std::vector<std::u32string> english_plurals(std::u32string_view word) {
  std::vector<std::u32string> out;
  if (word.empty() || !is_alpha(word.back())) return out;
  std::u32string w(word);
  auto ends = [&](std::u32string_view suf) {
    return w.size() >= suf.size() && std::u32string_view(w).substr(w.size() - suf.size()) == suf;
  };
  out.push_back(w + U"s");
  if (ends(U"s") || ends(U"x") || ends(U"ch") || ends(U"sh") || ends(U"o")) out.push_back(w + U"es");
  if (ends(U"y") && w.size() >= 2 && std::u32string_view(U"aeiou").find(w[w.size() - 2]) == std::u32string_view::npos) {
    out.push_back(w.substr(0, w.size() - 1) + U"ies");
  }
  if (ends(U"fe")) out.push_back(w.substr(0, w.size() - 2) + U"ves");
  if (ends(U"f")) out.push_back(w.substr(0, w.size() - 1) + U"ves");
  if (ends(U"man")) out.push_back(w.substr(0, w.size() - 3) + U"men");
  return out;
}

}  // namespace supplybot::handlers
