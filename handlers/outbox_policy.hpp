#pragma once
// Pure decisions of the outbox: how long to wait before a retry, whether a chat may receive
// another message now, and how to cut a long text into platform-sized pieces.
// Not thread-safe: the outbox worker owns one RateLimiter.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace supplybot::handlers {

using Millis = std::int64_t;

struct RetryPolicy {
  Millis base{1000};
  Millis cap{15 * 60 * 1000};
  int max_attempts{30};  // transient failures in a row before a row is given up as failed

  // Delay before attempt number `attempt` (1 = first retry). jitter01 in [0,1) is injected so
  // tests are deterministic; the worker passes a random value to spread retries apart.
  Millis backoff(int attempt, double jitter01) const;
  bool give_up(int attempts_made) const { return attempts_made >= max_attempts; }
};

// Telegram's limits: about `global_per_second` messages in all and `per_chat_per_minute` to one
// group. Private chats get one message a second. Times are milliseconds on any monotonic clock.
class RateLimiter {
 public:
  RateLimiter(double global_per_second, unsigned per_chat_per_minute);

  // 0 when a message to chat may go now (and records it as sent); otherwise how many ms to wait.
  Millis acquire(std::string_view chat_id, bool group, Millis now);
  // The same for a call that is not a chat message (Telegram answerCallbackQuery): only the
  // global rate applies.
  Millis acquire_global(Millis now);
  // A 429 from the platform: nothing goes to that chat until now + retry_after.
  void pause_chat(std::string_view chat_id, Millis until);

 private:
  void prune(Millis now);
  void refill(Millis now);

  double global_per_second_;
  unsigned per_chat_per_minute_;
  double tokens_;
  Millis last_refill_{0};
  struct ChatState {
    std::deque<Millis> sent;  // send times within the last minute
    Millis paused_until{0};
  };
  std::unordered_map<std::string, ChatState> chats_;
  Millis last_prune_{0};
};

// Splits text into pieces of at most max_utf16 UTF-16 code units (Telegram counts that way),
// preferring to cut after a newline, then after a space, never inside a UTF-8 sequence.
std::vector<std::string> split_message(std::string_view text, std::size_t max_utf16 = 4096);

// The same with a limit in bytes of UTF-8 (WeCom counts that way).
std::vector<std::string> split_message_bytes(std::string_view text, std::size_t max_bytes);

// The longest prefix of text of at most max_utf16 UTF-16 units, cut between characters.
std::string_view utf16_prefix(std::string_view text, std::size_t max_utf16);

// Length in UTF-16 code units of UTF-8 text (invalid bytes count as one unit each).
std::size_t utf16_length(std::string_view utf8);

}  // namespace supplybot::handlers
