// Randomized check of Assigner against a naive reference model that applies the same rules by
// scanning everything. Every call must return the same Outcome and leave the same state, and
// the invariants of the rules must hold after every step.

#include "handlers/assign/assigner.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using namespace supplybot::handlers;

namespace {

struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::int64_t below(std::int64_t n) {
    return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n));
  }
};

// The rules, written the obvious way: every decision scans all volunteers or all orders.
class Reference {
 public:
  struct Vol {
    std::set<Building> zones;
    std::int32_t capacity{0};
    bool on{false};
    UnixTime last{0};
  };
  struct Ord {
    Building building;
    bool urgent{false};
    OrderState state{OrderState::queued};
    std::optional<std::int64_t> holder{};
    std::optional<std::int64_t> released_by{};
    UnixTime created{0};
    UnixTime assigned_at{0};
  };

  std::map<std::int64_t, Vol> vols;
  std::map<std::int64_t, Ord> ords;
  std::set<std::int64_t> may_exceed;  // forced over capacity or capacity lowered

  std::int32_t load(std::int64_t v) const {
    std::int32_t n = 0;
    for (const auto& [id, o] : ords) n += o.holder == v ? 1 : 0;
    return n;
  }
  bool carries(std::int64_t v, const Building& b) const {
    for (const auto& [id, o] : ords) {
      if (o.holder == v && o.building == b) return true;
    }
    return false;
  }
  bool eligible(std::int64_t v, const Building& b) const {
    const Vol& vol = vols.at(v);
    return vol.on && vol.zones.contains(b) && load(v) < vol.capacity;
  }
  std::optional<std::int64_t> best(const Building& b, std::optional<std::int64_t> exclude) const {
    std::optional<std::tuple<int, std::int32_t, UnixTime, std::int64_t>> best_key;
    for (const auto& [id, vol] : vols) {
      if (id == exclude || !eligible(id, b)) continue;
      auto key = std::tuple(carries(id, b) ? 0 : 1, load(id), vol.last, id);
      if (!best_key || key < *best_key) best_key = key;
    }
    if (!best_key) return std::nullopt;
    return std::get<3>(*best_key);
  }
  static auto qkey(std::int64_t id, const Ord& o) { return std::tuple(!o.urgent, o.created, id); }
  std::vector<std::int64_t> queue() const {
    std::vector<std::int64_t> q;
    for (const auto& [id, o] : ords) {
      if (o.state == OrderState::queued) q.push_back(id);
    }
    std::sort(q.begin(), q.end(), [&](auto a, auto b) {
      return qkey(a, ords.at(a)) < qkey(b, ords.at(b));
    });
    return q;
  }

  void give(std::int64_t id, std::int64_t v, UnixTime now, AssignReason reason,
            std::optional<VolunteerId> from, Outcome& out) {
    Ord& o = ords.at(id);
    if (o.state != OrderState::purchased) o.state = OrderState::assigned;
    o.holder = v;
    o.released_by.reset();
    o.assigned_at = now;
    vols.at(v).last = std::max(vols.at(v).last, now);
    out.assigned.push_back({OrderId{id}, VolunteerId{v}, reason, from, o.urgent});
  }
  void place(std::int64_t id, UnixTime now, AssignReason reason, std::optional<VolunteerId> from,
             std::optional<std::int64_t> exclude, Outcome& out) {
    Ord& o = ords.at(id);
    if (auto v = best(o.building, exclude)) {
      give(id, *v, now, reason, from, out);
    } else {
      o.state = OrderState::queued;
      o.holder.reset();
      o.assigned_at = 0;
      out.queued.push_back(OrderId{id});
    }
  }
  void pull(std::int64_t v, UnixTime now, Outcome& out) {
    for (;;) {
      const Vol& vol = vols.at(v);
      if (!vol.on || load(v) >= vol.capacity) return;
      std::optional<std::int64_t> pick;
      for (std::int64_t id : queue()) {
        const Ord& o = ords.at(id);
        if (vol.zones.contains(o.building) && o.released_by != v) {
          pick = id;
          break;
        }
      }
      if (!pick) return;
      give(*pick, v, now, AssignReason::from_queue, std::nullopt, out);
    }
  }
  static Outcome refused(Refusal r) {
    Outcome out;
    out.refusal = r;
    return out;
  }

