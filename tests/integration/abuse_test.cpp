// Bad input and abuse (issue 7) through the real server on a loopback port: flooding senders and
// chats, too many connections and slow clients, deeply nested JSON.

#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <thread>

#include "bot/routes.hpp"
#include "bot/service.hpp"
#include "bot/wechat/simulator.hpp"
#include "config/config.hpp"
#include "tests/support/test_config.hpp"
#include "tests/support/test_http.hpp"

using namespace supplybot;
using namespace supplybot::testing;
using nlohmann::json;
namespace wechat = supplybot::bot::wechat;

namespace {

const auto& k_tg = k_telegram_headers;
const std::map<std::string, std::string> k_bridge = {{"Authorization", "Bearer bridge-token"},
                                                     {"Content-Type", "application/json"}};

config::Config abuse_config(const TempDir& dir, const std::string& api_root, config::Environment extra = {}) {
  extra.try_emplace("SUPPLYBOT_TELEGRAM_PER_CHAT_PER_MINUTE", "1000");
  return telegram_config(dir, api_root, extra);
}

// WeChat only, plain mode unless extra sets a key.
config::Config wechat_only_config(const TempDir& dir, config::Environment extra) {
  extra.try_emplace("SUPPLYBOT_WECHAT_TOKEN", "wxtoken");
  extra.try_emplace("SUPPLYBOT_WECHAT_APP_ID", "wx1234567890abcdef");
  return server_config(dir, extra);
}

std::string tg_update(std::int64_t update_id, const std::string& text, std::int64_t user_id = 777,
                      std::int64_t chat_id = -100123, const char* language = "zh-hans") {
  json msg = {{"message_id", update_id + 1000},
              {"date", 1764300000},
              {"chat", {{"id", chat_id}, {"type", "supergroup"}, {"title", "3号楼"}}},
              {"from", {{"id", user_id}, {"is_bot", false}, {"first_name", "王"}, {"language_code", language}}},
              {"text", text}};
  return json{{"update_id", update_id}, {"message", msg}}.dump();
}

std::string bridge_message(const std::string& message_id, const std::string& sender = "wang",
                           const std::string& chat = "room1") {
  return json{{"platform", "wechat"}, {"chat_id", chat}, {"chat_type", "group"}, {"sender_id", sender},
              {"sender_name", "王阿姨"}, {"message_id", message_id}, {"text", "3栋2单元502 白菜2斤"}}
      .dump();
}

std::int64_t count(const std::filesystem::path& db, const std::string& sql) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  d.setBusyTimeout(5000);
  SQLite::Statement q(d, sql);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

std::string metrics(std::uint16_t port) { return http_request(port, "GET", "/metrics").body; }

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

std::size_t calls_with(const FakeBotApi& api, const std::string& needle) {
  auto calls = api.calls();
  return static_cast<std::size_t>(std::count_if(calls.begin(), calls.end(), [&](const RecordedCall& c) {
    return c.body.find(needle) != std::string::npos;
  }));
}

// A plain blocking TCP client to 127.0.0.1, for clients that misbehave on purpose.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~RawConnection() { close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // False once the server has closed the connection.
  bool send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Reads what arrives within timeout, until the server closes (sets closed()), `until` shows up
  // or `enough` bytes have arrived.
  std::string receive(std::chrono::milliseconds timeout, std::string_view until = {}, std::size_t enough = 0) {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
      if (!until.empty() && got.find(until) != std::string::npos) break;
      if (enough && got.size() >= enough) break;
    }
    return got;
  }
  bool closed() const { return closed_; }
  // GET on this (keep-alive) connection; the whole answer, body included ("" on failure).
  std::string get(std::string_view target) {
    if (!send("GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n\r\n")) return {};
    auto got = receive(std::chrono::seconds(5), "\r\n\r\n");
    auto end = got.find("\r\n\r\n");
    auto cl = got.find("Content-Length: ");
    if (end == std::string::npos || cl == std::string::npos) return {};
    auto total = end + 4 + std::stoul(got.substr(cl + 16));
    // Up to the end of the body, not the timeout: /metrics is longer than one read.
    while (got.size() < total && !closed_) {
      auto more = receive(std::chrono::seconds(5), {}, total - got.size());
      if (more.empty()) break;
      got += more;
    }
    return got;
  }

 private:
  int fd_{-1};
  bool closed_{false};
};

