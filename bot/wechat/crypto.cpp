#include "bot/wechat/crypto.hpp"

#include "bot/wechat/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace supplybot::bot::wechat {

namespace {

// WXBizMsgCrypt pads to 32 bytes (the key size), not to the 16-byte AES block.
constexpr std::size_t kPadBlock = 32;
constexpr std::size_t kAesBlock = 16;
constexpr std::size_t kHeader = 16 + 4;  // random + big-endian length

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// AES-256-CBC over whole blocks with OpenSSL padding off: the 32-byte PKCS#7 is ours.
std::optional<std::string> aes_cbc(const AesKey& key, std::string_view in, bool encrypt) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return std::nullopt;
  const unsigned char* k = key.data();
  const unsigned char* iv = key.data();  // IV = first 16 bytes of the key
  if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, k, iv, encrypt ? 1 : 0) != 1) {
    return std::nullopt;
  }
  if (EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) return std::nullopt;
  std::string out(in.size() + kAesBlock, '\0');
  int n1 = 0;
  int n2 = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_CipherUpdate(ctx.get(), o, &n1, reinterpret_cast<const unsigned char*>(in.data()),
                       static_cast<int>(in.size())) != 1) {
    return std::nullopt;
  }
  if (EVP_CipherFinal_ex(ctx.get(), o + n1, &n2) != 1) return std::nullopt;
  out.resize(static_cast<std::size_t>(n1) + static_cast<std::size_t>(n2));
  return out;
}

}  // namespace

std::string_view to_string(CryptoError e) {
  switch (e) {
    case CryptoError::bad_base64: return "bad_base64";
    case CryptoError::bad_length: return "bad_length";
    case CryptoError::bad_padding: return "bad_padding";
    case CryptoError::bad_inner_length: return "bad_inner_length";
    case CryptoError::wrong_app_id: return "wrong_app_id";
    case CryptoError::cipher_failure: return "cipher_failure";
  }
  return "unknown";
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    unsigned v = byte(i) << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.append("==");
  } else if (rest == 2) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = (text.size() >= 2 && text[text.size() - 2] == '=') ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    unsigned v = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      int d = 0;
      if (c == '=') {
        // '=' only as the final one or two characters of the last quantum.
        if (!last || j < 4 - pad) return std::nullopt;
      } else {
        d = b64_value(c);
        if (d < 0) return std::nullopt;
      }
      v = (v << 6) | static_cast<unsigned>(d);
    }
    out.push_back(static_cast<char>((v >> 16) & 0xff));
    if (!last || pad < 2) out.push_back(static_cast<char>((v >> 8) & 0xff));
    if (!last || pad < 1) out.push_back(static_cast<char>(v & 0xff));
  }
  return out;
}

Expected<AesKey, std::string> decode_encoding_aes_key(std::string_view encoding_aes_key) {
  if (encoding_aes_key.size() != 43) {
    return unexpected(std::string("EncodingAESKey must be exactly 43 characters, got ") +
                      std::to_string(encoding_aes_key.size()));
  }
  for (char c : encoding_aes_key) {
    if (b64_value(c) < 0) {
      return unexpected(std::string(
          "EncodingAESKey may contain only letters, digits, '+' and '/' (43 base64 characters)"));
    }
  }
  // 43 characters carry 258 bits; the last 2 are dropped. WeChat's console generates keys whose
  // dropped bits are often non-zero, so a strict decoder would reject real keys.
  std::string padded(encoding_aes_key);
  padded.push_back('=');
  auto bytes = base64_decode(padded);
  if (!bytes || bytes->size() != 32) {
    return unexpected(std::string("EncodingAESKey does not decode to 32 bytes"));
  }
  AesKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>((*bytes)[i]);
  return key;
}

Expected<WechatCrypto, std::string> WechatCrypto::create(std::string_view token,
                                                         std::string_view encoding_aes_key,
                                                         std::string_view receive_id) {
  auto key = decode_encoding_aes_key(encoding_aes_key);
  if (!key) return unexpected(key.error());
  return WechatCrypto(std::string(token), *key, std::string(receive_id));
}

std::string WechatCrypto::encrypt(std::string_view message, const Random16& random) const {
  std::string plain;
  plain.reserve(kHeader + message.size() + receive_id_.size() + kPadBlock);
  plain.append(reinterpret_cast<const char*>(random.data()), random.size());
  auto len = static_cast<std::uint32_t>(message.size());
  plain.push_back(static_cast<char>((len >> 24) & 0xff));
  plain.push_back(static_cast<char>((len >> 16) & 0xff));
  plain.push_back(static_cast<char>((len >> 8) & 0xff));
  plain.push_back(static_cast<char>(len & 0xff));
  plain.append(message);
  plain.append(receive_id_);
  std::size_t pad = kPadBlock - plain.size() % kPadBlock;  // 1..32, a full block when aligned
  plain.append(pad, static_cast<char>(pad));

  auto cipher = aes_cbc(key_, plain, true);
  OPENSSL_cleanse(plain.data(), plain.size());
  if (!cipher) throw std::runtime_error("wechat: AES-256-CBC encryption failed");
  return base64_encode(*cipher);
}

std::string WechatCrypto::encrypt(std::string_view message) const {
  Random16 random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    throw std::runtime_error("wechat: RAND_bytes failed");
  }
  return encrypt(message, random);
}

Expected<std::string, CryptoError> WechatCrypto::decrypt(std::string_view base64_ciphertext) const {
  auto cipher = base64_decode(base64_ciphertext);
  if (!cipher) return unexpected(CryptoError::bad_base64);
  if (cipher->empty() || cipher->size() % kAesBlock != 0) return unexpected(CryptoError::bad_length);

  auto plain = aes_cbc(key_, *cipher, false);
  if (!plain) return unexpected(CryptoError::cipher_failure);

  auto pad = static_cast<unsigned char>(plain->back());
  if (pad < 1 || pad > kPadBlock || pad > plain->size()) return unexpected(CryptoError::bad_padding);
  for (std::size_t i = plain->size() - pad; i < plain->size(); ++i) {
    if (static_cast<unsigned char>((*plain)[i]) != pad) return unexpected(CryptoError::bad_padding);
  }
  std::size_t body_end = plain->size() - pad;
  if (body_end < kHeader) return unexpected(CryptoError::bad_inner_length);

  auto b = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>((*plain)[k])); };
  std::uint32_t len = (b(16) << 24) | (b(17) << 16) | (b(18) << 8) | b(19);
  if (len > body_end - kHeader) return unexpected(CryptoError::bad_inner_length);

  std::string_view id(plain->data() + kHeader + len, body_end - kHeader - len);
  if (id.size() != receive_id_.size() ||
      CRYPTO_memcmp(id.data(), receive_id_.data(), id.size()) != 0) {
    return unexpected(CryptoError::wrong_app_id);
  }
  return std::string(plain->data() + kHeader, len);
}

std::string WechatCrypto::sign(std::string_view timestamp, std::string_view nonce,
                               std::string_view encrypted) const {
  return wechat_signature({token_, timestamp, nonce, encrypted});
}

}  // namespace supplybot::bot::wechat
