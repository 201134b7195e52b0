#pragma once
// The storage port: everything the engine and the outbox read and write, with no SQL in sight.
// storage/ implements it for SQLite; a PostgreSQL implementation can satisfy the same interface.
//
// Thread-safety: a StoreTx belongs to the one writer thread for the length of Store::write.
// Store's read methods may be called from any thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "handlers/chat_message.hpp"
#include "handlers/export.hpp"
#include "handlers/order.hpp"

namespace supplybot::handlers {

// Storage failed (disk full, I/O error, locked too long). The request must not be acknowledged.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A reply put off until later (a retry, a rate limit): the newer replies of its chat must not
// overtake it. See Store::waiting_replies.
struct WaitingReply {
  std::int64_t id{0};
  Platform platform{Platform::telegram};
  std::string chat_id;
  UnixTime due_at{0};
};

struct OutboxRow {
  std::int64_t id{0};
  OutgoingMessage message;
  int attempts{0};
  UnixTime due_at{0};
  UnixTime created_at{0};
};

// Sent rows are not counted here (that would scan them all); the outbox's own metrics count sends.
struct OutboxStats {
  std::int64_t pending{0};
  std::int64_t failed{0};
  UnixTime oldest_pending_created{0};  // 0 when nothing is pending
};

struct NewOrder {
  HouseholdId household;
  Platform platform{Platform::telegram};
  std::string chat_id;
  std::string source_message_id;
  std::string sender_id;
  std::string notes;
  bool urgent{false};
  std::vector<OrderLine> lines;
  std::int64_t round_id{0};  // 0: not in a round
};

enum class Role { resident, volunteer, coordinator };
std::string_view to_string(Role r);

struct Member {
  Platform platform{Platform::telegram};
  std::string user_id;
  std::string display_name;
  std::optional<HouseholdId> household;
  std::string language;
  // Read back only; upsert_member leaves them alone (set_role, set_private_chat, touch_member).
  Role role{Role::resident};
  std::string username;  // @handle without '@'
  std::optional<std::string> private_chat_id;  // set once they wrote to the bot privately
};

// A logistics volunteer (issue 5). Zones are buildings ("3", "12B"); empty zones: none covered.
struct VolunteerRecord {
  VolunteerId id;
  Platform platform{Platform::telegram};
  std::string user_id;
  std::string display_name;
  std::vector<Building> zones;
  std::int32_t capacity{10};
  bool on_shift{false};
  bool active{true};
  UnixTime last_assigned{0};
};

// An ordering window of one chat (round mode): orders collect until closes_at.
struct Round {
  std::int64_t id{0};
  Platform platform{Platform::telegram};
  std::string chat_id;
  std::optional<std::int64_t> thread_id;
  std::string language;  // "zh" / "en": the language the round was opened in
  std::string opened_by;
  UnixTime opened_at{0};
  UnixTime closes_at{0};
  UnixTime closed_at{0};  // 0: open
};

struct IsolatedHousehold {
  std::string address;
  UnixTime from{0};
  UnixTime until{0};
  UnixTime last_order_at{0};  // 0: never ordered
};

struct JielongSeen {
  std::string text;
  std::optional<OrderId> order;
};

struct HeldOrder {
  Platform platform{Platform::telegram};
  std::string user_id;
  std::string chat_id;
  std::optional<std::int64_t> thread_id;
  std::string message_id;
  std::string text;
};

class StoreTx {
 public:
  virtual ~StoreTx() = default;

  // Runs fn so that, if it throws, only its own writes are undone (SQL SAVEPOINT); rethrows.
  // One message's failure must not lose the rest of a group-committed batch.
  virtual void savepoint(const std::function<void()>& fn) = 0;

  // Records an inbound update. False when (platform, update_key) is already stored: a redelivery.
  virtual bool insert_inbound(const ChatMessage& m, UnixTime now) = 0;

  virtual std::int64_t enqueue_outbox(const OutgoingMessage& m, UnixTime due, UnixTime now) = 0;
  virtual void outbox_sent(std::int64_t id, std::string_view sent_message_id, UnixTime now) = 0;
  // count_attempt false: a deferral (rate limit), not a failure.
  virtual void outbox_retry(std::int64_t id, UnixTime due, std::string_view error, bool count_attempt = true) = 0;
  virtual void outbox_failed(std::int64_t id, std::string_view reason, UnixTime now) = 0;

