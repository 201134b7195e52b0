// libFuzzer entry for the WeChat callback core. Build with -DSUPPLYBOT_FUZZ=ON and clang; run
//   build/tests/wechat/wechat_fuzz -max_len=65536 fuzz-artifacts/wechat
// The first input byte picks the mode (see fuzz_harness.hpp).
#include "tests/wechat/fuzz_harness.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  supplybot::bot::wechat::fuzz::run_one(data, size);
  return 0;
}
