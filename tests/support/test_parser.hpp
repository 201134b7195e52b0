#pragma once
// The real parser with the project's default catalog, built once per test binary (it takes a
// moment), for conversation tests through the engine.

#include <doctest/doctest.h>

#include <string>

#include "config/catalog_loader.hpp"
#include "handlers/parse/parser.hpp"

namespace supplybot::testing {

inline const handlers::Parser& default_parser() {
  static const handlers::Parser p = [] {
    auto loaded = config::load_catalog(std::string(SUPPLYBOT_SOURCE_DIR) + "/config/catalog.toml");
    REQUIRE(loaded.ok());
    return handlers::Parser(std::move(loaded.catalog), "SupplyBot");
  }();
  return p;
}

}  // namespace supplybot::testing
