#pragma once
// The HTTP routes of DESIGN.md as one handler: request in, response out. Awaits the writer for
// webhook updates so a 2xx is sent only after COMMIT. New messages over the per-sender or
// per-chat limit are refused before they reach the writer (see docs/decisions.md).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/any_io_executor.hpp>

#include "bot/http_types.hpp"
#include "bot/metrics.hpp"
#include "bot/writer.hpp"
#include "config/config.hpp"
#include "handlers/engine.hpp"
#include "handlers/inbound_limiter.hpp"
#include "handlers/store.hpp"

namespace supplybot::bot {

struct RouteContext {
  const config::Config& config;
  handlers::Store& store;
  Writer& writer;
  handlers::Engine& engine;  // handle() on the writer thread only
  Metrics& metrics;
  handlers::InboundLimiter& limiter;  // per-sender and per-chat limits, checked before the writer
};

boost::asio::awaitable<HttpResponse> handle_request(RouteContext& ctx, HttpRequest req);

// Whom the per-sender limit counts msg against: its sender, or, when the author is unknown (no
// sender id, or one of the service accounts Telegram shows for posts made in the name of a chat),
// "the anonymous sender of its chat" (docs/decisions.md).
std::string limit_sender_key(const handlers::ChatMessage& msg);

// Metric label for a path: the route it names, or "other".
std::string route_label(std::string_view path);

}  // namespace supplybot::bot