// Sends a header one line every 300 ms and returns how long the server took to close the
// connection (or `give_up` if it never did).
std::chrono::milliseconds drip_until_closed(RawConnection& c, std::chrono::milliseconds give_up) {
  auto start = std::chrono::steady_clock::now();
  c.send("POST /api/v1/messages HTTP/1.1\r\nHost: x\r\n");
  for (int i = 0; std::chrono::steady_clock::now() - start < give_up; ++i) {
    c.receive(std::chrono::milliseconds(300));
    if (c.closed() || !c.send("X-Slow-" + std::to_string(i) + ": a\r\n")) break;
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

std::int64_t metric_value(const std::string& text, const std::string& name) {
  auto pos = text.find("\n" + name + " ");
  if (pos == std::string::npos) return -1;
  return std::stoll(text.substr(pos + name.size() + 2));
}

// The real binary in a process of its own, so a crash shows as a dead process and its memory
// can be read from /proc.
class ServerProcess {
 public:
  explicit ServerProcess(const TempDir& dir) : log_(dir.path() / "server.log") {
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      setenv("SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0", 1);
      setenv("SUPPLYBOT_SERVER_THREADS", "2", 1);
      setenv("SUPPLYBOT_STORAGE_PATH", (dir.path() / "db.sqlite").c_str(), 1);
      setenv("SUPPLYBOT_BOT_CATALOG", SUPPLYBOT_SOURCE_DIR "/config/catalog.toml", 1);
      setenv("SUPPLYBOT_TELEGRAM_BOT_TOKEN", "123:TEST", 1);
      setenv("SUPPLYBOT_TELEGRAM_SECRET_TOKEN", "s3cret-token", 1);
      setenv("SUPPLYBOT_TELEGRAM_API_ROOT", "http://127.0.0.1:1", 1);
      setenv("SUPPLYBOT_BRIDGE_TOKEN", "bridge-token", 1);
      if (!freopen(log_.c_str(), "w", stderr)) _exit(126);
      execl(SUPPLYBOT_BINARY, SUPPLYBOT_BINARY, "serve", static_cast<char*>(nullptr));
      _exit(127);
    }
    std::regex re("event=listening .*port=([0-9]+)");
    for (int i = 0; i < 400 && port_ == 0; ++i) {
      std::ifstream in(log_);
      std::string line;
      while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_search(line, m, re)) port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
      }
      if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(port_ != 0);
  }
  ~ServerProcess() {
    if (alive()) kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  bool alive() {
    int status = 0;
    return waitpid(pid_, &status, WNOHANG) == 0;
  }
  // Peak resident memory so far, in KiB (VmHWM).
  std::int64_t peak_kib() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
    return -1;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_{-1};
  std::uint16_t port_{0};
};

}  // namespace

