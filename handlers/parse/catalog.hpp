#pragma once
// Catalog: the goods a community orders, with synonyms and English names, and a trie over every
// normalised spelling so the parser finds the longest catalog name at a position in one walk.
// Immutable after construction; safe to share between threads for concurrent const calls.

#include "handlers/parse/trie.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace supplybot::handlers {

struct CatalogEntry {
  std::string name;                   // canonical name (what volunteers buy)
  std::vector<std::string> synonyms;  // other Chinese spellings (西红柿 for 番茄)
  std::vector<std::string> english;   // English names; plurals are derived automatically
  std::string category;
  std::string unit;                   // default unit, informational
  bool urgent = false;                // medicine, infant formula: orders are flagged urgent
};

class Catalog {
 public:
  Catalog() = default;
  // Spellings are normalised (NFKC, lower case, traditional -> simplified) before indexing.
  // When two entries share a spelling, the first one wins.
  explicit Catalog(std::vector<CatalogEntry> entries);

  const std::vector<CatalogEntry>& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }
  // Index of the entry whose canonical name or synonym equals `name` (any script), or -1.
  int find(std::string_view name) const;
  // The trie of all spellings; values are entry indexes.
  const Trie& trie() const { return trie_; }

 private:
  std::vector<CatalogEntry> entries_;
  Trie trie_;
};

}  // namespace supplybot::handlers
