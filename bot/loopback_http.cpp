#include "bot/loopback_http.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
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

struct FakeBotApi::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  mutable std::mutex mutex;
  mutable std::condition_variable cv;
  std::vector<RecordedCall> calls;
  std::deque<ScriptedAnswer> script;
  std::int64_t next_message_id{1000};
  std::vector<std::thread> workers;
  std::vector<tcp::socket*> open_sockets;

  std::unique_ptr<asio::ssl::context> tls;

  void serve(tcp::socket&& socket_in) {
    if (!tls) {
      serve_stream(socket_in);
      return;
    }
    asio::ssl::stream<tcp::socket&> stream(socket_in, *tls);
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
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      // target: /bot<TOKEN>/<method>
      std::string target(req.target());
      RecordedCall call;
      call.body = req.body();
      if (target.rfind("/bot", 0) == 0) {
        auto slash = target.find('/', 4);
        call.token = target.substr(4, slash - 4);
        if (slash != std::string::npos) call.method = target.substr(slash + 1);
      }
      ScriptedAnswer answer;
      {
        std::lock_guard lock(mutex);
        if (!script.empty()) {
          answer = script.front();
          script.pop_front();
        }
        if (answer.body.empty() && answer.status == 200)
          answer.body = R"({"ok":true,"result":{"message_id":)" + std::to_string(next_message_id++) + "}}";
        calls.push_back(call);
      }
      cv.notify_all();
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
};

FakeBotApi::FakeBotApi() : impl_(std::make_unique<Impl>()) { start(); }

FakeBotApi::FakeBotApi(const TlsFiles& files) : impl_(std::make_unique<Impl>()), tls_(true) {
  impl_->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  impl_->tls->use_certificate_chain_file(files.cert.string());
  impl_->tls->use_private_key_file(files.key.string(), asio::ssl::context::pem);
  start();
}

TlsFiles make_self_signed(const std::filesystem::path& dir) {
  TlsFiles f{dir / "cert.pem", dir / "key.pem"};
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                    "-addext subjectAltName=IP:127.0.0.1 -keyout " + f.key.string() + " -out " + f.cert.string() +
                    " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
  return f;
}

void FakeBotApi::start() {
  auto& im = *impl_;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  im.acceptor.open(ep.protocol());
  im.acceptor.set_option(asio::socket_base::reuse_address(true));
  im.acceptor.bind(ep);
  im.acceptor.listen();
  port_ = im.acceptor.local_endpoint().port();
  im.thread = std::thread([&im] {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket(im.ioc);
      im.acceptor.accept(socket, ec);
      if (ec) return;
      std::lock_guard lock(im.mutex);
      im.workers.emplace_back([&im, s = std::move(socket)]() mutable {
        {
          std::lock_guard l(im.mutex);
          im.open_sockets.push_back(&s);
        }
        im.serve(std::move(s));
        std::lock_guard l(im.mutex);
        std::erase(im.open_sockets, &s);
      });
    }
  });
}

FakeBotApi::~FakeBotApi() {
  beast::error_code ec;
  impl_->acceptor.close(ec);
  // Unblock accept() by connecting once.
  try {
    asio::io_context ioc;
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  } catch (...) {
  }
  if (impl_->thread.joinable()) impl_->thread.join();
  {
    std::lock_guard lock(impl_->mutex);
    for (auto* s : impl_->open_sockets) s->shutdown(tcp::socket::shutdown_both, ec);
  }
  for (auto& t : impl_->workers) t.join();
}

void FakeBotApi::script(std::vector<ScriptedAnswer> answers) {
  std::lock_guard lock(impl_->mutex);
  for (auto& a : answers) impl_->script.push_back(std::move(a));
}

std::vector<RecordedCall> FakeBotApi::calls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calls;
}

bool FakeBotApi::wait_for_calls(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->calls.size() >= n; });
}

}  // namespace supplybot::bot::loopback