TEST_CASE("json: deeply nested bodies get 400 on every JSON route; the server lives and its memory stays flat") {
  TempDir dir;
  ServerProcess server(dir);
  auto port = server.port();
  REQUIRE(http_request(port, "GET", "/healthz").status == 200);
  // Warm up the paths a normal request takes, so the peak below is the nesting's alone.
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(1, "/help"), k_tg).status == 200);
  CHECK(http_request(port, "POST", "/api/v1/messages", bridge_message("m1"), k_bridge).status == 200);
  auto before = server.peak_kib();

  // About 1 MB of '[' (just under the body limit): unclosed, closed, and inside a valid update.
  const std::size_t n = 1000000;
  std::vector<std::string> bodies = {std::string(n, '['), std::string(n / 2, '[') + std::string(n / 2, ']'),
                                     R"({"update_id":2,"message":{"message_id":1,"chat":{"id":-1,"type":"group"},"text":)" +
                                         std::string(n - 100, '[')};
  for (const auto& [route, headers] : {std::pair{"/telegram/webhook", k_tg}, std::pair{"/api/v1/messages", k_bridge}}) {
    std::string path = route;
    for (const auto& body : bodies) {
      CAPTURE(path);
      auto r = http_request(port, "POST", path, body, headers);
      CHECK(r.status == 400);
      auto j = json::parse(r.body, nullptr, false);
      CHECK(j.value("error", "") == "bad_request");
      CHECK(j.value("message", "").find("nested") != std::string::npos);
      REQUIRE(server.alive());
    }
  }
  // Nesting within reason is still read.
  std::string nested_ok = R"({"update_id":3,"message":{"message_id":2,"chat":{"id":-1,"type":"group"},"text":"/help",)"
                          R"("entities":[[[[[[[[[[{"a":[[[[1]]]]}]]]]]]]]]]}})";
  CHECK(http_request(port, "POST", "/telegram/webhook", nested_ok, k_tg).status == 200);

  CHECK(http_request(port, "GET", "/healthz").status == 200);
  auto after = server.peak_kib();
  MESSAGE("peak resident memory before " << before << " KiB, after " << after << " KiB");
  // Six 1 MB bodies, one at a time: a few MB of buffers, not the ~80 MB a DOM of a million
  // nested arrays takes.
  CHECK(after - before < 24 * 1024);
}

// Waits until the open-connection gauge, read on `c` (a keep-alive connection of the caller's,
// so no new connection disturbs the count), shows `want`; the accept loop may still be taking the
// last ones.
std::int64_t wait_connections(RawConnection& c, std::int64_t want) {
  auto g = metric_value(c.get("/metrics"), "supplybot_http_connections");
  for (int i = 0; i < 100 && g != want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    g = metric_value(c.get("/metrics"), "supplybot_http_connections");
  }
  return g;
}

TEST_CASE("connections: at server.max_connections with every connection mid-request, a new one is answered 503 and closed; the others keep being served") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(), {{"SUPPLYBOT_SERVER_MAX_CONNECTIONS", "20"}}));
  service.start();
  auto port = service.port();
  // Each has sent part of a header: busy with a request, so none may be closed to make room.
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 20; ++i) {
    open.push_back(std::make_unique<RawConnection>(port));
    open.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  }
  // The last one asks for the count and then is busy again, like the others.
  REQUIRE(open[19]->send("\r\n"));
  open[19]->receive(std::chrono::seconds(5), "\"ok\"");
  REQUIRE(wait_connections(*open[19], 20) == 20);
  open[19]->send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the server has read it

  auto t0 = std::chrono::steady_clock::now();
  RawConnection over(port);
  over.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto answer = over.receive(std::chrono::seconds(5));
  CHECK(answer.rfind("HTTP/1.1 503", 0) == 0);
  CHECK(answer.find("\"error\":\"unavailable\"") != std::string::npos);
  CHECK(over.closed());
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  // A client that sends nothing is closed at once too.
  RawConnection silent(port);
  silent.receive(std::chrono::seconds(5));
  CHECK(silent.closed());

  // The open connections still work: they finish their requests.
  for (int i : {0, 1, 19}) {
    REQUIRE(open[i]->send("\r\n"));
    CHECK(open[i]->receive(std::chrono::seconds(5), "\"ok\"").find("HTTP/1.1 200") == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the server is waiting again
  }
  // Now three of them are idle between requests: a new connection takes the place of the one
  // idle longest, and is served.
  CHECK(http_request(port, "GET", "/healthz").status == 200);
  open[0]->receive(std::chrono::seconds(5));
  CHECK(open[0]->closed());

  // Once some close, new connections are served again without closing anyone.
  for (std::size_t i = 10; i < 19; ++i) open[i]->close();
  CHECK(wait_connections(*open[1], 10) == 10);
  CHECK(http_request(port, "GET", "/healthz").status == 200);
  auto m = open[1]->get("/metrics");
  CHECK(metric_value(m, "supplybot_http_connections_refused_total") == 2);
  CHECK(metric_value(m, "supplybot_http_connections_evicted_total") == 1);
  service.stop();
}

