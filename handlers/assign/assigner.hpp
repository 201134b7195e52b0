#pragma once
// Assigner: the order assignment rules of issue 5 as a pure in-memory component.
//
// The engine owns one Assigner, rebuilds it at start from the database (restore_volunteer,
// restore_order, then drain_queue), feeds it every event, and persists and announces the
// Outcome each call returns. Time is injected in every call; nothing reads a clock. A user's
// mistake comes back as Outcome::refusal, never as an exception, and leaves the state unchanged.
//
// Rules (docs/assignment.md has the long form):
// - A candidate for an order is an on-shift volunteer whose zones include the order's building
//   and whose load (open orders held: assigned or purchased, not yet delivered) is below
//   capacity. Among candidates prefer one already carrying an order for that building, then the
//   lowest load, then the longest idle (earliest last assignment), then the lowest VolunteerId.
// - No candidate: the order waits in the queue (urgent first, then oldest first, then lowest
//   id) and is given out as soon as a volunteer covering its building comes on shift, frees
//   capacity, or gains the zone or capacity by upsert_volunteer.
// - /off and /release hand unpurchased orders back; each is reassigned by the same rules or
//   queued. A released order never goes straight back to the volunteer who released it.
//
// Cost: a volunteer with few zones (at most wide_zones, 16 by default) sits in a candidate set
// per zone, so each change of their load costs O(z log n) (z zones, n candidates in a
// building). A volunteer with more zones sits in one set of wide volunteers ordered by (load,
// idle, id), so their load changes cost O(log w); choosing for a building then also looks at
// the wide volunteers carrying orders there and walks the wide set to the first who covers
// it. Nothing scans all volunteers or all orders per call.
//
// Not thread-safe: one writer (the engine thread) owns it. Movable, not copyable (it keeps
// iterators into its own containers).

#include "handlers/assign/ids.hpp"
#include "handlers/assign/order_queue.hpp"
#include "handlers/assign/order_table.hpp"
#include "handlers/assign/outcome.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace supplybot::handlers {

enum class OrderState : std::uint8_t { queued, assigned, purchased };

std::string_view to_string(OrderState s);

struct OrderView {
  OrderId id;
  Building building;
  bool urgent{false};
  OrderState state{OrderState::queued};
  std::optional<VolunteerId> holder;  // empty while queued
  UnixTime created_at{0};
  UnixTime assigned_at{0};  // time it was given to its current holder; 0 while queued
};

struct VolunteerView {
  VolunteerId id;
  std::vector<Building> zones;  // sorted, unique
  std::int32_t capacity{0};
  std::int32_t load{0};  // open orders held: assigned + purchased
  bool on_shift{false};
  UnixTime last_assigned{0};  // 0: never given an order (idle the longest)
};

struct OverdueOrder {
  OrderId id;
  VolunteerId volunteer;
  UnixTime assigned_at{0};
};

// One order of a round, collected by the engine until the cut-off.
struct RoundOrder {
  OrderId id;
  Building building;
  bool urgent{false};
  UnixTime created_at{0};
};

// One volunteer's share of a round: urgent first, then by building, then oldest first.
struct RoundList {
  VolunteerId volunteer;
  std::vector<OrderId> orders;
};

struct RoundSplit {
  Outcome outcome;                  // every assignment (reason round) and every queued order
  std::vector<RoundList> lists;     // by VolunteerId; only volunteers who got something
  std::vector<OrderId> duplicates;  // ids already open (or repeated in the batch): skipped
};

class Assigner {
 public:
  static constexpr std::size_t kDefaultWideZones = 16;

  Assigner() = default;
  // wide_zones: a volunteer covering more buildings than this is indexed as "wide" (see the
  // cost note above). Changes only the cost, never a decision.
  explicit Assigner(std::size_t wide_zones) : wide_zones_(wide_zones) {}
  Assigner(const Assigner&) = delete;
  Assigner& operator=(const Assigner&) = delete;
  Assigner(Assigner&&) = default;
  Assigner& operator=(Assigner&&) = default;

  // --- volunteers -------------------------------------------------------------------------
  // Creates (off shift) or updates a volunteer. Orders already held stay held even when their
  // building leaves the zones or the load exceeds a lowered capacity. May take queued orders.
  Outcome upsert_volunteer(VolunteerId v, std::vector<Building> zones, std::int32_t capacity,
                           UnixTime now);
  // /on: takes queued orders up to capacity (urgent first, then oldest).
  // /off: hands back every assigned-not-purchased order (reassigned or queued); purchased
  // orders stay with the volunteer, who still has to deliver them (Outcome::kept).
  Outcome set_on_shift(VolunteerId v, bool on, UnixTime now);

