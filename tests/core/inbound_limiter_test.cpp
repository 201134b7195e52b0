#include "handlers/inbound_limiter.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace supplybot::handlers;

namespace {

constexpr auto tg = Platform::telegram;
constexpr std::int64_t k_minute = 60000;

InboundLimits limits(double sender_per_minute, double sender_burst, double chat_per_minute, double chat_burst,
                     std::size_t max_keys = 1000) {
  return InboundLimits{.sender = {.per_minute = sender_per_minute, .burst = sender_burst},
                       .chat = {.per_minute = chat_per_minute, .burst = chat_burst},
                       .max_keys = max_keys,
                       .notice_interval_ms = k_minute};
}

int accepted(InboundLimiter& l, std::string_view chat, std::string_view sender, int n, std::int64_t now) {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += l.admit(tg, chat, sender, now).allowed ? 1 : 0;
  return ok;
}

}  // namespace

TEST_CASE("limiter: a sender gets the burst, then one message per refill interval") {
  InboundLimiter l(limits(20, 10, 0, 1));
  CHECK(accepted(l, "g", "wang", 10, 0) == 10);
  auto refused = l.admit(tg, "g", "wang", 0);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.scope == LimitScope::sender);
  CHECK(refused.retry_after_ms == 3000);  // 20 a minute: one token every 3 s
  CHECK_FALSE(l.admit(tg, "g", "wang", 2999).allowed);
  CHECK(l.admit(tg, "g", "wang", 3000).allowed);
  CHECK_FALSE(l.admit(tg, "g", "wang", 3001).allowed);
  SUBCASE("a quiet minute refills it, up to the burst and no more") {
    CHECK(accepted(l, "g", "wang", 20, 3000 + 10 * k_minute) == 10);
  }
}

TEST_CASE("limiter: a flooding sender does not use up the chat, so neighbours keep ordering") {
  InboundLimiter l(limits(20, 10, 300, 15));
  CHECK(accepted(l, "g", "flooder", 100, 0) == 10);
  // The chat was charged only for the 10 accepted messages: 5 are left for the others.
  CHECK(accepted(l, "g", "li", 3, 0) == 3);
  CHECK(accepted(l, "g", "zhao", 2, 0) == 2);
  auto r = l.admit(tg, "g", "sun", 0);
  CHECK_FALSE(r.allowed);
  CHECK(r.scope == LimitScope::chat);
  CHECK(r.retry_after_ms == 200);  // 300 a minute
  // Other chats and other platforms are apart.
  CHECK(l.admit(tg, "h", "sun", 0).allowed);
  CHECK(l.admit(Platform::bridge, "g", "flooder", 0).allowed);
  CHECK(l.admit(Platform::wecom, "g", "sun", 0).allowed);
}

TEST_CASE("limiter: a message without a sender is limited by its chat only") {
  InboundLimiter l(limits(20, 1, 300, 3));
  CHECK(accepted(l, "channel", "", 5, 0) == 3);
  CHECK(l.tracked(LimitScope::sender) == 0);
}

TEST_CASE("limiter: zero per minute switches a scope off") {
  SUBCASE("both off") {
    InboundLimiter l(limits(0, 10, 0, 10));
    CHECK(accepted(l, "g", "wang", 10000, 0) == 10000);
    CHECK(l.tracked(LimitScope::sender) == 0);
    CHECK(l.tracked(LimitScope::chat) == 0);
  }
  SUBCASE("chat only") {
    InboundLimiter l(limits(0, 10, 60, 5));
    CHECK(accepted(l, "g", "wang", 10, 0) == 5);
  }
}

