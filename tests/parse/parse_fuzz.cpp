// libFuzzer target for the parser (built with -DSUPPLYBOT_FUZZ=ON and clang):
//   parse_fuzz -max_total_time=60 tests/data/parse_fuzz_seeds
// Any input must give a result with a confidence in [0, 1] and items with finite quantities.

#include "handlers/parse/parser.hpp"

#include "config/catalog_loader.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string_view>

using namespace supplybot::handlers;

namespace {

const Parser& parser() {
  static const Parser p = [] {
    auto loaded = supplybot::config::load_catalog(std::filesystem::path(SUPPLYBOT_SOURCE_DIR) / "config/catalog.toml");
    if (!loaded.ok()) std::abort();
    return Parser(std::move(loaded.catalog), "SupplyBot");
  }();
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Parsed p = parser().parse(text);
  if (!(p.confidence >= 0 && p.confidence <= 1)) std::abort();
  for (const auto& it : p.items) {
    if (!std::isfinite(it.qty) || it.qty < 0) std::abort();
  }
  if (auto j = parse_jielong(parser(), text)) {
    for (const auto& e : j->entries) {
      if (!(e.parsed.confidence >= 0 && e.parsed.confidence <= 1)) std::abort();
    }
  }
  return 0;
}
