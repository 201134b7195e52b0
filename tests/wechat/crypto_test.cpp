#include "bot/wechat/crypto.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

using namespace supplybot::bot::wechat;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(WECHAT_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The vectors in tests/data/wechat were built by make_vectors.sh with these values.
constexpr const char* kFixtureKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr const char* kFixtureAppId = "wxb11529c136998cb6";
const Random16 kFixtureRandom{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

Random16 random_from(std::string_view s) {
  Random16 r{};
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = static_cast<std::uint8_t>(s[i]);
  return r;
}

WechatCrypto make(std::string_view key, std::string_view id) {
  auto c = WechatCrypto::create("token", key, id);
  REQUIRE(c.has_value());
  return *c;
}

// WeCom's published WXBizMsgCrypt sample (token QDG6eK, CorpID wx5823bf96d3bd56c7).
constexpr const char* kWecomKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
constexpr const char* kWecomCorp = "wx5823bf96d3bd56c7";
constexpr const char* kWecomEcho =
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
constexpr const char* kWecomEncrypt =
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911"
    "L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLx"
    "AUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9"
    "nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/u"
    "h9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

}  // namespace

TEST_CASE("crypto: base64 round trip and strictness") {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "中文\x00\xff"}) {
    auto d = base64_decode(base64_encode(s));
    REQUIRE(d.has_value());
    CHECK(*d == s);
  }
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK_FALSE(base64_decode("Zm9vYmF").has_value());    // truncated: not a multiple of 4
  CHECK_FALSE(base64_decode("Zm9v YmFy").has_value());  // whitespace
  CHECK_FALSE(base64_decode("Zm=vYmFy").has_value());   // '=' in the middle
  CHECK_FALSE(base64_decode("====").has_value());
  CHECK_FALSE(base64_decode("Zg==Zm9v").has_value());   // padding before the end
}

TEST_CASE("crypto: EncodingAESKey validation") {
  SUBCASE("a real-style key whose last character carries non-zero bits is accepted") {
    // 'G' = 000110: the dropped bits are "10"; a strict decoder would refuse this key.
    CHECK(decode_encoding_aes_key(kFixtureKey).has_value());
    CHECK(decode_encoding_aes_key(kWecomKey).has_value());
  }
  SUBCASE("wrong length") {
    auto k = decode_encoding_aes_key("abc");
    REQUIRE_FALSE(k.has_value());
    CHECK(k.error().find("43") != std::string::npos);
    CHECK_FALSE(decode_encoding_aes_key(std::string(kFixtureKey) + "=").has_value());
  }
  SUBCASE("characters outside base64") {
    std::string bad(kFixtureKey);
    bad[5] = '-';
    auto k = decode_encoding_aes_key(bad);
    REQUIRE_FALSE(k.has_value());
    CHECK(k.error().find(bad) == std::string::npos);  // never echo the secret
  }
  SUBCASE("create() reports the same error") {
    auto c = WechatCrypto::create("t", "short", "id");
    REQUIRE_FALSE(c.has_value());
    CHECK_FALSE(c.error().empty());
  }
}

TEST_CASE("crypto: WeCom sample URL-verification echostr decrypts") {
  auto c = make(kWecomKey, kWecomCorp);
  auto echo = c.decrypt(kWecomEcho);
  REQUIRE(echo.has_value());
  CHECK(*echo == "1616140317555161061");
}

TEST_CASE("crypto: WeCom sample message decrypts (30 bytes of padding, beyond one AES block)") {
  auto c = make(kWecomKey, kWecomCorp);
  auto msg = c.decrypt(kWecomEncrypt);
  REQUIRE(msg.has_value());
  CHECK(msg->rfind("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>", 0) == 0);
  CHECK(msg->find("<Content><![CDATA[hello]]></Content>") != std::string::npos);
  CHECK(msg->find("<MsgId>4561255354251345929</MsgId>") != std::string::npos);
  CHECK(msg->size() == 0x11c);
}

TEST_CASE("crypto: Official Account sample encryption with a fixed random prefix") {
  // Tencent's Java sample WXBizMsgCryptTest: AppID wxb11529c136998cb6, random "aaaabbbbccccdddd".
  auto c = make(kFixtureKey, kFixtureAppId);
  auto random = random_from("aaaabbbbccccdddd");
  SUBCASE("Chinese text") {
    CHECK(c.encrypt("我是中文abcd123", random) ==
          "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==");
  }
  SUBCASE("video reply XML with Chinese inside") {
    const std::string xml =
        "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName>"
        "<![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType>"
        "<![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdU"
        "kjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title>"
        "<Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>";
    const std::string expected =
        "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcE"
        "cW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tY"
        "PKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI"
        "27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC"
        "50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt"
        "9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8a"
        "CMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb";
    CHECK(c.encrypt(xml, random) == expected);
    auto back = c.decrypt(expected);
    REQUIRE(back.has_value());
    CHECK(*back == xml);
  }
}

