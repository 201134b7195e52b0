#include "handlers/inbound_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace supplybot::handlers {

std::string_view to_string(LimitScope s) {
  switch (s) {
    case LimitScope::none: return "none";
    case LimitScope::sender: return "sender";
    case LimitScope::chat: return "chat";
  }
  return "none";
}

namespace {
// Idle keys are dropped a few at a time on each call: amortised O(1), and no single call pays
// for a large sweep.
constexpr int k_evictions_per_call = 16;
// Rates like 20 a minute are not exact in binary: a bucket 3000 ms after it emptied must hold its
// token, not 0.9999999.
constexpr double k_epsilon = 1e-9;

bool has_token(double tokens) { return tokens + k_epsilon >= 1.0; }

std::int64_t ms_until_token(double tokens, double per_ms) {
  return static_cast<std::int64_t>(std::ceil((1.0 - tokens) / per_ms - k_epsilon));
}
}  // namespace

InboundLimiter::Table::Table(RateLimit limit, std::size_t max_keys, Millis notice_interval_ms)
    : per_ms_(limit.per_minute > 0 ? limit.per_minute / 60000.0 : 0),
      burst_(std::max(1.0, limit.burst)),
      max_keys_(std::max<std::size_t>(1, max_keys)),
      forget_after_ms_(0) {
  Millis refill_ms = per_ms_ > 0 ? static_cast<Millis>(std::ceil(burst_ / per_ms_)) : 0;
  forget_after_ms_ = std::max(refill_ms, notice_interval_ms);
}

void InboundLimiter::Table::refill(Entry& e, Millis now) const {
  // Calls may arrive slightly out of order from several threads: time never runs back here.
  if (now <= e.last) return;
  e.tokens = std::min(burst_, e.tokens + static_cast<double>(now - e.last) * per_ms_);
  e.last = now;
}

void InboundLimiter::Table::evict_idle(Millis now) {
  for (int i = 0; i < k_evictions_per_call && !lru_.empty(); ++i) {
    const Entry& oldest = lru_.back();
    if (now - oldest.last < forget_after_ms_) break;
    index_.erase(oldest.key);
    lru_.pop_back();
  }
}

InboundLimiter::Table::Entry* InboundLimiter::Table::find(const std::string& key, Millis now) {
  evict_idle(now);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  refill(*it->second, now);
  return &*it->second;
}

InboundLimiter::Table::Entry& InboundLimiter::Table::touch(const std::string& key, Millis now) {
  if (auto* e = find(key, now)) return *e;
  if (index_.size() >= max_keys_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(Entry{.key = key, .tokens = burst_, .last = now});
  index_.emplace(lru_.front().key, lru_.begin());
  return lru_.front();
}

InboundLimiter::InboundLimiter(InboundLimits limits)
    : limits_(limits),
      senders_(limits.sender, limits.max_keys, limits.notice_interval_ms),
      chats_(limits.chat, limits.max_keys, limits.notice_interval_ms) {}

std::string InboundLimiter::key(Platform p, std::string_view id) {
  std::string k(to_string(p));
  k += '\x1f';
  k += id;
  return k;
}

LimitDecision InboundLimiter::admit(Platform p, std::string_view chat_id, std::string_view sender_id, Millis now) {
  const bool by_sender = senders_.enabled() && !sender_id.empty();
  const bool by_chat = chats_.enabled();
  if (!by_sender && !by_chat) return {};
  std::string sender_key = by_sender ? key(p, sender_id) : std::string();
  std::string chat_key = by_chat ? key(p, chat_id) : std::string();
  std::lock_guard lock(mutex_);
  Table::Entry* sender = by_sender ? &senders_.touch(sender_key, now) : nullptr;
  if (sender && !has_token(sender->tokens))
    return {.allowed = false, .scope = LimitScope::sender, .retry_after_ms = ms_until_token(sender->tokens, senders_.per_ms())};
  Table::Entry* chat = by_chat ? &chats_.touch(chat_key, now) : nullptr;
  if (chat && !has_token(chat->tokens))
    return {.allowed = false, .scope = LimitScope::chat, .retry_after_ms = ms_until_token(chat->tokens, chats_.per_ms())};
  if (sender) sender->tokens = std::max(0.0, sender->tokens - 1.0);
  if (chat) chat->tokens = std::max(0.0, chat->tokens - 1.0);
  return {};
}

void InboundLimiter::refund(Platform p, std::string_view chat_id, std::string_view sender_id, Millis now) {
  const bool by_sender = senders_.enabled() && !sender_id.empty();
  const bool by_chat = chats_.enabled();
  if (!by_sender && !by_chat) return;
  std::string sender_key = by_sender ? key(p, sender_id) : std::string();
  std::string chat_key = by_chat ? key(p, chat_id) : std::string();
  std::lock_guard lock(mutex_);
  // A forgotten key is full already: nothing to give back.
  if (by_sender)
    if (auto* e = senders_.find(sender_key, now)) e->tokens = std::min(senders_.burst(), e->tokens + 1.0);
  if (by_chat)
    if (auto* e = chats_.find(chat_key, now)) e->tokens = std::min(chats_.burst(), e->tokens + 1.0);
}

bool InboundLimiter::claim_notice(LimitScope scope, Platform p, std::string_view chat_id, std::string_view sender_id,
                                  Millis now) {
  if (scope == LimitScope::none) return false;
  const bool by_sender = senders_.enabled() && !sender_id.empty();
  const bool by_chat = scope == LimitScope::chat && chats_.enabled();
  std::string sender_key = by_sender ? key(p, sender_id) : std::string();
  std::string chat_key = by_chat ? key(p, chat_id) : std::string();
  const Millis interval = limits_.notice_interval_ms;
  auto due = [&](const Table::Entry* e) { return !e || e->last_notice < 0 || now - e->last_notice >= interval; };
  std::lock_guard lock(mutex_);
  Table::Entry* sender = by_sender ? &senders_.touch(sender_key, now) : nullptr;
  Table::Entry* chat = by_chat ? &chats_.touch(chat_key, now) : nullptr;
  if (!due(sender) || !due(chat)) return false;
  if (sender) sender->last_notice = now;
  if (chat) chat->last_notice = now;
  return sender || chat;
}

std::size_t InboundLimiter::tracked(LimitScope scope) const {
  std::lock_guard lock(mutex_);
  switch (scope) {
    case LimitScope::sender: return senders_.size();
    case LimitScope::chat: return chats_.size();
    case LimitScope::none: return 0;
  }
  return 0;
}

}  // namespace supplybot::handlers
