#include "bot/outbox.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

#include "bot/bridge/bridge_callback.hpp"
#include "bot/http_client.hpp"
#include "bot/json_nesting.hpp"
#include "bot/log.hpp"
#include "bot/telegram/bot_api.hpp"
#include "bot/wechat/robot_webhook.hpp"
#include "bot/writer_await.hpp"
#include "handlers/texts.hpp"

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

// A WeCom robot's limit is its own, whatever chat a message goes to: one bucket for all of them.
constexpr std::string_view k_robot_rate_key = "wecom-robot";

using Interpreter = SendResult (*)(int, std::string_view, std::string_view, std::string_view);

// One HTTP call for (part of) a row.
struct Request {
  HttpClient* client{nullptr};
  const Url* url{nullptr};
  std::string target;
  std::string content_type;
  std::string body;
  HttpClient::Headers headers;
  Interpreter interpret{nullptr};
};

// Which limiter a call takes its turn from.
struct RateSlot {
  handlers::RateLimiter* limiter{nullptr};
  std::string key;          // chat id, or one key for a whole robot
  bool group{true};
  bool global_only{false};  // not a chat message (answerCallbackQuery)
  unsigned per_minute{20};  // for spacing deferred rows
};

}  // namespace

struct Outbox::Impl : std::enable_shared_from_this<Impl> {
  asio::io_context::executor_type strand;  // a single-threaded io_context: serialised without a strand
  handlers::Store& store;
  Writer& writer;
  OutboxOptions options;
  Metrics& metrics;
  asio::steady_timer timer;
  // One client per destination, so each keeps its own connection alive.
  HttpClient telegram_client;
  HttpClient robot_client;
  HttpClient bridge_client;
  handlers::RateLimiter limiter;
  handlers::RateLimiter robot_limiter;
  handlers::RateLimiter bridge_limiter;  // only honours the bridge's own 429s
  std::optional<Url> api;
  std::optional<Url> robot_url;
  std::optional<Url> bridge_url;
  handlers::Lang language;
  std::atomic<bool> woken{false};
  std::atomic<bool> stopping{false};
  std::function<void()> on_stopped;
  bool running{false};
  std::mt19937_64 rng{std::random_device{}()};
  // Replies put off until later (retries, rate limits), by chat (platform and chat id): row id ->
  // due time. A reply waits while an older one of its chat waits, so none overtakes another. The
  // database holds the same (pending rows due later); it is read once, at start (waiting_loaded),
  // and kept here afterwards instead of asked before every send. Entries already due are
  // dropped as they are passed over (their row is sent or put off again) and in a sweep.
  std::map<std::string, std::map<std::int64_t, handlers::UnixTime>> waiting;
  bool waiting_loaded{false};
  handlers::UnixTime waiting_swept{0};
  // Rows posted in several pieces (WeCom) and how many pieces went out already, so a retry does
  // not repeat them. Kept in memory only: after a restart such a row starts again.
  std::map<std::int64_t, std::size_t> pieces_sent;

  Impl(asio::io_context& ioc, handlers::Store& s, Writer& w, OutboxOptions o, Metrics& m)
      : strand(ioc.get_executor()),
        store(s),
        writer(w),
        options(std::move(o)),
        metrics(m),
        timer(strand),
        telegram_client(strand, options.telegram.ca_file),
        robot_client(strand, options.telegram.ca_file),
        bridge_client(strand, options.telegram.ca_file),
        limiter(options.telegram.global_rate, options.telegram.per_chat_per_minute),
        robot_limiter(10.0, wechat::k_robot_messages_per_minute),
        bridge_limiter(1000.0, 1'000'000),
        api(parse_url(options.telegram.api_root)),
        robot_url(options.wechat.outbound_url.empty() ? std::nullopt : parse_url(options.wechat.outbound_url)),
        bridge_url(options.bridge.callback_url.empty() ? std::nullopt : parse_url(options.bridge.callback_url)),
        language(options.language == "en" ? handlers::Lang::en : handlers::Lang::zh) {}

  asio::awaitable<void> sleep(std::chrono::milliseconds d) {
    if (woken.exchange(false)) co_return;
    timer.expires_after(d);
    co_await timer.async_wait(use_tuple);
    woken = false;
  }

  static std::string chat_key(handlers::Platform p, std::string_view chat_id) {
    return std::string(handlers::to_string(p)) + '\x1f' + std::string(chat_id);
  }
  static std::string chat_key(const handlers::OutgoingMessage& m) { return chat_key(m.platform, m.chat_id); }

