#include "config/catalog_loader.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace supplybot::config {
namespace {

std::vector<std::string> strings(const toml::node* node, const std::string& where, std::string_view key,
                                 std::vector<std::string>& errors) {
  std::vector<std::string> out;
  if (!node) return out;
  const auto* arr = node->as_array();
  if (!arr) {
    errors.push_back(where + ": " + std::string(key) + " must be an array of strings");
    return out;
  }
  for (const auto& el : *arr) {
    if (auto s = el.value<std::string>(); s && !s->empty()) {
      out.push_back(*s);
    } else {
      errors.push_back(where + ": " + std::string(key) + " must contain only non-empty strings");
    }
  }
  return out;
}

CatalogLoadResult from_table(const toml::table& root, const std::string& source) {
  CatalogLoadResult result;
  std::vector<handlers::CatalogEntry> entries;
  std::set<std::string> names;
  const auto* groups = root["goods"].as_array();
  if (!groups) {
    result.errors.push_back(source + ": no [[goods]] groups");
    return result;
  }
  std::size_t gi = 0;
  for (const auto& gnode : *groups) {
    std::string gwhere = source + ": goods[" + std::to_string(gi++) + "]";
    const auto* group = gnode.as_table();
    if (!group) {
      result.errors.push_back(gwhere + ": must be a table");
      continue;
    }
    std::string category = (*group)["category"].value_or(std::string());
    bool group_urgent = (*group)["urgent"].value_or(false);
    const auto* items = (*group)["items"].as_array();
    if (!items) {
      result.errors.push_back(gwhere + ": items must be an array of tables");
      continue;
    }
    std::size_t ii = 0;
    for (const auto& inode : *items) {
      std::string where = gwhere + ".items[" + std::to_string(ii++) + "]";
      const auto* item = inode.as_table();
      if (!item) {
        result.errors.push_back(where + ": must be a table");
        continue;
      }
      handlers::CatalogEntry e;
      e.name = (*item)["name"].value_or(std::string());
      if (e.name.empty()) {
        result.errors.push_back(where + ": name is missing");
        continue;
      }
      where += " (" + e.name + ")";
      if (!names.insert(e.name).second) {
        result.errors.push_back(where + ": duplicate name");
        continue;
      }
      e.synonyms = strings((*item)["synonyms"].node(), where, "synonyms", result.errors);
      e.english = strings((*item)["english"].node(), where, "english", result.errors);
      e.category = (*item)["category"].value_or(category);
      e.unit = (*item)["unit"].value_or(std::string());
      e.urgent = (*item)["urgent"].value_or(group_urgent);
      entries.push_back(std::move(e));
    }
  }
  if (entries.empty() && result.errors.empty()) result.errors.push_back(source + ": the catalog is empty");
  result.catalog = handlers::Catalog(std::move(entries));
  return result;
}

}  // namespace

CatalogLoadResult load_catalog_from_string(std::string_view toml_text, std::string_view source) {
  try {
    toml::table root = toml::parse(toml_text, std::string(source));
    return from_table(root, std::string(source));
  } catch (const toml::parse_error& err) {
    CatalogLoadResult r;
    r.errors.push_back(std::string(source) + ":" + std::to_string(err.source().begin.line) + ": " +
                       std::string(err.description()));
    return r;
  }
}

CatalogLoadResult load_catalog(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    CatalogLoadResult r;
    r.errors.push_back(file.string() + ": cannot open the catalog file");
    return r;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_catalog_from_string(ss.str(), file.string());
}

}  // namespace supplybot::config