TEST_CASE("connections: at server.max_connections a new connection takes the place of the one idle longest") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(), {{"SUPPLYBOT_SERVER_MAX_CONNECTIONS", "20"}}));
  service.start();
  auto port = service.port();
  std::vector<std::unique_ptr<RawConnection>> held;

  SUBCASE("keep-alive connections between requests") {
    // One after the other, so connection 0 has waited longest for its next request.
    for (int i = 0; i < 20; ++i) {
      held.push_back(std::make_unique<RawConnection>(port));
      REQUIRE(held.back()->get("/healthz").find("HTTP/1.1 200") == 0);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  SUBCASE("new connections that have sent nothing yet") {
    for (int i = 0; i < 20; ++i) {
      held.push_back(std::make_unique<RawConnection>(port));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  // The count, asked on the last one (which is then the most recently idle).
  REQUIRE(wait_connections(*held[19], 20) == 20);

  // A webhook delivery on a new connection is served at once, not refused.
  auto t0 = std::chrono::steady_clock::now();
  auto r = http_request(port, "POST", "/telegram/webhook", tg_update(1, "3栋2单元502 白菜2斤"), k_tg);
  CHECK(r.status == 200);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 1);
  // The one idle longest made room.
  held[0]->receive(std::chrono::seconds(5));
  CHECK(held[0]->closed());
  // Below the limit again once the webhook's connection has closed: nobody is evicted for the
  // next one; for the one after it, the next longest idle.
  REQUIRE(wait_connections(*held[19], 19) == 19);
  RawConnection below(port);
  CHECK(below.get("/healthz").find("HTTP/1.1 200") == 0);
  held[1]->receive(std::chrono::milliseconds(200));
  CHECK_FALSE(held[1]->closed());
  RawConnection again(port);
  CHECK(again.get("/healthz").find("HTTP/1.1 200") == 0);
  held[1]->receive(std::chrono::seconds(5));
  CHECK(held[1]->closed());
  // The rest are still open and served.
  CHECK_FALSE(held[2]->closed());
  CHECK(held[2]->get("/healthz").find("HTTP/1.1 200") == 0);

  auto m = again.get("/metrics");
  CHECK(metric_value(m, "supplybot_http_connections") == 20);
  CHECK(metric_value(m, "supplybot_http_connections_evicted_total") == 2);
  CHECK(metric_value(m, "supplybot_http_connections_refused_total") == 0);
  service.stop();
}

TEST_CASE("connections: a header dripped byte by byte (slowloris) is cut off after read_timeout, on new and keep-alive connections") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(),
                                    {{"SUPPLYBOT_SERVER_READ_TIMEOUT", "2"}, {"SUPPLYBOT_SERVER_IDLE_TIMEOUT", "30"}}));
  service.start();
  auto port = service.port();

  SUBCASE("a new connection") {
    RawConnection slow(port);
    auto took = drip_until_closed(slow, std::chrono::seconds(20));
    CHECK(slow.closed());
    CHECK(took >= std::chrono::milliseconds(1500));
    CHECK(took < std::chrono::milliseconds(4000));
  }
  SUBCASE("a keep-alive connection after a good request: idle_timeout does not stretch the header's time") {
    RawConnection slow(port);
    slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(slow.receive(std::chrono::seconds(5), "\"ok\"").find("HTTP/1.1 200") == 0);
    auto took = drip_until_closed(slow, std::chrono::seconds(20));
    CHECK(slow.closed());
    CHECK(took < std::chrono::milliseconds(4000));
  }
  SUBCASE("others are served meanwhile") {
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < 50; ++i) {
      slow.push_back(std::make_unique<RawConnection>(port));
      slow.back()->send("POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nX-A: ");
    }
    for (int i = 0; i < 10; ++i) CHECK(http_request(port, "GET", "/healthz").status == 200);
    for (auto& c : slow) {
      c->receive(std::chrono::seconds(5));
      CHECK(c->closed());
    }
  }
  service.stop();
}