  // The row waits until `due`, and the newer rows of its chat with it. A button answer is not a
  // chat message: it neither waits for the chat's earlier messages nor holds later ones back.
  void hold_chat(const handlers::OutboxRow& row, handlers::UnixTime due) {
    if (row.message.callback_id) return;
    waiting[chat_key(row.message)][row.id] = due;
  }

  // Until when an older reply of the row's chat waits (0: none does).
  handlers::UnixTime older_waiting(const handlers::OutboxRow& row, handlers::UnixTime now_s) {
    if (row.message.callback_id) return 0;
    auto chat = waiting.find(chat_key(row.message));
    if (chat == waiting.end()) return 0;
    handlers::UnixTime until = 0;
    auto& rows = chat->second;
    for (auto it = rows.begin(); it != rows.end() && it->first < row.id;) {
      if (it->second <= now_s) {
        it = rows.erase(it);
      } else {
        until = std::max(until, it->second);
        ++it;
      }
    }
    if (rows.empty()) waiting.erase(chat);
    return until;
  }

  // Drops what is due already, once a minute, so chats gone quiet do not keep entries.
  void sweep_waiting(handlers::UnixTime now_s) {
    if (now_s < waiting_swept + 60) return;
    waiting_swept = now_s;
    for (auto chat = waiting.begin(); chat != waiting.end();) {
      std::erase_if(chat->second, [now_s](const auto& e) { return e.second <= now_s; });
      chat = chat->second.empty() ? waiting.erase(chat) : std::next(chat);
    }
  }

  // After a restart: the replies put off before it.
  bool load_waiting() {
    if (waiting_loaded) return true;
    try {
      for (const auto& w : store.waiting_replies(unix_now())) waiting[chat_key(w.platform, w.chat_id)][w.id] = w.due_at;
    } catch (const std::exception& e) {
      log::error("outbox", {{"event", "read_failed"}, {"error", e.what()}});
      return false;
    }
    waiting_loaded = true;
    return true;
  }

  void refuse(const handlers::OutboxRow& row, std::string reason, std::vector<Writer::Job>& updates) {
    auto now_s = unix_now();
    log::warn("outbox", {{"event", "no_sender"}, {"outbox_id", std::to_string(row.id)},
                         {"platform", std::string(handlers::to_string(row.message.platform))}, {"reason", reason}});
    updates.push_back([id = row.id, reason = std::move(reason), now_s](handlers::StoreTx& tx) { tx.outbox_failed(id, reason, now_s); });
    metrics.outbox_send("refused");
  }

