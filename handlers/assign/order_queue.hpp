#pragma once
// OrderQueue: one building's waiting orders, in queue order (urgent first, then oldest, then
// lowest id), for the Assigner.
//
// Why not a std::set: a set node costs ~64 bytes of heap per waiting order, and under a flood
// with nobody to deliver, every order waits. Almost every change is at an end of the queue (a
// new order is the youngest; a volunteer takes the oldest), so the keys sit in two sorted
// deques, one per urgency, 24 bytes each. An order leaving from the middle (a /claim, a
// cancel) is marked dead in place and skipped; the dead are swept out once they outnumber the
// living, so every operation stays amortised O(log n) and the memory O(live).
//
// Not thread-safe; a plain value owned by the Assigner.

#include "handlers/assign/ids.hpp"

#include <compare>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>

namespace supplybot::handlers {

// Queue and list order: urgent first, then oldest, then lowest id.
struct OrderKey {
  std::uint8_t not_urgent;
  UnixTime created_at;
  std::int64_t id;
  auto operator<=>(const OrderKey&) const = default;
};

class OrderQueue {
  struct Entry {
    UnixTime created_at;
    std::int64_t id;
    bool dead;
  };
  using Run = std::deque<Entry>;  // sorted by (created_at, id); never starts or ends dead

 public:
  // Forward iteration over the living keys, in queue order.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = OrderKey;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = OrderKey;

    const_iterator() = default;
    OrderKey operator*() const;
    const_iterator& operator++();
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const const_iterator&) const = default;

   private:
    friend class OrderQueue;
    const_iterator(const OrderQueue* q, std::uint8_t run, Run::const_iterator at)
        : queue_(q), run_(run), at_(at) {}
    void settle();  // skips the dead, and from the end of the urgent run into the other

    const OrderQueue* queue_{nullptr};
    std::uint8_t run_{2};  // 0 urgent, 1 not urgent, 2 end
    Run::const_iterator at_{};
  };

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  const_iterator begin() const;
  const_iterator end() const { return const_iterator{this, 2, Run::const_iterator{}}; }

  // key must not be in the queue already.
  void insert(const OrderKey& key);
  // key must be in the queue.
  void erase(const OrderKey& key);

  // Entries marked dead and not yet swept out (the tests check the sweep keeps up).
  std::size_t dead_entries() const { return dead_; }

 private:
  Run& run_of(std::uint8_t not_urgent) { return not_urgent == 0 ? urgent_ : normal_; }
  void sweep();

  Run urgent_;
  Run normal_;
  std::size_t live_{0};
  std::size_t dead_{0};
};

}  // namespace supplybot::handlers