TEST_CASE("crypto: openssl-built vectors match in both directions") {
  auto c = make(kFixtureKey, kFixtureAppId);
  for (std::string name : {"chinese", "large", "aligned"}) {
    CAPTURE(name);
    const std::string msg = fixture(name + ".msg");
    const std::string b64 = fixture(name + ".b64");
    CHECK(c.encrypt(msg, kFixtureRandom) == b64);
    auto back = c.decrypt(b64);
    REQUIRE(back.has_value());
    CHECK(*back == msg);
  }
  CHECK(fixture("large.msg").size() > 6000);
}

TEST_CASE("crypto: empty receive id (WeCom group robot)") {
  auto c = make(kFixtureKey, "");
  CHECK(c.encrypt("robot", kFixtureRandom) == fixture("robot.b64"));
  auto back = c.decrypt(fixture("robot.b64"));
  REQUIRE(back.has_value());
  CHECK(*back == "robot");
  // The same ciphertext is not accepted by an app expecting an id.
  auto app = make(kFixtureKey, kFixtureAppId);
  CHECK(app.decrypt(fixture("robot.b64")).error() == CryptoError::wrong_app_id);
}

TEST_CASE("crypto: tampered ciphertexts are refused with the right reason") {
  auto c = make(kFixtureKey, kFixtureAppId);
  const std::string good = fixture("chinese.b64");

  SUBCASE("wrong AppID") { CHECK(c.decrypt(fixture("wrong_app_id.b64")).error() == CryptoError::wrong_app_id); }
  SUBCASE("AppID that is a prefix of the real one") {
    auto shorter = make(kFixtureKey, "wxb11529c136998cb");
    CHECK(shorter.decrypt(good).error() == CryptoError::wrong_app_id);
  }
  SUBCASE("pad byte above 32") { CHECK(c.decrypt(fixture("bad_padding.b64")).error() == CryptoError::bad_padding); }
  SUBCASE("inner length past the end") {
    CHECK(c.decrypt(fixture("bad_inner_length.b64")).error() == CryptoError::bad_inner_length);
  }
  SUBCASE("truncated base64") {
    CHECK(c.decrypt(good.substr(0, good.size() - 1)).error() == CryptoError::bad_base64);
  }
  SUBCASE("truncated by a whole base64 quantum: not a whole AES block") {
    CHECK(c.decrypt(good.substr(0, good.size() - 4)).error() == CryptoError::bad_length);
  }
  SUBCASE("last block dropped: padding no longer valid") {
    // 352 bytes -> 336: the new last block decrypts to bytes that are not a valid pad.
    auto raw = base64_decode(good);
    REQUIRE(raw.has_value());
    auto cut = base64_encode(std::string_view(*raw).substr(0, raw->size() - 16));
    auto r = c.decrypt(cut);
    REQUIRE_FALSE(r.has_value());
    CHECK((r.error() == CryptoError::bad_padding || r.error() == CryptoError::bad_inner_length ||
           r.error() == CryptoError::wrong_app_id));
  }
  SUBCASE("flipped bit in the first block changes the length field") {
    auto raw = base64_decode(good);
    REQUIRE(raw.has_value());
    (*raw)[0] = static_cast<char>((*raw)[0] ^ 0x80);  // CBC: flips bit 7 of plaintext byte 16
    CHECK(c.decrypt(base64_encode(*raw)).error() == CryptoError::bad_inner_length);
  }
  SUBCASE("wrong key") {
    auto other = make("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq", kFixtureAppId);
    CHECK_FALSE(other.decrypt(good).has_value());
  }
  SUBCASE("empty") { CHECK(c.decrypt("").error() == CryptoError::bad_length); }
}

TEST_CASE("crypto: default random prefix round-trips and differs per call") {
  auto c = make(kFixtureKey, kFixtureAppId);
  auto a = c.encrypt("白菜2斤");
  auto b = c.encrypt("白菜2斤");
  CHECK(a != b);
  CHECK(*c.decrypt(a) == "白菜2斤");
  CHECK(*c.decrypt(b) == "白菜2斤");
}

TEST_CASE("crypto: sign() is msg_signature over token, timestamp, nonce and ciphertext") {
  auto c = WechatCrypto::create("QDG6eK", kWecomKey, kWecomCorp);
  REQUIRE(c.has_value());
  CHECK(c->sign("1409659813", "1372623149", kWecomEncrypt) == "477715d11cdb4164915debcba66cb864d751f3e6");
}
