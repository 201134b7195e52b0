#include "handlers/outbox_policy.hpp"

#include <algorithm>
#include <cmath>

namespace supplybot::handlers {

Millis RetryPolicy::backoff(int attempt, double jitter01) const {
  if (attempt < 1) attempt = 1;
  double d = static_cast<double>(base) * std::pow(2.0, std::min(attempt - 1, 30));
  d = std::min(d, static_cast<double>(cap));
  // Full jitter on the upper half: keeps a floor so a flapping API is not hammered.
  d = d / 2 + d / 2 * std::clamp(jitter01, 0.0, 1.0);
  return static_cast<Millis>(d);
}

RateLimiter::RateLimiter(double global_per_second, unsigned per_chat_per_minute)
    : global_per_second_(global_per_second), per_chat_per_minute_(per_chat_per_minute), tokens_(global_per_second) {}

void RateLimiter::prune(Millis now) {
  if (now - last_prune_ < 60'000) return;
  last_prune_ = now;
  for (auto it = chats_.begin(); it != chats_.end();) {
    auto& st = it->second;
    while (!st.sent.empty() && st.sent.front() <= now - 60'000) st.sent.pop_front();
    if (st.sent.empty() && st.paused_until <= now) it = chats_.erase(it); else ++it;
  }
}

void RateLimiter::refill(Millis now) {
  // Refill the global bucket (burst = one second's worth).
  if (last_refill_ == 0) last_refill_ = now;
  tokens_ = std::min(global_per_second_, tokens_ + static_cast<double>(now - last_refill_) * global_per_second_ / 1000.0);
  last_refill_ = now;
}

Millis RateLimiter::acquire_global(Millis now) {
  refill(now);
  if (tokens_ < 1.0) return static_cast<Millis>(std::ceil((1.0 - tokens_) * 1000.0 / global_per_second_));
  tokens_ -= 1.0;
  return 0;
}

Millis RateLimiter::acquire(std::string_view chat_id, bool group, Millis now) {
  prune(now);
  refill(now);

  auto& st = chats_[std::string(chat_id)];
  if (st.paused_until > now) return st.paused_until - now;
  const Millis window = group ? 60'000 : 1'000;
  const std::size_t allowed = group ? per_chat_per_minute_ : 1;
  while (!st.sent.empty() && st.sent.front() <= now - window) st.sent.pop_front();
  if (st.sent.size() >= allowed) return st.sent.front() + window - now;

  if (tokens_ < 1.0) return static_cast<Millis>(std::ceil((1.0 - tokens_) * 1000.0 / global_per_second_));
  tokens_ -= 1.0;
  st.sent.push_back(now);
  return 0;
}

void RateLimiter::pause_chat(std::string_view chat_id, Millis until) {
  auto& st = chats_[std::string(chat_id)];
  st.paused_until = std::max(st.paused_until, until);
}


namespace {

// Byte length of the UTF-8 sequence starting with lead byte c (1 for invalid bytes).
std::size_t seq_len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  if ((c >> 3) == 0x1E) return 4;
  return 1;
}

}  // namespace

std::size_t utf16_length(std::string_view s) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto n = std::min(seq_len(static_cast<unsigned char>(s[i])), s.size() - i);
    units += n == 4 ? 2 : 1;
    i += n;
  }
  return units;
}

namespace {

// A piece as sent: without the newlines and spaces it would end with.
std::string_view without_trailing_blanks(std::string_view piece) {
  while (!piece.empty() && (piece.back() == '\n' || piece.back() == ' ')) piece.remove_suffix(1);
  return piece;
}

// Cuts text into pieces of at most `limit` units, where a character of n UTF-8 bytes weighs
// weight(n) units; after a newline if one is in the second half of the piece, else after a space.
template <typename Weight>
std::vector<std::string> split_by(std::string_view text, std::size_t limit, Weight weight) {
  std::vector<std::string> out;
  // The usual reply: no character weighs more units than its bytes, so a text of at most `limit`
  // bytes is one piece, and it need not be walked (this runs for every reply, on the writer).
  if (text.size() <= limit) {
    if (auto piece = without_trailing_blanks(text); !piece.empty()) out.emplace_back(piece);
    return out;
  }
  while (!text.empty()) {
    // Walk forward until the piece is full, remembering the last good cut points.
    std::size_t units = 0, i = 0, cut_newline = 0, cut_space = 0;
    while (i < text.size()) {
      auto n = std::min(seq_len(static_cast<unsigned char>(text[i])), text.size() - i);
      std::size_t u = weight(n);
      if (units + u > limit) break;
      units += u;
      i += n;
      if (text[i - 1] == '\n') cut_newline = i;
      else if (text[i - 1] == ' ') cut_space = i;
    }
    std::size_t cut = i;
    if (i < text.size()) {
      if (cut_newline > i / 2) cut = cut_newline;
      else if (cut_space > i / 2) cut = cut_space;
    }
    if (auto piece = without_trailing_blanks(text.substr(0, cut)); !piece.empty()) out.emplace_back(piece);
    text.remove_prefix(cut);
  }
  return out;
}

}  // namespace

std::vector<std::string> split_message(std::string_view text, std::size_t max_utf16) {
  return split_by(text, std::max<std::size_t>(max_utf16, 2), [](std::size_t n) -> std::size_t { return n == 4 ? 2 : 1; });
}

std::vector<std::string> split_message_bytes(std::string_view text, std::size_t max_bytes) {
  return split_by(text, std::max<std::size_t>(max_bytes, 4), [](std::size_t n) { return n; });
}

std::string_view utf16_prefix(std::string_view text, std::size_t max_utf16) {
  std::size_t units = 0, i = 0;
  while (i < text.size()) {
    auto n = std::min(seq_len(static_cast<unsigned char>(text[i])), text.size() - i);
    std::size_t u = n == 4 ? 2 : 1;
    if (units + u > max_utf16) break;
    units += u;
    i += n;
  }
  return text.substr(0, i);
}

}  // namespace supplybot::handlers
