#include "bot/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/intrusive/list.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>

#include "bot/log.hpp"

namespace supplybot::bot {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Connections admitted beyond max_connections while the idle ones evicted for them are still
// closing; well inside the descriptors reserved beside the limit (k_reserved_fds).
constexpr std::size_t k_eviction_slack = 16;

struct HttpServer::Impl : std::enable_shared_from_this<Impl> {
  IoPool& pool;
  HttpServerOptions options;
  HttpHandler handler;
  Metrics& metrics;
  tcp::acceptor acceptor;
  std::uint16_t bound_port{0};
  std::size_t max_connections{0};  // in force, set by start()
  // Connections from accept to the end of their session. Only the accept loop (context 0) adds;
  // sessions on every thread subtract.
  std::atomic<std::size_t> open_connections{0};

  using IdleHook = boost::intrusive::list_member_hook<boost::intrusive::link_mode<boost::intrusive::safe_link>>;
  struct SessionState {
    std::uint64_t id;
    beast::tcp_stream* stream;
    asio::any_io_executor executor;  // the session's io_context (one thread)
    bool waiting{false};  // waiting for a request to start (the idle part), nothing read yet
    bool evicted{false};  // closed to make room for a new connection: no further request
    IdleHook idle_hook;   // in `idle` while waiting and not evicted
  };
  // The sessions waiting for a request to start, the longest waiting first: the ones closed to
  // make room at max_connections. Intrusive, so moving a session in and out is O(1) and
  // allocates nothing.
  using IdleList = boost::intrusive::list<
      SessionState, boost::intrusive::member_hook<SessionState, IdleHook, &SessionState::idle_hook>>;
  std::mutex mutex;
  std::unordered_map<std::uint64_t, SessionState> sessions;  // nodes stay put: the list links them
  IdleList idle;
  std::uint64_t next_id{0};
  bool draining{false};
  std::function<void()> on_drained;

  Impl(IoPool& p, HttpServerOptions o, HttpHandler h, Metrics& m)
      : pool(p), options(std::move(o)), handler(std::move(h)), metrics(m), acceptor(p.context(0)) {}

  SessionState& add(beast::tcp_stream& stream) {
    std::lock_guard lock(mutex);
    auto id = next_id++;
    return sessions.try_emplace(id, SessionState{.id = id, .stream = &stream, .executor = stream.get_executor()})
        .first->second;
  }

  // Before waiting for a request to start. False when the server is draining or the session was
  // evicted: it must close instead of reading.
  bool begin_wait(SessionState& s) {
    std::lock_guard lock(mutex);
    if (draining || s.evicted) return false;
    s.waiting = true;
    idle.push_back(s);
    return true;
  }

  // Once a request has started. True when the session was evicted meanwhile (the request arrived
  // as it was chosen): it answers this request and closes.
  bool end_wait(SessionState& s) {
    std::lock_guard lock(mutex);
    s.waiting = false;
    if (s.idle_hook.is_linked()) idle.erase(idle.iterator_to(s));
    return s.evicted;
  }

  void remove(SessionState& s) {
    std::function<void()> done;
    {
      std::lock_guard lock(mutex);
      if (s.idle_hook.is_linked()) idle.erase(idle.iterator_to(s));
      sessions.erase(s.id);
      if (draining && sessions.empty() && on_drained) done = std::exchange(on_drained, nullptr);
    }
    if (done) done();
  }

  // Cancels the wait of session id on its own thread, if it is still waiting then. A stream is
  // only touched on its own io_context's thread, where its session runs; the session removes
  // itself there too, so finding it in the map means its stream is still alive.
  void cancel_wait(std::uint64_t id, const asio::any_io_executor& ex) {
    asio::post(ex, [self = shared_from_this(), id] {
      std::lock_guard lock(self->mutex);
      if (auto it = self->sessions.find(id); it != self->sessions.end() && it->second.waiting)
        it->second.stream->cancel();
    });
  }

  // At max_connections: closes the session that has waited longest for a request to start, so
  // that a new connection can have its place. False when every session is busy with a request.
  bool evict_oldest_idle() {
    std::uint64_t id;
    asio::any_io_executor ex;
    {
      std::lock_guard lock(mutex);
      if (idle.empty()) return false;
      SessionState& s = idle.front();
      idle.pop_front();
      s.evicted = true;
      id = s.id;
      ex = s.executor;
    }
    metrics.connection_evicted();
    cancel_wait(id, ex);
    return true;
  }

