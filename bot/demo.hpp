#pragma once
// `supplybot demo`: a scripted neighbourhood morning through the real path. It starts the real
// server on a loopback port with a fresh SQLite database and a local stand-in for the Telegram Bot
// API, posts the residents' messages as real webhook updates, prints the conversation as a chat
// transcript and then the orders it produced. Every step checks what the bot did; the exit status
// is non-zero when anything did not happen as scripted, so the demo doubles as a smoke test.

#include <filesystem>
#include <iosfwd>

namespace supplybot::bot {

struct DemoOptions {
  std::filesystem::path catalog{"config/catalog.toml"};
  std::filesystem::path database;  // empty: a fresh file in a temporary folder, removed afterwards
};

int run_demo(const DemoOptions& options, std::ostream& out);

}  // namespace supplybot::bot