  // The calls that deliver a row, and the limiter they are counted against. Empty when the row
  // has no sender here (then it has been marked failed or, for a button answer where there are no
  // buttons, done).
  std::vector<Request> plan(const handlers::OutboxRow& row, RateSlot& slot, std::vector<Writer::Job>& updates) {
    const auto& m = row.message;
    std::vector<Request> calls;
    if (m.callback_id && m.platform != handlers::Platform::telegram) {
      // Only Telegram has buttons; an answer to a press elsewhere has nothing to close.
      auto now_s = unix_now();
      updates.push_back([id = row.id, now_s](handlers::StoreTx& tx) { tx.outbox_sent(id, "", now_s); });
      metrics.outbox_send("sent");
      return calls;
    }
    switch (m.platform) {
      case handlers::Platform::telegram: {
        if (options.telegram.bot_token.empty() || !api) {
          refuse(row, "telegram is not configured (no bot_token or api_root)", updates);
          return calls;
        }
        Request r{.client = &telegram_client, .url = &*api, .interpret = &telegram::interpret_response};
        slot = RateSlot{.limiter = &limiter, .key = m.chat_id, .group = is_group_chat(m.chat_id),
                        .per_minute = options.telegram.per_chat_per_minute};
        const std::string base = "/bot" + options.telegram.bot_token;
        if (m.callback_id) {
          r.target = base + "/answerCallbackQuery";
          r.content_type = "application/json";
          r.body = telegram::answer_callback_body(*m.callback_id, m.text);
          slot.global_only = true;  // not a message in the chat
        } else if (!m.document_name.empty()) {
          auto form = telegram::send_document_body(m);
          r.target = base + "/sendDocument";
          r.content_type = std::move(form.content_type);
          r.body = std::move(form.body);
        } else {
          r.target = base + "/sendMessage";
          r.content_type = "application/json";
          r.body = telegram::send_message_body(m);
        }
        calls.push_back(std::move(r));
        return calls;
      }
      case handlers::Platform::wecom: {
        if (!robot_url) {
          refuse(row, "no outbound sender for wecom: wechat.outbound_url is not set", updates);
          return calls;
        }
        slot = RateSlot{.limiter = &robot_limiter, .key = std::string(k_robot_rate_key), .group = true,
                        .per_minute = wechat::k_robot_messages_per_minute};
        auto notice = handlers::texts::file_not_sent_here(language, m.document_name);
        for (auto& text : wechat::robot_texts(m, notice)) {
          calls.push_back(Request{.client = &robot_client, .url = &*robot_url, .target = "",
                                  .content_type = "application/json",
                                  .body = wechat::robot_text_body(text, m.chat_id),
                                  .interpret = &wechat::interpret_robot_response});
        }
        if (calls.empty()) {
          auto now_s = unix_now();  // nothing to say (blank text)
          updates.push_back([id = row.id, now_s](handlers::StoreTx& tx) { tx.outbox_sent(id, "", now_s); });
          metrics.outbox_send("sent");
        }
        return calls;
      }
      case handlers::Platform::wechat:
        // Official Account chats are 1:1 with followers; a WeCom robot cannot reach them, and
        // the customer-service message API is not built.
        refuse(row, "no outbound sender for wechat (Official Account): replies are passive only", updates);
        return calls;
      case handlers::Platform::bridge: {
        if (!bridge_url) {
          refuse(row, "no outbound sender for bridge: bridge.callback_url is not set", updates);
          return calls;
        }
        slot = RateSlot{.limiter = &bridge_limiter, .key = m.chat_id, .group = true, .per_minute = 1'000'000};
        Request r{.client = &bridge_client, .url = &*bridge_url, .target = "", .content_type = "application/json",
                  .body = bridge::callback_body(row.id, m), .interpret = &bridge::interpret_callback_response};
        if (!options.bridge.token.empty()) r.headers.emplace_back("Authorization", "Bearer " + options.bridge.token);
        calls.push_back(std::move(r));
        return calls;
      }
    }
    refuse(row, "unknown platform", updates);
    return calls;
  }

  // Waits for the limiter to let one call go. False when the row was pushed back instead (this
  // chat or robot is at its limit, so others go first) or the worker is stopping.
  asio::awaitable<bool> take_turn(const handlers::OutboxRow& row, const RateSlot& slot, std::vector<Writer::Job>& updates,
                                  std::map<std::string, int>& deferred) {
    for (;;) {
      auto wait = slot.global_only ? slot.limiter->acquire_global(mono_ms())
                                   : slot.limiter->acquire(slot.key, slot.group, mono_ms());
      if (wait == 0) co_return true;
      if (wait > 1500) {
        int k = deferred[slot.key]++;
        auto spacing = slot.group ? 60 / std::max(1u, slot.per_minute) : 1u;
        auto due = unix_now() + (wait + 999) / 1000 + static_cast<handlers::UnixTime>(k) * spacing;
        hold_chat(row, due);
        updates.push_back([id = row.id, due](handlers::StoreTx& tx) { tx.outbox_retry(id, due, "", false); });
        metrics.outbox_send("deferred");
        co_return false;
      }
      co_await sleep(std::chrono::milliseconds(wait));
      if (stopping) co_return false;
    }
  }

  asio::awaitable<SendResult> call(Request& r) {
    // Arguments built first: temporaries inside a co_await expression are unsafe with GCC 12.
    std::string target = r.target;
    std::string content_type = r.content_type;
    std::string body = r.body;
    HttpClient::Headers headers = r.headers;
    auto result = co_await r.client->post(*r.url, std::move(target), std::move(content_type), std::move(body),
                                          options.send_timeout, std::move(headers));
    // An answer nested deeper than any API's is read as an unreadable one, before a parser builds
    // it (an 8 MB answer of '[' would take some 600 MB as a document): see bot/json_nesting.
    std::string_view answer = result.body;
    if (!json_depth_within(answer)) {
      log::warn("outbox", {{"event", "answer_too_deep"}, {"status", std::to_string(result.status)},
                           {"bytes", std::to_string(answer.size())}});
      answer = {};
    }
    co_return r.interpret(result.status, answer, result.retry_after, result.error);
  }

