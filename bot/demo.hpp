#pragma once
// `supplybot demo`: a scripted neighbourhood day through the real path. It starts the real server
// on a loopback port with a fresh SQLite database and a local stand-in for the Telegram Bot API
// (one coordinator named in roles.coordinators), posts the residents', volunteers' and the
// coordinator's messages and button presses as real webhook updates, and prints the group chat and
// the private chats as a transcript: volunteers named and on shift, orders assigned, bought (with a
// missing item), delivered and received, a shift handed over. Then the state at the end: orders by
// status, each volunteer's tasks and shopping list, the coordinator's summary. Every step checks
// how many messages the bot sent and what they said; the exit status is non-zero when anything did
// not happen as scripted, so the demo doubles as a smoke test. It takes a few seconds (the outbox
// writes at most one message a second to a private chat).

#include <filesystem>
#include <iosfwd>

namespace supplybot::bot {

struct DemoOptions {
  std::filesystem::path catalog{"config/catalog.toml"};
  std::filesystem::path database;  // empty: a fresh file in a temporary folder, removed afterwards
};

int run_demo(const DemoOptions& options, std::ostream& out);

}  // namespace supplybot::bot
