#pragma once
// The message-understanding core: free text from a building group chat (Chinese, simplified or
// traditional, or English) -> Parsed {intent, household, items, notes, confidence, command}.
// Pure: no I/O, no clock, no globals. A Parser is immutable after construction and safe for
// concurrent const calls from any number of threads.

#include "handlers/parse/catalog.hpp"
#include "handlers/parse/lexicon.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace supplybot::handlers {

enum class Intent { order, cancel, modify, query, chat, command };
std::string_view to_string(Intent);

struct ParsedItem {
  std::string name;      // catalog canonical name, or the resident's own words
  double qty = 1;        // 半 -> 0.5; no quantity given -> 1
  std::string unit;      // canonical unit ("斤", "kg", "个", "dozen", "pack", ...), empty = none
  std::string text;      // the (normalised) span of the message this item came from
  std::string category;  // from the catalog, empty when unknown
  bool in_catalog = false;
  std::string note;      // size / brand / requirements for this item ("5L装", "size 4")
};

struct Parsed {
  Intent intent = Intent::chat;
  std::optional<std::string> household;  // canonical "3-2-502", "5-1101", "12B"
  std::vector<ParsedItem> items;  // order; modify: the new values; cancel: what to cancel (empty = all)
  std::optional<std::string> notes;      // message-level requirements ("不要辣")
  double confidence = 0;                 // 0..1; below ~0.6 the bot should ask back
  bool urgent = false;                   // 急 / urgent / medicine / infant formula
  std::string command;                   // canonical command name when intent == command
  std::vector<std::string> args;         // command arguments, split on whitespace
  bool known_command = false;            // false: a slash command we do not know (command = raw)
  std::optional<std::string> order_ref;  // "123" referenced by cancel / modify ("取消 #123")
  std::string unclear;                   // text that was not understood, empty if none
  bool same_as_previous = false;         // 同上
  bool same_as_yesterday = false;        // 同昨天 / same as yesterday
};

class Parser;
namespace detail {
Parsed parse_single(const Parser&, std::string_view text);
}  // namespace detail

class Parser {
 public:
  // bot_username: the bot's Telegram @handle without '@'; "/cmd@Other" is then not for us.
  explicit Parser(Catalog catalog, std::string bot_username = {});

  Parsed parse(std::string_view text) const;

  const Catalog& catalog() const { return catalog_; }
  const Lexicon& lexicon() const { return lexicon_; }

  // Messages longer than this (bytes) are not orders; they are answered as chat, unclear.
  static constexpr std::size_t kMaxOrderBytes = 64 * 1024;
  // Only the first this many code points of one message (or one 接龙 entry) are parsed.
  static constexpr std::size_t kMaxOrderCodePoints = 2048;

 private:
  Parsed parse_any(std::string_view text) const;
  friend struct ParseRun;
  friend Parsed detail::parse_single(const Parser&, std::string_view);
  Catalog catalog_;
  Lexicon lexicon_;
  Trie commands_;  // command words at the start of a message -> index in command_table()
  std::string bot_username_;  // lower case
};

struct JielongEntry {
  int number = 0;
  std::string text;
  Parsed parsed;
};

struct Jielong {
  std::string header;
  std::vector<JielongEntry> entries;
};

// What a new version of a 接龙 list adds to the version the server has already seen: entries
// whose text is new. An entry of a household that already had a (different) entry is a
// modification of that household's order; any other new entry is a new order. Entries are
// matched by household, else by text, never by number (residents renumber when they copy).
struct JielongChange {
  bool modified = false;
  JielongEntry entry;
};
struct Jielong;
std::vector<JielongChange> jielong_changes(const Jielong& seen, const Jielong& current);

// A 接龙 list (header line with 接龙, then numbered entries "1. ...", "2、..."); nullopt when the
// message is not one. Every entry is parsed; the engine decides which ones are new.
std::optional<Jielong> parse_jielong(const Parser&, std::string_view text);

}  // namespace supplybot::handlers
