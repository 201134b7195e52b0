#pragma once
// Numbers inside normalised text: Chinese numerals (十五, 二十, 一百五, 廿, 叁, 两) and the words
// after a number that make it a time, date, price, age or count of people rather than a
// quantity. Pure functions; thread-safe.

#include <cstddef>
#include <string_view>
#include <utility>

namespace supplybot::handlers::detail {

using Text = std::u32string_view;

int cn_digit(char32_t c);       // 一 -> 1, 两 -> 2, 叁 -> 3; -1 when not a digit
int cn_multiplier(char32_t c);  // 十 -> 10, 百 -> 100, 千, 万; 0 otherwise
bool is_cn_numeral(char32_t c);
bool starts_with(Text t, std::size_t i, Text w);
// Chinese numeral at i: {length, value}; length 0 if none. A 两 after another digit is the
// weight unit (二两), not part of the number; ranges (三四, 一两) give the larger value.
std::pair<std::size_t, double> cn_number(Text t, std::size_t i);
// Text right after a number (at i) that makes it a time, date, price, age, count of people or
// floor; `arabic`: the number was written in digits (then 点 means o'clock).
bool protected_suffix(Text t, std::size_t i, bool arabic);

}  // namespace supplybot::handlers::detail