  Outcome upsert(std::int64_t v, const std::vector<Building>& zones, std::int32_t cap,
                 UnixTime now) {
    if (cap < 0) return refused(Refusal::invalid_capacity);
    Vol& vol = vols[v];
    vol.zones = std::set<Building>(zones.begin(), zones.end());
    vol.capacity = cap;
    if (load(v) > cap) may_exceed.insert(v);
    Outcome out;
    pull(v, now, out);
    return out;
  }
  Outcome shift(std::int64_t v, bool on, UnixTime now) {
    if (!vols.contains(v)) return refused(Refusal::volunteer_not_found);
    Outcome out;
    Vol& vol = vols.at(v);
    if (on) {
      vol.on = true;
      pull(v, now, out);
      return out;
    }
    if (!vol.on) return out;
    vol.on = false;
    std::vector<std::int64_t> held;
    for (const auto& [id, o] : ords) {
      if (o.holder == v) held.push_back(id);
    }
    std::sort(held.begin(), held.end(),
              [&](auto a, auto b) { return qkey(a, ords.at(a)) < qkey(b, ords.at(b)); });
    for (std::int64_t id : held) {
      if (ords.at(id).state == OrderState::purchased) {
        out.kept.push_back(OrderId{id});
        continue;
      }
      ords.at(id).holder.reset();
      place(id, now, AssignReason::reassigned, VolunteerId{v}, v, out);
    }
    return out;
  }
  Outcome add(std::int64_t id, const Building& b, bool urgent, UnixTime now) {
    if (ords.contains(id)) return refused(Refusal::order_exists);
    ords[id] = Ord{.building = b, .urgent = urgent, .created = now};
    Outcome out;
    place(id, now, AssignReason::new_order, std::nullopt, std::nullopt, out);
    return out;
  }
  Outcome purchased(std::int64_t id) {
    if (!ords.contains(id)) return refused(Refusal::order_not_found);
    Ord& o = ords.at(id);
    if (o.state == OrderState::queued) return refused(Refusal::not_assigned);
    if (o.state == OrderState::purchased) return refused(Refusal::already_purchased);
    o.state = OrderState::purchased;
    return {};
  }
  Outcome set_urgent(std::int64_t id, bool urgent) {
    if (!ords.contains(id)) return refused(Refusal::order_not_found);
    ords.at(id).urgent = urgent;
    return {};
  }
  Outcome complete(std::int64_t id, UnixTime now) {
    if (!ords.contains(id)) return refused(Refusal::order_not_found);
    if (ords.at(id).state == OrderState::queued) return refused(Refusal::not_assigned);
    const std::int64_t v = *ords.at(id).holder;
    ords.erase(id);
    Outcome out;
    pull(v, now, out);
    return out;
  }
  Outcome cancel(std::int64_t id, UnixTime now) {
    if (!ords.contains(id)) return refused(Refusal::order_not_found);
    Outcome out;
    const auto holder = ords.at(id).holder;
    ords.erase(id);
    if (holder) pull(*holder, now, out);
    return out;
  }
  Outcome claim(std::int64_t id, std::int64_t v, UnixTime now) {
    if (!ords.contains(id)) return refused(Refusal::order_not_found);
    if (!vols.contains(v)) return refused(Refusal::volunteer_not_found);
    const Ord& o = ords.at(id);
    const Vol& vol = vols.at(v);
    if (o.state != OrderState::queued) return refused(Refusal::not_in_queue);
    if (!vol.on) return refused(Refusal::off_shift);
    if (!vol.zones.contains(o.building)) return refused(Refusal::zone_not_covered);
    if (load(v) >= vol.capacity) return refused(Refusal::at_capacity);
    Outcome out;
    give(id, v, now, AssignReason::claimed, std::nullopt, out);
    return out;
  }
  Outcome release(std::int64_t id, std::int64_t v, UnixTime now) {
    if (!ords.contains(id)) return refused(Refusal::order_not_found);
    if (!vols.contains(v)) return refused(Refusal::volunteer_not_found);
    Ord& o = ords.at(id);
    if (o.holder != v) return refused(Refusal::not_yours);
    if (o.state == OrderState::purchased) return refused(Refusal::already_purchased);
    Outcome out;
    o.holder.reset();
    o.released_by = v;
    place(id, now, AssignReason::reassigned, VolunteerId{v}, v, out);
    pull(v, now, out);
    return out;
  }
  Outcome force(std::int64_t id, std::int64_t v, UnixTime now) {
    if (!ords.contains(id)) return refused(Refusal::order_not_found);
    if (!vols.contains(v)) return refused(Refusal::volunteer_not_found);
    Ord& o = ords.at(id);
    if (o.holder == v) return refused(Refusal::already_yours);
    const Vol& vol = vols.at(v);
    Outcome out;
    out.warnings = {.over_capacity = load(v) + 1 > vol.capacity,
                    .zone_not_covered = !vol.zones.contains(o.building),
                    .off_shift = !vol.on};
    if (out.warnings.over_capacity) may_exceed.insert(v);
    const auto previous = o.holder;
    give(id, v, now, AssignReason::coordinator,
         previous ? std::optional(VolunteerId{*previous}) : std::nullopt, out);
    if (previous) pull(*previous, now, out);
    return out;
  }
  RoundSplit round(const std::vector<RoundOrder>& batch, UnixTime now) {
    RoundSplit split;
    std::vector<RoundOrder> fresh;
    std::set<std::int64_t> seen;
    for (const auto& r : batch) {
      if (ords.contains(r.id.value) || !seen.insert(r.id.value).second) {
        split.duplicates.push_back(r.id);
      } else {
        fresh.push_back(r);
      }
    }
    std::vector<RoundOrder> sequence;
    for (bool urgent : {true, false}) {
      std::map<Building, std::vector<RoundOrder>> groups;
      for (const auto& r : fresh) {
        if (r.urgent == urgent) groups[r.building].push_back(r);
      }
      std::vector<std::pair<Building, std::vector<RoundOrder>>> flat(groups.begin(),
                                                                     groups.end());
      std::stable_sort(flat.begin(), flat.end(), [](const auto& a, const auto& b) {
        return a.second.size() > b.second.size();
      });
      for (auto& [b, g] : flat) {
        std::sort(g.begin(), g.end(), [](const auto& x, const auto& y) {
          return std::tie(x.created_at, x.id) < std::tie(y.created_at, y.id);
        });
        sequence.insert(sequence.end(), g.begin(), g.end());
      }
    }
    for (const auto& r : sequence) {
      ords[r.id.value] = Ord{.building = r.building, .urgent = r.urgent, .created = r.created_at};
      place(r.id.value, now, AssignReason::round, std::nullopt, std::nullopt, split.outcome);
    }
    return split;
  }
};

