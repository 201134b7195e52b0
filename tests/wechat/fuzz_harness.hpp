#pragma once
// Shared by the libFuzzer target (wechat_fuzz.cpp) and the nasty-input doctest: drives one input
// through decode_post / verify_url / encode_reply in a mode picked by the first byte. The harness
// signs what it sends, so inputs reach the decryption and inner XML layers instead of stopping
// at the signature check. Aborts on a broken invariant (a reply that does not decrypt back).

#include "bot/wechat/callback.hpp"
#include "bot/wechat/signature.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace supplybot::bot::wechat::fuzz {

inline constexpr const char* kToken = "fuzztoken";
inline constexpr const char* kKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
inline constexpr const char* kAppId = "wxb11529c136998cb6";

enum class Mode : std::uint8_t {
  plain_body,        // raw body, Official Account plain mode, valid `signature`
  safe_body,         // raw body, safe mode; msg_signature made over whatever <Encrypt> it holds
  inner_xml,         // data is the decrypted XML: encrypted and signed by the harness (robot id)
  ciphertext,        // data is raw ciphertext bytes: base64, wrapped and signed
  echostr,           // data is a WeCom echostr, signed
  count,
};

inline void check_reply(const WechatConfig& cfg, const InboundResult& r) {
  const auto* in = std::get_if<InboundMessage>(&r);
  if (!in) return;
  const Random16 random{};
  std::string reply = encode_reply(cfg, in->context, in->message.text, 1, "1", random);
  if (!in->context.encrypted) return;
  auto env = parse_inbound_xml(reply, std::size_t{1} << 30);
  auto crypto = WechatCrypto::create(cfg.token, cfg.encoding_aes_key, cfg.app_id);
  if (!env || !crypto || !crypto->decrypt(env->encrypt)) std::abort();
}

inline void run_one(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const auto mode = static_cast<Mode>(data[0] % static_cast<std::uint8_t>(Mode::count));
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string ts = "1669600000";
  const std::string nonce = "1320562132";

  switch (mode) {
    case Mode::plain_body: {
      WechatConfig cfg{kToken, "", kAppId};
      QueryParams q{{"signature", wechat_signature({kToken, ts, nonce})}, {"timestamp", ts}, {"nonce", nonce}};
      check_reply(cfg, decode_post(cfg, q, input));
      break;
    }
    case Mode::safe_body: {
      WechatConfig cfg{kToken, kKey, kAppId};
      std::string encrypt;
      if (auto outer = parse_inbound_xml(input)) encrypt = outer->encrypt;
      QueryParams q{{"msg_signature", wechat_signature({kToken, ts, nonce, encrypt})},
                    {"timestamp", ts},
                    {"nonce", nonce}};
      check_reply(cfg, decode_post(cfg, q, input));
      break;
    }
    case Mode::inner_xml:
    case Mode::ciphertext: {
      WechatConfig cfg{kToken, kKey, ""};
      auto crypto = WechatCrypto::create(kToken, kKey, "");
      if (!crypto) std::abort();
      std::string encrypt = mode == Mode::inner_xml ? crypto->encrypt(input, Random16{})
                                                    : base64_encode(input);
      QueryParams q{{"msg_signature", crypto->sign(ts, nonce, encrypt)}, {"timestamp", ts}, {"nonce", nonce}};
      std::string body = "<xml><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>";
      check_reply(cfg, decode_post(cfg, q, body));
      break;
    }
    case Mode::echostr: {
      WechatConfig cfg{kToken, kKey, kAppId};
      std::string echo(input);
      QueryParams q{{"msg_signature", wechat_signature({kToken, ts, nonce, echo})},
                    {"timestamp", ts},
                    {"nonce", nonce},
                    {"echostr", echo}};
      (void)verify_url(cfg, q);
      break;
    }
    case Mode::count: break;
  }
}

}  // namespace supplybot::bot::wechat::fuzz