  // --- orders -----------------------------------------------------------------------------
  Outcome add_order(OrderId id, std::string_view building, bool urgent, UnixTime now);
  // The volunteer bought it: it stops counting towards overdue() but still counts as load.
  Outcome mark_purchased(OrderId id);
  // The order became (or stopped being) urgent, e.g. the resident edited in 急: it moves in the
  // queue or in its holder's list. Nothing is reassigned.
  Outcome set_urgent(OrderId id, bool urgent);
  // Delivered: the order is forgotten and its volunteer's capacity freed (may take the queue).
  Outcome complete(OrderId id, UnixTime now);
  // Cancelled from the queue or from a volunteer (frees capacity like complete).
  Outcome cancel(OrderId id, UnixTime now);
  // /claim: a volunteer takes a queued order (on shift, covering its building, below capacity).
  Outcome claim(OrderId id, VolunteerId v, UnixTime now);
  // /release: the holder hands an unpurchased order back; it is reassigned to someone else or
  // queued, and the releaser's freed capacity may take other queued orders.
  Outcome release(OrderId id, VolunteerId v, UnixTime now);
  // /assign by a coordinator: assigns a queued order or moves a held one (purchased stays
  // purchased). Obeys even over capacity, out of zone or off shift; Outcome::warnings says so.
  Outcome force_assign(OrderId id, VolunteerId v, UnixTime now);

  // Round mode: gives a closed round's orders out together. Urgent orders first; then orders
  // grouped by building, largest group first, each group kept with one volunteer while that
  // volunteer has capacity (one trip), each group started on the least-loaded candidate.
  // Deterministic for the same state and the same set of orders, whatever their input order.
  RoundSplit split_round(std::span<const RoundOrder> orders, UnixTime now);

  // --- rebuild at start -------------------------------------------------------------------
  // Restore volunteers first, then their open orders, then call drain_queue once. Restoring
  // places things as stored, without applying the rules and without taking queued orders.
  Outcome restore_volunteer(VolunteerId v, std::vector<Building> zones, std::int32_t capacity,
                            bool on_shift, UnixTime last_assigned);
  // holder empty: the order is queued. assigned_at is ignored then.
  Outcome restore_order(OrderId id, std::string_view building, bool urgent, UnixTime created_at,
                        std::optional<VolunteerId> holder, UnixTime assigned_at, bool purchased);
  // Gives every queued order that has a candidate, in queue order.
  Outcome drain_queue(UnixTime now);

  // --- queries ----------------------------------------------------------------------------
  // Urgent first, then oldest, then lowest id. O(q log b): a merge of the b building queues.
  std::vector<OrderView> queue() const;
  std::size_t queue_size() const { return queued_; }
  std::size_t open_orders() const { return orders_.size(); }
  std::size_t volunteer_count() const { return volunteers_.size(); }
  std::int32_t load(VolunteerId v) const;  // 0 for an unknown volunteer
  std::optional<VolunteerView> volunteer(VolunteerId v) const;
  std::vector<VolunteerView> volunteers() const;  // every volunteer, by VolunteerId
  std::optional<OrderView> order(OrderId id) const;
  std::vector<OrderView> orders_of(VolunteerId v) const;  // urgent first, then oldest
  // Assigned, not purchased, and given to their holder more than max_age seconds ago
  // (assigned_at < now - max_age), oldest first. O(log n + k) for k results: the engine should
  // remember which it already escalated.
  std::vector<OverdueOrder> overdue(UnixTime now, UnixTime max_age) const;

 private:
  using Index = std::uint32_t;
  static constexpr Index kNone = 0xffffffffu;

  // Position of a volunteer in one building's candidate set; smaller is preferred.
  struct CandidateKey {
    std::uint8_t not_carrying;  // 0: already carries an order for this building
    std::int32_t load;
    UnixTime last_assigned;
    std::int64_t id;
    Index volunteer;  // after id, so never decides the order
    auto operator<=>(const CandidateKey&) const = default;
  };
  using CandidateSet = std::set<CandidateKey>;

  using OrderSet = std::set<OrderKey>;  // a volunteer's held orders, in OrderKey order
  using AgeSet = std::set<std::pair<UnixTime, std::int64_t>>;  // (assigned_at, order id)

  struct BuildingState {
    Building name{};
    CandidateSet candidates{};  // narrow on-shift volunteers covering it with load < capacity
    OrderQueue queue{};         // its waiting orders
    // Wide volunteers covering it and holding orders for it, whatever their shift or load
    // (filtered when read); changes only when such a count goes 0 <-> 1.
    std::vector<Index> wide_carriers{};
  };

  struct ZoneSlot {
    Index building;
    std::int32_t carrying;          // open orders held for this building
    CandidateSet::iterator pos;     // valid while a narrow volunteer is indexed
  };

