// OrderTable against the std::map it stands for: same ids, same values, after any mix of inserts
// and erases, with near ids in the window, far ones kept apart, and the window kept dense.
#include "handlers/assign/order_table.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <vector>

using supplybot::handlers::OrderTable;

namespace {

struct Slot {
  std::int64_t value{0};  // 0: vacant
  bool vacant() const { return value == 0; }
};

}  // namespace

TEST_CASE("OrderTable: consecutive ids live in the window") {
  OrderTable<Slot> t;
  CHECK(t.find(1) == nullptr);
  for (std::int64_t id = 100; id < 200; ++id) t.insert(id, Slot{id * 2});
  CHECK(t.size() == 100);
  CHECK(t.window_slots() == 100);
  CHECK(t.far_ids() == 0);
  CHECK(t.at(150).value == 300);
  CHECK_FALSE(t.contains(99));
  CHECK_FALSE(t.contains(200));
  t.erase(150);  // a hole in the middle stays a slot
  CHECK_FALSE(t.contains(150));
  CHECK(t.window_slots() == 100);
  t.erase(100);  // the front moves up
  CHECK(t.window_slots() == 99);
  t.erase(199);
  CHECK(t.window_slots() == 98);
  t.insert(150, Slot{1});
  CHECK(t.at(150).value == 1);
  CHECK(t.size() == 98);
}

TEST_CASE("OrderTable: a reference stays valid while the window grows") {
  OrderTable<Slot> t;
  Slot& first = t.insert(1, Slot{11});
  for (std::int64_t id = 2; id < 5000; ++id) t.insert(id, Slot{id});
  t.insert(0, Slot{5});  // growth at the front too
  CHECK(first.value == 11);
  CHECK(&first == t.find(1));
}

TEST_CASE("OrderTable: a far id is kept apart, and found when the window grows over it") {
  OrderTable<Slot> t;
  t.insert(10, Slot{1});
  t.insert(1'000'000, Slot{2});  // far past the end: no million empty slots
  CHECK(t.window_slots() == 1);
  CHECK(t.far_ids() == 1);
  t.insert(-5'000'000, Slot{3});  // far before the start
  CHECK(t.far_ids() == 2);
  CHECK(t.at(1'000'000).value == 2);
  CHECK(t.at(-5'000'000).value == 3);
  // Grow the window up to and past the far id, 1,024 at a time.
  for (std::int64_t id = 11; id <= 1'000'100; ++id) {
    if (id != 1'000'000) t.insert(id, Slot{id});
  }
  CHECK(t.at(1'000'000).value == 2);
  t.erase(1'000'000);
  CHECK_FALSE(t.contains(1'000'000));
  CHECK(t.far_ids() == 1);
  t.insert(1'000'000, Slot{4});  // now a window slot
  CHECK(t.far_ids() == 1);
  CHECK(t.at(1'000'000).value == 4);
}

TEST_CASE("OrderTable: the extremes of int64") {
  constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  OrderTable<Slot> t;
  t.insert(lo, Slot{1});
  t.insert(hi, Slot{2});
  t.insert(0, Slot{3});
  t.insert(hi - 1, Slot{4});
  t.insert(lo + 1, Slot{5});
  CHECK(t.at(lo).value == 1);
  CHECK(t.at(hi).value == 2);
  CHECK(t.at(0).value == 3);
  CHECK(t.at(hi - 1).value == 4);
  CHECK(t.at(lo + 1).value == 5);
  t.erase(lo);
  t.erase(hi);
  CHECK_FALSE(t.contains(lo));
  CHECK_FALSE(t.contains(hi));
  CHECK(t.size() == 3);
}

TEST_CASE("OrderTable: one order that never closes does not pin the window open") {
  OrderTable<Slot> t;
  t.insert(1, Slot{1});  // never erased
  for (std::int64_t id = 2; id < 200'000; ++id) {
    t.insert(id, Slot{id});
    if (id > 11) t.erase(id - 10);  // the rest close soon after they open
  }
  CHECK(t.at(1).value == 1);
  CHECK(t.size() == 11);
  CHECK(t.window_slots() <= 1024 + 64);
}

TEST_CASE("OrderTable: random operations agree with a std::map") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20; ++round) {
    OrderTable<Slot> t;
    std::map<std::int64_t, std::int64_t> model;
    std::int64_t next = static_cast<std::int64_t>(rng() % 1000) - 500;
    for (int i = 0; i < 4000; ++i) {
      const auto dice = rng() % 100;
      if (dice < 50 || model.empty()) {
        std::int64_t id;
        if (dice < 40) {
          id = next++;  // the usual: the next id
        } else if (dice < 45) {
          id = next - 1 - static_cast<std::int64_t>(rng() % 3000);  // an older one, maybe far
        } else {
          id = static_cast<std::int64_t>(rng());  // anywhere
        }
        if (model.count(id) != 0) continue;
        const std::int64_t v = static_cast<std::int64_t>(rng() % 1000) + 1;
        t.insert(id, Slot{v});
        model[id] = v;
      } else {
        auto it = model.begin();
        if (rng() % 2 == 0) std::advance(it, static_cast<std::ptrdiff_t>(rng() % model.size()));
        t.erase(it->first);
        model.erase(it);
      }
      REQUIRE(t.size() == model.size());
      if (i % 50 == 0) {
        for (const auto& [id, v] : model) REQUIRE(t.at(id).value == v);
        REQUIRE_FALSE(t.contains(next));
        // Dense enough: never more than 4 slots per order in it, beyond the minimum reach.
        REQUIRE(t.window_slots() <= std::max<std::size_t>(1024, 4 * (t.size() - t.far_ids())) + 1024);
      }
    }
  }
}