TEST_CASE("connections: an idle keep-alive connection is closed after idle_timeout") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(), {{"SUPPLYBOT_SERVER_IDLE_TIMEOUT", "1"}}));
  service.start();
  RawConnection c(service.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(c.receive(std::chrono::seconds(5), "\"ok\"").find("HTTP/1.1 200") == 0);
  auto t0 = std::chrono::steady_clock::now();
  c.receive(std::chrono::seconds(5));
  CHECK(c.closed());
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= std::chrono::milliseconds(800));
  CHECK(took < std::chrono::milliseconds(3000));
  service.stop();
}

TEST_CASE("limits/telegram: a flooding sender gets 200 and nothing stored, one notice; neighbours keep ordering") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(),
                                    {{"SUPPLYBOT_LIMITS_SENDER_PER_MINUTE", "1"}, {"SUPPLYBOT_LIMITS_SENDER_BURST", "3"}}));
  service.start();
  auto port = service.port();
  auto db = dir.path() / "bot.db";

  // Redeliveries of a stored update are not new messages: they cost the sender nothing.
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(1, "3栋2单元502 白菜2斤"), k_tg).status == 200);
  for (int i = 0; i < 3; ++i)
    CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(1, "3栋2单元502 白菜2斤"), k_tg).status == 200);
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(2, "3栋2单元503 鸡蛋一盒"), k_tg).status == 200);
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(3, "3栋2单元504 大米10斤"), k_tg).status == 200);
  CHECK(count(db, "SELECT COUNT(*) FROM inbound") == 3);

  // The fourth to eighth new messages within the minute: acknowledged, not stored.
  for (int id = 4; id <= 8; ++id)
    CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(id, "3栋2单元505 苹果" + std::to_string(id) + "个"), k_tg)
              .status == 200);
  CHECK(count(db, "SELECT COUNT(*) FROM inbound") == 3);
  CHECK(count(db, "SELECT COUNT(*) FROM orders") == 3);

  // Three confirmations and one notice, replying to the first refused message, in Chinese.
  REQUIRE(api.wait_for_calls(4, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(api.calls().size() == 4);
  CHECK(calls_with(api, "您发送得太快了，请稍后再发。") == 1);
  for (const auto& c : api.calls())
    if (c.body.find("您发送得太快了") != std::string::npos) {
      auto body = json::parse(c.body);
      CHECK(body["chat_id"] == -100123);
      CHECK(body["reply_parameters"]["message_id"] == 1004);
    }

  // A redelivery of a stored update while the sender is over the limit is still a duplicate.
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(2, "3栋2单元503 鸡蛋一盒"), k_tg).status == 200);

  // A neighbour in the same chat is not held back by the flood.
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(9, "Flat 12B 2 loaves of bread", 888, -100123, "en"), k_tg)
            .status == 200);
  CHECK(count(db, "SELECT COUNT(*) FROM inbound") == 4);
  CHECK(count(db, "SELECT COUNT(*) FROM orders") == 4);

  auto m = metrics(port);
  CHECK(has_line(m, "supplybot_inbound_limited_total{platform=\"telegram\",scope=\"sender\"} 5"));
  CHECK(has_line(m, "supplybot_inbound_total{platform=\"telegram\",result=\"stored\"} 4"));
  CHECK(has_line(m, "supplybot_inbound_total{platform=\"telegram\",result=\"duplicate\"} 4"));
  service.stop();
}

