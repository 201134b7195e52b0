#pragma once
// WechatCrypto: the message encryption shared by WeChat Official Accounts ("safe mode") and
// WeCom callbacks (WXBizMsgCrypt).
//
//   key        = base64(EncodingAESKey + "=")  -> 32 bytes (decoded leniently: real keys carry
//                non-zero trailing bits in their 43rd character)
//   iv         = key[0..16)
//   plaintext  = random(16) | uint32 big-endian len(msg) | msg | receive_id (AppID / CorpID,
//                empty for WeCom group robots)
//   ciphertext = AES-256-CBC(plaintext + PKCS#7 padding to a multiple of 32 bytes), base64
//
// decrypt() checks every layer and says which one failed; it never returns partial data.
// Immutable after create(); const member functions are safe to call from many threads.

#include "bot/wechat/expected.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace supplybot::bot::wechat {

using Random16 = std::array<std::uint8_t, 16>;
using AesKey = std::array<std::uint8_t, 32>;

enum class CryptoError {
  bad_base64,        // not valid base64 (alphabet, length, padding)
  bad_length,        // ciphertext empty or not a whole number of AES blocks
  bad_padding,       // last byte not 1..32, or the pad bytes differ
  bad_inner_length,  // shorter than random + length field, or the length runs past the end
  wrong_app_id,      // trailing AppID / CorpID differs from the configured one
  cipher_failure,    // OpenSSL refused (should not happen with a valid key)
};

std::string_view to_string(CryptoError e);

// Standard base64 (RFC 4648 alphabet, '=' padding, no line breaks).
std::string base64_encode(std::string_view bytes);
// Strict on alphabet, length (multiple of 4) and padding; unused trailing bits are ignored.
std::optional<std::string> base64_decode(std::string_view text);

// Decodes a 43-character EncodingAESKey into the AES key, or says why it cannot.
Expected<AesKey, std::string> decode_encoding_aes_key(std::string_view encoding_aes_key);

class WechatCrypto {
 public:
  // Validates the key (43 characters of [A-Za-z0-9+/]); the error names what is wrong and never
  // echoes the key itself.
  static Expected<WechatCrypto, std::string> create(std::string_view token,
                                                    std::string_view encoding_aes_key,
                                                    std::string_view receive_id);

  // Encrypts `message` with the given 16 random bytes (tests pass fixed ones); base64 result.
  std::string encrypt(std::string_view message, const Random16& random) const;
  // Same with fresh bytes from OpenSSL RAND_bytes.
  std::string encrypt(std::string_view message) const;

  // Base64 ciphertext -> message, after checking padding, inner length and receive id.
  Expected<std::string, CryptoError> decrypt(std::string_view base64_ciphertext) const;

  // msg_signature over (token, timestamp, nonce, encrypted).
  std::string sign(std::string_view timestamp, std::string_view nonce,
                   std::string_view encrypted) const;

  const std::string& token() const { return token_; }
  const std::string& receive_id() const { return receive_id_; }

 private:
  WechatCrypto(std::string token, const AesKey& key, std::string receive_id)
      : token_(std::move(token)), key_(key), receive_id_(std::move(receive_id)) {}

  std::string token_;
  AesKey key_{};
  std::string receive_id_;
};

}  // namespace supplybot::bot::wechat
