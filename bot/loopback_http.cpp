#include "bot/loopback_http.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <optional>
#include <random>

namespace supplybot::bot::loopback {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Reply http_request(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                   const std::map<std::string, std::string>& headers) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  beast::error_code write_error;
  // A server may answer (413) and close before the whole body is sent: still read its answer.
  http::write(stream, req, write_error);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser);
  auto res = parser.release();
  Reply r;
  r.status = static_cast<int>(res.result_int());
  r.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return r;
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.expires_after(timeout);
  beast::error_code ec;
  asio::write(stream.socket(), asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  auto deadline = std::chrono::steady_clock::now() + timeout;
  stream.socket().non_blocking(false);
  while (std::chrono::steady_clock::now() < deadline) {
    stream.expires_at(deadline);
    std::size_t n = 0;
    bool done = false;
    stream.async_read_some(asio::buffer(buf), [&](beast::error_code e, std::size_t k) {
      ec = e;
      n = k;
      done = true;
    });
    ioc.restart();
    ioc.run();
    if (!done || ec) break;
    out.append(buf, n);
  }
  return out;
}

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The value of `name="..."` in a Content-Disposition header, if there.
std::optional<std::string> disposition_param(const std::string& header, const std::string& name) {
  std::string key = name + "=\"";
  for (std::size_t at = header.find(key); at != std::string::npos; at = header.find(key, at + 1)) {
    if (at > 0 && header[at - 1] != ' ' && header[at - 1] != ';') continue;  // "filename" is not "name"
    auto begin = at + key.size();
    auto end = header.find('"', begin);
    if (end == std::string::npos) return std::nullopt;
    return header.substr(begin, end - begin);
  }
  return std::nullopt;
}

}  // namespace

bool parse_multipart(const std::string& content_type, const std::string& body, RecordedCall& out) {
  if (lower(content_type).rfind("multipart/form-data", 0) != 0) return false;
  auto b = content_type.find("boundary=");
  if (b == std::string::npos) return false;
  std::string boundary = content_type.substr(b + 9);
  if (auto semi = boundary.find(';'); semi != std::string::npos) boundary.resize(semi);
  if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') boundary = boundary.substr(1, boundary.size() - 2);
  const std::string delimiter = "--" + boundary;
  auto pos = body.find(delimiter);
  if (pos == std::string::npos) return false;
  for (;;) {
    pos += delimiter.size();
    if (body.compare(pos, 2, "--") == 0) return true;  // closing delimiter
    if (body.compare(pos, 2, "\r\n") != 0) return false;
    pos += 2;
    auto headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string::npos) return false;
    std::string headers = body.substr(pos, headers_end - pos);
    auto content_begin = headers_end + 4;
    auto next = body.find("\r\n" + delimiter, content_begin);
    if (next == std::string::npos) return false;
    std::string content = body.substr(content_begin, next - content_begin);
    std::string disposition, part_type;
    std::size_t line_start = 0;
    while (line_start <= headers.size()) {
      auto line_end = headers.find("\r\n", line_start);
      std::string line = headers.substr(line_start, line_end == std::string::npos ? std::string::npos : line_end - line_start);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = lower(line.substr(0, colon));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (name == "content-disposition") disposition = value;
        else if (name == "content-type") part_type = value;
      }
      if (line_end == std::string::npos) break;
      line_start = line_end + 2;
    }
    auto field = disposition_param(disposition, "name");
    if (!field) return false;
    if (auto file = disposition_param(disposition, "filename")) {
      out.file_field = *field;
      out.file_name = *file;
      out.file_content_type = part_type;
      out.file_contents = std::move(content);
    } else {
      out.form[*field] = std::move(content);
    }
    pos = next + 2;
  }
}

class ServerCore {
 public:
  // bot_api: targets are /bot<TOKEN>/<method> and success answers carry a fresh message_id.
  ServerCore(bool bot_api, ScriptedAnswer default_answer, const TlsFiles* files)
      : bot_api_(bot_api), default_answer_(std::move(default_answer)) {
    if (files) {
      tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      tls_->use_certificate_chain_file(files->cert.string());
      tls_->use_private_key_file(files->key.string(), asio::ssl::context::pem);
    }
    start();
  }
  ~ServerCore();

  std::uint16_t port() const { return port_; }
  bool tls() const { return tls_ != nullptr; }

