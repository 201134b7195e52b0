#pragma once
// Trie: a prefix tree over code points mapping keys to int32 values, used for the catalog and
// the parser's keyword lexicon. Longest-match lookup walks it once from a position, so matching
// every catalog spelling at every position of a message is O(length x depth) with no allocation.
// Build once, then read concurrently from any number of threads.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace supplybot::handlers {

class Trie {
 public:
  struct Match {
    std::size_t length = 0;    // code points matched; 0 = no match
    std::int32_t value = -1;
  };

  Trie() : nodes_(1) {}

  // Adds `key` with `value`. An existing key keeps its first value (first definition wins).
  void insert(std::u32string_view key, std::int32_t value) {
    if (key.empty()) return;
    std::uint32_t n = 0;
    for (char32_t c : key) {
      auto& kids = nodes_[n].children;
      auto it = std::lower_bound(kids.begin(), kids.end(), c,
                                 [](const Edge& e, char32_t v) { return e.first < v; });
      if (it != kids.end() && it->first == c) {
        n = it->second;
      } else {
        auto next = static_cast<std::uint32_t>(nodes_.size());
        kids.insert(it, Edge{c, next});
        nodes_.emplace_back();
        n = next;
      }
    }
    if (nodes_[n].value < 0) nodes_[n].value = value;
  }

  // Longest key starting at text[pos] whose end satisfies accept(end_pos, value).
  template <class Accept>
  Match longest(std::u32string_view text, std::size_t pos, Accept&& accept) const {
    Match best;
    std::uint32_t n = 0;
    for (std::size_t i = pos; i < text.size(); ++i) {
      const auto& kids = nodes_[n].children;
      auto it = std::lower_bound(kids.begin(), kids.end(), text[i],
                                 [](const Edge& e, char32_t v) { return e.first < v; });
      if (it == kids.end() || it->first != text[i]) break;
      n = it->second;
      if (nodes_[n].value >= 0 && accept(i + 1, nodes_[n].value)) {
        best = Match{i + 1 - pos, nodes_[n].value};
      }
    }
    return best;
  }

  Match longest(std::u32string_view text, std::size_t pos) const {
    return longest(text, pos, [](std::size_t, std::int32_t) { return true; });
  }

  // Exact lookup; -1 when absent.
  std::int32_t find(std::u32string_view key) const {
    std::uint32_t n = 0;
    for (char32_t c : key) {
      const auto& kids = nodes_[n].children;
      auto it = std::lower_bound(kids.begin(), kids.end(), c,
                                 [](const Edge& e, char32_t v) { return e.first < v; });
      if (it == kids.end() || it->first != c) return -1;
      n = it->second;
    }
    return nodes_[n].value;
  }

 private:
  using Edge = std::pair<char32_t, std::uint32_t>;
  struct Node {
    std::vector<Edge> children;  // sorted by code point
    std::int32_t value = -1;
  };
  std::vector<Node> nodes_;
};

}  // namespace supplybot::handlers
