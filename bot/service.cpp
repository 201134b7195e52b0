#include "bot/service.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <dlfcn.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <thread>
#include <vector>

#include "bot/http_server.hpp"
#include "bot/log.hpp"
#include "bot/metrics.hpp"
#include "bot/outbox.hpp"
#include "bot/routes.hpp"
#include "bot/wechat/callback.hpp"
#include "bot/writer.hpp"
#include "config/catalog_loader.hpp"
#include "handlers/engine.hpp"
#include "storage/sqlite_store.hpp"

namespace supplybot::bot {

namespace asio = boost::asio;

namespace {

// A relative catalog path is looked up from the working directory, then beside the config file.
std::filesystem::path resolve_catalog(const config::Config& c) {
  auto p = c.bot.catalog;
  if (p.is_absolute() || std::filesystem::exists(p) || c.source.empty()) return p;
  auto beside = c.source.parent_path() / p.filename();
  if (std::filesystem::exists(beside)) return beside;
  auto up = c.source.parent_path().parent_path() / p;
  if (std::filesystem::exists(up)) return up;
  return p;
}

handlers::Parser make_parser(const config::Config& c) {
  auto loaded = config::load_catalog(resolve_catalog(c));
  if (!loaded.ok()) {
    std::string msg = "the catalog cannot be loaded:";
    for (const auto& e : loaded.errors) msg += "\n  - " + e;
    throw std::runtime_error(msg);
  }
  return handlers::Parser(std::move(loaded.catalog), c.telegram.bot_username);
}

}  // namespace

struct Service::Impl {
  config::Config config;
  storage::SqliteStore store;
  handlers::Parser parser;
  handlers::Engine engine;
  Metrics metrics;
  handlers::InboundLimiter limiter;
  IoPool pool;
  std::unique_ptr<Outbox> outbox;
  Writer writer;
  asio::steady_timer tick_timer;  // rounds' cut-offs, overdue purchases, automatic receipts
  std::atomic<bool> ticking{true};
  RouteContext routes;
  HttpServer server;
  bool started{false};
  bool stopped{false};

  explicit Impl(config::Config c)
      : config(std::move(c)),
        // The writer's reporting thread syncs while the next batch is written (bot/writer.hpp).
        store(storage::SqliteOptions{.path = config.storage.path, .synchronous = config.storage.synchronous,
                                     .deferred_sync = true}),
        parser(make_parser(config)),
        engine(parser, engine_config(config)),
        limiter(limits(config)),
        pool(thread_count()),
        writer(
            store, config.storage.batch_max,
            [this] {
              if (outbox) outbox->wake();
            },
            [this] { engine.invalidate(); }),
        tick_timer(pool.context(0)),
        routes{config, store, writer, engine, metrics, limiter},
        server(pool,
               HttpServerOptions{.host = config.server.host,
                                 .port = config.server.port,
                                 .body_limit = config.server.body_limit,
                                 .read_timeout = std::chrono::seconds(config.server.read_timeout_s),
                                 .idle_timeout = std::chrono::seconds(config.server.idle_timeout_s),
                                 .max_connections = config.server.max_connections},
               [this](HttpRequest req) -> asio::awaitable<HttpResponse> {
                 auto started_at = std::chrono::steady_clock::now();
                 auto path = route_label(req.path);
                 auto res = co_await handle_request(routes, std::move(req));
                 metrics.request(path, res.status,
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count());
                 co_return res;
               },
               metrics) {
    outbox = std::make_unique<Outbox>(pool.context(0), store, writer,
                                      OutboxOptions{.telegram = config.telegram,
                                                    .wechat = config.wechat,
                                                    .bridge = config.bridge,
                                                    .language = config.bot.language},
                                      metrics);
  }

  static handlers::EngineConfig engine_config(const config::Config& c) {
    return handlers::EngineConfig{
        .default_language = c.bot.language == "en" ? handlers::Lang::en : handlers::Lang::zh,
        .coordinators = c.roles.coordinators,
        .default_capacity = static_cast<std::int32_t>(c.logistics.default_capacity),
        .escalate_after_s = static_cast<handlers::UnixTime>(c.logistics.escalate_after_minutes) * 60,
        .auto_receipt_s = static_cast<handlers::UnixTime>(c.logistics.auto_receipt_hours) * 3600,
        .utc_offset_minutes = c.bot.utc_offset_minutes};
  }

  static handlers::InboundLimits limits(const config::Config& c) {
    const auto& l = c.limits;
    return handlers::InboundLimits{
        .sender = {.per_minute = static_cast<double>(l.sender_per_minute), .burst = static_cast<double>(l.sender_burst)},
        .chat = {.per_minute = static_cast<double>(l.chat_per_minute), .burst = static_cast<double>(l.chat_burst)},
        .max_keys = l.tracked_keys};
  }