TEST_CASE("limiter: a refund gives back what admit charged, never beyond the burst") {
  InboundLimiter l(limits(20, 2, 300, 100));
  CHECK(accepted(l, "g", "wang", 2, 0) == 2);
  CHECK_FALSE(l.admit(tg, "g", "wang", 0).allowed);
  l.refund(tg, "g", "wang", 0);  // the second one was a redelivery
  CHECK(l.admit(tg, "g", "wang", 0).allowed);
  CHECK_FALSE(l.admit(tg, "g", "wang", 0).allowed);
  l.refund(tg, "g", "wang", 0);
  l.refund(tg, "g", "wang", 0);
  l.refund(tg, "g", "wang", 0);
  CHECK(accepted(l, "g", "wang", 5, 0) == 2);
  // Unknown keys: nothing to refund, nothing remembered.
  l.refund(tg, "other", "nobody", 0);
  CHECK(l.tracked(LimitScope::sender) == 1);
}

TEST_CASE("limiter: time running back (threads racing) adds nothing") {
  InboundLimiter l(limits(60, 1, 0, 1));
  CHECK(l.admit(tg, "g", "wang", 10000).allowed);
  CHECK_FALSE(l.admit(tg, "g", "wang", 9000).allowed);
  CHECK_FALSE(l.admit(tg, "g", "wang", 10999).allowed);
  CHECK(l.admit(tg, "g", "wang", 11000).allowed);
}

TEST_CASE("limiter: a refused sender is told at most once a minute") {
  InboundLimiter l(limits(20, 1, 300, 100));
  CHECK(l.admit(tg, "g", "wang", 0).allowed);
  CHECK(l.claim_notice(LimitScope::sender, tg, "g", "wang", 1));
  CHECK_FALSE(l.claim_notice(LimitScope::sender, tg, "g", "wang", 2));
  CHECK_FALSE(l.claim_notice(LimitScope::sender, tg, "g", "wang", k_minute));
  CHECK(l.claim_notice(LimitScope::sender, tg, "g", "wang", k_minute + 1));
  CHECK(l.claim_notice(LimitScope::sender, tg, "g", "li", 2));  // someone else
  SUBCASE("a chat refusal is told once a minute per chat, and counts as the sender's notice") {
    CHECK(l.claim_notice(LimitScope::chat, tg, "h", "zhao", 10));
    CHECK_FALSE(l.claim_notice(LimitScope::chat, tg, "h", "sun", 11));
    CHECK_FALSE(l.claim_notice(LimitScope::sender, tg, "h", "zhao", 12));
    CHECK_FALSE(l.claim_notice(LimitScope::chat, tg, "k", "wang", k_minute + 2));  // wang was told just now
  }
  CHECK_FALSE(l.claim_notice(LimitScope::none, tg, "g", "zhou", 0));
}

TEST_CASE("limiter: idle keys are forgotten once full again, so memory follows the active senders") {
  InboundLimiter l(limits(20, 10, 300, 100));
  for (int i = 0; i < 500; ++i) l.admit(tg, "chat" + std::to_string(i % 7), "user" + std::to_string(i), i);
  CHECK(l.tracked(LimitScope::sender) == 500);
  CHECK(l.tracked(LimitScope::chat) == 7);
  // A sender's bucket is full again 30 s after its last message, but a notice given then must
  // still hold for the minute: keys are kept for a minute.
  std::int64_t later = 500 + k_minute;
  for (int i = 0; i < 100; ++i) l.admit(tg, "new", "active", later + i);
  CHECK(l.tracked(LimitScope::sender) == 1);
  CHECK(l.tracked(LimitScope::chat) == 1);
}

TEST_CASE("limiter: no more than max_keys are kept; the least recently seen goes first") {
  InboundLimiter l(limits(20, 3, 0, 1, /*max_keys=*/100));
  CHECK(accepted(l, "g", "flooder", 10, 0) == 3);
  for (int i = 0; i < 1000; ++i) {
    l.admit(tg, "g", "user" + std::to_string(i), 1);
    // The flooder keeps sending, so it stays among the recently seen and stays limited.
    if (i % 50 == 0) CHECK_FALSE(l.admit(tg, "g", "flooder", 1).allowed);
  }
  CHECK(l.tracked(LimitScope::sender) == 100);
  CHECK_FALSE(l.admit(tg, "g", "flooder", 1).allowed);
  // user0 was pushed out long ago: it starts again with a full bucket.
  CHECK(accepted(l, "g", "user0", 3, 1) == 3);
}
