#include "bot/json_nesting.hpp"

#include <cstring>

namespace supplybot::bot {

bool json_depth_within(std::string_view text, std::size_t max_depth) {
  // Most bytes of an update are inside strings (keys, names, the message text), so a string is
  // skipped with memchr to its next quote, not a byte at a time: a quote ends it unless an odd
  // run of backslashes comes right before it. This check runs on every webhook body.
  const char* p = text.data();
  const char* const end = p + text.size();
  std::size_t depth = 0;
  while (p < end) {
    switch (*p++) {
      case '"':
        for (;;) {
          const auto* quote = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
          // Unterminated: nothing after the opening quote can nest.
          if (quote == nullptr) return true;
          const char* run = quote;
          while (run > p && run[-1] == '\\') --run;  // p follows a quote, never a backslash
          p = quote + 1;
          if ((quote - run) % 2 == 0) break;
        }
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return false;
        break;
      case ']':
      case '}':
        // Unbalanced closers make the text invalid; the parser refuses it there.
        if (depth > 0) --depth;
        break;
      default: break;
    }
  }
  return true;
}

}  // namespace supplybot::bot