TEST_CASE("limits/telegram: a busy chat is limited as a whole, and told once a minute in English when written in English") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(),
                                    {{"SUPPLYBOT_LIMITS_CHAT_PER_MINUTE", "1"}, {"SUPPLYBOT_LIMITS_CHAT_BURST", "2"}}));
  service.start();
  auto port = service.port();
  for (int i = 1; i <= 6; ++i)
    CHECK(http_request(port, "POST", "/telegram/webhook",
                       tg_update(i, "Flat 1" + std::to_string(i) + "B 2 loaves of bread", 500 + i, -100555, "en"), k_tg)
              .status == 200);
  // Another chat is apart.
  CHECK(http_request(port, "POST", "/telegram/webhook", tg_update(7, "/help", 600, -100666), k_tg).status == 200);
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 3);
  REQUIRE(api.wait_for_calls(4, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(calls_with(api, "This chat is sending more messages than I can take right now") == 1);
  CHECK(has_line(metrics(port), "supplybot_inbound_limited_total{platform=\"telegram\",scope=\"chat\"} 4"));
  service.stop();
}

TEST_CASE("limits/bridge: 429 with Retry-After and a JSON error; a stored message sent again is a duplicate") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(),
                                    {{"SUPPLYBOT_LIMITS_SENDER_PER_MINUTE", "30"}, {"SUPPLYBOT_LIMITS_SENDER_BURST", "2"}}));
  service.start();
  auto port = service.port();
  CHECK(http_request(port, "POST", "/api/v1/messages", bridge_message("m1"), k_bridge).status == 200);
  CHECK(http_request(port, "POST", "/api/v1/messages", bridge_message("m2"), k_bridge).status == 200);
  auto refused = http_request(port, "POST", "/api/v1/messages", bridge_message("m3"), k_bridge);
  CHECK(refused.status == 429);
  CHECK(refused.headers["retry-after"] == "2");  // 30 a minute
  CHECK(json::parse(refused.body)["error"] == "too_many_requests");
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 2);

  // The bridge lost our answer to m2 and sends it again: never refused.
  auto again = http_request(port, "POST", "/api/v1/messages", bridge_message("m2"), k_bridge);
  CHECK(again.status == 200);
  CHECK(json::parse(again.body)["duplicate"] == true);

  // Another sender of the same chat, and the same sender name on another bridged network, pass.
  CHECK(http_request(port, "POST", "/api/v1/messages", bridge_message("m4", "li"), k_bridge).status == 200);
  CHECK(has_line(metrics(port), "supplybot_inbound_limited_total{platform=\"bridge\",scope=\"sender\"} 1"));
  service.stop();
}

TEST_CASE("limits/wechat: a flooding follower gets \"success\" and nothing is stored") {
  TempDir dir;
  bot::Service service(wechat_only_config(dir, {{"SUPPLYBOT_LIMITS_SENDER_PER_MINUTE", "1"},
                                                {"SUPPLYBOT_LIMITS_SENDER_BURST", "1"}}));
  service.start();
  wechat::WechatConfig sim{.token = "wxtoken", .encoding_aes_key = "", .app_id = "wx1234567890abcdef"};
  const wechat::Random16 random{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  auto post = [&](const std::string& msg_id, const std::string& text) {
    auto xml = wechat::official_account_text_xml("oUser1", "gh_account", text, msg_id, 1764300000);
    auto req = wechat::simulate_post(sim, wechat::Sender::official_account, xml, 1764300000, "n" + msg_id, random);
    return http_request(service.port(), "POST", "/wechat/callback?" + req.query_string, req.body, {{"Content-Type", "text/xml"}});
  };
  auto first = post("1001", "3栋2单元502 白菜2斤");
  CHECK(first.status == 200);
  CHECK(first.body.find("3-2-502") != std::string::npos);  // the passive reply
  auto second = post("1002", "3栋2单元502 鸡蛋一盒");
  CHECK(second.status == 200);
  CHECK(second.body == "success");
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 1);
  CHECK(has_line(metrics(service.port()), "supplybot_inbound_limited_total{platform=\"wechat\",scope=\"sender\"} 1"));
  service.stop();
}

namespace {

// A group message Telegram shows as sent by one of its stand-in accounts, in the name of
// sender_chat (an anonymous admin: the group itself; Channel_Bot: the user's channel).
std::string tg_stand_in_update(std::int64_t update_id, std::int64_t stand_in, std::int64_t chat_id,
                               std::int64_t sender_chat, const std::string& text) {
  json msg = {{"message_id", update_id + 1000},
              {"date", 1764300000},
              {"chat", {{"id", chat_id}, {"type", "supergroup"}, {"title", "楼"}}},
              {"from", {{"id", stand_in}, {"is_bot", true}, {"first_name", "Group"}, {"username", "GroupAnonymousBot"}}},
              {"sender_chat", {{"id", sender_chat}, {"type", "supergroup"}, {"title", "楼"}}},
              {"text", text}};
  return json{{"update_id", update_id}, {"message", msg}}.dump();
}

constexpr std::int64_t k_group_anonymous_bot = 1087968824;
constexpr std::int64_t k_channel_bot = 136817688;

}  // namespace

