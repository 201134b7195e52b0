// The real binary as an operator runs it: starts on a port, answers, and on SIGTERM finishes and
// exits 0.

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include "tests/support/test_http.hpp"

using namespace supplybot::testing;

namespace {

// Reads the port the server logged ("port=NNNN") from its stderr file.
std::uint16_t wait_for_port(const std::filesystem::path& log, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::regex re("event=listening .*port=([0-9]+)");
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      std::smatch m;
      if (std::regex_search(line, m, re)) return static_cast<std::uint16_t>(std::stoi(m[1]));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

}  // namespace

TEST_CASE("process: serve answers, then exits 0 on SIGTERM") {
  TempDir dir;
  auto log = dir.path() / "stderr.log";
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setenv("SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0", 1);
    setenv("SUPPLYBOT_STORAGE_PATH", (dir.path() / "db.sqlite").c_str(), 1);
    setenv("SUPPLYBOT_BOT_CATALOG", SUPPLYBOT_SOURCE_DIR "/config/catalog.toml", 1);
    freopen(log.c_str(), "w", stderr);
    execl(SUPPLYBOT_BINARY, SUPPLYBOT_BINARY, "serve", static_cast<char*>(nullptr));
    _exit(127);
  }
  auto port = wait_for_port(log, std::chrono::seconds(20));
  REQUIRE(port != 0);
  CHECK(http_request(port, "GET", "/healthz").status == 200);
  REQUIRE(kill(pid, SIGTERM) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::ifstream in(log);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  CHECK(all.find("event=stopped") != std::string::npos);
  // The binary runs on the malloc it was built for (jemalloc unless SUPPLYBOT_JEMALLOC=OFF).
  CHECK(all.find(std::string("allocator=") + SUPPLYBOT_EXPECT_ALLOCATOR) != std::string::npos);
}

TEST_CASE("process: an invalid config names the key and exits non-zero") {
  TempDir dir;
  auto cfg = dir.path() / "bad.toml";
  std::ofstream(cfg) << "[server]\nlisten = \"nowhere\"\n[telegram]\nbot_token = \"1:x\"\n";
  std::string cmd = std::string(SUPPLYBOT_BINARY) + " migrate --config " + cfg.string() + " 2>" + (dir.path() / "err").string();
  int rc = std::system(cmd.c_str());
  CHECK(WEXITSTATUS(rc) == 2);
  std::ifstream in(dir.path() / "err");
  std::string all((std::istreambuf_iterator<char>(in)), {});
  CHECK(all.find("server.listen") != std::string::npos);
  CHECK(all.find("telegram.secret_token") != std::string::npos);
}

TEST_CASE("process: SIGHUP reloads the catalog; a broken one is refused and the old one kept") {
  TempDir dir;
  auto log = dir.path() / "stderr.log";
  auto catalog = dir.path() / "catalog.toml";
  std::ofstream(catalog) << "[[goods]]\ncategory = \"vegetable\"\nitems = [\n"
                            "  { name = \"白菜\", english = [\"napa cabbage\"], unit = \"斤\" },\n]\n";
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setenv("SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0", 1);
    setenv("SUPPLYBOT_STORAGE_PATH", (dir.path() / "db.sqlite").c_str(), 1);
    setenv("SUPPLYBOT_BOT_CATALOG", catalog.c_str(), 1);
    freopen(log.c_str(), "w", stderr);
    execl(SUPPLYBOT_BINARY, SUPPLYBOT_BINARY, "serve", static_cast<char*>(nullptr));
    _exit(127);
  }
  auto port = wait_for_port(log, std::chrono::seconds(20));
  REQUIRE(port != 0);
  auto log_has = [&](const std::string& part) {
    for (int i = 0; i < 100; ++i) {
      std::ifstream in(log);
      std::string all((std::istreambuf_iterator<char>(in)), {});
      if (all.find(part) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  CHECK(log_has("catalog_items=1"));
  std::ofstream(catalog, std::ios::app) << "[[goods]]\ncategory = \"eggs\"\nitems = [\n"
                                           "  { name = \"鸡蛋\", english = [\"eggs\"], unit = \"盒\" },\n]\n";
  REQUIRE(kill(pid, SIGHUP) == 0);
  CHECK(log_has("event=catalog_reloaded catalog_items=2"));
  std::ofstream(catalog, std::ios::app) << "this is not toml [[[\n";
  REQUIRE(kill(pid, SIGHUP) == 0);
  CHECK(log_has("event=catalog_reload_failed"));
  CHECK(http_request(port, "GET", "/healthz").status == 200);
  REQUIRE(kill(pid, SIGTERM) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

// What an operator's log may hold: never a secret (at any level), and at info level nothing a
// resident wrote (no address, no item). The Bot API is a closed port, so every reply fails and
// is logged; a wrong webhook secret and a bad WeChat signature are logged too.
TEST_CASE("process: the log never holds a secret, and at info level nothing residents wrote") {
  const std::string bot_token = "123456:AAHsecretBotTokenValue_xyz";
  const std::string webhook_secret = "webhook-secret-4d1f7e";
  const std::string wechat_token = "wechatTokenSecret77";
  const std::string aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
  const std::string robot_key = "robot-key-5f0c1b2a";
  for (const char* level : {"info", "debug"}) {
    CAPTURE(level);
    TempDir dir;
    auto log = dir.path() / "stderr.log";
    std::uint16_t closed_port = 0;
    {
      // A port nobody listens on: bound, then released.
      boost::asio::io_context io;
      boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
      closed_port = a.local_endpoint().port();
    }
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      setenv("SUPPLYBOT_SERVER_LISTEN", "127.0.0.1:0", 1);
      setenv("SUPPLYBOT_SERVER_LOG_LEVEL", level, 1);
      setenv("SUPPLYBOT_STORAGE_PATH", (dir.path() / "db.sqlite").c_str(), 1);
      setenv("SUPPLYBOT_BOT_CATALOG", SUPPLYBOT_SOURCE_DIR "/config/catalog.toml", 1);
      setenv("SUPPLYBOT_TELEGRAM_BOT_TOKEN", bot_token.c_str(), 1);
      setenv("SUPPLYBOT_TELEGRAM_SECRET_TOKEN", webhook_secret.c_str(), 1);
      setenv("SUPPLYBOT_TELEGRAM_API_ROOT", ("http://127.0.0.1:" + std::to_string(closed_port)).c_str(), 1);
      setenv("SUPPLYBOT_WECHAT_TOKEN", wechat_token.c_str(), 1);
      setenv("SUPPLYBOT_WECHAT_ENCODING_AES_KEY", aes_key.c_str(), 1);
      setenv("SUPPLYBOT_WECHAT_OUTBOUND_URL",
             ("http://127.0.0.1:" + std::to_string(closed_port) + "/cgi-bin/webhook/send?key=" + robot_key).c_str(), 1);
      freopen(log.c_str(), "w", stderr);
      execl(SUPPLYBOT_BINARY, SUPPLYBOT_BINARY, "serve", static_cast<char*>(nullptr));
      _exit(127);
    }
    auto port = wait_for_port(log, std::chrono::seconds(20));
    REQUIRE(port != 0);
    const std::map<std::string, std::string> headers{{"Content-Type", "application/json"},
                                                     {"X-Telegram-Bot-Api-Secret-Token", webhook_secret}};
    const std::string order =
        R"({"update_id":1,"message":{"message_id":5,"date":1764300000,"chat":{"id":-100,"type":"group"},)"
        R"("from":{"id":7,"is_bot":false,"first_name":"王"},"text":"9栋3单元1702 西兰花3斤"}})";
    CHECK(http_request(port, "POST", "/telegram/webhook", order, headers).status == 200);
    auto wrong = headers;
    wrong["X-Telegram-Bot-Api-Secret-Token"] = webhook_secret + "-wrong";
    CHECK(http_request(port, "POST", "/telegram/webhook", order, wrong).status == 401);
    CHECK(http_request(port, "GET", "/wechat/callback?signature=x&timestamp=1&nonce=2&echostr=hi").status != 200);
    // Let the outbox try (and fail) at least once.
    bool tried = false;
    for (int i = 0; i < 100 && !tried; ++i) {
      std::ifstream in(log);
      std::string all((std::istreambuf_iterator<char>(in)), {});
      tried = all.find("outbox") != std::string::npos && all.find("send_retry") != std::string::npos;
      if (!tried) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(tried);
    REQUIRE(kill(pid, SIGTERM) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    std::ifstream in(log);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    REQUIRE_FALSE(all.empty());
    for (const auto& secret : {bot_token, std::string("AAHsecretBotTokenValue_xyz"), webhook_secret, wechat_token,
                               aes_key, robot_key}) {
      CAPTURE(secret);
      CHECK(all.find(secret) == std::string::npos);
    }
    if (std::string(level) == "info") {
      CHECK(all.find("1702") == std::string::npos);
      CHECK(all.find("西兰花") == std::string::npos);
    }
  }
}
