#include "bot/wechat/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <vector>

namespace supplybot::bot::wechat {

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

std::string wechat_signature(std::initializer_list<std::string_view> parts) {
  std::vector<std::string_view> sorted(parts);
  // std::string_view compares bytewise (char_traits<char>), which is what WeChat's reference
  // code does with ASCII strings: "1409659813" sorts before "QDG6eK" as text, not as a number.
  std::sort(sorted.begin(), sorted.end());

  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int md_len = 0;
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) == 1;
  for (std::string_view p : sorted) {
    ok = ok && EVP_DigestUpdate(ctx.get(), p.data(), p.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx.get(), md.data(), &md_len) == 1;
  if (!ok) throw std::runtime_error("wechat: SHA-1 digest failed");

  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::size_t{md_len} * 2);
  for (unsigned int i = 0; i < md_len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0x0f]);
  }
  return out;
}

bool signature_equal(std::string_view expected, std::string_view received) {
  if (expected.size() != received.size() || expected.empty()) return false;
  std::string lowered(received);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return CRYPTO_memcmp(expected.data(), lowered.data(), expected.size()) == 0;
}

}  // namespace supplybot::bot::wechat
