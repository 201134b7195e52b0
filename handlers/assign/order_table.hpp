#pragma once
// OrderTable<T>: the Assigner's open orders by id, a map from int64 to T built for ids that
// are nearly consecutive (order numbers from the database's autoincrement).
//
// Why not a hash map: a std::unordered_map node costs ~75 bytes beside a 32-byte order, and
// under a flood with nobody to deliver every order stays open. Here the ids from the lowest
// open one up are a window of slots in a deque (T's size each, no per-order allocation);
// a slot whose order is gone stays empty until the window's ends move past it. An id far from
// the window (more than max(1,024, window size) slots past either end: a test's arbitrary
// ids, an order restored from long ago) goes to a small hash map instead, so a stray id never
// makes the window huge.
//
// References to values stay valid until an id is erased (deque growth at the ends keeps
// them; an erase may move the oldest values into the hash map, see erase). Not thread-safe; a plain value owned by the Assigner.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <utility>

namespace supplybot::handlers {

// T{} is an empty slot and T::vacant() says whether a slot is one (a value type's own spare
// state instead of std::optional, which would add 8 bytes to each slot).
template <class T>
class OrderTable {
 public:
  bool contains(std::int64_t id) const { return find(id) != nullptr; }
  std::size_t size() const { return size_; }

  T* find(std::int64_t id) {
    return const_cast<T*>(static_cast<const OrderTable&>(*this).find(id));
  }
  const T* find(std::int64_t id) const {
    if (in_window(id)) {
      const T& slot = window_[offset(base_, id)];
      if (!slot.vacant()) return &slot;
    }
    // The window may have grown over an id kept apart earlier: that one stays in far_.
    if (far_.empty()) return nullptr;
    auto it = far_.find(id);
    return it == far_.end() ? nullptr : &it->second;
  }
  // The id's value; the id must be present.
  T& at(std::int64_t id) { return *find(id); }
  const T& at(std::int64_t id) const { return *find(id); }

  // id must not be present; value must not be vacant.
  T& insert(std::int64_t id, T value) {
    ++size_;
    if (window_.empty()) {
      base_ = id;
      return window_.emplace_back(std::move(value));
    }
    if (in_window(id)) return window_[offset(base_, id)] = std::move(value);
    const std::uint64_t reach = std::max<std::size_t>(k_min_reach, window_.size());
    if (id >= base_ && offset(base_, id) - window_.size() < reach) {
      window_.resize(offset(base_, id));
      return window_.emplace_back(std::move(value));
    }
    if (id < base_ && offset(id, base_) <= reach) {
      window_.insert(window_.begin(), offset(id, base_), T{});
      base_ = id;
      return window_.front() = std::move(value);
    }
    return far_.emplace(id, std::move(value)).first->second;
  }

  // id must be present. May move other values into far_ (so it invalidates references to them:
  // erase an order last).
  void erase(std::int64_t id) {
    --size_;
    if (!in_window(id) || window_[offset(base_, id)].vacant()) {
      far_.erase(id);
      return;
    }
    window_[offset(base_, id)] = T{};
    while (!window_.empty() && window_.front().vacant()) {
      window_.pop_front();
      ++base_;
    }
    while (!window_.empty() && window_.back().vacant()) window_.pop_back();
    // One order that never closes (nobody covers its building) would otherwise pin the window
    // open behind it while every later id passes through: when fewer than a quarter of the
    // slots hold an order, the oldest ones move to far_ until the window is dense again.
    while (window_.size() > k_min_reach && window_.size() > 4 * (size_ - far_.size())) {
      if (!window_.front().vacant()) far_.emplace(base_, std::move(window_.front()));
      window_.pop_front();
      ++base_;
      while (!window_.empty() && window_.front().vacant()) {
        window_.pop_front();
        ++base_;
      }
    }
  }

  // Slots in the window, filled or not, and ids kept apart (for the tests and the benchmark).
  std::size_t window_slots() const { return window_.size(); }
  std::size_t far_ids() const { return far_.size(); }

 private:
  static constexpr std::size_t k_min_reach = 1024;

  // to - from for from <= to, exact over the whole int64 range.
  static std::uint64_t offset(std::int64_t from, std::int64_t to) {
    return static_cast<std::uint64_t>(to) - static_cast<std::uint64_t>(from);
  }
  bool in_window(std::int64_t id) const { return id >= base_ && offset(base_, id) < window_.size(); }

  std::deque<T> window_;  // slot i holds id base_ + i; never starts or ends vacant
  std::int64_t base_{0};
  std::unordered_map<std::int64_t, T> far_;
  std::size_t size_{0};
};

}  // namespace supplybot::handlers