  // Every tick_seconds the engine's periodic work runs as one writer job.
  void schedule_tick() {
    tick_timer.expires_after(std::chrono::seconds(config.logistics.tick_seconds));
    tick_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || !ticking) return;
      auto now = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
      bool accepted = writer.submit(
          [this, now](handlers::StoreTx& tx) {
            auto r = engine.tick(tx, now);
            if (!r.orders_changed.empty() || !r.replies.empty())
              log::info("engine", {{"event", "tick"}, {"orders_changed", std::to_string(r.orders_changed.size())},
                                   {"messages", std::to_string(r.replies.size())}});
          },
          [](std::exception_ptr e) {
            if (!e) return;
            try {
              std::rethrow_exception(e);
            } catch (const std::exception& ex) {
              log::error("engine", {{"event", "tick_failed"}, {"error", ex.what()}});
            }
          });
      if (accepted) schedule_tick();
    });
  }

  unsigned thread_count() const {
    unsigned n = config.server.threads ? config.server.threads : std::thread::hardware_concurrency();
    return n ? n : 2;
  }
};

namespace {

// Platform settings that only the adapter can judge (the EncodingAESKey's decoding, ...).
const config::Config& checked(const config::Config& c) {
  if (!c.wechat.token.empty()) {
    auto errors = wechat::validate(wechat::WechatConfig{
        .token = c.wechat.token, .encoding_aes_key = c.wechat.encoding_aes_key, .app_id = c.wechat.app_id});
    if (!errors.empty()) {
      std::string msg = "invalid WeChat settings:";
      for (const auto& e : errors) msg += "\n  - " + e;
      throw std::runtime_error(msg);
    }
  }
  return c;
}

}  // namespace

Service::Service(config::Config config) : impl_(std::make_unique<Impl>(checked(config))) {}

Service::~Service() { stop(); }

namespace {
// The malloc the process really runs on (the supplybot binary links jemalloc, docs/decisions.md;
// a library or test program linking this code keeps glibc's): jemalloc alone defines mallctl.
const char* allocator_name() { return dlsym(RTLD_DEFAULT, "mallctl") != nullptr ? "jemalloc" : "glibc"; }
}  // namespace

void Service::start() {
  auto& im = *impl_;
  if (im.started) return;
  im.server.start();
  im.outbox->start();
  im.schedule_tick();
  im.pool.start();
  im.started = true;
  log::info("server", {{"event", "listening"}, {"address", im.config.server.host}, {"port", std::to_string(im.server.port())},
                       {"threads", std::to_string(im.thread_count())}, {"allocator", allocator_name()},
                       {"max_connections", std::to_string(im.server.max_connections())}, {"telegram", im.config.telegram.bot_token.empty() ? "off" : "on"},
                       {"catalog_items", std::to_string(im.parser.catalog().size())}});
}

std::uint16_t Service::port() const { return impl_->server.port(); }

void Service::stop() {
  auto& im = *impl_;
  if (!im.started || im.stopped) return;
  im.stopped = true;
  log::info("server", {{"event", "stopping"}});
  // 1. No new connections; idle ones closed; in-flight requests finish (they need the writer).
  std::promise<void> drained;
  im.server.shutdown([&] { drained.set_value(); });
  if (drained.get_future().wait_for(std::chrono::seconds(30)) != std::future_status::ready)
    log::warn("server", {{"event", "drain_timeout"}});
  im.ticking = false;
  asio::post(im.tick_timer.get_executor(), [&im] { im.tick_timer.cancel(); });
  // 2. The outbox records the send in progress, then stops.
  std::promise<void> outbox_done;
  im.outbox->stop([&] { outbox_done.set_value(); });
  if (outbox_done.get_future().wait_for(std::chrono::seconds(30)) != std::future_status::ready)
    log::warn("outbox", {{"event", "stop_timeout"}});
  // 3. The writer commits whatever is queued.
  im.writer.stop();
  im.pool.stop();
  log::info("server", {{"event", "stopped"}});
}

bool Service::reload_catalog() {
  auto& im = *impl_;
  try {
    auto parser = std::make_shared<const handlers::Parser>(make_parser(im.config));
    auto items = parser->catalog().size();
    im.engine.set_parser(std::move(parser));
    log::info("server", {{"event", "catalog_reloaded"}, {"catalog_items", std::to_string(items)}});
    return true;
  } catch (const std::exception& e) {
    // The old catalog stays in use: a typo in the file must not stop the orders.
    log::error("server", {{"event", "catalog_reload_failed"}, {"error", e.what()}});
    return false;
  }
}

void Service::run_until_signal() {
  start();
  asio::io_context signals_ioc;
  asio::signal_set signals(signals_ioc, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      log::info("server", {{"event", "signal"}, {"signal", "SIGHUP"}});
      reload_catalog();
      signals.async_wait(on_signal);
      return;
    }
    log::info("server", {{"event", "signal"}, {"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  };
  signals.async_wait(on_signal);
  signals_ioc.run();
  stop();
}

}  // namespace supplybot::bot
