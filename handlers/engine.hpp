#pragma once
// The engine's decisions for one incoming message: dedup, understand, change orders, and the
// replies to send. Runs inside the writer's transaction (StoreTx); it never touches a socket or
// a clock (now is passed in). Immutable after construction: safe to share, but StoreTx calls
// happen only on the writer thread.

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "handlers/chat_message.hpp"
#include "handlers/order.hpp"
#include "handlers/parse/parser.hpp"
#include "handlers/store.hpp"
#include "handlers/texts.hpp"

namespace supplybot::handlers {

struct EngineConfig {
  Lang default_language{Lang::zh};
  // Coordinators by "platform:user_id" (config roles.coordinators). Nobody gains a role by typing.
  std::vector<std::string> coordinators;
  // Below it the bot asks instead of storing an order. The parser marks chat that merely mentions
  // goods ("我多买了一箱牛奶") below 0.8; about 4% of real orders fall there too and get asked.
  double min_confidence{0.8};
  // Logistics (config [logistics] and bot.utc_offset).
  std::int32_t default_capacity{10};
  UnixTime escalate_after_s{2 * 3600};  // assigned and not bought for this long: coordinators told
  UnixTime auto_receipt_s{24 * 3600};   // delivered and not confirmed for this long: confirmed
  int utc_offset_minutes{480};          // the neighbourhood's clock, for "/round open 20:00"
};

struct HandleResult {
  bool duplicate{false};
  std::vector<OutgoingMessage> replies;  // already written to the outbox
  std::vector<std::int64_t> reply_ids;   // their outbox rows, same order
  std::vector<OrderId> orders_created;
  std::vector<OrderId> orders_changed;
  std::string outcome;  // short word for logs and tests: "order", "help", "chat", ...
};

// What a message says, worked out before the writer sees it (pure, any thread).
struct Understood {
  std::optional<Jielong> jielong;  // set when the message is a 接龙 list
  Parsed parsed;                   // the message read on its own
};

class Dispatch;

class Engine {
 public:
  // The parser must outlive the engine (or be replaced with set_parser first).
  Engine(const Parser& parser, EngineConfig config);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Pure and thread-safe: the server calls it on the I/O threads, so the writer's transaction
  // does only what needs the database.
  Understood understand(const ChatMessage& m) const;
  // Writer thread only (it keeps the assignment state, see handlers/dispatch.hpp).
  HandleResult handle(StoreTx& tx, const ChatMessage& m, const Understood& u, UnixTime now);
  // understand + handle, for tests and tools.
  HandleResult handle(StoreTx& tx, const ChatMessage& m, UnixTime now);
  // Periodic work (writer thread): rounds at their cut-off, overdue purchases, automatic receipts.
  HandleResult tick(StoreTx& tx, UnixTime now);
  // The transaction a handle() or tick() ran in was rolled back (in part): the assignment state
  // is read again from the store before the next one.
  void invalidate();

  const EngineConfig& config() const { return config_; }

  // Swaps the parser (a reloaded catalog). Thread-safe: messages already being understood finish
  // with the old one, which lives as long as they hold it.
  void set_parser(std::shared_ptr<const Parser> parser);
  std::shared_ptr<const Parser> parser() const { return parser_.load(); }

 private:
  std::atomic<std::shared_ptr<const Parser>> parser_;
  EngineConfig config_;
  std::unique_ptr<Dispatch> dispatch_;
};

// The language to answer a message in: the sender's client language if it says, else the script
// the message is written in, else the default.
Lang reply_language(const ChatMessage& m, Lang fallback);

}  // namespace supplybot::handlers