  // Households and members.
  virtual HouseholdId upsert_household(std::string_view address, std::string_view building, UnixTime now) = 0;
  virtual std::optional<std::string> household_address(HouseholdId h) = 0;
  virtual void upsert_member(const Member& m, UnixTime now) = 0;
  virtual std::optional<Member> member(Platform p, std::string_view user_id) = 0;
  // Points the member at another household (upsert_member never replaces an existing link).
  virtual void relink_member(Platform p, std::string_view user_id, HouseholdId h, UnixTime now) = 0;

  // Orders.
  virtual OrderId insert_order(const NewOrder& o, UnixTime now) = 0;
  virtual std::optional<Order> order(OrderId no) = 0;
  // The latest order made from a message. Found through the message's inbound row, so it finds
  // orders whose source message was received (insert_inbound) before or in the same transaction.
  virtual std::optional<Order> order_by_source(Platform p, std::string_view chat_id, std::string_view message_id) = 0;
  virtual void replace_lines(OrderId no, const std::vector<OrderLine>& lines, std::string_view notes, UnixTime now) = 0;
  // The order belongs to another household (an address typo corrected by editing the message).
  virtual void move_order(OrderId no, HouseholdId to, std::string_view actor, UnixTime now) = 0;
  virtual void set_status(OrderId no, OrderStatus to, std::string_view actor, std::string_view detail, UnixTime now) = 0;
  virtual std::vector<Order> open_orders_of(HouseholdId h) = 0;
  // Home isolation of a household (until <= now ends it).
  virtual void set_isolation(HouseholdId h, UnixTime from, UnixTime until) = 0;
  // Households isolated at `now`, by address, with when they last ordered.
  virtual std::vector<IsolatedHousehold> isolated_households(UnixTime now) = 0;

  // The household's most recent order that was not cancelled (for 同昨天 / same as yesterday).
  virtual std::optional<Order> last_order_of(HouseholdId h) = 0;

  // 接龙 chains: what each entry of a chat's list said when last seen, and the order it made.
  // entry_key is the entry's household, or "#<number>" when it names none.
  virtual std::optional<JielongSeen> jielong_entry(Platform p, std::string_view chat_id, std::string_view header,
                                                   std::string_view entry_key) = 0;
  virtual void put_jielong_entry(Platform p, std::string_view chat_id, std::string_view header,
                                 std::string_view entry_key, std::string_view text, std::optional<OrderId> order,
                                 UnixTime now) = 0;

  // An order held until its sender tells us their address (one per sender; a newer one replaces it).
  virtual std::optional<HeldOrder> held_order(Platform p, std::string_view user_id) = 0;
  virtual void put_held_order(const HeldOrder& h, UnixTime now) = 0;
  virtual void drop_held_order(Platform p, std::string_view user_id) = 0;

  // The order a sent bot message was about (see OutgoingMessage::order_no).
  virtual std::optional<OrderId> order_for_bot_message(Platform p, std::string_view chat_id, std::string_view bot_message_id) = 0;

  // --- members: roles, handles and private chats (issue 5) ---------------------------------
  // Keeps the display name and @username current (a cheap no-op when unchanged; an empty one
  // does not erase what is known: not every platform or message carries them).
  virtual void touch_member(Platform p, std::string_view user_id, std::string_view display_name,
                            std::string_view username, UnixTime now) = 0;
  virtual void set_private_chat(Platform p, std::string_view user_id, std::string_view chat_id, UnixTime now) = 0;
  virtual void set_role(Platform p, std::string_view user_id, Role role, UnixTime now) = 0;
  virtual std::optional<Member> member_by_username(Platform p, std::string_view username) = 0;
  virtual std::vector<Member> members_with_role(Role role) = 0;
  // Who wrote message_id in that chat (for "reply to someone's message with /volunteer add").
  virtual std::optional<std::string> sender_of_message(Platform p, std::string_view chat_id,
                                                       std::string_view message_id) = 0;

  // --- volunteers --------------------------------------------------------------------------
  // Creates or updates (zones, capacity, name; reactivates) the volunteer of (platform, user_id).
  virtual VolunteerId upsert_volunteer(const VolunteerRecord& v, std::string_view added_by, UnixTime now) = 0;
  virtual std::optional<VolunteerRecord> volunteer(VolunteerId id) = 0;
  virtual std::optional<VolunteerRecord> volunteer_by_user(Platform p, std::string_view user_id) = 0;
  virtual std::vector<VolunteerRecord> active_volunteers() = 0;  // by id
  virtual void set_volunteer_active(VolunteerId id, bool active, UnixTime now) = 0;
  virtual void set_on_shift(VolunteerId id, bool on, UnixTime now) = 0;

