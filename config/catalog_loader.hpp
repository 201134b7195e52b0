#pragma once
// Loads the goods catalog from TOML (config/catalog.toml) into a handlers::Catalog. The file is
// grouped by category:
//
//   [[goods]]
//   category = "vegetable"
//   urgent = false            # optional, default for the group
//   items = [
//     { name = "白菜", synonyms = ["大白菜"], english = ["napa cabbage"], unit = "斤" },
//   ]
//
// Errors are collected, each naming the file and the entry, and returned together.
// Stateless; safe to call from any thread.

#include "handlers/parse/catalog.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace supplybot::config {

struct CatalogLoadResult {
  handlers::Catalog catalog;
  std::vector<std::string> errors;  // "catalog.toml: goods[2].items[5]: name is missing"
  bool ok() const { return errors.empty(); }
};

CatalogLoadResult load_catalog(const std::filesystem::path& file);
// Same, from TOML text; `source` names it in error messages.
CatalogLoadResult load_catalog_from_string(std::string_view toml_text, std::string_view source);

}  // namespace supplybot::config
