#pragma once
// A small HTTP/1.1 client for the outbox: POSTs JSON to the Bot API (or a webhook), http or
// https with the peer certificate and host name verified, one kept-alive connection reused
// between calls. Not thread-safe: one client per worker coroutine.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace supplybot::bot {

struct Url {
  bool tls{false};
  std::string host;
  std::string port;
  std::string path;  // without trailing '/', may be empty
};

// http(s)://host[:port][/path]; nullopt when it is not such a URL.
std::optional<Url> parse_url(std::string_view text);

struct HttpResult {
  int status{0};  // 0: no HTTP answer (see error)
  std::string body;
  std::string retry_after;  // Retry-After header
  std::string error;        // transport error text
};

class HttpClient {
 public:
  // ca_file: extra trusted CA bundle (empty = the system store only).
  HttpClient(boost::asio::any_io_executor executor, const std::string& ca_file);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  using Headers = std::vector<std::pair<std::string, std::string>>;

  boost::asio::awaitable<HttpResult> post(const Url& base, std::string target, std::string content_type,
                                          std::string body, std::chrono::milliseconds timeout);
  // The same with extra request headers (Authorization, ...).
  boost::asio::awaitable<HttpResult> post(const Url& base, std::string target, std::string content_type,
                                          std::string body, std::chrono::milliseconds timeout, Headers headers);
  // Drops the kept-alive connection.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace supplybot::bot
