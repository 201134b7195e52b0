#pragma once
// `supplybot parse`: one readable answer for a TEXT argument, or JSON lines in / JSON lines out
// (contract in DESIGN.md, "supplybot parse output"). Streams are injected so tests drive it
// with string streams. Stateless apart from the catalog it loads; call from one thread.

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace supplybot::handlers {
struct Parsed;
}

namespace supplybot::bot {

struct ParseOptions {
  std::optional<std::string> text;
  bool jsonl = false;
  bool details = false;           // --jsonl: add fields beyond the DESIGN.md shape
  std::filesystem::path catalog;  // empty: <source dir>/config/catalog.toml
  std::string bot_username;       // optional, for /cmd@bot
};

// Returns the process exit code: 0 ok, 1 when the catalog cannot be loaded, 2 on usage errors.
int run_parse(const ParseOptions&, std::istream& in, std::ostream& out, std::ostream& err);

// One JSON line for a parse result with every field; `id_json` is the id as JSON text.
std::string parsed_to_json_line(const std::string& id_json, const handlers::Parsed& parsed);

}  // namespace supplybot::bot
