#include "bot/metrics.hpp"

#include <sstream>

namespace supplybot::bot {

void Metrics::request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  requests_[{route, status}]++;
  for (std::size_t i = 0; i < k_latency_buckets.size(); ++i)
    if (seconds <= k_latency_buckets[i]) latency_buckets_[i]++;
  latency_count_++;
  latency_sum_ += seconds;
}

void Metrics::outbox_send(const std::string& outcome) {
  std::lock_guard lock(mutex_);
  outbox_[outcome]++;
}

void Metrics::inbound(const std::string& platform, const std::string& result) {
  std::lock_guard lock(mutex_);
  inbound_[{platform, result}]++;
}

void Metrics::inbound_limited(const std::string& platform, const std::string& scope) {
  std::lock_guard lock(mutex_);
  inbound_limited_[{platform, scope}]++;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream o;
  o << "# HELP supplybot_http_requests_total HTTP requests by route and status.\n"
       "# TYPE supplybot_http_requests_total counter\n";
  for (const auto& [k, v] : requests_)
    o << "supplybot_http_requests_total{route=\"" << k.first << "\",status=\"" << k.second << "\"} " << v << "\n";
  o << "# HELP supplybot_http_request_duration_seconds Time from request read to response written.\n"
       "# TYPE supplybot_http_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i < k_latency_buckets.size(); ++i)
    o << "supplybot_http_request_duration_seconds_bucket{le=\"" << k_latency_buckets[i] << "\"} "
      << latency_buckets_[i] << "\n";
  o << "supplybot_http_request_duration_seconds_bucket{le=\"+Inf\"} " << latency_count_ << "\n"
    << "supplybot_http_request_duration_seconds_sum " << latency_sum_ << "\n"
    << "supplybot_http_request_duration_seconds_count " << latency_count_ << "\n";
  o << "# HELP supplybot_inbound_total Platform updates by result.\n# TYPE supplybot_inbound_total counter\n";
  for (const auto& [k, v] : inbound_)
    o << "supplybot_inbound_total{platform=\"" << k.first << "\",result=\"" << k.second << "\"} " << v << "\n";
  o << "# HELP supplybot_inbound_limited_total New messages refused by the per-sender or per-chat limit.\n"
       "# TYPE supplybot_inbound_limited_total counter\n";
  for (const auto& [k, v] : inbound_limited_)
    o << "supplybot_inbound_limited_total{platform=\"" << k.first << "\",scope=\"" << k.second << "\"} " << v << "\n";
  o << "# HELP supplybot_http_connections Open HTTP connections.\n# TYPE supplybot_http_connections gauge\n"
    << "supplybot_http_connections " << open_connections_.load(std::memory_order_relaxed) << "\n"
    << "# HELP supplybot_http_connections_refused_total Connections answered 503 and closed at once over "
       "server.max_connections.\n# TYPE supplybot_http_connections_refused_total counter\n"
    << "supplybot_http_connections_refused_total " << refused_connections_.load(std::memory_order_relaxed) << "\n"
    << "# HELP supplybot_http_connections_evicted_total Idle connections closed at server.max_connections to make "
       "room for a new one.\n# TYPE supplybot_http_connections_evicted_total counter\n"
    << "supplybot_http_connections_evicted_total " << evicted_connections_.load(std::memory_order_relaxed) << "\n";
  o << "# HELP supplybot_outbox_sends_total Outbox send attempts by outcome.\n"
       "# TYPE supplybot_outbox_sends_total counter\n";
  for (const auto& [k, v] : outbox_) o << "supplybot_outbox_sends_total{outcome=\"" << k << "\"} " << v << "\n";
  return o.str();
}

}  // namespace supplybot::bot
