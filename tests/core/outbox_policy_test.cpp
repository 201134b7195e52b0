#include "handlers/outbox_policy.hpp"

#include <doctest/doctest.h>

using namespace supplybot::handlers;

TEST_CASE("retry: backoff grows and is capped") {
  RetryPolicy p{.base = 1000, .cap = 60'000, .max_attempts = 5};
  CHECK(p.backoff(1, 0.0) == 500);
  CHECK(p.backoff(1, 0.999) >= 999);
  CHECK(p.backoff(2, 0.0) == 1000);
  CHECK(p.backoff(3, 0.0) == 2000);
  CHECK(p.backoff(30, 1.0) <= 60'000);
  CHECK(p.backoff(30, 0.0) == 30'000);
  CHECK_FALSE(p.give_up(4));
  CHECK(p.give_up(5));
}

TEST_CASE("rate limiter: at most N messages a minute to one group") {
  RateLimiter l(1000, 20);
  Millis now = 1'000'000;
  for (int i = 0; i < 20; ++i) CHECK(l.acquire("-100", true, now + i) == 0);
  auto wait = l.acquire("-100", true, now + 20);
  CHECK(wait > 59'000);
  CHECK(wait <= 60'000);
  SUBCASE("other chats are not held up") { CHECK(l.acquire("-200", true, now + 21) == 0); }
  SUBCASE("after the window it opens again") { CHECK(l.acquire("-100", true, now + 60'001) == 0); }
}

TEST_CASE("rate limiter: global messages per second") {
  RateLimiter l(30, 1000);
  Millis now = 5'000'000;
  int sent = 0;
  for (int i = 0; i < 100; ++i)
    if (l.acquire("-" + std::to_string(i), true, now) == 0) ++sent;
  CHECK(sent == 30);
  CHECK(l.acquire("-999", true, now) > 0);
  CHECK(l.acquire("-999", true, now + 1000) == 0);
}

TEST_CASE("rate limiter: private chats get one message a second") {
  RateLimiter l(30, 20);
  CHECK(l.acquire("42", false, 10'000) == 0);
  CHECK(l.acquire("42", false, 10'100) > 0);
  CHECK(l.acquire("42", false, 11'001) == 0);
}

TEST_CASE("rate limiter: a 429 pauses that chat") {
  RateLimiter l(30, 20);
  l.pause_chat("-1", 20'000);
  CHECK(l.acquire("-1", true, 10'000) == 10'000);
  CHECK(l.acquire("-2", true, 10'000) == 0);
  CHECK(l.acquire("-1", true, 20'000) == 0);
}

TEST_CASE("split: short text is one piece") {
  CHECK(split_message("hello") == std::vector<std::string>{"hello"});
  CHECK(split_message("").empty());
  // As a piece of a long text would be: trailing newlines and spaces dropped, nothing left, none.
  CHECK(split_message("已收到 \n\n", 4096) == std::vector<std::string>{"已收到"});
  CHECK(split_message(" \n ", 4096).empty());
  CHECK(split_message_bytes("short \n", 2048) == std::vector<std::string>{"short"});
  // Exactly at the limit, and one byte over it, where the text is walked: same cut as before.
  CHECK(split_message("aaaa", 4) == std::vector<std::string>{"aaaa"});
  CHECK(split_message("aaaaa", 4) == std::vector<std::string>{"aaaa", "a"});
  // Eight bytes of two emoji are four UTF-16 units: still one piece at 4.
  CHECK(split_message("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 4).size() == 1);
  CHECK(split_message("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 3).size() == 2);
}

TEST_CASE("split: long text is cut at newlines within the limit, counting UTF-16 units") {
  std::string line = std::string(30, 'a') + "\n";
  std::string text;
  for (int i = 0; i < 10; ++i) text += line;
  auto parts = split_message(text, 100);
  REQUIRE(parts.size() == 4);
  for (const auto& p : parts) CHECK(utf16_length(p) <= 100);
  CHECK(parts[0] == std::string(30, 'a') + "\n" + std::string(30, 'a') + "\n" + std::string(30, 'a'));
}

TEST_CASE("split: never cuts inside a character") {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "菜";   // 3 bytes, 1 UTF-16 unit each
  for (int i = 0; i < 100; ++i) text += "😀";     // 4 bytes, 2 units each
  auto parts = split_message(text, 4096);
  REQUIRE(parts.size() == 2);
  CHECK(utf16_length(parts[0]) == 4096);
  std::string joined = parts[0] + parts[1];
  CHECK(joined == text);
}

TEST_CASE("utf16 length counts astral characters twice") {
  CHECK(utf16_length("abc") == 3);
  CHECK(utf16_length("白菜") == 2);
  CHECK(utf16_length("😀") == 2);
}

TEST_CASE("rate limiter: calls that are not chat messages only take the global rate") {
  RateLimiter l(30, 1);
  CHECK(l.acquire("-100", true, 1'000'000) == 0);
  CHECK(l.acquire("-100", true, 1'000'001) > 0);  // the group's one message this minute
  for (int i = 0; i < 29; ++i) CHECK(l.acquire_global(1'000'002) == 0);
  CHECK(l.acquire_global(1'000'002) > 0);  // 30 a second in all
  CHECK(l.acquire_global(1'001'100) == 0);
}

TEST_CASE("split: by bytes for platforms that count bytes") {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "白菜2斤\n";  // 11 bytes a line
  auto parts = split_message_bytes(text, 100);
  for (const auto& p : parts) CHECK(p.size() <= 100);
  std::string joined;
  for (const auto& p : parts) joined += p + "\n";
  CHECK(joined == text);
  CHECK(split_message_bytes("short", 2048) == std::vector<std::string>{"short"});
}

TEST_CASE("utf16 prefix stops between characters") {
  CHECK(utf16_prefix("abc", 2) == "ab");
  CHECK(utf16_prefix("a😀b", 2) == "a");
  CHECK(utf16_prefix("a😀b", 3) == "a😀");
  CHECK(utf16_prefix("白菜", 10) == "白菜");
}