  void script(std::vector<ScriptedAnswer> answers) {
    std::lock_guard lock(mutex_);
    for (auto& a : answers) script_.push_back(std::move(a));
  }
  std::vector<RecordedCall> bot_calls() const {
    std::lock_guard lock(mutex_);
    return bot_calls_;
  }
  std::vector<HttpCall> http_calls() const {
    std::lock_guard lock(mutex_);
    return http_calls_;
  }
  bool wait_for_calls(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return http_calls_.size() >= n; });
  }

 private:
  void start();

  void serve(tcp::socket&& socket_in) {
    if (!tls_) {
      serve_stream(socket_in);
      return;
    }
    asio::ssl::stream<tcp::socket&> stream(socket_in, *tls_);
    beast::error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) return;  // e.g. the client refused our certificate
    serve_stream(stream);
  }

  template <typename Stream>
  void serve_stream(Stream& socket) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      http::read(socket, buffer, parser, ec);
      if (ec) return;
      auto req = parser.release();
      HttpCall raw{.method = std::string(req.method_string()), .target = std::string(req.target()), .body = req.body()};
      for (const auto& f : req) raw.headers[lower(std::string(f.name_string()))] = std::string(f.value());
      RecordedCall call;
      if (bot_api_) {
        // target: /bot<TOKEN>/<method>
        call.body = req.body();
        call.content_type = raw.headers["content-type"];
        if (raw.target.rfind("/bot", 0) == 0) {
          auto slash = raw.target.find('/', 4);
          call.token = raw.target.substr(4, slash - 4);
          if (slash != std::string::npos) call.method = raw.target.substr(slash + 1);
        }
        parse_multipart(call.content_type, call.body, call);
      }
      ScriptedAnswer answer = default_answer_;
      {
        std::lock_guard lock(mutex_);
        if (!script_.empty()) {
          answer = script_.front();
          script_.pop_front();
        }
        if (bot_api_ && answer.body.empty() && answer.status == 200)
          answer.body = R"({"ok":true,"result":{"message_id":)" + std::to_string(next_message_id_++) + "}}";
        if (bot_api_) bot_calls_.push_back(std::move(call));
        http_calls_.push_back(std::move(raw));
      }
      cv_.notify_all();
      http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
      res.set(http::field::content_type, "application/json");
      if (!answer.retry_after_header.empty()) res.set(http::field::retry_after, answer.retry_after_header);
      res.body() = answer.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  const bool bot_api_;
  const ScriptedAnswer default_answer_;
  std::unique_ptr<asio::ssl::context> tls_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_};
  std::uint16_t port_{0};
  std::thread thread_;
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  std::vector<RecordedCall> bot_calls_;
  std::vector<HttpCall> http_calls_;
  std::deque<ScriptedAnswer> script_;
  std::int64_t next_message_id_{1000};
  std::vector<std::thread> workers_;
  std::vector<tcp::socket*> open_sockets_;
};

void ServerCore::start() {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      std::lock_guard lock(mutex_);
      workers_.emplace_back([this, s = std::move(socket)]() mutable {
        {
          std::lock_guard l(mutex_);
          open_sockets_.push_back(&s);
        }
        serve(std::move(s));
        std::lock_guard l(mutex_);
        std::erase(open_sockets_, &s);
      });
    }
  });
}

ServerCore::~ServerCore() {
  beast::error_code ec;
  acceptor_.close(ec);
  // Unblock accept() by connecting once.
  try {
    asio::io_context ioc;
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  } catch (...) {
  }
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mutex_);
    for (auto* s : open_sockets_) s->shutdown(tcp::socket::shutdown_both, ec);
  }
  for (auto& t : workers_) t.join();
}

TlsFiles make_self_signed(const std::filesystem::path& dir) {
  TlsFiles f{dir / "cert.pem", dir / "key.pem"};
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                    "-addext subjectAltName=IP:127.0.0.1 -keyout " + f.key.string() + " -out " + f.cert.string() +
                    " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
  return f;
}

FakeBotApi::FakeBotApi() : core_(std::make_unique<ServerCore>(true, ScriptedAnswer{}, nullptr)) {}

FakeBotApi::FakeBotApi(const TlsFiles& files) : core_(std::make_unique<ServerCore>(true, ScriptedAnswer{}, &files)) {}

FakeBotApi::~FakeBotApi() = default;

std::uint16_t FakeBotApi::port() const { return core_->port(); }

std::string FakeBotApi::api_root() const {
  return (core_->tls() ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(core_->port());
}

void FakeBotApi::script(std::vector<ScriptedAnswer> answers) { core_->script(std::move(answers)); }

std::vector<RecordedCall> FakeBotApi::calls() const { return core_->bot_calls(); }

bool FakeBotApi::wait_for_calls(std::size_t n, std::chrono::milliseconds timeout) const {
  return core_->wait_for_calls(n, timeout);
}

FakeHttpServer::FakeHttpServer(ScriptedAnswer default_answer)
    : core_(std::make_unique<ServerCore>(false, std::move(default_answer), nullptr)) {}

FakeHttpServer::~FakeHttpServer() = default;

std::uint16_t FakeHttpServer::port() const { return core_->port(); }

std::string FakeHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(core_->port()) + path;
}

void FakeHttpServer::script(std::vector<ScriptedAnswer> answers) { core_->script(std::move(answers)); }

std::vector<HttpCall> FakeHttpServer::calls() const { return core_->http_calls(); }

bool FakeHttpServer::wait_for_calls(std::size_t n, std::chrono::milliseconds timeout) const {
  return core_->wait_for_calls(n, timeout);
}

}  // namespace supplybot::bot::loopback