  // Records a call that did not deliver: a pause for "slow down", a retry with backoff (or giving
  // up), or a refusal.
  void record_failure(const handlers::OutboxRow& row, const RateSlot& slot, const SendResult& r,
                      std::vector<Writer::Job>& updates) {
    const auto& m = row.message;
    auto now_s = unix_now();
    const std::string platform(handlers::to_string(m.platform));
    switch (r.outcome) {
      case SendOutcome::sent:
        return;
      case SendOutcome::rate_limited: {
        slot.limiter->pause_chat(slot.key, mono_ms() + r.retry_after_s * 1000);
        auto due = now_s + r.retry_after_s;
        hold_chat(row, due);
        updates.push_back([id = row.id, due, reason = r.reason](handlers::StoreTx& tx) { tx.outbox_retry(id, due, reason, false); });
        log::warn("outbox", {{"event", "rate_limited"}, {"outbox_id", std::to_string(row.id)}, {"platform", platform},
                             {"retry_after", std::to_string(r.retry_after_s)}});
        metrics.outbox_send("rate_limited");
        return;
      }
      case SendOutcome::retry: {
        int attempts = row.attempts + 1;
        if (options.retry.give_up(attempts)) {
          auto reason = "gave up after " + std::to_string(attempts) + " attempts: " + r.reason;
          updates.push_back([id = row.id, reason, now_s](handlers::StoreTx& tx) { tx.outbox_failed(id, reason, now_s); });
          log::error("outbox", {{"event", "gave_up"}, {"outbox_id", std::to_string(row.id)}, {"platform", platform}, {"reason", r.reason}});
          metrics.outbox_send("gave_up");
          pieces_sent.erase(row.id);
        } else {
          std::uniform_real_distribution<double> jitter(0.0, 1.0);
          auto delay_ms = options.retry.backoff(attempts, jitter(rng));
          auto due = now_s + std::max<handlers::UnixTime>(1, (delay_ms + 999) / 1000);
          hold_chat(row, due);
          updates.push_back([id = row.id, due, reason = r.reason](handlers::StoreTx& tx) { tx.outbox_retry(id, due, reason, true); });
          log::warn("outbox", {{"event", "send_retry"}, {"outbox_id", std::to_string(row.id)}, {"platform", platform},
                               {"attempt", std::to_string(attempts)}, {"reason", r.reason}});
          metrics.outbox_send("retry");
        }
        return;
      }
      case SendOutcome::refused:
        updates.push_back([id = row.id, reason = r.reason, now_s](handlers::StoreTx& tx) { tx.outbox_failed(id, reason, now_s); });
        log::warn("outbox", {{"event", "refused"}, {"outbox_id", std::to_string(row.id)}, {"platform", platform}, {"reason", r.reason}});
        metrics.outbox_send("refused");
        pieces_sent.erase(row.id);
        return;
    }
  }

  // Sends one row (every piece of it) and records the outcome in updates.
  asio::awaitable<void> send_one(const handlers::OutboxRow& row, std::vector<Writer::Job>& updates,
                                 std::map<std::string, int>& deferred) {
    RateSlot slot;
    auto calls = plan(row, slot, updates);
    if (calls.empty()) co_return;
    // Keep the chat's order: an earlier reply put off until later (by this run, or before a
    // restart and read at start: see `waiting`) goes first.
    auto now_s = unix_now();
    auto hold_until = older_waiting(row, now_s);
    if (hold_until > now_s) {
      hold_chat(row, hold_until);
      updates.push_back([id = row.id, hold_until](handlers::StoreTx& tx) { tx.outbox_retry(id, hold_until, "", false); });
      metrics.outbox_send("deferred");
      co_return;
    }
    std::string message_id;
    auto it = pieces_sent.find(row.id);
    for (std::size_t i = it == pieces_sent.end() ? 0 : it->second; i < calls.size(); ++i) {
      if (!(co_await take_turn(row, slot, updates, deferred))) co_return;
      auto r = co_await call(calls[i]);
      if (r.outcome != SendOutcome::sent) {
        record_failure(row, slot, r, updates);
        co_return;
      }
      if (i == 0) message_id = r.message_id;
      if (i + 1 < calls.size()) pieces_sent[row.id] = i + 1;
      if (stopping && i + 1 < calls.size()) co_return;
    }
    pieces_sent.erase(row.id);
    now_s = unix_now();
    updates.push_back([id = row.id, mid = message_id, now_s](handlers::StoreTx& tx) { tx.outbox_sent(id, mid, now_s); });
    metrics.outbox_send("sent");
  }

  asio::awaitable<void> loop() {
    while (!stopping) {
      std::vector<handlers::OutboxRow> rows;
      bool read_ok = load_waiting();
      try {
        if (read_ok) rows = store.due_outbox(unix_now(), 64);
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
      sweep_waiting(unix_now());
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
