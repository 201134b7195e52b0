#include "bot/routes.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <variant>

#include "bot/bridge/bridge_message.hpp"
#include "bot/log.hpp"
#include "bot/writer_await.hpp"
#include "bot/telegram/update_decoder.hpp"
#include "bot/wechat/callback.hpp"
#include "handlers/limit_texts.hpp"

namespace supplybot::bot {

namespace asio = boost::asio;

namespace {

handlers::UnixTime unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Monotonic milliseconds for the inbound limiter.
std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool is_json(std::string_view content_type) {
  return content_type.empty() || content_type.find("application/json") != std::string_view::npos;
}

// Which replies travel back in the HTTP response instead of through the outbox.
enum class InResponse {
  none,          // Telegram: everything through the outbox
  all,           // bridge: the response carries every reply
  single_small,  // WeChat passive reply: one text of at most 2048 bytes
};

bool fits_response(InResponse mode, const handlers::HandleResult& r) {
  switch (mode) {
    case InResponse::none: return false;
    case InResponse::all: return true;
    case InResponse::single_small: {
      // WeChat takes one passive reply: several replies travel joined, if they fit.
      std::size_t bytes = 0;
      for (const auto& m : r.replies) bytes += m.text.size() + 2;
      return !r.replies.empty() && bytes <= wechat::kMaxPassiveReplyBytes;
    }
  }
  return false;
}

// Only replies to the message's own chat may travel in the HTTP response; the rest (a volunteer's
// private chat, a button's answer, a file) stay in the outbox. Drops those from r.
void keep_own_chat_replies(handlers::HandleResult& r, const handlers::ChatMessage& msg) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < r.replies.size(); ++i) {
    const auto& m = r.replies[i];
    if (m.platform != msg.platform || m.chat_id != msg.chat_id || m.callback_id || !m.document_name.empty()) continue;
    if (kept != i) {
      r.replies[kept] = std::move(r.replies[i]);
      r.reply_ids[kept] = r.reply_ids[i];
    }
    ++kept;
  }
  r.replies.resize(kept);
  r.reply_ids.resize(kept);
}

// What becomes of a new message before it is handed to the writer.
enum class Admission {
  accept,     // within the limits: store it
  duplicate,  // over a limit, but stored already: a redelivery, answered as one
  refuse,     // over a limit: store nothing
};

struct Admitted {
  Admission what{Admission::accept};
  handlers::LimitDecision decision;
};

// Puts the "you are sending too fast" notice in the outbox: a reply to the refused message, or
// the answer to a refused button press. Not awaited: the refused update's answer does not
// depend on it.
void enqueue_limit_notice(RouteContext& ctx, const handlers::ChatMessage& msg, handlers::LimitScope scope) {
  auto lang = handlers::reply_language(msg, ctx.engine.config().default_language);
  handlers::OutgoingMessage notice{
      .platform = msg.platform,
      .chat_id = msg.chat_id,
      .thread_id = msg.thread_id,
      .text = scope == handlers::LimitScope::chat ? handlers::texts::chat_too_busy(lang)
                                                  : handlers::texts::sending_too_fast(lang)};
  if (msg.callback_id) notice.callback_id = msg.callback_id;
  else notice.reply_to = msg.message_id;
  auto now = unix_now();
  ctx.writer.submit([notice = std::move(notice), now](handlers::StoreTx& tx) { tx.enqueue_outbox(notice, now, now); },
                    [](std::exception_ptr e) {
                      if (!e) return;
                      try {
                        std::rethrow_exception(e);
                      } catch (const std::exception& ex) {
                        log::warn("limits", {{"event", "notice_failed"}, {"error", ex.what()}});
                      }
                    });
}

// Telegram's stand-ins for a post made in the name of a chat: an anonymous group admin
// (GroupAnonymousBot), a user writing as one of their channels (Channel_Bot), a linked channel's
// automatic forward (the Telegram service account). Each is one account for all of Telegram.
constexpr std::string_view k_telegram_stand_ins[] = {"1087968824", "136817688", "777000"};

}  // namespace

std::string limit_sender_key(const handlers::ChatMessage& msg) {
  bool anonymous = msg.sender_id.empty();
  if (msg.platform == handlers::Platform::telegram)
    for (auto id : k_telegram_stand_ins) anonymous = anonymous || msg.sender_id == id;
  if (!anonymous) return msg.sender_id;
  // No platform's ids start with a control character, so this names no real sender.
  return "\x1e" "anonymous@" + msg.chat_id;
}