  struct Volunteer {
    VolunteerId id{};
    std::vector<ZoneSlot> zones{};  // sorted by building index, unique
    std::int32_t capacity{0};
    std::int32_t load{0};
    bool on_shift{false};
    bool wide{false};     // more zones than wide_zones_: indexed in wide_ instead
    bool indexed{false};  // present in its zones' candidate sets (narrow) or in wide_ (wide)
    CandidateSet::iterator wide_pos{};  // valid while a wide volunteer is indexed
    UnixTime last_assigned{0};
    OrderSet orders{};  // open orders held
  };

  // 24 bytes: every open order has one, and under a flood with nobody to deliver they all stay
  // open, waiting. Its entry in the building queue is found by key (order_key: a binary search
  // in a deque, nearly always ending at an end). What only a held order needs is in Holding.
  struct Order {
    Index building{kNone};  // kNone only in OrderTable's empty slots
    Index released_by{kNone};  // never handed straight back to this volunteer
    bool urgent{false};
    OrderState state{OrderState::queued};
    UnixTime created_at{0};
    bool vacant() const { return building == kNone; }
  };
  static_assert(sizeof(Order) == 24);

  // A held order's holder and its entries in the held orders' sets, kept as iterators: those
  // are red-black trees where a search by key costs a walk of cache misses (tried: complete
  // +35 % in assign_bench). Held orders are bounded by the volunteers' capacities.
  struct Holding {
    Index holder{kNone};  // kNone only in OrderTable's empty slots
    UnixTime assigned_at{0};
    OrderSet::iterator held_pos{};   // holder's orders
    AgeSet::iterator awaiting_pos{};  // awaiting_purchase_, while assigned
    bool vacant() const { return holder == kNone; }
  };

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  Index intern(std::string_view building);
  Index find_volunteer(VolunteerId v) const;
  static ZoneSlot* zone_slot(Volunteer& vol, Index building);
  static const ZoneSlot* zone_slot(const Volunteer& vol, Index building);
  CandidateKey key_for(const Volunteer& vol, Index vi, const ZoneSlot& slot) const;
  // Brings the volunteer's index entries (its zones' candidate sets, or the wide set) in line
  // with its state.
  void reindex(Index vi);
  Index best_candidate(Index building, Index exclude) const;
  void unindex(Index vi);
  void add_wide_carrier(Index building, Index vi);
  void remove_wide_carrier(Index building, Index vi);
  static OrderKey order_key(std::int64_t id, const Order& o);
  Index holder_of(std::int64_t id) const {
    const Holding* h = holdings_.find(id);
    return h == nullptr ? kNone : h->holder;
  }

  void enqueue(std::int64_t id, Order& o, Outcome& out);
  void dequeue(std::int64_t id, Order& o);
  // Gives order `id` to volunteer vi, recording the assignment. reindex_now false: the caller
  // reindexes vi before anything reads the candidate sets again.
  void give(std::int64_t id, Order& o, Index vi, UnixTime now, AssignReason reason,
            std::optional<VolunteerId> from, Outcome& out, bool reindex_now = true);
  // Takes the order away from its holder without reindexing the holder: the caller then calls
  // pull(holder), which reindexes, or the holder is off shift and not indexed anyway. Returns
  // the holder it had.
  Index take_back(std::int64_t id, Order& o);
  // Gives the order to the best candidate other than `exclude`, or queues it.
  void place(std::int64_t id, Order& o, UnixTime now, AssignReason reason,
             std::optional<VolunteerId> from, Index exclude, Outcome& out);
  // Lets volunteer vi take queued orders from its zones while it has capacity.
  void pull(Index vi, UnixTime now, Outcome& out);
  void set_zones(Index vi, std::vector<Building> zones);
  OrderView view(std::int64_t id, const Order& o) const;
  VolunteerView view(const Volunteer& vol) const;
  std::vector<OrderKey> queued_keys() const;  // every waiting order, in queue order

  std::size_t wide_zones_{kDefaultWideZones};
  CandidateSet wide_;  // indexed wide volunteers, key (0, load, last_assigned, id)
  std::deque<BuildingState> buildings_;  // deque: CandidateSet iterators stay valid on growth
  std::unordered_map<std::string, Index, StringHash, std::equal_to<>> building_index_;
  std::vector<Volunteer> volunteers_;
  std::unordered_map<std::int64_t, Index> volunteer_index_;
  OrderTable<Order> orders_;
  OrderTable<Holding> holdings_;  // the held orders' (an erase may move others: see OrderTable)
  std::size_t queued_{0};              // orders in all building queues
  std::set<Index> waiting_buildings_;  // buildings whose queue is not empty
  std::size_t released_waiting_{0};    // queued orders that carry released_by
  AgeSet awaiting_purchase_;  // assigned, not purchased
};

}  // namespace supplybot::handlers
