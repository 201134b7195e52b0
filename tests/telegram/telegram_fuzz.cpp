// libFuzzer target for the Telegram update decoder (built with -DSUPPLYBOT_FUZZ=ON and clang):
//   telegram_fuzz -max_total_time=60 CORPUS_DIR tests/data/telegram_fuzz_seeds
// (libFuzzer writes new inputs into the first directory: never name the seeds first.)
// Any body must decode without a crash, and the simdjson path must agree with nlohmann's.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/telegram/decoder_agreement.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto why = supplybot::testing::decoder_disagreement(body);
  if (!why.empty()) {
    std::fprintf(stderr, "decoders disagree: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