  // res is a named object of the caller: GCC 12 mishandles temporaries inside co_await.
  asio::awaitable<void> write(beast::tcp_stream& stream, HttpResponse& res, unsigned version, bool keep) {
    http::response<http::string_body> out{static_cast<http::status>(res.status), version};
    out.set(http::field::server, "supplybot");
    out.set(http::field::content_type, res.content_type);
    for (auto& [k, v] : res.headers) out.set(k, v);
    out.keep_alive(keep);
    out.body() = std::move(res.body);
    out.prepare_payload();
    stream.expires_after(options.read_timeout);
    co_await http::async_write(stream, out, use_tuple);
  }

  // The 503 a connection over max_connections gets instead of a session.
  static const std::string& busy_response() {
    static const std::string r = [] {
      std::string body = "{\"error\":\"unavailable\",\"message\":\"too many connections; please retry\"}";
      return "HTTP/1.1 503 Service Unavailable\r\nServer: supplybot\r\nContent-Type: application/json\r\n"
             "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    return r;
  }

  // Over the limit: no session, no waiting. The socket is not yet used by any operation, so the
  // accept loop may touch it from its own thread. Nothing here blocks: the send buffer of a new
  // socket has room for the answer, and reads take only what has already arrived.
  template <typename Socket>
  void refuse(Socket& socket) {
    metrics.connection_refused();
    beast::error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(busy_response()), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
    // Whatever the client sent already is read and dropped, so that close() ends the connection
    // with FIN rather than RST (an RST can make the client discard the 503 unread).
    char sink[4096];
    for (int i = 0; i < 16 && !ec; ++i) socket.read_some(asio::buffer(sink), ec);
    socket.close(ec);
  }

  asio::awaitable<void> session(tcp::socket socket) {
    // Counted open since accept_loop; closed however the session ends.
    struct Counted {
      Impl& im;
      ~Counted() {
        im.open_connections.fetch_sub(1, std::memory_order_relaxed);
        im.metrics.connection_closed();
      }
    } counted{*this};
    beast::tcp_stream stream(std::move(socket));
    SessionState& self = add(stream);
    beast::flat_buffer buffer;
    bool first = true;
    bool evicted = false;
    for (;;) {
      // Waiting for a request to start is the idle part, which shutdown() may cut short, and
      // which a new connection at max_connections may take over (evict_oldest_idle). A new
      // connection has read_timeout from accept to the end of its first header; a keep-alive one
      // idle_timeout to start its next request, then read_timeout from its first bytes to the
      // end of the header, so a header dripped byte by byte (slowloris) is cut off either way.
      if (buffer.size() == 0) {
        if (!begin_wait(self)) break;
        stream.expires_after(first ? options.read_timeout : options.idle_timeout);
        auto [wec, wn] = co_await stream.async_read_some(buffer.prepare(1024), use_tuple);
        evicted = end_wait(self);
        if (wec) break;  // timed out, closed by the client, or cancelled by shutdown() or eviction
        buffer.commit(wn);
        if (!first) stream.expires_after(options.read_timeout);
      } else {
        stream.expires_after(options.read_timeout);  // pipelined: the next request is in already
      }
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.body_limit);
      parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
      auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
      if (hec == http::error::body_limit) {  // Content-Length over the limit, seen with the header
        metrics.request("-", 413, 0);
        {
          auto err = json_error(413, "payload_too_large",
                                  "request body is larger than " + std::to_string(options.body_limit) + " bytes");
          co_await write(stream, err, 11, false);
        }
        break;
      }
      if (hec == http::error::header_limit) {
        metrics.request("-", 431, 0);
        {
          auto err = json_error(431, "headers_too_large", "request headers are too large");
          co_await write(stream, err, 11, false);
        }
        break;
      }
      if (hec) {
        if (hec != http::error::end_of_stream && hec != beast::error::timeout && hec != asio::error::operation_aborted &&
            hec != asio::error::connection_reset && hec != asio::error::eof) {
          metrics.request("-", 400, 0);
          {
          auto err = json_error(400, "bad_request", "malformed HTTP request");
          co_await write(stream, err, 11, false);
        }
        }
        break;
      }
      auto& hdr = parser.get();
      unsigned version = hdr.version();
      if (auto cl = parser.content_length(); cl && *cl > options.body_limit) {
        metrics.request("-", 413, 0);
        {
          auto err = json_error(413, "payload_too_large",
                                  "request body is larger than " + std::to_string(options.body_limit) + " bytes");
          co_await write(stream, err, version, false);
        }
        break;
      }
      if (auto expect = hdr[http::field::expect]; beast::iequals(expect, "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, version};
        co_await http::async_write(stream, cont, use_tuple);
      }
      stream.expires_after(options.read_timeout);
      auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (bec == http::error::body_limit) {
        metrics.request("-", 413, 0);
        {
          auto err = json_error(413, "payload_too_large", "request body is too large");
          co_await write(stream, err, version, false);
        }
        break;
      }
      if (bec) {
        if (bec == beast::error::timeout) {
          metrics.request("-", 408, 0);
          {
          auto err = json_error(408, "timeout", "request was not received in time");
          co_await write(stream, err, version, false);
        }
        }
        break;
      }
      auto req = parser.release();
      HttpRequest r;
      r.method = std::string(req.method_string());
      r.target = std::string(req.target());
      split_target(r.target, r.path, r.query);
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers.emplace_back(std::move(name), std::string(f.value()));
      }
      r.body = std::move(req.body());
      HttpResponse res;
      try {
        res = co_await handler(std::move(r));
      } catch (const std::exception& e) {
        log::error("http", {{"event", "handler_exception"}, {"error", e.what()}});
        res = json_error(500, "internal", "internal error");
      }
      bool keep = req.keep_alive() && !evicted;
      {
        std::lock_guard lock(mutex);
        if (draining) keep = false;
      }
      co_await write(stream, res, version, keep);
      if (!keep) break;
      first = false;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
    remove(self);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(pool.next(), use_tuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        // E.g. too many open files: keep serving the connections we have, and pause instead of
        // spinning on an accept that fails at once.
        log::warn("http", {{"event", "accept_failed"}, {"error", ec.message()}});
        asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(200));
        co_await pause.async_wait(use_tuple);
        continue;
      }
      // At the limit, an idle connection makes room: the new one is admitted while the evicted
      // one closes on its own thread, so for an instant up to k_eviction_slack more are open.
      if (auto open = open_connections.load(std::memory_order_relaxed); open >= max_connections) {
        if (open >= max_connections + k_eviction_slack || !evict_oldest_idle()) {
          refuse(socket);
          continue;
        }
      }
      open_connections.fetch_add(1, std::memory_order_relaxed);
      metrics.connection_opened();
      auto ex = socket.get_executor();
      asio::co_spawn(ex, session(std::move(socket)), [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex2) {
          log::error("http", {{"event", "session_exception"}, {"error", ex2.what()}});
        }
      });
    }
  }
};

