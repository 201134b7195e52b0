#pragma once
// English plural forms for catalog names and units ("tomato" -> "tomatoes", "loaf" -> "loaves"),
// so the parser matches what people type without a stemmer. Pure; thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace supplybot::handlers {

// The plural spellings of an English noun phrase (its last word is inflected), without `word`.
std::vector<std::u32string> english_plurals(std::u32string_view word);

}  // namespace supplybot::handlers
