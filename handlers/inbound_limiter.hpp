#pragma once
// Per-sender and per-chat limits on accepted inbound messages (issue 7), so one flooding account
// cannot fill the database or starve the writer's queue. Token buckets: each sender and each
// chat (keyed by platform and id) holds up to `burst` messages and earns `per_minute` more a
// minute. A message is accepted only when both its sender's and its chat's bucket hold a token,
// and only then are both charged: a refused sender does not use up the chat's budget, so the
// neighbours' orders keep being accepted while one account floods.
//
// Memory is bounded: a key is forgotten once its bucket is full again and its notice interval
// has passed (it then behaves exactly like an unknown key), and at most `max_keys` keys per scope
// are kept (the least recently seen goes first; it restarts with a full bucket).
//
// Pure: no I/O, no clock of its own (time is a monotonic count of milliseconds passed in).
// Thread-safe: one mutex; every call is O(1) amortised.

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "handlers/chat_message.hpp"

namespace supplybot::handlers {

struct RateLimit {
  double per_minute{0};  // 0: no limit in this scope
  double burst{1};       // messages accepted in a row from a full bucket (at least 1)
};

struct InboundLimits {
  RateLimit sender{.per_minute = 20, .burst = 20};
  RateLimit chat{.per_minute = 300, .burst = 100};
  std::size_t max_keys{100000};              // per scope
  std::int64_t notice_interval_ms{60000};    // at most one refusal notice per key in this time
};

enum class LimitScope { none, sender, chat };
std::string_view to_string(LimitScope s);

struct LimitDecision {
  bool allowed{true};
  LimitScope scope{LimitScope::none};  // the limit that refused
  std::int64_t retry_after_ms{0};      // when the refusing bucket holds a token again
};

class InboundLimiter {
 public:
  using Millis = std::int64_t;  // monotonic milliseconds, any origin

  explicit InboundLimiter(InboundLimits limits = {});

  // Accepts (and charges both buckets) or refuses a new message of sender in chat. An empty
  // sender_id (a post in the name of a channel) is limited by its chat only.
  LimitDecision admit(Platform p, std::string_view chat_id, std::string_view sender_id, Millis now);

  // Gives back what admit charged, for a message that turned out not to be new (a redelivery of
  // a stored update) or was not accepted after all (storage failed, the platform will retry).
  void refund(Platform p, std::string_view chat_id, std::string_view sender_id, Millis now);

  // True at most once per notice interval per sender (and, for a chat refusal, per chat too):
  // whether the refused sender should be told. Marks the notice as given.
  bool claim_notice(LimitScope scope, Platform p, std::string_view chat_id, std::string_view sender_id, Millis now);

  // Keys currently remembered in a scope (tests, metrics).
  std::size_t tracked(LimitScope scope) const;

  const InboundLimits& limits() const { return limits_; }

 private:
  // One scope's buckets, least recently seen last.
  class Table {
   public:
    struct Entry {
      std::string key;
      double tokens{0};
      Millis last{0};          // tokens are as of this time
      Millis last_notice{-1};  // -1: never
    };

    Table(RateLimit limit, std::size_t max_keys, Millis notice_interval_ms);
    bool enabled() const { return per_ms_ > 0; }
    // The entry for key with its tokens brought up to now; created full when unknown.
    Entry& touch(const std::string& key, Millis now);
    // The same without creating it; nullptr when not remembered.
    Entry* find(const std::string& key, Millis now);
    double burst() const { return burst_; }
    double per_ms() const { return per_ms_; }
    std::size_t size() const { return index_.size(); }

   private:
    void refill(Entry& e, Millis now) const;
    void evict_idle(Millis now);

    double per_ms_;
    double burst_;
    std::size_t max_keys_;
    Millis forget_after_ms_;  // a key untouched this long is full and past its notice interval
    std::list<Entry> lru_;    // front: most recently seen
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into lru_
  };

  static std::string key(Platform p, std::string_view id);

  InboundLimits limits_;
  mutable std::mutex mutex_;
  Table senders_;
  Table chats_;
};

}  // namespace supplybot::handlers
