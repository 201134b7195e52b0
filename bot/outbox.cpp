#include "bot/outbox.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

#include "bot/http_client.hpp"
#include "bot/log.hpp"
#include "bot/writer_await.hpp"
#include "bot/telegram/bot_api.hpp"

namespace supplybot::bot {

namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

handlers::UnixTime unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

handlers::Millis mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Telegram group and channel ids are negative; users' private chats positive.
bool is_group_chat(const std::string& chat_id) { return !chat_id.empty() && chat_id.front() == '-'; }

}  // namespace

struct Outbox::Impl : std::enable_shared_from_this<Impl> {
  asio::io_context::executor_type strand;  // a single-threaded io_context: serialised without a strand
  handlers::Store& store;
  Writer& writer;
  OutboxOptions options;
  Metrics& metrics;
  asio::steady_timer timer;
  HttpClient client;
  handlers::RateLimiter limiter;
  std::optional<Url> api;
  std::atomic<bool> woken{false};
  std::atomic<bool> stopping{false};
  std::function<void()> on_stopped;
  bool running{false};
  std::mt19937_64 rng{std::random_device{}()};
  // Chats whose earlier reply was pushed back in the current pass, and until when.
  std::map<std::string, handlers::UnixTime> held_chats;

  Impl(asio::io_context& ioc, handlers::Store& s, Writer& w, OutboxOptions o, Metrics& m)
      : strand(ioc.get_executor()),
        store(s),
        writer(w),
        options(std::move(o)),
        metrics(m),
        timer(strand),
        client(strand, options.telegram.ca_file),
        limiter(options.telegram.global_rate, options.telegram.per_chat_per_minute),
        api(parse_url(options.telegram.api_root)) {}

  asio::awaitable<void> sleep(std::chrono::milliseconds d) {
    if (woken.exchange(false)) co_return;
    timer.expires_after(d);
    co_await timer.async_wait(use_tuple);
    woken = false;
  }

  // Sends one row and records the outcome. Returns false when the row was deferred by the
  // per-chat limit (nothing sent).
  asio::awaitable<void> send_one(const handlers::OutboxRow& row, std::vector<Writer::Job>& updates,
                                 std::map<std::string, int>& deferred_per_chat) {
    const auto& m = row.message;
    auto now_s = unix_now();
    if (m.platform != handlers::Platform::telegram) {
      // WeChat and bridge replies are answered in the webhook response; later replies need an
      // outbound endpoint, which this version does not have for them.
      updates.push_back([id = row.id, now_s](handlers::StoreTx& tx) {
        tx.outbox_failed(id, "no outbound sender for this platform", now_s);
      });
      metrics.outbox_send("refused");
      co_return;
    }
    if (options.telegram.bot_token.empty() || !api) {
      updates.push_back([id = row.id, now_s](handlers::StoreTx& tx) {
        tx.outbox_failed(id, "telegram is not configured (no bot_token or api_root)", now_s);
      });
      metrics.outbox_send("refused");
      co_return;
    }
    // Keep the chat's order: an earlier reply waiting for a retry (in the database, or pushed
    // back earlier in this pass) goes first.
    handlers::UnixTime hold_until = 0;
    if (auto it = held_chats.find(m.chat_id); it != held_chats.end()) hold_until = it->second;
    try {
      if (auto older = store.older_pending_due(m.platform, m.chat_id, row.id)) hold_until = std::max(hold_until, *older);
    } catch (const std::exception&) {
    }
    if (hold_until > now_s) {
      held_chats[m.chat_id] = hold_until;
      updates.push_back([id = row.id, hold_until](handlers::StoreTx& tx) { tx.outbox_retry(id, hold_until, "", false); });
      metrics.outbox_send("deferred");
      co_return;
    }
    for (;;) {
      auto wait = limiter.acquire(m.chat_id, is_group_chat(m.chat_id), mono_ms());
      if (wait == 0) break;
      if (wait > 1500) {
        // This chat is at its limit: push the row back so other chats' messages go first.
        int k = deferred_per_chat[m.chat_id]++;
        auto spacing = is_group_chat(m.chat_id) ? 60 / std::max(1u, options.telegram.per_chat_per_minute) : 1u;
        auto due = now_s + (wait + 999) / 1000 + static_cast<handlers::UnixTime>(k) * spacing;
        held_chats[m.chat_id] = std::max(held_chats[m.chat_id], due);
        updates.push_back([id = row.id, due](handlers::StoreTx& tx) { tx.outbox_retry(id, due, "", false); });
        metrics.outbox_send("deferred");
        co_return;
      }
      co_await sleep(std::chrono::milliseconds(wait));
      if (stopping) co_return;
    }
    // Arguments built first: temporaries inside a co_await expression are unsafe with GCC 12.
    std::string target = "/bot" + options.telegram.bot_token + "/sendMessage";
    std::string body = telegram::send_message_body(m);
    std::string content_type = "application/json";
    auto result = co_await client.post(*api, std::move(target), std::move(content_type), std::move(body),
                                       options.send_timeout);
    auto r = telegram::interpret_response(result.status, result.body, result.retry_after, result.error);
    now_s = unix_now();
    switch (r.outcome) {
      case telegram::SendOutcome::sent:
        updates.push_back([id = row.id, mid = r.message_id, now_s](handlers::StoreTx& tx) { tx.outbox_sent(id, mid, now_s); });
        metrics.outbox_send("sent");
        break;
      case telegram::SendOutcome::rate_limited: {
        limiter.pause_chat(m.chat_id, mono_ms() + r.retry_after_s * 1000);
        auto due = now_s + r.retry_after_s;
        held_chats[m.chat_id] = std::max(held_chats[m.chat_id], due);
        updates.push_back([id = row.id, due, reason = r.reason](handlers::StoreTx& tx) { tx.outbox_retry(id, due, reason, false); });
        log::warn("outbox", {{"event", "rate_limited"}, {"outbox_id", std::to_string(row.id)}, {"retry_after", std::to_string(r.retry_after_s)}});
        metrics.outbox_send("rate_limited");
        break;
      }
      case telegram::SendOutcome::retry: {
        int attempts = row.attempts + 1;
        if (options.retry.give_up(attempts)) {
          auto reason = "gave up after " + std::to_string(attempts) + " attempts: " + r.reason;
          updates.push_back([id = row.id, reason, now_s](handlers::StoreTx& tx) { tx.outbox_failed(id, reason, now_s); });
          log::error("outbox", {{"event", "gave_up"}, {"outbox_id", std::to_string(row.id)}, {"reason", r.reason}});
          metrics.outbox_send("gave_up");
        } else {
          std::uniform_real_distribution<double> jitter(0.0, 1.0);
          auto delay_ms = options.retry.backoff(attempts, jitter(rng));
          auto due = now_s + std::max<handlers::UnixTime>(1, (delay_ms + 999) / 1000);
          held_chats[m.chat_id] = std::max(held_chats[m.chat_id], due);
          updates.push_back([id = row.id, due, reason = r.reason](handlers::StoreTx& tx) { tx.outbox_retry(id, due, reason, true); });
          log::warn("outbox", {{"event", "send_retry"}, {"outbox_id", std::to_string(row.id)}, {"attempt", std::to_string(attempts)}, {"reason", r.reason}});
          metrics.outbox_send("retry");
        }
        break;
      }
      case telegram::SendOutcome::refused:
        updates.push_back([id = row.id, reason = r.reason, now_s](handlers::StoreTx& tx) { tx.outbox_failed(id, reason, now_s); });
        log::warn("outbox", {{"event", "refused"}, {"outbox_id", std::to_string(row.id)}, {"reason", r.reason}});
        metrics.outbox_send("refused");
        break;
    }
  }

