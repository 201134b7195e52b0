#include "handlers/assign/assigner.hpp"

#include <algorithm>
#include <cassert>
#include <map>
#include <tuple>
#include <unordered_set>
#include <utility>

namespace supplybot::handlers {

std::string_view to_string(OrderState s) {
  switch (s) {
    case OrderState::queued: return "queued";
    case OrderState::assigned: return "assigned";
    case OrderState::purchased: return "purchased";
  }
  return "unknown";
}

namespace {

Outcome refused(Refusal r) {
  Outcome out;
  out.refusal = r;
  return out;
}

}  // namespace

// --- internals ------------------------------------------------------------------------------

Assigner::Index Assigner::intern(std::string_view building) {
  if (auto it = building_index_.find(building); it != building_index_.end()) return it->second;
  const auto index = static_cast<Index>(buildings_.size());
  buildings_.push_back(BuildingState{.name = Building{building}, .candidates = {}, .queue = {}});
  building_index_.emplace(Building{building}, index);
  return index;
}

Assigner::Index Assigner::find_volunteer(VolunteerId v) const {
  auto it = volunteer_index_.find(v.value);
  return it == volunteer_index_.end() ? kNone : it->second;
}

const Assigner::ZoneSlot* Assigner::zone_slot(const Volunteer& vol, Index building) {
  auto it = std::lower_bound(vol.zones.begin(), vol.zones.end(), building,
                             [](const ZoneSlot& s, Index b) { return s.building < b; });
  return it != vol.zones.end() && it->building == building ? &*it : nullptr;
}

Assigner::ZoneSlot* Assigner::zone_slot(Volunteer& vol, Index building) {
  return const_cast<ZoneSlot*>(zone_slot(std::as_const(vol), building));
}

Assigner::CandidateKey Assigner::key_for(const Volunteer& vol, Index vi,
                                         const ZoneSlot& slot) const {
  return CandidateKey{.not_carrying = static_cast<std::uint8_t>(slot.carrying > 0 ? 0 : 1),
                      .load = vol.load,
                      .last_assigned = vol.last_assigned,
                      .id = vol.id.value,
                      .volunteer = vi};
}

void Assigner::reindex(Index vi) {
  Volunteer& vol = volunteers_[vi];
  const bool want = vol.on_shift && vol.load < vol.capacity;
  if (vol.wide) {
    const CandidateKey key{.not_carrying = 0,
                           .load = vol.load,
                           .last_assigned = vol.last_assigned,
                           .id = vol.id.value,
                           .volunteer = vi};
    if (vol.indexed && !want) {
      wide_.erase(vol.wide_pos);
    } else if (vol.indexed && !(*vol.wide_pos == key)) {
      const auto hint = std::next(vol.wide_pos);
      auto node = wide_.extract(vol.wide_pos);
      node.value() = key;
      vol.wide_pos = wide_.insert(hint, std::move(node));
    } else if (!vol.indexed && want) {
      vol.wide_pos = wide_.insert(key).first;
    }
    vol.indexed = want;
    return;
  }
  for (ZoneSlot& slot : vol.zones) {
    CandidateSet& set = buildings_[slot.building].candidates;
    if (vol.indexed) {
      if (want) {
        const CandidateKey key = key_for(vol, vi, slot);
        if (*slot.pos == key) continue;
        // Reuse the node (no allocation) and try the old neighbour as the hint: a load change
        // by one often leaves the volunteer in place.
        const auto hint = std::next(slot.pos);
        auto node = set.extract(slot.pos);
        node.value() = key;
        slot.pos = set.insert(hint, std::move(node));
      } else {
        set.erase(slot.pos);
      }
    } else if (want) {
      slot.pos = set.insert(key_for(vol, vi, slot)).first;
    }
  }
  vol.indexed = want;
}

Assigner::Index Assigner::best_candidate(Index building, Index exclude) const {
  const BuildingState& b = buildings_[building];
  std::optional<CandidateKey> best;
  // Narrow volunteers: the first of the building's set (at most two steps: the excluded
  // volunteer appears once).
  for (const CandidateKey& k : b.candidates) {
    if (k.volunteer == exclude) continue;
    best = k;
    break;
  }
  if (wide_.empty()) return best ? best->volunteer : kNone;
  // Wide volunteers already carrying an order for this building.
  for (Index wi : b.wide_carriers) {
    const Volunteer& w = volunteers_[wi];
    if (wi == exclude || !w.on_shift || w.load >= w.capacity) continue;
    const CandidateKey k{.not_carrying = 0,
                         .load = w.load,
                         .last_assigned = w.last_assigned,
                         .id = w.id.value,
                         .volunteer = wi};
    if (!best || k < *best) best = k;
  }
  // A carrier cannot be beaten by anyone not carrying. Otherwise: the first wide volunteer
  // covering the building, in (load, idle, id) order. Every wide carrier was seen above, so
  // whoever is found here does not carry this building; and nobody past the current best's
  // (load, idle, id) can beat it, so the walk stops there.
  if (best && best->not_carrying == 0) return best->volunteer;
  for (const CandidateKey& k : wide_) {
    if (best && std::tie(k.load, k.last_assigned, k.id) >
                    std::tie(best->load, best->last_assigned, best->id)) {
      break;
    }
    if (k.volunteer == exclude || zone_slot(volunteers_[k.volunteer], building) == nullptr) {
      continue;
    }
    CandidateKey candidate = k;
    candidate.not_carrying = 1;
    if (!best || candidate < *best) best = candidate;
    break;
  }
  return best ? best->volunteer : kNone;
}

void Assigner::unindex(Index vi) {
  Volunteer& vol = volunteers_[vi];
  if (!vol.indexed) return;
  if (vol.wide) {
    wide_.erase(vol.wide_pos);
  } else {
    for (ZoneSlot& slot : vol.zones) buildings_[slot.building].candidates.erase(slot.pos);
  }
  vol.indexed = false;
}

void Assigner::add_wide_carrier(Index building, Index vi) {
  buildings_[building].wide_carriers.push_back(vi);
}

void Assigner::remove_wide_carrier(Index building, Index vi) {
  std::vector<Index>& carriers = buildings_[building].wide_carriers;
  auto it = std::find(carriers.begin(), carriers.end(), vi);
  *it = carriers.back();
  carriers.pop_back();
}

OrderKey Assigner::order_key(std::int64_t id, const Order& o) {
  return OrderKey{.not_urgent = static_cast<std::uint8_t>(o.urgent ? 0 : 1),
                  .created_at = o.created_at,
                  .id = id};
}

void Assigner::enqueue(std::int64_t id, Order& o, Outcome& out) {
  assert(!holdings_.contains(id));
  o.state = OrderState::queued;
  OrderQueue& queue = buildings_[o.building].queue;
  if (queue.empty()) waiting_buildings_.insert(o.building);
  queue.insert(order_key(id, o));
  ++queued_;
  if (o.released_by != kNone) ++released_waiting_;
  out.queued.push_back(OrderId{id});
}

void Assigner::dequeue(std::int64_t id, Order& o) {
  OrderQueue& queue = buildings_[o.building].queue;
  queue.erase(order_key(id, o));
  if (queue.empty()) waiting_buildings_.erase(o.building);
  --queued_;
  if (o.released_by != kNone) --released_waiting_;
}

void Assigner::give(std::int64_t id, Order& o, Index vi, UnixTime now, AssignReason reason,
                    std::optional<VolunteerId> from, Outcome& out, bool reindex_now) {
  assert(!holdings_.contains(id));
  Volunteer& vol = volunteers_[vi];
  Holding h{.holder = vi, .assigned_at = now};
  // A coordinator moving a purchased order moves the goods too: it stays purchased.
  if (o.state != OrderState::purchased) {
    o.state = OrderState::assigned;
    h.awaiting_pos = awaiting_purchase_.emplace_hint(awaiting_purchase_.end(), now, id);
  }
  o.released_by = kNone;
  h.held_pos = vol.orders.emplace_hint(vol.orders.end(), order_key(id, o));
  holdings_.insert(id, h);
  ++vol.load;
  if (ZoneSlot* slot = zone_slot(vol, o.building)) {
    if (++slot->carrying == 1 && vol.wide) add_wide_carrier(o.building, vi);
  }
  vol.last_assigned = std::max(vol.last_assigned, now);
  if (reindex_now) reindex(vi);
  out.assigned.push_back(Assignment{
      .order = OrderId{id}, .volunteer = vol.id, .reason = reason, .from = from,
      .urgent = o.urgent});
}

Assigner::Index Assigner::take_back(std::int64_t id, Order& o) {
  const Holding& h = holdings_.at(id);
  const Index vi = h.holder;
  Volunteer& vol = volunteers_[vi];
  vol.orders.erase(h.held_pos);
  --vol.load;
  if (ZoneSlot* slot = zone_slot(vol, o.building)) {
    if (--slot->carrying == 0 && vol.wide) remove_wide_carrier(o.building, vi);
  }
  if (o.state == OrderState::assigned) awaiting_purchase_.erase(h.awaiting_pos);
  holdings_.erase(id);
  return vi;
}

void Assigner::place(std::int64_t id, Order& o, UnixTime now, AssignReason reason,
                     std::optional<VolunteerId> from, Index exclude, Outcome& out) {
  const Index vi = best_candidate(o.building, exclude);
  if (vi == kNone) {
    enqueue(id, o, out);
  } else {
    give(id, o, vi, now, reason, from, out);
  }
}

void Assigner::pull(Index vi, UnixTime now, Outcome& out) {
  // Invariant: a queued order has no candidate other than the volunteer who released it. So
  // the volunteer whose state just changed is the only one who can take queued orders, and
  // the best queued order among its zones' queue heads is the one the rules give it.
  // The candidate sets are brought up to date once, at the end: nothing reads this
  // volunteer's entries in between.
  Volunteer& vol = volunteers_[vi];
  while (vol.on_shift && vol.load < vol.capacity && queued_ != 0) {
    std::optional<OrderKey> best;
    auto consider = [&](Index building) {
      for (const OrderKey& k : buildings_[building].queue) {
        if (released_waiting_ != 0 && orders_.at(k.id).released_by == vi) continue;
        if (!best || k < *best) best = k;
        return;
      }
    };
    // Walk the shorter of the volunteer's zones and the buildings that have a queue, so a
    // volunteer covering every building does not visit hundreds of empty queues.
    if (waiting_buildings_.size() < vol.zones.size()) {
      for (Index b : waiting_buildings_) {
        if (zone_slot(vol, b) != nullptr) consider(b);
      }
    } else {
      for (const ZoneSlot& slot : vol.zones) consider(slot.building);
    }
    if (!best) break;
    Order& o = orders_.at(best->id);
    dequeue(best->id, o);
    give(best->id, o, vi, now, AssignReason::from_queue, std::nullopt, out, false);
  }
  reindex(vi);
}

void Assigner::set_zones(Index vi, std::vector<Building> zones) {
  unindex(vi);
  Volunteer& vol = volunteers_[vi];
  if (vol.wide) {
    for (const ZoneSlot& slot : vol.zones) {
      if (slot.carrying > 0) remove_wide_carrier(slot.building, vi);
    }
  }
  std::vector<Index> indices;
  indices.reserve(zones.size());
  for (const Building& b : zones) indices.push_back(intern(b));
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  vol.zones.clear();
  for (Index b : indices) vol.zones.push_back(ZoneSlot{.building = b, .carrying = 0, .pos = {}});
  for (const OrderKey& k : vol.orders) {
    if (ZoneSlot* slot = zone_slot(vol, orders_.at(k.id).building)) ++slot->carrying;
  }
  vol.wide = vol.zones.size() > wide_zones_;
  if (vol.wide) {
    for (const ZoneSlot& slot : vol.zones) {
      if (slot.carrying > 0) add_wide_carrier(slot.building, vi);
    }
  }
  reindex(vi);
}

OrderView Assigner::view(std::int64_t id, const Order& o) const {
  OrderView v{.id = OrderId{id},
              .building = buildings_[o.building].name,
              .urgent = o.urgent,
              .state = o.state,
              .holder = std::nullopt,
              .created_at = o.created_at,
              .assigned_at = 0};
  if (const Holding* h = holdings_.find(id)) {
    v.holder = volunteers_[h->holder].id;
    v.assigned_at = h->assigned_at;
  }
  return v;
}

// --- volunteers -----------------------------------------------------------------------------

Outcome Assigner::upsert_volunteer(VolunteerId v, std::vector<Building> zones,
                                   std::int32_t capacity, UnixTime now) {
  if (capacity < 0) return refused(Refusal::invalid_capacity);
  Index vi = find_volunteer(v);
  if (vi == kNone) {
    vi = static_cast<Index>(volunteers_.size());
    volunteers_.push_back(Volunteer{.id = v});
    volunteer_index_.emplace(v.value, vi);
  }
  volunteers_[vi].capacity = capacity;
  set_zones(vi, std::move(zones));
  Outcome out;
  pull(vi, now, out);
  return out;
}

Outcome Assigner::set_on_shift(VolunteerId v, bool on, UnixTime now) {
  const Index vi = find_volunteer(v);
  if (vi == kNone) return refused(Refusal::volunteer_not_found);
  Outcome out;
  Volunteer& vol = volunteers_[vi];
  if (on) {
    vol.on_shift = true;
    reindex(vi);
    pull(vi, now, out);
    return out;
  }
  if (!vol.on_shift) return out;
  vol.on_shift = false;
  reindex(vi);
  // Copy first: handing back edits vol.orders.
  const std::vector<OrderKey> held(vol.orders.begin(), vol.orders.end());
  for (const OrderKey& k : held) {
    Order& o = orders_.at(k.id);
    if (o.state == OrderState::purchased) {
      out.kept.push_back(OrderId{k.id});
      continue;
    }
    take_back(k.id, o);
    place(k.id, o, now, AssignReason::reassigned, v, vi, out);
  }
  return out;
}

// --- orders ---------------------------------------------------------------------------------

Outcome Assigner::add_order(OrderId id, std::string_view building, bool urgent, UnixTime now) {
  if (orders_.contains(id.value)) return refused(Refusal::order_exists);
  const Index b = intern(building);
  Order& o = orders_.insert(
      id.value, Order{.building = b, .urgent = urgent, .state = OrderState::queued, .created_at = now});
  Outcome out;
  place(id.value, o, now, AssignReason::new_order, std::nullopt, kNone, out);
  return out;
}

Outcome Assigner::mark_purchased(OrderId id) {
  Order* found = orders_.find(id.value);
  if (found == nullptr) return refused(Refusal::order_not_found);
  Order& o = *found;
  if (o.state == OrderState::queued) return refused(Refusal::not_assigned);
  if (o.state == OrderState::purchased) return refused(Refusal::already_purchased);
  awaiting_purchase_.erase(holdings_.at(id.value).awaiting_pos);
  o.state = OrderState::purchased;
  return {};
}

Outcome Assigner::set_urgent(OrderId id, bool urgent) {
  Order* found = orders_.find(id.value);
  if (found == nullptr) return refused(Refusal::order_not_found);
  Order& o = *found;
  if (o.urgent == urgent) return {};
  if (o.state == OrderState::queued) {
    // A waiting order has no candidate (the queue invariant), so moving it up changes who
    // gets it next, not whether anyone gets it now.
    dequeue(id.value, o);
    o.urgent = urgent;
    Outcome scratch;
    enqueue(id.value, o, scratch);
  } else {
    Holding& h = holdings_.at(id.value);
    OrderSet& held = volunteers_[h.holder].orders;
    held.erase(h.held_pos);
    o.urgent = urgent;
    h.held_pos = held.insert(order_key(id.value, o)).first;
  }
  return {};
}

Outcome Assigner::complete(OrderId id, UnixTime now) {
  Order* found = orders_.find(id.value);
  if (found == nullptr) return refused(Refusal::order_not_found);
  if (found->state == OrderState::queued) return refused(Refusal::not_assigned);
  const Index holder = take_back(id.value, *found);
  orders_.erase(id.value);
  Outcome out;
  pull(holder, now, out);
  return out;
}

Outcome Assigner::cancel(OrderId id, UnixTime now) {
  Order* found = orders_.find(id.value);
  if (found == nullptr) return refused(Refusal::order_not_found);
  Outcome out;
  if (found->state == OrderState::queued) {
    dequeue(id.value, *found);
    orders_.erase(id.value);
    return out;
  }
  const Index holder = take_back(id.value, *found);
  orders_.erase(id.value);
  pull(holder, now, out);
  return out;
}

Outcome Assigner::claim(OrderId id, VolunteerId v, UnixTime now) {
  Order* found = orders_.find(id.value);
  if (found == nullptr) return refused(Refusal::order_not_found);
  const Index vi = find_volunteer(v);
  if (vi == kNone) return refused(Refusal::volunteer_not_found);
  Order& o = *found;
  Volunteer& vol = volunteers_[vi];
  if (o.state != OrderState::queued) return refused(Refusal::not_in_queue);
  if (!vol.on_shift) return refused(Refusal::off_shift);
  if (zone_slot(vol, o.building) == nullptr) return refused(Refusal::zone_not_covered);
  if (vol.load >= vol.capacity) return refused(Refusal::at_capacity);
  Outcome out;
  dequeue(id.value, o);
  give(id.value, o, vi, now, AssignReason::claimed, std::nullopt, out);
  return out;
}

Outcome Assigner::release(OrderId id, VolunteerId v, UnixTime now) {
  Order* found = orders_.find(id.value);
  if (found == nullptr) return refused(Refusal::order_not_found);
  const Index vi = find_volunteer(v);
  if (vi == kNone) return refused(Refusal::volunteer_not_found);
  Order& o = *found;
  if (holder_of(id.value) != vi) return refused(Refusal::not_yours);
  if (o.state == OrderState::purchased) return refused(Refusal::already_purchased);
  Outcome out;
  take_back(id.value, o);
  o.released_by = vi;
  place(id.value, o, now, AssignReason::reassigned, v, vi, out);
  pull(vi, now, out);
  return out;
}

Outcome Assigner::force_assign(OrderId id, VolunteerId v, UnixTime now) {
  Order* found = orders_.find(id.value);
  if (found == nullptr) return refused(Refusal::order_not_found);
  const Index vi = find_volunteer(v);
  if (vi == kNone) return refused(Refusal::volunteer_not_found);
  Order& o = *found;
  if (holder_of(id.value) == vi) return refused(Refusal::already_yours);
  Volunteer& vol = volunteers_[vi];
  Outcome out;
  out.warnings = ForceWarnings{.over_capacity = vol.load + 1 > vol.capacity,
                               .zone_not_covered = zone_slot(vol, o.building) == nullptr,
                               .off_shift = !vol.on_shift};
  if (o.state == OrderState::queued) {
    dequeue(id.value, o);
    give(id.value, o, vi, now, AssignReason::coordinator, std::nullopt, out);
    return out;
  }
  const Index previous = take_back(id.value, o);
  give(id.value, o, vi, now, AssignReason::coordinator, volunteers_[previous].id, out);
  pull(previous, now, out);
  return out;
}

RoundSplit Assigner::split_round(std::span<const RoundOrder> orders, UnixTime now) {
  RoundSplit result;
  std::vector<const RoundOrder*> fresh;
  fresh.reserve(orders.size());
  std::unordered_set<std::int64_t> seen;
  for (const RoundOrder& r : orders) {
    if (orders_.contains(r.id.value) || !seen.insert(r.id.value).second) {
      result.duplicates.push_back(r.id);
    } else {
      fresh.push_back(&r);
    }
  }

  // Urgent orders first so they get the capacity; within each pass whole buildings, largest
  // first (longest-processing-time order balances loads), each started on the least-loaded
  // candidate and kept together by the same-building preference.
  auto by_order = [](const RoundOrder* a, const RoundOrder* b) {
    return std::tie(a->created_at, a->id) < std::tie(b->created_at, b->id);
  };
  std::vector<const RoundOrder*> sequence;
  sequence.reserve(fresh.size());
  for (const bool urgent : {true, false}) {
    std::map<std::string_view, std::vector<const RoundOrder*>> groups;
    for (const RoundOrder* r : fresh) {
      if (r->urgent == urgent) groups[r->building].push_back(r);
    }
    std::vector<std::pair<std::string_view, std::vector<const RoundOrder*>>> flat(
        groups.begin(), groups.end());
    std::stable_sort(flat.begin(), flat.end(), [](const auto& a, const auto& b) {
      return a.second.size() > b.second.size();  // ties keep building name order (map order)
    });
    for (auto& [building, group] : flat) {
      std::sort(group.begin(), group.end(), by_order);
      sequence.insert(sequence.end(), group.begin(), group.end());
    }
  }

  Outcome& out = result.outcome;
  for (const RoundOrder* r : sequence) {
    const Index b = intern(r->building);
    Order& o = orders_.insert(r->id.value, Order{.building = b, .urgent = r->urgent,
                                                 .state = OrderState::queued, .created_at = r->created_at});
    place(r->id.value, o, now, AssignReason::round, std::nullopt, kNone, out);
  }

  std::map<VolunteerId, std::vector<const RoundOrder*>> per_volunteer;
  std::unordered_map<std::int64_t, const RoundOrder*> by_id;
  for (const RoundOrder* r : sequence) by_id.emplace(r->id.value, r);
  for (const Assignment& a : out.assigned) {
    per_volunteer[a.volunteer].push_back(by_id.at(a.order.value));
  }
  for (auto& [volunteer, list] : per_volunteer) {
    std::sort(list.begin(), list.end(), [](const RoundOrder* a, const RoundOrder* b) {
      return std::tuple(!a->urgent, std::string_view{a->building}, a->created_at, a->id) <
             std::tuple(!b->urgent, std::string_view{b->building}, b->created_at, b->id);
    });
    RoundList rl{.volunteer = volunteer, .orders = {}};
    rl.orders.reserve(list.size());
    for (const RoundOrder* r : list) rl.orders.push_back(r->id);
    result.lists.push_back(std::move(rl));
  }
  return result;
}

// --- rebuild --------------------------------------------------------------------------------

Outcome Assigner::restore_volunteer(VolunteerId v, std::vector<Building> zones,
                                    std::int32_t capacity, bool on_shift,
                                    UnixTime last_assigned) {
  if (capacity < 0) return refused(Refusal::invalid_capacity);
  Index vi = find_volunteer(v);
  if (vi == kNone) {
    vi = static_cast<Index>(volunteers_.size());
    volunteers_.push_back(Volunteer{.id = v});
    volunteer_index_.emplace(v.value, vi);
  }
  Volunteer& vol = volunteers_[vi];
  vol.capacity = capacity;
  vol.on_shift = on_shift;
  vol.last_assigned = std::max(vol.last_assigned, last_assigned);
  set_zones(vi, std::move(zones));
  return {};
}

Outcome Assigner::restore_order(OrderId id, std::string_view building, bool urgent,
                                UnixTime created_at, std::optional<VolunteerId> holder,
                                UnixTime assigned_at, bool purchased) {
  if (orders_.contains(id.value)) return refused(Refusal::order_exists);
  Index vi = kNone;
  if (holder) {
    vi = find_volunteer(*holder);
    if (vi == kNone) return refused(Refusal::volunteer_not_found);
  }
  const Index b = intern(building);
  Order& o = orders_.insert(
      id.value, Order{.building = b, .urgent = urgent, .state = OrderState::queued, .created_at = created_at});
  // Restoring is not news: nothing to announce, so the record goes to a scratch Outcome.
  Outcome scratch;
  if (vi == kNone) {
    enqueue(id.value, o, scratch);
  } else {
    if (purchased) o.state = OrderState::purchased;
    give(id.value, o, vi, assigned_at, AssignReason::new_order, std::nullopt, scratch);
  }
  return {};
}

Outcome Assigner::drain_queue(UnixTime now) {
  Outcome out;
  const std::vector<OrderKey> waiting = queued_keys();
  for (const OrderKey& k : waiting) {
    Order& o = orders_.at(k.id);
    const Index vi = best_candidate(o.building, o.released_by);
    if (vi == kNone) continue;
    dequeue(k.id, o);
    give(k.id, o, vi, now, AssignReason::from_queue, std::nullopt, out);
  }
  return out;
}

// --- queries ---------------------------------------------------------------------------

std::vector<OrderKey> Assigner::queued_keys() const {
  // A k-way merge of the building queues. Listing the queue is rare (a coordinator asks, or
  // once at start), so no global index is kept up to date on every order for it.
  using Range = std::pair<OrderQueue::const_iterator, OrderQueue::const_iterator>;
  std::vector<Range> heads;
  heads.reserve(waiting_buildings_.size());
  for (Index b : waiting_buildings_) {
    heads.emplace_back(buildings_[b].queue.begin(), buildings_[b].queue.end());
  }
  auto later = [](const Range& x, const Range& y) { return *y.first < *x.first; };
  std::make_heap(heads.begin(), heads.end(), later);
  std::vector<OrderKey> keys;
  keys.reserve(queued_);
  while (!heads.empty()) {
    std::pop_heap(heads.begin(), heads.end(), later);
    Range& r = heads.back();
    keys.push_back(*r.first);
    if (++r.first == r.second) {
      heads.pop_back();
    } else {
      std::push_heap(heads.begin(), heads.end(), later);
    }
  }
  return keys;
}

std::vector<OrderView> Assigner::queue() const {
  std::vector<OrderView> result;
  for (const OrderKey& k : queued_keys()) result.push_back(view(k.id, orders_.at(k.id)));
  return result;
}

std::int32_t Assigner::load(VolunteerId v) const {
  const Index vi = find_volunteer(v);
  return vi == kNone ? 0 : volunteers_[vi].load;
}

VolunteerView Assigner::view(const Volunteer& vol) const {
  VolunteerView v{.id = vol.id,
                  .zones = {},
                  .capacity = vol.capacity,
                  .load = vol.load,
                  .on_shift = vol.on_shift,
                  .last_assigned = vol.last_assigned};
  for (const ZoneSlot& slot : vol.zones) v.zones.push_back(buildings_[slot.building].name);
  std::sort(v.zones.begin(), v.zones.end());
  return v;
}

std::optional<VolunteerView> Assigner::volunteer(VolunteerId v) const {
  const Index vi = find_volunteer(v);
  if (vi == kNone) return std::nullopt;
  return view(volunteers_[vi]);
}

std::vector<VolunteerView> Assigner::volunteers() const {
  std::vector<VolunteerView> result;
  result.reserve(volunteers_.size());
  for (const Volunteer& vol : volunteers_) result.push_back(view(vol));
  std::sort(result.begin(), result.end(),
            [](const VolunteerView& a, const VolunteerView& b) { return a.id < b.id; });
  return result;
}

std::optional<OrderView> Assigner::order(OrderId id) const {
  const Order* o = orders_.find(id.value);
  if (o == nullptr) return std::nullopt;
  return view(id.value, *o);
}

std::vector<OrderView> Assigner::orders_of(VolunteerId v) const {
  std::vector<OrderView> result;
  const Index vi = find_volunteer(v);
  if (vi == kNone) return result;
  for (const OrderKey& k : volunteers_[vi].orders) {
    result.push_back(view(k.id, orders_.at(k.id)));
  }
  return result;
}

std::vector<OverdueOrder> Assigner::overdue(UnixTime now, UnixTime max_age) const {
  std::vector<OverdueOrder> result;
  const UnixTime limit = now - max_age;
  for (const auto& [assigned_at, id] : awaiting_purchase_) {
    if (assigned_at >= limit) break;
    result.push_back(OverdueOrder{
        .id = OrderId{id}, .volunteer = volunteers_[holdings_.at(id).holder].id, .assigned_at = assigned_at});
  }
  return result;
}

}  // namespace supplybot::handlers
