#pragma once
// The command table: canonical command names with their Chinese and English spellings, kept in
// one place so a new command is one row. Pure data; thread-safe.

#include <span>
#include <string_view>

namespace supplybot::handlers {

struct CommandSpec {
  std::string_view name;                 // canonical (Telegram) name: "tasks"
  std::span<const std::string_view> words;  // Chinese / English spellings at the start of a message
  bool free_args;  // a bare word is a command even when followed by words ("register 3-2-502")
};

std::span<const CommandSpec> command_table();
// The canonical name for a slash-command name or a spelling; empty when unknown.
std::string_view find_command(std::string_view word);

}  // namespace supplybot::handlers
