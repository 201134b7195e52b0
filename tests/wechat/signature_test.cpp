#include "bot/wechat/signature.hpp"

#include <doctest/doctest.h>

#include <string>

using supplybot::bot::wechat::signature_equal;
using supplybot::bot::wechat::wechat_signature;

TEST_CASE("signature: Official Account URL check matches the published example") {
  // developers.weixin.qq.com "消息加解密说明": Token AAAAA, sorted ["1714037059","486452656","AAAAA"].
  CHECK(wechat_signature({"AAAAA", "1714037059", "486452656"}) ==
        "899cf89e464efb63f54ddac96b0a0a235f53aa78");
}

TEST_CASE("signature: WeCom msg_signature matches the WXBizMsgCrypt sample") {
  const std::string echostr =
      "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
  CHECK(wechat_signature({"QDG6eK", "1409659589", "263014780", echostr}) ==
        "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
}

TEST_CASE("signature: parts are sorted as text, so argument order does not matter") {
  auto a = wechat_signature({"QDG6eK", "1409659589", "263014780"});
  CHECK(a == wechat_signature({"263014780", "QDG6eK", "1409659589"}));
  // As text "10" < "9"; sorting as numbers would give a different digest.
  CHECK(wechat_signature({"9", "10"}) == wechat_signature({"10", "9"}));
  CHECK(wechat_signature({"9", "10"}).size() == 40);
}

TEST_CASE("signature: comparison") {
  const std::string good = "899cf89e464efb63f54ddac96b0a0a235f53aa78";
  SUBCASE("equal") { CHECK(signature_equal(good, good)); }
  SUBCASE("upper-case hex from the sender is accepted") {
    CHECK(signature_equal(good, "899CF89E464EFB63F54DDAC96B0A0A235F53AA78"));
  }
  SUBCASE("one digit off") {
    CHECK_FALSE(signature_equal(good, "899cf89e464efb63f54ddac96b0a0a235f53aa79"));
  }
  SUBCASE("prefix or empty") {
    CHECK_FALSE(signature_equal(good, good.substr(0, 39)));
    CHECK_FALSE(signature_equal(good, ""));
    CHECK_FALSE(signature_equal("", ""));
  }
}
