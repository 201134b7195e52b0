// OrderQueue against the std::set it replaced: the same keys in the same order after any mix of
// inserts and erases, with the dead entries kept within bounds.
#include "handlers/assign/order_queue.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <iterator>
#include <limits>
#include <random>
#include <set>
#include <vector>

using supplybot::handlers::OrderKey;
using supplybot::handlers::OrderQueue;

namespace {

OrderKey key(bool urgent, std::int64_t created_at, std::int64_t id) {
  return OrderKey{.not_urgent = static_cast<std::uint8_t>(urgent ? 0 : 1), .created_at = created_at, .id = id};
}

std::vector<OrderKey> listed(const OrderQueue& q) { return {q.begin(), q.end()}; }

}  // namespace

TEST_CASE("OrderQueue: urgent first, then oldest, then lowest id") {
  OrderQueue q;
  CHECK(q.empty());
  CHECK(q.begin() == q.end());
  q.insert(key(false, 100, 7));
  q.insert(key(false, 50, 9));   // older: goes before, not at the back
  q.insert(key(true, 200, 3));   // urgent beats older
  q.insert(key(false, 100, 2));  // same time, lower id first
  CHECK(q.size() == 4);
  CHECK(listed(q) == std::vector<OrderKey>{key(true, 200, 3), key(false, 50, 9), key(false, 100, 2),
                                           key(false, 100, 7)});
}

TEST_CASE("OrderQueue: erasing in the middle, at the ends, and queueing the same order again") {
  OrderQueue q;
  for (std::int64_t id = 1; id <= 5; ++id) q.insert(key(false, id * 10, id));
  q.erase(key(false, 30, 3));  // middle: marked dead, not listed
  CHECK(q.dead_entries() == 1);
  CHECK(listed(q) == std::vector<OrderKey>{key(false, 10, 1), key(false, 20, 2), key(false, 40, 4),
                                           key(false, 50, 5)});
  q.insert(key(false, 30, 3));  // back again: revived in place
  CHECK(q.dead_entries() == 0);
  CHECK(q.size() == 5);
  q.erase(key(false, 20, 2));
  q.erase(key(false, 10, 1));  // the front goes, and the dead entry behind it with it
  CHECK(q.dead_entries() == 0);
  CHECK(listed(q) == std::vector<OrderKey>{key(false, 30, 3), key(false, 40, 4), key(false, 50, 5)});
  q.erase(key(false, 40, 4));
  q.erase(key(false, 50, 5));  // the back goes, and the dead one before it
  CHECK(q.dead_entries() == 0);
  CHECK(listed(q) == std::vector<OrderKey>{key(false, 30, 3)});
  q.erase(key(false, 30, 3));
  CHECK(q.empty());
  CHECK(q.begin() == q.end());
}

TEST_CASE("OrderQueue: an all-dead urgent run is skipped into the normal one") {
  OrderQueue q;
  q.insert(key(true, 1, 1));
  q.insert(key(true, 2, 2));
  q.insert(key(true, 3, 3));
  q.insert(key(false, 0, 4));
  q.erase(key(true, 2, 2));
  CHECK(listed(q) == std::vector<OrderKey>{key(true, 1, 1), key(true, 3, 3), key(false, 0, 4)});
  auto it = q.begin();
  CHECK(*it++ == key(true, 1, 1));
  CHECK(*it == key(true, 3, 3));
}

TEST_CASE("OrderQueue: extreme times and ids") {
  constexpr std::int64_t lo = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t hi = std::numeric_limits<std::int64_t>::max();
  OrderQueue q;
  q.insert(key(false, hi, hi));
  q.insert(key(false, lo, lo));
  q.insert(key(false, 0, 0));
  CHECK(listed(q) == std::vector<OrderKey>{key(false, lo, lo), key(false, 0, 0), key(false, hi, hi)});
}

TEST_CASE("OrderQueue: random operations list what a std::set lists, and the dead stay few") {
  std::mt19937_64 rng(20261207);
  for (int round = 0; round < 20; ++round) {
    OrderQueue q;
    std::set<OrderKey> model;
    std::vector<OrderKey> gone;  // keys erased before, to queue again
    std::int64_t next_id = 1;
    const int ops = 3000;
    for (int i = 0; i < ops; ++i) {
      const auto dice = rng() % 100;
      if (dice < 45 || model.empty()) {
        OrderKey k;
        if (!gone.empty() && rng() % 4 == 0) {
          const std::size_t at = rng() % gone.size();
          k = gone[at];
          gone.erase(gone.begin() + static_cast<std::ptrdiff_t>(at));
        } else {
          // Mostly the youngest, sometimes an older one (a restored order, a clock step).
          const std::int64_t t = rng() % 5 == 0 ? static_cast<std::int64_t>(rng() % 1000) : 1000 + next_id;
          k = key(rng() % 6 == 0, t, next_id++);
        }
        q.insert(k);
        model.insert(k);
      } else {
        // Mostly the head (a volunteer takes the oldest), sometimes any one (a /claim, a cancel).
        auto it = model.begin();
        if (rng() % 3 == 0) std::advance(it, static_cast<std::ptrdiff_t>(rng() % model.size()));
        q.erase(*it);
        gone.push_back(*it);
        model.erase(it);
      }
      REQUIRE(q.size() == model.size());
      REQUIRE(q.empty() == model.empty());
      // Swept once the dead outnumber the living (and are at least a few).
      REQUIRE(q.dead_entries() <= std::max<std::size_t>(32, q.size() + 1));
      if (i % 97 == 0) REQUIRE(listed(q) == std::vector<OrderKey>(model.begin(), model.end()));
    }
    CHECK(listed(q) == std::vector<OrderKey>(model.begin(), model.end()));
  }
}