TEST_CASE("limits: the sender key of a message whose author is unknown is its chat's anonymous sender") {
  handlers::ChatMessage m{.platform = handlers::Platform::telegram, .chat_id = "-100123", .sender_id = "777"};
  CHECK(bot::limit_sender_key(m) == "777");
  for (const char* stand_in : {"1087968824", "136817688", "777000", ""}) {
    CAPTURE(stand_in);
    m.sender_id = stand_in;
    auto key = bot::limit_sender_key(m);
    CHECK(key != stand_in);
    CHECK(key.find("-100123") != std::string::npos);
    m.chat_id = "-100456";
    CHECK(bot::limit_sender_key(m) != key);  // another chat, another bucket
    m.chat_id = "-100123";
  }
  // Only Telegram has stand-ins; elsewhere these are ordinary ids.
  m.platform = handlers::Platform::bridge;
  m.sender_id = "777000";
  CHECK(bot::limit_sender_key(m) == "777000");
  m.sender_id = "";
  CHECK(bot::limit_sender_key(m) != "");
}

TEST_CASE("limits/telegram: anonymous admins are limited per chat: a flood in one group leaves other groups' anonymous posts and the neighbours alone") {
  TempDir dir;
  FakeBotApi api;
  bot::Service service(abuse_config(dir, api.api_root(),
                                    {{"SUPPLYBOT_LIMITS_SENDER_PER_MINUTE", "1"}, {"SUPPLYBOT_LIMITS_SENDER_BURST", "2"}}));
  service.start();
  auto port = service.port();
  auto db = dir.path() / "bot.db";
  auto post = [&](const std::string& body) { return http_request(port, "POST", "/telegram/webhook", body, k_tg).status; };

  // Group A's anonymous admin floods: two accepted, the rest refused (200, not stored).
  for (int id = 1; id <= 5; ++id)
    CHECK(post(tg_stand_in_update(id, k_group_anonymous_bot, -100111, -100111, "3栋2单元50" + std::to_string(id) + " 白菜2斤")) == 200);
  CHECK(count(db, "SELECT COUNT(*) FROM inbound") == 2);
  // Someone in group A writing as their channel is anonymous in group A too: refused.
  CHECK(post(tg_stand_in_update(6, k_channel_bot, -100111, -100999, "3栋2单元506 白菜2斤")) == 200);
  CHECK(count(db, "SELECT COUNT(*) FROM inbound") == 2);

  // Group B's anonymous admin is another sender for the limits, though Telegram shows the same account.
  CHECK(post(tg_stand_in_update(7, k_group_anonymous_bot, -100222, -100222, "5栋1101 鸡蛋一盒")) == 200);
  CHECK(post(tg_stand_in_update(8, k_group_anonymous_bot, -100222, -100222, "5栋1102 鸡蛋一盒")) == 200);
  // A named resident of group A is not held back either.
  CHECK(post(tg_update(9, "3栋2单元507 大米10斤", 888, -100111)) == 200);
  CHECK(count(db, "SELECT COUNT(*) FROM inbound") == 5);
  CHECK(has_line(metrics(port), "supplybot_inbound_limited_total{platform=\"telegram\",scope=\"sender\"} 4"));

  // Group A is told once, replying to the first refused message.
  REQUIRE(api.wait_for_calls(6, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(calls_with(api, "您发送得太快了") == 1);
  service.stop();
}

TEST_CASE("limits: WeChat and bridge messages without a sender are refused (400) before any limit is asked") {
  TempDir dir;
  bot::Service service(wechat_only_config(dir, {{"SUPPLYBOT_BRIDGE_TOKEN", "bridge-token"}}));
  service.start();
  auto port = service.port();
  json anonymous = json::parse(bridge_message("m1"));
  anonymous.erase("sender_id");
  auto r = http_request(port, "POST", "/api/v1/messages", anonymous.dump(), k_bridge);
  CHECK(r.status == 400);
  CHECK(json::parse(r.body).value("message", "").find("sender_id") != std::string::npos);

  wechat::WechatConfig sim{.token = "wxtoken", .encoding_aes_key = "", .app_id = "wx1234567890abcdef"};
  const wechat::Random16 random{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  auto xml = wechat::official_account_text_xml("", "gh_account", "3栋2单元502 白菜2斤", "1001", 1764300000);
  auto req = wechat::simulate_post(sim, wechat::Sender::official_account, xml, 1764300000, "n1", random);
  r = http_request(port, "POST", "/wechat/callback?" + req.query_string, req.body, {{"Content-Type", "text/xml"}});
  CHECK(r.status == 400);
  CHECK(json::parse(r.body).value("error", "") == "malformed_xml");
  CHECK(count(dir.path() / "bot.db", "SELECT COUNT(*) FROM inbound") == 0);
  service.stop();
}

namespace {

// Peak resident memory of this process so far, in KiB (VmHWM).
std::int64_t own_peak_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  return -1;
}

}  // namespace

TEST_CASE("outbox: an answer nested too deep is read as an unreadable one: retried, never built in memory") {
  TempDir dir;
  FakeBotApi api;
  // Telegram answering 200 with 4 MB of '[' (unclosed, then closed): not {"ok":true}, so retried.
  const std::size_t n = 4'000'000;
  api.script({ScriptedAnswer{200, std::string(n, '['), ""},
              ScriptedAnswer{200, std::string(n / 2, '[') + std::string(n / 2, ']'), ""}});
  bot::Service service(abuse_config(dir, api.api_root()));
  service.start();
  auto before = own_peak_kib();
  CHECK(http_request(service.port(), "POST", "/telegram/webhook", tg_update(1, "3栋2单元502 白菜2斤"), k_tg).status == 200);
  // Two deep answers, then the stand-in's success; the retries wait 0.5-1 s, then 1-2 s.
  REQUIRE(api.wait_for_calls(3, std::chrono::seconds(15)));
  auto db = dir.path() / "bot.db";
  for (int i = 0; i < 100 && count(db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'") != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(count(db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 1);
  CHECK(count(db, "SELECT attempts FROM outbox") == 3);
  auto m = metrics(service.port());
  CHECK(has_line(m, "supplybot_outbox_sends_total{outcome=\"retry\"} 2"));
  CHECK(has_line(m, "supplybot_outbox_sends_total{outcome=\"sent\"} 1"));
  auto after = own_peak_kib();
  MESSAGE("peak resident memory before " << before << " KiB, after " << after << " KiB");
  // The answers' bytes, a few times over; a document of four million nested arrays would be
  // some 300 MB.
  CHECK(after - before < 96 * 1024);
  service.stop();
}

TEST_CASE("wechat: XML nested too deep or with too many nodes gets 400 before any parsing or signature check of safe mode") {
  TempDir dir;
  bot::Service service(
      wechat_only_config(dir, {{"SUPPLYBOT_WECHAT_ENCODING_AES_KEY", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}}));
  service.start();
  auto port = service.port();
  // WeCom's safe mode: the envelope must be parsed to find <Encrypt> before msg_signature can be
  // checked, so anyone may make the server read this XML.
  const std::string query = "/wechat/callback?msg_signature=0&timestamp=1764300000&nonce=n1";
  const std::size_t n = 300'000;
  std::string deep = "<xml>";
  for (std::size_t i = 0; i < n; ++i) deep += "<a>";
  std::string wide = "<xml>";
  for (std::size_t i = 0; i < n / 2; ++i) wide += "<a/>";
  wide += "</xml>";
  for (const auto& body : {deep, wide}) {
    auto r = http_request(port, "POST", query, body, {{"Content-Type", "text/xml"}});
    CHECK(r.status == 400);
    CHECK(json::parse(r.body).value("error", "") == "xml_too_complex");
  }
  // A real envelope still reaches the signature check.
  auto r = http_request(port, "POST", query, "<xml><ToUserName>ww1</ToUserName><Encrypt>AAAA</Encrypt><AgentID>1</AgentID></xml>",
                        {{"Content-Type", "text/xml"}});
  CHECK(r.status == 401);
  CHECK(json::parse(r.body).value("error", "") == "bad_signature");
  service.stop();
}
