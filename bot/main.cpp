// supplybot's command line: wires config, storage and the service together. Nothing else lives
// here; every subcommand is a function elsewhere.

#include <CLI/CLI.hpp>

#include <iostream>

#include "bot/demo.hpp"
#include "bot/export_cli.hpp"
#include "bot/log.hpp"
#include "bot/parse_command.hpp"
#include "bot/service.hpp"
#include "bot/telegram_cli.hpp"
#include "config/config.hpp"
#include "storage/sqlite_store.hpp"

namespace {

using namespace supplybot;

// Loads the config or prints every problem, each naming its key.
std::optional<config::Config> load_config(const std::string& file) {
  std::filesystem::path path = file;
  auto env = config::process_environment();
  if (path.empty()) {
    if (auto it = env.find("SUPPLYBOT_CONFIG"); it != env.end()) path = it->second;
  }
  auto r = config::load(path, env);
  if (!r.ok()) {
    std::cerr << "supplybot: invalid configuration:\n";
    for (const auto& e : r.errors) std::cerr << "  - " << e << "\n";
    return std::nullopt;
  }
  return r.config;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"supplybot: turns building group-chat messages into grocery orders for households in isolation,\n"
               "and runs the volunteers' buying and delivery rounds. See README.md."};
  app.require_subcommand(1);
  std::string config_file;

  auto* serve = app.add_subcommand("serve", "Run the webhook server (Telegram, WeChat, bridge).");
  serve->add_option("-c,--config", config_file, "TOML config file (default: $SUPPLYBOT_CONFIG, else built-in defaults)");

  auto* migrate = app.add_subcommand("migrate", "Create or upgrade the database schema, then exit.");
  migrate->add_option("-c,--config", config_file, "TOML config file");

  auto* version = app.add_subcommand("version", "Print the version.");

  bot::ParseOptions parse_options;
  std::string catalog;
  auto* parse = app.add_subcommand("parse", "Show how a message is understood (JSON lines with --jsonl).");
  parse->add_option("text", parse_options.text, "Message text; omit with --jsonl to read stdin");
  parse->add_flag("--jsonl", parse_options.jsonl, "Read {\"id\",\"text\"} JSON lines on stdin, write one result per line");
  parse->add_option("--catalog", catalog, "Catalog TOML (default: config/catalog.toml)");
  parse->add_option("-c,--config", config_file, "TOML config file (for the catalog path)");

  bot::DemoOptions demo_options;
  std::string demo_catalog;
  auto* demo = app.add_subcommand("demo", "Run a scripted neighbourhood day through the real server and print the chat.");
  demo->add_option("--catalog", demo_catalog, "Catalog TOML (default: config/catalog.toml)");
  demo->add_option("-c,--config", config_file, "TOML config file (for the catalog path)");

  auto* telegram = app.add_subcommand("telegram", "Connect the configured Telegram bot to this server, or check it.");
  telegram->require_subcommand(1);
  std::string webhook_url;
  auto* tg_setup = telegram->add_subcommand("setup", "setWebhook with the secret token, and the command menu in zh/en.");
  tg_setup->add_option("--url", webhook_url, "Public HTTPS URL of /telegram/webhook")->required();
  tg_setup->add_option("-c,--config", config_file, "TOML config file");
  auto* tg_status = telegram->add_subcommand("status", "What Telegram says: webhook, pending updates, last error, privacy mode.");
  tg_status->add_option("-c,--config", config_file, "TOML config file");

  auto* backup = app.add_subcommand("backup", "Write a consistent copy of the database while the server runs.");
  std::string backup_file;
  backup->add_option("file", backup_file, "Destination file")->required();
  backup->add_option("-c,--config", config_file, "TOML config file");

  bot::ExportOptions export_options;
  auto* export_cmd = bot::add_export_command(app, export_options, config_file);

  app.set_version_flag("--version", SUPPLYBOT_VERSION);
  CLI11_PARSE(app, argc, argv);

  try {
    if (*version) {
      std::cout << "supplybot " << SUPPLYBOT_VERSION << "\n";
      return 0;
    }
    if (*parse) {
      auto cfg = load_config(config_file);
      if (!cfg) return 2;
      parse_options.catalog = catalog.empty() ? cfg->bot.catalog : std::filesystem::path(catalog);
      return bot::run_parse(parse_options, std::cin, std::cout, std::cerr);
    }
    auto cfg = load_config(config_file);
    if (!cfg) return 2;
    const auto& lv = cfg->server.log_level;
    bot::log::set_level(lv == "debug"  ? bot::log::Level::debug
                        : lv == "warn" ? bot::log::Level::warn
                        : lv == "error" ? bot::log::Level::error
                                        : bot::log::Level::info);
    if (*demo) {
      demo_options.catalog = demo_catalog.empty() ? cfg->bot.catalog : std::filesystem::path(demo_catalog);
      return bot::run_demo(demo_options, std::cout);
    }
    if (*export_cmd) return bot::run_export(*cfg, export_options, std::cout, std::cerr);
    if (*tg_setup) return bot::run_telegram_setup(*cfg, webhook_url, std::cout);
    if (*tg_status) return bot::run_telegram_status(*cfg, std::cout);
    if (*migrate) {
      storage::SqliteStore store(storage::SqliteOptions{.path = cfg->storage.path, .synchronous = cfg->storage.synchronous});
      std::cout << "database " << cfg->storage.path.string() << " is at schema version " << store.schema_version() << "\n";
      return 0;
    }
    if (*backup) {
      storage::SqliteStore store(storage::SqliteOptions{.path = cfg->storage.path, .synchronous = cfg->storage.synchronous, .migrate = false});
      store.backup_to(backup_file);
      std::cout << "backup written to " << backup_file << "\n";
      return 0;
    }
    if (*serve) {
      bot::Service service(*cfg);
      service.run_until_signal();
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "supplybot: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