std::string describe(const Outcome& o) {
  std::ostringstream s;
  s << "refusal=" << (o.refusal ? to_string(*o.refusal) : "-") << " assigned=[";
  for (const auto& a : o.assigned) {
    s << a.order.value << "->" << a.volunteer.value << ":" << to_string(a.reason);
    if (a.from) s << "<" << a.from->value;
    s << (a.urgent ? "! " : " ");
  }
  s << "] queued=[";
  for (auto q : o.queued) s << q.value << " ";
  s << "] kept=[";
  for (auto k : o.kept) s << k.value << " ";
  s << "] warn=" << o.warnings.over_capacity << o.warnings.zone_not_covered
    << o.warnings.off_shift;
  return s.str();
}

bool same(const Outcome& a, const Outcome& b) {
  if (a.refusal != b.refusal || a.assigned.size() != b.assigned.size() || a.queued != b.queued ||
      a.kept != b.kept || a.warnings.over_capacity != b.warnings.over_capacity ||
      a.warnings.zone_not_covered != b.warnings.zone_not_covered ||
      a.warnings.off_shift != b.warnings.off_shift) {
    return false;
  }
  for (std::size_t i = 0; i < a.assigned.size(); ++i) {
    const auto& x = a.assigned[i];
    const auto& y = b.assigned[i];
    if (x.order != y.order || x.volunteer != y.volunteer || x.reason != y.reason ||
        x.from != y.from || x.urgent != y.urgent) {
      return false;
    }
  }
  return true;
}

