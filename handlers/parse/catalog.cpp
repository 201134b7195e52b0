#include "handlers/parse/catalog.hpp"

#include "handlers/parse/english.hpp"
#include "handlers/parse/normalize.hpp"

#include <utility>

namespace supplybot::handlers {

Catalog::Catalog(std::vector<CatalogEntry> entries) : entries_(std::move(entries)) {
  // Canonical names first for every entry, then synonyms, then English: a synonym of one entry
  // never shadows another entry's canonical name.
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    trie_.insert(normalize(entries_[i].name), static_cast<std::int32_t>(i));
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    for (const auto& s : entries_[i].synonyms) trie_.insert(normalize(s), static_cast<std::int32_t>(i));
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    for (const auto& e : entries_[i].english) {
      auto key = normalize(e);
      trie_.insert(key, static_cast<std::int32_t>(i));
      for (const auto& p : english_plurals(key)) trie_.insert(p, static_cast<std::int32_t>(i));
    }
  }
}

int Catalog::find(std::string_view name) const {
  auto key = normalize(name);
  return trie_.find(key);
}

}  // namespace supplybot::handlers