namespace {

// Checks a new message against the per-sender and per-chat limits. Only the refusal path reads
// the database: a refused message that is stored already (a redelivery whose first answer was
// lost) is a duplicate, never refused. The limiter itself only charges messages that turn out
// new: store_message refunds duplicates and failures. `notice`: tell the sender in the chat (at
// most once a minute); the first refusal of each minute is logged at warn, the rest at debug.
Admitted admit_inbound(RouteContext& ctx, const handlers::ChatMessage& msg, std::string_view platform, bool notice) {
  auto now = steady_ms();
  const auto sender = limit_sender_key(msg);
  auto d = ctx.limiter.admit(msg.platform, msg.chat_id, sender, now);
  if (d.allowed) return {Admission::accept, d};
  bool seen = false;
  try {
    seen = ctx.store.inbound_seen(msg.platform, msg.update_key);
  } catch (const std::exception& e) {
    log::warn("limits", {{"event", "dedup_check_failed"}, {"error", e.what()}});
  }
  if (seen) {
    ctx.metrics.inbound(std::string(platform), "duplicate");
    return {Admission::duplicate, d};
  }
  std::string scope(handlers::to_string(d.scope));
  ctx.metrics.inbound_limited(std::string(platform), scope);
  bool first = ctx.limiter.claim_notice(d.scope, msg.platform, msg.chat_id, sender, now);
  log::write(first ? log::Level::warn : log::Level::debug, "limits",
             {{"event", "inbound_limited"}, {"platform", std::string(platform)}, {"scope", scope},
              {"chat", msg.chat_id}, {"sender", msg.sender_id}, {"update_key", msg.update_key}});
  if (first && notice) enqueue_limit_notice(ctx, msg, d.scope);
  return {Admission::refuse, d};
}

// Hands msg to the engine on the writer and waits for COMMIT. Replies that go back in this HTTP
// response (see InResponse) have their outbox rows marked sent in the same transaction, so they
// are not sent twice. Returns the engine's result, or the error response to send instead.
asio::awaitable<std::variant<handlers::HandleResult, HttpResponse>> store_message(
    RouteContext& ctx, handlers::ChatMessage message, std::string_view platform, InResponse in_response) {
  auto result = std::make_shared<handlers::HandleResult>();
  auto now = unix_now();
  auto& engine = ctx.engine;
  // Shared with the job, not copied into it: a copy is a dozen strings allocated here and freed
  // on the writer's thread (a cross-thread free costs glibc's malloc more than a local one). The
  // writer nearly always drops its reference before the answer comes back (the fsync lies
  // between), so the last free is on this thread.
  auto shared = std::make_shared<const handlers::ChatMessage>(std::move(message));
  const handlers::ChatMessage& msg = *shared;
  // A named job, not a temporary in the co_await expression: GCC 12 destroys such temporaries
  // twice in coroutines.
  // Understanding the text is pure: done here on the I/O thread, not in the writer's transaction.
  auto understood = std::make_shared<const handlers::Understood>(engine.understand(msg));
  Writer::Job job = [result, &engine, shared, understood, now, in_response](handlers::StoreTx& tx) {
    *result = engine.handle(tx, *shared, *understood, now);
    if (in_response != InResponse::none) keep_own_chat_replies(*result, *shared);
    if (fits_response(in_response, *result))
      for (auto id : result->reply_ids) tx.outbox_sent(id, "", now);
  };
  auto error = co_await run_on_writer(ctx.writer, std::move(job));
  // The limits count new messages only: a redelivery, or one the platform must send again, gets
  // its token back.
  if (error || result->duplicate) ctx.limiter.refund(msg.platform, msg.chat_id, limit_sender_key(msg), steady_ms());
  if (error) {
    std::string what = "unknown";
    bool store_failure = false;
    try {
      std::rethrow_exception(error);
    } catch (const handlers::StoreError& e) {
      what = e.what();
      store_failure = true;
    } catch (const std::exception& e) {
      what = e.what();
    }
    ctx.metrics.inbound(std::string(platform), "failed");
    log::error("engine", {{"event", "update_failed"}, {"platform", std::string(platform)}, {"update_key", msg.update_key}, {"error", what}});
    if (store_failure || what == "shutting down")
      co_return json_error(503, "unavailable", "the update could not be stored; please retry");
    // A bug in handling this one message: not acknowledged, so the platform redelivers it later.
    co_return json_error(500, "internal", "the update could not be processed; please retry");
  }
  ctx.metrics.inbound(std::string(platform), result->duplicate ? "duplicate" : "stored");
  log::info("engine", {{"event", "update"}, {"platform", std::string(platform)}, {"update_key", msg.update_key},
                       {"outcome", result->outcome},
                       {"order", result->orders_created.empty() ? "" : std::to_string(result->orders_created.front().value)}});
  co_return std::move(*result);
}

asio::awaitable<HttpResponse> bridge_messages(RouteContext& ctx, const HttpRequest& req) {
  const auto& token = ctx.config.bridge.token;
  if (token.empty()) co_return json_error(404, "not_found", "the bridge is not enabled on this server");
  auto auth = req.header("authorization");
  constexpr std::string_view bearer = "Bearer ";
  bool ok = auth.size() > bearer.size() && auth.substr(0, bearer.size()) == bearer &&
            constant_time_equal(auth.substr(bearer.size()), token);
  if (!ok) co_return json_error(401, "unauthorized", "missing or wrong bearer token");
  if (!is_json(req.header("content-type")))
    co_return json_error(415, "unsupported_media_type", "expected application/json");
  auto decoded = bridge::decode_message(req.body, unix_now());
  if (auto* err = std::get_if<bridge::DecodeError>(&decoded)) {
    ctx.metrics.inbound("bridge", "rejected");
    co_return json_error(400, "bad_request", err->message);
  }
  auto msg = std::get<handlers::ChatMessage>(std::move(decoded));
  auto admitted = admit_inbound(ctx, msg, "bridge", /*notice=*/false);
  if (admitted.what == Admission::duplicate) co_return json_ok(bridge::encode_replies({}, true));
  if (admitted.what == Admission::refuse) {
    auto res = json_error(429, "too_many_requests",
                          admitted.decision.scope == handlers::LimitScope::chat
                              ? "this chat sends more messages than allowed; retry later"
                              : "this sender sends more messages than allowed; retry later");
    auto seconds = std::max<std::int64_t>(1, (admitted.decision.retry_after_ms + 999) / 1000);
    res.headers.emplace_back("Retry-After", std::to_string(seconds));
    co_return res;
  }
  auto r = co_await store_message(ctx, std::move(msg), "bridge", InResponse::all);
  if (auto* res = std::get_if<HttpResponse>(&r)) co_return std::move(*res);
  const auto& result = std::get<handlers::HandleResult>(r);
  co_return json_ok(bridge::encode_replies(result.replies, result.duplicate));
}

asio::awaitable<HttpResponse> telegram_webhook(RouteContext& ctx, const HttpRequest& req) {
  const auto& tg = ctx.config.telegram;
  if (tg.bot_token.empty()) co_return json_error(404, "not_found", "Telegram is not enabled on this server");
  if (!constant_time_equal(req.header("x-telegram-bot-api-secret-token"), tg.secret_token)) {
    log::warn("telegram", {{"event", "bad_secret"}});
    co_return json_error(401, "unauthorized", "missing or wrong X-Telegram-Bot-Api-Secret-Token");
  }
  if (!is_json(req.header("content-type")))
    co_return json_error(415, "unsupported_media_type", "expected application/json");
  auto decoded = telegram::decode_update(req.body, unix_now());
  if (auto* err = std::get_if<telegram::DecodeError>(&decoded)) {
    ctx.metrics.inbound("telegram", "rejected");
    if (!err->update_key.empty()) {
      // An Update whose message we cannot read: 400 would make Telegram redeliver it for a day
      // and hold back every later update of the bot meanwhile (docs/decisions.md).
      log::warn("telegram", {{"event", "unreadable_update"}, {"update_key", err->update_key}, {"error", err->message}});
      co_return json_ok();
    }
    log::warn("telegram", {{"event", "bad_update"}, {"error", err->message}});
    co_return json_error(400, "bad_request", err->message);
  }
  if (auto* ign = std::get_if<telegram::Ignored>(&decoded)) {
    ctx.metrics.inbound("telegram", "ignored");
    log::debug("telegram", {{"event", "ignored"}, {"update_key", ign->update_key}, {"reason", ign->reason}});
    co_return json_ok();
  }
  auto msg = std::get<handlers::ChatMessage>(std::move(decoded));
  // Over the limits: 200 all the same. Telegram redelivers anything else for a day and holds back
  // the chat's later updates meanwhile (docs/decisions.md).
  if (admit_inbound(ctx, msg, "telegram", /*notice=*/true).what != Admission::accept) co_return json_ok();
  auto r = co_await store_message(ctx, std::move(msg), "telegram", InResponse::none);
  if (auto* res = std::get_if<HttpResponse>(&r)) co_return std::move(*res);
  co_return json_ok();
}

wechat::WechatConfig wechat_config(const config::Config& c) {
  return wechat::WechatConfig{.token = c.wechat.token, .encoding_aes_key = c.wechat.encoding_aes_key,
                              .app_id = c.wechat.app_id, .max_body_bytes = c.server.body_limit};
}

HttpResponse text_response(int status, std::string_view content_type, std::string body) {
  return HttpResponse{.status = status, .content_type = std::string(content_type), .body = std::move(body)};
}

// WeChat Official Account and WeCom callbacks: URL verification (GET) and messages (POST).
asio::awaitable<HttpResponse> wechat_callback(RouteContext& ctx, const HttpRequest& req) {
  if (ctx.config.wechat.token.empty()) co_return json_error(404, "not_found", "WeChat is not enabled on this server");
  auto wc = wechat_config(ctx.config);
  auto q = req.target.find('?');
  auto query = wechat::parse_query(q == std::string::npos ? std::string_view{} : std::string_view(req.target).substr(q + 1));
  if (req.method == "GET") {
    auto v = wechat::verify_url(wc, query);
    if (auto* err = std::get_if<wechat::CallbackError>(&v)) {
      log::warn("wechat", {{"event", "verify_refused"}, {"code", err->code}});
      co_return json_error(err->status, err->code, err->message);
    }
    co_return text_response(200, wechat::kTextContentType, std::get<wechat::UrlVerified>(v).body);
  }
  auto decoded = wechat::decode_post(wc, query, req.body);
  if (auto* err = std::get_if<wechat::CallbackError>(&decoded)) {
    ctx.metrics.inbound("wechat", "rejected");
    log::warn("wechat", {{"event", "bad_callback"}, {"code", err->code}});
    co_return json_error(err->status, err->code, err->message);
  }
  if (auto* ign = std::get_if<wechat::InboundIgnored>(&decoded)) {
    ctx.metrics.inbound("wechat", "ignored");
    log::debug("wechat", {{"event", "ignored"}, {"reason", ign->reason}});
    co_return text_response(200, wechat::kTextContentType, std::string(wechat::kAckBody));
  }
  auto inbound = std::get<wechat::InboundMessage>(std::move(decoded));
  auto platform = std::string(handlers::to_string(inbound.message.platform));
  // Over the limits: "success", or WeChat redelivers it three times.
  if (admit_inbound(ctx, inbound.message, platform, /*notice=*/false).what != Admission::accept)
    co_return text_response(200, wechat::kTextContentType, std::string(wechat::kAckBody));
  auto r = co_await store_message(ctx, std::move(inbound.message), platform, InResponse::single_small);
  if (auto* res = std::get_if<HttpResponse>(&r)) co_return std::move(*res);
  const auto& result = std::get<handlers::HandleResult>(r);
  if (!fits_response(InResponse::single_small, result))
    co_return text_response(200, wechat::kTextContentType, std::string(wechat::kAckBody));
  std::string text;
  for (const auto& m : result.replies) text += (text.empty() ? "" : "\n\n") + m.text;
  co_return text_response(200, wechat::kXmlContentType, wechat::encode_reply(wc, inbound.context, text, unix_now()));
}

std::string metrics_text(RouteContext& ctx) {
  std::ostringstream o;
  o << ctx.metrics.render();
  auto now = unix_now();
  try {
    auto st = ctx.store.outbox_stats();
    o << "# HELP supplybot_outbox_depth Outbox rows by state.\n# TYPE supplybot_outbox_depth gauge\n"
      << "supplybot_outbox_depth{state=\"pending\"} " << st.pending << "\n"
      << "supplybot_outbox_depth{state=\"failed\"} " << st.failed << "\n"
      << "# HELP supplybot_outbox_oldest_pending_seconds Age of the oldest unsent reply.\n"
         "# TYPE supplybot_outbox_oldest_pending_seconds gauge\n"
      << "supplybot_outbox_oldest_pending_seconds " << (st.pending ? now - st.oldest_pending_created : 0) << "\n";
    o << "# HELP supplybot_orders Orders by status.\n# TYPE supplybot_orders gauge\n";
    for (const auto& [status, n] : ctx.store.orders_by_status())
      o << "supplybot_orders{status=\"" << status << "\"} " << n << "\n";
  } catch (const std::exception& e) {
    o << "# store unavailable: " << e.what() << "\n";
  }
  auto ws = ctx.writer.stats();
  static const char* labels[] = {"1", "4", "16", "64", "256", "+Inf"};
  o << "# HELP supplybot_engine_batch_size Messages per engine transaction.\n"
       "# TYPE supplybot_engine_batch_size histogram\n";
  std::uint64_t cumulative = 0;
  for (int i = 0; i < 6; ++i) {
    cumulative += ws.batch_size_buckets[i];
    o << "supplybot_engine_batch_size_bucket{le=\"" << labels[i] << "\"} " << cumulative << "\n";
  }
  o << "supplybot_engine_batch_size_sum " << ws.jobs << "\nsupplybot_engine_batch_size_count " << ws.batches << "\n"
    << "# HELP supplybot_engine_commit_seconds_total Time spent in engine transactions.\n"
       "# TYPE supplybot_engine_commit_seconds_total counter\n"
    << "supplybot_engine_commit_seconds_total " << ws.commit_seconds_sum << "\n"
    << "# HELP supplybot_engine_failed_commits_total Transactions that failed.\n"
       "# TYPE supplybot_engine_failed_commits_total counter\n"
    << "supplybot_engine_failed_commits_total " << ws.failed_commits << "\n"
    << "# HELP supplybot_engine_isolated_retries_total Batches run again with a savepoint per message because one "
       "message failed.\n"
       "# TYPE supplybot_engine_isolated_retries_total counter\n"
    << "supplybot_engine_isolated_retries_total " << ws.isolated_retries << "\n"
    << "# HELP supplybot_engine_syncs_total fsyncs of the WAL that acknowledged committed batches.\n"
       "# TYPE supplybot_engine_syncs_total counter\n"
    << "supplybot_engine_syncs_total " << ws.syncs << "\n"
    << "# HELP supplybot_engine_sync_seconds_total Time spent in those fsyncs (beside the writer).\n"
       "# TYPE supplybot_engine_sync_seconds_total counter\n"
    << "supplybot_engine_sync_seconds_total " << ws.sync_seconds_sum << "\n"
    << "# HELP supplybot_engine_failed_syncs_total fsyncs that failed (their batches answered 5xx).\n"
       "# TYPE supplybot_engine_failed_syncs_total counter\n"
    << "supplybot_engine_failed_syncs_total " << ws.failed_syncs << "\n"
    << "# HELP supplybot_engine_queue_depth Jobs waiting for the writer.\n# TYPE supplybot_engine_queue_depth gauge\n"
    << "supplybot_engine_queue_depth " << ws.queue_depth << "\n";
  for (const auto& c : ctx.store.counters()) {
    auto name = "supplybot_storage_" + c.name + "_total";
    o << "# HELP " << name << " " << c.help << "\n# TYPE " << name << " counter\n" << name << " " << c.value << "\n";
  }
  return o.str();
}

struct Route {
  const char* path;
  const char* method;
};
constexpr Route k_routes[] = {
    {"/telegram/webhook", "POST"}, {"/wechat/callback", "GET"}, {"/wechat/callback", "POST"},
    {"/api/v1/messages", "POST"},  {"/healthz", "GET"},         {"/metrics", "GET"},
};

}  // namespace