void check_state(const Assigner& a, const Reference& ref, UnixTime now, const std::string& where) {
  INFO(where);
  // Queue: same orders in the same order, and only unassigned ones.
  std::vector<std::int64_t> queue;
  for (const auto& v : a.queue()) {
    queue.push_back(v.id.value);
    CHECK(v.state == OrderState::queued);
    CHECK_FALSE(v.holder.has_value());
  }
  CHECK(queue == ref.queue());
  CHECK(a.queue_size() == queue.size());
  CHECK(a.open_orders() == ref.ords.size());
  for (const auto& [id, vol] : ref.vols) {
    const std::int32_t load = ref.load(id);
    CHECK(a.load(VolunteerId{id}) == load);
    // Load equals the number of open orders held, and the holder's list says so, urgent
    // first, then oldest.
    std::vector<std::int64_t> held;
    for (const auto& [oid, o] : ref.ords) {
      if (o.holder == id) held.push_back(oid);
    }
    std::sort(held.begin(), held.end(), [&](auto x, auto y) {
      return Reference::qkey(x, ref.ords.at(x)) < Reference::qkey(y, ref.ords.at(y));
    });
    std::vector<std::int64_t> listed;
    for (const auto& v : a.orders_of(VolunteerId{id})) listed.push_back(v.id.value);
    CHECK(listed == held);
    CHECK(listed.size() == static_cast<std::size_t>(load));
    // Nobody above capacity except by force or a lowered capacity.
    if (load > vol.capacity) CHECK(ref.may_exceed.contains(id));
  }
  for (const auto& [id, o] : ref.ords) {
    const auto view = a.order(OrderId{id});
    REQUIRE(view.has_value());
    CHECK(view->state == o.state);
    CHECK(view->holder == (o.holder ? std::optional(VolunteerId{*o.holder}) : std::nullopt));
    CHECK(view->assigned_at == o.assigned_at);
    CHECK(view->urgent == o.urgent);
    // A waiting order has no candidate, except the volunteer who released it.
    if (o.state == OrderState::queued) CHECK_FALSE(ref.best(o.building, o.released_by));
  }
  // Overdue: assigned, not purchased, older than the limit, oldest first.
  const UnixTime max_age = 20;
  std::vector<std::tuple<UnixTime, std::int64_t>> expected;
  for (const auto& [id, o] : ref.ords) {
    if (o.state == OrderState::assigned && o.assigned_at < now - max_age) {
      expected.emplace_back(o.assigned_at, id);
    }
  }
  std::sort(expected.begin(), expected.end());
  std::vector<std::tuple<UnixTime, std::int64_t>> got;
  for (const auto& late : a.overdue(now, max_age)) got.emplace_back(late.assigned_at, late.id.value);
  CHECK(got == expected);
}

}  // namespace