  asio::awaitable<void> loop() {
    while (!stopping) {
      std::vector<handlers::OutboxRow> rows;
      bool read_ok = true;
      try {
        rows = store.due_outbox(unix_now(), 64);
      } catch (const std::exception& e) {
        log::error("outbox", {{"event", "read_failed"}, {"error", e.what()}});
        read_ok = false;
      }
      if (!read_ok) {
        co_await sleep(std::chrono::seconds(1));
        continue;
      }
      if (rows.empty()) {
        std::chrono::milliseconds wait{1000};
        try {
          if (auto next = store.next_outbox_due()) {
            auto secs = *next - unix_now();
            wait = std::chrono::milliseconds(std::clamp<std::int64_t>(secs * 1000, 50, 1000));
          }
        } catch (const std::exception&) {
        }
        co_await sleep(wait);
        continue;
      }
      std::vector<Writer::Job> updates;
      std::map<std::string, int> deferred;
      held_chats.clear();
      for (const auto& row : rows) {
        if (stopping) break;
        co_await send_one(row, updates, deferred);
        // Record outcomes promptly so a crash right after cannot resend many messages.
        if (updates.size() >= 8) co_await flush(updates);
      }
      co_await flush(updates);
    }
  }

  // Records send outcomes. Until that succeeds nothing else is read: a row already sent but still
  // pending in the database would otherwise be sent again.
  asio::awaitable<void> flush(std::vector<Writer::Job>& updates) {
    while (!updates.empty()) {
      // Named, not a temporary inside co_await (GCC 12 destroys those twice in coroutines).
      Writer::Job job = [jobs = updates](handlers::StoreTx& tx) {
        for (const auto& j : jobs) j(tx);
      };
      bool ok = !(co_await run_on_writer(writer, std::move(job)));
      if (ok) {
        updates.clear();
        co_return;
      }
      log::error("outbox", {{"event", "state_write_failed"}, {"rows", std::to_string(updates.size())}});
      if (stopping) co_return;  // after a restart these rows may be sent once more
      co_await sleep(std::chrono::seconds(1));
    }
  }
};

Outbox::Outbox(asio::io_context& ioc, handlers::Store& store, Writer& writer, OutboxOptions options, Metrics& metrics)
    : impl_(std::make_shared<Impl>(ioc, store, writer, std::move(options), metrics)) {}

Outbox::~Outbox() = default;

void Outbox::start() {
  auto im = impl_;
  im->running = true;
  asio::co_spawn(im->strand, im->loop(), [im](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("outbox", {{"event", "worker_exception"}, {"error", ex.what()}});
      }
    }
    im->running = false;
    if (im->on_stopped) std::exchange(im->on_stopped, nullptr)();
  });
}

void Outbox::wake() {
  auto im = impl_;
  im->woken = true;
  asio::post(im->strand, [im] { im->timer.cancel(); });
}

void Outbox::stop(std::function<void()> done) {
  auto im = impl_;
  asio::post(im->strand, [im, done = std::move(done)]() mutable {
    im->stopping = true;
    if (!im->running) {
      if (done) done();
      return;
    }
    im->on_stopped = std::move(done);
    im->timer.cancel();
  });
}

}  // namespace supplybot::bot
