#include "bot/export_cli.hpp"

#include <CLI/CLI.hpp>
#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <ostream>
#include <set>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bot/export_json.hpp"
#include "handlers/export.hpp"
#include "storage/export_query.hpp"

namespace supplybot::bot {
namespace {

constexpr int k_exit_fix_first = 2;
constexpr int k_exit_failed = 1;

std::string render(const ExportOptions& options, const std::vector<handlers::ExportRow>& rows, int utc_offset) {
  const bool json = options.format == "json";
  if (options.what == "orders") {
    return json ? orders_json(rows, utc_offset).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
                : handlers::orders_csv(rows, utc_offset);
  }
  auto lines = handlers::shopping_list(rows);
  return json ? shopping_json(lines).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
              : handlers::shopping_csv(lines);
}

std::string summary(const ExportOptions& options, const std::vector<handlers::ExportRow>& rows) {
  if (options.what == "orders") {
    std::set<std::int64_t> orders;
    for (const auto& r : rows) orders.insert(r.order_no.value);
    return std::to_string(orders.size()) + " orders (" + std::to_string(rows.size()) + " rows)";
  }
  return std::to_string(handlers::shopping_list(rows).size()) + " shopping-list lines";
}

// A reader of a WAL database creates its -wal and -shm files when they are missing (the server
// stopped) and leaves them. Created by root, they would keep the service user's server from
// opening its own database; so root may only read a database that root owns.
std::optional<std::string> foreign_owner_for_root(const std::filesystem::path& db) {
  struct stat st {};
  if (::geteuid() != 0 || ::stat(db.c_str(), &st) != 0 || st.st_uid == 0) return std::nullopt;
  if (const passwd* pw = ::getpwuid(st.st_uid)) return std::string(pw->pw_name);
  return std::to_string(st.st_uid);
}

// The file holds residents' addresses: a new one is readable by its owner only (0600), whatever
// the umask. An existing file keeps the permissions its owner gave it.
bool write_private_file(const std::string& file, const std::string& text) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      errno = saved;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return ::close(fd) == 0;
}

}  // namespace

CLI::App* add_export_command(CLI::App& app, ExportOptions& options, std::string& config_file) {
  auto* cmd = app.add_subcommand(
      "export", "Write orders, or the shopping list (what is still to buy), as CSV for a spreadsheet or as JSON.");
  cmd->add_option("what", options.what, "orders: one row per item; shopping-list: totals per item and unit")
      ->required()
      ->check(CLI::IsMember({"orders", "shopping-list"}));
  cmd->add_option("--round", options.round, "Only the orders collected in round N (default: every order)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--format", options.format, "csv (UTF-8 with BOM, opens in Excel/WPS) or json")
      ->check(CLI::IsMember({"csv", "json"}));
  cmd->add_option("-o,--output", options.output, "Write to FILE instead of standard output");
  cmd->add_option("-c,--config", config_file, "TOML config file (for storage.path and bot.utc_offset)");
  return cmd;
}

int run_export(const config::Config& config, const ExportOptions& options, std::ostream& out, std::ostream& err) {
  const auto& path = config.storage.path;
  if (path == ":memory:" || !std::filesystem::exists(path)) {
    err << "supplybot export: there is no database at " << path.string()
        << " (storage.path). Check --config / SUPPLYBOT_STORAGE_PATH; a new installation needs "
           "`supplybot migrate` first.\n";
    return k_exit_fix_first;
  }
  if (auto owner = foreign_owner_for_root(path)) {
    err << "supplybot export: " << path.string() << " belongs to " << *owner
        << "; run the export as that user (sudo -u " << *owner
        << " supplybot export ...), so that the files SQLite creates beside the database stay theirs.\n";
    return k_exit_fix_first;
  }
  std::vector<handlers::ExportRow> rows;
  try {
    // Read-only: never migrates or writes, so it is safe beside a running server (WAL readers
    // do not block the writer). SQLiteCpp's read-only default busy timeout is zero.
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    int version = storage::read_schema_version(db);
    if (version < storage::k_export_schema_version) {
      err << "supplybot export: the database " << path.string() << " is at schema version " << version
          << "; export needs version " << storage::k_export_schema_version
          << ". Run `supplybot migrate` (with the same --config) first.\n";
      return k_exit_fix_first;
    }
    std::optional<std::int64_t> round;
    if (options.round > 0) {
      round = options.round;
      if (!storage::round_exists(db, options.round)) {
        err << "supplybot export: there is no round " << options.round << " in " << path.string() << ".\n";
        return k_exit_fix_first;
      }
    }
    rows = storage::query_export_rows(db, round);
  } catch (const SQLite::Exception& e) {
    err << "supplybot export: cannot read the database " << path.string() << ": " << e.what() << "\n";
    return k_exit_failed;
  }

  const std::string text = render(options, rows, config.bot.utc_offset_minutes);
  if (options.output.empty()) {
    out << text << std::flush;
    return out ? 0 : k_exit_failed;
  }
  if (!write_private_file(options.output, text)) {
    err << "supplybot export: cannot write " << options.output << ": " << std::strerror(errno) << "\n";
    return k_exit_fix_first;
  }
  err << "supplybot export: wrote " << summary(options, rows) << " to " << options.output << "\n";
  return 0;
}

}  // namespace supplybot::bot
