#pragma once
// Text normalisation for the parser: UTF-8 in, one code point per element out, with the forms a
// phone keyboard produces folded together (NFKC compatibility forms such as full-width digits and
// punctuation, ASCII lower case, traditional -> simplified Chinese for the common characters).
// Malformed UTF-8 becomes spaces, never an error. Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace supplybot::handlers {

// Appends the normalised code points of `utf8` to `out`. Every input code point yields at most a
// few output code points, so out grows by O(input).
void normalize_append(std::string_view utf8, std::u32string& out);
std::u32string normalize(std::string_view utf8);

// Simplified form of one CJK character (identity when it has none in the built-in table).
char32_t to_simplified(char32_t c);

void append_utf8(std::string& out, char32_t c);
std::string to_utf8(std::u32string_view s);

constexpr bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
constexpr bool is_alpha(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
constexpr bool is_alnum(char32_t c) { return is_digit(c) || is_alpha(c); }
constexpr bool is_han(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || c == 0x3007;
}
constexpr bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == U'\r'; }

}  // namespace supplybot::handlers
