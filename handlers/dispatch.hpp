#pragma once
// The engine's side of assignment: owns the in-memory Assigner (handlers/assign), keeps it equal
// to what the database says, writes every decision it makes to the store, and tells the people
// concerned (household, volunteer, coordinators).
//
// The Assigner is rebuilt from the store whenever it may disagree with it: at start, and after a
// message's SAVEPOINT or a whole batch was rolled back (the writer calls Engine::invalidate). A
// rebuild reads the volunteers and open orders, a few milliseconds for a neighbourhood; it never
// happens on the normal path. Writer thread only.

#include <optional>
#include <string_view>

#include "handlers/assign/assigner.hpp"
#include "handlers/turn.hpp"

namespace supplybot::handlers {

class Dispatch {
 public:
  // Rebuilds when invalidated, then hands out any queued order that now has a candidate.
  void ensure(Turn& t);
  void invalidate() { dirty_ = true; }

  Assigner& assigner() { return assigner_; }

  // Persists an Outcome (holders, queue returns) and announces it. quiet: a new order whose own
  // confirmation already names its volunteer, so the household gets no second message.
  // announce false: persist only (a closing round sends one list per volunteer instead).
  void apply(Turn& t, const Outcome& out, std::string_view actor, std::optional<OrderId> quiet = std::nullopt,
             bool announce = true);

  // Where to write to coordinators: their private chats when they opened one with the bot.
  // Empty when none did (callers then fall back to the chat the matter came from).
  std::vector<OutgoingMessage> coordinator_chats(Turn& t);
  // A volunteer's private chat, when they opened one with the bot.
  std::optional<OutgoingMessage> private_chat_of(Turn& t, Platform p, std::string_view user_id);

 private:
  void rebuild(StoreTx& tx);

  Assigner assigner_;
  bool dirty_{true};
};

}  // namespace supplybot::handlers
