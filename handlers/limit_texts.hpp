#pragma once
// What the bot says when it refuses messages because a sender or a chat sends too many
// (handlers/inbound_limiter.hpp), in Chinese and English. Pure functions.

#include <string>

#include "handlers/texts.hpp"

namespace supplybot::handlers::texts {

// One sender sent more than their limit: their last messages were not taken.
std::string sending_too_fast(Lang l);
// The whole chat sent more than its limit: the last messages of this sender were not taken.
std::string chat_too_busy(Lang l);

}  // namespace supplybot::handlers::texts