  // --- order logistics ---------------------------------------------------------------------
  // Gives the order to a volunteer (status assigned, assigned_at now) or back to nobody
  // (status pending), with an event saying why.
  virtual void set_holder(OrderId no, std::optional<VolunteerId> v, std::string_view actor, std::string_view detail,
                          UnixTime now) = 0;
  // Open orders (pending, assigned, purchased) that the assignment rules place: not those
  // collecting in an open round. By id.
  virtual std::vector<Order> assignable_orders() = 0;
  // A volunteer's open orders (assigned, purchased), with items, by id.
  virtual std::vector<Order> orders_of_volunteer(VolunteerId v) = 0;
  // Every open order with items (pending, assigned, purchased), by id.
  virtual std::vector<Order> open_orders() = 0;
  virtual void set_received(OrderId no, std::string_view actor, UnixTime now) = 0;
  virtual void set_escalated(OrderId no, UnixTime now) = 0;
  // Delivered orders the household has not confirmed, delivered at or before `before`.
  virtual std::vector<Order> delivered_unconfirmed(UnixTime before, std::size_t limit) = 0;
  virtual std::vector<Order> delivered_unconfirmed_of(HouseholdId h) = 0;
  // Orders by status, and households with an order delivered since `since`.
  virtual std::vector<std::pair<OrderStatus, std::int64_t>> status_counts() = 0;
  virtual std::int64_t households_delivered_since(UnixTime since) = 0;

  // --- rounds ------------------------------------------------------------------------------
  virtual std::int64_t open_round(const Round& r) = 0;
  virtual std::optional<Round> open_round_of(Platform p, std::string_view chat_id) = 0;
  virtual std::optional<Round> round(std::int64_t id) = 0;
  virtual std::vector<Round> rounds_due(UnixTime now) = 0;  // open with closes_at <= now
  virtual void close_round(std::int64_t id, UnixTime now) = 0;
  // The round's orders that are still open, with items, by id.
  virtual std::vector<Order> orders_of_round(std::int64_t id) = 0;
  // Every order (or one round's), one row per item, for /export.
  virtual std::vector<ExportRow> export_rows(std::optional<std::int64_t> round_id) = 0;
  // The latest round of a chat, open or closed.
  virtual std::optional<Round> latest_round_of(Platform p, std::string_view chat_id) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // One transaction: commits when fn returns, rolls back and throws StoreError when it throws.
  // Called only from the writer thread.
  virtual void write(const std::function<void(StoreTx&)>& fn) = 0;
  // Makes every transaction committed so far durable. A store whose commit is durable when
  // write() returns has nothing to do (the default). One that defers it (SqliteStore with
  // deferred_sync) syncs here, on the writer's reporting thread, while write() may already run the
  // next transaction. Throws StoreError.
  virtual void sync() {}

  // Reads, any thread.
  virtual std::vector<OutboxRow> due_outbox(UnixTime now, std::size_t limit) = 0;
  virtual std::optional<UnixTime> next_outbox_due() = 0;
  // Pending replies (not button answers) due after `now`. The outbox reads them once when it
  // starts and keeps track itself afterwards (a query before every send needed an index of
  // pending rows by chat, which every new reply dirtied: see docs/decisions.md).
  virtual std::vector<WaitingReply> waiting_replies(UnixTime now) = 0;
  virtual OutboxStats outbox_stats() = 0;
  virtual std::vector<std::pair<std::string, std::int64_t>> orders_by_status() = 0;
  // The newest orders with their items, newest first.
  virtual std::vector<Order> recent_orders(std::size_t limit) = 0;
  // Whether (platform, update_key) is stored already: a redelivery. Throws StoreError.
  virtual bool inbound_seen(Platform p, std::string_view update_key) = 0;
  virtual bool healthy() = 0;
  // Counters of the storage engine itself, for /metrics: (name, help, value), each exported as
  // supplybot_storage_<name>_total. Any thread; none by default.
  struct Counter {
    std::string name;
    std::string help;
    std::uint64_t value{0};
  };
  virtual std::vector<Counter> counters() { return {}; }
};

}  // namespace supplybot::handlers
