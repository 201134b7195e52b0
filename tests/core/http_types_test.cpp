#include "bot/http_types.hpp"

#include <doctest/doctest.h>

using namespace supplybot::bot;

TEST_CASE("http: target split and query decoding") {
  std::string path;
  std::vector<std::pair<std::string, std::string>> q;
  split_target("/wechat/callback?signature=ab%2Bc&timestamp=1&nonce=x+y&echostr", path, q);
  CHECK(path == "/wechat/callback");
  REQUIRE(q.size() == 4);
  CHECK(q[0].second == "ab+c");
  CHECK(q[2].second == "x y");
  CHECK(q[3].first == "echostr");
  HttpRequest r{.query = q, .headers = {{"x-telegram-bot-api-secret-token", "abc"}}};
  CHECK(r.param("nonce") == "x y");
  CHECK(r.has_param("echostr"));
  CHECK(r.header("X-Telegram-Bot-Api-Secret-Token") == "abc");
  CHECK(r.header("missing").empty());
}

TEST_CASE("http: constant-time compare") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "ab"));
  CHECK_FALSE(constant_time_equal("", "a"));
}

TEST_CASE("http: JSON errors") {
  auto e = json_error(413, "payload_too_large", "too \"big\"");
  CHECK(e.status == 413);
  CHECK(e.body == R"({"error":"payload_too_large","message":"too \"big\""})");
}