HttpServer::HttpServer(IoPool& pool, HttpServerOptions options, HttpHandler handler, Metrics& metrics)
    : impl_(std::make_shared<Impl>(pool, std::move(options), std::move(handler), metrics)) {}

HttpServer::~HttpServer() = default;

namespace {

// Descriptors kept free for everything but client connections: the database (two connections
// with their WAL and shared-memory files), the outbox's HTTPS connections, each event loop's
// epoll and eventfd, the log, the listening socket.
constexpr std::size_t k_reserved_fds = 64;

std::size_t fit_open_file_limit(std::size_t wanted) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return wanted;
  auto soft = static_cast<std::size_t>(rl.rlim_cur);
  std::size_t fits = soft > 2 * k_reserved_fds ? soft - k_reserved_fds : std::max<std::size_t>(1, soft / 2);
  return std::min(wanted, fits);
}

}  // namespace

void HttpServer::start() {
  auto& im = *impl_;
  im.max_connections = fit_open_file_limit(std::max<std::size_t>(1, im.options.max_connections));
  if (im.max_connections < im.options.max_connections)
    log::warn("http", {{"event", "max_connections_lowered"}, {"configured", std::to_string(im.options.max_connections)},
                       {"in_force", std::to_string(im.max_connections)},
                       {"hint", "raise the open-file limit (LimitNOFILE) or lower server.max_connections"}});
  tcp::endpoint ep(asio::ip::make_address(im.options.host), im.options.port);
  im.acceptor.open(ep.protocol());
  im.acceptor.set_option(asio::socket_base::reuse_address(true));
  im.acceptor.bind(ep);
  im.acceptor.listen(asio::socket_base::max_listen_connections);
  im.bound_port = im.acceptor.local_endpoint().port();
  asio::co_spawn(im.acceptor.get_executor(), im.accept_loop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log::error("http", {{"event", "accept_loop_exception"}, {"error", ex.what()}});
    }
  });
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

std::size_t HttpServer::max_connections() const { return impl_->max_connections; }

void HttpServer::shutdown(std::function<void()> on_drained) {
  auto im = impl_;
  asio::post(im->acceptor.get_executor(), [im] {
    beast::error_code ignored;
    im->acceptor.close(ignored);
  });
  std::vector<std::pair<std::uint64_t, asio::any_io_executor>> waiting;
  bool none;
  {
    std::lock_guard lock(im->mutex);
    im->draining = true;
    for (auto& s : im->idle) waiting.emplace_back(s.id, s.executor);
    none = im->sessions.empty();
    if (!none) im->on_drained = std::move(on_drained);
  }
  // Evicted sessions are off the idle list, and their cancellation is on its way already.
  for (auto& [id, ex] : waiting) im->cancel_wait(id, ex);
  if (none && on_drained) asio::post(im->pool.context(0), std::move(on_drained));
}

}  // namespace supplybot::bot
