#pragma once
// `supplybot export orders|shopping-list [--round N] [--format csv|json] [--output FILE]`:
// what coordinators open in a spreadsheet. Reads the configured database on a read-only
// connection (never migrates, never writes, safe beside a running server) and writes the CSV or
// JSON of handlers/export.hpp and bot/export_json.hpp to stdout or FILE.
//
// Exit status: 0 written; 2 the operator must fix something first (no database at storage.path,
// schema older than 6: run `supplybot migrate`, no such round, FILE cannot be written, root
// reading a database another user owns: run it as that user); 1 the database failed while read.

#include <cstdint>
#include <iosfwd>
#include <string>

#include "config/config.hpp"

namespace CLI {
class App;
}

namespace supplybot::bot {

struct ExportOptions {
  std::string what;            // "orders" or "shopping-list"
  std::int64_t round{0};       // 0: every order
  std::string format{"csv"};   // "csv" or "json"
  std::string output;          // empty: stdout
};

// Adds the `export` subcommand and its options to app (--config goes to config_file).
CLI::App* add_export_command(CLI::App& app, ExportOptions& options, std::string& config_file);

// out receives the export when no --output is given; err the problems and, with --output, a summary.
int run_export(const config::Config& config, const ExportOptions& options, std::ostream& out, std::ostream& err);

}  // namespace supplybot::bot