TEST_CASE("model: random operations agree with a naive reference and keep the invariants") {
  const std::vector<Building> buildings{"1", "2", "3", "4"};
  // wide_zones 0 and 1 index (almost) every volunteer as wide, 2 mixes both kinds, the default
  // indexes all as narrow: the decisions must not depend on it.
  for (const std::size_t wide_zones : {std::size_t{0}, std::size_t{1}, std::size_t{2},
                                       Assigner::kDefaultWideZones}) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    CAPTURE(wide_zones);
    CAPTURE(seed);
    Rng rng{seed + 1000 * wide_zones};
    Assigner a{wide_zones};
    // Odd seeds: small capacities, so the queue is busy. Even seeds: room to spare, so most
    // orders have several candidates and the choice between them is exercised.
    const std::int64_t cap_range = seed % 2 == 1 ? 4 : 9;
    Reference ref;
    UnixTime now = 1000;
    std::int64_t next_order = 1;
    auto random_zones = [&] {
      std::vector<Building> z;
      for (const auto& b : buildings) {
        if (rng.below(2) == 0) z.push_back(b);
      }
      return z;
    };
    auto any_order = [&] { return rng.below(next_order + 1); };  // includes unknown ids
    auto any_volunteer = [&] { return rng.below(6) + 1; };       // 6 may not exist yet
    for (int v = 1; v <= 4; ++v) {
      const auto zones = random_zones();
      const auto cap = static_cast<std::int32_t>(rng.below(cap_range));
      REQUIRE(same(a.upsert_volunteer(VolunteerId{v}, zones, cap, now),
                   ref.upsert(v, zones, cap, now)));
    }
    for (int step = 0; step < 300; ++step) {
      now += rng.below(4);  // equal times happen: ties on idle time are exercised
      const auto op = rng.below(100);
      Outcome got;
      Outcome want;
      std::string what;
      if (op < 30) {
        const auto id = rng.below(8) == 0 ? any_order() : next_order++;
        const auto& b = buildings[static_cast<std::size_t>(rng.below(4))];
        const bool urgent = rng.below(5) == 0;
        what = "add " + std::to_string(id) + " " + b;
        got = a.add_order(OrderId{id}, b, urgent, now);
        want = ref.add(id, b, urgent, now);
      } else if (op < 42) {
        const auto id = any_order();
        what = "complete " + std::to_string(id);
        got = a.complete(OrderId{id}, now);
        want = ref.complete(id, now);
      } else if (op < 46) {
        const auto id = any_order();
        what = "cancel " + std::to_string(id);
        got = a.cancel(OrderId{id}, now);
        want = ref.cancel(id, now);
      } else if (op < 58) {
        const auto v = any_volunteer();
        const bool on = rng.below(3) != 0;
        what = "shift " + std::to_string(v) + (on ? " on" : " off");
        got = a.set_on_shift(VolunteerId{v}, on, now);
        want = ref.shift(v, on, now);
      } else if (op < 65) {
        const auto id = any_order();
        const auto v = any_volunteer();
        what = "claim " + std::to_string(id) + " by " + std::to_string(v);
        got = a.claim(OrderId{id}, VolunteerId{v}, now);
        want = ref.claim(id, v, now);
      } else if (op < 73) {
        const auto id = any_order();
        // Usually the real holder, so releases succeed often enough to matter.
        std::int64_t v = any_volunteer();
        if (ref.ords.contains(id) && ref.ords.at(id).holder && rng.below(4) != 0) {
          v = *ref.ords.at(id).holder;
        }
        what = "release " + std::to_string(id) + " by " + std::to_string(v);
        got = a.release(OrderId{id}, VolunteerId{v}, now);
        want = ref.release(id, v, now);
      } else if (op < 78) {
        const auto id = any_order();
        const auto v = any_volunteer();
        what = "force " + std::to_string(id) + " to " + std::to_string(v);
        got = a.force_assign(OrderId{id}, VolunteerId{v}, now);
        want = ref.force(id, v, now);
      } else if (op < 86) {
        const auto id = any_order();
        what = "purchased " + std::to_string(id);
        got = a.mark_purchased(OrderId{id});
        want = ref.purchased(id);
      } else if (op < 89) {
        const auto id = any_order();
        const bool urgent = rng.below(2) == 0;
        what = "urgent " + std::to_string(id) + (urgent ? " on" : " off");
        got = a.set_urgent(OrderId{id}, urgent);
        want = ref.set_urgent(id, urgent);
      } else if (op < 94) {
        const auto v = any_volunteer();
        const auto zones = random_zones();
        const auto cap =
            static_cast<std::int32_t>(rng.below(cap_range + 1)) - (rng.below(20) == 0 ? 9 : 0);
        what = "upsert " + std::to_string(v) + " cap " + std::to_string(cap);
        got = a.upsert_volunteer(VolunteerId{v}, zones, cap, now);
        want = ref.upsert(v, zones, cap, now);
      } else {
        std::vector<RoundOrder> batch;
        const auto n = rng.below(8);
        for (std::int64_t i = 0; i < n; ++i) {
          const auto id = rng.below(6) == 0 ? any_order() : next_order++;
          batch.push_back(RoundOrder{.id = OrderId{id},
                                     .building = buildings[static_cast<std::size_t>(rng.below(4))],
                                     .urgent = rng.below(4) == 0,
                                     .created_at = now - rng.below(30)});
        }
        what = "round of " + std::to_string(n);
        const RoundSplit s1 = a.split_round(batch, now);
        const RoundSplit s2 = ref.round(batch, now);
        got = s1.outcome;
        want = s2.outcome;
        CHECK(s1.duplicates == s2.duplicates);
      }
      INFO("step " << step << ": " << what);
      INFO("assigner:  " << describe(got));
      INFO("reference: " << describe(want));
      REQUIRE(same(got, want));
      check_state(a, ref, now, what);
    }
  }
  }
}
