#include "bot/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>

#include <variant>

namespace supplybot::bot {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::optional<Url> parse_url(std::string_view text) {
  Url u;
  if (text.rfind("https://", 0) == 0) {
    u.tls = true;
    text.remove_prefix(8);
  } else if (text.rfind("http://", 0) == 0) {
    text.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  auto slash = text.find_first_of("/?");
  std::string_view hostport = text.substr(0, slash);
  if (slash != std::string_view::npos) u.path = (text[slash] == '?' ? "/" : "") + std::string(text.substr(slash));
  while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
  if (hostport.empty()) return std::nullopt;
  if (hostport.front() == '[') {  // [::1]:8080
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(hostport.substr(1, close - 1));
    if (close + 1 < hostport.size() && hostport[close + 1] == ':') u.port = std::string(hostport.substr(close + 2));
  } else {
    auto colon = hostport.rfind(':');
    u.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) u.port = std::string(hostport.substr(colon + 1));
  }
  if (u.host.empty()) return std::nullopt;
  if (u.port.empty()) u.port = u.tls ? "443" : "80";
  return u;
}

struct HttpClient::Impl {
  asio::any_io_executor executor;
  ssl::context tls{ssl::context::tls_client};
  using Plain = beast::tcp_stream;
  using Secure = beast::ssl_stream<beast::tcp_stream>;
  std::variant<std::monostate, Plain, Secure> conn;
  std::string conn_key;  // host:port:tls of the open connection
  beast::flat_buffer buffer;

  Impl(asio::any_io_executor ex, const std::string& ca_file) : executor(std::move(ex)) {
    tls.set_default_verify_paths();
    if (!ca_file.empty()) tls.load_verify_file(ca_file);
    tls.set_verify_mode(ssl::verify_peer);
  }

  asio::awaitable<beast::error_code> connect(const Url& u, std::chrono::milliseconds timeout) {
    tcp::resolver resolver(executor);
    auto [ec, results] = co_await resolver.async_resolve(u.host, u.port, use_tuple);
    if (ec) co_return ec;
    if (u.tls) {
      auto& s = conn.emplace<Secure>(executor, tls);
      if (!SSL_set_tlsext_host_name(s.native_handle(), u.host.c_str())) {
        co_return beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
      }
      s.set_verify_callback(ssl::host_name_verification(u.host));
      beast::get_lowest_layer(s).expires_after(timeout);
      auto [cec, ep] = co_await beast::get_lowest_layer(s).async_connect(results, use_tuple);
      if (cec) co_return cec;
      auto [hec] = co_await s.async_handshake(ssl::stream_base::client, use_tuple);
      if (hec) co_return hec;
    } else {
      auto& s = conn.emplace<Plain>(executor);
      s.expires_after(timeout);
      auto [cec, ep] = co_await s.async_connect(results, use_tuple);
      if (cec) co_return cec;
    }
    co_return beast::error_code{};
  }

  // resendable: the server cannot have acted on the request (the write failed, or a kept-alive
  // connection turned out closed before any answer byte), so sending it again is safe.
  template <typename Stream>
  asio::awaitable<HttpResult> exchange(Stream& s, http::request<http::string_body>& req,
                                       std::chrono::milliseconds timeout, bool& keep, bool& resendable) {
    HttpResult out;
    resendable = false;
    beast::get_lowest_layer(s).expires_after(timeout);
    auto [wec, wn] = co_await http::async_write(s, req, use_tuple);
    if (wec) {
      out.error = "write: " + wec.message();
      keep = false;
      resendable = wec != beast::error::timeout;
      co_return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(8 * 1024 * 1024);
    auto [rec, rn] = co_await http::async_read(s, buffer, parser, use_tuple);
    if (rec) {
      out.error = "read: " + rec.message();
      keep = false;
      resendable = rn == 0 && (rec == http::error::end_of_stream || rec == asio::error::eof ||
                               rec == asio::error::connection_reset);
      co_return out;
    }
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    if (auto it = res.find(http::field::retry_after); it != res.end()) out.retry_after = std::string(it->value());
    keep = res.keep_alive();
    co_return out;
  }
};

HttpClient::HttpClient(asio::any_io_executor executor, const std::string& ca_file)
    : impl_(std::make_unique<Impl>(std::move(executor), ca_file)) {}

HttpClient::~HttpClient() = default;

void HttpClient::close() {
  impl_->conn.emplace<std::monostate>();
  impl_->conn_key.clear();
  impl_->buffer.clear();
}

asio::awaitable<HttpResult> HttpClient::post(const Url& base, std::string target, std::string content_type,
                                             std::string body, std::chrono::milliseconds timeout) {
  Headers none;  // named: a temporary in the co_await expression is unsafe with GCC 12
  co_return co_await post(base, std::move(target), std::move(content_type), std::move(body), timeout, std::move(none));
}

asio::awaitable<HttpResult> HttpClient::post(const Url& base, std::string target, std::string content_type,
                                             std::string body, std::chrono::milliseconds timeout, Headers headers) {
  auto& im = *impl_;
  std::string key = base.host + ":" + base.port + (base.tls ? ":tls" : "");
  http::request<http::string_body> req{http::verb::post, base.path + target, 11};
  req.set(http::field::host, base.host);
  req.set(http::field::user_agent, "supplybot/" SUPPLYBOT_VERSION);
  req.set(http::field::content_type, content_type);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.keep_alive(true);
  req.body() = std::move(body);
  req.prepare_payload();

  // A kept-alive connection may have been closed by the server meanwhile: one fresh retry.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = !std::holds_alternative<std::monostate>(im.conn) && im.conn_key == key;
    if (!reused) {
      close();
      auto ec = co_await im.connect(base, timeout);
      if (ec) {
        close();
        co_return HttpResult{.error = "connect " + base.host + ": " + ec.message()};
      }
      im.conn_key = key;
    }
    bool keep = true, resendable = false;
    HttpResult r;
    if (auto* s = std::get_if<Impl::Plain>(&im.conn)) r = co_await im.exchange(*s, req, timeout, keep, resendable);
    else if (auto* t = std::get_if<Impl::Secure>(&im.conn)) r = co_await im.exchange(*t, req, timeout, keep, resendable);
    if (!keep) close();
    // A kept-alive connection the server had closed: once more on a new one. Anything else
    // (a timeout after the request went out) goes back to the outbox's backoff, since the
    // message may have been delivered and must not be sent twice in a row here.
    if (r.status == 0 && reused && resendable) continue;
    co_return r;
  }
  co_return HttpResult{.error = "connection closed"};
}

}  // namespace supplybot::bot
