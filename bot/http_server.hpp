#pragma once
// The HTTP/1.1 server: accepts on one address, reads requests with a header and body limit and
// read/idle timeouts, hands each to the handler, writes the answer, keeps connections alive.
// shutdown() stops accepting, closes idle connections and lets in-flight requests finish.
// Thread-safe: each session runs on one single-threaded io_context of the pool.
//
// Slow and idle clients: a new connection has read_timeout for its first request's header, and
// read_timeout again for the body. A keep-alive connection waits idle_timeout for the first byte
// of its next request, then has read_timeout for the rest of the header: dripping a header a
// byte at a time (slowloris) holds a connection for read_timeout at most. Writing an answer to a
// client that does not read it also ends after read_timeout.
//
// At most max_connections are open at once. At the limit a new connection takes the place of the
// one that has waited longest for a request to start (a keep-alive connection between requests,
// or a new one that has sent nothing yet), which is closed; so connections held open and idle
// cannot lock out the platforms. Only when every open connection is busy with a request (reading
// it, handling it, writing the answer) is the new one answered 503 and closed at once, without
// waiting for its request.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "bot/io_pool.hpp"

#include "bot/http_types.hpp"
#include "bot/metrics.hpp"

namespace supplybot::bot {

struct HttpServerOptions {
  std::string host{"127.0.0.1"};
  std::uint16_t port{8080};
  std::size_t body_limit{1024 * 1024};
  std::size_t header_limit{16 * 1024};
  std::chrono::seconds read_timeout{15};
  std::chrono::seconds idle_timeout{60};
  // Lowered at start() to fit the process's open-file limit (RLIMIT_NOFILE) less a reserve for
  // the database, the outbox's connections and the event loops.
  std::size_t max_connections{10000};
};

using HttpHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest)>;

class HttpServer {
 public:
  HttpServer(IoPool& pool, HttpServerOptions options, HttpHandler handler, Metrics& metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting; throws std::system_error when the address cannot be bound.
  void start();
  // The bound port (useful with port 0).
  std::uint16_t port() const;
  // The connection limit in force (after start(): options.max_connections, or lower to fit the
  // open-file limit).
  std::size_t max_connections() const;
  // Stops accepting and closes idle connections; on_drained runs (on an io thread) once every
  // session has ended.
  void shutdown(std::function<void()> on_drained);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace supplybot::bot