std::string route_label(std::string_view path) {
  for (const auto& r : k_routes)
    if (path == r.path) return r.path;
  return "other";
}

asio::awaitable<HttpResponse> handle_request(RouteContext& ctx, HttpRequest req) {
  bool path_known = false, method_ok = false;
  for (const auto& r : k_routes) {
    if (req.path != r.path) continue;
    path_known = true;
    if (req.method == r.method) method_ok = true;
  }
  if (!path_known) co_return json_error(404, "not_found", "no such route: " + req.path);
  if (!method_ok) {
    std::string allow;
    for (const auto& r : k_routes)
      if (req.path == r.path) allow += (allow.empty() ? "" : ", ") + std::string(r.method);
    auto res = json_error(405, "method_not_allowed", req.method + " is not allowed on " + req.path);
    res.headers.emplace_back("Allow", allow);
    co_return res;
  }
  if (req.path == "/healthz") {
    if (ctx.store.healthy()) co_return json_ok("{\"status\":\"ok\"}");
    co_return json_error(503, "unavailable", "the database does not answer");
  }
  if (req.path == "/metrics") {
    co_return HttpResponse{.status = 200, .content_type = "text/plain; version=0.0.4", .body = metrics_text(ctx)};
  }
  if (req.path == "/telegram/webhook") co_return co_await telegram_webhook(ctx, req);
  if (req.path == "/api/v1/messages") co_return co_await bridge_messages(ctx, req);
  if (req.path == "/wechat/callback") co_return co_await wechat_callback(ctx, req);
  co_return json_error(404, "not_found", "this route is not enabled on this server");
}

}  // namespace supplybot::bot
