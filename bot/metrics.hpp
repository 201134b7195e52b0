#pragma once
// Process metrics in Prometheus text format: requests by route and status, a latency histogram,
// outbox sends by outcome. Gauges that live in the database (outbox depth, orders by status) are
// read when /metrics is scraped. Thread-safe.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace supplybot::bot {

class Metrics {
 public:
  static constexpr std::array<double, 12> k_latency_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

  void request(const std::string& route, int status, double seconds);
  void outbox_send(const std::string& outcome);  // sent, retry, rate_limited, refused, gave_up
  void inbound(const std::string& platform, const std::string& result);  // stored, duplicate, ignored, rejected
  // A new message refused by the per-sender or per-chat limit (scope "sender" or "chat").
  void inbound_limited(const std::string& platform, const std::string& scope);
  // Connections: opened and closed (a gauge of open ones), refused over server.max_connections,
  // and idle ones closed there to make room for a new one.
  void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_refused() { refused_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_evicted() { evicted_connections_.fetch_add(1, std::memory_order_relaxed); }

  // Everything this object counts, in Prometheus text (no trailing gauges).
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::array<std::uint64_t, k_latency_buckets.size()> latency_buckets_{};
  std::uint64_t latency_count_{0};
  double latency_sum_{0};
  std::map<std::string, std::uint64_t> outbox_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> inbound_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> inbound_limited_;
  std::atomic<std::int64_t> open_connections_{0};
  std::atomic<std::uint64_t> refused_connections_{0};
  std::atomic<std::uint64_t> evicted_connections_{0};
};

}  // namespace supplybot::bot
