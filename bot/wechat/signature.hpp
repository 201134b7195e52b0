#pragma once
// WeChat / WeCom callback signatures: SHA-1 over the parts sorted as text (bytewise, never as
// numbers) and concatenated, written as 40 lowercase hex digits. Used for `signature`
// (token, timestamp, nonce) and `msg_signature` (token, timestamp, nonce, Encrypt / echostr).
// Pure functions; safe from any thread.

#include <initializer_list>
#include <string>
#include <string_view>

namespace supplybot::bot::wechat {

// SHA-1 of the sorted, concatenated parts, lowercase hex.
std::string wechat_signature(std::initializer_list<std::string_view> parts);

// Compares a received signature with the expected one in time independent of where they differ.
// Hex case in `received` is ignored; a length mismatch is simply false.
bool signature_equal(std::string_view expected, std::string_view received);

}  // namespace supplybot::bot::wechat
